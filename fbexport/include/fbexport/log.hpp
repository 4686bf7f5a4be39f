#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace fbx {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

// Lines go to stderr as "TIME LEVEL component: message", one write each, so
// lines from several threads never interleave.
void set_log_level(LogLevel level);
LogLevel log_level();
std::optional<LogLevel> parse_log_level(std::string_view name);
bool log_enabled(LogLevel level);
void log_line(LogLevel level, std::string_view component, std::string_view message);

// Builds a message only when its level is enabled:
//   log(LogLevel::info, "vnc") << "client " << peer << " connected";
class LogStream {
public:
    LogStream(LogLevel level, std::string_view component)
        : level_(level), component_(component), enabled_(log_enabled(level)) {}
    LogStream(const LogStream&) = delete;
    LogStream& operator=(const LogStream&) = delete;
    ~LogStream() {
        if (enabled_) {
            log_line(level_, component_, out_.str());
        }
    }
    template <typename T>
    LogStream& operator<<(const T& value) {
        if (enabled_) {
            out_ << value;
        }
        return *this;
    }

private:
    LogLevel level_;
    std::string_view component_;
    bool enabled_;
    std::ostringstream out_;
};

inline LogStream log(LogLevel level, std::string_view component) {
    return {level, component};
}

}  // namespace fbx
