#pragma once

#include <gst/gst.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "encoders/gst_ptr.hpp"
#include "encoders/latency_samples.hpp"
#include "encoders/stream_options.hpp"
#include "encoders/stream_pipelines.hpp"
#include "encoders/video_encoder_choice.hpp"

namespace fbx {

class ShadowFramebuffer;
struct CursorImage;
struct Nv12Image;
class LocalStream;
class RtspStreamServer;
class StreamInlet;

// Where a display's RTSP stream is served: at `path` on `server`, which
// several displays share (one mount each); with no server, one of the
// display's own from StreamOptions::rtsp.
struct RtspMount {
    std::shared_ptr<RtspStreamServer> server;
    std::string path = "/desktop";
};

// The video streams of one display (--record, --rtp, --rtsp, --gst-pipeline):
// each frame the service pushes is composed once (shadow framebuffer with the
// cursor blended in) into a buffer every stream shares, and queued into each
// stream's appsrc. Each queue is short and leaky, so an encoder that cannot
// keep up drops frames instead of piling them up. Frames are NV12 the
// service made (H.264 encoders take it as it comes) or, for --gst-pipeline,
// BGRx, which each pipeline converts for itself.
class VideoStreams {
public:
    // From GStreamer's threads: a stream failed (a file cannot be written).
    using ErrorHandler = std::function<void(const std::string& message)>;
    // From GStreamer's threads: an RTSP client started or stopped playing.
    using ConsumersChanged = std::function<void()>;

    // Picks the encoder (logged) when a stream encodes and starts every
    // stream at `width` x `height`. Throws fbx::Error when a stream cannot
    // start: no usable encoder, a forced one missing, a bad pipeline, an
    // RTSP port taken or off loopback without credentials.
    // `input` is what push() will be given; NV12 only where takes_nv12().
    VideoStreams(const StreamOptions& options, std::uint32_t width, std::uint32_t height,
                 ErrorHandler on_error, ConsumersChanged on_consumers_changed, RtspMount rtsp = {},
                 RawFormat input = RawFormat::bgrx);
    VideoStreams(const VideoStreams&) = delete;
    VideoStreams& operator=(const VideoStreams&) = delete;
    ~VideoStreams();

    // Whether these streams can be fed NV12: all but --gst-pipeline, whose
    // tail is documented to get BGRx.
    static bool takes_nv12(const StreamOptions& options);
    RawFormat input() const { return input_; }

    // The time of GStreamer's system clock, which capture times are taken in.
    static GstClockTime clock_now();

    // Streams that want frames now: the local ones always, RTSP clients while
    // they play. With none, the service need not convert anything for streams.
    std::size_t consumers() const;

    // One frame for every stream: `shadow` with `cursor` (if any) blended in
    // at (x, y), captured (the source polled) at `capture`. Never blocks on an
    // encoder.
    void push(const ShadowFramebuffer& shadow, const CursorImage* cursor, std::int32_t x,
              std::int32_t y, GstClockTime capture);
    // The same from NV12 input: `picture` is the NV12 of `shadow` (both
    // without the cursor), and only the blocks under the cursor are
    // converted here, from `shadow`.
    void push(const Nv12Image& picture, const ShadowFramebuffer& shadow, const CursorImage* cursor,
              std::int32_t x, std::int32_t y, GstClockTime capture);

    // Sends end-of-stream into the local streams and waits for their sinks
    // (files get their index); RTSP clients are closed. Call once, at stop.
    void finish();

    // What to tell the user: the file, the RTP destination, the RTSP URL.
    const std::vector<std::string>& outputs() const { return outputs_; }
    const std::optional<EncoderChoice>& encoder() const { return encoder_; }

    struct StreamStatistics {
        std::string name;
        std::uint64_t pushed = 0;
        std::uint64_t dropped = 0;
        std::uint64_t encoded = 0;
        std::optional<LatencySamples::Summary> latency;
        std::optional<bool> converted;  // see StreamInlet::Statistics
    };
    // One row per local stream and RTSP client, ended clients included.
    std::vector<StreamStatistics> statistics() const;

private:
    void attach(std::unique_ptr<StreamInlet> inlet);
    std::unique_ptr<StreamInlet> detach(StreamInlet* inlet);
    void ensure_pool(std::uint32_t width, std::uint32_t height);
    class MappedFrame;
    // A buffer for a width x height frame, new caps first at a mode change.
    gst::BufferPtr frame_buffer(std::uint32_t width, std::uint32_t height);
    void deliver(GstBuffer* frame, GstClockTime capture);

    StreamOptions options_;
    RawFormat input_ = RawFormat::bgrx;
    ErrorHandler on_error_;
    ConsumersChanged on_consumers_changed_;
    std::optional<EncoderChoice> encoder_;
    std::vector<std::string> outputs_;

    std::uint32_t width_ = 0;  // the caps the inlets have now
    std::uint32_t height_ = 0;
    gst::CapsPtr caps_;
    gst::ObjectPtr<GstBufferPool> pool_;

    std::vector<std::unique_ptr<LocalStream>> local_;
    std::shared_ptr<RtspStreamServer> rtsp_;
    std::string rtsp_path_;
    void stop_rtsp();

    mutable std::mutex mutex_;  // guards the two below: RTSP clients come and go on its thread
    std::vector<std::unique_ptr<StreamInlet>> rtsp_inlets_;
    std::vector<StreamStatistics> ended_;
};

}  // namespace fbx
