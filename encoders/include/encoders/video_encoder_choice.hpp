#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fbx {

enum class VideoCodec { h264, vp8 };

// One encoder element this project knows how to drive.
struct EncoderCandidate {
    std::string_view element;  // GStreamer factory name, e.g. "x264enc"
    VideoCodec codec;
    bool hardware;
    // Properties for low-latency live streaming, as gst-launch writes them.
    std::span<const std::pair<std::string_view, std::string_view>> properties;
};

// What a pipeline needs to encode with the chosen element.
struct EncoderChoice {
    std::string element;
    VideoCodec codec = VideoCodec::h264;
    bool hardware = false;
    std::vector<std::pair<std::string, std::string>> properties;
    std::string parser;     // "h264parse", or empty when the codec needs none (VP8)
    std::string payloader;  // RTP: "rtph264pay" or "rtpvp8pay"
    // The candidates tried before this one, each with why it was passed over.
    std::vector<std::pair<std::string, std::string>> skipped;

    // "x264enc tune=zerolatency speed-preset=ultrafast ! h264parse": the
    // encoder and its parser as a gst-launch pipeline fragment.
    std::string launch_fragment() const;
};

// Every candidate, in order of preference: hardware encoders first (they
// spare the CPU for the guests), then x264enc, openh264enc, vp8enc.
std::span<const EncoderCandidate> encoder_candidates();

// Why `element` cannot encode here, or nothing when it can.
using EncoderProbe = std::function<std::optional<std::string>(std::string_view element)>;

// The real probe: the element's factory is registered, an instance can be
// made, and it reaches READY (hardware encoders open their device there, so
// one without a device fails here and not mid-stream). gst_init() first.
std::optional<std::string> probe_encoder_element(std::string_view element);

// The first candidate the probe accepts, or `force` (a candidate's element
// name) alone. The choice and each skipped candidate are logged. Throws
// fbx::Error when nothing usable is left, with every candidate's reason, or
// for a `force` that is no candidate or fails its probe.
EncoderChoice choose_video_encoder(const EncoderProbe& probe,
                                   std::optional<std::string_view> force = std::nullopt);
EncoderChoice choose_video_encoder(std::optional<std::string_view> force = std::nullopt);

}  // namespace fbx
