// In-guest tests of fbx::VfioSource, the generic VFIO display source, on
// vgpu_mediator instances created with the module's extensions off
// (kernel/ABI.md, "Upstream-style instances"): no events, no damage, only
// the VFIO plane query and dma-buf export, as mbochs or GVT-g offer. The
// test process is the guest (tools/vgpu-guest) and owns the device, as a
// VMM would; the source adopts its device fd, or opens the device itself by
// UUID through the group or the cdev.
#include "generic_vfio_fixture.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>

#include "display/damage_region.hpp"
#include "fbexport/mediator_source.hpp"
#include "mdev_sysfs.hpp"

namespace vmtest {
namespace {

using Case = SurfaceCase;

// Every format and modifier of kernel/ABI.md, in VRAM and in GTT memory.
std::vector<Case> every_surface() {
    std::vector<Case> cases;
    for (const fbx::PixelFormat& f : fbx::supported_formats()) {
        for (const fbx::Modifier& m : fbx::supported_modifiers()) {
            for (const Memory memory : {Memory::vram, Memory::gtt}) {
                cases.push_back({f.name.data(), m.name.data(), memory});
            }
        }
    }
    return cases;
}

TEST_F(GenericVfioSourceTest, TheInstanceLooksLikeAnUpstreamMdevDisplay) {
    const std::string uuid = instance().uuid();
    EXPECT_FALSE(std::filesystem::exists("/dev/vgpu/" + uuid)) << "no display-export device";
    EXPECT_EQ(read_file(instance().sysfs_path() + "/vgpu/display_dev").value_or("?"), "\n");
    EXPECT_EQ(device().read_reg(VGPU_REG_CAPS) & VGPU_CAP_DAMAGE, 0u);
    EXPECT_EQ(device().vfio().info().num_irqs, std::uint32_t{VGPU_EVENT_IRQ_INDEX});
    EXPECT_THROW(device().vfio().irq_info(VGPU_EVENT_IRQ_INDEX), fbx::Error);
    fbx::MediatorOptions mediator;
    mediator.uuid = uuid;
    EXPECT_THROW(fbx::MediatorSource{mediator}, fbx::Error) << "nothing for the mediator source";

    // The damage registers are unknown offsets now.
    const vgpu::PlaneConfig plane = primary();
    show(VGPU_PLANE_PRIMARY, plane);
    const std::uint64_t invalid = invalid_planes();
    device().post_damage(VGPU_PLANE_PRIMARY, 0, 0, 10, 10);
    EXPECT_EQ(invalid_planes(), invalid + 2) << "the XY and WH writes are both refused";
    EXPECT_EQ(device().read_reg(VGPU_REG_DAMAGE_COUNT), 0u);
    EXPECT_EQ(source().event_fd(), -1) << "polled, not woken";
    EXPECT_EQ(source().device().access(), fbx::VfioAccess::adopted);
}

class GenericVfioSourcePixels : public GenericVfioSourceTest,
                                public ::testing::WithParamInterface<Case> {};

// The first poll reports everything with the guest's exact pixels; polls
// after it report nothing while nothing changes.
TEST_P(GenericVfioSourcePixels, FirstFrameHoldsTheGuestsPixelsThenNothing) {
    const Case c = GetParam();
    const vgpu::PlaneConfig plane =
        guest().place(format(c.format), modifier(c.modifier), 333, 201, c.memory, 1u << 20);
    guest().draw(plane, vgpu::Pattern::noise, 5);
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_EQ(device().plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_OK});

    const auto frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_TRUE(source().primary_ready());
    EXPECT_EQ(frame->primary.fourcc, plane.format);
    EXPECT_EQ(frame->primary.modifier, plane.modifier);
    EXPECT_EQ(frame->primary.width, 333u);
    EXPECT_EQ(frame->primary.height, 201u);
    ASSERT_TRUE(frame->primary.buffer);
    EXPECT_EQ(frame->primary.buffer->kind(), fbx::BufferKind::dmabuf);
    expect_picture(*frame, plane);
    EXPECT_FALSE(source().poll()) << "nothing changed";
    EXPECT_EQ(source().damaged_tiles(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Surfaces, GenericVfioSourcePixels, ::testing::ValuesIn(every_surface()),
                         surface_case_name);

class GenericVfioSourceDamage : public GenericVfioSourceTest,
                                public ::testing::WithParamInterface<Case> {};

// A guest that paints a small rectangle and says nothing: the comparison
// finds it, in the tiles it touches (widened to the 4 KiB blocks of a tiled
// layout) and nowhere else.
TEST_P(GenericVfioSourceDamage, APaintedRectangleIsFoundAndLittleMore) {
    const Case c = GetParam();
    const vgpu::PlaneConfig plane =
        guest().place(format(c.format), modifier(c.modifier), 640, 480, c.memory, 0);
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    const auto first = source().poll();
    ASSERT_TRUE(first);
    expect_picture(*first, plane);
    const std::uint64_t imports = source().imports();

    const fbx::Rect area{300, 200, 40, 30};
    guest().draw_rect(plane, area, vgpu::Pattern::checker, 1);
    const auto frame = source().poll();
    ASSERT_TRUE(frame) << "the painted rectangle was not found";
    ASSERT_FALSE(frame->damage.full);
    const fbx::DamageRegion damage(frame->damage.rects);
    EXPECT_TRUE(damage.contains(area.x, area.y));
    EXPECT_TRUE(damage.contains(area.right() - 1, area.bottom() - 1));
    // At most the 64x64 tiles a 256-pixel wide block (X-tiled RGB565) covers.
    const fbx::Rect box = damage.bounding_box();
    EXPECT_LE(box.area(), 256 * 128) << box;
    EXPECT_EQ(frame->primary.buffer, first->primary.buffer) << "same surface, same buffer";
    EXPECT_EQ(source().imports(), imports);
    // Converting only the damage brings the whole picture up to date.
    expect_picture(*frame, plane, damage);
    EXPECT_FALSE(source().poll());
}

INSTANTIATE_TEST_SUITE_P(Surfaces, GenericVfioSourceDamage,
                         ::testing::Values(Case{"XRGB8888", "linear", Memory::vram},
                                           Case{"ARGB8888", "y-tiled", Memory::gtt},
                                           Case{"RGB565", "x-tiled", Memory::vram},
                                           Case{"XRGB2101010", "linear", Memory::gtt}),
                         surface_case_name);

TEST_F(GenericVfioSourceTest, FlipShowsTheNewSurfaceAndFlipsBackFromTheCache) {
    const vgpu::PlaneConfig a = primary(640, 480, 0);
    const vgpu::PlaneConfig b = primary(640, 480, 2u << 20);
    guest().draw(a, vgpu::Pattern::bars, 0);
    guest().draw(b, vgpu::Pattern::noise, 1);
    show(VGPU_PLANE_PRIMARY, a);
    const auto first = source().poll();
    ASSERT_TRUE(first);
    const std::uint32_t id_a = first->primary.dmabuf_id;

    show(VGPU_PLANE_PRIMARY, b);
    auto frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full) << "a flip refreshes the whole plane";
    EXPECT_NE(frame->primary.dmabuf_id, id_a);
    expect_picture(*frame, b);

    show(VGPU_PLANE_PRIMARY, a);
    frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_EQ(frame->primary.dmabuf_id, id_a);
    EXPECT_EQ(frame->primary.buffer, first->primary.buffer) << "surface a came from the cache";
    EXPECT_EQ(source().imports(), 2u);
    expect_picture(*frame, a);
}

TEST_F(GenericVfioSourceTest, CursorMovesAndRedrawsWithoutPrimaryDamage) {
    const vgpu::PlaneConfig plane = primary();
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    vgpu::PlaneConfig c =
        guest().place(format("ARGB8888"), modifier("linear"), 64, 64, Memory::vram, 8u << 20);
    c.pos_x = 100;
    c.pos_y = 50;
    c.hot_x = 3;
    guest().draw(c, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, c);
    auto frame = source().poll();
    ASSERT_TRUE(frame);
    ASSERT_TRUE(frame->cursor);
    EXPECT_EQ(frame->cursor->x, 100);
    EXPECT_EQ(frame->cursor->hot_x, 3u);

    c.pos_x = -7;
    c.pos_y = 300;
    show(VGPU_PLANE_CURSOR, c);
    frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.empty()) << "a cursor move must not damage the framebuffer";
    ASSERT_TRUE(frame->cursor);
    EXPECT_EQ(frame->cursor->x, -7);
    EXPECT_EQ(frame->cursor->y, 300);
    EXPECT_FALSE(frame->cursor_redrawn);

    guest().draw(c, vgpu::Pattern::noise, 2);  // redrawn in place, nothing said
    frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.empty());
    EXPECT_TRUE(frame->cursor_redrawn);

    c.enable = false;
    show(VGPU_PLANE_CURSOR, c);
    frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(frame->cursor);
}

TEST_F(GenericVfioSourceTest, BlackWhileThePrimaryPlaneIsOff) {
    auto frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(source().primary_ready());
    EXPECT_EQ(frame->primary.dmabuf_id, 0u);
    EXPECT_FALSE(source().poll());

    const vgpu::PlaneConfig plane = primary();
    guest().draw(plane, vgpu::Pattern::bars, 3);
    show(VGPU_PLANE_PRIMARY, plane);
    frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_TRUE(source().primary_ready());
    expect_picture(*frame, plane);
    EXPECT_NE(source().describe().find("640x480 XRGB8888"), std::string::npos)
        << source().describe();
}

// The source opens the device itself, by UUID, as a display service that
// owns an mdev would: through its group in a type1 container (both
// kernels) or its cdev bound to an iommufd (kernels with
// CONFIG_VFIO_DEVICE_CDEV). The guest then drives the device through the
// source's fd: only one opener of a group, or binder of a cdev, is allowed.
std::string access_name(const ::testing::TestParamInfo<fbx::VfioAccess>& access) {
    return fbx::vfio_access_name(access.param);
}

class GenericVfioSourceByUuid : public GenericVfioSourceTest,
                                public ::testing::WithParamInterface<fbx::VfioAccess> {};

TEST_P(GenericVfioSourceByUuid, OpensTheDeviceAndShowsWhatItDisplays) {
    const fbx::VfioAccess access = GetParam();
    const std::string uuid = instance().uuid();
    const bool has_cdev = !fbx::VfioDisplayDevice::cdev_name({.uuid = uuid}).empty();
    if (access == fbx::VfioAccess::cdev && !has_cdev) {
        GTEST_SKIP() << "this kernel has no VFIO device cdev (CONFIG_VFIO_DEVICE_CDEV is off, as "
                        "in Debian's 6.1 and 6.12): no device node for "
                     << instance().sysfs_path() << "/vfio-dev/vfioN";
    }
    // While this process holds the group, opening it again is refused with
    // a message saying what to do instead.
    if (access == fbx::VfioAccess::group) {
        try {
            fbx::VfioDisplayDevice::open({.uuid = uuid, .access = access});
            ADD_FAILURE() << "the group opened twice";
        } catch (const fbx::Error& e) {
            EXPECT_NE(std::string(e.what()).find("hand its device fd over"), std::string::npos)
                << e.what();
        }
    }
    close_device();
    if (!has_cdev) {
        EXPECT_EQ(fbx::VfioDisplayDevice::open({.uuid = uuid}).access(), fbx::VfioAccess::group)
            << "without a cdev, automatic means the group";
    }
    fbx::VfioSource& src =
        adopt_source(fbx::VfioDisplayDevice::open({.uuid = uuid, .access = access}));
    EXPECT_EQ(src.device().access(), access);
    auto frame = src.poll();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(src.primary_ready()) << "opening reset the device";

    // The guest, through the source's device fd: draw in mapped VRAM, program, commit.
    const int fd = src.device().fd();
    const vgpu::PlaneConfig plane =
        vgpu::make_plane(format("XBGR8888"), modifier("x-tiled"), 300, 200, 1u << 20);
    const std::size_t bytes = vgpu::surface_bytes(fbx::Tiling::intel_x, plane.stride, plane.height);
    void* map = ::mmap(nullptr, plane.offset + bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                       static_cast<off_t>(VGPU_REGION_OFFSET(VFIO_PCI_BAR0_REGION_INDEX)));
    ASSERT_NE(map, MAP_FAILED) << errno_text(errno);
    auto* base = static_cast<std::uint8_t*>(map) + plane.offset;
    const auto surface = vgpu::plane_surface(plane, base, bytes);
    ASSERT_TRUE(surface);
    vgpu::draw_pattern(*surface, vgpu::Pattern::noise, 9);
    const auto reg = [fd](std::uint32_t offset, std::uint32_t value) {
        ASSERT_EQ(
            ::pwrite(fd, &value, 4,
                     static_cast<off_t>(VGPU_REGION_OFFSET(VFIO_PCI_BAR2_REGION_INDEX) + offset)),
            4)
            << errno_text(errno);
    };
    const auto plane_reg = [](std::uint32_t r) { return VGPU_PLANE_REG(VGPU_PLANE_PRIMARY, r); };
    reg(plane_reg(VGPU_PLANE_FORMAT), plane.format);
    reg(plane_reg(VGPU_PLANE_MODIFIER_LO), static_cast<std::uint32_t>(plane.modifier));
    reg(plane_reg(VGPU_PLANE_MODIFIER_HI), static_cast<std::uint32_t>(plane.modifier >> 32));
    reg(plane_reg(VGPU_PLANE_OFFSET_LO), static_cast<std::uint32_t>(plane.offset));
    reg(plane_reg(VGPU_PLANE_WIDTH), plane.width);
    reg(plane_reg(VGPU_PLANE_HEIGHT), plane.height);
    reg(plane_reg(VGPU_PLANE_STRIDE_BYTES), plane.stride);
    reg(plane_reg(VGPU_PLANE_ENABLE), 1);
    reg(VGPU_REG_COMMIT, 1u << VGPU_PLANE_PRIMARY);

    frame = src.poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(src.primary_ready());
    EXPECT_TRUE(frame->damage.full);
    expect_picture(*frame, plane, std::span<const std::uint8_t>(base, bytes));

    vgpu::draw_pattern_rect(*surface, vgpu::Pattern::checker, 2, 10, 10, 20, 20);
    frame = src.poll();
    ASSERT_TRUE(frame);
    ASSERT_FALSE(frame->damage.full);
    expect_picture(*frame, plane, std::span<const std::uint8_t>(base, bytes),
                   fbx::DamageRegion(frame->damage.rects));
    ::munmap(map, plane.offset + bytes);
}

INSTANTIATE_TEST_SUITE_P(Access, GenericVfioSourceByUuid,
                         ::testing::Values(fbx::VfioAccess::group, fbx::VfioAccess::cdev),
                         access_name);

}  // namespace
}  // namespace vmtest
