// Helpers for the in-guest tests (tests/vm/guest): sysfs files of the mdev
// core and of the vgpu_mediator parent, found at run time rather than assumed.
// These tests run inside the VM (tests/vm/vm-kernel.sh) as root, with the
// module loaded; VM_MODULE names it.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vgpu_mediator.h"

namespace vmtest {

inline constexpr const char* kMdevBusClass = "/sys/class/mdev_bus";
inline constexpr const char* kMdevDevices = "/sys/bus/mdev/devices";

inline bool exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

// Whole file, or nullopt (errno kept) when it cannot be read.
inline std::optional<std::string> read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            int e = errno;
            ::close(fd);
            errno = e;
            return std::nullopt;
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

// First line without the newline; "" when unreadable.
inline std::string read_line(const std::string& path) {
    auto s = read_file(path);
    if (!s)
        return {};
    auto nl = s->find('\n');
    return nl == std::string::npos ? *s : s->substr(0, nl);
}

// Decimal number in a sysfs file, or -1.
inline long long read_number(const std::string& path) {
    std::string s = read_line(path);
    if (s.empty())
        return -1;
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno != 0 || end == s.c_str())
        return -1;
    return v;
}

// One write(2) of text, as `echo text > path` does. Returns 0 or the errno.
inline int write_file(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    ssize_t n = ::write(fd, text.data(), text.size());
    int e = n < 0 ? errno : (static_cast<size_t>(n) == text.size() ? 0 : EIO);
    if (::close(fd) != 0 && e == 0)
        e = errno;
    return e;
}

// Names in a directory, sorted, without "." and "..".
inline std::vector<std::string> list_dir(const std::string& path) {
    std::vector<std::string> out;
    DIR* d = ::opendir(path.c_str());
    if (!d)
        return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..")
            out.push_back(n);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

inline std::string new_uuid() {
    return read_line("/proc/sys/kernel/random/uuid");
}

// The module's mdev parent: /sys/class/mdev_bus/<name>. The parent whose
// name is VGPU_PARENT_DEVICE; failing that, the only parent there is.
inline std::string find_parent() {
    auto parents = list_dir(kMdevBusClass);
    for (const auto& p : parents) {
        if (p == VGPU_PARENT_DEVICE)
            return std::string(kMdevBusClass) + "/" + p;
    }
    if (parents.size() == 1)
        return std::string(kMdevBusClass) + "/" + parents[0];
    return {};
}

struct MdevType {
    std::string id;    // directory name, e.g. vgpu_mediator-small
    std::string path;  // .../mdev_supported_types/<id>
    std::string name;  // contents of `name`
    long long available() const { return read_number(path + "/available_instances"); }
};

inline std::vector<MdevType> list_types(const std::string& parent) {
    std::vector<MdevType> out;
    std::string dir = parent + "/mdev_supported_types";
    for (const auto& id : list_dir(dir)) {
        MdevType t;
        t.id = id;
        t.path = dir + "/" + id;
        t.name = read_line(t.path + "/name");
        out.push_back(t);
    }
    return out;
}

inline std::string device_path(const std::string& uuid) {
    return std::string(kMdevDevices) + "/" + uuid;
}

// An mdev instance that is removed when this goes out of scope.
class MdevInstance {
public:
    MdevInstance() = default;
    MdevInstance(const MdevInstance&) = delete;
    MdevInstance& operator=(const MdevInstance&) = delete;
    MdevInstance(MdevInstance&& o) noexcept : uuid_(std::exchange(o.uuid_, {})) {}
    MdevInstance& operator=(MdevInstance&& o) noexcept {
        if (this != &o) {
            remove();
            uuid_ = std::exchange(o.uuid_, {});
        }
        return *this;
    }
    ~MdevInstance() { remove(); }

    // Creates an instance of `type`; returns 0 or the errno of the write.
    int create(const MdevType& type) {
        remove();
        std::string u = new_uuid();
        int e = write_file(type.path + "/create", u);
        if (e == 0)
            uuid_ = u;
        return e;
    }
    // Removes it through sysfs; returns 0 or the errno of the write.
    int remove() {
        if (uuid_.empty())
            return 0;
        int e = write_file(path() + "/remove", "1");
        uuid_.clear();
        return e;
    }
    // Stops tracking it (it is gone already, e.g. with its module).
    void forget() { uuid_.clear(); }
    const std::string& uuid() const { return uuid_; }
    std::string path() const { return device_path(uuid_); }
    explicit operator bool() const { return !uuid_.empty(); }

private:
    std::string uuid_;
};

}  // namespace vmtest
