#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "plane_config.hpp"
#include "vgpu_device.hpp"

namespace vgpu {

class GuestMemory;

// Where a painted surface lives: VRAM, or "guest RAM" reached through the GTT.
enum class SurfaceMemory { vram, gtt };

struct PaintOptions {
    PlaneConfig primary;  // the one buffer, drawn in place (offset: VRAM or GTT space)
    SurfaceMemory memory = SurfaceMemory::vram;
    Pattern pattern = Pattern::gradient;
    std::uint32_t square = 64;  // side of the moving square redrawn each frame
    bool post_damage = true;    // false: leave damage to the device's dirty tracking
    std::chrono::milliseconds duration{5000};
    double fps = 30;
    std::function<bool()> stop;  // polled between frames; may be empty
};

struct PaintResult {
    std::uint64_t frames = 0;
    std::uint64_t mode_changes = 0;  // hotplugs that brought a new mode hint
    std::uint64_t damage_posts = 0;
    std::uint64_t pixels_drawn = 0;  // in the squares, after the first full frame
    double seconds = 0;
};

// A guest desktop that draws in place and says what it drew: shows one
// buffer, then each frame repaints a small square moving across it (the
// pattern's next frame inside it) and posts that rectangle as damage, as a
// damage-aware compositor does. For GTT surfaces the buffer is guest RAM
// mapped into the container and the GTT, kept until the painter ends.
// It also handles hotplug as a guest driver does: when INT_STATUS.HOTPLUG is
// set (the host changed the EDID), it acknowledges it and, if the mode hint
// names a new size within the device's limits, switches to that size.
class Painter {
public:
    Painter(VgpuDevice& device, const PaintOptions& options);
    ~Painter();
    Painter(const Painter&) = delete;
    Painter& operator=(const Painter&) = delete;

    // The plane as programmed (memory and offset included).
    const PlaneConfig& plane() const { return plane_; }
    // Draws frame `frame`'s square and posts it (if asked). Returns its rectangle.
    void step(std::uint32_t frame);
    // Runs for options.duration at options.fps.
    PaintResult run();

private:
    std::span<std::uint8_t> surface_bytes();
    // Lays out, draws whole and shows plane_ (a new size, or the first).
    void show_whole();
    void follow_hotplug();

    VgpuDevice& device_;
    PaintOptions options_;
    PlaneConfig plane_;
    std::unique_ptr<GuestMemory> memory_;
    PaintResult result_;
};

}  // namespace vgpu
