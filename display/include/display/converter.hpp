#pragma once

#include <span>
#include <string>

#include "display/damage_region.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

// Turns a plane's pixels into the XRGB8888 shadow framebuffer, only inside
// the damage: the one operation the service needs, whichever path (CPU or
// GL) does it. Implementations give the same colour channels as
// ReferenceConverter (exactly, or within one step where a path says so).
class Converter {
public:
    Converter() = default;
    Converter(const Converter&) = delete;
    Converter& operator=(const Converter&) = delete;
    virtual ~Converter() = default;

    // Writes the plane's pixels into `out` at the same coordinates, only
    // inside `damage` clipped to the plane and `out`; other pixels stay as
    // they were, and the X byte of written pixels is undefined. Throws
    // fbx::Error naming the plane when it cannot be read or converted.
    virtual void convert(const Plane& plane, const DamageRegion& damage,
                         ShadowFramebuffer& out) = 0;
    void convert(const Plane& plane, std::span<const Rect> damage, ShadowFramebuffer& out) {
        // Through a region, so overlapping rectangles are converted once.
        convert(plane, DamageRegion(damage), out);
    }

    // For logs: the path and what runs it, e.g. "cpu (avx2, 2 threads)".
    virtual std::string describe() const = 0;

protected:
    // Moves are for concrete converters held by value; the base has no state.
    Converter(Converter&&) noexcept = default;
    Converter& operator=(Converter&&) noexcept = default;
};

}  // namespace fbx
