// --convert=auto|cpu|gl on fbshot and fbexportd, as black boxes: the GL path
// gives the same PNG as the CPU path, a forced GL path without EGL fails
// (exit status 1, saying why) instead of quietly using the CPU, and the
// service logs which path it converts with.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "service_process.hpp"

namespace fbx::test {
namespace {

using namespace std::chrono_literals;

// libglvnd reads this when it first loads: pointed nowhere, a child sees no
// EGL driver at all, as on a machine without Mesa or the NVIDIA driver.
class HiddenEglDrivers {
public:
    HiddenEglDrivers() { ::setenv("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent.json", 1); }
    ~HiddenEglDrivers() { ::unsetenv("__EGL_VENDOR_LIBRARY_FILENAMES"); }
};

class ConvertOption : public ::testing::Test {
protected:
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("fbexport-convert-test-" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir); }
    void TearDown() override { std::filesystem::remove_all(dir); }

    int fbshot(std::vector<std::string> args, std::string* log = nullptr) {
        args.insert(args.begin(), program("fbshot"));
        ChildProcess p(args);
        const int code = p.wait_exit(60s);
        if (log) {
            *log = p.log();
        }
        return code;
    }

    static std::string contents(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
};

TEST_F(ConvertOption, GlAndCpuGiveTheSamePng) {
    for (const auto& [format, modifier] :
         {std::pair{"XRGB8888", "x-tiled"}, std::pair{"RGB565", "y-tiled"},
          std::pair{"XBGR8888", "linear"}, std::pair{"XRGB2101010", "x-tiled"}}) {
        const auto gl = dir / "gl.png";
        const auto cpu = dir / "cpu.png";
        const std::vector<std::string> demo = {
            "--demo-size",     "517x301", "--demo-format", format,
            "--demo-modifier", modifier,  "--demo-time",   "1234"};
        std::string log;
        auto args = demo;
        args.insert(args.end(), {"--convert", "gl", "-o", gl.string()});
        const int code = fbshot(args, &log);
        if (code == 1 && log.find("no GL path") != std::string::npos) {
            GTEST_SKIP() << "no GL path on this machine: " << log;
        }
        ASSERT_EQ(code, 0) << log;
        args = demo;
        args.insert(args.end(), {"--convert=cpu", "-o", cpu.string()});
        ASSERT_EQ(fbshot(args, &log), 0) << log;
        EXPECT_EQ(contents(gl), contents(cpu)) << format << " " << modifier;
    }
}

TEST_F(ConvertOption, AutoAlwaysWritesAPicture) {
    std::string log;
    const auto out = dir / "auto.png";
    ASSERT_EQ(fbshot({"--demo-size", "320x200", "--convert", "auto", "--log-level", "info", "-o",
                      out.string()},
                     &log),
              0)
        << log;
    EXPECT_NE(log.find("convert: auto: using"), std::string::npos) << log;
    EXPECT_TRUE(std::filesystem::exists(out));
}

TEST_F(ConvertOption, ForcedGlWithoutEglFailsSayingWhy) {
    const HiddenEglDrivers hidden;
    std::string log;
    const auto out = dir / "never.png";
    EXPECT_EQ(fbshot({"--convert", "gl", "-o", out.string()}, &log), 1);
    EXPECT_NE(log.find("--convert=gl: no GL path"), std::string::npos) << log;
    EXPECT_NE(log.find("EGL"), std::string::npos) << log;
    EXPECT_FALSE(std::filesystem::exists(out));

    ChildProcess service({program("fbexportd"), "--convert", "gl", "--vnc",
                          "127.0.0.1:" + std::to_string(free_loopback_port())});
    EXPECT_EQ(service.wait_exit(30s), 1);
    EXPECT_NE(service.log().find("--convert=gl: no GL path"), std::string::npos) << service.log();

    // auto is not an error without EGL: it says why it uses the CPU.
    EXPECT_EQ(fbshot({"--convert", "auto", "--log-level", "info", "-o", out.string()}, &log), 0);
    EXPECT_NE(log.find("using cpu"), std::string::npos) << log;
    EXPECT_NE(log.find("no GL path"), std::string::npos) << log;
}

TEST_F(ConvertOption, UnknownModeIsACommandLineError) {
    std::string log;
    EXPECT_EQ(fbshot({"--convert", "vulkan", "-o", (dir / "x.png").string()}, &log), 2);
    EXPECT_NE(log.find("choose auto, cpu or gl"), std::string::npos) << log;
    ChildProcess service({program("fbexportd"), "--convert=fast"});
    EXPECT_EQ(service.wait_exit(10s), 2);
    EXPECT_NE(service.log().find("choose auto, cpu or gl"), std::string::npos) << service.log();
}

TEST_F(ConvertOption, ServiceLogsThePathItConvertsWith) {
    ChildProcess service({program("fbexportd"), "--convert", "cpu", "--demo-size", "320x200",
                          "--vnc", "127.0.0.1:" + std::to_string(free_loopback_port())});
    ASSERT_TRUE(service.wait_for_log("ready", 20s)) << service.log();
    EXPECT_NE(service.log().find("converting with cpu ("), std::string::npos) << service.log();
}

TEST_F(ConvertOption, HelpOfBothToolsExplainsIt) {
    std::string log;
    EXPECT_EQ(fbshot({"--help"}, &log), 0);
    EXPECT_NE(log.find("--convert MODE"), std::string::npos) << log;
    ChildProcess service({program("fbexportd"), "--help"});
    EXPECT_EQ(service.wait_exit(10s), 0);
    EXPECT_NE(service.log().find("--convert MODE"), std::string::npos) << service.log();
}

}  // namespace
}  // namespace fbx::test
