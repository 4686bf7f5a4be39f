// Measurements of watching a display that says nothing (issue 6, adaptive
// polling), printed, not judged: fbx::VfioSource on an upstream-style vGPU
// (1920x1080 XRGB8888 in VRAM, medium type), polled as the service polls a
// source without events, at fbx::PollRate's default rate (16 ms while
// things change, backing off to 500 ms). Prints the cost of one poll (plane
// query and a tile comparison of the whole frame) and of the comparison
// alone, the poller's CPU time per second once backed off to the idle rate,
// and the time from the guest painting a 256x256 rectangle to a frame whose
// damage covers it, at the idle rate and at the active rate. Lines start
// with "MEASURE".
#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "fbexport/poll_rate.hpp"
#include "fbexport/tile_comparer.hpp"
#include "generic_vfio_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t screen_width = 1920;
constexpr std::uint32_t screen_height = 1080;
constexpr std::int32_t side = 256;

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// Nearest-rank percentile of `samples` (sorted here).
double percentile(std::vector<double> samples, double p) {
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * double(samples.size())));
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

double thread_cpu_ms(pthread_t thread) {
    clockid_t clock;
    timespec ts{};
    if (pthread_getcpuclockid(thread, &clock) != 0 || clock_gettime(clock, &ts) != 0) {
        return 0;
    }
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// The service's loop for a source without an event fd, alone: poll, ask
// the rate when to poll next (one consumer), sleep until then.
class Poller {
public:
    explicit Poller(fbx::Source& source) : source_(source), thread_([this] { run(); }) {}
    ~Poller() {
        {
            const std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

    // Whether the rate has backed off all the way to the idle interval.
    bool idle() const { return interval_ms_.load() >= rate_config_.idle.count(); }
    double cpu_ms() { return thread_cpu_ms(thread_.native_handle()); }
    std::uint64_t polls() const { return polls_.load(); }

    // Waits until frames that arrived after `since` have damage covering
    // `area`; returns when the last of them arrived, or nothing on timeout.
    std::optional<Clock::time_point> covered(const fbx::Rect& area, Clock::time_point since,
                                             std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        fbx::DamageRegion seen;
        std::size_t next = 0;
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            for (; next < frames_.size(); ++next) {
                const auto& [at, damage] = frames_[next];
                if (at >= since) {
                    seen.add(damage);
                }
                if (seen.contains(area.x, area.y) &&
                    seen.contains(area.right() - 1, area.bottom() - 1) &&
                    seen.contains(area.x, area.bottom() - 1) &&
                    seen.contains(area.right() - 1, area.y)) {
                    return at;
                }
            }
            if (arrived_.wait_until(lock, deadline) == std::cv_status::timeout &&
                next == frames_.size()) {
                return std::nullopt;
            }
        }
    }

private:
    void run() {
        const fbx::Rect screen{0, 0, std::int32_t(screen_width), std::int32_t(screen_height)};
        std::unique_lock lock(mutex_);
        while (!stop_) {
            lock.unlock();
            std::optional<fbx::Frame> frame = source_.poll();
            const auto at = Clock::now();
            ++polls_;
            lock.lock();
            if (frame) {
                frames_.emplace_back(
                    at, frame->damage.full ? std::vector<fbx::Rect>{screen} : frame->damage.rects);
                arrived_.notify_all();
            }
            const auto next = rate_.after_poll(frame.has_value(), 1);
            interval_ms_ = next->count();
            wake_.wait_for(lock, *next, [this] { return stop_; });
        }
    }

    fbx::Source& source_;
    const fbx::PollRateConfig rate_config_{};
    fbx::PollRate rate_{rate_config_};
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable arrived_;
    bool stop_ = false;
    std::vector<std::pair<Clock::time_point, std::vector<fbx::Rect>>> frames_;
    std::atomic<long> interval_ms_{0};
    std::atomic<std::uint64_t> polls_{0};
    std::thread thread_;  // last: starts once everything above exists
};

class GenericVfioPollMeasure : public GenericVfioSourceTest {
protected:
    GenericVfioPollMeasure() : GenericVfioSourceTest(VGPU_MDEV_TYPE_MEDIUM) {}
};

TEST_F(GenericVfioPollMeasure, IdleCostAndReactionTime) {
    const vgpu::PlaneConfig plane = primary(screen_width, screen_height, 0);
    guest().draw(plane, vgpu::Pattern::gradient, 0);
    show(VGPU_PLANE_PRIMARY, plane);
    ASSERT_TRUE(source().poll());

    // One poll of an unchanged screen: the plane queries and one comparison.
    std::vector<double> poll_ms;
    for (int i = 0; i < 15; ++i) {
        const auto start = Clock::now();
        EXPECT_FALSE(source().poll());
        poll_ms.push_back(ms(Clock::now() - start));
    }
    // The comparison alone, on a copy in plain memory.
    const std::span<const std::uint8_t> screen_bytes = guest().bytes(plane);
    const std::vector<std::uint8_t> copy(screen_bytes.begin(), screen_bytes.end());
    const fbx::TileGeometry geometry{fbx::Tiling::linear, screen_width, screen_height, plane.stride,
                                     4};
    fbx::TileComparer comparer;
    comparer.compare(geometry, copy);
    std::vector<double> compare_ms;
    for (int i = 0; i < 15; ++i) {
        const auto start = Clock::now();
        EXPECT_TRUE(comparer.compare(geometry, copy).empty());
        compare_ms.push_back(ms(Clock::now() - start));
    }
    std::printf(
        "MEASURE generic VFIO poll of an unchanged %ux%u XRGB8888 screen (query + 64x64 tile "
        "comparison): median %.2f ms, max %.2f ms; tile comparison alone (memory copy): "
        "median %.2f ms, max %.2f ms\n",
        screen_width, screen_height, percentile(poll_ms, 50), percentile(poll_ms, 100),
        percentile(compare_ms, 50), percentile(compare_ms, 100));

    Poller poller(source());
    const auto wait_idle = [&] {
        const auto deadline = Clock::now() + 20s;
        while (!poller.idle() && Clock::now() < deadline) {
            std::this_thread::sleep_for(20ms);
        }
        ASSERT_TRUE(poller.idle()) << "the rate never backed off";
    };
    wait_idle();
    const double cpu_before = poller.cpu_ms();
    const std::uint64_t polls_before = poller.polls();
    const auto idle_start = Clock::now();
    std::this_thread::sleep_for(3s);
    const double idle_s = std::chrono::duration<double>(Clock::now() - idle_start).count();
    std::printf(
        "MEASURE generic VFIO idle (backed off to the 500 ms idle rate, one consumer): "
        "%.2f ms CPU per second, %.1f polls per second\n",
        (poller.cpu_ms() - cpu_before) / idle_s, double(poller.polls() - polls_before) / idle_s);

    // Reaction time: the guest paints a 256x256 rectangle and says nothing.
    std::uint32_t colour = 0x203040;
    std::uint32_t sample = 0;
    const auto paint = [&](std::vector<double>& out) {
        const fbx::Rect r{std::int32_t(97 + 131 * (sample % 9)),
                          std::int32_t(61 + 89 * (sample % 7)), side, side};
        ++sample;
        colour = (colour * 1103515245u + 12345u) & 0xffffff;
        const auto start = Clock::now();
        guest().fill_rect(plane, r, colour);
        const auto done = poller.covered(r, start, 10s);
        ASSERT_TRUE(done) << "no frame covered " << r;
        out.push_back(ms(*done - start));
    };
    std::vector<double> at_idle;
    for (int i = 0; i < 8; ++i) {
        wait_idle();
        std::this_thread::sleep_for(std::chrono::milliseconds(37 * i % 500));
        paint(at_idle);
    }
    // Active: paints every 50 ms keep the rate fast (a change resets it,
    // and 8 unchanged polls are allowed before it slows down).
    std::vector<double> at_active;
    const double cpu_active_before = poller.cpu_ms();
    const auto active_start = Clock::now();
    for (int i = 0; i < 30; ++i) {
        paint(at_active);
        std::this_thread::sleep_for(50ms);
    }
    const double active_s = std::chrono::duration<double>(Clock::now() - active_start).count();
    std::printf(
        "MEASURE generic VFIO reaction, guest paint of %dx%d to a frame with damage covering it: "
        "at the idle rate median %.1f ms, p99 %.1f ms (%zu samples); at the active rate median "
        "%.1f ms, p99 %.1f ms (%zu samples, poller CPU %.1f ms per second)\n",
        side, side, percentile(at_idle, 50), percentile(at_idle, 99), at_idle.size(),
        percentile(at_active, 50), percentile(at_active, 99), at_active.size(),
        (poller.cpu_ms() - cpu_active_before) / active_s);
}

}  // namespace
}  // namespace vmtest
