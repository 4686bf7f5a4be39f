#include "encoders/local_stream.hpp"

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {
constexpr std::string_view component = "stream";
}

LocalStream::LocalStream(std::string name, gst::PipelinePtr pipeline, GstCaps* caps,
                         ErrorHandler on_error)
    : name_(std::move(name)), pipeline_(std::move(pipeline)), on_error_(std::move(on_error)) {
    gst::ElementPtr src(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "src"));
    if (!src) {
        throw Error(name_ + ": the pipeline has no appsrc named 'src'");
    }
    gst::ElementPtr encoder(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "encoder"));
    gst::ElementPtr convert(gst_bin_get_by_name(GST_BIN(pipeline_.get()), "convert"));
    inlet_ = std::make_unique<StreamInlet>(name_, src.get(), encoder.get(), convert.get());
    inlet_->set_caps(caps);

    gst::ClockPtr clock(gst_system_clock_obtain());
    gst_pipeline_use_clock(GST_PIPELINE(pipeline_.get()), clock.get());
    gst::BusPtr bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline_.get())));
    gst_bus_set_sync_handler(bus.get(), on_message, this, nullptr);

    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        // The members go in reverse order on a throw, the mutex before the
        // pipeline: stop the pipeline and its bus handler here first.
        gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
        gst_bus_set_sync_handler(bus.get(), nullptr, nullptr, nullptr);
        inlet_.reset();
        throw Error(name_ + ": the pipeline cannot start" +
                    (failed_ ? " (see the error above)" : " (no error message from GStreamer)"));
    }
}

LocalStream::~LocalStream() {
    // Stop the threads before the inlet their probes point at goes, and
    // before the bus handler's `this` does.
    gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    gst::BusPtr bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline_.get())));
    gst_bus_set_sync_handler(bus.get(), nullptr, nullptr, nullptr);
    inlet_.reset();
}

GstBusSyncReply LocalStream::on_message(GstBus*, GstMessage* message, gpointer data) {
    auto* self = static_cast<LocalStream*>(data);
    switch (GST_MESSAGE_TYPE(message)) {
        case GST_MESSAGE_ERROR: {
            const std::string text = self->name_ + ": " + GST_OBJECT_NAME(message->src) + ": " +
                                     gst::message_text(message);
            bool first = false;
            {
                std::lock_guard lock(self->mutex_);
                first = !self->failed_;
                self->failed_ = true;
            }
            self->changed_.notify_all();
            if (first) {
                log(LogLevel::error, component) << text;
                if (self->on_error_) {
                    self->on_error_(text);
                }
            }
            break;
        }
        case GST_MESSAGE_WARNING:
            log(LogLevel::warn, component) << self->name_ << ": " << GST_OBJECT_NAME(message->src)
                                           << ": " << gst::message_text(message);
            break;
        case GST_MESSAGE_EOS: {
            std::lock_guard lock(self->mutex_);
            self->eos_ = true;
            self->changed_.notify_all();
            break;
        }
        default:
            break;
    }
    return GST_BUS_DROP;
}

bool LocalStream::finish(std::chrono::milliseconds timeout) {
    inlet_->end_of_stream();
    std::unique_lock lock(mutex_);
    const bool done = changed_.wait_for(lock, timeout, [this] { return eos_ || failed_; });
    if (!done) {
        log(LogLevel::warn, component) << name_ << ": no end of stream within " << timeout.count()
                                       << " ms; stopping it anyway";
    }
    return done && eos_ && !failed_;
}

}  // namespace fbx
