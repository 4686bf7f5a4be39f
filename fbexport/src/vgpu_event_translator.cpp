#include "fbexport/vgpu_event_translator.hpp"

#include <algorithm>
#include <climits>

namespace fbx {
namespace {

// Kernel rectangles are clipped to the surface (16-bit fields when posted);
// still, never let a value wrap into a negative int32.
std::int32_t to_int32(std::uint32_t value) {
    return static_cast<std::int32_t>(std::min<std::uint32_t>(value, INT32_MAX));
}

Rect to_rect(const vgpu_rect& r) {
    const std::int32_t x = to_int32(r.x);
    const std::int32_t y = to_int32(r.y);
    return {x, y, std::min(to_int32(r.width), INT32_MAX - x),
            std::min(to_int32(r.height), INT32_MAX - y)};
}

CursorPlacement placement_of(const vgpu_event& record) {
    return {record.dmabuf_id, record.u.cursor.x, record.u.cursor.y, record.u.cursor.hot_x,
            record.u.cursor.hot_y};
}

}  // namespace

void VgpuEventTranslator::shown(PlaneKind plane, std::uint32_t dmabuf_id) {
    shown_[index(plane)] = dmabuf_id;
}

void VgpuEventTranslator::add_damage(const vgpu_event& record) {
    Damage& damage = changes_.primary_damage;
    if (damage.full) {
        return;
    }
    const std::uint32_t count = std::min<std::uint32_t>(record.count, VGPU_EVENT_MAX_RECTS);
    for (std::uint32_t i = 0; i < count; ++i) {
        const Rect r = to_rect(record.u.rects[i]);
        if (!r.empty()) {
            damage.rects.push_back(r);
        }
    }
    if (damage.rects.size() > max_rects) {
        Rect box;
        for (const Rect& r : damage.rects) {
            box = bounding_union(box, r);
        }
        damage.rects.assign(1, box);
    }
}

void VgpuEventTranslator::apply(const vgpu_event& record) {
    if (record.plane >= VGPU_NUM_PLANES && record.type != VGPU_EVENT_OVERFLOW &&
        record.type != VGPU_EVENT_HOTPLUG) {
        ++changes_.unknown;
        return;
    }
    const bool cursor = record.plane == VGPU_PLANE_CURSOR;
    const PlaneKind plane = cursor ? PlaneKind::cursor : PlaneKind::primary;
    switch (record.type) {
        case VGPU_EVENT_FLIP:
            shown_[index(plane)] = record.dmabuf_id;
            if (cursor) {
                changes_.requery_cursor = true;
                changes_.cursor_placement = placement_of(record);
            } else {
                changes_.requery_primary = true;
                damage_everything();
            }
            break;
        case VGPU_EVENT_DAMAGE:
            if (record.dmabuf_id == 0 || record.dmabuf_id != shown_[index(plane)]) {
                break;  // about a surface no longer shown
            }
            if (cursor) {
                changes_.cursor_redrawn = true;
            } else {
                add_damage(record);
            }
            break;
        case VGPU_EVENT_CURSOR_MOVE:
            if (cursor) {
                changes_.cursor_placement = placement_of(record);
            } else {
                ++changes_.unknown;  // the ABI sends these for the cursor only
            }
            break;
        case VGPU_EVENT_MODE:
            changes_.requery_primary = true;
            damage_everything();
            break;
        case VGPU_EVENT_INVALIDATE:
            if (record.dmabuf_id != 0) {
                changes_.invalidated_ids.push_back(record.dmabuf_id);
            }
            shown_[index(plane)] = 0;
            if (cursor) {
                changes_.requery_cursor = true;
                changes_.cursor_placement.reset();
            } else {
                changes_.requery_primary = true;
                damage_everything();
            }
            break;
        case VGPU_EVENT_OVERFLOW:
            ++changes_.overflows;
            changes_.requery_primary = true;
            changes_.requery_cursor = true;
            changes_.cursor_redrawn = true;  // a lost cursor DAMAGE has no other trace
            damage_everything();
            break;
        case VGPU_EVENT_HOTPLUG:
            ++changes_.hotplugs;
            break;
        default:
            ++changes_.unknown;
            break;
    }
}

VgpuEventChanges VgpuEventTranslator::take() {
    VgpuEventChanges taken = std::move(changes_);
    changes_ = {};
    if (taken.primary_damage.full) {
        taken.primary_damage.rects.clear();
    }
    return taken;
}

}  // namespace fbx
