#pragma once

#include <memory>
#include <string>

#include "display/converter.hpp"
#include "display/damage_region.hpp"
#include "display/nv12_image.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/plane.hpp"

namespace fbx {

// The GL path: EGL + GLES 3 without a window (device platform, GBM on a
// render node, or Mesa's surfaceless platform). A plane's dma-buf is
// imported when the driver takes its format and modifier; otherwise the
// tile rows covering the damage are uploaded as an integer texture and a
// fragment shader detiles and converts them (the same address math as
// SurfaceLayout, the same colours as ReferenceConverter: exact for every
// supported format). Only the damage is drawn and read back, through
// double-buffered pixel-buffer objects.
//
// The context is made current on the calling thread by each call: use one
// GlConverter from one thread at a time.
class GlConverter final : public Converter {
public:
    struct Options {
        // Off: always upload, even real dma-bufs the driver could import.
        bool dmabuf_import = true;
    };

    // Opens EGL and builds the programs; throws fbx::Error saying which EGL
    // call failed, with its error code name and platform, when there is no
    // usable EGL/GLES 3 (the caller then uses the CPU path).
    GlConverter();
    explicit GlConverter(const Options& options);
    ~GlConverter() override;

    void convert(const Plane& plane, const DamageRegion& damage, ShadowFramebuffer& out) override;
    using Converter::convert;

    // The whole plane as NV12 (BT.601 limited range, see nv12_image.hpp),
    // for encoders; `out` is resized to the plane.
    void convert_nv12(const Plane& plane, Nv12Image& out);

    // Brings `out` up to date with the picture the convert() calls have
    // drawn so far (the last converted plane, as the shadow framebuffer
    // holds it), inside `damage` widened to whole 4x2 pixel blocks: what a
    // stream needs after each convert(), at a cost that follows the damage.
    // When `out` is not the picture's size it is resized and converted
    // whole. Throws fbx::Error before any convert() has drawn a picture.
    void update_nv12(const DamageRegion& damage, Nv12Image& out);

    // "gl (llvmpipe (LLVM 15.0.6, 256 bits), OpenGL ES 3.2 Mesa 22.3.6, surfaceless platform)"
    std::string describe() const override;
    const std::string& renderer() const;
    // A CPU rasteriser (llvmpipe, softpipe, swrast): no GPU behind the GL.
    bool software_renderer() const;
    // Whether dma-bufs can be imported, or why not.
    const std::string& dmabuf_import_status() const;

    // Where the time of the last convert()/convert_nv12() went, for
    // benchmarks: measured on the CPU around each step with glFinish()
    // after it, so only while enabled (the glFinish calls stall the
    // pipeline); zero otherwise.
    struct StepTimes {
        double upload_s = 0;    // texture uploads (or dma-buf import)
        double draw_s = 0;      // the detile/convert draws (and NV12 draws)
        double readback_s = 0;  // glReadPixels into PBOs, map, copy out
        bool imported = false;  // the last call imported the dma-buf instead of uploading
    };
    void set_step_timing(bool enabled);
    const StepTimes& last_step_times() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fbx
