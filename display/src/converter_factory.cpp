#include "display/converter_factory.hpp"

#include <sys/mman.h>

#include <drm_fourcc.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <vector>

#include "display/cpu_converter.hpp"
#include "display/gl_converter.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "fbexport/memory_mapping.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "convert";

// A 1920x1080 X-tiled XRGB8888 frame in a memfd, as the demo and most
// guests show: what the start-up measurement converts.
Plane probe_plane() {
    constexpr std::uint32_t width = 1920;
    constexpr std::uint32_t height = 1080;
    const std::uint32_t stride = minimum_stride(Tiling::intel_x, width, 4);
    const std::size_t size = SurfaceLayout(Tiling::intel_x, stride, height).size_bytes();
    UniqueFd fd(::memfd_create("fbexport-convert-probe", MFD_CLOEXEC));
    if (!fd) {
        throw_errno("memfd_create for the conversion probe");
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
        throw_errno("ftruncate of the conversion probe");
    }
    {
        const MemoryMapping pixels(fd.get(), size, true, "the conversion probe");
        for (std::size_t i = 0; i < size; i += 4) {
            const auto v = static_cast<std::uint32_t>(i * 2654435761u);
            std::memcpy(pixels.data() + i, &v, 4);
        }
    }
    Plane plane;
    plane.buffer = std::make_shared<Buffer>(std::move(fd), size, "conversion probe");
    plane.fourcc = DRM_FORMAT_XRGB8888;
    plane.modifier = I915_FORMAT_MOD_X_TILED;
    plane.width = width;
    plane.height = height;
    plane.stride = stride;
    return plane;
}

// Median seconds of a few full-frame conversions, after one warm-up.
double measure(Converter& converter, const Plane& plane) {
    ShadowFramebuffer out(plane.width, plane.height);
    const DamageRegion all(out.bounds());
    converter.convert(plane, all, out);
    std::vector<double> samples;
    for (int i = 0; i < 5; ++i) {
        const auto start = std::chrono::steady_clock::now();
        converter.convert(plane, all, out);
        samples.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

std::string ms(double seconds) {
    std::ostringstream text;
    text << std::fixed << std::setprecision(2) << seconds * 1e3 << " ms";
    return text.str();
}

std::unique_ptr<Converter> pick_automatically() {
    auto cpu = std::make_unique<CpuConverter>();
    std::unique_ptr<GlConverter> gl;
    try {
        gl = std::make_unique<GlConverter>();
    } catch (const Error& e) {
        log(LogLevel::info, component)
            << "auto: using " << cpu->describe() << ": no GL path (" << e.what() << ")";
        return cpu;
    }
    double gl_time = 0;
    double cpu_time = 0;
    try {
        const Plane plane = probe_plane();
        gl_time = measure(*gl, plane);
        cpu_time = measure(*cpu, plane);
    } catch (const Error& e) {
        log(LogLevel::info, component)
            << "auto: using " << cpu->describe() << ": the GL path failed its start-up test ("
            << e.what() << ")";
        return cpu;
    }
    // A software rasteriser runs on the cores the rest of the service
    // needs: it must win clearly to be worth it.
    const double needed = gl->software_renderer() ? 0.5 : 1.0;
    const bool use_gl = gl_time < cpu_time * needed;
    log(LogLevel::info, component)
        << "auto: using " << (use_gl ? gl->describe() : cpu->describe())
        << ": a 1920x1080 frame took " << ms(gl_time) << " on "
        << (gl->software_renderer() ? "the software rasteriser " : "") << gl->renderer() << " and "
        << ms(cpu_time) << " on the CPU path"
        << (gl->software_renderer() && !use_gl ? " (a software rasteriser must be 2x faster)" : "");
    if (use_gl) {
        return gl;
    }
    return cpu;
}

}  // namespace

std::unique_ptr<Converter> make_converter(ConvertMode mode) {
    switch (mode) {
        case ConvertMode::cpu: {
            auto cpu = std::make_unique<CpuConverter>();
            log(LogLevel::info, component) << "using " << cpu->describe() << " (--convert=cpu)";
            return cpu;
        }
        case ConvertMode::gl: {
            std::unique_ptr<GlConverter> gl;
            try {
                gl = std::make_unique<GlConverter>();
            } catch (const Error& e) {
                throw Error(std::string("--convert=gl: no GL path: ") + e.what());
            }
            log(LogLevel::info, component)
                << "using " << gl->describe() << " (--convert=gl; dma-buf import "
                << gl->dmabuf_import_status() << ")";
            return gl;
        }
        case ConvertMode::automatic:
            break;
    }
    return pick_automatically();
}

}  // namespace fbx
