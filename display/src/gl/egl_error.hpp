#pragma once

#include <EGL/egl.h>

#include <string>

namespace fbx::gl {

// "EGL_BAD_MATCH", or the code in hex when EGL defines no name for it.
std::string egl_error_name(EGLint code);

// Throws fbx::Error "CALL failed (EGL_BAD_...) WHAT" with eglGetError()'s
// code; `what` says on which object, e.g. "on the surfaceless platform".
[[noreturn]] void throw_egl_error(const std::string& call, const std::string& what);

// "GL_OUT_OF_MEMORY", or the code in hex.
std::string gl_error_name(unsigned code);

// Throws fbx::Error when GL has recorded an error since the last check;
// `after` names the step, e.g. "glTexSubImage2D of primary plane (...)".
void check_gl_error(const std::string& after);

}  // namespace fbx::gl
