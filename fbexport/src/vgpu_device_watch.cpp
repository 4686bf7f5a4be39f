#include "fbexport/vgpu_device_watch.hpp"

#include <dirent.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "fbexport/vgpu_locator.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "vgpu";
constexpr std::uint32_t dir_events =
    IN_CREATE | IN_DELETE | IN_ATTRIB | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF;

}  // namespace

VgpuDeviceWatch::VgpuDeviceWatch(EventLoop& loop, Changed on_change, std::string dev_dir)
    : loop_(loop), on_change_(std::move(on_change)), dev_dir_(std::move(dev_dir)) {
    while (dev_dir_.size() > 1 && dev_dir_.back() == '/') {
        dev_dir_.pop_back();
    }
    const auto slash = dev_dir_.rfind('/');
    parent_ = slash == std::string::npos ? "." : slash == 0 ? "/" : dev_dir_.substr(0, slash);
    leaf_ = slash == std::string::npos ? dev_dir_ : dev_dir_.substr(slash + 1);
    inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_) {
        throw_errno("inotify_init1 for watching " + dev_dir_);
    }
    parent_wd_ =
        ::inotify_add_watch(inotify_.get(), parent_.c_str(), IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
    if (parent_wd_ < 0) {
        throw_errno("inotify_add_watch on " + parent_ + " (for " + dev_dir_ + ")");
    }
    watch_dir();
    loop_.watch(inotify_.get(), [this] { read_events(); });
}

VgpuDeviceWatch::~VgpuDeviceWatch() {
    loop_.unwatch(inotify_.get());
}

bool VgpuDeviceWatch::watch_dir() {
    if (dir_wd_ >= 0) {
        return true;
    }
    dir_wd_ = ::inotify_add_watch(inotify_.get(), dev_dir_.c_str(), dir_events | IN_ONLYDIR);
    if (dir_wd_ < 0) {
        if (errno != ENOENT && errno != ENOTDIR) {
            log(LogLevel::warn, component)
                << "cannot watch " << dev_dir_ << ": " << std::strerror(errno);
        }
        return false;
    }
    log(LogLevel::debug, component) << "watching " << dev_dir_ << " for vGPUs";
    return true;
}

std::vector<std::string> VgpuDeviceWatch::present() const {
    std::vector<std::string> uuids;
    DIR* dir = ::opendir(dev_dir_.c_str());
    if (dir == nullptr) {
        return uuids;
    }
    while (const dirent* e = ::readdir(dir)) {
        if (is_uuid(e->d_name)) {
            uuids.emplace_back(e->d_name);
        }
    }
    ::closedir(dir);
    std::sort(uuids.begin(), uuids.end());
    return uuids;
}

void VgpuDeviceWatch::read_events() {
    // Aligned as inotify_event requires; one read returns whole events.
    alignas(inotify_event) std::array<char, 4096> buffer;
    std::vector<std::string> changed;
    for (;;) {
        const ssize_t n = ::read(inotify_.get(), buffer.data(), buffer.size());
        if (n <= 0) {
            break;
        }
        for (ssize_t at = 0; at < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buffer.data() + at);
            at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
            const std::string name = e->len > 0 ? std::string(e->name) : std::string();
            if (e->wd == parent_wd_) {
                if (name == leaf_ && watch_dir()) {
                    // Devices made between the directory and our watch on
                    // it sent us nothing: report what is there.
                    for (auto& uuid : present()) {
                        changed.push_back(std::move(uuid));
                    }
                }
            } else if (e->wd == dir_wd_) {
                if (e->mask & (IN_DELETE_SELF | IN_IGNORED)) {
                    dir_wd_ = -1;  // the parent's watch sees it come back
                } else if (is_uuid(name)) {
                    changed.push_back(name);
                }
            }
        }
    }
    // The directory may have come back between its removal and now.
    if (dir_wd_ < 0 && watch_dir()) {
        for (auto& uuid : present()) {
            changed.push_back(std::move(uuid));
        }
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    for (const std::string& uuid : changed) {
        log(LogLevel::debug, component) << "device node of vGPU " << uuid << " changed";
        on_change_(uuid);
    }
}

}  // namespace fbx
