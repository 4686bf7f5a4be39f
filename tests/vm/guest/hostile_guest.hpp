// A guest driver gone wrong, for the stress and abuse tests: random and
// adversarial values to every register (mostly the plane and damage
// blocks, where they get furthest), GTT entries pointing at guest RAM, past
// it or at junk, damage rectangles of any size and commits of any mask.
#pragma once

#include <cstdint>
#include <random>

#include "vgpu_device.hpp"

namespace vmtest {

class HostileGuest {
public:
    struct Counts {
        std::uint64_t reg_writes = 0;  // damage posts and commits included
        std::uint64_t gtt_writes = 0;
        std::uint64_t damage_posts = 0;
        std::uint64_t commits = 0;
    };

    // GTT entries it writes mostly point into the `ram_size` bytes of guest
    // RAM at `ram_iova` (some past the end); the rest are junk.
    HostileGuest(const vgpu::VgpuDevice& device, std::uint64_t ram_iova, std::size_t ram_size,
                 std::uint64_t seed)
        : device_(device), ram_iova_(ram_iova), ram_size_(ram_size), rng_(seed) {}

    // `writes` random writes of the kinds above.
    void scribble(int writes);

    std::mt19937_64& rng() { return rng_; }
    const Counts& counts() const { return counts_; }

private:
    std::uint32_t any_register();

    const vgpu::VgpuDevice& device_;
    std::uint64_t ram_iova_;
    std::size_t ram_size_;
    std::mt19937_64 rng_;
    Counts counts_;
};

}  // namespace vmtest
