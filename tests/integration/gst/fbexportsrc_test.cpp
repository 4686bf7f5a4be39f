// fbexportsrc from the build tree (GST_PLUGIN_PATH, set by CTest), through
// GStreamer's own tools and API: encoded, decoded back, and compared with the
// demo's reference picture.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "expected_frame.hpp"
#include "gst_test_support.hpp"

namespace fbx::test {
namespace {

namespace fs = std::filesystem;

class FbexportSrcTest : public testing::Test {
protected:
    static void SetUpTestSuite() {
        use_build_tree_plugin();
        gst_init(nullptr, nullptr);
    }

    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("fbexportsrc_test." + std::to_string(getpid()) + "." +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path dir_;
};

TEST_F(FbexportSrcTest, InspectListsTheProperties) {
    const CommandResult inspect = run_command("gst-inspect-1.0 fbexportsrc");
    ASSERT_EQ(inspect.status, 0) << inspect.output;
    for (const char* property : {"source", "device", "demo-size", "demo-format", "demo-modifier",
                                 "demo-stop-at", "cursor", "max-framerate", "idle-framerate"}) {
        EXPECT_NE(inspect.output.find(std::string("  ") + property + " "), std::string::npos)
            << property << " missing from:\n"
            << inspect.output;
    }
    EXPECT_NE(inspect.output.find("format: BGRx"), std::string::npos) << inspect.output;
}

// A still demo recorded to H.264 in Matroska, decoded back with the API: every
// frame is the reference picture of time 0, within what the encoder loses.
// 4:4:4 because the demo's coloured text and edges are sharper than 4:2:0
// chroma can hold: even lossless I420 stays near 31 dB against the RGB
// reference, which would measure the subsampling, not the source.
TEST_F(FbexportSrcTest, RecordingDecodesToTheDemoPicture) {
    constexpr std::uint32_t width = 640;
    constexpr std::uint32_t height = 400;
    const fs::path file = dir_ / "still.mkv";
    const CommandResult record = run_command(
        "gst-launch-1.0 -e fbexportsrc source=demo demo-size=640x400 demo-stop-at=0 cursor=false "
        "idle-framerate=30/1 num-buffers=10 ! videoconvert ! video/x-raw,format=Y444 ! "
        "x264enc tune=zerolatency speed-preset=ultrafast ! h264parse ! matroskamux ! "
        "filesink location=" +
        file.string());
    ASSERT_EQ(record.status, 0) << record.output;

    EXPECT_TRUE(is_video(discover(file.string()), width, height, "30/1"));

    std::string error;
    PipelinePtr decode = launch("filesrc location=" + file.string() +
                                    " ! matroskademux ! h264parse ! avdec_h264 ! videoconvert ! "
                                    "video/x-raw,format=BGRx ! appsink name=sink sync=false",
                                &error);
    ASSERT_TRUE(decode) << error;
    ElementPtr sink = by_name(decode.get(), "sink");
    ASSERT_NE(gst_element_set_state(decode.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);

    const std::vector<std::uint32_t> expected = render_scene(width, height, 0);
    int frames = 0;
    while (
        SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 10 * GST_SECOND)}) {
        GstVideoInfo info;
        ASSERT_TRUE(gst_video_info_from_caps(&info, gst_sample_get_caps(sample.get())));
        ASSERT_EQ(GST_VIDEO_INFO_WIDTH(&info), gint(width));
        ASSERT_EQ(GST_VIDEO_INFO_HEIGHT(&info), gint(height));
        GstMapInfo map;
        ASSERT_TRUE(gst_buffer_map(gst_sample_get_buffer(sample.get()), &map, GST_MAP_READ));
        const double db =
            psnr(expected, map.data, GST_VIDEO_INFO_PLANE_STRIDE(&info, 0), width, height);
        gst_buffer_unmap(gst_sample_get_buffer(sample.get()), &map);
        EXPECT_GE(db, 35.0) << "frame " << frames;
        RecordProperty("psnr_frame_" + std::to_string(frames), std::to_string(db));
        ++frames;
    }
    EXPECT_EQ(frames, 10);
}

// Pulls `count` buffers' timestamps from "<source> ! appsink name=sink".
std::vector<GstClockTime> timestamps(const std::string& source, int count) {
    std::string error;
    PipelinePtr pipeline = launch(source + " ! appsink name=sink", &error);
    EXPECT_TRUE(pipeline) << error;
    std::vector<GstClockTime> pts;
    if (!pipeline) {
        return pts;
    }
    ElementPtr sink = by_name(pipeline.get(), "sink");
    EXPECT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    for (int i = 0; i < count; ++i) {
        SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 5 * GST_SECOND)};
        if (!sample) {
            ADD_FAILURE() << "no buffer " << i << " from " << source;
            break;
        }
        pts.push_back(GST_BUFFER_PTS(gst_sample_get_buffer(sample.get())));
    }
    return pts;
}

TEST_F(FbexportSrcTest, StillDemoRepeatsAtTheIdleRate) {
    const auto pts = timestamps(
        "fbexportsrc demo-size=320x200 demo-stop-at=0 idle-framerate=10/1 num-buffers=5", 5);
    ASSERT_EQ(pts.size(), 5u);
    for (std::size_t i = 1; i < pts.size(); ++i) {
        ASSERT_TRUE(GST_CLOCK_TIME_IS_VALID(pts[i]));
        // 100 ms apart, give or take one 33 ms poll.
        EXPECT_GE(pts[i] - pts[i - 1], 90 * GST_MSECOND) << i;
        EXPECT_LE(pts[i] - pts[i - 1], 150 * GST_MSECOND) << i;
    }
}

TEST_F(FbexportSrcTest, AnimationIsCappedAtMaxFramerate) {
    const auto pts =
        timestamps("fbexportsrc demo-size=320x200 max-framerate=10/1 num-buffers=6", 6);
    ASSERT_EQ(pts.size(), 6u);
    for (std::size_t i = 1; i < pts.size(); ++i) {
        EXPECT_GE(pts[i] - pts[i - 1], 95 * GST_MSECOND) << i;
    }
    // The demo moves all the time: a frame each poll, not only at the idle rate.
    EXPECT_LE(pts.back() - pts.front(), 5 * 150 * GST_MSECOND);
}

TEST_F(FbexportSrcTest, PausedPipelineGetsNoBuffersAndLatencyIsOneFrame) {
    std::string error;
    PipelinePtr pipeline =
        launch("fbexportsrc name=src demo-size=320x200 ! fakesink sync=false", &error);
    ASSERT_TRUE(pipeline) << error;
    ElementPtr src = by_name(pipeline.get(), "src");
    PadPtr pad(gst_element_get_static_pad(src.get(), "src"));
    std::atomic<int> buffers{0};
    gst_pad_add_probe(
        pad.get(), GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo*, gpointer counter) {
            ++*static_cast<std::atomic<int>*>(counter);
            return GST_PAD_PROBE_OK;
        },
        &buffers, nullptr);

    auto wait_for = [&](int count) {
        for (int i = 0; i < 300 && buffers < count; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return buffers >= count;
    };
    ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    ASSERT_TRUE(wait_for(3));

    gboolean live = FALSE;
    GstClockTime min_latency = 0;
    GstClockTime max_latency = 0;
    GstQuery* query = gst_query_new_latency();
    // Asked of the source itself: a sink with sync=false reports no latency.
    const gboolean answered = gst_element_query(src.get(), query);
    gst_query_parse_latency(query, &live, &min_latency, &max_latency);
    gst_query_unref(query);
    ASSERT_TRUE(answered);
    EXPECT_TRUE(live);
    EXPECT_EQ(min_latency, gst_util_uint64_scale_int(GST_SECOND, 1, 30));

    gst_element_set_state(pipeline.get(), GST_STATE_PAUSED);
    gst_element_get_state(pipeline.get(), nullptr, nullptr, 5 * GST_SECOND);
    const int paused_at = buffers;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(buffers, paused_at) << "buffers flowed while PAUSED";

    ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    EXPECT_TRUE(wait_for(paused_at + 3)) << "no buffers after PLAYING again";
}

TEST_F(FbexportSrcTest, UnknownSourceIsAnElementError) {
    std::string error;
    PipelinePtr pipeline = launch("fbexportsrc source=no-such-thing ! fakesink", &error);
    ASSERT_TRUE(pipeline) << error;
    EXPECT_EQ(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    BusPtr bus(gst_element_get_bus(pipeline.get()));
    MessagePtr message(gst_bus_timed_pop_filtered(bus.get(), 5 * GST_SECOND, GST_MESSAGE_ERROR));
    ASSERT_TRUE(message);
    const std::string text = error_text(message.get());
    EXPECT_NE(text.find("Unknown source \"no-such-thing\""), std::string::npos) << text;
}

// device=UUID is source=vgpu:UUID; a vGPU that does not exist (none does on
// the build host) is an error naming it, before any buffer.
TEST_F(FbexportSrcTest, MissingVgpuIsAnElementErrorNamingIt) {
    const std::string uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
    for (const std::string& element :
         {"fbexportsrc device=" + uuid, "fbexportsrc source=vgpu:" + uuid}) {
        SCOPED_TRACE(element);
        std::string error;
        PipelinePtr pipeline = launch(element + " name=src ! fakesink", &error);
        ASSERT_TRUE(pipeline) << error;
        ElementPtr src = by_name(pipeline.get(), "src");
        gchar* source = nullptr;
        gchar* device = nullptr;
        g_object_get(src.get(), "source", &source, "device", &device, nullptr);
        EXPECT_STREQ(source, ("vgpu:" + uuid).c_str());
        EXPECT_STREQ(device, uuid.c_str());
        g_free(source);
        g_free(device);
        EXPECT_EQ(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
        BusPtr bus(gst_element_get_bus(pipeline.get()));
        MessagePtr message(
            gst_bus_timed_pop_filtered(bus.get(), 5 * GST_SECOND, GST_MESSAGE_ERROR));
        ASSERT_TRUE(message);
        GError* gerror = nullptr;
        gst_message_parse_error(message.get(), &gerror, nullptr);
        ASSERT_TRUE(gerror);
        EXPECT_TRUE(g_error_matches(gerror, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND))
            << gerror->message;
        EXPECT_EQ(std::string(gerror->message), "vGPU " + uuid + " not found.");
        g_error_free(gerror);
    }
}

TEST_F(FbexportSrcTest, VgpuWithoutAUuidIsAnUnknownSource) {
    std::string error;
    PipelinePtr pipeline = launch("fbexportsrc source=vgpu:desktop ! fakesink", &error);
    ASSERT_TRUE(pipeline) << error;
    EXPECT_EQ(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    BusPtr bus(gst_element_get_bus(pipeline.get()));
    MessagePtr message(gst_bus_timed_pop_filtered(bus.get(), 5 * GST_SECOND, GST_MESSAGE_ERROR));
    ASSERT_TRUE(message);
    const std::string text = error_text(message.get());
    EXPECT_NE(text.find("Unknown source \"vgpu:desktop\""), std::string::npos) << text;
}

TEST_F(FbexportSrcTest, BadDemoSizeIsAnElementError) {
    std::string error;
    PipelinePtr pipeline = launch("fbexportsrc demo-size=wide ! fakesink", &error);
    ASSERT_TRUE(pipeline) << error;
    EXPECT_EQ(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    BusPtr bus(gst_element_get_bus(pipeline.get()));
    MessagePtr message(gst_bus_timed_pop_filtered(bus.get(), 5 * GST_SECOND, GST_MESSAGE_ERROR));
    ASSERT_TRUE(message);
    EXPECT_NE(error_text(message.get()).find("demo-size"), std::string::npos);
}

}  // namespace
}  // namespace fbx::test
