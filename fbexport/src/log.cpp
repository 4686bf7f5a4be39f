#include "fbexport/log.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <ctime>

namespace fbx {
namespace {

std::atomic<LogLevel> current_level{LogLevel::info};
constexpr std::array<std::string_view, 4> level_names{"error", "warn", "info", "debug"};

}  // namespace

void set_log_level(LogLevel level) {
    current_level.store(level);
}
LogLevel log_level() {
    return current_level.load();
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
    for (std::size_t i = 0; i < level_names.size(); ++i) {
        if (level_names[i] == name) {
            return static_cast<LogLevel>(i);
        }
    }
    return std::nullopt;
}

bool log_enabled(LogLevel level) {
    return level <= current_level.load();
}

void log_line(LogLevel level, std::string_view component, std::string_view message) {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string line(stamp, n);
    line += '.';
    line += static_cast<char>('0' + millis / 100);
    line += static_cast<char>('0' + millis / 10 % 10);
    line += static_cast<char>('0' + millis % 10);
    line += "Z ";
    line += level_names[static_cast<std::size_t>(level)];
    line += ' ';
    line += component;
    line += ": ";
    line += message;
    line += '\n';
    // One write(2) per line keeps concurrent lines whole.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace fbx
