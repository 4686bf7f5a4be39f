#pragma once

#include <string>
#include <string_view>

#include "fbexport/error.hpp"

namespace fbx {

// Where a vgpu_mediator vGPU lives: its mdev device in sysfs and its
// display-export character device.
struct VgpuLocation {
    std::string uuid;
    std::string sysfs_dir;    // <sysfs>/bus/mdev/devices/<uuid>
    std::string display_dev;  // /dev/vgpu/<uuid>, as its vgpu/display_dev attribute says
};

// The vGPU named does not exist (yet): a different failure from one that
// exists and misbehaves, so a caller can wait for it.
class VgpuNotFound : public Error {
public:
    using Error::Error;
};

// "8-4-4-4-12" hexadecimal digits, as mdev and mdevctl name instances.
bool is_uuid(std::string_view text);

// Finds the vGPU `uuid`: /sys/bus/mdev/devices/<uuid> must exist; its
// vgpu/display_dev attribute names the export device, and a device without
// one (not a vgpu_mediator instance, or an older module) falls back to
// <dev_dir>/<uuid>. Throws VgpuNotFound when there is no such mdev, and
// fbx::Error when it is not a vgpu_mediator vGPU. The roots are parameters
// so tests can point them at a fake tree.
VgpuLocation locate_vgpu(const std::string& uuid, const std::string& sysfs_root = "/sys",
                         const std::string& dev_dir = "/dev/vgpu");

}  // namespace fbx
