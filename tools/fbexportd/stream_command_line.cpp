#include "stream_command_line.hpp"

#include <algorithm>
#include <string>

#include "command_line.hpp"
#include "encoders/listen_address.hpp"
#include "encoders/stream_pipelines.hpp"
#include "encoders/video_encoder_choice.hpp"
#include "fbexport/error.hpp"
#include "rtsp_mount_plan.hpp"

namespace fbx::cli {
namespace {

enum Id : int {
    encoder = StreamCommandLine::first_option_id,
    record,
    rtp,
    rtsp,
    rtsp_credentials,
    gst_pipeline,
    stream_fps,
    rtsp_path_id,
};

std::string encoder_list() {
    std::string list;
    for (const auto& c : encoder_candidates()) {
        list += (list.empty() ? "" : ", ") + std::string(c.element);
    }
    return list;
}

ListenAddress address_option(std::string_view option, const char* value) {
    try {
        return parse_listen_address(value);
    } catch (const Error& e) {
        throw UsageError(std::string(option) + ": " + e.what());
    }
}

}  // namespace

std::vector<option> StreamCommandLine::options() {
    return {
        {"encoder", required_argument, nullptr, encoder},
        {"record", required_argument, nullptr, record},
        {"rtp", required_argument, nullptr, rtp},
        {"rtsp", required_argument, nullptr, rtsp},
        {"rtsp-path", required_argument, nullptr, rtsp_path_id},
        {"rtsp-credentials-file", required_argument, nullptr, rtsp_credentials},
        {"gst-pipeline", required_argument, nullptr, gst_pipeline},
        {"stream-fps", required_argument, nullptr, stream_fps},
    };
}

std::string_view StreamCommandLine::help() {
    return "Video streams (GStreamer; none unless asked for). Each gets the desktop with\n"
           "the cursor composed in: a frame when the picture changed, at most --stream-fps\n"
           "a second, and while nothing changes the last frame again once a second. When\n"
           "the encoder cannot keep up, frames are dropped (counted in the stop log).\n"
           "  --encoder NAME            encode with NAME only (default: the first that works\n"
           "                            of vah264enc, vaapih264enc, nvh264enc, v4l2h264enc,\n"
           "                            x264enc, openh264enc, vp8enc); the choice is logged.\n"
           "                            e.g. --encoder x264enc. Encoders get NV12 the\n"
           "                            service makes once a frame where the picture changed\n"
           "                            (by the GL path with --convert gl)\n"
           "  --record FILE             record to FILE; .mkv (Matroska), .mp4 (H.264) or\n"
           "                            .webm (VP8) picks the muxer. The file is finalised on\n"
           "                            SIGINT/SIGTERM. e.g. --record desktop.mkv\n"
           "  --rtp HOST:PORT           send H.264 RTP (payload type 96) over UDP to HOST:PORT,\n"
           "                            e.g. --rtp 127.0.0.1:5004, received by\n"
           "                            gst-launch-1.0 udpsrc port=5004 caps=application/x-rtp,\n"
           "                            media=video,encoding-name=H264,clock-rate=90000 !\n"
           "                            rtph264depay ! decodebin ! autovideosink\n"
           "  --rtsp ADDR:PORT          serve RTSP on ADDR:PORT: the demo at\n"
           "                            rtsp://ADDR:PORT/desktop, a vGPU at\n"
           "                            rtsp://ADDR:PORT/vgpu/UUID (displays on one address\n"
           "                            share its server; further demos get /desktop-2,\n"
           "                            /desktop-3, ... in order), e.g. --rtsp 127.0.0.1:8554,\n"
           "                            played by gst-play-1.0 rtsp://127.0.0.1:8554/desktop.\n"
           "                            Listening off loopback requires --rtsp-credentials-file\n"
           "  --rtsp-path PATH          mount the display's --rtsp stream at PATH instead:\n"
           "                            '/' and names of letters, digits, '-', '_', '.', '~',\n"
           "                            e.g. --rtsp-path /left for rtsp://ADDR:PORT/left. Two\n"
           "                            displays on one address cannot have the same path\n"
           "  --rtsp-credentials-file FILE\n"
           "                            require RTSP Digest authentication with USER:PASSWORD\n"
           "                            from the first line of FILE, e.g. a file holding\n"
           "                            viewer:secret, then rtspsrc user-id=viewer\n"
           "                            user-pw=secret\n"
           "  --gst-pipeline TAIL       feed a pipeline of your own: TAIL in gst-launch syntax\n"
           "                            takes raw video (BGRx), e.g. --gst-pipeline\n"
           "                            'videoconvert ! vp8enc deadline=1 ! webmmux !\n"
           "                            filesink location=desktop.webm'\n"
           "  --stream-fps N            the most frames a second streams get (default 30),\n"
           "                            e.g. --stream-fps 15\n";
}

bool StreamCommandLine::per_display(int id) {
    return id == record || id == rtp || id == rtsp || id == rtsp_path_id || id == gst_pipeline;
}

StreamOptions StreamCommandLine::merged(const StreamCommandLine& shared) const {
    StreamOptions out = streams_;
    out.encoder = shared.streams_.encoder;
    out.rtsp_credentials = shared.streams_.rtsp_credentials;
    out.fps = shared.streams_.fps;
    out.idle_fps = shared.streams_.idle_fps;
    return out;
}

bool StreamCommandLine::take(int id, const char* value) {
    switch (id) {
        case encoder: {
            const std::string name(value);
            for (const auto& c : encoder_candidates()) {
                if (c.element == name) {
                    streams_.encoder = name;
                    return true;
                }
            }
            throw UsageError("--encoder: unknown encoder '" + name + "'; choose one of " +
                             encoder_list());
        }
        case record:
            try {
                container_for(value);
            } catch (const Error& e) {
                throw UsageError(std::string("--record: ") + e.what());
            }
            streams_.record = value;
            return true;
        case rtp: {
            // The same syntax as a listen address, but a destination: any
            // numeric address will do (unicast or multicast).
            const ListenAddress address = address_option("--rtp", value);
            streams_.rtp = RtpDestination{address.host, address.port};
            return true;
        }
        case rtsp:
            streams_.rtsp = address_option("--rtsp", value);
            return true;
        case rtsp_path_id:
            try {
                RtspMountPlan::check_path(value);
            } catch (const Error& e) {
                throw UsageError(std::string("--rtsp-path: ") + e.what());
            }
            rtsp_path_ = value;
            return true;
        case rtsp_credentials: {
            const std::string line = read_secret_file("--rtsp-credentials-file", value);
            const auto colon = line.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == line.size()) {
                throw UsageError(std::string("--rtsp-credentials-file: ") + value +
                                 ": the first line must be USER:PASSWORD");
            }
            streams_.rtsp_credentials =
                RtspCredentials{line.substr(0, colon), line.substr(colon + 1)};
            return true;
        }
        case gst_pipeline:
            if (std::string_view(value).find_first_not_of(" \t") == std::string_view::npos) {
                throw UsageError(
                    "--gst-pipeline: empty pipeline; give what follows the raw "
                    "video, e.g. 'videoconvert ! autovideosink'");
            }
            streams_.pipeline_tail = value;
            return true;
        case stream_fps:
            streams_.fps = static_cast<std::uint32_t>(parse_unsigned("--stream-fps", value, 120));
            if (streams_.fps == 0) {
                throw UsageError("--stream-fps: must be 1 to 120");
            }
            return true;
        default:
            return false;
    }
}

void StreamCommandLine::validate(const std::vector<StreamOptions>& displays) {
    const auto any = [&](auto&& test) {
        return std::any_of(displays.begin(), displays.end(), test);
    };
    if (any([](const StreamOptions& s) { return s.encoder.has_value(); }) &&
        !any([](const StreamOptions& s) { return s.encoded(); })) {
        throw UsageError("--encoder: no stream to encode; add --record, --rtp or --rtsp");
    }
    if (any([](const StreamOptions& s) { return s.rtsp_credentials.has_value(); }) &&
        !any([](const StreamOptions& s) { return s.rtsp.has_value(); })) {
        throw UsageError("--rtsp-credentials-file: no --rtsp to protect");
    }
}

}  // namespace fbx::cli
