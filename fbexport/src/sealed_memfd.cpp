#include "sealed_memfd.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fbexport/error.hpp"

namespace fbx {

UniqueFd create_sealed_memfd(const std::string& name, std::size_t size) {
    UniqueFd fd(::memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd) {
        throw_errno("memfd_create for " + name);
    }
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
        throw_errno("ftruncate of " + name + " to " + std::to_string(size) + " bytes");
    }
    if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
        throw_errno("sealing the size of " + name);
    }
    return fd;
}

}  // namespace fbx
