#include "vnc_picture.hpp"

#include <gtest/gtest.h>

namespace vmtest {

std::uint64_t vnc_mismatches(const fbx::test::VncTestClient& client, const Picture& want,
                             std::string& report) {
    if (client.width() != int(want.width) || client.height() != int(want.height)) {
        report = "client has " + std::to_string(client.width()) + "x" +
                 std::to_string(client.height()) + ", want " + std::to_string(want.width) + "x" +
                 std::to_string(want.height);
        return want.pixels.size();
    }
    report.clear();
    return count_mismatches(
        want, {0, 0, std::int32_t(want.width), std::int32_t(want.height)},
        [&](std::int32_t x, std::int32_t y) { return client.pixel(x, y); }, report);
}

void expect_vnc_shows_eventually(fbx::test::VncTestClient& client, const Picture& want,
                                 const fbx::test::ChildProcess& service,
                                 std::chrono::milliseconds timeout) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string report;
    while (std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(client.pump(50ms)) << "the client was disconnected\n" << service.log();
        if (vnc_mismatches(client, want, report) == 0) {
            return;
        }
    }
    FAIL() << report << service.log();
}

}  // namespace vmtest
