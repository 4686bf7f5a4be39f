// The mediator's built-in EDID (kernel/edid_logic.c), decoded here field by
// field as the EDID 1.4 standard lays them out, and read back by the
// kernel's own preferred-mode parser (convert_logic.c).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <numeric>
#include <string>

#include "kernel_logic.hpp"

namespace {

using Edid = std::array<std::uint8_t, VGPU_EDID_BLOCK_SIZE>;

Edid build(std::uint32_t width, std::uint32_t height) {
    Edid edid{};
    EXPECT_TRUE(vgpu_edid_build(edid.data(), width, height)) << width << "x" << height;
    return edid;
}

struct Timing {
    std::uint32_t clock_khz, hactive, hblank, vactive, vblank, hfront, hsync, vfront, vsync;
};

Timing decode_dtd(const std::uint8_t* d) {
    Timing t{};
    t.clock_khz = (std::uint32_t(d[0]) | std::uint32_t(d[1]) << 8) * 10;
    t.hactive = d[2] | std::uint32_t(d[4] >> 4) << 8;
    t.hblank = d[3] | std::uint32_t(d[4] & 0xf) << 8;
    t.vactive = d[5] | std::uint32_t(d[7] >> 4) << 8;
    t.vblank = d[6] | std::uint32_t(d[7] & 0xf) << 8;
    t.hfront = d[8] | std::uint32_t(d[11] >> 6) << 8;
    t.hsync = d[9] | std::uint32_t((d[11] >> 4) & 3) << 8;
    t.vfront = (d[10] >> 4) | std::uint32_t((d[11] >> 2) & 3) << 4;
    t.vsync = (d[10] & 0xf) | std::uint32_t(d[11] & 3) << 4;
    return t;
}

TEST(BuiltInEdid, IsAChecksummedEdid14BaseBlock) {
    const Edid edid = build(1280, 800);
    const Edid::value_type header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    EXPECT_TRUE(std::equal(header, header + 8, edid.begin()));
    EXPECT_EQ(std::accumulate(edid.begin(), edid.end(), 0u) % 256, 0u);
    EXPECT_EQ(edid[18], 1);  // version 1.4
    EXPECT_EQ(edid[19], 4);
    EXPECT_EQ(edid[126], 0);  // no extension blocks
    EXPECT_NE(edid[20] & 0x80, 0) << "digital input";
    // manufacturer: three 5-bit letters, big-endian
    const unsigned id = unsigned(edid[8]) << 8 | edid[9];
    const std::string maker{char('@' + ((id >> 10) & 31)), char('@' + ((id >> 5) & 31)),
                            char('@' + (id & 31))};
    EXPECT_EQ(maker, "FBX");
    EXPECT_EQ(unsigned(edid[10]) | unsigned(edid[11]) << 8, unsigned(VGPU_PCI_DEVICE_ID));
}

TEST(BuiltInEdid, PreferredTimingIsTheAskedSizeAt60Hz) {
    for (const auto& [w, h] :
         {std::pair{1280u, 800u}, {1024u, 768u}, {4096u - 1, 2304u}, {1u, 1u}, {2560u, 1600u}}) {
        const Edid edid = build(w, h);
        const Timing t = decode_dtd(edid.data() + 54);
        EXPECT_EQ(t.hactive, w);
        EXPECT_EQ(t.vactive, h);
        EXPECT_GT(t.hblank, t.hfront + t.hsync);
        EXPECT_GT(t.vblank, t.vfront + t.vsync);
        const double refresh =
            t.clock_khz * 1000.0 / (double(t.hactive + t.hblank) * (t.vactive + t.vblank));
        EXPECT_NEAR(refresh, 60.0, 0.5) << w << "x" << h;
        std::uint32_t pw = 0, ph = 0;
        ASSERT_TRUE(vgpu_edid_preferred_mode(edid.data(), VGPU_EDID_BLOCK_SIZE, &pw, &ph));
        EXPECT_EQ(pw, w);
        EXPECT_EQ(ph, h);
    }
}

TEST(BuiltInEdid, NamesTheDisplayAndOffersTheEstablishedModes) {
    const Edid edid = build(1280, 800);
    const std::uint8_t* name = edid.data() + 72;
    EXPECT_EQ(name[0] | name[1] | name[2] | name[4], 0);
    EXPECT_EQ(name[3], 0xfc);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(name + 5), 13), "fbexport vGPU");
    EXPECT_EQ(edid[35], 0x21);  // 640x480@60, 800x600@60
    EXPECT_EQ(edid[36], 0x08);  // 1024x768@60
}

TEST(BuiltInEdid, RefusesSizesADetailedTimingCannotHold) {
    Edid edid{};
    edid.fill(0xaa);
    EXPECT_FALSE(vgpu_edid_build(edid.data(), 0, 800));
    EXPECT_FALSE(vgpu_edid_build(edid.data(), 1280, 0));
    EXPECT_FALSE(vgpu_edid_build(edid.data(), 4096, 800));
    EXPECT_FALSE(vgpu_edid_build(edid.data(), 1280, 4096));
    EXPECT_EQ(edid[0], 0xaa) << "nothing written on refusal";
}

}  // namespace
