#include "served_displays.hpp"

#include <algorithm>

#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "rtsp_mount_plan.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "fbexportd";

}  // namespace

ServedDisplays::ServedDisplays(EventLoop& loop, DisplaySettings settings)
    : loop_(loop), settings_(std::move(settings)) {}

ServedDisplays::~ServedDisplays() {
    // Displays before the RTSP servers and the watch they use.
    automatic_.clear();
    displays_.clear();
}

std::vector<ServedDisplay*> ServedDisplays::displays() {
    std::vector<ServedDisplay*> all;
    for (auto& d : displays_) {
        all.push_back(d.display.get());
    }
    for (auto& [uuid, d] : automatic_) {
        all.push_back(d.get());
    }
    return all;
}

std::optional<std::string> ServedDisplays::failure() const {
    for (const auto& [d, mount] : displays_) {
        if (d->service().failure()) {
            return d->name() + ": " + *d->service().failure();
        }
    }
    for (const auto& [uuid, d] : automatic_) {
        if (d->service().failure()) {
            return d->name() + ": " + *d->service().failure();
        }
    }
    return std::nullopt;
}

bool ServedDisplays::configured(const std::string& uuid) const {
    return std::any_of(config_.displays.begin(), config_.displays.end(), [&](const auto& d) {
        return d.source.kind != cli::SourceSpec::Kind::demo && d.source.uuid == uuid;
    });
}

void ServedDisplays::apply(const ServiceConfig& config) {
    // Before anything stops: a clash is the configuration's mistake, and the
    // second display must never take the first one's mount.
    const std::vector<std::optional<std::string>> mounts = RtspMountPlan::of(config);
    // Both hold for every display: a change restarts them all.
    if (config.convert != config_.convert || config.network != config_.network) {
        automatic_.clear();
        displays_.clear();
    }
    // Unchanged displays are kept, each matched once (two equal demo
    // entries are two displays).
    std::vector<Configured> next(config.displays.size());
    for (std::size_t i = 0; i < config.displays.size(); ++i) {
        for (auto& running : displays_) {
            if (running.display && running.display->config() == config.displays[i] &&
                running.mount == mounts[i]) {
                next[i] = std::move(running);
                break;
            }
        }
    }
    for (auto& gone : displays_) {
        if (gone.display) {
            log(LogLevel::info, component) << "no longer serving " << gone.display->name();
            gone.display.reset();
        }
    }
    displays_.clear();
    if (config.all_vgpus != config_.all_vgpus) {
        automatic_.clear();
        if (!config.all_vgpus || !config_.all_vgpus ||
            config.all_vgpus->vnc_base != config_.all_vgpus->vnc_base) {
            automatic_ports_.clear();
        }
    }
    config_ = config;
    // A vGPU the configuration names now is served as it says, not
    // automatically.
    for (auto it = automatic_.begin(); it != automatic_.end();) {
        it = configured(it->first) ? automatic_.erase(it) : std::next(it);
    }

    std::string errors;
    for (std::size_t i = 0; i < next.size(); ++i) {
        if (!next[i].display) {
            try {
                next[i] = {start(config.displays[i], mounts[i]), mounts[i]};
            } catch (const Error& e) {
                errors += "\n  " + config.displays[i].source.to_string() + " on " +
                          config.displays[i].vnc.address.to_string() + ": " + e.what();
            }
        }
        if (next[i].display) {
            displays_.push_back(std::move(next[i]));
        }
    }
    const bool needs_watch =
        config_.all_vgpus || std::any_of(displays_.begin(), displays_.end(),
                                         [](const auto& d) { return d.display->shows_vgpu(); });
    if (needs_watch) {
        try {
            ensure_watch();
        } catch (const Error& e) {
            errors += "\n  watching for vGPUs: " + std::string(e.what());
        }
    }
    if (config_.all_vgpus && watch_) {
        for (const std::string& uuid : watch_->present()) {
            try {
                serve_automatically(uuid);
            } catch (const Error& e) {
                errors += "\n  vGPU " + uuid + ": " + e.what();
            }
        }
    }
    if (!errors.empty()) {
        throw Error("some displays could not start:" + errors);
    }
}

void ServedDisplays::ensure_watch() {
    if (!watch_) {
        watch_ = std::make_unique<VgpuDeviceWatch>(
            loop_, [this](const std::string& uuid) { device_changed(uuid); });
    }
}

std::unique_ptr<ServedDisplay> ServedDisplays::start(const DisplayConfig& display,
                                                     const std::optional<std::string>& path) {
    RtspMount mount;
    if (display.streams.rtsp) {
        mount.path = path.value();
        // One server per address, whichever display asked first.
        const std::string key = display.streams.rtsp->to_string();
        SharedRtsp& shared = rtsp_servers_[key];
        mount.server = shared.server.lock();
        if (mount.server && shared.credentials != display.streams.rtsp_credentials) {
            throw Error("RTSP on " + key +
                        " is served already with other credentials; displays sharing an RTSP "
                        "address share its credentials");
        }
        if (!mount.server) {
            mount.server = std::make_shared<RtspStreamServer>(*display.streams.rtsp,
                                                              display.streams.rtsp_credentials);
            shared = {mount.server, display.streams.rtsp_credentials};
        }
    }
    auto served = std::make_unique<ServedDisplay>(loop_, display, config_.convert, config_.network,
                                                  settings_, std::move(mount));
    log(LogLevel::info, component) << "serving " << served->name();
    return served;
}

std::uint16_t ServedDisplays::automatic_port(const std::string& uuid) {
    if (const auto it = automatic_ports_.find(uuid); it != automatic_ports_.end()) {
        return it->second;
    }
    // The next port above every one handed out and every configured one
    // on the same host.
    const ListenAddress& base = config_.all_vgpus->vnc_base;
    std::uint32_t port = base.port;
    auto taken = [&](std::uint32_t p) {
        for (const auto& [u, used] : automatic_ports_) {
            if (used == p) {
                return true;
            }
        }
        return std::any_of(config_.displays.begin(), config_.displays.end(),
                           [&](const auto& d) { return d.vnc.address.port == p; });
    };
    while (taken(port)) {
        ++port;
    }
    if (port > 65535) {
        throw Error("no VNC port left above " + base.to_string());
    }
    automatic_ports_[uuid] = static_cast<std::uint16_t>(port);
    return static_cast<std::uint16_t>(port);
}

void ServedDisplays::serve_automatically(const std::string& uuid) {
    if (!config_.all_vgpus || automatic_.count(uuid) != 0 || configured(uuid)) {
        return;
    }
    const AllVgpusConfig& all = *config_.all_vgpus;
    DisplayConfig display;
    display.source = {cli::SourceSpec::Kind::vgpu, uuid};
    display.vnc.address = all.vnc_base;
    display.vnc.address.port = automatic_port(uuid);
    display.vnc.password = all.vnc_password;
    display.streams.rtsp = all.rtsp;
    display.streams.rtsp_credentials = all.rtsp_credentials;
    automatic_[uuid] = start(display, RtspMountPlan().add(display));
}

void ServedDisplays::device_changed(const std::string& uuid) {
    for (auto& [d, mount] : displays_) {
        if (d->shows_vgpu() && d->uuid() == uuid) {
            d->device_changed();
        }
    }
    if (const auto it = automatic_.find(uuid); it != automatic_.end()) {
        it->second->device_changed();
        return;
    }
    if (config_.all_vgpus && !configured(uuid)) {
        const auto present = watch_->present();
        if (std::find(present.begin(), present.end(), uuid) == present.end()) {
            return;
        }
        try {
            log(LogLevel::info, component) << "vGPU " << uuid << " appeared";
            serve_automatically(uuid);
        } catch (const Error& e) {
            log(LogLevel::error, component) << "cannot serve vGPU " << uuid << ": " << e.what();
        }
    }
}

}  // namespace fbx
