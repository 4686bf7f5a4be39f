#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "fbexport/demo_scene.hpp"
#include "fbexport/pixel_format.hpp"
#include "fbexport/source.hpp"

namespace fbx {

struct DemoOptions {
    std::uint32_t width = 1920;
    std::uint32_t height = 1080;
    std::uint32_t fourcc;    // one of supported_formats(); DRM_FORMAT_XRGB8888 by default
    std::uint64_t modifier;  // one of supported_modifiers(); linear by default
    // Scene time stops advancing here (ms); nullopt animates for ever. A
    // stopped animation ends on a known picture, which tests compare against.
    std::optional<std::uint64_t> stop_at_ms;
    // Milliseconds since the animation started; the wall clock by default.
    std::function<std::uint64_t()> clock;

    DemoOptions();
};

// The built-in source: DemoScene rendered into memfd buffers laid out exactly
// like a guest's planes (any supported format and Intel tiling), with exact
// damage per frame. Only damaged pixels are re-rendered and re-encoded.
class DemoSource final : public Source {
public:
    explicit DemoSource(DemoOptions options);
    ~DemoSource() override;

    std::string describe() const override;
    std::optional<Frame> poll() override;
    void invalidate() override;

    // The scene being shown, for rendering reference pictures.
    const DemoScene& scene() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace fbx
