#include "display_command_line.hpp"

#include <set>
#include <string>

#include "command_line.hpp"
#include "fbexport/error.hpp"
#include "rtsp_mount_plan.hpp"

namespace fbx::cli {
namespace {

enum Id : int {
    source = DisplayCommandLine::first_option_id,
    vnc,
    password,
    http,
    all_vgpus,
};

const ListenAddress default_vnc{"127.0.0.1", 5900, false};

ListenAddress address_option(std::string_view option, const char* value) {
    try {
        return parse_listen_address(value);
    } catch (const Error& e) {
        throw UsageError(std::string(option) + ": " + e.what());
    }
}

}  // namespace

std::vector<option> DisplayCommandLine::options() {
    std::vector<option> table = {
        {"source", required_argument, nullptr, source},
        {"vnc", required_argument, nullptr, vnc},
        {"vnc-password-file", required_argument, nullptr, password},
        {"http", required_argument, nullptr, http},
        {"all-vgpus", optional_argument, nullptr, all_vgpus},
    };
    for (const option& o : StreamCommandLine::options()) {
        table.push_back(o);
    }
    return table;
}

std::string_view DisplayCommandLine::help() {
    return "  --source SOURCE           a display to serve (give it again for more, each\n"
           "                            with its own --vnc): 'demo' (default), a built-in\n"
           "                            animated desktop that needs no vGPU; or 'vgpu:UUID',\n"
           "                            a vgpu_mediator vGPU (created with mdevctl or sysfs)\n"
           "                            through its display-export device /dev/vgpu/UUID:\n"
           "                            event-driven (no polling while the guest draws\n"
           "                            nothing), only the damage the guest posts is\n"
           "                            converted and sent. The service's user needs access\n"
           "                            to /dev/vgpu/UUID (group vgpu-display). A vGPU that\n"
           "                            does not exist yet is waited for, and one that is\n"
           "                            removed is waited for again: meanwhile its viewers\n"
           "                            stay connected and see a picture saying 'VGPU UUID\n"
           "                            ABSENT' (desktop name '... (absent)'); or 'vfio:UUID',\n"
           "                            any mdev display (mbochs, GVT-g) through the VFIO\n"
           "                            display ioctls, polled, opened by this process (an\n"
           "                            absent one is looked for every 2 s)\n"
           "  --vnc ADDR:PORT           VNC listen address of the display of the --source\n"
           "                            before it (default 127.0.0.1:5900 for the first\n"
           "                            display, the next port for each further one); IPv6 as\n"
           "                            [::1]:5900. Listening off loopback requires a password\n"
           "  --vnc-password-file FILE  require VNC authentication, on every display, with\n"
           "                            the password on the first line of FILE (RFB uses its\n"
           "                            first 8 characters)\n"
           "  --http ADDR:PORT          serve the display of the --source before it to web\n"
           "                            browsers: noVNC (Debian's novnc package) and its\n"
           "                            WebSocket on one port, e.g. --http 127.0.0.1:6080,\n"
           "                            then open the URL printed at start. Off loopback it\n"
           "                            requires --vnc-password-file\n"
           "  --all-vgpus[=ADDR:PORT]   serve every vGPU there is and every one created\n"
           "                            later, each on its own VNC port from ADDR:PORT\n"
           "                            upward (default 127.0.0.1:5900), skipping the ports\n"
           "                            of --source displays; a vGPU keeps its port while the\n"
           "                            service runs, through removal and re-creation. A\n"
           "                            --rtsp given with no --source serves them all, at\n"
           "                            rtsp://ADDR:PORT/vgpu/UUID\n"
           "Options that name an output (--vnc, --http, --record, --rtp, --rtsp,\n"
           "--rtsp-path, --gst-pipeline) belong to the display of the --source before\n"
           "them; given before any --source, to the first display. The others apply to\n"
           "every display.\n";
}

DisplayCommandLine::Display& DisplayCommandLine::current() {
    if (displays_.empty()) {
        displays_.emplace_back();
    }
    return displays_.back();
}

bool DisplayCommandLine::take(int id, const char* value) {
    switch (id) {
        case source: {
            SourceSpec spec = parse_source_spec("--source", value);
            // Options given before the first --source are the first display's.
            if (displays_.empty() || displays_.back().source) {
                displays_.emplace_back();
            }
            displays_.back().source = std::move(spec);
            return true;
        }
        case vnc:
            if (current().vnc) {
                throw UsageError(
                    "--vnc: given twice for one display; give a --source before each further "
                    "--vnc");
            }
            current().vnc = address_option("--vnc", value);
            current().given.push_back("--vnc");
            return true;
        case http:
            current().http = address_option("--http", value);
            current().given.push_back("--http");
            return true;
        case password:
            password_ = read_secret_file("--vnc-password-file", value);
            return true;
        case all_vgpus:
            all_vgpus_ = value ? address_option("--all-vgpus", value) : default_vnc;
            return true;
        default:
            if (StreamCommandLine::per_display(id)) {
                current().given.push_back("a stream output");
                return current().streams.take(id, value);
            }
            return shared_.take(id, value);
    }
}

ServiceConfig DisplayCommandLine::config(ConvertMode convert) const {
    ServiceConfig config;
    config.convert = convert;
    std::vector<StreamOptions> all_streams;
    const bool any_source = !displays_.empty() && displays_.front().source;
    if (all_vgpus_) {
        AllVgpusConfig all;
        all.vnc_base = *all_vgpus_;
        all.vnc_password = password_;
        if (!any_source && !displays_.empty()) {
            // Outputs given with --all-vgpus and no --source: only RTSP
            // makes sense for many vGPUs (a mount each).
            const Display& d = displays_.front();
            const StreamOptions s = d.streams.merged(shared_);
            if (d.streams.rtsp_path()) {
                throw UsageError(
                    "--rtsp-path: with --all-vgpus and no --source every vGPU is mounted at "
                    "/vgpu/UUID; give --rtsp-path to a --source display");
            }
            if (d.vnc || d.http || s.record || s.rtp || s.pipeline_tail) {
                throw UsageError(
                    "--all-vgpus: " + d.given.front() +
                    " needs a --source to belong to (with --all-vgpus alone only --rtsp applies, "
                    "to every vGPU; the VNC ports start at --all-vgpus=ADDR:PORT)");
            }
            all.rtsp = s.rtsp;
            all.rtsp_credentials = s.rtsp_credentials;
            all_streams.push_back(s);
        }
        config.all_vgpus = all;
    }
    std::set<std::string> vnc_addresses;
    std::set<std::string> uuids;
    std::optional<ListenAddress> previous;
    for (const Display& d : displays_) {
        if (!d.source && all_vgpus_) {
            continue;  // taken above
        }
        DisplayConfig display;
        display.source = d.source.value_or(SourceSpec{});
        if (d.vnc) {
            display.vnc.address = *d.vnc;
        } else if (previous) {
            display.vnc.address = *previous;
            ++display.vnc.address.port;
        } else {
            display.vnc.address = default_vnc;
        }
        previous = display.vnc.address;
        display.vnc.password = password_;
        display.http = d.http;
        display.streams = d.streams.merged(shared_);
        display.rtsp_path = d.streams.rtsp_path();
        if (display.rtsp_path && !display.streams.rtsp) {
            throw UsageError("--rtsp-path: " + display.source.to_string() +
                             " has no --rtsp to mount; give both to the display");
        }
        all_streams.push_back(display.streams);
        if (!vnc_addresses.insert(std::to_string(display.vnc.address.port)).second) {
            throw UsageError("--vnc: two displays on port " +
                             std::to_string(display.vnc.address.port) +
                             "; give each --source its own --vnc");
        }
        if (display.source.kind != SourceSpec::Kind::demo &&
            !uuids.insert(display.source.uuid).second) {
            throw UsageError("--source: " + display.source.to_string() + " given twice");
        }
        config.displays.push_back(std::move(display));
    }
    if (config.displays.empty() && !config.all_vgpus) {
        // Nothing named: the demo, as always.
        DisplayConfig demo;
        demo.vnc.address = default_vnc;
        demo.vnc.password = password_;
        demo.streams = StreamCommandLine().merged(shared_);
        all_streams.push_back(demo.streams);
        config.displays.push_back(std::move(demo));
    }
    if (all_streams.empty()) {
        all_streams.push_back(StreamCommandLine().merged(shared_));
    }
    StreamCommandLine::validate(all_streams);
    try {
        RtspMountPlan::of(config);
    } catch (const RtspMountError& e) {
        throw UsageError("--rtsp-path: " + std::string(e.what()) +
                         (e.other() ? "; give one of them its own --rtsp-path" : ""));
    }
    return config;
}

}  // namespace fbx::cli
