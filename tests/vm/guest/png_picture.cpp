#include "png_picture.hpp"

#include <png.h>

#include "fbexport/error.hpp"

namespace vmtest {

Picture read_png(const std::string& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&image, path.c_str())) {
        throw fbx::Error("reading PNG " + path + ": " + image.message);
    }
    image.format = PNG_FORMAT_RGB;
    std::vector<std::uint8_t> rgb(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) {
        throw fbx::Error("decoding PNG " + path + ": " + image.message);
    }
    Picture p{image.width, image.height, {}};
    p.pixels.resize(std::size_t{image.width} * image.height);
    for (std::size_t i = 0; i < p.pixels.size(); ++i) {
        const std::uint8_t* px = &rgb[i * 3];
        p.pixels[i] = std::uint32_t{px[0]} << 16 | std::uint32_t{px[1]} << 8 | px[2];
    }
    return p;
}

}  // namespace vmtest
