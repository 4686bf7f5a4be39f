#include "encoders/listen_address.hpp"

#include <gtest/gtest.h>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

TEST(ListenAddress, ParsesIpv4AndPort) {
    const auto a = parse_listen_address("192.0.2.7:5901");
    EXPECT_EQ(a.host, "192.0.2.7");
    EXPECT_EQ(a.port, 5901);
    EXPECT_FALSE(a.ipv6);
    EXPECT_FALSE(a.is_loopback());
    EXPECT_EQ(a.to_string(), "192.0.2.7:5901");
}

TEST(ListenAddress, EmptyHostAndLocalhostMeanLoopback) {
    EXPECT_EQ(parse_listen_address(":5900").host, "127.0.0.1");
    EXPECT_EQ(parse_listen_address("localhost:5900").host, "127.0.0.1");
    EXPECT_TRUE(parse_listen_address(":5900").is_loopback());
    EXPECT_TRUE(parse_listen_address("127.1.2.3:5900").is_loopback());
}

TEST(ListenAddress, ParsesBracketedIpv6) {
    const auto a = parse_listen_address("[::1]:5900");
    EXPECT_TRUE(a.ipv6);
    EXPECT_EQ(a.host, "::1");
    EXPECT_TRUE(a.is_loopback());
    EXPECT_EQ(a.to_string(), "[::1]:5900");
    EXPECT_FALSE(parse_listen_address("[::]:5900").is_loopback());
}

TEST(ListenAddress, WildcardIsNotLoopback) {
    EXPECT_FALSE(parse_listen_address("0.0.0.0:5900").is_loopback());
}

TEST(ListenAddress, RejectsBadInput) {
    for (const char* bad : {"5900", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:59x",
                            "host.example:5900", "[::1:5900", "::1:5900", "300.1.1.1:5900"}) {
        EXPECT_THROW(parse_listen_address(bad), Error) << bad;
    }
}

}  // namespace
}  // namespace fbx
