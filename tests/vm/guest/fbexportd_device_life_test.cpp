// The life of a vGPU under fbexportd, seen through a real RFB client
// (libvncclient): the service starts before the vGPU exists and serves it
// once it is created; removal leaves the service and its client up, showing
// a picture that says the vGPU is absent; re-creation (same UUID) shows the
// guest's pixels again on the same port; two vGPUs are served at once, each
// on its own port with its own content, also when --all-vgpus finds one
// created after the start.
#include <signal.h>

#include <algorithm>
#include <cstdio>

#include "fbexport/placeholder_source.hpp"
#include "guest_screen.hpp"
#include "loopback.hpp"
#include "named_vgpu.hpp"
#include "service_process.hpp"
#include "vgpu_fixture.hpp"
#include "vnc_picture.hpp"
#include "vnc_test_client.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using fbx::test::ChildProcess;
using fbx::test::VncTestClient;

Picture placeholder(const std::string& uuid, std::uint32_t width, std::uint32_t height) {
    return {width, height, fbx::PlaceholderSource::render(width, height, {"VGPU", uuid, "ABSENT"})};
}

std::string desktop_name_seen_by_a_new_client(std::uint16_t port) {
    auto client = VncTestClient::connect(port);
    return client ? client->desktop_name() : "(no connection)";
}

class FbexportdDeviceLife : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_THROW(bring_up_loopback()); }
    void TearDown() override {
        clients_.clear();
        if (service_) {
            EXPECT_EQ(service_->stop(SIGTERM), 0) << service_->log();
        }
    }

    void start(std::vector<std::string> args) {
        args.insert(args.begin(), fbx::test::program("fbexportd"));
        args.insert(args.end(), {"--convert", "cpu"});
        service_ = std::make_unique<ChildProcess>(args);
        ASSERT_TRUE(service_->wait_for_log("ready", 20s)) << service_->log();
    }
    VncTestClient& connect(std::uint16_t port) {
        std::string error;
        auto client = VncTestClient::connect(port, &error);
        if (!client) {
            ADD_FAILURE() << error << "\n" << service_->log();
            throw fbx::Error("no connection");
        }
        clients_.push_back(std::make_unique<VncTestClient>(std::move(*client)));
        return *clients_.back();
    }
    static std::string vnc(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

    std::unique_ptr<ChildProcess> service_;
    std::vector<std::unique_ptr<VncTestClient>> clients_;
};

TEST_F(FbexportdDeviceLife, StartedBeforeTheVgpuExistsItServesItOnceCreated) {
    NamedVgpu vgpu;
    const std::uint16_t port = fbx::test::free_loopback_port();
    start({"--source", "vgpu:" + vgpu.uuid(), "--vnc", vnc(port)});
    EXPECT_NE(service_->log().find("waiting for vGPU " + vgpu.uuid()), std::string::npos)
        << service_->log();
    VncTestClient& client = connect(port);
    EXPECT_EQ(client.desktop_name(), "fbexport vGPU " + vgpu.uuid() + " (absent)");
    expect_vnc_shows_eventually(client, placeholder(vgpu.uuid(), 1024, 768), *service_);

    vgpu.create();
    const Picture drawn = vgpu.show(vgpu::Pattern::noise, 5);
    expect_vnc_shows_eventually(client, drawn, *service_);
    EXPECT_EQ(desktop_name_seen_by_a_new_client(port), "fbexport vGPU " + vgpu.uuid());
}

TEST_F(FbexportdDeviceLife, RemovalShowsItsAbsenceToConnectedClientsAndRecreationIsServedAgain) {
    NamedVgpu vgpu;
    vgpu.create();
    const Picture before = vgpu.show(vgpu::Pattern::bars, 0);
    const std::uint16_t port = fbx::test::free_loopback_port();
    start({"--source", "vgpu:" + vgpu.uuid(), "--vnc", vnc(port)});
    VncTestClient& client = connect(port);
    expect_vnc_shows_eventually(client, before, *service_);

    vgpu.remove();
    // Same size as the guest's last picture: the viewer keeps its window.
    expect_vnc_shows_eventually(client, placeholder(vgpu.uuid(), 640, 400), *service_);
    ASSERT_TRUE(service_->wait_for_log("waiting for vGPU " + vgpu.uuid(), 5s)) << service_->log();
    EXPECT_EQ(::kill(service_->pid(), 0), 0) << "the service died\n" << service_->log();
    EXPECT_EQ(desktop_name_seen_by_a_new_client(port),
              "fbexport vGPU " + vgpu.uuid() + " (absent)");

    vgpu.create();
    const Picture after = vgpu.show(vgpu::Pattern::checker, 2);
    expect_vnc_shows_eventually(client, after, *service_);
    EXPECT_NE(service_->log().find("vGPU " + vgpu.uuid() + " is present"), std::string::npos)
        << service_->log();
}

TEST_F(FbexportdDeviceLife, TwoVgpusAtOnceEachOnItsPortWithItsContent) {
    NamedVgpu a;
    NamedVgpu b;
    a.create();
    b.create();
    const Picture on_a = a.show(vgpu::Pattern::noise, 1);
    const Picture on_b = b.show(vgpu::Pattern::gradient, 0);
    const std::uint16_t port_a = fbx::test::free_loopback_port();
    const std::uint16_t port_b = fbx::test::free_loopback_port();
    start({"--source", "vgpu:" + a.uuid(), "--vnc", vnc(port_a), "--source", "vgpu:" + b.uuid(),
           "--vnc", vnc(port_b)});
    VncTestClient& client_a = connect(port_a);
    VncTestClient& client_b = connect(port_b);
    expect_vnc_shows_eventually(client_a, on_a, *service_);
    expect_vnc_shows_eventually(client_b, on_b, *service_);

    // Removing one leaves the other served as it was.
    b.remove();
    expect_vnc_shows_eventually(client_b, placeholder(b.uuid(), 640, 400), *service_);
    const Picture again = a.show(vgpu::Pattern::checker, 4);
    expect_vnc_shows_eventually(client_a, again, *service_);
}

TEST_F(FbexportdDeviceLife, AllVgpusServesOneCreatedAfterTheStartOnTheNextPort) {
    NamedVgpu first;
    first.create();
    const Picture on_first = first.show(vgpu::Pattern::bars, 3);
    // base and base + 1: never a client's own port, as a port from the
    // ephemeral range could be (seen: the first viewer's end took base + 1)
    const std::uint16_t base = fbx::test::free_loopback_port_run(2);
    start({"--all-vgpus=" + vnc(base)});
    VncTestClient& client_first = connect(base);
    expect_vnc_shows_eventually(client_first, on_first, *service_);

    NamedVgpu second;
    second.create();
    const Picture on_second = second.show(vgpu::Pattern::noise, 9);
    ASSERT_TRUE(service_->wait_for_log("serving vgpu:" + second.uuid(), 10s)) << service_->log();
    VncTestClient& client_second = connect(static_cast<std::uint16_t>(base + 1));
    expect_vnc_shows_eventually(client_second, on_second, *service_);
}

// Not a check but figures, printed as MEASURE lines (output.log): how long
// a connected viewer waits, through fbexportd, from the administrator's
// removal to the absent picture, and from the vGPU's re-creation (plus the
// guest showing a surface) to the guest's pixels; and the service's CPU
// while it waits for an absent vGPU with a viewer connected.
TEST_F(FbexportdDeviceLife, MeasureRemovalAndRecreationAsAViewerSeesThem) {
    NamedVgpu vgpu;
    vgpu.create();
    Picture shown = vgpu.show(vgpu::Pattern::bars, 0);
    const std::uint16_t port = fbx::test::free_loopback_port();
    start({"--source", "vgpu:" + vgpu.uuid(), "--vnc", vnc(port)});
    VncTestClient& client = connect(port);
    expect_vnc_shows_eventually(client, shown, *service_);
    const Picture absent = placeholder(vgpu.uuid(), 640, 400);
    using Clock = std::chrono::steady_clock;
    auto until = [&](const Picture& want) {
        const auto start = Clock::now();
        std::string report;
        while (vnc_mismatches(client, want, report) != 0) {
            if (!client.pump(2ms) || Clock::now() - start > 10s) {
                ADD_FAILURE() << report;
                return -1.0;
            }
        }
        return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    };
    std::vector<double> removal;
    std::vector<double> recreation;
    for (std::uint32_t round = 0; round < 3; ++round) {
        vgpu.remove();
        removal.push_back(until(absent));
        const auto created = Clock::now();
        vgpu.create();
        shown = vgpu.show(vgpu::Pattern::noise, round);
        const double drawn =
            std::chrono::duration<double, std::milli>(Clock::now() - created).count();
        recreation.push_back(drawn + until(shown));
    }
    vgpu.remove();
    until(absent);
    const double before = fbx::test::cpu_seconds(service_->pid());
    ASSERT_TRUE(client.pump(3s));
    const double waiting_us = (fbx::test::cpu_seconds(service_->pid()) - before) / 3.0 * 1e6;
    std::sort(removal.begin(), removal.end());
    std::sort(recreation.begin(), recreation.end());
    std::printf(
        "MEASURE vGPU removal to the viewer holding the absent picture, 640x400: median "
        "%.1f ms, max %.1f ms (3 rounds)\n",
        removal[1], removal[2]);
    std::printf(
        "MEASURE vGPU re-creation (mdev create, guest shows 640x400) to the viewer holding "
        "the guest's pixels: median %.1f ms, max %.1f ms (3 rounds)\n",
        recreation[1], recreation[2]);
    std::printf(
        "MEASURE fbexportd CPU while waiting for an absent vGPU, a viewer connected: "
        "%.1f us/s (3 s)\n",
        waiting_us);
}

}  // namespace
}  // namespace vmtest
