#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fbexport/plane.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

// What changed in the primary plane: a list of rectangles, or everything.
struct Damage {
    bool full = false;
    std::vector<Rect> rects;

    static Damage everything() { return {true, {}}; }
    bool empty() const { return !full && rects.empty(); }
};

// One look at a display: its planes, the primary plane's damage since the
// previous frame of the same source, and a sequence number that grows by one
// per frame.
struct Frame {
    std::uint64_t sequence = 0;
    Plane primary;
    std::optional<Plane> cursor;  // absent: no cursor plane enabled
    Damage damage;
    // The cursor plane's pixels changed although its dmabuf_id did not (a
    // guest redrew its cursor in place): consumers convert its image again.
    bool cursor_redrawn = false;
};

}  // namespace fbx
