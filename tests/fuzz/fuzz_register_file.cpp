// The register file (kernel/regs_logic.c) driven by any sequence of guest
// writes and reads: no crash, valid planes always lie inside their address
// space, posted damage always lies inside its plane, status codes are known.
#include "fuzz_input.hpp"
#include "kernel_logic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    static vgpu_engine e;
    const std::uint64_t vram = (16u << 20) - 4096;
    vgpu_engine_init(&e, vram, (16u << 20) / 4096, 1280, 1024);
    e.edid_size = in.take<std::uint8_t>() % 129;

    while (!in.empty()) {
        const std::uint8_t op = in.take<std::uint8_t>();
        // offsets concentrated on the blocks with meaning, sometimes anywhere
        std::uint32_t off;
        switch (op % 4) {
            case 0:
                off = VGPU_PLANE_BASE_0 + in.take<std::uint8_t>() % (2 * VGPU_PLANE_STRIDE);
                break;
            case 1:
                off = VGPU_DAMAGE_BASE_0 + in.take<std::uint8_t>() % 0x20;
                break;
            case 2:
                off = in.take<std::uint8_t>() % 0x70;
                break;
            default:
                off = in.take<std::uint16_t>() % VGPU_BAR2_SIZE;
        }
        off &= ~3u;
        std::uint32_t value = in.take<std::uint32_t>();
        if (op & 0x10) {
            value &= 0xfff;
        }
        if (op & 0x20) {
            (void)vgpu_engine_read(&e, off);
            continue;
        }
        const std::uint32_t events = vgpu_engine_write(&e, off, value);
        if (events & VGPU_EV_DAMAGE) {
            const vgpu_surface& s = e.surf[e.damage_plane];
            FUZZ_CHECK(e.status[e.damage_plane] == VGPU_PLANE_OK);
            FUZZ_CHECK(e.damage_rect.width > 0 && e.damage_rect.height > 0);
            FUZZ_CHECK(std::uint64_t{e.damage_rect.x} + e.damage_rect.width <= s.width);
            FUZZ_CHECK(std::uint64_t{e.damage_rect.y} + e.damage_rect.height <= s.height);
        }
        if (op & 0x40) {
            vgpu_engine_write(&e, VGPU_REG_COMMIT, value & 3);
        }
        if (op == 0xff) {
            vgpu_engine_hotplug(&e);
            vgpu_engine_reset(&e);
        }
        for (int p = 0; p < VGPU_NUM_PLANES; p++) {
            FUZZ_CHECK(e.status[p] < VGPU_PLANE_ERR_COUNT);
            if (e.status[p] != VGPU_PLANE_OK) {
                continue;
            }
            const std::uint64_t space =
                e.surf[p].memory == VGPU_MEMORY_GTT ? e.limits[p].gtt_size : vram;
            FUZZ_CHECK(e.surf[p].offset <= space && e.surf[p].size <= space - e.surf[p].offset);
        }
        FUZZ_CHECK((e.int_enable & ~VGPU_INT_ALL) == 0);
    }
    return 0;
}
