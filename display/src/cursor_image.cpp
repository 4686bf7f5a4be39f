#include "display/cursor_image.hpp"

#include <algorithm>
#include <climits>
#include <new>

#include "fbexport/error.hpp"
#include "plane_reader.hpp"

namespace fbx {

CursorImage convert_cursor(const Plane& plane) {
    PlaneReader reader(plane);
    // pixman takes the row length in bytes as an int.
    if (plane.width > INT_MAX / 4) {
        throw Error("cannot read " + describe(plane) + ": too wide for a cursor");
    }
    CursorImage cursor;
    cursor.width = plane.width;
    cursor.height = plane.height;
    cursor.hot_x = plane.hot_x;
    cursor.hot_y = plane.hot_y;
    cursor.argb.assign(std::size_t{plane.width} * plane.height, 0);

    // SRC into a8r8g8b8 copies premultiplied pixels as they are and gives
    // formats without alpha an opaque one.
    const PixmanImagePtr target(pixman_image_create_bits(
        PIXMAN_a8r8g8b8, static_cast<int>(cursor.width), static_cast<int>(cursor.height),
        cursor.argb.data(), static_cast<int>(cursor.width * 4)));
    if (!target) {
        throw std::bad_alloc();
    }
    AlignedBuffer scratch;
    reader.composite(reader.bounds(), PIXMAN_OP_SRC, target.get(), 0, 0, scratch);
    return cursor;
}

void compose_cursor(const CursorImage& cursor, std::int32_t left, std::int32_t top,
                    pixman_image_t* target) {
    if (cursor.empty() || target == nullptr) {
        return;
    }
    // Clip here, in 64 bits, rather than trust pixman with left + width near INT32_MAX.
    const std::int64_t x0 = std::max<std::int64_t>(left, 0);
    const std::int64_t y0 = std::max<std::int64_t>(top, 0);
    const std::int64_t x1 =
        std::min<std::int64_t>(std::int64_t{left} + cursor.width, pixman_image_get_width(target));
    const std::int64_t y1 =
        std::min<std::int64_t>(std::int64_t{top} + cursor.height, pixman_image_get_height(target));
    if (x1 <= x0 || y1 <= y0) {
        return;
    }
    // pixman only reads a source image; its API wants the pointer mutable.
    const PixmanImagePtr source(pixman_image_create_bits(
        PIXMAN_a8r8g8b8, static_cast<int>(cursor.width), static_cast<int>(cursor.height),
        const_cast<std::uint32_t*>(cursor.argb.data()), static_cast<int>(cursor.width * 4)));
    if (!source) {
        throw std::bad_alloc();
    }
    pixman_image_composite32(
        PIXMAN_OP_OVER, source.get(), nullptr, target, static_cast<std::int32_t>(x0 - left),
        static_cast<std::int32_t>(y0 - top), 0, 0, static_cast<std::int32_t>(x0),
        static_cast<std::int32_t>(y0), static_cast<std::int32_t>(x1 - x0),
        static_cast<std::int32_t>(y1 - y0));
}

void compose_cursor(const CursorImage& cursor, std::int32_t left, std::int32_t top,
                    ShadowFramebuffer& target) {
    compose_cursor(cursor, left, top, target.pixman_image());
}

}  // namespace fbx
