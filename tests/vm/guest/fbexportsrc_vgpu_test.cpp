// fbexportsrc device=UUID on a real vGPU, in process through GStreamer's
// API: an appsink gets raw BGRx frames equal to what the guest drew (cursor
// plane composed unless cursor=false), a frame only when the guest posts
// damage or the idle repeat is due, new caps when the guest changes mode,
// and an element error (RESOURCE/NOT_FOUND, "vGPU UUID was removed.") when
// the vGPU goes away.
// README's vGPU recipe runs as written and records the guest through a mode
// change.
//
// GStreamer in the guest: the build tree's plugin (GST_PLUGIN_PATH), a
// registry of its own in the guest's /tmp, and of GStreamer's own plugins
// only those the tests use (a folder of links to them): scanning every
// installed plugin would cost many seconds under TCG.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <thread>

#include "gst/gst_test_support.hpp"
#include "gst/readme_recipes.hpp"
#include "guest_gstreamer.hpp"
#include "guest_screen.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

namespace fs = std::filesystem;
using fbx::test::BusPtr;
using fbx::test::ElementPtr;
using fbx::test::MessagePtr;
using fbx::test::PipelinePtr;
using fbx::test::SamplePtr;

class FbexportsrcVgpu : public VgpuTest {
protected:
    static void SetUpTestSuite() {
        // appsink and appsrc; README's recipe (filesink, videoconvert,
        // x264enc, h264parse, matroskamux); decodebin and what it picks for
        // its file; the build tree's fbexportsrc.
        gstreamer_ = std::make_unique<GuestGstreamer>(GuestGstreamer::Setup{
            "/tmp/fbexportsrc-vgpu-test-plugins",
            {"app", "coreelements", "videoconvertscale", "x264", "videoparsersbad", "matroska",
             "playback", "typefindfunctions", "libav"},
            FBEXPORT_GST_REGISTRY,
            FBEXPORT_GST_PLUGIN_DIR});
    }
    static void TearDownTestSuite() {
        gstreamer_.reset();
        unsetenv("uuid");  // README's recipe's
    }

    void SetUp() override {
        VgpuTest::SetUp();
        guest_ = std::make_unique<GuestSurfaces>(device());
    }
    void TearDown() override {
        pipeline_.reset();
        guest_.reset();
        VgpuTest::TearDown();
    }

    vgpu::PlaneConfig primary(std::uint32_t width, std::uint32_t height, const char* modifier,
                              std::uint64_t offset = 0) {
        return guest_->place(*fbx::find_format("XRGB8888"),
                             *fbx::find_modifier(std::string_view(modifier)), width, height,
                             Memory::vram, offset);
    }
    // Shows `config` as a guest that posts its damage does.
    void show_posting(const vgpu::PlaneConfig& config) {
        show(VGPU_PLANE_PRIMARY, config);
        device().post_full_damage(VGPU_PLANE_PRIMARY);
    }

    // "fbexportsrc device=UUID <properties> ! appsink", playing.
    void start(const std::string& properties = "") {
        std::string error;
        pipeline_ = fbx::test::launch("fbexportsrc device=" + instance().uuid() + " " + properties +
                                          " ! appsink name=sink sync=false",
                                      &error);
        ASSERT_TRUE(pipeline_) << error;
        sink_ = fbx::test::by_name(pipeline_.get(), "sink");
        ASSERT_NE(gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE)
            << bus_errors();
    }

    SamplePtr pull(GstClockTime timeout = 10 * GST_SECOND) {
        return SamplePtr{gst_app_sink_try_pull_sample(GST_APP_SINK(sink_.get()), timeout)};
    }

    // The first frame within 10 s that shows `want` exactly; earlier ones
    // (still on their way when the guest changed) are skipped. Fails with
    // what the last frame got wrong.
    void expect_frame_showing(const Picture& want) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::string report = "no frame";
        while (std::chrono::steady_clock::now() < deadline) {
            SamplePtr sample = pull(GST_SECOND);
            if (!sample) {
                continue;
            }
            const fbx::test::Picture got = fbx::test::picture_of(sample.get());
            if (got.width != want.width || got.height != want.height) {
                report =
                    "a frame of " + std::to_string(got.width) + "x" + std::to_string(got.height);
                continue;
            }
            report.clear();
            const std::uint64_t bad = count_mismatches(
                want, {0, 0, std::int32_t(want.width), std::int32_t(want.height)},
                [&](std::int32_t x, std::int32_t y) {
                    return got.pixels[std::size_t(y) * got.width + std::size_t(x)];
                },
                report);
            if (bad == 0) {
                return;
            }
            report = std::to_string(bad) + " pixels differ:\n" + report;
        }
        ADD_FAILURE() << "no frame showed the guest's " << want.width << "x" << want.height
                      << " picture; last: " << report << bus_errors();
    }

    std::string bus_errors() {
        std::string text;
        BusPtr bus(gst_element_get_bus(pipeline_.get()));
        while (MessagePtr m{gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)}) {
            text += "\nbus error: " + fbx::test::error_text(m.get());
        }
        return text;
    }

    static inline std::unique_ptr<GuestGstreamer> gstreamer_;
    std::unique_ptr<GuestSurfaces> guest_;
    PipelinePtr pipeline_;
    ElementPtr sink_;
};

TEST_F(FbexportsrcVgpu, FramesAreTheGuestsPixelsWithTheCursorComposed) {
    const vgpu::PlaneConfig plane = primary(640, 400, "x-tiled");
    guest_->draw(plane, vgpu::Pattern::noise, 3);
    show_posting(plane);
    vgpu::PlaneConfig cursor =
        guest_->place(*fbx::find_format("ARGB8888"), *fbx::find_modifier("linear"), 32, 32,
                      Memory::vram, 8u << 20);
    cursor.pos_x = 100;
    cursor.pos_y = 60;
    guest_->draw(cursor, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, cursor);
    start();

    SamplePtr first = pull();
    ASSERT_TRUE(first) << bus_errors();
    GstVideoInfo info;
    ASSERT_TRUE(gst_video_info_from_caps(&info, gst_sample_get_caps(first.get())));
    EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_BGRx);
    EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 640);
    EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&info), 400);
    Picture want = expected_picture(plane, guest_->bytes(plane));
    compose_expected_cursor(want, cursor, guest_->bytes(cursor));
    expect_frame_showing(want);
}

TEST_F(FbexportsrcVgpu, WithoutCursorFramesComeOnlyOnDamage) {
    const vgpu::PlaneConfig plane = primary(640, 400, "linear");
    guest_->draw(plane, vgpu::Pattern::gradient, 0);
    show_posting(plane);
    vgpu::PlaneConfig cursor =
        guest_->place(*fbx::find_format("ARGB8888"), *fbx::find_modifier("linear"), 32, 32,
                      Memory::vram, 8u << 20);
    guest_->draw(cursor, vgpu::Pattern::cursor, 0);
    show(VGPU_PLANE_CURSOR, cursor);
    // No idle repeat: a frame now means the guest changed something.
    start("cursor=false idle-framerate=0/1");
    expect_frame_showing(expected_picture(plane, guest_->bytes(plane)));
    EXPECT_FALSE(pull(GST_SECOND / 2)) << "a frame although the guest changed nothing";

    guest_->draw_rect(plane, {100, 80, 64, 48}, vgpu::Pattern::noise, 7);
    device().post_damage(VGPU_PLANE_PRIMARY, 100, 80, 64, 48);
    expect_frame_showing(expected_picture(plane, guest_->bytes(plane)));
}

// Nothing changes: the last frame again at idle-framerate, never sooner
// (the wait for the guest's events times out for it), the same picture.
TEST_F(FbexportsrcVgpu, AStillGuestIsRepeatedAtTheIdleRate) {
    const vgpu::PlaneConfig plane = primary(640, 400, "linear");
    guest_->draw(plane, vgpu::Pattern::bars, 0);
    show_posting(plane);
    start("idle-framerate=5/1");
    expect_frame_showing(expected_picture(plane, guest_->bytes(plane)));
    GstClockTime last = GST_CLOCK_TIME_NONE;
    for (int i = 0; i < 3; ++i) {
        SamplePtr sample = pull(5 * GST_SECOND);
        ASSERT_TRUE(sample) << "no repeat " << i << bus_errors();
        const GstClockTime pts = GST_BUFFER_PTS(gst_sample_get_buffer(sample.get()));
        if (GST_CLOCK_TIME_IS_VALID(last)) {
            EXPECT_GE(pts - last, 190 * GST_MSECOND) << "repeat " << i << " came too soon";
        }
        last = pts;
    }
}

TEST_F(FbexportsrcVgpu, AModeChangeRenegotiatesWithoutABusError) {
    const vgpu::PlaneConfig small = primary(640, 400, "linear");
    guest_->draw(small, vgpu::Pattern::bars, 0);
    show_posting(small);
    start();
    expect_frame_showing(expected_picture(small, guest_->bytes(small)));

    const vgpu::PlaneConfig large = primary(800, 600, "y-tiled", 4u << 20);
    guest_->draw(large, vgpu::Pattern::checker, 2);
    show_posting(large);
    expect_frame_showing(expected_picture(large, guest_->bytes(large)));
    fbx::test::PadPtr sink_pad(gst_element_get_static_pad(sink_.get(), "sink"));
    GstCaps* caps = gst_pad_get_current_caps(sink_pad.get());
    ASSERT_TRUE(caps);
    GstVideoInfo info;
    EXPECT_TRUE(gst_video_info_from_caps(&info, caps));
    gst_caps_unref(caps);
    EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&info), 800);
    EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&info), 600);
    EXPECT_EQ(bus_errors(), "");
}

TEST_F(FbexportsrcVgpu, RemovingTheVgpuIsAnElementErrorSayingSo) {
    const vgpu::PlaneConfig plane = primary(640, 400, "linear");
    guest_->draw(plane, vgpu::Pattern::bars, 0);
    show_posting(plane);
    start("idle-framerate=0/1");
    ASSERT_TRUE(pull()) << bus_errors();
    close_device();
    instance().remove();
    BusPtr bus(gst_element_get_bus(pipeline_.get()));
    MessagePtr message{gst_bus_timed_pop_filtered(
        bus.get(), 10 * GST_SECOND,
        static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS))};
    ASSERT_TRUE(message) << "neither an error nor EOS after the removal";
    ASSERT_EQ(GST_MESSAGE_TYPE(message.get()), GST_MESSAGE_ERROR);
    GError* error = nullptr;
    gst_message_parse_error(message.get(), &error, nullptr);
    ASSERT_TRUE(error);
    EXPECT_TRUE(g_error_matches(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND))
        << error->message;
    EXPECT_EQ(std::string(error->message), "vGPU " + instance().uuid() + " was removed.");
    g_error_free(error);
}

TEST_F(FbexportsrcVgpu, AMissingVgpuIsAnElementErrorSayingSo) {
    const std::string uuid = instance().uuid();
    close_device();
    instance().remove();
    std::string error;
    pipeline_ = fbx::test::launch("fbexportsrc device=" + uuid + " ! appsink", &error);
    ASSERT_TRUE(pipeline_) << error;
    EXPECT_EQ(gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    EXPECT_NE(bus_errors().find("vGPU " + uuid + " not found."), std::string::npos);
}

// User + system CPU time of this process so far, in microseconds.
std::int64_t process_cpu_us() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000LL + usage.ru_utime.tv_usec +
           usage.ru_stime.tv_usec;
}

// Figures, printed as MEASURE lines (under TCG: pessimistic): guest damage
// posted -> the appsink holds the frame, at the small type's largest mode,
// rounds spaced beyond the 30/1 cap; and the process's CPU while the guest
// is still and the idle repeat is off. The one check: a still guest costs
// (next to) nothing, as an element that sleeps on the device must.
TEST_F(FbexportsrcVgpu, ReportsDamageLatencyAndIdleCpu) {
    const vgpu::PlaneConfig plane = primary(1280, 1024, "linear");
    guest_->draw(plane, vgpu::Pattern::gradient, 0);
    show_posting(plane);
    start("idle-framerate=0/1");
    ASSERT_TRUE(pull()) << bus_errors();

    constexpr int rounds = 20;
    std::vector<double> ms;
    for (int i = 0; i < rounds; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const fbx::Rect area{64 * (i % 16), 64 * (i / 16), 64, 64};
        guest_->fill_rect(plane, area, 0x010101u * std::uint32_t(i * 12));
        const auto posted = std::chrono::steady_clock::now();
        device().post_damage(VGPU_PLANE_PRIMARY, std::uint32_t(area.x), std::uint32_t(area.y), 64,
                             64);
        ASSERT_TRUE(pull()) << "no frame for round " << i << bus_errors();
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - posted)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "MEASURE fbexportsrc latency, guest damage post to appsink frame, 1280x1024, "
        "64x64 rect: median %.2f ms, p99 %.2f ms (%d rounds)\n",
        ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 99 / 100)], rounds);

    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // past the last cap wait
    const std::int64_t cpu_before = process_cpu_us();
    EXPECT_FALSE(pull(2 * GST_SECOND)) << "a frame although the guest is still";
    const double cpu_per_s = double(process_cpu_us() - cpu_before) / 2.0;
    std::printf(
        "MEASURE fbexportsrc idle CPU (whole test process, 2 s, still guest, "
        "idle-framerate=0/1): %.0f us/s\n",
        cpu_per_s);
    EXPECT_LT(cpu_per_s, 20000.0) << "the element works while the guest is still";
}

// The recipe as written, with $uuid set, in a folder of its own, stopped
// with Ctrl-C (SIGINT: -e finalises the file); meanwhile the guest changes
// mode. The file decodes to the guest's picture at both sizes.
TEST_F(FbexportsrcVgpu, ReadmeRecipeRecordsTheGuestThroughAModeChange) {
    std::vector<std::string> recipes;
    for (const std::string& recipe : fbx::test::streaming_recipes(FBEXPORT_README)) {
        if (fbx::test::is_vgpu_recipe(recipe)) {
            recipes.push_back(recipe);
        }
    }
    ASSERT_FALSE(recipes.empty()) << "no vGPU recipe in README's Streaming section";
    const vgpu::PlaneConfig before = primary(640, 400, "linear");
    guest_->draw(before, vgpu::Pattern::gradient, 0);
    show_posting(before);
    const vgpu::PlaneConfig after = primary(800, 600, "linear", 4u << 20);
    guest_->draw(after, vgpu::Pattern::gradient, 1);
    const auto reference = [&](const vgpu::PlaneConfig& plane) {
        return fbx::test::through_420(expected_picture(plane, guest_->bytes(plane)).pixels,
                                      plane.width, plane.height);
    };
    const std::vector<std::uint32_t> want_before = reference(before);
    const std::vector<std::uint32_t> want_after = reference(after);
    setenv("uuid", instance().uuid().c_str(), 1);

    for (const std::string& recipe : recipes) {
        SCOPED_TRACE(recipe);
        show_posting(before);
        const fs::path dir = "/tmp/fbexportsrc-vgpu-recipe";
        fs::remove_all(dir);
        fs::create_directories(dir);
        fbx::test::ChildProcess run({"/bin/sh", "-c", "cd " + dir.string() + " && exec " + recipe});
        ASSERT_TRUE(run.wait_for_log("New clock", std::chrono::seconds(30))) << run.log();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        show_posting(after);
        std::this_thread::sleep_for(std::chrono::seconds(1));
        ASSERT_EQ(run.stop(SIGINT, std::chrono::seconds(30)), 0) << run.log();

        const std::regex location(R"(location=(\S+))");
        for (auto it = std::sregex_iterator(recipe.begin(), recipe.end(), location);
             it != std::sregex_iterator(); ++it) {
            const fs::path file = dir / (*it)[1].str();
            std::string error;
            PipelinePtr decode = fbx::test::launch(
                "filesrc location=" + file.string() +
                    " ! decodebin ! videoconvert ! video/x-raw,format=BGRx ! appsink name=sink "
                    "sync=false",
                &error);
            ASSERT_TRUE(decode) << error;
            ElementPtr sink = fbx::test::by_name(decode.get(), "sink");
            ASSERT_NE(gst_element_set_state(decode.get(), GST_STATE_PLAYING),
                      GST_STATE_CHANGE_FAILURE);
            int frames_before = 0;
            int frames_after = 0;
            while (SamplePtr sample{
                gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 10 * GST_SECOND)}) {
                const fbx::test::Picture got = fbx::test::picture_of(sample.get());
                const bool is_before = got.width == before.width && got.height == before.height;
                const bool is_after = got.width == after.width && got.height == after.height;
                ASSERT_TRUE(is_before || is_after) << got.width << "x" << got.height;
                EXPECT_FALSE(is_before && frames_after > 0) << "the old size after the new";
                EXPECT_GE(fbx::test::psnr(is_before ? want_before : want_after, got), 35.0)
                    << got.width << "x" << got.height;
                ++(is_before ? frames_before : frames_after);
            }
            EXPECT_GE(frames_before, 1) << file;
            EXPECT_GE(frames_after, 1) << file;
        }
        fs::remove_all(dir);
    }
}

}  // namespace
}  // namespace vmtest
