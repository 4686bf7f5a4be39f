#include "demo_font.hpp"

namespace fbx::demo_font {
namespace {

constexpr std::array<Glyph, 10> digits{{
    {0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110},  // 0
    {0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110},  // 1
    {0b01110, 0b10001, 0b00001, 0b00110, 0b01000, 0b10000, 0b11111},  // 2
    {0b11110, 0b00001, 0b00001, 0b01110, 0b00001, 0b00001, 0b11110},  // 3
    {0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010},  // 4
    {0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110},  // 5
    {0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110},  // 6
    {0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000},  // 7
    {0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110},  // 8
    {0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100},  // 9
}};
constexpr Glyph colon{0b00000, 0b01100, 0b01100, 0b00000, 0b01100, 0b01100, 0b00000};
constexpr Glyph period{0b00000, 0b00000, 0b00000, 0b00000, 0b00000, 0b01100, 0b01100};
constexpr Glyph blank{};

}  // namespace

const Glyph& glyph(char c) {
    if (c >= '0' && c <= '9') {
        return digits[static_cast<std::size_t>(c - '0')];
    }
    if (c == ':') {
        return colon;
    }
    if (c == '.') {
        return period;
    }
    return blank;
}

}  // namespace fbx::demo_font
