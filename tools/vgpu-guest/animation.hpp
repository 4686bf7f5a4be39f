#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "plane_config.hpp"
#include "vgpu_device.hpp"

namespace vgpu {

struct AnimationOptions {
    PlaneConfig primary;  // first buffer; the second follows it in VRAM
    Pattern pattern = Pattern::gradient;
    std::chrono::milliseconds duration{5000};
    double fps = 30;
    bool cursor = true;          // move a 64x64 cursor in a circle too
    std::optional<IrqMode> irq;  // wait for flip-done on each commit
    std::function<bool()> stop;  // polled between frames; may be empty
};

struct AnimationResult {
    std::uint64_t frames = 0;
    std::uint64_t interrupts = 0;  // flip-done eventfd signals seen
    std::uint64_t missed_interrupts = 0;
    double seconds = 0;
};

// Double-buffered animation as a guest compositor does it: draw frame n into
// the back buffer, point the primary plane at it, commit, wait for flip-done.
AnimationResult animate(VgpuDevice& device, const AnimationOptions& options);

// Where a cursor surface of `config`'s size goes: the last whole pages of usable VRAM.
std::uint64_t cursor_offset(std::uint64_t vram_size, const PlaneConfig& config);

}  // namespace vgpu
