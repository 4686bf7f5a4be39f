#include "vnc_test_client.hpp"

#include <rfb/rfbclient.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

namespace fbx::test {
namespace {
int tag;  // address used as libvncclient's client-data key
}

VncTestClient& VncTestClient::of(rfbClient* c) {
    return *static_cast<VncTestClient*>(rfbClientGetClientData(c, &tag));
}

std::optional<VncTestClient> VncTestClient::connect(std::uint16_t port, std::string* error,
                                                    std::optional<std::string> password,
                                                    bool remote_cursor, const char* encodings) {
    rfbEnableClientLogging = FALSE;
    VncTestClient result;
    rfbClient* c = rfbGetClient(8, 3, 4);
    // XRGB8888, as the service keeps its framebuffer.
    c->format.redShift = 16;
    c->format.greenShift = 8;
    c->format.blueShift = 0;
    c->appData.encodingsString = encodings;  // lossless only
    c->appData.enableJPEG = FALSE;
    c->appData.useRemoteCursor = remote_cursor ? TRUE : FALSE;
    std::free(c->serverHost);  // rfbGetClient's own empty default
    c->serverHost = strdup("127.0.0.1");
    c->serverPort = port;
    c->GotFrameBufferUpdate = on_rect;
    c->FinishedFrameBufferUpdate = on_update_done;
    c->GotCursorShape = on_cursor;
    c->HandleCursorPos = on_pointer;
    if (password) {
        result.password_ = *password;
        c->GetPassword = on_password;
    }
    result.client_ = c;
    // rfbInitClient frees the client when it fails.
    int argc = 0;
    rfbClientSetClientData(c, &tag, &result);
    if (!rfbInitClient(c, &argc, nullptr)) {
        result.client_ = nullptr;
        if (error) {
            *error = "rfbInitClient failed for 127.0.0.1:" + std::to_string(port);
        }
        return std::nullopt;
    }
    return std::optional<VncTestClient>(std::move(result));
}

VncTestClient::VncTestClient(VncTestClient&& other) noexcept
    : client_(std::exchange(other.client_, nullptr)),
      password_(std::move(other.password_)),
      updates_(other.updates_),
      rects_(std::move(other.rects_)),
      cursor_(std::move(other.cursor_)),
      pointer_(other.pointer_),
      last_update_(other.last_update_) {
    if (client_) {
        rfbClientSetClientData(client_, &tag, this);
    }
}

VncTestClient::~VncTestClient() {
    if (client_) {
        // libvncclient allocates these but rfbClientCleanup does not free
        // them (LeakSanitizer finds them in the ASan VM runs).
        std::free(client_->frameBuffer);
        client_->frameBuffer = nullptr;
        std::free(client_->rcSource);
        client_->rcSource = nullptr;
        std::free(client_->rcMask);
        client_->rcMask = nullptr;
        rfbClientCleanup(client_);
    }
}

void VncTestClient::on_rect(rfbClient* c, int x, int y, int w, int h) {
    of(c).rects_.push_back({x, y, w, h});
}

void VncTestClient::on_update_done(rfbClient* c) {
    VncTestClient& self = of(c);
    ++self.updates_;
    self.last_update_ = std::chrono::steady_clock::now();
}

rfbBool VncTestClient::on_pointer(rfbClient* c, int x, int y) {
    of(c).pointer_ = std::pair{x, y};
    return TRUE;
}

char* VncTestClient::on_password(rfbClient* c) {
    return strdup(of(c).password_.c_str());
}

void VncTestClient::on_cursor(rfbClient* c, int xhot, int yhot, int w, int h, int bpp) {
    VncTestClient& self = of(c);
    Cursor cur;
    cur.width = w;
    cur.height = h;
    cur.hot_x = xhot;
    cur.hot_y = yhot;
    const std::size_t n = std::size_t(w) * h;
    cur.pixels.resize(n);
    cur.mask.assign(c->rcMask, c->rcMask + n);
    if (bpp == 4) {
        std::memcpy(cur.pixels.data(), c->rcSource, n * 4);
    }
    self.cursor_ = std::move(cur);
}

bool VncTestClient::pump(std::chrono::milliseconds duration) {
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
        const int ready = WaitForMessage(client_, 20'000);
        if (ready < 0) {
            return false;
        }
        if (ready > 0 && !HandleRFBServerMessage(client_)) {
            return false;
        }
    }
    return true;
}

bool VncTestClient::pump_until_quiet(std::chrono::milliseconds quiet,
                                     std::chrono::milliseconds timeout) {
    const auto start = std::chrono::steady_clock::now();
    last_update_ = start;
    while (std::chrono::steady_clock::now() - start < timeout) {
        if (!pump(std::chrono::milliseconds{20})) {
            return false;
        }
        if (std::chrono::steady_clock::now() - last_update_ >= quiet) {
            return true;
        }
    }
    return false;
}

std::string VncTestClient::desktop_name() const {
    return client_->desktopName != nullptr ? client_->desktopName : "";
}

int VncTestClient::width() const {
    return client_->width;
}
int VncTestClient::height() const {
    return client_->height;
}

std::uint32_t VncTestClient::pixel(int x, int y) const {
    const auto* fb = reinterpret_cast<const std::uint32_t*>(client_->frameBuffer);
    return fb[std::size_t(y) * client_->width + x] & 0x00ffffffu;
}

}  // namespace fbx::test
