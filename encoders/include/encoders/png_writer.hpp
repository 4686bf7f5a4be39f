#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fbx {

// A read-only view of XRGB8888 pixels (the X byte is ignored).
struct XrgbImageView {
    const std::uint32_t* pixels;
    std::uint32_t width;
    std::uint32_t height;
    std::size_t stride;  // bytes
};

// Writes `image` as an 8-bit RGB PNG. The file appears complete or not at all
// (written beside it, then renamed); "-" writes to standard output. Throws
// fbx::Error naming the path on failure.
void write_png(const XrgbImageView& image, const std::string& path);

}  // namespace fbx
