#pragma once

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "encoders/gst_ptr.hpp"
#include "encoders/latency_samples.hpp"

namespace fbx {

// Where the service's frames enter one GStreamer pipeline: its appsrc, and
// its encoder when it has one. It stamps each frame with the time the source
// was polled for it, keeps count of what the appsrc's bounded queue dropped,
// times each frame from capture to leaving the encoder, and asks the encoder
// for a keyframe every couple of seconds so a receiver that joins late (RTP)
// need not wait long for a picture. Thread-safe: frames come from the
// service's thread, encoded buffers from the pipeline's.
class StreamInlet {
public:
    // `appsrc` named "src", optional `encoder` ("encoder") and the optional
    // `convert` (videoconvert, "convert") before it, of one pipeline; the
    // inlet takes references of its own. `name` is for the logs.
    StreamInlet(std::string name, GstElement* appsrc, GstElement* encoder,
                GstElement* convert = nullptr);
    StreamInlet(const StreamInlet&) = delete;
    StreamInlet& operator=(const StreamInlet&) = delete;
    ~StreamInlet();

    const std::string& name() const { return name_; }

    // The raw video caps of the frames to come.
    void set_caps(GstCaps* caps);

    // Queues `frame` (shared: the inlet only adds a reference and its own
    // timestamps) captured at `capture`, a time of the GStreamer system
    // clock. Skipped while the pipeline is not PLAYING: a frame needs the
    // pipeline's base time to be stamped. Never blocks.
    void push(GstBuffer* frame, GstClockTime capture);

    // No more frames: the pipeline drains and posts EOS.
    void end_of_stream();

    struct Statistics {
        std::uint64_t pushed = 0;                        // frames queued into the appsrc
        std::uint64_t dropped = 0;                       // of those, thrown away by the full queue
        std::uint64_t encoded = 0;                       // buffers that left the encoder
        std::optional<LatencySamples::Summary> latency;  // capture to encoded
        // Once a frame was encoded: whether videoconvert had to convert the
        // frames for the encoder (false: they reach it as they are pushed).
        std::optional<bool> converted;
    };
    Statistics statistics() const;

private:
    static GstPadProbeReturn count_out(GstPad*, GstPadProbeInfo*, gpointer self);
    static GstPadProbeReturn time_encoded(GstPad*, GstPadProbeInfo* info, gpointer self);
    void request_keyframe(GstClockTime pts);
    // At the first encoded frame: records and logs whether `convert_` works.
    void note_conversion();
    // A buffer of its own over `frame`'s pixels (no copy), for timestamps.
    static GstBuffer* share(GstBuffer* frame);

    std::string name_;
    gst::ElementPtr appsrc_;
    gst::ElementPtr encoder_;
    gst::ElementPtr convert_;
    gst::PadPtr appsrc_pad_;
    gst::PadPtr encoder_pad_;
    gulong out_probe_ = 0;
    gulong encoded_probe_ = 0;
    gst::ClockPtr clock_;  // the system clock, which stamps capture times

    std::mutex push_mutex_;  // one push at a time; guards the fields below
    GstClockTime last_pts_ = GST_CLOCK_TIME_NONE;
    GstClockTime last_keyframe_ = GST_CLOCK_TIME_NONE;

    std::atomic<std::uint64_t> pushed_{0};
    std::atomic<std::uint64_t> out_{0};
    std::atomic<std::uint64_t> encoded_{0};
    std::atomic<int> converted_{-1};  // -1 not known yet, else 0 or 1
    LatencySamples latency_;
};

}  // namespace fbx
