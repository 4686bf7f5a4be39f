#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fbexport/rect.hpp"

namespace fbx::cli {

// Exit codes shared by the tools.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // the work failed (device, file, network)
inline constexpr int exit_usage = 2;    // the command line is wrong

// A command-line mistake: printed with a hint to --help, exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Each throws UsageError naming `option` and the bad text.
std::uint64_t parse_unsigned(std::string_view option, std::string_view text,
                             std::uint64_t max = UINT64_MAX);
// "WIDTHxHEIGHT", e.g. 1920x1080.
void parse_size(std::string_view option, std::string_view text, std::uint32_t& width,
                std::uint32_t& height);
// "WIDTHxHEIGHT+X+Y" (X11 geometry), e.g. 640x480+100+50.
Rect parse_geometry(std::string_view option, std::string_view text);

// --log-level VALUE: sets the log level, or throws UsageError listing the levels.
void apply_log_level(const char* value);

// Turns getopt_long's ':' (missing value) and '?' (unknown option) results
// into a UsageError naming the option; call it from the switch's default case
// with the id getopt_long returned.
[[noreturn]] void throw_getopt_error(int id, char** argv);

// Rejects arguments left after the options.
void reject_operands(int argc, char** argv);

// The first line of a file that holds a secret. Refuses an empty secret and
// warns (through the log) when others than the owner may read the file.
std::string read_secret_file(std::string_view option, const std::string& path);

}  // namespace fbx::cli
