// Choosing and opening a VFIO display device, against a fake sysfs and /dev
// tree (the real device is tested in the VM: generic_vfio_source_test.cpp).
#include "fbexport/vfio_display_device.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fbexport/vgpu_locator.hpp"

namespace fbx {
namespace {

namespace fs = std::filesystem;

constexpr const char* uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";

class VfioDisplayDeviceTest : public ::testing::Test {
protected:
    fs::path root = fs::temp_directory_path() / ("fbexport-vfio-" + std::to_string(::getpid()));
    fs::path sysfs = root / "sys";
    fs::path dev = root / "dev";
    fs::path mdev = sysfs / "bus/mdev/devices" / uuid;

    void SetUp() override { fs::create_directories(mdev); }
    void TearDown() override { fs::remove_all(root); }

    VfioOpenOptions options(VfioAccess access = VfioAccess::automatic) const {
        return {uuid, access, sysfs.string(), dev.string()};
    }
    std::string message_of(const VfioOpenOptions& o) const {
        try {
            VfioDisplayDevice::open(o);
        } catch (const Error& e) {
            return e.what();
        }
        return "opened";
    }
};

TEST_F(VfioDisplayDeviceTest, ACdevNeedsADeviceNumberAndANode) {
    EXPECT_EQ(VfioDisplayDevice::cdev_name(options()), "") << "no vfio-dev at all";
    // 6.1 lists the vfio-dev class device without a device number or node.
    fs::create_directories(mdev / "vfio-dev/vfio3");
    EXPECT_EQ(VfioDisplayDevice::cdev_name(options()), "");
    std::ofstream(mdev / "vfio-dev/vfio3/dev") << "239:3\n";
    EXPECT_EQ(VfioDisplayDevice::cdev_name(options()), "") << "no node in /dev/vfio/devices";
    fs::create_directories(dev / "vfio/devices");
    std::ofstream(dev / "vfio/devices/vfio3") << "";
    EXPECT_EQ(VfioDisplayDevice::cdev_name(options()), "vfio3");
}

TEST_F(VfioDisplayDeviceTest, AMissingMdevIsNotFound) {
    VfioOpenOptions o = options();
    o.uuid = "11111111-2222-3333-4444-555555555555";
    EXPECT_THROW(VfioDisplayDevice::open(o), VgpuNotFound);
    o.uuid = "not-a-uuid";
    EXPECT_NE(message_of(o).find("not an mdev UUID"), std::string::npos) << message_of(o);
}

TEST_F(VfioDisplayDeviceTest, AskingForACdevTheKernelLacksSaysSo) {
    const std::string message = message_of(options(VfioAccess::cdev));
    EXPECT_NE(message.find("CONFIG_VFIO_DEVICE_CDEV"), std::string::npos) << message;
    EXPECT_NE(message.find(uuid), std::string::npos) << message;
}

TEST_F(VfioDisplayDeviceTest, TheGroupPathNamesWhatIsMissing) {
    // No iommu_group link: not a VFIO device at all.
    std::string message = message_of(options());
    EXPECT_NE(message.find("no IOMMU group"), std::string::npos) << message;
    // A group, but no VFIO container in this /dev.
    fs::create_directory_symlink("../../../kernel/iommu_groups/7", mdev / "iommu_group");
    message = message_of(options(VfioAccess::group));
    EXPECT_NE(message.find("/vfio/vfio"), std::string::npos) << message;
    EXPECT_NE(message.find("No such file"), std::string::npos) << message;
}

TEST_F(VfioDisplayDeviceTest, AdoptingAnFdThatIsNoDisplayFails) {
    const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    try {
        VfioDisplayDevice::adopt(fd, "null");
        ADD_FAILURE() << "adopted /dev/null";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("VFIO_DEVICE_QUERY_GFX_PLANE probe"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC) << "the caller's fd is left alone";
    ::close(fd);
    EXPECT_THROW(VfioDisplayDevice::adopt(-1, "none"), Error);
}

}  // namespace
}  // namespace fbx
