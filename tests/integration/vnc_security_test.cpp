// fbexportd's limits on the network side, against real clients: the viewer
// beyond --vnc-max-clients gets RFB's own refusal (3.8 and 3.3 forms), an
// address that fails VNC authentication too often is refused for a while
// (logged once, even the right password is refused meanwhile), and no
// secret (VNC password, RTSP credentials, a wrong guess) reaches the log at
// debug level.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fbexport/unique_fd.hpp"
#include "service_process.hpp"
#include "vnc_test_client.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class VncSecurity : public ::testing::Test {
protected:
    void TearDown() override {
        if (service_) {
            EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
        }
        fs::remove_all(dir_);
    }

    void start(std::vector<std::string> extra) {
        std::vector<std::string> argv{program("fbexportd"),
                                      "--source",
                                      "demo",
                                      "--demo-size",
                                      "160x100",
                                      "--demo-stop-at",
                                      "0",
                                      "--vnc",
                                      "127.0.0.1:" + std::to_string(port_)};
        argv.insert(argv.end(), extra.begin(), extra.end());
        service_ = std::make_unique<ChildProcess>(argv);
        ASSERT_TRUE(service_->wait_for_log("ready", 20s)) << service_->log();
    }

    std::string secret_file(const std::string& name, const std::string& line) {
        const fs::path path = dir_ / name;
        std::ofstream(path) << line << "\n";
        ::chmod(path.c_str(), 0600);
        return path;
    }

    fs::path dir_ = [] {
        char templ[] = "/tmp/fbexport-security-XXXXXX";
        return fs::path(::mkdtemp(templ));
    }();
    std::uint16_t port_ = free_loopback_port();
    std::unique_ptr<ChildProcess> service_;
};

// A raw RFB peer: reads exactly, with a timeout.
class RawPeer {
public:
    explicit RawPeer(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    bool connected() const { return connected_; }

    std::string read(std::size_t n, std::chrono::milliseconds timeout = 5s) {
        std::string data;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (data.size() < n) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd_.get(), POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, int(left.count())) <= 0) {
                break;
            }
            char buffer[512];
            const ssize_t got =
                ::recv(fd_.get(), buffer, std::min(n - data.size(), sizeof buffer), 0);
            if (got <= 0) {
                break;
            }
            data.append(buffer, std::size_t(got));
        }
        return data;
    }
    void write(std::string_view data) {
        ASSERT_EQ(::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL), ssize_t(data.size()));
    }
    // The reason of a refusal: a big-endian length, then the text.
    std::string reason() {
        const std::string length = read(4);
        if (length.size() != 4) {
            return "<no reason>";
        }
        std::uint32_t n;
        std::memcpy(&n, length.data(), 4);
        return read(ntohl(n));
    }

private:
    UniqueFd fd_;
    bool connected_ = false;
};

TEST_F(VncSecurity, TheViewerBeyondTheLimitGetsRfbsRefusal) {
    start({"--vnc-max-clients", "2"});
    auto first = VncTestClient::connect(port_);
    auto second = VncTestClient::connect(port_);
    ASSERT_TRUE(first && second) << service_->log();

    RawPeer v38(port_);
    ASSERT_TRUE(v38.connected());
    EXPECT_EQ(v38.read(12), "RFB 003.008\n");
    v38.write("RFB 003.008\n");
    EXPECT_EQ(v38.read(1), std::string(1, '\0')) << "3.8: no security types";
    EXPECT_EQ(v38.reason(), "too many clients (2); try later");

    RawPeer v33(port_);
    ASSERT_TRUE(v33.connected());
    EXPECT_EQ(v33.read(12), "RFB 003.008\n");
    v33.write("RFB 003.003\n");
    EXPECT_EQ(v33.read(4), std::string(4, '\0')) << "3.3: security type 0, failed";
    EXPECT_EQ(v33.reason(), "too many clients (2); try later");

    // libvncclient sees the refusal as a failed connection, and the two
    // viewers it did not displace still get pictures.
    std::string error;
    EXPECT_FALSE(VncTestClient::connect(port_, &error));
    EXPECT_TRUE(first->pump_until_quiet(200ms, 5s));
    EXPECT_TRUE(second->pump_until_quiet(200ms, 5s));

    // A place that frees up is taken again.
    first.reset();
    auto third = [this]() -> std::optional<VncTestClient> {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        for (;;) {
            if (auto client = VncTestClient::connect(port_)) {
                return client;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                return std::nullopt;
            }
            std::this_thread::sleep_for(100ms);
        }
    }();
    ASSERT_TRUE(third) << service_->log();
    EXPECT_TRUE(third->pump_until_quiet(200ms, 5s));
    EXPECT_EQ(third->width(), 160);
    EXPECT_NE(service_->log().find("refusing client 127.0.0.1: already 2 clients"),
              std::string::npos)
        << service_->log();
}

TEST_F(VncSecurity, AnAddressThatKeepsGuessingIsRefusedForAWhile) {
    const std::string password = "gu3ssM3!";
    start({"--vnc-password-file", secret_file("vnc", password), "--vnc-auth-failures", "3/60",
           "--vnc-auth-block", "3", "--log-level", "debug"});
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(
            VncTestClient::connect(port_, nullptr, std::string("guess") + std::to_string(i)));
    }
    const auto blocked_at = std::chrono::steady_clock::now();
    // Blocked: refused at once with a reason, even with the right password.
    RawPeer peer(port_);
    EXPECT_EQ(peer.read(12), "RFB 003.008\n");
    peer.write("RFB 003.008\n");
    EXPECT_EQ(peer.read(1), std::string(1, '\0'));
    EXPECT_EQ(peer.reason(), "too many failed authentications from this address; try later");
    EXPECT_FALSE(VncTestClient::connect(port_, nullptr, password))
        << "the right password got in while blocked";
    EXPECT_FALSE(VncTestClient::connect(port_, nullptr, std::string("guess9")));

    // Then it is over, and the right password works again.
    std::this_thread::sleep_until(blocked_at + 3500ms);
    auto good = VncTestClient::connect(port_, nullptr, password);
    ASSERT_TRUE(good) << service_->log();
    EXPECT_TRUE(good->pump_until_quiet(200ms, 5s));

    const std::string log = service_->log();
    const std::string once =
        "refusing VNC clients from 127.0.0.1 for 3 s after 3 failed authentications in 60 s";
    const auto first = log.find(once);
    EXPECT_NE(first, std::string::npos) << log;
    EXPECT_EQ(log.find(once, first + 1), std::string::npos) << "logged more than once:\n" << log;
    EXPECT_EQ(log.find(password), std::string::npos) << "the password is in the log";
}

TEST_F(VncSecurity, NoSecretReachesTheDebugLog) {
    const std::string vnc_password = "vncS3cr3t";
    const std::string rtsp_password = "rtspS3cr3t";
    const std::uint16_t rtsp = free_loopback_port();
    start({"--vnc-password-file", secret_file("vnc", vnc_password), "--rtsp",
           "127.0.0.1:" + std::to_string(rtsp), "--rtsp-credentials-file",
           secret_file("rtsp", "viewer:" + rtsp_password), "--log-level", "debug"});
    // Every path a secret takes: the right password, a wrong one, and RTSP
    // requests carrying credentials (Basic: the secret itself on the wire).
    {
        auto good = VncTestClient::connect(port_, nullptr, vnc_password);
        ASSERT_TRUE(good) << service_->log();
        EXPECT_TRUE(good->pump_until_quiet(200ms, 5s));
    }
    const std::string wrong = "wr0ngGuess";
    EXPECT_FALSE(VncTestClient::connect(port_, nullptr, wrong));
    const std::string basic = "dmlld2VyOnJ0c3BTM2NyM3Q=";  // base64("viewer:rtspS3cr3t")
    for (const std::string& authorization :
         {"Basic " + basic, std::string("Digest username=\"viewer\", realm=\"fbexport\", "
                                        "nonce=\"0\", uri=\"/desktop\", response=\"0\"")}) {
        RawPeer peer(rtsp);
        ASSERT_TRUE(peer.connected());
        peer.write("DESCRIBE rtsp://127.0.0.1:" + std::to_string(rtsp) +
                   "/desktop RTSP/1.0\r\nCSeq: 1\r\nAuthorization: " + authorization + "\r\n\r\n");
        const std::string answer = peer.read(12);
        EXPECT_EQ(answer, "RTSP/1.0 401") << "credentials on the wire were accepted";
    }
    EXPECT_EQ(service_->stop(SIGTERM), 0);
    const std::string log = service_->log();
    service_.reset();
    EXPECT_NE(log.find("Z debug "), std::string::npos) << "not a debug-level log:\n" << log;
    for (const std::string& secret : {vnc_password, rtsp_password, wrong, basic}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << secret << " is in the log:\n" << log;
    }
}

}  // namespace
}  // namespace fbx::test
