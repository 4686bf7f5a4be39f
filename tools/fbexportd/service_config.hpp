#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "display/converter_factory.hpp"
#include "encoders/listen_address.hpp"
#include "encoders/stream_options.hpp"
#include "encoders/vnc_sink.hpp"
#include "encoders/web_server.hpp"
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
    // The mount on streams.rtsp's server asked for; without one the
    // source's (RtspMountPlan: /desktop, /desktop-2, ..., /vgpu/UUID).
    std::optional<std::string> rtsp_path;

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

// Limits and encryption of every display's network side (the [security]
// table, the --vnc-max-clients ... --http-key options). The defaults are
// the sinks' own.
struct NetworkPolicy {
    std::uint32_t vnc_max_clients = VncOptions{}.max_clients;
    std::uint32_t vnc_auth_failure_limit = VncOptions{}.auth_failure_limit;  // 0: no blocking
    std::chrono::seconds vnc_auth_failure_window = VncOptions{}.auth_failure_window;
    std::chrono::seconds vnc_auth_block = VncOptions{}.auth_block;
    std::optional<WebTls> https;  // for every display with `http`

    bool operator==(const NetworkPolicy&) const = default;
};

struct ServiceConfig {
    std::vector<DisplayConfig> displays;  // by UUID (or the demo), in order
    std::optional<AllVgpusConfig> all_vgpus;
    ConvertMode convert = ConvertMode::automatic;
    NetworkPolicy network;

    bool operator==(const ServiceConfig&) const = default;
};

}  // namespace fbx
