// In-guest tests: every kind of bad value a guest can program into a plane
// (kernel/ABI.md, "Validation") makes the plane not ready and bumps the
// invalid counter (sysfs vgpu/invalid_planes and VGPU_REG_INVALID_COUNT);
// nothing crashes and a valid commit afterwards works again. Rejected
// register writes are counted the same way. The number of cases tried is
// printed at the end ("vgpu invalid-value cases tried: N").
#include <atomic>
#include <cstdio>
#include <functional>

#include <unistd.h>

#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

std::atomic<int> plane_cases_tried{0};
std::atomic<int> register_cases_tried{0};

class InvalidCaseCount : public ::testing::Environment {
public:
    void TearDown() override {
        std::printf("vgpu invalid-value cases tried: %d (%d plane values, %d register writes)\n",
                    plane_cases_tried + register_cases_tried, plane_cases_tried.load(),
                    register_cases_tried.load());
    }
};
const auto* const count_printer = ::testing::AddGlobalTestEnvironment(new InvalidCaseCount);

constexpr std::uint64_t usable = VGPU_USABLE_VRAM(16u << 20);  // the small type

struct InvalidCase {
    const char* name;
    std::uint32_t plane;
    std::uint32_t expected;  // VGPU_PLANE_ERR_*
    std::function<void(vgpu::PlaneConfig&)> mutate;
};

vgpu::PlaneConfig valid_plane(std::uint32_t plane) {
    vgpu::PlaneConfig c;
    c.enable = true;
    c.format = plane == VGPU_PLANE_CURSOR ? VGPU_FMT_ARGB8888 : VGPU_FMT_XRGB8888;
    c.modifier = VGPU_MOD_LINEAR;
    c.offset = 0;
    c.width = 64;
    c.height = 64;
    c.stride = 256;
    return c;
}

// Shorthands for a geometry: format, modifier, width, height, stride, offset.
std::function<void(vgpu::PlaneConfig&)> geometry(std::uint32_t format, std::uint64_t modifier,
                                                 std::uint32_t width, std::uint32_t height,
                                                 std::uint32_t stride, std::uint64_t offset) {
    return [=](vgpu::PlaneConfig& c) {
        c.format = format;
        c.modifier = modifier;
        c.width = width;
        c.height = height;
        c.stride = stride;
        c.offset = offset;
    };
}

constexpr std::uint32_t P = VGPU_PLANE_PRIMARY;
constexpr std::uint32_t C = VGPU_PLANE_CURSOR;
constexpr std::uint32_t XR24 = VGPU_FMT_XRGB8888;
constexpr std::uint32_t RG16 = VGPU_FMT_RGB565;
constexpr std::uint64_t LIN = VGPU_MOD_LINEAR;
constexpr std::uint64_t XT = VGPU_MOD_I915_X_TILED;
constexpr std::uint64_t YT = VGPU_MOD_I915_Y_TILED;

const std::vector<InvalidCase>& cases() {
    static const std::vector<InvalidCase> all = {
        // 1. format
        {"format_zero", P, VGPU_PLANE_ERR_FORMAT, [](auto& c) { c.format = 0; }},
        {"format_yuyv", P, VGPU_PLANE_ERR_FORMAT,
         [](auto& c) { c.format = VGPU_FOURCC('Y', 'U', 'Y', 'V'); }},
        {"format_argb2101010", P, VGPU_PLANE_ERR_FORMAT,
         [](auto& c) { c.format = VGPU_FOURCC('A', 'R', '3', '0'); }},
        {"format_all_ones", P, VGPU_PLANE_ERR_FORMAT, [](auto& c) { c.format = 0xffffffff; }},
        {"cursor_format_unknown", C, VGPU_PLANE_ERR_FORMAT,
         [](auto& c) { c.format = VGPU_FOURCC('N', 'V', '1', '2'); }},
        // 2. modifier
        {"modifier_y_tiled_ccs", P, VGPU_PLANE_ERR_MODIFIER,
         [](auto& c) { c.modifier = 0x0100000000000004ull; }},
        {"modifier_yf_tiled", P, VGPU_PLANE_ERR_MODIFIER,
         [](auto& c) { c.modifier = 0x0100000000000003ull; }},
        {"modifier_drm_invalid", P, VGPU_PLANE_ERR_MODIFIER,
         [](auto& c) { c.modifier = 0x00ffffffffffffffull; }},
        {"modifier_all_ones", P, VGPU_PLANE_ERR_MODIFIER, [](auto& c) { c.modifier = ~0ull; }},
        {"modifier_linear_with_high_bits", P, VGPU_PLANE_ERR_MODIFIER,
         [](auto& c) { c.modifier = 1ull << 32; }},
        {"cursor_x_tiled", C, VGPU_PLANE_ERR_MODIFIER,
         geometry(VGPU_FMT_ARGB8888, XT, 64, 64, 512, 0)},
        {"cursor_y_tiled", C, VGPU_PLANE_ERR_MODIFIER,
         geometry(VGPU_FMT_ARGB8888, YT, 64, 64, 256, 0)},
        // 3. size
        {"width_zero", P, VGPU_PLANE_ERR_SIZE, [](auto& c) { c.width = 0; }},
        {"height_zero", P, VGPU_PLANE_ERR_SIZE, [](auto& c) { c.height = 0; }},
        {"width_and_height_zero", P, VGPU_PLANE_ERR_SIZE, geometry(XR24, LIN, 0, 0, 0, 0)},
        {"width_above_type_max", P, VGPU_PLANE_ERR_SIZE, geometry(XR24, LIN, 1281, 8, 5124, 0)},
        {"height_above_type_max", P, VGPU_PLANE_ERR_SIZE, geometry(XR24, LIN, 8, 1025, 32, 0)},
        {"width_huge", P, VGPU_PLANE_ERR_SIZE, [](auto& c) { c.width = 0xffffffff; }},
        {"height_huge", P, VGPU_PLANE_ERR_SIZE, [](auto& c) { c.height = 0xffffffff; }},
        {"width_2_pow_31", P, VGPU_PLANE_ERR_SIZE, [](auto& c) { c.width = 0x80000000u; }},
        {"cursor_width_257", C, VGPU_PLANE_ERR_SIZE,
         geometry(VGPU_FMT_ARGB8888, LIN, 257, 64, 1028, 0)},
        {"cursor_height_257", C, VGPU_PLANE_ERR_SIZE,
         geometry(VGPU_FMT_ARGB8888, LIN, 64, 257, 256, 0)},
        // 4. stride
        {"stride_zero", P, VGPU_PLANE_ERR_STRIDE, [](auto& c) { c.stride = 0; }},
        {"stride_below_row_linear", P, VGPU_PLANE_ERR_STRIDE, [](auto& c) { c.stride = 252; }},
        {"stride_below_row_rgb565", P, VGPU_PLANE_ERR_STRIDE, geometry(RG16, LIN, 64, 64, 124, 0)},
        {"stride_below_row_x_tiled", P, VGPU_PLANE_ERR_STRIDE, geometry(XR24, XT, 200, 64, 512, 0)},
        {"stride_below_row_y_tiled", P, VGPU_PLANE_ERR_STRIDE, geometry(XR24, YT, 64, 64, 128, 0)},
        {"stride_above_max", P, VGPU_PLANE_ERR_STRIDE, [](auto& c) { c.stride = 65540; }},
        {"stride_above_max_x_tiled", P, VGPU_PLANE_ERR_STRIDE,
         geometry(XR24, XT, 64, 64, 66048, 0)},
        {"stride_huge", P, VGPU_PLANE_ERR_STRIDE, [](auto& c) { c.stride = 0xfffffffc; }},
        {"cursor_stride_below_row", C, VGPU_PLANE_ERR_STRIDE, [](auto& c) { c.stride = 128; }},
        // 5. alignment
        {"offset_misaligned_linear", P, VGPU_PLANE_ERR_ALIGN, [](auto& c) { c.offset = 4; }},
        {"offset_misaligned_x_tiled", P, VGPU_PLANE_ERR_ALIGN,
         geometry(XR24, XT, 128, 64, 512, 0x800)},
        {"offset_misaligned_y_tiled", P, VGPU_PLANE_ERR_ALIGN,
         geometry(XR24, YT, 32, 64, 128, 0x1010)},
        {"stride_linear_not_multiple_of_4", P, VGPU_PLANE_ERR_ALIGN,
         geometry(RG16, LIN, 3, 64, 6, 0)},
        {"stride_x_tiled_not_multiple_of_512", P, VGPU_PLANE_ERR_ALIGN,
         geometry(XR24, XT, 100, 64, 1152, 0)},
        {"stride_y_tiled_not_multiple_of_128", P, VGPU_PLANE_ERR_ALIGN,
         geometry(XR24, YT, 100, 64, 416, 0)},
        {"offset_all_ones", P, VGPU_PLANE_ERR_ALIGN, [](auto& c) { c.offset = ~0ull; }},
        {"cursor_offset_misaligned", C, VGPU_PLANE_ERR_ALIGN, [](auto& c) { c.offset = 256; }},
        // 6. range (overflow-safe)
        {"stride_times_height_beyond_vram", P, VGPU_PLANE_ERR_RANGE,
         geometry(XR24, LIN, 1280, 1024, 65536, 0)},
        {"offset_at_vram_end", P, VGPU_PLANE_ERR_RANGE, [](auto& c) { c.offset = usable; }},
        {"surface_into_register_page", P, VGPU_PLANE_ERR_RANGE,
         [](auto& c) { c.offset = usable - 4096; }},
        {"surface_one_page_past_end", P, VGPU_PLANE_ERR_RANGE,
         [](auto& c) { c.offset = usable - 16384 + 4096; }},
        {"offset_beyond_bar0", P, VGPU_PLANE_ERR_RANGE, [](auto& c) { c.offset = 16u << 20; }},
        {"offset_high_word_only", P, VGPU_PLANE_ERR_RANGE, [](auto& c) { c.offset = 1ull << 32; }},
        {"offset_2_pow_63", P, VGPU_PLANE_ERR_RANGE, [](auto& c) { c.offset = 1ull << 63; }},
        {"offset_near_2_pow_64", P, VGPU_PLANE_ERR_RANGE,
         [](auto& c) { c.offset = 0xfffffffffffff000ull; }},
        {"offset_plus_size_wraps_to_zero", P, VGPU_PLANE_ERR_RANGE,
         [](auto& c) { c.offset = 0ull - 16384; }},
        {"y_tiled_rows_round_past_end", P, VGPU_PLANE_ERR_RANGE,
         geometry(XR24, YT, 64, 16, 256, usable - 4096)},
        {"x_tiled_rows_round_past_end", P, VGPU_PLANE_ERR_RANGE,
         geometry(XR24, XT, 256, 4, 1024, usable - 4096)},
        {"cursor_past_end", C, VGPU_PLANE_ERR_RANGE, [](auto& c) { c.offset = usable - 4096; }},
        // 7. hotspot
        {"hotspot_x_at_width", C, VGPU_PLANE_ERR_HOTSPOT, [](auto& c) { c.hot_x = 64; }},
        {"hotspot_y_at_height", C, VGPU_PLANE_ERR_HOTSPOT, [](auto& c) { c.hot_y = 64; }},
        {"hotspot_huge", C, VGPU_PLANE_ERR_HOTSPOT,
         [](auto& c) { c.hot_x = c.hot_y = 0xffffffff; }},
        // Everything wrong at once: the first check (format) names it.
        {"everything_huge", P, VGPU_PLANE_ERR_FORMAT,
         [](auto& c) {
             c = {true,       0xffffffff, ~0ull, ~0ull,      0xffffffff, 0xffffffff,
                  0xffffffff, -1,         -1,    0xffffffff, 0xffffffff};
         }},
    };
    return all;
}

class InvalidPlane : public VgpuTest, public ::testing::WithParamInterface<InvalidCase> {};

TEST_P(InvalidPlane, IsNotReadyAndCounted) {
    const InvalidCase& bad_case = GetParam();
    ++plane_cases_tried;
    auto& d = device();
    const std::uint32_t plane = bad_case.plane;
    const std::uint32_t drm_type =
        plane == VGPU_PLANE_CURSOR ? vgpu::drm_plane_cursor : vgpu::drm_plane_primary;

    // First a valid surface, so the bad commit has something to hide.
    const vgpu::PlaneConfig good = valid_plane(plane);
    d.draw(good, vgpu::Pattern::checker, 0);
    show(plane, good);
    ASSERT_EQ(d.plane_status(plane), static_cast<std::uint32_t>(VGPU_PLANE_OK));
    ASSERT_NE(d.query_plane(drm_type).dmabuf_id, 0u);
    const std::uint64_t counted = invalid_planes();
    const std::uint32_t counted_reg = d.read_reg(VGPU_REG_INVALID_COUNT);

    vgpu::PlaneConfig bad = good;
    bad_case.mutate(bad);
    show(plane, bad);
    const std::uint32_t status = d.plane_status(plane);
    EXPECT_EQ(status, bad_case.expected)
        << vgpu::plane_status_name(status) << " instead of "
        << vgpu::plane_status_name(bad_case.expected) << " for " << vgpu::describe(bad);
    EXPECT_EQ(d.read_reg(VGPU_REG_PLANE_VALID) & (1u << plane), 0u);
    const auto info = d.query_plane(drm_type);
    EXPECT_EQ(info.drm_format, 0u) << "plane reported ready";
    EXPECT_EQ(info.size, 0u);
    EXPECT_EQ(info.width, 0u);
    EXPECT_EQ(info.height, 0u);
    EXPECT_EQ(info.stride, 0u);
    EXPECT_EQ(info.dmabuf_id, 0u);
    EXPECT_EQ(invalid_planes(), counted + 1) << "sysfs " << VGPU_SYSFS_INVALID_PLANES;
    EXPECT_EQ(d.read_reg(VGPU_REG_INVALID_COUNT), counted_reg + 1);

    // The device is not wedged: the valid surface shows again, counted nothing.
    show(plane, good);
    EXPECT_EQ(d.plane_status(plane), static_cast<std::uint32_t>(VGPU_PLANE_OK));
    EXPECT_NE(d.query_plane(drm_type).dmabuf_id, 0u);
    EXPECT_EQ(invalid_planes(), counted + 1);
}

INSTANTIATE_TEST_SUITE_P(EveryRule, InvalidPlane, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// Writes the device must refuse: each is ignored and counted once.
struct BadWrite {
    const char* name;
    std::function<void(const vgpu::VgpuDevice&)> write;
    std::uint32_t unchanged_reg;  // a register the write must not change
    // A misaligned pwrite reaches the device as several naturally aligned
    // accesses (as vfio-pci splits them), each counted: at least one then.
    bool split = false;
};

class InvalidRegisterWrite : public VgpuTest, public ::testing::WithParamInterface<BadWrite> {};

void raw_write(const vgpu::VgpuDevice& d, std::uint32_t at, const void* data, std::size_t size) {
    // The device may take or refuse the access; either way it is counted.
    const ssize_t n =
        ::pwrite(d.vfio().fd(), data, size, static_cast<off_t>(d.register_region().offset + at));
    (void)n;
}

TEST_P(InvalidRegisterWrite, IsIgnoredAndCounted) {
    ++register_cases_tried;
    auto& d = device();
    const std::uint32_t before_value = d.read_reg(GetParam().unchanged_reg);
    const std::uint64_t counted = invalid_planes();
    GetParam().write(d);
    EXPECT_EQ(d.read_reg(GetParam().unchanged_reg), before_value);
    if (GetParam().split) {
        EXPECT_GE(invalid_planes(), counted + 1) << "sysfs " << VGPU_SYSFS_INVALID_PLANES;
    } else {
        EXPECT_EQ(invalid_planes(), counted + 1) << "sysfs " << VGPU_SYSFS_INVALID_PLANES;
    }
    EXPECT_EQ(d.read_reg(VGPU_REG_ID), VGPU_ID_MAGIC) << "device still answers";
}

const BadWrite bad_writes[] = {
    {"read_only_id", [](const auto& d) { d.write_reg(VGPU_REG_ID, 0); }, VGPU_REG_ID},
    {"read_only_vram_size", [](const auto& d) { d.write_reg(VGPU_REG_VRAM_SIZE_LO, 0xffffffff); },
     VGPU_REG_VRAM_SIZE_LO},
    {"read_only_flip_count", [](const auto& d) { d.write_reg(VGPU_REG_FLIP_COUNT, 77); },
     VGPU_REG_FLIP_COUNT},
    {"read_only_plane_status",
     [](const auto& d) { d.write_reg(VGPU_PLANE_REG(0, VGPU_PLANE_STATUS), 0); },
     VGPU_PLANE_REG(0, VGPU_PLANE_STATUS)},
    {"unknown_offset", [](const auto& d) { d.write_reg(0x800, 1); }, VGPU_REG_SCRATCH},
    {"commit_mask_above_planes", [](const auto& d) { d.write_reg(VGPU_REG_COMMIT, 1u << 2); },
     VGPU_REG_FLIP_COUNT},
    {"two_byte_write",
     [](const auto& d) {
         const std::uint16_t v = 0xbeef;
         raw_write(d, VGPU_REG_SCRATCH, &v, sizeof(v));
     },
     VGPU_REG_SCRATCH},
    {"misaligned_write",
     [](const auto& d) {
         const std::uint32_t v = 0xdeadbeef;
         raw_write(d, VGPU_REG_SCRATCH + 2, &v, sizeof(v));
     },
     VGPU_REG_SCRATCH, true},
};

INSTANTIATE_TEST_SUITE_P(EveryKind, InvalidRegisterWrite, ::testing::ValuesIn(bad_writes),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace vmtest
