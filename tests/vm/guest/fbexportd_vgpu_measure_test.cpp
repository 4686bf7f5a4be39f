// Measurements of fbexportd on a real vGPU (issue 6), printed, not judged:
// the time from the guest's damage register write to a VNC client holding
// the new pixels (1920x1080 on the medium type, one 256x256 rectangle), the
// service's CPU time per second when idle with and without a client, and
// its work for a small damage against a full-screen one. Lines start with
// "MEASURE" so they can be found in the VM's output.log.
#include <dirent.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "guest_screen.hpp"
#include "loopback.hpp"
#include "mdev_sysfs.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"
#include "vnc_test_client.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using fbx::test::ChildProcess;
using fbx::test::VncTestClient;

constexpr std::uint32_t screen_width = 1920;
constexpr std::uint32_t screen_height = 1080;
constexpr std::int32_t side = 256;

// CPU time of every thread of `pid` so far, in nanoseconds: the first field
// of each /proc/<pid>/task/<tid>/schedstat (exact, unlike clock ticks).
std::uint64_t process_cpu_ns(pid_t pid) {
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    std::uint64_t total = 0;
    for (const std::string& tid : list_dir(tasks)) {
        std::ifstream in(tasks + "/" + tid + "/schedstat");
        std::uint64_t ns = 0;
        if (in >> ns) {
            total += ns;
        }
    }
    return total;
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// Nearest-rank percentile of `samples` (sorted here).
double percentile(std::vector<double> samples, double p) {
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * double(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

class FbexportdVgpuMeasure : public VgpuTest {
protected:
    FbexportdVgpuMeasure() : VgpuTest(VGPU_MDEV_TYPE_MEDIUM) {}

    void SetUp() override {
        VgpuTest::SetUp();
        ASSERT_NO_THROW(bring_up_loopback());
        guest_ = std::make_unique<GuestSurfaces>(device());
    }
    void TearDown() override {
        client_.reset();
        if (service_) {
            service_->stop(SIGTERM);
        }
        guest_.reset();
        VgpuTest::TearDown();
    }

    // Whether the client shows `xrgb` at the four corners of `r`.
    bool client_shows(const fbx::Rect& r, std::uint32_t xrgb) {
        return client_->pixel(r.x, r.y) == xrgb && client_->pixel(r.right() - 1, r.y) == xrgb &&
               client_->pixel(r.x, r.bottom() - 1) == xrgb &&
               client_->pixel(r.right() - 1, r.bottom() - 1) == xrgb;
    }

    // The guest fills `r` and posts `post` (r itself, or the whole plane);
    // returns the time from the post to the client holding r's new pixels.
    Clock::duration change(const fbx::Rect& r, bool full, std::uint32_t xrgb) {
        guest_->fill_rect(plane_, r, xrgb);
        const auto start = Clock::now();
        if (full) {
            device().post_full_damage(VGPU_PLANE_PRIMARY);
        } else {
            device().post_damage(VGPU_PLANE_PRIMARY, std::uint32_t(r.x), std::uint32_t(r.y),
                                 std::uint32_t(r.width), std::uint32_t(r.height));
        }
        const auto deadline = start + 10s;
        while (!client_shows(r, xrgb)) {
            if (Clock::now() > deadline || !client_->pump(1ms)) {
                ADD_FAILURE() << "the client never showed " << r;
                break;
            }
        }
        return Clock::now() - start;
    }

    // The service's CPU time per second of wall time over `duration`,
    // with the client (if any) handling whatever arrives.
    double idle_cpu_ms_per_s(std::chrono::milliseconds duration) {
        const std::uint64_t before = process_cpu_ns(service_->pid());
        const auto start = Clock::now();
        if (client_) {
            EXPECT_TRUE(client_->pump(duration));
        } else {
            std::this_thread::sleep_for(duration);
        }
        const double wall_s = std::chrono::duration<double>(Clock::now() - start).count();
        return double(process_cpu_ns(service_->pid()) - before) / 1e6 / wall_s;
    }

    // The service's CPU time for one change of `r` posted as damage of r
    // or of the whole plane, until the client has it and the service is
    // quiet again.
    double work_ms(const fbx::Rect& r, bool full, std::uint32_t xrgb) {
        const std::uint64_t before = process_cpu_ns(service_->pid());
        change(r, full, xrgb);
        EXPECT_TRUE(client_->pump_until_quiet(100ms, 10s));
        return double(process_cpu_ns(service_->pid()) - before) / 1e6;
    }

    std::unique_ptr<GuestSurfaces> guest_;
    vgpu::PlaneConfig plane_;
    std::unique_ptr<ChildProcess> service_;
    std::optional<VncTestClient> client_;
};

TEST_F(FbexportdVgpuMeasure, LatencyIdleCostAndWorkRatio) {
    plane_ = guest_->place(*fbx::find_format("XRGB8888"), *fbx::find_modifier("linear"),
                           screen_width, screen_height, Memory::vram, 0);
    guest_->fill_rect(plane_, {0, 0, int(screen_width), int(screen_height)}, 0x204060);
    show(VGPU_PLANE_PRIMARY, plane_);
    device().post_full_damage(VGPU_PLANE_PRIMARY);  // a guest that posts damage: no tracking
    const std::uint16_t port = fbx::test::free_loopback_port();
    service_ = std::make_unique<ChildProcess>(std::vector<std::string>{
        fbx::test::program("fbexportd"), "--source", "vgpu:" + instance().uuid(), "--vnc",
        "127.0.0.1:" + std::to_string(port), "--convert", "cpu"});
    ASSERT_TRUE(service_->wait_for_log("ready", 20s)) << service_->log();
    std::string error;
    // Raw: on loopback the cheapest encoding for the server, so the numbers
    // are about fbexport's work rather than zlib's.
    auto connected = VncTestClient::connect(port, &error, std::nullopt, true, "raw");
    ASSERT_TRUE(connected) << error;
    client_.emplace(std::move(*connected));
    ASSERT_TRUE(client_->pump_until_quiet(300ms, 20s));

    // Latency, guest damage write -> client pixels.
    const int rounds = 40;
    std::vector<double> latency;
    for (int i = 0; i < rounds; ++i) {
        const fbx::Rect r{(i % 7) * side, (i % 4) * side, side, side};
        latency.push_back(ms(change(r, false, 0x400000u | std::uint32_t(i + 1) * 0x0305u)));
    }
    std::printf(
        "MEASURE latency, guest damage write to VNC client pixels, %ux%u, %dx%d rect: "
        "median %.2f ms, p99 %.2f ms, min %.2f ms, max %.2f ms (%d rounds)\n",
        screen_width, screen_height, side, side, percentile(latency, 50), percentile(latency, 99),
        percentile(latency, 0), percentile(latency, 100), rounds);

    // Small against full-screen damage: the service's CPU per update.
    const int small_rounds = 10;
    const int full_rounds = 5;
    double small = 0;
    for (int i = 0; i < small_rounds; ++i) {
        small += work_ms({512, 256, side, side}, false, 0x800000u | std::uint32_t(i + 1));
    }
    small /= small_rounds;
    double full = 0;
    for (int i = 0; i < full_rounds; ++i) {
        full += work_ms({512, 256, side, side}, true, 0x008000u | std::uint32_t(i + 1));
    }
    full /= full_rounds;
    std::printf(
        "MEASURE work per update (fbexportd CPU, convert + VNC raw send): %dx%d damage "
        "%.2f ms, full-screen damage %.2f ms, ratio %.4f (pixels: %.4f)\n",
        side, side, small, full, small / full,
        double(side * side) / double(screen_width * screen_height));

    // Idle: nothing changes, with the client connected, then without.
    ASSERT_TRUE(client_->pump_until_quiet(300ms, 10s));
    const double with_client = idle_cpu_ms_per_s(3s);
    client_.reset();
    std::this_thread::sleep_for(500ms);  // the disconnect settles
    const double without_client = idle_cpu_ms_per_s(3s);
    std::printf(
        "MEASURE idle fbexportd CPU (all threads, 3 s each): %.2f us/s with a client, "
        "%.2f us/s without\n",
        with_client * 1000, without_client * 1000);

    ASSERT_EQ(service_->stop(SIGTERM), 0) << service_->log();
    std::smatch stats;
    const std::string log = service_->log();
    if (std::regex_search(log, stats,
                          std::regex("after (\\d+) polls, (\\d+) changed frames, "
                                     "(\\d+) pixels converted"))) {
        std::printf("MEASURE fbexportd totals: %s polls, %s changed frames, %s pixels converted\n",
                    stats[1].str().c_str(), stats[2].str().c_str(), stats[3].str().c_str());
    }
    service_.reset();
}

}  // namespace
}  // namespace vmtest
