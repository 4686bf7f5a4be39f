#include "vfio_region.hpp"

#include <linux/vfio.h>

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "fbexport/error.hpp"

namespace vgpu {
namespace {

// Builds a VFIO_DEVICE_GET_REGION_INFO answer the way the kernel lays it out.
class Answer {
public:
    explicit Answer(std::uint32_t index, std::uint64_t size) : bytes_(sizeof(vfio_region_info)) {
        vfio_region_info info{};
        info.argsz = sizeof(info);
        info.index = index;
        info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
        info.size = size;
        info.offset = std::uint64_t{index} << 40;
        put(0, info);
    }

    // Appends a capability; links it after the previous one (or from cap_offset).
    std::size_t add_cap(std::uint16_t id, const std::vector<std::uint8_t>& body) {
        const std::size_t at = (bytes_.size() + 7) / 8 * 8;
        bytes_.resize(at + sizeof(vfio_info_cap_header) + body.size());
        vfio_info_cap_header h{id, 1, 0};
        put(at, h);
        std::memcpy(bytes_.data() + at + sizeof(h), body.data(), body.size());
        if (last_cap_ == 0) {
            auto info = get<vfio_region_info>(0);
            info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
            info.cap_offset = static_cast<std::uint32_t>(at);
            put(0, info);
        } else {
            auto prev = get<vfio_info_cap_header>(last_cap_);
            prev.next = static_cast<std::uint32_t>(at);
            put(last_cap_, prev);
        }
        last_cap_ = at;
        auto info = get<vfio_region_info>(0);
        info.argsz = static_cast<std::uint32_t>(bytes_.size());
        put(0, info);
        return at;
    }

    std::size_t add_sparse(const std::vector<SparseArea>& areas, std::uint32_t claimed) {
        std::vector<std::uint8_t> body(8 + areas.size() * sizeof(vfio_region_sparse_mmap_area));
        std::memcpy(body.data(), &claimed, 4);
        for (std::size_t i = 0; i < areas.size(); ++i) {
            vfio_region_sparse_mmap_area a{areas[i].offset, areas[i].size};
            std::memcpy(body.data() + 8 + i * sizeof(a), &a, sizeof(a));
        }
        return add_cap(VFIO_REGION_INFO_CAP_SPARSE_MMAP, body);
    }

    void set_next(std::size_t cap_at, std::uint32_t next) {
        auto h = get<vfio_info_cap_header>(cap_at);
        h.next = next;
        put(cap_at, h);
    }

    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

private:
    template <typename T>
    void put(std::size_t at, const T& v) {
        std::memcpy(bytes_.data() + at, &v, sizeof(v));
    }
    template <typename T>
    T get(std::size_t at) const {
        T v;
        std::memcpy(&v, bytes_.data() + at, sizeof(v));
        return v;
    }

    std::vector<std::uint8_t> bytes_;
    std::size_t last_cap_ = 0;
};

TEST(VfioRegion, PlainRegionHasNoCapabilities) {
    Answer a(VFIO_PCI_BAR2_REGION_INDEX, 4096);
    const RegionInfo info = parse_region_info(a.bytes(), "test");
    EXPECT_EQ(info.index, VFIO_PCI_BAR2_REGION_INDEX);
    EXPECT_EQ(info.size, 4096u);
    EXPECT_EQ(info.offset, std::uint64_t{2} << 40);
    EXPECT_TRUE(info.readable());
    EXPECT_TRUE(info.writable());
    EXPECT_FALSE(info.mappable());
    EXPECT_FALSE(info.has_sparse_mmap);
    EXPECT_TRUE(info.cap_ids.empty());
}

TEST(VfioRegion, SparseAreasAfterAnotherCapability) {
    Answer a(VFIO_PCI_BAR0_REGION_INDEX, 16 << 20);
    a.add_cap(VFIO_REGION_INFO_CAP_TYPE, std::vector<std::uint8_t>(8, 0));
    a.add_sparse({{0, (16 << 20) - 4096}, {1 << 20, 4096}}, 2);
    const RegionInfo info = parse_region_info(a.bytes(), "test");
    ASSERT_TRUE(info.has_sparse_mmap);
    EXPECT_EQ(info.cap_ids, (std::vector<std::uint16_t>{VFIO_REGION_INFO_CAP_TYPE,
                                                        VFIO_REGION_INFO_CAP_SPARSE_MMAP}));
    ASSERT_EQ(info.sparse_areas.size(), 2u);
    EXPECT_EQ(info.sparse_areas[0].offset, 0u);
    EXPECT_EQ(info.sparse_areas[0].size, (16u << 20) - 4096);
    EXPECT_EQ(info.sparse_areas[1].offset, 1u << 20);
}

TEST(VfioRegion, ChainThatLoopsIsRefused) {
    Answer a(VFIO_PCI_BAR0_REGION_INDEX, 4096);
    const std::size_t first = a.add_cap(VFIO_REGION_INFO_CAP_TYPE, std::vector<std::uint8_t>(8));
    a.set_next(first, static_cast<std::uint32_t>(first));
    EXPECT_THROW(parse_region_info(a.bytes(), "test"), fbx::Error);
}

TEST(VfioRegion, ChainPointingOutsideIsRefused) {
    Answer a(VFIO_PCI_BAR0_REGION_INDEX, 4096);
    const std::size_t first = a.add_cap(VFIO_REGION_INFO_CAP_TYPE, std::vector<std::uint8_t>(8));
    a.set_next(first, 1u << 20);
    EXPECT_THROW(parse_region_info(a.bytes(), "test"), fbx::Error);
}

TEST(VfioRegion, SparseCapabilityClaimingTooManyAreasIsRefused) {
    Answer a(VFIO_PCI_BAR0_REGION_INDEX, 4096);
    a.add_sparse({{0, 4096}}, 1000);
    EXPECT_THROW(parse_region_info(a.bytes(), "test"), fbx::Error);
}

TEST(VfioRegion, ShortAnswerIsRefused) {
    const std::vector<std::uint8_t> bytes(8);
    EXPECT_THROW(parse_region_info(bytes, "test"), fbx::Error);
}

TEST(VfioRegion, Names) {
    EXPECT_EQ(region_name(VFIO_PCI_BAR0_REGION_INDEX), "BAR0");
    EXPECT_EQ(region_name(VFIO_PCI_CONFIG_REGION_INDEX), "CONFIG");
    EXPECT_EQ(region_name(42), "region 42");
}

}  // namespace
}  // namespace vgpu
