#include "fbexport/buffer.hpp"

namespace fbx {

const std::uint8_t* Buffer::map() const {
    std::call_once(mapped_once_,
                   [this] { mapping_ = MemoryMapping(fd_.get(), size_, false, name_); });
    return mapping_.data();
}

}  // namespace fbx
