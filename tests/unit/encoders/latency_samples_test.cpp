#include "encoders/latency_samples.hpp"

#include <gtest/gtest.h>

namespace fbx {
namespace {

using std::chrono::microseconds;

TEST(LatencySamples, NothingBeforeTheFirstSample) {
    EXPECT_FALSE(LatencySamples().summary());
}

TEST(LatencySamples, NearestRankMedianAndP99) {
    LatencySamples samples;
    for (int i = 100; i >= 1; --i) {  // 1..100 ms, added out of order
        samples.add(microseconds(i * 1000));
    }
    const auto s = samples.summary();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->count, 100u);
    EXPECT_EQ(s->median, microseconds(50'000));
    EXPECT_EQ(s->p99, microseconds(99'000));
    EXPECT_EQ(s->max, microseconds(100'000));
}

TEST(LatencySamples, KeepsOnlyTheNewestWindow) {
    LatencySamples samples(4);
    for (int i = 1; i <= 10; ++i) {
        samples.add(microseconds(i));
    }
    const auto s = samples.summary();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->count, 4u);  // 7, 8, 9, 10
    EXPECT_EQ(s->median, microseconds(8));
    EXPECT_EQ(s->max, microseconds(10));
}

}  // namespace
}  // namespace fbx
