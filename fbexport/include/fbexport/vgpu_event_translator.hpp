#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fbexport/frame.hpp"
#include "fbexport/plane.hpp"
#include "vgpu_mediator.h"

namespace fbx {

// Where the cursor plane is, as FLIP and CURSOR_MOVE records carry it.
struct CursorPlacement {
    std::uint32_t dmabuf_id = 0;  // the cursor surface the record is about
    std::int32_t x = 0;           // top-left of the cursor plane on the screen
    std::int32_t y = 0;
    std::uint32_t hot_x = 0;
    std::uint32_t hot_y = 0;

    bool operator==(const CursorPlacement&) const = default;
};

// What a batch of event records asks of a source.
struct VgpuEventChanges {
    bool requery_primary = false;  // the primary may show another surface, or none
    bool requery_cursor = false;
    Damage primary_damage;        // of the surface shown: exact rectangles, or all of it
    bool cursor_redrawn = false;  // the cursor surface's pixels changed in place
    std::optional<CursorPlacement> cursor_placement;  // the newest position told
    std::vector<std::uint32_t> invalidated_ids;       // surfaces to forget (cache)
    std::uint32_t hotplugs = 0;
    std::uint32_t overflows = 0;
    std::uint32_t unknown = 0;  // records of a type or plane this build does not know

    bool any() const {
        return requery_primary || requery_cursor || !primary_damage.empty() || cursor_redrawn ||
               cursor_placement || !invalidated_ids.empty() || hotplugs != 0 || overflows != 0;
    }
};

// Turns the display-export device's event records (kernel/ABI.md) into what
// a source must do, with no device involved:
//   FLIP        the plane shows a new surface: re-query it; all of the
//               primary is damaged; a cursor FLIP carries its position
//   DAMAGE      exactly the rectangles posted, if they are of the surface
//               shown (records about an older surface are stale: the FLIP
//               that replaced it damages everything anyway)
//   CURSOR_MOVE the cursor's position and hotspot only
//   MODE        the primary's size or layout changed: re-query, all damaged
//   INVALIDATE  the plane shows nothing now: re-query, forget its surface
//   OVERFLOW    records were lost: re-query both planes, all damaged
//   HOTPLUG     counted, for the log
class VgpuEventTranslator {
public:
    // Past this many rectangles a batch's damage becomes their bounding box:
    // coverage only grows, and a flood of tiny posts costs bounded memory.
    static constexpr std::size_t max_rects = 512;

    // The surface a query found on `plane` (0: none). Damage records of any
    // other surface are stale from then on.
    void shown(PlaneKind plane, std::uint32_t dmabuf_id);
    std::uint32_t shown(PlaneKind plane) const { return shown_[index(plane)]; }

    void apply(const vgpu_event& record);
    void apply(std::span<const vgpu_event> records) {
        for (const vgpu_event& r : records) {
            apply(r);
        }
    }

    // The changes applied since the last take(), leaving none pending.
    VgpuEventChanges take();

private:
    static std::size_t index(PlaneKind plane) { return plane == PlaneKind::cursor ? 1 : 0; }
    void damage_everything() { changes_.primary_damage = Damage::everything(); }
    void add_damage(const vgpu_event& record);

    std::array<std::uint32_t, VGPU_NUM_PLANES> shown_{};
    VgpuEventChanges changes_;
};

}  // namespace fbx
