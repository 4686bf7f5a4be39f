// In-guest tests: the vgpu-guest program (tools/vgpu-guest) against a real
// vGPU: its commands work, and its failures name the device and the reason
// with exit status 1 (device) or 2 (command line).
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

struct CliRun {
    int status = -1;
    std::string output;  // stdout and stderr together
};

CliRun vgpu_guest(const std::string& args) {
    const std::string command = std::string(VGPU_GUEST_BIN) + " " + args + " 2>&1";
    CliRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        run.output = "popen failed: " + errno_text(errno);
        return run;
    }
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof(chunk), pipe)) > 0) {
        run.output.append(chunk, n);
    }
    const int raw = ::pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return run;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(VgpuGuestCli, CreateAndRemove) {
    const CliRun created = vgpu_guest("create --type " VGPU_MDEV_TYPE_SMALL);
    ASSERT_EQ(created.status, 0) << created.output;
    const std::string uuid = created.output.substr(0, created.output.find('\n'));
    ASSERT_EQ(uuid.size(), 36u) << created.output;
    EXPECT_EQ(::access(vgpu::mdev_device_path(uuid).c_str(), F_OK), 0);
    const CliRun removed = vgpu_guest("--device " + uuid + " remove");
    EXPECT_EQ(removed.status, 0) << removed.output;
    EXPECT_NE(::access(vgpu::mdev_device_path(uuid).c_str(), F_OK), 0);
}

TEST(VgpuGuestCli, UsageErrorsExitWith2) {
    EXPECT_EQ(vgpu_guest("--help").status, 0);
    EXPECT_EQ(vgpu_guest("").status, 2);
    EXPECT_EQ(vgpu_guest("info").status, 2) << "no --device";
    const CliRun bad = vgpu_guest("--device x draw --format NV12");
    EXPECT_EQ(bad.status, 2);
    EXPECT_TRUE(contains(bad.output, "NV12")) << bad.output;
}

class VgpuGuestCliDevice : public ::testing::Test {
protected:
    vgpu::MdevInstance instance_{VGPU_MDEV_TYPE_SMALL};
    std::string device_ = "--device " + instance_.uuid() + " ";
};

TEST_F(VgpuGuestCliDevice, Info) {
    const CliRun run = vgpu_guest(device_ + "info");
    ASSERT_EQ(run.status, 0) << run.output;
    EXPECT_TRUE(contains(run.output, "0x55504756")) << run.output;
    EXPECT_TRUE(contains(run.output, "sparse[0x0+0xfff000]")) << run.output;
    EXPECT_TRUE(contains(run.output, "display export (dma-buf): yes")) << run.output;
}

TEST_F(VgpuGuestCliDevice, DrawEveryModifierWithCursor) {
    for (const char* modifier : {"linear", "x-tiled", "y-tiled"}) {
        const CliRun run =
            vgpu_guest(device_ + "draw --format XRGB2101010 --size 300x200 --modifier " + modifier +
                       " --cursor 10,20 --hot 1,2");
        EXPECT_EQ(run.status, 0) << run.output;
        EXPECT_TRUE(
            contains(run.output, "primary: XRGB2101010 " + std::string(modifier) + " 300x200"))
            << run.output;
        EXPECT_TRUE(contains(run.output, "pos 10,20 hot 1,2")) << run.output;
    }
}

TEST_F(VgpuGuestCliDevice, RejectedPlaneExitsWith1AndSaysWhy) {
    const CliRun run = vgpu_guest(device_ + "draw --size 100x100 --offset 12");
    EXPECT_EQ(run.status, 1) << run.output;
    EXPECT_TRUE(contains(run.output, instance_.uuid())) << run.output;
    EXPECT_TRUE(contains(run.output, "ERR_ALIGN")) << run.output;
    const CliRun tiled_cursor = vgpu_guest(device_ + "cursor --modifier x-tiled");
    EXPECT_EQ(tiled_cursor.status, 1) << tiled_cursor.output;
    EXPECT_TRUE(contains(tiled_cursor.output, "ERR_MODIFIER")) << tiled_cursor.output;
}

TEST_F(VgpuGuestCliDevice, MissingDeviceExitsWith1) {
    const std::string uuid = "00000000-0000-0000-0000-000000000000";
    const CliRun run = vgpu_guest("--device " + uuid + " info");
    EXPECT_EQ(run.status, 1) << run.output;
    EXPECT_TRUE(contains(run.output, uuid)) << run.output;
}

TEST_F(VgpuGuestCliDevice, AnimateWithEachInterruptMode) {
    for (const char* irq : {"intx", "msi", "none"}) {
        const CliRun run = vgpu_guest(device_ + "animate --seconds 1 --size 160x120 --irq " + irq);
        EXPECT_EQ(run.status, 0) << run.output;
        EXPECT_TRUE(contains(run.output, "animated XRGB8888 linear 160x120")) << run.output;
        if (std::string(irq) != "none") {
            EXPECT_TRUE(contains(run.output, " 0 missed")) << run.output;
        }
    }
}

// paint posts damage (VRAM and GTT), or leaves it to dirty tracking; a
// second vgpu-guest watching the export device sees MODE, FLIP and DAMAGE.
TEST_F(VgpuGuestCliDevice, PaintAndWatchEvents) {
    for (const std::string variant : {"--memory vram", "--memory gtt", "--no-damage"}) {
        SCOPED_TRACE(variant);
        // the watcher says when it is listening; only then does the painter start
        const std::string command =
            std::string(VGPU_GUEST_BIN) + " " + device_ + "events --seconds 30 --count 4 2>&1";
        FILE* watcher = ::popen(command.c_str(), "r");
        ASSERT_NE(watcher, nullptr) << errno_text(errno);
        char line[512];
        ASSERT_NE(std::fgets(line, sizeof(line), watcher), nullptr);
        EXPECT_TRUE(contains(line, "watching")) << line;
        const CliRun painted = vgpu_guest(device_ + "paint " + variant + " --seconds 1 --fps 20");
        std::string watched;
        while (std::fgets(line, sizeof(line), watcher) != nullptr) {
            watched += line;
        }
        ::pclose(watcher);
        ASSERT_EQ(painted.status, 0) << painted.output;
        EXPECT_TRUE(contains(painted.output, variant == "--memory gtt" ? "in GTT" : "in VRAM"))
            << painted.output;
        EXPECT_TRUE(contains(watched, "MODE plane 0")) << watched;
        EXPECT_TRUE(contains(watched, "FLIP plane 0")) << watched;
        EXPECT_TRUE(contains(watched, "DAMAGE plane 0")) << watched;
        // posted: the square itself; tracked: the whole lines of its pages
        const std::string rect = variant == "--no-damage" ? "640x64+0+" : "64x64+";
        EXPECT_TRUE(contains(watched, rect)) << "the painted square: " << watched;
    }
}

}  // namespace
}  // namespace vmtest
