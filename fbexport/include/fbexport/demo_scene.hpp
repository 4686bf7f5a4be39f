#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fbexport/rect.hpp"

namespace fbx {

// Where the demo's cursor is at a moment of the animation.
struct CursorPosition {
    std::int32_t x;  // top-left of the cursor plane on the screen
    std::int32_t y;
    bool operator==(const CursorPosition&) const = default;
};

// The demo's animated desktop as a pure function of time: a background,
// windows that glide around, a clock that ticks every 100 ms and a cursor that
// moves on its own plane. Deterministic (integer math only), so a test can
// render the exact picture any process showed at time t.
class DemoScene {
public:
    static constexpr std::uint32_t cursor_size = 64;
    static constexpr std::uint32_t cursor_hot_x = 4;
    static constexpr std::uint32_t cursor_hot_y = 2;

    DemoScene(std::uint32_t width, std::uint32_t height);

    std::uint32_t width() const { return width_; }
    std::uint32_t height() const { return height_; }

    // Paints the desktop at time t into an XRGB8888 canvas (`stride` in bytes),
    // touching only the pixels inside `clip`.
    void render(std::uint64_t t_ms, const Rect& clip, std::uint32_t* canvas,
                std::size_t stride) const;

    // Rectangles covering every pixel whose colour at t1 differs from t0, and
    // little else: the old and new place of each moving window, the clock's
    // digits when they tick.
    std::vector<Rect> damage_between(std::uint64_t t0_ms, std::uint64_t t1_ms) const;

    // The cursor image: cursor_size^2 premultiplied ARGB8888 pixels, row-major.
    static std::vector<std::uint32_t> cursor_image();
    CursorPosition cursor_at(std::uint64_t t_ms) const;

private:
    std::uint32_t width_;
    std::uint32_t height_;
};

}  // namespace fbx
