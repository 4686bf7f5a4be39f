#include "encoders/stream_pipelines.hpp"

#include <algorithm>
#include <cctype>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

bool ends_with_ci(std::string_view text, std::string_view suffix) {
    if (text.size() < suffix.size()) {
        return false;
    }
    return std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(),
                      [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

std::string muxer_of(Container container) {
    switch (container) {
        case Container::matroska:
            return "matroskamux";
        case Container::mp4:
            // Fragmented would survive a crash, but players seek plain MP4
            // better; EOS on SIGINT/SIGTERM writes the index.
            return "mp4mux";
        case Container::webm:
            return "webmmux";
    }
    return "matroskamux";
}

// The encoder element and its properties, named so code can find it.
std::string encoder_element(const EncoderChoice& encoder) {
    std::string text = encoder.element + " name=encoder";
    for (const auto& [name, value] : encoder.properties) {
        text += " " + name + "=" + value;
    }
    return text;
}

}  // namespace

Container container_for(std::string_view path) {
    if (ends_with_ci(path, ".mkv")) {
        return Container::matroska;
    }
    if (ends_with_ci(path, ".mp4")) {
        return Container::mp4;
    }
    if (ends_with_ci(path, ".webm")) {
        return Container::webm;
    }
    throw Error("cannot tell the container of '" + std::string(path) +
                "': name it FILE.mkv (Matroska), FILE.mp4 or FILE.webm (VP8 only)");
}

void check_container_holds(Container container, VideoCodec codec, std::string_view path) {
    if (container == Container::webm && codec != VideoCodec::vp8) {
        throw Error("'" + std::string(path) +
                    "': WebM holds VP8 here, but the encoder makes H.264; use .mkv or .mp4, or "
                    "--encoder vp8enc");
    }
    if (container == Container::mp4 && codec != VideoCodec::h264) {
        throw Error("'" + std::string(path) +
                    "': MP4 holds H.264 here, but the encoder makes VP8; use .mkv or .webm");
    }
}

std::string raw_video_caps(std::uint32_t width, std::uint32_t height, std::uint32_t fps,
                           RawFormat format) {
    std::string caps = std::string("video/x-raw,format=") +
                       (format == RawFormat::nv12 ? "NV12" : "BGRx") +
                       ",width=" + std::to_string(width) + ",height=" + std::to_string(height) +
                       ",framerate=" + std::to_string(fps) + "/1,pixel-aspect-ratio=1/1";
    if (format == RawFormat::nv12) {
        // Said, not left to defaults: GStreamer would take BT.709 for HD
        // sizes, and the encoder writes these into the stream for decoders.
        caps += ",colorimetry=bt601,chroma-site=jpeg";
    }
    return caps;
}

std::string appsrc_fragment(std::uint32_t queued_frames) {
    // Live, in time format, stamped by us with the capture time (not the push
    // time), so glass-to-encoded latency can be measured from the PTS.
    // leaky-type=downstream drops the oldest queued frame: what reaches the
    // encoder is always the newest picture.
    return "appsrc name=src is-live=true format=time do-timestamp=false block=false "
           "max-bytes=0 max-time=0 leaky-type=downstream max-buffers=" +
           std::to_string(queued_frames);
}

std::string encode_fragment(const EncoderChoice& encoder, std::uint32_t width,
                            std::uint32_t height) {
    // NV12 first: hardware encoders and x264enc take it natively; openh264enc
    // and vp8enc take I420 (from NV12 only a chroma shuffle). Both are 4:2:0.
    return "videoconvert name=convert ! videoscale ! video/x-raw,format={NV12,I420},width=" +
           std::to_string(width) + ",height=" + std::to_string(height) +
           ",pixel-aspect-ratio=1/1 ! " + encoder_element(encoder) +
           (encoder.parser.empty() ? "" : " ! " + encoder.parser);
}

std::string encoded_pipeline_description(const StreamOptions& options, const EncoderChoice& encoder,
                                         std::uint32_t width, std::uint32_t height) {
    std::string text = appsrc_fragment(2) + " ! " + encode_fragment(encoder, width, height) +
                       " ! tee name=encoded";
    // The queues after the tee are bounded (GStreamer's defaults): a slow
    // branch backs up into the encoder, and then the appsrc drops frames.
    if (options.record) {
        const Container container = container_for(*options.record);
        check_container_holds(container, encoder.codec, *options.record);
        text += " encoded. ! queue ! " + muxer_of(container) + " ! filesink name=file";
    }
    if (options.rtp) {
        // config-interval=-1: SPS/PPS with every IDR, so a receiver that
        // joins late can decode from the next keyframe.
        text += " encoded. ! queue ! " + encoder.payloader +
                " config-interval=-1 pt=96 ! udpsink name=udp sync=false async=false";
    }
    return text;
}

std::string custom_pipeline_description(std::string_view tail) {
    return appsrc_fragment(2) + " ! " + std::string(tail);
}

std::string rtsp_media_description(const EncoderChoice& encoder, std::uint32_t width,
                                   std::uint32_t height) {
    return "( " + appsrc_fragment(2) + " ! " + encode_fragment(encoder, width, height) + " ! " +
           encoder.payloader + " name=pay0 pt=96 config-interval=-1 )";
}

}  // namespace fbx
