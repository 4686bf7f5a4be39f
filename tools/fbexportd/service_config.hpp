#pragma once

#include <optional>
#include <string>
#include <vector>

#include "display/converter_factory.hpp"
#include "encoders/listen_address.hpp"
#include "encoders/stream_options.hpp"
#include "encoders/vnc_sink.hpp"
#include "source_spec.hpp"

namespace fbx {

// What fbexportd serves, whether it came from the command line, the
// configuration file or both (the command line wins). A reload builds a new
// ServiceConfig and the service applies the difference: a display whose entry
// did not change keeps running and keeps its clients.

// One display served: a source and where it is offered.
struct DisplayConfig {
    cli::SourceSpec source;
    VncOptions vnc;                     // address, password, desktop name
    std::optional<ListenAddress> http;  // noVNC + WebSocket, if asked for
    StreamOptions streams;              // record / rtp / rtsp / pipeline tail

    bool operator==(const DisplayConfig&) const = default;
};

// Every vGPU present or appearing later, each on the next free port from a
// base: the first vGPU found gets vnc_base, the next vnc_base + 1, ...
struct AllVgpusConfig {
    ListenAddress vnc_base{"127.0.0.1", 5900, false};
    std::optional<std::string> vnc_password;
    std::optional<ListenAddress> rtsp;                // one server, a mount per vGPU
    std::optional<RtspCredentials> rtsp_credentials;  // required off loopback

    bool operator==(const AllVgpusConfig&) const = default;
};

struct ServiceConfig {
    std::vector<DisplayConfig> displays;  // by UUID (or the demo), in order
    std::optional<AllVgpusConfig> all_vgpus;
    ConvertMode convert = ConvertMode::automatic;

    bool operator==(const ServiceConfig&) const = default;
};

}  // namespace fbx
