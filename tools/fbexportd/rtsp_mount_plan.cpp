#include "rtsp_mount_plan.hpp"

#include <algorithm>

namespace fbx {
namespace {

constexpr std::string_view vgpu_prefix = "/vgpu/";
constexpr std::size_t max_path = 255;

bool allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '~' || c == '/';
}

}  // namespace

void RtspMountPlan::check_path(std::string_view path) {
    // Quoted as given, except what would break the message's line.
    std::string quoted = "'";
    for (const char c : path.substr(0, max_path)) {
        const auto u = static_cast<unsigned char>(c);
        static constexpr char hex[] = "0123456789abcdef";
        quoted += u >= 0x20 && u < 0x7f ? std::string(1, c)
                                        : std::string("\\x") + hex[u >> 4] + hex[u & 15];
    }
    quoted += "'";
    if (path.empty() || path.front() != '/') {
        throw Error("RTSP path " + quoted + " must start with '/', e.g. /left");
    }
    if (path.size() == 1) {
        throw Error("RTSP path '/' names nothing; give a name after it, e.g. /left");
    }
    if (path.size() > max_path) {
        throw Error("RTSP path " + quoted + "... is longer than " + std::to_string(max_path) +
                    " characters");
    }
    if (const auto bad = std::find_if_not(path.begin(), path.end(), allowed); bad != path.end()) {
        // Anything else a client would have to escape, and '=' would read
        // as one of the stream's own control URLs ("/desktop/stream=0").
        throw Error("RTSP path " + quoted +
                    " may hold letters, digits, '-', '_', '.', '~' and '/' only, not " +
                    (*bad >= 0x20 && *bad < 0x7f
                         ? "'" + std::string(1, *bad) + "'"
                         : "a byte " + std::to_string(static_cast<unsigned char>(*bad))));
    }
    if (path.find("..") != std::string_view::npos) {
        throw Error("RTSP path " + quoted + " must not hold '..'");
    }
    if (path.find("//") != std::string_view::npos || path.back() == '/') {
        throw Error("RTSP path " + quoted + " has an empty name between '/'s");
    }
    if (path.find("/./") != std::string_view::npos || path.ends_with("/.")) {
        throw Error("RTSP path " + quoted + " has a '.' name");
    }
}

std::optional<std::string> RtspMountPlan::add(const DisplayConfig& display) {
    const std::size_t index = added_++;
    if (!display.streams.rtsp) {
        return std::nullopt;
    }
    const std::string address = display.streams.rtsp->to_string();
    const bool demo = display.source.kind == cli::SourceSpec::Kind::demo;
    const std::string own = demo ? "/desktop" : std::string(vgpu_prefix) + display.source.uuid;
    std::string path;
    if (display.rtsp_path) {
        path = *display.rtsp_path;
        if (path.starts_with(vgpu_prefix) && path != own) {
            throw RtspMountError("RTSP path '" + path + "' of " + display.source.to_string() +
                                     ": paths under /vgpu/ are the vGPUs' own (/vgpu/UUID); "
                                     "choose another",
                                 path, std::nullopt);
        }
    } else if (demo) {
        const std::size_t n = ++default_demos_[address];
        path = n == 1 ? own : own + "-" + std::to_string(n);
    } else {
        path = own;
    }
    const std::string name = display.source.to_string() + " on " + display.vnc.address.to_string();
    std::vector<Mount>& taken = mounts_[address];
    for (const Mount& m : taken) {
        if (m.path == path) {
            throw RtspMountError("two displays want RTSP mount " + path + " on " + address + " (" +
                                     m.display_name + " and " + name + ")",
                                 path, m.display);
        }
    }
    taken.push_back({path, index, name});
    return path;
}

std::vector<std::optional<std::string>> RtspMountPlan::of(const ServiceConfig& config) {
    RtspMountPlan plan;
    std::vector<std::optional<std::string>> paths;
    for (const DisplayConfig& d : config.displays) {
        paths.push_back(plan.add(d));
    }
    return paths;
}

}  // namespace fbx
