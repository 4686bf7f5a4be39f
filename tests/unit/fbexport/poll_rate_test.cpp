#include "fbexport/poll_rate.hpp"

#include <gtest/gtest.h>

namespace fbx {
namespace {

using std::chrono::milliseconds;

PollRateConfig config() {
    PollRateConfig c;
    c.fast = milliseconds{16};
    c.idle = milliseconds{500};
    c.grace_polls = 3;
    return c;
}

TEST(PollRate, NoConsumerStopsPolling) {
    PollRate rate(config());
    EXPECT_EQ(rate.after_poll(true, 0), std::nullopt);
    EXPECT_EQ(rate.after_poll(false, 0), std::nullopt);
}

TEST(PollRate, ChangesKeepTheFastRate) {
    PollRate rate(config());
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(rate.after_poll(true, 1), milliseconds{16});
    }
}

TEST(PollRate, BacksOffAfterGraceThenCapsAtIdle) {
    PollRate rate(config());
    // The grace polls stay fast: a short pause in an animation costs nothing.
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{16});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{16});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{16});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{32});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{64});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{128});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{256});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{500});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{500});
}

TEST(PollRate, AChangeSnapsBackToFast) {
    PollRate rate(config());
    for (int i = 0; i < 20; ++i) {
        rate.after_poll(false, 2);
    }
    ASSERT_EQ(rate.interval(), milliseconds{500});
    EXPECT_EQ(rate.after_poll(true, 2), milliseconds{16});
    // And the grace period starts over.
    EXPECT_EQ(rate.after_poll(false, 2), milliseconds{16});
}

TEST(PollRate, WakeResetsTheBackOff) {
    PollRate rate(config());
    for (int i = 0; i < 20; ++i) {
        rate.after_poll(false, 1);
    }
    rate.wake();
    EXPECT_EQ(rate.interval(), milliseconds{16});
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{16});
}

TEST(PollRate, LosingTheLastConsumerForgetsTheBackOff) {
    PollRate rate(config());
    for (int i = 0; i < 20; ++i) {
        rate.after_poll(false, 1);
    }
    EXPECT_EQ(rate.after_poll(false, 0), std::nullopt);
    EXPECT_EQ(rate.after_poll(false, 1), milliseconds{16});
}

}  // namespace
}  // namespace fbx
