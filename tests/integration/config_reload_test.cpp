// fbexportd --config as systemd runs it: readiness and reloads told through a
// real notification socket (the datagrams systemd's NOTIFY_SOCKET receives),
// and SIGHUP applying a rewritten file while a real RFB client (libvncclient)
// stays connected to a display whose entry did not change. A broken file
// changes nothing and is logged with its line and column.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "fbexport/unique_fd.hpp"
#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

// systemd's end of the notification protocol: a datagram socket bound to a
// path, named to the service in NOTIFY_SOCKET.
class NotifySocket {
public:
    NotifySocket() {
        path_ = testing::TempDir() + "fbexportd-notify-" + std::to_string(::getpid());
        ::unlink(path_.c_str());
        fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
        EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0)
            << std::strerror(errno);
    }
    ~NotifySocket() { ::unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

    // The next datagram, or "" when none came within `timeout`.
    std::string receive(std::chrono::milliseconds timeout) {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
            return "";
        }
        char buffer[4096];
        const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
    }
    // Datagrams until one starts with `prefix`; "" on timeout.
    std::string wait_for(const std::string& prefix, std::chrono::milliseconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                end - std::chrono::steady_clock::now());
            const std::string message = receive(left);
            if (message.starts_with(prefix)) {
                return message;
            }
        }
        return "";
    }

private:
    std::string path_;
    UniqueFd fd_;
};

// fbexportd --config FILE with NOTIFY_SOCKET set, as under Type=notify.
class ConfiguredService {
public:
    explicit ConfiguredService(const std::string& text)
        : file_(testing::TempDir() + "fbexportd-reload-" + std::to_string(::getpid()) + ".toml") {
        write(text);
        ::setenv("NOTIFY_SOCKET", notify_.path().c_str(), 1);
        process_ = std::make_unique<ChildProcess>(std::vector<std::string>{
            program("fbexportd"), "--config", file_, "--convert", "cpu", "--demo-size", "320x200"});
        ::unsetenv("NOTIFY_SOCKET");
    }
    ~ConfiguredService() {
        process_.reset();
        ::unlink(file_.c_str());
    }

    void write(const std::string& text) const { std::ofstream(file_) << text; }
    // SIGHUP, then the READY=1 that ends the reload.
    std::string reload() {
        ::kill(process_->pid(), SIGHUP);
        const std::string reloading = notify_.wait_for("RELOADING=1", 20s);
        EXPECT_NE(reloading, "") << process_->log();
        return notify_.wait_for("READY=1", 30s);
    }

    const std::string& file() const { return file_; }
    NotifySocket& notify() { return notify_; }
    ChildProcess& process() { return *process_; }

private:
    std::string file_;
    NotifySocket notify_;
    std::unique_ptr<ChildProcess> process_;
};

std::string demo(std::uint16_t port) {
    return "[[display]]\ndemo = true\nvnc.port = " + std::to_string(port) + "\n";
}

bool serves(std::uint16_t port) {
    std::string error;
    auto client = VncTestClient::connect(port, &error);
    return client && client->pump(200ms) && client->width() == 320;
}

TEST(ConfigReload, NotifiesReadyOnceEveryDisplayListensThenReloadingAndStopping) {
    const std::uint16_t first = free_loopback_port();
    const std::uint16_t second = free_loopback_port();
    ConfiguredService service(demo(first) + demo(second));
    const std::string ready = service.notify().wait_for("READY=1", 60s);
    ASSERT_NE(ready, "") << service.process().log();
    // READY=1 comes after both ports listen, not before.
    EXPECT_TRUE(serves(first));
    EXPECT_TRUE(serves(second));
    EXPECT_NE(ready.find("\nSTATUS=serving demo on 127.0.0.1:" + std::to_string(first) +
                         ", demo on 127.0.0.1:" + std::to_string(second)),
              std::string::npos)
        << ready;

    const std::string reloaded = service.reload();
    EXPECT_NE(reloaded, "") << service.process().log();

    EXPECT_EQ(service.process().stop(SIGTERM), 0);
    // STOPPING=1 came before the exit (the datagram waits in the socket).
    EXPECT_NE(service.notify().wait_for("STOPPING=1", 1s), "");
}

TEST(ConfigReload, SighupAppliesTheFileAndKeepsTheUnchangedDisplaysClient) {
    const std::uint16_t kept = free_loopback_port();
    const std::uint16_t moved_from = free_loopback_port();
    const std::uint16_t moved_to = free_loopback_port();
    const std::uint16_t added = free_loopback_port();
    ConfiguredService service(demo(kept) + demo(moved_from));
    ASSERT_NE(service.notify().wait_for("READY=1", 60s), "") << service.process().log();

    std::string error;
    auto client = VncTestClient::connect(kept, &error);
    ASSERT_TRUE(client) << error;
    ASSERT_TRUE(client->pump(500ms));
    EXPECT_TRUE(serves(moved_from));

    // The second display moves to another port, a third appears.
    service.write(demo(kept) + demo(moved_to) + demo(added));
    const std::string ready = service.reload();
    ASSERT_NE(ready, "") << service.process().log();
    EXPECT_NE(ready.find("demo on 127.0.0.1:" + std::to_string(added)), std::string::npos) << ready;
    const std::uint64_t before = client->updates();
    EXPECT_TRUE(client->pump(1s)) << "the first display's client was dropped";
    EXPECT_GT(client->updates(), before) << "no updates after the reload";
    EXPECT_TRUE(serves(moved_to));
    EXPECT_TRUE(serves(added));
    EXPECT_FALSE(serves(moved_from)) << "the old port still serves";

    // A broken file: refused with its line and column, everything stays.
    service.write(demo(kept) + demo(moved_to) + "[[display]]\ndemo = true\nvnc.port = 70000\n");
    const std::string refused = service.reload();
    ASSERT_NE(refused, "") << service.process().log();
    const std::string where = service.file() + ":9:12: vnc.port must be 1 to 65535, not 70000";
    EXPECT_NE(refused.find("reload refused (" + where + ")"), std::string::npos) << refused;
    EXPECT_TRUE(service.process().wait_for_log(where, 5s)) << service.process().log();
    service.write(demo(kept) + "[[display]]\ndemo = tru\n");
    ASSERT_NE(service.reload(), "");
    EXPECT_TRUE(service.process().wait_for_log(service.file() + ":5:11: ", 5s))
        << service.process().log();

    const std::uint64_t after = client->updates();
    EXPECT_TRUE(client->pump(1s));
    EXPECT_GT(client->updates(), after);
    EXPECT_TRUE(serves(moved_to));
    EXPECT_TRUE(serves(added));
    EXPECT_FALSE(serves(moved_from));
    EXPECT_EQ(
        service.process().log().find("no longer serving demo on 127.0.0.1:" + std::to_string(kept)),
        std::string::npos);
    EXPECT_EQ(service.process().stop(SIGTERM), 0);
}

TEST(ConfigReload, AMistakeInTheFileAtStartIsAUsageError) {
    const std::string file = testing::TempDir() + "fbexportd-bad-" + std::to_string(::getpid());
    std::ofstream(file) << "[[display]]\ndemo = true\nvnc.pasword_file = \"x\"\n";
    ChildProcess process({program("fbexportd"), "--config", file});
    EXPECT_EQ(process.wait_exit(10s), 2);
    EXPECT_NE(process.log().find(file + ":3:5: unknown key 'pasword_file' in vnc"),
              std::string::npos)
        << process.log();
    ::unlink(file.c_str());
}

TEST(ConfigReload, CheckConfigSaysWhetherTheFileIsValidAndServesNothing) {
    const std::string file = testing::TempDir() + "fbexportd-check-" + std::to_string(::getpid());
    const std::uint16_t port = free_loopback_port();
    std::ofstream(file) << demo(port);
    ChildProcess valid({program("fbexportd"), "--config", file, "--check-config"});
    EXPECT_EQ(valid.wait_exit(10s), 0);
    EXPECT_NE(valid.log().find(file + ": valid\n  demo: VNC 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << valid.log();
    EXPECT_FALSE(serves(port));

    std::ofstream(file) << "convert = \"fast\"\n" << demo(port);
    ChildProcess invalid({program("fbexportd"), "--config", file, "--check-config"});
    EXPECT_EQ(invalid.wait_exit(10s), 2);
    EXPECT_NE(invalid.log().find(file + ":1:11: convert must be auto, cpu or gl, not 'fast'"),
              std::string::npos)
        << invalid.log();
    ::unlink(file.c_str());
}

}  // namespace
}  // namespace fbx::test
