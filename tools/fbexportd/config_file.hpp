#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fbexport/error.hpp"
#include "service_config.hpp"

namespace fbx {

// A configuration file that cannot be used, located the way editors and
// compilers do it, so an administrator goes straight to the mistake:
// what() is "FILE:LINE:COLUMN: REASON".
class ConfigError : public Error {
public:
    ConfigError(std::string file, std::uint32_t line, std::uint32_t column, std::string reason);

    const std::string& file() const { return file_; }
    std::uint32_t line() const { return line_; }
    std::uint32_t column() const { return column_; }
    const std::string& reason() const { return reason_; }

private:
    std::string file_;
    std::uint32_t line_;
    std::uint32_t column_;
    std::string reason_;
};

// Returns the secret on the first line of the file at `path`; throws, saying
// why, when it cannot. The secret itself never goes into a message.
using SecretReader = std::function<std::string(const std::string& path)>;

// fbexportd's TOML configuration (tools/packaging/fbexportd.toml is the
// annotated example): `text` is the contents of `file`, which only names it
// in errors. Password and credential files are read here, at load, with
// `read_secret`. Throws ConfigError for malformed TOML, an unknown key (a
// typo must not be silently ignored), a value of the wrong type or out of
// range, or a combination that cannot be served.
ServiceConfig parse_config(std::string_view text, std::string_view file,
                           const SecretReader& read_secret);

// Reads and parses the file at `path`, secrets with cli::read_secret_file.
// Throws ConfigError, also when the file cannot be read (line and column 0).
ServiceConfig load_config_file(const std::string& path);

// What the command line gave besides --config, each value replacing the
// file's, the way the same option acts on the command line alone: an output
// (--vnc, --http, --record, --rtp, --rtsp, --rtsp-path, --gst-pipeline) is the first
// display's (one, the demo, is added when the file has none but vgpu =
// "all"); --vnc-password-file, --encoder, --rtsp-credentials-file and
// --stream-fps are every display's. A reload applies them again to the
// re-read file.
struct ConfigOverrides {
    std::optional<ConvertMode> convert;
    // The first display's:
    std::optional<ListenAddress> vnc;
    std::optional<ListenAddress> http;
    std::optional<std::string> record;
    std::optional<RtpDestination> rtp;
    std::optional<ListenAddress> rtsp;
    std::optional<std::string> rtsp_path;
    std::optional<std::string> pipeline_tail;
    // Every display's (encoder and credentials where they have a use):
    std::optional<std::string> vnc_password;
    std::optional<std::string> encoder;
    std::optional<RtspCredentials> rtsp_credentials;
    std::optional<std::uint32_t> stream_fps;
};

ServiceConfig apply_overrides(ServiceConfig config, const ConfigOverrides& overrides);

// The VNC desktop name a display gets: "fbexport demo", "fbexport vGPU UUID".
std::string desktop_name_for(const cli::SourceSpec& source);

}  // namespace fbx
