#include "command_line.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "demo_command_line.hpp"

namespace fbx::cli {
namespace {

TEST(CommandLine, ParsesSizes) {
    std::uint32_t w = 0, h = 0;
    parse_size("--demo-size", "1920x1080", w, h);
    EXPECT_EQ(w, 1920u);
    EXPECT_EQ(h, 1080u);
    parse_size("--demo-size", "7X3", w, h);
    EXPECT_EQ(w, 7u);
    for (const char* bad : {"", "1920", "1920x", "x1080", "0x10", "10x0", "1920x1080x", "-5x10",
                            "70000x10", "19 20x10"}) {
        EXPECT_THROW(parse_size("--demo-size", bad, w, h), UsageError) << bad;
    }
}

TEST(CommandLine, ParsesGeometry) {
    EXPECT_EQ(parse_geometry("--crop", "640x480+100+50"), (Rect{100, 50, 640, 480}));
    EXPECT_EQ(parse_geometry("--crop", "1x1+0+0"), (Rect{0, 0, 1, 1}));
    for (const char* bad : {"640x480", "640x480+1", "640x480+1+", "640x480-1-1", "+1+1", "0x5+1+1",
                            "640x480+1+1+1", "axb+1+1"}) {
        EXPECT_THROW(parse_geometry("--crop", bad), UsageError) << bad;
    }
}

TEST(CommandLine, ErrorsNameTheOptionAndTheText) {
    try {
        parse_unsigned("--demo-stop-at", "12ms");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("--demo-stop-at"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("12ms"), std::string::npos);
    }
    EXPECT_EQ(parse_unsigned("--n", "42"), 42u);
    EXPECT_THROW(parse_unsigned("--n", "43", 42), UsageError);
}

TEST(CommandLine, ReadsTheFirstLineOfASecretFile) {
    char path[] = "/tmp/fbexport-secret-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    std::ofstream(path) << "hunter2\r\nsecond line\n";
    EXPECT_EQ(read_secret_file("--vnc-password-file", path), "hunter2");
    std::ofstream(path) << "\n";
    EXPECT_THROW(read_secret_file("--vnc-password-file", path), UsageError);
    ::unlink(path);
    EXPECT_ANY_THROW(read_secret_file("--vnc-password-file", path));
}

TEST(DemoCommandLine, TakesFormatsAndLayoutsByName) {
    DemoCommandLine demo;
    const auto id = [](const char* name) {
        for (const auto& o : DemoCommandLine::options()) {
            if (std::string(o.name) == name) {
                return o.val;
            }
        }
        return -1;
    };
    EXPECT_TRUE(demo.take(id("demo-format"), "rgb565"));
    EXPECT_EQ(format_name(demo.demo().fourcc), "RGB565");
    EXPECT_TRUE(demo.take(id("demo-modifier"), "y-tiled"));
    EXPECT_EQ(modifier_name(demo.demo().modifier), "y-tiled");
    EXPECT_TRUE(demo.take(id("demo-stop-at"), "1500"));
    EXPECT_EQ(demo.demo().stop_at_ms, 1500u);
    EXPECT_THROW(demo.take(id("demo-format"), "NV12"), UsageError);
    EXPECT_FALSE(demo.take(1, "x")) << "not a demo option";
}

}  // namespace
}  // namespace fbx::cli
