// Finding a vGPU by UUID, against a fake sysfs and /dev tree.
#include "fbexport/vgpu_locator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fbexport/mediator_source.hpp"

namespace fbx {
namespace {

namespace fs = std::filesystem;

constexpr const char* uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";

class VgpuLocator : public ::testing::Test {
protected:
    fs::path root = fs::temp_directory_path() / ("fbexport-locator-" + std::to_string(::getpid()));
    fs::path sysfs = root / "sys";
    fs::path dev = root / "dev" / "vgpu";

    void SetUp() override { fs::create_directories(dev); }
    void TearDown() override { fs::remove_all(root); }

    fs::path make_mdev(bool with_attribute) {
        const fs::path dir = sysfs / "bus/mdev/devices" / uuid;
        fs::create_directories(dir / "vgpu");
        if (with_attribute) {
            std::ofstream(dir / "vgpu/display_dev") << (dev / uuid).string() << "\n";
        }
        std::ofstream(dev / uuid) << "";
        return dir;
    }
};

TEST(VgpuUuid, AcceptsOnlyTheCanonicalForm) {
    EXPECT_TRUE(is_uuid(uuid));
    EXPECT_TRUE(is_uuid("0B6BBD3E-4A43-4C34-A8C0-C13D0A12E5A4"));
    EXPECT_FALSE(is_uuid(""));
    EXPECT_FALSE(is_uuid("0b6bbd3e4a434c34a8c0c13d0a12e5a4"));
    EXPECT_FALSE(is_uuid("0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a"));
    EXPECT_FALSE(is_uuid("0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5ag"));
    EXPECT_FALSE(is_uuid("../../../../etc/passwd-0000-0000-000000"));
}

TEST_F(VgpuLocator, FindsTheDisplayDeviceFromItsAttribute) {
    const fs::path dir = make_mdev(true);
    const VgpuLocation where = locate_vgpu(uuid, sysfs.string(), "/nonexistent");
    EXPECT_EQ(where.uuid, uuid);
    EXPECT_EQ(where.sysfs_dir, dir.string());
    EXPECT_EQ(where.display_dev, (dev / uuid).string());
}

TEST_F(VgpuLocator, FallsBackToTheDeviceDirectory) {
    make_mdev(false);
    EXPECT_EQ(locate_vgpu(uuid, sysfs.string(), dev.string()).display_dev, (dev / uuid).string());
}

TEST_F(VgpuLocator, AMissingVgpuIsNotFoundAndSaysWhere) {
    try {
        locate_vgpu(uuid, sysfs.string(), dev.string());
        FAIL() << "no exception";
    } catch (const VgpuNotFound& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(uuid), std::string::npos) << message;
        EXPECT_NE(message.find("bus/mdev/devices"), std::string::npos) << message;
        EXPECT_NE(message.find("mdevctl"), std::string::npos) << message;
    }
}

TEST_F(VgpuLocator, AnMdevWithoutADisplayDeviceIsAnotherError) {
    make_mdev(false);
    fs::remove(dev / uuid);
    try {
        locate_vgpu(uuid, sysfs.string(), dev.string());
        FAIL() << "no exception";
    } catch (const VgpuNotFound&) {
        FAIL() << "the vGPU exists";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("display-export device"), std::string::npos) << message;
        EXPECT_NE(message.find("No such file"), std::string::npos) << message;
        EXPECT_NE(message.find("vgpu_mediator"), std::string::npos) << message;
    }
}

TEST_F(VgpuLocator, RejectsANameThatIsNotAUuid) {
    EXPECT_THROW(locate_vgpu("../../etc", sysfs.string(), dev.string()), Error);
}

TEST_F(VgpuLocator, MediatorSourceOfAMissingVgpuThrowsNotFound) {
    MediatorOptions options;
    options.uuid = uuid;
    options.sysfs_root = sysfs.string();
    options.dev_dir = dev.string();
    EXPECT_THROW(MediatorSource source(options), VgpuNotFound);
}

TEST_F(VgpuLocator, MediatorSourceNamesADeviceThatIsNotAnExportDevice) {
    make_mdev(true);  // a plain file where the character device should be
    MediatorOptions options;
    options.uuid = uuid;
    options.sysfs_root = sysfs.string();
    try {
        MediatorSource source(options);
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find((dev / uuid).string()), std::string::npos) << message;
        EXPECT_NE(message.find("VGPU_DISPLAY_GET_INFO"), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace fbx
