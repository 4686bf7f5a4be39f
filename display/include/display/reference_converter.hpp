#pragma once

#include <span>

#include "display/aligned_buffer.hpp"
#include "display/damage_region.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

// The reference CPU path: detiles (linear, Intel X, Intel Y) row by row and
// converts a plane's pixels to XRGB8888 with pixman. Simple and obviously
// right; the fast CpuConverter is tested byte for byte against it.
//
// One converter per thread: it keeps a scratch buffer between calls.
class ReferenceConverter {
public:
    // Writes the plane's pixels into `out`, at the same coordinates, only
    // inside `damage` clipped to both the plane and `out`; every other pixel
    // of `out` is left as it was. The X byte of written pixels is undefined
    // (see ShadowFramebuffer).
    //
    // Throws fbx::Error, naming the plane, its dmabuf_id, format and modifier,
    // for an unsupported format or modifier, a plane without a buffer, or
    // geometry the buffer cannot hold; nothing is read out of bounds.
    void convert(const Plane& plane, const DamageRegion& damage, ShadowFramebuffer& out);
    void convert(const Plane& plane, std::span<const Rect> damage, ShadowFramebuffer& out);

private:
    AlignedBuffer scratch_;  // detiled rows of one band, before pixman converts them
};

}  // namespace fbx
