#pragma once

#include <functional>
#include <memory>
#include <string>

#include "display/converter_factory.hpp"
#include "display_service.hpp"
#include "fbexport/demo_source.hpp"
#include "fbexport/event_loop.hpp"
#include "fbexport/poll_rate.hpp"
#include "service_config.hpp"

namespace fbx {

// What holds for the process's life, whatever the configuration says.
struct DisplaySettings {
    DemoOptions demo;        // the demo source's options (--demo-*)
    std::string novnc_root;  // noVNC's files, for displays with `http`
    PollRateConfig rate;
};

// One display of the service: a DisplayService for one DisplayConfig, and,
// for a vGPU, that vGPU's life. A vGPU that does not exist yet, or was
// removed, is shown as a placeholder picture that says so (and the desktop
// name too): the VNC port, its clients and the streams stay, and the vGPU
// is served again, on the same port, once its device is back.
class ServedDisplay {
public:
    // Starts serving; throws fbx::Error when it cannot (a port taken, a
    // stream that cannot start, a demo option that is wrong). An absent
    // vGPU is no error: it is waited for.
    ServedDisplay(EventLoop& loop, DisplayConfig config, ConvertMode convert,
                  const NetworkPolicy& network, const DisplaySettings& settings, RtspMount rtsp);
    ServedDisplay(const ServedDisplay&) = delete;
    ServedDisplay& operator=(const ServedDisplay&) = delete;
    ~ServedDisplay();

    const DisplayConfig& config() const { return config_; }
    DisplayService& service() { return *service_; }
    const DisplayService& service() const { return *service_; }
    // "vgpu:<uuid> on 127.0.0.1:5901", for logs.
    std::string name() const;
    // The vGPU this display shows, if it shows one.
    const std::string& uuid() const { return config_.source.uuid; }
    bool shows_vgpu() const { return config_.source.kind != cli::SourceSpec::Kind::demo; }
    // Whether the vGPU is served now rather than the placeholder.
    bool present() const { return present_; }

    // The vGPU's device node appeared, went or changed permissions: when
    // waiting for the vGPU, try to open it.
    void device_changed();

private:
    // The vGPU's source, or null when it cannot be opened now (said why).
    std::unique_ptr<Source> open_vgpu(bool quiet);
    void try_serve(bool quiet);
    std::unique_ptr<Source> placeholder(std::uint32_t width, std::uint32_t height) const;
    void source_lost(const std::string& why);
    void show_absent();

    EventLoop& loop_;
    DisplayConfig config_;
    DemoOptions demo_;
    std::string desktop_name_;
    bool present_ = false;
    // Retries while the device node exists but cannot be opened yet (a
    // moment before the kernel or udev has finished with it).
    Timer retry_;
    unsigned retries_ = 0;
    std::unique_ptr<DisplayService> service_;
};

}  // namespace fbx
