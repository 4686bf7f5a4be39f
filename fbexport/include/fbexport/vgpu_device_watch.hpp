#pragma once

#include <functional>
#include <string>
#include <vector>

#include "fbexport/event_loop.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

// Notices vgpu_mediator display-export devices (/dev/vgpu/<uuid>) appearing,
// going away or changing permissions, through inotify on the loop: nothing
// is polled while nothing happens. devtmpfs creates the directory with its
// first device and removes it with its last, so the parent directory (/dev)
// is watched for it too.
class VgpuDeviceWatch {
public:
    // Called on the loop's thread with the UUID whose device node was
    // created, removed, or changed attributes (udev setting its group after
    // creation); the receiver looks at what is there now.
    using Changed = std::function<void(const std::string& uuid)>;

    // Throws fbx::Error when inotify cannot watch `dev_dir`'s parent.
    VgpuDeviceWatch(EventLoop& loop, Changed on_change, std::string dev_dir = "/dev/vgpu");
    VgpuDeviceWatch(const VgpuDeviceWatch&) = delete;
    VgpuDeviceWatch& operator=(const VgpuDeviceWatch&) = delete;
    ~VgpuDeviceWatch();

    // The UUIDs with a device node in the directory now, sorted.
    std::vector<std::string> present() const;
    const std::string& dev_dir() const { return dev_dir_; }

private:
    void read_events();
    // Watches the directory once it exists; true when it is watched.
    bool watch_dir();

    EventLoop& loop_;
    Changed on_change_;
    std::string dev_dir_;
    std::string parent_;
    std::string leaf_;  // the directory's name in its parent
    UniqueFd inotify_;
    int parent_wd_ = -1;
    int dir_wd_ = -1;
};

}  // namespace fbx
