#include "pattern.hpp"

#include <algorithm>
#include <array>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"

namespace vgpu {
namespace {

constexpr std::array patterns{Pattern::gradient, Pattern::bars, Pattern::checker, Pattern::noise,
                              Pattern::cursor};

// Scales `value` in [0, range) to a 16-bit channel.
std::uint16_t ramp(std::uint64_t value, std::uint64_t range) {
    return range <= 1 ? 0 : static_cast<std::uint16_t>(value * 0xffff / (range - 1));
}

// A well-mixed 32-bit hash (the finaliser of MurmurHash3).
std::uint32_t mix(std::uint32_t h) {
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

Color bar_color(std::uint32_t bar) {
    // White, yellow, cyan, green, magenta, red, blue, black: the classic order.
    static constexpr std::array<std::array<std::uint8_t, 3>, 8> bars{{
        {255, 255, 255},
        {255, 255, 0},
        {0, 255, 255},
        {0, 255, 0},
        {255, 0, 255},
        {255, 0, 0},
        {0, 0, 255},
        {0, 0, 0},
    }};
    const auto& c = bars[bar % bars.size()];
    return color8(c[0], c[1], c[2]);
}

// A 12x19-ish arrow: inside the triangle x <= y/1.5 with a black outline.
Color arrow_color(std::uint32_t x, std::uint32_t y, std::uint32_t width, std::uint32_t height) {
    const std::uint32_t h = std::min(height, 2 * width);
    if (y >= h || 3 * x > 2 * y) {
        return {0, 0, 0, 0};
    }
    const bool edge = x == 0 || 3 * (x + 1) > 2 * y || y + 1 == h;
    return edge ? color8(0, 0, 0) : color8(255, 255, 255);
}

}  // namespace

std::span<const Pattern> all_patterns() {
    return patterns;
}

std::string_view pattern_name(Pattern pattern) {
    switch (pattern) {
        case Pattern::gradient:
            return "gradient";
        case Pattern::bars:
            return "bars";
        case Pattern::checker:
            return "checker";
        case Pattern::noise:
            return "noise";
        case Pattern::cursor:
            return "cursor";
    }
    return "?";
}

std::optional<Pattern> find_pattern(std::string_view name) {
    for (const Pattern p : patterns) {
        if (pattern_name(p) == name) {
            return p;
        }
    }
    return std::nullopt;
}

Color pattern_color(Pattern pattern, std::uint32_t x, std::uint32_t y, std::uint32_t width,
                    std::uint32_t height, std::uint32_t frame) {
    switch (pattern) {
        case Pattern::gradient:
            return {ramp(x, width), ramp(y, height), ramp(frame % 256, 256), 0xffff};
        case Pattern::bars:
            return bar_color(static_cast<std::uint32_t>(std::uint64_t{x} * 8 / width) + frame);
        case Pattern::checker: {
            const bool on = (((x + frame) / 16) + (y / 16)) % 2 == 0;
            return on ? color8(240, 240, 240) : color8(32, 32, 96);
        }
        case Pattern::noise: {
            const std::uint32_t h1 = mix(x * 0x9e3779b9u ^ mix(y + 0x7f4a7c15u * frame));
            const std::uint32_t h2 = mix(h1 ^ 0x5bd1e995u);
            return {static_cast<std::uint16_t>(h1), static_cast<std::uint16_t>(h1 >> 16),
                    static_cast<std::uint16_t>(h2), static_cast<std::uint16_t>(h2 >> 16)};
        }
        case Pattern::cursor:
            return arrow_color(x, y, width, height);
    }
    return {};
}

void draw_pattern(const Surface& s, Pattern pattern, std::uint32_t frame) {
    draw_pattern_rect(s, pattern, frame, 0, 0, s.width, s.height);
}

void draw_pattern_rect(const Surface& s, Pattern pattern, std::uint32_t frame, std::uint32_t x0,
                       std::uint32_t y0, std::uint32_t width, std::uint32_t height) {
    const fbx::SurfaceLayout layout(s.tiling, s.stride, s.height);
    const std::string problem =
        fbx::check_surface(s.format, s.tiling, s.width, s.height, s.stride, 0, s.capacity);
    if (!problem.empty()) {
        throw fbx::Error("cannot draw " + std::string(pattern_name(pattern)) + " into " +
                         std::string(s.format.name) + " surface: " + problem);
    }
    const std::uint32_t x1 = std::min<std::uint64_t>(std::uint64_t{x0} + width, s.width);
    const std::uint32_t y1 = std::min<std::uint64_t>(std::uint64_t{y0} + height, s.height);
    const std::uint32_t bpp = s.format.bytes_per_pixel;
    for (std::uint32_t y = y0; y < y1; ++y) {
        for (std::uint32_t x = x0; x < x1; ++x) {
            const Color c = pattern_color(pattern, x, y, s.width, s.height, frame);
            store_pixel(s.base + layout.byte_offset(x * bpp, y), bpp, encode_pixel(s.format, c));
        }
    }
}

Color read_pixel(const Surface& s, const std::uint8_t* bytes, std::uint32_t x, std::uint32_t y) {
    const fbx::SurfaceLayout layout(s.tiling, s.stride, s.height);
    const std::uint32_t bpp = s.format.bytes_per_pixel;
    return decode_pixel(s.format, load_pixel(bytes + layout.byte_offset(x * bpp, y), bpp));
}

}  // namespace vgpu
