// fbexportd's video streams, as users receive them: gst-discoverer-1.0 and a
// decoder read its recordings, an RTSP client (rtspsrc) plays --rtsp, an RTP
// receiver (udpsrc ! rtph264depay) takes --rtp; what they decode is compared
// with the demo's reference picture. The desktop is kept still
// after a second (--demo-stop-at), and every frame from then on must be the
// picture of that moment, cursor included.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "expected_frame.hpp"
#include "gst_test_support.hpp"
#include "service_process.hpp"

namespace fbx::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint32_t width = 640;
constexpr std::uint32_t height = 400;
// The demo animates for this long, then stands still with its cursor well
// inside the screen (at 0 ms it is at the bottom edge).
constexpr std::uint64_t still_at_ms = 1000;
// From "ready" on, the demo is surely still after this.
constexpr auto until_still = std::chrono::milliseconds(still_at_ms + 300);

// A UDP port on 127.0.0.1 that was free a moment ago.
// The numbers of the stop log's line for a stream: "stream NAME: P frames, D dropped".
struct StreamLine {
    bool found = false;
    std::uint64_t frames = 0;
    std::uint64_t dropped = 0;
};
StreamLine stream_line(const std::string& log, const std::string& name) {
    const std::regex line("stream " + name + ": (\\d+) frames, (\\d+) dropped");
    std::smatch m;
    if (!std::regex_search(log, m, line)) {
        return {};
    }
    return {true, std::stoull(m[1].str()), std::stoull(m[2].str())};
}

class ServiceStreams : public testing::Test {
protected:
    static void SetUpTestSuite() {
        use_build_tree_plugin();
        gst_init(nullptr, nullptr);
        reference_ = new std::vector<std::uint32_t>(
            through_420(render_scene_with_cursor(width, height, still_at_ms), width, height));
    }
    static void TearDownTestSuite() {
        delete reference_;
        reference_ = nullptr;
    }

    void SetUp() override {
        ASSERT_EQ(reference_->size(), std::size_t(width) * height) << "no 4:2:0 reference";
        dir_ = fs::temp_directory_path() /
               ("service_streams_test." + std::to_string(getpid()) + "." +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // fbexportd on the still 640x400 demo, VNC on a free port, plus `extra`.
    static std::vector<std::string> command(std::vector<std::string> extra) {
        std::vector<std::string> argv{program("fbexportd"),
                                      "--vnc",
                                      "127.0.0.1:" + std::to_string(free_loopback_port()),
                                      "--demo-size",
                                      "640x400",
                                      "--demo-stop-at",
                                      std::to_string(still_at_ms)};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return argv;
    }
    static std::unique_ptr<ChildProcess> start(std::vector<std::string> extra) {
        auto process = std::make_unique<ChildProcess>(command(std::move(extra)));
        EXPECT_TRUE(process->wait_for_log("ready", 20s)) << process->log();
        return process;
    }

    // Pulls up to `count` pictures from the appsink named "sink" of a
    // running pipeline and checks each against the reference.
    // Frames with a PTS before `from` (still animating) are counted in
    // `skipped` and not compared.
    static int expect_reference_frames(GstElement* pipeline, int count, GstClockTime timeout,
                                       GstClockTime from = 0, int* skipped = nullptr) {
        ElementPtr sink = by_name(pipeline, "sink");
        int frames = 0;
        while (frames < count) {
            SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), timeout)};
            if (!sample) {
                break;
            }
            const GstClockTime pts = GST_BUFFER_PTS(gst_sample_get_buffer(sample.get()));
            if (GST_CLOCK_TIME_IS_VALID(pts) && pts < from) {
                if (skipped) {
                    ++*skipped;
                }
                continue;
            }
            const Picture picture = picture_of(sample.get());
            EXPECT_EQ(picture.width, width);
            EXPECT_EQ(picture.height, height);
            if (picture.width == width && picture.height == height) {
                const double db = psnr(*reference_, picture);
                EXPECT_GE(db, 35.0) << "frame " << frames;
                RecordProperty("psnr_frame_" + std::to_string(frames), std::to_string(db));
                // The cursor is composed in where the demo puts it: its box
                // alone must match too (a missing cursor costs a whole
                // frame's PSNR a fraction of a dB).
                const CursorPosition at = DemoScene(width, height).cursor_at(still_at_ms);
                const auto size = std::int32_t(DemoScene::cursor_size);
                const std::int32_t left = std::max(0, at.x);
                const std::int32_t top = std::max(0, at.y);
                const std::int32_t right = std::min(std::int32_t(width), at.x + size);
                const std::int32_t bottom = std::min(std::int32_t(height), at.y + size);
                if (right - left < 16 || bottom - top < 16) {
                    ADD_FAILURE() << "the cursor should be on screen";
                    return frames;
                }
                const double cursor_db =
                    psnr_in(*reference_, picture, std::uint32_t(left), std::uint32_t(top),
                            std::uint32_t(right - left), std::uint32_t(bottom - top));
                EXPECT_GE(cursor_db, 30.0) << "cursor box in frame " << frames;
                RecordProperty("cursor_psnr_frame_" + std::to_string(frames),
                               std::to_string(cursor_db));
            }
            ++frames;
        }
        return frames;
    }

    static std::string bus_errors(GstElement* pipeline) {
        BusPtr bus(gst_element_get_bus(pipeline));
        std::string text;
        while (MessagePtr m{gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)}) {
            text += error_text(m.get()) + "\n";
        }
        return text;
    }

    static std::unique_ptr<ChildProcess> start_gl(std::vector<std::string> extra,
                                                  std::string* no_gl);
    static void check_matroska_recording(ChildProcess& service, const fs::path& file);
    static void expect_rtsp_client_plays_demo(ChildProcess& service, std::uint16_t port);

    static std::vector<std::uint32_t>* reference_;
    fs::path dir_;
};

std::vector<std::uint32_t>* ServiceStreams::reference_ = nullptr;

// Starts fbexportd with `extra` and --convert gl, or says why it cannot: no
// GL path on this machine (the caller skips).
std::unique_ptr<ChildProcess> ServiceStreams::start_gl(std::vector<std::string> extra,
                                                       std::string* no_gl) {
    extra.insert(extra.end(), {"--convert", "gl"});
    auto process = std::make_unique<ChildProcess>(command(std::move(extra)));
    if (!process->wait_for_log("ready", 20s)) {
        if (process->log().find("no GL path") != std::string::npos) {
            *no_gl = process->log();
            return nullptr;
        }
        ADD_FAILURE() << process->log();
    }
    return process;
}

// A recording finalised by SIGINT: its size and frame rate as
// gst-discoverer-1.0 reads them, and every frame the demo's picture.
void ServiceStreams::check_matroska_recording(ChildProcess& service, const fs::path& file) {
    // Animating, then still: a frame when it stops and one a second after.
    std::this_thread::sleep_for(until_still + 1800ms);
    EXPECT_EQ(service.stop(SIGINT), 0) << service.log();
    const StreamLine line = stream_line(service.log(), "record " + file.string());
    EXPECT_TRUE(line.found) << service.log();
    EXPECT_GE(line.frames, 10u) << service.log();
    EXPECT_EQ(line.dropped, 0u) << service.log();

    EXPECT_TRUE(is_video(discover(file.string()), width, height, "30/1"));

    std::string error;
    PipelinePtr decode = play_decoded("filesrc location=" + file.string(), &error);
    ASSERT_TRUE(decode) << error;
    // The file's time starts with the service, a few ms after the demo's.
    int animating = 0;
    const int still = expect_reference_frames(decode.get(), 1000, 10 * GST_SECOND,
                                              (still_at_ms + 200) * GST_MSECOND, &animating);
    EXPECT_GE(still, 2) << "frames of the still desktop";
    EXPECT_EQ(std::uint64_t(still + animating), line.frames)
        << "every frame sent must be in the file";
}

TEST_F(ServiceStreams, MatroskaRecordingIsTheDemoAtItsSizeAndRate) {
    const fs::path file = dir_ / "desktop.mkv";
    auto service = start({"--record", file.string()});
    check_matroska_recording(*service, file);
    // The CPU path makes the encoder's NV12 once, where the picture changed;
    // x264enc takes it without videoconvert's work.
    const std::string log = service->log();
    EXPECT_NE(log.find("streams get NV12 made on the CPU"), std::string::npos) << log;
    EXPECT_NE(log.find("record " + file.string() + ": frames reach x264enc as NV12, no conversion"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("videoconvert converts"), std::string::npos) << log;
}

// With the GL path the encoder's NV12 is made once, on the GL side, cursor
// and all, and reaches x264enc without any conversion on the CPU; the file
// decodes to the same pictures.
TEST_F(ServiceStreams, GlPathRecordsNv12StraightIntoTheEncoder) {
    const fs::path file = dir_ / "desktop.mkv";
    std::string no_gl;
    auto service = start_gl({"--record", file.string(), "--encoder", "x264enc"}, &no_gl);
    if (!service) {
        GTEST_SKIP() << "no GL path on this machine: " << no_gl;
    }
    check_matroska_recording(*service, file);
    const std::string log = service->log();
    EXPECT_NE(log.find("streams get NV12 made by the GL path"), std::string::npos) << log;
    EXPECT_NE(log.find("record " + file.string() + ": frames reach x264enc as NV12, no conversion"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("videoconvert converts"), std::string::npos) << log;
}

// MP4 keeps its index at the end: only an EOS on SIGTERM makes it playable.
TEST_F(ServiceStreams, Mp4RecordingIsFinalisedOnSigterm) {
    const fs::path file = dir_ / "desktop.mp4";
    auto service = start({"--record", file.string(), "--stream-fps", "25"});
    std::this_thread::sleep_for(1200ms);
    EXPECT_EQ(service->stop(SIGTERM), 0) << service->log();
    const Discovered found = discover(file.string());
    EXPECT_TRUE(is_video(found, width, height));
    EXPECT_NE(found.output.find("H.264"), std::string::npos) << found.output;
}

// An RTSP client joining once the demo is still: the first frame at once,
// then the still desktop's one a second; the service then stops with the
// client playing, which must close it cleanly.
void ServiceStreams::expect_rtsp_client_plays_demo(ChildProcess& service, std::uint16_t port) {
    const std::string url = "rtsp://127.0.0.1:" + std::to_string(port) + "/desktop";
    EXPECT_NE(service.log().find("serving RTSP at " + url), std::string::npos) << service.log();
    std::this_thread::sleep_for(until_still);
    std::string error;
    PipelinePtr client = play_decoded("rtspsrc location=" + url + " latency=0", &error);
    ASSERT_TRUE(client) << error;
    EXPECT_EQ(expect_reference_frames(client.get(), 2, 10 * GST_SECOND), 2)
        << bus_errors(client.get()) << service.log();
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
    EXPECT_TRUE(stream_line(service.log(), "rtsp /desktop client 1").found) << service.log();
}

TEST_F(ServiceStreams, RtspClientPlaysTheDemo) {
    const std::uint16_t port = free_loopback_port();
    auto service = start({"--rtsp", "127.0.0.1:" + std::to_string(port)});
    expect_rtsp_client_plays_demo(*service, port);
}

// An RTSP client of the GL path gets the same pictures, from NV12 the
// encoder takes as it is.
TEST_F(ServiceStreams, GlPathRtspClientPlaysTheDemoFromNv12) {
    const std::uint16_t port = free_loopback_port();
    std::string no_gl;
    auto service = start_gl({"--rtsp", "127.0.0.1:" + std::to_string(port)}, &no_gl);
    if (!service) {
        GTEST_SKIP() << "no GL path on this machine: " << no_gl;
    }
    expect_rtsp_client_plays_demo(*service, port);
    EXPECT_NE(service->log().find("rtsp /desktop client 1: frames reach"), std::string::npos)
        << service->log();
    EXPECT_NE(service->log().find("as NV12, no conversion"), std::string::npos) << service->log();
}

TEST_F(ServiceStreams, RtspWithCredentialsNeedsThem) {
    const fs::path credentials = dir_ / "rtsp-credentials";
    std::ofstream(credentials) << "viewer:s3cret pass\n";
    ::chmod(credentials.c_str(), 0600);
    const std::uint16_t port = free_loopback_port();
    auto service = start({"--rtsp", "127.0.0.1:" + std::to_string(port), "--rtsp-credentials-file",
                          credentials.string()});
    const std::string url = "rtsp://127.0.0.1:" + std::to_string(port) + "/desktop";
    std::this_thread::sleep_for(until_still);

    const CommandResult anonymous =
        run_command("timeout 20 gst-launch-1.0 rtspsrc location=" + url +
                    " ! decodebin ! fakesink num-buffers=1");
    EXPECT_NE(anonymous.status, 0) << anonymous.output;
    EXPECT_NE(anonymous.output.find("Unauthorized"), std::string::npos) << anonymous.output;

    std::string error;
    PipelinePtr client = play_decoded(
        "rtspsrc location=" + url + " user-id=viewer user-pw=\"s3cret pass\" latency=0", &error);
    ASSERT_TRUE(client) << error;
    EXPECT_EQ(expect_reference_frames(client.get(), 1, 10 * GST_SECOND), 1)
        << bus_errors(client.get()) << service->log();
    EXPECT_EQ(service->stop(SIGTERM), 0) << service->log();
}

// The receiver joins once the desktop is still, as a late viewer would: the
// stream asks its encoder for a keyframe every 2 s, so it gets pictures soon.
TEST_F(ServiceStreams, RtpReceiverJoiningLateDecodesTheDemo) {
    const std::uint16_t port = free_loopback_udp_port();
    auto service = start({"--rtp", "127.0.0.1:" + std::to_string(port)});
    std::this_thread::sleep_for(until_still);
    std::string error;
    PipelinePtr receiver =
        launch("udpsrc address=127.0.0.1 port=" + std::to_string(port) +
                   " caps=\"application/x-rtp,media=video,encoding-name=H264,clock-rate=90000\" "
                   "! rtph264depay wait-for-keyframe=true ! decodebin ! videoconvert ! "
                   "video/x-raw,format=BGRx ! appsink name=sink sync=false",
               &error);
    ASSERT_TRUE(receiver) << error;
    ASSERT_NE(gst_element_set_state(receiver.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    EXPECT_EQ(expect_reference_frames(receiver.get(), 2, 10 * GST_SECOND), 2)
        << bus_errors(receiver.get()) << service->log();
    EXPECT_EQ(service->stop(SIGTERM), 0) << service->log();
}

// --gst-pipeline gets raw BGRx at the desktop's size; here it records.
TEST_F(ServiceStreams, CustomPipelineTailGetsRawFrames) {
    const fs::path file = dir_ / "custom.mkv";
    auto service = start({"--gst-pipeline",
                          "videoconvert ! video/x-raw,format=Y444 ! x264enc tune=zerolatency "
                          "speed-preset=ultrafast ! h264parse ! matroskamux ! filesink location=" +
                              file.string()});
    std::this_thread::sleep_for(1200ms);
    EXPECT_EQ(service->stop(SIGINT), 0) << service->log();
    EXPECT_TRUE(is_video(discover(file.string()), width, height));
    // As documented: a pipeline of one's own gets BGRx, not the service's NV12.
    EXPECT_NE(service->log().find("streams get BGRx"), std::string::npos) << service->log();
}

// A consumer far slower than the frame rate: the service drops frames (and
// says how many) instead of queueing them, and stays responsive.
TEST_F(ServiceStreams, SlowConsumerMakesDropsNotQueues) {
    // 300 ms per frame against 30 frames a second of an animating desktop.
    std::vector<std::string> argv =
        command({"--gst-pipeline", "identity sleep-time=300000 ! fakesink"});
    argv.erase(argv.begin() + 5, argv.begin() + 7);  // no --demo-stop-at: it animates
    ChildProcess service(argv);
    ASSERT_TRUE(service.wait_for_log("ready", 20s)) << service.log();
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
    const StreamLine line = stream_line(service.log(), "gst-pipeline");
    ASSERT_TRUE(line.found) << service.log();
    EXPECT_GE(line.frames, 30u) << service.log();
    // At most ~7 frames got through in 2 s; the queue holds 2.
    EXPECT_GE(line.dropped, line.frames - 12) << service.log();
}

// Without stream options the service never initialises GStreamer: a fresh
// registry path stays unwritten (gst_init() writes one at once). With one
// stream it is written, which shows the check can fail.
TEST_F(ServiceStreams, NoStreamsNoGStreamer) {
    const std::string saved = std::getenv("GST_REGISTRY");
    for (const bool stream : {false, true}) {
        const fs::path registry = dir_ / (stream ? "with.bin" : "without.bin");
        setenv("GST_REGISTRY", registry.c_str(), 1);
        auto service =
            start(stream ? std::vector<std::string>{"--record", (dir_ / "x.mkv").string()}
                         : std::vector<std::string>{});
        setenv("GST_REGISTRY", saved.c_str(), 1);
        std::this_thread::sleep_for(300ms);
        EXPECT_EQ(service->stop(SIGTERM), 0) << service->log();
        EXPECT_EQ(fs::exists(registry), stream) << registry;
    }
}

TEST_F(ServiceStreams, MissingForcedEncoderFailsClearly) {
    // A candidate this machine cannot use (no plugin or no device).
    std::string missing;
    for (const char* name : {"nvh264enc", "vah264enc", "vaapih264enc", "v4l2h264enc"}) {
        std::unique_ptr<GstElementFactory, GstObjectUnref> factory(gst_element_factory_find(name));
        if (!factory) {
            missing = name;
            break;
        }
    }
    if (missing.empty()) {
        GTEST_SKIP() << "every hardware encoder's plugin is installed here";
    }
    ChildProcess service(command({"--encoder", missing, "--record", (dir_ / "x.mkv").string()}));
    EXPECT_EQ(service.wait_exit(20s), 1) << service.log();
    EXPECT_NE(service.log().find("forced encoder " + missing + " is not usable"), std::string::npos)
        << service.log();
}

TEST_F(ServiceStreams, RtspOffLoopbackWithoutCredentialsIsRefused) {
    ChildProcess service(command({"--rtsp", "0.0.0.0:" + std::to_string(free_loopback_port())}));
    EXPECT_EQ(service.wait_exit(20s), 1) << service.log();
    EXPECT_NE(service.log().find("refusing to serve RTSP on 0.0.0.0"), std::string::npos)
        << service.log();
    EXPECT_NE(service.log().find("--rtsp-credentials-file"), std::string::npos) << service.log();
}

TEST_F(ServiceStreams, BadStreamArgumentsExit2) {
    const fs::path no_colon = dir_ / "no-colon";
    std::ofstream(no_colon) << "justapassword\n";
    ::chmod(no_colon.c_str(), 0600);
    const std::vector<std::vector<std::string>> cases = {
        {"--record", "desktop.avi"},
        {"--encoder", "nosuchenc", "--record", "x.mkv"},
        {"--encoder", "x264enc"},
        {"--rtp", "nowhere"},
        {"--rtp", "127.0.0.1:0"},
        {"--rtsp", "127.0.0.1"},
        {"--stream-fps", "0"},
        {"--stream-fps", "1000", "--record", "x.mkv"},
        {"--gst-pipeline", " "},
        {"--rtsp-credentials-file", no_colon.string()},
        {"--rtsp", "127.0.0.1:8554", "--rtsp-credentials-file", no_colon.string()},
        {"--record"},
    };
    for (const auto& args : cases) {
        std::vector<std::string> argv{program("fbexportd")};
        argv.insert(argv.end(), args.begin(), args.end());
        ChildProcess service(argv);
        EXPECT_EQ(service.wait_exit(10s), 2)
            << args[0] << " " << (args.size() > 1 ? args[1] : "") << "\n"
            << service.log();
        EXPECT_NE(service.log().find("Try 'fbexportd --help'"), std::string::npos) << service.log();
    }
}

TEST_F(ServiceStreams, HelpExplainsEveryStreamOptionWithAnExample) {
    const CommandResult help = run_command(program("fbexportd") + " --help");
    ASSERT_EQ(help.status, 0) << help.output;
    for (const char* text :
         {"--encoder NAME", "e.g. --encoder x264enc", "--record FILE", "e.g. --record desktop.mkv",
          "--rtp HOST:PORT", "e.g. --rtp 127.0.0.1:5004", "--rtsp ADDR:PORT",
          "--rtsp 127.0.0.1:8554", "--gst-pipeline TAIL", "--stream-fps N", "e.g. --stream-fps 15",
          "user-pw=secret", "--rtsp-credentials-file FILE", "--http ADDR:PORT",
          "--http 127.0.0.1:6080"}) {
        EXPECT_NE(help.output.find(text), std::string::npos) << text << "\n" << help.output;
    }
}

}  // namespace
}  // namespace fbx::test
