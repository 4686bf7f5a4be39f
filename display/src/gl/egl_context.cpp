#include "egl_context.hpp"

#include <EGL/eglext.h>

#include "egl_error.hpp"
#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

// A config for the context: none where the display allows it (we never draw
// to an EGL surface), else any config that can run GLES 3.
EGLConfig pick_config(const EglDisplay& display) {
    if (display.has_extension("EGL_KHR_no_config_context") ||
        display.has_extension("EGL_MESA_configless_context")) {
        return EGL_NO_CONFIG_KHR;
    }
    const EGLint attributes[] = {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_SURFACE_TYPE, 0,
                                 EGL_NONE};
    EGLConfig config = nullptr;
    EGLint count = 0;
    if (eglChooseConfig(display.get(), attributes, &config, 1, &count) != EGL_TRUE) {
        throw_egl_error("eglChooseConfig", "on " + display.where());
    }
    if (count == 0) {
        throw Error("eglChooseConfig found no GLES 3 config on " + display.where());
    }
    return config;
}

}  // namespace

EglContext::EglContext(const EglDisplay& display)
    : display_(display.get()), where_(display.where()) {
    if (!display.has_extension("EGL_KHR_surfaceless_context")) {
        throw Error("EGL on " + where_ + " lacks EGL_KHR_surfaceless_context");
    }
    if (eglBindAPI(EGL_OPENGL_ES_API) != EGL_TRUE) {
        throw_egl_error("eglBindAPI(EGL_OPENGL_ES_API)", "on " + where_);
    }
    // 3.0 is the floor (integer textures, texelFetch, PBOs); drivers return
    // the highest version compatible with it.
    const EGLint attributes[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0,
                                 EGL_NONE};
    context_ = eglCreateContext(display_, pick_config(display), EGL_NO_CONTEXT, attributes);
    if (context_ == EGL_NO_CONTEXT) {
        throw_egl_error("eglCreateContext (GLES 3.0)", "on " + where_);
    }
    try {
        make_current();
    } catch (...) {
        eglDestroyContext(display_, context_);
        throw;
    }
}

EglContext::~EglContext() {
    if (eglGetCurrentContext() == context_) {
        eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    }
    eglDestroyContext(display_, context_);
}

void EglContext::make_current() const {
    if (eglGetCurrentContext() == context_) {
        return;
    }
    if (eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_) != EGL_TRUE) {
        throw_egl_error("eglMakeCurrent (surfaceless)", "on " + where_);
    }
}

}  // namespace fbx::gl
