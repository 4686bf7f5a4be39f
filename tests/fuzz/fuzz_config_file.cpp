// fbexportd's configuration file parser (TOML through toml++, then the
// service's own checks) on any text: it either gives a configuration that
// holds the rules the service relies on, or throws a ConfigError that
// locates the mistake inside the text; nothing else escapes, nothing crashes,
// and a secret read from a password file never shows in a message.
#include <algorithm>
#include <string>
#include <string_view>

#include "config_file.hpp"
#include "fuzz_input.hpp"
#include "rtsp_mount_plan.hpp"

namespace {

constexpr std::string_view secret = "s3cr3t-pw";

// Secret files: a path ending in "pw" holds "viewer:s3cr3t-pw", any other is
// missing. The file system is not the parser's input; it is fixed here.
std::string read_secret(const std::string& path) {
    if (path.ends_with("pw")) {
        return "viewer:" + std::string(secret);
    }
    throw fbx::Error("cannot read " + path + ": No such file or directory");
}

void check(const fbx::ServiceConfig& config) {
    FUZZ_CHECK(!config.displays.empty() || config.all_vgpus);
    for (const fbx::DisplayConfig& d : config.displays) {
        FUZZ_CHECK(d.vnc.address.port != 0);
        FUZZ_CHECK(d.vnc.address.is_loopback() || d.vnc.password);
        FUZZ_CHECK(!d.http || d.http->port != 0);
        FUZZ_CHECK(!d.http || d.http->is_loopback() || d.vnc.password);
        FUZZ_CHECK(d.streams.fps >= 1 && d.streams.fps <= 120);
        FUZZ_CHECK(!d.streams.encoder || d.streams.encoded());
        FUZZ_CHECK(!d.streams.rtsp || d.streams.rtsp->is_loopback() || d.streams.rtsp_credentials);
        FUZZ_CHECK(d.source.kind == fbx::cli::SourceSpec::Kind::demo || d.source.uuid.size() == 36);
        FUZZ_CHECK(!d.vnc.desktop_name.empty());
        FUZZ_CHECK(!d.rtsp_path || d.streams.rtsp);
        if (d.rtsp_path) {
            try {
                fbx::RtspMountPlan::check_path(*d.rtsp_path);
            } catch (const fbx::Error&) {
                FUZZ_CHECK(false);
            }
        }
    }
    // Every display its own mount on its RTSP server: the service starts
    // them all.
    try {
        fbx::RtspMountPlan::of(config);
    } catch (const fbx::RtspMountError&) {
        FUZZ_CHECK(false);
    }
    FUZZ_CHECK(config.network.vnc_max_clients >= 1);
    FUZZ_CHECK(config.network.vnc_auth_failure_window.count() >= 1);
    FUZZ_CHECK(!config.network.https || (!config.network.https->cert_file.empty() &&
                                         !config.network.https->key_file.empty()));
    if (config.all_vgpus) {
        FUZZ_CHECK(config.all_vgpus->vnc_base.is_loopback() || config.all_vgpus->vnc_password);
        FUZZ_CHECK(!config.all_vgpus->rtsp || config.all_vgpus->rtsp->is_loopback());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const fbx::ServiceConfig config = fbx::parse_config(text, "fuzz.toml", read_secret);
        check(config);
        // The same text gives the same configuration: a reload of an
        // unchanged file must restart nothing.
        FUZZ_CHECK(fbx::parse_config(text, "fuzz.toml", read_secret) == config);
    } catch (const fbx::ConfigError& e) {
        const auto lines = static_cast<std::uint32_t>(std::count(text.begin(), text.end(), '\n'));
        FUZZ_CHECK(e.line() >= 1 && e.line() <= lines + 1);
        FUZZ_CHECK(e.column() >= 1);
        FUZZ_CHECK(std::string_view(e.what()).starts_with("fuzz.toml:"));
        FUZZ_CHECK(!e.reason().empty());
        // One log line, whatever the file holds.
        FUZZ_CHECK(std::string_view(e.what()).find('\n') == std::string_view::npos);
        if (text.find(secret) == std::string_view::npos) {
            FUZZ_CHECK(std::string_view(e.what()).find(secret) == std::string_view::npos);
        }
    }
    return 0;
}
