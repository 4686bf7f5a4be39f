#include "animation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <thread>

#include "fbexport/error.hpp"
#include "vgpu_mediator.h"

namespace vgpu {

std::uint64_t cursor_offset(std::uint64_t vram_size, const PlaneConfig& config) {
    const auto modifier = fbx::find_modifier(config.modifier);
    const std::uint64_t bytes = surface_bytes(modifier ? modifier->tiling : fbx::Tiling::linear,
                                              config.stride, config.height);
    if (bytes > vram_size) {
        throw fbx::Error("a cursor of " + std::to_string(bytes) + " bytes does not fit in " +
                         std::to_string(vram_size) + " bytes of VRAM");
    }
    return (vram_size - bytes) / VGPU_SURFACE_ALIGN * VGPU_SURFACE_ALIGN;
}

AnimationResult animate(VgpuDevice& device, const AnimationOptions& options) {
    using Clock = std::chrono::steady_clock;
    const auto modifier = fbx::find_modifier(options.primary.modifier);
    const auto format = fbx::find_format(options.primary.format);
    if (!modifier || !format) {
        throw fbx::Error(device.context("cannot animate " + describe(options.primary)));
    }
    const std::uint64_t buffer_bytes =
        surface_bytes(modifier->tiling, options.primary.stride, options.primary.height);
    std::array<PlaneConfig, 2> buffers{options.primary, options.primary};
    buffers[1].offset = options.primary.offset + buffer_bytes;

    PlaneConfig cursor =
        make_plane(*fbx::find_format(VGPU_FMT_ARGB8888), fbx::supported_modifiers()[0], 64, 64, 0);
    std::uint32_t mask = 1u << VGPU_PLANE_PRIMARY;
    if (options.cursor) {
        cursor.offset = cursor_offset(device.vram_size(), cursor);
        if (cursor.offset < buffers[1].offset + buffer_bytes) {
            throw fbx::Error(device.context("two " + describe(options.primary) +
                                            " buffers and a cursor do not fit in VRAM"));
        }
        device.draw(cursor, Pattern::cursor, 0);
        mask |= 1u << VGPU_PLANE_CURSOR;
    }

    fbx::UniqueFd irq;
    if (options.irq) {
        irq = device.enable_flip_irq(*options.irq);
    }
    AnimationResult result;
    const auto start = Clock::now();
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / std::max(options.fps, 0.1)));
    auto next = start;
    while (Clock::now() - start < options.duration && !(options.stop && options.stop())) {
        const PlaneConfig& back = buffers[result.frames % 2];
        device.draw(back, options.pattern, static_cast<std::uint32_t>(result.frames));
        device.program_plane(VGPU_PLANE_PRIMARY, back);
        if (options.cursor) {
            const double angle = static_cast<double>(result.frames) * 0.1;
            cursor.pos_x =
                static_cast<std::int32_t>(back.width / 2 + std::cos(angle) * back.width / 3);
            cursor.pos_y =
                static_cast<std::int32_t>(back.height / 2 + std::sin(angle) * back.height / 3);
            device.program_plane(VGPU_PLANE_CURSOR, cursor);
        }
        device.commit(mask);
        if (irq) {
            if (VgpuDevice::wait_eventfd(irq.get(), std::chrono::milliseconds(1000))) {
                ++result.interrupts;
            } else {
                ++result.missed_interrupts;
            }
            device.ack_irqs(VGPU_INT_FLIP_DONE);
            if (*options.irq == IrqMode::intx) {
                device.vfio().unmask_intx();
            }
        }
        ++result.frames;
        next += period;
        std::this_thread::sleep_until(next);
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (options.irq) {
        device.disable_irq(*options.irq);
    }
    return result;
}

}  // namespace vgpu
