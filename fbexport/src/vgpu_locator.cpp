#include "fbexport/vgpu_locator.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace fbx {
namespace {

bool exists(const std::string& path, bool* is_dir = nullptr) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return false;
    }
    if (is_dir != nullptr) {
        *is_dir = S_ISDIR(st.st_mode);
    }
    return true;
}

// First line of a sysfs attribute, or empty when it cannot be read.
std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (in) {
        std::getline(in, line);
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) {
        line.pop_back();
    }
    return line;
}

}  // namespace

bool is_uuid(std::string_view text) {
    static constexpr std::size_t dashes[] = {8, 13, 18, 23};
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == dashes[0] || i == dashes[1] || i == dashes[2] || i == dashes[3];
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
            return false;
        }
    }
    return true;
}

VgpuLocation locate_vgpu(const std::string& uuid, const std::string& sysfs_root,
                         const std::string& dev_dir) {
    if (!is_uuid(uuid)) {
        throw Error("'" + uuid +
                    "' is not a vGPU UUID (like 0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4)");
    }
    VgpuLocation where;
    where.uuid = uuid;
    where.sysfs_dir = sysfs_root + "/bus/mdev/devices/" + uuid;
    bool is_dir = false;
    if (!exists(where.sysfs_dir, &is_dir) || !is_dir) {
        throw VgpuNotFound("vGPU " + uuid + " not found: " + where.sysfs_dir +
                           " does not exist (create it with mdevctl, or by writing the UUID to a "
                           "vgpu_mediator type's mdev_supported_types/<type>/create)");
    }
    const std::string attribute = where.sysfs_dir + "/vgpu/display_dev";
    where.display_dev = first_line(attribute);
    if (where.display_dev.empty()) {
        where.display_dev = dev_dir + "/" + uuid;
    }
    if (!exists(where.display_dev)) {
        const int err = errno;
        throw Error(
            "vGPU " + uuid + " has no display-export device: " + where.display_dev + ": " +
            std::strerror(err) +
            (exists(attribute) ? "" : " (and no " + attribute + "; is it a vgpu_mediator vGPU?)"));
    }
    return where;
}

}  // namespace fbx
