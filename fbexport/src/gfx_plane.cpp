#include "gfx_plane.hpp"

#include <drm_fourcc.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "fbexport/log.hpp"
#include "fbexport/pixel_format.hpp"
#include "sealed_memfd.hpp"

namespace fbx {
namespace {

// VFIO_DEVICE_QUERY_GFX_PLANE's plane types: the kernel's enum
// drm_plane_type, which no UAPI header exports.
constexpr std::uint32_t drm_plane_primary = 1;
constexpr std::uint32_t drm_plane_cursor = 2;

// More vanished ids in a row than this means the device misbehaves; one or
// two are a guest flipping between the query and the import.
constexpr int import_attempts = 3;

constexpr std::string_view component = "planes";

}  // namespace

int query_gfx_plane(int fd, PlaneKind kind, PlaneInfo& info) {
    info = PlaneInfo{};
    info.argsz = sizeof(info);
    info.flags = VFIO_GFX_PLANE_TYPE_DMABUF;
    info.drm_plane_type = kind == PlaneKind::cursor ? drm_plane_cursor : drm_plane_primary;
    return ::ioctl(fd, VFIO_DEVICE_QUERY_GFX_PLANE, &info) == 0 ? 0 : errno;
}

int get_gfx_dmabuf(int fd, std::uint32_t dmabuf_id, UniqueFd& dmabuf) {
    std::uint32_t id = dmabuf_id;
    dmabuf = UniqueFd(::ioctl(fd, VFIO_DEVICE_GET_GFX_DMABUF, &id));
    return dmabuf ? 0 : errno;
}

bool same_surface(const Plane& a, const Plane& b) {
    return a.buffer == b.buffer && a.dmabuf_id == b.dmabuf_id && a.fourcc == b.fourcc &&
           a.modifier == b.modifier && a.width == b.width && a.height == b.height &&
           a.stride == b.stride && a.offset == b.offset;
}

std::string size_text(std::uint32_t width, std::uint32_t height) {
    return std::to_string(width) + "x" + std::to_string(height);
}

std::string describe_display(std::string device, const std::optional<Plane>& primary,
                             bool primary_ready) {
    if (!primary) {
        return device;
    }
    if (!primary_ready) {
        return device + ": no primary plane";
    }
    return device + ": " + size_text(primary->width, primary->height) + " " +
           format_name(primary->fourcc) + " " + modifier_name(primary->modifier);
}

PlaneImporter::PlaneImporter(std::string display, std::size_t cache_capacity, Query query,
                             GetDmabuf get_dmabuf)
    : display_(std::move(display)),
      cache_(cache_capacity),
      query_(std::move(query)),
      get_dmabuf_(std::move(get_dmabuf)) {}

PlaneInfo PlaneImporter::query_and_import(PlaneKind kind, Plane& plane) {
    for (int attempt = 0; attempt < import_attempts; ++attempt) {
        const PlaneInfo info = query_(kind);
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
        // registers' two's complement.
        plane.x = static_cast<std::int32_t>(info.x_pos);
        plane.y = static_cast<std::int32_t>(info.y_pos);
        plane.hot_x = info.x_hot;
        plane.hot_y = info.y_hot;
        return info;
    }
    throw Error(display_ + ": the " + plane_name(kind) +
                "'s dma-buf vanished between query and import " + std::to_string(import_attempts) +
                " times in a row");
}

std::shared_ptr<const Buffer> PlaneImporter::import(std::uint32_t id, PlaneKind kind,
                                                    std::uint64_t size) {
    UniqueFd fd = get_dmabuf_(id, kind);
    if (!fd) {
        return nullptr;
    }
    // The dma-buf's own size bounds every read, whatever the query said.
    const off_t actual = ::lseek(fd.get(), 0, SEEK_END);
    const std::size_t bytes =
        actual > 0 ? static_cast<std::size_t>(actual) : static_cast<std::size_t>(size);
    const std::string name =
        "dma-buf " + std::to_string(id) + " of " + display_ + " (" + plane_name(kind) + ")";
    log(LogLevel::debug, component) << "imported " << name << ", " << bytes << " bytes";
    return std::make_shared<const Buffer>(std::move(fd), bytes, name, BufferKind::dmabuf);
}

Plane PlaneImporter::blank(std::uint32_t width, std::uint32_t height) {
    if (!blank_ || blank_->width != width || blank_->height != height) {
        const std::string name = "blank picture of " + display_;
        const std::size_t bytes = std::size_t{width} * height * 4;
        Plane p;
        p.kind = PlaneKind::primary;
        // A fresh memfd reads as zeros: black, with no pages allocated.
        p.buffer = std::make_shared<const Buffer>(create_sealed_memfd(name, bytes), bytes, name);
        p.fourcc = DRM_FORMAT_XRGB8888;
        p.modifier = DRM_FORMAT_MOD_LINEAR;
        p.width = width;
        p.height = height;
        p.stride = width * 4;
        blank_ = std::move(p);
    }
    return *blank_;
}

}  // namespace fbx
