#pragma once

#include <pixman.h>

#include <cstdint>
#include <span>
#include <vector>

#include "fbexport/frame.hpp"
#include "fbexport/rect.hpp"

namespace fbx {

// A set of damaged pixels: the union of the rectangles added, kept by pixman
// as non-overlapping bands, so overlapping damage is converted once. Frames
// that arrive while nobody consumes them add here, and the consumer converts
// the accumulated region in one go.
class DamageRegion {
public:
    DamageRegion();
    explicit DamageRegion(const Rect& rect);
    explicit DamageRegion(std::span<const Rect> rects);
    DamageRegion(const DamageRegion& other);
    DamageRegion(DamageRegion&& other) noexcept;  // moves leave `other` empty
    DamageRegion& operator=(const DamageRegion& other);
    DamageRegion& operator=(DamageRegion&& other) noexcept;
    ~DamageRegion();

    // Empty rectangles are ignored; coordinates past the int32 range are clamped.
    void add(const Rect& rect);
    void add(std::span<const Rect> rects);
    void add(const DamageRegion& other);
    // A frame's damage on a width x height surface: all of it when `damage`
    // is full, else its rectangles clipped to the surface.
    void add(const Damage& damage, std::uint32_t width, std::uint32_t height);

    void clear();
    // Keeps only what lies inside `bounds` / inside a width x height surface at 0,0.
    void clip(const Rect& bounds);
    void clip(std::uint32_t width, std::uint32_t height);

    bool empty() const;
    bool contains(std::int32_t x, std::int32_t y) const;
    Rect bounding_box() const;        // empty Rect when the region is empty
    std::int64_t area() const;        // pixels covered, each counted once
    std::vector<Rect> rects() const;  // disjoint, sorted top to bottom, left to right

    const pixman_region32_t* native() const { return &region_; }

    friend bool operator==(const DamageRegion& a, const DamageRegion& b);

private:
    pixman_region32_t region_;
};

}  // namespace fbx
