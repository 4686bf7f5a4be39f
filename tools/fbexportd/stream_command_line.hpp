#pragma once

#include <getopt.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encoders/stream_options.hpp"

namespace fbx::cli {

// fbexportd's stream options: --encoder, --record, --rtp, --rtsp,
// --rtsp-path, --rtsp-credentials-file, --gst-pipeline, --stream-fps.
class StreamCommandLine {
public:
    static constexpr int first_option_id = 2000;
    static std::vector<option> options();
    static std::string_view help();

    // Whether option `id` names one display's stream (--record, --rtp,
    // --rtsp, --rtsp-path, --gst-pipeline) rather than how every stream is made
    // (--encoder, --rtsp-credentials-file, --stream-fps).
    static bool per_display(int id);

    // Takes one parsed option; false when `id` is not a stream option.
    // Throws UsageError on a bad value.
    bool take(int id, const char* value);
    // Checks the options of every display together (e.g. --encoder needs
    // a stream that encodes); throws UsageError.
    static void validate(const std::vector<StreamOptions>& displays);

    const StreamOptions& streams() const { return streams_; }
    // This display's streams (`this` took its per-display options) made the
    // way `shared` says (it took the others).
    StreamOptions merged(const StreamCommandLine& shared) const;
    // --rtsp-path: where the display's --rtsp stream is mounted, if given
    // (a display's, not a stream's option: StreamOptions has no mount).
    const std::optional<std::string>& rtsp_path() const { return rtsp_path_; }

private:
    StreamOptions streams_;
    std::optional<std::string> rtsp_path_;
};

}  // namespace fbx::cli
