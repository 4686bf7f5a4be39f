#include "rtsp_mount_plan.hpp"

#include <gtest/gtest.h>

namespace fbx {
namespace {

constexpr const char* uuid_a = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";
constexpr const char* uuid_b = "6f1c1e34-1a4e-4f9b-9d0c-2b7d8e1f0a55";

DisplayConfig display(cli::SourceSpec source, std::uint16_t vnc_port,
                      std::optional<std::uint16_t> rtsp_port,
                      std::optional<std::string> path = std::nullopt) {
    DisplayConfig d;
    d.source = std::move(source);
    d.vnc.address.port = vnc_port;
    if (rtsp_port) {
        d.streams.rtsp = ListenAddress{"127.0.0.1", *rtsp_port, false};
    }
    d.rtsp_path = std::move(path);
    return d;
}

const cli::SourceSpec demo{};
const cli::SourceSpec vgpu_a{cli::SourceSpec::Kind::vgpu, uuid_a};
const cli::SourceSpec vgpu_b{cli::SourceSpec::Kind::vgpu, uuid_b};

using Paths = std::vector<std::optional<std::string>>;

TEST(RtspMountPlan, SafePathsAreAccepted) {
    for (const char* path : {"/left", "/desktop-2", "/a/b", "/Office_1/screen.main~2", "/x"}) {
        EXPECT_NO_THROW(RtspMountPlan::check_path(path)) << path;
    }
}

TEST(RtspMountPlan, UnsafePathsAreRefusedSayingWhy) {
    const std::pair<std::string, std::string> bad[] = {
        {"", "must start with '/'"},
        {"left", "must start with '/'"},
        {"/", "names nothing"},
        {"/a/../b", "must not hold '..'"},
        {"/..", "must not hold '..'"},
        {"/a..b", "must not hold '..'"},
        {"/a//b", "an empty name"},
        {"/a/", "an empty name"},
        {"/a/./b", "a '.' name"},
        {"/.", "a '.' name"},
        {"/a b", "not ' '"},
        {"/a?b", "not '?'"},
        {"/a=b", "not '='"},
        {"/a%20b", "not '%'"},
        {"/caf\xc3\xa9", "not a byte 195"},
        {"/a\nb", "not a byte 10"},
        {"/" + std::string(300, 'a'), "longer than 255"},
    };
    for (const auto& [path, why] : bad) {
        try {
            RtspMountPlan::check_path(path);
            ADD_FAILURE() << "accepted " << path;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
        }
    }
}

TEST(RtspMountPlan, DemosOnOneAddressAreNumberedInOrderVgpusByUuid) {
    ServiceConfig config;
    config.displays = {display(demo, 5900, 8554),         display(vgpu_a, 5901, 8554),
                       display(demo, 5902, 8554),         display(demo, 5903, 8555),
                       display(demo, 5904, std::nullopt), display(demo, 5905, 8554)};
    EXPECT_EQ(RtspMountPlan::of(config),
              (Paths{"/desktop", std::string("/vgpu/") + uuid_a, "/desktop-2", "/desktop",
                     std::nullopt, "/desktop-3"}));
}

TEST(RtspMountPlan, GivenPathsWinAndLeaveTheDefaultsToTheOthers) {
    ServiceConfig config;
    config.displays = {display(demo, 5900, 8554, "/left"), display(demo, 5901, 8554),
                       display(vgpu_a, 5902, 8554, "/office"), display(demo, 5903, 8554, "/a/b")};
    EXPECT_EQ(RtspMountPlan::of(config), (Paths{"/left", "/desktop", "/office", "/a/b"}));
}

TEST(RtspMountPlan, OnePathOnTwoAddressesIsTwoMounts) {
    ServiceConfig config;
    config.displays = {display(demo, 5900, 8554, "/x"), display(demo, 5901, 8555, "/x")};
    EXPECT_EQ(RtspMountPlan::of(config), (Paths{"/x", "/x"}));
}

TEST(RtspMountPlan, TwoDisplaysWantingOneMountAreAClash) {
    ServiceConfig config;
    config.displays = {display(demo, 5900, std::nullopt), display(demo, 5901, 8554, "/x"),
                       display(vgpu_a, 5902, 8554, "/x")};
    try {
        RtspMountPlan::of(config);
        FAIL() << "no clash";
    } catch (const RtspMountError& e) {
        EXPECT_EQ(e.path(), "/x");
        EXPECT_EQ(e.other(), 1u);
        EXPECT_EQ(std::string(e.what()),
                  std::string("two displays want RTSP mount /x on 127.0.0.1:8554 (demo on "
                              "127.0.0.1:5901 and vgpu:") +
                      uuid_a + " on 127.0.0.1:5902)");
    }
}

TEST(RtspMountPlan, AGivenPathTakesALaterDemosDefault) {
    ServiceConfig config;
    config.displays = {display(demo, 5900, 8554, "/desktop-2"), display(demo, 5901, 8554),
                       display(demo, 5902, 8554)};
    try {
        RtspMountPlan::of(config);
        FAIL() << "no clash";
    } catch (const RtspMountError& e) {
        EXPECT_EQ(e.path(), "/desktop-2");
        EXPECT_EQ(e.other(), 0u);
    }
}

TEST(RtspMountPlan, PathsUnderVgpuAreTheVgpusOwn) {
    const std::string own = std::string("/vgpu/") + uuid_a;
    ServiceConfig config;
    config.displays = {display(vgpu_a, 5900, 8554, own)};
    EXPECT_EQ(RtspMountPlan::of(config), (Paths{own}));
    for (const DisplayConfig& d :
         {display(vgpu_b, 5900, 8554, own), display(demo, 5900, 8554, "/vgpu/x")}) {
        config.displays = {d};
        try {
            RtspMountPlan::of(config);
            FAIL() << *d.rtsp_path << " for " << d.source.to_string();
        } catch (const RtspMountError& e) {
            EXPECT_FALSE(e.other());
            EXPECT_NE(std::string(e.what()).find("paths under /vgpu/ are the vGPUs' own"),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST(RtspMountPlan, AddCountsDisplaysWithoutRtspToo) {
    RtspMountPlan plan;
    EXPECT_EQ(plan.add(display(demo, 5900, std::nullopt)), std::nullopt);
    EXPECT_EQ(plan.add(display(demo, 5901, 8554, "/x")), "/x");
    try {
        plan.add(display(demo, 5902, 8554, "/x"));
        FAIL() << "no clash";
    } catch (const RtspMountError& e) {
        EXPECT_EQ(e.other(), 1u);
    }
}

}  // namespace
}  // namespace fbx
