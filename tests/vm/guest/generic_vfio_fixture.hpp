// Set-up shared by the generic VFIO source tests and measurements: a fresh
// vGPU created while the module's `extensions` parameter is N, so it offers
// only what upstream mdev displays offer, driven by this process as its
// guest, and an fbx::VfioSource watching it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "converted_picture.hpp"
#include "display/damage_region.hpp"
#include "fbexport/vfio_source.hpp"
#include "guest_screen.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {

// The format or modifier of kernel/ABI.md called `name`; throws if unknown.
const fbx::PixelFormat& format(const char* name);
fbx::Modifier modifier(const char* name);

// Sets /sys/module/vgpu_mediator/parameters/extensions for the object's
// life (instances read it when they are created), then restores it.
class ModuleExtensions {
public:
    explicit ModuleExtensions(bool on);
    ~ModuleExtensions();
    ModuleExtensions(const ModuleExtensions&) = delete;
    ModuleExtensions& operator=(const ModuleExtensions&) = delete;

private:
    std::string before_;
};

class GenericVfioSourceTest : public VgpuTest {
protected:
    explicit GenericVfioSourceTest(std::string type = VGPU_MDEV_TYPE_SMALL)
        : VgpuTest(std::move(type)) {}

    void SetUp() override;
    void TearDown() override;

    GuestSurfaces& guest() { return *guest_; }
    // The source, adopting the guest's device fd on first use.
    fbx::VfioSource& source();
    // Makes `device` (opened by the test) the source's.
    fbx::VfioSource& adopt_source(fbx::VfioDisplayDevice device);

    // Converts `damage` of the frame's primary into the test's shadow
    // framebuffer and compares all of it with what `plane` (whose bytes are
    // `bytes`, by default the guest's) shows.
    void expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                        std::span<const std::uint8_t> bytes, const fbx::DamageRegion& damage);
    void expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                        std::span<const std::uint8_t> bytes);
    void expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                        const fbx::DamageRegion& damage) {
        expect_picture(frame, plane, guest().bytes(plane), damage);
    }
    void expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane) {
        expect_picture(frame, plane, guest().bytes(plane));
    }

    // An XRGB8888 linear primary plane in VRAM.
    vgpu::PlaneConfig primary(std::uint32_t width = 640, std::uint32_t height = 480,
                              std::uint64_t offset = 0) {
        return guest().place(format("XRGB8888"), modifier("linear"), width, height, Memory::vram,
                             offset);
    }

private:
    std::unique_ptr<GuestSurfaces> guest_;
    std::unique_ptr<fbx::VfioSource> source_;
    ConvertedPicture picture_;
};

}  // namespace vmtest
