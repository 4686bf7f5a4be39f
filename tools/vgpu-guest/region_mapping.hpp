#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

namespace vgpu {

// A shared mmap() of `size` bytes of an fd from `offset` (fbx::MemoryMapping
// always maps from 0; VFIO regions sit at their own offsets), unmapped on
// destruction.
class RegionMapping {
public:
    RegionMapping() = default;
    RegionMapping(int fd, std::uint64_t offset, std::size_t size, bool writable,
                  const std::string& what);
    RegionMapping(RegionMapping&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    RegionMapping& operator=(RegionMapping&& other) noexcept;
    RegionMapping(const RegionMapping&) = delete;
    RegionMapping& operator=(const RegionMapping&) = delete;
    ~RegionMapping() { unmap(); }

    std::uint8_t* data() const { return static_cast<std::uint8_t*>(data_); }
    std::size_t size() const { return size_; }
    std::span<std::uint8_t> bytes() const { return {data(), size_}; }
    explicit operator bool() const { return data_ != nullptr; }

private:
    void unmap();

    void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace vgpu
