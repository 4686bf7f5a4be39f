// In-guest tests of what a VMM without GL uses: the plane types an instance
// offers (sysfs plane_types), the linear-copy region behind
// VFIO_GFX_PLANE_TYPE_REGION (detiled XRGB8888, damage-limited), and the EDID
// region with the mode hint and hotplug interrupt the guest sees.
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <tuple>

#include "display_device.hpp"
#include "fbexport/error.hpp"
#include "painter.hpp"
#include "sysfs.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;

class RegionTest : public VgpuTest {
protected:
    void set_plane_types(const std::string& types) {
        vgpu::write_sysfs(instance().sysfs_path() + "/" VGPU_SYSFS_GROUP "/" VGPU_SYSFS_PLANE_TYPES,
                          types);
    }
    std::string plane_types() {
        return vgpu::read_sysfs(instance().sysfs_path() + "/" VGPU_SYSFS_GROUP
                                                          "/" VGPU_SYSFS_PLANE_TYPES);
    }
    int query(std::uint32_t flags, vfio_device_gfx_plane_info& plane) {
        plane = {};
        plane.argsz = sizeof(plane);
        plane.flags = flags;
        plane.drm_plane_type = vgpu::drm_plane_primary;
        return ::ioctl(device().vfio().fd(), VFIO_DEVICE_QUERY_GFX_PLANE, &plane);
    }
    // The linear copy as XRGB8888 words, read from the region.
    std::vector<std::uint32_t> read_copy(const vfio_device_gfx_plane_info& plane) {
        const auto region = device().vfio().region_info(plane.region_index);
        std::vector<std::uint32_t> pixels(std::size_t{plane.width} * plane.height);
        device().vfio().read(region.offset, pixels.data(), pixels.size() * 4, "linear copy");
        return pixels;
    }
};

TEST_F(RegionTest, PlaneTypesChooseWhatTheVfioFdOffers) {
    vfio_device_gfx_plane_info plane{};
    EXPECT_EQ(plane_types(), VGPU_PLANE_TYPES_DMABUF);
    EXPECT_EQ(query(VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF, plane), 0);
    EXPECT_LT(query(VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION, plane), 0);
    EXPECT_EQ(device().vfio().region_info(VGPU_REGION_LINEAR).size, 0u);

    set_plane_types(VGPU_PLANE_TYPES_REGION);
    EXPECT_EQ(plane_types(), VGPU_PLANE_TYPES_REGION);
    EXPECT_LT(query(VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF, plane), 0);
    EXPECT_EQ(query(VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION, plane), 0);
    const auto region = device().vfio().region_info(VGPU_REGION_LINEAR);
    EXPECT_EQ(region.size, 1280u * 1024 * 4);
    EXPECT_TRUE(region.mappable());
    EXPECT_FALSE(region.writable());

    set_plane_types(VGPU_PLANE_TYPES_BOTH);
    EXPECT_EQ(query(VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF, plane), 0);
    EXPECT_EQ(query(VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION, plane), 0);
    EXPECT_THROW(set_plane_types("opengl"), fbx::Error);

    // the display-export device always offers dma-bufs
    set_plane_types(VGPU_PLANE_TYPES_REGION);
    show(VGPU_PLANE_PRIMARY,
         vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 64, 64, 0));
    vgpu::DisplayDevice display(instance().uuid());
    EXPECT_NE(display.query_plane(vgpu::drm_plane_primary).dmabuf_id, 0u);
}

// A 16-bit-per-channel colour as the region's 8-bit XRGB8888 (top bits).
std::uint32_t xrgb(const vgpu::Color& c) {
    return std::uint32_t(c.r >> 8) << 16 | std::uint32_t(c.g >> 8) << 8 | std::uint32_t(c.b >> 8);
}

using Combination = FormatModifier;
class LinearCopy : public RegionTest, public ::testing::WithParamInterface<Combination> {};

TEST_P(LinearCopy, IsTheDetiledPictureAndFollowsDamage) {
    const auto& [format, modifier] = GetParam();
    auto& d = device();
    set_plane_types(VGPU_PLANE_TYPES_REGION);
    const vgpu::PlaneConfig plane = vgpu::make_plane(format, modifier, 200, 90, 1u << 20);
    d.draw(plane, vgpu::Pattern::noise, 1);
    show(VGPU_PLANE_PRIMARY, plane);

    vfio_device_gfx_plane_info info{};
    ASSERT_EQ(query(VFIO_GFX_PLANE_TYPE_REGION, info), 0) << errno_text(errno);
    EXPECT_EQ(info.drm_format, fbx::supported_formats()[0].fourcc);  // XRGB8888
    EXPECT_EQ(info.drm_format_mod, 0u);
    EXPECT_EQ(info.width, 200u);
    EXPECT_EQ(info.stride, 800u);
    EXPECT_EQ(info.region_index, std::uint32_t{VGPU_REGION_LINEAR});
    const auto surface = vgpu::plane_surface(plane, d.vram().data() + plane.offset, 8u << 20);
    ASSERT_TRUE(surface.has_value());
    auto pixel = [&](std::uint32_t x, std::uint32_t y) {
        return xrgb(vgpu::read_pixel(*surface, d.vram().data() + plane.offset, x, y));
    };
    std::vector<std::uint32_t> copy = read_copy(info);
    for (std::uint32_t y = 0; y < 90; y += 7) {
        for (std::uint32_t x = 0; x < 200; x += 3) {
            ASSERT_EQ(copy[y * 200 + x] & 0xffffff, pixel(x, y)) << "pixel " << x << "," << y;
        }
    }

    // A guest that posts damage: only the posted rectangle is copied again.
    // The first post ends dirty tracking; what it already collected from
    // the first drawing is consumed by one query after the collection delay.
    d.post_damage(VGPU_PLANE_PRIMARY, 0, 0, 1, 1);
    std::this_thread::sleep_for(50ms);
    ASSERT_EQ(query(VFIO_GFX_PLANE_TYPE_REGION, info), 0);
    d.draw(plane, vgpu::Pattern::noise, 2);
    d.post_damage(VGPU_PLANE_PRIMARY, 10, 20, 30, 5);
    ASSERT_EQ(query(VFIO_GFX_PLANE_TYPE_REGION, info), 0);
    copy = read_copy(info);
    EXPECT_EQ(copy[22 * 200 + 15] & 0xffffff, pixel(15, 22)) << "damaged pixel not copied";
    // frame 2 differs from frame 1 at (100, 60) for the noise pattern; the
    // undamaged copy keeps frame 1 there
    const vgpu::Color old_c = vgpu::decode_pixel(
        format,
        vgpu::encode_pixel(format, vgpu::pattern_color(vgpu::Pattern::noise, 100, 60, 200, 90, 1)));
    EXPECT_EQ(copy[60 * 200 + 100] & 0xffffff, xrgb(old_c))
        << "pixel outside the damage was copied";
}

INSTANTIATE_TEST_SUITE_P(EveryFormatAndModifier, LinearCopy, every_format_and_modifier(),
                         format_modifier_name);

// Damage belongs to the surface it was posted for. A guest that shows a
// small surface, has it copied once, shows a full-size one, damages it
// whole and shows the small one again must get the small picture copied,
// never the large rectangle read out of the small surface's four pages
// (which oopsed under the instance lock before the fix).
TEST_F(RegionTest, DamageOfAnEarlierSurfaceIsNeverCopiedFromALaterOne) {
    auto& d = device();
    set_plane_types(VGPU_PLANE_TYPES_REGION);
    const auto format = fbx::supported_formats()[0];  // XRGB8888
    const auto linear = fbx::supported_modifiers()[0];
    const vgpu::PlaneConfig small = vgpu::make_plane(format, linear, 64, 64, 0);
    const vgpu::PlaneConfig large = vgpu::make_plane(format, linear, 1280, 1024, 1u << 20);
    d.draw(small, vgpu::Pattern::noise, 1);
    d.draw(large, vgpu::Pattern::bars, 1);
    show(VGPU_PLANE_PRIMARY, small);
    d.post_damage(VGPU_PLANE_PRIMARY, 0, 0, 64, 64);  // the guest posts damage from now on
    vfio_device_gfx_plane_info info{};
    ASSERT_EQ(query(VFIO_GFX_PLANE_TYPE_REGION, info), 0) << errno_text(errno);
    ASSERT_EQ(info.width, 64u);

    show(VGPU_PLANE_PRIMARY, large);
    d.write_reg(VGPU_DAMAGE_REG(VGPU_PLANE_PRIMARY, VGPU_DAMAGE_FULL), 1);
    d.draw(small, vgpu::Pattern::noise, 2);
    show(VGPU_PLANE_PRIMARY, small);
    ASSERT_EQ(query(VFIO_GFX_PLANE_TYPE_REGION, info), 0) << errno_text(errno);
    ASSERT_EQ(info.width, 64u);
    ASSERT_EQ(info.height, 64u);

    const auto surface = vgpu::plane_surface(small, d.vram().data(), 1u << 20);
    ASSERT_TRUE(surface.has_value());
    const std::vector<std::uint32_t> copy = read_copy(info);
    for (std::uint32_t y = 0; y < 64; y++) {
        for (std::uint32_t x = 0; x < 64; x++) {
            ASSERT_EQ(copy[y * 64 + x] & 0xffffff,
                      xrgb(vgpu::read_pixel(*surface, d.vram().data(), x, y)))
                << "pixel " << x << "," << y << " is not the small surface's second frame";
        }
    }
}

// An EDID block whose first detailed timing is `w` x `h`.
std::vector<std::uint8_t> edid_block(std::uint32_t w, std::uint32_t h) {
    std::vector<std::uint8_t> edid(128, 0);
    const std::uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    std::memcpy(edid.data(), header, 8);
    edid[54] = 0x01;
    edid[55] = 0x1d;
    edid[56] = std::uint8_t(w);
    edid[58] = std::uint8_t((w >> 8) << 4);
    edid[59] = std::uint8_t(h);
    edid[61] = std::uint8_t((h >> 8) << 4);
    return edid;
}

// The first `size` bytes of the EDID window, as the guest reads them.
std::vector<std::uint8_t> edid_window(vgpu::VgpuDevice& d, std::uint32_t size) {
    std::vector<std::uint8_t> bytes(size);
    for (std::uint32_t i = 0; i < size; i += 4) {
        const std::uint32_t word = d.read_reg(VGPU_REG_EDID_BASE + i);
        std::memcpy(&bytes[i], &word, std::min<std::uint32_t>(4, size - i));
    }
    return bytes;
}

// Before any VMM writes one, the guest reads the mediator's built-in EDID
// (QEMU writes none for region displays): preferred 1280x800 on the small
// type, no mode hint since the host asked for nothing, and the VMM reads the
// same blob from the region. An unplugged link has no EDID.
TEST_F(RegionTest, AFreshInstanceShowsTheBuiltInEdidUntilTheLinkGoesDown) {
    auto& d = device();
    ASSERT_EQ(d.read_reg(VGPU_REG_LINK_STATE), 1u);
    ASSERT_EQ(d.read_reg(VGPU_REG_EDID_SIZE), 128u);
    const std::vector<std::uint8_t> seen = edid_window(d, 128);
    const std::uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    EXPECT_EQ(std::memcmp(seen.data(), header, 8), 0);
    unsigned sum = 0;
    for (const auto b : seen) {
        sum += b;
    }
    EXPECT_EQ(sum % 256, 0u) << "checksum";
    EXPECT_EQ(seen[56] | (seen[58] >> 4) << 8, 1280);  // preferred timing
    EXPECT_EQ(seen[59] | (seen[61] >> 4) << 8, 800);
    EXPECT_EQ(d.read_reg(VGPU_REG_MODE_HINT_WIDTH), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_MODE_HINT_HEIGHT), 0u);

    const auto region = d.vfio().region_info(VGPU_REGION_EDID);
    vfio_region_gfx_edid regs{};
    d.vfio().read(region.offset, &regs, sizeof(regs), "EDID region header");
    EXPECT_EQ(regs.edid_size, 128u);
    std::vector<std::uint8_t> blob(128);
    d.vfio().read(region.offset + regs.edid_offset, blob.data(), blob.size(), "EDID blob");
    EXPECT_EQ(blob, seen);

    const std::uint32_t down = VFIO_DEVICE_GFX_LINK_STATE_DOWN;
    d.vfio().write(region.offset + offsetof(vfio_region_gfx_edid, link_state), &down, 4,
                   "link_state");
    EXPECT_EQ(d.read_reg(VGPU_REG_LINK_STATE), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_EDID_SIZE), 0u);
}

// The VMM's side of the EDID region, following <linux/vfio.h>'s protocol.
TEST_F(RegionTest, EdidRoundTripReachesTheGuest) {
    auto& d = device();
    const auto region = d.vfio().region_info(VGPU_REGION_EDID);
    ASSERT_GT(region.size, 0u);
    EXPECT_NE(std::find(region.cap_ids.begin(), region.cap_ids.end(),
                        std::uint16_t{VFIO_REGION_INFO_CAP_TYPE}),
              region.cap_ids.end());
    vfio_region_gfx_edid regs{};
    d.vfio().read(region.offset, &regs, sizeof(regs), "EDID region header");
    EXPECT_EQ(regs.max_xres, 1280u);
    EXPECT_EQ(regs.max_yres, 1024u);
    EXPECT_EQ(regs.link_state, std::uint32_t{VFIO_DEVICE_GFX_LINK_STATE_UP});
    ASSERT_GE(regs.edid_max_size, 128u);
    EXPECT_EQ(d.read_reg(VGPU_REG_LINK_STATE), 1u);

    vgpu::DisplayDevice display(instance().uuid());
    const fbx::UniqueFd irq = d.enable_flip_irq(vgpu::IrqMode::msi);
    d.write_reg(VGPU_REG_INT_ENABLE, VGPU_INT_ALL);
    const auto field = [&](std::uint32_t off, std::uint32_t value) {
        d.vfio().write(region.offset + off, &value, 4, "EDID region field");
    };
    field(offsetof(vfio_region_gfx_edid, link_state), VFIO_DEVICE_GFX_LINK_STATE_DOWN);
    EXPECT_EQ(d.read_reg(VGPU_REG_LINK_STATE), 0u);
    EXPECT_TRUE(vgpu::VgpuDevice::wait_eventfd(irq.get(), 1000ms));
    d.ack_irqs(VGPU_INT_HOTPLUG);

    const auto blob = edid_block(1024, 768);
    d.vfio().write(region.offset + regs.edid_offset, blob.data(), blob.size(), "EDID blob");
    field(offsetof(vfio_region_gfx_edid, edid_size), 128);
    EXPECT_EQ(d.read_reg(VGPU_REG_EDID_SIZE), 0u) << "blob visible before link up";
    field(offsetof(vfio_region_gfx_edid, link_state), VFIO_DEVICE_GFX_LINK_STATE_UP);

    EXPECT_TRUE(vgpu::VgpuDevice::wait_eventfd(irq.get(), 1000ms));
    EXPECT_NE(d.read_reg(VGPU_REG_INT_STATUS) & VGPU_INT_HOTPLUG, 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_LINK_STATE), 1u);
    EXPECT_EQ(d.read_reg(VGPU_REG_EDID_SIZE), 128u);
    EXPECT_EQ(d.read_reg(VGPU_REG_MODE_HINT_WIDTH), 1024u);
    EXPECT_EQ(d.read_reg(VGPU_REG_MODE_HINT_HEIGHT), 768u);
    const std::vector<std::uint8_t> seen = edid_window(d, 128);
    EXPECT_EQ(seen, blob);
    const auto events = display.drain();
    ASSERT_EQ(events.size(), 2u);  // link down, link up
    EXPECT_EQ(events[1].type, std::uint32_t{VGPU_EVENT_HOTPLUG});

    // read-only fields and oversized blobs are refused
    std::uint32_t value = 1;
    EXPECT_THROW(d.vfio().write(region.offset + offsetof(vfio_region_gfx_edid, max_xres), &value, 4,
                                "max_xres"),
                 fbx::Error);
    value = regs.edid_max_size + 1;
    EXPECT_THROW(d.vfio().write(region.offset + offsetof(vfio_region_gfx_edid, edid_size), &value,
                                4, "edid_size"),
                 fbx::Error);
}

// A guest driver follows hotplug: the painter (tools/vgpu-guest) sees the
// HOTPLUG bit after the host publishes an EDID and switches to its mode.
TEST_F(RegionTest, GuestFollowsTheModeHint) {
    for (const vgpu::SurfaceMemory memory : {vgpu::SurfaceMemory::vram, vgpu::SurfaceMemory::gtt}) {
        auto& d = device();
        vgpu::PaintOptions options;
        options.primary = vgpu::make_plane(fbx::supported_formats()[0],
                                           fbx::supported_modifiers()[0], 640, 480, 0);
        options.memory = memory;
        vgpu::Painter painter(d, options);
        painter.step(0);
        EXPECT_EQ(d.query_plane(vgpu::drm_plane_primary).width, 640u);

        const auto region = d.vfio().region_info(VGPU_REGION_EDID);
        vfio_region_gfx_edid regs{};
        d.vfio().read(region.offset, &regs, sizeof(regs), "EDID region header");
        const auto field = [&](std::uint32_t off, std::uint32_t value) {
            d.vfio().write(region.offset + off, &value, 4, "EDID region field");
        };
        const std::uint32_t width = memory == vgpu::SurfaceMemory::gtt ? 800 : 1024;
        const std::uint32_t height = memory == vgpu::SurfaceMemory::gtt ? 600 : 768;
        field(offsetof(vfio_region_gfx_edid, link_state), VFIO_DEVICE_GFX_LINK_STATE_DOWN);
        const auto blob = edid_block(width, height);
        d.vfio().write(region.offset + regs.edid_offset, blob.data(), blob.size(), "EDID blob");
        field(offsetof(vfio_region_gfx_edid, edid_size), 128);
        field(offsetof(vfio_region_gfx_edid, link_state), VFIO_DEVICE_GFX_LINK_STATE_UP);

        painter.step(1);
        EXPECT_EQ(painter.plane().width, width);
        const auto info = d.query_plane(vgpu::drm_plane_primary);
        EXPECT_EQ(info.width, width);
        EXPECT_EQ(info.height, height);
        EXPECT_EQ(d.read_reg(VGPU_REG_INT_STATUS) & VGPU_INT_HOTPLUG, 0u) << "hotplug not acked";
    }
}

}  // namespace
}  // namespace vmtest
