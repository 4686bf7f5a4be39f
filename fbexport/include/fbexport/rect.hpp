#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>

namespace fbx {

// An axis-aligned rectangle in pixels; empty when width or height is 0.
struct Rect {
    std::int32_t x = 0;
    std::int32_t y = 0;
    std::int32_t width = 0;
    std::int32_t height = 0;

    std::int32_t right() const { return x + width; }
    std::int32_t bottom() const { return y + height; }
    bool empty() const { return width <= 0 || height <= 0; }
    std::int64_t area() const { return empty() ? 0 : std::int64_t{width} * height; }

    bool operator==(const Rect&) const = default;
};

inline Rect intersect(const Rect& a, const Rect& b) {
    const std::int32_t x0 = std::max(a.x, b.x);
    const std::int32_t y0 = std::max(a.y, b.y);
    const std::int32_t x1 = std::min(a.right(), b.right());
    const std::int32_t y1 = std::min(a.bottom(), b.bottom());
    if (x1 <= x0 || y1 <= y0) {
        return {};
    }
    return {x0, y0, x1 - x0, y1 - y0};
}

// The smallest rectangle holding both; an empty side is ignored.
inline Rect bounding_union(const Rect& a, const Rect& b) {
    if (a.empty()) {
        return b;
    }
    if (b.empty()) {
        return a;
    }
    const std::int32_t x0 = std::min(a.x, b.x);
    const std::int32_t y0 = std::min(a.y, b.y);
    return {x0, y0, std::max(a.right(), b.right()) - x0, std::max(a.bottom(), b.bottom()) - y0};
}

inline std::ostream& operator<<(std::ostream& os, const Rect& r) {
    return os << r.width << 'x' << r.height << '+' << r.x << '+' << r.y;
}

}  // namespace fbx
