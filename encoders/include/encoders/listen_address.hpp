#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fbx {

// A TCP address to listen on, as given on the command line: "ADDR:PORT",
// "[V6ADDR]:PORT", ":PORT" (loopback) or "localhost:PORT".
struct ListenAddress {
    std::string host;  // numeric IPv4 or IPv6, no brackets
    std::uint16_t port = 0;
    bool ipv6 = false;

    bool is_loopback() const;
    std::string to_string() const;  // "127.0.0.1:5900", "[::1]:5900"

    bool operator==(const ListenAddress&) const = default;
};

// Throws fbx::Error naming the bad part of `text` when it is not an address.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace fbx
