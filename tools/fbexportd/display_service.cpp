#include "display_service.hpp"

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {
constexpr std::string_view component = "service";
}

DisplayService::DisplayService(EventLoop& loop, std::unique_ptr<Source> source,
                               std::unique_ptr<Converter> converter, const VncOptions& vnc,
                               PollRateConfig rate)
    : loop_(loop),
      source_(std::move(source)),
      converter_(std::move(converter)),
      rate_(rate),
      timer_(loop, [this] { poll(); }) {
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
    update_cursor(first->cursor);
    if (const int fd = source_->event_fd(); fd >= 0) {
        loop_.watch(fd, [this] { poll(); });
    }
}

DisplayService::~DisplayService() {
    alive_.reset();
    if (const int fd = source_->event_fd(); fd >= 0) {
        loop_.unwatch(fd);
    }
    vnc_.reset();  // joins the client threads before the framebuffer goes
}

void DisplayService::clients_changed(std::uint32_t clients) {
    const bool first = consumers_ == 0 && clients > 0;
    consumers_ = clients;
    if (first) {
        // Poll now: the shadow is as old as the last poll, and the damage the
        // source reports since then brings it up to date.
        rate_.wake();
        timer_.arm(std::chrono::milliseconds{0});
    } else if (clients == 0) {
        timer_.disarm();
        log(LogLevel::debug, component) << "no consumers: polling stopped";
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
        shadow_.resize(plane.width, plane.height);
        frame.damage = Damage::everything();
        pending_.clear();
        if (vnc_) {
            vnc_->framebuffer_resized();
        }
    }
    pending_.add(frame.damage, plane.width, plane.height);
    primary_ = plane;
}

void DisplayService::update_cursor(const std::optional<Plane>& cursor) {
    if (!vnc_) {
        return;
    }
    if (!cursor) {
        if (cursor_id_) {
            vnc_->set_cursor(nullptr);
            cursor_id_.reset();
            pointer_.reset();
        }
        return;
    }
    if (cursor_id_ != cursor->dmabuf_id) {
        const CursorImage image = convert_cursor(*cursor);
        vnc_->set_cursor(&image);
        cursor_id_ = cursor->dmabuf_id;
    }
    const std::pair<std::int32_t, std::int32_t> pointer{
        cursor->x + static_cast<std::int32_t>(cursor->hot_x),
        cursor->y + static_cast<std::int32_t>(cursor->hot_y)};
    if (pointer_ != pointer) {
        vnc_->move_cursor(pointer.first, pointer.second);
        pointer_ = pointer;
    }
}

void DisplayService::poll() {
    ++stats_.polls;
    std::optional<Frame> frame;
    try {
        frame = source_->poll();
        if (frame) {
            ++stats_.frames;
            take(*frame);
            update_cursor(frame->cursor);
        }
        if (consumers_ > 0 && !pending_.empty() && primary_) {
            converter_->convert(*primary_, pending_, shadow_);
            stats_.converted_pixels += static_cast<std::uint64_t>(pending_.area());
            vnc_->damaged(pending_.rects());
            pending_.clear();
        }
    } catch (const Error& e) {
        // A bad frame (an invalid plane) is skipped, not fatal: the next one
        // may be good, and the clients keep the last good picture.
        log(LogLevel::warn, component) << source_->describe() << ": " << e.what();
    }
    if (const auto next = rate_.after_poll(frame.has_value(), consumers_)) {
        timer_.arm(*next);
    }
}

}  // namespace fbx
