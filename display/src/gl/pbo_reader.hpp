#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "fbexport/rect.hpp"
#include "gl_handle.hpp"

namespace fbx::gl {

// Reads rectangles of the bound read framebuffer (RGBA8) back to the CPU
// through two pixel-buffer objects in turn: while the CPU copies one
// chunk out of a mapped PBO, the next chunk's glReadPixels is already
// queued into the other, so the GPU-to-PBO transfer overlaps the copy.
class PboReader {
public:
    // Gets one rectangle's texels, rows packed (rect.width * 4 bytes each).
    using Take = std::function<void(const Rect& rect, const std::uint8_t* texels)>;

    // Reads every rectangle and calls `take` for each (a large rectangle in
    // several row slices), in order. Throws fbx::Error on a GL failure.
    void read(std::span<const Rect> rects, const Take& take);

private:
    struct Slot {
        GlBuffer buffer;
        std::size_t capacity = 0;
    };
    GlBuffer& prepared(Slot& slot, std::size_t bytes);

    Slot slots_[2];
};

}  // namespace fbx::gl
