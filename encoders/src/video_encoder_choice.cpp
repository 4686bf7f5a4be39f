#include "encoders/video_encoder_choice.hpp"

#include <gst/gst.h>

#include <array>
#include <memory>

#include "encoders/gst_ptr.hpp"

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

using Props = std::pair<std::string_view, std::string_view>;

// Hardware encoders keep their defaults: their low-latency knobs differ per
// driver, and a wrong property name would break the pipeline it is put in.
constexpr std::array<Props, 0> no_properties{};
// zerolatency: no B-frames nor lookahead, so a frame leaves as soon as it is
// encoded; ultrafast: the CPU budget goes to keeping up at full size.
constexpr std::array<Props, 2> x264_properties{
    {{"tune", "zerolatency"}, {"speed-preset", "ultrafast"}}};
// The fastest real-time mode; libvpx's default is "best", far too slow live.
constexpr std::array<Props, 1> vp8_properties{{{"deadline", "1"}}};

constexpr std::array<EncoderCandidate, 7> candidates{{
    {"vah264enc", VideoCodec::h264, true, no_properties},
    {"vaapih264enc", VideoCodec::h264, true, no_properties},
    {"nvh264enc", VideoCodec::h264, true, no_properties},
    {"v4l2h264enc", VideoCodec::h264, true, no_properties},
    {"x264enc", VideoCodec::h264, false, x264_properties},
    {"openh264enc", VideoCodec::h264, false, no_properties},
    {"vp8enc", VideoCodec::vp8, false, vp8_properties},
}};

EncoderChoice make_choice(const EncoderCandidate& c) {
    EncoderChoice choice;
    choice.element = c.element;
    choice.codec = c.codec;
    choice.hardware = c.hardware;
    for (const auto& [name, value] : c.properties) {
        choice.properties.emplace_back(name, value);
    }
    choice.parser = c.codec == VideoCodec::h264 ? "h264parse" : "";
    choice.payloader = c.codec == VideoCodec::h264 ? "rtph264pay" : "rtpvp8pay";
    return choice;
}

std::string candidate_names() {
    std::string names;
    for (const auto& c : candidates) {
        names += (names.empty() ? "" : ", ") + std::string(c.element);
    }
    return names;
}

}  // namespace

std::string EncoderChoice::launch_fragment() const {
    std::string text = element;
    for (const auto& [name, value] : properties) {
        text += " " + name + "=" + value;
    }
    if (!parser.empty()) {
        text += " ! " + parser;
    }
    return text;
}

std::span<const EncoderCandidate> encoder_candidates() {
    return candidates;
}

std::optional<std::string> probe_encoder_element(std::string_view element) {
    const std::string name(element);
    gst::ObjectPtr<GstElementFactory> factory(gst_element_factory_find(name.c_str()));
    if (!factory) {
        return "no such element (its GStreamer plugin is not installed)";
    }
    gst::RunningElementPtr instance(gst_element_factory_create(factory.get(), nullptr));
    if (!instance) {
        return "its factory could not make an element";
    }
    // READY is where encoders open their device; wait for the outcome in case
    // the element changes state asynchronously.
    if (gst_element_set_state(instance.get(), GST_STATE_READY) == GST_STATE_CHANGE_FAILURE ||
        gst_element_get_state(instance.get(), nullptr, nullptr, GST_CLOCK_TIME_NONE) ==
            GST_STATE_CHANGE_FAILURE) {
        return "it cannot start (no usable device or driver)";
    }
    return std::nullopt;
}

EncoderChoice choose_video_encoder(const EncoderProbe& probe,
                                   std::optional<std::string_view> force) {
    std::vector<std::pair<std::string, std::string>> skipped;
    for (const auto& c : candidates) {
        if (force && *force != c.element) {
            continue;
        }
        if (auto reason = probe(c.element)) {
            log(LogLevel::info, "encoder") << "skipping " << c.element << ": " << *reason;
            if (force) {
                throw Error("forced encoder " + std::string(c.element) +
                            " is not usable: " + *reason);
            }
            skipped.emplace_back(c.element, std::move(*reason));
            continue;
        }
        EncoderChoice choice = make_choice(c);
        choice.skipped = std::move(skipped);
        log(LogLevel::info, "encoder")
            << "using " << choice.element << (c.hardware ? " (hardware)" : " (software)")
            << (force ? ", as forced" : "") << ": " << choice.launch_fragment();
        return choice;
    }
    if (force) {
        throw Error("unknown encoder '" + std::string(*force) + "'; choose one of " +
                    candidate_names());
    }
    std::string reasons;
    for (const auto& [name, reason] : skipped) {
        reasons += "; " + name + ": " + reason;
    }
    throw Error("no usable video encoder" + reasons);
}

EncoderChoice choose_video_encoder(std::optional<std::string_view> force) {
    return choose_video_encoder(probe_encoder_element, force);
}

}  // namespace fbx
