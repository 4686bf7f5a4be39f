#include "reference_comparison.hpp"

#include <gtest/gtest.h>

#include "display/reference_converter.hpp"

namespace fbx::test {

int compare_with_reference(const Plane& plane, const std::vector<Rect>& damage,
                           const std::function<void(ShadowFramebuffer&)>& convert,
                           const std::string& what, std::uint32_t extra_width,
                           std::uint32_t extra_height) {
    constexpr std::uint32_t sentinel = 0xdeadbeef;
    ShadowFramebuffer got(plane.width + extra_width, plane.height + extra_height);
    ShadowFramebuffer want(plane.width + extra_width, plane.height + extra_height);
    got.fill(sentinel);
    want.fill(sentinel);
    convert(got);
    ReferenceConverter().convert(plane, damage, want);
    int bad = 0;
    for (std::uint32_t y = 0; y < got.height(); ++y) {
        for (std::uint32_t x = 0; x < got.width(); ++x) {
            const std::uint32_t a = got.at(x, y);
            const std::uint32_t b = want.at(x, y);
            const bool untouched = b == sentinel;
            const bool same = untouched ? a == sentinel : (a & 0xffffff) == (b & 0xffffff);
            if (!same && ++bad <= 3) {
                ADD_FAILURE() << what << ": pixel " << x << "," << y << std::hex << " got " << a
                              << " reference " << b;
            }
        }
    }
    return bad;
}

std::vector<std::vector<Rect>> edge_damages(std::int32_t w, std::int32_t h) {
    return {
        {{0, 0, w, h}},                                        // everything
        {{w - 1, h - 1, 5, 5}},                                // corner, partly outside
        {{-3, -2, 4, 3}, {w / 2, 0, 3, h}},                    // edges, a column
        {{1, 1, w / 2 + 1, h / 3 + 1}, {w / 3, h / 2, w, 2}},  // overlapping, clipped
    };
}

}  // namespace fbx::test
