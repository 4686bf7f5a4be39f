#include "fbexport/placeholder_source.hpp"

#include <drm_fourcc.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "demo_font.hpp"
#include "fbexport/error.hpp"
#include "fbexport/memory_mapping.hpp"
#include "sealed_memfd.hpp"

namespace fbx {
namespace {

constexpr std::uint32_t background = 0x202830;
constexpr std::uint32_t foreground = 0xe0e0e0;
// A glyph cell: the glyph plus one column and two rows of spacing.
constexpr std::uint32_t cell_width = demo_font::glyph_width + 1;
constexpr std::uint32_t cell_height = demo_font::glyph_height + 2;

}  // namespace

std::vector<std::uint32_t> PlaceholderSource::render(std::uint32_t width, std::uint32_t height,
                                                     const std::vector<std::string>& lines) {
    std::vector<std::uint32_t> pixels(std::size_t{width} * height, background);
    std::size_t longest = 1;
    for (const std::string& line : lines) {
        longest = std::max(longest, line.size());
    }
    // As large as fits in nine tenths of the screen, at most 8 pixels a dot.
    const std::uint32_t by_width = width * 9 / 10 / (std::uint32_t(longest) * cell_width);
    const std::uint32_t by_height =
        height * 9 / 10 / (std::max<std::uint32_t>(1, std::uint32_t(lines.size())) * cell_height);
    const std::uint32_t scale = std::clamp<std::uint32_t>(std::min(by_width, by_height), 1, 8);
    const std::uint32_t block = std::uint32_t(lines.size()) * cell_height * scale;
    std::uint32_t top = height > block ? (height - block) / 2 : 0;
    for (const std::string& line : lines) {
        const std::uint32_t span = std::uint32_t(line.size()) * cell_width * scale;
        std::uint32_t left = width > span ? (width - span) / 2 : 0;
        for (const char c : line) {
            const auto& g =
                demo_font::glyph(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
            for (std::uint32_t gy = 0; gy < demo_font::glyph_height * scale; ++gy) {
                for (std::uint32_t gx = 0; gx < demo_font::glyph_width * scale; ++gx) {
                    const std::uint32_t x = left + gx;
                    const std::uint32_t y = top + gy;
                    if (x < width && y < height &&
                        demo_font::pixel_set(g, gx / scale, gy / scale)) {
                        pixels[std::size_t{y} * width + x] = foreground;
                    }
                }
            }
            left += cell_width * scale;
        }
        top += cell_height * scale;
    }
    return pixels;
}

PlaceholderSource::PlaceholderSource(std::uint32_t width, std::uint32_t height,
                                     std::vector<std::string> lines)
    : width_(width), height_(height), lines_(std::move(lines)) {
    if (width == 0 || height == 0) {
        throw Error("placeholder picture of size " + std::to_string(width) + "x" +
                    std::to_string(height));
    }
    const std::string name = "fbexport-placeholder";
    const std::size_t size = std::size_t{width} * height * 4;
    UniqueFd fd = create_sealed_memfd(name, size);
    {
        const std::vector<std::uint32_t> pixels = render(width, height, lines_);
        const MemoryMapping map(fd.get(), size, true, name);
        std::memcpy(map.data(), pixels.data(), size);
    }
    plane_.kind = PlaneKind::primary;
    plane_.buffer = std::make_shared<const Buffer>(std::move(fd), size, name);
    plane_.fourcc = DRM_FORMAT_XRGB8888;
    plane_.modifier = DRM_FORMAT_MOD_LINEAR;
    plane_.width = width;
    plane_.height = height;
    plane_.stride = width * 4;
    quiet_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!quiet_) {
        throw_errno("eventfd for the placeholder picture");
    }
}

std::string PlaceholderSource::describe() const {
    std::string text = "placeholder " + std::to_string(width_) + "x" + std::to_string(height_);
    for (const std::string& line : lines_) {
        text += (&line == &lines_.front() ? ": " : " / ") + line;
    }
    return text;
}

std::optional<Frame> PlaceholderSource::poll() {
    if (shown_) {
        return std::nullopt;
    }
    shown_ = true;
    Frame frame;
    frame.sequence = 1;
    frame.primary = plane_;
    frame.damage = Damage::everything();
    return frame;
}

}  // namespace fbx
