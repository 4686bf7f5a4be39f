#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "encoders/rtsp_stream_server.hpp"
#include "fbexport/event_loop.hpp"
#include "fbexport/vgpu_device_watch.hpp"
#include "served_display.hpp"
#include "service_config.hpp"

namespace fbx {

// Every display fbexportd serves, made to match a ServiceConfig: the
// configuration's displays, and with all_vgpus every vGPU present or
// appearing later. One watch on /dev/vgpu tells the displays of absent
// vGPUs when to look again; displays sharing an RTSP address share one
// server, a mount each (as RtspMountPlan says: the display's rtsp_path, else
// "/desktop", "/desktop-2", ... for the demos, "/vgpu/<uuid>" for a vGPU).
class ServedDisplays {
public:
    ServedDisplays(EventLoop& loop, DisplaySettings settings);
    ServedDisplays(const ServedDisplays&) = delete;
    ServedDisplays& operator=(const ServedDisplays&) = delete;
    ~ServedDisplays();

    // Serves what `config` says, changing only what differs from the
    // configuration applied before: a display whose DisplayConfig is
    // unchanged keeps running with its clients; one no longer configured
    // stops (before new ones start, so a port can move between them); a new
    // or changed one starts. all_vgpus displays keep their port per UUID
    // while the process lives (and all_vgpus stays the same). A different
    // convert mode restarts every display. What cannot start is skipped
    // and reported together in the fbx::Error thrown at the end; the rest of
    // the configuration is served. A configuration where two displays want
    // one RTSP mount is refused as a whole (RtspMountError) before anything
    // changes. A display whose mount moves (a demo before it went) restarts.
    void apply(const ServiceConfig& config);
    const ServiceConfig& config() const { return config_; }

    // Every display now: the configuration's in its order, then those of
    // all_vgpus by UUID.
    std::vector<ServedDisplay*> displays();
    // Why a display's stream failed (which also stops the loop), if one did.
    std::optional<std::string> failure() const;

private:
    // A display of the configuration and where its RTSP stream is mounted.
    struct Configured {
        std::unique_ptr<ServedDisplay> display;
        std::optional<std::string> mount;
    };

    std::unique_ptr<ServedDisplay> start(const DisplayConfig& display,
                                         const std::optional<std::string>& mount);
    void device_changed(const std::string& uuid);
    // With all_vgpus: serves `uuid` on its port, unless a configured
    // display serves it already. Throws like start().
    void serve_automatically(const std::string& uuid);
    bool configured(const std::string& uuid) const;
    std::uint16_t automatic_port(const std::string& uuid);
    void ensure_watch();

    EventLoop& loop_;
    DisplaySettings settings_;
    ServiceConfig config_;
    std::vector<Configured> displays_;                                 // the configuration's
    std::map<std::string, std::unique_ptr<ServedDisplay>> automatic_;  // all_vgpus', by UUID
    std::map<std::string, std::uint16_t> automatic_ports_;
    std::unique_ptr<VgpuDeviceWatch> watch_;
    struct SharedRtsp {
        std::weak_ptr<RtspStreamServer> server;
        std::optional<RtspCredentials> credentials;
    };
    std::map<std::string, SharedRtsp> rtsp_servers_;  // by listen address
};

}  // namespace fbx
