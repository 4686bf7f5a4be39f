#include "display/damage_region.hpp"

#include <algorithm>
#include <climits>
#include <new>

namespace fbx {
namespace {

// pixman reports allocation failure by return value; nothing else can fail.
void check(pixman_bool_t ok) {
    if (!ok) {
        throw std::bad_alloc();
    }
}

std::int32_t clamp_to_int32(std::int64_t v) {
    return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, INT32_MIN, INT32_MAX));
}

// Boxes are int32 corners; their sides can exceed int32 only for absurd regions.
Rect to_rect(const pixman_box32_t& b) {
    return {b.x1, b.y1, clamp_to_int32(std::int64_t{b.x2} - b.x1),
            clamp_to_int32(std::int64_t{b.y2} - b.y1)};
}

Rect surface_rect(std::uint32_t width, std::uint32_t height) {
    return {0, 0, clamp_to_int32(width), clamp_to_int32(height)};
}

}  // namespace

DamageRegion::DamageRegion() {
    pixman_region32_init(&region_);
}

DamageRegion::DamageRegion(const Rect& rect) : DamageRegion() {
    add(rect);
}

DamageRegion::DamageRegion(std::span<const Rect> rects) : DamageRegion() {
    add(rects);
}

DamageRegion::DamageRegion(const DamageRegion& other) : DamageRegion() {
    check(pixman_region32_copy(&region_, &other.region_));
}

DamageRegion::DamageRegion(DamageRegion&& other) noexcept : DamageRegion() {
    // pixman regions hold at most one heap block; swapping the structs moves it.
    std::swap(region_, other.region_);
}

DamageRegion& DamageRegion::operator=(const DamageRegion& other) {
    if (this != &other) {
        check(pixman_region32_copy(&region_, &other.region_));
    }
    return *this;
}

DamageRegion& DamageRegion::operator=(DamageRegion&& other) noexcept {
    if (this != &other) {
        std::swap(region_, other.region_);
        other.clear();
    }
    return *this;
}

DamageRegion::~DamageRegion() {
    pixman_region32_fini(&region_);
}

void DamageRegion::add(const Rect& rect) {
    if (rect.empty()) {
        return;
    }
    // In 64 bits: x + width may pass INT32_MAX, and pixman must not see that.
    const std::int64_t x1 = std::min<std::int64_t>(std::int64_t{rect.x} + rect.width, INT32_MAX);
    const std::int64_t y1 = std::min<std::int64_t>(std::int64_t{rect.y} + rect.height, INT32_MAX);
    check(pixman_region32_union_rect(&region_, &region_, rect.x, rect.y,
                                     static_cast<unsigned>(x1 - rect.x),
                                     static_cast<unsigned>(y1 - rect.y)));
}

void DamageRegion::add(std::span<const Rect> rects) {
    for (const Rect& rect : rects) {
        add(rect);
    }
}

void DamageRegion::add(const DamageRegion& other) {
    check(pixman_region32_union(&region_, &region_, &other.region_));
}

void DamageRegion::add(const Damage& damage, std::uint32_t width, std::uint32_t height) {
    const Rect surface = surface_rect(width, height);
    if (damage.full) {
        add(surface);
        return;
    }
    for (const Rect& rect : damage.rects) {
        add(intersect(rect, surface));
    }
}

void DamageRegion::clear() {
    pixman_region32_fini(&region_);
    pixman_region32_init(&region_);
}

void DamageRegion::clip(const Rect& bounds) {
    if (bounds.empty()) {
        clear();
        return;
    }
    check(pixman_region32_intersect_rect(&region_, &region_, bounds.x, bounds.y,
                                         static_cast<unsigned>(bounds.width),
                                         static_cast<unsigned>(bounds.height)));
}

void DamageRegion::clip(std::uint32_t width, std::uint32_t height) {
    clip(surface_rect(width, height));
}

bool DamageRegion::empty() const {
    return !pixman_region32_not_empty(&region_);
}

bool DamageRegion::contains(std::int32_t x, std::int32_t y) const {
    return pixman_region32_contains_point(&region_, x, y, nullptr);
}

Rect DamageRegion::bounding_box() const {
    if (empty()) {
        return {};
    }
    return to_rect(*pixman_region32_extents(&region_));
}

std::int64_t DamageRegion::area() const {
    std::int64_t total = 0;
    for (const Rect& rect : rects()) {
        total += rect.area();
    }
    return total;
}

std::vector<Rect> DamageRegion::rects() const {
    int count = 0;
    const pixman_box32_t* boxes = pixman_region32_rectangles(&region_, &count);
    std::vector<Rect> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        out.push_back(to_rect(boxes[i]));
    }
    return out;
}

bool operator==(const DamageRegion& a, const DamageRegion& b) {
    return pixman_region32_equal(&a.region_, &b.region_);
}

}  // namespace fbx
