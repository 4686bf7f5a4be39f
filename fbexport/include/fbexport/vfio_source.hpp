#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fbexport/source.hpp"
#include "fbexport/vfio_display_device.hpp"

namespace fbx {

struct VfioSourceOptions {
    // Imported dma-bufs kept by id (see MediatorOptions::cache_capacity).
    std::size_t cache_capacity = 8;
    // Side of the square tiles frames are compared in.
    std::uint32_t tile_size = 64;
    // Size of the black picture served while no primary plane was ever shown.
    std::uint32_t blank_width = 1024;
    std::uint32_t blank_height = 768;
};

// Frames of any mdev display through the upstream VFIO display ioctls, as
// QEMU's hw/vfio/display.c takes them: an mdev that has no events and
// posts no damage (mbochs, GVT-g, vgpu_mediator with extensions=N). Each
// poll queries the planes, imports a surface's dma-buf once (cached by
// dmabuf_id), and finds the damage by comparing the primary plane's bytes
// with the previous poll's in tiles (TileComparer): full on a new surface,
// size or format. A cursor redrawn in place is found the same way. There is
// no event fd: the service polls it at the adaptive rate (PollRate), which
// is what it costs to watch a display that says nothing.
//
// While the guest shows no valid primary plane the frame's primary is a
// black XRGB8888 picture with dmabuf_id 0. poll() throws SourceLost once
// the device is gone, fbx::Error otherwise.
class VfioSource final : public Source {
public:
    explicit VfioSource(VfioDisplayDevice device, VfioSourceOptions options = {});
    ~VfioSource() override;

    std::string describe() const override;
    std::optional<Frame> poll() override;
    void invalidate() override;

    const VfioDisplayDevice& device() const;
    bool primary_ready() const;
    // Dma-bufs imported since construction.
    std::uint64_t imports() const;
    // Tiles of the primary plane the last poll found changed.
    std::size_t damaged_tiles() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fbx
