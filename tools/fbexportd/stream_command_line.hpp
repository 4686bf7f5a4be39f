#pragma once

#include <getopt.h>

#include <string_view>
#include <vector>

#include "encoders/stream_options.hpp"

namespace fbx::cli {

// fbexportd's stream options: --encoder, --record, --rtp, --rtsp,
// --rtsp-credentials-file, --gst-pipeline, --stream-fps.
class StreamCommandLine {
public:
    static constexpr int first_option_id = 2000;
    static std::vector<option> options();
    static std::string_view help();

    // Takes one parsed option; false when `id` is not a stream option.
    // Throws UsageError on a bad value.
    bool take(int id, const char* value);
    // Checks the options together (e.g. --encoder needs a stream that
    // encodes); throws UsageError.
    void validate() const;

    const StreamOptions& streams() const { return streams_; }

private:
    StreamOptions streams_;
};

}  // namespace fbx::cli
