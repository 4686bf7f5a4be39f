#include "egl_error.hpp"

#include <GLES3/gl3.h>

#include <cstdio>

#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

std::string hex(unsigned code) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%04x", code);
    return text;
}

}  // namespace

std::string egl_error_name(EGLint code) {
    switch (code) {
        case EGL_SUCCESS:
            return "EGL_SUCCESS";
        case EGL_NOT_INITIALIZED:
            return "EGL_NOT_INITIALIZED";
        case EGL_BAD_ACCESS:
            return "EGL_BAD_ACCESS";
        case EGL_BAD_ALLOC:
            return "EGL_BAD_ALLOC";
        case EGL_BAD_ATTRIBUTE:
            return "EGL_BAD_ATTRIBUTE";
        case EGL_BAD_CONFIG:
            return "EGL_BAD_CONFIG";
        case EGL_BAD_CONTEXT:
            return "EGL_BAD_CONTEXT";
        case EGL_BAD_CURRENT_SURFACE:
            return "EGL_BAD_CURRENT_SURFACE";
        case EGL_BAD_DISPLAY:
            return "EGL_BAD_DISPLAY";
        case EGL_BAD_MATCH:
            return "EGL_BAD_MATCH";
        case EGL_BAD_NATIVE_PIXMAP:
            return "EGL_BAD_NATIVE_PIXMAP";
        case EGL_BAD_NATIVE_WINDOW:
            return "EGL_BAD_NATIVE_WINDOW";
        case EGL_BAD_PARAMETER:
            return "EGL_BAD_PARAMETER";
        case EGL_BAD_SURFACE:
            return "EGL_BAD_SURFACE";
        case EGL_CONTEXT_LOST:
            return "EGL_CONTEXT_LOST";
    }
    return hex(static_cast<unsigned>(code));
}

[[noreturn]] void throw_egl_error(const std::string& call, const std::string& what) {
    const EGLint code = eglGetError();
    throw Error(call + " failed (" + egl_error_name(code) + ") " + what);
}

std::string gl_error_name(unsigned code) {
    switch (code) {
        case GL_NO_ERROR:
            return "GL_NO_ERROR";
        case GL_INVALID_ENUM:
            return "GL_INVALID_ENUM";
        case GL_INVALID_VALUE:
            return "GL_INVALID_VALUE";
        case GL_INVALID_OPERATION:
            return "GL_INVALID_OPERATION";
        case GL_INVALID_FRAMEBUFFER_OPERATION:
            return "GL_INVALID_FRAMEBUFFER_OPERATION";
        case GL_OUT_OF_MEMORY:
            return "GL_OUT_OF_MEMORY";
    }
    return hex(code);
}

void check_gl_error(const std::string& after) {
    const GLenum first = glGetError();
    if (first == GL_NO_ERROR) {
        return;
    }
    // GL may hold several flags; drain them so the next check starts clean.
    while (glGetError() != GL_NO_ERROR) {
    }
    throw Error(gl_error_name(first) + " after " + after);
}

}  // namespace fbx::gl
