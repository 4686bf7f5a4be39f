#pragma once

// The bodies of the pixel kernels, written once over a vector "shim" I
// (load, store, and, or, shifts) and compiled twice: pixel_convert_sse2.cpp
// with the x86-64 baseline, pixel_convert_avx2.cpp with -mavx2. Everything
// here has internal linkage on purpose: each translation unit must keep its
// own copy, or the linker could hand AVX2 code to the SSE2 path.

#include <cstddef>
#include <cstdint>

namespace fbx {
namespace {  // NOLINT(google-build-namespaces): see above

// The scalar forms: the definition of each kernel, and the tail of every
// vector loop.
inline std::uint32_t swap_red_blue_1(std::uint32_t p) {
    return (p & 0xff00ff00u) | ((p >> 16) & 0xffu) | ((p & 0xffu) << 16);
}
inline std::uint32_t narrow_2101010_1(std::uint32_t p) {
    return ((p >> 6) & 0xff0000u) | ((p >> 4) & 0xff00u) | ((p >> 2) & 0xffu);
}
inline std::uint32_t widen_565_1(std::uint32_t s) {
    const std::uint32_t r = ((s >> 8) & 0xf8u) | ((s >> 13) & 0x7u);
    const std::uint32_t g = ((s >> 3) & 0xfcu) | ((s >> 9) & 0x3u);
    const std::uint32_t b = ((s << 3) & 0xf8u) | ((s >> 2) & 0x7u);
    return (r << 16) | (g << 8) | b;
}

template <typename I>
void swap_red_blue_v(std::uint32_t* p, std::size_t n) {
    const auto keep = I::splat(0xff00ff00u);
    const auto low = I::splat(0xffu);
    std::size_t i = 0;
    for (; i + I::lanes <= n; i += I::lanes) {
        const auto v = I::load(p + i);
        I::store(p + i, I::or_(I::and_(v, keep), I::or_(I::and_(I::template shr<16>(v), low),
                                                        I::template shl<16>(I::and_(v, low)))));
    }
    for (; i < n; ++i) {
        p[i] = swap_red_blue_1(p[i]);
    }
}

template <typename I>
void narrow_2101010_v(std::uint32_t* p, std::size_t n) {
    const auto r = I::splat(0xff0000u);
    const auto g = I::splat(0xff00u);
    const auto b = I::splat(0xffu);
    std::size_t i = 0;
    for (; i + I::lanes <= n; i += I::lanes) {
        const auto v = I::load(p + i);
        I::store(p + i, I::or_(I::and_(I::template shr<6>(v), r),
                               I::or_(I::and_(I::template shr<4>(v), g),
                                      I::and_(I::template shr<2>(v), b))));
    }
    for (; i < n; ++i) {
        p[i] = narrow_2101010_1(p[i]);
    }
}

template <typename I>
void widen_565_v(const std::uint16_t* src, std::uint32_t* dst, std::size_t n) {
    const auto f8 = I::splat(0xf8u);
    const auto fc = I::splat(0xfcu);
    const auto m7 = I::splat(0x7u);
    const auto m3 = I::splat(0x3u);
    std::size_t i = 0;
    for (; i + I::lanes <= n; i += I::lanes) {
        const auto s = I::load_u16(src + i);
        const auto red =
            I::or_(I::and_(I::template shr<8>(s), f8), I::and_(I::template shr<13>(s), m7));
        const auto green =
            I::or_(I::and_(I::template shr<3>(s), fc), I::and_(I::template shr<9>(s), m3));
        const auto blue =
            I::or_(I::and_(I::template shl<3>(s), f8), I::and_(I::template shr<2>(s), m7));
        I::store(dst + i,
                 I::or_(I::template shl<16>(red), I::or_(I::template shl<8>(green), blue)));
    }
    for (; i < n; ++i) {
        dst[i] = widen_565_1(src[i]);
    }
}

}  // namespace
}  // namespace fbx
