#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fbexport/error.hpp"
#include "service_config.hpp"

namespace fbx {

// Two displays wanting one mount on one RTSP address, or a path that is a
// vGPU's: refused with the configuration, never found while starting (or
// left to the second display to overwrite the first).
class RtspMountError : public Error {
public:
    RtspMountError(std::string message, std::string path, std::optional<std::size_t> other)
        : Error(std::move(message)), path_(std::move(path)), other_(other) {}

    const std::string& path() const { return path_; }
    // The display (in the order added) that has the mount already, if the
    // mistake is a clash.
    std::optional<std::size_t> other() const { return other_; }

private:
    std::string path_;
    std::optional<std::size_t> other_;
};

// Where each display's RTSP stream is mounted on the server of its address
// (displays on one address share a server). A display's mount is the path
// it is given (--rtsp-path, streams.rtsp.path), else its source's: a vGPU's
// "/vgpu/UUID"; "/desktop" for the first demo display on the address without
// a path, "/desktop-2", "/desktop-3", ... for the further ones, in the
// configuration's order. Paths under /vgpu/ belong to the vGPUs (vgpu = "all"
// mounts every vGPU there), so a display may be given only its own.
class RtspMountPlan {
public:
    // Throws Error, saying why, unless `path` is '/' and then names of
    // letters, digits, '-', '_', '.' and '~', separated by single '/', with
    // no "..": what every RTSP client puts in a URL unescaped.
    static void check_path(std::string_view path);

    // The mount of the next display in the configuration's order; nullopt
    // for one without RTSP. Throws RtspMountError.
    std::optional<std::string> add(const DisplayConfig& display);

    // Every display's, in order (the index of RtspMountError::other is one
    // of config.displays). Throws RtspMountError.
    static std::vector<std::optional<std::string>> of(const ServiceConfig& config);

private:
    struct Mount {
        std::string path;
        std::size_t display;
        std::string display_name;  // "demo on 127.0.0.1:5900"
    };
    std::map<std::string, std::vector<Mount>> mounts_;  // by address
    std::map<std::string, std::size_t> default_demos_;  // by address
    std::size_t added_ = 0;
};

}  // namespace fbx
