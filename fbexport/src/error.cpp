#include "fbexport/error.hpp"

#include <cstring>

namespace fbx {

void throw_errno(const std::string& what, int err) {
    throw Error(what + ": " + std::strerror(err));
}

}  // namespace fbx
