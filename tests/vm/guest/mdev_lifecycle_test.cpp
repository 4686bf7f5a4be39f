// In-guest tests: the vgpu_mediator mdev parent, its types and the lifecycle
// of instances through sysfs, against the real mdev core of the booted
// kernel. Run by tests/vm/vm-kernel.sh (CTest vm.6.1, vm.6.12).
#include <fcntl.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "mdev_sysfs.hpp"

namespace vmtest {
namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : " ") + x;
    return s.empty() ? "(none)" : s;
}

std::string real(const std::string& path) {
    char buf[PATH_MAX];
    return ::realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

TEST(VfioGuest, ContainerDeviceWorks) {
    struct stat st;
    ASSERT_EQ(::stat("/dev/vfio/vfio", &st), 0) << "no /dev/vfio/vfio: vfio not loaded?";
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    int fd = ::open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    EXPECT_EQ(::ioctl(fd, VFIO_GET_API_VERSION), VFIO_API_VERSION);
    EXPECT_EQ(::ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU), 1)
        << "vfio_iommu_type1 not available";
    ::close(fd);
}

class MdevLifecycle : public ::testing::Test {
protected:
    void SetUp() override {
        parent_ = find_parent();
        ASSERT_FALSE(parent_.empty()) << "no vgpu_mediator parent under " << kMdevBusClass << ": "
                                      << joined(list_dir(kMdevBusClass));
        types_ = list_types(parent_);
        ASSERT_GE(types_.size(), 3u)
            << "types: " << joined(list_dir(parent_ + "/mdev_supported_types"));
        for (const auto& t : types_)
            initial_[t.id] = t.available();
    }

    void TearDown() override {
        // Every test removes what it created: the counts are back where they were.
        for (const auto& t : types_) {
            EXPECT_EQ(t.available(), initial_[t.id]) << t.id << " after " << test_name();
        }
    }

    static std::string test_name() {
        return ::testing::UnitTest::GetInstance()->current_test_info()->name();
    }

    // The type with the most (or fewest) instances available.
    const MdevType& most_available() const {
        return *std::max_element(types_.begin(), types_.end(), [](const auto& a, const auto& b) {
            return a.available() < b.available();
        });
    }
    const MdevType& fewest_available() const {
        return *std::min_element(types_.begin(), types_.end(), [](const auto& a, const auto& b) {
            return a.available() < b.available();
        });
    }

    std::string parent_;
    std::vector<MdevType> types_;
    std::map<std::string, long long> initial_;
};

TEST_F(MdevLifecycle, ParentIsTheModulesDevice) {
    EXPECT_EQ(parent_, std::string(kMdevBusClass) + "/" + VGPU_PARENT_DEVICE);
    EXPECT_TRUE(exists(parent_ + "/mdev_supported_types"));
    // The documented class path names the same device.
    EXPECT_EQ(real(parent_), real(VGPU_PARENT_SYSFS_PATH));
}

TEST_F(MdevLifecycle, TypesDescribeThemselves) {
    std::set<std::string> names, descriptions;
    for (const auto& t : types_) {
        SCOPED_TRACE(t.id);
        EXPECT_FALSE(t.name.empty());
        std::string desc = read_line(t.path + "/description");
        EXPECT_FALSE(desc.empty());
        EXPECT_EQ(read_line(t.path + "/device_api"), "vfio-pci");
        EXPECT_GE(t.available(), 1)
            << "available_instances: " << read_line(t.path + "/available_instances");
        EXPECT_TRUE(exists(t.path + "/create"));
        EXPECT_TRUE(exists(t.path + "/devices"));
        EXPECT_TRUE(list_dir(t.path + "/devices").empty());
        names.insert(t.name);
        descriptions.insert(desc);
    }
    EXPECT_EQ(names.size(), types_.size()) << "type names are not distinct";
    EXPECT_EQ(descriptions.size(), types_.size()) << "type descriptions are not distinct";
}

TEST_F(MdevLifecycle, CreateAndRemoveEachType) {
    for (const auto& t : types_) {
        SCOPED_TRACE(t.id);
        long long before = t.available();
        ASSERT_GE(before, 1);
        MdevInstance inst;
        int e = inst.create(t);
        ASSERT_EQ(e, 0) << std::strerror(e);
        EXPECT_TRUE(exists(inst.path()));
        EXPECT_EQ(real(inst.path() + "/mdev_type"), real(t.path));
        EXPECT_TRUE(exists(t.path + "/devices/" + inst.uuid()));
        EXPECT_EQ(t.available(), before - 1);
        // The instance is a vfio-bound mdev device with an IOMMU group.
        EXPECT_TRUE(exists(inst.path() + "/iommu_group"));
        std::string uuid = inst.uuid();
        ASSERT_EQ(inst.remove(), 0);
        EXPECT_FALSE(exists(device_path(uuid)));
        EXPECT_FALSE(exists(t.path + "/devices/" + uuid));
        EXPECT_EQ(t.available(), before);
    }
}

TEST_F(MdevLifecycle, ManyInstancesCoexist) {
    const MdevType& t = most_available();
    long long before = t.available();
    const long long n = std::min<long long>(before, 16);
    ASSERT_GE(n, 4) << t.id << " offers only " << before;
    std::vector<MdevInstance> insts(static_cast<size_t>(n));
    std::set<std::string> groups;
    for (auto& inst : insts) {
        ASSERT_EQ(inst.create(t), 0);
        groups.insert(real(inst.path() + "/iommu_group"));
    }
    EXPECT_EQ(t.available(), before - n);
    auto devices = list_dir(t.path + "/devices");
    EXPECT_EQ(devices.size(), static_cast<size_t>(n));
    for (const auto& inst : insts) {
        EXPECT_TRUE(exists(inst.path())) << inst.uuid();
    }
    EXPECT_EQ(groups.size(), static_cast<size_t>(n)) << "instances share an IOMMU group";
    // Remove every other one, then the rest: each removal gives a slot back.
    long long removed = 0;
    for (size_t i = 0; i < insts.size(); i += 2, ++removed)
        ASSERT_EQ(insts[i].remove(), 0);
    EXPECT_EQ(t.available(), before - n + removed);
    for (auto& inst : insts)
        ASSERT_EQ(inst.remove(), 0);
    EXPECT_EQ(t.available(), before);
}

TEST_F(MdevLifecycle, InstancesOfDifferentTypesCoexist) {
    std::vector<MdevInstance> insts(types_.size());
    for (size_t i = 0; i < types_.size(); ++i) {
        ASSERT_EQ(insts[i].create(types_[i]), 0) << types_[i].id;
    }
    for (size_t i = 0; i < types_.size(); ++i) {
        EXPECT_EQ(real(insts[i].path() + "/mdev_type"), real(types_[i].path));
    }
}

TEST_F(MdevLifecycle, CreateFailsWhenNoneAvailable) {
    const MdevType& t = fewest_available();
    long long before = t.available();
    ASSERT_GE(before, 1);
    ASSERT_LE(before, 256) << t.id << ": too many to exhaust in a test";
    std::map<std::string, long long> others;
    for (const auto& o : types_)
        others[o.id] = o.available();

    std::vector<MdevInstance> insts(static_cast<size_t>(before));
    for (auto& inst : insts)
        ASSERT_EQ(inst.create(t), 0);
    EXPECT_EQ(t.available(), 0);
    MdevInstance extra;
    EXPECT_EQ(extra.create(t), ENOSPC) << "creating beyond available_instances";
    EXPECT_FALSE(extra);
    // The budget is shared: the other types offer fewer now.
    for (const auto& o : types_) {
        if (o.id != t.id) {
            EXPECT_LT(o.available(), others[o.id]) << o.id;
        }
    }
    insts.clear();
    EXPECT_EQ(t.available(), before);
}

TEST_F(MdevLifecycle, RejectsDuplicateAndMalformedUuids) {
    const MdevType& t = types_.front();
    MdevInstance inst;
    ASSERT_EQ(inst.create(t), 0);
    EXPECT_NE(write_file(t.path + "/create", inst.uuid()), 0) << "same UUID created twice";
    EXPECT_NE(write_file(t.path + "/create", "not-a-uuid"), 0);
    EXPECT_NE(write_file(t.path + "/create", "\n"), 0);
    EXPECT_EQ(list_dir(t.path + "/devices").size(), 1u);
}

TEST_F(MdevLifecycle, RemovedInstanceCanBeRecreatedWithSameUuid) {
    const MdevType& t = types_.front();
    std::string uuid = new_uuid();
    for (int round = 0; round < 3; ++round) {
        ASSERT_EQ(write_file(t.path + "/create", uuid), 0) << "round " << round;
        ASSERT_TRUE(exists(device_path(uuid)));
        ASSERT_EQ(write_file(device_path(uuid) + "/remove", "1"), 0);
        ASSERT_FALSE(exists(device_path(uuid)));
    }
}

// Unloading the module while an instance exists is either refused (the
// instance stays) or clean (the instances go with the parent). Either way the
// module is loaded again afterwards, so tests that run later still have it.
TEST_F(MdevLifecycle, ModuleUnloadWithAnInstanceIsRefusedOrClean) {
    const char* module = std::getenv("VM_MODULE");
    const char* ko = std::getenv("VM_MODULE_KO");
    if (!module || !*module || !ko || !*ko)
        GTEST_SKIP() << "VM_MODULE/VM_MODULE_KO not set";
    MdevInstance inst;
    ASSERT_EQ(inst.create(types_.front()), 0);
    std::string dev = inst.path();
    errno = 0;
    long r = ::syscall(SYS_delete_module, module, O_NONBLOCK);
    int e = errno;
    if (r != 0) {
        EXPECT_TRUE(e == EWOULDBLOCK || e == EBUSY) << std::strerror(e);
        EXPECT_TRUE(exists(dev));
        EXPECT_TRUE(exists(std::string("/sys/module/") + module));
        return;
    }
    inst.forget();
    EXPECT_FALSE(exists(dev)) << "instance outlived its module";
    EXPECT_FALSE(exists(std::string("/sys/module/") + module));
    EXPECT_FALSE(exists(parent_));
    int fd = ::open(ko, O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << ko << ": " << std::strerror(errno);
    long lr = ::syscall(SYS_finit_module, fd, "", 0);
    int le = errno;
    ::close(fd);
    ASSERT_EQ(lr, 0) << "reloading " << ko << ": " << std::strerror(le);
    EXPECT_TRUE(exists(parent_));
}

}  // namespace
}  // namespace vmtest
