#pragma once

#include <linux/vfio.h>

#include <chrono>
#include <cstdint>
#include <span>
#include <string>

#include "fbexport/unique_fd.hpp"
#include "plane_config.hpp"
#include "region_mapping.hpp"
#include "vfio_container.hpp"

namespace vgpu {

// Plane types of VFIO_DEVICE_QUERY_GFX_PLANE: the kernel's enum
// drm_plane_type, which no UAPI header exports.
inline constexpr std::uint32_t drm_plane_primary = 1;
inline constexpr std::uint32_t drm_plane_cursor = 2;

// Which interrupt delivery VFIO_DEVICE_SET_IRQS sets up.
enum class IrqMode { intx, msi };

// A vgpu_mediator vGPU driven as its guest driver would: registers through
// BAR2, VRAM through the mmapped part of BAR0, planes programmed and
// committed, interrupts through an eventfd. Also the host-side display ABI
// (plane query, dma-buf export), since the same VFIO fd offers both.
//
// Members are declared in teardown order reversed: the VRAM mapping goes
// first, then the device fd, then the group, then the container.
class VgpuDevice {
public:
    // Opens /sys/bus/mdev/devices/<uuid>'s IOMMU group in a fresh type1
    // container and takes the device fd.
    explicit VgpuDevice(const std::string& uuid);

    const std::string& uuid() const { return uuid_; }
    const VfioDevice& vfio() const { return device_; }
    const VfioContainer& container() const { return container_; }
    int group_number() const { return group_number_; }
    const RegionInfo& vram_region() const { return bar0_; }
    const RegionInfo& register_region() const { return bar2_; }
    const RegionInfo& gtt_region() const { return bar4_; }
    const RegionInfo& config_region() const { return config_; }

    // BAR2 registers: 4-byte pread/pwrite at the register's offset.
    std::uint32_t read_reg(std::uint32_t reg) const;
    void write_reg(std::uint32_t reg, std::uint32_t value) const;

    // PCI config space through the CONFIG region.
    std::uint8_t read_config8(std::uint32_t at) const;
    std::uint16_t read_config16(std::uint32_t at) const;
    std::uint32_t read_config32(std::uint32_t at) const;
    void write_config32(std::uint32_t at, std::uint32_t value) const;

    // Usable VRAM as the device reports it (VGPU_REG_VRAM_SIZE_LO/HI).
    std::uint64_t vram_size() const;
    // The directly mappable VRAM: BAR0's sparse-mmap area, mapped on first
    // use and kept for the device's life. Throws when BAR0 has no such area.
    std::span<std::uint8_t> vram();
    // A separate mapping of the same area, owned by the caller.
    RegionMapping map_vram() const;

    // Writes the pending copy of a plane's registers (all of them).
    void program_plane(std::uint32_t plane, const PlaneConfig& config) const;
    // Reads the pending copy back.
    PlaneConfig read_plane(std::uint32_t plane) const;
    // Latches the pending copies of the planes in `mask` (VGPU_REG_COMMIT).
    void commit(std::uint32_t mask) const;
    // VGPU_PLANE_STATUS of the latched copy (VGPU_PLANE_OK, VGPU_PLANE_ERR_*).
    std::uint32_t plane_status(std::uint32_t plane) const;

    // Draws `pattern` into VRAM where `config` puts the surface (nothing is
    // committed). Throws when the surface is not inside the mapped VRAM.
    void draw(const PlaneConfig& config, Pattern pattern, std::uint32_t frame);

    // VFIO_DEVICE_QUERY_GFX_PLANE with PROBE|DMABUF: true when the device
    // exports dma-bufs; false when it answers EINVAL; throws otherwise.
    bool probe_dmabuf() const;
    // VFIO_DEVICE_QUERY_GFX_PLANE of DMABUF type for `drm_plane_type`.
    vfio_device_gfx_plane_info query_plane(std::uint32_t drm_plane_type) const;
    // VFIO_DEVICE_GET_GFX_DMABUF: a new dma-buf fd for `dmabuf_id`.
    fbx::UniqueFd get_dmabuf(std::uint32_t dmabuf_id) const;

    // Creates an eventfd, makes it the trigger of `mode` and enables the
    // flip-done interrupt. The caller owns the eventfd; disable_irq() undoes.
    fbx::UniqueFd enable_flip_irq(IrqMode mode) const;
    void disable_irq(IrqMode mode) const;
    // Waits until the eventfd fires, consuming its count; false on timeout.
    static bool wait_eventfd(int eventfd, std::chrono::milliseconds timeout);
    // Acknowledges pending interrupts (INT_STATUS is write-1-to-clear).
    void ack_irqs(std::uint32_t bits) const;
    // An eventfd made the trigger of VGPU_EVENT_IRQ_INDEX (display events).
    fbx::UniqueFd enable_event_irq() const;

    // The GTT (BAR4): entries of 8 bytes, one per graphics page.
    std::uint32_t gtt_entries() const;
    void write_gtt(std::uint32_t index, std::uint64_t entry) const;
    std::uint64_t read_gtt(std::uint32_t index) const;
    // Points `pages` entries from `first_entry` at consecutive guest pages
    // from `iova`, marked valid.
    void map_gtt(std::uint32_t first_entry, std::uint64_t iova, std::uint32_t pages) const;

    // Damage registers: posts a rectangle of `plane`'s latched surface, or all of it.
    void post_damage(std::uint32_t plane, std::uint32_t x, std::uint32_t y, std::uint32_t width,
                     std::uint32_t height) const;
    void post_full_damage(std::uint32_t plane) const;

    void reset() const { device_.reset(); }

    // "vGPU <uuid>: <what>".
    std::string context(const std::string& what) const { return device_.context(what); }

private:
    std::string uuid_;
    int group_number_;  // first: a wrong UUID is reported before VFIO is opened
    VfioContainer container_;
    VfioGroup group_;
    VfioDevice device_;
    RegionInfo bar0_;
    RegionInfo bar2_;
    RegionInfo bar4_;
    RegionInfo config_;
    RegionMapping vram_;
};

// The name of a register offset ("COMMIT", "PLANE1.STRIDE") for messages.
std::string register_name(std::uint32_t reg);
// "ERR_STRIDE" etc.
std::string plane_status_name(std::uint32_t status);

}  // namespace vgpu
