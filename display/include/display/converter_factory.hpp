#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "display/converter.hpp"

namespace fbx {

// Which conversion path a program uses (--convert=auto|cpu|gl).
enum class ConvertMode { automatic, cpu, gl };

// "auto", "cpu" or "gl"; nullopt for anything else.
std::optional<ConvertMode> parse_convert_mode(std::string_view text);
std::string_view convert_mode_name(ConvertMode mode);

// The converter for `mode`, with its choice and the reason logged (info,
// component "convert"):
//   cpu:  the fast CPU path.
//   gl:   the GL path; throws fbx::Error saying why when there is no usable
//         EGL/GLES 3 (no silent fallback: the user asked for GL).
//   automatic: the GL path when a context opens and a start-up measurement
//         of a 1920x1080 conversion shows it faster than the CPU path (a
//         software rasteriser must be twice as fast, as it competes for
//         the same cores); else the CPU path.
std::unique_ptr<Converter> make_converter(ConvertMode mode);

}  // namespace fbx
