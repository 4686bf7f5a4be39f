// What a consumer of a source ends up holding: the damage of each frame
// converted by the CPU path into a shadow framebuffer the frame's size,
// checked against the picture a guest surface stands for (guest_screen.hpp).
#pragma once

#include <cstdint>
#include <span>

#include "display/cpu_converter.hpp"
#include "display/damage_region.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/frame.hpp"
#include "plane_config.hpp"

namespace vmtest {

class ConvertedPicture {
public:
    // Converts `damage` of the frame's primary plane (resizing the shadow to
    // the frame first when it differs).
    void convert(const fbx::Frame& frame, const fbx::DamageRegion& damage);
    // convert(), then all of the shadow must be what `plane`, whose pixels
    // are `bytes`, shows.
    void expect(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                std::span<const std::uint8_t> bytes, const fbx::DamageRegion& damage);

    // All of the frame's primary plane.
    static fbx::Rect bounds(const fbx::Frame& frame) {
        return {0, 0, std::int32_t(frame.primary.width), std::int32_t(frame.primary.height)};
    }

    fbx::ShadowFramebuffer& shadow() { return shadow_; }

private:
    fbx::CpuConverter converter_{1};
    fbx::ShadowFramebuffer shadow_;
};

}  // namespace vmtest
