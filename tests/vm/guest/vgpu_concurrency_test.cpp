// In-guest stress test: several host threads query the planes and import
// dma-bufs (caching them by dmabuf_id, as QEMU and fbexport do) while the
// guest flips between surfaces as fast as it can. Every answer must be a
// whole, consistent surface whose bytes are the ones the guest drew there.
// Duration: VGPU_STRESS_SECONDS (default 10).
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "animation.hpp"
#include "fbexport/error.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

class Concurrency : public VgpuTest {
protected:
    Concurrency() : VgpuTest(VGPU_MDEV_TYPE_MEDIUM) {}
};

struct Counters {
    std::atomic<std::uint64_t> flips{0};
    std::atomic<std::uint64_t> queries{0};
    std::atomic<std::uint64_t> not_ready{0};
    std::atomic<std::uint64_t> imports{0};
    std::atomic<std::uint64_t> full_compares{0};
};

TEST_F(Concurrency, QueriesAndImportsWhileFlipping) {
    const auto duration = stress_duration(std::chrono::seconds(10));
    auto& d = device();

    // Surfaces that differ in format, layout and size, so the (format,
    // modifier, width, height, stride) of an answer names exactly one of them.
    std::vector<vgpu::PlaneConfig> surfaces;
    std::uint64_t offset = 0;
    std::uint32_t index = 0;
    for (const auto& format : fbx::supported_formats()) {
        for (const auto& modifier : fbx::supported_modifiers()) {
            auto plane =
                vgpu::make_plane(format, modifier, 160 + 8 * index, 96 + 4 * index, offset);
            offset += vgpu::surface_bytes(modifier.tiling, plane.stride, plane.height);
            d.draw(plane, vgpu::Pattern::noise, index);
            surfaces.push_back(plane);
            ++index;
        }
    }
    std::vector<std::vector<std::uint8_t>> contents;
    for (const auto& s : surfaces) {
        contents.push_back(vram_bytes(d, s));
    }
    auto cursor = vgpu::make_plane(*fbx::find_format(VGPU_FMT_ARGB8888),
                                   fbx::supported_modifiers()[0], 64, 64, 0);
    cursor.offset = vgpu::cursor_offset(d.vram_size(), cursor);
    ASSERT_GE(cursor.offset, offset);
    d.draw(cursor, vgpu::Pattern::cursor, 0);
    const auto cursor_bytes = vram_bytes(d, cursor);

    const auto find_surface = [&](const vfio_device_gfx_plane_info& p) -> int {
        for (std::size_t i = 0; i < surfaces.size(); ++i) {
            const auto& s = surfaces[i];
            if (s.format == p.drm_format && s.modifier == p.drm_format_mod && s.width == p.width &&
                s.height == p.height && s.stride == p.stride) {
                return static_cast<int>(i);
            }
        }
        return -1;
    };

    Counters n;
    std::atomic<bool> stop{false};
    std::mutex failure_lock;
    std::vector<std::string> failures;
    const auto fail = [&](const std::string& what) {
        std::lock_guard lock(failure_lock);
        if (failures.size() < 20) {
            failures.push_back(what);
        }
        stop = true;
    };

    std::thread flipper([&] {
        try {
            std::uint32_t i = 0;
            while (!stop) {
                vgpu::PlaneConfig plane = surfaces[i % surfaces.size()];
                plane.pos_x = static_cast<std::int32_t>(i % 100);
                cursor.pos_x = static_cast<std::int32_t>(i % 1000);
                cursor.pos_y = static_cast<std::int32_t>(i % 700);
                d.program_plane(VGPU_PLANE_PRIMARY, plane);
                d.program_plane(VGPU_PLANE_CURSOR, cursor);
                d.commit(VGPU_PLANE_MASK_ALL);
                ++n.flips;
                ++i;
            }
        } catch (const std::exception& e) {
            fail(std::string("flipper: ") + e.what());
        }
    });

    const auto reader = [&](int id) {
        try {
            // This thread's dma-buf cache, by dmabuf_id.
            std::map<std::uint32_t, std::pair<int, MappedDmabuf>> cache;
            std::uint64_t round = 0;
            bool seen_ready[2] = {false, false};  // primary, cursor
            while (!stop) {
                const bool want_cursor = (round++ % 4) == 3;
                const auto p =
                    d.query_plane(want_cursor ? vgpu::drm_plane_cursor : vgpu::drm_plane_primary);
                ++n.queries;
                if (p.drm_format == 0) {
                    ++n.not_ready;
                    // Before the first commit nothing is shown; after it every
                    // surface is valid, so "not ready" means a torn commit.
                    if (seen_ready[want_cursor]) {
                        fail("reader " + std::to_string(id) + ": " +
                             (want_cursor ? "cursor" : "primary") +
                             " plane not ready in the middle of valid flips");
                        return;
                    }
                    continue;
                }
                seen_ready[want_cursor] = true;
                const int which = want_cursor ? -2 : find_surface(p);
                if (which == -1) {
                    fail("reader " + std::to_string(id) + ": answer matches no surface: " +
                         fbx::format_name(p.drm_format) + " " + std::to_string(p.width) + "x" +
                         std::to_string(p.height) + " stride " + std::to_string(p.stride));
                    return;
                }
                const auto& expected = which == -2 ? cursor_bytes : contents[which];
                if (p.size != expected.size()) {
                    fail("reader " + std::to_string(id) + ": size " + std::to_string(p.size) +
                         " for a surface of " + std::to_string(expected.size()) + " bytes");
                    return;
                }
                auto it = cache.find(p.dmabuf_id);
                if (it == cache.end()) {
                    MappedDmabuf buf = import_dmabuf(d, p.dmabuf_id, p.size);
                    ++n.imports;
                    ++n.full_compares;
                    if (first_difference(buf.map.data(), expected.data(), expected.size())) {
                        fail("reader " + std::to_string(id) + ": dma-buf " +
                             std::to_string(p.dmabuf_id) + " bytes differ from its surface");
                        return;
                    }
                    cache.emplace(p.dmabuf_id, std::pair{which, std::move(buf)});
                } else if (it->second.first != which) {
                    fail("reader " + std::to_string(id) + ": dmabuf_id " +
                         std::to_string(p.dmabuf_id) + " named surface " +
                         std::to_string(it->second.first) + " before and " + std::to_string(which) +
                         " now");
                    return;
                } else {
                    // Spot check: a mapped id still shows its surface's bytes.
                    const auto& m = it->second.second.map;
                    const std::size_t at = (round * 4099) % expected.size();
                    if (m.data()[at] != expected[at]) {
                        fail("reader " + std::to_string(id) + ": cached dma-buf " +
                             std::to_string(p.dmabuf_id) + " changed at byte " +
                             std::to_string(at));
                        return;
                    }
                }
                // Now and then drop the cache, as a consumer that reconnects does.
                if (round % 500 == 0) {
                    cache.clear();
                }
            }
        } catch (const std::exception& e) {
            fail("reader " + std::to_string(id) + ": " + e.what());
        }
    };
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i) {
        readers.emplace_back(reader, i);
    }

    const auto end = std::chrono::steady_clock::now() + duration;
    while (!stop && std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop = true;
    flipper.join();
    for (auto& t : readers) {
        t.join();
    }
    std::printf("concurrency (%lld s): %llu flips, %llu queries (%llu not ready), %llu imports\n",
                static_cast<long long>(duration.count()),
                static_cast<unsigned long long>(n.flips.load()),
                static_cast<unsigned long long>(n.queries.load()),
                static_cast<unsigned long long>(n.not_ready.load()),
                static_cast<unsigned long long>(n.imports.load()));
    for (const auto& f : failures) {
        ADD_FAILURE() << f;
    }
    EXPECT_GT(n.flips.load(), 0u);
    EXPECT_GT(n.imports.load(), 0u);
    EXPECT_EQ(d.read_reg(VGPU_REG_FLIP_COUNT), static_cast<std::uint32_t>(n.flips.load()));
    EXPECT_EQ(invalid_planes(), 0u) << "valid surfaces were counted invalid";
}

}  // namespace
}  // namespace vmtest
