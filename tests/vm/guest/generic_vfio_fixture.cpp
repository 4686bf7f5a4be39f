#include "generic_vfio_fixture.hpp"

#include <vector>

#include "mdev_sysfs.hpp"

namespace vmtest {
namespace {

constexpr const char* extensions_parameter = "/sys/module/vgpu_mediator/parameters/extensions";

}  // namespace

const fbx::PixelFormat& format(const char* name) {
    for (const fbx::PixelFormat& f : fbx::supported_formats()) {
        if (f.name == name) {
            return f;
        }
    }
    throw fbx::Error(std::string("no format ") + name);
}

fbx::Modifier modifier(const char* name) {
    const auto m = fbx::find_modifier(std::string_view(name));
    if (!m) {
        throw fbx::Error(std::string("no modifier ") + name);
    }
    return *m;
}

ModuleExtensions::ModuleExtensions(bool on) {
    const auto now = read_file(extensions_parameter);
    if (!now) {
        throw fbx::Error(std::string("reading ") + extensions_parameter + ": " + errno_text(errno) +
                         " (a module without the parameter?)");
    }
    before_ = *now;
    if (const int err = write_file(extensions_parameter, on ? "Y" : "N"); err != 0) {
        throw fbx::Error(std::string("writing ") + extensions_parameter + ": " + errno_text(err));
    }
}

ModuleExtensions::~ModuleExtensions() {
    write_file(extensions_parameter, before_.substr(0, 1));
}

void GenericVfioSourceTest::SetUp() {
    try {
        const ModuleExtensions upstream_style(false);
        VgpuTest::SetUp();
    } catch (const fbx::Error& e) {
        FAIL() << e.what();
    }
    if (!HasFatalFailure()) {
        guest_ = std::make_unique<GuestSurfaces>(device());
    }
}

void GenericVfioSourceTest::TearDown() {
    // The source's fd keeps the device open, and removal waits for it.
    source_.reset();
    guest_.reset();
    VgpuTest::TearDown();
}

fbx::VfioSource& GenericVfioSourceTest::source() {
    if (!source_) {
        source_ = std::make_unique<fbx::VfioSource>(
            fbx::VfioDisplayDevice::adopt(device().vfio().fd(), instance().uuid()));
    }
    return *source_;
}

fbx::VfioSource& GenericVfioSourceTest::adopt_source(fbx::VfioDisplayDevice device) {
    source_ = std::make_unique<fbx::VfioSource>(std::move(device));
    return *source_;
}

void GenericVfioSourceTest::expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                                           std::span<const std::uint8_t> bytes,
                                           const fbx::DamageRegion& damage) {
    picture_.expect(frame, plane, bytes, damage);
}

void GenericVfioSourceTest::expect_picture(const fbx::Frame& frame, const vgpu::PlaneConfig& plane,
                                           std::span<const std::uint8_t> bytes) {
    expect_picture(frame, plane, bytes, fbx::DamageRegion(ConvertedPicture::bounds(frame)));
}

}  // namespace vmtest
