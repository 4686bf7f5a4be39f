#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace fbx {

// One mmap()ed range, unmapped on destruction.
class MemoryMapping {
public:
    MemoryMapping() = default;
    // Maps `size` bytes of `fd` from offset 0; `what` names the object for errors.
    MemoryMapping(int fd, std::size_t size, bool writable, const std::string& what);
    MemoryMapping(MemoryMapping&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    MemoryMapping& operator=(MemoryMapping&& other) noexcept;
    MemoryMapping(const MemoryMapping&) = delete;
    MemoryMapping& operator=(const MemoryMapping&) = delete;
    ~MemoryMapping();

    std::uint8_t* data() const { return static_cast<std::uint8_t*>(data_); }
    std::size_t size() const { return size_; }

private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace fbx
