#include "fbexport/memory_mapping.hpp"

#include <sys/mman.h>

#include "fbexport/error.hpp"

namespace fbx {

MemoryMapping::MemoryMapping(int fd, std::size_t size, bool writable, const std::string& what)
    : size_(size) {
    const int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void* p = ::mmap(nullptr, size, prot, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        size_ = 0;
        throw_errno("mmap of " + what + " (fd " + std::to_string(fd) + ", " + std::to_string(size) +
                    " bytes)");
    }
    data_ = p;
}

MemoryMapping& MemoryMapping::operator=(MemoryMapping&& other) noexcept {
    if (this != &other) {
        if (data_ != nullptr) {
            ::munmap(data_, size_);
        }
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

MemoryMapping::~MemoryMapping() {
    if (data_ != nullptr) {
        ::munmap(data_, size_);
    }
}

}  // namespace fbx
