#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "encoders/listen_address.hpp"
#include "fbexport/rect.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

class ShadowFramebuffer;
struct CursorImage;

struct VncOptions {
    ListenAddress address{"127.0.0.1", 5900, false};
    // VNC authentication password; required to listen off loopback. RFB's VNC
    // authentication uses only the first 8 characters.
    std::optional<std::string> password;
    std::string desktop_name = "fbexport";
    // Viewers at once (VNC and browser); one more is told "too many clients"
    // in RFB's own refusal and disconnected.
    std::uint32_t max_clients = 16;
    // Password guessing: after `auth_failure_limit` failed VNC
    // authentications from one address within `auth_failure_window`, that
    // address is refused for `auth_block` (logged once, when it starts).
    std::uint32_t auth_failure_limit = 5;
    std::chrono::seconds auth_failure_window{60};
    std::chrono::seconds auth_block{60};

    bool operator==(const VncOptions&) const = default;
};

// Serves a ShadowFramebuffer to any number of RFB clients with libvncserver:
// each client has its own threads, so a slow one never stalls the others or
// the caller. Only rectangles reported through damaged() are sent, and the
// cursor plane goes to clients as a client-side cursor shape.
class VncSink {
public:
    // Called from libvncserver's threads whenever a client connects or leaves,
    // with the new number of clients.
    using ClientsChanged = std::function<void(std::uint32_t clients)>;

    // Starts listening; throws fbx::Error when the address is off loopback
    // without a password, or when the port cannot be bound.
    VncSink(VncOptions options, ShadowFramebuffer& framebuffer, ClientsChanged on_clients_changed);
    VncSink(const VncSink&) = delete;
    VncSink& operator=(const VncSink&) = delete;
    ~VncSink();

    std::uint32_t client_count() const;
    const ListenAddress& address() const;

    // A mode change: `resize` resizes the shadow framebuffer (its old
    // pixels go) while every viewer's sender is held off them; then clients
    // that support it get a desktop-size change, and everything is sent
    // again. A viewer in the middle of a slow send delays this until it is
    // done.
    void resize_framebuffer(const std::function<void()>& resize);

    // These pixels of the shadow framebuffer changed.
    void damaged(std::span<const Rect> rects);

    // Serves a client that connected elsewhere: the web server hands over
    // WebSocket requests unread, and libvncserver's own WebSocket support
    // does the handshake (as it does on the VNC port), then RFB as usual,
    // password included. From any thread. `peer` names the viewer's address
    // when `socket` is not connected to it (a relay of a TLS connection);
    // empty: the socket's own peer.
    void adopt_client(UniqueFd socket, const std::string& peer = {});

    // The name viewers are told from now on (RFB tells it once, when a
    // viewer connects), e.g. that the vGPU shown is absent.
    void set_desktop_name(const std::string& name);

    // The cursor plane's image changed; nullptr hides the cursor.
    void set_cursor(const CursorImage* cursor);
    // The pointer (the cursor's hotspot) is now at (x, y) on the screen.
    void move_cursor(std::int32_t x, std::int32_t y);

private:
    struct Server;
    std::unique_ptr<Server> server_;
};

}  // namespace fbx
