// The conversion paths against the machine's own memcpy, in one run: each
// conversion (the pixman reference, the fast CPU path on one core and on
// all cores, the GL path) reports GB/s of source bytes and its ratio to
// memcpy of a buffer of the same size, measured here; a 64x64 damage is
// timed against a full frame, so damage-limited cost shows as a ratio too.
//
// The GL path is timed by the wall clock (its work runs on the GPU, or on
// llvmpipe's threads). Its upload / detile / readback split comes from
// separate runs with glFinish() after each step, timed on the CPU around
// the step: GL timer queries are often missing (llvmpipe), and the split
// runs are not part of the GB/s figure, which the glFinish calls would slow.
// Where no EGL/GLES 3 context opens, the GL rows are left out and the
// reason is printed.
//
// Run: build/tests/bench/converter_bench

#include <benchmark/benchmark.h>
#include <drm_fourcc.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "display/cpu_converter.hpp"
#include "display/gl_converter.hpp"
#include "display/nv12_image.hpp"
#include "display/reference_converter.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/demo_source.hpp"
#include "fbexport/error.hpp"

namespace {

using namespace fbx;
// Single-core figures use this thread's CPU time, so other work on a busy
// machine does not count against them; multi-core figures use wall time.
struct ThreadCpuClock {
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<ThreadCpuClock, duration>;
    static time_point now() {
        timespec ts{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return time_point(duration(std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec));
    }
};
using Clock = ThreadCpuClock;
using WallClock = std::chrono::steady_clock;

// A demo frame in the given layout, rendered once; the source owns its buffer.
struct Surface {
    std::unique_ptr<DemoSource> source;
    Frame frame;
};

Surface make_surface(std::uint32_t width, std::uint32_t height, std::uint64_t modifier) {
    DemoOptions options;
    options.width = width;
    options.height = height;
    options.modifier = modifier;
    options.clock = [] { return std::uint64_t{1000}; };
    Surface s{std::make_unique<DemoSource>(options), {}};
    s.frame = *s.source->poll();
    return s;
}

// Seconds per call of `work`, over at least `budget`.
template <typename F>
double seconds_per_call(F&& work, std::chrono::milliseconds budget) {
    work();  // fault pages in, warm caches as the real loop would
    const auto start = Clock::now();
    long rounds = 0;
    while (Clock::now() - start < budget) {
        work();
        benchmark::ClobberMemory();
        ++rounds;
    }
    return std::chrono::duration<double>(Clock::now() - start).count() / double(rounds);
}

// memcpy of `bytes`: the reference every conversion is compared with.
double memcpy_seconds(std::size_t bytes) {
    std::vector<std::uint8_t> from(bytes, 1), to(bytes, 0);
    return seconds_per_call([&] { std::memcpy(to.data(), from.data(), bytes); },
                            std::chrono::milliseconds{300});
}

// Runs the benchmark loop and returns seconds per iteration, by `C`.
template <typename C = Clock, typename F>
double timed_loop(benchmark::State& state, F&& work) {
    const auto start = C::now();
    for (auto _ : state) {
        work();
        benchmark::ClobberMemory();
    }
    return std::chrono::duration<double>(C::now() - start).count() / double(state.iterations());
}

// `all_cores`: time by the wall clock, as work spread over threads must be.
template <typename Converter>
void convert_full(benchmark::State& state, Converter&& converter, std::uint32_t width,
                  std::uint32_t height, std::uint64_t modifier, bool all_cores = false) {
    Surface s = make_surface(width, height, modifier);
    ShadowFramebuffer out(width, height);
    const Rect all = out.bounds();
    const std::size_t bytes = std::size_t{width} * height * 4;
    const auto work = [&] {
        converter.convert(s.frame.primary, std::span<const Rect>(&all, 1), out);
    };
    const double seconds =
        all_cores ? timed_loop<WallClock>(state, work) : timed_loop<Clock>(state, work);
    const double reference = memcpy_seconds(bytes);
    state.counters["GB/s"] = double(bytes) / seconds / 1e9;
    state.counters["memcpy_GB/s"] = double(bytes) / reference / 1e9;
    state.counters["vs_memcpy"] = reference / seconds;
}

void convert_small_damage(benchmark::State& state, std::uint32_t width, std::uint32_t height,
                          std::uint64_t modifier) {
    Surface s = make_surface(width, height, modifier);
    ShadowFramebuffer out(width, height);
    CpuConverter converter(1);
    const Rect all = out.bounds();
    const Rect damage{static_cast<std::int32_t>(width / 2), static_cast<std::int32_t>(height / 2),
                      64, 64};
    const double seconds = timed_loop(
        state, [&] { converter.convert(s.frame.primary, std::span<const Rect>(&damage, 1), out); });
    const double full = seconds_per_call(
        [&] { converter.convert(s.frame.primary, std::span<const Rect>(&all, 1), out); },
        std::chrono::milliseconds{300});
    state.counters["us"] = seconds * 1e6;
    state.counters["full_frame_us"] = full * 1e6;
    state.counters["vs_full_frame"] = seconds / full;  // target <= 0.01
}

// The GL path over the whole frame: GB/s against memcpy, and where the time goes.
void gl_full(benchmark::State& state, GlConverter& gl, std::uint32_t width, std::uint32_t height,
             std::uint64_t modifier) {
    Surface s = make_surface(width, height, modifier);
    ShadowFramebuffer out(width, height);
    const Rect all = out.bounds();
    const std::size_t bytes = std::size_t{width} * height * 4;
    const auto work = [&] { gl.convert(s.frame.primary, std::span<const Rect>(&all, 1), out); };
    work();  // texture and PBO allocation happen once, not per frame
    const double seconds = timed_loop<WallClock>(state, work);
    const double reference = memcpy_seconds(bytes);

    constexpr int split_runs = 5;
    GlConverter::StepTimes sum;
    gl.set_step_timing(true);
    for (int i = 0; i < split_runs; ++i) {
        work();
        sum.upload_s += gl.last_step_times().upload_s;
        sum.draw_s += gl.last_step_times().draw_s;
        sum.readback_s += gl.last_step_times().readback_s;
    }
    gl.set_step_timing(false);
    state.counters["GB/s"] = double(bytes) / seconds / 1e9;
    state.counters["memcpy_GB/s"] = double(bytes) / reference / 1e9;
    state.counters["vs_memcpy"] = reference / seconds;
    // Milliseconds per frame, CPU-timed around each step with glFinish.
    state.counters["upload_ms"] = sum.upload_s / split_runs * 1e3;
    state.counters["detile_ms"] = sum.draw_s / split_runs * 1e3;
    state.counters["readback_ms"] = sum.readback_s / split_runs * 1e3;
}

void gl_small_damage(benchmark::State& state, GlConverter& gl, std::uint32_t width,
                     std::uint32_t height, std::uint64_t modifier) {
    Surface s = make_surface(width, height, modifier);
    ShadowFramebuffer out(width, height);
    const Rect all = out.bounds();
    const Rect damage{static_cast<std::int32_t>(width / 2), static_cast<std::int32_t>(height / 2),
                      64, 64};
    gl.convert(s.frame.primary, std::span<const Rect>(&all, 1), out);
    const double seconds = timed_loop<WallClock>(
        state, [&] { gl.convert(s.frame.primary, std::span<const Rect>(&damage, 1), out); });
    double full = 0;
    for (int i = 0; i < 5; ++i) {
        const auto start = WallClock::now();
        gl.convert(s.frame.primary, std::span<const Rect>(&all, 1), out);
        full += std::chrono::duration<double>(WallClock::now() - start).count() / 5;
    }
    state.counters["us"] = seconds * 1e6;
    state.counters["full_frame_us"] = full * 1e6;
    state.counters["vs_full_frame"] = seconds / full;
}

void gl_nv12(benchmark::State& state, GlConverter& gl, std::uint32_t width, std::uint32_t height,
             std::uint64_t modifier) {
    Surface s = make_surface(width, height, modifier);
    Nv12Image out;
    const double seconds =
        timed_loop<WallClock>(state, [&] { gl.convert_nv12(s.frame.primary, out); });
    state.counters["ms"] = seconds * 1e3;
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    std::unique_ptr<GlConverter> gl;
    try {
        gl = std::make_unique<GlConverter>();
        std::printf("GL path: %s\n", gl->describe().c_str());
    } catch (const Error& e) {
        std::printf("GL path left out: %s\n", e.what());
    }
    for (const auto& [w, h] : {std::pair{1920u, 1080u}, std::pair{3840u, 2160u}}) {
        for (const auto& m : supported_modifiers()) {
            const std::string size = std::to_string(w) + "x" + std::to_string(h);
            const std::string layout(m.name);
            benchmark::RegisterBenchmark(("reference/" + size + "/" + layout).c_str(),
                                         [=](benchmark::State& st) {
                                             convert_full(st, ReferenceConverter(), w, h, m.value);
                                         })
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(
                ("fast_1_core/" + size + "/" + layout).c_str(),
                [=](benchmark::State& st) { convert_full(st, CpuConverter(1), w, h, m.value); })
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark(("fast_all_cores/" + size + "/" + layout).c_str(),
                                         [=](benchmark::State& st) {
                                             convert_full(st, CpuConverter(), w, h, m.value, true);
                                         })
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
            benchmark::RegisterBenchmark(("convert_64x64/" + size + "/" + layout).c_str(),
                                         convert_small_damage, w, h, m.value)
                ->Unit(benchmark::kMicrosecond);
            if (gl) {
                GlConverter* g = gl.get();
                benchmark::RegisterBenchmark(
                    ("gl/" + size + "/" + layout).c_str(),
                    [=](benchmark::State& st) { gl_full(st, *g, w, h, m.value); })
                    ->Unit(benchmark::kMillisecond)
                    ->UseRealTime();
                benchmark::RegisterBenchmark(("gl_64x64/" + size + "/" + layout).c_str(),
                                             gl_small_damage, std::ref(*g), w, h, m.value)
                    ->Unit(benchmark::kMicrosecond)
                    ->UseRealTime();
            }
        }
        if (gl) {
            benchmark::RegisterBenchmark(
                ("gl_nv12/" + std::to_string(w) + "x" + std::to_string(h) + "/x-tiled").c_str(),
                gl_nv12, std::ref(*gl), w, h, I915_FORMAT_MOD_X_TILED)
                ->Unit(benchmark::kMillisecond)
                ->UseRealTime();
        }
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    gl.reset();  // before static destructors: the GL objects need the context
    return 0;
}
