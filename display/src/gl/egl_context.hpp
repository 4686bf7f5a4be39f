#pragma once

#include <EGL/egl.h>

#include "egl_display.hpp"

namespace fbx::gl {

// A GLES 3.x context with no surface: the converter renders only into its
// own framebuffer objects, so it needs neither a window nor a pbuffer
// (EGL_KHR_surfaceless_context). The display must outlive the context.
class EglContext {
public:
    // Creates the context and makes it current on the calling thread.
    // Throws fbx::Error naming the EGL call, its error and the platform.
    explicit EglContext(const EglDisplay& display);
    EglContext(const EglContext&) = delete;
    EglContext& operator=(const EglContext&) = delete;
    ~EglContext();

    EGLContext get() const { return context_; }
    // Makes the context current on the calling thread (cheap when it is).
    // A context is current on one thread at a time: use it from one thread.
    void make_current() const;

private:
    EGLDisplay display_;
    std::string where_;
    EGLContext context_ = EGL_NO_CONTEXT;
};

}  // namespace fbx::gl
