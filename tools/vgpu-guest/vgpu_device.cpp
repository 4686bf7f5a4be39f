#include "vgpu_device.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "fbexport/error.hpp"
#include "hex_string.hpp"
#include "vgpu_mediator.h"

namespace vgpu {
namespace {

std::uint32_t irq_index(IrqMode mode) {
    return mode == IrqMode::msi ? VFIO_PCI_MSI_IRQ_INDEX : VFIO_PCI_INTX_IRQ_INDEX;
}

const char* irq_name(IrqMode mode) {
    return mode == IrqMode::msi ? "MSI" : "INTx";
}

}  // namespace

std::string register_name(std::uint32_t reg) {
    static constexpr std::array<const char*, 25> globals{
        "ID",           "VERSION",          "CAPS",
        "VRAM_SIZE_LO", "VRAM_SIZE_HI",     "MAX_WIDTH",
        "MAX_HEIGHT",   "CURSOR_MAX_WIDTH", "CURSOR_MAX_HEIGHT",
        "NUM_PLANES",   "COMMIT",           "FLIP_COUNT",
        "INT_STATUS",   "INT_ENABLE",       "INVALID_COUNT",
        "PLANE_VALID",  "SCRATCH",          "GTT_ENTRIES",
        "PINNED_PAGES", "MODE_HINT_WIDTH",  "MODE_HINT_HEIGHT",
        "LINK_STATE",   "EDID_SIZE",        "DAMAGE_COUNT",
        "DAMAGE_MODE"};
    static constexpr std::array<const char*, 15> plane_regs{
        "ENABLE",    "FORMAT", "MODIFIER_LO", "MODIFIER_HI", "OFFSET_LO",
        "OFFSET_HI", "WIDTH",  "HEIGHT",      "STRIDE",      "POS_X",
        "POS_Y",     "HOT_X",  "HOT_Y",       "STATUS",      "MEMORY"};
    static constexpr std::array<const char*, 3> damage_regs{"XY", "WH", "FULL"};
    if (reg % 4 == 0 && reg / 4 < globals.size()) {
        return globals[reg / 4];
    }
    if (reg >= VGPU_DAMAGE_BASE_0 && reg < VGPU_DAMAGE_REG(VGPU_NUM_PLANES, 0) && reg % 4 == 0) {
        const std::uint32_t plane = (reg - VGPU_DAMAGE_BASE_0) / VGPU_DAMAGE_STRIDE;
        const std::uint32_t field = (reg - VGPU_DAMAGE_REG(plane, 0)) / 4;
        if (field < damage_regs.size()) {
            return "DAMAGE" + std::to_string(plane) + "." + damage_regs[field];
        }
    }
    if (reg >= VGPU_PLANE_BASE_0 && reg < VGPU_PLANE_BASE(VGPU_NUM_PLANES) && reg % 4 == 0) {
        const std::uint32_t plane = (reg - VGPU_PLANE_BASE_0) / VGPU_PLANE_STRIDE;
        const std::uint32_t field = (reg - VGPU_PLANE_BASE(plane)) / 4;
        if (field < plane_regs.size()) {
            return "PLANE" + std::to_string(plane) + "." + plane_regs[field];
        }
    }
    return "register " + hex(reg);
}

std::string plane_status_name(std::uint32_t status) {
    static constexpr std::array<const char*, VGPU_PLANE_ERR_COUNT> names{
        "OK",         "ERR_DISABLED", "ERR_FORMAT", "ERR_MODIFIER", "ERR_SIZE",
        "ERR_STRIDE", "ERR_ALIGN",    "ERR_RANGE",  "ERR_HOTSPOT",  "ERR_GTT"};
    return status < names.size() ? names[status] : "status " + std::to_string(status);
}

// Errors from the container and group do not know the device yet: a
// function-try-block adds it.
VgpuDevice::VgpuDevice(const std::string& uuid) try
    : uuid_(uuid),
      group_number_(mdev_iommu_group(uuid)),
      group_(group_number_, container_),
      device_(group_, uuid),
      bar0_(device_.region_info(VFIO_PCI_BAR0_REGION_INDEX)),
      bar2_(device_.region_info(VFIO_PCI_BAR2_REGION_INDEX)),
      bar4_(device_.region_info(VFIO_PCI_BAR4_REGION_INDEX)),
      config_(device_.region_info(VFIO_PCI_CONFIG_REGION_INDEX)) {
    if (bar2_.size < VGPU_BAR2_SIZE || !bar2_.readable() || !bar2_.writable()) {
        throw fbx::Error(context("BAR2 (registers) is " + std::to_string(bar2_.size) +
                                 " bytes, flags " + hex(bar2_.flags) + "; expected " +
                                 std::to_string(VGPU_BAR2_SIZE) + " bytes, read/write"));
    }
} catch (const fbx::Error& e) {
    const std::string prefix = "vGPU " + uuid + ": ";
    if (std::string_view(e.what()).starts_with(prefix)) {
        throw;
    }
    throw fbx::Error(prefix + e.what());
}

std::uint32_t VgpuDevice::read_reg(std::uint32_t reg) const {
    std::uint32_t value = 0;
    device_.read(bar2_.offset + reg, &value, sizeof(value), "BAR2 " + register_name(reg));
    return value;
}

void VgpuDevice::write_reg(std::uint32_t reg, std::uint32_t value) const {
    device_.write(bar2_.offset + reg, &value, sizeof(value),
                  "BAR2 " + register_name(reg) + " = " + hex(value));
}

std::uint8_t VgpuDevice::read_config8(std::uint32_t at) const {
    std::uint8_t value = 0;
    device_.read(config_.offset + at, &value, sizeof(value), "config space byte " + hex(at));
    return value;
}

std::uint16_t VgpuDevice::read_config16(std::uint32_t at) const {
    std::uint16_t value = 0;
    device_.read(config_.offset + at, &value, sizeof(value), "config space word " + hex(at));
    return value;
}

std::uint32_t VgpuDevice::read_config32(std::uint32_t at) const {
    std::uint32_t value = 0;
    device_.read(config_.offset + at, &value, sizeof(value), "config space dword " + hex(at));
    return value;
}

void VgpuDevice::write_config32(std::uint32_t at, std::uint32_t value) const {
    device_.write(config_.offset + at, &value, sizeof(value),
                  "config space dword " + hex(at) + " = " + hex(value));
}

std::uint64_t VgpuDevice::vram_size() const {
    return std::uint64_t{read_reg(VGPU_REG_VRAM_SIZE_HI)} << 32 | read_reg(VGPU_REG_VRAM_SIZE_LO);
}

RegionMapping VgpuDevice::map_vram() const {
    if (!bar0_.mappable() || bar0_.sparse_areas.empty()) {
        throw fbx::Error(context("BAR0 (VRAM) offers no mmappable area (flags " + hex(bar0_.flags) +
                                 ", " + std::to_string(bar0_.sparse_areas.size()) +
                                 " sparse areas)"));
    }
    // The first area is the VRAM (ABI.md); the register page is trapped.
    const SparseArea& area = bar0_.sparse_areas.front();
    return RegionMapping(device_.fd(), bar0_.offset + area.offset, area.size, true,
                         context("BAR0 VRAM area " + hex(area.offset) + "+" + hex(area.size)));
}

std::span<std::uint8_t> VgpuDevice::vram() {
    if (!vram_) {
        vram_ = map_vram();
    }
    return vram_.bytes();
}

void VgpuDevice::program_plane(std::uint32_t plane, const PlaneConfig& c) const {
    const auto reg = [plane](std::uint32_t r) { return VGPU_PLANE_REG(plane, r); };
    write_reg(reg(VGPU_PLANE_ENABLE), c.enable ? 1 : 0);
    write_reg(reg(VGPU_PLANE_FORMAT), c.format);
    write_reg(reg(VGPU_PLANE_MODIFIER_LO), static_cast<std::uint32_t>(c.modifier));
    write_reg(reg(VGPU_PLANE_MODIFIER_HI), static_cast<std::uint32_t>(c.modifier >> 32));
    write_reg(reg(VGPU_PLANE_OFFSET_LO), static_cast<std::uint32_t>(c.offset));
    write_reg(reg(VGPU_PLANE_OFFSET_HI), static_cast<std::uint32_t>(c.offset >> 32));
    write_reg(reg(VGPU_PLANE_WIDTH), c.width);
    write_reg(reg(VGPU_PLANE_HEIGHT), c.height);
    write_reg(reg(VGPU_PLANE_STRIDE_BYTES), c.stride);
    write_reg(reg(VGPU_PLANE_POS_X), static_cast<std::uint32_t>(c.pos_x));
    write_reg(reg(VGPU_PLANE_POS_Y), static_cast<std::uint32_t>(c.pos_y));
    write_reg(reg(VGPU_PLANE_HOT_X), c.hot_x);
    write_reg(reg(VGPU_PLANE_HOT_Y), c.hot_y);
    write_reg(reg(VGPU_PLANE_MEMORY), c.memory);
}

PlaneConfig VgpuDevice::read_plane(std::uint32_t plane) const {
    const auto get = [this, plane](std::uint32_t r) { return read_reg(VGPU_PLANE_REG(plane, r)); };
    PlaneConfig c;
    c.enable = get(VGPU_PLANE_ENABLE) != 0;
    c.format = get(VGPU_PLANE_FORMAT);
    c.modifier = std::uint64_t{get(VGPU_PLANE_MODIFIER_HI)} << 32 | get(VGPU_PLANE_MODIFIER_LO);
    c.offset = std::uint64_t{get(VGPU_PLANE_OFFSET_HI)} << 32 | get(VGPU_PLANE_OFFSET_LO);
    c.width = get(VGPU_PLANE_WIDTH);
    c.height = get(VGPU_PLANE_HEIGHT);
    c.stride = get(VGPU_PLANE_STRIDE_BYTES);
    c.pos_x = static_cast<std::int32_t>(get(VGPU_PLANE_POS_X));
    c.pos_y = static_cast<std::int32_t>(get(VGPU_PLANE_POS_Y));
    c.hot_x = get(VGPU_PLANE_HOT_X);
    c.hot_y = get(VGPU_PLANE_HOT_Y);
    c.memory = get(VGPU_PLANE_MEMORY);
    return c;
}

void VgpuDevice::commit(std::uint32_t mask) const {
    write_reg(VGPU_REG_COMMIT, mask);
}

std::uint32_t VgpuDevice::plane_status(std::uint32_t plane) const {
    return read_reg(VGPU_PLANE_REG(plane, VGPU_PLANE_STATUS));
}

void VgpuDevice::draw(const PlaneConfig& config, Pattern pattern, std::uint32_t frame) {
    const auto memory = vram();
    if (config.offset > memory.size()) {
        throw fbx::Error(context("surface offset " + hex(config.offset) +
                                 " lies beyond the mapped VRAM of " + hex(memory.size()) +
                                 " bytes"));
    }
    const auto surface = plane_surface(config, memory.data() + config.offset,
                                       memory.size() - static_cast<std::size_t>(config.offset));
    if (!surface) {
        throw fbx::Error(
            context("cannot draw " + describe(config) + ": unknown format or modifier"));
    }
    try {
        draw_pattern(*surface, pattern, frame);
    } catch (const fbx::Error& e) {
        throw fbx::Error(context(e.what()));
    }
}

bool VgpuDevice::probe_dmabuf() const {
    vfio_device_gfx_plane_info info{};
    info.argsz = sizeof(info);
    info.flags = VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF;
    if (::ioctl(device_.fd(), VFIO_DEVICE_QUERY_GFX_PLANE, &info) == 0) {
        return true;
    }
    if (errno == EINVAL) {
        return false;
    }
    fbx::throw_errno(context("VFIO_DEVICE_QUERY_GFX_PLANE (probe dma-buf)"));
}

vfio_device_gfx_plane_info VgpuDevice::query_plane(std::uint32_t drm_plane_type) const {
    vfio_device_gfx_plane_info info{};
    info.argsz = sizeof(info);
    info.flags = VFIO_GFX_PLANE_TYPE_DMABUF;
    info.drm_plane_type = drm_plane_type;
    if (::ioctl(device_.fd(), VFIO_DEVICE_QUERY_GFX_PLANE, &info) != 0) {
        fbx::throw_errno(context(
            "VFIO_DEVICE_QUERY_GFX_PLANE (dma-buf, " +
            std::string(drm_plane_type == drm_plane_cursor ? "cursor" : "primary") + " plane)"));
    }
    return info;
}

fbx::UniqueFd VgpuDevice::get_dmabuf(std::uint32_t dmabuf_id) const {
    std::uint32_t id = dmabuf_id;
    const int fd = ::ioctl(device_.fd(), VFIO_DEVICE_GET_GFX_DMABUF, &id);
    if (fd < 0) {
        fbx::throw_errno(
            context("VFIO_DEVICE_GET_GFX_DMABUF (dmabuf_id " + std::to_string(dmabuf_id) + ")"));
    }
    return fbx::UniqueFd(fd);
}

fbx::UniqueFd VgpuDevice::enable_flip_irq(IrqMode mode) const {
    fbx::UniqueFd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!efd) {
        fbx::throw_errno(context(std::string("eventfd for ") + irq_name(mode)));
    }
    device_.set_irq_eventfd(irq_index(mode), efd.get());
    write_reg(VGPU_REG_INT_ENABLE, VGPU_INT_FLIP_DONE);
    return efd;
}

void VgpuDevice::disable_irq(IrqMode mode) const {
    write_reg(VGPU_REG_INT_ENABLE, 0);
    device_.disable_irq(irq_index(mode));
}

bool VgpuDevice::wait_eventfd(int eventfd, std::chrono::milliseconds timeout) {
    pollfd p{eventfd, POLLIN, 0};
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n < 0) {
        fbx::throw_errno("poll of interrupt eventfd " + std::to_string(eventfd));
    }
    if (n == 0) {
        return false;
    }
    std::uint64_t count = 0;
    if (::read(eventfd, &count, sizeof(count)) != sizeof(count) && errno != EAGAIN) {
        fbx::throw_errno("read of interrupt eventfd " + std::to_string(eventfd));
    }
    return true;
}

void VgpuDevice::ack_irqs(std::uint32_t bits) const {
    write_reg(VGPU_REG_INT_STATUS, bits);
}

fbx::UniqueFd VgpuDevice::enable_event_irq() const {
    fbx::UniqueFd efd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!efd) {
        fbx::throw_errno(context("eventfd for the display event interrupt"));
    }
    device_.set_irq_eventfd(VGPU_EVENT_IRQ_INDEX, efd.get());
    return efd;
}

std::uint32_t VgpuDevice::gtt_entries() const {
    return static_cast<std::uint32_t>(bar4_.size / VGPU_GTT_ENTRY_SIZE);
}

void VgpuDevice::write_gtt(std::uint32_t index, std::uint64_t entry) const {
    device_.write(bar4_.offset + std::uint64_t{index} * VGPU_GTT_ENTRY_SIZE, &entry, sizeof(entry),
                  "BAR4 GTT entry " + std::to_string(index) + " = " + hex(entry));
}

std::uint64_t VgpuDevice::read_gtt(std::uint32_t index) const {
    std::uint64_t entry = 0;
    device_.read(bar4_.offset + std::uint64_t{index} * VGPU_GTT_ENTRY_SIZE, &entry, sizeof(entry),
                 "BAR4 GTT entry " + std::to_string(index));
    return entry;
}

void VgpuDevice::map_gtt(std::uint32_t first_entry, std::uint64_t iova, std::uint32_t pages) const {
    for (std::uint32_t i = 0; i < pages; i++) {
        write_gtt(first_entry + i, (iova + std::uint64_t{i} * VGPU_GTT_PAGE_SIZE) | VGPU_GTT_VALID);
    }
}

void VgpuDevice::post_damage(std::uint32_t plane, std::uint32_t x, std::uint32_t y,
                             std::uint32_t width, std::uint32_t height) const {
    write_reg(VGPU_DAMAGE_REG(plane, VGPU_DAMAGE_XY), (x & 0xffff) | y << 16);
    write_reg(VGPU_DAMAGE_REG(plane, VGPU_DAMAGE_WH), (width & 0xffff) | height << 16);
}

void VgpuDevice::post_full_damage(std::uint32_t plane) const {
    write_reg(VGPU_DAMAGE_REG(plane, VGPU_DAMAGE_FULL), 1);
}

}  // namespace vgpu
