#include "named_vgpu.hpp"

#include "fbexport/error.hpp"
#include "mdev_instance.hpp"
#include "sysfs.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {

NamedVgpu::NamedVgpu() : uuid_(vgpu::new_uuid()) {}

NamedVgpu::~NamedVgpu() {
    try {
        remove();
    } catch (const fbx::Error& e) {
        ADD_FAILURE() << e.what();
    }
}

void NamedVgpu::create() {
    vgpu::write_sysfs(vgpu::mdev_type_path(VGPU_MDEV_TYPE_SMALL) + "/create", uuid_);
    exists_ = true;
    device_ = std::make_unique<vgpu::VgpuDevice>(uuid_);
    guest_ = std::make_unique<GuestSurfaces>(*device_);
}

void NamedVgpu::remove() {
    guest_.reset();
    device_.reset();
    if (exists_) {
        vgpu::remove_mdev(uuid_);
        exists_ = false;
    }
}

Picture NamedVgpu::show(vgpu::Pattern pattern, std::uint32_t frame, std::uint32_t width,
                        std::uint32_t height) {
    const vgpu::PlaneConfig plane =
        guest_->place(*fbx::find_format("XRGB8888"), *fbx::find_modifier("linear"), width, height,
                      Memory::vram, 0);
    guest_->draw(plane, pattern, frame);
    device_->program_plane(VGPU_PLANE_PRIMARY, plane);
    device_->commit(1u << VGPU_PLANE_PRIMARY);
    device_->post_full_damage(VGPU_PLANE_PRIMARY);
    return expected_picture(plane, guest_->bytes(plane));
}

}  // namespace vmtest
