// One RTSP server for the displays that share an address, a mount each:
// the demo at /desktop and a vGPU at /vgpu/<uuid>. The vGPU here does not
// exist, so its stream carries the picture that says so: streams run on
// through a vGPU's absence. rtspsrc plays both; what it decodes is compared
// with each display's own picture.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "expected_frame.hpp"
#include "fbexport/placeholder_source.hpp"
#include "gst_test_support.hpp"
#include "service_process.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* absent_uuid = "7d444840-9dc0-11d1-b245-5ffdce74fad2";

// The first decoded picture of `url`, or an empty one after 20 s.
Picture first_picture(const std::string& url, std::string& errors) {
    PipelinePtr client = launch("rtspsrc location=" + url +
                                    " latency=0 ! decodebin ! videoconvert ! "
                                    "video/x-raw,format=BGRx ! appsink name=sink sync=false",
                                &errors);
    if (!client) {
        return {};
    }
    gst_element_set_state(client.get(), GST_STATE_PLAYING);
    ElementPtr sink = by_name(client.get(), "sink");
    SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 20 * GST_SECOND)};
    Picture picture = sample ? picture_of(sample.get()) : Picture{};
    gst_element_set_state(client.get(), GST_STATE_NULL);
    return picture;
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

}  // namespace
}  // namespace fbx::test
