#pragma once

#include <string>
#include <utility>

namespace fbx {

// Brackets CPU reads of a dma-buf with DMA_BUF_IOCTL_SYNC (START|READ on
// construction, END|READ on destruction), as the dma-buf rules require of a
// CPU reader: an exporter whose memory is not coherent with the CPU (or that
// is being written by a device) flushes or waits there. For buffers that are
// plain memory (memfds) there is nothing to bracket: pass sync = false.
class CpuReadAccess {
public:
    CpuReadAccess() = default;
    // Throws fbx::Error naming `what` and the errno text when the exporter
    // refuses the start of the access.
    CpuReadAccess(int fd, bool sync, const std::string& what);
    CpuReadAccess(CpuReadAccess&& other) noexcept
        : fd_(std::exchange(other.fd_, -1)), what_(std::move(other.what_)) {}
    CpuReadAccess& operator=(CpuReadAccess&& other) noexcept;
    CpuReadAccess(const CpuReadAccess&) = delete;
    CpuReadAccess& operator=(const CpuReadAccess&) = delete;
    ~CpuReadAccess() { end(); }

    bool active() const { return fd_ >= 0; }

private:
    void end() noexcept;

    int fd_ = -1;  // not owned: the Buffer keeps the fd open for longer than this
    std::string what_;
};

}  // namespace fbx
