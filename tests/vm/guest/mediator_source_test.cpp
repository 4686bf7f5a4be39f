// In-guest tests of fbx::MediatorSource against the real module: the
// guest's pixels (VRAM and GTT, several formats and layouts) reach frames
// exactly, and every kind of event record becomes the right damage.
#include <poll.h>

#include <cstring>

#include "converted_picture.hpp"
#include "display/damage_region.hpp"
#include "fbexport/mediator_source.hpp"
#include "guest_screen.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;

const fbx::PixelFormat& format(const char* name) {
    static std::vector<fbx::PixelFormat> kept;
    const auto f = fbx::find_format(std::string_view(name));
    if (!f) {
        throw fbx::Error(std::string("no format ") + name);
    }
    return kept.emplace_back(*f), kept.back();
}

fbx::Modifier modifier(const char* name) {
    return *fbx::find_modifier(std::string_view(name));
}

// Whether the source's event fd turns readable within `timeout`.
bool readable(const fbx::Source& source, std::chrono::milliseconds timeout) {
    pollfd p{source.event_fd(), POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0 && (p.revents & POLLIN) != 0;
}

class MediatorSourceTest : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        guest_ = std::make_unique<GuestSurfaces>(device());
    }
    void TearDown() override {
        source_.reset();
        guest_.reset();
        VgpuTest::TearDown();
    }

    fbx::MediatorSource& source() {
        if (!source_) {
            fbx::MediatorOptions options;
            options.uuid = instance().uuid();
            source_ = std::make_unique<fbx::MediatorSource>(options);
        }
        return *source_;
    }

    // A frame, waiting up to 2 s for the event that brings it.
    std::optional<fbx::Frame> next_frame() {
        readable(source(), 2s);
        return source().poll();
    }

    // The frame's `damage` converted, and all of the picture what `plane` shows.
    void expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                        const fbx::DamageRegion& damage) {
        picture_.expect(frame, plane, guest().bytes(plane), damage);
    }
    void expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane) {
        expect_picture(frame, plane, fbx::DamageRegion(ConvertedPicture::bounds(frame)));
    }

    GuestSurfaces& guest() { return *guest_; }

    // Shows `plane` as a guest that posts its damage does: the post turns
    // the device's dirty-page tracking off, so every damage record after it
    // is one the test posted.
    void show_posting(std::uint32_t plane, const vgpu::PlaneConfig& config) {
        show(plane, config);
        device().post_full_damage(plane);
        ASSERT_EQ(device().read_reg(VGPU_REG_DAMAGE_MODE), std::uint32_t{VGPU_DAMAGE_MODE_GUEST});
    }

    vgpu::PlaneConfig primary(std::uint32_t width = 640, std::uint32_t height = 480,
                              std::uint64_t offset = 0, Memory memory = Memory::vram) {
        return guest().place(format("XRGB8888"), modifier("linear"), width, height, memory, offset);
    }
    vgpu::PlaneConfig cursor(std::int32_t x, std::int32_t y) {
        vgpu::PlaneConfig c =
            guest().place(format("ARGB8888"), modifier("linear"), 64, 64, Memory::vram, 8u << 20);
        c.pos_x = x;
        c.pos_y = y;
        c.hot_x = 3;
        c.hot_y = 5;
        return c;
    }

    std::unique_ptr<GuestSurfaces> guest_;
    std::unique_ptr<fbx::MediatorSource> source_;
    ConvertedPicture picture_;
};

using Case = SurfaceCase;

class MediatorSourcePixels : public MediatorSourceTest,
                             public ::testing::WithParamInterface<Case> {};

// The first frame reports everything, with the guest's exact pixels (after
// the 8 bits per channel a converter keeps); then nothing, as nothing happens.
TEST_P(MediatorSourcePixels, FirstFrameHoldsTheGuestsPixels) {
    const Case c = GetParam();
    const vgpu::PlaneConfig plane =
        guest().place(format(c.format), modifier(c.modifier), 333, 201, c.memory, 1u << 20);
    guest().draw(plane, vgpu::Pattern::noise, 5);
    show_posting(VGPU_PLANE_PRIMARY, plane);
    ASSERT_EQ(device().plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_OK});

    const auto frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_TRUE(source().primary_ready());
    EXPECT_NE(frame->primary.dmabuf_id, 0u);
    EXPECT_EQ(frame->primary.fourcc, plane.format);
    EXPECT_EQ(frame->primary.modifier, plane.modifier);
    EXPECT_EQ(frame->primary.width, 333u);
    EXPECT_EQ(frame->primary.height, 201u);
    EXPECT_EQ(frame->primary.stride, plane.stride);
    ASSERT_TRUE(frame->primary.buffer);
    EXPECT_EQ(frame->primary.buffer->kind(), fbx::BufferKind::dmabuf);
    EXPECT_FALSE(frame->cursor);
    expect_picture(*frame, plane);

    EXPECT_FALSE(readable(source(), 100ms)) << "no event, no news";
    EXPECT_FALSE(source().poll());
    EXPECT_NE(source().describe().find("333x201"), std::string::npos) << source().describe();
}

INSTANTIATE_TEST_SUITE_P(Surfaces, MediatorSourcePixels,
                         ::testing::Values(Case{"XRGB8888", "linear", Memory::vram},
                                           Case{"ARGB8888", "x-tiled", Memory::gtt},
                                           Case{"XBGR8888", "y-tiled", Memory::vram},
                                           Case{"ABGR8888", "linear", Memory::gtt},
                                           Case{"RGB565", "y-tiled", Memory::gtt},
                                           Case{"XRGB2101010", "x-tiled", Memory::vram}),
                         surface_case_name);

TEST_F(MediatorSourceTest, DamageIsExactlyWhatTheGuestPosted) {
    const vgpu::PlaneConfig plane = primary();
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show_posting(VGPU_PLANE_PRIMARY, plane);
    const auto first = source().poll();
    ASSERT_TRUE(first);
    expect_picture(*first, plane);
    const std::uint64_t imports = source().imports();

    const fbx::Rect area{100, 80, 64, 48};
    guest().draw_rect(plane, area, vgpu::Pattern::checker, 1);
    device().post_damage(VGPU_PLANE_PRIMARY, 100, 80, 64, 48);
    ASSERT_TRUE(readable(source(), 2s)) << "the damage post should wake the consumer";
    const auto frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(frame->damage.full);
    EXPECT_EQ(frame->damage.rects, std::vector<fbx::Rect>{area});
    EXPECT_EQ(frame->primary.buffer, first->primary.buffer) << "same surface, same buffer";
    EXPECT_EQ(source().imports(), imports) << "damage must not re-import the dma-buf";
    // Converting only the damage brings the whole picture up to date.
    expect_picture(*frame, plane, fbx::DamageRegion(frame->damage.rects));
    EXPECT_FALSE(source().poll());
}

// A guest that posts no damage: the device's dirty-page tracking finds the
// lines it wrote (kernel/ABI.md, "Dirty tracking"), and the source takes
// them like posted damage.
TEST_F(MediatorSourceTest, DirtyTrackingDamageOfAGuestThatPostsNone) {
    const vgpu::PlaneConfig plane = primary();
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_EQ(device().read_reg(VGPU_REG_DAMAGE_MODE), std::uint32_t{VGPU_DAMAGE_MODE_TRACK});
    const auto first = source().poll();
    ASSERT_TRUE(first);
    while (readable(source(), 100ms)) {
        source().poll();  // records of the first drawing, collected after the commit
    }
    expect_picture(*first, plane);

    const fbx::Rect area{200, 300, 50, 20};
    guest().draw_rect(plane, area, vgpu::Pattern::noise, 4);
    fbx::DamageRegion damage;
    std::optional<fbx::Frame> frame;
    while (!damage.contains(area.x, area.y) ||
           !damage.contains(area.right() - 1, area.bottom() - 1)) {
        ASSERT_TRUE(readable(source(), 2s)) << "no damage found by dirty tracking";
        frame = source().poll();
        if (frame) {
            ASSERT_FALSE(frame->damage.full);
            damage.add(frame->damage.rects);
        }
    }
    // Whole lines of a linear surface, not the whole screen.
    EXPECT_LE(damage.bounding_box().height, 40) << damage.bounding_box();
    expect_picture(*frame, plane, damage);
}

TEST_F(MediatorSourceTest, FlipShowsTheNewSurfaceAndFlipsBackWithoutReimport) {
    const vgpu::PlaneConfig a = primary(640, 480, 0);
    const vgpu::PlaneConfig b = primary(640, 480, 2u << 20);
    guest().draw(a, vgpu::Pattern::bars, 0);
    guest().draw(b, vgpu::Pattern::noise, 1);
    show(VGPU_PLANE_PRIMARY, a);
    const auto first = source().poll();
    ASSERT_TRUE(first);
    const std::uint32_t id_a = first->primary.dmabuf_id;

    show(VGPU_PLANE_PRIMARY, b);
    auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full) << "a flip refreshes the whole plane";
    EXPECT_NE(frame->primary.dmabuf_id, id_a);
    expect_picture(*frame, b);

    show(VGPU_PLANE_PRIMARY, a);
    frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_EQ(frame->primary.dmabuf_id, id_a);
    EXPECT_EQ(frame->primary.buffer, first->primary.buffer) << "surface a came from the cache";
    EXPECT_EQ(source().imports(), 2u);
    expect_picture(*frame, a);
}

TEST_F(MediatorSourceTest, CursorMovesWithoutDamageAndRedrawsInPlace) {
    // Posting turns dirty tracking off: no tracked damage of the cursor's
    // drawing may arrive late and pass for the redraw below.
    show_posting(VGPU_PLANE_PRIMARY, primary());
    vgpu::PlaneConfig c = cursor(100, 50);
    guest().draw(c, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, c);
    auto frame = source().poll();
    ASSERT_TRUE(frame);
    ASSERT_TRUE(frame->cursor);
    EXPECT_EQ(frame->cursor->x, 100);
    EXPECT_EQ(frame->cursor->y, 50);
    EXPECT_EQ(frame->cursor->hot_x, 3u);
    EXPECT_EQ(frame->cursor->hot_y, 5u);
    EXPECT_EQ(frame->cursor->fourcc, c.format);
    const auto cursor_buffer = frame->cursor->buffer;
    const std::uint64_t imports = source().imports();

    c.pos_x = -7;
    c.pos_y = 300;
    show(VGPU_PLANE_CURSOR, c);
    frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.empty()) << "a cursor move must not damage the framebuffer";
    ASSERT_TRUE(frame->cursor);
    EXPECT_EQ(frame->cursor->x, -7);
    EXPECT_EQ(frame->cursor->y, 300);
    EXPECT_EQ(frame->cursor->buffer, cursor_buffer);
    EXPECT_FALSE(frame->cursor_redrawn);
    EXPECT_EQ(source().imports(), imports);

    // The guest redraws its cursor image in place and says so.
    guest().draw(c, vgpu::Pattern::checker, 0);
    device().post_damage(VGPU_PLANE_CURSOR, 0, 0, 64, 64);
    frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->cursor_redrawn);
    EXPECT_TRUE(frame->damage.empty());

    show(VGPU_PLANE_CURSOR, vgpu::PlaneConfig{});
    frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(frame->cursor);
}

TEST_F(MediatorSourceTest, APlaneGoneServesBlackAtTheLastSizeUntilItComesBack) {
    const vgpu::PlaneConfig plane = primary(320, 200);
    guest().draw(plane, vgpu::Pattern::bars, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_TRUE(source().poll());

    show(VGPU_PLANE_PRIMARY, vgpu::PlaneConfig{});
    auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(source().primary_ready());
    EXPECT_TRUE(frame->damage.full);
    EXPECT_EQ(frame->primary.dmabuf_id, 0u);
    EXPECT_EQ(frame->primary.width, 320u);
    EXPECT_EQ(frame->primary.height, 200u);
    picture_.shadow().resize(320, 200);
    picture_.shadow().fill(0xffffffffu);
    picture_.convert(*frame, fbx::DamageRegion(ConvertedPicture::bounds(*frame)));
    EXPECT_EQ(picture_.shadow().at(0, 0) & 0xffffff, 0u);
    EXPECT_EQ(picture_.shadow().at(319, 199) & 0xffffff, 0u);
    EXPECT_NE(source().describe().find("no primary plane"), std::string::npos);

    show(VGPU_PLANE_PRIMARY, plane);
    frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(source().primary_ready());
    EXPECT_TRUE(frame->damage.full);
    expect_picture(*frame, plane);
}

TEST_F(MediatorSourceTest, ModeChangeBringsTheNewSize) {
    show(VGPU_PLANE_PRIMARY, primary(320, 200));
    ASSERT_TRUE(source().poll());
    const vgpu::PlaneConfig bigger = primary(800, 600, 4u << 20);
    guest().draw(bigger, vgpu::Pattern::gradient, 2);
    show(VGPU_PLANE_PRIMARY, bigger);
    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    EXPECT_EQ(frame->primary.width, 800u);
    EXPECT_EQ(frame->primary.height, 600u);
    expect_picture(*frame, bigger);
}

// Records that cannot fold into each other (cursor moves between damage
// posts) overflow the reader's queue: the source refreshes everything.
TEST_F(MediatorSourceTest, OverflowRefreshesEverything) {
    const vgpu::PlaneConfig plane = primary();
    show_posting(VGPU_PLANE_PRIMARY, plane);
    vgpu::PlaneConfig c = cursor(0, 0);
    guest().draw(c, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, c);
    ASSERT_TRUE(source().poll());
    for (int i = 0; i < VGPU_DISPLAY_QUEUE_LEN; ++i) {
        device().post_damage(VGPU_PLANE_PRIMARY, 0, 0, 8, 8);
        c.pos_x = i + 1;
        show(VGPU_PLANE_CURSOR, c);
    }
    guest().draw(plane, vgpu::Pattern::noise, 9);  // only a full refresh shows this
    const auto frame = source().poll();
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame->damage.full);
    ASSERT_TRUE(frame->cursor);
    EXPECT_EQ(frame->cursor->x, VGPU_DISPLAY_QUEUE_LEN);
    expect_picture(*frame, plane);
}

// The VMM unmaps guest RAM under a GTT plane: the kernel invalidates it,
// the source forgets the dma-buf and serves black.
TEST_F(MediatorSourceTest, UnmapInvalidatesTheSurface) {
    const vgpu::PlaneConfig plane = primary(256, 128, 0, Memory::gtt);
    guest().draw(plane, vgpu::Pattern::checker, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    const auto first = source().poll();
    ASSERT_TRUE(first);
    ASSERT_TRUE(source().primary_ready());
    guest().unmap_guest_ram();
    const auto frame = next_frame();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(source().primary_ready());
    EXPECT_EQ(frame->primary.dmabuf_id, 0u);
    EXPECT_TRUE(frame->damage.full);
}

TEST_F(MediatorSourceTest, RemovalEndsTheSourceWithSourceLost) {
    show(VGPU_PLANE_PRIMARY, primary());
    ASSERT_TRUE(source().poll());
    close_device();
    instance().remove();
    // Records still queued come first, then the loss.
    bool lost = false;
    for (int i = 0; i < 3 && !lost; ++i) {
        try {
            source().poll();
        } catch (const fbx::SourceLost& e) {
            lost = true;
            EXPECT_NE(std::string(e.what()).find(instance().uuid()), std::string::npos) << e.what();
        }
    }
    EXPECT_TRUE(lost);
}

}  // namespace
}  // namespace vmtest
