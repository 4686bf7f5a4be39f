#include "demo_command_line.hpp"

#include <string>

#include "command_line.hpp"

namespace fbx::cli {
namespace {

enum Id : int {
    size = DemoCommandLine::first_option_id,
    format,
    modifier,
    stop_at,
};

std::string format_list() {
    std::string list;
    for (const auto& f : supported_formats()) {
        list += (list.empty() ? "" : ", ") + std::string(f.name);
    }
    return list;
}

std::string modifier_list() {
    std::string list;
    for (const auto& m : supported_modifiers()) {
        list += (list.empty() ? "" : ", ") + std::string(m.name);
    }
    return list;
}

}  // namespace

std::vector<option> DemoCommandLine::options() {
    return {
        {"demo-size", required_argument, nullptr, size},
        {"demo-format", required_argument, nullptr, format},
        {"demo-modifier", required_argument, nullptr, modifier},
        {"demo-stop-at", required_argument, nullptr, stop_at},
    };
}

std::string_view DemoCommandLine::help() {
    return "Demo source options:\n"
           "  --demo-size WxH         desktop size (default 1920x1080)\n"
           "  --demo-format FOURCC    primary plane format: XRGB8888 (default), ARGB8888,\n"
           "                          XBGR8888, ABGR8888, RGB565, XRGB2101010\n"
           "  --demo-modifier LAYOUT  primary plane layout: linear (default), x-tiled,\n"
           "                          y-tiled (Intel tilings)\n"
           "  --demo-stop-at MS       stop the animation MS milliseconds after start, so the\n"
           "                          desktop ends on a known picture (default: never)\n";
}

bool DemoCommandLine::take(int id, const char* value) {
    switch (id) {
        case size:
            parse_size("--demo-size", value, demo_.width, demo_.height);
            return true;
        case format: {
            const auto f = find_format(std::string_view(value));
            if (!f) {
                throw UsageError("--demo-format: unknown format '" + std::string(value) +
                                 "'; choose one of " + format_list());
            }
            demo_.fourcc = f->fourcc;
            return true;
        }
        case modifier: {
            const auto m = find_modifier(std::string_view(value));
            if (!m) {
                throw UsageError("--demo-modifier: unknown layout '" + std::string(value) +
                                 "'; choose one of " + modifier_list());
            }
            demo_.modifier = m->value;
            return true;
        }
        case stop_at:
            demo_.stop_at_ms = parse_unsigned("--demo-stop-at", value);
            return true;
        default:
            return false;
    }
}

}  // namespace fbx::cli
