#include "config_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "rtsp_mount_plan.hpp"

namespace fbx {
namespace {

constexpr const char* uuid_a = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
constexpr const char* uuid_b = "6f1c1e34-1a4e-4f9b-9d0c-2b7d8e1f0a55";

// Secret files by path, as the file system would give them; a path that is
// not there fails the way cli::read_secret_file does.
class Secrets {
public:
    Secrets& add(const std::string& path, const std::string& first_line) {
        files_[path] = first_line;
        return *this;
    }
    SecretReader reader() const {
        return [this](const std::string& path) {
            const auto it = files_.find(path);
            if (it == files_.end()) {
                throw Error("cannot read " + path + ": No such file or directory");
            }
            return it->second;
        };
    }

private:
    std::map<std::string, std::string> files_;
};

ServiceConfig parse(const std::string& text, const Secrets& secrets = {}) {
    return parse_config(text, "/etc/fbexport/fbexportd.toml", secrets.reader());
}

TEST(ConfigFile, ReadsEveryKey) {
    Secrets secrets;
    secrets.add("/etc/fbexport/vnc-a", "pass-a")
        .add("/etc/fbexport/vnc-all", "pass-all")
        .add("/etc/fbexport/rtsp", "viewer:secret");
    const ServiceConfig config = parse(std::string(R"(
convert = "cpu"

[[display]]
vgpu = ")") + uuid_a + R"("
vnc = { address = "0.0.0.0", port = 5901, password_file = "vnc-a" }
http = { address = "0.0.0.0", port = 6080 }
[display.streams]
encoder = "x264enc"
record = "/var/lib/fbexport/a.mkv"
rtp = { address = "239.1.2.3", port = 5004 }
rtsp = { address = "::", port = 8554, credentials_file = "/etc/fbexport/rtsp" }
fps = 15
pipeline = "videoconvert ! fakesink"

[[display]]
demo = true
vnc.port = 5902

[[display]]
vgpu = "all"
vnc = { address = "::1", port = 5910, password_file = "/etc/fbexport/vnc-all" }
streams.rtsp = { port = 8555 }
)",
                                       secrets);
    EXPECT_EQ(config.convert, ConvertMode::cpu);
    ASSERT_EQ(config.displays.size(), 2u);

    const DisplayConfig& a = config.displays[0];
    EXPECT_EQ(a.source, (cli::SourceSpec{cli::SourceSpec::Kind::vgpu, uuid_a}));
    EXPECT_EQ(a.vnc.address, (ListenAddress{"0.0.0.0", 5901, false}));
    EXPECT_EQ(a.vnc.password, "pass-a");  // relative to the file's folder
    EXPECT_EQ(a.vnc.desktop_name, std::string("fbexport vGPU ") + uuid_a);
    EXPECT_EQ(a.http, (ListenAddress{"0.0.0.0", 6080, false}));
    EXPECT_EQ(a.streams.encoder, "x264enc");
    EXPECT_EQ(a.streams.record, "/var/lib/fbexport/a.mkv");
    EXPECT_EQ(a.streams.rtp, (RtpDestination{"239.1.2.3", 5004}));
    EXPECT_EQ(a.streams.rtsp, (ListenAddress{"::", 8554, true}));
    EXPECT_EQ(a.streams.rtsp_credentials, (RtspCredentials{"viewer", "secret"}));
    EXPECT_EQ(a.streams.fps, 15u);
    EXPECT_EQ(a.streams.pipeline_tail, "videoconvert ! fakesink");

    const DisplayConfig& demo = config.displays[1];
    EXPECT_EQ(demo.source.kind, cli::SourceSpec::Kind::demo);
    EXPECT_EQ(demo.vnc.address, (ListenAddress{"127.0.0.1", 5902, false}));
    EXPECT_FALSE(demo.vnc.password);
    EXPECT_EQ(demo.vnc.desktop_name, "fbexport demo");
    EXPECT_FALSE(demo.http);
    EXPECT_FALSE(demo.streams.any());

    ASSERT_TRUE(config.all_vgpus);
    EXPECT_EQ(config.all_vgpus->vnc_base, (ListenAddress{"::1", 5910, true}));
    EXPECT_EQ(config.all_vgpus->vnc_password, "pass-all");
    EXPECT_EQ(config.all_vgpus->rtsp, (ListenAddress{"127.0.0.1", 8555, false}));
}

TEST(ConfigFile, NonAsciiInCommentsAndStringsIsFine) {
    const ServiceConfig config = parse(
        "# Büro, café\n[[display]] # Écran\ndemo = true\nstreams.pipeline = "
        "'videoconvert ! textoverlay text=\"Grüße\" ! fakesink'\n");
    ASSERT_EQ(config.displays.size(), 1u);
    EXPECT_EQ(config.displays[0].streams.pipeline_tail,
              "videoconvert ! textoverlay text=\"Grüße\" ! fakesink");
    // A string opening after '{', ',' or '=' in an inline table, with blanks.
    const ServiceConfig inline_table = parse(
        "[[display]]\ndemo = true\nstreams = { fps = 10,\t pipeline =  \"fakesink name=Grüße\" "
        "}\n");
    ASSERT_EQ(inline_table.displays.size(), 1u);
    EXPECT_EQ(inline_table.displays[0].streams.pipeline_tail, "fakesink name=Grüße");
    // And after a string, an array, a dotted key and a comment, in a value
    // that spans lines.
    const ServiceConfig spread = parse(
        "[[display]] # é\n\"demo\" = true\nstreams.record = 'ü.mkv'\n"
        "streams . pipeline = \"fakesink name=ß\"\n");
    ASSERT_EQ(spread.displays.size(), 1u);
    EXPECT_EQ(spread.displays[0].streams.pipeline_tail, "fakesink name=ß");
}

TEST(ConfigFile, DefaultsMatchTheCommandLine) {
    const ServiceConfig config = parse("[[display]]\ndemo = true\n");
    ASSERT_EQ(config.displays.size(), 1u);
    EXPECT_EQ(config.convert, ConvertMode::automatic);
    EXPECT_FALSE(config.all_vgpus);
    DisplayConfig expected;
    expected.vnc.desktop_name = "fbexport demo";
    EXPECT_EQ(config.displays[0], expected);

    const ServiceConfig all = parse("[[display]]\nvgpu = \"all\"\n");
    EXPECT_TRUE(all.displays.empty());
    ASSERT_TRUE(all.all_vgpus);
    EXPECT_EQ(*all.all_vgpus, AllVgpusConfig{});
}

TEST(ConfigFile, SameFileSameConfigSoAReloadKeepsDisplays) {
    const std::string text = std::string("[[display]]\nvgpu = \"") + uuid_a +
                             "\"\nvnc.port = 5901\n[[display]]\nvgpu = \"" + uuid_b +
                             "\"\nvnc.port = 5902\n";
    EXPECT_EQ(parse(text), parse(text));
    EXPECT_EQ(parse(text).displays[0], parse(text + "[[display]]\ndemo = true\n").displays[0]);
}

// Where each mistake is reported: the line, the column of `at` on it (the
// key or value at fault), and words of the reason.
struct BadFile {
    const char* name;
    std::string text;
    std::uint32_t line;
    std::string at;
    std::string reason;
};

std::string display(const std::string& body) {
    return "[[display]]\n" + body;
}

const std::string vgpu_a = std::string("vgpu = \"") + uuid_a + "\"\n";

// Displays on one RTSP address, vgpu = "all" among them, share its server:
// no port clash, a mount each.
TEST(ConfigFile, DisplaysShareAnRtspAddressAMountEach) {
    const ServiceConfig config =
        parse(display("demo = true\nstreams.rtsp = { port = 8554 }\n") +
              display("demo = true\nvnc.port = 5901\nstreams.rtsp = { port = 8554, path = "
                      "\"/right\" }\n") +
              display("demo = true\nvnc.port = 5902\nstreams.rtsp = { port = 8554 }\n") +
              display(vgpu_a + "vnc.port = 5903\nstreams.rtsp = { port = 8554 }\n") +
              display("vgpu = \"all\"\nvnc.port = 5910\nstreams.rtsp = { port = 8554 }\n"));
    ASSERT_EQ(config.displays.size(), 4u);
    EXPECT_FALSE(config.displays[0].rtsp_path);
    EXPECT_EQ(config.displays[1].rtsp_path, "/right");
    EXPECT_EQ(RtspMountPlan::of(config),
              (std::vector<std::optional<std::string>>{"/desktop", "/right", "/desktop-2",
                                                       std::string("/vgpu/") + uuid_a}));
    ASSERT_TRUE(config.all_vgpus);
    EXPECT_EQ(config.all_vgpus->rtsp, config.displays[0].streams.rtsp);
}

std::vector<BadFile> bad_files() {
    return {
        {"TomlSyntax", display("demo = true\nvnc = { port = }\n"), 3, "}", "value"},
        {"UnterminatedString", display("vgpu = \"0b6b\n"), 2, "", ""},
        {"TruncatedValue", display("demo = tru\n"), 2, "", "expected 'true', saw 'tru\\n'"},
        // toml++ 3.3.0 has undefined behaviour for these (see check_characters).
        {"NonAsciiBetweenTokens", display("demo =\u00a7 true\n"), 2, "\u00a7",
         "a non-ASCII character outside a string or comment"},
        {"NonAsciiInMultiLineString",
         display("demo = true\nstreams.pipeline = \"\"\"\\\n\u00a7fakesink\"\"\"\n"), 4, "\u00a7",
         "a non-ASCII character in a \"\"\" string"},
        // A quote in the middle of a bare value opens no string: toml++ reads
        // on through it as part of the bad value (found by the fuzzer).
        {"NonAsciiAfterAQuoteInABareValue",
         display("demo = true\nvnc.port = 590x\"ab\u048bc = { port = 1 }\"\n"), 3, "\u048b",
         "a non-ASCII character outside a string or comment"},
        {"NonAsciiAfterABracketInABareValue", display("demo = true\nvnc.port = x[\"\u048b\"\n"), 3,
         "\u048b", "a non-ASCII character outside a string or comment"},
        {"NonAsciiAfterAnEqualsSignInABareValue", display("demo = true\nvnc.port = x=\"\u048b\"\n"),
         3, "\u048b", "a non-ASCII character outside a string or comment"},
        {"NonAsciiAfterADotInAValue", display("demo = true\nvnc.port = 1.\"\u048b\"\n"), 3,
         "\u048b", "a non-ASCII character outside a string or comment"},
        {"NonAsciiAfterMultiLineString",
         display("demo = true\nstreams.pipeline = '''fakesink'''''\u00e9\n"), 3, "\u00e9",
         "a non-ASCII character outside a string or comment"},
        {"DuplicateKey", display("demo = true\ndemo = true\n"), 3, "true", "cannot redefine"},
        {"UnknownTopLevelKey", "conver = \"cpu\"\n" + display("demo = true\n"), 1, "conver",
         "unknown key 'conver' in the top level; expected convert, security, display"},
        {"UnknownSecurityKey", "[security]\nvnc_max_client = 3\n" + display("demo = true\n"), 2,
         "vnc_max_client", "unknown key 'vnc_max_client' in security"},
        {"MaxClientsZero", "security.vnc_max_clients = 0\n" + display("demo = true\n"), 1, "0",
         "security.vnc_max_clients must be 1 to 4096, not 0"},
        {"AuthWindowZero", "security.vnc_auth_failure_window = 0\n" + display("demo = true\n"), 1,
         "0", "security.vnc_auth_failure_window must be 1 to 86400, not 0"},
        {"CertificateWithoutKey",
         "security.https_certificate = \"/etc/ssl/certs\"\n" + display("demo = true\n"), 1,
         "\"/etc/ssl/certs\"", "needs its private key: add https_key"},
        {"KeyWithoutCertificate", "security.https_key = \"k.pem\"\n" + display("demo = true\n"), 1,
         "\"k.pem\"", "needs its certificate: add https_certificate"},
        {"CertificateMissing",
         "[security]\nhttps_certificate = \"/etc/none.pem\"\nhttps_key = \"/etc/none.key\"\n" +
             display("demo = true\n"),
         2, "\"/etc/none.pem\"",
         "security.https_certificate: cannot read /etc/none.pem: No such file or directory"},
        {"UnknownDisplayKey", display("demo = true\nstream = {}\n"), 3, "stream",
         "unknown key 'stream' in display"},
        {"UnknownVncKey", display("demo = true\n[display.vnc]\npasword_file = \"x\"\n"), 4,
         "pasword_file",
         "unknown key 'pasword_file' in vnc; expected address, port, password_file"},
        {"UnknownStreamKey", display("demo = true\nstreams.fsp = 10\n"), 3, "fsp",
         "unknown key 'fsp' in streams"},
        {"PortNotInteger", display("demo = true\nvnc.port = \"5901\"\n"), 3, "\"5901\"",
         "vnc.port must be an integer, not string"},
        {"PortTooLarge", display("demo = true\nvnc.port = 70000\n"), 3, "70000",
         "vnc.port must be 1 to 65535, not 70000"},
        {"PortZero", display("demo = true\nhttp = { port = 0 }\n"), 3, "0",
         "http.port must be 1 to 65535, not 0"},
        {"HttpWithoutPort", display("demo = true\nhttp = { address = \"127.0.0.1\" }\n"), 3, "{",
         "http needs a port"},
        {"BadUuid", display("vgpu = \"0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5aZ\"\n"), 2, "\"0b6b",
         "is not a vGPU UUID"},
        {"VgpuNotString", display("vgpu = 5\n"), 2, "5", "vgpu must be a string, not integer"},
        {"DuplicateUuid", display(vgpu_a + "vnc.port = 5901\n") + display(vgpu_a), 5, "\"0b6b",
         "is already served by the display at line 2"},
        {"BadAddress", display("demo = true\nvnc.address = \"example.org\"\n"), 3,
         "\"example.org\"", "vnc.address 'example.org' is not a numeric IPv4 or IPv6 address"},
        {"VncOffLoopbackWithoutPassword", display("demo = true\nvnc.address = \"0.0.0.0\"\n"), 3,
         "\"0.0.0.0\"", "VNC off loopback (0.0.0.0:5900) requires a password"},
        {"HttpOffLoopbackWithoutPassword",
         display("demo = true\nhttp = { address = \"::\", port = 6080 }\n"), 3, "\"::\"",
         "http off loopback ([::]:6080) requires a VNC password"},
        {"RtspOffLoopbackWithoutCredentials",
         display("demo = true\nstreams.rtsp = { address = \"10.0.0.1\", port = 8554 }\n"), 3,
         "\"10.0.0.1\"", "RTSP off loopback (10.0.0.1:8554) requires a user and password"},
        {"SamePortTwice", display("demo = true\n") + display(vgpu_a), 3, "[[display]]",
         "VNC port 5900 is already taken by the VNC listener at line 1, column 1"},
        {"HttpOnVncPort", display("demo = true\nvnc.port = 5901\nhttp.port = 5901\n"), 4, "5901",
         "http port 5901 is already taken by the VNC listener at line 3, column 12"},
        {"WildcardOverlaps",
         display("demo = true\nvnc = { port = 5901 }\nstreams.rtsp = { address = \"::\", port = "
                 "5901, credentials_file = \"/c\" }\n"),
         4, "5901", "RTSP port 5901 is already taken by the VNC listener"},
        {"UnknownEncoder",
         display("demo = true\nstreams = { encoder = \"x265enc\", record = "
                 "\"a.mkv\" }\n"),
         3, "\"x265enc\"", "unknown encoder 'x265enc'; choose one of"},
        {"EncoderWithoutStream", display("demo = true\nstreams.encoder = \"x264enc\"\n"), 3,
         "\"x264enc\"", "no stream to encode"},
        {"RecordBadContainer", display("demo = true\nstreams.record = \"a.avi\"\n"), 3, "\"a.avi\"",
         "streams.record:"},
        {"RecordVp8InMp4",
         display("demo = true\nstreams = { encoder = \"vp8enc\", record = \"a.mp4\" }\n"), 3,
         "\"a.mp4\"", "streams.record:"},
        {"FpsTooHigh", display("demo = true\nstreams.fps = 500\n"), 3, "500",
         "streams.fps must be 1 to 120, not 500"},
        {"FpsNotInteger", display("demo = true\nstreams.fps = 2.5\n"), 3, "2.5",
         "streams.fps must be an integer, not floating-point"},
        {"EmptyPipeline", display("demo = true\nstreams.pipeline = \"  \"\n"), 3, "\"  \"",
         "streams.pipeline is empty"},
        {"DisplayWithoutSource", "convert = \"cpu\"\n" + display("vnc.port = 5901\n"), 2,
         "[[display]]", "a display needs vgpu = \"UUID\" (or \"all\") or demo = true"},
        {"VgpuAndDemo", display(vgpu_a + "demo = true\n"), 3, "true", "not both"},
        {"DemoFalse", display("demo = false\n"), 2, "false", "demo = false serves nothing"},
        {"NoDisplay", "convert = \"gl\"\n", 1, "convert", "no [[display]]: nothing to serve"},
        {"DisplayNotArray", "[display]\ndemo = true\n", 1, "[display]",
         "display must be an array of tables: write [[display]]"},
        {"DisplayEntryNotTable", "display = [1]\n", 1, "1", "each display must be a table"},
        {"AllWithHttp", display("vgpu = \"all\"\nhttp.port = 6080\n"), 3, "http",
         "http is not available with vgpu = \"all\""},
        {"AllWithRecord", display("vgpu = \"all\"\nstreams.record = \"a.mkv\"\n"), 3, "record",
         "streams.record is not available with vgpu = \"all\""},
        {"AllTwice", display("vgpu = \"all\"\n") + display("vgpu = \"all\"\n"), 4, "\"all\"",
         "vgpu = \"all\" is already given at line 2"},
        {"AllWithRtspCredentials",
         display("vgpu = \"all\"\nstreams.rtsp = { port = 8554, credentials_file = \"/c\" }\n"), 3,
         "credentials_file", "unknown key 'credentials_file'"},
        {"BadConvert", "convert = \"gpu\"\n" + display("demo = true\n"), 1, "\"gpu\"",
         "convert must be auto, cpu or gl, not 'gpu'"},
        {"PasswordFileMissing", display("demo = true\nvnc.password_file = \"/etc/none\"\n"), 3,
         "\"/etc/none\"", "vnc.password_file: cannot read /etc/none: No such file or directory"},
        {"RtspPathTwice",
         display("demo = true\nstreams.rtsp = { port = 8554, path = \"/x\" }\n") +
             display("demo = true\nvnc.port = 5901\nstreams.rtsp = { port = 8554, path = "
                     "\"/x\" }\n"),
         7, "\"/x\"",
         "RTSP mount /x on 127.0.0.1:8554 is already the display's at line 1; give one of them "
         "its own streams.rtsp.path"},
        {"RtspPathTakesALaterDemosDefault",
         display("demo = true\nstreams.rtsp = { port = 8554, path = \"/desktop\" }\n") +
             display("demo = true\nvnc.port = 5901\nstreams.rtsp = { port = 8554 }\n"),
         7, "{", "RTSP mount /desktop on 127.0.0.1:8554 is already the display's at line 1"},
        {"RtspPathUnsafe",
         display("demo = true\nstreams.rtsp = { port = 8554, path = \"/a?b\" }\n"), 3, "\"/a?b\"",
         "streams.rtsp.path: RTSP path '/a?b' may hold letters, digits"},
        {"RtspPathNotString", display("demo = true\nstreams.rtsp = { port = 8554, path = 1 }\n"), 3,
         "1 }", "streams.rtsp.path must be a string, not integer"},
        {"RtspPathUnderVgpu",
         display("demo = true\nstreams.rtsp = { port = 8554, path = \"/vgpu/x\" }\n"), 3,
         "\"/vgpu/x\"", "paths under /vgpu/ are the vGPUs' own"},
        {"RtspSharedWithOtherCredentials",
         display("demo = true\nstreams.rtsp = { port = 8554, credentials_file = \"/c\" }\n") +
             display(vgpu_a + "vnc.port = 5901\nstreams.rtsp = { port = 8554 }\n"),
         7, "{",
         "RTSP on 127.0.0.1:8554 is served already, with other credentials, as line 3 says"},
        {"RtspSharedOnTwoHosts",
         display("demo = true\nstreams.rtsp = { port = 8554 }\n") +
             display(vgpu_a + "vnc.port = 5901\nstreams.rtsp = { address = \"::\", port = 8554, "
                              "credentials_file = \"/c\" }\n"),
         7, "8554", "RTSP port 8554 is already taken by the RTSP listener at line 3"},
        {"AllWithRtspPath",
         display("vgpu = \"all\"\nstreams.rtsp = { port = 8554, path = \"/x\" }\n"), 3, "\"/x\"",
         "streams.rtsp.path is not available with vgpu = \"all\""},
        {"CredentialsWithoutColon",
         display("demo = true\nstreams.rtsp = { port = 8554, credentials_file = \"/nocolon\" }\n"),
         3, "\"/nocolon\"", "the first line must be USER:PASSWORD"},
    };
}

void PrintTo(const BadFile& bad, std::ostream* out) {
    *out << bad.name;
}

class ConfigFileError : public testing::TestWithParam<BadFile> {};

TEST_P(ConfigFileError, NamesLineColumnAndReason) {
    const BadFile& bad = GetParam();
    Secrets secrets;
    secrets.add("/c", "user:pw").add("/nocolon", "no-colon-secret");
    try {
        parse(bad.text, secrets);
        FAIL() << "accepted:\n" << bad.text;
    } catch (const ConfigError& e) {
        std::istringstream lines(bad.text);
        std::string line;
        for (std::uint32_t i = 0; i < bad.line; ++i) {
            std::getline(lines, line);
        }
        EXPECT_EQ(e.line(), bad.line) << e.what();
        if (!bad.at.empty()) {
            ASSERT_NE(line.find(bad.at), std::string::npos) << bad.at;
            EXPECT_EQ(e.column(), line.find(bad.at) + 1) << e.what();
        }
        EXPECT_NE(e.reason().find(bad.reason), std::string::npos) << e.what();
        EXPECT_EQ(e.file(), "/etc/fbexport/fbexportd.toml");
        EXPECT_EQ(std::string(e.what()), e.file() + ":" + std::to_string(e.line()) + ":" +
                                             std::to_string(e.column()) + ": " + e.reason());
        EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(EveryKind, ConfigFileError, testing::ValuesIn(bad_files()),
                         [](const testing::TestParamInfo<BadFile>& param) {
                             return std::string(param.param.name);
                         });

class TempDir {
public:
    TempDir() {
        std::string pattern = testing::TempDir() + "fbexport-config-XXXXXX";
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
        const std::string path = path_ + "/" + name;
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }

private:
    std::string path_;
};

TEST(ConfigFile, LoadsAFileAndItsPasswordFiles) {
    TempDir dir;
    dir.write("vnc-password", "hunter22\nsecond line ignored\n");
    const std::string path =
        dir.write("fbexportd.toml", display("demo = true\n") +
                                        "vnc = { address = \"0.0.0.0\", "
                                        "password_file = \"vnc-password\" }\n");
    const ServiceConfig config = load_config_file(path);
    ASSERT_EQ(config.displays.size(), 1u);
    EXPECT_EQ(config.displays[0].vnc.password, "hunter22");
}

TEST(ConfigFile, EmptyPasswordFileIsAnErrorAtItsKey) {
    TempDir dir;
    dir.write("empty", "");
    const std::string path =
        dir.write("fbexportd.toml", display("demo = true\n") + "vnc.password_file = \"empty\"\n");
    try {
        load_config_file(path);
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 3u);
        EXPECT_EQ(e.column(), 21u);
        EXPECT_NE(e.reason().find("is empty"), std::string::npos) << e.what();
    }
}

TEST(ConfigFile, SecurityHoldsForEveryDisplayAndDefaultsToTheSinks) {
    EXPECT_EQ(parse(display("demo = true\n")).network, NetworkPolicy{});
    EXPECT_EQ(NetworkPolicy{}.vnc_max_clients, VncOptions{}.max_clients);

    TempDir dir;
    const std::string cert = dir.write("cert.pem", "-----BEGIN CERTIFICATE-----\n");
    const std::string key = dir.write("key.pem", "-----BEGIN PRIVATE KEY-----\n");
    const std::string path = dir.write("fbexportd.toml",
                                       "[security]\nvnc_max_clients = 3\nvnc_auth_failures = 0\n"
                                       "vnc_auth_failure_window = 30\nvnc_auth_block = 600\n"
                                       "https_certificate = \"cert.pem\"\nhttps_key = \"" +
                                           key + "\"\n" + display("demo = true\n"));
    const NetworkPolicy network = load_config_file(path).network;
    EXPECT_EQ(network.vnc_max_clients, 3u);
    EXPECT_EQ(network.vnc_auth_failure_limit, 0u);
    EXPECT_EQ(network.vnc_auth_failure_window, std::chrono::seconds{30});
    EXPECT_EQ(network.vnc_auth_block, std::chrono::seconds{600});
    ASSERT_TRUE(network.https);
    EXPECT_EQ(network.https->cert_file, cert) << "relative to the configuration file";
    EXPECT_EQ(network.https->key_file, key);
}

TEST(ConfigFile, UnreadableFileIsAConfigError) {
    try {
        load_config_file("/nonexistent/fbexportd.toml");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line(), 0u);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/fbexportd.toml"), std::string::npos);
        EXPECT_NE(e.reason().find("No such file"), std::string::npos) << e.what();
    }
}

ServiceConfig two_displays() {
    return parse("convert = \"cpu\"\n" + display(vgpu_a + "vnc.port = 5901\nstreams.fps = 10\n") +
                 display("demo = true\nvnc.port = 5902\n"));
}

TEST(ConfigOverrides, NothingGivenKeepsTheFile) {
    EXPECT_EQ(apply_overrides(two_displays(), {}), two_displays());
}

TEST(ConfigOverrides, ConvertAloneAddsNoDisplay) {
    ConfigOverrides cli;
    cli.convert = ConvertMode::gl;
    const ServiceConfig all = apply_overrides(parse(display("vgpu = \"all\"\n")), cli);
    EXPECT_EQ(all.convert, ConvertMode::gl);
    EXPECT_TRUE(all.displays.empty());
}

TEST(ConfigOverrides, OutputsReplaceTheFirstDisplaysSharedOptionsEveryDisplays) {
    ConfigOverrides cli;
    cli.vnc = ListenAddress{"127.0.0.1", 6001, false};
    cli.http = ListenAddress{"127.0.0.1", 6080, false};
    cli.record = "cli.mkv";
    cli.rtsp = ListenAddress{"127.0.0.1", 8554, false};
    cli.rtsp_path = "/cli";
    cli.vnc_password = "from-cli";
    cli.encoder = "x264enc";
    cli.stream_fps = 25;
    const ServiceConfig file = two_displays();
    const ServiceConfig merged = apply_overrides(file, cli);
    ASSERT_EQ(merged.displays.size(), 2u);
    const DisplayConfig& first = merged.displays[0];
    EXPECT_EQ(first.source, file.displays[0].source);  // not given: the file's
    EXPECT_EQ(first.vnc.address.port, 6001);
    EXPECT_EQ(first.http, cli.http);
    EXPECT_EQ(first.streams.record, "cli.mkv");
    EXPECT_EQ(first.rtsp_path, "/cli");
    EXPECT_EQ(first.streams.encoder, "x264enc");
    const DisplayConfig& second = merged.displays[1];
    EXPECT_EQ(second.vnc.address, file.displays[1].vnc.address);
    EXPECT_FALSE(second.http);
    EXPECT_FALSE(second.streams.encoder);  // it encodes nothing
    for (const DisplayConfig& d : merged.displays) {
        EXPECT_EQ(d.vnc.password, "from-cli");
        EXPECT_EQ(d.streams.fps, 25u);
    }
    EXPECT_EQ(merged.convert, ConvertMode::cpu);
}

TEST(ConfigOverrides, DisplayOptionsWithoutADisplayAddTheDemo) {
    ConfigOverrides cli;
    cli.vnc = ListenAddress{"127.0.0.1", 5999, false};
    const ServiceConfig merged = apply_overrides(parse(display("vgpu = \"all\"\n")), cli);
    ASSERT_EQ(merged.displays.size(), 1u);
    EXPECT_EQ(merged.displays[0].source.kind, cli::SourceSpec::Kind::demo);
    EXPECT_EQ(merged.displays[0].vnc.desktop_name, "fbexport demo");
    EXPECT_EQ(merged.displays[0].vnc.address.port, 5999);
    EXPECT_TRUE(merged.all_vgpus);
}

// The annotated example the package ships: valid as it is, and with every
// commented-out display taken in.
TEST(ConfigFile, ShippedExampleIsValidAsIsAndUncommented) {
    const ServiceConfig as_is = load_config_file(FBEXPORT_EXAMPLE_CONFIG);
    EXPECT_TRUE(as_is.displays.empty());
    ASSERT_TRUE(as_is.all_vgpus);
    EXPECT_EQ(as_is.all_vgpus->vnc_base, (ListenAddress{"127.0.0.1", 5900, false}));

    std::ifstream in(FBEXPORT_EXAMPLE_CONFIG);
    std::string text;
    bool examples = false;
    for (std::string line; std::getline(in, line);) {
        examples |= line == "# [[display]]";
        if (examples && line.starts_with("# ")) {
            line = line.substr(2);
        } else if (examples && line == "#") {
            line.clear();
        }
        text += line + "\n";
    }
    Secrets secrets;
    secrets.add("/etc/fbexport/vnc-password", "pw").add("/etc/fbexport/rtsp-credentials", "u:p");
    const ServiceConfig all = parse(text, secrets);
    ASSERT_EQ(all.displays.size(), 2u) << text;
    const DisplayConfig& vgpu = all.displays[0];
    EXPECT_EQ(vgpu.source.kind, cli::SourceSpec::Kind::vgpu);
    EXPECT_EQ(vgpu.vnc.password, "pw");
    EXPECT_TRUE(vgpu.http);
    EXPECT_TRUE(vgpu.streams.record && vgpu.streams.rtp && vgpu.streams.rtsp &&
                vgpu.streams.rtsp_credentials && vgpu.streams.pipeline_tail &&
                vgpu.streams.encoder);
    EXPECT_EQ(vgpu.rtsp_path, "/office");
    EXPECT_EQ(all.displays[1].source.kind, cli::SourceSpec::Kind::demo);
}

}  // namespace
}  // namespace fbx
