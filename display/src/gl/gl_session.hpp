#pragma once

#include <memory>
#include <string>

#include "egl_context.hpp"
#include "egl_display.hpp"
#include "gbm_device.hpp"

namespace fbx::gl {

// Everything a GL converter stands on: where EGL was found, the display and
// a current GLES 3 context, and what the driver calls itself. Members are
// destroyed in reverse order: context, display, then the GBM device.
struct GlSession {
    std::unique_ptr<GbmDevice> gbm;  // only on the GBM platform
    std::unique_ptr<EglDisplay> display;
    std::unique_ptr<EglContext> context;
    std::string renderer;   // GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)"
    std::string version;    // GL_VERSION, e.g. "OpenGL ES 3.2 Mesa 22.3.6"
    bool software = false;  // a CPU rasteriser (llvmpipe, softpipe, swrast, ...)
};

// Opens the first platform that gives a GLES 3 context, in this order:
//   1. EGL_EXT_platform_device, devices that are real GPUs (the NVIDIA
//      driver's way, and Mesa's with a render node);
//   2. EGL's GBM platform on the first /dev/dri/renderD* (Mesa drivers
//      whose EGL has no device platform);
//   3. EGL_MESA_platform_surfaceless (Mesa's software rasteriser when there
//      is no GPU: containers, CI);
//   4. EGL_EXT_platform_device, software devices.
// Throws fbx::Error listing why each one failed when none works.
GlSession open_gl_session();

// Whether a GL_RENDERER string names a rasteriser that runs on the CPU.
bool is_software_renderer(const std::string& renderer);

}  // namespace fbx::gl
