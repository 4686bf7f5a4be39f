// A vGPU whose UUID is chosen before it exists, so a service can be told to
// serve it before its creation and it can be created again, with the same
// UUID, after its removal; plus the guest that draws on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "guest_screen.hpp"
#include "vgpu_device.hpp"

namespace vmtest {

class NamedVgpu {
public:
    NamedVgpu();
    NamedVgpu(const NamedVgpu&) = delete;
    NamedVgpu& operator=(const NamedVgpu&) = delete;
    // Removes it if it still exists (a failure is a test failure, not a throw).
    ~NamedVgpu();

    const std::string& uuid() const { return uuid_; }

    // Creates the small type's instance and opens it as the guest's VMM does.
    void create();
    // As a VMM lets go of the device and the administrator removes it.
    void remove();

    // Draws `pattern` into a `width` x `height` XRGB8888 surface at the start
    // of VRAM, shows it and posts its damage; returns the picture a consumer
    // must hold.
    Picture show(vgpu::Pattern pattern, std::uint32_t frame, std::uint32_t width = 640,
                 std::uint32_t height = 400);

private:
    std::string uuid_;
    bool exists_ = false;
    std::unique_ptr<vgpu::VgpuDevice> device_;
    std::unique_ptr<GuestSurfaces> guest_;
};

}  // namespace vmtest
