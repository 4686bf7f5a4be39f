#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace fbx {

struct PollRateConfig {
    // Interval while the display changes: the frame rate a consumer can get.
    std::chrono::milliseconds fast{16};
    // Interval the back-off ends at when nothing changes for long.
    std::chrono::milliseconds idle{500};
    // Unchanged polls tolerated at the fast rate before backing off, so a
    // short pause in an animation costs no latency.
    std::uint32_t grace_polls = 8;
};

// The adaptive poll rate of a source that has no events of its own
// (seed 003: "without vnc client connected qemu will poll a lot less
// frequently"): fast while the display changes and someone consumes,
// doubling the interval up to `idle` after a run of unchanged polls, and no
// polling at all with no consumer. A new consumer or an event resets it to fast.
class PollRate {
public:
    explicit PollRate(PollRateConfig config = {}) : config_(config), interval_(config.fast) {}

    // Called after each poll with whether it found a change; returns the delay
    // before the next poll, or nothing when no one consumes (stop polling).
    std::optional<std::chrono::milliseconds> after_poll(bool changed, std::uint32_t consumers);

    // A consumer arrived or an event came: poll now, then at the fast rate.
    void wake();

    std::chrono::milliseconds interval() const { return interval_; }
    const PollRateConfig& config() const { return config_; }

private:
    PollRateConfig config_;
    std::chrono::milliseconds interval_;
    std::uint32_t unchanged_polls_ = 0;
};

}  // namespace fbx
