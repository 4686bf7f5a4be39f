#include "command_line.hpp"

#include <getopt.h>
#include <sys/stat.h>

#include <charconv>
#include <fstream>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"

namespace fbx::cli {
namespace {

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Parses a whole unsigned number from `text`, advancing past it.
bool take_number(std::string_view& text, std::uint64_t& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
}

}  // namespace

std::uint64_t parse_unsigned(std::string_view option, std::string_view text, std::uint64_t max) {
    std::string_view rest = text;
    std::uint64_t value = 0;
    if (!take_number(rest, value) || !rest.empty()) {
        throw UsageError(std::string(option) + ": " + quoted(text) + " is not a whole number");
    }
    if (value > max) {
        throw UsageError(std::string(option) + ": " + quoted(text) + " is larger than " +
                         std::to_string(max));
    }
    return value;
}

void parse_size(std::string_view option, std::string_view text, std::uint32_t& width,
                std::uint32_t& height) {
    std::string_view rest = text;
    std::uint64_t w = 0;
    std::uint64_t h = 0;
    if (!take_number(rest, w) || rest.empty() || (rest.front() != 'x' && rest.front() != 'X')) {
        throw UsageError(std::string(option) + ": " + quoted(text) +
                         " is not a size like 1920x1080");
    }
    rest.remove_prefix(1);
    if (!take_number(rest, h) || !rest.empty() || w == 0 || h == 0 || w > 65535 || h > 65535) {
        throw UsageError(std::string(option) + ": " + quoted(text) +
                         " is not a size like 1920x1080 (each side 1..65535)");
    }
    width = static_cast<std::uint32_t>(w);
    height = static_cast<std::uint32_t>(h);
}

Rect parse_geometry(std::string_view option, std::string_view text) {
    const auto bad = [&] {
        return UsageError(std::string(option) + ": " + quoted(text) +
                          " is not a geometry like 640x480+100+50 (WIDTHxHEIGHT+X+Y)");
    };
    const auto plus = text.find('+');
    if (plus == std::string_view::npos) {
        throw bad();
    }
    std::uint32_t w = 0;
    std::uint32_t h = 0;
    try {
        parse_size(option, text.substr(0, plus), w, h);
    } catch (const UsageError&) {
        throw bad();
    }
    std::string_view rest = text.substr(plus + 1);
    std::uint64_t x = 0;
    std::uint64_t y = 0;
    if (!take_number(rest, x) || rest.empty() || rest.front() != '+') {
        throw bad();
    }
    rest.remove_prefix(1);
    if (!take_number(rest, y) || !rest.empty() || x > 65535 || y > 65535) {
        throw bad();
    }
    return {static_cast<std::int32_t>(x), static_cast<std::int32_t>(y),
            static_cast<std::int32_t>(w), static_cast<std::int32_t>(h)};
}

void apply_log_level(const char* value) {
    const auto level = parse_log_level(value);
    if (!level) {
        throw UsageError(std::string("--log-level: unknown level '") + value +
                         "'; choose error, warn, info or debug");
    }
    set_log_level(*level);
}

void throw_getopt_error(int id, char** argv) {
    const std::string option = argv[optind - 1];
    if (id == ':') {
        throw UsageError("option " + option + " needs a value");
    }
    throw UsageError("unknown option " + option);
}

void reject_operands(int argc, char** argv) {
    if (optind < argc) {
        throw UsageError(std::string("unexpected argument '") + argv[optind] + "'");
    }
}

std::string read_secret_file(std::string_view option, const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw_errno(std::string(option) + ": cannot read " + path);
    }
    std::string secret;
    std::getline(in, secret);
    if (!secret.empty() && secret.back() == '\r') {
        secret.pop_back();
    }
    if (secret.empty()) {
        throw UsageError(std::string(option) + ": " + path +
                         " is empty; its first line must hold the password");
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
        log(LogLevel::warn, "config")
            << path << " can be read by users other than its owner "
            << "(mode " << std::oct << (st.st_mode & 0777) << "); chmod 600 it";
    }
    return secret;
}

}  // namespace fbx::cli
