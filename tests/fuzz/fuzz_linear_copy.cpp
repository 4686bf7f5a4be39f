// The kernel's detile-and-convert copy (kernel/convert_logic.c) on any valid
// surface and any rectangle inside it: under ASan, no byte outside the
// source surface is read and none outside the destination written; and the
// EDID parser on any blob.
#include <vector>

#include "fuzz_input.hpp"
#include "kernel_logic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    static const std::uint32_t formats[] = {VGPU_FMT_XRGB8888, VGPU_FMT_ARGB8888,
                                            VGPU_FMT_XBGR8888, VGPU_FMT_ABGR8888,
                                            VGPU_FMT_RGB565,   VGPU_FMT_XRGB2101010};
    vgpu_plane_regs regs{};
    regs.enable = 1;
    regs.format = formats[in.take<std::uint8_t>() % 6];
    const std::uint8_t mod = in.take<std::uint8_t>() % 3;
    regs.modifier = mod == 0   ? VGPU_MOD_LINEAR
                    : mod == 1 ? VGPU_MOD_I915_X_TILED
                               : VGPU_MOD_I915_Y_TILED;
    regs.width = in.take<std::uint8_t>() % 200 + 1;
    regs.height = in.take<std::uint8_t>() % 100 + 1;
    const std::uint32_t cpp = vgpu_format_lookup(regs.format)->cpp;
    const std::uint32_t align = mod == 0 ? 4 : mod == 1 ? 512 : 128;
    regs.stride = (regs.width * cpp + in.take<std::uint8_t>() + align - 1) / align * align;
    vgpu_plane_limits lim{4096, 4096, 1ull << 30, 1ull << 30, false};
    vgpu_surface s{};
    if (vgpu_plane_validate(&regs, &lim, &s) != VGPU_PLANE_OK) {
        return 0;
    }
    // exactly sized buffers, so ASan sees any stray access
    std::vector<std::uint8_t> src(s.size);
    for (auto& b : src) {
        b = in.take<std::uint8_t>();
    }
    std::vector<std::uint8_t> dst(std::size_t{s.width} * s.height * 4);
    vgpu_rect r;
    vgpu_rect_from_regs(&r, in.take<std::uint32_t>(), in.take<std::uint32_t>());
    if (vgpu_rect_clip(&r, s.width, s.height)) {
        vgpu_copy_rect_xrgb8888(&s, src.data(), dst.data(), s.width * 4, &r);
    }

    std::vector<std::uint8_t> edid(in.take<std::uint8_t>());
    for (auto& b : edid) {
        b = in.take<std::uint8_t>();
    }
    std::uint32_t w = 0, h = 0;
    if (vgpu_edid_preferred_mode(edid.data(), static_cast<std::uint32_t>(edid.size()), &w, &h)) {
        FUZZ_CHECK(w > 0 && w < 4096 && h > 0 && h < 4096);
    }
    return 0;
}
