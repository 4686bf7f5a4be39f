#include "display/reference_converter.hpp"

#include "plane_reader.hpp"

namespace fbx {

void ReferenceConverter::convert(const Plane& plane, const DamageRegion& damage,
                                 ShadowFramebuffer& out) {
    PlaneReader reader(plane);
    DamageRegion todo = damage;
    todo.clip(intersect(reader.bounds(), out.bounds()));
    for (const Rect& rect : todo.rects()) {
        reader.composite(rect, PIXMAN_OP_SRC, out.pixman_image(), 0, 0, scratch_);
    }
}

void ReferenceConverter::convert(const Plane& plane, std::span<const Rect> damage,
                                 ShadowFramebuffer& out) {
    // Through a region, so overlapping rectangles are converted once.
    convert(plane, DamageRegion(damage), out);
}

}  // namespace fbx
