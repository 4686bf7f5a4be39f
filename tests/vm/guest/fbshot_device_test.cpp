// fbshot --device as a black box on a real vGPU: its PNG, read back with
// libpng, matches what the guest drew pixel for pixel, with the cursor plane
// composed and without it.
#include <filesystem>

#include "guest_screen.hpp"
#include "png_picture.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using Case = SurfaceCase;

class FbshotDevice : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        guest_ = std::make_unique<GuestSurfaces>(device());
        fs::create_directories(dir_);
    }
    void TearDown() override {
        fs::remove_all(dir_);
        guest_.reset();
        VgpuTest::TearDown();
    }

    // Runs fbshot with `args`; its exit code, its output in `log`. The CPU
    // path: --convert auto would time a GL conversion on the guest's
    // emulated CPU first, for one picture.
    int fbshot(std::vector<std::string> args, std::string& log) {
        args.insert(args.begin(), {fbx::test::program("fbshot"), "--convert", "cpu"});
        fbx::test::ChildProcess p(args);
        const int code = p.wait_exit(60s);
        log = p.log();
        return code;
    }

    void expect_png(const std::string& path, const Picture& want) {
        Picture got;
        ASSERT_NO_THROW(got = read_png(path));
        ASSERT_EQ(got.width, want.width);
        ASSERT_EQ(got.height, want.height);
        std::string report;
        EXPECT_EQ(count_mismatches(
                      want, {0, 0, std::int32_t(want.width), std::int32_t(want.height)},
                      [&](std::int32_t x, std::int32_t y) {
                          return got.at(std::uint32_t(x), std::uint32_t(y));
                      },
                      report),
                  0u)
            << path << ":\n"
            << report;
    }

    GuestSurfaces& guest() { return *guest_; }

    std::unique_ptr<GuestSurfaces> guest_;
    fs::path dir_ = fs::path("/tmp") / ("fbshot-device-" + std::to_string(::getpid()));
};

class FbshotDeviceSurfaces : public FbshotDevice, public ::testing::WithParamInterface<Case> {};

TEST_P(FbshotDeviceSurfaces, MatchesTheGuestPixelForPixelWithAndWithoutCursor) {
    const Case c = GetParam();
    const vgpu::PlaneConfig plane =
        guest().place(*fbx::find_format(std::string_view(c.format)),
                      *fbx::find_modifier(std::string_view(c.modifier)), 300, 170, c.memory, 0);
    guest().draw(plane, vgpu::Pattern::noise, 2);
    show(VGPU_PLANE_PRIMARY, plane);
    // A cursor hanging over the right edge: composing must clip it.
    vgpu::PlaneConfig cursor =
        guest().place(*fbx::find_format("ARGB8888"), *fbx::find_modifier("linear"), 48, 48,
                      Memory::vram, 8u << 20);
    cursor.pos_x = 270;
    cursor.pos_y = 40;
    cursor.hot_x = 2;
    cursor.hot_y = 2;
    guest().draw(cursor, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, cursor);

    Picture want = expected_picture(plane, guest().bytes(plane));
    std::string log;
    const std::string bare = (dir_ / "bare.png").string();
    ASSERT_EQ(fbshot({"--device", instance().uuid(), "--no-cursor", "-o", bare}, log), 0) << log;
    expect_png(bare, want);

    compose_expected_cursor(want, cursor, guest().bytes(cursor));
    const std::string with = (dir_ / "cursor.png").string();
    ASSERT_EQ(fbshot({"--device", instance().uuid(), "-o", with}, log), 0) << log;
    expect_png(with, want);
}

INSTANTIATE_TEST_SUITE_P(Surfaces, FbshotDeviceSurfaces,
                         ::testing::Values(Case{"XRGB8888", "linear", Memory::vram},
                                           Case{"RGB565", "y-tiled", Memory::gtt},
                                           Case{"XRGB2101010", "x-tiled", Memory::vram},
                                           Case{"ABGR8888", "x-tiled", Memory::gtt}),
                         surface_case_name);

TEST_F(FbshotDevice, NoPrimaryPlaneIsAClearErrorAndNoFile) {
    const std::string out = (dir_ / "never.png").string();
    std::string log;
    EXPECT_EQ(fbshot({"--device", instance().uuid(), "-o", out}, log), 1);
    EXPECT_NE(log.find("vGPU " + instance().uuid() + " shows no primary plane"), std::string::npos)
        << log;
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(FbshotDevice, ARemovedVgpuIsNotFound) {
    const std::string uuid = instance().uuid();
    close_device();
    instance().remove();
    const std::string out = (dir_ / "never.png").string();
    std::string log;
    EXPECT_EQ(fbshot({"--device", uuid, "-o", out}, log), 1);
    EXPECT_NE(log.find("vGPU " + uuid + " not found"), std::string::npos) << log;
}

}  // namespace
}  // namespace vmtest
