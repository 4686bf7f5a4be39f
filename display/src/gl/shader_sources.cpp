#include "shader_sources.hpp"

#include <string>

namespace fbx::gl::shaders {

const char* const rect_vertex = R"(#version 300 es
uniform vec4 u_rect;
uniform vec2 u_target;
void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
    vec2 pixel = u_rect.xy + corner * u_rect.zw;
    gl_Position = vec4(pixel / u_target * 2.0 - 1.0, 0.0, 1.0);
}
)";

namespace {

// The body of the detile program; detile_fragment() puts the #defines that
// pick the tiling, format and alignment in front of it.
const char* const detile_body = R"(
precision highp float;
precision highp int;
precision highp usampler2D;

uniform usampler2D u_words;
uniform uint u_row_shift;  // log2 of the texture's width in texels
uniform uint u_bias;       // surface byte offset -> byte index in u_words (mod 2^32)
uniform uint u_stride;     // bytes
layout(location = 0) out vec4 o_bgrx;

uint surface_offset(uint x_bytes, uint y) {
#if TILING == 1
    uint tile = (y >> 3u) * (u_stride >> 9u) + (x_bytes >> 9u);
    return tile * 4096u + (y & 7u) * 512u + (x_bytes & 511u);
#elif TILING == 2
    uint tile = (y >> 5u) * (u_stride >> 7u) + (x_bytes >> 7u);
    return tile * 4096u + ((x_bytes & 127u) >> 4u) * 512u + (y & 31u) * 16u + (x_bytes & 15u);
#else
    return y * u_stride + x_bytes;
#endif
}

uint word_at(uint index) {
    uint mask = (1u << u_row_shift) - 1u;
    return texelFetch(u_words, ivec2(int(index & mask), int(index >> u_row_shift)), 0).r;
}

// The pixel's bytes as a little-endian value. Only a linear surface with an
// odd offset or stride puts a pixel across two words.
uint load_pixel(uint byte_index) {
    uint word = byte_index >> 2u;
    uint shift = (byte_index & 3u) * 8u;
    uint value = word_at(word) >> shift;
#if MAY_STRADDLE
    if (shift + BPP * 8u > 32u) {
        value |= word_at(word + 1u) << (32u - shift);
    }
#endif
    return value;
}

void main() {
    uvec2 p = uvec2(gl_FragCoord.xy);
    uint raw = load_pixel(surface_offset(p.x * BPP, p.y) + u_bias);
#if FORMAT == 0
    uvec3 rgb = uvec3(raw >> 16u, raw >> 8u, raw) & 255u;
#elif FORMAT == 1
    uvec3 rgb = uvec3(raw, raw >> 8u, raw >> 16u) & 255u;
#elif FORMAT == 2
    uvec3 c = uvec3(raw >> 11u, raw >> 5u, raw) & uvec3(31u, 63u, 31u);
    uvec3 rgb = uvec3((c.r << 3u) | (c.r >> 2u), (c.g << 2u) | (c.g >> 4u),
                      (c.b << 3u) | (c.b >> 2u));
#else
    uvec3 rgb = uvec3(raw >> 22u, raw >> 12u, raw >> 2u) & 255u;  // top 8 of each 10 bits
#endif
    o_bgrx = vec4(vec3(rgb.bgr), 255.0) / 255.0;
}
)";

}  // namespace

std::string detile_fragment(unsigned tiling, unsigned format, bool may_straddle) {
    const unsigned bpp = format == 2 ? 2 : 4;
    return "#version 300 es\n#define TILING " + std::to_string(tiling) + "\n#define FORMAT " +
           std::to_string(format) + "\n#define BPP " + std::to_string(bpp) +
           "u\n#define MAY_STRADDLE " + (may_straddle ? "1" : "0") + "\n" + detile_body;
}

const char* const imported_fragment = R"(#version 300 es
precision highp float;
precision highp int;

uniform sampler2D u_image;
uniform vec3 u_levels;  // largest channel value: 255, (31, 63, 31) or 1023
uniform uint u_widen;   // 0 8-bit channels, 1 RGB565, 2 10-bit channels
layout(location = 0) out vec4 o_bgrx;

void main() {
    vec3 c = texelFetch(u_image, ivec2(gl_FragCoord.xy), 0).rgb;
    uvec3 q = uvec3(round(c * u_levels));
    uvec3 rgb = q;
    if (u_widen == 1u) {
        rgb = uvec3((q.r << 3u) | (q.r >> 2u), (q.g << 2u) | (q.g >> 4u), (q.b << 3u) | (q.b >> 2u));
    } else if (u_widen == 2u) {
        rgb = q >> 2u;
    }
    o_bgrx = vec4(vec3(rgb.bgr), 255.0) / 255.0;
}
)";

const char* const luma_fragment = R"(#version 300 es
precision highp float;
precision highp int;

uniform sampler2D u_picture;  // (B, G, R, 1) per pixel
uniform ivec2 u_size;         // the picture's size
layout(location = 0) out vec4 o_luma4;

float luma(int x, int y) {
    vec3 bgr = round(texelFetch(u_picture, min(ivec2(x, y), u_size - 1), 0).rgb * 255.0);
    return 16.0 + 219.0 / 255.0 * dot(bgr, vec3(0.114, 0.587, 0.299));
}

void main() {
    ivec2 q = ivec2(gl_FragCoord.xy);
    int x = q.x * 4;
    vec4 y = vec4(luma(x, q.y), luma(x + 1, q.y), luma(x + 2, q.y), luma(x + 3, q.y));
    o_luma4 = round(y) / 255.0;
}
)";

const char* const chroma_fragment = R"(#version 300 es
precision highp float;
precision highp int;

uniform sampler2D u_picture;  // (B, G, R, 1) per pixel
uniform ivec2 u_size;
layout(location = 0) out vec4 o_cbcr2;

vec3 bgr(ivec2 p) {
    return round(texelFetch(u_picture, min(p, u_size - 1), 0).rgb * 255.0);
}

// Cb, Cr of the 2x2 block at chroma position c; edges repeat the last pixel.
vec2 cbcr(ivec2 c) {
    ivec2 p = c * 2;
    vec3 m = (bgr(p) + bgr(p + ivec2(1, 0)) + bgr(p + ivec2(0, 1)) + bgr(p + ivec2(1, 1))) / 4.0;
    float cb = 128.0 + 224.0 / 255.0 * dot(m, vec3(0.5, -0.331264, -0.168736));
    float cr = 128.0 + 224.0 / 255.0 * dot(m, vec3(-0.081312, -0.418688, 0.5));
    return vec2(cb, cr);
}

void main() {
    ivec2 q = ivec2(gl_FragCoord.xy);
    vec4 pairs = vec4(cbcr(ivec2(q.x * 2, q.y)), cbcr(ivec2(q.x * 2 + 1, q.y)));
    o_cbcr2 = clamp(round(pairs), 0.0, 255.0) / 255.0;
}
)";

}  // namespace fbx::gl::shaders
