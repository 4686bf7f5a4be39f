// What the service tests' "guest" shows, and what a consumer must see of
// it: surfaces drawn with tools/vgpu-guest in VRAM or in guest RAM reached
// through the GTT, and the XRGB8888 picture they stand for, worked out from
// the guest's own bytes (not through the converters under test).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fbexport/pixel_format.hpp"
#include "fbexport/rect.hpp"
#include "guest_memory.hpp"
#include "pattern.hpp"
#include "plane_config.hpp"
#include "vgpu_device.hpp"

namespace vmtest {

// Where a surface lives: VRAM (BAR0) or guest RAM mapped through GTT entries.
enum class Memory { vram, gtt };
std::string memory_name(Memory memory);

// One surface a parameterised test shows: format and layout by name, memory.
struct SurfaceCase {
    const char* format;
    const char* modifier;
    Memory memory;
};
// "XRGB8888_ytiled_vram": the test name gtest accepts.
std::string surface_case_name(const ::testing::TestParamInfo<SurfaceCase>& info);

// The guest's surfaces of one vGPU: places planes in VRAM or GTT space and
// draws into them as a guest driver would (nothing is committed here).
class GuestSurfaces {
public:
    explicit GuestSurfaces(vgpu::VgpuDevice& device) : device_(device) {}

    // A valid plane of `width` x `height` whose surface starts `offset`
    // bytes into VRAM or into GTT space; for the GTT, the entries it covers
    // are pointed at guest RAM (the same offset into it).
    vgpu::PlaneConfig place(const fbx::PixelFormat& format, const fbx::Modifier& modifier,
                            std::uint32_t width, std::uint32_t height, Memory memory,
                            std::uint64_t offset);

    // The surface's bytes as the guest writes them (whole tile rows, pages).
    std::span<std::uint8_t> bytes(const vgpu::PlaneConfig& plane);
    void draw(const vgpu::PlaneConfig& plane, vgpu::Pattern pattern, std::uint32_t frame);
    // Redraws only `area` of the surface with another pattern or frame.
    void draw_rect(const vgpu::PlaneConfig& plane, const fbx::Rect& area, vgpu::Pattern pattern,
                   std::uint32_t frame);
    // Fills `area` with one colour (8-bit channels), as fast as it goes.
    void fill_rect(const vgpu::PlaneConfig& plane, const fbx::Rect& area, std::uint32_t xrgb);
    // The VMM takes guest RAM away (VFIO_IOMMU_UNMAP_DMA): GTT planes lose it.
    void unmap_guest_ram() { guest_ram().unmap_dma(); }

private:
    vgpu::GuestMemory& guest_ram();

    vgpu::VgpuDevice& device_;
    std::unique_ptr<vgpu::GuestMemory> ram_;
};

// What a consumer must show: XRGB8888 pixels (X byte 0), rows packed.
struct Picture {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint32_t> pixels;
    std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
        return pixels[std::size_t{y} * width + x];
    }
};

// The primary plane's picture: each pixel decoded from the guest's bytes
// and cut to 8 bits per channel, as a converter keeps it.
Picture expected_picture(const vgpu::PlaneConfig& plane, std::span<const std::uint8_t> bytes);
// Blends an ARGB8888 (premultiplied) cursor plane over `picture` where the
// plane's position puts it.
void compose_expected_cursor(Picture& picture, const vgpu::PlaneConfig& cursor,
                             std::span<const std::uint8_t> bytes);

// Counts pixels of `got(x, y)` (XRGB8888, X byte ignored) that differ from
// `want` inside `area`, describing the first few in `report`.
template <typename Got>
std::uint64_t count_mismatches(const Picture& want, const fbx::Rect& area, Got&& got,
                               std::string& report) {
    std::uint64_t bad = 0;
    for (std::int32_t y = area.y; y < area.bottom(); ++y) {
        for (std::int32_t x = area.x; x < area.right(); ++x) {
            const std::uint32_t w = want.at(std::uint32_t(x), std::uint32_t(y)) & 0xffffff;
            const std::uint32_t g = got(x, y) & 0xffffff;
            if (w != g && ++bad <= 5) {
                char line[96];
                std::snprintf(line, sizeof line, "pixel %d,%d: got %06x want %06x\n", x, y, g, w);
                report += line;
            }
        }
    }
    return bad;
}

}  // namespace vmtest
