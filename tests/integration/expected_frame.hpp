#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "fbexport/demo_scene.hpp"

namespace fbx::test {

// What a consumer should see of the demo at time t in a given format: the
// scene's XRGB8888 pixels after the precision the format keeps. Written from
// the formats' definitions, independently of the converters under test.
inline std::uint32_t quantize(std::uint32_t xrgb, std::uint32_t fourcc_bits_per_channel_rgb565) {
    if (fourcc_bits_per_channel_rgb565 == 0) {
        return xrgb & 0x00ffffffu;
    }
    // RGB565 keeps 5/6/5 bits; a reader widens them by repeating the top bits.
    const std::uint32_t r5 = (xrgb >> 19) & 0x1f;
    const std::uint32_t g6 = (xrgb >> 10) & 0x3f;
    const std::uint32_t b5 = (xrgb >> 3) & 0x1f;
    const std::uint32_t r = (r5 << 3) | (r5 >> 2);
    const std::uint32_t g = (g6 << 2) | (g6 >> 4);
    const std::uint32_t b = (b5 << 3) | (b5 >> 2);
    return (r << 16) | (g << 8) | b;
}

inline std::vector<std::uint32_t> render_scene(std::uint32_t width, std::uint32_t height,
                                               std::uint64_t t_ms) {
    DemoScene scene(width, height);
    std::vector<std::uint32_t> pixels(std::size_t{width} * height);
    scene.render(t_ms, {0, 0, static_cast<std::int32_t>(width), static_cast<std::int32_t>(height)},
                 pixels.data(), std::size_t{width} * 4);
    return pixels;
}

// The demo at time t as a stream shows it: the scene with the cursor plane
// blended over it where the scene puts it (premultiplied alpha, OVER).
inline std::vector<std::uint32_t> render_scene_with_cursor(std::uint32_t width,
                                                           std::uint32_t height,
                                                           std::uint64_t t_ms) {
    std::vector<std::uint32_t> pixels = render_scene(width, height, t_ms);
    const CursorPosition at = DemoScene(width, height).cursor_at(t_ms);
    const std::vector<std::uint32_t> cursor = DemoScene::cursor_image();
    const auto size = static_cast<std::int32_t>(DemoScene::cursor_size);
    for (std::int32_t cy = 0; cy < size; ++cy) {
        for (std::int32_t cx = 0; cx < size; ++cx) {
            const std::int32_t x = at.x + cx;
            const std::int32_t y = at.y + cy;
            if (x < 0 || y < 0 || x >= std::int32_t(width) || y >= std::int32_t(height)) {
                continue;
            }
            const std::uint32_t c = cursor[std::size_t(cy) * size + cx];
            const std::uint32_t alpha = c >> 24;
            std::uint32_t& dst = pixels[std::size_t(y) * width + x];
            std::uint32_t out = 0;
            for (int shift : {0, 8, 16}) {
                const std::uint32_t s = (c >> shift) & 0xff;
                const std::uint32_t d = (dst >> shift) & 0xff;
                out |= std::min<std::uint32_t>(255, s + (d * (255 - alpha) + 127) / 255) << shift;
            }
            dst = out;
        }
    }
    return pixels;
}

}  // namespace fbx::test
