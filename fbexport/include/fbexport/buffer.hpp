#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "fbexport/memory_mapping.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

// A buffer shared by fd (a dma-buf or a memfd), with a read-only CPU mapping
// made on first use and kept for the buffer's life, so a cached buffer costs
// one mmap however many frames show it.
class Buffer {
public:
    Buffer(UniqueFd fd, std::size_t size, std::string name)
        : fd_(std::move(fd)), size_(size), name_(std::move(name)) {}

    int fd() const { return fd_.get(); }
    std::size_t size() const { return size_; }
    const std::string& name() const { return name_; }  // for error messages and logs

    // The buffer's bytes for CPU reads; throws fbx::Error when it cannot be mapped.
    const std::uint8_t* map() const;

private:
    UniqueFd fd_;
    std::size_t size_;
    std::string name_;
    mutable std::once_flag mapped_once_;
    mutable MemoryMapping mapping_;
};

}  // namespace fbx
