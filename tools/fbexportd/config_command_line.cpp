#include "config_command_line.hpp"

#include "config_file.hpp"
#include "rtsp_mount_plan.hpp"

namespace fbx::cli {
namespace {

enum Id : int { config_id = ConfigCommandLine::first_option_id, check_id };

}  // namespace

std::vector<option> ConfigCommandLine::options() {
    return {{"config", required_argument, nullptr, config_id},
            {"check-config", no_argument, nullptr, check_id}};
}

std::string_view ConfigCommandLine::help() {
    return "  --config FILE             serve what the TOML file FILE says (annotated\n"
           "                            example: /usr/share/doc/fbexport/examples/\n"
           "                            fbexportd.toml); SIGHUP re-reads it, keeping the\n"
           "                            displays that did not change and their viewers, and\n"
           "                            keeps the running configuration when the file has a\n"
           "                            mistake (logged as FILE:LINE:COLUMN: reason). Options\n"
           "                            given besides override the file: --source or\n"
           "                            --all-vgpus replace its displays, an output (--vnc,\n"
           "                            --http, --record, ...) replaces its first display's,\n"
           "                            --vnc-password-file, --encoder, --stream-fps and\n"
           "                            --rtsp-credentials-file apply to all its displays\n"
           "  --check-config            read the configuration (and its password files),\n"
           "                            print what it serves and exit: 0 when it is valid,\n"
           "                            2 with FILE:LINE:COLUMN: reason when not\n";
}

bool ConfigCommandLine::take(int id, const char* value) {
    if (id == config_id) {
        file_ = value;
        return true;
    }
    if (id == check_id) {
        check_only_ = true;
        return true;
    }
    return false;
}

ServiceConfig ConfigCommandLine::config(const ServiceConfig& command_line) const {
    if (!file_) {
        return command_line;
    }
    ServiceConfig config = load_config_file(*file_);
    if (was_given("convert")) {
        config.convert = command_line.convert;
    }
    if (was_given("source") || was_given("all-vgpus")) {
        config.displays = command_line.displays;
        config.all_vgpus = command_line.all_vgpus;
        return config;
    }
    // No --source: the command line's first display is the default one,
    // holding the outputs given.
    if (command_line.displays.empty()) {
        return config;
    }
    const DisplayConfig& d = command_line.displays.front();
    ConfigOverrides o;
    const auto take = [&](std::string_view name, auto& field, const auto& value) {
        if (was_given(name)) {
            field = value;
        }
    };
    take("vnc", o.vnc, d.vnc.address);
    take("http", o.http, d.http);
    take("record", o.record, d.streams.record);
    take("rtp", o.rtp, d.streams.rtp);
    take("rtsp", o.rtsp, d.streams.rtsp);
    take("rtsp-path", o.rtsp_path, d.rtsp_path);
    take("gst-pipeline", o.pipeline_tail, d.streams.pipeline_tail);
    take("vnc-password-file", o.vnc_password, d.vnc.password);
    take("encoder", o.encoder, d.streams.encoder);
    take("rtsp-credentials-file", o.rtsp_credentials, d.streams.rtsp_credentials);
    take("stream-fps", o.stream_fps, d.streams.fps);
    config = apply_overrides(std::move(config), o);
    // The file's mounts were checked, but --rtsp and --rtsp-path may move
    // its first display onto another's mount.
    try {
        RtspMountPlan::of(config);
    } catch (const RtspMountError& e) {
        throw ConfigError(*file_, 0, 0,
                          std::string(e.what()) +
                              ", the first as the command line's --rtsp and --rtsp-path say; give "
                              "it another --rtsp-path");
    }
    return config;
}

}  // namespace fbx::cli
