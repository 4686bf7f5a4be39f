// In-guest tests of the GTT: surfaces in "guest RAM" (memory mapped into the
// VFIO container, as a VMM does), reached through BAR4 entries, pinned when a
// plane is latched and released when the VMM unmaps the memory.
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <tuple>

#include "display_device.hpp"
#include "guest_memory.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

constexpr std::uint64_t guest_iova = 0x100000000ull;  // 4 GiB: above any "low RAM"
constexpr std::size_t guest_size = 8u << 20;
constexpr std::uint32_t first_entry = 16;  // GTT offset 64 KiB: not the start

// The bytes of `plane`'s surface with `pattern` drawn, laid out as the device
// reads them (whole tile rows and pages).
std::vector<std::uint8_t> drawn_surface(const vgpu::PlaneConfig& plane, fbx::Tiling tiling,
                                        vgpu::Pattern pattern, std::uint32_t frame) {
    std::vector<std::uint8_t> bytes(vgpu::surface_bytes(tiling, plane.stride, plane.height));
    const auto surface = vgpu::plane_surface(plane, bytes.data(), bytes.size());
    EXPECT_TRUE(surface.has_value());
    if (surface) {
        vgpu::draw_pattern(*surface, pattern, frame);
    }
    return bytes;
}

class GttTest : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        memory_ = std::make_unique<vgpu::GuestMemory>(device().container(), guest_iova, guest_size);
    }
    void TearDown() override {
        memory_.reset();
        VgpuTest::TearDown();
    }

    // Maps surface page i (graphics page first_entry + i) to guest page
    // pages - 1 - i, so only a correct translation gives the right bytes,
    // and writes `bytes` there.
    void place_scattered(const std::vector<std::uint8_t>& bytes) {
        const std::uint32_t pages = static_cast<std::uint32_t>(bytes.size() / 4096);
        ASSERT_LE(bytes.size(), guest_size);
        for (std::uint32_t i = 0; i < pages; i++) {
            const std::uint32_t guest_page = pages - 1 - i;
            device().write_gtt(first_entry + i,
                               (guest_iova + guest_page * 4096ull) | VGPU_GTT_VALID);
            std::memcpy(memory_->bytes().data() + guest_page * 4096ull, bytes.data() + i * 4096ull,
                        4096);
        }
    }

    vgpu::PlaneConfig gtt_plane(const fbx::PixelFormat& format, const fbx::Modifier& modifier,
                                std::uint32_t width, std::uint32_t height) {
        vgpu::PlaneConfig plane =
            vgpu::make_plane(format, modifier, width, height, first_entry * 4096ull);
        plane.memory = VGPU_MEMORY_GTT;
        return plane;
    }

    std::unique_ptr<vgpu::GuestMemory> memory_;
};

using Combination = FormatModifier;
class GttSurface : public GttTest, public ::testing::WithParamInterface<Combination> {};

TEST_P(GttSurface, PixelsReachTheDmabufThroughTheGtt) {
    const auto& [format, modifier] = GetParam();
    auto& d = device();
    const vgpu::PlaneConfig plane = gtt_plane(format, modifier, 333, 77);
    const std::vector<std::uint8_t> expected =
        drawn_surface(plane, modifier.tiling, vgpu::Pattern::noise, 3);
    place_scattered(expected);
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_EQ(d.plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_OK})
        << vgpu::plane_status_name(d.plane_status(VGPU_PLANE_PRIMARY));
    const std::uint32_t pages = static_cast<std::uint32_t>(expected.size() / 4096);
    EXPECT_EQ(d.read_reg(VGPU_REG_PINNED_PAGES), pages);
    EXPECT_EQ(instance().vgpu_attribute(VGPU_SYSFS_PINNED_PAGES), pages);

    const auto info = d.query_plane(vgpu::drm_plane_primary);
    ASSERT_NE(info.dmabuf_id, 0u);
    EXPECT_EQ(info.size, expected.size());
    const MappedDmabuf buf = import_dmabuf(d, info.dmabuf_id, expected.size());
    const auto diff = first_difference(buf.map.data(), expected.data(), expected.size());
    EXPECT_FALSE(diff.has_value()) << "dma-buf differs from the guest surface at byte "
                                   << diff.value_or(0) << " of " << expected.size();

    // live: a guest write to its RAM shows through (surface page 0 is the
    // last guest page)
    memory_->bytes()[(pages - 1) * 4096ull + 5] ^= 0xff;
    EXPECT_EQ(buf.map.data()[5], std::uint8_t(expected[5] ^ 0xff));
}

INSTANTIATE_TEST_SUITE_P(EveryFormatAndModifier, GttSurface, every_format_and_modifier(),
                         format_modifier_name);

TEST_F(GttTest, InvalidEntryMakesThePlaneNotReady) {
    auto& d = device();
    const vgpu::PlaneConfig plane =
        gtt_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 128, 64);
    place_scattered(drawn_surface(plane, fbx::Tiling::linear, vgpu::Pattern::bars, 0));
    d.write_gtt(first_entry + 3, 0);  // a hole in the middle of the surface
    const std::uint64_t invalid = invalid_planes();
    show(VGPU_PLANE_PRIMARY, plane);
    EXPECT_EQ(d.plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_ERR_GTT});
    EXPECT_EQ(invalid_planes(), invalid + 1);
    EXPECT_EQ(d.query_plane(vgpu::drm_plane_primary).dmabuf_id, 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_PINNED_PAGES), 0u);

    // an entry pointing at memory the container does not map cannot be pinned
    d.write_gtt(first_entry + 3, 0x7000000000ull | VGPU_GTT_VALID);
    show(VGPU_PLANE_PRIMARY, plane);
    EXPECT_EQ(d.plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_ERR_GTT});
    EXPECT_EQ(d.read_reg(VGPU_REG_PINNED_PAGES), 0u);
}

// The translation is latched with the plane: the same entries keep the
// dma-buf id, new entries give a new one and forget the old.
TEST_F(GttTest, IdFollowsTheLatchedTranslation) {
    auto& d = device();
    const vgpu::PlaneConfig plane =
        gtt_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 256, 32);
    place_scattered(drawn_surface(plane, fbx::Tiling::linear, vgpu::Pattern::bars, 0));
    show(VGPU_PLANE_PRIMARY, plane);
    const std::uint32_t first = d.query_plane(vgpu::drm_plane_primary).dmabuf_id;
    ASSERT_NE(first, 0u);
    show(VGPU_PLANE_PRIMARY, plane);
    EXPECT_EQ(d.query_plane(vgpu::drm_plane_primary).dmabuf_id, first);

    d.map_gtt(first_entry, guest_iova + (1u << 20), 8);  // same plane, other pages
    EXPECT_EQ(d.query_plane(vgpu::drm_plane_primary).dmabuf_id, first)
        << "GTT writes must not change the latched surface before a commit";
    show(VGPU_PLANE_PRIMARY, plane);
    const std::uint32_t second = d.query_plane(vgpu::drm_plane_primary).dmabuf_id;
    EXPECT_NE(second, first);
    EXPECT_NE(second, 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_PINNED_PAGES), 8u) << "old pins not released";
    std::uint32_t stale = first;
    EXPECT_LT(::ioctl(d.vfio().fd(), VFIO_DEVICE_GET_GFX_DMABUF, &stale), 0);
    EXPECT_EQ(errno, ENOENT);
}

// The VMM takes memory away under a live plane: VFIO makes the mediator
// unpin; the plane is invalidated with an event; a dma-buf a consumer
// already holds stays readable.
TEST_F(GttTest, UnmapUnderALivePlaneInvalidates) {
    auto& d = device();
    KernelLog log;
    vgpu::DisplayDevice display(instance().uuid());
    const vgpu::PlaneConfig plane =
        gtt_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[1], 512, 64);
    const auto expected = drawn_surface(plane, fbx::Tiling::intel_x, vgpu::Pattern::checker, 1);
    place_scattered(expected);
    show(VGPU_PLANE_PRIMARY, plane);
    const auto info = d.query_plane(vgpu::drm_plane_primary);
    ASSERT_NE(info.dmabuf_id, 0u);
    const MappedDmabuf buf = import_dmabuf(d, info.dmabuf_id, expected.size());
    display.drain();

    memory_->unmap_dma();
    const auto events = display.wait(std::chrono::seconds(2));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, std::uint32_t{VGPU_EVENT_INVALIDATE});
    EXPECT_EQ(events[0].plane, std::uint32_t{VGPU_PLANE_PRIMARY});
    EXPECT_EQ(events[0].u.reason, std::uint32_t{VGPU_INVALID_UNMAP});
    EXPECT_EQ(d.plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_ERR_GTT});
    EXPECT_EQ(d.query_plane(vgpu::drm_plane_primary).dmabuf_id, 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_PINNED_PAGES), 0u);
    EXPECT_EQ(instance().vgpu_attribute(VGPU_SYSFS_PINNED_PAGES), 0u);
    EXPECT_FALSE(first_difference(buf.map.data(), expected.data(), expected.size()).has_value())
        << "the consumer's dma-buf lost its pages";
    EXPECT_TRUE(KernelLog::bad_lines(log.read_new()).empty());
}

TEST_F(GttTest, ClosingTheDeviceReleasesPins) {
    vgpu::DisplayDevice display(instance().uuid());
    const vgpu::PlaneConfig plane =
        gtt_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 64, 64);
    place_scattered(drawn_surface(plane, fbx::Tiling::linear, vgpu::Pattern::bars, 0));
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_EQ(instance().vgpu_attribute(VGPU_SYSFS_PINNED_PAGES), 4u);
    display.drain();
    // the device fd closes before the container, whose DMA mappings go with it
    memory_->container_closed();
    close_device();
    EXPECT_EQ(instance().vgpu_attribute(VGPU_SYSFS_PINNED_PAGES), 0u);
    const auto events = display.drain();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].type, std::uint32_t{VGPU_EVENT_INVALIDATE});
    EXPECT_EQ(events[0].u.reason, std::uint32_t{VGPU_INVALID_CLOSE});
}

}  // namespace
}  // namespace vmtest
