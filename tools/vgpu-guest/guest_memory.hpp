#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fbexport/memory_mapping.hpp"
#include "fbexport/unique_fd.hpp"

namespace vgpu {

class VfioContainer;

// "Guest RAM" as a VMM provides it: memfd pages mapped into this process and
// into the VFIO container at an IOVA (the guest-physical address a GTT entry
// holds), as QEMU maps guest memory with VFIO_IOMMU_MAP_DMA. The DMA mapping
// is undone on destruction, or earlier with unmap_dma() (the VMM taking memory
// away from the guest, which the mediator must notice).
class GuestMemory {
public:
    GuestMemory(const VfioContainer& container, std::uint64_t iova, std::size_t size);
    GuestMemory(GuestMemory&&) = delete;
    GuestMemory& operator=(GuestMemory&&) = delete;
    ~GuestMemory();

    std::uint64_t iova() const { return iova_; }
    std::size_t size() const { return mapping_.size(); }
    std::span<std::uint8_t> bytes() const;
    bool dma_mapped() const { return dma_mapped_; }

    // VFIO_IOMMU_UNMAP_DMA of the whole range. Throws with errno on failure.
    void unmap_dma();
    // The container is being closed and takes its mappings with it: the
    // destructor must not touch its fd any more.
    void container_closed() { dma_mapped_ = false; }

private:
    int container_fd_;
    std::uint64_t iova_;
    fbx::UniqueFd memfd_;
    fbx::MemoryMapping mapping_;
    bool dma_mapped_ = false;
};

}  // namespace vgpu
