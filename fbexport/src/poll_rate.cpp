#include "fbexport/poll_rate.hpp"

#include <algorithm>

namespace fbx {

std::optional<std::chrono::milliseconds> PollRate::after_poll(bool changed,
                                                              std::uint32_t consumers) {
    if (consumers == 0) {
        unchanged_polls_ = 0;
        interval_ = config_.fast;
        return std::nullopt;
    }
    if (changed) {
        unchanged_polls_ = 0;
        interval_ = config_.fast;
    } else if (++unchanged_polls_ > config_.grace_polls) {
        interval_ = std::min(interval_ * 2, config_.idle);
    }
    return interval_;
}

void PollRate::wake() {
    unchanged_polls_ = 0;
    interval_ = config_.fast;
}

}  // namespace fbx
