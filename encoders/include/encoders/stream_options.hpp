#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "encoders/listen_address.hpp"

namespace fbx {

// Where RTP packets go: a numeric IPv4/IPv6 address (unicast or multicast)
// and a UDP port.
struct RtpDestination {
    std::string host;
    std::uint16_t port = 0;

    bool operator==(const RtpDestination&) const = default;
};

// A user name and password an RTSP client must give (RTSP Digest
// authentication), from the first line of a file: "USER:PASSWORD".
struct RtspCredentials {
    std::string user;
    std::string password;

    bool operator==(const RtspCredentials&) const = default;
};

// The video streams the service offers besides VNC. All are fed from the same
// converted shadow framebuffer with the cursor composed in; the encoded ones
// (record, rtp, rtsp) use the encoder picked at run time.
struct StreamOptions {
    std::optional<std::string> encoder;  // force this element (a candidate's name)
    std::optional<std::string> record;   // FILE.mkv, FILE.mp4 or FILE.webm
    std::optional<RtpDestination> rtp;
    std::optional<ListenAddress> rtsp;
    std::optional<RtspCredentials> rtsp_credentials;
    std::optional<std::string> pipeline_tail;  // gst-launch text after the raw video caps
    // Frames go out on change at this rate at most (also the caps' nominal
    // rate); while nothing changes the last frame is repeated at idle_fps.
    std::uint32_t fps = 30;
    std::uint32_t idle_fps = 1;

    bool any() const { return encoded() || pipeline_tail.has_value(); }
    bool encoded() const { return record || rtp || rtsp; }
    bool operator==(const StreamOptions&) const = default;
};

}  // namespace fbx
