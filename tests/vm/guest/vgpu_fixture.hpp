// Shared set-up of the in-guest vGPU tests: each test gets its own fresh
// mdev instance (removed at the end) opened through tools/vgpu-guest, plus
// helpers to read what the host side exports. These run inside the VM
// (tests/vm/vm-kernel.sh) as root with vgpu_mediator loaded.
#pragma once

#include <linux/vfio.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "fbexport/unique_fd.hpp"
#include "mdev_instance.hpp"
#include "region_mapping.hpp"
#include "vgpu_device.hpp"
#include "vgpu_mediator.h"

namespace vmtest {

// A fresh instance of `type` and its opened VFIO device.
class VgpuTest : public ::testing::Test {
protected:
    explicit VgpuTest(std::string type = VGPU_MDEV_TYPE_SMALL) : type_(std::move(type)) {}

    void SetUp() override;
    void TearDown() override;

    vgpu::VgpuDevice& device() { return *device_; }
    vgpu::MdevInstance& instance() { return *instance_; }
    // Closes the VFIO device (and its VRAM mapping); the instance stays.
    void close_device() { device_.reset(); }

    std::uint64_t invalid_planes() const {
        return instance_->vgpu_attribute(VGPU_SYSFS_INVALID_PLANES);
    }

    // Programs `plane` with `config` and commits it alone.
    void show(std::uint32_t plane, const vgpu::PlaneConfig& config);

    std::string type_;
    std::unique_ptr<vgpu::MdevInstance> instance_;
    std::unique_ptr<vgpu::VgpuDevice> device_;
};

// A dma-buf fd and its read-only mapping.
struct MappedDmabuf {
    fbx::UniqueFd fd;
    vgpu::RegionMapping map;
};
MappedDmabuf import_dmabuf(const vgpu::VgpuDevice& device, std::uint32_t dmabuf_id,
                           std::size_t size);

// Bytes of surface `config` in VRAM, as a host importer must see them: the
// whole surface, whole tile rows and pages included.
std::vector<std::uint8_t> vram_bytes(vgpu::VgpuDevice& device, const vgpu::PlaneConfig& config);

// Position of the first differing byte, or nullopt when equal.
std::optional<std::size_t> first_difference(const std::uint8_t* a, const std::uint8_t* b,
                                            std::size_t size);

std::string errno_text(int err);

// Tests run once per format and modifier of kernel/ABI.md:
//   INSTANTIATE_TEST_SUITE_P(EveryFormatAndModifier, Suite, every_format_and_modifier(),
//                            format_modifier_name);
using FormatModifier = std::tuple<fbx::PixelFormat, fbx::Modifier>;
inline auto every_format_and_modifier() {
    return ::testing::Combine(
        ::testing::ValuesIn(fbx::supported_formats().begin(), fbx::supported_formats().end()),
        ::testing::ValuesIn(fbx::supported_modifiers().begin(), fbx::supported_modifiers().end()));
}
// "XRGB8888_x_tiled": a test name gtest accepts.
std::string format_modifier_name(const ::testing::TestParamInfo<FormatModifier>& info);

// New kernel log records since construction (/dev/kmsg, from its end).
class KernelLog {
public:
    KernelLog();
    // Records read since the last call (or construction).
    std::vector<std::string> read_new();
    // Those of `lines` a VM test must fail on: WARNING:, BUG:, Oops,
    // general protection, refcount_t (the harness's list).
    static std::vector<std::string> bad_lines(const std::vector<std::string>& lines);

private:
    fbx::UniqueFd fd_;
};

// How long the stress tests run: VGPU_STRESS_SECONDS (default `fallback`).
std::chrono::seconds stress_duration(std::chrono::seconds fallback);

}  // namespace vmtest
