// A PNG read back with libpng, as the Picture the service tests compare.
#pragma once

#include <string>

#include "guest_screen.hpp"

namespace vmtest {

// The PNG at `path` as XRGB8888; throws fbx::Error with libpng's message.
Picture read_png(const std::string& path);

}  // namespace vmtest
