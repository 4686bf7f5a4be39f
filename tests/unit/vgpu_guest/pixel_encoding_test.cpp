#include "pixel_encoding.hpp"

#include <drm_fourcc.h>

#include <gtest/gtest.h>

namespace vgpu {
namespace {

fbx::PixelFormat fmt(std::uint32_t fourcc) {
    return *fbx::find_format(fourcc);
}

TEST(PixelEncoding, KnownValues) {
    const Color orange = color8(0xff, 0x80, 0x00, 0x40);
    EXPECT_EQ(encode_pixel(fmt(DRM_FORMAT_XRGB8888), orange), 0xffff8000u);
    EXPECT_EQ(encode_pixel(fmt(DRM_FORMAT_ARGB8888), orange), 0x40ff8000u);
    EXPECT_EQ(encode_pixel(fmt(DRM_FORMAT_XBGR8888), orange), 0xff0080ffu);
    EXPECT_EQ(encode_pixel(fmt(DRM_FORMAT_ABGR8888), orange), 0x400080ffu);
    EXPECT_EQ(encode_pixel(fmt(DRM_FORMAT_RGB565), orange), 0xfc00u);
    EXPECT_EQ(encode_pixel(fmt(DRM_FORMAT_XRGB2101010), orange), 0xfff80800u | 0x00000000u);
}

TEST(PixelEncoding, RoundTripsEveryFormat) {
    for (const auto& f : fbx::supported_formats()) {
        for (std::uint32_t v : {0u, 0x12345678u, 0xffffffffu, 0x0000f81fu}) {
            const std::uint32_t masked = f.bytes_per_pixel == 2 ? v & 0xffff : v;
            const Color c = decode_pixel(f, masked);
            const std::uint32_t again = encode_pixel(f, c);
            // Padding bits are written as ones; every colour bit survives.
            const std::uint32_t pad = f.has_alpha || f.bytes_per_pixel == 2 ? 0
                                      : f.fourcc == DRM_FORMAT_XRGB2101010  ? 0xc0000000u
                                                                            : 0xff000000u;
            EXPECT_EQ(again, masked | pad) << f.name << " " << std::hex << v;
        }
    }
}

TEST(PixelEncoding, FullScaleStaysFullScale) {
    const Color white = decode_pixel(fmt(DRM_FORMAT_RGB565), 0xffff);
    EXPECT_EQ(white, (Color{0xffff, 0xffff, 0xffff, 0xffff}));
    const Color c = decode_pixel(fmt(DRM_FORMAT_XRGB2101010), 0x3fffffffu);
    EXPECT_EQ(c, (Color{0xffff, 0xffff, 0xffff, 0xffff}));
}

TEST(PixelEncoding, StoresLittleEndian) {
    std::uint8_t bytes[4] = {};
    store_pixel(bytes, 4, 0x11223344u);
    EXPECT_EQ(bytes[0], 0x44);
    EXPECT_EQ(bytes[3], 0x11);
    EXPECT_EQ(load_pixel(bytes, 4), 0x11223344u);
    EXPECT_EQ(load_pixel(bytes, 2), 0x3344u);
}

}  // namespace
}  // namespace vgpu
