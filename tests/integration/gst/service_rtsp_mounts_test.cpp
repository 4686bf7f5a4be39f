// One RTSP server for the displays that share an address, a mount each:
// the demo at /desktop and a vGPU at /vgpu/<uuid>. The vGPU here does not
// exist, so its stream carries the picture that says so: streams run on
// through a vGPU's absence. rtspsrc plays both; what it decodes is compared
// with each display's own picture. A configuration applied without one of
// the displays closes its mount's client and leaves the other mount served.
// Several demos on one address get /desktop, /desktop-2, ... or the
// --rtsp-path given, all played at once; two asking for one mount are
// refused before anything listens.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "expected_frame.hpp"
#include "fbexport/placeholder_source.hpp"
#include "gst_test_support.hpp"
#include "loop_thread.hpp"
#include "rtsp_mount_plan.hpp"
#include "served_displays.hpp"
#include "service_process.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* absent_uuid = "7d444840-9dc0-11d1-b245-5ffdce74fad2";

// An RTSP client playing `url` into an appsink, interleaved over its TCP
// connection (a server that closes it ends the stream at once: the sink
// posts its end of stream without waiting for the samples no one pulled).
PipelinePtr play(const std::string& url, std::string& errors) {
    PipelinePtr client =
        launch("rtspsrc location=" + url +
                   " latency=0 protocols=tcp ! decodebin ! videoconvert ! "
                   "video/x-raw,format=BGRx ! appsink name=sink sync=false wait-on-eos=false",
               &errors);
    if (client) {
        gst_element_set_state(client.get(), GST_STATE_PLAYING);
    }
    return client;
}

// The next decoded picture, or an empty one on an error or after 20 s.
Picture next_picture(GstElement* client) {
    ElementPtr sink = by_name(client, "sink");
    BusPtr bus(gst_element_get_bus(client));
    for (int wait = 0; wait < 200; ++wait) {
        SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 100 * GST_MSECOND)};
        if (sample) {
            return picture_of(sample.get());
        }
        if (MessagePtr error{gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)}) {
            return {};
        }
    }
    return {};
}

// The first decoded picture of `url`, or an empty one after 20 s.
Picture first_picture(const std::string& url, std::string& errors) {
    PipelinePtr client = play(url, errors);
    if (!client) {
        return {};
    }
    Picture picture = next_picture(client.get());
    gst_element_set_state(client.get(), GST_STATE_NULL);
    return picture;
}

// Whether the client's pipeline ended (end of stream or an error: the
// server closed it) within `timeout`.
bool ended(GstElement* client, GstClockTime timeout) {
    BusPtr bus(gst_element_get_bus(client));
    MessagePtr m{gst_bus_timed_pop_filtered(bus.get(), timeout,
                                            GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR))};
    return m != nullptr;
}

TEST(ServiceRtspMounts, DisplaysOnOneAddressShareTheServerWithAMountEach) {
    use_build_tree_plugin();
    gst_init(nullptr, nullptr);
    const std::uint16_t rtsp = free_loopback_port();
    const std::string address = "127.0.0.1:" + std::to_string(rtsp);
    ChildProcess service({program("fbexportd"), "--source", "demo", "--vnc",
                          "127.0.0.1:" + std::to_string(free_loopback_port()), "--rtsp", address,
                          "--source", std::string("vgpu:") + absent_uuid, "--vnc",
                          "127.0.0.1:" + std::to_string(free_loopback_port()), "--rtsp", address,
                          "--demo-size", "640x400", "--demo-stop-at", "500", "--convert", "cpu"});
    ASSERT_TRUE(service.wait_for_log("ready", 20s)) << service.log();
    const std::string desktop = "rtsp://" + address + "/desktop";
    const std::string vgpu = "rtsp://" + address + "/vgpu/" + absent_uuid;
    EXPECT_NE(service.log().find("serving RTSP at " + desktop), std::string::npos) << service.log();
    EXPECT_NE(service.log().find("serving RTSP at " + vgpu), std::string::npos) << service.log();

    std::string errors;
    const Picture absent = first_picture(vgpu, errors);
    ASSERT_EQ(absent.width, 1024u) << errors << service.log();
    ASSERT_EQ(absent.height, 768u);
    const auto placeholder = through_420(
        PlaceholderSource::render(1024, 768, {"VGPU", absent_uuid, "ABSENT"}), 1024, 768);
    EXPECT_GE(psnr(placeholder, absent), 35.0);

    std::this_thread::sleep_for(600ms);  // the demo stands still from 500 ms on
    const Picture demo = first_picture(desktop, errors);
    ASSERT_EQ(demo.width, 640u) << errors << service.log();
    EXPECT_GE(psnr(through_420(render_scene_with_cursor(640, 400, 500), 640, 400), demo), 35.0);
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
}

// The options of a demo display with a VNC port of its own and RTSP on
// `rtsp`, at `path` if given.
std::vector<std::string> demo_display(const std::string& rtsp, const char* path = nullptr) {
    std::vector<std::string> args = {
        "--source", "demo", "--vnc", "127.0.0.1:" + std::to_string(free_loopback_port()),
        "--rtsp",   rtsp};
    if (path) {
        args.insert(args.end(), {"--rtsp-path", path});
    }
    return args;
}

std::vector<std::string> fbexportd(std::initializer_list<std::vector<std::string>> options) {
    std::vector<std::string> argv = {program("fbexportd")};
    for (const auto& some : options) {
        argv.insert(argv.end(), some.begin(), some.end());
    }
    return argv;
}

// Three demos on one address (the demo's options hold for the process, so
// they show the same picture): two at default mounts, one at its
// --rtsp-path, each played by its own client at the same time.
TEST(ServiceRtspMounts, DemosOnOneAddressPlayAtOnceAtAMountEach) {
    use_build_tree_plugin();
    gst_init(nullptr, nullptr);
    const std::string address = "127.0.0.1:" + std::to_string(free_loopback_port());
    ChildProcess service(
        fbexportd({demo_display(address),
                   demo_display(address),
                   demo_display(address, "/office/left"),
                   {"--demo-size", "480x272", "--demo-stop-at", "300", "--convert", "cpu"}}));
    ASSERT_TRUE(service.wait_for_log("ready", 20s)) << service.log();
    const std::string base = "rtsp://" + address;
    const std::vector<std::string> urls = {base + "/desktop", base + "/desktop-2",
                                           base + "/office/left"};
    for (const std::string& url : urls) {
        EXPECT_NE(service.log().find("serving RTSP at " + url + "\n"), std::string::npos)
            << url << "\n"
            << service.log();
    }

    std::this_thread::sleep_for(400ms);  // the demo stands still from 300 ms on
    const auto expected = through_420(render_scene_with_cursor(480, 272, 300), 480, 272);
    std::string errors;
    std::vector<PipelinePtr> clients;
    for (const std::string& url : urls) {
        clients.push_back(play(url, errors));
        ASSERT_TRUE(clients.back()) << errors;
    }
    for (std::size_t i = 0; i < urls.size(); ++i) {
        const Picture picture = next_picture(clients[i].get());
        EXPECT_EQ(picture.width, 480u) << urls[i] << errors << service.log();
        EXPECT_EQ(picture.height, 272u) << urls[i];
        if (picture.width == 480 && picture.height == 272) {
            EXPECT_GE(psnr(expected, picture), 35.0) << urls[i];
        }
    }
    for (PipelinePtr& client : clients) {
        gst_element_set_state(client.get(), GST_STATE_NULL);
    }
    EXPECT_EQ(first_picture(base + "/desktop-3", errors).width, 0u) << "no such display";
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
}

TEST(ServiceRtspMounts, TwoDisplaysAskingForOneMountAreRefusedBeforeServing) {
    const std::string address = "127.0.0.1:" + std::to_string(free_loopback_port());
    const std::vector<std::string> two =
        fbexportd({demo_display(address, "/same"), demo_display(address, "/same")});
    std::vector<std::string> check = two;
    check.push_back("--check-config");
    ChildProcess checked(check);
    EXPECT_EQ(checked.wait_exit(10s), 2) << checked.log();
    EXPECT_NE(checked.log().find("two displays want RTSP mount /same on " + address),
              std::string::npos)
        << checked.log();
    ChildProcess started(two);
    EXPECT_EQ(started.wait_exit(10s), 2) << started.log();
    EXPECT_EQ(started.log().find("ready"), std::string::npos) << started.log();
}

// A reload that drops a display removes its mount from the shared server:
// its RTSP client is closed, the other display's mount goes on serving.
TEST(ServiceRtspMounts, ApplyWithoutADisplayClosesItsMountAndKeepsTheOthers) {
    use_build_tree_plugin();
    gst_init(nullptr, nullptr);
    const ListenAddress rtsp{"127.0.0.1", free_loopback_port(), false};
    DisplayConfig demo;
    demo.vnc.address = {"127.0.0.1", free_loopback_port(), false};
    demo.streams.rtsp = rtsp;
    DisplayConfig vgpu = demo;
    vgpu.vnc.address.port = free_loopback_port();
    vgpu.source = {cli::SourceSpec::Kind::vgpu, absent_uuid};
    ServiceConfig both;
    both.convert = ConvertMode::cpu;
    both.displays = {demo, vgpu};
    ServiceConfig demo_only = both;
    demo_only.displays = {demo};

    LoopThread thread;
    DisplaySettings settings;
    settings.demo.width = 320;
    settings.demo.height = 200;
    OnLoop<ServedDisplays> served(
        thread, [&] { return std::make_unique<ServedDisplays>(thread.loop(), settings); });
    thread.run([&] { served->apply(both); });

    const std::string base = "rtsp://" + rtsp.to_string();
    std::string errors;
    PipelinePtr playing = play(base + "/vgpu/" + absent_uuid, errors);
    ASSERT_TRUE(playing) << errors;
    ASSERT_EQ(next_picture(playing.get()).width, 1024u) << errors;

    thread.run([&] { served->apply(demo_only); });
    EXPECT_TRUE(ended(playing.get(), 10 * GST_SECOND)) << "the removed mount's client still plays";
    gst_element_set_state(playing.get(), GST_STATE_NULL);
    EXPECT_EQ(first_picture(base + "/desktop", errors).width, 320u) << errors;
    EXPECT_EQ(first_picture(base + "/vgpu/" + absent_uuid, errors).width, 0u)
        << "the removed mount still serves";
}

// The second demo's default mount is /desktop-2 while a demo comes before
// it; when that one goes, it moves to /desktop: its display restarts there
// (its client at /desktop-2 is closed) and /desktop-2 is served no more.
TEST(ServiceRtspMounts, ApplyMovesADemosDefaultMountWhenTheDemoBeforeItGoes) {
    use_build_tree_plugin();
    gst_init(nullptr, nullptr);
    const ListenAddress rtsp{"127.0.0.1", free_loopback_port(), false};
    DisplayConfig first;
    first.vnc.address = {"127.0.0.1", free_loopback_port(), false};
    first.streams.rtsp = rtsp;
    DisplayConfig second = first;
    second.vnc.address.port = free_loopback_port();
    // Keeps the server: the mount moves on the same one.
    DisplayConfig kept = first;
    kept.vnc.address.port = free_loopback_port();
    kept.rtsp_path = "/kept";
    ServiceConfig both;
    both.convert = ConvertMode::cpu;
    both.displays = {first, second, kept};
    ServiceConfig second_only = both;
    second_only.displays = {second, kept};

    LoopThread thread;
    DisplaySettings settings;
    settings.demo.width = 320;
    settings.demo.height = 200;
    OnLoop<ServedDisplays> served(
        thread, [&] { return std::make_unique<ServedDisplays>(thread.loop(), settings); });
    thread.run([&] { served->apply(both); });

    const std::string base = "rtsp://" + rtsp.to_string();
    std::string errors;
    PipelinePtr playing = play(base + "/desktop-2", errors);
    ASSERT_TRUE(playing) << errors;
    ASSERT_EQ(next_picture(playing.get()).width, 320u) << errors;

    thread.run([&] { served->apply(second_only); });
    EXPECT_TRUE(ended(playing.get(), 10 * GST_SECOND)) << "the moved mount's client still plays";
    gst_element_set_state(playing.get(), GST_STATE_NULL);
    EXPECT_EQ(first_picture(base + "/desktop", errors).width, 320u) << errors;
    EXPECT_EQ(first_picture(base + "/desktop-2", errors).width, 0u) << "the old mount still serves";
    thread.run([&] {
        ASSERT_EQ(served->displays().size(), 2u);
        EXPECT_EQ(served->displays()[0]->config().vnc.address, second.vnc.address);
    });

    // A configuration where two want one mount changes nothing.
    ServiceConfig clash = both;
    clash.displays[0].rtsp_path = "/desktop";
    thread.run([&] { EXPECT_THROW(served->apply(clash), RtspMountError); });
    thread.run([&] { EXPECT_EQ(served->displays().size(), 2u); });
}

}  // namespace
}  // namespace fbx::test
