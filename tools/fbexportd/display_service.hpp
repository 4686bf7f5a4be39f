#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "display/converter.hpp"
#include "display/cursor_image.hpp"
#include "display/damage_region.hpp"
#include "display/gl_converter.hpp"
#include "display/nv12_image.hpp"
#include "display/nv12_update.hpp"
#include "display/shadow_framebuffer.hpp"
#include "encoders/stream_options.hpp"
#include "encoders/video_streams.hpp"
#include "encoders/vnc_sink.hpp"
#include "encoders/web_server.hpp"
#include "fbexport/event_loop.hpp"
#include "fbexport/poll_rate.hpp"
#include "fbexport/source.hpp"

namespace fbx {

// The browser viewer: noVNC's files and the VNC sink's WebSocket on one port.
struct BrowserOptions {
    std::optional<ListenAddress> http;  // none: no web server
    std::string root;                   // noVNC's folder (Debian: /usr/share/novnc)
    std::optional<WebTls> tls;          // HTTPS (and wss) instead of HTTP
};

// One display served: a source polled at the adaptive rate, its damage
// converted into a shadow framebuffer, and that framebuffer served over VNC
// and, when asked for, as video streams (the cursor composed in).
// Conversion happens only while someone consumes: with no client the source
// is not polled at all, and the damage it reports later covers the gap.
//
// Streams get a frame when the picture changed, at most StreamOptions::fps a
// second (a change that comes sooner goes out at the next slot), and while
// nothing changes the last frame again every 1/idle_fps seconds: a still
// desktop costs a frame a second, and receivers still see the stream alive.
class DisplayService {
public:
    // `converter`: the CPU or GL path (make_converter picks it); it is used
    // from the loop's thread only.
    // No GStreamer work at all unless `streams` asks for a stream. A stream
    // that fails later stops the loop; failure() then says why.
    // `on_source_lost`: the source's device went away (SourceLost); the
    // handler may replace_source() at once. Without one the service stops
    // the loop, and failure() says why.
    using SourceLostHandler = std::function<void(const std::string& why)>;
    DisplayService(EventLoop& loop, std::unique_ptr<Source> source,
                   std::unique_ptr<Converter> converter, const VncOptions& vnc,
                   const StreamOptions& streams = {}, const BrowserOptions& browser = {},
                   PollRateConfig rate = {}, RtspMount rtsp = {},
                   SourceLostHandler on_source_lost = {});
    DisplayService(const DisplayService&) = delete;
    DisplayService& operator=(const DisplayService&) = delete;
    ~DisplayService();

    struct Statistics {
        std::uint64_t polls = 0;
        std::uint64_t frames = 0;            // polls that found a change
        std::uint64_t converted_pixels = 0;  // damage converted into the shadow
    };
    const Statistics& statistics() const { return stats_; }

    // Serves `source` from now on, to the same clients and streams: its
    // first frame (polled here; an error leaves the old source in place)
    // replaces the whole picture, resizing the clients' desktop if its size
    // differs. Only from the loop's thread.
    void replace_source(std::unique_ptr<Source> source);
    // What new VNC viewers are told the desktop is called.
    void set_desktop_name(const std::string& name);
    const Source& source() const { return *source_; }
    std::uint32_t width() const { return shadow_.width(); }
    std::uint32_t height() const { return shadow_.height(); }

    // The streams, or null when none was asked for.
    VideoStreams* streams() { return streams_.get(); }
    // The page to open in a browser, when --http serves one.
    std::optional<std::string> browser_url() const;
    // Why a stream, or the loss of the source, stopped the service, if so.
    const std::optional<std::string>& failure() const { return failure_; }
    // Ends the streams (files are finalised); call after the loop has returned.
    void finish_streams();

private:
    void poll();
    void take(Frame& frame);
    void watch_source();
    void unwatch_source();
    // Whether the picture a stream shows changed (a new shape or position).
    // `redrawn`: the same cursor surface has new pixels.
    bool update_cursor(const std::optional<Plane>& cursor, bool redrawn);
    void clients_changed(std::uint32_t clients);
    std::uint32_t consumers() const;
    void consumers_changed();
    void stream_changed(std::uint64_t capture);
    void push_stream();
    // Converts pending_ into the shadow (and notes it for the NV12 streams).
    void convert_pending();

    EventLoop& loop_;
    std::unique_ptr<Source> source_;
    std::unique_ptr<Converter> converter_;
    ShadowFramebuffer shadow_;
    DamageRegion pending_;  // damage polled but not yet converted
    std::optional<Plane> primary_;
    std::optional<std::uint32_t> cursor_id_;  // dmabuf_id of the cursor shown
    std::optional<std::pair<std::int32_t, std::int32_t>> pointer_;
    std::optional<CursorImage> cursor_image_;  // for streams, which compose it in
    std::int32_t cursor_x_ = 0;                // the cursor plane's top-left
    std::int32_t cursor_y_ = 0;
    PollRate rate_;
    Timer timer_;
    std::unique_ptr<VncSink> vnc_;
    std::unique_ptr<WebServer> web_;  // declared after vnc_: gone before it
    std::uint32_t vnc_clients_ = 0;
    Statistics stats_;

    StreamOptions stream_options_;
    std::unique_ptr<VideoStreams> streams_;
    // Streams fed NV12: made by the GL converter where it is one, else on
    // the CPU; the picture as streams last got it, and what changed in the
    // shadow since then.
    bool nv12_on_ = false;
    GlConverter* nv12_gl_ = nullptr;
    Nv12Image nv12_;
    DamageRegion nv12_damage_;
    Timer stream_timer_;             // the next frame slot, or the next idle repeat
    bool stream_dirty_ = false;      // changed since the last frame went out
    std::uint64_t dirty_since_ = 0;  // capture time of the first such change
    bool stream_refresh_ = false;    // a new consumer: send a frame after the next poll
    std::chrono::steady_clock::time_point last_stream_push_{};
    std::optional<std::string> failure_;
    SourceLostHandler on_source_lost_;
    // Set while the service lives; the VNC threads post through it.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace fbx
