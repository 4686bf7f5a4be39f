#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "fbexport/cpu_read_access.hpp"
#include "fbexport/memory_mapping.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

// What kind of memory a buffer's fd is: CPU reads of a dma-buf are bracketed
// with DMA_BUF_IOCTL_SYNC, plain memory (a memfd) needs no bracket.
enum class BufferKind { memory, dmabuf };

// A buffer shared by fd (a dma-buf or a memfd), with a read-only CPU mapping
// made on first use and kept for the buffer's life, so a cached buffer costs
// one mmap however many frames show it.
class Buffer {
public:
    Buffer(UniqueFd fd, std::size_t size, std::string name, BufferKind kind = BufferKind::memory)
        : fd_(std::move(fd)), size_(size), name_(std::move(name)), kind_(kind) {}

    int fd() const { return fd_.get(); }
    std::size_t size() const { return size_; }
    const std::string& name() const { return name_; }  // for error messages and logs
    BufferKind kind() const { return kind_; }

    // The buffer's bytes for CPU reads; throws fbx::Error when it cannot be mapped.
    const std::uint8_t* map() const;

    // Hold the result while reading the mapped bytes (see CpuReadAccess);
    // throws fbx::Error naming the buffer when a dma-buf refuses the access.
    [[nodiscard]] CpuReadAccess begin_cpu_read() const {
        return CpuReadAccess(fd_.get(), kind_ == BufferKind::dmabuf, name_);
    }

private:
    UniqueFd fd_;
    std::size_t size_;
    std::string name_;
    BufferKind kind_;
    mutable std::once_flag mapped_once_;
    mutable MemoryMapping mapping_;
};

}  // namespace fbx
