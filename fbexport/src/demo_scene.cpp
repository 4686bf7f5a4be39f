#include "fbexport/demo_scene.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#include "demo_font.hpp"
#include "fbexport/error.hpp"

namespace fbx {
namespace {

constexpr std::uint32_t rgb(std::uint32_t r, std::uint32_t g, std::uint32_t b) {
    return 0xff000000u | (r << 16) | (g << 8) | b;
}

// Moves each channel of `colour` towards white by amount/256.
constexpr std::uint32_t lighten(std::uint32_t colour, std::uint32_t amount) {
    auto channel = [&](int shift) {
        const std::uint32_t c = (colour >> shift) & 0xff;
        return (c + (255 - c) * amount / 256) << shift;
    };
    return 0xff000000u | channel(16) | channel(8) | channel(0);
}

std::int32_t isqrt(std::int64_t n) {
    if (n <= 0) {
        return 0;
    }
    std::int64_t root = 0;
    for (std::int64_t bit = std::int64_t{1} << 30; bit != 0; bit >>= 1) {
        if ((root + bit) * (root + bit) <= n) {
            root += bit;
        }
    }
    return static_cast<std::int32_t>(root);
}

// A run of columns [begin, end) of one canvas row.
struct Span {
    std::int32_t begin;
    std::int32_t end;
    bool empty() const { return end <= begin; }
};

Span overlap(Span s, std::int32_t begin, std::int32_t end) {
    return {std::max(s.begin, begin), std::min(s.end, end)};
}

void fill(std::uint32_t* row, Span s, std::uint32_t colour) {
    if (!s.empty()) {
        std::fill(row + s.begin, row + s.end, colour);
    }
}

// --- the desktop's layout, derived from the screen size alone ---------------

enum class Body { checker, rings, colour_bars, stripes_and_sun };

struct WindowStyle {
    std::int32_t width_percent;
    std::int32_t height_percent;
    std::uint32_t speed_x;  // px/s
    std::uint32_t speed_y;
    std::uint32_t phase_x;  // where the window starts on its bounce cycle, in 16ths
    std::uint32_t phase_y;
    std::uint32_t title_colour;
    Body body;
};

// Back to front.
constexpr std::array window_styles{
    WindowStyle{36, 40, 190, 140, 1, 3, rgb(58, 110, 165), Body::checker},
    WindowStyle{30, 44, 240, 170, 9, 12, rgb(214, 128, 44), Body::rings},
    WindowStyle{42, 32, 140, 260, 5, 7, rgb(60, 150, 88), Body::colour_bars},
    WindowStyle{26, 30, 280, 200, 14, 2, rgb(136, 80, 190), Body::stripes_and_sun},
};
constexpr std::size_t window_count = window_styles.size();

constexpr std::int32_t clock_chars = 7;  // "mm:ss.d"
using ClockText = std::array<char, clock_chars>;

struct Geometry {
    std::int32_t width;
    std::int32_t height;
    std::int32_t border;                          // window frame thickness
    std::int32_t title_height;                    // window title bar, inside the frame
    std::int32_t grid;                            // background pattern pitch
    std::array<Rect, window_count> window_sizes;  // width and height only
    std::int32_t glyph_scale;                     // clock font pixels per glyph pixel
    Rect clock_panel;
    Rect clock_text;

    Rect screen() const { return {0, 0, width, height}; }
    std::int32_t glyph_advance() const {
        return (static_cast<std::int32_t>(demo_font::glyph_width) + 1) * glyph_scale;
    }
};

Geometry geometry_for(std::uint32_t screen_width, std::uint32_t screen_height) {
    Geometry g{};
    g.width = static_cast<std::int32_t>(screen_width);
    g.height = static_cast<std::int32_t>(screen_height);
    g.border = std::max(1, g.height / 540);
    g.title_height = std::max(6, g.height / 36);
    g.grid = std::max(16, g.height / 27);
    // Room for the frame, the title bar, its separator and some body.
    const std::int32_t min_window_height = 2 * g.border + g.title_height + 4;
    for (std::size_t i = 0; i < window_count; ++i) {
        const WindowStyle& style = window_styles[i];
        const std::int32_t w = std::max(8, g.width * style.width_percent / 100);
        const std::int32_t h = std::max(min_window_height, g.height * style.height_percent / 100);
        g.window_sizes[i] = {0, 0, std::min(w, g.width), std::min(h, g.height)};
    }
    g.glyph_scale = std::max(1, g.height / 216);
    const std::int32_t s = g.glyph_scale;
    const std::int32_t text_width = clock_chars * g.glyph_advance() - s;
    const std::int32_t text_height = static_cast<std::int32_t>(demo_font::glyph_height) * s;
    const std::int32_t padding = 2 * s + 1;
    const std::int32_t margin = std::max(2, g.height / 60);
    const std::int32_t panel_width = text_width + 2 * padding;
    const std::int32_t panel_height = text_height + 2 * padding;
    g.clock_panel = {g.width - margin - panel_width, margin, panel_width, panel_height};
    g.clock_text = {g.clock_panel.x + padding, g.clock_panel.y + padding, text_width, text_height};
    return g;
}

// Position on [0, range] of something going back and forth at `speed` px/s.
std::int32_t bounce(std::uint64_t t_ms, std::uint32_t speed, std::uint32_t phase16,
                    std::int32_t range) {
    if (range <= 0) {
        return 0;
    }
    const std::uint64_t cycle = 2 * static_cast<std::uint64_t>(range);
    // The distance travelled in cycle*1000 ms is a whole number of cycles, so
    // reducing t first keeps the product small for any t.
    const std::uint64_t t = t_ms % (cycle * 1000);
    const std::uint64_t d = (t * speed / 1000 + cycle * phase16 / 16) % cycle;
    return static_cast<std::int32_t>(d <= static_cast<std::uint64_t>(range) ? d : cycle - d);
}

// Windows take turns to move, one per turn, as a user drags one window at a
// time: the damage of a frame is one window, not the whole desktop.
constexpr std::uint64_t turn_ms = 2500;

// How long window `i` has been moving by time t: its whole past turns plus
// the part of the current one.
std::uint64_t moving_time(std::size_t i, std::uint64_t t_ms) {
    const std::uint64_t round_ms = turn_ms * window_count;
    const std::uint64_t in_round = t_ms % round_ms;
    const std::uint64_t turn_start = turn_ms * i;
    const std::uint64_t this_round =
        in_round <= turn_start ? 0 : std::min(in_round - turn_start, turn_ms);
    return t_ms / round_ms * turn_ms + this_round;
}

std::array<Rect, window_count> window_rects(const Geometry& g, std::uint64_t t_ms) {
    std::array<Rect, window_count> rects{};
    for (std::size_t i = 0; i < window_count; ++i) {
        Rect r = g.window_sizes[i];
        const std::uint64_t t = moving_time(i, t_ms);
        r.x = bounce(t, window_styles[i].speed_x, window_styles[i].phase_x, g.width - r.width);
        r.y = bounce(t, window_styles[i].speed_y, window_styles[i].phase_y, g.height - r.height);
        rects[i] = r;
    }
    return rects;
}

ClockText clock_text(std::uint64_t t_ms) {
    const std::uint64_t tenths = t_ms / 100;
    const std::uint64_t seconds = tenths / 10;
    const std::uint64_t minutes = (seconds / 60) % 100;  // wraps after 99:59.9
    auto digit = [](std::uint64_t v) { return static_cast<char>('0' + v % 10); };
    return {digit(minutes / 10),
            digit(minutes),
            ':',
            digit(seconds % 60 / 10),
            digit(seconds % 60),
            '.',
            digit(tenths)};
}

// A parabola per half period: integer-only, and its slope is continuous, so
// motion along it looks smooth. Returns [-1024, 1024].
std::int64_t smooth_wave(std::uint64_t t_ms, std::uint64_t period_ms) {
    const std::uint64_t half = period_ms / 2;
    std::uint64_t p = t_ms % period_ms;
    const bool negative = p >= half;
    if (negative) {
        p -= half;
    }
    const auto v = static_cast<std::int64_t>(4096 * p * (half - p) / (half * half));
    return negative ? -v : v;
}

// --- painting, one row at a time ---------------------------------------------

void paint_background_row(const Geometry& g, std::int32_t y, std::uint32_t* row, Span span) {
    // A dusk gradient with a faint grid: per-row colours, per-column only lines.
    const auto k = static_cast<std::uint32_t>(std::int64_t{y} * 256 / g.height);
    auto mix = [k](std::uint32_t top, std::uint32_t bottom) {
        return (top * (256 - k) + bottom * k) / 256;
    };
    const std::uint32_t base = rgb(mix(20, 62), mix(30, 104), mix(66, 138));
    const std::uint32_t line = lighten(base, 14);
    if (y % g.grid == 0) {
        fill(row, span, line);
        return;
    }
    fill(row, span, base);
    for (std::int32_t x = (span.begin + g.grid - 1) / g.grid * g.grid; x < span.end; x += g.grid) {
        row[x] = line;
    }
}

void paint_title_row(const Geometry& g, const WindowStyle& style, const Rect& window,
                     std::int32_t ty, std::uint32_t* row, Span inner) {
    const std::int32_t th = g.title_height;
    fill(row, inner, lighten(style.title_colour, static_cast<std::uint32_t>((th - ty) * 64 / th)));
    const std::int32_t left = window.x + g.border;
    const std::int32_t right = window.right() - g.border;
    if (ty >= th * 2 / 5 && ty < th * 3 / 5) {  // where a title's text would be
        fill(row, overlap(inner, left + th / 2, left + th / 2 + window.width / 4),
             lighten(style.title_colour, 170));
    }
    const std::int32_t radius = std::max(1, th * 3 / 10);
    const std::int32_t dy = ty - th / 2;
    if (dy * dy > radius * radius) {
        return;
    }
    const std::int32_t half = isqrt(radius * radius - dy * dy);
    constexpr std::array buttons{rgb(236, 95, 87), rgb(245, 190, 60), rgb(98, 197, 84)};
    for (std::int32_t b = 0; b < static_cast<std::int32_t>(buttons.size()); ++b) {
        const std::int32_t cx = right - th / 2 - b * (th * 3 / 4);
        if (cx - half < left) {
            break;  // no room in a very narrow window
        }
        fill(row, overlap(inner, cx - half, cx + half + 1), buttons[static_cast<std::size_t>(b)]);
    }
}

void paint_checker_row(const Rect& body, std::int32_t by, std::uint32_t* row, Span s) {
    const std::int32_t cell = std::max(4, body.height / 6);
    const std::int32_t row_parity = (by / cell) & 1;
    for (std::int32_t x = s.begin, c = (s.begin - body.x) / cell; x < s.end; ++c) {
        const std::int32_t end = std::min(s.end, body.x + (c + 1) * cell);
        fill(row, {x, end}, ((c & 1) ^ row_parity) ? rgb(244, 244, 240) : rgb(208, 222, 238));
        x = end;
    }
}

void paint_rings_row(const Rect& body, std::int32_t by, std::uint32_t* row, Span s) {
    constexpr std::array palette{rgb(255, 226, 180), rgb(250, 190, 120), rgb(236, 140, 90),
                                 rgb(250, 190, 120)};
    const std::int64_t k = std::max(2, std::min(body.width, body.height) / 2);
    // Bands of equal area, so rings crowd outwards like ripples.
    const int shift = std::max(
        2, static_cast<int>(std::bit_width(static_cast<std::uint64_t>(k * k / 10 + 1))) - 1);
    const std::int64_t dy = by - body.height / 2;
    const std::int64_t cx = body.x + body.width / 2;
    for (std::int32_t x = s.begin; x < s.end; ++x) {
        const std::int64_t dx = x - cx;
        row[x] = palette[static_cast<std::size_t>(((dx * dx + dy * dy) >> shift) & 3)];
    }
}

void paint_colour_bars_row(const Rect& body, std::int32_t by, std::uint32_t* row, Span s) {
    if (by < body.height * 2 / 3) {
        constexpr std::array bars{rgb(192, 192, 192), rgb(192, 192, 0), rgb(0, 192, 192),
                                  rgb(0, 192, 0),     rgb(192, 0, 192), rgb(192, 0, 0),
                                  rgb(0, 0, 192)};
        const auto n = static_cast<std::int32_t>(bars.size());
        for (std::int32_t j = 0; j < n; ++j) {
            fill(row, overlap(s, body.x + body.width * j / n, body.x + body.width * (j + 1) / n),
                 bars[static_cast<std::size_t>(j)]);
        }
        return;
    }
    constexpr std::int32_t steps = 16;
    for (std::int32_t j = 0; j < steps; ++j) {
        const auto v = static_cast<std::uint32_t>(j * 255 / (steps - 1));
        fill(row,
             overlap(s, body.x + body.width * j / steps, body.x + body.width * (j + 1) / steps),
             rgb(v, v, v));
    }
}

void paint_stripes_and_sun_row(const Rect& body, std::int32_t by, std::uint32_t* row, Span s) {
    const std::int32_t stripe = std::max(3, body.height / 10);
    for (std::int32_t x = s.begin, n = (s.begin - body.x + by) / stripe; x < s.end; ++n) {
        const std::int32_t end = std::min(s.end, body.x + (n + 1) * stripe - by);
        fill(row, {x, end}, (n & 1) ? rgb(226, 214, 246) : rgb(196, 178, 232));
        x = end;
    }
    const std::int32_t radius = std::min(body.width, body.height) / 4;
    const std::int32_t dy = by - body.height / 2;
    if (dy * dy <= radius * radius) {
        const std::int32_t half = isqrt(std::int64_t{radius} * radius - std::int64_t{dy} * dy);
        const std::int32_t cx = body.x + body.width * 2 / 3;
        fill(row, overlap(s, cx - half, cx + half + 1), rgb(255, 200, 60));
    }
}

void paint_window_row(const Geometry& g, const WindowStyle& style, const Rect& window,
                      std::int32_t y, std::uint32_t* row, Span span) {
    const Span s = overlap(span, window.x, window.right());
    if (s.empty()) {
        return;
    }
    constexpr std::uint32_t frame_colour = rgb(28, 32, 40);
    const std::int32_t b = g.border;
    const std::int32_t ly = y - window.y;
    if (ly < b || ly >= window.height - b) {
        fill(row, s, frame_colour);
        return;
    }
    fill(row, overlap(s, window.x, window.x + b), frame_colour);
    fill(row, overlap(s, window.right() - b, window.right()), frame_colour);
    const Span inner = overlap(s, window.x + b, window.right() - b);
    if (inner.empty()) {
        return;
    }
    const std::int32_t title_end = b + g.title_height;
    if (ly < title_end) {
        paint_title_row(g, style, window, ly - b, row, inner);
        return;
    }
    if (ly == title_end) {
        fill(row, inner, rgb(70, 74, 84));
        return;
    }
    const Rect body{window.x + b, window.y + title_end + 1, window.width - 2 * b,
                    window.height - b - title_end - 1};
    const std::int32_t by = y - body.y;
    switch (style.body) {
        case Body::checker:
            return paint_checker_row(body, by, row, inner);
        case Body::rings:
            return paint_rings_row(body, by, row, inner);
        case Body::colour_bars:
            return paint_colour_bars_row(body, by, row, inner);
        case Body::stripes_and_sun:
            return paint_stripes_and_sun_row(body, by, row, inner);
    }
}

void paint_clock_row(const Geometry& g, const ClockText& text, std::int32_t y, std::uint32_t* row,
                     Span span) {
    const Rect& panel = g.clock_panel;
    const Span s = overlap(span, panel.x, panel.right());
    if (s.empty()) {
        return;
    }
    constexpr std::uint32_t edge_colour = rgb(150, 160, 176);
    if (y == panel.y || y == panel.bottom() - 1) {
        fill(row, s, edge_colour);
        return;
    }
    fill(row, s, rgb(16, 20, 28));
    fill(row, overlap(s, panel.x, panel.x + 1), edge_colour);
    fill(row, overlap(s, panel.right() - 1, panel.right()), edge_colour);
    const Rect& area = g.clock_text;
    if (y < area.y || y >= area.bottom()) {
        return;
    }
    const std::int32_t scale = g.glyph_scale;
    const auto glyph_row = static_cast<std::uint32_t>((y - area.y) / scale);
    for (std::int32_t i = 0; i < clock_chars; ++i) {
        const demo_font::Glyph& glyph = demo_font::glyph(text[static_cast<std::size_t>(i)]);
        const std::int32_t cell_x = area.x + i * g.glyph_advance();
        for (std::uint32_t column = 0; column < demo_font::glyph_width; ++column) {
            if (demo_font::pixel_set(glyph, column, glyph_row)) {
                const std::int32_t x = cell_x + static_cast<std::int32_t>(column) * scale;
                fill(row, overlap(s, x, x + scale), rgb(120, 250, 170));
            }
        }
    }
}

// --- damage --------------------------------------------------------------------

// `a` minus `b`, as up to four disjoint rectangles.
void append_difference(const Rect& a, const Rect& b, std::vector<Rect>& out) {
    const Rect common = intersect(a, b);
    if (common.empty()) {
        out.push_back(a);
        return;
    }
    const std::array pieces{
        Rect{a.x, a.y, a.width, common.y - a.y},
        Rect{a.x, common.bottom(), a.width, a.bottom() - common.bottom()},
        Rect{a.x, common.y, common.x - a.x, common.height},
        Rect{common.right(), common.y, a.right() - common.right(), common.height},
    };
    for (const Rect& piece : pieces) {
        if (!piece.empty()) {
            out.push_back(piece);
        }
    }
}

// Everything a window moving from `from` to `to` can change.
void append_move_damage(const Rect& from, const Rect& to, std::vector<Rect>& out) {
    const Rect both = bounding_union(from, to);
    const std::int64_t covered = from.area() + to.area() - intersect(from, to).area();
    // A short move: one rectangle wastes little and is cheaper for every consumer.
    if (both.area() * 8 <= covered * 9) {
        out.push_back(both);
        return;
    }
    out.push_back(to);
    append_difference(from, to, out);
}

// The parts of `rects` outside `hole`: each rectangle splits into at most
// four bands (above, below, left and right of the hole).
std::vector<Rect> subtract(const std::vector<Rect>& rects, const Rect& hole) {
    std::vector<Rect> out;
    for (const Rect& r : rects) {
        const Rect cut = intersect(r, hole);
        if (cut.empty()) {
            out.push_back(r);
            continue;
        }
        const Rect pieces[] = {
            {r.x, r.y, r.width, cut.y - r.y},
            {r.x, cut.bottom(), r.width, r.bottom() - cut.bottom()},
            {r.x, cut.y, cut.x - r.x, cut.height},
            {cut.right(), cut.y, r.right() - cut.right(), cut.height},
        };
        for (const Rect& piece : pieces) {
            if (!piece.empty()) {
                out.push_back(piece);
            }
        }
    }
    return out;
}

}  // namespace

DemoScene::DemoScene(std::uint32_t width, std::uint32_t height) : width_(width), height_(height) {
    constexpr std::uint32_t max_side = 16384;
    if (width == 0 || height == 0 || width > max_side || height > max_side) {
        throw Error("demo scene: unusable size " + std::to_string(width) + "x" +
                    std::to_string(height));
    }
}

void DemoScene::render(std::uint64_t t_ms, const Rect& clip, std::uint32_t* canvas,
                       std::size_t stride) const {
    const Geometry g = geometry_for(width_, height_);
    const Rect area = intersect(clip, g.screen());
    if (area.empty()) {
        return;
    }
    const auto windows = window_rects(g, t_ms);
    const ClockText text = clock_text(t_ms);
    const Span span{area.x, area.right()};
    for (std::int32_t y = area.y; y < area.bottom(); ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(reinterpret_cast<std::uint8_t*>(canvas) +
                                                     static_cast<std::size_t>(y) * stride);
        paint_background_row(g, y, row, span);
        for (std::size_t i = 0; i < window_count; ++i) {
            if (y >= windows[i].y && y < windows[i].bottom()) {
                paint_window_row(g, window_styles[i], windows[i], y, row, span);
            }
        }
        if (y >= g.clock_panel.y && y < g.clock_panel.bottom()) {
            paint_clock_row(g, text, y, row, span);
        }
    }
}

std::vector<Rect> DemoScene::damage_between(std::uint64_t t0_ms, std::uint64_t t1_ms) const {
    const Geometry g = geometry_for(width_, height_);
    std::vector<Rect> damage;
    const auto before = window_rects(g, t0_ms);
    const auto after = window_rects(g, t1_ms);
    for (std::size_t i = 0; i < window_count; ++i) {
        if (before[i] == after[i]) {
            continue;
        }
        std::vector<Rect> moved;
        append_move_damage(before[i], after[i], moved);
        // What still windows above it, and the clock panel on top of all,
        // hide did not change.
        for (std::size_t j = i + 1; j < window_count; ++j) {
            if (before[j] == after[j]) {
                moved = subtract(moved, after[j]);
            }
        }
        moved = subtract(moved, g.clock_panel);
        damage.insert(damage.end(), moved.begin(), moved.end());
    }
    const ClockText text_before = clock_text(t0_ms);
    const ClockText text_after = clock_text(t1_ms);
    std::int32_t first = clock_chars;
    std::int32_t last = -1;
    for (std::int32_t i = 0; i < clock_chars; ++i) {
        if (text_before[static_cast<std::size_t>(i)] != text_after[static_cast<std::size_t>(i)]) {
            first = std::min(first, i);
            last = i;
        }
    }
    if (last >= 0) {
        const std::int32_t advance = g.glyph_advance();
        const std::int32_t x0 = g.clock_text.x + first * advance;
        const std::int32_t x1 = g.clock_text.x + last * advance + advance - g.glyph_scale;
        damage.push_back({x0, g.clock_text.y, x1 - x0, g.clock_text.height});
    }
    std::vector<Rect> clipped;
    clipped.reserve(damage.size());
    for (const Rect& r : damage) {
        const Rect c = intersect(r, g.screen());
        if (!c.empty()) {
            clipped.push_back(c);
        }
    }
    return clipped;
}

CursorPosition DemoScene::cursor_at(std::uint64_t t_ms) const {
    // A Lissajous figure of the hotspot over the whole screen.
    const std::int64_t half_w = (std::int64_t{width_} - 1) / 2;
    const std::int64_t half_h = (std::int64_t{height_} - 1) / 2;
    const std::int64_t hot_x = half_w + half_w * smooth_wave(t_ms, 14000) / 1024;
    const std::int64_t hot_y = half_h + half_h * smooth_wave(t_ms + 2500, 10000) / 1024;
    return {static_cast<std::int32_t>(hot_x - cursor_hot_x),
            static_cast<std::int32_t>(hot_y - cursor_hot_y)};
}

}  // namespace fbx
