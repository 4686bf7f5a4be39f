#include "converted_picture.hpp"

#include <gtest/gtest.h>

#include <string>

#include "guest_screen.hpp"

namespace vmtest {

void ConvertedPicture::convert(const fbx::Frame& frame, const fbx::DamageRegion& damage) {
    if (shadow_.width() != frame.primary.width || shadow_.height() != frame.primary.height) {
        shadow_.resize(frame.primary.width, frame.primary.height);
    }
    converter_.convert(frame.primary, damage, shadow_);
}

void ConvertedPicture::expect(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                              std::span<const std::uint8_t> bytes,
                              const fbx::DamageRegion& damage) {
    convert(frame, damage);
    const Picture want = expected_picture(plane, bytes);
    std::string report;
    const std::uint64_t bad = count_mismatches(
        want, {0, 0, std::int32_t(want.width), std::int32_t(want.height)},
        [&](std::int32_t x, std::int32_t y) {
            return shadow_.at(std::uint32_t(x), std::uint32_t(y));
        },
        report);
    EXPECT_EQ(bad, 0u) << vgpu::describe(plane) << ":\n" << report;
}

}  // namespace vmtest
