#include "vfio_region.hpp"

#include <linux/vfio.h>

#include <cstring>

#include "fbexport/error.hpp"

namespace vgpu {
namespace {

// Copies a struct out of the answer; the buffer has no alignment promise.
template <typename T>
T read_struct(std::span<const std::uint8_t> buffer, std::size_t offset) {
    T value;
    std::memcpy(&value, buffer.data() + offset, sizeof(T));
    return value;
}

void parse_sparse_mmap(std::span<const std::uint8_t> buffer, std::size_t at, RegionInfo& info,
                       const std::string& what) {
    using Cap = vfio_region_info_cap_sparse_mmap;
    if (buffer.size() - at < sizeof(Cap)) {
        throw fbx::Error(what + ": sparse-mmap capability at " + std::to_string(at) +
                         " is truncated");
    }
    const auto cap = read_struct<Cap>(buffer, at);
    const std::size_t areas_at = at + sizeof(Cap);
    const std::size_t room = (buffer.size() - areas_at) / sizeof(vfio_region_sparse_mmap_area);
    if (cap.nr_areas > room) {
        throw fbx::Error(what + ": sparse-mmap capability claims " + std::to_string(cap.nr_areas) +
                         " areas but the answer holds only " + std::to_string(room));
    }
    info.has_sparse_mmap = true;
    for (std::uint32_t i = 0; i < cap.nr_areas; ++i) {
        const auto area = read_struct<vfio_region_sparse_mmap_area>(
            buffer, areas_at + i * sizeof(vfio_region_sparse_mmap_area));
        info.sparse_areas.push_back({area.offset, area.size});
    }
}

}  // namespace

bool RegionInfo::readable() const {
    return (flags & VFIO_REGION_INFO_FLAG_READ) != 0;
}
bool RegionInfo::writable() const {
    return (flags & VFIO_REGION_INFO_FLAG_WRITE) != 0;
}
bool RegionInfo::mappable() const {
    return (flags & VFIO_REGION_INFO_FLAG_MMAP) != 0;
}

RegionInfo parse_region_info(std::span<const std::uint8_t> buffer, const std::string& what) {
    if (buffer.size() < sizeof(vfio_region_info)) {
        throw fbx::Error(what + ": region info answer of " + std::to_string(buffer.size()) +
                         " bytes is shorter than struct vfio_region_info");
    }
    const auto raw = read_struct<vfio_region_info>(buffer, 0);
    RegionInfo info;
    info.index = raw.index;
    info.flags = raw.flags;
    info.size = raw.size;
    info.offset = raw.offset;
    if ((raw.flags & VFIO_REGION_INFO_FLAG_CAPS) == 0 || raw.cap_offset == 0) {
        return info;
    }
    // Each capability must lie after the previous one: that bounds the walk.
    std::size_t at = raw.cap_offset;
    std::size_t floor = sizeof(vfio_region_info);
    while (at != 0) {
        if (at < floor || at > buffer.size() || buffer.size() - at < sizeof(vfio_info_cap_header)) {
            throw fbx::Error(what + ": capability chain points at byte " + std::to_string(at) +
                             ", outside [" + std::to_string(floor) + ", " +
                             std::to_string(buffer.size()) + ")");
        }
        const auto header = read_struct<vfio_info_cap_header>(buffer, at);
        info.cap_ids.push_back(header.id);
        if (header.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
            parse_sparse_mmap(buffer, at, info, what);
        }
        floor = at + sizeof(vfio_info_cap_header);
        at = header.next;
    }
    return info;
}

std::string region_name(std::uint32_t index) {
    switch (index) {
        case VFIO_PCI_BAR0_REGION_INDEX:
        case VFIO_PCI_BAR1_REGION_INDEX:
        case VFIO_PCI_BAR2_REGION_INDEX:
        case VFIO_PCI_BAR3_REGION_INDEX:
        case VFIO_PCI_BAR4_REGION_INDEX:
        case VFIO_PCI_BAR5_REGION_INDEX:
            return "BAR" + std::to_string(index);
        case VFIO_PCI_ROM_REGION_INDEX:
            return "ROM";
        case VFIO_PCI_CONFIG_REGION_INDEX:
            return "CONFIG";
        case VFIO_PCI_VGA_REGION_INDEX:
            return "VGA";
        default:
            return "region " + std::to_string(index);
    }
}

}  // namespace vgpu
