// A nested guest (L2): the host's QEMU, started inside the VM tests' guest
// (L1), boots the same Debian kernel with vGPU instances as its PCI devices,
// the initramfs of l2-initramfs.sh and L1's root over 9p, and runs one
// script from tests/vm/nested/l2/. What L2 prints on its serial console is
// read back here; every wait is bounded.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "service_process.hpp"

namespace vmtest {

struct NestedGuestConfig {
    std::string script;                     // path of the L2 script (in L1's root)
    std::vector<std::string> vfio_devices;  // mdev sysfs paths, at 00:08.0, 00:09.0, ...
    std::string vfio_options;               // appended to each -device vfio-pci
    std::string release_file;               // the script waits for it to exist
    std::vector<std::string> append;        // more kernel arguments
};

class NestedGuest {
public:
    explicit NestedGuest(NestedGuestConfig config);
    NestedGuest(const NestedGuest&) = delete;
    NestedGuest& operator=(const NestedGuest&) = delete;
    // Kills QEMU if L2 is still running.
    ~NestedGuest();

    // L2's serial console so far.
    std::string console() const;
    // Waits until the console holds `text`; false on timeout or when QEMU ended.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout) const;
    // The lines between "l2-begin NAME" and "l2-end NAME" (empty if absent).
    std::string section(const std::string& name) const;
    // Lets the script go on past its wait (creates the release file).
    void release();
    // Waits for QEMU to exit (L2 powered off); its exit status, -1 on timeout.
    int wait_exit(std::chrono::milliseconds timeout);
    // QEMU's own messages.
    std::string qemu_log() const { return qemu_->log(); }
    // Seconds since QEMU was started.
    double uptime() const;

private:
    NestedGuestConfig config_;
    std::string serial_path_;
    std::chrono::steady_clock::time_point started_;
    std::unique_ptr<fbx::test::ChildProcess> qemu_;
};

// The Debian kernel L1 runs (VM_KERNEL_RELEASE) and L2's initramfs for it.
std::string nested_kernel_image();
std::string nested_initramfs();
// A script of tests/vm/nested/l2/.
std::string nested_script(const std::string& name);

}  // namespace vmtest
