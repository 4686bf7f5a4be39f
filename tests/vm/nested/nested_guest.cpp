#include "nested_guest.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace vmtest {

namespace {

constexpr std::size_t first_vfio_slot = 8;

std::string env_or_throw(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(std::string(name) +
                                 " is not set: run this inside vm-kernel.sh (tests/vm/nested)");
    }
    return value;
}

}  // namespace

std::string nested_kernel_image() {
    const std::string release = env_or_throw("VM_KERNEL_RELEASE");
    return std::string(FBEXPORT_BUILD_DIR) + "/vm-cache/" + release + "/root/boot/vmlinuz-" +
           release;
}

std::string nested_initramfs() {
    return std::string(FBEXPORT_BUILD_DIR) + "/vm-nested/" + env_or_throw("VM_KERNEL") +
           "/l2-initramfs.cpio.gz";
}

std::string nested_script(const std::string& name) {
    return std::string(FBEXPORT_SOURCE_DIR) + "/tests/vm/nested/l2/" + name;
}

NestedGuest::NestedGuest(NestedGuestConfig config) : config_(std::move(config)) {
    // in the VM's output share when there is one, so it can be watched live
    const char* out = std::getenv("VM_OUT");
    std::string pattern = std::string(out != nullptr ? out : "/tmp") + "/l2-serial-XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
        throw std::runtime_error("mkstemp for L2's serial log");
    }
    ::close(fd);
    serial_path_ = pattern;
    if (!config_.release_file.empty()) {
        ::unlink(config_.release_file.c_str());
    }

    std::string append = "console=ttyS0 quiet panic=-1 logo.nologo vt.global_cursor_default=0";
    append += " l2.script=" + config_.script;
    if (!config_.release_file.empty()) {
        append += " l2.release=" + config_.release_file;
    }
    for (const auto& a : config_.append) {
        append += " " + a;
    }
    std::vector<std::string> argv{"/usr/bin/qemu-system-x86_64",
                                  "-accel",
                                  "tcg",
                                  "-m",
                                  "512M",
                                  "-smp",
                                  "1",
                                  "-nodefaults",
                                  "-display",
                                  "none",
                                  "-no-reboot",
                                  "-serial",
                                  "file:" + serial_path_,
                                  "-kernel",
                                  nested_kernel_image(),
                                  "-initrd",
                                  nested_initramfs(),
                                  "-append",
                                  append,
                                  "-fsdev",
                                  "local,id=hostroot,path=/,security_model=none,readonly=on,"
                                  "multidevs=remap",
                                  "-device",
                                  "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"};
    // at fixed slots, so the guest's PCI addresses are known: 00:08.0, 00:09.0, ...
    for (std::size_t i = 0; i < config_.vfio_devices.size(); i++) {
        argv.push_back("-device");
        argv.push_back("vfio-pci,sysfsdev=" + config_.vfio_devices[i] + ",addr=" +
                       std::to_string(first_vfio_slot + i) + ".0" + config_.vfio_options);
    }
    started_ = std::chrono::steady_clock::now();
    qemu_ = std::make_unique<fbx::test::ChildProcess>(std::move(argv));
}

NestedGuest::~NestedGuest() {
    qemu_.reset();  // SIGKILL if still running
    if (!config_.release_file.empty()) {
        ::unlink(config_.release_file.c_str());
    }
}

std::string NestedGuest::console() const {
    std::ifstream in(serial_path_);
    std::stringstream text;
    text << in.rdbuf();
    std::string lines = text.str();
    // the serial console ends lines with CR LF
    std::erase(lines, '\r');
    return lines;
}

bool NestedGuest::wait_for(const std::string& text, std::chrono::milliseconds timeout) const {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (console().find(text) != std::string::npos) {
            return true;
        }
        // QEMU gone: nothing more will come (the log may still hold it)
        if (qemu_->wait_exit(std::chrono::milliseconds{0}) != -1) {
            return console().find(text) != std::string::npos;
        }
        if (std::chrono::steady_clock::now() >= end) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
}

std::string NestedGuest::section(const std::string& name) const {
    const std::string text = console();
    const std::string begin = "l2-begin " + name + "\n";
    const std::string end = "l2-end " + name;
    const auto from = text.find(begin);
    if (from == std::string::npos) {
        return {};
    }
    const auto to = text.find(end, from);
    return text.substr(from + begin.size(),
                       to == std::string::npos ? std::string::npos : to - from - begin.size());
}

void NestedGuest::release() {
    std::ofstream(config_.release_file) << "go\n";
}

int NestedGuest::wait_exit(std::chrono::milliseconds timeout) {
    return qemu_->wait_exit(timeout);
}

double NestedGuest::uptime() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

}  // namespace vmtest
