#include "display_command_line.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

#include "command_line.hpp"
#include "rtsp_mount_plan.hpp"

namespace fbx::cli {
namespace {

using Paths = std::vector<std::optional<std::string>>;
using Args = std::initializer_list<std::pair<const char*, const char*>>;

int id_of(std::string_view name) {
    for (const option& o : DisplayCommandLine::options()) {
        if (name == o.name) {
            return o.val;
        }
    }
    ADD_FAILURE() << "no option " << name;
    return -1;
}

// The configuration of the options, given in order (name without "--").
ServiceConfig config_of(Args args) {
    DisplayCommandLine cl;
    for (const auto& [name, value] : args) {
        EXPECT_TRUE(cl.take(id_of(name), value)) << name;
    }
    return cl.config(ConvertMode::automatic);
}

// The UsageError's message the options make.
std::string refusal(Args args) {
    try {
        config_of(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted";
    return {};
}

TEST(DisplayCommandLine, DemosSharingAnRtspAddressGetAMountEach) {
    const ServiceConfig config = config_of({{"source", "demo"},
                                            {"rtsp", "127.0.0.1:8554"},
                                            {"source", "demo"},
                                            {"rtsp", "127.0.0.1:8554"}});
    ASSERT_EQ(config.displays.size(), 2u);
    EXPECT_FALSE(config.displays[0].rtsp_path);
    EXPECT_FALSE(config.displays[1].rtsp_path);
    EXPECT_EQ(RtspMountPlan::of(config), (Paths{"/desktop", "/desktop-2"}));
}

TEST(DisplayCommandLine, RtspPathIsTheDisplaysOfTheSourceBeforeIt) {
    const ServiceConfig config = config_of({{"rtsp", "127.0.0.1:8554"},
                                            {"rtsp-path", "/left"},
                                            {"source", "demo"},
                                            {"source", "demo"},
                                            {"rtsp-path", "/right/main"},
                                            {"rtsp", "127.0.0.1:8554"},
                                            {"source", "demo"},
                                            {"rtsp", "127.0.0.1:8554"}});
    ASSERT_EQ(config.displays.size(), 3u);
    EXPECT_EQ(config.displays[0].rtsp_path, "/left");
    EXPECT_EQ(config.displays[1].rtsp_path, "/right/main");
    EXPECT_FALSE(config.displays[2].rtsp_path);
    EXPECT_EQ(RtspMountPlan::of(config), (Paths{"/left", "/right/main", "/desktop"}));
}

TEST(DisplayCommandLine, BadRtspPathIsRefusedAsItIsTaken) {
    DisplayCommandLine cl;
    for (const char* path : {"left", "/", "/a/../b", "/a b", "/a//b"}) {
        try {
            cl.take(id_of("rtsp-path"), path);
            ADD_FAILURE() << "accepted " << path;
        } catch (const UsageError& e) {
            EXPECT_EQ(std::string(e.what()).rfind("--rtsp-path: RTSP path '", 0), 0u) << e.what();
        }
    }
}

TEST(DisplayCommandLine, TwoDisplaysOnOneMountAreRefused) {
    EXPECT_EQ(refusal({{"source", "demo"},
                       {"rtsp", "127.0.0.1:8554"},
                       {"rtsp-path", "/x"},
                       {"source", "demo"},
                       {"vnc", "127.0.0.1:5999"},
                       {"rtsp", "127.0.0.1:8554"},
                       {"rtsp-path", "/x"}}),
              "--rtsp-path: two displays want RTSP mount /x on 127.0.0.1:8554 (demo on "
              "127.0.0.1:5900 and demo on 127.0.0.1:5999); give one of them its own --rtsp-path");
    // A path given to the second display that the first has by default.
    EXPECT_NE(refusal({{"source", "demo"},
                       {"rtsp", "127.0.0.1:8554"},
                       {"source", "demo"},
                       {"rtsp", "127.0.0.1:8554"},
                       {"rtsp-path", "/desktop"}})
                  .find("two displays want RTSP mount /desktop on 127.0.0.1:8554"),
              std::string::npos);
}

TEST(DisplayCommandLine, RtspPathNeedsTheDisplaysRtsp) {
    EXPECT_EQ(refusal({{"source", "demo"},
                       {"rtsp", "127.0.0.1:8554"},
                       {"source", "demo"},
                       {"rtsp-path", "/x"}}),
              "--rtsp-path: demo has no --rtsp to mount; give both to the display");
    EXPECT_NE(
        refusal({{"all-vgpus", "127.0.0.1:5910"}, {"rtsp", "127.0.0.1:8554"}, {"rtsp-path", "/x"}})
            .find("every vGPU is mounted at /vgpu/UUID"),
        std::string::npos);
    EXPECT_NE(refusal({{"source", "demo"}, {"rtsp", "127.0.0.1:8554"}, {"rtsp-path", "/vgpu/x"}})
                  .find("paths under /vgpu/ are the vGPUs' own"),
              std::string::npos);
}

}  // namespace
}  // namespace fbx::cli
