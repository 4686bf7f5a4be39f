// The pixel kernels for avx2; see pixel_kernels.hpp.

#include <immintrin.h>

#include "pixel_convert.hpp"
#include "pixel_kernels.hpp"

namespace fbx::avx2 {
namespace {

struct Avx2 {
    using V = __m256i;
    static constexpr std::size_t lanes = 8;
    static V load(const void* p) { return _mm256_loadu_si256(static_cast<const V*>(p)); }
    static void store(void* p, V v) { _mm256_storeu_si256(static_cast<V*>(p), v); }
    static V splat(std::uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
    static V and_(V a, V b) { return _mm256_and_si256(a, b); }
    static V or_(V a, V b) { return _mm256_or_si256(a, b); }
    template <int n>
    static V shr(V a) {
        return _mm256_srli_epi32(a, n);
    }
    template <int n>
    static V shl(V a) {
        return _mm256_slli_epi32(a, n);
    }
    static V load_u16(const std::uint16_t* p) {
        return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
};

}  // namespace

void swap_red_blue(std::uint32_t* p, std::size_t n) {
    swap_red_blue_v<Avx2>(p, n);
}
void narrow_2101010(std::uint32_t* p, std::size_t n) {
    narrow_2101010_v<Avx2>(p, n);
}
void widen_565(const std::uint16_t* s, std::uint32_t* d, std::size_t n) {
    widen_565_v<Avx2>(s, d, n);
}

}  // namespace fbx::avx2
