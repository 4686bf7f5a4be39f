// The names of the conversion modes, apart from the factory so that what
// only reads a mode (the configuration file, its fuzz target) needs no GL.
#include "display/converter_factory.hpp"

namespace fbx {

std::optional<ConvertMode> parse_convert_mode(std::string_view text) {
    if (text == "auto") {
        return ConvertMode::automatic;
    }
    if (text == "cpu") {
        return ConvertMode::cpu;
    }
    if (text == "gl") {
        return ConvertMode::gl;
    }
    return std::nullopt;
}

std::string_view convert_mode_name(ConvertMode mode) {
    switch (mode) {
        case ConvertMode::automatic:
            return "auto";
        case ConvertMode::cpu:
            return "cpu";
        case ConvertMode::gl:
            return "gl";
    }
    return "auto";
}

}  // namespace fbx
