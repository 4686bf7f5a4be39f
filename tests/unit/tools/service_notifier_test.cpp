#include "service_notifier.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fbexport/unique_fd.hpp"

namespace fbx {
namespace {

// A service manager's end: a datagram socket bound to a path, or to an
// abstract name when `name` starts with '@', as systemd's NOTIFY_SOCKET.
class ManagerSocket {
public:
    explicit ManagerSocket(std::string name) : name_(std::move(name)) {
        fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, name_.data(), name_.size());
        if (name_.front() == '@') {
            addr.sun_path[0] = '\0';
        }
        ::unlink(name_.c_str());
        const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
        EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), length), 0)
            << std::strerror(errno);
    }
    ~ManagerSocket() {
        if (name_.front() == '/') {
            ::unlink(name_.c_str());
        }
    }
    const std::string& name() const { return name_; }

    // The next datagram, or "" after a second.
    std::string receive() {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, 1000) != 1) {
            return "";
        }
        char buffer[4096];
        const ssize_t n = ::recv(fd_.get(), buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
    }

private:
    std::string name_;
    UniqueFd fd_;
};

std::string socket_path() {
    return testing::TempDir() + "fbexport-notify-" + std::to_string(::getpid());
}

TEST(ServiceNotifier, SendsReadyStatusReloadingAndStoppingToAPathSocket) {
    ManagerSocket manager(socket_path());
    ServiceNotifier notifier(manager.name());
    ASSERT_TRUE(notifier.enabled());
    notifier.ready("serving 2 displays");
    EXPECT_EQ(manager.receive(), "READY=1\nSTATUS=serving 2 displays");
    notifier.reloading("reloading\n/etc/fbexport/fbexportd.toml");
    const std::string reloading = manager.receive();
    EXPECT_TRUE(reloading.starts_with("RELOADING=1\nMONOTONIC_USEC=")) << reloading;
    // STATUS stays one line: a newline in it would start a key of its own.
    EXPECT_TRUE(reloading.ends_with("\nSTATUS=reloading /etc/fbexport/fbexportd.toml"))
        << reloading;
    notifier.status("2 viewers");
    EXPECT_EQ(manager.receive(), "STATUS=2 viewers");
    notifier.stopping("stopping on Terminated");
    EXPECT_EQ(manager.receive(), "STOPPING=1\nSTATUS=stopping on Terminated");
}

TEST(ServiceNotifier, ReachesAnAbstractSocket) {
    ManagerSocket manager("@fbexport-notify-test-" + std::to_string(::getpid()));
    ServiceNotifier notifier(manager.name());
    EXPECT_TRUE(notifier.send("READY=1"));
    EXPECT_EQ(manager.receive(), "READY=1");
}

TEST(ServiceNotifier, TakesTheSocketFromTheEnvironmentAndHidesItFromChildren) {
    ManagerSocket manager(socket_path());
    ::setenv("NOTIFY_SOCKET", manager.name().c_str(), 1);
    ServiceNotifier notifier = ServiceNotifier::from_environment();
    EXPECT_EQ(std::getenv("NOTIFY_SOCKET"), nullptr);
    notifier.ready("up");
    EXPECT_EQ(manager.receive(), "READY=1\nSTATUS=up");

    ServiceNotifier unmanaged = ServiceNotifier::from_environment();
    EXPECT_FALSE(unmanaged.enabled());
    EXPECT_FALSE(unmanaged.send("READY=1"));
}

TEST(ServiceNotifier, AManagerThatIsGoneIsNotAFailureOfTheService) {
    ServiceNotifier notifier(socket_path() + "-absent");
    EXPECT_FALSE(notifier.send("READY=1"));
    EXPECT_FALSE(notifier.send("STATUS=still here"));
}

}  // namespace
}  // namespace fbx
