#include "service_notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "fbexport/log.hpp"

namespace fbx {
namespace {

// STATUS= is one line: a newline would start a key of its own.
std::string one_line(std::string_view text) {
    std::string line(text);
    for (char& c : line) {
        if (c == '\n') {
            c = ' ';
        }
    }
    return line;
}

}  // namespace

ServiceNotifier ServiceNotifier::from_environment() {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    ServiceNotifier notifier(socket ? socket : "");
    ::unsetenv("NOTIFY_SOCKET");
    return notifier;
}

ServiceNotifier::ServiceNotifier(std::string socket) : socket_(std::move(socket)) {}

void ServiceNotifier::ready(std::string_view status) {
    send("READY=1\nSTATUS=" + one_line(status));
}

void ServiceNotifier::reloading(std::string_view status) {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=" + one_line(status));
}

void ServiceNotifier::status(std::string_view status) {
    send("STATUS=" + one_line(status));
}

void ServiceNotifier::stopping(std::string_view status) {
    send("STOPPING=1\nSTATUS=" + one_line(status));
}

bool ServiceNotifier::send(std::string_view message) {
    if (!enabled()) {
        return false;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const bool fits = socket_.size() < sizeof addr.sun_path && socket_.size() > 1 &&
                      (socket_.front() == '/' || socket_.front() == '@');
    int err = EINVAL;
    if (fits) {
        std::memcpy(addr.sun_path, socket_.data(), socket_.size());
        if (socket_.front() == '@') {
            addr.sun_path[0] = '\0';
        }
        if (!fd_) {
            fd_.reset(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        }
        const auto length =
            static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
        if (fd_ && ::sendto(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL,
                            reinterpret_cast<const sockaddr*>(&addr),
                            length) == static_cast<ssize_t>(message.size())) {
            return true;
        }
        err = errno;
    }
    if (!warned_) {
        warned_ = true;
        log(LogLevel::warn, "notify")
            << "cannot notify the service manager through NOTIFY_SOCKET=" << socket_ << ": "
            << std::strerror(err);
    }
    return false;
}

}  // namespace fbx
