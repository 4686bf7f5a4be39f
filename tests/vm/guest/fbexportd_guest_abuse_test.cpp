// A hostile guest against fbexportd --source vgpu:UUID serving a connected
// libvncclient client: junk in every register, GTT entry and damage
// register, flips as fast as it can and damage posted flat out, for
// VGPU_STRESS_SECONDS (default 12). Afterwards the kernel log is clean (and
// the VM harness checks it again), the service is alive, the client and a
// new one hold exactly the picture the guest draws again, and the module's
// host memory is back where it started: per instance (pinned guest pages;
// VRAM pages and dma-buf cache entries stay within their bounds) and, once
// the instance is removed, on the host (the unreclaimable slab within a
// few hundred KiB; memory in use reported).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "guest_memory.hpp"
#include "guest_screen.hpp"
#include "hostile_guest.hpp"
#include "loopback.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"
#include "vnc_picture.hpp"
#include "vnc_test_client.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using fbx::test::ChildProcess;
using fbx::test::VncTestClient;

// Guest RAM the hostile GTT entries point into (GuestSurfaces uses 4 GiB up).
constexpr std::uint64_t hostile_iova = 0x200000000ull;
constexpr std::size_t hostile_ram = 4u << 20;

// The host's view of memory, after dropping what the kernel can drop (page
// cache, reclaimable slab): memory in use that is neither, and the
// unreclaimable slab (where the module's kmalloc objects live).
struct HostMemory {
    std::uint64_t used = 0;
    std::uint64_t slab_unreclaimable = 0;

    static HostMemory now() {
        std::ofstream("/proc/sys/vm/drop_caches") << "3\n";
        // Freed slab objects and pages go back lazily (RCU, per-CPU lists).
        std::this_thread::sleep_for(300ms);
        std::map<std::string, std::uint64_t> kib;
        std::ifstream meminfo("/proc/meminfo");
        for (std::string key; meminfo >> key;) {
            meminfo >> kib[key];
            meminfo.ignore(64, '\n');
        }
        HostMemory m;
        m.used = (kib["MemTotal:"] - kib["MemFree:"] - kib["Buffers:"] - kib["Cached:"] -
                  kib["SReclaimable:"]) *
                 1024;
        m.slab_unreclaimable = kib["SUnreclaim:"] * 1024;
        return m;
    }
};

// What one instance holds (the module's own accounting, sysfs).
struct InstanceMemory {
    std::uint64_t pinned_pages = 0;
    std::uint64_t vram_pages = 0;
    std::uint64_t dmabufs = 0;

    static InstanceMemory of(const vgpu::MdevInstance& instance) {
        return {instance.vgpu_attribute(VGPU_SYSFS_PINNED_PAGES),
                instance.vgpu_attribute(VGPU_SYSFS_VRAM_PAGES),
                instance.vgpu_attribute(VGPU_SYSFS_DMABUFS)};
    }
    std::string text() const {
        return std::to_string(pinned_pages) + " pinned pages, " + std::to_string(vram_pages) +
               " VRAM pages, " + std::to_string(dmabufs) + " dma-buf cache entries";
    }
};

std::string kib(std::uint64_t bytes) {
    return std::to_string(bytes / 1024) + " KiB";
}

class FbexportdGuestAbuse : public VgpuTest {
protected:
    void SetUp() override {
        before_ = HostMemory::now();
        VgpuTest::SetUp();
    }

    // The module-wide check needs everything gone: service, device, instance.
    void TearDown() override {
        client_.reset();
        if (service_) {
            EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
            service_.reset();
        }
        guest_.reset();
        VgpuTest::TearDown();
        const HostMemory after = HostMemory::now();
        std::printf(
            "[ report ] host memory in use before the instance, while served after the abuse, "
            "after its removal: %s, %s, %s; unreclaimable slab %s, %s, %s\n",
            kib(before_.used).c_str(), kib(serving_.used).c_str(), kib(after.used).c_str(),
            kib(before_.slab_unreclaimable).c_str(), kib(serving_.slab_unreclaimable).c_str(),
            kib(after.slab_unreclaimable).c_str());
        // Memory in use moves by megabytes either way with the processes'
        // own memory (reported only); the unreclaimable slab, where the
        // module's objects live, comes back to within a few hundred KiB
        // (the same on every run): a leak per write, flip or damage post
        // (hundreds of thousands of them) would be far beyond this.
        EXPECT_LT(after.slab_unreclaimable, before_.slab_unreclaimable + (1u << 20));
    }

    void expect_shows(VncTestClient& client, const Picture& want) {
        std::string report;
        EXPECT_EQ(vnc_mismatches(client, want, report), 0u) << report;
    }

    HostMemory before_;
    HostMemory serving_;  // after the abuse, the picture drawn again
    std::uint16_t port_ = fbx::test::free_loopback_port();
    std::unique_ptr<GuestSurfaces> guest_;
    std::unique_ptr<ChildProcess> service_;
    std::optional<VncTestClient> client_;
};

TEST_F(FbexportdGuestAbuse, ServiceAndModuleOutliveAHostileGuest) {
    const auto duration = stress_duration(12s);
    ASSERT_NO_THROW(bring_up_loopback());
    KernelLog log;
    auto& d = device();
    guest_ = std::make_unique<GuestSurfaces>(d);
    const auto& format = *fbx::find_format("XRGB8888");
    const auto& linear = *fbx::find_modifier("linear");
    // Two surfaces to flip between, drawn before the baseline so their
    // VRAM pages count in it.
    const vgpu::PlaneConfig a = guest_->place(format, linear, 640, 400, Memory::vram, 0);
    const vgpu::PlaneConfig b = guest_->place(format, linear, 640, 400, Memory::vram, 2u << 20);
    // A mode change: a smaller plane over a's first pages.
    const vgpu::PlaneConfig small = guest_->place(format, linear, 320, 200, Memory::vram, 0);
    guest_->draw(a, vgpu::Pattern::bars, 0);
    guest_->draw(b, vgpu::Pattern::gradient, 0);
    show(VGPU_PLANE_PRIMARY, a);
    d.post_full_damage(VGPU_PLANE_PRIMARY);

    service_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        fbx::test::program("fbexportd"), "--source", "vgpu:" + instance().uuid(), "--vnc",
        "127.0.0.1:" + std::to_string(port_), "--convert", "cpu"});
    ASSERT_TRUE(service_->wait_for_log("ready", 20s)) << service_->log();
    std::string error;
    auto connected = VncTestClient::connect(port_, &error);
    ASSERT_TRUE(connected) << error << "\n" << service_->log();
    client_.emplace(std::move(*connected));
    ASSERT_TRUE(client_->pump_until_quiet(300ms, 10s));
    expect_shows(*client_, expected_picture(a, guest_->bytes(a)));
    const InstanceMemory start = InstanceMemory::of(instance());

    // The client reads all along, on its own thread, as a viewer would.
    std::atomic<bool> stop{false};
    std::atomic<bool> client_ok{true};
    const std::uint64_t updates_before = client_->updates();
    std::thread viewer([&] {
        while (!stop && client_ok) {
            client_ok = client_->pump(50ms);
        }
    });

    auto ram = std::make_unique<vgpu::GuestMemory>(d.container(), hostile_iova, hostile_ram);
    HostileGuest hostile(d, hostile_iova, hostile_ram, 20261124);
    std::mt19937_64& rng = hostile.rng();
    std::uint64_t flips = 0, good_posts = 0, mode_changes = 0;
    const auto begin = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - begin < duration) {
        hostile.scribble(32);
        // a flip to the other surface, programmed whole and committed, and
        // now and then a mode change (to a smaller plane and back)
        const bool mode_change = flips % 64 == 63;
        show(VGPU_PLANE_PRIMARY, mode_change ? small : flips % 2 ? a : b);
        flips++;
        mode_changes += mode_change ? 2 : 0;
        // damage flat out: inside the screen, past it, empty, huge
        for (int i = 0; i < 16; i++) {
            d.post_damage(VGPU_PLANE_PRIMARY, rng() % 700, rng() % 450, rng() % 800, rng() % 500);
            good_posts++;
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    stop = true;
    viewer.join();
    EXPECT_TRUE(client_ok) << "the client lost the service:\n" << service_->log();
    const std::uint64_t updates_during = client_->updates() - updates_before;
    const std::uint64_t kernel_flips = instance().vgpu_attribute(VGPU_SYSFS_FLIP_COUNT);
    ram->unmap_dma();
    ram.reset();

    // The guest reboots (device reset) and draws a known picture again.
    d.reset();
    guest_->draw(a, vgpu::Pattern::checker, 5);
    show(VGPU_PLANE_PRIMARY, a);
    d.post_full_damage(VGPU_PLANE_PRIMARY);
    ASSERT_EQ(::kill(service_->pid(), 0), 0) << "fbexportd died:\n" << service_->log();
    const Picture want = expected_picture(a, guest_->bytes(a));
    ASSERT_TRUE(client_->pump_until_quiet(500ms, 20s)) << service_->log();
    expect_shows(*client_, want);
    auto fresh = VncTestClient::connect(port_, &error);
    ASSERT_TRUE(fresh) << error << "\n" << service_->log();
    ASSERT_TRUE(fresh->pump_until_quiet(300ms, 10s));
    expect_shows(*fresh, want);

    const InstanceMemory end = InstanceMemory::of(instance());
    serving_ = HostMemory::now();
    const std::uint64_t vram_total = instance().vgpu_attribute(VGPU_SYSFS_VRAM_SIZE) / 4096;
    const HostileGuest::Counts& c = hostile.counts();
    std::printf(
        "[ report ] hostile guest for %.1f s: %llu register writes, %llu GTT writes, %llu "
        "junk damage posts, %llu junk commits, %llu flips (%llu of them mode changes), %llu "
        "damage posts on the shown plane; kernel flip count %llu; client updates during the "
        "abuse %llu\n",
        seconds, static_cast<unsigned long long>(c.reg_writes),
        static_cast<unsigned long long>(c.gtt_writes),
        static_cast<unsigned long long>(c.damage_posts), static_cast<unsigned long long>(c.commits),
        static_cast<unsigned long long>(flips), static_cast<unsigned long long>(mode_changes),
        static_cast<unsigned long long>(good_posts), static_cast<unsigned long long>(kernel_flips),
        static_cast<unsigned long long>(updates_during));
    std::printf("[ report ] instance memory before the abuse: %s; after: %s (VRAM %llu pages)\n",
                start.text().c_str(), end.text().c_str(),
                static_cast<unsigned long long>(vram_total));
    EXPECT_GT(updates_during, 0u);
    EXPECT_EQ(end.pinned_pages, start.pinned_pages);
    EXPECT_LE(end.vram_pages, vram_total);
    EXPECT_LE(end.dmabufs, 64u);  // the cache's bound (VGPU_DMABUF_CACHE_MAX)
    const auto bad = KernelLog::bad_lines(log.read_new());
    EXPECT_TRUE(bad.empty()) << bad.front();
}

}  // namespace
}  // namespace vmtest
