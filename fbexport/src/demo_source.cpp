#include "fbexport/demo_source.hpp"

#include <drm_fourcc.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "demo_pixel_encoder.hpp"
#include "fbexport/buffer.hpp"
#include "fbexport/error.hpp"
#include "fbexport/memory_mapping.hpp"
#include "fbexport/surface_layout.hpp"
#include "fbexport/unique_fd.hpp"
#include "sealed_memfd.hpp"

namespace fbx {
namespace {

constexpr std::uint32_t primary_dmabuf_id = 1;
constexpr std::uint32_t cursor_dmabuf_id = 2;
constexpr std::uint32_t min_side = 64;
constexpr std::uint32_t max_side = 8192;

std::string size_text(std::uint32_t width, std::uint32_t height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

std::string format_list() {
    std::string names;
    for (const PixelFormat& f : supported_formats()) {
        names += (names.empty() ? "" : ", ") + std::string(f.name);
    }
    return names;
}

std::string modifier_list() {
    std::string names;
    for (const Modifier& m : supported_modifiers()) {
        names += (names.empty() ? "" : ", ") + std::string(m.name);
    }
    return names;
}

// What the options select, checked before anything is allocated.
struct Choice {
    PixelFormat format;
    Modifier modifier;
};

Choice check_options(const DemoOptions& options) {
    if (options.width < min_side || options.width > max_side || options.height < min_side ||
        options.height > max_side) {
        throw Error("demo source: size " + size_text(options.width, options.height) +
                    " is outside " + size_text(min_side, min_side) + ".." +
                    size_text(max_side, max_side));
    }
    const auto format = find_format(options.fourcc);
    if (!format) {
        throw Error("demo source: unsupported pixel format " + format_name(options.fourcc) +
                    " (supported: " + format_list() + ")");
    }
    const auto modifier = find_modifier(options.modifier);
    if (!modifier) {
        throw Error("demo source: unsupported format modifier " + modifier_name(options.modifier) +
                    " (supported: " + modifier_list() + ")");
    }
    if (!options.clock) {
        throw Error("demo source: no clock given");
    }
    return {*format, *modifier};
}

// The area covered by `rects` as disjoint rectangles, so that pixels under
// overlapping damage (windows crossing each other) are drawn once.
std::vector<Rect> disjoint_cover(const std::vector<Rect>& rects) {
    std::vector<std::int32_t> edges;
    for (const Rect& r : rects) {
        edges.push_back(r.y);
        edges.push_back(r.bottom());
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());

    using Spans = std::vector<std::pair<std::int32_t, std::int32_t>>;  // [begin, end) columns
    std::vector<Rect> cover;
    Spans previous;
    std::size_t previous_first = 0;  // where the band above starts in `cover`
    for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
        const std::int32_t y0 = edges[i];
        const std::int32_t y1 = edges[i + 1];
        Spans spans;
        for (const Rect& r : rects) {
            if (r.y <= y0 && r.bottom() >= y1) {
                spans.emplace_back(r.x, r.right());
            }
        }
        std::sort(spans.begin(), spans.end());
        Spans merged;
        for (const auto& span : spans) {
            if (!merged.empty() && span.first <= merged.back().second) {
                merged.back().second = std::max(merged.back().second, span.second);
            } else {
                merged.push_back(span);
            }
        }
        if (!merged.empty() && merged == previous) {
            for (std::size_t j = previous_first; j < cover.size(); ++j) {
                cover[j].height += y1 - y0;  // same columns as the band above: grow it
            }
        } else {
            previous_first = cover.size();
            for (const auto& [x0, x1] : merged) {
                cover.push_back({x0, y0, x1 - x0, y1 - y0});
            }
        }
        previous = std::move(merged);
    }
    return cover;
}

// The cursor never changes, so its buffer is filled once and only shared after.
std::shared_ptr<const Buffer> create_cursor_buffer() {
    const std::string name = "fbexport-demo-cursor";
    const std::vector<std::uint32_t> image = DemoScene::cursor_image();
    const std::size_t size = image.size() * sizeof(std::uint32_t);
    UniqueFd fd = create_sealed_memfd(name, size);
    {
        const MemoryMapping pixels(fd.get(), size, true, name);
        std::memcpy(pixels.data(), image.data(), size);
    }
    return std::make_shared<const Buffer>(std::move(fd), size, name);
}

}  // namespace

DemoOptions::DemoOptions()
    : fourcc(DRM_FORMAT_XRGB8888),
      modifier(DRM_FORMAT_MOD_LINEAR),
      clock([start = std::chrono::steady_clock::now()] {
          const auto elapsed = std::chrono::steady_clock::now() - start;
          return static_cast<std::uint64_t>(
              std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
      }) {}

class DemoSource::Impl {
public:
    explicit Impl(DemoOptions options)
        : options_(std::move(options)),
          choice_(check_options(options_)),
          scene_(options_.width, options_.height),
          layout_(choice_.modifier.tiling,
                  minimum_stride(choice_.modifier.tiling, options_.width,
                                 choice_.format.bytes_per_pixel),
                  options_.height),
          canvas_(std::size_t{options_.width} * options_.height),
          cursor_buffer_(create_cursor_buffer()) {
        const std::string name = "fbexport-demo-primary";
        const std::size_t size = layout_.size_bytes();
        UniqueFd fd = create_sealed_memfd(name, size);
        primary_pixels_ = MemoryMapping(fd.get(), size, true, name);
        // The Buffer maps its own read-only view; ours stays for writing.
        primary_buffer_ = std::make_shared<const Buffer>(std::move(fd), size, name);
    }

    const DemoScene& scene() const { return scene_; }

    std::string describe() const {
        return "demo " + size_text(options_.width, options_.height) + " " +
               std::string(choice_.format.name) + " " + std::string(choice_.modifier.name);
    }

    void invalidate() { full_damage_pending_ = true; }

    std::optional<Frame> poll() {
        std::uint64_t t = options_.clock();
        if (options_.stop_at_ms) {
            t = std::min(t, *options_.stop_at_ms);
        }
        Damage damage;
        if (full_damage_pending_) {
            redraw(screen(), t);
            damage = Damage::everything();
        } else {
            damage.rects = scene_.damage_between(shown_t_, t);
            for (const Rect& r : disjoint_cover(damage.rects)) {
                redraw(r, t);
            }
        }
        shown_t_ = t;
        const CursorPosition cursor = scene_.cursor_at(t);
        const bool cursor_moved = !shown_cursor_ || *shown_cursor_ != cursor;
        if (damage.empty() && !cursor_moved) {
            return std::nullopt;
        }
        full_damage_pending_ = false;
        shown_cursor_ = cursor;

        Frame frame;
        frame.sequence = ++sequence_;
        frame.primary = primary_plane();
        frame.cursor = cursor_plane(cursor);
        frame.damage = std::move(damage);
        return frame;
    }

private:
    Rect screen() const {
        return {0, 0, static_cast<std::int32_t>(options_.width),
                static_cast<std::int32_t>(options_.height)};
    }

    // Renders the scene at time t inside `r`, then stores it in the primary
    // plane's format and tiling.
    void redraw(const Rect& r, std::uint64_t t) {
        const std::size_t canvas_stride = std::size_t{options_.width} * sizeof(std::uint32_t);
        scene_.render(t, r, canvas_.data(), canvas_stride);
        encode_canvas_rect(choice_.format, layout_, canvas_.data(), canvas_stride, r,
                           primary_pixels_.data());
    }

    Plane primary_plane() const {
        Plane p;
        p.kind = PlaneKind::primary;
        p.buffer = primary_buffer_;
        p.fourcc = choice_.format.fourcc;
        p.modifier = choice_.modifier.value;
        p.width = options_.width;
        p.height = options_.height;
        p.stride = layout_.stride();
        p.dmabuf_id = primary_dmabuf_id;
        return p;
    }

    Plane cursor_plane(CursorPosition position) const {
        Plane p;
        p.kind = PlaneKind::cursor;
        p.buffer = cursor_buffer_;
        p.fourcc = DRM_FORMAT_ARGB8888;
        p.modifier = DRM_FORMAT_MOD_LINEAR;
        p.width = DemoScene::cursor_size;
        p.height = DemoScene::cursor_size;
        p.stride = DemoScene::cursor_size * sizeof(std::uint32_t);
        p.dmabuf_id = cursor_dmabuf_id;
        p.x = position.x;
        p.y = position.y;
        p.hot_x = DemoScene::cursor_hot_x;
        p.hot_y = DemoScene::cursor_hot_y;
        return p;
    }

    DemoOptions options_;
    Choice choice_;
    DemoScene scene_;
    SurfaceLayout layout_;
    std::vector<std::uint32_t> canvas_;  // the scene, linear XRGB8888
    std::shared_ptr<const Buffer> cursor_buffer_;
    std::shared_ptr<const Buffer> primary_buffer_;
    MemoryMapping primary_pixels_;  // writable view of primary_buffer_

    bool full_damage_pending_ = true;
    std::uint64_t shown_t_ = 0;
    std::optional<CursorPosition> shown_cursor_;
    std::uint64_t sequence_ = 0;
};

DemoSource::DemoSource(DemoOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
DemoSource::~DemoSource() = default;

std::string DemoSource::describe() const {
    return impl_->describe();
}
std::optional<Frame> DemoSource::poll() {
    return impl_->poll();
}
void DemoSource::invalidate() {
    impl_->invalidate();
}
const DemoScene& DemoSource::scene() const {
    return impl_->scene();
}

}  // namespace fbx
