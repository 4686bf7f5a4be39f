#include "tile_copy.hpp"

#include <algorithm>
#include <cstring>

#include <immintrin.h>

namespace fbx {
namespace {

// A tile as a row of columns: `column_bytes` wide, `rows` tall, each column
// stored contiguously (X tiles are one 512-byte column, Y tiles eight 16-byte
// ones), tiles 4 KiB each in row-major order.
struct TileGeometry {
    std::uint32_t width_bytes;
    std::uint32_t rows;
    std::uint32_t column_bytes;
};

TileGeometry geometry(Tiling tiling) {
    switch (tiling) {
        case Tiling::intel_x:
            return {512, 8, 512};
        case Tiling::intel_y:
            return {128, 32, 16};
        case Tiling::linear:
            break;
    }
    return {0, 0, 0};
}

// One contiguous run; the 16-byte case (every whole Y column) is a constant
// size the compiler turns into a single vector load and store.
inline void copy_run(std::uint8_t* dst, const std::uint8_t* src, std::uint32_t bytes) {
    if (bytes == 16) {
        std::memcpy(dst, src, 16);
    } else {
        std::memcpy(dst, src, bytes);
    }
}

// 16 bytes, through the cache or around it (a non-temporal store, for
// frames too large to stay in cache: it saves reading each destination line
// before overwriting it). Streaming needs a 16-byte aligned destination.
template <bool stream>
inline void copy16(std::uint8_t* dst, const std::uint8_t* src) {
    if constexpr (stream) {
        _mm_stream_si128(reinterpret_cast<__m128i*>(dst),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
    } else {
        std::memcpy(dst, src, 16);
    }
}

// A whole tile, written one output row at a time so every destination
// cache line is filled in one go, while the next tile is prefetched: the
// reads jump between columns, which the hardware prefetcher does not follow.
template <bool stream>
void copy_whole_tile(const std::uint8_t* src, TileGeometry tile, std::uint8_t* dst,
                     std::size_t dst_stride) {
    const std::uint8_t* next = src + 4096;
    const std::uint32_t lines_per_row = 4096 / 64 / tile.rows;
    for (std::uint32_t r = 0; r < tile.rows; ++r) {
        for (std::uint32_t l = 0; l < lines_per_row; ++l) {
            __builtin_prefetch(next + (r * lines_per_row + l) * 64);
        }
        std::uint8_t* out = dst + r * dst_stride;
        // X: a row is one contiguous column; Y: a row takes 16 bytes of each
        // of the 8 columns.
        const std::uint8_t* in = src + r * tile.column_bytes;
        const std::size_t column_size = std::size_t{tile.column_bytes} * tile.rows;
        for (std::uint32_t x = 0; x < tile.width_bytes; x += 16) {
            copy16<stream>(out + x,
                           in + x / tile.column_bytes * column_size + x % tile.column_bytes);
        }
    }
}

void copy_tiled(const std::uint8_t* surface, const SurfaceLayout& layout, TileGeometry tile,
                std::uint32_t x0, std::uint32_t x1, std::uint32_t y0, std::uint32_t y1,
                std::uint8_t* dst, std::size_t dst_stride, bool stream) {
    const std::size_t tiles_per_row = layout.stride() / tile.width_bytes;
    const std::size_t tile_bytes = std::size_t{tile.width_bytes} * tile.rows;
    const std::size_t column_size = std::size_t{tile.column_bytes} * tile.rows;
    for (std::uint32_t band = y0 / tile.rows * tile.rows; band < y1; band += tile.rows) {
        const std::uint32_t r0 = std::max(y0, band) - band;
        const std::uint32_t r1 = std::min(y1, band + tile.rows) - band;
        std::uint8_t* band_dst = dst + (std::size_t{band} + r0 - y0) * dst_stride;
        const std::uint8_t* band_src =
            surface + std::size_t{band / tile.rows} * tiles_per_row * tile_bytes;
        for (std::uint32_t tx = x0 / tile.width_bytes; tx * tile.width_bytes < x1; ++tx) {
            const std::uint32_t tile_x = tx * tile.width_bytes;
            const std::uint32_t t0 = std::max(x0, tile_x) - tile_x;
            const std::uint32_t t1 = std::min(x1, tile_x + tile.width_bytes) - tile_x;
            const std::uint8_t* tile_src = band_src + std::size_t{tx} * tile_bytes;
            std::uint8_t* tile_dst = band_dst + (tile_x + t0 - x0);
            if (t0 == 0 && t1 == tile.width_bytes && r0 == 0 && r1 == tile.rows) {
                if (stream) {
                    copy_whole_tile<true>(tile_src, tile, tile_dst, dst_stride);
                } else {
                    copy_whole_tile<false>(tile_src, tile, tile_dst, dst_stride);
                }
                continue;
            }
            for (std::uint32_t c = t0 / tile.column_bytes; c * tile.column_bytes < t1; ++c) {
                const std::uint32_t c0 = std::max(t0, c * tile.column_bytes);
                const std::uint32_t c1 = std::min(t1, (c + 1) * tile.column_bytes);
                const std::uint8_t* src = tile_src + c * column_size +
                                          (c0 - c * tile.column_bytes) +
                                          std::size_t{r0} * tile.column_bytes;
                std::uint8_t* out = band_dst + (tile_x + c0 - x0);
                for (std::uint32_t r = r0; r < r1; ++r) {
                    copy_run(out, src, c1 - c0);
                    src += tile.column_bytes;
                    out += dst_stride;
                }
            }
        }
    }
}

}  // namespace

void copy_detiled(const std::uint8_t* surface, const SurfaceLayout& layout, std::uint32_t x0_bytes,
                  std::uint32_t x1_bytes, std::uint32_t y0, std::uint32_t y1, std::uint8_t* dst,
                  std::size_t dst_stride, bool stream) {
    if (x1_bytes <= x0_bytes || y1 <= y0) {
        return;
    }
    if (layout.tiling() == Tiling::linear) {
        for (std::uint32_t y = y0; y < y1; ++y) {
            std::memcpy(dst + std::size_t{y - y0} * dst_stride,
                        surface + std::size_t{y} * layout.stride() + x0_bytes, x1_bytes - x0_bytes);
        }
        return;
    }
    // Whole tiles land at 16-byte aligned places only if the span starts on one.
    const bool aligned =
        (reinterpret_cast<std::uintptr_t>(dst) - x0_bytes % 16) % 16 == 0 && dst_stride % 16 == 0;
    const bool streaming = stream && aligned;
    copy_tiled(surface, layout, geometry(layout.tiling()), x0_bytes, x1_bytes, y0, y1, dst,
               dst_stride, streaming);
    if (streaming) {
        _mm_sfence();  // make the streamed stores visible before the caller goes on
    }
}

}  // namespace fbx
