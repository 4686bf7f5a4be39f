#pragma once

#include <pixman.h>

#include <memory>

namespace fbx {

struct PixmanImageUnref {
    void operator()(pixman_image_t* image) const { pixman_image_unref(image); }
};

// Sole owner of one pixman image reference.
using PixmanImagePtr = std::unique_ptr<pixman_image_t, PixmanImageUnref>;

}  // namespace fbx
