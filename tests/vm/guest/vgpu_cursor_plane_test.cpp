// In-guest tests: the cursor plane's position and hotspot as the host's
// VFIO_DEVICE_QUERY_GFX_PLANE reports them, and its pixels in the dma-buf.
#include <tuple>

#include "animation.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

class CursorPlane : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        cursor_ = vgpu::make_plane(*fbx::find_format(VGPU_FMT_ARGB8888),
                                   fbx::supported_modifiers()[0], 64, 64, 0);
        cursor_.offset = vgpu::cursor_offset(device().vram_size(), cursor_);
        cursor_.pos_x = 100;
        cursor_.pos_y = 50;
        cursor_.hot_x = 5;
        cursor_.hot_y = 7;
        device().draw(cursor_, vgpu::Pattern::cursor, 0);
    }

    vgpu::PlaneConfig cursor_;
};

TEST_F(CursorPlane, PositionHotspotAndPixels) {
    show(VGPU_PLANE_CURSOR, cursor_);
    ASSERT_EQ(device().plane_status(VGPU_PLANE_CURSOR), static_cast<std::uint32_t>(VGPU_PLANE_OK))
        << vgpu::plane_status_name(device().plane_status(VGPU_PLANE_CURSOR));
    EXPECT_NE(device().read_reg(VGPU_REG_PLANE_VALID) & (1u << VGPU_PLANE_CURSOR), 0u);
    const auto info = device().query_plane(vgpu::drm_plane_cursor);
    EXPECT_EQ(info.drm_format, static_cast<std::uint32_t>(VGPU_FMT_ARGB8888));
    EXPECT_EQ(info.drm_format_mod, VGPU_MOD_LINEAR);
    EXPECT_EQ(info.width, 64u);
    EXPECT_EQ(info.height, 64u);
    EXPECT_EQ(info.stride, 256u);
    EXPECT_EQ(info.x_pos, 100u);
    EXPECT_EQ(info.y_pos, 50u);
    EXPECT_EQ(info.x_hot, 5u);
    EXPECT_EQ(info.y_hot, 7u);
    ASSERT_NE(info.dmabuf_id, 0u);
    const MappedDmabuf buf = import_dmabuf(device(), info.dmabuf_id, info.size);
    const auto expected = vram_bytes(device(), cursor_);
    EXPECT_FALSE(first_difference(buf.map.data(), expected.data(), expected.size()).has_value());

    // The primary plane is untouched by a cursor commit.
    EXPECT_EQ(device().query_plane(vgpu::drm_plane_primary).drm_format, 0u);
}

TEST_F(CursorPlane, MovesKeepTheDmabufId) {
    show(VGPU_PLANE_CURSOR, cursor_);
    const std::uint32_t id = device().query_plane(vgpu::drm_plane_cursor).dmabuf_id;
    ASSERT_NE(id, 0u);
    for (const auto& [x, y, hx, hy] : {std::tuple{0, 0, 0u, 0u}, std::tuple{1279, 1023, 63u, 63u},
                                       std::tuple{640, 3, 31u, 2u}}) {
        vgpu::PlaneConfig moved = cursor_;
        moved.pos_x = x;
        moved.pos_y = y;
        moved.hot_x = hx;
        moved.hot_y = hy;
        show(VGPU_PLANE_CURSOR, moved);
        const auto info = device().query_plane(vgpu::drm_plane_cursor);
        EXPECT_EQ(info.x_pos, static_cast<std::uint32_t>(x));
        EXPECT_EQ(info.y_pos, static_cast<std::uint32_t>(y));
        EXPECT_EQ(info.x_hot, hx);
        EXPECT_EQ(info.y_hot, hy);
        EXPECT_EQ(info.dmabuf_id, id) << "a cursor move changed the surface id";
    }
}

TEST_F(CursorPlane, PendingChangesNeedACommit) {
    show(VGPU_PLANE_CURSOR, cursor_);
    vgpu::PlaneConfig moved = cursor_;
    moved.pos_x = 700;
    device().program_plane(VGPU_PLANE_CURSOR, moved);
    EXPECT_EQ(device().read_plane(VGPU_PLANE_CURSOR), moved) << "pending registers read back";
    EXPECT_EQ(device().query_plane(vgpu::drm_plane_cursor).x_pos, 100u) << "before the commit";
    device().commit(1u << VGPU_PLANE_PRIMARY);  // another plane's commit
    EXPECT_EQ(device().query_plane(vgpu::drm_plane_cursor).x_pos, 100u);
    device().commit(1u << VGPU_PLANE_CURSOR);
    EXPECT_EQ(device().query_plane(vgpu::drm_plane_cursor).x_pos, 700u) << "after the commit";
}

TEST_F(CursorPlane, BothPlanesTogether) {
    const auto primary =
        vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[2], 256, 128, 0);
    device().draw(primary, vgpu::Pattern::gradient, 0);
    device().program_plane(VGPU_PLANE_PRIMARY, primary);
    device().program_plane(VGPU_PLANE_CURSOR, cursor_);
    const std::uint32_t flips = device().read_reg(VGPU_REG_FLIP_COUNT);
    device().commit(VGPU_PLANE_MASK_ALL);
    EXPECT_EQ(device().read_reg(VGPU_REG_FLIP_COUNT), flips + 1) << "one commit, one flip";
    EXPECT_EQ(device().read_reg(VGPU_REG_PLANE_VALID), VGPU_PLANE_MASK_ALL);
    const auto p = device().query_plane(vgpu::drm_plane_primary);
    const auto c = device().query_plane(vgpu::drm_plane_cursor);
    EXPECT_EQ(p.drm_format_mod, VGPU_MOD_I915_Y_TILED);
    EXPECT_EQ(c.x_hot, 5u);
    EXPECT_NE(p.dmabuf_id, c.dmabuf_id);
}

}  // namespace
}  // namespace vmtest
