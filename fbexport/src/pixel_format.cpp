#include "fbexport/pixel_format.hpp"

#include <drm_fourcc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace fbx {
namespace {

constexpr std::array formats{
    PixelFormat{DRM_FORMAT_XRGB8888, "XRGB8888", 4, false},
    PixelFormat{DRM_FORMAT_ARGB8888, "ARGB8888", 4, true},
    PixelFormat{DRM_FORMAT_XBGR8888, "XBGR8888", 4, false},
    PixelFormat{DRM_FORMAT_ABGR8888, "ABGR8888", 4, true},
    PixelFormat{DRM_FORMAT_RGB565, "RGB565", 2, false},
    PixelFormat{DRM_FORMAT_XRGB2101010, "XRGB2101010", 4, false},
};

constexpr std::array modifiers{
    Modifier{DRM_FORMAT_MOD_LINEAR, Tiling::linear, "linear"},
    Modifier{I915_FORMAT_MOD_X_TILED, Tiling::intel_x, "x-tiled"},
    Modifier{I915_FORMAT_MOD_Y_TILED, Tiling::intel_y, "y-tiled"},
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::span<const PixelFormat> supported_formats() {
    return formats;
}

std::optional<PixelFormat> find_format(std::uint32_t fourcc) {
    for (const auto& f : formats) {
        if (f.fourcc == fourcc) {
            return f;
        }
    }
    return std::nullopt;
}

std::optional<PixelFormat> find_format(std::string_view name) {
    for (const auto& f : formats) {
        if (equal_ignoring_case(f.name, name)) {
            return f;
        }
    }
    return std::nullopt;
}

std::string format_name(std::uint32_t fourcc) {
    if (auto f = find_format(fourcc)) {
        return std::string(f->name);
    }
    std::string s;
    for (int i = 0; i < 4; ++i) {
        const char c = static_cast<char>((fourcc >> (8 * i)) & 0xff);
        s += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    }
    return s;
}

std::span<const Modifier> supported_modifiers() {
    return modifiers;
}

std::optional<Modifier> find_modifier(std::uint64_t value) {
    for (const auto& m : modifiers) {
        if (m.value == value) {
            return m;
        }
    }
    return std::nullopt;
}

std::optional<Modifier> find_modifier(std::string_view name) {
    for (const auto& m : modifiers) {
        if (equal_ignoring_case(m.name, name)) {
            return m;
        }
    }
    return std::nullopt;
}

std::string modifier_name(std::uint64_t value) {
    if (auto m = find_modifier(value)) {
        return std::string(m->name);
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value));
    return buf;
}

}  // namespace fbx
