#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace fbx {

// The most recent latencies of a stream, for its median and 99th percentile.
// Bounded: past `capacity` samples the oldest are overwritten, so a service
// that runs for weeks keeps a window, not a growing list. Thread-safe: a
// streaming thread adds, the service's thread reads.
class LatencySamples {
public:
    explicit LatencySamples(std::size_t capacity = 1 << 16) : capacity_(capacity) {}

    void add(std::chrono::microseconds latency);

    struct Summary {
        std::size_t count = 0;  // samples in the window
        std::chrono::microseconds median{0};
        std::chrono::microseconds p99{0};
        std::chrono::microseconds max{0};
    };
    // Nothing while no sample has been added. Percentiles are nearest-rank.
    std::optional<Summary> summary() const;

private:
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::vector<std::int64_t> samples_;  // microseconds
    std::size_t next_ = 0;               // where the next sample goes once full
};

}  // namespace fbx
