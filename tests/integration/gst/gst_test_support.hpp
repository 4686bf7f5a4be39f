#pragma once

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace fbx::test {

// Points GStreamer (and the tools the tests start) at the plugin in the build
// tree and a registry cache of the build tree's own. Before gst_init().
inline void use_build_tree_plugin() {
    setenv("GST_PLUGIN_PATH", FBEXPORT_GST_PLUGIN_DIR, 1);
    setenv("GST_REGISTRY", FBEXPORT_GST_REGISTRY, 1);
}

// Sole owners of one GStreamer reference each.
struct GstObjectUnref {
    void operator()(gpointer object) const { gst_object_unref(object); }
};
struct PipelineUnref {
    void operator()(GstElement* pipeline) const {
        gst_element_set_state(pipeline, GST_STATE_NULL);
        gst_object_unref(pipeline);
    }
};
struct SampleUnref {
    void operator()(GstSample* sample) const { gst_sample_unref(sample); }
};
struct MessageUnref {
    void operator()(GstMessage* message) const { gst_message_unref(message); }
};
using PipelinePtr = std::unique_ptr<GstElement, PipelineUnref>;
using ElementPtr = std::unique_ptr<GstElement, GstObjectUnref>;
using BusPtr = std::unique_ptr<GstBus, GstObjectUnref>;
using PadPtr = std::unique_ptr<GstPad, GstObjectUnref>;
using SamplePtr = std::unique_ptr<GstSample, SampleUnref>;
using MessagePtr = std::unique_ptr<GstMessage, MessageUnref>;

// gst_parse_launch, failing with the parser's message.
inline PipelinePtr launch(const std::string& description, std::string* error_text) {
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
    if (error) {
        *error_text = "gst_parse_launch(" + description + "): " + error->message;
        g_error_free(error);
        if (pipeline) {
            gst_object_unref(pipeline);
        }
        return nullptr;
    }
    return PipelinePtr(pipeline);
}

inline ElementPtr by_name(GstElement* pipeline, const char* name) {
    return ElementPtr(gst_bin_get_by_name(GST_BIN(pipeline), name));
}

// `source` (a gst-launch fragment giving encoded video, e.g. "filesrc
// location=F" or "rtspsrc location=URL latency=0") decoded to BGRx into an
// unsynchronised appsink named "sink", playing; null, with `error_text`
// saying why, when it does not parse or start.
inline PipelinePtr play_decoded(const std::string& source, std::string* error_text) {
    PipelinePtr pipeline = launch(source +
                                      " ! decodebin ! videoconvert ! video/x-raw,format=BGRx ! "
                                      "appsink name=sink sync=false",
                                  error_text);
    if (pipeline &&
        gst_element_set_state(pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        *error_text = "cannot play " + source;
        return nullptr;
    }
    return pipeline;
}

// The text of an error message: "message (debug info)".
inline std::string error_text(GstMessage* message) {
    GError* error = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(message, &error, &debug);
    std::string text =
        std::string(error ? error->message : "?") + " (" + (debug ? debug : "") + ")";
    if (error) {
        g_error_free(error);
    }
    g_free(debug);
    return text;
}

struct CommandResult {
    int status = -1;     // the exit status, -1 when the command could not run or was killed
    std::string output;  // stdout and stderr together
};

// Runs a shell command line; the GST_* variables CTest sets are inherited.
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (!pipe) {
        return result;
    }
    char chunk[4096];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) {
        result.output.append(chunk, n);
    }
    const int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

// What gst-discoverer-1.0 reads of a media file: its exit status, the
// first video stream's size and frame rate (0 and empty when it names none)
// and all it printed.
struct Discovered {
    int status = -1;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::string frame_rate;  // "30/1"
    std::string output;
};

inline Discovered discover(const std::string& file) {
    const CommandResult run = run_command("gst-discoverer-1.0 '" + file + "'");
    Discovered found{run.status, 0, 0, {}, run.output};
    std::smatch m;
    if (std::regex_search(run.output, m, std::regex(R"(Width: (\d+))"))) {
        found.width = std::uint32_t(std::stoul(m[1].str()));
    }
    if (std::regex_search(run.output, m, std::regex(R"(Height: (\d+))"))) {
        found.height = std::uint32_t(std::stoul(m[1].str()));
    }
    if (std::regex_search(run.output, m, std::regex(R"(Frame rate: (\d+/\d+))"))) {
        found.frame_rate = m[1].str();
    }
    return found;
}

// Whether the file gst-discoverer-1.0 read is a video of `width` x `height`
// at `frame_rate` ("30/1"; empty: any, but it must state one);
// EXPECT_TRUE(is_video(discover(file), 640, 400, "30/1")).
inline testing::AssertionResult is_video(const Discovered& found, std::uint32_t width,
                                         std::uint32_t height, const std::string& frame_rate = "") {
    if (found.status != 0 || found.width != width || found.height != height ||
        found.frame_rate.empty() || (!frame_rate.empty() && found.frame_rate != frame_rate)) {
        return testing::AssertionFailure()
               << "gst-discoverer-1.0 exited " << found.status << " and read " << found.width << "x"
               << found.height << " at "
               << (found.frame_rate.empty() ? "no frame rate" : found.frame_rate) << ", not "
               << width << "x" << height << " at "
               << (frame_rate.empty() ? "some frame rate" : frame_rate) << ":\n"
               << found.output;
    }
    return testing::AssertionSuccess();
}

// Mean squared error over the colour channels of XRGB8888 pixels, as PSNR in dB.
inline double psnr(const std::vector<std::uint32_t>& expected, const std::uint8_t* data,
                   gint stride, std::uint32_t width, std::uint32_t height) {
    double squared = 0;
    for (std::uint32_t y = 0; y < height; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(data + std::size_t(y) * stride);
        for (std::uint32_t x = 0; x < width; ++x) {
            const std::uint32_t a = expected[std::size_t(y) * width + x];
            const std::uint32_t b = row[x];
            for (int shift : {0, 8, 16}) {
                const double d = double((a >> shift) & 0xff) - double((b >> shift) & 0xff);
                squared += d * d;
            }
        }
    }
    const double mse = squared / (3.0 * width * height);
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// One decoded BGRx picture.
struct Picture {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint32_t> pixels;  // packed rows
};

// The picture in an appsink sample (BGRx), rows unpadded.
inline Picture picture_of(GstSample* sample) {
    Picture picture;
    GstVideoInfo info;
    if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample))) {
        return picture;
    }
    picture.width = GST_VIDEO_INFO_WIDTH(&info);
    picture.height = GST_VIDEO_INFO_HEIGHT(&info);
    picture.pixels.resize(std::size_t(picture.width) * picture.height);
    GstMapInfo map;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (!gst_buffer_map(buffer, &map, GST_MAP_READ)) {
        return {};
    }
    const gint stride = GST_VIDEO_INFO_PLANE_STRIDE(&info, 0);
    for (std::uint32_t y = 0; y < picture.height; ++y) {
        std::memcpy(&picture.pixels[std::size_t(y) * picture.width],
                    map.data + std::size_t(y) * stride, std::size_t(picture.width) * 4);
    }
    gst_buffer_unmap(buffer, &map);
    return picture;
}

// PSNR over the box (x, y, w, h) of the picture only: a small part that
// matters (a cursor) barely moves a whole frame's figure.
inline double psnr_in(const std::vector<std::uint32_t>& expected, const Picture& picture,
                      std::uint32_t x, std::uint32_t y, std::uint32_t w, std::uint32_t h) {
    std::vector<std::uint32_t> part;
    Picture box{w, h, {}};
    for (std::uint32_t r = y; r < y + h; ++r) {
        for (std::uint32_t c = x; c < x + w; ++c) {
            part.push_back(expected[std::size_t(r) * picture.width + c]);
            box.pixels.push_back(picture.pixels[std::size_t(r) * picture.width + c]);
        }
    }
    return psnr(part, reinterpret_cast<const std::uint8_t*>(box.pixels.data()), gint(w * 4), w, h);
}

inline double psnr(const std::vector<std::uint32_t>& expected, const Picture& picture) {
    return psnr(expected, reinterpret_cast<const std::uint8_t*>(picture.pixels.data()),
                gint(picture.width * 4), picture.width, picture.height);
}

// `reference` (XRGB8888) after the 4:2:0 subsampling every H.264 stream here
// goes through, done by GStreamer's own videoconvert there and back: what a
// perfect encoder would give back. Colour detail finer than 2x2 pixels (the
// demo's coloured text) cannot survive 4:2:0, so a stream is compared with
// this, and the PSNR measures what the encoder lost, not the chroma format.
inline std::vector<std::uint32_t> through_420(const std::vector<std::uint32_t>& reference,
                                              std::uint32_t width, std::uint32_t height) {
    std::string error;
    const std::string caps = "video/x-raw,format=BGRx,width=" + std::to_string(width) +
                             ",height=" + std::to_string(height) + ",framerate=30/1";
    PipelinePtr pipeline =
        launch("appsrc name=src format=time caps=\"" + caps +
                   "\" ! videoconvert ! video/x-raw,format=I420 ! videoconvert ! "
                   "video/x-raw,format=BGRx ! appsink name=sink sync=false",
               &error);
    if (!pipeline) {
        return {};
    }
    ElementPtr src = by_name(pipeline.get(), "src");
    ElementPtr sink = by_name(pipeline.get(), "sink");
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    GstBuffer* buffer = gst_buffer_new_memdup(reference.data(), reference.size() * 4);
    GST_BUFFER_PTS(buffer) = 0;
    gst_app_src_push_buffer(GST_APP_SRC(src.get()), buffer);
    gst_app_src_end_of_stream(GST_APP_SRC(src.get()));
    SamplePtr sample{gst_app_sink_try_pull_sample(GST_APP_SINK(sink.get()), 10 * GST_SECOND)};
    if (!sample) {
        return {};
    }
    return picture_of(sample.get()).pixels;
}

}  // namespace fbx::test
