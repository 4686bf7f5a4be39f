// fbshot: one screenshot of a display source as PNG: the primary plane
// detiled and converted, the cursor plane composed on top.

#include <getopt.h>

#include <iostream>
#include <optional>
#include <string>

#include "command_line.hpp"
#include "convert_command_line.hpp"
#include "demo_command_line.hpp"
#include "display/converter_factory.hpp"
#include "display/cursor_image.hpp"
#include "display/shadow_framebuffer.hpp"
#include "encoders/png_writer.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "fbexport/mediator_source.hpp"
#include "source_spec.hpp"
#include "tool_main.hpp"

namespace {

using namespace fbx;

constexpr const char* usage_text =
    "Usage: fbshot [OPTIONS] -o FILE.png\n"
    "Take one screenshot of a display source as a PNG.\n"
    "\n"
    "  -o, --output FILE      where to write the PNG ('-' for standard output);\n"
    "                         the file appears complete or not at all\n"
    "  --device UUID          capture the vgpu_mediator vGPU UUID: its primary plane\n"
    "                         detiled and converted, with its cursor plane composed\n"
    "                         on top, read through /dev/vgpu/UUID (no VFIO access\n"
    "                         needed). Exit status 1 when the vGPU does not exist or\n"
    "                         shows no primary plane. Same as --source vgpu:UUID\n"
    "  --source SOURCE        'demo' (default): the built-in animated desktop; or\n"
    "                         'vgpu:UUID', as --device UUID\n"
    "  --no-cursor            leave the cursor plane out\n"
    "  --crop WxH+X+Y         keep only this rectangle, e.g. 640x480+100+50\n"
    "  --demo-time MS         the moment of the demo animation to capture (default 0)\n"
    "  --log-level LEVEL      error, warn (default), info or debug\n"
    "  -h, --help             show this help and exit\n"
    "  --version              show the version and exit\n";

constexpr const char* usage_tail =
    "\n"
    "Exit status: 0 when the PNG was written, 1 when capturing or writing failed,\n"
    "2 on a bad command line.\n"
    "Examples:\n"
    "  fbshot -o demo.png --demo-time 1500\n"
    "  fbshot --device 0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4 -o shot.png\n"
    "  fbshot --device 0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4 --no-cursor -o - > shot.png\n"
    "  (vGPU UUIDs: 'ls /sys/bus/mdev/devices' or 'mdevctl list')\n";

enum Id : int {
    source_id = 1,
    device_id,
    no_cursor_id,
    crop_id,
    demo_time_id,
    log_level_id,
    version_id,
    convert_id
};

struct Options {
    std::string output;
    cli::SourceSpec source;
    bool cursor = true;
    std::optional<Rect> crop;
    std::uint64_t demo_time = 0;
    cli::DemoCommandLine demo;
    ConvertMode convert = ConvertMode::automatic;
    bool help = false;
    bool version = false;
};

Options parse(int argc, char** argv) {
    Options opts;
    std::vector<option> table = {
        {"output", required_argument, nullptr, 'o'},
        {"source", required_argument, nullptr, source_id},
        {"device", required_argument, nullptr, device_id},
        {"no-cursor", no_argument, nullptr, no_cursor_id},
        {"crop", required_argument, nullptr, crop_id},
        {"demo-time", required_argument, nullptr, demo_time_id},
        {"log-level", required_argument, nullptr, log_level_id},
        {"convert", required_argument, nullptr, convert_id},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, version_id},
    };
    for (const option& o : cli::DemoCommandLine::options()) {
        table.push_back(o);
    }
    table.push_back({nullptr, 0, nullptr, 0});

    opterr = 0;
    int id;
    while ((id = getopt_long(argc, argv, ":ho:", table.data(), nullptr)) != -1) {
        switch (id) {
            case 'o':
                opts.output = optarg;
                break;
            case source_id:
                opts.source = cli::parse_source_spec("--source", optarg);
                break;
            case device_id:
                opts.source = cli::parse_vgpu_uuid("--device", optarg);
                break;
            case no_cursor_id:
                opts.cursor = false;
                break;
            case crop_id:
                opts.crop = cli::parse_geometry("--crop", optarg);
                break;
            case demo_time_id:
                opts.demo_time = cli::parse_unsigned("--demo-time", optarg);
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
                if (!opts.demo.take(id, optarg)) {
                    cli::throw_getopt_error(id, argv);
                }
        }
    }
    cli::reject_operands(argc, argv);
    if (!opts.help && !opts.version && opts.output.empty()) {
        throw cli::UsageError("no output file: give -o FILE.png (or -o - for standard output)");
    }
    return opts;
}

// The source's current picture: its first poll reports all of it.
std::unique_ptr<Source> open_for_capture(const Options& opts) {
    DemoOptions demo = opts.demo.demo();
    const std::uint64_t moment = opts.demo_time;
    demo.clock = [moment] { return moment; };
    return cli::open_source(opts.source, demo);
}

int capture(const Options& opts) {
    const std::unique_ptr<Source> source_ptr = open_for_capture(opts);
    Source& source = *source_ptr;
    std::optional<Frame> frame = source.poll();
    if (!frame) {
        throw Error("source " + source.describe() + " gave no frame");
    }
    // A vGPU without a valid primary plane is served as black by the
    // service; a screenshot of that would only hide the problem.
    if (const auto* vgpu = dynamic_cast<const MediatorSource*>(&source);
        vgpu != nullptr && !vgpu->primary_ready()) {
        throw Error("vGPU " + opts.source.uuid +
                    " shows no primary plane (the guest has it disabled, or its registers are "
                    "invalid: see /sys/bus/mdev/devices/" +
                    opts.source.uuid + "/vgpu/invalid_planes); nothing to capture");
    }
    const Plane& primary = frame->primary;
    ShadowFramebuffer picture(primary.width, primary.height);
    const std::unique_ptr<Converter> converter = make_converter(opts.convert);
    const Rect whole = picture.bounds();
    converter->convert(primary, std::span<const Rect>(&whole, 1), picture);
    if (opts.cursor && frame->cursor) {
        compose_cursor(convert_cursor(*frame->cursor), frame->cursor->x, frame->cursor->y, picture);
    }

    Rect area = whole;
    if (opts.crop) {
        area = intersect(*opts.crop, whole);
        if (area != *opts.crop) {
            std::cerr << "fbshot: --crop " << opts.crop->width << 'x' << opts.crop->height << '+'
                      << opts.crop->x << '+' << opts.crop->y << " does not fit inside the "
                      << whole.width << 'x' << whole.height << " screen\n";
            return cli::exit_usage;
        }
    }
    const XrgbImageView view{picture.row(static_cast<std::uint32_t>(area.y)) + area.x,
                             static_cast<std::uint32_t>(area.width),
                             static_cast<std::uint32_t>(area.height), picture.stride()};
    write_png(view, opts.output);
    log(LogLevel::info, "fbshot") << "wrote " << area.width << 'x' << area.height << " of "
                                  << source.describe() << " to " << opts.output;
    return cli::exit_ok;
}

std::string help_text() {
    return usage_text + cli::convert_help(25) + "\n" + std::string(cli::DemoCommandLine::help()) +
           usage_tail;
}

}  // namespace

int main(int argc, char** argv) {
    set_log_level(LogLevel::warn);
    return cli::tool_main<Options>("fbshot", argc, argv, parse, help_text, capture);
}
