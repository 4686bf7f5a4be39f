#include "encoders/png_writer.hpp"

#include <gtest/gtest.h>
#include <png.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

// Decodes with libpng's own reader: a real peer for the writer.
std::vector<std::uint8_t> read_rgb(const std::string& path, std::uint32_t& w, std::uint32_t& h) {
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    EXPECT_TRUE(png_image_begin_read_from_file(&img, path.c_str())) << img.message;
    img.format = PNG_FORMAT_RGB;
    std::vector<std::uint8_t> rgb(PNG_IMAGE_SIZE(img));
    EXPECT_TRUE(png_image_finish_read(&img, nullptr, rgb.data(), 0, nullptr)) << img.message;
    w = img.width;
    h = img.height;
    return rgb;
}

class PngWriterTest : public ::testing::Test {
protected:
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("fbexport-png-test-" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir); }
    void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(PngWriterTest, RoundTripsPixelsThroughAPaddedStride) {
    const std::uint32_t w = 5, h = 3, stride_pixels = 8;
    std::vector<std::uint32_t> pixels(stride_pixels * h, 0xdeadbeef);
    for (std::uint32_t y = 0; y < h; ++y) {
        for (std::uint32_t x = 0; x < w; ++x) {
            // The X byte must be ignored: fill it with noise.
            pixels[y * stride_pixels + x] = (0x5au << 24) | (x * 50u << 16) | (y * 80u << 8) | 7u;
        }
    }
    const std::string path = dir / "out.png";
    write_png({pixels.data(), w, h, stride_pixels * 4}, path);
    std::uint32_t rw = 0, rh = 0;
    const auto rgb = read_rgb(path, rw, rh);
    ASSERT_EQ(rw, w);
    ASSERT_EQ(rh, h);
    for (std::uint32_t y = 0; y < h; ++y) {
        for (std::uint32_t x = 0; x < w; ++x) {
            const std::uint8_t* p = &rgb[(y * w + x) * 3];
            EXPECT_EQ(p[0], x * 50) << x << "," << y;
            EXPECT_EQ(p[1], y * 80) << x << "," << y;
            EXPECT_EQ(p[2], 7) << x << "," << y;
        }
    }
    EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_F(PngWriterTest, FailureNamesThePathAndLeavesNothing) {
    std::uint32_t pixel = 0;
    const std::string path = dir / "missing-dir" / "out.png";
    try {
        write_png({&pixel, 1, 1, 4}, path);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("missing-dir"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(PngWriterTest, RefusesAnEmptyImage) {
    std::uint32_t pixel = 0;
    EXPECT_THROW(write_png({&pixel, 0, 1, 4}, dir / "empty.png"), Error);
}

}  // namespace
}  // namespace fbx
