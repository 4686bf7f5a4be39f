#pragma once

#include <pixman.h>

#include <cstdint>
#include <memory>
#include <string>

#include "display/aligned_buffer.hpp"
#include "display/pixman_image.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/rect.hpp"
#include "fbexport/surface_layout.hpp"

namespace fbx {

// A plane checked for CPU reads, able to composite any rectangle of itself
// into a pixman image. Shared by the frame converter and the cursor
// converter. The buffer is mapped on the first composite, not before.
class PlaneReader {
public:
    // Throws fbx::Error with the plane's description when it cannot be read.
    explicit PlaneReader(const Plane& plane);

    Rect bounds() const { return bounds_; }
    const PixelFormat& format() const { return format_; }
    const SurfaceLayout& layout() const { return layout_; }
    // The surface's first byte in the mapped buffer (maps it on first use).
    // CPU reads of a dma-buf are bracketed from this first use until the
    // reader is destroyed, so a reader lives for one conversion.
    const std::uint8_t* surface();

    // Composites `requested` clipped to bounds() onto `target` at the same
    // coordinates shifted by (dx, dy), with pixman operator `op`.
    void composite(const Rect& requested, pixman_op_t op, pixman_image_t* target, std::int32_t dx,
                   std::int32_t dy, AlignedBuffer& scratch);

private:
    bool readable_in_place() const;
    // Copies rows [y, y + rows) of rect's columns into `scratch`, packed.
    void gather(const Rect& rect, std::int32_t y, std::int32_t rows, std::uint32_t scratch_stride,
                AlignedBuffer& scratch) const;

    std::shared_ptr<const Buffer> buffer_;
    std::uint64_t offset_;
    Rect bounds_;
    PixelFormat format_;
    SurfaceLayout layout_;
    pixman_format_code_t pixman_format_;
    const std::uint8_t* surface_ = nullptr;  // the mapped surface, once mapped
    CpuReadAccess access_;                   // held while surface_ is read
    PixmanImagePtr in_place_;                // a view of a linear surface pixman can read directly
};

// "primary plane (dmabuf_id 3, XRGB8888, x-tiled, 1024x768 stride 4096 offset 0)"
std::string describe(const Plane& plane);

}  // namespace fbx
