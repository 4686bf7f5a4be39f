// What feeding the encoder costs per frame at 1920x1080, in one run, as a
// ratio to the way every encoding pipeline did it before the service made
// NV12 itself: the shadow copied into a BGRx stream buffer with the cursor,
// then videoconvert's BGRx -> NV12 on one thread. Against it, the service's
// NV12 made where the picture changed, copied into a stream buffer with the
// cursor blended in: on the CPU (update_nv12) and by the GL path
// (GlConverter::update_nv12), once with the whole picture changed and once
// with a 256x256 damage. The shadow's own conversion is the same in all and
// not counted.
//
// Each row gives wall and process CPU milliseconds a frame (process CPU
// counts llvmpipe's threads where the GL is software) and the ratio to the
// reference's CPU time. Where no EGL/GLES 3 context opens, the GL rows are
// left out and the reason is printed.
//
// Run: build/tests/bench/stream_input_bench

#include <gst/video/video.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "display/cpu_converter.hpp"
#include "display/cursor_nv12.hpp"
#include "display/gl_converter.hpp"
#include "display/nv12_image.hpp"
#include "display/nv12_update.hpp"
#include "display/pixman_image.hpp"
#include "fbexport/demo_source.hpp"
#include "fbexport/error.hpp"

namespace {

using namespace fbx;
constexpr std::uint32_t width = 1920;
constexpr std::uint32_t height = 1080;

double process_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Cost {
    double wall_ms = 0;
    double cpu_ms = 0;
};

// Per call of `work`, after a warm-up, over at least a second.
template <typename F>
Cost cost_of(F&& work) {
    work();
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_seconds();
    long rounds = 0;
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds{1}) {
        work();
        ++rounds;
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {wall / double(rounds) * 1e3,
            (process_cpu_seconds() - cpu_start) / double(rounds) * 1e3};
}

// A stream buffer of `format`, mapped for writing while it lives.
class StreamFrame {
public:
    explicit StreamFrame(GstVideoFormat format) {
        gst_video_info_set_format(&info_, format, width, height);
        buffer_ = gst_buffer_new_allocate(nullptr, info_.size, nullptr);
        if (!buffer_ || !gst_video_frame_map(&frame_, &info_, buffer_, GST_MAP_READWRITE)) {
            throw Error("cannot allocate a stream frame");
        }
    }
    StreamFrame(const StreamFrame&) = delete;
    StreamFrame& operator=(const StreamFrame&) = delete;
    ~StreamFrame() {
        gst_video_frame_unmap(&frame_);
        gst_buffer_unref(buffer_);
    }
    GstVideoFrame* frame() { return &frame_; }
    const GstVideoInfo* info() const { return &info_; }
    std::uint8_t* plane(int i) {
        return static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame_, i));
    }
    std::size_t stride(int i) const {
        return static_cast<std::size_t>(GST_VIDEO_FRAME_PLANE_STRIDE(&frame_, i));
    }

private:
    GstVideoInfo info_{};
    GstBuffer* buffer_ = nullptr;
    GstVideoFrame frame_{};
};

void print(const char* what, const Cost& cost, const Cost& reference) {
    std::printf("  %-44s %7.2f ms wall %7.2f ms CPU   x%.3f of the reference's CPU\n", what,
                cost.wall_ms, cost.cpu_ms, cost.cpu_ms / reference.cpu_ms);
}

}  // namespace

int main() {
    gst_init(nullptr, nullptr);
    DemoOptions options;
    options.width = width;
    options.height = height;
    options.clock = [] { return std::uint64_t{1000}; };
    DemoSource demo(options);
    const Frame frame = *demo.poll();
    const CursorImage cursor = convert_cursor(*frame.cursor);
    const std::int32_t cursor_x = frame.cursor->x;
    const std::int32_t cursor_y = frame.cursor->y;
    ShadowFramebuffer shadow(width, height);
    CpuConverter().convert(frame.primary, DamageRegion(shadow.bounds()), shadow);
    std::unique_ptr<GlConverter> gl;
    std::string no_gl;
    try {
        gl = std::make_unique<GlConverter>();
    } catch (const Error& e) {
        no_gl = e.what();
    }

    // The CPU path: what VideoStreams::push and an encoding pipeline's
    // videoconvert do with every frame.
    StreamFrame bgrx(GST_VIDEO_FORMAT_BGRx);
    StreamFrame nv12(GST_VIDEO_FORMAT_NV12);
    GstVideoConverter* converter = gst_video_converter_new(
        const_cast<GstVideoInfo*>(bgrx.info()), const_cast<GstVideoInfo*>(nv12.info()), nullptr);
    const PixmanImagePtr bgrx_image(pixman_image_create_bits(
        PIXMAN_x8r8g8b8, int(width), int(height), reinterpret_cast<std::uint32_t*>(bgrx.plane(0)),
        int(bgrx.stride(0))));
    const Cost cpu_path = cost_of([&] {
        for (std::uint32_t row = 0; row < height; ++row) {
            std::memcpy(bgrx.plane(0) + row * bgrx.stride(0), shadow.row(row), width * 4);
        }
        compose_cursor(cursor, cursor_x, cursor_y, bgrx_image.get());
        gst_video_converter_frame(converter, bgrx.frame(), nv12.frame());
    });
    gst_video_converter_free(converter);

    std::printf("Feeding the encoder, %ux%u, per frame:\n", width, height);
    print("BGRx copy + videoconvert to NV12 (reference)", cpu_path, cpu_path);
    const Rect all = shadow.bounds();
    const DamageRegion small(Rect{800, 400, 256, 256});
    Nv12Image picture;
    const Nv12Planes planes{width,          height,        nv12.plane(0),
                            nv12.stride(0), nv12.plane(1), nv12.stride(1)};
    const auto push_nv12 = [&] {
        copy_nv12(picture, planes);
        compose_cursor_nv12(cursor, cursor_x, cursor_y, shadow, planes);
    };
    const auto nv12_rows = [&](const char* full_name, const char* small_name, auto&& update) {
        print(full_name, cost_of([&] {
                  update(DamageRegion(all));
                  push_nv12();
              }),
              cpu_path);
        print(small_name, cost_of([&] {
                  update(small);
                  push_nv12();
              }),
              cpu_path);
    };
    nv12_rows("CPU NV12, whole picture changed", "CPU NV12, 256x256 changed",
              [&](const DamageRegion& damage) { update_nv12(shadow, damage, picture); });
    print("  of which the NV12 copy + cursor blocks", cost_of(push_nv12), cpu_path);
    if (!gl) {
        std::printf("  GL rows left out: %s\n", no_gl.c_str());
        return 0;
    }
    std::printf("  (GL: %s)\n", gl->describe().c_str());
    gl->convert(frame.primary, DamageRegion(all), shadow);
    nv12_rows("GL NV12, whole picture changed", "GL NV12, 256x256 changed",
              [&](const DamageRegion& damage) { gl->update_nv12(damage, picture); });
    return 0;
}
