#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fbexport/source.hpp"
#include "fbexport/vgpu_locator.hpp"

namespace fbx {

struct MediatorOptions {
    std::string uuid;
    std::string sysfs_root = "/sys";  // tests point these at a fake tree
    std::string dev_dir = "/dev/vgpu";
    // Imported dma-bufs kept by id: a double-buffering guest needs two per
    // plane; a few more cover a guest cycling through a swap chain.
    std::size_t cache_capacity = 8;
    // Size of the black picture served while the guest shows no primary
    // plane and has never shown one (afterwards: the last size shown).
    std::uint32_t blank_width = 1024;
    std::uint32_t blank_height = 768;
};

// Frames of a vgpu_mediator vGPU through its display-export device
// (/dev/vgpu/<uuid>), which needs no access to the VFIO device the VMM owns.
// Event-driven: event_fd() is the device, readable when the kernel queued
// event records; poll() reads them, re-queries only the planes they concern,
// imports each surface's dma-buf once (cached by dmabuf_id, dropped when the
// kernel invalidates it) and reports exactly the damage the guest posted.
// Nothing is read from the device while nothing happens.
//
// While the guest shows no valid primary plane the frame's primary is a
// black XRGB8888 picture with dmabuf_id 0, so consumers keep a picture and
// primary_ready() says why. Throws VgpuNotFound when the vGPU does not exist,
// SourceLost from poll() once it has been removed, fbx::Error otherwise.
class MediatorSource final : public Source {
public:
    explicit MediatorSource(MediatorOptions options);
    ~MediatorSource() override;

    std::string describe() const override;
    std::optional<Frame> poll() override;
    void invalidate() override;
    int event_fd() const override;

    const VgpuLocation& location() const;
    // Whether the last poll found a valid primary plane (else it served black).
    bool primary_ready() const;
    // Dma-bufs imported since construction: each surface costs one import
    // however many frames show it.
    std::uint64_t imports() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fbx
