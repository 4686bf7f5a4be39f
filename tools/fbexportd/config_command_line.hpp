#pragma once

#include <getopt.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "service_config.hpp"

namespace fbx::cli {

// fbexportd --config FILE, and the rest of the command line over it.
class ConfigCommandLine {
public:
    static constexpr int first_option_id = 5000;
    static std::vector<option> options();
    static std::string_view help();

    // Takes --config and --check-config; false for any other option.
    bool take(int id, const char* value);
    // Notes every option getopt_long returned, by its long name: those that
    // say what is served override the file.
    void given(std::string_view long_name) { given_.emplace(long_name); }

    const std::optional<std::string>& file() const { return file_; }
    // --check-config: read the configuration, say whether it is valid, exit.
    bool check_only() const { return check_only_; }

    // What to serve. Without --config, `command_line` (what the options
    // alone say). With it, the file, read now (at start and at each reload),
    // with what the options gave over it: --source or --all-vgpus replace
    // the file's displays; other display options act on them as
    // ConfigOverrides says; --convert replaces the file's. Throws
    // ConfigError.
    ServiceConfig config(const ServiceConfig& command_line) const;

private:
    bool was_given(std::string_view name) const { return given_.count(std::string(name)) != 0; }

    std::optional<std::string> file_;
    bool check_only_ = false;
    std::set<std::string> given_;
};

}  // namespace fbx::cli
