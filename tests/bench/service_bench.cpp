// Measures fbexportd as a user meets it, in one run: CPU cost while idle with
// no client, and the update rate a real VNC client receives while the demo
// animates at 1920x1080, with the share of the screen each update carried.
//
// Usage: service_bench [SECONDS_PER_PHASE]   (default 10)

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace {

using namespace std::chrono;
using fbx::test::ChildProcess;
using fbx::test::cpu_seconds;

}  // namespace

int main(int argc, char** argv) {
    const int phase_s = argc > 1 ? std::atoi(argv[1]) : 10;
    const std::uint16_t port = fbx::test::free_loopback_port();
    ChildProcess service({fbx::test::program("fbexportd"), "--source", "demo", "--demo-size",
                          "1920x1080", "--vnc", "127.0.0.1:" + std::to_string(port)});
    if (!service.wait_for_log("ready", seconds{30})) {
        std::fprintf(stderr, "fbexportd did not start:\n%s", service.log().c_str());
        return 1;
    }
    std::this_thread::sleep_for(seconds{1});  // let start-up work settle

    // Phase 1: nobody connected.
    const double idle_start = cpu_seconds(service.pid());
    std::this_thread::sleep_for(seconds{phase_s});
    const double idle_cpu = (cpu_seconds(service.pid()) - idle_start) / phase_s;

    // Phase 2: one client watching the animation.
    auto client = fbx::test::VncTestClient::connect(port);
    if (!client) {
        std::fprintf(stderr, "cannot connect to fbexportd\n");
        return 1;
    }
    client->pump(milliseconds{1000});  // the first full picture
    client->clear_rects();
    const auto updates_before = client->updates();
    const double busy_start = cpu_seconds(service.pid());
    const auto start = steady_clock::now();
    client->pump(seconds{phase_s});
    const double elapsed = duration<double>(steady_clock::now() - start).count();
    const double busy_cpu = (cpu_seconds(service.pid()) - busy_start) / elapsed;
    const double updates = double(client->updates() - updates_before);
    double area = 0;
    for (const auto& r : client->rects()) {
        area += double(r.area());
    }
    const double screen = 1920.0 * 1080.0;

    std::printf("fbexportd, demo source 1920x1080 XRGB8888 linear, %d s per phase\n", phase_s);
    std::printf("  idle, no client:        CPU %.3f %% of one core   (target <= 0.5 %%)\n",
                idle_cpu * 100);
    std::printf("  one client, animating:  %.1f updates/s           (target >= 30)\n",
                updates / elapsed);
    std::printf("                          CPU %.1f %% of one core\n", busy_cpu * 100);
    std::printf("  pixels sent per update / screen pixels: %.4f  (damage-limited: << 1)\n",
                updates > 0 ? area / updates / screen : 0.0);
    std::printf("  updates/s / poll rate (60 Hz): %.2f\n", updates / elapsed / 60.0);
    return service.stop(SIGTERM) == 0 ? 0 : 1;
}
