#pragma once

#include <GLES3/gl3.h>

#include <utility>

namespace fbx::gl {

// Sole owner of one GL object name (texture, buffer, framebuffer, vertex
// array, query). Deleting needs the owning context current: the converter
// makes it current before its handles go.
template <void (*Generate)(GLsizei, GLuint*), void (*Delete)(GLsizei, const GLuint*)>
class GlHandle {
public:
    GlHandle() = default;
    GlHandle(GlHandle&& other) noexcept : name_(std::exchange(other.name_, 0)) {}
    GlHandle& operator=(GlHandle&& other) noexcept {
        if (this != &other) {
            reset();
            name_ = std::exchange(other.name_, 0);
        }
        return *this;
    }
    GlHandle(const GlHandle&) = delete;
    GlHandle& operator=(const GlHandle&) = delete;
    ~GlHandle() { reset(); }

    // A fresh name, replacing (and deleting) the one held.
    static GlHandle generate() {
        GlHandle h;
        Generate(1, &h.name_);
        return h;
    }

    GLuint get() const { return name_; }
    explicit operator bool() const { return name_ != 0; }
    void reset() {
        if (name_ != 0) {
            Delete(1, &name_);
            name_ = 0;
        }
    }

private:
    GLuint name_ = 0;
};

// glGen*/glDelete* are exported functions of libGLESv2, so their addresses
// are constant expressions.
using GlTexture = GlHandle<glGenTextures, glDeleteTextures>;
using GlBuffer = GlHandle<glGenBuffers, glDeleteBuffers>;
using GlFramebuffer = GlHandle<glGenFramebuffers, glDeleteFramebuffers>;
using GlVertexArray = GlHandle<glGenVertexArrays, glDeleteVertexArrays>;

}  // namespace fbx::gl
