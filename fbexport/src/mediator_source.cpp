#include "fbexport/mediator_source.hpp"

#include <vector>

#include "fbexport/log.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/vgpu_event_translator.hpp"
#include "fbexport/vgpu_export_device.hpp"
#include "gfx_plane.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "vgpu";

}  // namespace

class MediatorSource::Impl {
public:
    explicit Impl(MediatorOptions options)
        : options_(std::move(options)),
          location_(locate_vgpu(options_.uuid, options_.sysfs_root, options_.dev_dir)),
          device_(location_.display_dev, location_.uuid),
          planes_(
              "vGPU " + location_.uuid, options_.cache_capacity,
              [this](PlaneKind kind) { return device_.query(kind); },
              [this](std::uint32_t id, PlaneKind kind) { return device_.get_dmabuf(id, kind); }) {
        log(LogLevel::info, component)
            << "vGPU " << location_.uuid << ": " << location_.display_dev << ", ABI "
            << (device_.info().version >> 16) << '.' << (device_.info().version & 0xffff) << ", "
            << device_.info().vram_size / (1024 * 1024) << " MiB VRAM, up to "
            << size_text(device_.info().max_width, device_.info().max_height);
    }

    const VgpuLocation& location() const { return location_; }
    bool primary_ready() const { return primary_ready_; }
    std::uint64_t imports() const { return planes_.imports(); }
    int event_fd() const { return device_.fd(); }
    void invalidate() { refresh_all_ = true; }

    std::string describe() const {
        return describe_display("vgpu " + location_.uuid + " (" + location_.display_dev + ")",
                                primary_, primary_ready_);
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
            planes_.drop(id);
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
        const PlaneInfo info = planes_.query_and_import(PlaneKind::primary, plane);
        if (info.dmabuf_id == 0) {
            // A guest blanking its screen is normal, not a fault: info.
            if (primary_ready_ || !primary_) {
                log(LogLevel::info, component)
                    << "vGPU " << location_.uuid
                    << ": primary plane not ready (disabled or invalid); serving black";
            }
            primary_ready_ = false;
            // Black at the size last shown, so a guest that switches its
            // plane off for a moment does not resize every client.
            plane = planes_.blank(primary_ ? primary_->width : options_.blank_width,
                                  primary_ ? primary_->height : options_.blank_height);
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
        const PlaneInfo info = planes_.query_and_import(PlaneKind::cursor, plane);
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

    MediatorOptions options_;
    VgpuLocation location_;
    VgpuExportDevice device_;
    PlaneImporter planes_;
    VgpuEventTranslator translator_;
    std::vector<vgpu_event> records_;

    std::optional<Plane> primary_;  // what the last frame showed (the blank when not ready)
    std::optional<Plane> cursor_;
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
