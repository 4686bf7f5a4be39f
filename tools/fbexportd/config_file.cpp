#include "config_file.hpp"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <sstream>
#include <vector>

#include "command_line.hpp"
#include "encoders/stream_pipelines.hpp"
#include "encoders/video_encoder_choice.hpp"
#include "fbexport/vgpu_locator.hpp"
#include "rtsp_mount_plan.hpp"

namespace fbx {
namespace {

constexpr const char* uuid_example = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
constexpr std::uint16_t default_vnc_port = 5900;
constexpr std::int64_t max_fps = 120;

std::string type_name(const toml::node& node) {
    std::ostringstream out;
    out << node.type();
    return out.str();
}

std::string joined(std::initializer_list<std::string_view> words) {
    std::string text;
    for (const std::string_view w : words) {
        text += (text.empty() ? "" : ", ") + std::string(w);
    }
    return text;
}

bool is_wildcard(const ListenAddress& a) {
    return a.host == "0.0.0.0" || a.host == "::";
}

// A TCP port some entry listens on, to catch two entries on one port at load
// rather than as a bind failure halfway through starting (or reloading).
struct Listener {
    ListenAddress address;
    std::string what;
    toml::source_position where;
};

// Walks the parsed document; every mistake it finds is thrown as a
// ConfigError at the key or value concerned.
class ConfigReader {
public:
    ConfigReader(std::string_view file, const SecretReader& read_secret)
        : file_(file), read_secret_(read_secret) {}

    ServiceConfig read(const toml::table& root);

private:
    [[noreturn]] void fail(const toml::source_region& where, const std::string& reason) const {
        throw ConfigError(file_, where.begin.line, where.begin.column, reason);
    }

    void check_keys(const toml::table& table, std::string_view name,
                    std::initializer_list<std::string_view> allowed) const;
    const toml::table& table_of(const toml::node& node, std::string_view name) const;
    std::string string_of(const toml::node& node, std::string_view name) const;
    std::int64_t integer_of(const toml::node& node, std::string_view name, std::int64_t min,
                            std::int64_t max) const;
    bool bool_of(const toml::node& node, std::string_view name) const;

    ListenAddress address_of(const toml::table& table, std::string_view name,
                             std::optional<std::uint16_t> default_port) const;
    std::string secret_of(const toml::node& node, std::string_view name) const;
    void claim(const ListenAddress& address, std::string what, const toml::node& where);
    void share_rtsp(const ListenAddress& address, const std::optional<RtspCredentials>& credentials,
                    const toml::node& where);
    void mount(const toml::table& table, const DisplayConfig& display);

    void read_display(const toml::table& table, ServiceConfig& config);
    void read_source(const toml::table& table, DisplayConfig& display);
    void read_vnc(const toml::table& table, ListenAddress& address,
                  std::optional<std::string>& password, std::string_view name);
    void read_streams(const toml::table& table, DisplayConfig& display);
    void read_all_vgpus(const toml::table& table, ServiceConfig& config);
    void read_security(const toml::table& table, NetworkPolicy& network);
    std::string path_of(const toml::node& node, std::string_view name) const;
    std::string readable_file_of(const toml::node& node, std::string_view name) const;

    std::string file_;
    const SecretReader& read_secret_;
    std::vector<Listener> listeners_;
    std::vector<std::pair<std::string, toml::source_position>> uuids_;  // lower case
    std::optional<toml::source_position> all_vgpus_at_;
    // Displays on one RTSP address share its server, so its credentials,
    // and each needs a mount of its own there.
    std::map<std::string, std::pair<std::optional<RtspCredentials>, toml::source_position>>
        rtsp_shared_;  // by address
    RtspMountPlan mounts_;
    std::vector<toml::source_position> displays_at_;  // each listed display's
};

void ConfigReader::check_keys(const toml::table& table, std::string_view name,
                              std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, node] : table) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
            fail(key.source(), "unknown key '" + std::string(key.str()) + "' in " +
                                   std::string(name) + "; expected " + joined(allowed));
        }
    }
}

const toml::table& ConfigReader::table_of(const toml::node& node, std::string_view name) const {
    if (const toml::table* t = node.as_table()) {
        return *t;
    }
    fail(node.source(), std::string(name) + " must be a table, not " + type_name(node));
}

std::string ConfigReader::string_of(const toml::node& node, std::string_view name) const {
    if (const auto* s = node.as_string()) {
        return s->get();
    }
    fail(node.source(), std::string(name) + " must be a string, not " + type_name(node));
}

std::int64_t ConfigReader::integer_of(const toml::node& node, std::string_view name,
                                      std::int64_t min, std::int64_t max) const {
    const auto* i = node.as_integer();
    if (!i) {
        fail(node.source(), std::string(name) + " must be an integer, not " + type_name(node));
    }
    if (i->get() < min || i->get() > max) {
        fail(node.source(), std::string(name) + " must be " + std::to_string(min) + " to " +
                                std::to_string(max) + ", not " + std::to_string(i->get()));
    }
    return i->get();
}

bool ConfigReader::bool_of(const toml::node& node, std::string_view name) const {
    if (const auto* b = node.as_boolean()) {
        return b->get();
    }
    fail(node.source(), std::string(name) + " must be true or false, not " + type_name(node));
}

// { address = "...", port = N }: the address numeric IPv4 or IPv6 (no
// brackets needed) or localhost, loopback when left out.
ListenAddress ConfigReader::address_of(const toml::table& table, std::string_view name,
                                       std::optional<std::uint16_t> default_port) const {
    std::uint16_t port = 0;
    if (const toml::node* node = table.get("port")) {
        port = static_cast<std::uint16_t>(integer_of(*node, std::string(name) + ".port", 1, 65535));
    } else if (default_port) {
        port = *default_port;
    } else {
        fail(table.source(), std::string(name) + " needs a port");
    }
    std::string host = "127.0.0.1";
    const toml::node* address = table.get("address");
    if (address) {
        host = string_of(*address, std::string(name) + ".address");
        if (host.empty()) {
            fail(address->source(), std::string(name) + ".address is empty");
        }
    }
    const bool bare_ipv6 = host.find(':') != std::string::npos && host.front() != '[';
    try {
        return parse_listen_address((bare_ipv6 ? "[" + host + "]" : host) + ":" +
                                    std::to_string(port));
    } catch (const Error&) {
        fail(address->source(), std::string(name) + ".address '" + host +
                                    "' is not a numeric IPv4 or IPv6 address, nor localhost");
    }
}

// A file named in the configuration: relative to the configuration file,
// not to wherever the service runs.
std::string ConfigReader::path_of(const toml::node& node, std::string_view name) const {
    std::string path = string_of(node, name);
    if (path.empty()) {
        fail(node.source(), std::string(name) + " is empty");
    }
    const auto slash = file_.rfind('/');
    if (path.front() != '/' && slash != std::string::npos) {
        path = file_.substr(0, slash + 1) + path;
    }
    return path;
}

std::string ConfigReader::secret_of(const toml::node& node, std::string_view name) const {
    const std::string path = path_of(node, name);
    try {
        return read_secret_(path);
    } catch (const std::exception& e) {
        fail(node.source(), std::string(name) + ": " + e.what());
    }
}

// A certificate or key is checked at load too, so that a missing or
// unreadable one is the configuration's mistake, at its line, rather than a
// failure while serving (after a reload has stopped what ran).
std::string ConfigReader::readable_file_of(const toml::node& node, std::string_view name) const {
    std::string path = path_of(node, name);
    // access(), not open(): a name the file gives must not block the
    // service (a FIFO) or read a device.
    if (::access(path.c_str(), R_OK) != 0) {
        fail(node.source(),
             std::string(name) + ": cannot read " + path + ": " + std::strerror(errno));
    }
    return path;
}

// [security]: limits and encryption for every display (NetworkPolicy).
void ConfigReader::read_security(const toml::table& table, NetworkPolicy& network) {
    check_keys(table, "security",
               {"vnc_max_clients", "vnc_auth_failures", "vnc_auth_failure_window", "vnc_auth_block",
                "https_certificate", "https_key"});
    constexpr std::int64_t day = 24 * 3600;
    if (const toml::node* node = table.get("vnc_max_clients")) {
        network.vnc_max_clients =
            static_cast<std::uint32_t>(integer_of(*node, "security.vnc_max_clients", 1, 4096));
    }
    if (const toml::node* node = table.get("vnc_auth_failures")) {
        network.vnc_auth_failure_limit =
            static_cast<std::uint32_t>(integer_of(*node, "security.vnc_auth_failures", 0, 1000));
    }
    if (const toml::node* node = table.get("vnc_auth_failure_window")) {
        network.vnc_auth_failure_window =
            std::chrono::seconds(integer_of(*node, "security.vnc_auth_failure_window", 1, day));
    }
    if (const toml::node* node = table.get("vnc_auth_block")) {
        network.vnc_auth_block =
            std::chrono::seconds(integer_of(*node, "security.vnc_auth_block", 0, day));
    }
    const toml::node* cert = table.get("https_certificate");
    const toml::node* key = table.get("https_key");
    if (cert && !key) {
        fail(cert->source(), "security.https_certificate needs its private key: add https_key");
    }
    if (key && !cert) {
        fail(key->source(), "security.https_key needs its certificate: add https_certificate");
    }
    if (cert) {
        network.https = WebTls{readable_file_of(*cert, "security.https_certificate"),
                               readable_file_of(*key, "security.https_key")};
    }
}

void ConfigReader::claim(const ListenAddress& address, std::string what, const toml::node& where) {
    for (const Listener& l : listeners_) {
        if (what == "RTSP" && l.what == "RTSP" && l.address == address) {
            continue;  // one server, a mount each (share_rtsp, mount)
        }
        if (l.address.port == address.port &&
            (l.address.host == address.host || is_wildcard(l.address) || is_wildcard(address))) {
            fail(where.source(), what + " port " + std::to_string(address.port) +
                                     " is already taken by the " + l.what + " listener at line " +
                                     std::to_string(l.where.line) + ", column " +
                                     std::to_string(l.where.column));
        }
    }
    listeners_.push_back({address, std::move(what), where.source().begin});
}

void ConfigReader::share_rtsp(const ListenAddress& address,
                              const std::optional<RtspCredentials>& credentials,
                              const toml::node& where) {
    const auto [it, first] =
        rtsp_shared_.try_emplace(address.to_string(), credentials, where.source().begin);
    if (!first && it->second.first != credentials) {
        fail(where.source(),
             "RTSP on " + address.to_string() +
                 " is served already, with other credentials, as line " +
                 std::to_string(it->second.second.line) +
                 " says; displays sharing an RTSP address share its credentials_file");
    }
}

// The display's mount on its RTSP server, refused here when another display
// on the address has it already.
void ConfigReader::mount(const toml::table& table, const DisplayConfig& display) {
    const toml::node* where = &table;
    if (const toml::table* streams = table["streams"].as_table()) {
        if (const toml::table* rtsp = (*streams)["rtsp"].as_table()) {
            where = rtsp->get("path") ? rtsp->get("path") : rtsp;
        }
    }
    displays_at_.push_back(table.source().begin);
    try {
        mounts_.add(display);
    } catch (const RtspMountError& e) {
        if (!e.other()) {
            fail(where->source(), std::string("streams.rtsp.path: ") + e.what());
        }
        fail(where->source(), "RTSP mount " + e.path() + " on " +
                                  display.streams.rtsp->to_string() +
                                  " is already the display's at line " +
                                  std::to_string(displays_at_.at(*e.other()).line) +
                                  "; give one of them its own streams.rtsp.path");
    }
}

void ConfigReader::read_source(const toml::table& table, DisplayConfig& display) {
    const toml::node* vgpu = table.get("vgpu");
    const toml::node* demo = table.get("demo");
    if (vgpu && demo) {
        fail(demo->source(), "a display is either a vgpu or the demo, not both");
    }
    if (demo) {
        if (!bool_of(*demo, "demo")) {
            fail(demo->source(), "demo = false serves nothing; remove the display or name a vgpu");
        }
        display.source = {};
        return;
    }
    const std::string uuid = string_of(*vgpu, "vgpu");
    if (!is_uuid(uuid)) {
        fail(vgpu->source(),
             "vgpu '" + uuid + "' is not a vGPU UUID (like " + uuid_example + ") nor \"all\"");
    }
    std::string lower = uuid;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [seen, where] : uuids_) {
        if (seen == lower) {
            fail(vgpu->source(), "vGPU " + uuid + " is already served by the display at line " +
                                     std::to_string(where.line));
        }
    }
    uuids_.emplace_back(lower, vgpu->source().begin);
    display.source = {cli::SourceSpec::Kind::vgpu, uuid};
}

void ConfigReader::read_vnc(const toml::table& table, ListenAddress& address,
                            std::optional<std::string>& password, std::string_view name) {
    check_keys(table, name, {"address", "port", "password_file"});
    address = address_of(table, name, default_vnc_port);
    if (const toml::node* node = table.get("password_file")) {
        password = secret_of(*node, std::string(name) + ".password_file");
    }
    if (!address.is_loopback() && !password) {
        const toml::node* where = table.get("address");
        fail(where->source(), "VNC off loopback (" + address.to_string() +
                                  ") requires a password: add " + std::string(name) +
                                  ".password_file");
    }
}

void ConfigReader::read_streams(const toml::table& table, DisplayConfig& display) {
    StreamOptions& streams = display.streams;
    check_keys(table, "streams", {"encoder", "record", "rtp", "rtsp", "fps", "pipeline"});
    std::optional<VideoCodec> forced_codec;
    if (const toml::node* node = table.get("encoder")) {
        const std::string name = string_of(*node, "streams.encoder");
        std::string names;
        for (const auto& c : encoder_candidates()) {
            if (c.element == name) {
                forced_codec = c.codec;
            }
            names += (names.empty() ? "" : ", ") + std::string(c.element);
        }
        if (!forced_codec) {
            fail(node->source(), "unknown encoder '" + name + "'; choose one of " + names);
        }
        streams.encoder = name;
    }
    if (const toml::node* node = table.get("record")) {
        const std::string path = string_of(*node, "streams.record");
        try {
            const Container container = container_for(path);
            if (forced_codec) {
                check_container_holds(container, *forced_codec, path);
            }
        } catch (const Error& e) {
            fail(node->source(), std::string("streams.record: ") + e.what());
        }
        streams.record = path;
    }
    if (const toml::node* node = table.get("rtp")) {
        const toml::table& rtp = table_of(*node, "streams.rtp");
        check_keys(rtp, "streams.rtp", {"address", "port"});
        const ListenAddress to = address_of(rtp, "streams.rtp", std::nullopt);
        streams.rtp = RtpDestination{to.host, to.port};
    }
    if (const toml::node* node = table.get("rtsp")) {
        const toml::table& rtsp = table_of(*node, "streams.rtsp");
        check_keys(rtsp, "streams.rtsp", {"address", "port", "credentials_file", "path"});
        streams.rtsp = address_of(rtsp, "streams.rtsp", std::nullopt);
        claim(*streams.rtsp, "RTSP", rtsp.get("port") ? *rtsp.get("port") : *node);
        if (const toml::node* path = rtsp.get("path")) {
            display.rtsp_path = string_of(*path, "streams.rtsp.path");
            try {
                RtspMountPlan::check_path(*display.rtsp_path);
            } catch (const Error& e) {
                fail(path->source(), std::string("streams.rtsp.path: ") + e.what());
            }
        }
        if (const toml::node* file = rtsp.get("credentials_file")) {
            const std::string line = secret_of(*file, "streams.rtsp.credentials_file");
            const auto colon = line.find(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == line.size()) {
                fail(file->source(),
                     "streams.rtsp.credentials_file: the first line must be USER:PASSWORD");
            }
            streams.rtsp_credentials =
                RtspCredentials{line.substr(0, colon), line.substr(colon + 1)};
        } else if (!streams.rtsp->is_loopback()) {
            fail(rtsp.get("address")->source(),
                 "RTSP off loopback (" + streams.rtsp->to_string() +
                     ") requires a user and password: add streams.rtsp.credentials_file");
        }
        const toml::node* file = rtsp.get("credentials_file");
        share_rtsp(*streams.rtsp, streams.rtsp_credentials, file ? *file : *node);
    }
    if (const toml::node* node = table.get("fps")) {
        streams.fps = static_cast<std::uint32_t>(integer_of(*node, "streams.fps", 1, max_fps));
    }
    if (const toml::node* node = table.get("pipeline")) {
        const std::string tail = string_of(*node, "streams.pipeline");
        if (tail.find_first_not_of(" \t\n") == std::string::npos) {
            fail(node->source(),
                 "streams.pipeline is empty; give what follows the raw video, e.g. "
                 "'videoconvert ! autovideosink'");
        }
        streams.pipeline_tail = tail;
    }
    if (streams.encoder && !streams.encoded()) {
        fail(table.get("encoder")->source(),
             "streams.encoder: no stream to encode; add record, rtp or rtsp");
    }
}

void ConfigReader::read_all_vgpus(const toml::table& table, ServiceConfig& config) {
    const toml::node& vgpu = *table.get("vgpu");
    if (all_vgpus_at_) {
        fail(vgpu.source(),
             "vgpu = \"all\" is already given at line " + std::to_string(all_vgpus_at_->line));
    }
    all_vgpus_at_ = vgpu.source().begin;
    for (const auto& [key, node] : table) {
        if (key.str() == "http") {
            fail(key.source(),
                 "http is not available with vgpu = \"all\"; list the vGPUs by UUID to give "
                 "each its own web server");
        }
    }
    check_keys(table, "a display with vgpu = \"all\"", {"vgpu", "vnc", "streams"});
    AllVgpusConfig all;
    if (const toml::node* node = table.get("vnc")) {
        read_vnc(table_of(*node, "vnc"), all.vnc_base, all.vnc_password, "vnc");
    }
    if (const toml::node* node = table.get("streams")) {
        const toml::table& streams = table_of(*node, "streams");
        for (const auto& [key, value] : streams) {
            if (key.str() != "rtsp") {
                fail(key.source(), "streams." + std::string(key.str()) +
                                       " is not available with vgpu = \"all\" (only rtsp, a "
                                       "mount per vGPU); list the vGPUs by UUID");
            }
        }
        const toml::node& rtsp_node = *streams.get("rtsp");
        const toml::table& rtsp = table_of(rtsp_node, "streams.rtsp");
        if (const toml::node* path = rtsp.get("path")) {
            fail(path->source(),
                 "streams.rtsp.path is not available with vgpu = \"all\": each vGPU is "
                 "mounted at /vgpu/UUID; list the vGPUs by UUID to give one a path");
        }
        check_keys(rtsp, "streams.rtsp with vgpu = \"all\"", {"address", "port"});
        all.rtsp = address_of(rtsp, "streams.rtsp", std::nullopt);
        if (!all.rtsp->is_loopback()) {
            fail(rtsp.get("address")->source(),
                 "RTSP off loopback needs credentials, which vgpu = \"all\" does not take; "
                 "listen on loopback or list the vGPUs by UUID");
        }
        claim(*all.rtsp, "RTSP", *rtsp.get("port"));
        share_rtsp(*all.rtsp, std::nullopt, rtsp_node);
    }
    config.all_vgpus = all;
}

void ConfigReader::read_display(const toml::table& table, ServiceConfig& config) {
    const toml::node* vgpu = table.get("vgpu");
    if (!vgpu && !table.get("demo")) {
        fail(table.source(), "a display needs vgpu = \"UUID\" (or \"all\") or demo = true");
    }
    if (vgpu && vgpu->value<std::string>() == "all") {
        if (const toml::node* demo = table.get("demo")) {
            fail(demo->source(), "a display is either a vgpu or the demo, not both");
        }
        read_all_vgpus(table, config);
        return;
    }
    check_keys(table, "display", {"vgpu", "demo", "vnc", "http", "streams"});
    DisplayConfig display;
    read_source(table, display);
    display.vnc.desktop_name = desktop_name_for(display.source);
    const toml::node* vnc = table.get("vnc");
    if (vnc) {
        read_vnc(table_of(*vnc, "vnc"), display.vnc.address, display.vnc.password, "vnc");
        const toml::node* port = table_of(*vnc, "vnc").get("port");
        claim(display.vnc.address, "VNC", port ? *port : *vnc);
    } else {
        claim(display.vnc.address, "VNC", table);
    }
    if (const toml::node* node = table.get("http")) {
        const toml::table& http = table_of(*node, "http");
        check_keys(http, "http", {"address", "port"});
        display.http = address_of(http, "http", std::nullopt);
        if (!display.http->is_loopback() && !display.vnc.password) {
            fail(http.get("address")->source(),
                 "http off loopback (" + display.http->to_string() +
                     ") requires a VNC password: add vnc.password_file");
        }
        claim(*display.http, "http", *http.get("port"));
    }
    if (const toml::node* node = table.get("streams")) {
        read_streams(table_of(*node, "streams"), display);
    }
    mount(table, display);
    config.displays.push_back(std::move(display));
}

ServiceConfig ConfigReader::read(const toml::table& root) {
    check_keys(root, "the top level", {"convert", "security", "display"});
    ServiceConfig config;
    if (const toml::node* node = root.get("security")) {
        read_security(table_of(*node, "security"), config.network);
    }
    if (const toml::node* node = root.get("convert")) {
        const std::string mode = string_of(*node, "convert");
        const auto parsed = parse_convert_mode(mode);
        if (!parsed) {
            fail(node->source(), "convert must be auto, cpu or gl, not '" + mode + "'");
        }
        config.convert = *parsed;
    }
    const toml::node* displays = root.get("display");
    if (!displays) {
        throw ConfigError(file_, 1, 1,
                          "no [[display]]: nothing to serve; add one with vgpu = \"UUID\", "
                          "vgpu = \"all\" or demo = true");
    }
    const toml::array* list = displays->as_array();
    if (!list) {
        fail(displays->source(), "display must be an array of tables: write [[display]]");
    }
    for (const toml::node& entry : *list) {
        read_display(table_of(entry, "each display"), config);
    }
    if (list->empty()) {
        fail(displays->source(), "display is empty: nothing to serve");
    }
    return config;
}

// A reason quotes the file's text (toml++'s "saw 'tru\n'"): control
// characters are escaped so an error stays one log line, and the file cannot
// forge others.
std::string printable(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
        } else {
            out += c;
        }
    }
    return out;
}

// Where TOML lets a string start, followed through the code: a key at the
// start of a line, after '.' in a key, after '{' or ',' in an inline table;
// a value right after '=', after an array's '[' or ','. Anywhere else toml++
// reads a quote as part of a bad bare value, and what follows it too.
class StringStarts {
public:
    bool here() const { return fresh_; }
    // A code character other than a blank or '#'.
    void code(char c);
    void string_closed() { fresh_ = false; }
    void newline() {
        if (open_.empty()) {  // a new line of keys, unless inside an array
            key_ = true;
            fresh_ = true;
        }
    }

private:
    std::vector<char> open_;  // the '[' arrays and '{' inline tables of the value read
    bool key_ = true;         // reading keys, not a value
    bool fresh_ = true;       // nothing read since the last place a token starts
};

void StringStarts::code(char c) {
    const bool was_fresh = fresh_;
    fresh_ = false;
    switch (c) {
        case '=':
            if (key_) {
                key_ = false;
                fresh_ = true;
            }
            break;
        case '.':
            fresh_ = key_;
            break;
        case '[':
            if (was_fresh && key_ && open_.empty()) {
                fresh_ = true;  // a table header's name follows
            } else if (was_fresh && !key_) {
                open_.push_back('[');
                fresh_ = true;
            }
            break;
        case '{':
            if (was_fresh && !key_) {
                open_.push_back('{');
                key_ = true;
                fresh_ = true;
            }
            break;
        case ',':
            if (!open_.empty()) {
                key_ = open_.back() == '{';
                fresh_ = true;
            }
            break;
        case ']':
            if (!open_.empty() && open_.back() == '[') {
                open_.pop_back();
            }
            break;
        case '}':
            if (!open_.empty() && open_.back() == '{') {
                open_.pop_back();
                key_ = false;
            }
            break;
        default:
            break;
    }
}

// toml++ 3.3.0 (Debian 12's) reaches __builtin_unreachable() when it asks
// whether a non-ASCII character is whitespace, which it does between tokens
// and after a line-ending backslash in a """ string (marzer/tomlplusplus
// issues 190 and 295, fixed upstream later): undefined behaviour from a
// typo. So non-ASCII characters are refused before toml++ sees them, except
// in comments and in "..." and '...' (and '''...''') strings that open
// where TOML lets a string start (StringStarts), where it never asks.
// Columns count characters, as toml++'s do.
void check_characters(std::string_view text, std::string_view file) {
    enum class In { code, comment, basic, literal, multi_basic, multi_literal };
    In in = In::code;
    std::uint32_t line = 1;
    std::uint32_t column = 0;
    int continuation = 0;  // bytes still to come of a UTF-8 sequence
    StringStarts starts;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xc0) == 0x80 && continuation > 0) {
            --continuation;  // the rest of a character already counted
        } else {
            ++column;  // a character, or a byte that is none (counted as one)
            continuation = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        }
        const auto ahead = [&](std::string_view s) { return text.substr(i, s.size()) == s; };
        // The closing delimiter of a multi-line string, and the one or two
        // quotes before it that belong to the string ("""a""""" is 'a""').
        const auto skip_closing = [&](char quote) {
            std::size_t n = 3;
            while (n < 5 && i + n < text.size() && text[i + n] == quote) {
                ++n;
            }
            i += n - 1;
            column += static_cast<std::uint32_t>(n - 1);
        };
        if (c == '\n') {
            ++line;
            column = 0;
            if (in == In::comment || in == In::basic || in == In::literal) {
                if (in != In::comment) {
                    starts.string_closed();
                }
                in = In::code;  // a single-line string left open: toml++ says so
            }
            starts.newline();
            continue;
        }
        if (c >= 0x80 && (in == In::code || in == In::multi_basic)) {
            throw ConfigError(std::string(file), line, column,
                              in == In::code
                                  ? "a non-ASCII character outside a string or comment"
                                  : "a non-ASCII character in a \"\"\" string; write it in a "
                                    "\"...\" or '...' string");
        }
        switch (in) {
            case In::code:
                if (c == ' ' || c == '\t') {
                    break;
                }
                if (c == '#') {
                    in = In::comment;
                    break;
                }
                if ((c == '"' || c == '\'') && !starts.here()) {
                    starts.code(static_cast<char>(c));  // not a string: part of a bad value
                    break;
                }
                starts.code(static_cast<char>(c));
                if (ahead("\"\"\"")) {
                    in = In::multi_basic;
                    i += 2;
                    column += 2;
                } else if (ahead("'''")) {
                    in = In::multi_literal;
                    i += 2;
                    column += 2;
                } else if (c == '"') {
                    in = In::basic;
                } else if (c == '\'') {
                    in = In::literal;
                }
                break;
            case In::basic:
            case In::multi_basic:
                if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
                    ++i;  // an escaped character, never the end
                    ++column;
                } else if (in == In::basic && c == '"') {
                    in = In::code;
                    starts.string_closed();
                } else if (in == In::multi_basic && ahead("\"\"\"")) {
                    in = In::code;
                    starts.string_closed();
                    skip_closing('"');
                }
                break;
            case In::literal:
                if (c == '\'') {
                    in = In::code;
                    starts.string_closed();
                }
                break;
            case In::multi_literal:
                if (ahead("'''")) {
                    in = In::code;
                    starts.string_closed();
                    skip_closing('\'');
                }
                break;
            case In::comment:
                break;
        }
    }
}

}  // namespace

ConfigError::ConfigError(std::string file, std::uint32_t line, std::uint32_t column,
                         std::string reason)
    : Error(printable(file) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
            printable(reason)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      reason_(printable(reason)) {}

ServiceConfig parse_config(std::string_view text, std::string_view file,
                           const SecretReader& read_secret) {
    check_characters(text, file);
    toml::table root;
    try {
        root = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        throw ConfigError(std::string(file), e.source().begin.line, e.source().begin.column,
                          std::string(e.description()));
    }
    return ConfigReader(file, read_secret).read(root);
}

ServiceConfig load_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        const int err = errno;
        throw ConfigError(path, 0, 0, std::string("cannot read the file: ") + std::strerror(err));
    }
    return parse_config(text.str(), path, [](const std::string& secret_path) {
        return cli::read_secret_file("password file", secret_path);
    });
}

ServiceConfig apply_overrides(ServiceConfig config, const ConfigOverrides& overrides) {
    const ConfigOverrides& o = overrides;
    if (o.convert) {
        config.convert = *o.convert;
    }
    if (config.displays.empty() &&
        (o.vnc || o.http || o.record || o.rtp || o.rtsp || o.pipeline_tail)) {
        DisplayConfig demo;
        demo.vnc.desktop_name = desktop_name_for(demo.source);
        config.displays.push_back(demo);
    }
    if (!config.displays.empty()) {
        DisplayConfig& first = config.displays.front();
        const auto replace = [](auto& value, const auto& given) {
            if (given) {
                value = given;
            }
        };
        if (o.vnc) {
            first.vnc.address = *o.vnc;
        }
        replace(first.http, o.http);
        replace(first.streams.record, o.record);
        replace(first.streams.rtp, o.rtp);
        replace(first.streams.rtsp, o.rtsp);
        replace(first.rtsp_path, o.rtsp_path);
        replace(first.streams.pipeline_tail, o.pipeline_tail);
    }
    for (DisplayConfig& d : config.displays) {
        if (o.vnc_password) {
            d.vnc.password = o.vnc_password;
        }
        if (o.encoder && d.streams.encoded()) {
            d.streams.encoder = o.encoder;
        }
        if (o.rtsp_credentials && d.streams.rtsp) {
            d.streams.rtsp_credentials = o.rtsp_credentials;
        }
        if (o.stream_fps) {
            d.streams.fps = *o.stream_fps;
        }
    }
    if (config.all_vgpus && o.vnc_password) {
        config.all_vgpus->vnc_password = o.vnc_password;
    }
    return config;
}

std::string desktop_name_for(const cli::SourceSpec& source) {
    return source.kind == cli::SourceSpec::Kind::demo ? "fbexport demo"
                                                      : "fbexport vGPU " + source.uuid;
}

}  // namespace fbx
