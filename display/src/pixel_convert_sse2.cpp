// The pixel kernels for sse2; see pixel_kernels.hpp.

#include <immintrin.h>

#include "pixel_convert.hpp"
#include "pixel_kernels.hpp"

namespace fbx::sse2 {
namespace {

struct Sse2 {
    using V = __m128i;
    static constexpr std::size_t lanes = 4;
    static V load(const void* p) { return _mm_loadu_si128(static_cast<const V*>(p)); }
    static void store(void* p, V v) { _mm_storeu_si128(static_cast<V*>(p), v); }
    static V splat(std::uint32_t x) { return _mm_set1_epi32(static_cast<int>(x)); }
    static V and_(V a, V b) { return _mm_and_si128(a, b); }
    static V or_(V a, V b) { return _mm_or_si128(a, b); }
    template <int n>
    static V shr(V a) {
        return _mm_srli_epi32(a, n);
    }
    template <int n>
    static V shl(V a) {
        return _mm_slli_epi32(a, n);
    }
    // Four 16-bit values widened to four 32-bit lanes.
    static V load_u16(const std::uint16_t* p) {
        return _mm_unpacklo_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                                  _mm_setzero_si128());
    }
};

}  // namespace

void swap_red_blue(std::uint32_t* p, std::size_t n) {
    swap_red_blue_v<Sse2>(p, n);
}
void narrow_2101010(std::uint32_t* p, std::size_t n) {
    narrow_2101010_v<Sse2>(p, n);
}
void widen_565(const std::uint16_t* s, std::uint32_t* d, std::size_t n) {
    widen_565_v<Sse2>(s, d, n);
}

}  // namespace fbx::sse2
