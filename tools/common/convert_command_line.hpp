#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "display/converter_factory.hpp"

namespace fbx::cli {

// --convert auto|cpu|gl, shared by fbexportd and fbshot.
// The option's --help lines, descriptions starting at `column`.
std::string convert_help(std::size_t column);

// Throws UsageError naming the option and the three choices.
ConvertMode parse_convert_mode_option(const char* value);

}  // namespace fbx::cli
