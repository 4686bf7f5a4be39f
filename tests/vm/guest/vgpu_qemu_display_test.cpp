// QEMU as a real peer: the host's qemu-system-x86_64, started inside the VM
// with this vGPU as `-device vfio-pci,sysfsdev=...,display=on` and no OpenGL,
// shows what a guest programs. The "guest" is driven through QEMU's qtest
// protocol (PCI config and MMIO writes that QEMU's vfio-pci forwards to the
// device), and QMP `screendump` must return the drawn picture, read by QEMU
// through the linear-copy region (plane_types "region").
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "fbexport/error.hpp"
#include "sysfs.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

using namespace std::chrono_literals;

constexpr const char* qemu_binary = "/usr/bin/qemu-system-x86_64";
constexpr std::uint32_t config_address = 0x80000000u | (4u << 11);  // bus 0, slot 4
constexpr std::uint64_t bar0_at = 0xe0000000ull;
constexpr std::uint64_t bar2_at = 0xe1000000ull;
constexpr std::uint64_t bar4_at = 0xe1100000ull;

// A line-oriented stream socket with a deadline per line.
class LineSocket {
public:
    explicit LineSocket(fbx::UniqueFd fd) : fd_(std::move(fd)) {}
    void send(const std::string& line) {
        const std::string data = line + "\n";
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(fd_.get(), data.data() + done, data.size() - done);
            if (n < 0) {
                fbx::throw_errno("write to QEMU");
            }
            done += std::size_t(n);
        }
    }
    std::string read_line(std::chrono::seconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto nl = buffer_.find('\n');
            if (nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                throw fbx::Error("no answer from QEMU within " + std::to_string(timeout.count()) +
                                 " s; have '" + buffer_ + "'");
            }
            pollfd p{fd_.get(), POLLIN, 0};
            if (::poll(&p, 1, 200) > 0) {
                char chunk[4096];
                const ssize_t n = ::read(fd_.get(), chunk, sizeof(chunk));
                if (n <= 0) {
                    throw fbx::Error("QEMU closed the connection; have '" + buffer_ + "'");
                }
                buffer_.append(chunk, std::size_t(n));
            }
        }
    }

private:
    fbx::UniqueFd fd_;
    std::string buffer_;
};

sockaddr_un unix_address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path.c_str());
    return addr;
}

class QemuDisplay : public VgpuTest {
protected:
    void TearDown() override {
        if (qemu_ > 0) {
            ::kill(qemu_, SIGKILL);
            ::waitpid(qemu_, nullptr, 0);
        }
        VgpuTest::TearDown();
    }

    // qtest: one command, one "OK [value]" answer (IRQ notices skipped).
    std::string qtest(const std::string& command) {
        qtest_->send(command);
        for (;;) {
            const std::string line = qtest_->read_line(60s);
            if (line.rfind("IRQ", 0) == 0) {
                continue;
            }
            if (line.rfind("OK", 0) != 0) {
                throw fbx::Error("qtest '" + command.substr(0, 60) + "' answered '" + line + "'");
            }
            return line.size() > 3 ? line.substr(3) : "";
        }
    }
    void config_write(std::uint32_t reg, std::uint32_t value) {
        char cmd[64];
        std::snprintf(cmd, sizeof(cmd), "outl 0xcf8 0x%x", config_address | reg);
        qtest(cmd);
        std::snprintf(cmd, sizeof(cmd), "outl 0xcfc 0x%x", value);
        qtest(cmd);
    }
    void mmio_write(std::uint64_t at, std::uint32_t value) {
        char cmd[64];
        std::snprintf(cmd, sizeof(cmd), "writel 0x%llx 0x%x", static_cast<unsigned long long>(at),
                      value);
        qtest(cmd);
    }
    std::uint32_t mmio_read(std::uint64_t at) {
        char cmd[64];
        std::snprintf(cmd, sizeof(cmd), "readl 0x%llx", static_cast<unsigned long long>(at));
        return static_cast<std::uint32_t>(std::stoul(qtest(cmd), nullptr, 16));
    }
    // QMP: one command, the line with its "return" (events skipped).
    std::string qmp(const std::string& json) {
        qmp_->send(json);
        for (;;) {
            const std::string line = qmp_->read_line(120s);
            if (line.find("\"return\"") != std::string::npos) {
                return line;
            }
            if (line.find("\"error\"") != std::string::npos) {
                throw fbx::Error("QMP " + json + " failed: " + line);
            }
        }
    }

    // Sockets in the guest's /tmp (9p shares cannot hold them); the log in `dir`.
    void start_qemu(const std::string& dir) {
        const std::string qtest_path = "/tmp/vgpu-qtest.sock";
        const std::string qmp_path = "/tmp/vgpu-qmp.sock";
        fbx::UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        const sockaddr_un addr = unix_address(qtest_path);
        ::unlink(qtest_path.c_str());
        ASSERT_EQ(::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)), 0)
            << errno_text(errno);
        ASSERT_EQ(::listen(listener.get(), 1), 0);

        const std::string device =
            "vfio-pci,sysfsdev=" + instance().sysfs_path() + ",display=on,addr=04.0";
        const std::string qmp_arg = "unix:" + qmp_path + ",server=on,wait=off";
        const std::string qtest_arg = "unix:" + qtest_path;
        const std::string log = dir + "/qemu.log";
        qemu_ = ::fork();
        ASSERT_GE(qemu_, 0);
        if (qemu_ == 0) {
            std::freopen(log.c_str(), "w", stderr);
            std::freopen(log.c_str(), "a", stdout);
            // Debian's QEMU has no qtest accelerator; stopped TCG CPUs
            // still let qtest drive the buses
            ::execl(qemu_binary, qemu_binary, "-machine", "q35", "-accel", "tcg", "-S", "-qtest",
                    qtest_arg.c_str(), "-qtest-log", "/dev/null", "-nodefaults", "-display", "none",
                    "-m", "128M", "-qmp", qmp_arg.c_str(), "-device", device.c_str(), nullptr);
            _exit(127);
        }
        pollfd p{listener.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, 120000);
        ASSERT_EQ(ready, 1) << "QEMU did not connect to qtest; its log:\n" << read_file(log);
        qtest_ = std::make_unique<LineSocket>(
            fbx::UniqueFd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC)));

        fbx::UniqueFd qmp_fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        const sockaddr_un qaddr = unix_address(qmp_path);
        for (int i = 0;
             ::connect(qmp_fd.get(), reinterpret_cast<const sockaddr*>(&qaddr), sizeof(qaddr)) != 0;
             i++) {
            ASSERT_LT(i, 600) << "no QMP socket; QEMU log:\n" << read_file(log);
            std::this_thread::sleep_for(100ms);
        }
        qmp_ = std::make_unique<LineSocket>(std::move(qmp_fd));
        qmp_->read_line(60s);  // greeting
        qmp("{\"execute\":\"qmp_capabilities\"}");
    }

    static std::string read_file(const std::string& path) {
        std::ifstream in(path);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    pid_t qemu_ = -1;
    std::unique_ptr<LineSocket> qtest_;
    std::unique_ptr<LineSocket> qmp_;
};

std::uint32_t drawn(std::uint32_t x, std::uint32_t y) {
    return (x * 4 & 0xff) << 16 | (y * 5 & 0xff) << 8 | ((x + y) & 0xff);
}

TEST_F(QemuDisplay, ScreendumpShowsWhatTheGuestProgrammed) {
    if (::access(qemu_binary, X_OK) != 0) {
        GTEST_SKIP() << qemu_binary << " is not installed (tools/setup-deps.sh installs it)";
    }
    // QEMU owns the VFIO device; without OpenGL it needs the region type
    close_device();
    vgpu::write_sysfs(instance().sysfs_path() + "/" VGPU_SYSFS_GROUP "/" VGPU_SYSFS_PLANE_TYPES,
                      VGPU_PLANE_TYPES_REGION);
    const std::string dir = std::getenv("VM_OUT") ? std::getenv("VM_OUT") : "/tmp";
    start_qemu(dir);
    if (HasFatalFailure()) {
        return;
    }

    // firmware would assign the BARs; here the test does
    config_write(0x10, std::uint32_t(bar0_at));
    config_write(0x18, std::uint32_t(bar2_at));
    config_write(0x20, std::uint32_t(bar4_at));
    config_write(0x04, 0x6);  // memory decoding, bus master
    ASSERT_EQ(mmio_read(bar2_at + VGPU_REG_ID), VGPU_ID_MAGIC) << "BAR2 not reachable via QEMU";

    constexpr std::uint32_t width = 96, height = 64, stride = width * 4;
    for (std::uint32_t y = 0; y < height; y++) {
        std::string hex;
        char word[16];
        for (std::uint32_t x = 0; x < width; x++) {
            const std::uint32_t v = drawn(x, y);
            std::snprintf(word, sizeof(word), "%02x%02x%02x%02x", v & 0xff, v >> 8 & 0xff,
                          v >> 16 & 0xff, 0xff);
            hex += word;
        }
        char cmd[64];
        std::snprintf(cmd, sizeof(cmd), "write 0x%llx 0x%x 0x",
                      static_cast<unsigned long long>(bar0_at + std::uint64_t{y} * stride), stride);
        qtest(cmd + hex);
    }
    const auto reg = [](std::uint32_t r) {
        return bar2_at + VGPU_PLANE_REG(VGPU_PLANE_PRIMARY, r);
    };
    mmio_write(reg(VGPU_PLANE_FORMAT), VGPU_FMT_XRGB8888);
    mmio_write(reg(VGPU_PLANE_WIDTH), width);
    mmio_write(reg(VGPU_PLANE_HEIGHT), height);
    mmio_write(reg(VGPU_PLANE_STRIDE_BYTES), stride);
    mmio_write(reg(VGPU_PLANE_ENABLE), 1);
    mmio_write(bar2_at + VGPU_REG_COMMIT, 1u << VGPU_PLANE_PRIMARY);
    ASSERT_EQ(mmio_read(reg(VGPU_PLANE_STATUS)), std::uint32_t{VGPU_PLANE_OK});

    const std::string shot = dir + "/qemu-screendump.ppm";
    ::unlink(shot.c_str());
    qmp("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + shot + "\"}}");

    std::ifstream in(shot, std::ios::binary);
    ASSERT_TRUE(in) << "no screendump at " << shot;
    std::string magic;
    std::uint32_t w = 0, h = 0, maxval = 0;
    in >> magic >> w >> h >> maxval;
    in.get();
    ASSERT_EQ(magic, "P6");
    ASSERT_EQ(w, width);
    ASSERT_EQ(h, height);
    std::vector<unsigned char> rgb(std::size_t{w} * h * 3);
    in.read(reinterpret_cast<char*>(rgb.data()), std::streamsize(rgb.size()));
    ASSERT_TRUE(in);
    std::uint32_t mismatches = 0;
    for (std::uint32_t y = 0; y < height; y++) {
        for (std::uint32_t x = 0; x < width; x++) {
            const unsigned char* p = &rgb[(std::size_t{y} * width + x) * 3];
            const std::uint32_t got = std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2];
            if (got != drawn(x, y) && mismatches++ < 5) {
                ADD_FAILURE() << "pixel " << x << "," << y << ": QEMU shows " << std::hex << got
                              << ", guest drew " << drawn(x, y);
            }
        }
    }
    EXPECT_EQ(mismatches, 0u);

    qmp("{\"execute\":\"quit\"}");
    int status = 0;
    ASSERT_EQ(::waitpid(qemu_, &status, 0), qemu_);
    qemu_ = -1;
    EXPECT_TRUE(WIFEXITED(status)) << "QEMU status " << status;
}

}  // namespace
}  // namespace vmtest
