#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fbx::http {

// What the web server needs of a request head (request line and headers,
// up to the blank line).
struct Request {
    std::string method;      // "GET"
    std::string target;      // "/app/ui.js?x=1", as sent
    bool websocket = false;  // "Upgrade: websocket" with "Connection: ... upgrade"
};

// Parses a complete request head; nothing when it is not HTTP/1.x.
std::optional<Request> parse_request(std::string_view head);

// The file a request target names under the web root, as a relative path
// ("app/ui.js"): the query is dropped, %XX decoded, "/" becomes `index`.
// Nothing for a path that could leave the root or reach hidden files
// ("..", "." or "~" segments, NUL, backslashes).
std::optional<std::string> file_for_target(std::string_view target, std::string_view index);

// The Content-Type for a file name, by extension: browsers refuse ES
// modules (noVNC's .js) served as anything but JavaScript.
std::string_view content_type_of(std::string_view path);

}  // namespace fbx::http
