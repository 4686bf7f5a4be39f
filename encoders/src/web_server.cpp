#include "encoders/web_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <list>
#include <optional>
#include <sstream>
#include <vector>

#include "encoders/http_request.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "tls_session.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "http";
using Clock = std::chrono::steady_clock;
// A request head larger than this is refused; noVNC's are a few hundred bytes.
constexpr std::size_t max_head = 8192;
// A connection that has not sent a whole request head by then is closed.
constexpr std::chrono::seconds request_timeout{10};
// Connections waiting for their request at once; more are turned away.
constexpr std::size_t max_connections = 64;
// After a partial head, wait this long before looking again: the bytes are
// only peeked (a WebSocket request must stay unread), so poll() would report
// the same bytes at once, for ever.
constexpr std::chrono::milliseconds partial_retry{10};

struct Connection {
    UniqueFd fd;
    Clock::time_point accepted;
    Clock::time_point look_again;  // partial head seen: not before this
    std::size_t peeked = 0;
};

UniqueFd listen_on(const ListenAddress& address) {
    const int family = address.ipv6 ? AF_INET6 : AF_INET;
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        throw_errno("socket for HTTP on " + address.to_string());
    }
    const int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (address.ipv6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(address.port);
        ::inet_pton(AF_INET6, address.host.c_str(), &a->sin6_addr);
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        length = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&storage);
        a->sin_family = AF_INET;
        a->sin_port = htons(address.port);
        ::inet_pton(AF_INET, address.host.c_str(), &a->sin_addr);
        length = sizeof *a;
    }
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0 ||
        ::listen(fd.get(), 64) != 0) {
        throw_errno("cannot listen for HTTP on " + address.to_string());
    }
    return fd;
}

// Writes all of `data` to a blocking socket (with a send timeout set).
bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string status_response(std::string_view status) {
    const std::string body = std::string(status) + "\n";
    return "HTTP/1.1 " + std::string(status) +
           "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

void send_status(int fd, std::string_view status) {
    send_all(fd, status_response(status));
}

std::string peer_text(const sockaddr_storage& peer) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (peer.ss_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, text,
                    sizeof text);
    } else if (peer.ss_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text,
                    sizeof text);
    }
    return text;
}

// Writes all of `data` to a non-blocking socket; false when it broke or
// `stop_fd` became readable.
bool write_all(int fd, std::string_view data, int stop_fd) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        }
        pollfd fds[] = {{fd, POLLOUT, 0}, {stop_fd, POLLIN, 0}};
        if ((::poll(fds, 2, -1) < 0 && errno != EINTR) || fds[1].revents != 0) {
            return false;
        }
    }
    return true;
}

// Relays a WebSocket between the viewer's TLS session and the VNC sink's
// end of a socket pair until either side closes or the server stops.
void relay(TlsSession& tls, int tls_socket, int plain, int stop_fd) {
    char buffer[16384];
    for (;;) {
        if (!tls.pending()) {
            pollfd fds[] = {{tls_socket, POLLIN, 0}, {plain, POLLIN, 0}, {stop_fd, POLLIN, 0}};
            if (::poll(fds, 3, -1) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return;
            }
            if (fds[2].revents != 0) {
                return;
            }
            if (fds[1].revents != 0) {
                const ssize_t n = ::recv(plain, buffer, sizeof buffer, 0);
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                    continue;
                }
                if (n <= 0 || !tls.send_all({buffer, static_cast<std::size_t>(n)})) {
                    return;
                }
            }
            if (fds[0].revents == 0) {
                continue;
            }
        }
        // A record that is only partly here gets this long to complete.
        const long n = tls.receive(buffer, sizeof buffer, Clock::now() + request_timeout);
        if (n <= 0 || !write_all(plain, {buffer, static_cast<std::size_t>(n)}, stop_fd)) {
            return;
        }
    }
}

}  // namespace

WebServer::WebServer(const ListenAddress& address, std::string root, std::string index,
                     bool authenticated, WebSocketHandler on_websocket,
                     const std::optional<WebTls>& tls)
    : address_(address),
      root_(std::move(root)),
      index_(std::move(index)),
      on_websocket_(std::move(on_websocket)) {
    if (!address.is_loopback() && !authenticated) {
        throw Error("refusing to serve the browser viewer on " + address.to_string() +
                    " without a VNC password: anyone who can reach that address would see the "
                    "guest's screen. Listen on loopback (e.g. --http 127.0.0.1:" +
                    std::to_string(address.port) + ") or give --vnc-password-file");
    }
    struct stat st {};
    if (::stat((root_ + "/" + index_).c_str(), &st) != 0) {
        throw Error("cannot serve the browser viewer: " + root_ + "/" + index_ +
                    " is missing (install Debian's novnc package)");
    }
    if (tls) {
        tls_ = std::make_unique<TlsCredentials>(tls->cert_file, tls->key_file);
    }
    listener_ = listen_on(address);
    wakeup_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wakeup_) {
        throw_errno("eventfd for the HTTP server");
    }
    thread_ = std::thread([this] { run(); });
    log(LogLevel::info, component)
        << "serving " << root_ << " on " << address.to_string() << (tls_ ? " over HTTPS" : "");
}

WebServer::~WebServer() {
    const std::uint64_t one = 1;
    if (::write(wakeup_.get(), &one, sizeof one) < 0) {
        log(LogLevel::warn, component) << "cannot wake the HTTP thread: " << std::strerror(errno);
    }
    thread_.join();
}

std::string WebServer::url() const {
    // Without host and port noVNC connects its WebSocket back to where the
    // page came from: this server, which hands it to the VNC sink.
    return (tls_ ? "https://" : "http://") + address_.to_string() + "/" + index_ +
           "?autoconnect=true";
}

void WebServer::serve(UniqueFd& socket, std::string_view head) {
    const std::optional<http::Request> request = http::parse_request(head);
    if (request && request->websocket) {
        log(LogLevel::debug, component) << "WebSocket " << request->target << ": to the VNC sink";
        on_websocket_(std::move(socket), std::string());
        return;
    }
    // Consume the head (it was only peeked), then answer on a blocking
    // socket with a send timeout: files are small, and a stalled reader
    // costs at most that long.
    std::string discard(head.size(), '\0');
    if (::recv(socket.get(), discard.data(), discard.size(), MSG_DONTWAIT) !=
        static_cast<ssize_t>(head.size())) {
        return;
    }
    const int flags = ::fcntl(socket.get(), F_GETFL);
    ::fcntl(socket.get(), F_SETFL, flags & ~O_NONBLOCK);
    const timeval send_timeout{5, 0};
    ::setsockopt(socket.get(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    send_all(socket.get(), respond(head));
}

std::string WebServer::respond(std::string_view head) const {
    const std::optional<http::Request> request = http::parse_request(head);
    if (!request) {
        return status_response("400 Bad Request");
    }
    if (request->method != "GET" && request->method != "HEAD") {
        return status_response("405 Method Not Allowed");
    }
    const std::optional<std::string> file = http::file_for_target(request->target, index_);
    struct stat st {};
    const std::string path = file ? root_ + "/" + *file : std::string();
    if (!file || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        log(LogLevel::debug, component) << "404 " << request->target;
        return status_response("404 Not Found");
    }
    std::ifstream in(path, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
        return status_response("500 Internal Server Error");
    }
    log(LogLevel::debug, component) << "200 " << request->target;
    std::string response =
        "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(http::content_type_of(*file)) +
        "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff" +
        (tls_ ? "\r\nStrict-Transport-Security: max-age=31536000" : "") +
        "\r\nConnection: close\r\n\r\n";
    if (request->method == "GET") {
        response += body;
    }
    return response;
}

void WebServer::serve_tls(UniqueFd socket, const std::string& peer) {
    const auto deadline = Clock::now() + request_timeout;
    TlsSession tls(*tls_, socket.get(), wakeup_.get());
    std::string error;
    if (!tls.handshake(deadline, error)) {
        log(LogLevel::debug, component) << "TLS handshake with " << peer << " failed: " << error;
        return;
    }
    std::string head;
    std::size_t end = std::string::npos;
    while ((end = head.find("\r\n\r\n")) == std::string::npos) {
        if (head.size() >= max_head) {
            tls.send_all(status_response("431 Request Header Fields Too Large"), deadline);
            return;
        }
        char buffer[4096];
        const long n = tls.receive(buffer, sizeof buffer, deadline);
        if (n <= 0) {
            return;
        }
        head.append(buffer, static_cast<std::size_t>(n));
    }
    const std::optional<http::Request> request =
        http::parse_request(std::string_view(head).substr(0, end + 4));
    if (!request || !request->websocket) {
        tls.send_all(respond(std::string_view(head).substr(0, end + 4)), deadline);
        return;
    }
    // The VNC sink reads the request (and anything after it) from its end
    // of the pair, as it would from the viewer's own socket.
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, ends) != 0) {
        log(LogLevel::warn, component)
            << "socketpair for a WebSocket relay: " << std::strerror(errno);
        return;
    }
    UniqueFd mine(ends[0]);
    UniqueFd theirs(ends[1]);
    const int flags = ::fcntl(theirs.get(), F_GETFL);
    ::fcntl(theirs.get(), F_SETFL, flags & ~O_NONBLOCK);  // libvncserver sets its own
    if (!write_all(mine.get(), head, wakeup_.get())) {
        return;
    }
    log(LogLevel::debug, component) << "WebSocket " << request->target << " from " << peer
                                    << " over TLS: relayed to the VNC sink";
    // libvncserver answers the WebSocket handshake inside the adoption
    // (and a refusal waits there for the viewer's reply): relay meanwhile.
    std::thread adoption([this, &theirs, &peer] { on_websocket_(std::move(theirs), peer); });
    relay(tls, socket.get(), mine.get(), wakeup_.get());
    mine.reset();  // the sink sees the viewer leave
    adoption.join();
}

void WebServer::start_tls_worker(UniqueFd socket, std::string peer) {
    TlsWorker& worker = tls_workers_.emplace_back();
    worker.thread =
        std::thread([this, &worker, fd = std::move(socket), peer = std::move(peer)]() mutable {
            try {
                serve_tls(std::move(fd), peer);
            } catch (const std::exception& e) {
                log(LogLevel::warn, component)
                    << "HTTPS connection from " << peer << ": " << e.what();
            }
            worker.done = true;
        });
}

void WebServer::run() {
    std::list<Connection> connections;
    for (;;) {
        const auto now = Clock::now();
        std::vector<pollfd> fds{{wakeup_.get(), POLLIN, 0}, {listener_.get(), POLLIN, 0}};
        std::vector<Connection*> polled;
        int timeout_ms = 1000;
        for (auto& c : connections) {
            if (now < c.look_again) {
                timeout_ms = std::min<int>(
                    timeout_ms,
                    static_cast<int>(
                        std::chrono::ceil<std::chrono::milliseconds>(c.look_again - now).count()));
                continue;
            }
            fds.push_back({c.fd.get(), POLLIN, 0});
            polled.push_back(&c);
        }
        if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
            log(LogLevel::error, component) << "poll: " << std::strerror(errno);
            return;
        }
        if (fds[0].revents != 0) {
            // Asked to stop: the TLS workers see it too; the plain
            // connections close with the list.
            for (TlsWorker& w : tls_workers_) {
                w.thread.join();
            }
            return;
        }
        tls_workers_.remove_if([](TlsWorker& w) {
            if (!w.done) {
                return false;
            }
            w.thread.join();
            return true;
        });
        if (fds[1].revents & POLLIN) {
            while (true) {
                sockaddr_storage peer{};
                socklen_t length = sizeof peer;
                UniqueFd client(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer),
                                          &length, SOCK_CLOEXEC | (tls_ ? SOCK_NONBLOCK : 0)));
                if (!client) {
                    break;
                }
                if (tls_) {
                    if (tls_workers_.size() < max_connections) {
                        start_tls_worker(std::move(client), peer_text(peer));
                    }
                    continue;  // else closed: too many at once already
                }
                if (connections.size() >= max_connections) {
                    continue;  // closed: too many waiting already
                }
                connections.push_back({std::move(client), Clock::now(), {}, 0});
            }
        }
        std::vector<Connection*> done;
        for (std::size_t i = 0; i < polled.size(); ++i) {
            if (fds[i + 2].revents == 0) {
                continue;
            }
            Connection& c = *polled[i];
            char head[max_head];
            const ssize_t n = ::recv(c.fd.get(), head, sizeof head, MSG_PEEK | MSG_DONTWAIT);
            if (n <= 0) {
                done.push_back(&c);
                continue;
            }
            const std::string_view peeked(head, static_cast<std::size_t>(n));
            const auto end = peeked.find("\r\n\r\n");
            if (end == std::string_view::npos) {
                if (peeked.size() >= max_head) {
                    send_status(c.fd.get(), "431 Request Header Fields Too Large");
                    done.push_back(&c);
                } else {
                    c.peeked = peeked.size();
                    c.look_again = Clock::now() + partial_retry;
                }
                continue;
            }
            serve(c.fd, peeked.substr(0, end + 4));
            done.push_back(&c);
        }
        const auto later = Clock::now();
        connections.remove_if([&](const Connection& c) {
            return std::find(done.begin(), done.end(), &c) != done.end() ||
                   later - c.accepted > request_timeout;
        });
    }
}

}  // namespace fbx
