// One RTSP server for the displays that share an address, a mount each:
// the demo at /desktop and a vGPU at /vgpu/<uuid>. The vGPU here does not
// exist, so its stream carries the picture that says so: streams run on
// through a vGPU's absence. rtspsrc plays both; what it decodes is compared
// with each display's own picture. A configuration applied without one of
// the displays closes its mount's client and leaves the other mount served.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "expected_frame.hpp"
#include "fbexport/placeholder_source.hpp"
#include "gst_test_support.hpp"
#include "loop_thread.hpp"
#include "served_displays.hpp"
#include "service_process.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* absent_uuid = "7d444840-9dc0-11d1-b245-5ffdce74fad2";

// An RTSP client playing `url` into an appsink, interleaved over its TCP
// connection (a server that closes it ends the stream at once).
PipelinePtr play(const std::string& url, std::string& errors) {
    PipelinePtr client = launch("rtspsrc location=" + url +
                                    " latency=0 protocols=tcp ! decodebin ! videoconvert ! "
                                    "video/x-raw,format=BGRx ! appsink name=sink sync=false",
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

}  // namespace
}  // namespace fbx::test
