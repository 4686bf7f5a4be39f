#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fbexport/unique_fd.hpp"

namespace fbx {

// Tells the service manager how the service is doing: systemd's notification
// protocol (sd_notify(3)), a datagram of "KEY=VALUE" lines sent to the
// AF_UNIX socket named by $NOTIFY_SOCKET ('@' for the abstract namespace).
// A unit with Type=notify is started once READY=1 arrives, shows STATUS= in
// `systemctl status`, and is "reloading" between RELOADING=1 and READY=1.
// Without $NOTIFY_SOCKET (not started by systemd) every call does nothing.
class ServiceNotifier {
public:
    // Takes $NOTIFY_SOCKET and unsets it, so processes the service starts do
    // not speak for it.
    static ServiceNotifier from_environment();
    // `socket`: a path, or '@' and an abstract name; empty: does nothing.
    explicit ServiceNotifier(std::string socket);

    bool enabled() const { return !socket_.empty(); }

    void ready(std::string_view status);
    // RELOADING=1 with the monotonic time (systemd 253's Type=notify-reload
    // wants it; earlier versions ignore it); READY=1 again ends the reload.
    void reloading(std::string_view status);
    void status(std::string_view status);
    void stopping(std::string_view status);

    // Sends `message` as it is; false (logged once) when it could not be sent.
    bool send(std::string_view message);

private:
    std::string socket_;
    UniqueFd fd_;
    bool warned_ = false;
};

}  // namespace fbx
