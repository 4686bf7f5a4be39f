#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fbexport/pixel_format.hpp"
#include "pattern.hpp"

namespace vgpu {

// The guest-visible registers of one plane (VGPU_PLANE_* in the UAPI): what a
// driver programs before a commit. Raw values, so tests can program invalid ones.
struct PlaneConfig {
    bool enable = false;
    std::uint32_t format = 0;  // DRM fourcc
    std::uint64_t modifier = 0;
    std::uint64_t offset = 0;  // bytes from the start of VRAM (or of GTT space)
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;
    std::int32_t pos_x = 0;
    std::int32_t pos_y = 0;
    std::uint32_t hot_x = 0;
    std::uint32_t hot_y = 0;
    std::uint32_t memory = 0;  // VGPU_MEMORY_VRAM or VGPU_MEMORY_GTT

    friend bool operator==(const PlaneConfig&, const PlaneConfig&) = default;
};

// The smallest stride the device accepts for `width` pixels: a row rounded up
// to 4 bytes (linear) or to the tile width (X: 512, Y: 128).
std::uint32_t valid_stride(const fbx::PixelFormat& format, fbx::Tiling tiling, std::uint32_t width);

// Bytes the device reserves for a surface: stride x height rounded up to whole
// tile rows, then to whole pages (what the dma-buf covers).
std::uint64_t surface_bytes(fbx::Tiling tiling, std::uint32_t stride, std::uint32_t height);

// An enabled, valid plane of `width` x `height` at `offset` with the smallest stride.
PlaneConfig make_plane(const fbx::PixelFormat& format, const fbx::Modifier& modifier,
                       std::uint32_t width, std::uint32_t height, std::uint64_t offset);

// The Surface a plane describes, for drawing into or reading from `base`
// (which holds the plane's first byte, `capacity` bytes long). Returns nothing
// when the plane's format or modifier is not one the project knows.
std::optional<Surface> plane_surface(const PlaneConfig& plane, std::uint8_t* base,
                                     std::size_t capacity);

// "XRGB8888 x-tiled 640x480 stride 2560 at 0x0" for messages and test names.
std::string describe(const PlaneConfig& plane);

}  // namespace vgpu
