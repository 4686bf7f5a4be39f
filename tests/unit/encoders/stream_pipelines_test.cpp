#include "encoders/stream_pipelines.hpp"

#include <gtest/gtest.h>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

EncoderChoice x264() {
    EncoderChoice c;
    c.element = "x264enc";
    c.properties = {{"tune", "zerolatency"}, {"speed-preset", "ultrafast"}};
    c.parser = "h264parse";
    c.payloader = "rtph264pay";
    return c;
}

EncoderChoice vp8() {
    EncoderChoice c;
    c.element = "vp8enc";
    c.codec = VideoCodec::vp8;
    c.properties = {{"deadline", "1"}};
    c.payloader = "rtpvp8pay";
    return c;
}

TEST(StreamPipelines, ContainerComesFromTheExtension) {
    EXPECT_EQ(container_for("a/desktop.mkv"), Container::matroska);
    EXPECT_EQ(container_for("DESKTOP.MP4"), Container::mp4);
    EXPECT_EQ(container_for("x.webm"), Container::webm);
    EXPECT_THROW(container_for("x.avi"), Error);
    EXPECT_THROW(container_for("mkv"), Error);
    EXPECT_THROW(check_container_holds(Container::mp4, VideoCodec::vp8, "x.mp4"), Error);
    EXPECT_THROW(check_container_holds(Container::webm, VideoCodec::h264, "x.webm"), Error);
    EXPECT_NO_THROW(check_container_holds(Container::matroska, VideoCodec::vp8, "x.mkv"));
}

TEST(StreamPipelines, AppsrcQueueIsBoundedAndLeaky) {
    const std::string src = appsrc_fragment(2);
    EXPECT_NE(src.find("name=src"), std::string::npos);
    EXPECT_NE(src.find("leaky-type=downstream"), std::string::npos);
    EXPECT_NE(src.find("max-buffers=2"), std::string::npos);
    EXPECT_NE(src.find("block=false"), std::string::npos);
    EXPECT_NE(src.find("is-live=true"), std::string::npos);
}

TEST(StreamPipelines, RecordAndRtpShareOneEncoder) {
    StreamOptions options;
    options.record = "d.mp4";
    options.rtp = RtpDestination{"127.0.0.1", 5004};
    const std::string text = encoded_pipeline_description(options, x264(), 1920, 1080);
    EXPECT_NE(text.find("format={NV12,I420},width=1920,height=1080"), std::string::npos) << text;
    EXPECT_NE(text.find("x264enc name=encoder tune=zerolatency speed-preset=ultrafast ! h264parse"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("x264enc", text.find("x264enc") + 1), std::string::npos) << text;
    EXPECT_NE(text.find("mp4mux ! filesink name=file"), std::string::npos) << text;
    EXPECT_NE(text.find("rtph264pay config-interval=-1 pt=96 ! udpsink name=udp"),
              std::string::npos)
        << text;
}

TEST(StreamPipelines, Vp8HasNoParserAndRefusesMp4) {
    StreamOptions options;
    options.record = "d.webm";
    const std::string text = encoded_pipeline_description(options, vp8(), 640, 400);
    EXPECT_NE(text.find("vp8enc name=encoder deadline=1 ! tee"), std::string::npos) << text;
    EXPECT_NE(text.find("webmmux"), std::string::npos) << text;
    options.record = "d.mp4";
    EXPECT_THROW(encoded_pipeline_description(options, vp8(), 640, 400), Error);
}

TEST(StreamPipelines, RtspMediaIsABinWithPay0) {
    const std::string text = rtsp_media_description(x264(), 1280, 720);
    EXPECT_EQ(text.front(), '(');
    EXPECT_EQ(text.back(), ')');
    EXPECT_NE(text.find("rtph264pay name=pay0 pt=96"), std::string::npos) << text;
}

TEST(StreamPipelines, CustomTailFollowsTheAppsrc) {
    EXPECT_EQ(custom_pipeline_description("videoconvert ! autovideosink"),
              appsrc_fragment(2) + " ! videoconvert ! autovideosink");
    EXPECT_EQ(raw_video_caps(640, 400, 30),
              "video/x-raw,format=BGRx,width=640,height=400,framerate=30/1,pixel-aspect-ratio=1/1");
}

}  // namespace
}  // namespace fbx
