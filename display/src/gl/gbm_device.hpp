#pragma once

#include <gbm.h>

#include <memory>
#include <optional>
#include <string>

#include "fbexport/unique_fd.hpp"

namespace fbx::gl {

// A GBM device on an open DRM render node: the native display EGL's GBM
// platform wants when the driver is reached through /dev/dri rather than
// the device platform. Owns the node's fd; the device goes before the fd.
class GbmDevice {
public:
    // Opens `path` (e.g. /dev/dri/renderD128); throws fbx::Error naming it.
    explicit GbmDevice(const std::string& path);

    gbm_device* get() const { return device_.get(); }
    const std::string& path() const { return path_; }

    // The first /dev/dri/renderD* in name order, or none on a machine
    // without DRM render nodes (containers, CI).
    static std::optional<std::string> first_render_node();

private:
    struct Destroy {
        void operator()(gbm_device* d) const { gbm_device_destroy(d); }
    };

    std::string path_;
    UniqueFd fd_;
    std::unique_ptr<gbm_device, Destroy> device_;  // declared after fd_: destroyed first
};

}  // namespace fbx::gl
