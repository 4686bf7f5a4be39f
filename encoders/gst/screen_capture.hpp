#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "display/cpu_converter.hpp"
#include "display/cursor_image.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/source.hpp"

namespace fbx::gst {

// The part of fbexportsrc that knows nothing of GStreamer: a source, its
// shadow framebuffer kept up to date through the damage each poll reports,
// and the cursor plane kept apart so each copy can have it composited or not.
class ScreenCapture {
public:
    explicit ScreenCapture(std::unique_ptr<Source> source);

    // Polls the source and converts its damage; false when nothing changed.
    // A mode change (new primary size) resizes the shadow and converts all of it.
    bool update();

    // Whether update() has seen a frame yet; width/height are 0 until then.
    bool has_frame() const { return has_frame_; }
    std::uint32_t width() const { return shadow_.width(); }
    std::uint32_t height() const { return shadow_.height(); }

    // Copies the picture into `dst` (width x height XRGB8888 rows, `stride`
    // bytes apart), with the cursor blended in when asked. The shadow itself
    // never holds the cursor, so a moving cursor leaves no trail.
    void copy_to(std::uint8_t* dst, std::size_t stride, bool with_cursor) const;

    std::string describe() const { return source_->describe(); }

private:
    void take_cursor(const std::optional<Plane>& plane);

    std::unique_ptr<Source> source_;
    CpuConverter converter_;
    ShadowFramebuffer shadow_;
    bool has_frame_ = false;

    std::optional<CursorImage> cursor_;  // absent: no cursor plane enabled
    std::uint32_t cursor_dmabuf_id_ = 0;
    std::int32_t cursor_x_ = 0;
    std::int32_t cursor_y_ = 0;
};

}  // namespace fbx::gst
