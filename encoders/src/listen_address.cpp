#include "encoders/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "fbexport/error.hpp"

namespace fbx {

bool ListenAddress::is_loopback() const {
    if (ipv6) {
        in6_addr a{};
        return ::inet_pton(AF_INET6, host.c_str(), &a) == 1 && IN6_IS_ADDR_LOOPBACK(&a);
    }
    in_addr a{};
    return ::inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

std::string ListenAddress::to_string() const {
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw Error("listen address " + quoted + " has no port: expected ADDR:PORT");
    }
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);

    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        throw Error("listen address " + quoted + ": port '" + std::string(port_text) +
                    "' is not a number from 1 to 65535");
    }

    ListenAddress addr;
    addr.port = static_cast<std::uint16_t>(port);
    if (host.empty() || host == "localhost") {
        addr.host = "127.0.0.1";
        return addr;
    }
    if (host.front() == '[') {
        if (host.size() < 2 || host.back() != ']') {
            throw Error("listen address " + quoted + ": unbalanced '[' around an IPv6 address");
        }
        host = host.substr(1, host.size() - 2);
        addr.ipv6 = true;
    }
    addr.host = std::string(host);
    in6_addr a6{};
    in_addr a4{};
    const bool valid = addr.ipv6 ? ::inet_pton(AF_INET6, addr.host.c_str(), &a6) == 1
                                 : ::inet_pton(AF_INET, addr.host.c_str(), &a4) == 1;
    if (!valid) {
        throw Error("listen address " + quoted + ": '" + addr.host + "' is not a numeric " +
                    (addr.ipv6 ? "IPv6" : "IPv4") + " address (IPv6 goes in brackets)");
    }
    return addr;
}

}  // namespace fbx
