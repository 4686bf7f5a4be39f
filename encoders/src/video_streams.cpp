#include "encoders/video_streams.hpp"

#include <gst/video/gstvideopool.h>
#include <gst/video/video.h>

#include <cstring>

#include "display/cursor_image.hpp"
#include "display/cursor_nv12.hpp"
#include "display/nv12_image.hpp"
#include "display/pixman_image.hpp"
#include "display/shadow_framebuffer.hpp"
#include "encoders/local_stream.hpp"
#include "encoders/rtsp_stream_server.hpp"
#include "encoders/stream_inlet.hpp"
#include "encoders/stream_pipelines.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "stream";
// How long a file may take to be finalised at stop.
constexpr std::chrono::seconds finish_timeout{10};

gst::CapsPtr make_caps(std::uint32_t width, std::uint32_t height, std::uint32_t fps,
                       RawFormat format) {
    gst::CapsPtr caps(gst_caps_from_string(raw_video_caps(width, height, fps, format).c_str()));
    if (!caps) {
        throw Error("cannot make raw video caps for " + std::to_string(width) + "x" +
                    std::to_string(height));
    }
    return caps;
}

VideoStreams::StreamStatistics row_of(const StreamInlet& inlet) {
    const StreamInlet::Statistics s = inlet.statistics();
    return {inlet.name(), s.pushed, s.dropped, s.encoded, s.latency, s.converted};
}

}  // namespace

VideoStreams::VideoStreams(const StreamOptions& options, std::uint32_t width, std::uint32_t height,
                           ErrorHandler on_error, ConsumersChanged on_consumers_changed,
                           RtspMount rtsp, RawFormat input)
    : options_(options),
      input_(input),
      on_error_(std::move(on_error)),
      on_consumers_changed_(std::move(on_consumers_changed)) {
    if (input_ == RawFormat::nv12 && !takes_nv12(options_)) {
        throw Error("streams with --gst-pipeline take BGRx frames, not NV12");
    }
    gst::ensure_initialized();
    width_ = width;
    height_ = height;
    caps_ = make_caps(width, height, options_.fps, input_);
    ensure_pool(width, height);

    if (options_.encoded()) {
        if (options_.record) {
            // Before the encoder probe: a bad name is the user's to fix first.
            container_for(*options_.record);
        }
        encoder_ = choose_video_encoder(
            options_.encoder ? std::optional<std::string_view>(*options_.encoder) : std::nullopt);
    }
    if (options_.record || options_.rtp) {
        std::string name;
        gst::PipelinePtr pipeline =
            gst::parse_pipeline(encoded_pipeline_description(options_, *encoder_, width, height));
        if (options_.record) {
            gst::ElementPtr file(gst_bin_get_by_name(GST_BIN(pipeline.get()), "file"));
            g_object_set(file.get(), "location", options_.record->c_str(), nullptr);
            name = "record " + *options_.record;
            outputs_.push_back("recording to " + *options_.record);
        }
        if (options_.rtp) {
            gst::ElementPtr udp(gst_bin_get_by_name(GST_BIN(pipeline.get()), "udp"));
            g_object_set(udp.get(), "host", options_.rtp->host.c_str(), "port",
                         static_cast<gint>(options_.rtp->port), nullptr);
            const std::string where = options_.rtp->host + ":" + std::to_string(options_.rtp->port);
            name += (name.empty() ? "" : " + ") + std::string("rtp ") + where;
            outputs_.push_back("sending RTP (" + encoder_->payloader + ", payload type 96) to " +
                               where);
        }
        local_.push_back(
            std::make_unique<LocalStream>(name, std::move(pipeline), caps_.get(), on_error_));
    }
    if (options_.pipeline_tail) {
        local_.push_back(std::make_unique<LocalStream>(
            "gst-pipeline",
            gst::parse_pipeline(custom_pipeline_description(*options_.pipeline_tail)), caps_.get(),
            on_error_));
        outputs_.push_back("feeding the pipeline '" + *options_.pipeline_tail + "'");
    }
    if (options_.rtsp) {
        rtsp_ = rtsp.server
                    ? std::move(rtsp.server)
                    : std::make_shared<RtspStreamServer>(*options_.rtsp, options_.rtsp_credentials);
        rtsp_->add_mount(rtsp.path, rtsp_media_description(*encoder_, width, height),
                         {[this](std::unique_ptr<StreamInlet> inlet) { attach(std::move(inlet)); },
                          [this](StreamInlet* inlet) { return detach(inlet); }});
        rtsp_path_ = rtsp.path;
        outputs_.push_back("serving RTSP at " + rtsp_->url(rtsp_path_));
    }
}

VideoStreams::~VideoStreams() {
    // RTSP first: closing its clients detaches their inlets into us.
    stop_rtsp();
    local_.clear();
}

void VideoStreams::stop_rtsp() {
    if (rtsp_) {
        // A shared server goes on serving the other displays' mounts.
        rtsp_->remove_mount(rtsp_path_);
        rtsp_.reset();
    }
}

bool VideoStreams::takes_nv12(const StreamOptions& options) {
    return !options.pipeline_tail;
}

GstClockTime VideoStreams::clock_now() {
    gst::ClockPtr clock(gst_system_clock_obtain());
    return gst_clock_get_time(clock.get());
}

std::size_t VideoStreams::consumers() const {
    std::lock_guard lock(mutex_);
    return local_.size() + rtsp_inlets_.size();
}

void VideoStreams::attach(std::unique_ptr<StreamInlet> inlet) {
    {
        std::lock_guard lock(mutex_);
        inlet->set_caps(caps_.get());
        rtsp_inlets_.push_back(std::move(inlet));
    }
    if (on_consumers_changed_) {
        on_consumers_changed_();
    }
}

std::unique_ptr<StreamInlet> VideoStreams::detach(StreamInlet* inlet) {
    std::unique_ptr<StreamInlet> found;
    {
        std::lock_guard lock(mutex_);
        for (auto it = rtsp_inlets_.begin(); it != rtsp_inlets_.end(); ++it) {
            if (it->get() == inlet) {
                found = std::move(*it);
                rtsp_inlets_.erase(it);
                ended_.push_back(row_of(*found));
                break;
            }
        }
    }
    if (on_consumers_changed_) {
        on_consumers_changed_();
    }
    return found;
}

void VideoStreams::ensure_pool(std::uint32_t width, std::uint32_t height) {
    pool_.reset(gst_video_buffer_pool_new());
    GstVideoInfo info;
    gst_video_info_from_caps(&info, caps_.get());
    GstStructure* config = gst_buffer_pool_get_config(pool_.get());
    // No upper bound: acquiring must never block the service's thread. The
    // leaky queues bound how many frames are in flight.
    gst_buffer_pool_config_set_params(config, caps_.get(), static_cast<guint>(info.size), 2, 0);
    if (!gst_buffer_pool_set_config(pool_.get(), config) ||
        !gst_buffer_pool_set_active(pool_.get(), TRUE)) {
        throw Error("cannot set up a pool of " + std::to_string(width) + "x" +
                    std::to_string(height) + " frame buffers");
    }
}

gst::BufferPtr VideoStreams::frame_buffer(std::uint32_t width, std::uint32_t height) {
    if (width != width_ || height != height_) {
        // A mode change: new caps for every stream (their pipelines scale
        // back to the size they started with), new buffers.
        std::lock_guard lock(mutex_);
        width_ = width;
        height_ = height;
        caps_ = make_caps(width_, height_, options_.fps, input_);
        gst_buffer_pool_set_active(pool_.get(), FALSE);
        ensure_pool(width_, height_);
        for (auto& local : local_) {
            local->inlet().set_caps(caps_.get());
        }
        for (auto& inlet : rtsp_inlets_) {
            inlet->set_caps(caps_.get());
        }
        log(LogLevel::info, component) << "streams now get " << width_ << 'x' << height_;
    }
    GstBuffer* raw = nullptr;
    if (gst_buffer_pool_acquire_buffer(pool_.get(), &raw, nullptr) != GST_FLOW_OK) {
        throw Error("no frame buffer from the stream pool");
    }
    return gst::BufferPtr(raw);
}

// A pool buffer mapped as a video frame for writing, unmapped when it goes.
class VideoStreams::MappedFrame {
public:
    MappedFrame(GstBuffer* buffer, GstCaps* caps) {
        GstVideoInfo info;
        if (!gst_video_info_from_caps(&info, caps) ||
            !gst_video_frame_map(&frame_, &info, buffer, GST_MAP_WRITE)) {
            throw Error("cannot map a stream frame buffer for writing");
        }
    }
    MappedFrame(const MappedFrame&) = delete;
    MappedFrame& operator=(const MappedFrame&) = delete;
    ~MappedFrame() { gst_video_frame_unmap(&frame_); }

    std::uint8_t* plane(int i) {
        return static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame_, i));
    }
    std::size_t stride(int i) const {
        return static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame_, i));
    }

private:
    GstVideoFrame frame_{};
};

void VideoStreams::push(const ShadowFramebuffer& shadow, const CursorImage* cursor, std::int32_t x,
                        std::int32_t y, GstClockTime capture) {
    if (input_ != RawFormat::bgrx) {
        throw Error("BGRx frame pushed into streams set up for NV12");
    }
    gst::BufferPtr frame = frame_buffer(shadow.width(), shadow.height());
    {
        MappedFrame video(frame.get(), caps_.get());
        std::uint8_t* dst = video.plane(0);
        const std::size_t stride = video.stride(0);
        const std::size_t row = shadow.stride();
        if (stride == row) {
            std::memcpy(dst, shadow.pixels(), row * shadow.height());
        } else {
            for (std::uint32_t r = 0; r < shadow.height(); ++r) {
                std::memcpy(dst + r * stride, shadow.row(r), row);
            }
        }
        if (cursor && !cursor->empty()) {
            // The shadow stays cursor-free (VNC sends the cursor apart);
            // streams have no cursor channel, so it goes into their copy.
            PixmanImagePtr target(pixman_image_create_bits(
                PIXMAN_x8r8g8b8, static_cast<int>(shadow.width()),
                static_cast<int>(shadow.height()), reinterpret_cast<std::uint32_t*>(dst),
                static_cast<int>(stride)));
            if (target) {
                compose_cursor(*cursor, x, y, target.get());
            }
        }
    }
    deliver(frame.get(), capture);
}

void VideoStreams::push(const Nv12Image& picture, const ShadowFramebuffer& shadow,
                        const CursorImage* cursor, std::int32_t x, std::int32_t y,
                        GstClockTime capture) {
    if (input_ != RawFormat::nv12) {
        throw Error("NV12 frame pushed into streams set up for BGRx");
    }
    gst::BufferPtr frame = frame_buffer(picture.width, picture.height);
    {
        MappedFrame video(frame.get(), caps_.get());
        const Nv12Planes planes{picture.width,   picture.height, video.plane(0),
                                video.stride(0), video.plane(1), video.stride(1)};
        copy_nv12(picture, planes);
        if (cursor && !cursor->empty()) {
            compose_cursor_nv12(*cursor, x, y, shadow, planes);
        }
    }
    deliver(frame.get(), capture);
}

void VideoStreams::deliver(GstBuffer* frame, GstClockTime capture) {
    std::lock_guard lock(mutex_);
    for (auto& local : local_) {
        local->inlet().push(frame, capture);
    }
    for (auto& inlet : rtsp_inlets_) {
        inlet->push(frame, capture);
    }
}

void VideoStreams::finish() {
    stop_rtsp();
    for (auto& local : local_) {
        if (local->finish(finish_timeout)) {
            log(LogLevel::info, component) << local->name() << ": finished";
        }
    }
}

std::vector<VideoStreams::StreamStatistics> VideoStreams::statistics() const {
    std::lock_guard lock(mutex_);
    std::vector<StreamStatistics> rows;
    for (const auto& local : local_) {
        rows.push_back(row_of(local->inlet()));
    }
    for (const auto& inlet : rtsp_inlets_) {
        rows.push_back(row_of(*inlet));
    }
    rows.insert(rows.end(), ended_.begin(), ended_.end());
    return rows;
}

}  // namespace fbx
