// fbexportd --http as a black box over plain sockets: noVNC's files with the
// types browsers insist on, nothing outside its folder, a WebSocket request
// on the same port answered by libvncserver (handshake, then RFB), and the
// loopback-or-password rule.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "service_process.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

// Sends `request` to 127.0.0.1:port and returns what comes back within
// `timeout` (until the server closes, or `until` has come).
std::string talk(std::uint16_t port, const std::string& request,
                 std::chrono::milliseconds timeout = 3000ms, const std::string& until = "") {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(s);
        return "";
    }
    const timeval tv{0, 200'000};
    ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::send(s, request.data(), request.size(), MSG_NOSIGNAL);
    std::string reply;
    const auto end = std::chrono::steady_clock::now() + timeout;
    char chunk[65536];
    while (std::chrono::steady_clock::now() < end &&
           (until.empty() || reply.find(until) == std::string::npos)) {
        const ssize_t n = ::recv(s, chunk, sizeof chunk, 0);
        if (n == 0) {
            break;
        }
        if (n > 0) {
            reply.append(chunk, std::size_t(n));
        }
    }
    ::close(s);
    return reply;
}

struct HttpService {
    std::uint16_t http = free_loopback_port();
    ChildProcess process;
    HttpService()
        : process({program("fbexportd"), "--demo-size", "320x200", "--vnc",
                   "127.0.0.1:" + std::to_string(free_loopback_port()), "--http",
                   "127.0.0.1:" + std::to_string(http)}) {
        EXPECT_TRUE(process.wait_for_log("ready", 10s)) << process.log();
    }
};

TEST(HttpService, PrintsOneUrlAndServesNoVncWithItsTypes) {
    HttpService service;
    const std::string url =
        "open http://127.0.0.1:" + std::to_string(service.http) + "/vnc.html?autoconnect=true";
    EXPECT_NE(service.process.log().find(url), std::string::npos) << service.process.log();

    const std::string page = talk(service.http,
                                  "GET /vnc.html?autoconnect=true HTTP/1.1\r\n"
                                  "Host: x\r\n\r\n");
    EXPECT_EQ(page.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << page.substr(0, 200);
    EXPECT_NE(page.find("Content-Type: text/html"), std::string::npos);
    EXPECT_NE(page.find("<title>noVNC</title>"), std::string::npos);

    const std::string script = talk(service.http, "GET /app/ui.js HTTP/1.1\r\n\r\n");
    EXPECT_NE(script.find("Content-Type: text/javascript"), std::string::npos)
        << script.substr(0, 200);

    // A request split in two (slow client) is still answered.
    const std::string split = talk(service.http, "GET /vnc.html HTTP/1.1\r\nHo", 500ms);
    EXPECT_EQ(split, "") << "no answer before the head is complete";

    for (const char* bad : {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/nothing.js"}) {
        const std::string reply =
            talk(service.http, std::string("GET ") + bad + " HTTP/1.1\r\n\r\n");
        EXPECT_EQ(reply.rfind("HTTP/1.1 404", 0), 0u) << bad << ": " << reply.substr(0, 100);
    }
    EXPECT_EQ(talk(service.http, "POST /vnc.html HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0), 0u);
    EXPECT_EQ(service.process.stop(SIGTERM), 0) << service.process.log();
}

TEST(HttpService, WebSocketOnTheSamePortSpeaksRfb) {
    HttpService service;
    const std::string reply = talk(service.http,
                                   "GET /websockify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                   "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                   "Origin: http://127.0.0.1\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                   "Sec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Protocol: binary\r\n\r\n",
                                   3000ms, "RFB 003.008");
    EXPECT_EQ(reply.rfind("HTTP/1.1 101", 0), 0u) << reply;
    // RFC 6455's example key has this accept value.
    EXPECT_NE(reply.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos) << reply;
    // Then the RFB greeting, in a binary WebSocket frame.
    EXPECT_NE(reply.find("RFB 003.008"), std::string::npos) << reply;
    EXPECT_TRUE(service.process.wait_for_log("client 127.0.0.1 connected", 5s))
        << service.process.log();
    EXPECT_EQ(service.process.stop(SIGTERM), 0) << service.process.log();
}

TEST(HttpService, OffLoopbackWithoutPasswordIsRefused) {
    ChildProcess service({program("fbexportd"), "--demo-size", "320x200", "--vnc",
                          "127.0.0.1:" + std::to_string(free_loopback_port()), "--http",
                          "0.0.0.0:" + std::to_string(free_loopback_port())});
    EXPECT_EQ(service.wait_exit(10s), 1) << service.log();
    EXPECT_NE(service.log().find("refusing to serve the browser viewer on 0.0.0.0"),
              std::string::npos)
        << service.log();
}

TEST(HttpService, BadAddressExits2) {
    ChildProcess service({program("fbexportd"), "--http", "6080"});
    EXPECT_EQ(service.wait_exit(10s), 2) << service.log();
}

}  // namespace
}  // namespace fbx::test
