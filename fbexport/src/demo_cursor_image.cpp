#include <array>
#include <cstddef>
#include <cstdint>

#include "fbexport/demo_scene.hpp"

namespace fbx {
namespace {

struct Point {
    std::int32_t x;
    std::int32_t y;
};

// The classic arrow, clockwise from its tip at the hotspot.
constexpr std::array<Point, 7> arrow{
    {{0, 0}, {28, 28}, {17, 28}, {24, 43}, {18, 46}, {11, 31}, {0, 41}}};

// Even-odd test of the pixel's centre. Coordinates are doubled so that the
// centre (x + 0.5, y + 0.5) is an integer and never level with a vertex.
bool inside_arrow(std::int32_t px, std::int32_t py) {
    const std::int64_t cx = 2 * std::int64_t{px} + 1;
    const std::int64_t cy = 2 * std::int64_t{py} + 1;
    bool inside = false;
    for (std::size_t i = 0, j = arrow.size() - 1; i < arrow.size(); j = i++) {
        const std::int64_t x0 = 2 * arrow[j].x, y0 = 2 * arrow[j].y;
        const std::int64_t x1 = 2 * arrow[i].x, y1 = 2 * arrow[i].y;
        if ((y0 > cy) == (y1 > cy)) {
            continue;
        }
        // Is the centre left of where the edge crosses its row? The sign of the
        // edge's height decides which way the cross-multiplied test points.
        const std::int64_t lhs = (cx - x0) * (y1 - y0);
        const std::int64_t rhs = (cy - y0) * (x1 - x0);
        if (y1 > y0 ? lhs < rhs : lhs > rhs) {
            inside = !inside;
        }
    }
    return inside;
}

}  // namespace

std::vector<std::uint32_t> DemoScene::cursor_image() {
    constexpr auto n = static_cast<std::int32_t>(cursor_size);
    const auto hx = static_cast<std::int32_t>(cursor_hot_x);
    const auto hy = static_cast<std::int32_t>(cursor_hot_y);
    auto filled = [&](std::int32_t x, std::int32_t y) { return inside_arrow(x - hx, y - hy); };
    auto near_outside = [&](std::int32_t x, std::int32_t y) {
        for (std::int32_t dy = -1; dy <= 1; ++dy) {
            for (std::int32_t dx = -1; dx <= 1; ++dx) {
                if (!filled(x + dx, y + dy)) {
                    return true;
                }
            }
        }
        return false;
    };
    auto touches_inside = [&](std::int32_t x, std::int32_t y) {
        return filled(x - 1, y) || filled(x + 1, y) || filled(x, y - 1) || filled(x, y + 1);
    };
    constexpr std::uint32_t white = 0xffffffffu;
    constexpr std::uint32_t black = 0xff000000u;
    // Premultiplied: a transparent pixel is all zeros.
    std::vector<std::uint32_t> image(cursor_size * cursor_size, 0);
    for (std::int32_t y = 0; y < n; ++y) {
        for (std::int32_t x = 0; x < n; ++x) {
            std::uint32_t& pixel = image[static_cast<std::size_t>(y * n + x)];
            if (filled(x, y)) {
                // The outline straddles the edge, two pixels wide, so the arrow
                // reads on white and on black alike.
                pixel = near_outside(x, y) ? black : white;
            } else if (touches_inside(x, y)) {
                pixel = black;
            }
        }
    }
    return image;
}

}  // namespace fbx
