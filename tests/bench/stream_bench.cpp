// Measures fbexportd's video streams at 1920x1080 with the software encoder
// (x264enc, as the run-time choice sets it up), in one run of two phases:
//
//  1. --record with x264enc: sustained frames a second that left the encoder,
//     fbexportd's CPU use (percent of one core; the machine's cores in
//     brackets), glass-to-encoded latency (from the source's poll to the
//     encoded buffer leaving the encoder) median and 99th percentile, and
//     dropped frames, all from the service's own stop statistics.
//     Then the same with --convert gl, where the GL path makes the
//     encoder's NV12 (left out, saying why, where there is no GL path).
//  2. The same animation into an encoder made too slow on purpose
//     (--gst-pipeline with x264enc speed-preset=veryslow): how many frames the
//     service dropped, and its peak memory against phase 1's, which shows the
//     frames were dropped rather than queued.
//
// Usage: stream_bench [SECONDS_PER_PHASE]   (default 10)

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "service_process.hpp"

namespace {

using namespace std::chrono;
using fbx::test::ChildProcess;
using fbx::test::cpu_seconds;

// Peak resident memory (VmHWM) in MiB.
double peak_rss_mib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0;
}

struct Phase {
    bool ok = false;
    double seconds = 0;
    double cpu_percent = 0;
    double peak_mib = 0;
    unsigned long frames = 0;
    unsigned long dropped = 0;
    unsigned long encoded = 0;
    double median_ms = -1;
    double p99_ms = -1;
};

// Runs fbexportd on the animating 1920x1080 demo with `streams` for
// `seconds`, measuring from one second after start (start-up settled) to the
// stop, and reads the stream `name`'s line of the stop statistics.
Phase run(const std::vector<std::string>& streams, const std::string& name, int seconds) {
    std::vector<std::string> argv{fbx::test::program("fbexportd"), "--demo-size", "1920x1080",
                                  "--vnc",
                                  "127.0.0.1:" + std::to_string(fbx::test::free_loopback_port())};
    argv.insert(argv.end(), streams.begin(), streams.end());
    ChildProcess service(argv);
    Phase phase;
    if (!service.wait_for_log("ready", std::chrono::seconds{30})) {
        std::fprintf(stderr, "fbexportd did not start:\n%s", service.log().c_str());
        return phase;
    }
    std::this_thread::sleep_for(std::chrono::seconds{1});
    const auto start = steady_clock::now();
    const double cpu_start = cpu_seconds(service.pid());
    std::this_thread::sleep_for(std::chrono::seconds{seconds});
    const double cpu_end = cpu_seconds(service.pid());
    phase.seconds = duration<double>(steady_clock::now() - start).count();
    phase.cpu_percent = 100.0 * (cpu_end - cpu_start) / phase.seconds;
    phase.peak_mib = peak_rss_mib(service.pid());
    if (service.stop(SIGINT, std::chrono::seconds{30}) != 0) {
        std::fprintf(stderr, "fbexportd did not stop cleanly:\n%s", service.log().c_str());
        return phase;
    }
    const std::string log = service.log();
    std::smatch m;
    const std::regex counts("stream " + name + ": (\\d+) frames, (\\d+) dropped, (\\d+) encoded");
    if (!std::regex_search(log, m, counts)) {
        std::fprintf(stderr, "no statistics for stream %s in:\n%s", name.c_str(), log.c_str());
        return phase;
    }
    phase.frames = std::stoul(m[1]);
    phase.dropped = std::stoul(m[2]);
    phase.encoded = std::stoul(m[3]);
    const std::regex latency("stream " + name +
                             ": .*glass-to-encoded median ([0-9.]+) ms, p99 ([0-9.]+) ms");
    if (std::regex_search(log, m, latency)) {
        phase.median_ms = std::stod(m[1]);
        phase.p99_ms = std::stod(m[2]);
    }
    phase.ok = true;
    return phase;
}

}  // namespace

int main(int argc, char** argv) {
    const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
    const std::filesystem::path file = std::filesystem::temp_directory_path() /
                                       ("stream_bench." + std::to_string(getpid()) + ".mkv");
    const unsigned cores = std::thread::hardware_concurrency();

    // The whole run counts here (stop statistics cover it); the first second
    // is start-up, so the rate is over the run's length with it.
    const Phase normal = run({"--encoder", "x264enc", "--record", file.string()},
                             "record " + file.string(), seconds);
    std::filesystem::remove(file);
    if (!normal.ok) {
        return 1;
    }
    const double run_seconds = normal.seconds + 1.0;
    std::printf("1920x1080, x264enc (tune=zerolatency speed-preset=ultrafast), %d s, %u cores\n",
                seconds, cores);
    std::printf("  sustained rate      %.1f frames/s encoded (%lu frames, %lu dropped)\n",
                double(normal.encoded) / run_seconds, normal.frames, normal.dropped);
    std::printf("  fbexportd CPU       %.0f%% of one core (%.0f%% of the machine)\n",
                normal.cpu_percent, normal.cpu_percent / cores);
    std::printf("  glass-to-encoded    median %.1f ms, p99 %.1f ms\n", normal.median_ms,
                normal.p99_ms);
    std::printf("  peak memory         %.0f MiB\n", normal.peak_mib);

    const Phase gl = run({"--encoder", "x264enc", "--record", file.string(), "--convert", "gl"},
                         "record " + file.string(), seconds);
    std::filesystem::remove(file);
    if (gl.ok) {
        std::printf("the same with --convert gl (the GL path makes the encoder's NV12)\n");
        std::printf("  sustained rate      %.1f frames/s encoded (%lu frames, %lu dropped)\n",
                    double(gl.encoded) / (gl.seconds + 1.0), gl.frames, gl.dropped);
        std::printf("  fbexportd CPU       %.0f%% of one core (x%.2f of the CPU path's)\n",
                    gl.cpu_percent, gl.cpu_percent / normal.cpu_percent);
        std::printf("  glass-to-encoded    median %.1f ms, p99 %.1f ms\n", gl.median_ms, gl.p99_ms);
    } else {
        std::printf("--convert gl left out (no GL path, see above)\n");
    }

    const Phase slow =
        run({"--gst-pipeline",
             "videoconvert ! video/x-raw,format=I420 ! x264enc name=encoder tune=zerolatency "
             "speed-preset=veryslow ! fakesink"},
            "gst-pipeline", seconds);
    if (!slow.ok) {
        return 1;
    }
    std::printf("too slow an encoder (x264enc speed-preset=veryslow through --gst-pipeline)\n");
    std::printf("  frames offered      %lu, dropped %lu (%.0f%%), encoded %.1f frames/s\n",
                slow.frames, slow.dropped,
                slow.frames ? 100.0 * double(slow.dropped) / double(slow.frames) : 0.0,
                double(slow.frames - slow.dropped) / (slow.seconds + 1.0));
    std::printf("  glass-to-encoded    median %.1f ms, p99 %.1f ms\n", slow.median_ms, slow.p99_ms);
    // Had the service queued instead, every dropped 1920x1080 BGRx frame
    // (8 MiB) would still be in memory.
    std::printf(
        "  peak memory         %.0f MiB (the normal run: %.0f MiB; queueing the "
        "dropped frames would need %.0f MiB more)\n",
        slow.peak_mib, normal.peak_mib, double(slow.dropped) * 1920 * 1080 * 4 / 1048576);
    return 0;
}
