#include "fbexport/cpu_read_access.hpp"

#include <linux/dma-buf.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx {
namespace {

// The ioctl may be interrupted by a signal before it did anything: retry.
int sync_ioctl(int fd, std::uint64_t flags) {
    dma_buf_sync sync{};
    sync.flags = flags;
    int rc;
    do {
        rc = ::ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
    } while (rc != 0 && (errno == EINTR || errno == EAGAIN));
    return rc;
}

}  // namespace

CpuReadAccess::CpuReadAccess(int fd, bool sync, const std::string& what) {
    if (!sync) {
        return;
    }
    if (sync_ioctl(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) != 0) {
        throw_errno("DMA_BUF_IOCTL_SYNC (start of CPU read) on " + what);
    }
    fd_ = fd;
    what_ = what;
}

CpuReadAccess& CpuReadAccess::operator=(CpuReadAccess&& other) noexcept {
    if (this != &other) {
        end();
        fd_ = std::exchange(other.fd_, -1);
        what_ = std::move(other.what_);
    }
    return *this;
}

void CpuReadAccess::end() noexcept {
    if (fd_ < 0) {
        return;
    }
    // An end the exporter refuses leaves nothing for us to undo; say so, as
    // it points at a kernel problem, but the pixels were read already.
    if (sync_ioctl(fd_, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) != 0) {
        const int err = errno;
        try {
            log(LogLevel::warn, "dma-buf") << "DMA_BUF_IOCTL_SYNC (end of CPU read) on " << what_
                                           << ": " << std::strerror(err);
        } catch (...) {
            // Out of memory for a log line: nothing better to do from a destructor.
        }
    }
    fd_ = -1;
}

}  // namespace fbx
