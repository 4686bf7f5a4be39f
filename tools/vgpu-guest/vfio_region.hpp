#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace vgpu {

// One directly mappable part of a region (VFIO_REGION_INFO_CAP_SPARSE_MMAP),
// relative to the region's start.
struct SparseArea {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

// What VFIO_DEVICE_GET_REGION_INFO says of one region, capabilities decoded.
struct RegionInfo {
    std::uint32_t index = 0;
    std::uint32_t flags = 0;   // VFIO_REGION_INFO_FLAG_*
    std::uint64_t size = 0;    // bytes; 0 = absent
    std::uint64_t offset = 0;  // where the region starts in the device fd
    bool has_sparse_mmap = false;
    std::vector<SparseArea> sparse_areas;
    std::vector<std::uint16_t> cap_ids;  // every capability in the chain, in order

    bool readable() const;
    bool writable() const;
    bool mappable() const;
};

// Decodes the capability chain of a VFIO_DEVICE_GET_REGION_INFO answer:
// `buffer` is the whole answer (struct vfio_region_info followed by its
// capabilities). The chain comes from the kernel but is still checked: a
// `next` that points backwards, outside the buffer or at a truncated
// capability throws fbx::Error naming `what`, rather than looping or reading
// past the end.
RegionInfo parse_region_info(std::span<const std::uint8_t> buffer, const std::string& what);

// "BAR0", "BAR2", "CONFIG", "ROM", "VGA" or "region N".
std::string region_name(std::uint32_t index);

}  // namespace vgpu
