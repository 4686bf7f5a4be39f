// In-guest tests: the dmabuf_id of VFIO_DEVICE_QUERY_GFX_PLANE names a
// surface. It stays while the surface is unchanged (re-commits, position
// changes) and changes when the guest flips to another surface
// (kernel/ABI.md, "Display export").
#include <cerrno>
#include <cstring>
#include <set>

#include "fbexport/error.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

class DmabufId : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        const auto format = fbx::supported_formats()[0];
        const auto modifier = fbx::supported_modifiers()[1];  // X-tiled
        front_ = vgpu::make_plane(format, modifier, 320, 200, 0);
        back_ = front_;
        back_.offset = vgpu::surface_bytes(modifier.tiling, front_.stride, front_.height);
        device().draw(front_, vgpu::Pattern::checker, 0);
        device().draw(back_, vgpu::Pattern::checker, 1);
    }

    std::uint32_t show_and_query(const vgpu::PlaneConfig& plane) {
        show(VGPU_PLANE_PRIMARY, plane);
        EXPECT_EQ(device().plane_status(VGPU_PLANE_PRIMARY),
                  static_cast<std::uint32_t>(VGPU_PLANE_OK));
        return device().query_plane(vgpu::drm_plane_primary).dmabuf_id;
    }

    vgpu::PlaneConfig front_;
    vgpu::PlaneConfig back_;
};

TEST_F(DmabufId, StableWhileTheSurfaceIsUnchanged) {
    const std::uint32_t id = show_and_query(front_);
    ASSERT_NE(id, 0u);
    EXPECT_EQ(device().query_plane(vgpu::drm_plane_primary).dmabuf_id, id) << "second query";
    EXPECT_EQ(show_and_query(front_), id) << "re-commit of the same surface";
    vgpu::PlaneConfig moved = front_;
    moved.pos_x = 100;
    moved.pos_y = 7;
    EXPECT_EQ(show_and_query(moved), id) << "position change";
    // Redrawing the pixels does not change the surface either.
    device().draw(front_, vgpu::Pattern::bars, 3);
    EXPECT_EQ(show_and_query(front_), id) << "new contents, same surface";
}

TEST_F(DmabufId, ChangesOnFlipToANewSurface) {
    const std::uint32_t first = show_and_query(front_);
    const std::uint32_t second = show_and_query(back_);
    ASSERT_NE(first, 0u);
    ASSERT_NE(second, 0u);
    EXPECT_NE(second, first) << "flip to another offset kept the dmabuf_id";
    // Both surfaces are remembered: flipping back names the first again.
    EXPECT_EQ(show_and_query(front_), first) << "flip back to the first surface";
    EXPECT_EQ(show_and_query(back_), second);

    // Any other change of the surface is a new surface, with a new id.
    std::set<std::uint32_t> ids{first, second};
    vgpu::PlaneConfig variant = front_;
    variant.width = 319;
    EXPECT_TRUE(ids.insert(show_and_query(variant)).second) << "width change";
    variant = front_;
    variant.height = 199;
    EXPECT_TRUE(ids.insert(show_and_query(variant)).second) << "height change";
    variant = front_;
    variant.stride += 512;
    EXPECT_TRUE(ids.insert(show_and_query(variant)).second) << "stride change";
    variant = front_;
    variant.format = VGPU_FMT_XBGR8888;
    EXPECT_TRUE(ids.insert(show_and_query(variant)).second) << "format change";
    variant = front_;
    variant.modifier = VGPU_MOD_LINEAR;
    EXPECT_TRUE(ids.insert(show_and_query(variant)).second) << "modifier change";
}

TEST_F(DmabufId, EachIdGivesItsOwnSurfaceBytes) {
    const std::uint32_t first = show_and_query(front_);
    const std::uint32_t second = show_and_query(back_);
    const std::uint64_t size =
        vgpu::surface_bytes(fbx::Tiling::intel_x, front_.stride, front_.height);
    const MappedDmabuf a = import_dmabuf(device(), first, size);
    const MappedDmabuf b = import_dmabuf(device(), second, size);
    const auto front_bytes = vram_bytes(device(), front_);
    const auto back_bytes = vram_bytes(device(), back_);
    EXPECT_FALSE(first_difference(a.map.data(), front_bytes.data(), size).has_value());
    EXPECT_FALSE(first_difference(b.map.data(), back_bytes.data(), size).has_value());
    // Two imports of one id are both valid and show the same pages.
    const MappedDmabuf a2 = import_dmabuf(device(), first, size);
    EXPECT_FALSE(first_difference(a.map.data(), a2.map.data(), size).has_value());
}

TEST_F(DmabufId, UnknownIdsAreRefused) {
    const std::uint32_t id = show_and_query(front_);
    for (const std::uint32_t bad : {0u, id + 1000u, 0xffffffffu}) {
        try {
            device().get_dmabuf(bad);
            ADD_FAILURE() << "VFIO_DEVICE_GET_GFX_DMABUF of unknown id " << bad << " succeeded";
        } catch (const fbx::Error& e) {
            EXPECT_NE(std::string(e.what()).find(std::strerror(ENOENT)), std::string::npos)
                << e.what();
        }
    }
}

TEST_F(DmabufId, DisablingThePlaneMakesItNotReady) {
    ASSERT_NE(show_and_query(front_), 0u);
    vgpu::PlaneConfig off = front_;
    off.enable = false;
    show(VGPU_PLANE_PRIMARY, off);
    EXPECT_EQ(device().plane_status(VGPU_PLANE_PRIMARY),
              static_cast<std::uint32_t>(VGPU_PLANE_ERR_DISABLED));
    const auto info = device().query_plane(vgpu::drm_plane_primary);
    EXPECT_EQ(info.drm_format, 0u);
    EXPECT_EQ(info.size, 0u);
    EXPECT_EQ(info.dmabuf_id, 0u);
    EXPECT_EQ(device().read_reg(VGPU_REG_PLANE_VALID) & 1u, 0u);
}

TEST_F(DmabufId, IdsAreNeverReusedAcrossManySurfaces) {
    // More surfaces than the 64 the device remembers: ids keep growing.
    std::set<std::uint32_t> ids;
    vgpu::PlaneConfig plane = front_;
    plane.modifier = VGPU_MOD_LINEAR;
    plane.stride = plane.width * 4;
    for (std::uint32_t i = 0; i < 80; ++i) {
        plane.offset = std::uint64_t{i} * 4096;
        const std::uint32_t id = show_and_query(plane);
        EXPECT_TRUE(ids.insert(id).second) << "id " << id << " reused at surface " << i;
    }
}

}  // namespace
}  // namespace vmtest
