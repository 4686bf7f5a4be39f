#pragma once

#include <cstdint>

#include "display/cursor_image.hpp"
#include "display/nv12_image.hpp"
#include "display/shadow_framebuffer.hpp"

namespace fbx {

// Blends `cursor` into an NV12 picture made (by the GL path) from the
// cursor-free `under`, with the cursor's top-left pixel at (left, top): the
// 2x2 blocks the cursor covers are taken from `under`, the cursor composed
// over them (pixman OVER, as compose_cursor does) and converted on the CPU
// with rgb_to_nv12. A few thousand pixels, where converting the whole
// picture again would cost millions; the blocks come out exactly as
// rgb_to_nv12 of the composed picture has them. `target` must be
// `under`'s size; nothing outside those blocks is written.
void compose_cursor_nv12(const CursorImage& cursor, std::int32_t left, std::int32_t top,
                         const ShadowFramebuffer& under, const Nv12Planes& target);

}  // namespace fbx
