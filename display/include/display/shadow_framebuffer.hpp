#pragma once

#include <cstdint>

#include "display/aligned_buffer.hpp"
#include "display/pixman_image.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

// The host-side copy of a display: XRGB8888, rows packed tightly
// (stride == width * 4, as libvncserver assumes by default), storage aligned
// to 64 bytes. The X byte of each pixel is undefined: converters copy
// whatever their fast path produces there, so readers must ignore it.
//
// pixels() stays valid, at the same address, until the next resize(), so it
// can be handed to libvncserver as its framebuffer.
class ShadowFramebuffer {
public:
    ShadowFramebuffer() = default;
    ShadowFramebuffer(std::uint32_t width, std::uint32_t height) { resize(width, height); }

    ShadowFramebuffer(ShadowFramebuffer&& other) noexcept;
    ShadowFramebuffer& operator=(ShadowFramebuffer&& other) noexcept;  // other is left 0x0
    ShadowFramebuffer(const ShadowFramebuffer&) = delete;
    ShadowFramebuffer& operator=(const ShadowFramebuffer&) = delete;

    std::uint32_t width() const { return width_; }
    std::uint32_t height() const { return height_; }
    std::uint32_t stride() const { return width_ * 4; }  // bytes
    Rect bounds() const {
        return {0, 0, static_cast<std::int32_t>(width_), static_cast<std::int32_t>(height_)};
    }

    // Null while the framebuffer is 0x0.
    std::uint32_t* pixels() { return reinterpret_cast<std::uint32_t*>(storage_.data()); }
    const std::uint32_t* pixels() const {
        return reinterpret_cast<const std::uint32_t*>(storage_.data());
    }
    std::uint32_t* row(std::uint32_t y) { return pixels() + std::size_t{y} * width_; }
    const std::uint32_t* row(std::uint32_t y) const { return pixels() + std::size_t{y} * width_; }
    std::uint32_t& at(std::uint32_t x, std::uint32_t y) { return row(y)[x]; }
    std::uint32_t at(std::uint32_t x, std::uint32_t y) const { return row(y)[x]; }

    // A pixman x8r8g8b8 image over pixels(), owned by the framebuffer and
    // replaced by resize(); null while the framebuffer is 0x0.
    pixman_image_t* pixman_image() const { return image_.get(); }

    // New size, every pixel black (0). Throws fbx::Error past the sizes a
    // display can have (pixman's limits: rows of at most 2^31 bytes).
    void resize(std::uint32_t width, std::uint32_t height);

    void fill(std::uint32_t value);

private:
    std::uint32_t width_ = 0;
    std::uint32_t height_ = 0;
    AlignedBuffer storage_;
    PixmanImagePtr image_;  // declared after storage_: destroyed before the bytes it views
};

}  // namespace fbx
