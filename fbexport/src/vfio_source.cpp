#include "fbexport/vfio_source.hpp"

#include <span>

#include "fbexport/log.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/surface_layout.hpp"
#include "fbexport/tile_comparer.hpp"
#include "gfx_plane.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "vfio";

}  // namespace

class VfioSource::Impl {
public:
    Impl(VfioDisplayDevice device, VfioSourceOptions options)
        : options_(options),
          device_(std::move(device)),
          planes_(
              "VFIO display " + device_.name(), options.cache_capacity,
              [this](PlaneKind kind) { return device_.query(kind); },
              [this](std::uint32_t id, PlaneKind kind) { return device_.get_dmabuf(id, kind); }),
          primary_tiles_(options.tile_size),
          cursor_tiles_(options.tile_size) {
        log(LogLevel::info, component)
            << "VFIO display " << device_.name() << " (" << vfio_access_name(device_.access())
            << "): no events, damage by comparing tiles of " << options_.tile_size << "x"
            << options_.tile_size;
    }

    const VfioDisplayDevice& device() const { return device_; }
    bool primary_ready() const { return primary_ready_; }
    std::uint64_t imports() const { return planes_.imports(); }
    std::size_t damaged_tiles() const { return primary_tiles_.damaged_tiles(); }
    void invalidate() { refresh_all_ = true; }

    std::string describe() const {
        return describe_display(
            "vfio " + device_.name() + " (" + vfio_access_name(device_.access()) + ")", primary_,
            primary_ready_);
    }

    std::optional<Frame> poll() {
        const bool everything = refresh_all_ || !primary_;
        Damage damage = refresh_primary();
        if (everything) {
            damage = Damage::everything();
        }
        const bool cursor_changed = refresh_cursor();
        refresh_all_ = false;
        if (damage.empty() && !cursor_changed) {
            return std::nullopt;
        }
        Frame frame;
        frame.sequence = ++sequence_;
        frame.primary = *primary_;
        frame.cursor = cursor_;
        frame.damage = std::move(damage);
        frame.cursor_redrawn = cursor_redrawn_;
        return frame;
    }

private:
    // Queries the primary plane and compares its bytes with the last poll's.
    Damage refresh_primary() {
        Plane plane;
        if (planes_.query_and_import(PlaneKind::primary, plane).dmabuf_id == 0) {
            if (primary_ready_ || !primary_) {
                log(LogLevel::info, component)
                    << "VFIO display " << device_.name()
                    << ": primary plane not ready (disabled or invalid); serving black";
            }
            primary_ready_ = false;
            primary_tiles_.reset();
            // Black at the size last shown, so a guest blanking for a
            // moment does not resize every client.
            plane = planes_.blank(primary_ ? primary_->width : options_.blank_width,
                                  primary_ ? primary_->height : options_.blank_height);
        } else {
            if (!primary_ready_) {
                log(LogLevel::info, component)
                    << "VFIO display " << device_.name() << ": primary plane "
                    << size_text(plane.width, plane.height) << " " << format_name(plane.fourcc)
                    << " " << modifier_name(plane.modifier);
                primary_ready_ = true;
            }
        }
        const bool new_surface = !primary_ || !same_surface(*primary_, plane);
        primary_ = std::move(plane);
        if (!primary_ready_) {
            return new_surface ? Damage::everything() : Damage{};
        }
        if (new_surface) {
            primary_tiles_.reset();  // the first comparison of a surface is full
        }
        return compare(*primary_, primary_tiles_);
    }

    // Queries the cursor plane; true when its surface, position or pixels changed.
    bool refresh_cursor() {
        cursor_redrawn_ = false;
        Plane plane;
        if (planes_.query_and_import(PlaneKind::cursor, plane).dmabuf_id == 0) {
            const bool had = cursor_.has_value();
            cursor_.reset();
            cursor_tiles_.reset();
            return had;
        }
        const bool new_surface = !cursor_ || !same_surface(*cursor_, plane);
        const bool moved =
            cursor_ && (cursor_->x != plane.x || cursor_->y != plane.y ||
                        cursor_->hot_x != plane.hot_x || cursor_->hot_y != plane.hot_y);
        if (new_surface) {
            cursor_tiles_.reset();
        }
        const Damage pixels = compare(plane, cursor_tiles_);
        cursor_redrawn_ = !new_surface && !pixels.empty();
        cursor_ = std::move(plane);
        return new_surface || moved || cursor_redrawn_;
    }

    // The plane's bytes against the comparer's copy, read under a dma-buf
    // CPU access bracket.
    Damage compare(const Plane& plane, TileComparer& tiles) const {
        const auto format = find_format(plane.fourcc);
        const auto modifier = find_modifier(plane.modifier);
        if (!format || !modifier) {
            throw Error("VFIO display " + device_.name() + ": " + plane_name(plane.kind) +
                        " shows " + format_name(plane.fourcc) + " " +
                        modifier_name(plane.modifier) + ", which fbexport cannot read");
        }
        const TileGeometry geometry{modifier->tiling, plane.width, plane.height, plane.stride,
                                    format->bytes_per_pixel};
        const std::size_t needed =
            SurfaceLayout(geometry.tiling, geometry.stride, geometry.height).size_bytes();
        if (plane.offset + needed > plane.buffer->size()) {
            throw Error("VFIO display " + device_.name() + ": " + plane.buffer->name() + " has " +
                        std::to_string(plane.buffer->size()) + " bytes, the " +
                        plane_name(plane.kind) + " needs " + std::to_string(needed));
        }
        const CpuReadAccess access = plane.buffer->begin_cpu_read();
        const std::span<const std::uint8_t> bytes(plane.buffer->map() + plane.offset, needed);
        return tiles.compare(geometry, bytes);
    }

    VfioSourceOptions options_;
    VfioDisplayDevice device_;
    PlaneImporter planes_;
    TileComparer primary_tiles_;
    TileComparer cursor_tiles_;

    std::optional<Plane> primary_;  // what the last frame showed (the blank when not ready)
    std::optional<Plane> cursor_;
    bool primary_ready_ = false;
    bool cursor_redrawn_ = false;
    bool refresh_all_ = true;
    std::uint64_t sequence_ = 0;
};

VfioSource::VfioSource(VfioDisplayDevice device, VfioSourceOptions options)
    : impl_(std::make_unique<Impl>(std::move(device), options)) {}
VfioSource::~VfioSource() = default;

std::string VfioSource::describe() const {
    return impl_->describe();
}
std::optional<Frame> VfioSource::poll() {
    return impl_->poll();
}
void VfioSource::invalidate() {
    impl_->invalidate();
}
const VfioDisplayDevice& VfioSource::device() const {
    return impl_->device();
}
bool VfioSource::primary_ready() const {
    return impl_->primary_ready();
}
std::uint64_t VfioSource::imports() const {
    return impl_->imports();
}
std::size_t VfioSource::damaged_tiles() const {
    return impl_->damaged_tiles();
}

}  // namespace fbx
