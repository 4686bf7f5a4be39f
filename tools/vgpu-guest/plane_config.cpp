#include "plane_config.hpp"

#include "fbexport/surface_layout.hpp"
#include "hex_string.hpp"
#include "vgpu_mediator.h"

namespace vgpu {

std::uint32_t valid_stride(const fbx::PixelFormat& format, fbx::Tiling tiling,
                           std::uint32_t width) {
    const std::uint32_t align = tiling == fbx::Tiling::linear ? VGPU_LINEAR_STRIDE_ALIGN
                                                              : fbx::tile_shape(tiling).width_bytes;
    const std::uint32_t row = width * format.bytes_per_pixel;
    return (row + align - 1) / align * align;
}

std::uint64_t surface_bytes(fbx::Tiling tiling, std::uint32_t stride, std::uint32_t height) {
    const std::uint64_t bytes = fbx::SurfaceLayout(tiling, stride, height).size_bytes();
    return (bytes + VGPU_SURFACE_ALIGN - 1) / VGPU_SURFACE_ALIGN * VGPU_SURFACE_ALIGN;
}

PlaneConfig make_plane(const fbx::PixelFormat& format, const fbx::Modifier& modifier,
                       std::uint32_t width, std::uint32_t height, std::uint64_t offset) {
    PlaneConfig plane;
    plane.enable = true;
    plane.format = format.fourcc;
    plane.modifier = modifier.value;
    plane.offset = offset;
    plane.width = width;
    plane.height = height;
    plane.stride = valid_stride(format, modifier.tiling, width);
    return plane;
}

std::optional<Surface> plane_surface(const PlaneConfig& plane, std::uint8_t* base,
                                     std::size_t capacity) {
    const auto format = fbx::find_format(plane.format);
    const auto modifier = fbx::find_modifier(plane.modifier);
    if (!format || !modifier) {
        return std::nullopt;
    }
    return Surface{base,        capacity,     *format,     modifier->tiling,
                   plane.width, plane.height, plane.stride};
}

std::string describe(const PlaneConfig& plane) {
    return fbx::format_name(plane.format) + " " + fbx::modifier_name(plane.modifier) + " " +
           std::to_string(plane.width) + "x" + std::to_string(plane.height) + " stride " +
           std::to_string(plane.stride) + " at " + hex(plane.offset) +
           (plane.enable ? "" : " (disabled)");
}

}  // namespace vgpu
