// In-guest tests: a guest writes pixels into VRAM through its mmap, commits
// a plane, and the host side (VFIO_DEVICE_QUERY_GFX_PLANE, then
// VFIO_DEVICE_GET_GFX_DMABUF, then mmap of the dma-buf) reads the same bytes;
// for every format and modifier of kernel/ABI.md.
#include <string>
#include <tuple>

#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using Combination = FormatModifier;

class DmabufExport : public VgpuTest, public ::testing::WithParamInterface<Combination> {};
using DisplayExport = VgpuTest;

TEST_F(DisplayExport, ProbeSaysDmabuf) {
    EXPECT_TRUE(device().probe_dmabuf());
}

TEST_F(DisplayExport, NothingIsReadyAfterCreation) {
    for (const std::uint32_t type : {vgpu::drm_plane_primary, vgpu::drm_plane_cursor}) {
        const auto p = device().query_plane(type);
        EXPECT_EQ(p.drm_format, 0u);
        EXPECT_EQ(p.size, 0u);
        EXPECT_EQ(p.dmabuf_id, 0u);
    }
}

TEST_P(DmabufExport, VramPixelsReachTheDmabuf) {
    const auto& [format, modifier] = GetParam();
    auto& d = device();
    // An odd size so the last tile row and column are partly used, at an
    // offset that is not the start of VRAM.
    vgpu::PlaneConfig plane = vgpu::make_plane(format, modifier, 333, 77, 1u << 20);
    plane.pos_x = 12;
    plane.pos_y = 34;
    d.draw(plane, vgpu::Pattern::noise, 1);
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_EQ(d.plane_status(VGPU_PLANE_PRIMARY), static_cast<std::uint32_t>(VGPU_PLANE_OK))
        << vgpu::plane_status_name(d.plane_status(VGPU_PLANE_PRIMARY)) << " for "
        << vgpu::describe(plane);
    EXPECT_NE(d.read_reg(VGPU_REG_PLANE_VALID) & (1u << VGPU_PLANE_PRIMARY), 0u);

    const auto info = d.query_plane(vgpu::drm_plane_primary);
    EXPECT_EQ(info.drm_format, format.fourcc);
    EXPECT_EQ(info.drm_format_mod, modifier.value);
    EXPECT_EQ(info.width, plane.width);
    EXPECT_EQ(info.height, plane.height);
    EXPECT_EQ(info.stride, plane.stride);
    EXPECT_EQ(info.x_pos, 12u);
    EXPECT_EQ(info.y_pos, 34u);
    const std::uint64_t bytes = vgpu::surface_bytes(modifier.tiling, plane.stride, plane.height);
    EXPECT_EQ(info.size, bytes);
    ASSERT_NE(info.dmabuf_id, 0u);

    const MappedDmabuf buf = import_dmabuf(d, info.dmabuf_id, bytes);
    const std::vector<std::uint8_t> expected = vram_bytes(d, plane);
    const auto diff = first_difference(buf.map.data(), expected.data(), bytes);
    EXPECT_FALSE(diff.has_value())
        << "dma-buf differs from VRAM at byte " << diff.value_or(0) << " of " << bytes;

    // And through the layout: the pixels are the pattern the guest drew.
    const auto surface = vgpu::plane_surface(plane, nullptr, bytes);
    ASSERT_TRUE(surface.has_value());
    for (const auto& [x, y] : {std::pair{0u, 0u}, std::pair{332u, 0u}, std::pair{0u, 76u},
                               std::pair{332u, 76u}, std::pair{200u, 40u}}) {
        const vgpu::Color want = vgpu::decode_pixel(
            format, vgpu::encode_pixel(format, vgpu::pattern_color(vgpu::Pattern::noise, x, y,
                                                                   plane.width, plane.height, 1)));
        EXPECT_EQ(vgpu::read_pixel(*surface, buf.map.data(), x, y), want)
            << "pixel " << x << "," << y;
    }

    // The dma-buf is the live surface: later guest writes show through.
    d.draw(plane, vgpu::Pattern::noise, 2);
    const std::vector<std::uint8_t> redrawn = vram_bytes(d, plane);
    EXPECT_FALSE(first_difference(buf.map.data(), redrawn.data(), bytes).has_value())
        << "guest writes after the export do not show in the dma-buf";
}

INSTANTIATE_TEST_SUITE_P(EveryFormatAndModifier, DmabufExport, every_format_and_modifier(),
                         format_modifier_name);

// A dma-buf stays usable after the VFIO device fd that exported it is closed.
TEST_F(DisplayExport, DmabufOutlivesTheVfioFd) {
    auto& d = device();
    const auto plane =
        vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 64, 64, 0);
    d.draw(plane, vgpu::Pattern::bars, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    const auto info = d.query_plane(vgpu::drm_plane_primary);
    ASSERT_NE(info.dmabuf_id, 0u);
    const std::vector<std::uint8_t> expected = vram_bytes(d, plane);
    fbx::UniqueFd fd = d.get_dmabuf(info.dmabuf_id);
    close_device();
    const vgpu::RegionMapping map(fd.get(), 0, info.size, false, "dma-buf after close");
    EXPECT_FALSE(first_difference(map.data(), expected.data(), expected.size()).has_value());
}

}  // namespace
}  // namespace vmtest
