#include "fbexport/cpu_read_access.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "fbexport/buffer.hpp"
#include "fbexport/error.hpp"

namespace fbx {
namespace {

UniqueFd memfd() {
    UniqueFd fd(::memfd_create("cpu-read-access-test", MFD_CLOEXEC));
    EXPECT_TRUE(fd.valid());
    EXPECT_EQ(::ftruncate(fd.get(), 4096), 0);
    return fd;
}

TEST(CpuReadAccess, PlainMemoryNeedsNoBracket) {
    const Buffer buffer(memfd(), 4096, "a memfd");
    const CpuReadAccess access = buffer.begin_cpu_read();
    EXPECT_FALSE(access.active());
}

// A memfd is no dma-buf: the kernel refuses DMA_BUF_IOCTL_SYNC on it, and
// the error names the buffer and the errno text.
TEST(CpuReadAccess, ARefusedStartNamesTheBuffer) {
    const Buffer buffer(memfd(), 4096, "dma-buf 3 of vGPU x (primary plane)", BufferKind::dmabuf);
    try {
        const CpuReadAccess access = buffer.begin_cpu_read();
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("DMA_BUF_IOCTL_SYNC"), std::string::npos) << message;
        EXPECT_NE(message.find("dma-buf 3 of vGPU x (primary plane)"), std::string::npos)
            << message;
        EXPECT_NE(message.find("ioctl"), std::string::npos) << message;
    }
}

TEST(CpuReadAccess, MovesEndOnce) {
    CpuReadAccess a;
    CpuReadAccess b = std::move(a);
    EXPECT_FALSE(b.active());
    EXPECT_FALSE(a.active());  // NOLINT(bugprone-use-after-move): moved-from is inactive
}

}  // namespace
}  // namespace fbx
