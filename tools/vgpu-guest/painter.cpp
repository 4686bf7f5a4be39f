#include "painter.hpp"

#include <algorithm>
#include <thread>

#include "fbexport/error.hpp"
#include "guest_memory.hpp"
#include "vgpu_mediator.h"

namespace vgpu {
namespace {

// Guest RAM sits at 4 GiB of IOVA space, above any "low RAM" a VMM maps.
constexpr std::uint64_t guest_ram_iova = 0x100000000ull;

}  // namespace

Painter::Painter(VgpuDevice& device, const PaintOptions& options)
    : device_(device), options_(options), plane_(options.primary) {
    const auto modifier = fbx::find_modifier(plane_.modifier);
    if (!modifier) {
        throw fbx::Error(device_.context("cannot paint " + describe(plane_)));
    }
    if (options_.memory == SurfaceMemory::gtt) {
        const std::uint64_t bytes =
            vgpu::surface_bytes(modifier->tiling, plane_.stride, plane_.height);
        memory_ = std::make_unique<GuestMemory>(device_.container(), guest_ram_iova, bytes);
        const std::uint64_t first = plane_.offset / VGPU_GTT_PAGE_SIZE;
        if (first + bytes / VGPU_GTT_PAGE_SIZE > device_.gtt_entries()) {
            throw fbx::Error(device_.context(describe(plane_) + " does not fit in GTT space"));
        }
        device_.map_gtt(static_cast<std::uint32_t>(first), guest_ram_iova,
                        static_cast<std::uint32_t>(bytes / VGPU_GTT_PAGE_SIZE));
        plane_.memory = VGPU_MEMORY_GTT;
    }
    // the whole first frame, then squares
    const auto surface = plane_surface(plane_, surface_bytes().data(), surface_bytes().size());
    if (!surface) {
        throw fbx::Error(device_.context("cannot paint " + describe(plane_)));
    }
    draw_pattern(*surface, options_.pattern, 0);
    device_.program_plane(VGPU_PLANE_PRIMARY, plane_);
    device_.commit(1u << VGPU_PLANE_PRIMARY);
    if (device_.plane_status(VGPU_PLANE_PRIMARY) != VGPU_PLANE_OK) {
        throw fbx::Error(device_.context(
            "primary plane " + describe(plane_) +
            " rejected: " + plane_status_name(device_.plane_status(VGPU_PLANE_PRIMARY))));
    }
}

Painter::~Painter() = default;

std::span<std::uint8_t> Painter::surface_bytes() {
    if (memory_) {
        return memory_->bytes();
    }
    const auto vram = device_.vram();
    return vram.subspan(std::min<std::size_t>(plane_.offset, vram.size()));
}

void Painter::step(std::uint32_t frame) {
    const std::uint32_t side = std::min({options_.square, plane_.width, plane_.height});
    // the square walks left to right, row by row
    const std::uint32_t columns = std::max(1u, plane_.width / side);
    const std::uint32_t rows = std::max(1u, plane_.height / side);
    const std::uint32_t x = frame % columns * side;
    const std::uint32_t y = frame / columns % rows * side;
    const auto surface = plane_surface(plane_, surface_bytes().data(), surface_bytes().size());
    draw_pattern_rect(*surface, options_.pattern, frame + 1, x, y, side, side);
    result_.pixels_drawn += std::uint64_t{side} * side;
    if (options_.post_damage) {
        device_.post_damage(VGPU_PLANE_PRIMARY, x, y, side, side);
        result_.damage_posts++;
    }
}

PaintResult Painter::run() {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / std::max(options_.fps, 0.1)));
    auto next = start;
    while (Clock::now() - start < options_.duration && !(options_.stop && options_.stop())) {
        step(static_cast<std::uint32_t>(result_.frames));
        result_.frames++;
        next += period;
        std::this_thread::sleep_until(next);
    }
    result_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result_;
}

}  // namespace vgpu
