// fbexportd: serves a display source (the built-in demo desktop or a
// vgpu_mediator vGPU) to VNC clients and as video streams.

#include <getopt.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "command_line.hpp"
#include "convert_command_line.hpp"
#include "demo_command_line.hpp"
#include "display/converter_factory.hpp"
#include "display_service.hpp"
#include "encoders/video_streams.hpp"
#include "fbexport/error.hpp"
#include "fbexport/event_loop.hpp"
#include "fbexport/log.hpp"
#include "source_spec.hpp"
#include "stream_command_line.hpp"
#include "tool_main.hpp"

namespace {

using namespace fbx;

constexpr const char* usage_text =
    "Usage: fbexportd [OPTIONS]\n"
    "Serve a display to VNC clients and as video streams, converting only what\n"
    "changed.\n"
    "\n"
    "  --source SOURCE           where frames come from: 'demo' (default), a built-in\n"
    "                            animated desktop that needs no vGPU; or 'vgpu:UUID',\n"
    "                            a vgpu_mediator vGPU (created with mdevctl or sysfs)\n"
    "                            through its display-export device /dev/vgpu/UUID:\n"
    "                            event-driven (no polling while the guest draws\n"
    "                            nothing), only the damage the guest posts is\n"
    "                            converted and sent. The service's user needs access\n"
    "                            to /dev/vgpu/UUID (group vgpu-display); a vGPU that\n"
    "                            does not exist is an error (exit status 1)\n"
    "  --vnc ADDR:PORT           VNC listen address (default 127.0.0.1:5900); IPv6 as\n"
    "                            [::1]:5900. Listening off loopback requires a password\n"
    "  --vnc-password-file FILE  require VNC authentication with the password on the\n"
    "                            first line of FILE (RFB uses its first 8 characters)\n"
    "  --http ADDR:PORT          serve the desktop to web browsers: noVNC (Debian's\n"
    "                            novnc package) and its WebSocket on one port, e.g.\n"
    "                            --http 127.0.0.1:6080, then open the URL printed at\n"
    "                            start. Off loopback it requires --vnc-password-file\n"
    "  --log-level LEVEL         error, warn, info (default) or debug\n"
    "  -h, --help                show this help and exit\n"
    "  --version                 show the version and exit\n";

constexpr const char* usage_tail =
    "\n"
    "Exit status: 0 after SIGINT/SIGTERM, 1 when the service fails, 2 on a bad\n"
    "command line.\n"
    "Examples:\n"
    "  fbexportd --source demo --vnc 127.0.0.1:5900, then connect a viewer to\n"
    "  127.0.0.1::5900 (e.g. 'vncviewer 127.0.0.1::5900')\n"
    "  fbexportd --source vgpu:0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4 --vnc 127.0.0.1:5901\n"
    "  serves that vGPU's screen; list vGPUs with 'ls /sys/bus/mdev/devices' or\n"
    "  'mdevctl list'\n"
    "  fbexportd --record desktop.mkv --rtsp 127.0.0.1:8554, then Ctrl-C to finish\n"
    "  the file\n";

enum Id : int { source_id = 1, vnc_id, password_id, log_level_id, version_id, convert_id, http_id };

struct Options {
    cli::SourceSpec source;
    VncOptions vnc;
    BrowserOptions browser{std::nullopt, FBEXPORT_NOVNC_DIR};
    cli::DemoCommandLine demo;
    cli::StreamCommandLine streams;
    ConvertMode convert = ConvertMode::automatic;
    bool help = false;
    bool version = false;
};

Options parse(int argc, char** argv) {
    Options opts;
    std::vector<option> table = {
        {"source", required_argument, nullptr, source_id},
        {"vnc", required_argument, nullptr, vnc_id},
        {"vnc-password-file", required_argument, nullptr, password_id},
        {"http", required_argument, nullptr, http_id},
        {"log-level", required_argument, nullptr, log_level_id},
        {"convert", required_argument, nullptr, convert_id},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, version_id},
    };
    for (const option& o : cli::DemoCommandLine::options()) {
        table.push_back(o);
    }
    for (const option& o : cli::StreamCommandLine::options()) {
        table.push_back(o);
    }
    table.push_back({nullptr, 0, nullptr, 0});

    opterr = 0;  // our own messages, not getopt's
    int id;
    while ((id = getopt_long(argc, argv, ":h", table.data(), nullptr)) != -1) {
        switch (id) {
            case source_id:
                opts.source = cli::parse_source_spec("--source", optarg);
                break;
            case vnc_id:
                try {
                    opts.vnc.address = parse_listen_address(optarg);
                } catch (const Error& e) {
                    throw cli::UsageError(std::string("--vnc: ") + e.what());
                }
                break;
            case http_id:
                try {
                    opts.browser.http = parse_listen_address(optarg);
                } catch (const Error& e) {
                    throw cli::UsageError(std::string("--http: ") + e.what());
                }
                break;
            case password_id:
                opts.vnc.password = cli::read_secret_file("--vnc-password-file", optarg);
                break;
            case log_level_id:
                cli::apply_log_level(optarg);
                break;
            case convert_id:
                opts.convert = cli::parse_convert_mode_option(optarg);
                break;
            case 'h':
                opts.help = true;
                break;
            case version_id:
                opts.version = true;
                break;
            default:
                if (!opts.demo.take(id, optarg) && !opts.streams.take(id, optarg)) {
                    cli::throw_getopt_error(id, argv);
                }
        }
    }
    cli::reject_operands(argc, argv);
    opts.streams.validate();
    return opts;
}

std::string help_text() {
    return usage_text + cli::convert_help(28) + "\n" + std::string(cli::StreamCommandLine::help()) +
           "\n" + std::string(cli::DemoCommandLine::help()) + usage_tail;
}

// One line per stream: frames sent, dropped because the encoder fell behind,
// and how long a change took from the source to leaving the encoder.
void log_stream_statistics(DisplayService& service) {
    if (!service.streams()) {
        return;
    }
    for (const auto& row : service.streams()->statistics()) {
        auto line = log(LogLevel::info, "fbexportd");
        line << "stream " << row.name << ": " << row.pushed << " frames, " << row.dropped
             << " dropped, " << row.encoded << " encoded";
        if (row.latency) {
            line << ", glass-to-encoded median " << row.latency->median.count() / 1000.0
                 << " ms, p99 " << row.latency->p99.count() / 1000.0 << " ms";
        }
    }
}

int serve(Options& opts) {
    try {
        // The loop first: it blocks SIGINT/SIGTERM before any thread starts.
        EventLoop loop;
        opts.vnc.desktop_name = opts.source.kind == cli::SourceSpec::Kind::demo
                                    ? "fbexport demo"
                                    : "fbexport vGPU " + opts.source.uuid;
        // The source first: a vGPU that is not there is the likeliest
        // mistake, and says so before any converter is measured.
        std::unique_ptr<Source> source = cli::open_source(opts.source, opts.demo.demo());
        // --convert=gl without GL fails here: the user asked for it, so no
        // silent fallback to the CPU.
        DisplayService service(loop, std::move(source), make_converter(opts.convert), opts.vnc,
                               opts.streams.streams(), opts.browser);
        const std::string where = opts.vnc.address.to_string();
        const std::string viewer =
            (opts.vnc.address.ipv6 ? "[" + opts.vnc.address.host + "]" : opts.vnc.address.host) +
            "::" + std::to_string(opts.vnc.address.port);
        const auto url = service.browser_url();
        log(LogLevel::info, "fbexportd")
            << "ready: " << (url ? "open " + *url + " in a browser, or " : std::string())
            << "connect a VNC viewer to " << where << " (e.g. vncviewer " << viewer << ")";
        const int signal = loop.run();
        const auto& stats = service.statistics();
        log(LogLevel::info, "fbexportd")
            << "stopping on "
            << (service.failure() ? "a failure"
                : signal != 0     ? strsignal(signal)
                                  : "request")
            << " after " << stats.polls << " polls, " << stats.frames << " changed frames, "
            << stats.converted_pixels << " pixels converted";
        service.finish_streams();
        log_stream_statistics(service);
        if (service.failure()) {
            log(LogLevel::error, "fbexportd") << *service.failure();
            return cli::exit_failure;
        }
    } catch (const std::exception& e) {
        // A service's failure goes to its log, time-stamped like the rest.
        log(LogLevel::error, "fbexportd") << e.what();
        return cli::exit_failure;
    }
    return cli::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    return cli::tool_main<Options>("fbexportd", argc, argv, parse, help_text, serve);
}
