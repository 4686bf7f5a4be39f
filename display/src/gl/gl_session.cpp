#include "gl_session.hpp"

#include <EGL/eglext.h>
#include <GLES3/gl3.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <vector>

#include "egl_error.hpp"
#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

struct Candidate {
    std::string where;
    std::function<GlSession()> open;
};

// A display and a context on it; the session is filled in by the caller.
GlSession open_on(EGLenum platform, void* native, const std::string& where,
                  std::unique_ptr<GbmDevice> gbm = nullptr) {
    GlSession session;
    session.gbm = std::move(gbm);
    session.display = std::make_unique<EglDisplay>(platform, native, where);
    session.context = std::make_unique<EglContext>(*session.display);
    return session;
}

bool client_extension(std::string_view name) {
    // EGL_NO_DISPLAY queries the client extensions (EGL_EXT_client_extensions).
    const char* list = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    return list != nullptr && extension_listed(list, name);
}

std::string device_name(PFNEGLQUERYDEVICESTRINGEXTPROC query, EGLDeviceEXT device,
                        std::size_t index) {
    const char* extensions = query(device, EGL_EXTENSIONS);
    const std::string_view list = extensions ? extensions : "";
    const char* node = nullptr;
    if (extension_listed(list, "EGL_EXT_device_drm_render_node")) {
        node = query(device, EGL_DRM_RENDER_NODE_FILE_EXT);
    }
    if (node == nullptr && extension_listed(list, "EGL_EXT_device_drm")) {
        node = query(device, EGL_DRM_DEVICE_FILE_EXT);
    }
    return "device platform, device " + std::to_string(index) +
           (node ? std::string(" (") + node + ")" : std::string());
}

// The device platform's devices, GPUs first in `hardware`, the rest in `software`.
void add_devices(std::vector<Candidate>& hardware, std::vector<Candidate>& software) {
    if (!client_extension("EGL_EXT_platform_device") ||
        !client_extension("EGL_EXT_device_enumeration")) {
        return;
    }
    auto query_devices =
        reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
    auto query_string = reinterpret_cast<PFNEGLQUERYDEVICESTRINGEXTPROC>(
        eglGetProcAddress("eglQueryDeviceStringEXT"));
    if (query_devices == nullptr || query_string == nullptr) {
        return;
    }
    EGLint count = 0;
    if (query_devices(0, nullptr, &count) != EGL_TRUE || count <= 0) {
        return;
    }
    std::vector<EGLDeviceEXT> devices(static_cast<std::size_t>(count));
    if (query_devices(count, devices.data(), &count) != EGL_TRUE) {
        return;
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        EGLDeviceEXT device = devices[i];
        const char* extensions = query_string(device, EGL_EXTENSIONS);
        const bool is_software =
            extensions != nullptr && extension_listed(extensions, "EGL_MESA_device_software");
        const std::string where = device_name(query_string, device, i);
        Candidate c{where,
                    [device, where] { return open_on(EGL_PLATFORM_DEVICE_EXT, device, where); }};
        (is_software ? software : hardware).push_back(std::move(c));
    }
}

}  // namespace

bool is_software_renderer(const std::string& renderer) {
    std::string lower = renderer;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* name :
         {"llvmpipe", "softpipe", "swrast", "software", "lavapipe", "swiftshader"}) {
        if (lower.find(name) != std::string::npos) {
            return true;
        }
    }
    return false;
}

GlSession open_gl_session() {
    std::vector<Candidate> hardware;
    std::vector<Candidate> software;
    add_devices(hardware, software);

    std::vector<Candidate> candidates = std::move(hardware);
    if (client_extension("EGL_KHR_platform_gbm") || client_extension("EGL_MESA_platform_gbm")) {
        if (const auto node = GbmDevice::first_render_node()) {
            const std::string where = "GBM platform on " + *node;
            candidates.push_back({where, [node, where] {
                                      auto gbm = std::make_unique<GbmDevice>(*node);
                                      void* native = gbm->get();
                                      return open_on(EGL_PLATFORM_GBM_KHR, native, where,
                                                     std::move(gbm));
                                  }});
        }
    }
    if (client_extension("EGL_MESA_platform_surfaceless")) {
        candidates.push_back({"surfaceless platform", [] {
                                  return open_on(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY,
                                                 "surfaceless platform");
                              }});
    }
    for (Candidate& c : software) {
        candidates.push_back(std::move(c));
    }
    if (candidates.empty()) {
        const char* list = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
        if (list == nullptr || *list == '\0') {
            // libglvnd lists client extensions only from the vendor
            // libraries (EGL drivers) it found.
            throw Error(
                "no EGL driver: eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS) lists no client "
                "extensions, so libglvnd found no vendor library (Debian: libegl-mesa0, or the "
                "NVIDIA driver)");
        }
        throw Error(std::string("no EGL platform to try: the EGL client extensions (") + list +
                    ") name neither EGL_EXT_platform_device, a GBM platform nor "
                    "EGL_MESA_platform_surfaceless");
    }

    std::string failures;
    for (const Candidate& c : candidates) {
        try {
            GlSession session = c.open();
            const auto* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
            const auto* version = reinterpret_cast<const char*>(glGetString(GL_VERSION));
            session.renderer = renderer ? renderer : "unknown renderer";
            session.version = version ? version : "unknown version";
            session.software = is_software_renderer(session.renderer);
            return session;
        } catch (const Error& e) {
            failures += std::string(failures.empty() ? "" : "; ") + c.where + ": " + e.what();
        }
    }
    throw Error("no GLES 3 context on any EGL platform: " + failures);
}

}  // namespace fbx::gl
