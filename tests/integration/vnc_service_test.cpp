// fbexportd as a black box, seen through a real RFB client (libvncclient).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "expected_frame.hpp"
#include "fbexport/demo_scene.hpp"
#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

struct Service {
    std::uint16_t port = free_loopback_port();
    std::unique_ptr<ChildProcess> process;

    explicit Service(std::vector<std::string> extra) {
        std::vector<std::string> argv{program("fbexportd"), "--source", "demo", "--vnc",
                                      "127.0.0.1:" + std::to_string(port)};
        argv.insert(argv.end(), extra.begin(), extra.end());
        process = std::make_unique<ChildProcess>(argv);
        EXPECT_TRUE(process->wait_for_log("ready", 10s)) << process->log();
    }
};

// Counts pixels that differ from the expectation, printing the first few.
int count_mismatches(const VncTestClient& client, const std::vector<std::uint32_t>& expected,
                     bool rgb565) {
    int bad = 0;
    for (int y = 0; y < client.height(); ++y) {
        for (int x = 0; x < client.width(); ++x) {
            const std::uint32_t want =
                quantize(expected[std::size_t(y) * client.width() + x], rgb565 ? 1 : 0);
            const std::uint32_t got = client.pixel(x, y);
            if (got != want && ++bad <= 5) {
                ADD_FAILURE() << "pixel " << x << "," << y << ": got " << std::hex << got
                              << " want " << want;
            }
        }
    }
    return bad;
}

struct Case {
    const char* format;
    const char* modifier;
    friend void PrintTo(const Case& c, std::ostream* os) { *os << c.format << ' ' << c.modifier; }
};

class FinalPicture : public ::testing::TestWithParam<Case> {};

// The animation runs for 1.5 s while the client watches, then stops: the
// client's picture, built only from damaged rectangles, must equal the scene
// at 1.5 s exactly. Wrong damage, detiling or conversion all show here.
TEST_P(FinalPicture, ClientEndsWithTheExactDemoFrame) {
    const Case c = GetParam();
    Service service({"--demo-size", "640x400", "--demo-format", c.format, "--demo-modifier",
                     c.modifier, "--demo-stop-at", "1500"});
    auto client = VncTestClient::connect(service.port);
    ASSERT_TRUE(client) << service.process->log();
    ASSERT_EQ(client->width(), 640);
    ASSERT_EQ(client->height(), 400);
    ASSERT_TRUE(client->pump(1700ms));
    ASSERT_TRUE(client->pump_until_quiet(700ms, 10s));
    EXPECT_GT(client->updates(), 5u) << "the animation should have sent updates";
    const auto expected = render_scene(640, 400, 1500);
    EXPECT_EQ(count_mismatches(*client, expected, std::string(c.format) == "RGB565"), 0);
    EXPECT_EQ(service.process->stop(SIGTERM), 0) << service.process->log();
}

INSTANTIATE_TEST_SUITE_P(Formats, FinalPicture,
                         ::testing::Values(Case{"XRGB8888", "linear"}, Case{"ARGB8888", "x-tiled"},
                                           Case{"XBGR8888", "y-tiled"}, Case{"ABGR8888", "linear"},
                                           Case{"RGB565", "y-tiled"},
                                           Case{"XRGB2101010", "x-tiled"}),
                         [](const auto& test_info) {
                             std::string name = std::string(test_info.param.format) + "_" +
                                                test_info.param.modifier;
                             std::erase(name, '-');
                             return name;
                         });

TEST(VncService, StillDesktopSendsNothingAfterTheFirstPicture) {
    Service service({"--demo-size", "320x200", "--demo-stop-at", "0"});
    auto client = VncTestClient::connect(service.port);
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->pump_until_quiet(500ms, 10s));
    const auto expected = render_scene(320, 200, 0);
    EXPECT_EQ(count_mismatches(*client, expected, false), 0);
    client->clear_rects();
    ASSERT_TRUE(client->pump(1500ms));
    EXPECT_TRUE(client->rects().empty())
        << client->rects().size() << " rectangles, first " << client->rects().front();
}

TEST(VncService, AnimationArrivesAsSmallDamagedRectangles) {
    Service service({"--demo-size", "1280x720"});
    auto client = VncTestClient::connect(service.port);
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->pump(500ms));
    client->clear_rects();
    const auto before = client->updates();
    ASSERT_TRUE(client->pump(2s));
    const auto updates = client->updates() - before;
    EXPECT_GE(updates, 10u) << "a moving desktop should update the client often";
    std::int64_t area = 0;
    for (const Rect& r : client->rects()) {
        area += r.area();
    }
    // Windows and a clock move; the rest of the screen must not be resent.
    const double screens_per_update = double(area) / (1280.0 * 720.0) / double(updates);
    EXPECT_LT(screens_per_update, 0.5) << area << " pixels in " << updates << " updates";
}

TEST(VncService, CursorArrivesAsAClientSideCursorShape) {
    Service service({"--demo-size", "640x400", "--demo-stop-at", "700"});
    auto client = VncTestClient::connect(service.port);
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->pump(900ms));
    ASSERT_TRUE(client->pump_until_quiet(500ms, 10s));
    ASSERT_TRUE(client->cursor()) << "no cursor shape received";
    const auto& cursor = *client->cursor();
    EXPECT_EQ(cursor.width, int(DemoScene::cursor_size));
    EXPECT_EQ(cursor.height, int(DemoScene::cursor_size));
    EXPECT_EQ(cursor.hot_x, int(DemoScene::cursor_hot_x));
    EXPECT_EQ(cursor.hot_y, int(DemoScene::cursor_hot_y));
    const auto image = DemoScene::cursor_image();
    int opaque = 0;
    for (std::size_t i = 0; i < image.size(); ++i) {
        const std::uint32_t alpha = image[i] >> 24;
        if (alpha == 0xff) {
            ++opaque;
            ASSERT_EQ(cursor.mask[i], 1) << "pixel " << i;
            ASSERT_EQ(cursor.pixels[i] & 0xffffff, image[i] & 0xffffff) << "pixel " << i;
        } else if (alpha == 0) {
            ASSERT_EQ(cursor.mask[i], 0) << "pixel " << i;
        }
    }
    EXPECT_GT(opaque, 50);
    // The pointer position the client was told is the hotspot's at 700 ms.
    ASSERT_TRUE(client->pointer());
    const auto at = DemoScene(640, 400).cursor_at(700);
    EXPECT_EQ(client->pointer()->first, at.x + int(DemoScene::cursor_hot_x));
    EXPECT_EQ(client->pointer()->second, at.y + int(DemoScene::cursor_hot_y));
    // Client-side cursor: the framebuffer itself holds only the desktop.
    EXPECT_EQ(count_mismatches(*client, render_scene(640, 400, 700), false), 0);
}

TEST(VncService, ManyClientsSeeTheSamePicture) {
    Service service({"--demo-size", "480x320", "--demo-stop-at", "800"});
    std::vector<VncTestClient> clients;
    for (int i = 0; i < 4; ++i) {
        auto c = VncTestClient::connect(service.port);
        ASSERT_TRUE(c) << "client " << i;
        clients.push_back(std::move(*c));
    }
    // Each client is pumped in turn; a client that is not read from must not
    // stop the others (each has its own server thread).
    for (int round = 0; round < 20; ++round) {
        for (auto& c : clients) {
            ASSERT_TRUE(c.pump(60ms));
        }
    }
    const auto expected = render_scene(480, 320, 800);
    for (auto& c : clients) {
        ASSERT_TRUE(c.pump_until_quiet(400ms, 10s));
        EXPECT_EQ(count_mismatches(c, expected, false), 0);
    }
}

TEST(VncService, WithoutClientsItNeitherPollsNorConverts) {
    Service service({"--demo-size", "640x400"});
    std::this_thread::sleep_for(1500ms);
    ASSERT_EQ(service.process->stop(SIGTERM), 0);
    // Only the start-up frame that gives the mode.
    EXPECT_NE(service.process->log().find("after 1 polls, 0 changed frames, 0 pixels converted"),
              std::string::npos)
        << service.process->log();
}

TEST(VncService, AClientWakesPollingAndLeavingStopsIt) {
    Service service({"--demo-size", "640x400"});
    {
        auto client = VncTestClient::connect(service.port);
        ASSERT_TRUE(client);
        ASSERT_TRUE(client->pump(1s));
        EXPECT_GT(client->updates(), 10u);
    }
    ASSERT_TRUE(service.process->wait_for_log("no consumers: polling stopped", 5s) ||
                service.process->wait_for_log("disconnected (0 clients)", 5s))
        << service.process->log();
    ASSERT_EQ(service.process->stop(SIGTERM), 0);
    const std::string log = service.process->log();
    const auto at = log.find("after ");
    ASSERT_NE(at, std::string::npos) << log;
    const int polls = std::stoi(log.substr(at + 6));
    // About 60 polls in the second with a client; none before or after it.
    EXPECT_GT(polls, 20) << log;
    EXPECT_LT(polls, 120) << log;
}

TEST(VncService, PasswordIsRequiredWhenConfigured) {
    char path[] = "/tmp/fbexport-test-password-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "s3cret\n", 7), 7);
    ::close(fd);
    Service service({"--demo-size", "320x200", "--demo-stop-at", "0", "--vnc-password-file", path});
    {
        auto good = VncTestClient::connect(service.port, nullptr, std::string("s3cret"));
        ASSERT_TRUE(good) << service.process->log();
        EXPECT_TRUE(good->pump_until_quiet(300ms, 5s));
        EXPECT_EQ(good->width(), 320);
    }
    auto bad = VncTestClient::connect(service.port, nullptr, std::string("wrong"));
    EXPECT_FALSE(bad) << "a wrong password was accepted";
    EXPECT_EQ(service.process->log().find("s3cret"), std::string::npos)
        << "the password leaked into the log";
    ::unlink(path);
}

TEST(VncService, RefusesToListenOffLoopbackWithoutPassword) {
    ChildProcess p(
        {program("fbexportd"), "--vnc", "0.0.0.0:" + std::to_string(free_loopback_port())});
    EXPECT_EQ(p.wait_exit(10s), 1);
    EXPECT_NE(p.log().find("without a password"), std::string::npos) << p.log();
}

TEST(VncService, ReportsAPortInUse) {
    Service first({"--demo-size", "320x200"});
    ChildProcess second({program("fbexportd"), "--demo-size", "320x200", "--vnc",
                         "127.0.0.1:" + std::to_string(first.port)});
    EXPECT_EQ(second.wait_exit(10s), 1);
    EXPECT_NE(second.log().find("cannot listen for VNC on 127.0.0.1:" + std::to_string(first.port)),
              std::string::npos)
        << second.log();
}

// A vGPU that is not there (no mdev on a build machine) is waited for, and
// the log says so: a service started before its vGPU is not an error (the
// placeholder its viewers see is checked in served_displays_test).
TEST(VncService, AMissingVgpuIsWaitedFor) {
    const std::string uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
    ChildProcess p({program("fbexportd"), "--source", "vgpu:" + uuid, "--vnc",
                    "127.0.0.1:" + std::to_string(free_loopback_port())});
    ASSERT_TRUE(p.wait_for_log("ready", 10s)) << p.log();
    EXPECT_NE(p.log().find("waiting for vGPU " + uuid), std::string::npos) << p.log();
    EXPECT_EQ(p.stop(SIGTERM), 0) << p.log();
}

TEST(VncService, HelpExplainsTheVgpuSource) {
    ChildProcess p({program("fbexportd"), "--help"});
    EXPECT_EQ(p.wait_exit(10s), 0);
    for (const char* text : {"vgpu:UUID", "/dev/vgpu/UUID", "--source vgpu:", "mdevctl"}) {
        EXPECT_NE(p.log().find(text), std::string::npos) << text << " missing from --help";
    }
}

TEST(VncService, BadCommandLinesExitWithUsageErrors) {
    const std::vector<std::vector<std::string>> bad = {
        {"--vnc", "nonsense"},
        {"--demo-format", "YUYV"},
        {"--demo-size", "0x10"},
        {"--log-level", "loud"},
        {"--source", "nowhere"},
        {"--source", "vgpu:1234"},
        {"--no-such-option"},
        {"--vnc-password-file", "/nonexistent/pw"},
        {"stray"},
    };
    for (const auto& args : bad) {
        std::vector<std::string> argv{program("fbexportd")};
        argv.insert(argv.end(), args.begin(), args.end());
        ChildProcess p(argv);
        EXPECT_EQ(p.wait_exit(10s), 2) << args[0] << ": " << p.log();
        EXPECT_NE(p.log().find("fbexportd: "), std::string::npos) << p.log();
    }
}

TEST(VncService, StopsCleanlyWithClientsConnected) {
    Service service({"--demo-size", "320x200"});
    auto a = VncTestClient::connect(service.port);
    auto b = VncTestClient::connect(service.port);
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(a->pump(300ms));
    EXPECT_EQ(service.process->stop(SIGINT), 0) << service.process->log();
    EXPECT_NE(service.process->log().find("stopping on"), std::string::npos);
}

}  // namespace
}  // namespace fbx::test
