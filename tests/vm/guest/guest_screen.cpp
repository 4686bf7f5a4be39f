#include "guest_screen.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"
#include "fbexport/unique_fd.hpp"
#include "pixel_encoding.hpp"
#include "vgpu_mediator.h"

namespace vmtest {
namespace {

// Guest RAM for GTT surfaces: above 4 GiB as a VMM would place it, as large
// as the small type's graphics space.
constexpr std::uint64_t guest_iova = 0x100000000ull;
constexpr std::size_t guest_ram_size = 16u << 20;

std::uint32_t xrgb_of(const vgpu::Color& c) {
    return std::uint32_t(c.r >> 8) << 16 | std::uint32_t(c.g >> 8) << 8 | std::uint32_t(c.b >> 8);
}

fbx::Tiling tiling_of(const vgpu::PlaneConfig& plane) {
    const auto modifier = fbx::find_modifier(plane.modifier);
    return modifier ? modifier->tiling : fbx::Tiling::linear;
}

}  // namespace

std::string memory_name(Memory memory) {
    return memory == Memory::gtt ? "gtt" : "vram";
}

std::string surface_case_name(const ::testing::TestParamInfo<SurfaceCase>& info) {
    const SurfaceCase& c = info.param;
    std::string name = std::string(c.format) + "_" + c.modifier + "_" + memory_name(c.memory);
    std::erase(name, '-');
    return name;
}

vgpu::GuestMemory& GuestSurfaces::guest_ram() {
    if (!ram_) {
        ram_ = std::make_unique<vgpu::GuestMemory>(device_.container(), guest_iova, guest_ram_size);
    }
    return *ram_;
}

vgpu::PlaneConfig GuestSurfaces::place(const fbx::PixelFormat& format,
                                       const fbx::Modifier& modifier, std::uint32_t width,
                                       std::uint32_t height, Memory memory, std::uint64_t offset) {
    vgpu::PlaneConfig plane = vgpu::make_plane(format, modifier, width, height, offset);
    if (memory == Memory::gtt) {
        plane.memory = VGPU_MEMORY_GTT;
        const std::uint64_t bytes = vgpu::surface_bytes(modifier.tiling, plane.stride, height);
        if (offset + bytes > guest_ram_size) {
            throw fbx::Error("GTT surface " + vgpu::describe(plane) + " does not fit in " +
                             std::to_string(guest_ram_size) + " bytes of guest RAM");
        }
        guest_ram();
        device_.map_gtt(static_cast<std::uint32_t>(offset / VGPU_GTT_PAGE_SIZE),
                        guest_iova + offset,
                        static_cast<std::uint32_t>(bytes / VGPU_GTT_PAGE_SIZE));
    }
    return plane;
}

std::span<std::uint8_t> GuestSurfaces::bytes(const vgpu::PlaneConfig& plane) {
    const std::uint64_t size = vgpu::surface_bytes(tiling_of(plane), plane.stride, plane.height);
    const std::span<std::uint8_t> memory =
        plane.memory == VGPU_MEMORY_GTT ? guest_ram().bytes() : device_.vram();
    if (plane.offset > memory.size() || size > memory.size() - plane.offset) {
        throw fbx::Error("surface " + vgpu::describe(plane) + " is outside the guest's memory");
    }
    return memory.subspan(plane.offset, size);
}

void GuestSurfaces::draw(const vgpu::PlaneConfig& plane, vgpu::Pattern pattern,
                         std::uint32_t frame) {
    const std::span<std::uint8_t> b = bytes(plane);
    const auto surface = vgpu::plane_surface(plane, b.data(), b.size());
    if (!surface) {
        throw fbx::Error("cannot draw " + vgpu::describe(plane));
    }
    vgpu::draw_pattern(*surface, pattern, frame);
}

void GuestSurfaces::draw_rect(const vgpu::PlaneConfig& plane, const fbx::Rect& area,
                              vgpu::Pattern pattern, std::uint32_t frame) {
    const std::span<std::uint8_t> b = bytes(plane);
    const auto format = fbx::find_format(plane.format);
    const fbx::SurfaceLayout layout(tiling_of(plane), plane.stride, plane.height);
    const fbx::Rect r =
        fbx::intersect(area, {0, 0, std::int32_t(plane.width), std::int32_t(plane.height)});
    for (std::int32_t y = r.y; y < r.bottom(); ++y) {
        for (std::int32_t x = r.x; x < r.right(); ++x) {
            const vgpu::Color c = vgpu::pattern_color(pattern, std::uint32_t(x), std::uint32_t(y),
                                                      plane.width, plane.height, frame);
            vgpu::store_pixel(
                b.data() + layout.byte_offset(std::uint32_t(x) * format->bytes_per_pixel,
                                              std::uint32_t(y)),
                format->bytes_per_pixel, vgpu::encode_pixel(*format, c));
        }
    }
}

void GuestSurfaces::fill_rect(const vgpu::PlaneConfig& plane, const fbx::Rect& area,
                              std::uint32_t xrgb) {
    const std::span<std::uint8_t> b = bytes(plane);
    const auto format = fbx::find_format(plane.format);
    const std::uint32_t bpp = format->bytes_per_pixel;
    const std::uint32_t value = vgpu::encode_pixel(
        *format,
        vgpu::color8(std::uint8_t(xrgb >> 16), std::uint8_t(xrgb >> 8), std::uint8_t(xrgb)));
    const fbx::SurfaceLayout layout(tiling_of(plane), plane.stride, plane.height);
    const fbx::Rect r =
        fbx::intersect(area, {0, 0, std::int32_t(plane.width), std::int32_t(plane.height)});
    for (std::int32_t y = r.y; y < r.bottom(); ++y) {
        for (std::int32_t x = r.x; x < r.right(); ++x) {
            vgpu::store_pixel(
                b.data() + layout.byte_offset(std::uint32_t(x) * bpp, std::uint32_t(y)), bpp,
                value);
        }
    }
}

Picture expected_picture(const vgpu::PlaneConfig& plane, std::span<const std::uint8_t> bytes) {
    const auto surface =
        vgpu::plane_surface(plane, const_cast<std::uint8_t*>(bytes.data()), bytes.size());
    if (!surface) {
        throw fbx::Error("no expected picture of " + vgpu::describe(plane));
    }
    Picture p{plane.width, plane.height, {}};
    p.pixels.resize(std::size_t{plane.width} * plane.height);
    for (std::uint32_t y = 0; y < plane.height; ++y) {
        for (std::uint32_t x = 0; x < plane.width; ++x) {
            p.pixels[std::size_t{y} * plane.width + x] =
                xrgb_of(vgpu::read_pixel(*surface, bytes.data(), x, y));
        }
    }
    return p;
}

void compose_expected_cursor(Picture& picture, const vgpu::PlaneConfig& cursor,
                             std::span<const std::uint8_t> bytes) {
    const auto surface =
        vgpu::plane_surface(cursor, const_cast<std::uint8_t*>(bytes.data()), bytes.size());
    if (!surface) {
        throw fbx::Error("no expected picture of cursor " + vgpu::describe(cursor));
    }
    for (std::uint32_t cy = 0; cy < cursor.height; ++cy) {
        for (std::uint32_t cx = 0; cx < cursor.width; ++cx) {
            const std::int64_t x = std::int64_t{cursor.pos_x} + cx;
            const std::int64_t y = std::int64_t{cursor.pos_y} + cy;
            if (x < 0 || y < 0 || x >= picture.width || y >= picture.height) {
                continue;
            }
            const vgpu::Color c = vgpu::read_pixel(*surface, bytes.data(), cx, cy);
            const std::uint32_t alpha = surface->format.has_alpha ? c.a >> 8 : 255;
            const std::uint32_t src = xrgb_of(c);
            std::uint32_t& dst = picture.pixels[std::size_t(y) * picture.width + std::size_t(x)];
            std::uint32_t out = 0;
            for (int shift : {0, 8, 16}) {
                // Premultiplied OVER with pixman's rounding of a * b / 255.
                const std::uint32_t s = (src >> shift) & 0xff;
                const std::uint32_t t = ((dst >> shift) & 0xff) * (255 - alpha) + 0x80;
                out |= std::min<std::uint32_t>(255, s + ((t + (t >> 8)) >> 8)) << shift;
            }
            dst = out;
        }
    }
}

}  // namespace vmtest
