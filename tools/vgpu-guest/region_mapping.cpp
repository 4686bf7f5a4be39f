#include "region_mapping.hpp"

#include <sys/mman.h>

#include "fbexport/error.hpp"
#include "hex_string.hpp"

namespace vgpu {

RegionMapping::RegionMapping(int fd, std::uint64_t offset, std::size_t size, bool writable,
                             const std::string& what) {
    const int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void* p = ::mmap(nullptr, size, prot, MAP_SHARED, fd, static_cast<off_t>(offset));
    if (p == MAP_FAILED) {
        fbx::throw_errno("mmap of " + what + " (fd " + std::to_string(fd) + ", offset " +
                         hex(offset) + ", " + std::to_string(size) + " bytes)");
    }
    data_ = p;
    size_ = size;
}

RegionMapping& RegionMapping::operator=(RegionMapping&& other) noexcept {
    if (this != &other) {
        unmap();
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

void RegionMapping::unmap() {
    if (data_ != nullptr) {
        ::munmap(data_, size_);
        data_ = nullptr;
        size_ = 0;
    }
}

}  // namespace vgpu
