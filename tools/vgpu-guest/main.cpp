// vgpu-guest: drives a vgpu_mediator vGPU as its guest driver would (VFIO
// group and type1 container, BAR2 registers, VRAM mmap, plane commits,
// interrupts), for tests, demos and benchmarks.

#include <getopt.h>
#include <linux/vfio.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "animation.hpp"
#include "command_line.hpp"
#include "display_device.hpp"
#include "fbexport/error.hpp"
#include "fbexport/log.hpp"
#include "hex_string.hpp"
#include "mdev_instance.hpp"
#include "painter.hpp"
#include "sysfs.hpp"
#include "tool_main.hpp"
#include "vgpu_device.hpp"
#include "vgpu_mediator.h"

namespace {

using namespace vgpu;
namespace cli = fbx::cli;

constexpr const char* usage_text =
    "Usage: vgpu-guest --device UUID COMMAND [OPTIONS]\n"
    "       vgpu-guest create [--type TYPE]\n"
    "Drive a vgpu_mediator vGPU as its guest driver would.\n"
    "\n"
    "Commands:\n"
    "  info        print the device's identity, regions, interrupts, registers\n"
    "              and the host's view of its planes\n"
    "  draw        draw a pattern into VRAM and show it on the primary plane (with\n"
    "              --cursor, an arrow on the cursor plane too); prints what\n"
    "              VFIO_DEVICE_QUERY_GFX_PLANE then reports\n"
    "  cursor      draw an arrow into VRAM and show it on the cursor plane\n"
    "  animate     flip between two buffers with a moving pattern and cursor\n"
    "  paint       show one buffer and repaint a moving square in place each frame,\n"
    "              posting it as damage (--no-damage: leave it to the device's\n"
    "              dirty-page tracking); --memory gtt puts the buffer in guest RAM;\n"
    "              follows hotplug: a new EDID mode hint from the host resizes it\n"
    "  events      print the display events of /dev/vgpu/UUID for --seconds (does\n"
    "              not open the VFIO device, so it can watch another driver)\n"
    "  reset       VFIO_DEVICE_RESET\n"
    "  create      create an instance of --type and print its UUID\n"
    "  remove      remove the instance --device\n"
    "\n"
    "Options:\n"
    "  -d, --device UUID      the vGPU (/sys/bus/mdev/devices/UUID)\n"
    "  --type TYPE            for create: vgpu_mediator-small (default), -medium, -large\n"
    "  --format FOURCC        XRGB8888 (default), ARGB8888, XBGR8888, ABGR8888,\n"
    "                         RGB565, XRGB2101010\n"
    "  --modifier NAME        linear (default), x-tiled, y-tiled\n"
    "  --size WxH             surface size (draw, animate: 640x480; cursor: 64x64)\n"
    "  --offset BYTES         surface offset in VRAM (default: 0; cursor: end of VRAM)\n"
    "  --pattern NAME         gradient (default), bars, checker, noise, cursor\n"
    "  --frame N              animation frame of the pattern to draw (default 0)\n"
    "  --pos X,Y              plane position (cursor: default 0,0)\n"
    "  --hot X,Y              cursor hotspot (default 0,0)\n"
    "  --cursor X,Y           draw: also show a cursor at X,Y\n"
    "  --hold SECONDS         draw, cursor: keep the device open this long (0: until\n"
    "                         SIGINT/SIGTERM); the first open of a vGPU resets it, so\n"
    "                         what one run shows ends with that run\n"
    "  --seconds N            animate, paint, events: how long (default 5)\n"
    "  --fps N                animate, paint: frames per second (default 30)\n"
    "  --memory WHERE         paint: vram (default) or gtt (guest RAM through the GTT)\n"
    "  --square N             paint: side of the repainted square (default 64)\n"
    "  --no-damage            paint: post no damage rectangles\n"
    "  --count N              events: stop after N records (default: --seconds only)\n"
    "  --irq MODE             animate: wait for flip-done by intx, msi or none (default intx)\n"
    "  --no-cursor            animate: leave the cursor plane alone\n"
    "  --log-level LEVEL      error, warn (default), info or debug\n"
    "  -h, --help             show this help and exit\n"
    "  --version              show the version and exit\n"
    "\n"
    "Exit status: 0 on success, 1 when the device or an operation failed (the\n"
    "message names the device, region or ioctl and errno), 2 on a bad command line.\n";

enum Id : int {
    type_id = 1,
    format_id,
    modifier_id,
    size_id,
    offset_id,
    pattern_id,
    frame_id,
    pos_id,
    hot_id,
    seconds_id,
    fps_id,
    irq_id,
    no_cursor_id,
    cursor_pos_id,
    hold_id,
    log_level_id,
    version_id,
    memory_id,
    square_id,
    no_damage_id,
    count_id,
};

struct Options {
    std::string command;
    std::string device;
    std::string type = VGPU_MDEV_TYPE_SMALL;
    fbx::PixelFormat format = fbx::supported_formats()[0];
    fbx::Modifier modifier = fbx::supported_modifiers()[0];
    std::optional<std::pair<std::uint32_t, std::uint32_t>> size;
    std::optional<std::uint64_t> offset;
    Pattern pattern = Pattern::gradient;
    std::uint32_t frame = 0;
    std::int32_t pos_x = 0;
    std::int32_t pos_y = 0;
    std::uint32_t hot_x = 0;
    std::uint32_t hot_y = 0;
    std::uint64_t seconds = 5;
    std::uint64_t fps = 30;
    std::optional<IrqMode> irq = IrqMode::intx;
    bool cursor = true;
    std::optional<std::pair<std::int32_t, std::int32_t>> cursor_pos;
    std::optional<std::uint64_t> hold_seconds;
    SurfaceMemory memory = SurfaceMemory::vram;
    std::uint32_t square = 64;
    bool post_damage = true;
    std::uint64_t count = 0;  // events: stop after this many records (0: no limit)
    bool help = false;
    bool version = false;
};

// "X,Y" with signed (positions) or unsigned (hotspots) parts.
void parse_pair(std::string_view option, std::string_view text, std::int64_t min, std::int64_t& x,
                std::int64_t& y) {
    const auto comma = text.find(',');
    const auto part = [&](std::string_view s) {
        bool negative = !s.empty() && s.front() == '-';
        if (negative) {
            s.remove_prefix(1);
        }
        const auto v = static_cast<std::int64_t>(cli::parse_unsigned(option, s, INT32_MAX));
        return negative ? -v : v;
    };
    if (comma == std::string_view::npos) {
        throw cli::UsageError(std::string(option) + ": '" + std::string(text) +
                              "' is not a pair like 10,20");
    }
    x = part(text.substr(0, comma));
    y = part(text.substr(comma + 1));
    if (x < min || y < min) {
        throw cli::UsageError(std::string(option) + ": '" + std::string(text) +
                              "' must not be negative");
    }
}

Options parse(int argc, char** argv) {
    Options opts;
    const std::vector<option> table = {
        {"device", required_argument, nullptr, 'd'},
        {"type", required_argument, nullptr, type_id},
        {"format", required_argument, nullptr, format_id},
        {"modifier", required_argument, nullptr, modifier_id},
        {"size", required_argument, nullptr, size_id},
        {"offset", required_argument, nullptr, offset_id},
        {"pattern", required_argument, nullptr, pattern_id},
        {"frame", required_argument, nullptr, frame_id},
        {"pos", required_argument, nullptr, pos_id},
        {"hot", required_argument, nullptr, hot_id},
        {"seconds", required_argument, nullptr, seconds_id},
        {"fps", required_argument, nullptr, fps_id},
        {"irq", required_argument, nullptr, irq_id},
        {"no-cursor", no_argument, nullptr, no_cursor_id},
        {"cursor", required_argument, nullptr, cursor_pos_id},
        {"hold", required_argument, nullptr, hold_id},
        {"log-level", required_argument, nullptr, log_level_id},
        {"memory", required_argument, nullptr, memory_id},
        {"square", required_argument, nullptr, square_id},
        {"no-damage", no_argument, nullptr, no_damage_id},
        {"count", required_argument, nullptr, count_id},
        {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, version_id},
        {nullptr, 0, nullptr, 0},
    };
    opterr = 0;
    int id;
    std::int64_t x = 0;
    std::int64_t y = 0;
    while ((id = getopt_long(argc, argv, ":hd:", table.data(), nullptr)) != -1) {
        switch (id) {
            case 'd':
                opts.device = optarg;
                break;
            case type_id:
                opts.type = optarg;
                break;
            case format_id: {
                const auto f = fbx::find_format(std::string_view(optarg));
                if (!f) {
                    throw cli::UsageError(std::string("--format: unknown format '") + optarg + "'");
                }
                opts.format = *f;
                break;
            }
            case modifier_id: {
                const auto m = fbx::find_modifier(std::string_view(optarg));
                if (!m) {
                    throw cli::UsageError(std::string("--modifier: unknown modifier '") + optarg +
                                          "'; choose linear, x-tiled or y-tiled");
                }
                opts.modifier = *m;
                break;
            }
            case size_id: {
                std::uint32_t w = 0;
                std::uint32_t h = 0;
                cli::parse_size("--size", optarg, w, h);
                opts.size = {w, h};
                break;
            }
            case offset_id:
                opts.offset = cli::parse_unsigned("--offset", optarg);
                break;
            case pattern_id: {
                const auto p = find_pattern(optarg);
                if (!p) {
                    throw cli::UsageError(std::string("--pattern: unknown pattern '") + optarg +
                                          "'; choose gradient, bars, checker, noise or cursor");
                }
                opts.pattern = *p;
                break;
            }
            case frame_id:
                opts.frame =
                    static_cast<std::uint32_t>(cli::parse_unsigned("--frame", optarg, UINT32_MAX));
                break;
            case pos_id:
                parse_pair("--pos", optarg, INT32_MIN, x, y);
                opts.pos_x = static_cast<std::int32_t>(x);
                opts.pos_y = static_cast<std::int32_t>(y);
                break;
            case hot_id:
                parse_pair("--hot", optarg, 0, x, y);
                opts.hot_x = static_cast<std::uint32_t>(x);
                opts.hot_y = static_cast<std::uint32_t>(y);
                break;
            case seconds_id:
                opts.seconds = cli::parse_unsigned("--seconds", optarg, 24 * 3600);
                break;
            case fps_id:
                opts.fps = cli::parse_unsigned("--fps", optarg, 1000);
                if (opts.fps == 0) {
                    throw cli::UsageError("--fps: must be at least 1");
                }
                break;
            case irq_id: {
                const std::string mode = optarg;
                if (mode == "intx") {
                    opts.irq = IrqMode::intx;
                } else if (mode == "msi") {
                    opts.irq = IrqMode::msi;
                } else if (mode == "none") {
                    opts.irq.reset();
                } else {
                    throw cli::UsageError("--irq: unknown mode '" + mode +
                                          "'; choose intx, msi or none");
                }
                break;
            }
            case no_cursor_id:
                opts.cursor = false;
                break;
            case memory_id: {
                const std::string where = optarg;
                if (where == "vram") {
                    opts.memory = SurfaceMemory::vram;
                } else if (where == "gtt") {
                    opts.memory = SurfaceMemory::gtt;
                } else {
                    throw cli::UsageError("--memory: unknown memory '" + where +
                                          "'; choose vram or gtt");
                }
                break;
            }
            case square_id:
                opts.square =
                    static_cast<std::uint32_t>(cli::parse_unsigned("--square", optarg, 4096));
                if (opts.square == 0) {
                    throw cli::UsageError("--square: must be at least 1");
                }
                break;
            case no_damage_id:
                opts.post_damage = false;
                break;
            case count_id:
                opts.count = cli::parse_unsigned("--count", optarg, 1000000000);
                break;
            case cursor_pos_id:
                parse_pair("--cursor", optarg, INT32_MIN, x, y);
                opts.cursor_pos = {static_cast<std::int32_t>(x), static_cast<std::int32_t>(y)};
                break;
            case hold_id:
                opts.hold_seconds = cli::parse_unsigned("--hold", optarg, 24 * 3600);
                break;
            case log_level_id:
                cli::apply_log_level(optarg);
                break;
            case 'h':
                opts.help = true;
                break;
            case version_id:
                opts.version = true;
                break;
            default:
                cli::throw_getopt_error(id, argv);
        }
    }
    if (opts.help || opts.version) {
        return opts;
    }
    if (optind >= argc) {
        throw cli::UsageError(
            "no command given (info, draw, cursor, animate, paint, events, reset, "
            "create, remove)");
    }
    opts.command = argv[optind++];
    cli::reject_operands(argc, argv);
    static const std::vector<std::string> commands = {
        "info", "draw", "cursor", "animate", "paint", "events", "reset", "create", "remove"};
    if (std::find(commands.begin(), commands.end(), opts.command) == commands.end()) {
        throw cli::UsageError("unknown command '" + opts.command + "'");
    }
    if (opts.command != "create" && opts.device.empty()) {
        throw cli::UsageError("'" + opts.command + "' needs --device UUID");
    }
    return opts;
}

void print_plane_query(const VgpuDevice& device, std::uint32_t type, const char* name) {
    const auto p = device.query_plane(type);
    std::cout << "  " << name << ": ";
    if (p.drm_format == 0) {
        std::cout << "not ready\n";
        return;
    }
    std::cout << fbx::format_name(p.drm_format) << ' ' << fbx::modifier_name(p.drm_format_mod)
              << ' ' << p.width << 'x' << p.height << " stride " << p.stride << " size " << p.size
              << " pos " << p.x_pos << ',' << p.y_pos << " hot " << p.x_hot << ',' << p.y_hot
              << " dmabuf_id " << p.dmabuf_id << '\n';
}

void print_region(const RegionInfo& r) {
    std::cout << "  " << std::left << std::setw(7) << region_name(r.index) << std::right << " size "
              << std::setw(10) << hex(r.size) << " offset " << hex(r.offset) << " flags"
              << (r.readable() ? " read" : "") << (r.writable() ? " write" : "")
              << (r.mappable() ? " mmap" : "");
    for (const SparseArea& a : r.sparse_areas) {
        std::cout << " sparse[" << hex(a.offset) << "+" << hex(a.size) << "]";
    }
    std::cout << '\n';
}

int info(VgpuDevice& device) {
    const auto dev = device.vfio().info();
    std::cout << "vGPU " << device.uuid() << " (IOMMU group " << device.group_number()
              << ", container "
              << (device.container().iommu_type() == VFIO_TYPE1v2_IOMMU ? "type1v2" : "type1")
              << ")\n";
    std::cout << "PCI " << hex(device.read_config16(0x00)) << ':' << hex(device.read_config16(0x02))
              << " class " << hex(device.read_config32(0x08) >> 8) << '\n';
    std::cout << "VFIO flags " << hex(dev.flags) << ", " << dev.num_regions << " regions, "
              << dev.num_irqs << " IRQ indexes\n";
    for (std::uint32_t i = 0; i < dev.num_regions; ++i) {
        const RegionInfo r = device.vfio().region_info(i);
        if (r.size != 0) {
            print_region(r);
        }
    }
    for (std::uint32_t i = 0; i < dev.num_irqs; ++i) {
        const auto irq = device.vfio().irq_info(i);
        if (irq.count != 0) {
            std::cout << "  IRQ index " << i << ": count " << irq.count << " flags "
                      << hex(irq.flags) << '\n';
        }
    }
    std::cout << "registers:\n";
    for (std::uint32_t reg = VGPU_REG_ID; reg <= VGPU_REG_DAMAGE_MODE; reg += 4) {
        if (reg == VGPU_REG_COMMIT) {
            continue;  // write-only
        }
        std::cout << "  " << std::left << std::setw(18) << register_name(reg) << std::right << ' '
                  << hex(device.read_reg(reg)) << '\n';
    }
    for (std::uint32_t plane = 0; plane < VGPU_NUM_PLANES; ++plane) {
        std::cout << "plane " << plane << " pending: " << describe(device.read_plane(plane))
                  << "; latched status " << plane_status_name(device.plane_status(plane)) << '\n';
    }
    std::cout << "display export (dma-buf): " << (device.probe_dmabuf() ? "yes" : "no")
              << "; device "
              << read_sysfs(mdev_device_path(device.uuid()) + "/" VGPU_SYSFS_GROUP
                                                              "/" VGPU_SYSFS_DISPLAY_DEV)
              << '\n';
    print_plane_query(device, drm_plane_primary, "primary");
    print_plane_query(device, drm_plane_cursor, "cursor");
    return cli::exit_ok;
}

volatile std::sig_atomic_t stop_requested = 0;

void stop_on_signals() {
    std::signal(SIGINT, [](int) { stop_requested = 1; });
    std::signal(SIGTERM, [](int) { stop_requested = 1; });
}

// Reports the latched status of each plane in `mask`: a plane the device
// rejects is a failure, with the device's reason; then the host's view.
int check_and_report(const VgpuDevice& device, std::uint32_t mask,
                     const std::array<PlaneConfig, VGPU_NUM_PLANES>& configs) {
    int rc = cli::exit_ok;
    for (std::uint32_t plane = 0; plane < VGPU_NUM_PLANES; ++plane) {
        if ((mask & (1u << plane)) == 0) {
            continue;
        }
        const std::uint32_t status = device.plane_status(plane);
        if (status != VGPU_PLANE_OK) {
            std::cerr << "vgpu-guest: "
                      << device.context("plane " + std::to_string(plane) + " (" +
                                        describe(configs[plane]) +
                                        ") rejected: " + plane_status_name(status))
                      << '\n';
            rc = cli::exit_failure;
            continue;
        }
        std::cout << "plane " << plane << ": " << describe(configs[plane]) << " shown, flip "
                  << device.read_reg(VGPU_REG_FLIP_COUNT) << '\n';
    }
    std::cout << "host view:\n";
    print_plane_query(device, drm_plane_primary, "primary");
    print_plane_query(device, drm_plane_cursor, "cursor");
    return rc;
}

// Keeps the device (and so what it shows) open for --hold.
void hold(const Options& opts) {
    if (!opts.hold_seconds) {
        return;
    }
    stop_on_signals();
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(*opts.hold_seconds);
    while (stop_requested == 0 &&
           (*opts.hold_seconds == 0 || std::chrono::steady_clock::now() < end)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

PlaneConfig cursor_plane(VgpuDevice& device, const Options& opts, fbx::PixelFormat format,
                         std::int32_t x, std::int32_t y, bool own_options) {
    const auto [w, h] =
        own_options && opts.size ? *opts.size : std::pair<std::uint32_t, std::uint32_t>{64, 64};
    // With its own options a cursor may ask for a tiled layout: the device
    // decides whether a cursor may be tiled.
    PlaneConfig plane =
        make_plane(format, own_options ? opts.modifier : fbx::supported_modifiers()[0], w, h, 0);
    plane.offset =
        own_options && opts.offset ? *opts.offset : cursor_offset(device.vram_size(), plane);
    plane.pos_x = x;
    plane.pos_y = y;
    plane.hot_x = opts.hot_x;
    plane.hot_y = opts.hot_y;
    const Pattern pattern =
        own_options && opts.pattern != Pattern::gradient ? opts.pattern : Pattern::cursor;
    device.draw(plane, pattern, opts.frame);
    return plane;
}

int draw(VgpuDevice& device, const Options& opts) {
    const auto [w, h] = opts.size.value_or(std::pair<std::uint32_t, std::uint32_t>{640, 480});
    std::array<PlaneConfig, VGPU_NUM_PLANES> planes{};
    PlaneConfig& primary = planes[VGPU_PLANE_PRIMARY];
    primary = make_plane(opts.format, opts.modifier, w, h, opts.offset.value_or(0));
    primary.pos_x = opts.pos_x;
    primary.pos_y = opts.pos_y;
    device.draw(primary, opts.pattern, opts.frame);
    device.program_plane(VGPU_PLANE_PRIMARY, primary);
    std::uint32_t mask = 1u << VGPU_PLANE_PRIMARY;
    if (opts.cursor_pos) {
        planes[VGPU_PLANE_CURSOR] =
            cursor_plane(device, opts, *fbx::find_format(VGPU_FMT_ARGB8888), opts.cursor_pos->first,
                         opts.cursor_pos->second, false);
        device.program_plane(VGPU_PLANE_CURSOR, planes[VGPU_PLANE_CURSOR]);
        mask |= 1u << VGPU_PLANE_CURSOR;
    }
    device.commit(mask);
    const int rc = check_and_report(device, mask, planes);
    hold(opts);
    return rc;
}

int cursor(VgpuDevice& device, const Options& opts) {
    const fbx::PixelFormat format = opts.format.fourcc == VGPU_FMT_XRGB8888
                                        ? *fbx::find_format(VGPU_FMT_ARGB8888)
                                        : opts.format;
    std::array<PlaneConfig, VGPU_NUM_PLANES> planes{};
    planes[VGPU_PLANE_CURSOR] = cursor_plane(device, opts, format, opts.pos_x, opts.pos_y, true);
    device.program_plane(VGPU_PLANE_CURSOR, planes[VGPU_PLANE_CURSOR]);
    device.commit(1u << VGPU_PLANE_CURSOR);
    const int rc = check_and_report(device, 1u << VGPU_PLANE_CURSOR, planes);
    hold(opts);
    return rc;
}

int animate_command(VgpuDevice& device, const Options& opts) {
    const auto [w, h] = opts.size.value_or(std::pair<std::uint32_t, std::uint32_t>{640, 480});
    AnimationOptions a;
    a.primary = make_plane(opts.format, opts.modifier, w, h, opts.offset.value_or(0));
    a.pattern = opts.pattern;
    a.duration = std::chrono::seconds(opts.seconds);
    a.fps = static_cast<double>(opts.fps);
    a.cursor = opts.cursor;
    a.irq = opts.irq;
    a.stop = [] { return stop_requested != 0; };
    stop_on_signals();
    const AnimationResult r = animate(device, a);
    std::cout << "animated " << describe(a.primary) << ": " << r.frames << " frames in "
              << std::fixed << std::setprecision(2) << r.seconds << " s ("
              << (r.seconds > 0 ? static_cast<double>(r.frames) / r.seconds : 0.0) << " fps)";
    if (opts.irq) {
        std::cout << ", " << r.interrupts << " flip-done interrupts, " << r.missed_interrupts
                  << " missed";
    }
    std::cout << '\n';
    if (device.plane_status(VGPU_PLANE_PRIMARY) != VGPU_PLANE_OK) {
        std::cerr << "vgpu-guest: "
                  << device.context("primary plane rejected: " +
                                    plane_status_name(device.plane_status(VGPU_PLANE_PRIMARY)))
                  << '\n';
        return cli::exit_failure;
    }
    return r.missed_interrupts == 0 ? cli::exit_ok : cli::exit_failure;
}

int paint_command(VgpuDevice& device, const Options& opts) {
    const auto [w, h] = opts.size.value_or(std::pair<std::uint32_t, std::uint32_t>{640, 480});
    PaintOptions p;
    p.primary = make_plane(opts.format, opts.modifier, w, h, opts.offset.value_or(0));
    p.memory = opts.memory;
    p.pattern = opts.pattern;
    p.square = opts.square;
    p.post_damage = opts.post_damage;
    p.duration = std::chrono::seconds(opts.seconds);
    p.fps = static_cast<double>(opts.fps);
    p.stop = [] { return stop_requested != 0; };
    stop_on_signals();
    Painter painter(device, p);
    const PaintResult r = painter.run();
    std::cout << "painted " << describe(painter.plane()) << " in "
              << (opts.memory == SurfaceMemory::gtt ? "GTT" : "VRAM") << ": " << r.frames
              << " squares in " << std::fixed << std::setprecision(2) << r.seconds << " s, "
              << r.damage_posts << " damage posts, " << r.mode_changes
              << " mode changes, device counted " << device.read_reg(VGPU_REG_DAMAGE_COUNT) << '\n';
    return cli::exit_ok;
}

std::string describe_event(const vgpu_event& e) {
    std::ostringstream text;
    text << e.seq << ' ' << event_type_name(e.type) << " plane " << e.plane << " id "
         << e.dmabuf_id;
    switch (e.type) {
        case VGPU_EVENT_DAMAGE:
            for (std::uint32_t i = 0; i < e.count && i < VGPU_EVENT_MAX_RECTS; i++) {
                const vgpu_rect& r = e.u.rects[i];
                text << ' ' << r.width << 'x' << r.height << '+' << r.x << '+' << r.y;
            }
            break;
        case VGPU_EVENT_FLIP:
        case VGPU_EVENT_CURSOR_MOVE:
            text << " at " << e.u.cursor.x << ',' << e.u.cursor.y << " hot " << e.u.cursor.hot_x
                 << ',' << e.u.cursor.hot_y;
            break;
        case VGPU_EVENT_MODE:
            text << ' ' << e.u.mode.width << 'x' << e.u.mode.height << ' '
                 << fbx::format_name(e.u.mode.format) << ' '
                 << fbx::modifier_name(e.u.mode.modifier) << " stride " << e.u.mode.stride;
            break;
        case VGPU_EVENT_INVALIDATE:
            text << " reason " << e.u.reason;
            break;
    }
    return text.str();
}

int events_command(const Options& opts) {
    DisplayDevice display(opts.device);
    stop_on_signals();
    // one line as soon as events are being collected, for whoever waits on it
    std::cout << "watching " << display.path() << std::endl;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(opts.seconds);
    std::uint64_t count = 0;
    while (stop_requested == 0 && std::chrono::steady_clock::now() < end &&
           (opts.count == 0 || count < opts.count)) {
        for (const vgpu_event& e : display.wait(std::chrono::milliseconds(100))) {
            std::cout << describe_event(e) << '\n';
            count++;
        }
        if (display.poll_events(std::chrono::milliseconds(0)) & POLLHUP) {
            std::cout << "vGPU " << opts.device << " removed\n";
            break;
        }
    }
    std::cout << count << " events\n";
    return cli::exit_ok;
}

int run(const Options& opts) {
    if (opts.command == "create") {
        MdevInstance instance(opts.type);
        std::cout << instance.release() << '\n';
        return cli::exit_ok;
    }
    if (opts.command == "remove") {
        remove_mdev(opts.device);
        std::cout << "removed " << opts.device << '\n';
        return cli::exit_ok;
    }
    if (opts.command == "events") {
        return events_command(opts);
    }
    VgpuDevice device(opts.device);
    if (opts.command == "paint") {
        return paint_command(device, opts);
    }
    if (opts.command == "info") {
        return info(device);
    }
    if (opts.command == "draw") {
        return draw(device, opts);
    }
    if (opts.command == "cursor") {
        return cursor(device, opts);
    }
    if (opts.command == "animate") {
        return animate_command(device, opts);
    }
    device.reset();
    std::cout << "vGPU " << device.uuid() << " reset\n";
    return cli::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    fbx::set_log_level(fbx::LogLevel::warn);
    return cli::tool_main<Options>(
        "vgpu-guest", argc, argv, parse, [] { return std::string(usage_text); }, run);
}
