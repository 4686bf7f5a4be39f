// What a real RFB client (libvncclient) holds, compared with the picture the
// guest drew: the whole screen, pixel for pixel.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "guest_screen.hpp"
#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace vmtest {

// Pixels of `want` the client does not hold (all of them when its size
// differs); `report` says which, or what size the client has.
std::uint64_t vnc_mismatches(const fbx::test::VncTestClient& client, const Picture& want,
                             std::string& report);

// Pumps until the client holds exactly `want` (it may take a mode change
// and a few updates); fails with the last difference and the service's log
// after `timeout`.
void expect_vnc_shows_eventually(fbx::test::VncTestClient& client, const Picture& want,
                                 const fbx::test::ChildProcess& service,
                                 std::chrono::milliseconds timeout = std::chrono::seconds{10});

}  // namespace vmtest
