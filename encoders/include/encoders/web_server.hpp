#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "encoders/listen_address.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

class TlsCredentials;

// HTTPS for the browser viewer: a certificate (chain) and its private key,
// PEM files.
struct WebTls {
    std::string cert_file;
    std::string key_file;

    bool operator==(const WebTls&) const = default;
};

// A small HTTP server for a browser viewer: it serves the files of a folder
// (noVNC, from Debian's package) and hands every WebSocket request, unread,
// to `on_websocket` (the VNC sink, whose libvncserver does the WebSocket
// handshake and speaks RFB over it), so page and desktop share one port and
// the user opens one URL. One thread, poll()-driven: a browser's idle
// pre-connections or a slow client never hold up the others.
//
// With TLS the server speaks only HTTPS: GnuTLS (the library Debian's
// libvncserver is built with) on a thread per connection (at most 64 at
// once), and a WebSocket's decrypted bytes are relayed to the VNC sink
// through a socket pair, the request included, so libvncserver does the
// WebSocket handshake and RFB as for a plain connection. libvncserver's
// own "wss" (screen->sslcertfile) is not used: it does the TLS handshake
// inside the accepting call, busy-looping on a non-blocking socket, so one
// silent client would stall every other, and it sets up GnuTLS anew for
// each connection.
class WebServer {
public:
    // Takes a connected socket whose WebSocket request is still in it, and
    // the viewer's address (the socket's own peer unless relayed).
    using WebSocketHandler = std::function<void(UniqueFd socket, const std::string& peer)>;

    // Listens on `address` and serves `root` (its `index` for "/"). Off
    // loopback it needs `authenticated` (a VNC password guards the desktop;
    // the page itself is public code), else it throws fbx::Error saying so,
    // as it does when `root` is missing, the port cannot be bound or the
    // TLS certificate and key cannot be used.
    WebServer(const ListenAddress& address, std::string root, std::string index, bool authenticated,
              WebSocketHandler on_websocket, const std::optional<WebTls>& tls = std::nullopt);
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;
    ~WebServer();  // stops the thread and closes every connection

    const ListenAddress& address() const { return address_; }

    // The URL a user opens: noVNC's page, connecting at once.
    std::string url() const;

private:
    // A TLS connection's own thread.
    struct TlsWorker {
        std::thread thread;
        std::atomic<bool> done{false};
    };

    void run();
    // Answers one request whose head is `head` (peeked, still unread).
    void serve(UniqueFd& socket, std::string_view head);
    // The whole answer to a request that is not a WebSocket.
    std::string respond(std::string_view head) const;
    // One HTTPS connection: handshake, request, answer or WebSocket relay.
    void serve_tls(UniqueFd socket, const std::string& peer);
    void start_tls_worker(UniqueFd socket, std::string peer);

    ListenAddress address_;
    std::string root_;
    std::string index_;
    WebSocketHandler on_websocket_;
    std::unique_ptr<TlsCredentials> tls_;
    UniqueFd listener_;
    UniqueFd wakeup_;                   // eventfd: the destructor asks the threads to stop
    std::list<TlsWorker> tls_workers_;  // the server thread's, joined when done
    std::thread thread_;
};

}  // namespace fbx
