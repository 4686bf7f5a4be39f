#pragma once

#include <getopt.h>

#include <optional>
#include <string_view>
#include <vector>

#include "display_service.hpp"
#include "encoders/vnc_sink.hpp"
#include "encoders/web_server.hpp"

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
    // Puts what was given into the service's options.
    void apply(VncOptions& vnc, BrowserOptions& browser) const;

private:
    VncOptions limits_;  // only the limits are used
    std::optional<std::string> cert_file_;
    std::optional<std::string> key_file_;
};

}  // namespace fbx::cli
