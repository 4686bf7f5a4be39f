#include "screen_capture.hpp"

#include <pixman.h>

#include <cstring>

#include "display/damage_region.hpp"
#include "display/pixman_image.hpp"
#include "fbexport/error.hpp"

namespace fbx::gst {

ScreenCapture::ScreenCapture(std::unique_ptr<Source> source)
    // One worker thread besides the streaming thread: the encoder downstream
    // wants the other cores more than a converter that mostly sees small damage.
    : source_(std::move(source)), converter_(2) {}

bool ScreenCapture::update() {
    std::optional<Frame> frame = source_->poll();
    if (!frame) {
        return false;
    }
    const Plane& primary = frame->primary;
    DamageRegion damage;
    if (!has_frame_ || primary.width != shadow_.width() || primary.height != shadow_.height()) {
        shadow_.resize(primary.width, primary.height);
        damage.add(Damage::everything(), primary.width, primary.height);
    } else {
        damage.add(frame->damage, primary.width, primary.height);
    }
    converter_.convert(primary, damage, shadow_);
    take_cursor(frame->cursor);
    has_frame_ = true;
    return true;
}

void ScreenCapture::take_cursor(const std::optional<Plane>& plane) {
    if (!plane) {
        cursor_.reset();
        return;
    }
    // The same dmabuf_id means the same surface: only a move, no new pixels to read.
    if (!cursor_ || plane->dmabuf_id != cursor_dmabuf_id_ || plane->dmabuf_id == 0) {
        cursor_ = convert_cursor(*plane);
        cursor_dmabuf_id_ = plane->dmabuf_id;
    }
    cursor_x_ = plane->x;
    cursor_y_ = plane->y;
}

void ScreenCapture::copy_to(std::uint8_t* dst, std::size_t stride, bool with_cursor) const {
    const std::size_t row_bytes = shadow_.stride();
    if (stride == row_bytes) {
        std::memcpy(dst, shadow_.pixels(), row_bytes * shadow_.height());
    } else {
        for (std::uint32_t y = 0; y < shadow_.height(); ++y) {
            std::memcpy(dst + y * stride, shadow_.row(y), row_bytes);
        }
    }
    if (!with_cursor || !cursor_ || cursor_->empty()) {
        return;
    }
    PixmanImagePtr target(pixman_image_create_bits(
        PIXMAN_x8r8g8b8, static_cast<int>(shadow_.width()), static_cast<int>(shadow_.height()),
        reinterpret_cast<std::uint32_t*>(dst), static_cast<int>(stride)));
    if (!target) {
        throw Error("pixman image over a " + std::to_string(shadow_.width()) + "x" +
                    std::to_string(shadow_.height()) + " stream buffer could not be made");
    }
    compose_cursor(*cursor_, cursor_x_, cursor_y_, target.get());
}

}  // namespace fbx::gst
