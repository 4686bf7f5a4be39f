// In-guest stress test of the part-2 paths: a hostile guest writes random
// and adversarial values to every register, GTT entry and damage register,
// commits, and unmaps and remaps its memory under live GTT planes, while a
// reader consumes events from /dev/vgpu/<uuid> and imports what it is told
// about. Afterwards the kernel log is clean, nothing stays pinned and the
// device still shows a good plane. Duration: VGPU_STRESS_SECONDS (default 30).
#include <poll.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "display_device.hpp"
#include "fbexport/error.hpp"
#include "guest_memory.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using EventStress = VgpuTest;

constexpr std::uint64_t guest_iova = 0x200000000ull;
constexpr std::size_t guest_size = 4u << 20;

TEST_F(EventStress, RandomRegistersGttAndDamageWithAReader) {
    const auto duration = stress_duration(30s);
    auto& d = device();
    KernelLog log;
    auto memory = std::make_unique<vgpu::GuestMemory>(d.container(), guest_iova, guest_size);
    const std::uint32_t entries = d.gtt_entries();
    vgpu::DisplayDevice display(instance().uuid());

    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> records{0}, imports{0}, overflows{0};
    std::thread reader([&] {
        while (!stop) {
            if (!(display.poll_events(50ms) & POLLIN)) {
                continue;
            }
            for (const vgpu_event& ev : display.drain()) {
                records++;
                overflows += ev.type == VGPU_EVENT_OVERFLOW;
                if (ev.type == VGPU_EVENT_FLIP && records % 16 == 0) {
                    try {  // the id may be stale by now: refusals are fine
                        fbx::UniqueFd fd = display.get_dmabuf(ev.dmabuf_id);
                        imports++;
                    } catch (const fbx::Error&) {
                    }
                }
            }
        }
    });

    std::mt19937_64 rng(20261123);
    std::uint64_t reg_writes = 0, gtt_writes = 0, damage_posts = 0, commits = 0, unmaps = 0,
                  good_frames = 0;
    const auto any_reg = [&] {
        // mostly the interesting blocks, sometimes anywhere
        switch (rng() % 4) {
            case 0:
                return std::uint32_t(VGPU_PLANE_BASE_0 + rng() % (2 * VGPU_PLANE_STRIDE)) & ~3u;
            case 1:
                return std::uint32_t(VGPU_DAMAGE_BASE_0 + rng() % 0x20) & ~3u;
            default:
                return std::uint32_t(rng() % VGPU_BAR2_SIZE) & ~3u;
        }
    };
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < duration) {
        for (int i = 0; i < 64; i++) {
            const std::uint64_t r = rng();
            if (r % 8 == 0) {
                // GTT entries: valid pages of guest RAM, junk, or holes
                const std::uint32_t index = std::uint32_t(rng() % 64);
                const std::uint64_t page = rng() % (guest_size / 4096 + 4);  // some past the end
                const std::uint64_t entry =
                    rng() % 5 == 0 ? rng()
                                   : (guest_iova + page * 4096) | (rng() % 7 ? VGPU_GTT_VALID : 0);
                d.write_gtt(rng() % 50 ? index : std::uint32_t(rng() % entries), entry);
                gtt_writes++;
            } else if (r % 8 == 1) {
                d.post_damage(rng() % 2, rng() % 2000, rng() % 2000, rng() % 600, rng() % 600);
                damage_posts++;
                reg_writes += 2;
            } else if (r % 8 == 2) {
                d.write_reg(VGPU_REG_COMMIT, std::uint32_t(rng() % 4));
                commits++;
                reg_writes++;
            } else {
                std::uint32_t value = std::uint32_t(rng());
                if (rng() % 2) {
                    value %= 4096;  // small values pass more checks
                }
                const std::uint32_t reg = any_reg();
                if (reg == VGPU_PLANE_REG(0, VGPU_PLANE_MEMORY) ||
                    reg == VGPU_PLANE_REG(1, VGPU_PLANE_MEMORY)) {
                    value %= 3;
                }
                d.write_reg(reg, value);
                reg_writes++;
            }
        }
        if (rng() % 4 == 0) {
            // a well-behaved frame between the junk: a valid plane in VRAM
            // or in GTT space, so flips, damage and invalidations happen
            vgpu::PlaneConfig good = vgpu::make_plane(
                fbx::supported_formats()[rng() % 6], fbx::supported_modifiers()[rng() % 3],
                64 + std::uint32_t(rng() % 200), 32 + std::uint32_t(rng() % 100), 0);
            if (rng() % 2) {
                good.memory = VGPU_MEMORY_GTT;
                d.map_gtt(0, guest_iova + (rng() % 64) * 4096, 128);
            } else {
                good.offset = (rng() % 8) << 20;
            }
            show(VGPU_PLANE_PRIMARY, good);
            d.post_damage(VGPU_PLANE_PRIMARY, 1, 1, 16, 16);
            good_frames++;
        }
        if (rng() % 200 == 0) {  // the VMM takes the memory away and gives it back
            memory->unmap_dma();
            memory.reset();
            memory = std::make_unique<vgpu::GuestMemory>(d.container(), guest_iova, guest_size);
            unmaps++;
        }
    }
    stop = true;
    reader.join();

    // still a working device: a clean VRAM plane shows
    d.reset();
    memory.reset();
    EXPECT_EQ(instance().vgpu_attribute(VGPU_SYSFS_PINNED_PAGES), 0u);
    const auto plane =
        vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 64, 64, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    EXPECT_EQ(d.plane_status(VGPU_PLANE_PRIMARY), std::uint32_t{VGPU_PLANE_OK});
    EXPECT_NE(display.query_plane(vgpu::drm_plane_primary).dmabuf_id, 0u);
    const auto bad = KernelLog::bad_lines(log.read_new());
    EXPECT_TRUE(bad.empty()) << bad.front();
    std::printf(
        "[ report ] %.0f s: %llu register writes, %llu GTT writes, %llu damage posts, %llu "
        "commits, %llu valid frames, %llu unmaps; reader: %llu records, %llu overflows, %llu "
        "imports; invalid "
        "counter %llu\n",
        std::chrono::duration<double>(duration).count(),
        static_cast<unsigned long long>(reg_writes), static_cast<unsigned long long>(gtt_writes),
        static_cast<unsigned long long>(damage_posts), static_cast<unsigned long long>(commits),
        static_cast<unsigned long long>(good_frames), static_cast<unsigned long long>(unmaps),
        static_cast<unsigned long long>(records.load()),
        static_cast<unsigned long long>(overflows.load()),
        static_cast<unsigned long long>(imports.load()),
        static_cast<unsigned long long>(invalid_planes()));
    EXPECT_GT(records.load(), 0u);
}

}  // namespace
}  // namespace vmtest
