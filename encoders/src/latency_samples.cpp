#include "encoders/latency_samples.hpp"

#include <algorithm>
#include <cmath>

namespace fbx {

void LatencySamples::add(std::chrono::microseconds latency) {
    std::lock_guard lock(mutex_);
    if (samples_.size() < capacity_) {
        samples_.push_back(latency.count());
        return;
    }
    samples_[next_] = latency.count();
    next_ = (next_ + 1) % capacity_;
}

std::optional<LatencySamples::Summary> LatencySamples::summary() const {
    std::vector<std::int64_t> sorted;
    {
        std::lock_guard lock(mutex_);
        sorted = samples_;
    }
    if (sorted.empty()) {
        return std::nullopt;
    }
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest sample with at least p of them at or below it.
    const auto rank = [&](double p) {
        const auto n = static_cast<double>(sorted.size());
        const auto index = static_cast<std::size_t>(std::max(1.0, std::ceil(p * n))) - 1;
        return std::chrono::microseconds(sorted[index]);
    };
    Summary s;
    s.count = sorted.size();
    s.median = rank(0.5);
    s.p99 = rank(0.99);
    s.max = std::chrono::microseconds(sorted.back());
    return s;
}

}  // namespace fbx
