// fbshot as a black box: its PNG, decoded by libpng, against the demo scene.

#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <filesystem>

#include "expected_frame.hpp"
#include "fbexport/demo_scene.hpp"
#include "service_process.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

struct Picture {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
    std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
        const std::uint8_t* p = &rgb[(std::size_t(y) * width + x) * 3];
        return (std::uint32_t(p[0]) << 16) | (std::uint32_t(p[1]) << 8) | p[2];
    }
};

Picture decode(const std::string& path) {
    Picture pic;
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path.c_str())) {
        ADD_FAILURE() << path << ": " << img.message;
        return pic;
    }
    img.format = PNG_FORMAT_RGB;
    pic.rgb.resize(PNG_IMAGE_SIZE(img));
    EXPECT_TRUE(png_image_finish_read(&img, nullptr, pic.rgb.data(), 0, nullptr)) << img.message;
    pic.width = img.width;
    pic.height = img.height;
    return pic;
}

class FbshotTest : public ::testing::Test {
protected:
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("fbexport-fbshot-test-" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir); }
    void TearDown() override { std::filesystem::remove_all(dir); }

    int run(std::vector<std::string> args, std::string* log = nullptr) {
        args.insert(args.begin(), program("fbshot"));
        ChildProcess p(args);
        const int code = p.wait_exit(30s);
        if (log) {
            *log = p.log();
        }
        return code;
    }
};

struct Case {
    const char* format;
    const char* modifier;
    friend void PrintTo(const Case& c, std::ostream* os) { *os << c.format << ' ' << c.modifier; }
};

class FbshotFormats : public FbshotTest, public ::testing::WithParamInterface<Case> {};

TEST_P(FbshotFormats, MatchesTheSceneWithoutCursorPixelForPixel) {
    const Case c = GetParam();
    const std::string out = dir / "shot.png";
    std::string log;
    ASSERT_EQ(run({"--demo-size", "333x211", "--demo-format", c.format, "--demo-modifier",
                   c.modifier, "--demo-time", "4321", "--no-cursor", "-o", out},
                  &log),
              0)
        << log;
    const Picture pic = decode(out);
    ASSERT_EQ(pic.width, 333u);
    ASSERT_EQ(pic.height, 211u);
    const auto expected = render_scene(333, 211, 4321);
    const bool rgb565 = std::string(c.format) == "RGB565";
    int bad = 0;
    for (std::uint32_t y = 0; y < pic.height; ++y) {
        for (std::uint32_t x = 0; x < pic.width; ++x) {
            const std::uint32_t want = quantize(expected[y * 333 + x], rgb565 ? 1 : 0);
            if (pic.at(x, y) != want && ++bad <= 5) {
                ADD_FAILURE() << x << "," << y << ": got " << std::hex << pic.at(x, y) << " want "
                              << want;
            }
        }
    }
    EXPECT_EQ(bad, 0);
}

INSTANTIATE_TEST_SUITE_P(All, FbshotFormats,
                         ::testing::Values(Case{"XRGB8888", "linear"}, Case{"XRGB8888", "x-tiled"},
                                           Case{"XRGB8888", "y-tiled"}, Case{"ARGB8888", "y-tiled"},
                                           Case{"XBGR8888", "x-tiled"}, Case{"ABGR8888", "linear"},
                                           Case{"RGB565", "linear"}, Case{"RGB565", "x-tiled"},
                                           Case{"XRGB2101010", "y-tiled"}),
                         [](const auto& test_info) {
                             std::string name = std::string(test_info.param.format) + "_" +
                                                test_info.param.modifier;
                             std::erase(name, '-');
                             return name;
                         });

TEST_F(FbshotTest, CursorIsComposedWhereTheSceneSaysAndNowhereElse) {
    const std::string out = dir / "cursor.png";
    ASSERT_EQ(run({"--demo-size", "640x400", "--demo-time", "2500", "-o", out}), 0);
    const Picture pic = decode(out);
    ASSERT_EQ(pic.width, 640u);
    const auto scene = render_scene(640, 400, 2500);
    const auto at = DemoScene(640, 400).cursor_at(2500);
    const auto cursor = DemoScene::cursor_image();
    const int size = int(DemoScene::cursor_size);
    int opaque_checked = 0;
    for (int y = 0; y < 400; ++y) {
        for (int x = 0; x < 640; ++x) {
            const int cx = x - at.x;
            const int cy = y - at.y;
            const bool inside = cx >= 0 && cy >= 0 && cx < size && cy < size;
            const std::uint32_t c = inside ? cursor[std::size_t(cy) * size + cx] : 0;
            const std::uint32_t alpha = c >> 24;
            if (alpha == 0) {
                ASSERT_EQ(pic.at(x, y), scene[std::size_t(y) * 640 + x] & 0xffffff)
                    << x << "," << y;
            } else if (alpha == 0xff) {
                ASSERT_EQ(pic.at(x, y), c & 0xffffff) << x << "," << y;
                ++opaque_checked;
            }
        }
    }
    EXPECT_GT(opaque_checked, 50) << "the cursor should be on screen at 2500 ms";
}

TEST_F(FbshotTest, CropKeepsExactlyTheRectangle) {
    const std::string full = dir / "full.png";
    const std::string part = dir / "part.png";
    ASSERT_EQ(run({"--demo-size", "400x300", "--demo-time", "900", "-o", full}), 0);
    ASSERT_EQ(run({"--demo-size", "400x300", "--demo-time", "900", "--crop", "150x100+33+47", "-o",
                   part}),
              0);
    const Picture a = decode(full);
    const Picture b = decode(part);
    ASSERT_EQ(b.width, 150u);
    ASSERT_EQ(b.height, 100u);
    for (std::uint32_t y = 0; y < 100; ++y) {
        for (std::uint32_t x = 0; x < 150; ++x) {
            ASSERT_EQ(b.at(x, y), a.at(x + 33, y + 47)) << x << "," << y;
        }
    }
}

TEST_F(FbshotTest, BadRequestsFailClearlyAndWriteNothing) {
    const std::string out = dir / "never.png";
    std::string log;
    EXPECT_EQ(run({"--demo-size", "400x300", "--crop", "100x100+350+0", "-o", out}, &log), 2);
    EXPECT_NE(log.find("does not fit"), std::string::npos) << log;
    EXPECT_EQ(run({"--demo-size", "400x300"}, &log), 2);
    EXPECT_NE(log.find("-o FILE.png"), std::string::npos) << log;
    EXPECT_EQ(run({"--crop", "wide", "-o", out}, &log), 2);
    EXPECT_EQ(run({"--demo-modifier", "z-tiled", "-o", out}, &log), 2);
    EXPECT_NE(log.find("x-tiled"), std::string::npos) << "should list the choices: " << log;
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_EQ(run({"-o", (dir / "no-such-dir" / "x.png").string()}, &log), 1);
    EXPECT_NE(log.find("no-such-dir"), std::string::npos) << log;
    EXPECT_EQ(run({"--device", "not-a-uuid", "-o", out}, &log), 2);
    EXPECT_NE(log.find("--device: 'not-a-uuid' is not a vGPU UUID"), std::string::npos) << log;
    // No vGPU exists on a build machine: a clear error naming it.
    const std::string uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
    EXPECT_EQ(run({"--device", uuid, "-o", out}, &log), 1);
    EXPECT_NE(log.find("vGPU " + uuid + " not found"), std::string::npos) << log;
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(FbshotTest, HelpExplainsTheOptions) {
    std::string log;
    EXPECT_EQ(run({"--help"}, &log), 0);
    for (const char* option :
         {"--output", "--no-cursor", "--crop", "--demo-format", "--demo-modifier", "--demo-time",
          "--device UUID", "fbshot --device", "Exit status"}) {
        EXPECT_NE(log.find(option), std::string::npos) << option << " missing from --help";
    }
}

}  // namespace
}  // namespace fbx::test
