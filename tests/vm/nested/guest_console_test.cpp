// A real guest on the vGPU: the nested guest (L2) boots Debian's kernel with
// vgpu_drm bound to a vgpu_mediator instance that L1's QEMU passes through
// (the mediator's built-in EDID gives it a preferred mode: QEMU publishes
// none without OpenGL). Debian's modetest lists the connector, the kernel's framebuffer
// console draws text, and fbexportd in L1 serves that console to a real VNC
// client; then the driver unbinds and unloads with the mode still set. One
// L2 boot serves the whole suite; the tests run in the order written.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "loopback.hpp"
#include "mdev_instance.hpp"
#include "nested_guest.hpp"
#include "service_process.hpp"
#include "sysfs.hpp"
#include "vgpu_mediator.h"
#include "vnc_test_client.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;
using fbx::test::ChildProcess;
using fbx::test::VncTestClient;

// the built-in EDID's preferred mode (kernel/edid_logic.h), the guest's first
constexpr int edid_width = 1280;
constexpr int edid_height = 800;
// the text l2/console.sh writes: six lines of 69 characters, 8x16 font
constexpr int text_lines = 6;
constexpr int text_columns = 69;
constexpr int cell_width = 8;
constexpr int cell_height = 16;
// L2 under TCG in L1 under TCG, with L1's root over two levels of 9p: its
// console script starts some 300 s of L1 wall time after QEMU
constexpr auto boot_timeout = 600s;

// What a process is doing, for a failure message.
std::string process_state(pid_t pid) {
    std::string text;
    for (const char* file : {"status", "wchan", "stack"}) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
        std::stringstream content;
        content << in.rdbuf();
        text += std::string("--- /proc/pid/") + file + "\n" + content.str() + "\n";
    }
    return text;
}

std::string out_dir() {
    const char* out = std::getenv("VM_OUT");
    return out != nullptr ? out : "/tmp";
}

class NestedConsole : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        instance_ = std::make_unique<vgpu::MdevInstance>(VGPU_MDEV_TYPE_SMALL);
        // a second vGPU announcing an ABI major the driver does not speak
        const std::string abi_major = "/sys/module/vgpu_mediator/parameters/abi_major";
        vgpu::write_sysfs(abi_major, std::to_string(VGPU_VERSION_MAJOR + 1));
        try {
            foreign_ = std::make_unique<vgpu::MdevInstance>(VGPU_MDEV_TYPE_SMALL);
        } catch (...) {
            vgpu::write_sysfs(abi_major, std::to_string(VGPU_VERSION_MAJOR));
            throw;
        }
        vgpu::write_sysfs(abi_major, std::to_string(VGPU_VERSION_MAJOR));
        bring_up_loopback();
        port_ = fbx::test::free_loopback_port();
        service_ = std::make_unique<ChildProcess>(std::vector<std::string>{
            fbx::test::program("fbexportd"), "--source", "vgpu:" + instance_->uuid(), "--vnc",
            "127.0.0.1:" + std::to_string(port_), "--convert", "cpu"});
        if (!service_->wait_for_log("ready", 60s)) {
            setup_error_ = "fbexportd did not get ready:\n" + service_->log();
            return;
        }
        guest_ = std::make_unique<NestedGuest>(
            NestedGuestConfig{nested_script("console.sh"),
                              {instance_->sysfs_path(), foreign_->sysfs_path()},
                              "",
                              out_dir() + "/l2-console-release",
                              {}});
    }
    static void TearDownTestSuite() {
        guest_.reset();
        service_.reset();
        foreign_.reset();
        instance_.reset();
    }
    void SetUp() override {
        ASSERT_TRUE(setup_error_.empty()) << setup_error_;
        ASSERT_TRUE(guest_);
    }

    static std::string diagnostics() {
        return "\n--- L2 console ---\n" + guest_->console() + "\n--- QEMU ---\n" +
               guest_->qemu_log() + "\n--- fbexportd ---\n" + service_->log();
    }

    static inline std::unique_ptr<vgpu::MdevInstance> instance_;
    static inline std::unique_ptr<vgpu::MdevInstance> foreign_;
    static inline std::unique_ptr<ChildProcess> service_;
    static inline std::unique_ptr<NestedGuest> guest_;
    static inline std::uint16_t port_ = 0;
    static inline std::string setup_error_;
};

TEST_F(NestedConsole, DriverBindsTheVgpu) {
    ASSERT_TRUE(guest_->wait_for("l2-end binding", boot_timeout)) << diagnostics();
    const std::string binding = guest_->section("binding");
    EXPECT_NE(binding.find("bound: /sys/bus/pci/drivers/vgpu_drm/0000:00:08.0"), std::string::npos)
        << binding;
    EXPECT_NE(binding.find("card0"), std::string::npos) << binding;
    EXPECT_NE(binding.find("vGPU ABI 1."), std::string::npos) << binding;
}

// The second device (PCI 00:09.0) says ABI major 2: one dev_err line,
// not bound, and the first device unaffected.
TEST_F(NestedConsole, DriverRefusesAnotherAbiMajorCleanly) {
    ASSERT_TRUE(guest_->wait_for("l2-end binding", boot_timeout)) << diagnostics();
    const std::string binding = guest_->section("binding");
    EXPECT_NE(binding.find("vgpu_drm 0000:00:09.0: vGPU ABI major version 2, this driver "
                           "speaks 1: refusing the device"),
              std::string::npos)
        << binding;
    EXPECT_NE(binding.find("devices bound: 1\n"), std::string::npos) << binding;
}

// Text pixels in each written row of character cells, background elsewhere.
std::string console_mismatch(const VncTestClient& client) {
    if (client.width() != edid_width || client.height() != edid_height) {
        return "client has " + std::to_string(client.width()) + "x" +
               std::to_string(client.height());
    }
    const std::uint32_t background = client.pixel(edid_width - 1, edid_height - 1);
    for (int line = 0; line < text_lines; line++) {
        int lit = 0;
        for (int y = line * cell_height; y < (line + 1) * cell_height; y++) {
            for (int x = 0; x < edid_width; x++) {
                const bool text = client.pixel(x, y) != background;
                if (text && x >= text_columns * cell_width) {
                    return "text pixel right of line " + std::to_string(line + 1) + " at " +
                           std::to_string(x) + "," + std::to_string(y);
                }
                lit += text;
            }
        }
        // a character cell of '#' alone lights far more than 10 pixels
        if (lit < text_columns * 10) {
            return "line " + std::to_string(line + 1) + " has only " + std::to_string(lit) +
                   " text pixels";
        }
    }
    for (int y = (text_lines + 1) * cell_height; y < edid_height; y++) {
        for (int x = 0; x < edid_width; x++) {
            if (client.pixel(x, y) != background) {
                return "pixel " + std::to_string(x) + "," + std::to_string(y) +
                       " below the text is not the background";
            }
        }
    }
    return {};
}

TEST_F(NestedConsole, ConsoleTextReachesAVncClientThroughFbexportd) {
    ASSERT_TRUE(guest_->wait_for("l2-console-written", boot_timeout)) << diagnostics();
    std::string error;
    auto client = VncTestClient::connect(port_, &error);
    ASSERT_TRUE(client) << error << "\n" << process_state(service_->pid()) << diagnostics();
    std::string mismatch = "nothing received";
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(client->pump(200ms)) << "the VNC connection broke" << diagnostics();
        mismatch = console_mismatch(*client);
        if (mismatch.empty()) {
            break;
        }
    }
    ASSERT_EQ(mismatch, "") << diagnostics();
    std::cout << "MEASURE nested " << (std::getenv("VM_KERNEL") ? std::getenv("VM_KERNEL") : "?")
              << ": L2 boot to its fbcon text at the VNC client " << guest_->uptime()
              << " s of L1 wall time\n";
}

TEST_F(NestedConsole, ModetestListsTheEdidPreferredModeFirst) {
    ASSERT_TRUE(guest_->wait_for("l2-end modetest", 120s)) << diagnostics();
    const std::string modetest = guest_->section("modetest");
    ASSERT_NE(modetest.find("modetest exit 0"), std::string::npos) << modetest;
    std::istringstream lines(modetest);
    std::string line, connector, first_mode;
    while (std::getline(lines, line)) {
        if (connector.empty() && line.find("\tconnected\t") != std::string::npos) {
            connector = line;
        } else if (!connector.empty() && first_mode.empty() &&
                   line.find("#0 ") != std::string::npos) {
            first_mode = line;
        }
    }
    ASSERT_FALSE(connector.empty()) << "no connected connector:\n" << modetest;
    EXPECT_NE(connector.find("Virtual"), std::string::npos) << connector;
    const std::string size = std::to_string(edid_width) + "x" + std::to_string(edid_height);
    EXPECT_NE(first_mode.find("#0 " + size + " "), std::string::npos)
        << "first mode is not " << size << ":\n"
        << modetest;
    EXPECT_NE(first_mode.find("preferred"), std::string::npos) << first_mode;
    // the EDID is published to userspace as the connector's property
    EXPECT_NE(modetest.find("EDID:"), std::string::npos) << modetest;
}

TEST_F(NestedConsole, DriverUnbindsAndUnloadsCleanly) {
    guest_->release();
    const int status = guest_->wait_exit(180s);
    ASSERT_NE(status, -1) << "L2 did not power off" << diagnostics();
    const std::string unload = guest_->section("unload");
    EXPECT_NE(unload.find("unbind ok"), std::string::npos) << unload;
    EXPECT_NE(unload.find("card0 gone"), std::string::npos) << unload;
    EXPECT_NE(unload.find("rmmod ok"), std::string::npos) << unload;
    EXPECT_NE(unload.find("module gone"), std::string::npos) << unload;
    EXPECT_EQ(guest_->console().find("l2-bad-kernel-line"), std::string::npos) << diagnostics();
    EXPECT_NE(guest_->console().find("l2-init: script exited with status 0"), std::string::npos)
        << diagnostics();
}

}  // namespace
}  // namespace vmtest
