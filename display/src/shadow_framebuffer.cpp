#include "display/shadow_framebuffer.hpp"

#include <algorithm>
#include <climits>
#include <new>
#include <string>
#include <utility>

#include "fbexport/error.hpp"

namespace fbx {

ShadowFramebuffer::ShadowFramebuffer(ShadowFramebuffer&& other) noexcept
    : width_(std::exchange(other.width_, 0)),
      height_(std::exchange(other.height_, 0)),
      storage_(std::move(other.storage_)),
      image_(std::move(other.image_)) {}

ShadowFramebuffer& ShadowFramebuffer::operator=(ShadowFramebuffer&& other) noexcept {
    if (this != &other) {
        image_.reset();  // before the bytes it views go
        width_ = std::exchange(other.width_, 0);
        height_ = std::exchange(other.height_, 0);
        storage_ = std::move(other.storage_);
        image_ = std::move(other.image_);
    }
    return *this;
}

void ShadowFramebuffer::resize(std::uint32_t width, std::uint32_t height) {
    // pixman takes int sizes and an int stride in bytes.
    if (width > INT_MAX / 4 || height > INT_MAX) {
        throw Error("shadow framebuffer of " + std::to_string(width) + "x" +
                    std::to_string(height) + " is beyond pixman's limits");
    }
    image_.reset();
    width_ = 0;
    height_ = 0;
    if (width == 0 || height == 0) {
        storage_.release();
        return;
    }
    storage_.reserve_discarding(std::size_t{width} * height * 4);
    image_.reset(pixman_image_create_bits(PIXMAN_x8r8g8b8, static_cast<int>(width),
                                          static_cast<int>(height), pixels(),
                                          static_cast<int>(width * 4)));
    if (!image_) {
        throw std::bad_alloc();
    }
    width_ = width;
    height_ = height;
    fill(0);
}

void ShadowFramebuffer::fill(std::uint32_t value) {
    std::fill_n(pixels(), std::size_t{width_} * height_, value);
}

}  // namespace fbx
