#include "plane_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <new>

#include <drm_fourcc.h>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

// Rows gathered per pixman call on the detiling path: enough to amortise the
// call, small enough to stay in L1/L2.
constexpr std::size_t scratch_budget_bytes = 64 * 1024;

pixman_format_code_t pixman_format_for(std::uint32_t fourcc) {
    // DRM fourccs name the components of a little-endian word from the most
    // significant bit down, as pixman's format codes do.
    switch (fourcc) {
        case DRM_FORMAT_XRGB8888:
            return PIXMAN_x8r8g8b8;
        case DRM_FORMAT_ARGB8888:
            return PIXMAN_a8r8g8b8;
        case DRM_FORMAT_XBGR8888:
            return PIXMAN_x8b8g8r8;
        case DRM_FORMAT_ABGR8888:
            return PIXMAN_a8b8g8r8;
        case DRM_FORMAT_RGB565:
            return PIXMAN_r5g6b5;
        case DRM_FORMAT_XRGB2101010:
            return PIXMAN_x2r10g10b10;
    }
    return {};
}

const char* kind_name(PlaneKind kind) {
    return kind == PlaneKind::cursor ? "cursor plane" : "primary plane";
}

[[noreturn]] void reject(const Plane& plane, const std::string& reason) {
    throw Error("cannot read " + describe(plane) + ": " + reason);
}

Tiling checked_tiling(const Plane& plane) {
    const auto modifier = find_modifier(plane.modifier);
    if (!modifier) {
        reject(plane, "unsupported modifier");
    }
    return modifier->tiling;
}

PixelFormat checked_format(const Plane& plane) {
    const auto format = find_format(plane.fourcc);
    if (!format || pixman_format_for(plane.fourcc) == pixman_format_code_t{}) {
        reject(plane, "unsupported format");
    }
    return *format;
}

}  // namespace

std::string describe(const Plane& plane) {
    return std::string(kind_name(plane.kind)) + " (dmabuf_id " + std::to_string(plane.dmabuf_id) +
           ", " + format_name(plane.fourcc) + ", " + modifier_name(plane.modifier) + ", " +
           std::to_string(plane.width) + "x" + std::to_string(plane.height) + " stride " +
           std::to_string(plane.stride) + " offset " + std::to_string(plane.offset) +
           (plane.buffer ? ", buffer " + plane.buffer->name() : std::string()) + ")";
}

PlaneReader::PlaneReader(const Plane& plane)
    : buffer_(plane.buffer),
      offset_(plane.offset),
      bounds_{0, 0, static_cast<std::int32_t>(plane.width),
              static_cast<std::int32_t>(plane.height)},
      format_(checked_format(plane)),
      layout_(checked_tiling(plane), plane.stride, plane.height),
      pixman_format_(pixman_format_for(plane.fourcc)) {
    if (!buffer_) {
        reject(plane, "no buffer");
    }
    // Rect and pixman coordinates are int32; a surface past them is no display.
    if (plane.width > INT32_MAX || plane.height > INT32_MAX) {
        reject(plane, "size beyond the int32 range");
    }
    const std::string invalid = check_surface(format_, layout_.tiling(), plane.width, plane.height,
                                              plane.stride, plane.offset, buffer_->size());
    if (!invalid.empty()) {
        reject(plane, invalid);
    }
}

const std::uint8_t* PlaneReader::surface() {
    if (surface_ == nullptr) {
        const std::uint8_t* base = buffer_->map();
        access_ = buffer_->begin_cpu_read();
        surface_ = base + offset_;
    }
    return surface_;
}

bool PlaneReader::readable_in_place() const {
    // pixman reads rows as arrays of 32-bit words: the surface start and the
    // stride must be word aligned, and the stride must fit its int argument.
    return layout_.tiling() == Tiling::linear && layout_.stride() % 4 == 0 &&
           layout_.stride() <= INT32_MAX && offset_ % 4 == 0;
}

void PlaneReader::composite(const Rect& requested, pixman_op_t op, pixman_image_t* target,
                            std::int32_t dx, std::int32_t dy, AlignedBuffer& scratch) {
    // The gathering path trusts its rectangle: never let one reach past the plane.
    const Rect rect = intersect(requested, bounds_);
    if (rect.empty()) {
        return;
    }
    surface();
    if (readable_in_place()) {
        if (!in_place_) {
            // pixman wants a mutable pointer but only reads a source image.
            auto* bits =
                const_cast<std::uint32_t*>(reinterpret_cast<const std::uint32_t*>(surface_));
            in_place_.reset(pixman_image_create_bits(pixman_format_, bounds_.width, bounds_.height,
                                                     bits, static_cast<int>(layout_.stride())));
            if (!in_place_) {
                throw std::bad_alloc();
            }
        }
        pixman_image_composite32(op, in_place_.get(), nullptr, target, rect.x, rect.y, 0, 0,
                                 rect.x + dx, rect.y + dy, rect.width, rect.height);
        return;
    }

    // Detiling path: gather bands of the rectangle's rows into packed,
    // word-aligned scratch rows, and let pixman convert each band.
    const std::uint32_t row_bytes =
        static_cast<std::uint32_t>(rect.width) * format_.bytes_per_pixel;
    const std::uint32_t scratch_stride = (row_bytes + 3) / 4 * 4;
    const auto band_rows = static_cast<std::int32_t>(
        std::clamp<std::size_t>(scratch_budget_bytes / scratch_stride, 1, rect.height));
    scratch.reserve_discarding(std::size_t{scratch_stride} * band_rows);

    for (std::int32_t y = rect.y; y < rect.bottom(); y += band_rows) {
        const std::int32_t rows = std::min(band_rows, rect.bottom() - y);
        gather(rect, y, rows, scratch_stride, scratch);
        const PixmanImagePtr band(pixman_image_create_bits(
            pixman_format_, rect.width, rows, reinterpret_cast<std::uint32_t*>(scratch.data()),
            static_cast<int>(scratch_stride)));
        if (!band) {
            throw std::bad_alloc();
        }
        pixman_image_composite32(op, band.get(), nullptr, target, 0, 0, 0, 0, rect.x + dx, y + dy,
                                 rect.width, rows);
    }
}

void PlaneReader::gather(const Rect& rect, std::int32_t y, std::int32_t rows,
                         std::uint32_t scratch_stride, AlignedBuffer& scratch) const {
    const std::uint32_t first_byte = static_cast<std::uint32_t>(rect.x) * format_.bytes_per_pixel;
    const std::uint32_t row_bytes =
        static_cast<std::uint32_t>(rect.width) * format_.bytes_per_pixel;
    for (std::int32_t r = 0; r < rows; ++r) {
        auto* out =
            reinterpret_cast<std::uint8_t*>(scratch.data()) + std::size_t{scratch_stride} * r;
        const auto row = static_cast<std::uint32_t>(y + r);
        // Copy the row in the runs the layout keeps contiguous: one per tile
        // row (X-tiled) or per 16-byte column (Y-tiled), the whole row (linear).
        for (std::uint32_t x_bytes = first_byte; x_bytes < first_byte + row_bytes;) {
            const std::uint32_t run =
                std::min(layout_.contiguous_bytes(x_bytes), first_byte + row_bytes - x_bytes);
            std::memcpy(out, surface_ + layout_.byte_offset(x_bytes, row), run);
            out += run;
            x_bytes += run;
        }
    }
}

}  // namespace fbx
