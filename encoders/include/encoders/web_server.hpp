#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "encoders/listen_address.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

// A small HTTP server for a browser viewer: it serves the files of a folder
// (noVNC, from Debian's package) and hands every WebSocket request, unread,
// to `on_websocket` (the VNC sink, whose libvncserver does the WebSocket
// handshake and speaks RFB over it), so page and desktop share one port and
// the user opens one URL. One thread, poll()-driven: a browser's idle
// pre-connections or a slow client never hold up the others.
class WebServer {
public:
    // Takes a connected socket whose WebSocket request is still in it.
    using WebSocketHandler = std::function<void(UniqueFd socket)>;

    // Listens on `address` and serves `root` (its `index` for "/"). Off
    // loopback it needs `authenticated` (a VNC password guards the desktop;
    // the page itself is public code), else it throws fbx::Error saying so,
    // as it does when `root` is missing or the port cannot be bound.
    WebServer(const ListenAddress& address, std::string root, std::string index, bool authenticated,
              WebSocketHandler on_websocket);
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;
    ~WebServer();  // stops the thread and closes every connection

    const ListenAddress& address() const { return address_; }

    // The URL a user opens: noVNC's page, connecting at once.
    std::string url() const;

private:
    void run();
    // Answers one request whose head is `head` (peeked, still unread).
    void serve(UniqueFd& socket, std::string_view head);

    ListenAddress address_;
    std::string root_;
    std::string index_;
    WebSocketHandler on_websocket_;
    UniqueFd listener_;
    UniqueFd wakeup_;  // eventfd: the destructor asks the thread to stop
    std::thread thread_;
};

}  // namespace fbx
