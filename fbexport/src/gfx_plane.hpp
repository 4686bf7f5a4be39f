#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "fbexport/dmabuf_cache.hpp"
#include "fbexport/plane.hpp"
#include "fbexport/unique_fd.hpp"
#include "fbexport/vgpu_export_device.hpp"

namespace fbx {

// VFIO's display interface, the same on a VFIO device and on a
// vgpu_mediator display-export device. Each returns 0 or the errno, so that
// the device can say which device failed in its own words.
int query_gfx_plane(int fd, PlaneKind kind, PlaneInfo& info);
// ENOENT: the id was forgotten since the query (the guest changed the plane).
int get_gfx_dmabuf(int fd, std::uint32_t dmabuf_id, UniqueFd& dmabuf);

// The geometry of a plane: what a consumer must convert anew when it changes.
bool same_surface(const Plane& a, const Plane& b);

// "1920x1080", for messages.
std::string size_text(std::uint32_t width, std::uint32_t height);

// A source's describe(): `device`, then what its primary plane shows (none
// queried yet: nothing more; not ready: "no primary plane").
std::string describe_display(std::string device, const std::optional<Plane>& primary,
                             bool primary_ready);

// Turns plane queries into Planes backed by imported dma-bufs, each imported
// once and kept by dmabuf_id, re-querying when an id vanishes between the
// query and the import.
class PlaneImporter {
public:
    using Query = std::function<PlaneInfo(PlaneKind)>;
    using GetDmabuf = std::function<UniqueFd(std::uint32_t dmabuf_id, PlaneKind)>;

    // `display`: how messages and buffer names call the device ("vGPU
    // UUID", "VFIO display NAME").
    PlaneImporter(std::string display, std::size_t cache_capacity, Query query,
                  GetDmabuf get_dmabuf);

    // Queries `kind` and fills `plane` with it and its dma-buf; returns the
    // query, dmabuf_id 0 when the plane shows nothing (`plane` untouched).
    PlaneInfo query_and_import(PlaneKind kind, Plane& plane);
    void drop(std::uint32_t dmabuf_id) { cache_.drop(dmabuf_id); }
    std::uint64_t imports() const { return cache_.imports(); }

    // Black XRGB8888 at `width` x `height` (kept while the size stays), for a
    // primary plane that shows nothing.
    Plane blank(std::uint32_t width, std::uint32_t height);

private:
    std::shared_ptr<const Buffer> import(std::uint32_t id, PlaneKind kind, std::uint64_t size);

    std::string display_;
    DmabufCache cache_;
    Query query_;
    GetDmabuf get_dmabuf_;
    std::optional<Plane> blank_;
};

}  // namespace fbx
