// fbexportd: serves displays (the built-in demo desktop, vgpu_mediator
// vGPUs) to VNC clients and as video streams, several at once.

#include <getopt.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "command_line.hpp"
#include "config_command_line.hpp"
#include "config_file.hpp"
#include "convert_command_line.hpp"
#include "demo_command_line.hpp"
#include "display_command_line.hpp"
#include "encoders/video_streams.hpp"
#include "fbexport/error.hpp"
#include "fbexport/event_loop.hpp"
#include "fbexport/log.hpp"
#include "process_user.hpp"
#include "rtsp_mount_plan.hpp"
#include "security_command_line.hpp"
#include "served_displays.hpp"
#include "service_notifier.hpp"
#include "stream_command_line.hpp"
#include "tool_main.hpp"

namespace {

using namespace fbx;

constexpr const char* usage_text =
    "Usage: fbexportd [OPTIONS]\n"
    "Serve displays to VNC clients and as video streams, converting only what\n"
    "changed.\n"
    "\n";

constexpr const char* common_text =
    "  --user NAME               started as root, become user NAME (with its groups,\n"
    "                            e.g. vgpu-display for /dev/vgpu) before listening or\n"
    "                            opening anything; files given here or in --config\n"
    "                            are read before, a reload reads --config as NAME\n"
    "  --log-level LEVEL         error, warn, info (default) or debug\n"
    "  -h, --help                show this help and exit\n"
    "  --version                 show the version and exit\n";

constexpr const char* usage_tail =
    "\n"
    "Signals: SIGINT and SIGTERM stop the service; SIGHUP re-reads the --config file.\n"
    "Under systemd (Type=notify) it reports READY=1 once every display listens,\n"
    "its displays in STATUS=, and RELOADING=1 around a reload.\n"
    "Exit status: 0 after SIGINT/SIGTERM, 1 when the service fails, 2 on a bad\n"
    "command line or configuration file.\n"
    "Examples:\n"
    "  fbexportd --source demo --vnc 127.0.0.1:5900, then connect a viewer to\n"
    "  127.0.0.1::5900 (e.g. 'vncviewer 127.0.0.1::5900')\n"
    "  fbexportd --source vgpu:0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4 --vnc 127.0.0.1:5901\n"
    "  serves that vGPU's screen (waiting for it if it does not exist yet); list\n"
    "  vGPUs with 'ls /sys/bus/mdev/devices' or 'mdevctl list'\n"
    "  fbexportd --source vgpu:UUID1 --vnc 127.0.0.1:5901 --source vgpu:UUID2 --vnc\n"
    "  127.0.0.1:5902 serves two vGPUs, each on its own port\n"
    "  fbexportd --all-vgpus=127.0.0.1:5910 --rtsp 127.0.0.1:8554 serves every vGPU,\n"
    "  present and future, from port 5910 upward and at rtsp://127.0.0.1:8554/vgpu/UUID\n"
    "  fbexportd --record desktop.mkv --rtsp 127.0.0.1:8554, then Ctrl-C to finish\n"
    "  the file\n";

enum Id : int { log_level_id = 1, version_id, convert_id, user_id };

struct Options {
    cli::DisplayCommandLine displays;
    cli::DemoCommandLine demo;
    cli::SecurityCommandLine security;
    cli::ConfigCommandLine config_file;
    ConvertMode convert = ConvertMode::automatic;
    std::optional<std::string> user;  // --user: give root up for this user
    ServiceConfig command_line;       // what the options alone say
    ServiceConfig config;             // what is served: the --config file under them
    bool help = false;
    bool version = false;
};

Options parse(int argc, char** argv) {
    Options opts;
    std::vector<option> table = {
        {"log-level", required_argument, nullptr, log_level_id},
        {"convert", required_argument, nullptr, convert_id},
        {"user", required_argument, nullptr, user_id},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, version_id},
    };
    for (const option& o : cli::DisplayCommandLine::options()) {
        table.push_back(o);
    }
    for (const option& o : cli::DemoCommandLine::options()) {
        table.push_back(o);
    }
    for (const option& o : cli::SecurityCommandLine::options()) {
        table.push_back(o);
    }
    for (const option& o : cli::ConfigCommandLine::options()) {
        table.push_back(o);
    }
    table.push_back({nullptr, 0, nullptr, 0});

    opterr = 0;  // our own messages, not getopt's
    int id;
    int index = -1;
    while ((id = getopt_long(argc, argv, ":h", table.data(), &index)) != -1) {
        if (index >= 0) {
            opts.config_file.given(table[static_cast<std::size_t>(index)].name);
            index = -1;
        }
        switch (id) {
            case log_level_id:
                cli::apply_log_level(optarg);
                break;
            case convert_id:
                opts.convert = cli::parse_convert_mode_option(optarg);
                break;
            case user_id:
                if (*optarg == '\0') {
                    throw cli::UsageError("--user: give a user name");
                }
                opts.user = optarg;
                break;
            case 'h':
                opts.help = true;
                break;
            case version_id:
                opts.version = true;
                break;
            default:
                if (!opts.demo.take(id, optarg) && !opts.security.take(id, optarg) &&
                    !opts.displays.take(id, optarg) && !opts.config_file.take(id, optarg)) {
                    cli::throw_getopt_error(id, argv);
                }
        }
    }
    cli::reject_operands(argc, argv);
    opts.security.validate();
    opts.command_line = opts.displays.config(opts.convert);
    // A mistake in the file is one on the command line: exit status 2.
    opts.config = opts.config_file.config(opts.command_line);
    opts.security.apply(opts.config.network);
    return opts;
}

std::string help_text() {
    return usage_text + std::string(cli::DisplayCommandLine::help()) +
           std::string(cli::ConfigCommandLine::help()) + common_text + cli::convert_help(28) +
           "\n" + std::string(cli::StreamCommandLine::help()) + "\n" +
           std::string(cli::DemoCommandLine::help()) + "\n" +
           std::string(cli::SecurityCommandLine::help()) + usage_tail;
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

void log_ready(ServedDisplays& served) {
    for (ServedDisplay* display : served.displays()) {
        const ListenAddress& vnc = display->config().vnc.address;
        const std::string viewer =
            (vnc.ipv6 ? "[" + vnc.host + "]" : vnc.host) + "::" + std::to_string(vnc.port);
        const auto url = display->service().browser_url();
        log(LogLevel::info, "fbexportd")
            << "ready: " << (url ? "open " + *url + " in a browser, or " : std::string())
            << "connect a VNC viewer to " << vnc.to_string() << " (e.g. vncviewer " << viewer
            << ") for " << display->config().source.to_string();
    }
    if (const auto& all = served.config().all_vgpus) {
        log(LogLevel::info, "fbexportd")
            << "ready: serving every vGPU, present or created later, from "
            << all->vnc_base.to_string() << " upward";
    }
}

// STATUS= for systemctl status: what is served, on one line.
std::string status_line(ServedDisplays& served) {
    std::string line;
    for (ServedDisplay* display : served.displays()) {
        line += (line.empty() ? "" : ", ") + display->config().source.to_string() + " on " +
                display->config().vnc.address.to_string();
    }
    if (const auto& all = served.config().all_vgpus) {
        line +=
            std::string(line.empty() ? "" : "; ") + "every vGPU from " + all->vnc_base.to_string();
    }
    return "serving " + (line.empty() ? std::string("nothing yet") : line);
}

// SIGHUP: the --config file again, with the command line over it. A file
// with a mistake changes nothing; otherwise only the displays whose entry
// changed restart, the others keep their viewers.
void reload(const Options& opts, ServedDisplays& served, ServiceNotifier& notifier) {
    if (!opts.config_file.file()) {
        log(LogLevel::info, "fbexportd") << "SIGHUP: no --config file, nothing to reload";
        return;
    }
    const std::string& file = *opts.config_file.file();
    notifier.reloading("reloading " + file);
    ServiceConfig next;
    try {
        next = opts.config_file.config(opts.command_line);
        opts.security.apply(next.network);
    } catch (const ConfigError& e) {
        log(LogLevel::error, "fbexportd")
            << "reload refused, the running configuration stays: " << e.what();
        notifier.ready("reload refused (" + std::string(e.what()) + "); " + status_line(served));
        return;
    }
    if (next == served.config()) {
        log(LogLevel::info, "fbexportd") << "reload: " << file << " asks for no change";
    } else {
        try {
            served.apply(next);
            log(LogLevel::info, "fbexportd") << "reloaded " << file;
        } catch (const std::exception& e) {
            // apply() served what it could; the rest is retried at the next reload.
            log(LogLevel::error, "fbexportd") << "reload of " << file << ": " << e.what();
        }
        log_ready(served);
    }
    notifier.ready(status_line(served));
}

// --check-config: the configuration parsed (a mistake exited 2 already).
int check(const Options& opts) {
    std::cout << (opts.config_file.file() ? *opts.config_file.file() : "the command line")
              << ": valid";
    const auto mounts = RtspMountPlan::of(opts.config);
    for (std::size_t i = 0; i < opts.config.displays.size(); ++i) {
        const DisplayConfig& d = opts.config.displays[i];
        std::cout << "\n  " << d.source.to_string() << ": VNC " << d.vnc.address.to_string()
                  << (d.vnc.password ? " (password)" : "")
                  << (d.http ? ", http " + d.http->to_string() : "")
                  << (d.streams.any() ? ", streams" : "")
                  << (mounts[i] ? ", RTSP rtsp://" + d.streams.rtsp->to_string() + *mounts[i]
                                : std::string());
    }
    if (const auto& all = opts.config.all_vgpus) {
        std::cout << "\n  every vGPU: VNC from " << all->vnc_base.to_string()
                  << (all->vnc_password ? " (password)" : "")
                  << (all->rtsp ? ", RTSP " + all->rtsp->to_string() : "");
    }
    std::cout << "\n";
    return cli::exit_ok;
}

int serve(Options& opts) {
    if (opts.config_file.check_only()) {
        return check(opts);
    }
    ServiceNotifier notifier = ServiceNotifier::from_environment();
    try {
        // Before any thread, socket or device: what runs afterwards never
        // has root. Files named on the command line or in --config were
        // read already; a reload reads the file again as this user.
        if (opts.user) {
            become_user(*opts.user);
        } else if (::geteuid() == 0) {
            log(LogLevel::warn, "fbexportd")
                << "running as root: give --user (e.g. a member of group vgpu-display) or "
                   "use the fbexportd@.service unit, which runs it as a dynamic user";
        }
        // The loop first: it blocks SIGINT/SIGTERM before any thread starts.
        EventLoop loop;
        DisplaySettings settings;
        settings.demo = opts.demo.demo();
        settings.novnc_root = FBEXPORT_NOVNC_DIR;
        ServedDisplays served(loop, std::move(settings));
        served.apply(opts.config);
        log_ready(served);
        // Every display listens now: systemd may start what depends on us.
        notifier.ready(status_line(served));
        loop.on_hangup([&] { reload(opts, served, notifier); });
        const int signal = loop.run();
        const auto failure = served.failure();
        notifier.stopping(std::string("stopping on ") + (failure       ? "a failure"
                                                         : signal != 0 ? strsignal(signal)
                                                                       : "request"));
        for (ServedDisplay* display : served.displays()) {
            const auto& stats = display->service().statistics();
            log(LogLevel::info, "fbexportd")
                << display->name() << ": stopping on "
                << (failure       ? "a failure"
                    : signal != 0 ? strsignal(signal)
                                  : "request")
                << " after " << stats.polls << " polls, " << stats.frames << " changed frames, "
                << stats.converted_pixels << " pixels converted";
            display->service().finish_streams();
            log_stream_statistics(display->service());
        }
        if (failure) {
            log(LogLevel::error, "fbexportd") << *failure;
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
