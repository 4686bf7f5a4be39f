#include "config_command_line.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "config_file.hpp"

namespace fbx::cli {
namespace {

class ConfigCommandLineTest : public testing::Test {
protected:
    ConfigCommandLineTest() {
        path_ = testing::TempDir() + "fbexportd-cli-" + std::to_string(::getpid()) + ".toml";
        std::ofstream(path_) << "convert = \"cpu\"\n"
                                "[[display]]\ndemo = true\nvnc.port = 5901\n"
                                "[[display]]\nvgpu = \"0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4\"\n"
                                "vnc.port = 5902\n";
        cli_.take(ConfigCommandLine::first_option_id, path_.c_str());
        cli_.given("config");
    }
    ~ConfigCommandLineTest() override { ::unlink(path_.c_str()); }

    // What the options alone say: one display, the demo, on `port`.
    static ServiceConfig command_line(std::uint16_t port, ConvertMode convert) {
        ServiceConfig config;
        config.convert = convert;
        DisplayConfig demo;
        demo.vnc.address.port = port;
        config.displays.push_back(demo);
        return config;
    }

    std::string path_;
    ConfigCommandLine cli_;
};

TEST_F(ConfigCommandLineTest, WithoutConfigTheCommandLineAlone) {
    ConfigCommandLine none;
    const ServiceConfig alone = command_line(5999, ConvertMode::gl);
    EXPECT_EQ(none.config(alone), alone);
    EXPECT_FALSE(none.file());
}

TEST_F(ConfigCommandLineTest, OptionsNotGivenLeaveTheFile) {
    EXPECT_EQ(cli_.file(), path_);
    EXPECT_EQ(cli_.config(command_line(5900, ConvertMode::automatic)), load_config_file(path_));
}

TEST_F(ConfigCommandLineTest, GivenOptionsOverrideIt) {
    cli_.given("vnc");
    cli_.given("convert");
    const ServiceConfig config = cli_.config(command_line(6001, ConvertMode::gl));
    ASSERT_EQ(config.displays.size(), 2u);
    EXPECT_EQ(config.convert, ConvertMode::gl);
    EXPECT_EQ(config.displays[0].vnc.address.port, 6001);
    EXPECT_EQ(config.displays[1].vnc.address.port, 5902);
}

TEST_F(ConfigCommandLineTest, SourceReplacesTheFilesDisplays) {
    cli_.given("source");
    const ServiceConfig config = cli_.config(command_line(6001, ConvertMode::automatic));
    ASSERT_EQ(config.displays.size(), 1u);
    EXPECT_EQ(config.displays[0].vnc.address.port, 6001);
    EXPECT_EQ(config.convert, ConvertMode::cpu);  // --convert not given: the file's
}

// --rtsp and --rtsp-path replace the first display's, and what they make
// is checked as the file is: never two displays on one mount.
TEST_F(ConfigCommandLineTest, RtspPathOverridesTheFirstDisplaysButNeverClashes) {
    std::ofstream(path_) << "[[display]]\ndemo = true\n"
                            "[[display]]\ndemo = true\nvnc.port = 5901\n"
                            "streams.rtsp = { port = 8554, path = \"/right\" }\n";
    cli_.given("rtsp");
    cli_.given("rtsp-path");
    ServiceConfig command_line = this->command_line(5900, ConvertMode::automatic);
    command_line.displays[0].streams.rtsp = ListenAddress{"127.0.0.1", 8554, false};
    command_line.displays[0].rtsp_path = "/left";
    const ServiceConfig config = cli_.config(command_line);
    ASSERT_EQ(config.displays.size(), 2u);
    EXPECT_EQ(config.displays[0].rtsp_path, "/left");
    EXPECT_EQ(config.displays[0].streams.rtsp, command_line.displays[0].streams.rtsp);

    command_line.displays[0].rtsp_path = "/right";
    try {
        cli_.config(command_line);
        FAIL() << "two displays on /right";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file(), path_);
        EXPECT_NE(e.reason().find("two displays want RTSP mount /right on 127.0.0.1:8554"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(e.reason().find("give it another --rtsp-path"), std::string::npos) << e.what();
    }
}

TEST_F(ConfigCommandLineTest, ReadsTheFileAgainEachTime) {
    EXPECT_EQ(cli_.config(command_line(5900, ConvertMode::automatic)).displays.size(), 2u);
    std::ofstream(path_) << "[[display]]\ndemo = true\n";
    EXPECT_EQ(cli_.config(command_line(5900, ConvertMode::automatic)).displays.size(), 1u);
    std::ofstream(path_) << "[[display]]\ndemo = tru\n";
    EXPECT_THROW(cli_.config(command_line(5900, ConvertMode::automatic)), ConfigError);
}

}  // namespace
}  // namespace fbx::cli
