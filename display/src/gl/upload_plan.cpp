#include "upload_plan.hpp"

#include <algorithm>
#include <string>

#include "fbexport/error.hpp"

namespace fbx::gl {
namespace {

struct RowRun {
    std::uint32_t first;
    std::uint32_t end;
};

}  // namespace

std::vector<UploadBand> plan_uploads(const SurfaceLayout& layout, std::uint32_t bytes_per_pixel,
                                     std::uint32_t width, std::uint32_t height,
                                     std::span<const Rect> damage, std::uint64_t max_bytes) {
    const std::uint32_t tile_rows = tile_shape(layout.tiling()).rows;
    const std::uint64_t stride = layout.stride();
    const std::uint64_t row_bytes = std::uint64_t{width} * bytes_per_pixel;
    const bool linear = layout.tiling() == Tiling::linear;

    // Row runs each rectangle needs, in whole tile rows, merged.
    std::vector<RowRun> runs;
    for (const Rect& r : damage) {
        if (r.empty()) {
            continue;
        }
        const auto top = static_cast<std::uint32_t>(r.y);
        const auto bottom = std::min(static_cast<std::uint32_t>(r.bottom()), height);
        runs.push_back(
            {top / tile_rows * tile_rows, (bottom + tile_rows - 1) / tile_rows * tile_rows});
    }
    std::sort(runs.begin(), runs.end(),
              [](const RowRun& a, const RowRun& b) { return a.first < b.first; });
    std::vector<RowRun> merged;
    for (const RowRun& run : runs) {
        if (!merged.empty() && run.first <= merged.back().end) {
            merged.back().end = std::max(merged.back().end, run.end);
        } else {
            merged.push_back(run);
        }
    }

    // The most rows one upload may hold, in whole tile rows.
    const std::uint64_t tile_row_bytes = stride * tile_rows;
    if (tile_row_bytes > max_bytes) {
        throw Error("a row of tiles (" + std::to_string(tile_row_bytes) +
                    " bytes) is larger than the GL path can upload at once (" +
                    std::to_string(max_bytes) + " bytes)");
    }
    const std::uint64_t max_rows = max_bytes / tile_row_bytes * tile_rows;

    std::vector<UploadBand> bands;
    for (const RowRun& run : merged) {
        for (std::uint32_t first = run.first; first < run.end;) {
            const auto end = static_cast<std::uint32_t>(
                std::min<std::uint64_t>(run.end, std::uint64_t{first} + max_rows));
            UploadBand band;
            band.first_row = first;
            band.end_row = end;
            band.begin_byte = first * stride;
            // A linear surface's last row may end at its last pixel, not its stride.
            band.end_byte = linear ? (std::uint64_t{std::min(end, height)} - 1) * stride + row_bytes
                                   : std::uint64_t{end} * stride;
            const Rect rows{0, static_cast<std::int32_t>(first), static_cast<std::int32_t>(width),
                            static_cast<std::int32_t>(end - first)};
            for (const Rect& r : damage) {
                const Rect part = intersect(r, rows);
                if (!part.empty()) {
                    band.rects.push_back(part);
                }
            }
            bands.push_back(std::move(band));
            first = end;
        }
    }
    return bands;
}

}  // namespace fbx::gl
