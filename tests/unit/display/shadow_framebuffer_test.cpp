#include "display/shadow_framebuffer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "fbexport/error.hpp"

namespace fbx {
namespace {

bool all_pixels_are(const ShadowFramebuffer& fb, std::uint32_t value) {
    for (std::uint32_t y = 0; y < fb.height(); ++y) {
        for (std::uint32_t x = 0; x < fb.width(); ++x) {
            if (fb.at(x, y) != value) {
                return false;
            }
        }
    }
    return true;
}

TEST(ShadowFramebuffer, IsBlackAlignedAndPacked) {
    const ShadowFramebuffer fb(37, 19);
    EXPECT_EQ(fb.width(), 37u);
    EXPECT_EQ(fb.height(), 19u);
    EXPECT_EQ(fb.stride(), 37u * 4);
    EXPECT_EQ(fb.bounds(), (Rect{0, 0, 37, 19}));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(fb.pixels()) % 64, 0u);
    EXPECT_EQ(fb.row(1), fb.pixels() + 37);
    EXPECT_TRUE(all_pixels_are(fb, 0));
}

TEST(ShadowFramebuffer, PixmanImageViewsThePixels) {
    ShadowFramebuffer fb(37, 19);
    pixman_image_t* image = fb.pixman_image();
    ASSERT_NE(image, nullptr);
    EXPECT_EQ(pixman_image_get_format(image), PIXMAN_x8r8g8b8);
    EXPECT_EQ(pixman_image_get_width(image), 37);
    EXPECT_EQ(pixman_image_get_height(image), 19);
    EXPECT_EQ(pixman_image_get_stride(image), 37 * 4);
    EXPECT_EQ(pixman_image_get_data(image), fb.pixels());

    const pixman_color_t red = {0xffff, 0, 0, 0xffff};
    const pixman_box32_t box = {2, 3, 4, 5};
    pixman_image_fill_boxes(PIXMAN_OP_SRC, image, &red, 1, &box);
    EXPECT_EQ(fb.at(2, 3) & 0xffffff, 0xff0000u);
    EXPECT_EQ(fb.at(3, 4) & 0xffffff, 0xff0000u);
    EXPECT_EQ(fb.at(4, 4), 0u);
}

TEST(ShadowFramebuffer, ResizeClearsToBlack) {
    ShadowFramebuffer fb(16, 16);
    fb.fill(0xdeadbeef);
    EXPECT_TRUE(all_pixels_are(fb, 0xdeadbeef));
    const std::uint32_t* before = fb.pixels();
    fb.resize(16, 16);
    EXPECT_EQ(fb.pixels(), before);  // same size: a VNC server's pointer stays good
    EXPECT_TRUE(all_pixels_are(fb, 0));

    fb.fill(0xdeadbeef);
    fb.resize(513, 9);
    EXPECT_EQ(fb.width(), 513u);
    EXPECT_EQ(pixman_image_get_width(fb.pixman_image()), 513);
    EXPECT_EQ(pixman_image_get_data(fb.pixman_image()), fb.pixels());
    EXPECT_TRUE(all_pixels_are(fb, 0));
}

TEST(ShadowFramebuffer, EmptyHasNoPixels) {
    ShadowFramebuffer fb;
    EXPECT_EQ(fb.pixels(), nullptr);
    EXPECT_EQ(fb.pixman_image(), nullptr);
    EXPECT_TRUE(fb.bounds().empty());
    fb.resize(8, 8);
    fb.resize(0, 8);
    EXPECT_EQ(fb.pixels(), nullptr);
    EXPECT_EQ(fb.pixman_image(), nullptr);
}

TEST(ShadowFramebuffer, MoveTakesThePixels) {
    ShadowFramebuffer source(8, 4);
    source.fill(0x123456);
    const std::uint32_t* pixels = source.pixels();
    ShadowFramebuffer moved(std::move(source));
    EXPECT_EQ(moved.pixels(), pixels);
    EXPECT_EQ(pixman_image_get_data(moved.pixman_image()), pixels);
    EXPECT_TRUE(all_pixels_are(moved, 0x123456));
    EXPECT_EQ(source.width(), 0u);  // NOLINT(bugprone-use-after-move): documented state
    EXPECT_EQ(source.pixman_image(), nullptr);

    ShadowFramebuffer assigned(2, 2);
    assigned = std::move(moved);
    EXPECT_EQ(assigned.pixels(), pixels);
    EXPECT_EQ(assigned.width(), 8u);
}

TEST(ShadowFramebuffer, RefusesSizesPixmanCannotAddress) {
    ShadowFramebuffer fb;
    EXPECT_THROW(fb.resize(0x40000000, 1), Error);
}

}  // namespace
}  // namespace fbx
