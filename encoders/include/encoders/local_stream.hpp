#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "encoders/gst_ptr.hpp"
#include "encoders/stream_inlet.hpp"

namespace fbx {

// A pipeline the service owns and runs for as long as it runs (--record,
// --rtp, --gst-pipeline), fed through its appsrc. Its bus is watched from the
// streaming threads: an error is reported once through `on_error` (from a
// GStreamer thread; post it to the service's loop), warnings are logged.
class LocalStream {
public:
    using ErrorHandler = std::function<void(const std::string& message)>;

    // `pipeline` from gst::parse_pipeline, with an appsrc named "src" and,
    // where it encodes, an element named "encoder". Runs on the system clock
    // (the clock capture times are taken from) and starts PLAYING at once;
    // throws fbx::Error when it cannot start.
    LocalStream(std::string name, gst::PipelinePtr pipeline, GstCaps* caps, ErrorHandler on_error);
    LocalStream(const LocalStream&) = delete;
    LocalStream& operator=(const LocalStream&) = delete;
    ~LocalStream();

    const std::string& name() const { return name_; }
    StreamInlet& inlet() { return *inlet_; }

    // Ends the stream: EOS from the appsrc, and waits until it has reached
    // every sink (a muxer has then written its index, so the file plays).
    // False when the time ran out or the pipeline failed first.
    bool finish(std::chrono::milliseconds timeout);

private:
    static GstBusSyncReply on_message(GstBus*, GstMessage* message, gpointer self);

    std::string name_;
    gst::PipelinePtr pipeline_;
    std::unique_ptr<StreamInlet> inlet_;
    ErrorHandler on_error_;

    std::mutex mutex_;
    std::condition_variable changed_;
    bool eos_ = false;
    bool failed_ = false;
};

}  // namespace fbx
