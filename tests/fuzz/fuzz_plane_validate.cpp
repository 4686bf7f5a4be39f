// Plane validation and tiling math (kernel/plane_logic.c) on any register
// values: an accepted surface lies inside its address space, and every
// pixel byte the tiling math addresses lies inside the surface.
#include "fuzz_input.hpp"
#include "kernel_logic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    vgpu_plane_regs regs{};
    regs.enable = in.take<std::uint8_t>() & 1;
    // a known fourcc most of the time, anything otherwise
    static const std::uint32_t formats[] = {VGPU_FMT_XRGB8888, VGPU_FMT_ARGB8888,
                                            VGPU_FMT_XBGR8888, VGPU_FMT_ABGR8888,
                                            VGPU_FMT_RGB565,   VGPU_FMT_XRGB2101010};
    const std::uint8_t pick = in.take<std::uint8_t>();
    regs.format = pick < 240 ? formats[pick % 6] : in.take<std::uint32_t>();
    const std::uint8_t mod = in.take<std::uint8_t>();
    regs.modifier = mod < 240 ? (mod % 3 == 0   ? VGPU_MOD_LINEAR
                                 : mod % 3 == 1 ? VGPU_MOD_I915_X_TILED
                                                : VGPU_MOD_I915_Y_TILED)
                              : in.take<std::uint64_t>();
    regs.offset = in.take<std::uint64_t>();
    if (in.take<std::uint8_t>() & 1) {
        regs.offset &= 0xfffff000ull;  // aligned and small: gets further
    }
    regs.width = in.take<std::uint16_t>();
    regs.height = in.take<std::uint16_t>();
    regs.stride = in.take<std::uint32_t>();
    if (in.take<std::uint8_t>() & 1) {
        regs.stride &= 0xffff;
    }
    regs.hot_x = in.take<std::uint32_t>();
    regs.hot_y = in.take<std::uint32_t>();
    regs.memory = in.take<std::uint8_t>() % 3;

    vgpu_plane_limits lim{};
    lim.cursor = in.take<std::uint8_t>() & 1;
    lim.max_width = lim.cursor ? VGPU_CURSOR_MAX_SIZE : 4096;
    lim.max_height = lim.cursor ? VGPU_CURSOR_MAX_SIZE : 2304;
    lim.vram_size = (static_cast<std::uint64_t>(in.take<std::uint8_t>() % 9 + 1) << 24) - 4096;
    lim.gtt_size = lim.vram_size + 4096;

    vgpu_surface s{};
    const std::uint32_t status = vgpu_plane_validate(&regs, &lim, &s);
    FUZZ_CHECK(status < VGPU_PLANE_ERR_COUNT);
    if (status != VGPU_PLANE_OK) {
        vgpu_surface zero{};
        FUZZ_CHECK(vgpu_surface_equal(&s, &zero));
        return 0;
    }
    const std::uint64_t space = s.memory == VGPU_MEMORY_GTT ? lim.gtt_size : lim.vram_size;
    FUZZ_CHECK(s.offset % VGPU_SURFACE_ALIGN == 0);
    FUZZ_CHECK(s.size % 4096 == 0 && s.size > 0);
    FUZZ_CHECK(s.offset <= space && s.size <= space - s.offset);
    FUZZ_CHECK(s.width >= 1 && s.width <= lim.max_width && s.height <= lim.max_height);
    const vgpu_format_info* fmt = vgpu_format_lookup(s.format);
    FUZZ_CHECK(fmt != nullptr);
    // the corners and a fuzzed pixel are inside the surface
    const std::uint32_t xs[] = {0, s.width - 1, in.take<std::uint16_t>() % s.width};
    const std::uint32_t ys[] = {0, s.height - 1, in.take<std::uint16_t>() % s.height};
    for (std::uint32_t x : xs) {
        for (std::uint32_t y : ys) {
            const std::uint64_t at = vgpu_tiled_offset(s.modifier, s.stride, x * fmt->cpp, y);
            FUZZ_CHECK(at + fmt->cpp <= s.size);
        }
    }
    return 0;
}
