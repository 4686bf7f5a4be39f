#pragma once

#include "display/damage_region.hpp"
#include "display/nv12_image.hpp"
#include "display/shadow_framebuffer.hpp"

namespace fbx {

// The CPU path's NV12 for encoders: brings `out` up to date with `in`
// inside `damage` widened to whole 2x2 blocks, in fixed-point arithmetic
// (within one step of rgb_to_nv12, the definition), so a stream frame costs
// what changed rather than the screen. When `out` is not `in`'s size it is
// resized and converted whole.
void update_nv12(const ShadowFramebuffer& in, const DamageRegion& damage, Nv12Image& out);

}  // namespace fbx
