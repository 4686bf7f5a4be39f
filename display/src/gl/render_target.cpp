#include "render_target.hpp"

#include "egl_error.hpp"
#include "fbexport/error.hpp"

namespace fbx::gl {

void RenderTarget::bind(std::uint32_t width, std::uint32_t height) {
    if (!framebuffer_ || width != width_ || height != height_) {
        texture_ = GlTexture::generate();
        glBindTexture(GL_TEXTURE_2D, texture_.get());
        glTexStorage2D(GL_TEXTURE_2D, 1, GL_RGBA8, static_cast<GLsizei>(width),
                       static_cast<GLsizei>(height));
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        framebuffer_ = GlFramebuffer::generate();
        glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_.get());
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, texture_.get(),
                               0);
        const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
        const std::string what = "the " + name_ + " render target (" + std::to_string(width) + "x" +
                                 std::to_string(height) + " RGBA8)";
        if (status != GL_FRAMEBUFFER_COMPLETE) {
            throw Error("glCheckFramebufferStatus: " + what + " is incomplete (" +
                        gl_error_name(status) + ")");
        }
        check_gl_error("creating " + what);
        width_ = width;
        height_ = height;
    }
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_.get());
    glViewport(0, 0, static_cast<GLsizei>(width), static_cast<GLsizei>(height));
}

}  // namespace fbx::gl
