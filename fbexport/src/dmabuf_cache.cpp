#include "fbexport/dmabuf_cache.hpp"

#include <algorithm>

namespace fbx {

std::shared_ptr<const Buffer> DmabufCache::get(std::uint32_t dmabuf_id, const Import& import) {
    const auto it = std::find_if(entries_.begin(), entries_.end(),
                                 [dmabuf_id](const Entry& e) { return e.first == dmabuf_id; });
    if (it != entries_.end()) {
        entries_.splice(entries_.begin(), entries_, it);
        return it->second;
    }
    std::shared_ptr<const Buffer> buffer = import(dmabuf_id);
    ++imports_;
    if (!buffer) {
        return nullptr;
    }
    entries_.emplace_front(dmabuf_id, buffer);
    while (entries_.size() > capacity_) {
        entries_.pop_back();
    }
    return buffer;
}

bool DmabufCache::drop(std::uint32_t dmabuf_id) {
    return std::erase_if(entries_, [dmabuf_id](const Entry& e) { return e.first == dmabuf_id; }) >
           0;
}

bool DmabufCache::contains(std::uint32_t dmabuf_id) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [dmabuf_id](const Entry& e) { return e.first == dmabuf_id; });
}

}  // namespace fbx
