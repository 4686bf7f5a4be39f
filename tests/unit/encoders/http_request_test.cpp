#include "encoders/http_request.hpp"

#include <gtest/gtest.h>

namespace fbx::http {
namespace {

TEST(HttpRequest, ParsesTheRequestLineAndSpotsWebSockets) {
    const auto page = parse_request("GET /vnc.html?autoconnect=true HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->method, "GET");
    EXPECT_EQ(page->target, "/vnc.html?autoconnect=true");
    EXPECT_FALSE(page->websocket);

    const auto ws = parse_request(
        "GET /websockify HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\n"
        "Upgrade: WebSocket\r\nSec-WebSocket-Key: abc\r\n\r\n");
    ASSERT_TRUE(ws);
    EXPECT_TRUE(ws->websocket);
    EXPECT_FALSE(parse_request("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")->websocket);
    EXPECT_FALSE(parse_request("hello\r\n\r\n"));
    EXPECT_FALSE(parse_request("GET / SPDY/3\r\n\r\n"));
}

TEST(HttpRequest, TargetsMapInsideTheRootOnly) {
    EXPECT_EQ(file_for_target("/", "vnc.html"), "vnc.html");
    EXPECT_EQ(file_for_target("/app/ui.js?v=1", "vnc.html"), "app/ui.js");
    EXPECT_EQ(file_for_target("/app/images/icons/novnc%2032x32.png", "i"),
              "app/images/icons/novnc 32x32.png");
    for (const char* bad : {"/../etc/passwd", "/app/../../x", "/%2e%2e/x", "/.hidden", "//x",
                            "/app//x", "/a%00b", "/a\\b", "/~root", "/%zz", "relative", ""}) {
        EXPECT_FALSE(file_for_target(bad, "vnc.html")) << bad;
    }
}

TEST(HttpRequest, ContentTypesBrowsersAccept) {
    EXPECT_EQ(content_type_of("app/ui.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_of("vnc.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_of("app/styles/base.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(content_type_of("x.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_of("README"), "application/octet-stream");
}

}  // namespace
}  // namespace fbx::http
