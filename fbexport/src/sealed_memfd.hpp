#pragma once

#include <cstddef>
#include <string>

#include "fbexport/unique_fd.hpp"

namespace fbx {

// A zero-filled memfd of a fixed size: sealed against resizing, so a
// consumer that maps it can never fault past its end. Throws fbx::Error
// naming `name`.
UniqueFd create_sealed_memfd(const std::string& name, std::size_t size);

}  // namespace fbx
