#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fbexport/source.hpp"
#include "fbexport/unique_fd.hpp"

namespace fbx {

// A still picture that says why there is no display: a few lines of text,
// centred in capitals on a dark background (e.g. "VGPU <UUID>" / "ABSENT").
// A service shows it in place of a vGPU that does not exist (yet, or any
// more), so its clients keep a connection and see that state plainly.
//
// It has no news after its first frame: event_fd() never turns readable, so
// a service never polls it on a timer.
class PlaceholderSource final : public Source {
public:
    PlaceholderSource(std::uint32_t width, std::uint32_t height, std::vector<std::string> lines);

    // The picture, XRGB8888 rows of `width` pixels: what a client must see.
    static std::vector<std::uint32_t> render(std::uint32_t width, std::uint32_t height,
                                             const std::vector<std::string>& lines);

    std::string describe() const override;
    std::optional<Frame> poll() override;
    void invalidate() override { shown_ = false; }
    int event_fd() const override { return quiet_.get(); }

private:
    std::uint32_t width_;
    std::uint32_t height_;
    std::vector<std::string> lines_;
    Plane plane_;
    UniqueFd quiet_;  // an eventfd nobody writes
    bool shown_ = false;
};

}  // namespace fbx
