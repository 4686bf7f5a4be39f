#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "fbexport/buffer.hpp"
#include "fbexport/memory_mapping.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/plane.hpp"

namespace fbx::test {

// Where byte `x_bytes` of row `y` lies in a surface, written from the Intel
// tiling definitions independently of fbx::SurfaceLayout, so the tests do not
// trust the code they check.
std::size_t tiled_byte_offset(Tiling tiling, std::uint32_t stride, std::uint32_t x_bytes,
                              std::uint32_t y);

// A plane's pixel as 0x00RRGGBB, decoded by hand from the raw value stored
// in the plane: what the converter must produce, X byte aside.
std::uint32_t expected_rgb(std::uint32_t fourcc, std::uint32_t raw);

// A raw pixel value that differs from its neighbours', so misplaced pixels show.
std::uint32_t pattern_pixel(std::uint32_t fourcc, std::uint32_t x, std::uint32_t y);

struct SurfaceSpec {
    std::uint32_t fourcc = 0;
    std::uint64_t modifier = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;  // 0: the smallest valid one
    std::uint64_t offset = 0;
    std::uint64_t buffer_size = 0;  // 0: offset + whole tile rows of stride
    std::uint32_t dmabuf_id = 1;
    PlaneKind kind = PlaneKind::primary;
};

// A stride `extra` bytes past the smallest valid one, rounded down to whole
// tiles for tiled layouts; linear strides also get an odd few pixels more, so
// rows do not all start equally aligned.
std::uint32_t padded_stride(const PixelFormat& format, const Modifier& modifier,
                            std::uint32_t width, std::uint32_t extra);

// A plane in a memfd, with a writable mapping to put pixels in it.
class TestSurface {
public:
    explicit TestSurface(const SurfaceSpec& spec);

    // Stores `raw` (little-endian, the format's size) at pixel (x, y).
    void set_raw(std::uint32_t x, std::uint32_t y, std::uint32_t raw);
    // Every pixel set to pattern_pixel().
    void fill_pattern();
    // Every pixel set to a random raw value of the format's size.
    void fill_random(std::mt19937& rng);

    const Plane& plane() const { return plane_; }
    Plane& plane() { return plane_; }

private:
    Tiling tiling_;
    std::uint32_t bytes_per_pixel_;
    MemoryMapping writable_;
    Plane plane_;
};

}  // namespace fbx::test
