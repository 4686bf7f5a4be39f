#include "fbexport/mediator_source.hpp"

#include <drm_fourcc.h>
#include <unistd.h>

#include <vector>

#include "fbexport/dmabuf_cache.hpp"
#include "fbexport/log.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/vgpu_event_translator.hpp"
#include "fbexport/vgpu_export_device.hpp"
#include "sealed_memfd.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "vgpu";

// Re-queries when an id vanishes between the query and the import (the
// guest flipped in between); more than a few in a row means something is
// wrong with the device, not a race.
constexpr int import_attempts = 3;

std::string size_text(std::uint32_t width, std::uint32_t height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

// The geometry of a plane: what a consumer must convert anew when it changes.
bool same_surface(const Plane& a, const Plane& b) {
    return a.buffer == b.buffer && a.dmabuf_id == b.dmabuf_id && a.fourcc == b.fourcc &&
           a.modifier == b.modifier && a.width == b.width && a.height == b.height &&
           a.stride == b.stride && a.offset == b.offset;
}

}  // namespace

class MediatorSource::Impl {
public:
    explicit Impl(MediatorOptions options)
        : options_(std::move(options)),
          location_(locate_vgpu(options_.uuid, options_.sysfs_root, options_.dev_dir)),
          device_(location_.display_dev, location_.uuid),
          cache_(options_.cache_capacity) {
        log(LogLevel::info, component)
            << "vGPU " << location_.uuid << ": " << location_.display_dev << ", ABI "
            << (device_.info().version >> 16) << '.' << (device_.info().version & 0xffff) << ", "
            << device_.info().vram_size / (1024 * 1024) << " MiB VRAM, up to "
            << size_text(device_.info().max_width, device_.info().max_height);
    }

    const VgpuLocation& location() const { return location_; }
    bool primary_ready() const { return primary_ready_; }
    std::uint64_t imports() const { return cache_.imports(); }
    int event_fd() const { return device_.fd(); }
    void invalidate() { refresh_all_ = true; }

    std::string describe() const {
        std::string text = "vgpu " + location_.uuid + " (" + location_.display_dev + ")";
        if (!primary_) {
            return text;
        }
        if (!primary_ready_) {
            return text + ": no primary plane";
        }
        return text + ": " + size_text(primary_->width, primary_->height) + " " +
               format_name(primary_->fourcc) + " " + modifier_name(primary_->modifier);
    }

    std::optional<Frame> poll() {
        // Records first, then queries: a query is then at least as new as
        // every record read, and records about older surfaces are stale.
        records_.clear();
        device_.read_events(records_);
        translator_.apply(records_);
        try {
            return take(translator_.take());
        } catch (const SourceLost&) {
            throw;
        } catch (const Error&) {
            // The records are consumed but their changes were not applied:
            // the next poll must not trust what it knows.
            refresh_all_ = true;
            throw;
        }
    }

private:
    std::optional<Frame> take(VgpuEventChanges changes) {
        for (const std::uint32_t id : changes.invalidated_ids) {
            cache_.drop(id);
        }
        if (changes.hotplugs != 0) {
            log(LogLevel::info, component)
                << "vGPU " << location_.uuid << ": hotplug (link state, EDID or mode hint changed)";
        }
        if (changes.overflows != 0) {
            log(LogLevel::debug, component)
                << "vGPU " << location_.uuid << ": event queue overflowed; refreshing everything";
        }
        if (changes.unknown != 0) {
            log(LogLevel::debug, component) << "vGPU " << location_.uuid << ": ignored "
                                            << changes.unknown << " records of unknown kinds";
        }

        const bool everything = refresh_all_ || !primary_;
        Damage damage = everything ? Damage::everything() : std::move(changes.primary_damage);
        if (everything || changes.requery_primary) {
            if (refresh_primary()) {
                damage = Damage::everything();
            }
        }
        bool cursor_changed = changes.cursor_redrawn;
        const auto& placement = changes.cursor_placement;
        const bool placement_unknown =
            placement && (!cursor_ || cursor_->dmabuf_id != placement->dmabuf_id);
        if (everything || changes.requery_cursor || placement_unknown) {
            // The query is newer than any position a record told.
            cursor_changed |= refresh_cursor();
        } else if (placement && cursor_) {
            cursor_changed |= place_cursor(*placement);
        }
        refresh_all_ = false;

        if (damage.empty() && !cursor_changed) {
            return std::nullopt;
        }
        Frame frame;
        frame.sequence = ++sequence_;
        frame.primary = *primary_;
        frame.cursor = cursor_;
        frame.damage = std::move(damage);
        frame.cursor_redrawn = changes.cursor_redrawn && cursor_.has_value();
        return frame;
    }

    // Queries the primary plane; true when it shows another surface (or
    // none) than before, which damages all of it.
    bool refresh_primary() {
        Plane plane;
        const PlaneInfo info = query_and_import(PlaneKind::primary, plane);
        if (info.dmabuf_id == 0) {
            // A guest blanking its screen is normal, not a fault: info.
            if (primary_ready_ || !primary_) {
                log(LogLevel::info, component)
                    << "vGPU " << location_.uuid
                    << ": primary plane not ready (disabled or invalid); serving black";
            }
            primary_ready_ = false;
            plane = blank_plane();
        } else if (!primary_ready_) {
            log(LogLevel::info, component)
                << "vGPU " << location_.uuid << ": primary plane "
                << size_text(plane.width, plane.height) << " " << format_name(plane.fourcc) << " "
                << modifier_name(plane.modifier);
            primary_ready_ = true;
        }
        translator_.shown(PlaneKind::primary, info.dmabuf_id);
        const bool changed = !primary_ || !same_surface(*primary_, plane);
        primary_ = std::move(plane);
        return changed;
    }

    // Queries the cursor plane; true when its surface or position changed.
    bool refresh_cursor() {
        Plane plane;
        const PlaneInfo info = query_and_import(PlaneKind::cursor, plane);
        translator_.shown(PlaneKind::cursor, info.dmabuf_id);
        if (info.dmabuf_id == 0) {
            const bool had = cursor_.has_value();
            cursor_.reset();
            return had;
        }
        const bool changed = !cursor_ || !same_surface(*cursor_, plane) || cursor_->x != plane.x ||
                             cursor_->y != plane.y || cursor_->hot_x != plane.hot_x ||
                             cursor_->hot_y != plane.hot_y;
        cursor_ = std::move(plane);
        return changed;
    }

    bool place_cursor(const CursorPlacement& at) {
        Plane& c = *cursor_;
        if (c.x == at.x && c.y == at.y && c.hot_x == at.hot_x && c.hot_y == at.hot_y) {
            return false;
        }
        c.x = at.x;
        c.y = at.y;
        c.hot_x = at.hot_x;
        c.hot_y = at.hot_y;
        return true;
    }

    // Queries `kind` and fills `plane` with it and its (cached) dma-buf;
    // returns the query, dmabuf_id 0 when the plane shows nothing.
    PlaneInfo query_and_import(PlaneKind kind, Plane& plane) {
        for (int attempt = 0; attempt < import_attempts; ++attempt) {
            const PlaneInfo info = device_.query(kind);
            if (info.dmabuf_id == 0) {
                return info;
            }
            std::shared_ptr<const Buffer> buffer = cache_.get(
                info.dmabuf_id, [&](std::uint32_t id) { return import(id, kind, info.size); });
            if (!buffer) {
                continue;  // forgotten since the query: the guest changed the plane
            }
            plane = Plane{};
            plane.kind = kind;
            plane.buffer = std::move(buffer);
            plane.fourcc = info.drm_format;
            plane.modifier = info.drm_format_mod;
            plane.width = info.width;
            plane.height = info.height;
            plane.stride = info.stride;
            plane.offset = 0;  // the dma-buf starts at the surface
            plane.dmabuf_id = info.dmabuf_id;
            // The VFIO fields are unsigned; the positions are the signed
            // registers' two's complement (ABI.md).
            plane.x = static_cast<std::int32_t>(info.x_pos);
            plane.y = static_cast<std::int32_t>(info.y_pos);
            plane.hot_x = info.x_hot;
            plane.hot_y = info.y_hot;
            return info;
        }
        throw Error("vGPU " + location_.uuid + " (" + location_.display_dev + "): the " +
                    plane_name(kind) + "'s dma-buf vanished between query and import " +
                    std::to_string(import_attempts) + " times in a row");
    }

    std::shared_ptr<const Buffer> import(std::uint32_t id, PlaneKind kind, std::uint64_t size) {
        UniqueFd fd = device_.get_dmabuf(id, kind);
        if (!fd) {
            return nullptr;
        }
        // The dma-buf's own size bounds every read, whatever the query said.
        const off_t actual = ::lseek(fd.get(), 0, SEEK_END);
        const std::size_t bytes =
            actual > 0 ? static_cast<std::size_t>(actual) : static_cast<std::size_t>(size);
        const std::string name = "dma-buf " + std::to_string(id) + " of vGPU " + location_.uuid +
                                 " (" + plane_name(kind) + ")";
        log(LogLevel::debug, component) << "imported " << name << ", " << bytes << " bytes";
        return std::make_shared<const Buffer>(std::move(fd), bytes, name, BufferKind::dmabuf);
    }

    // Black, at the size last shown so a guest that switches its plane off
    // for a moment does not resize every client.
    Plane blank_plane() {
        const std::uint32_t width = primary_ ? primary_->width : options_.blank_width;
        const std::uint32_t height = primary_ ? primary_->height : options_.blank_height;
        if (!blank_ || blank_->width != width || blank_->height != height) {
            const std::string name = "blank picture of vGPU " + location_.uuid;
            const std::size_t bytes = std::size_t{width} * height * 4;
            Plane p;
            p.kind = PlaneKind::primary;
            // A fresh memfd reads as zeros: black, with no pages allocated.
            p.buffer =
                std::make_shared<const Buffer>(create_sealed_memfd(name, bytes), bytes, name);
            p.fourcc = DRM_FORMAT_XRGB8888;
            p.modifier = DRM_FORMAT_MOD_LINEAR;
            p.width = width;
            p.height = height;
            p.stride = width * 4;
            blank_ = std::move(p);
        }
        return *blank_;
    }

    MediatorOptions options_;
    VgpuLocation location_;
    VgpuExportDevice device_;
    DmabufCache cache_;
    VgpuEventTranslator translator_;
    std::vector<vgpu_event> records_;

    std::optional<Plane> primary_;  // what the last frame showed (the blank when not ready)
    std::optional<Plane> cursor_;
    std::optional<Plane> blank_;
    bool primary_ready_ = false;
    bool refresh_all_ = true;
    std::uint64_t sequence_ = 0;
};

MediatorSource::MediatorSource(MediatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
MediatorSource::~MediatorSource() = default;

std::string MediatorSource::describe() const {
    return impl_->describe();
}
std::optional<Frame> MediatorSource::poll() {
    return impl_->poll();
}
void MediatorSource::invalidate() {
    impl_->invalidate();
}
int MediatorSource::event_fd() const {
    return impl_->event_fd();
}
const VgpuLocation& MediatorSource::location() const {
    return impl_->location();
}
bool MediatorSource::primary_ready() const {
    return impl_->primary_ready();
}
std::uint64_t MediatorSource::imports() const {
    return impl_->imports();
}

}  // namespace fbx
