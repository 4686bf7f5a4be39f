// VideoStreams, the encoders layer's stream fan-out, fed both ways the
// service feeds it: BGRx (converted by the pipeline's videoconvert) and NV12
// (made once by the GL path; here by the CPU's rgb_to_nv12, the reference
// the GL path's output is tested against). A real x264enc records to
// Matroska, a real decoder reads it back: the pictures, cursor included,
// must come out at PSNR >= 35 dB, a mode change in the middle must keep the
// file's size, and each stream must say whether videoconvert converted.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "display/cursor_image.hpp"
#include "display/nv12_image.hpp"
#include "display/shadow_framebuffer.hpp"
#include "encoders/video_streams.hpp"
#include "fbexport/error.hpp"
#include "gst_test_support.hpp"

namespace fbx {

// For test names and messages: what gtest prints for a parameter.
void PrintTo(RawFormat format, std::ostream* os) {
    *os << (format == RawFormat::nv12 ? "NV12" : "BGRx");
}

namespace test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Four coloured quadrants with a gradient across the top half: flat areas an
// encoder keeps well, and edges that show a chroma or scaling mistake.
ShadowFramebuffer quadrants(std::uint32_t width, std::uint32_t height) {
    ShadowFramebuffer picture(width, height);
    for (std::uint32_t y = 0; y < height; ++y) {
        for (std::uint32_t x = 0; x < width; ++x) {
            const bool right = x >= width / 2;
            const bool bottom = y >= height / 2;
            const std::uint32_t shade = 255 * x / width;
            picture.at(x, y) = !bottom ? (right ? 0x00c020 | shade << 16 : 0xd02000 | shade)
                                       : (right ? 0x808080 : 0x2040e0);
        }
    }
    return picture;
}

CursorImage white_box(std::uint32_t size) {
    CursorImage cursor;
    cursor.width = cursor.height = size;
    cursor.argb.assign(std::size_t{size} * size, 0xffffffff);
    return cursor;
}

std::vector<std::uint32_t> pixels_of(const ShadowFramebuffer& picture) {
    return {picture.pixels(), picture.pixels() + std::size_t{picture.width()} * picture.height()};
}

class VideoStreamsTest : public testing::TestWithParam<RawFormat> {
protected:
    static void SetUpTestSuite() {
        use_build_tree_plugin();
        gst_init(nullptr, nullptr);
    }
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("video_streams_test." + std::to_string(getpid()) + "." +
                                            std::to_string(static_cast<int>(GetParam())));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Pushes `count` frames of `picture` with the cursor at (x, y), 30 a second.
    void push(VideoStreams& streams, const ShadowFramebuffer& picture, const CursorImage& cursor,
              std::int32_t x, std::int32_t y, int count) {
        Nv12Image nv12;
        if (GetParam() == RawFormat::nv12) {
            rgb_to_nv12(picture, nv12);
        }
        for (int i = 0; i < count; ++i) {
            if (GetParam() == RawFormat::nv12) {
                streams.push(nv12, picture, &cursor, x, y, VideoStreams::clock_now());
            } else {
                streams.push(picture, &cursor, x, y, VideoStreams::clock_now());
            }
            std::this_thread::sleep_for(33ms);
        }
    }

    fs::path dir_;
};

TEST_P(VideoStreamsTest, RecordingDecodesToThePicturesAcrossAModeChange) {
    const fs::path file = dir_ / "streams.mkv";
    StreamOptions options;
    options.encoder = "x264enc";
    options.record = file.string();
    std::string error;
    VideoStreams streams(
        options, 320, 240, [&](const std::string& message) { error = message; }, {}, {},
        GetParam());
    ASSERT_EQ(streams.input(), GetParam());
    // Frames are taken once the pipeline plays: wait for it.
    const ShadowFramebuffer big = quadrants(320, 240);
    const ShadowFramebuffer small = quadrants(160, 120);
    const CursorImage cursor = white_box(16);
    for (int i = 0; i < 100 && streams.statistics().at(0).pushed == 0; ++i) {
        push(streams, big, cursor, 101, 51, 1);
    }
    ASSERT_GT(streams.statistics().at(0).pushed, 0u) << "the recording never started playing";
    push(streams, big, cursor, 101, 51, 15);
    push(streams, small, cursor, 31, 21, 15);  // a mode change: the file stays 320x240
    streams.finish();
    EXPECT_EQ(error, "");

    const auto rows = streams.statistics();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].dropped, 0u);
    EXPECT_EQ(rows[0].encoded, rows[0].pushed);
    ASSERT_TRUE(rows[0].converted.has_value());
    // NV12 reaches x264enc as it is; BGRx needs videoconvert's work.
    EXPECT_EQ(*rows[0].converted, GetParam() == RawFormat::bgrx);

    EXPECT_TRUE(is_video(discover(file.string()), 320, 240, "30/1"));
    ShadowFramebuffer with_cursor = quadrants(320, 240);
    compose_cursor(cursor, 101, 51, with_cursor);
    const std::vector<std::uint32_t> first = through_420(pixels_of(with_cursor), 320, 240);
    ShadowFramebuffer small_with_cursor = quadrants(160, 120);
    compose_cursor(cursor, 31, 21, small_with_cursor);
    // The small mode, scaled back up by the pipeline as it was recorded.
    std::vector<std::uint32_t> second(320 * 240);
    for (std::uint32_t y = 0; y < 240; ++y) {
        for (std::uint32_t x = 0; x < 320; ++x) {
            second[y * 320 + x] = small_with_cursor.at(x / 2, y / 2);
        }
    }

    PipelinePtr decode = play_decoded("filesrc location=" + file.string(), &error);
    ASSERT_TRUE(decode) << error;
    ElementPtr sink = by_name(decode.get(), "sink");
    int big_frames = 0;
    int small_frames = 0;
    double worst_big = 99;
    double worst_small = 99;
    while (
        SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 5 * GST_SECOND)}) {
        const Picture picture = picture_of(sample.get());
        ASSERT_EQ(picture.width, 320u);
        ASSERT_EQ(picture.height, 240u);
        const double as_big = psnr(first, picture);
        const double as_small = psnr(second, picture);
        if (as_big >= as_small) {
            ++big_frames;
            worst_big = std::min(worst_big, as_big);
            // The cursor's box alone: its white must be there.
            EXPECT_GE(psnr_in(first, picture, 101, 51, 16, 16), 30.0) << "cursor, first mode";
        } else {
            ++small_frames;
            worst_small = std::min(worst_small, as_small);
        }
    }
    EXPECT_GE(big_frames, 15);
    EXPECT_GE(small_frames, 10);
    EXPECT_GE(worst_big, 35.0);
    // Scaled by videoscale's bilinear filter, compared with nearest pixels.
    EXPECT_GE(worst_small, 28.0);
    RecordProperty("worst_psnr_first_mode", std::to_string(worst_big));
    RecordProperty("worst_psnr_second_mode", std::to_string(worst_small));
}

std::string input_name(const testing::TestParamInfo<RawFormat>& input) {
    return input.param == RawFormat::nv12 ? "Nv12" : "Bgrx";
}

INSTANTIATE_TEST_SUITE_P(Inputs, VideoStreamsTest,
                         testing::Values(RawFormat::bgrx, RawFormat::nv12), input_name);

TEST(VideoStreamsInput, RefusesTheOtherFormatAndNv12ForACustomPipeline) {
    gst_init(nullptr, nullptr);
    StreamOptions custom;
    custom.pipeline_tail = "fakesink";
    EXPECT_FALSE(VideoStreams::takes_nv12(custom));
    EXPECT_THROW(VideoStreams(custom, 64, 64, {}, {}, {}, RawFormat::nv12), Error);

    VideoStreams bgrx(custom, 64, 64, {}, {});
    Nv12Image nv12;
    nv12.resize(64, 64);
    const ShadowFramebuffer picture(64, 64);
    EXPECT_THROW(bgrx.push(nv12, picture, nullptr, 0, 0, VideoStreams::clock_now()), Error);
    bgrx.finish();
}

}  // namespace
}  // namespace test
}  // namespace fbx
