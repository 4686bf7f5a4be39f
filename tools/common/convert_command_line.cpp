#include "convert_command_line.hpp"

#include <string>

#include "command_line.hpp"

namespace fbx::cli {

std::string convert_help(std::size_t column) {
    const std::string option = "  --convert MODE";
    const std::string indent(column, ' ');
    return option + std::string(column > option.size() ? column - option.size() : 1, ' ') +
           "conversion path: 'auto' (default; GL when it opens and a\n" + indent +
           "start-up test shows it faster, else CPU), 'cpu', or 'gl'\n" + indent +
           "(fails, exit status 1, when there is no EGL/GLES 3)\n";
}

ConvertMode parse_convert_mode_option(const char* value) {
    const auto mode = parse_convert_mode(value);
    if (!mode) {
        throw UsageError(std::string("--convert: unknown mode '") + value +
                         "'; choose auto, cpu or gl");
    }
    return *mode;
}

}  // namespace fbx::cli
