#include "served_display.hpp"

#include <unistd.h>

#include "fbexport/log.hpp"
#include "fbexport/placeholder_source.hpp"
#include "fbexport/vgpu_locator.hpp"

namespace fbx {
namespace {

constexpr std::string_view component = "fbexportd";
// A vGPU that was never seen is shown at the mediator's blank size.
constexpr std::uint32_t absent_width = 1024;
constexpr std::uint32_t absent_height = 768;
constexpr auto retry_delay = std::chrono::milliseconds{500};
constexpr unsigned max_retries = 10;
// A vfio: display's mdev has no /dev/vgpu node to watch for: it is looked
// for this often while absent (a stat in sysfs).
constexpr auto vfio_look_again = std::chrono::seconds{2};

std::string default_desktop_name(const cli::SourceSpec& source) {
    return source.kind == cli::SourceSpec::Kind::demo ? "fbexport demo"
                                                      : "fbexport vGPU " + source.uuid;
}

}  // namespace

ServedDisplay::ServedDisplay(EventLoop& loop, DisplayConfig config, ConvertMode convert,
                             const NetworkPolicy& network, const DisplaySettings& settings,
                             RtspMount rtsp)
    : loop_(loop),
      config_(std::move(config)),
      demo_(settings.demo),
      retry_(loop, [this] { device_changed(); }) {
    // A name the configuration leaves at its default says what is shown.
    desktop_name_ =
        config_.vnc.desktop_name.empty() || config_.vnc.desktop_name == VncOptions{}.desktop_name
            ? default_desktop_name(config_.source)
            : config_.vnc.desktop_name;
    VncOptions vnc = config_.vnc;
    vnc.desktop_name = desktop_name_;
    std::unique_ptr<Source> source;
    if (shows_vgpu()) {
        source = open_vgpu(false);
        present_ = source != nullptr;
        if (!source) {
            log(LogLevel::info, component) << "waiting for vGPU " << uuid();
            source = placeholder(absent_width, absent_height);
            vnc.desktop_name = desktop_name_ + " (absent)";
        }
    } else {
        source = cli::open_source(config_.source, demo_);
    }
    // --convert=gl without GL fails here: the user asked for it, so no
    // silent fallback to the CPU.
    BrowserOptions browser;
    browser.http = config_.http;
    browser.root = settings.novnc_root;
    vnc.max_clients = network.vnc_max_clients;
    vnc.auth_failure_limit = network.vnc_auth_failure_limit;
    vnc.auth_failure_window = network.vnc_auth_failure_window;
    vnc.auth_block = network.vnc_auth_block;
    browser.tls = network.https;
    service_ = std::make_unique<DisplayService>(
        loop, std::move(source), make_converter(convert), vnc, config_.streams, browser,
        settings.rate, std::move(rtsp), [this](const std::string& why) { source_lost(why); });
}

ServedDisplay::~ServedDisplay() = default;

std::string ServedDisplay::name() const {
    return config_.source.to_string() + " on " + config_.vnc.address.to_string();
}

std::unique_ptr<Source> ServedDisplay::open_vgpu(bool quiet) {
    try {
        return cli::open_source(config_.source, demo_);
    } catch (const VgpuNotFound& e) {
        log(LogLevel::debug, component) << e.what();
        if (config_.source.kind == cli::SourceSpec::Kind::vfio) {
            retry_.arm(vfio_look_again);
        }
        return nullptr;
    } catch (const Error& e) {
        // It exists but cannot be served (no export device yet, no access):
        // say why, and look again when its device node changes.
        log(quiet ? LogLevel::debug : LogLevel::warn, component)
            << "vGPU " << uuid() << " cannot be served yet: " << e.what();
        if (config_.source.kind == cli::SourceSpec::Kind::vfio) {
            retry_.arm(vfio_look_again);
        } else if (::access(("/dev/vgpu/" + uuid()).c_str(), F_OK) == 0 && retries_ < max_retries) {
            ++retries_;
            retry_.arm(retry_delay);
        }
    }
    return nullptr;
}

std::unique_ptr<Source> ServedDisplay::placeholder(std::uint32_t width,
                                                   std::uint32_t height) const {
    const bool mdev = config_.source.kind == cli::SourceSpec::Kind::vfio;
    return std::make_unique<PlaceholderSource>(
        width, height, std::vector<std::string>{mdev ? "MDEV" : "VGPU", uuid(), "ABSENT"});
}

void ServedDisplay::device_changed() {
    try_serve(false);
}

void ServedDisplay::try_serve(bool quiet) {
    if (present_ || !shows_vgpu()) {
        return;  // a removal shows as SourceLost from the device itself
    }
    std::unique_ptr<Source> source = open_vgpu(quiet);
    if (!source) {
        return;
    }
    try {
        service_->replace_source(std::move(source));
    } catch (const Error& e) {
        log(LogLevel::warn, component) << "vGPU " << uuid() << ": " << e.what();
        return;
    }
    present_ = true;
    retries_ = 0;
    retry_.disarm();
    service_->set_desktop_name(desktop_name_);
    log(LogLevel::info, component)
        << "vGPU " << uuid() << " is present: serving it on " << config_.vnc.address.to_string();
}

void ServedDisplay::source_lost(const std::string& why) {
    log(LogLevel::warn, component)
        << why << "; showing that it is absent on " << config_.vnc.address.to_string();
    present_ = false;
    retries_ = 0;
    try {
        show_absent();
    } catch (const Error& e) {
        // The clients keep the last picture; the vGPU is still waited for.
        log(LogLevel::error, component)
            << "cannot show that vGPU " << uuid() << " is absent: " << e.what();
    }
    log(LogLevel::info, component) << "waiting for vGPU " << uuid();
    // It may have come back already, before anything told us.
    try_serve(true);
}

void ServedDisplay::show_absent() {
    // At the size shown last, so clients keep their window.
    const std::uint32_t width = service_->width() ? service_->width() : absent_width;
    const std::uint32_t height = service_->height() ? service_->height() : absent_height;
    service_->replace_source(placeholder(width, height));
    service_->set_desktop_name(desktop_name_ + " (absent)");
}

}  // namespace fbx
