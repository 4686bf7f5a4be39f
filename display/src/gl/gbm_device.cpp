#include "gbm_device.hpp"

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "fbexport/error.hpp"

namespace fbx::gl {

GbmDevice::GbmDevice(const std::string& path)
    : path_(path), fd_(::open(path.c_str(), O_RDWR | O_CLOEXEC)) {
    if (!fd_) {
        throw_errno("open of DRM render node " + path);
    }
    device_.reset(gbm_create_device(fd_.get()));
    if (!device_) {
        throw Error("gbm_create_device failed on " + path);
    }
}

std::optional<std::string> GbmDevice::first_render_node() {
    std::error_code ec;
    std::vector<std::string> nodes;
    for (const auto& entry : std::filesystem::directory_iterator("/dev/dri", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with("renderD")) {
            nodes.push_back(entry.path().string());
        }
    }
    if (nodes.empty()) {
        return std::nullopt;
    }
    return *std::min_element(nodes.begin(), nodes.end());
}

}  // namespace fbx::gl
