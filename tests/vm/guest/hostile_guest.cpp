#include "hostile_guest.hpp"

#include "vgpu_mediator.h"

namespace vmtest {

std::uint32_t HostileGuest::any_register() {
    switch (rng_() % 4) {
        case 0:
            return std::uint32_t(VGPU_PLANE_BASE_0 + rng_() % (2 * VGPU_PLANE_STRIDE)) & ~3u;
        case 1:
            return std::uint32_t(VGPU_DAMAGE_BASE_0 + rng_() % 0x20) & ~3u;
        default:
            return std::uint32_t(rng_() % VGPU_BAR2_SIZE) & ~3u;
    }
}

void HostileGuest::scribble(int writes) {
    const std::uint32_t entries = device_.gtt_entries();
    for (int i = 0; i < writes; i++) {
        const std::uint64_t r = rng_();
        if (r % 8 == 0) {
            // valid pages of guest RAM, junk, or holes; mostly the first
            // entries, where the planes the tests show look
            const std::uint32_t index = std::uint32_t(rng_() % 64);
            const std::uint64_t page = rng_() % (ram_size_ / 4096 + 4);  // some past the end
            const std::uint64_t entry =
                rng_() % 5 == 0 ? rng_()
                                : (ram_iova_ + page * 4096) | (rng_() % 7 ? VGPU_GTT_VALID : 0);
            device_.write_gtt(rng_() % 50 ? index : std::uint32_t(rng_() % entries), entry);
            counts_.gtt_writes++;
        } else if (r % 8 == 1) {
            device_.post_damage(rng_() % 2, rng_() % 2000, rng_() % 2000, rng_() % 600,
                                rng_() % 600);
            counts_.damage_posts++;
            counts_.reg_writes += 2;
        } else if (r % 8 == 2) {
            device_.write_reg(VGPU_REG_COMMIT, std::uint32_t(rng_() % 4));
            counts_.commits++;
            counts_.reg_writes++;
        } else {
            std::uint32_t value = std::uint32_t(rng_());
            if (rng_() % 2) {
                value %= 4096;  // small values pass more checks
            }
            const std::uint32_t reg = any_register();
            if (reg == VGPU_PLANE_REG(0, VGPU_PLANE_MEMORY) ||
                reg == VGPU_PLANE_REG(1, VGPU_PLANE_MEMORY)) {
                value %= 3;
            }
            device_.write_reg(reg, value);
            counts_.reg_writes++;
        }
    }
}

}  // namespace vmtest
