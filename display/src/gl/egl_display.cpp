#include "egl_display.hpp"

#include <map>
#include <mutex>

#include "egl_error.hpp"

namespace fbx::gl {
namespace {

std::mutex initialised_mutex;
std::map<EGLDisplay, int>& initialised() {
    static std::map<EGLDisplay, int> counts;
    return counts;
}

}  // namespace

bool extension_listed(std::string_view list, std::string_view name) {
    for (std::size_t start = 0; start < list.size();) {
        const std::size_t end = std::min(list.find(' ', start), list.size());
        if (list.substr(start, end - start) == name) {
            return true;
        }
        start = end + 1;
    }
    return false;
}

EglDisplay::EglDisplay(EGLenum platform, void* native, std::string where)
    : where_(std::move(where)) {
    display_ = eglGetPlatformDisplay(platform, native, nullptr);
    if (display_ == EGL_NO_DISPLAY) {
        throw_egl_error("eglGetPlatformDisplay", "on " + where_);
    }
    const std::lock_guard lock(initialised_mutex);
    EGLint major = 0;
    EGLint minor = 0;
    if (eglInitialize(display_, &major, &minor) != EGL_TRUE) {
        throw_egl_error("eglInitialize", "on " + where_);
    }
    ++initialised()[display_];
    const char* list = eglQueryString(display_, EGL_EXTENSIONS);
    extensions_ = list ? list : "";
}

EglDisplay::~EglDisplay() {
    const std::lock_guard lock(initialised_mutex);
    auto it = initialised().find(display_);
    if (it != initialised().end() && --it->second == 0) {
        initialised().erase(it);
        eglTerminate(display_);
        // Frees this thread's EGL state (Mesa keeps it until the thread
        // exits otherwise); not while another converter's context is current.
        if (eglGetCurrentContext() == EGL_NO_CONTEXT) {
            eglReleaseThread();
        }
    }
}

bool EglDisplay::has_extension(std::string_view name) const {
    return extension_listed(extensions_, name);
}

}  // namespace fbx::gl
