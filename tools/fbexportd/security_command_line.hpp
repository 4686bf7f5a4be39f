#pragma once

#include <getopt.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service_config.hpp"

namespace fbx::cli {

// fbexportd's options for the network side: --vnc-max-clients,
// --vnc-auth-failures, --vnc-auth-block, --http-cert, --http-key.
class SecurityCommandLine {
public:
    static constexpr int first_option_id = 3000;
    static std::vector<option> options();
    static std::string_view help();

    // Takes one parsed option; false when `id` is not one of these.
    // Throws UsageError on a bad value.
    bool take(int id, const char* value);
    // Checks the options together (a key needs a certificate and the other
    // way round); throws UsageError.
    void validate() const;
    // Puts what was given over `network` (the configuration file's, or the
    // defaults): what was not given stays as it is.
    void apply(NetworkPolicy& network) const;

private:
    std::optional<std::uint32_t> max_clients_;
    std::optional<std::uint32_t> auth_failure_limit_;
    std::optional<std::chrono::seconds> auth_failure_window_;
    std::optional<std::chrono::seconds> auth_block_;
    std::optional<std::string> cert_file_;
    std::optional<std::string> key_file_;
};

}  // namespace fbx::cli
