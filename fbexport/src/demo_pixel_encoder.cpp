#include "demo_pixel_encoder.hpp"

#include <drm_fourcc.h>

#include <algorithm>
#include <bit>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

// DRM fourccs describe little-endian words; storing host words as they are
// is only right on a little-endian host.
static_assert(std::endian::native == std::endian::little);

std::uint32_t red(std::uint32_t c) {
    return (c >> 16) & 0xff;
}
std::uint32_t green(std::uint32_t c) {
    return (c >> 8) & 0xff;
}
std::uint32_t blue(std::uint32_t c) {
    return c & 0xff;
}

struct ToXrgb8888 {
    using Pixel = std::uint32_t;
    Pixel operator()(std::uint32_t c) const { return c | 0xff000000u; }
};

struct ToXbgr8888 {
    using Pixel = std::uint32_t;
    Pixel operator()(std::uint32_t c) const {
        return 0xff000000u | (blue(c) << 16) | (green(c) << 8) | red(c);
    }
};

struct ToRgb565 {
    using Pixel = std::uint16_t;
    Pixel operator()(std::uint32_t c) const {
        return static_cast<Pixel>(((red(c) >> 3) << 11) | ((green(c) >> 2) << 5) | (blue(c) >> 3));
    }
};

struct ToXrgb2101010 {
    using Pixel = std::uint32_t;
    // Repeating the top bits keeps 0 at 0 and full scale at full scale.
    static std::uint32_t widen(std::uint32_t c8) { return (c8 << 2) | (c8 >> 6); }
    Pixel operator()(std::uint32_t c) const {
        return (3u << 30) | (widen(red(c)) << 20) | (widen(green(c)) << 10) | widen(blue(c));
    }
};

// Canvas and surface never overlap, which __restrict tells the optimiser.
// Whole-word stores are aligned: the surface is page-aligned and a pixel's
// offset is a multiple of its size.
template <typename Convert>
void convert_run(const std::uint32_t* __restrict src, std::uint8_t* __restrict dst,
                 std::uint32_t pixels) {
    using Pixel = typename Convert::Pixel;
    const Convert convert;
    auto* out = reinterpret_cast<Pixel*>(dst);
    for (std::uint32_t i = 0; i < pixels; ++i) {
        out[i] = convert(src[i]);
    }
}

// The conversion is a template parameter so that the inner loop is inlined
// per format; the surface is walked in runs of bytes that are contiguous in
// its tiling (a pixel never straddles a tile column).
template <typename Convert>
void encode_rows(const SurfaceLayout& layout, const std::uint32_t* canvas,
                 std::size_t canvas_stride, const Rect& rect, std::uint8_t* surface) {
    using Pixel = typename Convert::Pixel;
    constexpr std::uint32_t bytes_per_pixel = sizeof(Pixel);
    const auto first_byte = static_cast<std::uint32_t>(rect.x) * bytes_per_pixel;
    const auto end_byte = static_cast<std::uint32_t>(rect.right()) * bytes_per_pixel;
    for (std::int32_t y = rect.y; y < rect.bottom(); ++y) {
        const auto* src =
            reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const std::uint8_t*>(canvas) +
                                                   static_cast<std::size_t>(y) * canvas_stride) +
            rect.x;
        for (std::uint32_t x_bytes = first_byte; x_bytes < end_byte;) {
            const std::uint32_t run =
                std::min(layout.contiguous_bytes(x_bytes), end_byte - x_bytes);
            std::uint8_t* dst =
                surface + layout.byte_offset(x_bytes, static_cast<std::uint32_t>(y));
            const std::uint32_t pixels = run / bytes_per_pixel;
            convert_run<Convert>(src, dst, pixels);
            src += pixels;
            x_bytes += run;
        }
    }
}

}  // namespace

void encode_canvas_rect(const PixelFormat& format, const SurfaceLayout& layout,
                        const std::uint32_t* canvas, std::size_t canvas_stride, const Rect& rect,
                        std::uint8_t* surface) {
    if (rect.empty()) {
        return;
    }
    switch (format.fourcc) {
        // The canvas has 0xff in its top byte, so X and A come out opaque alike.
        case DRM_FORMAT_XRGB8888:
        case DRM_FORMAT_ARGB8888:
            return encode_rows<ToXrgb8888>(layout, canvas, canvas_stride, rect, surface);
        case DRM_FORMAT_XBGR8888:
        case DRM_FORMAT_ABGR8888:
            return encode_rows<ToXbgr8888>(layout, canvas, canvas_stride, rect, surface);
        case DRM_FORMAT_RGB565:
            return encode_rows<ToRgb565>(layout, canvas, canvas_stride, rect, surface);
        case DRM_FORMAT_XRGB2101010:
            return encode_rows<ToXrgb2101010>(layout, canvas, canvas_stride, rect, surface);
    }
    throw Error("demo encoder: no encoding for pixel format " + format_name(format.fourcc));
}

}  // namespace fbx
