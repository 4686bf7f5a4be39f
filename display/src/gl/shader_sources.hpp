#pragma once

#include <string>

namespace fbx::gl::shaders {

// GLSL ES 3.00 sources of the converter's programs. Every fragment shader
// writes one output pixel per fragment at integer coordinates
// (gl_FragCoord - 0.5), and the colour programs store it as (B, G, R, 1) in
// an RGBA8 target, so RGBA bytes read back are XRGB8888's B, G, R, X.

// Draws the rectangle `u_rect` (x, y, width, height in pixels) of a
// `u_target`-sized framebuffer as a 4-vertex triangle strip, no attributes.
extern const char* const rect_vertex;

// Detiles and converts uploaded surface bytes: the surface's bytes are in
// an R32UI texture as little-endian words, `1 << u_row_shift` per texel row;
// the byte at surface offset s is at index s + u_bias. Same address math
// as fbx::SurfaceLayout, same colours as ReferenceConverter.
//
// One program per tiling (0 linear, 1 Intel X, 2 Intel Y), format (0
// [A|X]RGB8888, 1 [A|X]BGR8888, 2 RGB565, 3 XRGB2101010) and whether a
// pixel may straddle two words (linear surfaces with odd offsets or
// strides), chosen by #define rather than by uniforms: a software
// rasteriser runs both sides of every branch under a mask, so a generic
// shader would pay for every format and both fetches on every pixel.
std::string detile_fragment(unsigned tiling, unsigned format, bool may_straddle);

// Converts a dma-buf imported as a texture (the driver has detiled it):
// requantises the normalised channels to their bit depth, then widens them
// exactly as the CPU path does.
extern const char* const imported_fragment;

// NV12 from the converted picture (the RGBA8 target above): luma, four
// pixels per RGBA texel; chroma, two Cb,Cr pairs per RGBA texel. BT.601
// limited range; see display/nv12_image.hpp.
extern const char* const luma_fragment;
extern const char* const chroma_fragment;

}  // namespace fbx::gl::shaders
