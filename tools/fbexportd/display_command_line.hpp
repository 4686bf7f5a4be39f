#pragma once

#include <getopt.h>

#include <optional>
#include <string_view>
#include <vector>

#include "service_config.hpp"
#include "stream_command_line.hpp"

namespace fbx::cli {

// fbexportd's options that say what is served, turned into a ServiceConfig:
// --source (repeatable: one display each), the per-display --vnc, --http and
// stream outputs, which apply to the display of the --source before them
// (given before any --source, to the first display), the options shared by
// every display (--vnc-password-file, --encoder, ...), and --all-vgpus.
class DisplayCommandLine {
public:
    static constexpr int first_option_id = 4000;
    static std::vector<option> options();
    static std::string_view help();

    // Takes one parsed option; false when `id` is none of these. Throws
    // UsageError on a bad value.
    bool take(int id, const char* value);
    // The configuration the options say; throws UsageError when they do not
    // fit together (two displays on one port, an output with no display).
    ServiceConfig config(ConvertMode convert) const;

private:
    struct Display {
        std::optional<SourceSpec> source;
        std::optional<ListenAddress> vnc;
        std::optional<ListenAddress> http;
        StreamCommandLine streams;
        std::vector<std::string> given;  // per-display options, for messages
    };
    Display& current();

    std::vector<Display> displays_;
    StreamCommandLine shared_;
    std::optional<std::string> password_;
    std::optional<ListenAddress> all_vgpus_;
};

}  // namespace fbx::cli
