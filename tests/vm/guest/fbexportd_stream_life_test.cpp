// fbexportd's video streams through the life of a real vGPU: the service
// records (--record, Matroska, x264enc) and serves RTSP (--rtsp, an rtspsrc
// client in this process playing) a vGPU the guest draws on; the vGPU is
// removed while both play and created again (same UUID, another mode). The
// service stays up, both streams go on through the absence showing the
// placeholder that says so, and the guest's new picture follows; the file
// decodes to the first picture, then the placeholder, then the second;
// every frame the service took was encoded or dropped, none left queued.
// A VNC client connected all along holds each picture exactly. All of it
// runs once per conversion path: the CPU's, and the GL path's (llvmpipe in
// the guest), which hands the encoders NV12 of its own, unconverted.
// MEASURE lines: removal to the first placeholder frame the RTSP client
// decodes, re-creation to the first frame of the guest's new picture.
//
// GStreamer in the guest: only the plugins these streams, the client and
// gst-discoverer-1.0 need (a folder of links), and a registry in the guest's
// /tmp for the service and gst-discoverer: scanning every installed plugin
// costs many seconds under TCG.
#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include <signal.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <regex>

#include "fbexport/placeholder_source.hpp"
#include "gst/gst_test_support.hpp"
#include "guest_gstreamer.hpp"
#include "guest_screen.hpp"
#include "loopback.hpp"
#include "named_vgpu.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"
#include "vnc_picture.hpp"

namespace vmtest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using fbx::test::ChildProcess;
using fbx::test::ElementPtr;
using fbx::test::PipelinePtr;
using fbx::test::SamplePtr;
using fbx::test::VncTestClient;

// Every encoded stream keeps the size it started at (its pipeline scales
// a new mode to it): the guest's first mode.
constexpr std::uint32_t stream_width = 640;
constexpr std::uint32_t stream_height = 400;
// The mode the re-created vGPU's guest picks.
constexpr std::uint32_t second_width = 800;
constexpr std::uint32_t second_height = 600;

// What a decoded frame shows. `blank`: the mediator's black picture of a
// vGPU whose guest has shown nothing yet, between re-creation and the
// guest's first frame.
enum class Shown { first, absent, blank, second, unknown };
const char* name_of(Shown shown) {
    switch (shown) {
        case Shown::first:
            return "first";
        case Shown::absent:
            return "absent";
        case Shown::blank:
            return "blank";
        case Shown::second:
            return "second";
        case Shown::unknown:
            break;
    }
    return "unknown";
}

// A frame is taken for the reference it is closest to, if within this.
constexpr double recognised_db = 25.0;
// And each picture must be matched this well by at least one frame.
constexpr double matched_db = 35.0;

// `picture` as an encoded stream of stream_width x stream_height carries it:
// scaled and subsampled to 4:2:0 by GStreamer's own elements, as the
// service's pipeline does before its encoder, and back to BGRx.
std::vector<std::uint32_t> as_streamed(const Picture& picture) {
    std::string error;
    const std::string caps = "video/x-raw,format=BGRx,width=" + std::to_string(picture.width) +
                             ",height=" + std::to_string(picture.height) +
                             ",framerate=30/1,pixel-aspect-ratio=1/1";
    PipelinePtr pipeline = fbx::test::launch(
        "appsrc name=src format=time caps=\"" + caps +
            "\" ! videoconvert ! videoscale ! video/x-raw,format=I420,width=" +
            std::to_string(stream_width) + ",height=" + std::to_string(stream_height) +
            ",pixel-aspect-ratio=1/1 ! videoconvert ! video/x-raw,format=BGRx ! appsink "
            "name=sink sync=false",
        &error);
    if (!pipeline) {
        ADD_FAILURE() << error;
        return {};
    }
    ElementPtr src = fbx::test::by_name(pipeline.get(), "src");
    ElementPtr sink = fbx::test::by_name(pipeline.get(), "sink");
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    GstBuffer* buffer =
        gst_buffer_new_memdup(picture.pixels.data(), picture.pixels.size() * sizeof(std::uint32_t));
    GST_BUFFER_PTS(buffer) = 0;
    gst_app_src_push_buffer(GST_APP_SRC(src.get()), buffer);
    gst_app_src_end_of_stream(GST_APP_SRC(src.get()));
    SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 10 * GST_SECOND)};
    if (!sample) {
        ADD_FAILURE() << "no reference frame for " << picture.width << "x" << picture.height;
        return {};
    }
    return fbx::test::picture_of(sample.get()).pixels;
}

// The pictures a stream of this test may show, as streamed, and the best
// PSNR each got from a frame.
class Pictures {
public:
    void set(Shown shown, const Picture& picture) {
        references_[std::size_t(shown)] = as_streamed(picture);
    }

    // Which picture `frame` shows; `db` gets its PSNR against it.
    Shown recognise(const fbx::test::Picture& frame, double& db) {
        db = 0;
        if (frame.width != stream_width || frame.height != stream_height) {
            return Shown::unknown;
        }
        Shown best = Shown::unknown;
        for (std::size_t i = 0; i < references_.size(); ++i) {
            if (references_[i].size() != frame.pixels.size()) {
                continue;
            }
            const double d = fbx::test::psnr(references_[i], frame);
            if (d > db) {
                db = d;
                best = Shown(i);
            }
        }
        if (db < recognised_db) {
            return Shown::unknown;
        }
        best_db_[std::size_t(best)] = std::max(best_db_[std::size_t(best)], db);
        worst_db_ = std::min(worst_db_, db);
        return best;
    }
    double best_db(Shown shown) const { return best_db_[std::size_t(shown)]; }
    // Each picture was matched this well by some frame (since forget_scores()).
    void expect_each_matched(const std::string& where) const {
        for (const Shown shown : {Shown::first, Shown::absent, Shown::second}) {
            EXPECT_GE(best_db(shown), matched_db) << name_of(shown) << " in the " << where;
        }
    }
    // The PSNR of the least faithful frame recognised.
    double worst_db() const { return worst_db_; }
    void forget_scores() {
        best_db_ = {};
        worst_db_ = 99.0;
    }

private:
    std::array<std::vector<std::uint32_t>, 4> references_;
    std::array<double, 4> best_db_{};
    double worst_db_ = 99.0;
};

// What a stream showed, in order, as runs: "first x12, absent x3, second x5".
struct Runs {
    std::vector<std::pair<Shown, int>> runs;
    void add(Shown shown) {
        if (runs.empty() || runs.back().first != shown) {
            runs.emplace_back(shown, 0);
        }
        ++runs.back().second;
    }
    int frames() const {
        int n = 0;
        for (const auto& run : runs) {
            n += run.second;
        }
        return n;
    }
    std::string text() const {
        std::string t;
        for (const auto& [shown, count] : runs) {
            t += std::string(t.empty() ? "" : ", ") + name_of(shown) + " x" + std::to_string(count);
        }
        return t;
    }
    // Whether it showed the first picture, then the placeholder, then the
    // second, each at least once, never going back, nothing unrecognised
    // (the blank picture only between the placeholder and the second).
    bool in_order() const {
        std::vector<Shown> order;
        for (const auto& run : runs) {
            order.push_back(run.first);
        }
        const std::vector<Shown> direct{Shown::first, Shown::absent, Shown::second};
        const std::vector<Shown> with_blank{Shown::first, Shown::absent, Shown::blank,
                                            Shown::second};
        return order == direct || order == with_blank;
    }
};

// An RTSP client playing the service's stream into an appsink, over its TCP
// connection; each frame is stamped when it comes out of the decoder, so
// the time a picture took to arrive does not depend on when it is looked at.
class RtspViewer {
public:
    struct Arrival {
        Shown shown = Shown::unknown;
        Clock::time_point at;
    };

    RtspViewer(const std::string& url, Pictures& pictures) : pictures_(pictures) {
        std::string error;
        pipeline_ = fbx::test::launch("rtspsrc location=" + url +
                                          " latency=0 protocols=tcp ! decodebin ! videoconvert ! "
                                          "video/x-raw,format=BGRx ! appsink name=sink sync=false "
                                          "emit-signals=true",
                                      &error);
        if (!pipeline_) {
            ADD_FAILURE() << error;
            return;
        }
        ElementPtr sink = fbx::test::by_name(pipeline_.get(), "sink");
        g_signal_connect(sink.get(), "new-sample", G_CALLBACK(&RtspViewer::on_sample), this);
        gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING);
    }
    ~RtspViewer() { pipeline_.reset(); }  // no callback after this

    // Takes frames until one shows `want`: when it arrived, or nothing
    // after `timeout` (or with no pipeline).
    std::optional<Clock::time_point> wait_for(Shown want, std::chrono::milliseconds timeout = 15s) {
        const auto deadline = Clock::now() + timeout;
        while (std::optional<Arrival> frame = next(deadline)) {
            if (frame->shown == want) {
                return frame->at;
            }
        }
        return std::nullopt;
    }
    // How many frames came within `time`.
    int frames_within(std::chrono::milliseconds time) {
        const auto deadline = Clock::now() + time;
        int frames = 0;
        while (next(deadline)) {
            ++frames;
        }
        return frames;
    }
    const Runs& seen() const { return seen_; }
    std::string bus_errors() const {
        std::string text;
        if (!pipeline_) {
            return text;
        }
        fbx::test::BusPtr bus(gst_element_get_bus(pipeline_.get()));
        while (fbx::test::MessagePtr m{gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)}) {
            text += "\nbus error: " + fbx::test::error_text(m.get());
        }
        return text;
    }

private:
    // On the streaming thread: stamp it and hand it to the test's thread.
    static GstFlowReturn on_sample(GstAppSink* sink, gpointer self) {
        auto* viewer = static_cast<RtspViewer*>(self);
        SamplePtr sample{gst_app_sink_pull_sample(sink)};
        if (!sample) {
            return GST_FLOW_OK;
        }
        const auto at = Clock::now();
        std::lock_guard lock(viewer->mutex_);
        viewer->arrived_.push_back({std::move(sample), at});
        viewer->changed_.notify_all();
        return GST_FLOW_OK;
    }
    std::optional<Arrival> next(Clock::time_point deadline) {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_until(lock, deadline, [&] { return !arrived_.empty(); })) {
            return std::nullopt;
        }
        auto [sample, at] = std::move(arrived_.front());
        arrived_.pop_front();
        lock.unlock();
        double db = 0;
        const Shown shown = pictures_.recognise(fbx::test::picture_of(sample.get()), db);
        seen_.add(shown);
        return Arrival{shown, at};
    }

    Pictures& pictures_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::pair<SamplePtr, Clock::time_point>> arrived_;
    Runs seen_;
    PipelinePtr pipeline_;  // last: stopped before the queue goes
};

// The numbers of the stop log's line for a stream:
// "stream NAME: P frames, D dropped, E encoded".
struct StreamLine {
    bool found = false;
    std::uint64_t frames = 0;
    std::uint64_t dropped = 0;
    std::uint64_t encoded = 0;
};
StreamLine stream_line(const std::string& log, const std::string& name) {
    const std::regex line("stream " + name + ": (\\d+) frames, (\\d+) dropped, (\\d+) encoded");
    std::smatch m;
    if (!std::regex_search(log, m, line)) {
        return {};
    }
    return {true, std::stoull(m[1].str()), std::stoull(m[2].str()), std::stoull(m[3].str())};
}

// The parameter: fbexportd's --convert path.
class FbexportdStreamLife : public ::testing::TestWithParam<std::string> {
protected:
    static void SetUpTestSuite() {
        // The service's encoder, muxer, RTSP server and colour conversion;
        // the client's RTSP source, depayloader and decoder; gst-discoverer.
        gstreamer_ = std::make_unique<GuestGstreamer>(
            GuestGstreamer::Setup{"/tmp/fbexportd-stream-life-plugins",
                                  {"app", "coreelements", "videoconvertscale", "x264",
                                   "videoparsersbad", "matroska", "playback", "typefindfunctions",
                                   "libav", "rtsp", "rtp", "rtpmanager", "udp", "pbtypes"},
                                  "/tmp/fbexportd-stream-life-registry.bin",
                                  std::nullopt});
    }
    static void TearDownTestSuite() { gstreamer_.reset(); }

    void SetUp() override {
        ASSERT_NO_THROW(bring_up_loopback());
        dir_ = "/tmp/fbexportd-stream-life";
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (service_) {
            service_->stop(SIGKILL);
        }
        fs::remove_all(dir_);
    }

    static std::unique_ptr<GuestGstreamer> gstreamer_;
    fs::path dir_;
    std::unique_ptr<ChildProcess> service_;
};

std::unique_ptr<GuestGstreamer> FbexportdStreamLife::gstreamer_;

double ms(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

TEST_P(FbexportdStreamLife, StreamsPlayOnThroughRemovalAndRecreation) {
    NamedVgpu vgpu;
    vgpu.create();
    Pictures pictures;
    const Picture first = vgpu.show(vgpu::Pattern::bars, 0, stream_width, stream_height);
    pictures.set(Shown::first, first);
    // At the size shown last, so viewers keep their window.
    pictures.set(Shown::absent, {stream_width, stream_height,
                                 fbx::PlaceholderSource::render(stream_width, stream_height,
                                                                {"VGPU", vgpu.uuid(), "ABSENT"})});
    pictures.set(Shown::blank,
                 {stream_width, stream_height,
                  std::vector<std::uint32_t>(std::size_t(stream_width) * stream_height, 0)});

    const fs::path file = dir_ / "vgpu.mkv";
    const std::string rtsp = "127.0.0.1:" + std::to_string(fbx::test::free_loopback_port());
    const std::uint16_t vnc_port = fbx::test::free_loopback_port();
    service_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        fbx::test::program("fbexportd"), "--source", "vgpu:" + vgpu.uuid(), "--vnc",
        "127.0.0.1:" + std::to_string(vnc_port), "--record", file.string(), "--rtsp", rtsp,
        "--encoder", "x264enc", "--convert", GetParam()});
    if (!service_->wait_for_log("ready", 60s)) {
        if (service_->log().find("no GL path") != std::string::npos) {
            GTEST_SKIP() << "no GL path in the guest: " << service_->log();
        }
        FAIL() << service_->log();
    }
    const std::string url = "rtsp://" + rtsp + "/vgpu/" + vgpu.uuid();
    ASSERT_NE(service_->log().find("serving RTSP at " + url), std::string::npos) << service_->log();

    std::string vnc_error;
    std::optional<VncTestClient> vnc = VncTestClient::connect(vnc_port, &vnc_error);
    ASSERT_TRUE(vnc) << vnc_error << service_->log();
    expect_vnc_shows_eventually(*vnc, first, *service_);

    RtspViewer viewer(url, pictures);
    ASSERT_TRUE(viewer.wait_for(Shown::first, 30s))
        << viewer.seen().text() << viewer.bus_errors() << service_->log();

    // The administrator removes the vGPU while both streams play.
    const auto removed = Clock::now();
    vgpu.remove();
    const std::optional<Clock::time_point> absent = viewer.wait_for(Shown::absent);
    ASSERT_TRUE(absent) << "no placeholder frame: " << viewer.seen().text() << viewer.bus_errors()
                        << service_->log();
    ASSERT_TRUE(service_->wait_for_log("waiting for vGPU " + vgpu.uuid(), 5s)) << service_->log();
    EXPECT_EQ(::kill(service_->pid(), 0), 0) << "the service died\n" << service_->log();
    expect_vnc_shows_eventually(*vnc,
                                {stream_width, stream_height,
                                 fbx::PlaceholderSource::render(stream_width, stream_height,
                                                                {"VGPU", vgpu.uuid(), "ABSENT"})},
                                *service_);
    // The stream stays alive while the vGPU is absent: the idle repeat.
    EXPECT_GE(viewer.frames_within(1500ms), 1)
        << "no frame while absent: " << viewer.seen().text() << service_->log();

    // Created again, the guest in another mode.
    const auto created = Clock::now();
    vgpu.create();
    const Picture second = vgpu.show(vgpu::Pattern::gradient, 1, second_width, second_height);
    const auto drawn = Clock::now();
    pictures.set(Shown::second, second);
    const std::optional<Clock::time_point> back = viewer.wait_for(Shown::second);
    ASSERT_TRUE(back) << "no frame of the guest's new picture: " << viewer.seen().text()
                      << viewer.bus_errors() << service_->log();
    EXPECT_TRUE(service_->wait_for_log("vGPU " + vgpu.uuid() + " is present", 5s))
        << service_->log();
    EXPECT_TRUE(service_->wait_for_log(
        "streams now get " + std::to_string(second_width) + "x" + std::to_string(second_height),
        5s))
        << service_->log();
    expect_vnc_shows_eventually(*vnc, second, *service_);
    EXPECT_EQ(viewer.bus_errors(), "") << service_->log();
    EXPECT_TRUE(viewer.seen().in_order()) << viewer.seen().text();
    pictures.expect_each_matched("RTSP stream");
    const std::string streamed_runs = viewer.seen().text();
    const double streamed_worst_db = pictures.worst_db();

    vnc.reset();
    EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
    const std::string log = service_->log();
    service_.reset();
    EXPECT_EQ(log.find(" error "), std::string::npos) << log;
    // The colour conversion for the encoders: NV12 made once a frame by the
    // service (on the CPU or by the GL path), which x264enc takes as it is.
    const std::regex conversion(
        "stream: ([^\n]*): (frames reach [^\n]*|videoconvert converts [^\n]*)");
    int conversions = 0;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), conversion);
         it != std::sregex_iterator(); ++it) {
        ++conversions;
        EXPECT_EQ((*it)[2].str(), "frames reach x264enc as NV12, no conversion") << (*it)[1].str();
    }
    EXPECT_EQ(conversions, 2) << "the recording and the RTSP client: " << log;
    EXPECT_NE(log.find(GetParam() == "gl" ? "streams get NV12 made by the GL path"
                                          : "streams get NV12 made on the CPU"),
              std::string::npos)
        << log;
    if (GetParam() == "gl") {
        const std::regex path("using gl [^\n]*");
        std::smatch m;
        if (std::regex_search(log, m, path)) {
            std::printf("MEASURE fbexportd stream life on the GL path: %s\n", m.str().c_str());
        }
    }
    // Nothing left queued at the end: every frame encoded or dropped.
    const StreamLine recorded = stream_line(log, "record " + file.string());
    ASSERT_TRUE(recorded.found) << log;
    EXPECT_EQ(recorded.encoded + recorded.dropped, recorded.frames) << log;
    const StreamLine streamed = stream_line(log, "rtsp /vgpu/" + vgpu.uuid() + " client 1");
    ASSERT_TRUE(streamed.found) << log;
    EXPECT_EQ(streamed.encoded + streamed.dropped, streamed.frames) << log;

    // The recording: a valid file at the first mode's size, and what it
    // decodes to in order.
    EXPECT_TRUE(fbx::test::is_video(fbx::test::discover(file.string()), stream_width, stream_height,
                                    "30/1"));
    std::string error;
    PipelinePtr decode = fbx::test::launch(
        "filesrc location=" + file.string() +
            " ! decodebin ! videoconvert ! video/x-raw,format=BGRx ! appsink name=sink sync=false",
        &error);
    ASSERT_TRUE(decode) << error;
    ElementPtr sink = fbx::test::by_name(decode.get(), "sink");
    ASSERT_NE(gst_element_set_state(decode.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    pictures.forget_scores();
    Runs in_file;
    while (
        SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 10 * GST_SECOND)}) {
        double db = 0;
        in_file.add(pictures.recognise(fbx::test::picture_of(sample.get()), db));
    }
    EXPECT_TRUE(in_file.in_order()) << in_file.text();
    EXPECT_EQ(std::uint64_t(in_file.frames()), recorded.encoded)
        << "every encoded frame must be in the file: " << in_file.text();
    pictures.expect_each_matched("recording");

    std::printf(
        "MEASURE fbexportd stream through a vGPU removal, RTSP client (x264enc, 640x400, --convert "
        "%s): removal to the first placeholder frame decoded %.1f ms\n",
        GetParam().c_str(), ms(removed, *absent));
    std::printf(
        "MEASURE fbexportd stream through a vGPU re-creation, RTSP client (x264enc, 640x400, "
        "--convert %s): mdev create + guest shows 800x600 (%.1f ms) to the first frame of it "
        "decoded %.1f ms\n",
        GetParam().c_str(), ms(created, drawn), ms(created, *back));
    std::printf(
        "MEASURE fbexportd streams through removal and re-creation: RTSP client decoded %s "
        "(least faithful frame %.1f dB); recording decodes to %s (%llu frames, %llu dropped; "
        "best PSNR first %.1f, placeholder %.1f, second %.1f dB, least faithful frame %.1f "
        "dB)\n",
        streamed_runs.c_str(), streamed_worst_db, in_file.text().c_str(),
        static_cast<unsigned long long>(recorded.frames),
        static_cast<unsigned long long>(recorded.dropped), pictures.best_db(Shown::first),
        pictures.best_db(Shown::absent), pictures.best_db(Shown::second), pictures.worst_db());
    // The service's own figures for the two streams (its stop log).
    const std::regex figures("stream [^\n]*glass-to-encoded[^\n]*");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), figures);
         it != std::sregex_iterator(); ++it) {
        std::printf("MEASURE fbexportd through a vGPU removal and re-creation: %s\n",
                    it->str().c_str());
    }
}

INSTANTIATE_TEST_SUITE_P(ConvertPaths, FbexportdStreamLife, ::testing::Values("cpu", "gl"),
                         [](const ::testing::TestParamInfo<std::string>& path) {
                             return path.param == "gl" ? std::string("Gl") : std::string("Cpu");
                         });

}  // namespace
}  // namespace vmtest
