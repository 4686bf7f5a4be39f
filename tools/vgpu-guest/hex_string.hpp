#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace vgpu {

// "0x1f": register offsets, modifiers and region offsets read best in hex.
inline std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

}  // namespace vgpu
