#pragma once

#include <cstdint>
#include <string>

#include "gl_handle.hpp"

namespace fbx::gl {

// An RGBA8 texture with a framebuffer object drawing into it: where the
// converter's programs render, and where PBO reads come from. Reallocated
// only when the size changes.
class RenderTarget {
public:
    explicit RenderTarget(std::string name) : name_(std::move(name)) {}

    // Makes it width x height (contents undefined after a change), binds
    // its framebuffer for drawing and reading, and sets the viewport.
    void bind(std::uint32_t width, std::uint32_t height);

    GLuint texture() const { return texture_.get(); }
    std::uint32_t width() const { return width_; }
    std::uint32_t height() const { return height_; }

private:
    std::string name_;
    std::uint32_t width_ = 0;
    std::uint32_t height_ = 0;
    GlTexture texture_;
    GlFramebuffer framebuffer_;
};

}  // namespace fbx::gl
