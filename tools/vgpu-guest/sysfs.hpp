#pragma once

#include <cstdint>
#include <string>

namespace vgpu {

// Small sysfs accessors; each throws fbx::Error naming the path and errno.
std::string read_sysfs(const std::string& path);  // trailing newline removed
std::uint64_t read_sysfs_u64(const std::string& path);
void write_sysfs(const std::string& path, const std::string& value);

}  // namespace vgpu
