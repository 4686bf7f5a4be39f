#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fbx {

// A DRM fourcc (drm_fourcc.h) this project can read, with what it needs to know of it.
struct PixelFormat {
    std::uint32_t fourcc;
    std::string_view name;  // as in drm_fourcc.h, without the DRM_FORMAT_ prefix
    std::uint32_t bytes_per_pixel;
    bool has_alpha;
};

// Every format the display layer converts, primary and cursor planes alike.
std::span<const PixelFormat> supported_formats();
std::optional<PixelFormat> find_format(std::uint32_t fourcc);
std::optional<PixelFormat> find_format(std::string_view name);  // case-insensitive
std::string format_name(std::uint32_t fourcc);  // "XRGB8888", or the fourcc's four characters

// The DRM format modifiers (memory layouts) this project can read.
enum class Tiling { linear, intel_x, intel_y };

struct Modifier {
    std::uint64_t value;  // DRM_FORMAT_MOD_LINEAR, I915_FORMAT_MOD_X_TILED, ...
    Tiling tiling;
    std::string_view name;  // "linear", "x-tiled", "y-tiled"
};

std::span<const Modifier> supported_modifiers();
std::optional<Modifier> find_modifier(std::uint64_t value);
std::optional<Modifier> find_modifier(std::string_view name);
std::string modifier_name(std::uint64_t value);  // "x-tiled", or the value in hex

}  // namespace fbx
