#pragma once

#include <cstddef>
#include <cstdint>

namespace fbx {

// Row kernels that turn pixels into XRGB8888 with the same results as
// pixman's conversions (the reference path), vectorised: SSE2 always, AVX2
// when the CPU has it (checked once at run time). The X byte of the output
// is undefined, as in the shadow framebuffer.

// XBGR8888 / ABGR8888 to XRGB8888 in place: swaps red and blue.
void swap_red_blue(std::uint32_t* pixels, std::size_t count);

// XRGB2101010 to XRGB8888 in place: the top 8 bits of each 10-bit channel.
void narrow_2101010(std::uint32_t* pixels, std::size_t count);

// RGB565 to XRGB8888, widening each channel by repeating its top bits.
void widen_565(const std::uint16_t* src, std::uint32_t* dst, std::size_t count);

// "avx2" or "sse2": what the kernels above use on this CPU.
const char* pixel_kernel_isa();

// The same kernels for one instruction set each, picked by the functions above.
namespace sse2 {
void swap_red_blue(std::uint32_t* pixels, std::size_t count);
void narrow_2101010(std::uint32_t* pixels, std::size_t count);
void widen_565(const std::uint16_t* src, std::uint32_t* dst, std::size_t count);
}  // namespace sse2
namespace avx2 {
void swap_red_blue(std::uint32_t* pixels, std::size_t count);
void narrow_2101010(std::uint32_t* pixels, std::size_t count);
void widen_565(const std::uint16_t* src, std::uint32_t* dst, std::size_t count);
}  // namespace avx2

}  // namespace fbx
