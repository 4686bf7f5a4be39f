#include "display/cpu_converter.hpp"

#include <drm_fourcc.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "display/aligned_buffer.hpp"
#include "pixel_convert.hpp"
#include "plane_reader.hpp"
#include "tile_copy.hpp"
#include "worker_pool.hpp"

namespace fbx {
namespace {

// Damage smaller than this stays on the calling thread: waking workers
// costs more than converting it.
constexpr std::int64_t parallel_threshold_pixels = 256 * 1024;
// Rows per work item: a whole number of X (8) and Y (32) tile rows, small
// enough to keep a band of a 4K row span in L2 while it is converted.
constexpr std::int32_t band_rows = 32;
// Damage whose output is at least this large is written around the cache
// (non-temporal stores): it would not stay there, and streaming saves reading
// every destination line first.
constexpr std::int64_t streaming_threshold_bytes = 4 * 1024 * 1024;

// Converts one band: detile its bytes into the output rows, then turn them
// into XRGB8888 in place (or, for RGB565, widen them from a scratch copy).
void convert_band(PlaneReader& reader, const std::uint8_t* surface, const Rect& r,
                  ShadowFramebuffer& out, bool stream) {
    const std::uint32_t bpp = reader.format().bytes_per_pixel;
    const auto x0 = static_cast<std::uint32_t>(r.x) * bpp;
    const auto x1 = static_cast<std::uint32_t>(r.right()) * bpp;
    const auto y0 = static_cast<std::uint32_t>(r.y);
    const auto y1 = static_cast<std::uint32_t>(r.bottom());
    const auto width = static_cast<std::size_t>(r.width);
    std::uint32_t* first = out.row(y0) + r.x;

    if (bpp == 2) {
        // Each thread widens RGB565 from its own packed copy of the band.
        thread_local AlignedBuffer scratch;
        const std::size_t scratch_stride = (width * 2 + 63) / 64 * 64;
        scratch.reserve_discarding(scratch_stride * static_cast<std::size_t>(r.height));
        auto* packed = reinterpret_cast<std::uint8_t*>(scratch.data());
        copy_detiled(surface, reader.layout(), x0, x1, y0, y1, packed, scratch_stride, false);
        for (std::int32_t i = 0; i < r.height; ++i) {
            widen_565(reinterpret_cast<const std::uint16_t*>(packed + scratch_stride * i),
                      first + std::size_t{out.width()} * i, width);
        }
        return;
    }

    copy_detiled(surface, reader.layout(), x0, x1, y0, y1, reinterpret_cast<std::uint8_t*>(first),
                 out.stride(), stream);
    const std::uint32_t fourcc = reader.format().fourcc;
    if (fourcc == DRM_FORMAT_XRGB8888 || fourcc == DRM_FORMAT_ARGB8888) {
        return;  // already XRGB8888: the alpha byte lands in the undefined X byte
    }
    for (std::int32_t i = 0; i < r.height; ++i) {
        std::uint32_t* row = first + std::size_t{out.width()} * i;
        if (fourcc == DRM_FORMAT_XRGB2101010) {
            narrow_2101010(row, width);
        } else {
            swap_red_blue(row, width);  // XBGR8888, ABGR8888
        }
    }
}

std::size_t default_threads() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
}

}  // namespace

CpuConverter::CpuConverter(std::size_t threads) {
    const std::size_t total = threads == 0 ? default_threads() : threads;
    if (total > 1) {
        pool_ = std::make_unique<WorkerPool>(total - 1);
    }
}

CpuConverter::CpuConverter(CpuConverter&&) noexcept = default;
CpuConverter& CpuConverter::operator=(CpuConverter&&) noexcept = default;
CpuConverter::~CpuConverter() = default;

std::size_t CpuConverter::threads() const {
    return pool_ ? pool_->threads() + 1 : 1;
}

void CpuConverter::convert(const Plane& plane, const DamageRegion& damage, ShadowFramebuffer& out) {
    PlaneReader reader(plane);  // validates before anything is read
    DamageRegion todo = damage;
    todo.clip(intersect(reader.bounds(), out.bounds()));
    if (todo.empty()) {
        return;
    }
    const std::uint8_t* surface = reader.surface();
    // Formats converted in place after the copy want their rows in cache.
    const std::uint32_t fourcc = reader.format().fourcc;
    const bool copy_only = fourcc == DRM_FORMAT_XRGB8888 || fourcc == DRM_FORMAT_ARGB8888;
    const bool stream = copy_only && todo.area() * 4 >= streaming_threshold_bytes;

    if (!pool_ || todo.area() < parallel_threshold_pixels) {
        for (const Rect& r : todo.rects()) {
            convert_band(reader, surface, r, out, stream);
        }
        return;
    }
    // Bands aligned to tile rows, so no two workers read the same tile.
    std::vector<Rect> bands;
    for (const Rect& r : todo.rects()) {
        for (std::int32_t y = r.y; y < r.bottom();) {
            const std::int32_t next = std::min((y / band_rows + 1) * band_rows, r.bottom());
            bands.push_back({r.x, y, r.width, next - y});
            y = next;
        }
    }
    pool_->run(bands.size(),
               [&](std::size_t i) { convert_band(reader, surface, bands[i], out, stream); });
}

std::string CpuConverter::describe() const {
    const std::size_t n = threads();
    return std::string("cpu (") + pixel_kernel_isa() + ", " + std::to_string(n) +
           (n == 1 ? " thread)" : " threads)");
}

}  // namespace fbx
