#pragma once

#include <EGL/egl.h>

#include <string>
#include <string_view>

namespace fbx::gl {

// An initialised EGL display on one platform. EGL hands out the same
// EGLDisplay for the same platform and native display, and eglTerminate is
// not reference-counted, so initialisations are counted here: the last
// EglDisplay of a handle terminates it, and two converters never pull the
// display from under each other.
class EglDisplay {
public:
    // eglGetPlatformDisplay(platform, native) + eglInitialize. `where` names
    // the platform for messages and logs, e.g. "surfaceless". Throws
    // fbx::Error naming the EGL call, its error code and `where`.
    EglDisplay(EGLenum platform, void* native, std::string where);
    EglDisplay(const EglDisplay&) = delete;
    EglDisplay& operator=(const EglDisplay&) = delete;
    ~EglDisplay();

    EGLDisplay get() const { return display_; }
    const std::string& where() const { return where_; }
    bool has_extension(std::string_view name) const;

private:
    EGLDisplay display_ = EGL_NO_DISPLAY;
    std::string where_;
    std::string extensions_;
};

// Whether a space-separated EGL/GL extension string names `name` exactly.
bool extension_listed(std::string_view list, std::string_view name);

}  // namespace fbx::gl
