#include "display_service.hpp"

#include "encoders/video_streams.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "service";

std::chrono::milliseconds period_of(std::uint32_t per_second) {
    return std::chrono::milliseconds(per_second > 0 ? 1000 / per_second : 1000);
}

}  // namespace

DisplayService::DisplayService(EventLoop& loop, std::unique_ptr<Source> source,
                               std::unique_ptr<Converter> converter, const VncOptions& vnc,
                               const StreamOptions& streams, const BrowserOptions& browser,
                               PollRateConfig rate, RtspMount rtsp,
                               SourceLostHandler on_source_lost)
    : loop_(loop),
      source_(std::move(source)),
      converter_(std::move(converter)),
      rate_(rate),
      timer_(loop, [this] { poll(); }),
      stream_options_(streams),
      stream_timer_(loop, [this] { push_stream(); }),
      on_source_lost_(std::move(on_source_lost)) {
    if (!converter_) {
        throw Error("display service started without a converter");
    }
    // The first frame gives the mode, which the VNC server needs before it
    // starts; its full damage fills the shadow framebuffer once.
    std::optional<Frame> first = source_->poll();
    if (!first) {
        throw Error("source " + source_->describe() + " gave no first frame");
    }
    ++stats_.polls;
    take(*first);
    log(LogLevel::info, component)
        << "source: " << source_->describe() << ", converting with " << converter_->describe();
    // The start-up frame: not counted in the statistics, which say what
    // consumers caused.
    converter_->convert(*primary_, pending_, shadow_);
    pending_.clear();

    // The VNC threads outlive nothing of ours, but their callbacks may run
    // while we are being destroyed: post through a weak token.
    std::weak_ptr<bool> token = alive_;
    vnc_ = std::make_unique<VncSink>(vnc, shadow_, [this, token, &loop](std::uint32_t clients) {
        loop.post([this, token, clients] {
            if (token.lock()) {
                clients_changed(clients);
            }
        });
    });
    update_cursor(first->cursor, false);
    if (browser.http) {
        web_ = std::make_unique<WebServer>(
            *browser.http, browser.root, "vnc.html", vnc.password.has_value(),
            [this](UniqueFd socket, const std::string& peer) {
                vnc_->adopt_client(std::move(socket), peer);
            },
            browser.tls);
    }

    if (stream_options_.any()) {
        // The encoders' NV12 is made here, once a frame for every stream and
        // only where the picture changed: by the GL path from the picture it
        // already holds, or by the CPU from the shadow; --gst-pipeline gets
        // BGRx, as documented.
        const bool nv12 = VideoStreams::takes_nv12(stream_options_);
        streams_ = std::make_unique<VideoStreams>(
            stream_options_, shadow_.width(), shadow_.height(),
            [this, token, &loop](const std::string& message) {
                loop.post([this, token, message] {
                    if (token.lock() && !failure_) {
                        failure_ = message;
                        loop_.stop();
                    }
                });
            },
            [this, token, &loop] {
                loop.post([this, token] {
                    if (token.lock()) {
                        consumers_changed();
                    }
                });
            },
            std::move(rtsp), nv12 ? RawFormat::nv12 : RawFormat::bgrx);
        if (nv12) {
            nv12_on_ = true;
            nv12_gl_ = dynamic_cast<GlConverter*>(converter_.get());
            log(LogLevel::info, component)
                << "streams get NV12 made " << (nv12_gl_ ? "by the GL path" : "on the CPU")
                << ", where the picture changed";
        } else {
            log(LogLevel::info, component)
                << "streams get BGRx: --gst-pipeline is documented to take it";
        }
        for (const std::string& output : streams_->outputs()) {
            log(LogLevel::info, component) << "stream: " << output;
        }
        consumers_changed();
    }
    watch_source();
}

DisplayService::~DisplayService() {
    alive_.reset();
    unwatch_source();
    streams_.reset();  // stops the pipelines before the framebuffer goes
    web_.reset();      // hands no more clients to the VNC sink
    vnc_.reset();      // joins the client threads before the framebuffer goes
}

void DisplayService::watch_source() {
    if (const int fd = source_->event_fd(); fd >= 0) {
        loop_.watch(fd, [this] { poll(); });
    }
}

void DisplayService::unwatch_source() {
    if (const int fd = source_->event_fd(); fd >= 0) {
        loop_.unwatch(fd);
    }
}

void DisplayService::replace_source(std::unique_ptr<Source> source) {
    std::optional<Frame> first = source->poll();
    if (!first) {
        throw Error("source " + source->describe() + " gave no first frame");
    }
    unwatch_source();
    timer_.disarm();
    source_ = std::move(source);
    // Nothing of the old source's planes carries over: its dma-buf ids mean
    // nothing to the new one, and its damage is moot.
    update_cursor(std::nullopt, false);
    pending_.clear();
    ++stats_.polls;
    first->damage = Damage::everything();
    take(*first);
    update_cursor(first->cursor, false);
    const std::vector<Rect> changed = pending_.rects();
    convert_pending();
    vnc_->damaged(changed);
    log(LogLevel::info, component) << "now serving " << source_->describe();
    watch_source();
    rate_.wake();
    if (consumers() > 0 && source_->event_fd() < 0) {
        timer_.arm(std::chrono::milliseconds{0});
    }
    if (streams_ && streams_->consumers() > 0) {
        stream_changed(VideoStreams::clock_now());
    }
}

void DisplayService::set_desktop_name(const std::string& name) {
    vnc_->set_desktop_name(name);
}

std::optional<std::string> DisplayService::browser_url() const {
    if (!web_) {
        return std::nullopt;
    }
    return web_->url();
}

std::uint32_t DisplayService::consumers() const {
    return vnc_clients_ + (streams_ ? static_cast<std::uint32_t>(streams_->consumers()) : 0);
}

void DisplayService::clients_changed(std::uint32_t clients) {
    vnc_clients_ = clients;
    consumers_changed();
}

void DisplayService::consumers_changed() {
    if (consumers() > 0) {
        // Poll now: the shadow is as old as the last poll, and the damage the
        // source reports since then brings it up to date. A new stream
        // consumer (an RTSP client) waits for its first frame: send one then.
        stream_refresh_ = streams_ && streams_->consumers() > 0;
        rate_.wake();
        timer_.arm(std::chrono::milliseconds{0});
    } else {
        timer_.disarm();
        log(LogLevel::debug, component) << "no consumers: polling stopped";
    }
    if (!streams_ || streams_->consumers() == 0) {
        stream_timer_.disarm();
        stream_dirty_ = false;
    }
}

void DisplayService::take(Frame& frame) {
    const Plane& plane = frame.primary;
    if (plane.width != shadow_.width() || plane.height != shadow_.height()) {
        if (shadow_.width() != 0) {
            log(LogLevel::info, component)
                << "mode change: " << shadow_.width() << 'x' << shadow_.height() << " -> "
                << plane.width << 'x' << plane.height;
        }
        const auto resize = [&] { shadow_.resize(plane.width, plane.height); };
        if (vnc_) {
            vnc_->resize_framebuffer(resize);  // viewers move off the old pixels first
        } else {
            resize();
        }
        frame.damage = Damage::everything();
        pending_.clear();
    }
    pending_.add(frame.damage, plane.width, plane.height);
    primary_ = plane;
}

bool DisplayService::update_cursor(const std::optional<Plane>& cursor, bool redrawn) {
    if (!cursor) {
        if (cursor_id_) {
            vnc_->set_cursor(nullptr);
            cursor_id_.reset();
            pointer_.reset();
            cursor_image_.reset();
            return true;
        }
        return false;
    }
    bool changed = false;
    if (cursor_id_ != cursor->dmabuf_id || redrawn) {
        cursor_image_ = convert_cursor(*cursor);
        vnc_->set_cursor(&*cursor_image_);
        cursor_id_ = cursor->dmabuf_id;
        changed = true;
    }
    cursor_x_ = cursor->x;
    cursor_y_ = cursor->y;
    const std::pair<std::int32_t, std::int32_t> pointer{
        cursor->x + static_cast<std::int32_t>(cursor->hot_x),
        cursor->y + static_cast<std::int32_t>(cursor->hot_y)};
    if (pointer_ != pointer) {
        vnc_->move_cursor(pointer.first, pointer.second);
        pointer_ = pointer;
        changed = true;
    }
    return changed;
}

void DisplayService::poll() {
    ++stats_.polls;
    // The moment the source is looked at: a stream frame's "glass" time.
    const std::uint64_t capture = streams_ ? VideoStreams::clock_now() : 0;
    std::optional<Frame> frame;
    bool picture_changed = false;
    try {
        frame = source_->poll();
        if (frame) {
            ++stats_.frames;
            take(*frame);
            picture_changed = update_cursor(frame->cursor, frame->cursor_redrawn);
        }
        if (consumers() > 0 && !pending_.empty() && primary_) {
            const std::vector<Rect> changed = pending_.rects();
            convert_pending();
            vnc_->damaged(changed);
            picture_changed = true;
        }
    } catch (const SourceLost& e) {
        // Nothing more will come (the vGPU was removed): stop polling it
        // rather than spin on a device that reports hang-up for ever.
        unwatch_source();
        timer_.disarm();
        if (on_source_lost_) {
            on_source_lost_(e.what());  // may replace source_: touch nothing after
            return;
        }
        if (!failure_) {
            failure_ = e.what();
        }
        loop_.stop();
        return;
    } catch (const Error& e) {
        // A bad frame (an invalid plane) is skipped, not fatal: the next one
        // may be good, and the clients keep the last good picture.
        log(LogLevel::warn, component) << source_->describe() << ": " << e.what();
    }
    if (streams_ && streams_->consumers() > 0 && (picture_changed || stream_refresh_)) {
        stream_refresh_ = false;
        stream_changed(capture);
    }
    // A source with events wakes the loop itself: no polling while nothing
    // happens. Only a source without them is polled at the adaptive rate.
    const auto next = rate_.after_poll(frame.has_value(), consumers());
    if (next && source_->event_fd() < 0) {
        timer_.arm(*next);
    }
}

void DisplayService::convert_pending() {
    // Noted first: a conversion that fails half way still leaves the shadow
    // (and the GL picture) changed in there.
    if (nv12_on_) {
        nv12_damage_.add(pending_);
    }
    converter_->convert(*primary_, pending_, shadow_);
    stats_.converted_pixels += static_cast<std::uint64_t>(pending_.area());
    pending_.clear();
}

void DisplayService::stream_changed(std::uint64_t capture) {
    if (!stream_dirty_) {
        stream_dirty_ = true;
        dirty_since_ = capture;
    }
    // At most fps frames a second: a change inside the current slot waits
    // for the next one, which then shows the newest picture.
    const auto now = std::chrono::steady_clock::now();
    const auto due = last_stream_push_ + period_of(stream_options_.fps);
    if (now >= due) {
        push_stream();
    } else {
        stream_timer_.arm(std::chrono::ceil<std::chrono::milliseconds>(due - now));
    }
}

void DisplayService::push_stream() {
    if (!streams_ || streams_->consumers() == 0) {
        return;
    }
    // Frame slots on a grid while changes keep coming, so the time a push
    // takes does not stretch the period (30 a second stays 30, not 26).
    const auto now = std::chrono::steady_clock::now();
    const auto period = period_of(stream_options_.fps);
    const auto slot = last_stream_push_ + period;
    last_stream_push_ = now >= slot && now - slot < period ? slot : now;
    // A repeat of an unchanged picture is stamped now; a change with the
    // time it was first seen, so its latency counts from there.
    const std::uint64_t capture = stream_dirty_ ? dirty_since_ : VideoStreams::clock_now();
    const CursorImage* cursor = cursor_image_ ? &*cursor_image_ : nullptr;
    try {
        if (nv12_on_) {
            if (nv12_gl_) {
                nv12_gl_->update_nv12(nv12_damage_, nv12_);
            } else {
                update_nv12(shadow_, nv12_damage_, nv12_);
            }
            nv12_damage_.clear();
            streams_->push(nv12_, shadow_, cursor, cursor_x_, cursor_y_, capture);
        } else {
            streams_->push(shadow_, cursor, cursor_x_, cursor_y_, capture);
        }
    } catch (const Error& e) {
        log(LogLevel::warn, component) << "stream frame: " << e.what();
    }
    stream_dirty_ = false;
    if (stream_options_.idle_fps > 0) {
        stream_timer_.arm(period_of(stream_options_.idle_fps));
    }
}

void DisplayService::finish_streams() {
    stream_timer_.disarm();
    if (streams_) {
        streams_->finish();
    }
}

}  // namespace fbx
