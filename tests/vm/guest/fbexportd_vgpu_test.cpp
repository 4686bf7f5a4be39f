// fbexportd --source vgpu:UUID as a black box on a real vGPU, seen through
// a real RFB client (libvncclient) over the guest's loopback: the client
// holds exactly the guest's pixels; a posted damage rectangle arrives as an
// update covering it and little else; a flip shows the new surface; the
// cursor moves without a framebuffer update.
#include <signal.h>

#include "display/damage_region.hpp"
#include "guest_screen.hpp"
#include "loopback.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"
#include "vnc_test_client.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using fbx::test::ChildProcess;
using fbx::test::VncTestClient;

class FbexportdVgpu : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        ASSERT_NO_THROW(bring_up_loopback());
        guest_ = std::make_unique<GuestSurfaces>(device());
    }
    void TearDown() override {
        client_.reset();
        if (service_) {
            EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
            service_.reset();
        }
        guest_.reset();
        VgpuTest::TearDown();
    }

    void start_service() {
        service_ = std::make_unique<ChildProcess>(std::vector<std::string>{
            fbx::test::program("fbexportd"), "--source", "vgpu:" + instance().uuid(), "--vnc",
            "127.0.0.1:" + std::to_string(port_), "--convert", "cpu"});
        ASSERT_TRUE(service_->wait_for_log("ready", 20s)) << service_->log();
    }

    void connect() {
        std::string error;
        auto connected = VncTestClient::connect(port_, &error);
        ASSERT_TRUE(connected) << error << "\n" << service_->log();
        client_.emplace(std::move(*connected));
        ASSERT_TRUE(client_->pump_until_quiet(300ms, 10s)) << "the first picture never settled";
    }

    // Shows `config` as a guest that posts its damage does: the post turns
    // the device's own dirty-page tracking off, so the only damage is ours.
    void show_posting(std::uint32_t plane, const vgpu::PlaneConfig& config) {
        show(plane, config);
        device().post_full_damage(plane);
    }

    void expect_client_shows(const Picture& want) {
        ASSERT_EQ(client_->width(), int(want.width));
        ASSERT_EQ(client_->height(), int(want.height));
        std::string report;
        EXPECT_EQ(count_mismatches(
                      want, {0, 0, std::int32_t(want.width), std::int32_t(want.height)},
                      [&](std::int32_t x, std::int32_t y) { return client_->pixel(x, y); }, report),
                  0u)
            << report;
    }

    vgpu::PlaneConfig primary(const char* format, const char* modifier, Memory memory,
                              std::uint64_t offset = 0) {
        return guest().place(*fbx::find_format(std::string_view(format)),
                             *fbx::find_modifier(std::string_view(modifier)), 640, 400, memory,
                             offset);
    }

    GuestSurfaces& guest() { return *guest_; }

    std::uint16_t port_ = fbx::test::free_loopback_port();
    std::unique_ptr<GuestSurfaces> guest_;
    std::unique_ptr<ChildProcess> service_;
    std::optional<VncTestClient> client_;
};

using Case = SurfaceCase;

class FbexportdVgpuSurfaces : public FbexportdVgpu, public ::testing::WithParamInterface<Case> {};

TEST_P(FbexportdVgpuSurfaces, ClientHoldsExactlyTheGuestsPixels) {
    const Case c = GetParam();
    const vgpu::PlaneConfig plane = primary(c.format, c.modifier, c.memory);
    guest().draw(plane, vgpu::Pattern::noise, 3);
    show_posting(VGPU_PLANE_PRIMARY, plane);
    start_service();
    connect();
    expect_client_shows(expected_picture(plane, guest().bytes(plane)));
}

INSTANTIATE_TEST_SUITE_P(Surfaces, FbexportdVgpuSurfaces,
                         ::testing::Values(Case{"XRGB8888", "y-tiled", Memory::vram},
                                           Case{"ARGB8888", "x-tiled", Memory::gtt},
                                           Case{"RGB565", "linear", Memory::vram}),
                         surface_case_name);

TEST_F(FbexportdVgpu, PostedDamageArrivesAsAnUpdateCoveringItAndLittleElse) {
    const vgpu::PlaneConfig plane = primary("XRGB8888", "x-tiled", Memory::vram);
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show_posting(VGPU_PLANE_PRIMARY, plane);
    start_service();
    connect();
    client_->clear_rects();
    const auto updates = client_->updates();

    const fbx::Rect area{100, 80, 64, 48};
    guest().draw_rect(plane, area, vgpu::Pattern::noise, 7);
    device().post_damage(VGPU_PLANE_PRIMARY, 100, 80, 64, 48);
    ASSERT_TRUE(client_->pump_until_quiet(300ms, 10s));
    EXPECT_GT(client_->updates(), updates);
    fbx::DamageRegion received;  // the union of what came
    std::int64_t area_sent = 0;
    for (const fbx::Rect& r : client_->rects()) {
        received.add(r);
        area_sent += r.area();
    }
    EXPECT_TRUE(received.contains(area.x, area.y) &&
                received.contains(area.right() - 1, area.bottom() - 1))
        << "the update does not cover the damage; got " << received.bounding_box();
    EXPECT_LE(area_sent, 2 * area.area()) << "far more was sent than damaged";
    expect_client_shows(expected_picture(plane, guest().bytes(plane)));
}

TEST_F(FbexportdVgpu, AFlipShowsTheNewSurface) {
    const vgpu::PlaneConfig a = primary("XRGB8888", "linear", Memory::vram, 0);
    const vgpu::PlaneConfig b = primary("XRGB8888", "linear", Memory::vram, 2u << 20);
    guest().draw(a, vgpu::Pattern::bars, 0);
    guest().draw(b, vgpu::Pattern::checker, 3);
    show_posting(VGPU_PLANE_PRIMARY, a);
    start_service();
    connect();
    show(VGPU_PLANE_PRIMARY, b);
    ASSERT_TRUE(client_->pump_until_quiet(300ms, 10s));
    expect_client_shows(expected_picture(b, guest().bytes(b)));
}

TEST_F(FbexportdVgpu, TheCursorMovesWithoutAFramebufferUpdate) {
    const vgpu::PlaneConfig plane = primary("XRGB8888", "linear", Memory::vram);
    guest().draw(plane, vgpu::Pattern::bars, 0);
    show_posting(VGPU_PLANE_PRIMARY, plane);
    vgpu::PlaneConfig cursor =
        guest().place(*fbx::find_format("ARGB8888"), *fbx::find_modifier("linear"), 32, 32,
                      Memory::vram, 8u << 20);
    cursor.pos_x = 100;
    cursor.pos_y = 60;
    cursor.hot_x = 1;
    cursor.hot_y = 2;
    guest().draw(cursor, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, cursor);
    start_service();
    connect();
    ASSERT_TRUE(client_->cursor()) << "no cursor shape";
    EXPECT_EQ(client_->cursor()->width, 32);
    EXPECT_EQ(client_->cursor()->hot_x, 1);
    EXPECT_EQ(client_->cursor()->hot_y, 2);
    // The shape: opaque where the guest's arrow is, transparent around it.
    const auto surface =
        vgpu::plane_surface(cursor, guest().bytes(cursor).data(), guest().bytes(cursor).size());
    for (std::uint32_t y = 0; y < 32; ++y) {
        for (std::uint32_t x = 0; x < 32; ++x) {
            const bool opaque =
                vgpu::read_pixel(*surface, guest().bytes(cursor).data(), x, y).a != 0;
            ASSERT_EQ(client_->cursor()->mask[y * 32 + x] != 0, opaque) << x << "," << y;
        }
    }
    client_->clear_rects();

    cursor.pos_x = 300;
    cursor.pos_y = 222;
    show(VGPU_PLANE_CURSOR, cursor);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    const std::pair<int, int> hotspot{301, 224};
    while (client_->pointer() != hotspot && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(client_->pump(20ms));
    }
    ASSERT_EQ(client_->pointer(), hotspot);
    ASSERT_TRUE(client_->pump(300ms));
    EXPECT_TRUE(client_->rects().empty())
        << client_->rects().size() << " framebuffer rectangles for a cursor move, first "
        << client_->rects().front();
}

// A guest that posts no damage: the device's dirty tracking finds what it
// wrote, and the client gets it.
TEST_F(FbexportdVgpu, AGuestThatPostsNoDamageIsSeenThroughDirtyTracking) {
    const vgpu::PlaneConfig plane = primary("XRGB8888", "linear", Memory::vram);
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    start_service();
    connect();
    guest().draw_rect(plane, {10, 300, 200, 30}, vgpu::Pattern::noise, 1);
    ASSERT_TRUE(client_->pump_until_quiet(500ms, 10s));
    expect_client_shows(expected_picture(plane, guest().bytes(plane)));
}

}  // namespace
}  // namespace vmtest
