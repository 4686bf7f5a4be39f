// fbexportd --user: started as root, the service gives root up for good
// before it serves, and still serves; a bad --user is a clear failure.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <string>

#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

// The "Uid:" or "Gid:" line of /proc/PID/status: real, effective, saved, fs.
std::string ids(pid_t pid, const std::string& which) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(which + ":", 0) == 0) {
            return line.substr(which.size() + 1);
        }
    }
    return "";
}

TEST(ProcessUser, RootBecomesTheUserForGoodAndServes) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root (CI runs as root)";
    }
    const passwd* nobody = ::getpwnam("nobody");
    ASSERT_NE(nobody, nullptr);
    const std::uint16_t port = free_loopback_port();
    ChildProcess service({program("fbexportd"), "--source", "demo", "--vnc",
                          "127.0.0.1:" + std::to_string(port), "--user", "nobody"});
    ASSERT_TRUE(service.wait_for_log("ready", 20s)) << service.log();
    const std::string uid = std::to_string(nobody->pw_uid);
    const std::string gid = std::to_string(nobody->pw_gid);
    EXPECT_EQ(ids(service.pid(), "Uid"), "\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid);
    EXPECT_EQ(ids(service.pid(), "Gid"), "\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid);
    EXPECT_NE(service.log().find("running as user nobody"), std::string::npos) << service.log();

    std::string error;
    auto client = VncTestClient::connect(port, &error);
    ASSERT_TRUE(client) << error << "\n" << service.log();
    ASSERT_TRUE(client->pump(2s)) << service.log();
    EXPECT_GT(client->updates(), 0u) << service.log();
    EXPECT_EQ(client->width(), 1920) << "the demo's default size";
    EXPECT_EQ(service.stop(SIGTERM), 0) << service.log();
}

TEST(ProcessUser, AnUnknownUserOrRootIsAClearFailure) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root (CI runs as root)";
    }
    for (const auto& [user, reason] :
         {std::pair<std::string, std::string>{"no-such-user-fbx", "no such user"},
          {"root", "name an unprivileged user"}}) {
        ChildProcess service({program("fbexportd"), "--source", "demo", "--vnc",
                              "127.0.0.1:" + std::to_string(free_loopback_port()), "--user", user});
        EXPECT_EQ(service.wait_exit(10s), 1) << service.log();
        EXPECT_NE(service.log().find(reason), std::string::npos) << service.log();
    }
}

}  // namespace
}  // namespace fbx::test
