#include "encoders/vnc_sink.hpp"

#include <arpa/inet.h>
#include <rfb/rfb.h>
extern "C" {
#include <rfb/rfbregion.h>  // declares no C linkage of its own
}

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "display/cursor_image.hpp"
#include "display/shadow_framebuffer.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "vnc";

// libvncserver reports through two global printf-like hooks; route both into
// our log so its lines carry time and level like ours.
void log_from_library(LogLevel level, const char* format, va_list args) {
    if (!log_enabled(level)) {
        return;
    }
    char text[512];
    std::vsnprintf(text, sizeof text, format, args);
    std::string_view line(text);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    log_line(level, "libvncserver", line);
}

void library_log(const char* format, ...) {
    va_list args;
    va_start(args, format);
    log_from_library(LogLevel::debug, format, args);
    va_end(args);
}

void library_error(const char* format, ...) {
    va_list args;
    va_start(args, format);
    log_from_library(LogLevel::warn, format, args);
    va_end(args);
}

// The service shows the guest; it does not take input from viewers yet.
void ignore_pointer(int, int, int, rfbClientPtr) {}
void ignore_key(rfbBool, rfbKeySym, rfbClientPtr) {}

struct ScreenDeleter {
    void operator()(rfbScreenInfo* screen) const {
        rfbShutdownServer(screen, TRUE);
        rfbScreenCleanup(screen);
    }
};

// libvncserver frees a cursor with free(), so its parts come from malloc().
template <typename T>
T* malloc_array(std::size_t count) {
    void* p = std::calloc(count, sizeof(T));
    if (p == nullptr) {
        throw Error("out of memory for a VNC cursor of " + std::to_string(count) + " pixels");
    }
    return static_cast<T*>(p);
}

using Clock = std::chrono::steady_clock;

// How long a refused viewer gets to send its protocol version, so that the
// refusal reaches it in the form its version expects. The wait happens on
// the thread that accepts connections: kept short.
constexpr int refusal_read_ms = 500;
// Addresses whose failed authentications are remembered at once; beyond
// that the oldest are forgotten (a flood of addresses must not grow memory).
constexpr std::size_t max_tracked_addresses = 4096;

// Ends an RFB handshake with `reason` as RFB says a server refuses: after
// the viewer's version, a zero security type (3.3) or an empty list of them
// (3.7 and later), then the reason. The server's version is already sent.
void send_refusal(rfbClientPtr cl, const std::string& reason) {
    char version[sz_rfbProtocolVersionMsg + 1] = {};
    if (rfbReadExactTimeout(cl, version, sz_rfbProtocolVersionMsg, refusal_read_ms) != 1) {
        return;
    }
    int major = 0;
    int minor = 0;
    if (std::sscanf(version, rfbProtocolVersionFormat, &major, &minor) != 2) {
        return;
    }
    std::string message;
    if (major == 3 && minor < 7) {
        message.append(4, '\0');  // security type 0: failed
    } else {
        message.push_back('\0');  // no security types
    }
    const std::uint32_t length = htonl(static_cast<std::uint32_t>(reason.size()));
    message.append(reinterpret_cast<const char*>(&length), sizeof length);
    message += reason;
    rfbWriteExact(cl, message.data(), static_cast<int>(message.size()));
}

// Failed VNC authentications per address, and the addresses refused for it.
class AuthFailures {
public:
    explicit AuthFailures(const VncOptions& options) : options_(options) {}

    bool blocked(const std::string& address) {
        const std::lock_guard lock(mutex_);
        const auto it = addresses_.find(address);
        return it != addresses_.end() && Clock::now() < it->second.blocked_until;
    }

    // Records a failure; true when it starts a block of `address`.
    bool failed(const std::string& address) {
        const std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        if (addresses_.size() >= max_tracked_addresses && !addresses_.contains(address)) {
            forget_oldest();
        }
        Address& a = addresses_[address];
        a.last = now;
        a.failures.push_back(now);
        while (!a.failures.empty() && now - a.failures.front() > options_.auth_failure_window) {
            a.failures.pop_front();
        }
        if (options_.auth_failure_limit == 0 || a.failures.size() < options_.auth_failure_limit ||
            now < a.blocked_until) {
            return false;
        }
        a.failures.clear();
        a.blocked_until = now + options_.auth_block;
        return true;
    }

    void succeeded(const std::string& address) {
        const std::lock_guard lock(mutex_);
        addresses_.erase(address);
    }

private:
    struct Address {
        std::deque<Clock::time_point> failures;  // within the window
        Clock::time_point blocked_until{};
        Clock::time_point last{};
    };

    void forget_oldest() {
        auto oldest = addresses_.begin();
        for (auto it = addresses_.begin(); it != addresses_.end(); ++it) {
            if (it->second.last < oldest->second.last) {
                oldest = it;
            }
        }
        addresses_.erase(oldest);
    }

    const VncOptions& options_;
    std::mutex mutex_;
    std::map<std::string, Address> addresses_;
};

}  // namespace

struct VncSink::Server {
    VncOptions options;
    ShadowFramebuffer& framebuffer;
    ClientsChanged on_clients_changed;
    std::atomic<std::uint32_t> clients{0};
    // libvncserver keeps pointers to these for the server's life.
    // Every desktop name given, each kept for the server's life: a client
    // thread may read the previous one while the name changes.
    std::set<std::string> desktop_names;
    std::string password;
    std::vector<char*> password_list;
    // Clients whose gone hook has not finished yet: see stop().
    std::mutex departures_mutex;
    std::condition_variable departures_done;
    std::uint32_t departing = 0;
    AuthFailures auth_failures{options};
    // Sockets being adopted whose viewer is elsewhere (see adopt_client).
    std::mutex adopting_mutex;
    std::map<int, std::string> adopting;
    std::unique_ptr<rfbScreenInfo, ScreenDeleter> screen;

    Server(VncOptions opts, ShadowFramebuffer& fb, ClientsChanged callback)
        : options(std::move(opts)), framebuffer(fb), on_clients_changed(std::move(callback)) {}
    ~Server() { stop(); }

    static Server& of(rfbClientPtr cl) { return *static_cast<Server*>(cl->screen->screenData); }

    // libvncserver 0.9.14 never frees a WebSocket client's context (45 KB
    // a browser connection; fixed upstream in 2023): its gone hook is the
    // last moment it exists and nothing reads it any more.
    static void forget_websocket(rfbClientPtr cl) {
        std::free(cl->wsctx);
        cl->wsctx = nullptr;
    }

    static void client_gone(rfbClientPtr cl) {
        forget_websocket(cl);
        Server& self = of(cl);
        {
            const std::lock_guard lock(self.departures_mutex);
            ++self.departing;
        }
        const std::uint32_t now = --self.clients;
        log(LogLevel::info, component) << "client " << cl->host << " disconnected (" << now
                                       << (now == 1 ? " client)" : " clients)");
        if (self.on_clients_changed) {
            self.on_clients_changed(now);
        }
        const std::lock_guard lock(self.departures_mutex);
        --self.departing;
        self.departures_done.notify_all();
    }

    // rfbShutdownServer joins the threads of the clients still listed, but
    // not one that was already leaving on its own (a viewer that hung up
    // just before): that thread may still be inside client_gone, calling
    // on_clients_changed into an owner about to be destroyed. So wait until
    // every client that arrived has finished leaving before anything of ours
    // (or the screen) goes away; bounded, as a stuck client must not hang
    // the service's exit.
    void stop() {
        if (!screen) {
            return;
        }
        rfbShutdownServer(screen.get(), TRUE);
        {
            std::unique_lock lock(departures_mutex);
            const bool all_gone = departures_done.wait_for(lock, std::chrono::seconds{5}, [this] {
                return clients.load() == 0 && departing == 0;
            });
            if (!all_gone) {
                log(LogLevel::warn, component)
                    << clients.load() << " VNC client(s) did not finish disconnecting in 5 s";
            }
        }
        rfbScreenCleanup(screen.release());
    }

    // A relayed viewer is known by the address the relay names, so that
    // its failed authentications count against it, not against the relay.
    void name_adopted(rfbClientPtr cl) {
        const std::lock_guard lock(adopting_mutex);
        const auto it = adopting.find(cl->sock);
        if (it != adopting.end()) {
            std::free(cl->host);
            cl->host = strdup(it->second.c_str());
        }
    }

    // Takes a place for a new client; false when all are taken.
    bool take_place() {
        std::uint32_t now = clients.load();
        do {
            if (now >= options.max_clients) {
                return false;
            }
        } while (!clients.compare_exchange_weak(now, now + 1));
        return true;
    }

    static rfbNewClientAction client_arrived(rfbClientPtr cl) {
        Server& self = of(cl);
        // libvncserver 0.9.14 frees a WebSocket client's request path in
        // rfbCloseClient without forgetting it, and closes a client that
        // is still leaving again at shutdown: a double free (seen under
        // ASan). Nothing reads the path after the handshake.
        std::free(cl->wspath);
        cl->wspath = nullptr;
        self.name_adopted(cl);
        if (self.auth_failures.blocked(cl->host)) {
            log(LogLevel::debug, component)
                << "refusing client " << cl->host << ": too many failed authentications";
            send_refusal(cl, "too many failed authentications from this address; try later");
            cl->clientGoneHook = forget_websocket;
            return RFB_CLIENT_REFUSE;
        }
        if (!self.take_place()) {
            log(LogLevel::warn, component) << "refusing client " << cl->host << ": already "
                                           << self.options.max_clients << " clients";
            send_refusal(cl, "too many clients (" + std::to_string(self.options.max_clients) +
                                 "); try later");
            cl->clientGoneHook = forget_websocket;
            return RFB_CLIENT_REFUSE;
        }
        cl->clientGoneHook = client_gone;
        const std::uint32_t now = self.clients.load();
        log(LogLevel::info, component) << "client " << cl->host << " connected (" << now
                                       << (now == 1 ? " client)" : " clients)");
        if (self.on_clients_changed) {
            self.on_clients_changed(now);
        }
        return RFB_CLIENT_ACCEPT;
    }

    // libvncserver's check against the password, refused outright while
    // the address is blocked (no guess is tested then).
    static rfbBool check_password(rfbClientPtr cl, const char* response, int length) {
        Server& self = of(cl);
        if (self.auth_failures.blocked(cl->host)) {
            return FALSE;
        }
        if (rfbCheckPasswordByList(cl, response, length)) {
            self.auth_failures.succeeded(cl->host);
            return TRUE;
        }
        if (self.auth_failures.failed(cl->host)) {
            log(LogLevel::warn, component)
                << "refusing VNC clients from " << cl->host << " for "
                << self.options.auth_block.count() << " s after " << self.options.auth_failure_limit
                << " failed authentications in " << self.options.auth_failure_window.count()
                << " s";
        }
        return FALSE;
    }

    void describe_pixels(rfbScreenInfo* s) const {
        // XRGB8888 in memory order B, G, R, X: red in bits 16..23.
        s->serverFormat.redShift = 16;
        s->serverFormat.greenShift = 8;
        s->serverFormat.blueShift = 0;
        s->serverFormat.redMax = s->serverFormat.greenMax = s->serverFormat.blueMax = 255;
        s->paddedWidthInBytes = static_cast<int>(framebuffer.stride());
    }

    void start() {
        const ListenAddress& addr = options.address;
        if (!addr.is_loopback() && !options.password) {
            throw Error("refusing to serve VNC on " + addr.to_string() +
                        " without a password: anyone who can reach that address would see the "
                        "guest's screen. Listen on loopback (e.g. --vnc 127.0.0.1:" +
                        std::to_string(addr.port) + ") or give --vnc-password-file");
        }
        rfbLog = library_log;
        rfbErr = library_error;

        int argc = 0;
        screen.reset(rfbGetScreen(&argc, nullptr, static_cast<int>(framebuffer.width()),
                                  static_cast<int>(framebuffer.height()), 8, 3, 4));
        if (!screen) {
            throw Error("libvncserver could not create a screen for " + addr.to_string());
        }
        rfbScreenInfo* s = screen.get();
        s->screenData = this;
        s->frameBuffer = reinterpret_cast<char*>(framebuffer.pixels());
        describe_pixels(s);
        s->desktopName = desktop_names.insert(options.desktop_name).first->c_str();
        s->alwaysShared = TRUE;
        s->newClientHook = client_arrived;
        s->ptrAddEvent = ignore_pointer;
        s->kbdAddEvent = ignore_key;
        s->cursor = nullptr;
        s->autoPort = FALSE;
        // Without this libvncserver also listens on every IPv6 address.
        if (addr.ipv6) {
            s->port = 0;
            s->ipv6port = addr.port;
            s->listen6Interface = options.address.host.data();
        } else {
            s->port = addr.port;
            s->ipv6port = 0;
            if (::inet_pton(AF_INET, addr.host.c_str(), &s->listenInterface) != 1) {
                throw Error("bad IPv4 address " + addr.host);
            }
        }
        if (options.password) {
            password = *options.password;
            password_list = {password.data(), nullptr};
            s->authPasswdData = password_list.data();
            s->passwordCheck = check_password;
        }

        errno = 0;
        rfbInitServer(s);
        const bool listening =
            addr.ipv6 ? s->listen6Sock != RFB_INVALID_SOCKET : s->listenSock != RFB_INVALID_SOCKET;
        if (!listening) {
            const int err = errno != 0 ? errno : EADDRINUSE;
            throw Error("cannot listen for VNC on " + addr.to_string() + ": " + std::strerror(err));
        }
        // The listener thread's select() timeout: its only idle wake-up.
        rfbRunEventLoop(s, 999'999, TRUE);
        log(LogLevel::info, component)
            << "serving " << framebuffer.width() << 'x' << framebuffer.height() << " on "
            << addr.to_string() << (options.password ? " with VNC authentication" : "");
    }

    template <typename F>
    void for_each_client(F&& f) {
        rfbClientIteratorPtr it = rfbGetClientIterator(screen.get());
        while (rfbClientPtr cl = rfbClientIteratorNext(it)) {
            f(cl);
        }
        rfbReleaseClientIterator(it);
    }

    // Wakes every client's sender without adding pixels, so a cursor change
    // goes out even when nothing else does.
    void kick_senders() {
        sraRegionPtr nothing = sraRgnCreate();
        rfbMarkRegionAsModified(screen.get(), nothing);
        sraRgnDestroy(nothing);
    }
};

VncSink::VncSink(VncOptions options, ShadowFramebuffer& framebuffer,
                 ClientsChanged on_clients_changed)
    : server_(std::make_unique<Server>(std::move(options), framebuffer,
                                       std::move(on_clients_changed))) {
    server_->start();
}

VncSink::~VncSink() = default;

std::uint32_t VncSink::client_count() const {
    return server_->clients.load();
}

const ListenAddress& VncSink::address() const {
    return server_->options.address;
}

void VncSink::resize_framebuffer(const std::function<void()>& resize) {
    ShadowFramebuffer& fb = server_->framebuffer;
    rfbScreenInfo* s = server_->screen.get();
    // rfbNewFramebuffer swaps the pixels under every sender's lock, but the
    // shadow's old pixels are gone by then, and a sender may be encoding
    // from them (a SIGSEGV the guest-abuse test hit). So senders first move
    // to a copy of the old picture, which lives until the swap is done.
    const std::size_t bytes = std::size_t{fb.stride()} * fb.height();
    std::vector<char> stand_in(s->frameBuffer, s->frameBuffer + bytes);
    std::vector<rfbClientPtr> held;
    rfbClientIteratorPtr it = rfbGetClientIterator(s);
    while (rfbClientPtr cl = rfbClientIteratorNext(it)) {
        rfbIncrClientRef(cl);  // not freed while its lock is held
        LOCK(cl->sendMutex);
        held.push_back(cl);
    }
    rfbReleaseClientIterator(it);
    LOCK(s->cursorMutex);  // the cursor may be drawn into the pixels
    s->frameBuffer = stand_in.data();
    UNLOCK(s->cursorMutex);
    for (rfbClientPtr cl : held) {
        UNLOCK(cl->sendMutex);
        rfbDecrClientRef(cl);
    }
    resize();
    rfbNewFramebuffer(s, reinterpret_cast<char*>(fb.pixels()), static_cast<int>(fb.width()),
                      static_cast<int>(fb.height()), 8, 3, 4);
    server_->describe_pixels(s);
    log(LogLevel::info, component) << "desktop resized to " << fb.width() << 'x' << fb.height();
}

void VncSink::damaged(std::span<const Rect> rects) {
    for (const Rect& r : rects) {
        if (!r.empty()) {
            rfbMarkRectAsModified(server_->screen.get(), r.x, r.y, r.right(), r.bottom());
        }
    }
}

void VncSink::adopt_client(UniqueFd socket, const std::string& peer) {
    const int fd = socket.get();
    if (!peer.empty()) {
        const std::lock_guard lock(server_->adopting_mutex);
        server_->adopting[fd] = peer;
    }
    // What libvncserver's own listener thread does with a socket it accepted.
    // On failure rfbNewClient closes the socket and logs why.
    rfbClientPtr cl = rfbNewClient(server_->screen.get(), socket.release());
    if (!peer.empty()) {
        const std::lock_guard lock(server_->adopting_mutex);
        server_->adopting.erase(fd);
    }
    if (cl != nullptr && !cl->onHold) {
        rfbStartOnHoldClient(cl);
    }
}

void VncSink::set_desktop_name(const std::string& name) {
    const char* kept = server_->desktop_names.insert(name).first->c_str();
    // Client threads read the pointer when they greet a viewer.
    __atomic_store_n(&server_->screen->desktopName, kept, __ATOMIC_RELEASE);
}

void VncSink::set_cursor(const CursorImage* cursor) {
    rfbCursorPtr shape = nullptr;
    if (cursor != nullptr && cursor->width > 0 && cursor->height > 0) {
        const std::size_t pixels = std::size_t{cursor->width} * cursor->height;
        const std::size_t mask_row = (cursor->width + 7) / 8;
        shape = malloc_array<rfbCursor>(1);
        shape->width = static_cast<unsigned short>(cursor->width);
        shape->height = static_cast<unsigned short>(cursor->height);
        shape->xhot = static_cast<unsigned short>(cursor->hot_x);
        shape->yhot = static_cast<unsigned short>(cursor->hot_y);
        shape->richSource = malloc_array<unsigned char>(pixels * 4);
        shape->alphaSource = malloc_array<unsigned char>(pixels);
        shape->mask = malloc_array<unsigned char>(mask_row * cursor->height);
        shape->alphaPreMultiplied = TRUE;
        shape->cleanup = shape->cleanupRichSource = shape->cleanupMask = TRUE;
        shape->cleanupSource = TRUE;
        // The RFB cursor is opaque pixels under a 1-bit mask; the alpha is
        // kept for clients that get the cursor drawn in by the server.
        for (std::uint32_t y = 0; y < cursor->height; ++y) {
            for (std::uint32_t x = 0; x < cursor->width; ++x) {
                const std::size_t i = std::size_t{y} * cursor->width + x;
                const std::uint32_t argb = cursor->argb[i];
                const auto alpha = static_cast<unsigned char>(argb >> 24);
                std::memcpy(shape->richSource + i * 4, &argb, 4);
                shape->alphaSource[i] = alpha;
                if (alpha >= 0x80) {
                    shape->mask[y * mask_row + x / 8] |=
                        static_cast<unsigned char>(0x80 >> (x % 8));
                }
            }
        }
    }
    rfbSetCursor(server_->screen.get(), shape);
    server_->kick_senders();
}

void VncSink::move_cursor(std::int32_t x, std::int32_t y) {
    rfbScreenInfo* s = server_->screen.get();
    LOCK(s->cursorMutex);
    s->cursorX = x;
    s->cursorY = y;
    UNLOCK(s->cursorMutex);
    server_->for_each_client([](rfbClientPtr cl) { cl->cursorWasMoved = TRUE; });
    server_->kick_senders();
}

}  // namespace fbx
