#include "display/nv12_image.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

struct Rgb {
    double r, g, b;
};

Rgb unpack(std::uint32_t xrgb) {
    return {double((xrgb >> 16) & 0xff), double((xrgb >> 8) & 0xff), double(xrgb & 0xff)};
}

std::uint8_t to_byte(double v) {
    return static_cast<std::uint8_t>(std::clamp(std::lround(v), 0L, 255L));
}

}  // namespace

void Nv12Image::resize(std::uint32_t w, std::uint32_t h) {
    width = w;
    height = h;
    y.resize(std::size_t{w} * h);
    uv.resize(std::size_t{uv_stride()} * chroma_height());
}

void copy_nv12(const Nv12Image& in, const Nv12Planes& out) {
    if (in.width != out.width || in.height != out.height) {
        throw Error("NV12 copy of a " + std::to_string(in.width) + "x" + std::to_string(in.height) +
                    " picture into a " + std::to_string(out.width) + "x" +
                    std::to_string(out.height) + " frame");
    }
    for (std::uint32_t row = 0; row < in.height; ++row) {
        std::memcpy(out.y + row * out.y_stride, in.y.data() + std::size_t{row} * in.width,
                    in.width);
    }
    for (std::uint32_t row = 0; row < in.chroma_height(); ++row) {
        std::memcpy(out.uv + row * out.uv_stride, in.uv.data() + std::size_t{row} * in.uv_stride(),
                    in.uv_stride());
    }
}

void rgb_to_nv12(const ShadowFramebuffer& in, Nv12Image& out) {
    out.resize(in.width(), in.height());
    for (std::uint32_t row = 0; row < in.height(); ++row) {
        for (std::uint32_t x = 0; x < in.width(); ++x) {
            const Rgb c = unpack(in.at(x, row));
            out.y[std::size_t{row} * out.width + x] =
                to_byte(16.0 + 219.0 / 255.0 * (0.299 * c.r + 0.587 * c.g + 0.114 * c.b));
        }
    }
    const std::uint32_t last_x = in.width() - 1;
    const std::uint32_t last_y = in.height() - 1;
    for (std::uint32_t cy = 0; cy < out.chroma_height(); ++cy) {
        for (std::uint32_t cx = 0; cx < out.chroma_width(); ++cx) {
            Rgb sum{0, 0, 0};
            for (const std::uint32_t py : {2 * cy, std::min(2 * cy + 1, last_y)}) {
                for (const std::uint32_t px : {2 * cx, std::min(2 * cx + 1, last_x)}) {
                    const Rgb c = unpack(in.at(px, py));
                    sum = {sum.r + c.r, sum.g + c.g, sum.b + c.b};
                }
            }
            const Rgb c{sum.r / 4, sum.g / 4, sum.b / 4};
            std::uint8_t* pair = out.uv.data() + std::size_t{cy} * out.uv_stride() + 2 * cx;
            pair[0] =
                to_byte(128.0 + 224.0 / 255.0 * (-0.168736 * c.r - 0.331264 * c.g + 0.5 * c.b));
            pair[1] =
                to_byte(128.0 + 224.0 / 255.0 * (0.5 * c.r - 0.418688 * c.g - 0.081312 * c.b));
        }
    }
}

}  // namespace fbx
