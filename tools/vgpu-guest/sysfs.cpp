#include "sysfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "fbexport/error.hpp"
#include "fbexport/unique_fd.hpp"

namespace vgpu {

std::string read_sysfs(const std::string& path) {
    fbx::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        fbx::throw_errno("open " + path);
    }
    std::string text;
    char chunk[256];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof(chunk));
        if (n < 0) {
            fbx::throw_errno("read " + path);
        }
        if (n == 0) {
            break;
        }
        text.append(chunk, static_cast<std::size_t>(n));
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

std::uint64_t read_sysfs_u64(const std::string& path) {
    const std::string text = read_sysfs(path);
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(text.c_str(), &end, 0);
    if (text.empty() || *end != '\0' || errno != 0) {
        throw fbx::Error(path + " holds '" + text + "', not a number");
    }
    return value;
}

void write_sysfs(const std::string& path, const std::string& value) {
    fbx::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) {
        fbx::throw_errno("open " + path + " for writing");
    }
    // sysfs takes a store in one write(); a short write is a refusal.
    const ssize_t n = ::write(fd.get(), value.data(), value.size());
    if (n < 0) {
        fbx::throw_errno("write '" + value + "' to " + path);
    }
    if (static_cast<std::size_t>(n) != value.size()) {
        throw fbx::Error("write '" + value + "' to " + path + ": only " + std::to_string(n) +
                         " bytes taken");
    }
}

}  // namespace vgpu
