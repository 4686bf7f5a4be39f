// The cost of finding damage by comparison (fbx::TileComparer, what the
// generic VFIO source does on every poll) for a 1920x1080 XRGB8888 screen:
// one pass over an unchanged screen in each layout, one with a 256x256
// rectangle changed, and the machine's own memcmp of the same bytes as the
// reference the comparison cannot beat. Bytes per second are of the screen.
//
// Run: build/tests/bench/tile_compare_bench

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "fbexport/surface_layout.hpp"
#include "fbexport/tile_comparer.hpp"

namespace {

using namespace fbx;

constexpr std::uint32_t width = 1920;
constexpr std::uint32_t height = 1080;

TileGeometry geometry_of(Tiling tiling) {
    return {tiling, width, height, minimum_stride(tiling, width, 4), 4};
}

std::vector<std::uint8_t> screen(const TileGeometry& g) {
    std::vector<std::uint8_t> bytes(SurfaceLayout(g.tiling, g.stride, g.height).size_bytes());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<std::uint8_t>(i * 2654435761u >> 24);
    }
    return bytes;
}

void unchanged(benchmark::State& state, Tiling tiling) {
    const TileGeometry g = geometry_of(tiling);
    const std::vector<std::uint8_t> bytes = screen(g);
    TileComparer comparer;
    comparer.compare(g, bytes);
    for (auto _ : state) {
        benchmark::DoNotOptimize(comparer.compare(g, bytes));
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(bytes.size()));
}

// Every pass sees the rectangle changed again (its bytes flipped).
void rect_changed(benchmark::State& state, Tiling tiling) {
    const TileGeometry g = geometry_of(tiling);
    std::vector<std::uint8_t> bytes = screen(g);
    const SurfaceLayout layout(g.tiling, g.stride, g.height);
    TileComparer comparer;
    comparer.compare(g, bytes);
    std::size_t tiles = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (std::uint32_t y = 600; y < 856; ++y) {
            for (std::uint32_t x = 1000 * 4; x < 1256 * 4; ++x) {
                bytes[layout.byte_offset(x, y)] ^= 0xff;
            }
        }
        state.ResumeTiming();
        benchmark::DoNotOptimize(comparer.compare(g, bytes));
        tiles = comparer.damaged_tiles();
    }
    state.counters["damaged_tiles"] = double(tiles);
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(bytes.size()));
}

void memcmp_reference(benchmark::State& state) {
    const TileGeometry g = geometry_of(Tiling::linear);
    const std::vector<std::uint8_t> a = screen(g);
    const std::vector<std::uint8_t> b = a;
    for (auto _ : state) {
        benchmark::DoNotOptimize(std::memcmp(a.data(), b.data(), a.size()));
    }
    state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(a.size()));
}

BENCHMARK(memcmp_reference)->Name("memcmp_1920x1080_xrgb8888")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(unchanged, linear, Tiling::linear)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(unchanged, x_tiled, Tiling::intel_x)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(unchanged, y_tiled, Tiling::intel_y)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(rect_changed, linear_256x256, Tiling::linear)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(rect_changed, y_tiled_256x256, Tiling::intel_y)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
