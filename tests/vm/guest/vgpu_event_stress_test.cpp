// In-guest stress test of the part-2 paths: a hostile guest writes random
// and adversarial values to every register, GTT entry and damage register,
// commits, and unmaps and remaps its memory under live GTT planes, while a
// reader consumes events from /dev/vgpu/<uuid> and imports what it is told
// about. Afterwards the kernel log is clean, nothing stays pinned and the
// device still shows a good plane. Duration: VGPU_STRESS_SECONDS (default 30).
#include <poll.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "display_device.hpp"
#include "fbexport/error.hpp"
#include "guest_memory.hpp"
#include "hostile_guest.hpp"
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

    HostileGuest hostile(d, guest_iova, guest_size, 20261123);
    std::mt19937_64& rng = hostile.rng();
    std::uint64_t unmaps = 0, good_frames = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < duration) {
        hostile.scribble(64);
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
        static_cast<unsigned long long>(hostile.counts().reg_writes),
        static_cast<unsigned long long>(hostile.counts().gtt_writes),
        static_cast<unsigned long long>(hostile.counts().damage_posts),
        static_cast<unsigned long long>(hostile.counts().commits),
        static_cast<unsigned long long>(good_frames), static_cast<unsigned long long>(unmaps),
        static_cast<unsigned long long>(records.load()),
        static_cast<unsigned long long>(overflows.load()),
        static_cast<unsigned long long>(imports.load()),
        static_cast<unsigned long long>(invalid_planes()));
    EXPECT_GT(records.load(), 0u);
}

}  // namespace
}  // namespace vmtest
