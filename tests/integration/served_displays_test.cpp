// Several displays in one fbexportd: two demo desktops at once through real
// RFB clients; ServedDisplays::apply() keeping an unchanged display and its
// client while others stop and start; an absent vGPU served as a picture
// that says so; the inotify watch that tells when a vGPU's device comes.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "command_line.hpp"
#include "display_command_line.hpp"
#include "expected_frame.hpp"
#include "fbexport/placeholder_source.hpp"
#include "fbexport/vgpu_device_watch.hpp"
#include "loop_thread.hpp"
#include "served_displays.hpp"
#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* absent_uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";

int mismatches(const VncTestClient& client, const std::vector<std::uint32_t>& expected) {
    int bad = 0;
    for (int y = 0; y < client.height(); ++y) {
        for (int x = 0; x < client.width(); ++x) {
            const std::uint32_t want = expected[std::size_t(y) * client.width() + x] & 0xffffff;
            if (client.pixel(x, y) != want && ++bad <= 5) {
                ADD_FAILURE() << "pixel " << x << "," << y << ": got " << std::hex
                              << client.pixel(x, y) << " want " << want;
            }
        }
    }
    return bad;
}

DisplayConfig demo_on(std::uint16_t port) {
    DisplayConfig d;
    d.vnc.address = {"127.0.0.1", port, false};
    return d;
}

DisplaySettings small_demo() {
    DisplaySettings settings;
    settings.demo.width = 320;
    settings.demo.height = 200;
    return settings;
}

TEST(ServedDisplaysProcess, TwoDemoDisplaysAtOnceEachOnItsOwnPort) {
    const std::uint16_t a = free_loopback_port();
    const std::uint16_t b = free_loopback_port();
    ChildProcess service({program("fbexportd"), "--source", "demo", "--vnc",
                          "127.0.0.1:" + std::to_string(a), "--source", "demo", "--vnc",
                          "127.0.0.1:" + std::to_string(b), "--demo-size", "320x200",
                          "--demo-stop-at", "300", "--convert", "cpu"});
    ASSERT_TRUE(service.wait_for_log("ready", 10s)) << service.log();
    auto first = VncTestClient::connect(a);
    auto second = VncTestClient::connect(b);
    ASSERT_TRUE(first && second) << service.log();
    ASSERT_TRUE(first->pump(400ms) && second->pump(400ms));
    ASSERT_TRUE(first->pump_until_quiet(300ms, 10s) && second->pump_until_quiet(300ms, 10s));
    const auto expected = render_scene(320, 200, 300);
    for (const VncTestClient* client : {&*first, &*second}) {
        ASSERT_EQ(client->width(), 320);
        ASSERT_EQ(client->height(), 200);
        EXPECT_EQ(mismatches(*client, expected), 0);
        EXPECT_EQ(client->desktop_name(), "fbexport demo");
    }
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
}

TEST(ServedDisplaysProcess, AnAbsentVgpuIsWaitedForAndShownAsAPictureThatSaysSo) {
    const std::uint16_t port = free_loopback_port();
    ChildProcess service({program("fbexportd"), "--source", std::string("vgpu:") + absent_uuid,
                          "--vnc", "127.0.0.1:" + std::to_string(port), "--convert", "cpu"});
    ASSERT_TRUE(service.wait_for_log("ready", 10s)) << service.log();
    EXPECT_NE(service.log().find(std::string("waiting for vGPU ") + absent_uuid), std::string::npos)
        << service.log();
    auto client = VncTestClient::connect(port);
    ASSERT_TRUE(client) << service.log();
    ASSERT_TRUE(client->pump_until_quiet(300ms, 10s));
    EXPECT_EQ(client->desktop_name(), std::string("fbexport vGPU ") + absent_uuid + " (absent)");
    ASSERT_EQ(client->width(), 1024);
    ASSERT_EQ(client->height(), 768);
    EXPECT_EQ(
        mismatches(*client, PlaceholderSource::render(1024, 768, {"VGPU", absent_uuid, "ABSENT"})),
        0);
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
}

TEST(ServedDisplaysApply, KeepsAnUnchangedDisplayAndItsClientWhileOthersStopAndStart) {
    LoopThread thread;
    const std::uint16_t kept = free_loopback_port();
    const std::uint16_t dropped = free_loopback_port();
    const std::uint16_t added = free_loopback_port();
    OnLoop<ServedDisplays> served(
        thread, [&] { return std::make_unique<ServedDisplays>(thread.loop(), small_demo()); });

    ServiceConfig before;
    before.convert = ConvertMode::cpu;
    before.displays = {demo_on(kept), demo_on(dropped)};
    thread.run([&] { served->apply(before); });
    auto stays = VncTestClient::connect(kept);
    auto goes = VncTestClient::connect(dropped);
    ASSERT_TRUE(stays && goes);
    ASSERT_TRUE(stays->pump(300ms));
    const DisplayService* kept_service =
        thread.run([&] { return &served->displays()[0]->service(); });

    ServiceConfig after = before;
    after.displays = {demo_on(kept), demo_on(added)};
    thread.run([&] { served->apply(after); });
    EXPECT_EQ(thread.run([&] { return served->displays().size(); }), 2u);
    EXPECT_EQ(thread.run([&] { return &served->displays()[0]->service(); }), kept_service)
        << "the unchanged display was restarted";

    // The kept client is still served (the demo moves: updates keep
    // coming); the other was disconnected, and its port is closed.
    const auto updates = stays->updates();
    EXPECT_TRUE(stays->pump(500ms));
    EXPECT_GT(stays->updates(), updates);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    bool connected = true;
    while (connected && std::chrono::steady_clock::now() < deadline) {
        connected = goes->pump(50ms);
    }
    EXPECT_FALSE(connected) << "the removed display's client is still connected";
    EXPECT_FALSE(VncTestClient::connect(dropped)) << "the removed display still listens";
    auto fresh = VncTestClient::connect(added);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(fresh->width(), 320);

    // A changed display (another port) is a new one; the same config again
    // changes nothing.
    thread.run([&] { served->apply(after); });
    EXPECT_EQ(thread.run([&] { return &served->displays()[0]->service(); }), kept_service);
    EXPECT_TRUE(fresh->pump(200ms)) << "re-applying the same configuration dropped a client";
}

TEST(ServedDisplaysApply, ReportsADisplayThatCannotStartAndServesTheRest) {
    LoopThread thread;
    const std::uint16_t good = free_loopback_port();
    OnLoop<ServedDisplays> served(
        thread, [&] { return std::make_unique<ServedDisplays>(thread.loop(), small_demo()); });
    ServiceConfig config;
    config.convert = ConvertMode::cpu;
    config.displays = {demo_on(good), demo_on(good)};  // the second cannot bind
    EXPECT_THROW(thread.run([&] { served->apply(config); }), Error);
    EXPECT_EQ(thread.run([&] { return served->displays().size(); }), 1u);
    EXPECT_TRUE(VncTestClient::connect(good));
}

// A display of `kind` whose device does not exist: served at once on its
// port, its viewer shown the placeholder naming it `label` (VGPU, MDEV).
void expect_absent_display_shows_its_placeholder(cli::SourceSpec::Kind kind,
                                                 const std::string& label) {
    LoopThread thread;
    const std::uint16_t port = free_loopback_port();
    OnLoop<ServedDisplays> served(
        thread, [&] { return std::make_unique<ServedDisplays>(thread.loop(), small_demo()); });
    ServiceConfig config;
    config.convert = ConvertMode::cpu;
    DisplayConfig display = demo_on(port);
    display.source = {kind, absent_uuid};
    config.displays = {display};
    thread.run([&] { served->apply(config); });
    EXPECT_FALSE(thread.run([&] { return served->displays()[0]->present(); }));
    auto client = VncTestClient::connect(port);
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->pump_until_quiet(200ms, 10s));
    EXPECT_EQ(
        mismatches(*client, PlaceholderSource::render(1024, 768, {label, absent_uuid, "ABSENT"})),
        0);
}

TEST(ServedDisplaysApply, AnAbsentVgpuDisplayShowsThePlaceholderAndKeepsItsPort) {
    expect_absent_display_shows_its_placeholder(cli::SourceSpec::Kind::vgpu, "VGPU");
}

// A source replaced by one of another size (a vGPU coming back in another
// mode, or going away) resizes the viewers' desktop: the connected viewer
// gets the new picture, and the loop goes on.
TEST(DisplayServiceReplace, ANewSourceOfAnotherSizeReachesAConnectedViewer) {
    LoopThread thread;
    const std::uint16_t port = free_loopback_port();
    VncOptions vnc;
    vnc.address = {"127.0.0.1", port, false};
    OnLoop<DisplayService> service(thread, [&] {
        return std::make_unique<DisplayService>(
            thread.loop(),
            std::make_unique<PlaceholderSource>(1024, 768, std::vector<std::string>{"A"}),
            make_converter(ConvertMode::cpu), vnc);
    });
    auto client = VncTestClient::connect(port);
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->pump_until_quiet(200ms, 10s));
    for (const auto& [w, h, text] :
         {std::tuple{640u, 400u, "B"}, std::tuple{1024u, 768u, "C"}, std::tuple{320u, 200u, "D"}}) {
        std::promise<void> replaced;
        auto done = replaced.get_future();
        thread.loop().post([&, w = w, h = h, text = text] {
            service->replace_source(
                std::make_unique<PlaceholderSource>(w, h, std::vector<std::string>{text}));
            replaced.set_value();
        });
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (done.wait_for(0s) != std::future_status::ready &&
               std::chrono::steady_clock::now() < deadline) {
            ASSERT_TRUE(client->pump(20ms));
        }
        ASSERT_EQ(done.wait_for(0s), std::future_status::ready)
            << "the loop hangs replacing the source with a " << w << "x" << h << " one";
        ASSERT_TRUE(client->pump_until_quiet(200ms, 10s));
        EXPECT_EQ(client->width(), int(w));
        EXPECT_EQ(mismatches(*client, PlaceholderSource::render(w, h, {text})), 0);
    }
    // Mode changes while the viewer is still receiving the last picture.
    std::atomic<int> replaced{0};
    for (int i = 0; i < 20; ++i) {
        thread.loop().post([&, i] {
            const std::uint32_t w = i % 2 ? 1024 : 640;
            service->replace_source(std::make_unique<PlaceholderSource>(
                w, w * 3 / 4, std::vector<std::string>{std::to_string(i)}));
            ++replaced;
        });
        ASSERT_TRUE(client->pump(5ms));
    }
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (replaced < 20 && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(client->pump(20ms));
    }
    ASSERT_EQ(replaced, 20) << "the loop hangs on mode changes during updates";
    ASSERT_TRUE(client->pump_until_quiet(200ms, 10s));
    EXPECT_EQ(mismatches(*client, PlaceholderSource::render(1024, 768, {"19"})), 0);
}

// An upstream-style mdev (vfio:) has no /dev/vgpu node to watch: it is
// waited for all the same, its placeholder naming it an mdev.
TEST(ServedDisplaysApply, AnAbsentVfioMdevIsWaitedForToo) {
    expect_absent_display_shows_its_placeholder(cli::SourceSpec::Kind::vfio, "MDEV");
}

TEST(DisplayCommandLine, OutputOptionsBelongToTheSourceBeforeThem) {
    cli::DisplayCommandLine cl;
    const auto id = [](const char* name) {
        for (const option& o : cli::DisplayCommandLine::options()) {
            if (std::string_view(o.name) == name) {
                return o.val;
            }
        }
        throw std::logic_error(name);
    };
    // --vnc before any --source is the first display's; a display without
    // --vnc gets the port after the one before it.
    cl.take(id("vnc"), "127.0.0.1:6001");
    cl.take(id("source"), "demo");
    cl.take(id("source"), (std::string("vgpu:") + absent_uuid).c_str());
    cl.take(id("source"), "demo");
    cl.take(id("vnc"), "127.0.0.1:6010");
    const ServiceConfig config = cl.config(ConvertMode::cpu);
    ASSERT_EQ(config.displays.size(), 3u);
    EXPECT_EQ(config.displays[0].vnc.address.port, 6001);
    EXPECT_EQ(config.displays[1].vnc.address.port, 6002);
    EXPECT_EQ(config.displays[1].source.uuid, absent_uuid);
    EXPECT_EQ(config.displays[2].vnc.address.port, 6010);
    EXPECT_FALSE(config.all_vgpus);

    cli::DisplayCommandLine clash;
    clash.take(id("source"), "demo");
    clash.take(id("vnc"), "127.0.0.1:6001");
    clash.take(id("source"), "demo");
    clash.take(id("vnc"), "127.0.0.1:6001");
    EXPECT_THROW(clash.config(ConvertMode::cpu), cli::UsageError);

    cli::DisplayCommandLine all;
    all.take(id("all-vgpus"), "127.0.0.1:6100");
    all.take(id("rtsp"), "127.0.0.1:8554");
    const ServiceConfig every = all.config(ConvertMode::cpu);
    EXPECT_TRUE(every.displays.empty());
    ASSERT_TRUE(every.all_vgpus);
    EXPECT_EQ(every.all_vgpus->vnc_base.port, 6100);
    ASSERT_TRUE(every.all_vgpus->rtsp);
    EXPECT_EQ(every.all_vgpus->rtsp->port, 8554);

    cli::DisplayCommandLine stray;
    stray.take(id("all-vgpus"), nullptr);
    stray.take(id("vnc"), "127.0.0.1:6001");
    EXPECT_THROW(stray.config(ConvertMode::cpu), cli::UsageError);
}

// The watch on a directory that, like /dev/vgpu under devtmpfs, comes with
// its first device and goes with its last.
TEST(VgpuDeviceWatch, ReportsDevicesComingAndGoingAsTheDirectoryComesAndGoes) {
    const std::filesystem::path root =
        std::filesystem::temp_directory_path() / ("vgpu-watch-" + std::to_string(::getpid()));
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
    const std::filesystem::path dir = root / "vgpu";
    LoopThread thread;
    std::mutex mutex;
    std::vector<std::string> seen;
    OnLoop<VgpuDeviceWatch> watch(thread, [&] {
        return std::make_unique<VgpuDeviceWatch>(
            thread.loop(),
            [&](const std::string& uuid) {
                std::lock_guard lock(mutex);
                seen.push_back(uuid);
            },
            dir.string());
    });
    auto wait_for = [&](std::size_t count) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline) {
            {
                std::lock_guard lock(mutex);
                if (seen.size() >= count) {
                    return true;
                }
            }
            std::this_thread::sleep_for(10ms);
        }
        return false;
    };
    const std::string other = "11111111-2222-3333-4444-555555555555";
    std::filesystem::create_directory(dir);
    std::ofstream(dir / absent_uuid).put('x');
    std::ofstream(dir / "not-a-uuid").put('x');
    ASSERT_TRUE(wait_for(1));
    EXPECT_EQ(thread.run([&] { return watch->present(); }), std::vector<std::string>{absent_uuid});
    std::filesystem::remove_all(dir);  // the last device goes, and its directory
    ASSERT_TRUE(wait_for(2));
    EXPECT_TRUE(thread.run([&] { return watch->present(); }).empty());
    std::filesystem::create_directory(dir);
    std::ofstream(dir / other).put('x');
    ASSERT_TRUE(wait_for(3));
    std::this_thread::sleep_for(100ms);
    {
        std::lock_guard lock(mutex);
        EXPECT_EQ(std::count(seen.begin(), seen.end(), "not-a-uuid"), 0);
        EXPECT_EQ(seen.front(), absent_uuid);
        EXPECT_EQ(seen.back(), other);
    }
    watch.reset();
    std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace fbx::test
