#include "guest_memory.hpp"

#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fbexport/error.hpp"
#include "hex_string.hpp"
#include "vfio_container.hpp"

namespace vgpu {
namespace {

fbx::UniqueFd make_memfd(std::size_t size) {
    fbx::UniqueFd fd(::memfd_create("vgpu-guest-ram", MFD_CLOEXEC));
    if (!fd) {
        fbx::throw_errno("memfd_create for guest RAM");
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
        fbx::throw_errno("ftruncate guest RAM to " + std::to_string(size) + " bytes");
    }
    return fd;
}

}  // namespace

GuestMemory::GuestMemory(const VfioContainer& container, std::uint64_t iova, std::size_t size)
    : container_fd_(container.fd()),
      iova_(iova),
      memfd_(make_memfd(size)),
      mapping_(memfd_.get(), size, true, "guest RAM") {
    vfio_iommu_type1_dma_map map{};
    map.argsz = sizeof(map);
    map.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
    map.vaddr = reinterpret_cast<std::uintptr_t>(mapping_.data());
    map.iova = iova;
    map.size = size;
    if (::ioctl(container_fd_, VFIO_IOMMU_MAP_DMA, &map) != 0) {
        fbx::throw_errno("VFIO_IOMMU_MAP_DMA of " + std::to_string(size) + " bytes at IOVA " +
                         hex(iova));
    }
    dma_mapped_ = true;
}

GuestMemory::~GuestMemory() {
    if (dma_mapped_) {
        try {
            unmap_dma();
        } catch (const fbx::Error&) {
            // the container may already be gone with its mappings
        }
    }
}

std::span<std::uint8_t> GuestMemory::bytes() const {
    return {mapping_.data(), mapping_.size()};
}

void GuestMemory::unmap_dma() {
    vfio_iommu_type1_dma_unmap unmap{};
    unmap.argsz = sizeof(unmap);
    unmap.iova = iova_;
    unmap.size = mapping_.size();
    if (::ioctl(container_fd_, VFIO_IOMMU_UNMAP_DMA, &unmap) != 0) {
        fbx::throw_errno("VFIO_IOMMU_UNMAP_DMA at IOVA " + hex(iova_));
    }
    dma_mapped_ = false;
}

}  // namespace vgpu
