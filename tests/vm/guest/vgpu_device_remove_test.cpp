// In-guest tests: removing a vGPU (sysfs `remove`) while a host importer
// still has one of its dma-bufs mmapped. The dma-buf holds its own page
// references (kernel/ABI.md), so reading it afterwards is safe and shows the
// last contents, and the kernel log stays free of warnings.
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

class DeviceRemove : public VgpuTest {
protected:
    // Shows a Y-tiled surface and imports it; returns its expected bytes.
    std::vector<std::uint8_t> export_surface(MappedDmabuf& out, std::uint32_t& size) {
        plane_ = vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[2], 640,
                                  480, 4u << 20);
        device().draw(plane_, vgpu::Pattern::noise, 9);
        show(VGPU_PLANE_PRIMARY, plane_);
        const auto info = device().query_plane(vgpu::drm_plane_primary);
        EXPECT_NE(info.dmabuf_id, 0u);
        size = static_cast<std::uint32_t>(info.size);
        out = import_dmabuf(device(), info.dmabuf_id, info.size);
        return vram_bytes(device(), plane_);
    }

    static void expect_no_kernel_complaints(KernelLog& log) {
        const auto bad = KernelLog::bad_lines(log.read_new());
        for (const auto& line : bad) {
            ADD_FAILURE() << "kernel log: " << line;
        }
    }

    vgpu::PlaneConfig plane_;
};

TEST_F(DeviceRemove, MappedDmabufStaysReadable) {
    KernelLog log;
    MappedDmabuf buf;
    std::uint32_t size = 0;
    const auto expected = export_surface(buf, size);
    ASSERT_EQ(expected.size(), size);

    // The VFIO fd is the guest's; the mdev core waits for it before the
    // instance goes, so a VMM closes it first. The dma-buf is the host's.
    close_device();
    instance().remove();
    EXPECT_FALSE(::access(instance().sysfs_path().c_str(), F_OK) == 0) << "instance still in sysfs";

    EXPECT_FALSE(first_difference(buf.map.data(), expected.data(), size).has_value())
        << "dma-buf contents changed after the remove";
    // A fresh mapping of the same dma-buf works too, and every page is readable.
    const vgpu::RegionMapping again(buf.fd.get(), 0, size, false, "dma-buf after remove");
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < size; i += 4096) {
        sum += again.data()[i];
    }
    EXPECT_FALSE(first_difference(again.data(), expected.data(), size).has_value());
    (void)sum;
    buf = {};  // unmap and close: the last page references go now
    expect_no_kernel_complaints(log);
}

// The remove starts while the VFIO fd is still open: it must wait for the
// close, not tear the device out from under it.
TEST_F(DeviceRemove, RemoveWaitsForTheVfioFd) {
    KernelLog log;
    MappedDmabuf buf;
    std::uint32_t size = 0;
    const auto expected = export_surface(buf, size);

    const std::string uuid = instance().uuid();
    auto removal = std::async(std::launch::async, [this] { instance().remove(); });
    // While it waits, the device still works.
    EXPECT_EQ(removal.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
        << "remove did not wait for the open VFIO fd";
    EXPECT_EQ(device().read_reg(VGPU_REG_ID), VGPU_ID_MAGIC);
    close_device();
    ASSERT_EQ(removal.wait_for(std::chrono::seconds(30)), std::future_status::ready)
        << "remove of " << uuid << " still blocked 30 s after the VFIO fd closed";
    removal.get();

    EXPECT_FALSE(first_difference(buf.map.data(), expected.data(), size).has_value());
    buf = {};
    expect_no_kernel_complaints(log);
}

}  // namespace
}  // namespace vmtest
