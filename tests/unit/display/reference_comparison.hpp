#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "display/shadow_framebuffer.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/rect.hpp"

namespace fbx::test {

// Converts `damage` of `plane` with `convert` and with ReferenceConverter into
// sentinel-filled outputs larger than the plane by (extra_width,
// extra_height), and reports (ADD_FAILURE, the first few) and counts the
// pixels that differ: colour channels inside the damage, all 32 bits outside.
int compare_with_reference(const Plane& plane, const std::vector<Rect>& damage,
                           const std::function<void(ShadowFramebuffer&)>& convert,
                           const std::string& what, std::uint32_t extra_width = 3,
                           std::uint32_t extra_height = 2);

// Damage sets that reach every edge of a width x height plane: all of it, a
// corner partly outside, edges and a column, overlapping rectangles clipped.
std::vector<std::vector<Rect>> edge_damages(std::int32_t width, std::int32_t height);

}  // namespace fbx::test
