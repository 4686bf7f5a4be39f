// The service's reading of the display-export device's event records
// (fbexport's VgpuEventTranslator) on any records a kernel, or a corrupted
// stream, could hand it: no crash or undefined behaviour, damage stays
// bounded, every damage rectangle is non-empty, and a batch with a FLIP,
// MODE or OVERFLOW of the primary damages all of it.
#include <vector>

#include "fbexport/vgpu_event_translator.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzInput in(data, size);
    fbx::VgpuEventTranslator translator;
    while (!in.empty()) {
        const std::uint8_t op = in.take<std::uint8_t>();
        if (op % 8 == 0) {
            translator.shown(op & 0x10 ? fbx::PlaneKind::cursor : fbx::PlaneKind::primary,
                             in.take<std::uint8_t>() % 4);
            continue;
        }
        std::vector<vgpu_event> batch(op % 5 + 1);
        bool primary_refresh = false;
        for (vgpu_event& e : batch) {
            e = in.take<vgpu_event>();
            if (in.take<std::uint8_t>() & 1) {  // mostly plausible records
                e.type = e.type % 9;
                e.plane = e.plane % 3;
                e.dmabuf_id %= 4;
                e.count %= VGPU_EVENT_MAX_RECTS + 2;
            }
            const bool primary = e.plane == VGPU_PLANE_PRIMARY;
            primary_refresh |=
                e.type == VGPU_EVENT_OVERFLOW ||
                (primary && (e.type == VGPU_EVENT_FLIP || e.type == VGPU_EVENT_MODE));
        }
        translator.apply(batch);
        const fbx::VgpuEventChanges changes = translator.take();
        FUZZ_CHECK(changes.primary_damage.rects.size() <= fbx::VgpuEventTranslator::max_rects);
        for (const fbx::Rect& r : changes.primary_damage.rects) {
            FUZZ_CHECK(!r.empty());
        }
        if (primary_refresh) {
            FUZZ_CHECK(changes.primary_damage.full);
        }
        FUZZ_CHECK(!translator.take().any());  // take() leaves nothing pending
    }
    return 0;
}
