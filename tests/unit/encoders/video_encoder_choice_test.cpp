#include "encoders/video_encoder_choice.hpp"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

// A probe that accepts exactly the elements in `usable`.
EncoderProbe only(std::set<std::string> usable) {
    return [usable = std::move(usable)](std::string_view element) -> std::optional<std::string> {
        if (usable.count(std::string(element))) {
            return std::nullopt;
        }
        return "not here (test)";
    };
}

TEST(VideoEncoderChoice, HardwareComesFirstThenX264ThenOpenh264ThenVp8) {
    std::vector<std::string> order;
    for (const auto& c : encoder_candidates()) {
        order.emplace_back(c.element);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"vah264enc", "vaapih264enc", "nvh264enc",
                                               "v4l2h264enc", "x264enc", "openh264enc", "vp8enc"}));
    for (std::size_t i = 0; i < encoder_candidates().size(); ++i) {
        EXPECT_EQ(encoder_candidates()[i].hardware, i < 4) << order[i];
    }
}

TEST(VideoEncoderChoice, PrefersHardwareWhenItOpens) {
    const EncoderChoice choice = choose_video_encoder(only({"nvh264enc", "x264enc"}));
    EXPECT_EQ(choice.element, "nvh264enc");
    EXPECT_TRUE(choice.hardware);
    EXPECT_EQ(choice.parser, "h264parse");
    EXPECT_EQ(choice.payloader, "rtph264pay");
    ASSERT_EQ(choice.skipped.size(), 2u);
    EXPECT_EQ(choice.skipped[0].first, "vah264enc");
    EXPECT_EQ(choice.skipped[1].first, "vaapih264enc");
    EXPECT_EQ(choice.skipped[1].second, "not here (test)");
}

TEST(VideoEncoderChoice, FallsBackToX264WithLowLatencySettings) {
    const EncoderChoice choice = choose_video_encoder(only({"x264enc", "openh264enc", "vp8enc"}));
    EXPECT_EQ(choice.element, "x264enc");
    EXPECT_FALSE(choice.hardware);
    EXPECT_EQ(choice.skipped.size(), 4u);
    EXPECT_EQ(choice.launch_fragment(),
              "x264enc tune=zerolatency speed-preset=ultrafast ! h264parse");
}

TEST(VideoEncoderChoice, FallsBackToOpenh264ThenVp8) {
    EXPECT_EQ(choose_video_encoder(only({"openh264enc", "vp8enc"})).element, "openh264enc");
    const EncoderChoice vp8 = choose_video_encoder(only({"vp8enc"}));
    EXPECT_EQ(vp8.element, "vp8enc");
    EXPECT_EQ(vp8.codec, VideoCodec::vp8);
    EXPECT_EQ(vp8.parser, "");
    EXPECT_EQ(vp8.payloader, "rtpvp8pay");
    EXPECT_EQ(vp8.launch_fragment(), "vp8enc deadline=1");
}

TEST(VideoEncoderChoice, NothingUsableNamesEveryReason) {
    try {
        choose_video_encoder(only({}));
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("vah264enc: not here (test)"), std::string::npos) << what;
        EXPECT_NE(what.find("vp8enc: not here (test)"), std::string::npos) << what;
    }
}

TEST(VideoEncoderChoice, ForceTakesThatOneOnly) {
    const EncoderChoice choice = choose_video_encoder(only({"x264enc", "vp8enc"}), "vp8enc");
    EXPECT_EQ(choice.element, "vp8enc");
    EXPECT_TRUE(choice.skipped.empty());
    EXPECT_THROW(choose_video_encoder(only({"x264enc"}), "vp8enc"), Error);
    EXPECT_THROW(choose_video_encoder(only({"x264enc"}), "ffmpegenc"), Error);
}

// The real registry of this machine: the software encoder setup-deps.sh
// installs is found, and hardware encoders without a device are skipped with
// a reason.
TEST(VideoEncoderChoice, RealRegistryFindsAnInstalledEncoder) {
    const EncoderChoice choice = choose_video_encoder();
    const auto probed = probe_encoder_element(choice.element);
    EXPECT_FALSE(probed.has_value()) << *probed;
    for (const auto& [element, reason] : choice.skipped) {
        EXPECT_FALSE(reason.empty()) << element;
    }
    EXPECT_EQ(probe_encoder_element("x264enc"), std::nullopt)
        << "x264enc (gstreamer1.0-plugins-ugly) should be installed by tools/setup-deps.sh";
    const auto missing = probe_encoder_element("no-such-encoder-element");
    ASSERT_TRUE(missing.has_value());
    EXPECT_NE(missing->find("no such element"), std::string::npos);
}

}  // namespace
}  // namespace fbx

// GStreamer is set up once for the run and torn down at its end, so
// LeakSanitizer sees its caches freed; as a test environment, so that merely
// listing the tests (CTest's discovery) starts no GStreamer.
class GStreamerEnvironment : public testing::Environment {
public:
    void SetUp() override { gst_init(nullptr, nullptr); }
    void TearDown() override { gst_deinit(); }
};

// GLib's type system, GStreamer's registry and the plugins it loads allocate
// once per process and keep that until exit, even past gst_deinit(). Read by
// LeakSanitizer in sanitizer builds, unused otherwise.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libglib-2.0.so\n"
           "leak:libgobject-2.0.so\n"
           "leak:libgstreamer-1.0.so\n"
           "leak:/gstreamer-1.0/\n";
}

int main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    // A registry cache of the build tree's own, never the user's.
    setenv("GST_REGISTRY", FBEXPORT_GST_UNIT_REGISTRY, 1);
    testing::AddGlobalTestEnvironment(new GStreamerEnvironment);  // gtest owns it
    return RUN_ALL_TESTS();
}
