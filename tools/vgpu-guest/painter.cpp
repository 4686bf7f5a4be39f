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
    show_whole();
}

void Painter::show_whole() {
    const auto modifier = fbx::find_modifier(plane_.modifier);
    if (!modifier) {
        throw fbx::Error(device_.context("cannot paint " + describe(plane_)));
    }
    std::unique_ptr<GuestMemory> previous;
    if (options_.memory == SurfaceMemory::gtt) {
        const std::uint64_t bytes =
            vgpu::surface_bytes(modifier->tiling, plane_.stride, plane_.height);
        const std::uint64_t first = plane_.offset / VGPU_GTT_PAGE_SIZE;
        if (first + bytes / VGPU_GTT_PAGE_SIZE > device_.gtt_entries()) {
            throw fbx::Error(device_.context(describe(plane_) + " does not fit in GTT space"));
        }
        // the old RAM stays mapped until the new plane is latched: unmapping
        // pages a plane shows would invalidate it first
        previous = std::move(memory_);
        const std::uint64_t iova = previous && previous->iova() == guest_ram_iova
                                       ? guest_ram_iova + (1ull << 32)
                                       : guest_ram_iova;
        memory_ = std::make_unique<GuestMemory>(device_.container(), iova, bytes);
        device_.map_gtt(static_cast<std::uint32_t>(first), iova,
                        static_cast<std::uint32_t>(bytes / VGPU_GTT_PAGE_SIZE));
        plane_.memory = VGPU_MEMORY_GTT;
    }
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

void Painter::follow_hotplug() {
    if ((device_.read_reg(VGPU_REG_INT_STATUS) & VGPU_INT_HOTPLUG) == 0) {
        return;
    }
    device_.ack_irqs(VGPU_INT_HOTPLUG);
    const std::uint32_t w = device_.read_reg(VGPU_REG_MODE_HINT_WIDTH);
    const std::uint32_t h = device_.read_reg(VGPU_REG_MODE_HINT_HEIGHT);
    if (w == 0 || h == 0 || (w == plane_.width && h == plane_.height) ||
        w > device_.read_reg(VGPU_REG_MAX_WIDTH) || h > device_.read_reg(VGPU_REG_MAX_HEIGHT)) {
        return;
    }
    const auto format = fbx::find_format(plane_.format);
    const auto modifier = fbx::find_modifier(plane_.modifier);
    plane_ = make_plane(*format, *modifier, w, h, plane_.offset);
    show_whole();
    result_.mode_changes++;
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
    follow_hotplug();
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
