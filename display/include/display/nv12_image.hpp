#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "display/shadow_framebuffer.hpp"

namespace fbx {

// A picture in NV12, the layout hardware and software H.264/VP8 encoders
// take: a full-resolution luma plane followed by one half-resolution plane
// of interleaved Cb,Cr pairs.
//
// Colours are BT.601, limited ("TV") range, as encoders assume when a
// stream carries no colour description:
//   Y  = 16  + 219/255 * ( 0.299    R + 0.587    G + 0.114    B)
//   Cb = 128 + 224/255 * (-0.168736 R - 0.331264 G + 0.5      B)
//   Cr = 128 + 224/255 * ( 0.5      R - 0.418688 G - 0.081312 B)
// with R, G, B in 0..255 and each result rounded to the nearest integer.
// Chroma is sited at the centre of each 2x2 block (MPEG-1/JPEG style): the
// average of the block's four pixels; at an odd width or height the last
// column or row counts twice, as if the edge pixel were repeated.
struct Nv12Image {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint8_t> y;   // width x height bytes, rows packed (stride = width)
    std::vector<std::uint8_t> uv;  // chroma_width() x chroma_height() Cb,Cr pairs, packed

    std::uint32_t chroma_width() const { return (width + 1) / 2; }
    std::uint32_t chroma_height() const { return (height + 1) / 2; }
    std::uint32_t uv_stride() const { return chroma_width() * 2; }  // bytes
    // Sizes the planes for width x height; contents are undefined afterwards.
    void resize(std::uint32_t w, std::uint32_t h);
};

// Where an NV12 picture of width x height lies in someone else's memory (a
// GStreamer frame's planes): each plane with its own stride in bytes.
struct Nv12Planes {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint8_t* y = nullptr;
    std::size_t y_stride = 0;
    std::uint8_t* uv = nullptr;
    std::size_t uv_stride = 0;
};

// Copies `in` into `out`, which must be the same size.
void copy_nv12(const Nv12Image& in, const Nv12Planes& out);

// The CPU conversion (the definition above, in double precision): the
// reference for the GL path's NV12 output, and what a CPU-only service feeds
// its encoders.
void rgb_to_nv12(const ShadowFramebuffer& in, Nv12Image& out);

}  // namespace fbx
