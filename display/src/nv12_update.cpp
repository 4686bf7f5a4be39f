#include "display/nv12_update.hpp"

#include <algorithm>
#include <cstdint>

namespace fbx {
namespace {

// nv12_image.hpp's BT.601 limited-range coefficients in 16.16 fixed point;
// the chroma ones take the sum of a block's four pixels (hence / 4).
constexpr double one = 65536.0;
constexpr std::int32_t fixed(double v) {
    return static_cast<std::int32_t>(v < 0 ? v * one - 0.5 : v * one + 0.5);
}
constexpr double luma_scale = 219.0 / 255.0;
constexpr double chroma_scale = 224.0 / 255.0 / 4.0;
constexpr std::int32_t y_r = fixed(luma_scale * 0.299);
constexpr std::int32_t y_g = fixed(luma_scale * 0.587);
constexpr std::int32_t y_b = fixed(luma_scale * 0.114);
constexpr std::int32_t cb_r = fixed(chroma_scale * -0.168736);
constexpr std::int32_t cb_g = fixed(chroma_scale * -0.331264);
constexpr std::int32_t cb_b = fixed(chroma_scale * 0.5);
constexpr std::int32_t cr_r = fixed(chroma_scale * 0.5);
constexpr std::int32_t cr_g = fixed(chroma_scale * -0.418688);
constexpr std::int32_t cr_b = fixed(chroma_scale * -0.081312);
// The offsets, plus one half for rounding; every sum stays positive.
constexpr std::int32_t y_offset = (16 << 16) + (1 << 15);
constexpr std::int32_t c_offset = (128 << 16) + (1 << 15);

// Limited range keeps every result inside 16..240: no clamping needed, which
// lets the compiler vectorise the loops.
std::uint8_t to_byte(std::int32_t fixed_value) {
    return static_cast<std::uint8_t>(fixed_value >> 16);
}

void convert_luma(const ShadowFramebuffer& in, const Rect& r, Nv12Image& out) {
    for (std::int32_t y = r.y; y < r.bottom(); ++y) {
        const std::uint32_t* src = in.row(static_cast<std::uint32_t>(y));
        std::uint8_t* dst = out.y.data() + std::size_t(y) * out.width;
        for (std::int32_t x = r.x; x < r.right(); ++x) {
            const std::uint32_t p = src[x];
            const auto red = static_cast<std::int32_t>((p >> 16) & 0xff);
            const auto green = static_cast<std::int32_t>((p >> 8) & 0xff);
            const auto blue = static_cast<std::int32_t>(p & 0xff);
            dst[x] = to_byte(y_r * red + y_g * green + y_b * blue + y_offset);
        }
    }
}

// The chroma of the 2x2 blocks whose top-left pixels lie in `r` (even
// edges); at an odd last column or row the edge pixel counts twice.
void convert_chroma(const ShadowFramebuffer& in, const Rect& r, Nv12Image& out) {
    const std::uint32_t last_x = in.width() - 1;
    const std::uint32_t last_y = in.height() - 1;
    for (auto y = static_cast<std::uint32_t>(r.y); y < static_cast<std::uint32_t>(r.bottom());
         y += 2) {
        const std::uint32_t* top = in.row(y);
        const std::uint32_t* bottom = in.row(std::min(y + 1, last_y));
        std::uint8_t* pair = out.uv.data() + std::size_t(y / 2) * out.uv_stride();
        for (auto x = static_cast<std::uint32_t>(r.x); x < static_cast<std::uint32_t>(r.right());
             x += 2) {
            const std::uint32_t right = std::min(x + 1, last_x);
            std::int32_t red = 0;
            std::int32_t green = 0;
            std::int32_t blue = 0;
            for (const std::uint32_t p : {top[x], top[right], bottom[x], bottom[right]}) {
                red += static_cast<std::int32_t>((p >> 16) & 0xff);
                green += static_cast<std::int32_t>((p >> 8) & 0xff);
                blue += static_cast<std::int32_t>(p & 0xff);
            }
            pair[x] = to_byte(cb_r * red + cb_g * green + cb_b * blue + c_offset);
            pair[x + 1] = to_byte(cr_r * red + cr_g * green + cr_b * blue + c_offset);
        }
    }
}

}  // namespace

void update_nv12(const ShadowFramebuffer& in, const DamageRegion& damage, Nv12Image& out) {
    DamageRegion todo = damage;
    if (out.width != in.width() || out.height != in.height()) {
        out.resize(in.width(), in.height());
        todo = DamageRegion(in.bounds());
    }
    todo.clip(in.bounds());
    // Whole 2x2 blocks; their edges stay even through the region's union.
    DamageRegion blocks;
    for (const Rect& r : todo.rects()) {
        const std::int32_t x0 = r.x / 2 * 2;
        const std::int32_t y0 = r.y / 2 * 2;
        blocks.add(Rect{x0, y0, (r.right() + 1) / 2 * 2 - x0, (r.bottom() + 1) / 2 * 2 - y0});
    }
    for (const Rect& b : blocks.rects()) {
        convert_luma(in, intersect(b, in.bounds()), out);
        convert_chroma(in, b, out);  // block origins inside the picture
    }
}

}  // namespace fbx
