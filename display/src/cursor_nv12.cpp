#include "display/cursor_nv12.hpp"

#include <algorithm>
#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

void compose_cursor_nv12(const CursorImage& cursor, std::int32_t left, std::int32_t top,
                         const ShadowFramebuffer& under, const Nv12Planes& target) {
    if (cursor.empty()) {
        return;
    }
    if (target.width != under.width() || target.height != under.height()) {
        throw Error("cursor into a " + std::to_string(target.width) + "x" +
                    std::to_string(target.height) + " NV12 frame from a " +
                    std::to_string(under.width()) + "x" + std::to_string(under.height()) +
                    " picture");
    }
    // In 64 bits: a guest may put the cursor anywhere in 32.
    const std::int64_t x0 = std::max<std::int64_t>(left, 0) / 2 * 2;
    const std::int64_t y0 = std::max<std::int64_t>(top, 0) / 2 * 2;
    const std::int64_t x1 =
        std::min<std::int64_t>(std::int64_t{left} + cursor.width, under.width());
    const std::int64_t y1 =
        std::min<std::int64_t>(std::int64_t{top} + cursor.height, under.height());
    if (x1 <= x0 || y1 <= y0) {
        return;
    }
    // Whole 2x2 blocks, but for an odd last column or row of the picture,
    // which rgb_to_nv12 repeats just as it does for the whole picture.
    const auto bx = static_cast<std::uint32_t>(x0);
    const auto by = static_cast<std::uint32_t>(y0);
    const auto bw =
        static_cast<std::uint32_t>(std::min<std::int64_t>((x1 + 1) / 2 * 2, under.width()) - x0);
    const auto bh =
        static_cast<std::uint32_t>(std::min<std::int64_t>((y1 + 1) / 2 * 2, under.height()) - y0);

    ShadowFramebuffer patch(bw, bh);
    for (std::uint32_t row = 0; row < bh; ++row) {
        std::memcpy(patch.row(row), under.row(by + row) + bx, std::size_t{bw} * 4);
    }
    compose_cursor(cursor, static_cast<std::int32_t>(left - x0),
                   static_cast<std::int32_t>(top - y0), patch);
    Nv12Image converted;
    rgb_to_nv12(patch, converted);
    for (std::uint32_t row = 0; row < bh; ++row) {
        std::memcpy(target.y + (by + row) * target.y_stride + bx,
                    converted.y.data() + std::size_t{row} * bw, bw);
    }
    for (std::uint32_t row = 0; row < converted.chroma_height(); ++row) {
        std::memcpy(target.uv + (by / 2 + row) * target.uv_stride + bx,
                    converted.uv.data() + std::size_t{row} * converted.uv_stride(),
                    converted.uv_stride());
    }
}

}  // namespace fbx
