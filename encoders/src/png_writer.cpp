#include "encoders/png_writer.hpp"

#include <png.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

std::vector<std::uint8_t> to_rgb(const XrgbImageView& image) {
    std::vector<std::uint8_t> rgb(std::size_t{image.width} * image.height * 3);
    std::uint8_t* out = rgb.data();
    for (std::uint32_t y = 0; y < image.height; ++y) {
        const auto* row = reinterpret_cast<const std::uint32_t*>(
            reinterpret_cast<const std::uint8_t*>(image.pixels) + y * image.stride);
        for (std::uint32_t x = 0; x < image.width; ++x) {
            const std::uint32_t p = row[x];
            *out++ = static_cast<std::uint8_t>(p >> 16);
            *out++ = static_cast<std::uint8_t>(p >> 8);
            *out++ = static_cast<std::uint8_t>(p);
        }
    }
    return rgb;
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void write_png(const XrgbImageView& image, const std::string& path) {
    if (image.width == 0 || image.height == 0) {
        throw Error("cannot write an empty " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " image to " + path);
    }
    const std::vector<std::uint8_t> rgb = to_rgb(image);

    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = image.width;
    png.height = image.height;
    png.format = PNG_FORMAT_RGB;
    const auto row_stride = static_cast<png_int_32>(image.width * 3);

    if (path == "-") {
        if (!png_image_write_to_stdio(&png, stdout, 0, rgb.data(), row_stride, nullptr) ||
            std::fflush(stdout) != 0) {
            throw Error(std::string("writing PNG to standard output: ") + png.message);
        }
        return;
    }

    const std::string partial = path + ".partial";
    {
        std::unique_ptr<std::FILE, FileCloser> file(std::fopen(partial.c_str(), "wb"));
        if (!file) {
            throw_errno("creating " + partial);
        }
        if (!png_image_write_to_stdio(&png, file.get(), 0, rgb.data(), row_stride, nullptr)) {
            std::remove(partial.c_str());
            throw Error("writing PNG " + partial + ": " + png.message);
        }
        if (std::fflush(file.get()) != 0) {
            const int err = errno;
            std::remove(partial.c_str());
            throw_errno("writing PNG " + partial, err);
        }
    }
    if (std::rename(partial.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(partial.c_str());
        throw_errno("renaming " + partial + " to " + path, err);
    }
}

}  // namespace fbx
