// Damage rectangles (kernel/damage_logic.c): clipping never leaves a
// rectangle outside its plane, the bounded list never loses a damaged pixel
// nor grows past its bound, and dirty byte ranges of any valid surface give
// rectangles inside it.
#include "fuzz_input.hpp"
#include "kernel_logic.hpp"

namespace {

bool covered(const vgpu_rect* rects, std::uint32_t n, std::uint32_t x, std::uint32_t y) {
    for (std::uint32_t i = 0; i < n; i++) {
        if (x >= rects[i].x && y >= rects[i].y && x - rects[i].x < rects[i].width &&
            y - rects[i].y < rects[i].height) {
            return true;
        }
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    const std::uint32_t width = in.take<std::uint16_t>() % 4096 + 1;
    const std::uint32_t height = in.take<std::uint16_t>() % 2304 + 1;
    const std::uint32_t max = in.take<std::uint8_t>() % VGPU_EVENT_MAX_RECTS + 1;

    vgpu_rect rects[VGPU_EVENT_MAX_RECTS];
    std::uint32_t n = 0;
    vgpu_rect added[32];
    std::uint32_t n_added = 0;
    while (!in.empty() && n_added < 32) {
        vgpu_rect r;
        vgpu_rect_from_regs(&r, in.take<std::uint32_t>(), in.take<std::uint32_t>());
        if (!vgpu_rect_clip(&r, width, height)) {
            FUZZ_CHECK(r.width == 0 && r.height == 0);
            continue;
        }
        FUZZ_CHECK(r.width > 0 && r.height > 0);
        FUZZ_CHECK(std::uint64_t{r.x} + r.width <= width &&
                   std::uint64_t{r.y} + r.height <= height);
        vgpu_rects_add(rects, &n, max, &r);
        FUZZ_CHECK(n >= 1 && n <= max);
        added[n_added++] = r;
    }
    // every added rectangle's corners and centre are still covered
    for (std::uint32_t i = 0; i < n_added; i++) {
        const vgpu_rect& r = added[i];
        const std::uint32_t xs[] = {r.x, r.x + r.width - 1, r.x + r.width / 2};
        const std::uint32_t ys[] = {r.y, r.y + r.height - 1, r.y + r.height / 2};
        for (std::uint32_t x : xs) {
            for (std::uint32_t y : ys) {
                FUZZ_CHECK(covered(rects, n, x, y));
            }
        }
    }

    // dirty bytes of a valid surface
    vgpu_plane_regs regs{};
    regs.enable = 1;
    regs.format = (in.take<std::uint8_t>() & 1) ? VGPU_FMT_RGB565 : VGPU_FMT_XRGB8888;
    const std::uint8_t mod = in.take<std::uint8_t>() % 3;
    regs.modifier = mod == 0   ? VGPU_MOD_LINEAR
                    : mod == 1 ? VGPU_MOD_I915_X_TILED
                               : VGPU_MOD_I915_Y_TILED;
    regs.width = in.take<std::uint16_t>() % 2048 + 1;
    regs.height = in.take<std::uint16_t>() % 2048 + 1;
    regs.stride = (in.take<std::uint16_t>() + regs.width * 4u + 511u) & ~511u;
    vgpu_plane_limits lim{4096, 4096, 1ull << 30, 1ull << 30, false};
    vgpu_surface s{};
    if (vgpu_plane_validate(&regs, &lim, &s) != VGPU_PLANE_OK) {
        return 0;
    }
    const std::uint64_t first = in.take<std::uint32_t>() % s.size;
    const std::uint64_t len = in.take<std::uint32_t>() % (s.size - first) + 1;
    vgpu_rect r{};
    if (vgpu_surface_bytes_rect(&s, first, len, &r)) {
        FUZZ_CHECK(r.width > 0 && r.height > 0);
        FUZZ_CHECK(std::uint64_t{r.x} + r.width <= s.width);
        FUZZ_CHECK(std::uint64_t{r.y} + r.height <= s.height);
    }
    return 0;
}
