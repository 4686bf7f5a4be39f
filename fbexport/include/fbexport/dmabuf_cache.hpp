#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <utility>

#include "fbexport/buffer.hpp"

namespace fbx {

// Imported dma-bufs by the kernel's dmabuf_id, as QEMU's vfio display keeps
// them: a surface shown again (a double-buffering guest flipping between two)
// is not imported and mapped again. An id names one surface for the
// instance's life and is never reused, so a hit is always the right buffer.
// Bounded: beyond `capacity` the least recently used id is dropped (frames
// still holding its Buffer keep it alive until they are done).
class DmabufCache {
public:
    // Makes the Buffer for an id that is not cached; may return null (the
    // id was forgotten by the kernel), which is not cached.
    using Import = std::function<std::shared_ptr<const Buffer>(std::uint32_t dmabuf_id)>;

    explicit DmabufCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

    std::shared_ptr<const Buffer> get(std::uint32_t dmabuf_id, const Import& import);
    // Forgets `dmabuf_id` (its surface was invalidated); true if it was cached.
    bool drop(std::uint32_t dmabuf_id);
    void clear() { entries_.clear(); }

    bool contains(std::uint32_t dmabuf_id) const;
    std::size_t size() const { return entries_.size(); }
    std::size_t capacity() const { return capacity_; }
    // Imports made since construction: tests check that a hit costs none.
    std::uint64_t imports() const { return imports_; }

private:
    using Entry = std::pair<std::uint32_t, std::shared_ptr<const Buffer>>;

    std::size_t capacity_;
    std::list<Entry> entries_;  // most recently used first; a handful of entries
    std::uint64_t imports_ = 0;
};

}  // namespace fbx
