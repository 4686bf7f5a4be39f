#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fbexport/rect.hpp"

struct _rfbClient;

namespace fbx::test {

// A real RFB client (libvncclient) that keeps the remote framebuffer as
// XRGB8888 and records what arrives: updates, their rectangles, the cursor.
class VncTestClient {
public:
    struct Cursor {
        int width = 0, height = 0, hot_x = 0, hot_y = 0;
        std::vector<std::uint32_t> pixels;  // XRGB8888
        std::vector<std::uint8_t> mask;     // 1 where the cursor is opaque
    };

    // Connects and completes the handshake; lossless encodings only
    // (`encodings` in preference order: measurements ask for "raw", which
    // costs the server least on loopback).
    // Returns nothing (and `error` says why) when the connection fails.
    static std::optional<VncTestClient> connect(std::uint16_t port, std::string* error = nullptr,
                                                std::optional<std::string> password = {},
                                                bool remote_cursor = true,
                                                const char* encodings = "zrle hextile raw");
    VncTestClient(VncTestClient&& other) noexcept;
    VncTestClient& operator=(VncTestClient&&) = delete;
    ~VncTestClient();

    // Handles server messages for `duration`; false if the connection broke.
    bool pump(std::chrono::milliseconds duration);
    // Pumps until no update arrived for `quiet`, or `timeout` passed; true on quiet.
    bool pump_until_quiet(std::chrono::milliseconds quiet, std::chrono::milliseconds timeout);

    // The name the server gave the desktop when we connected.
    std::string desktop_name() const;
    int width() const;
    int height() const;
    std::uint32_t pixel(int x, int y) const;  // XRGB8888, X byte cleared

    std::uint64_t updates() const { return updates_; }
    const std::vector<Rect>& rects() const { return rects_; }  // every rectangle received
    void clear_rects() { rects_.clear(); }
    const std::optional<Cursor>& cursor() const { return cursor_; }
    std::optional<std::pair<int, int>> pointer() const { return pointer_; }

private:
    VncTestClient() = default;
    static void on_rect(_rfbClient* c, int x, int y, int w, int h);
    static void on_update_done(_rfbClient* c);
    static void on_cursor(_rfbClient* c, int xhot, int yhot, int w, int h, int bpp);
    static char* on_password(_rfbClient* c);
    static std::int8_t on_pointer(_rfbClient* c, int x, int y);  // rfbBool
    static VncTestClient& of(_rfbClient* c);

    _rfbClient* client_ = nullptr;
    std::string password_;
    std::uint64_t updates_ = 0;
    std::vector<Rect> rects_;
    std::optional<Cursor> cursor_;
    std::optional<std::pair<int, int>> pointer_;
    std::chrono::steady_clock::time_point last_update_;
};

}  // namespace fbx::test
