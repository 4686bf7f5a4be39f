#include "pixel_convert.hpp"

namespace fbx {
namespace {

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
}

}  // namespace

void swap_red_blue(std::uint32_t* pixels, std::size_t count) {
    cpu_has_avx2() ? avx2::swap_red_blue(pixels, count) : sse2::swap_red_blue(pixels, count);
}

void narrow_2101010(std::uint32_t* pixels, std::size_t count) {
    cpu_has_avx2() ? avx2::narrow_2101010(pixels, count) : sse2::narrow_2101010(pixels, count);
}

void widen_565(const std::uint16_t* src, std::uint32_t* dst, std::size_t count) {
    cpu_has_avx2() ? avx2::widen_565(src, dst, count) : sse2::widen_565(src, dst, count);
}

const char* pixel_kernel_isa() {
    return cpu_has_avx2() ? "avx2" : "sse2";
}

}  // namespace fbx
