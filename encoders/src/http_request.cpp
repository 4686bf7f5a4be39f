#include "encoders/http_request.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace fbx::http {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::optional<Request> parse_request(std::string_view head) {
    const auto line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    const auto first = line.find(' ');
    const auto last = line.rfind(' ');
    if (first == std::string_view::npos || last == first ||
        line.substr(last + 1).rfind("HTTP/1.", 0) != 0) {
        return std::nullopt;
    }
    Request request;
    request.method = std::string(line.substr(0, first));
    request.target = std::string(line.substr(first + 1, last - first - 1));

    bool upgrade_websocket = false;
    bool connection_upgrade = false;
    std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
    while (!rest.empty()) {
        const auto end = rest.find("\r\n");
        const std::string_view header = rest.substr(0, end);
        rest = end == std::string_view::npos ? "" : rest.substr(end + 2);
        const auto colon = header.find(':');
        if (colon == std::string_view::npos) {
            continue;
        }
        const std::string name = lower(trim(header.substr(0, colon)));
        const std::string value = lower(trim(header.substr(colon + 1)));
        if (name == "upgrade") {
            upgrade_websocket = value == "websocket";
        } else if (name == "connection") {
            connection_upgrade = value.find("upgrade") != std::string::npos;
        }
    }
    request.websocket = upgrade_websocket && connection_upgrade;
    return request;
}

std::optional<std::string> file_for_target(std::string_view target, std::string_view index) {
    if (target.empty() || target.front() != '/') {
        return std::nullopt;
    }
    target = target.substr(0, target.find_first_of("?#"));
    std::string decoded;
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] == '%') {
            const int hi = i + 2 < target.size() ? hex_value(target[i + 1]) : -1;
            const int lo = i + 2 < target.size() ? hex_value(target[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            decoded += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            decoded += target[i];
        }
    }
    if (decoded == "/") {
        return std::string(index);
    }
    // Segment by segment: nothing that climbs out, nothing hidden.
    std::string path;
    std::string_view rest = std::string_view(decoded).substr(1);
    while (true) {
        const auto slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (segment.empty() || segment.front() == '.' || segment.front() == '~' ||
            segment.find('\0') != std::string_view::npos ||
            segment.find('\\') != std::string_view::npos) {
            return std::nullopt;
        }
        path += (path.empty() ? "" : "/") + std::string(segment);
        if (slash == std::string_view::npos) {
            break;
        }
        rest = rest.substr(slash + 1);
    }
    return path;
}

std::string_view content_type_of(std::string_view path) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".oga", "audio/ogg"},
        {".mp3", "audio/mpeg"},
        {".txt", "text/plain; charset=utf-8"},
    }};
    const std::string name = lower(path);
    for (const auto& [extension, type] : types) {
        if (name.size() >= extension.size() &&
            name.compare(name.size() - extension.size(), extension.size(), extension) == 0) {
            return type;
        }
    }
    return "application/octet-stream";
}

}  // namespace fbx::http
