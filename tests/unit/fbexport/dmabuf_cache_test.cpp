#include "fbexport/dmabuf_cache.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fbx {
namespace {

// Buffers without an fd: the cache only keeps and hands out pointers.
struct CountingImport {
    std::vector<std::uint32_t> asked;
    std::shared_ptr<const Buffer> operator()(std::uint32_t id) {
        asked.push_back(id);
        return std::make_shared<const Buffer>(UniqueFd(), 4096, "buffer " + std::to_string(id));
    }
};

TEST(DmabufCache, ASurfaceShownAgainIsNotImportedAgain) {
    DmabufCache cache(4);
    CountingImport import;
    const DmabufCache::Import f = [&](std::uint32_t id) { return import(id); };
    const auto a = cache.get(1, f);
    const auto b = cache.get(2, f);
    EXPECT_EQ(cache.get(1, f), a);
    EXPECT_EQ(cache.get(2, f), b);
    EXPECT_EQ(import.asked, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(cache.imports(), 2u);
}

TEST(DmabufCache, BoundedByDroppingTheLeastRecentlyUsed) {
    DmabufCache cache(2);
    CountingImport import;
    const DmabufCache::Import f = [&](std::uint32_t id) { return import(id); };
    const auto one = cache.get(1, f);
    cache.get(2, f);
    cache.get(1, f);  // 1 is now the most recent
    cache.get(3, f);  // drops 2
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_TRUE(cache.contains(1));
    EXPECT_FALSE(cache.contains(2));
    EXPECT_TRUE(cache.contains(3));
    cache.get(4, f);
    cache.get(5, f);
    EXPECT_FALSE(cache.contains(1));
    EXPECT_EQ(one->name(), "buffer 1") << "a dropped buffer lives on while a frame holds it";
}

TEST(DmabufCache, DropForgetsAnInvalidatedSurface) {
    DmabufCache cache(4);
    CountingImport import;
    const DmabufCache::Import f = [&](std::uint32_t id) { return import(id); };
    cache.get(7, f);
    EXPECT_TRUE(cache.drop(7));
    EXPECT_FALSE(cache.drop(7));
    cache.get(7, f);
    EXPECT_EQ(import.asked, (std::vector<std::uint32_t>{7, 7}));
}

TEST(DmabufCache, AFailedImportIsNotCached) {
    DmabufCache cache(4);
    int calls = 0;
    const DmabufCache::Import none = [&](std::uint32_t) {
        ++calls;
        return std::shared_ptr<const Buffer>();
    };
    EXPECT_EQ(cache.get(3, none), nullptr);
    EXPECT_EQ(cache.get(3, none), nullptr);
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(cache.size(), 0u);
}

TEST(DmabufCache, CapacityZeroStillHoldsOne) {
    DmabufCache cache(0);
    EXPECT_EQ(cache.capacity(), 1u);
}

}  // namespace
}  // namespace fbx
