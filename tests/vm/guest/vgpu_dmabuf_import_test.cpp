// In-guest tests: a real dma-buf importer. vgem (loaded by the harness, see
// tests/vm/CMakeLists.txt) takes a plane's dma-buf with
// DRM_IOCTL_PRIME_FD_TO_HANDLE, which attaches to it and maps it at once
// (dma_buf_map_attachment -> the exporter's map_dma_buf, an sg_table mapped
// for vgem's device). A failing map_dma_buf makes that ioctl fail, so every
// import below is also a check of the exporter's sg_table path; closing the
// GEM handle unmaps and detaches again. The debugfs dma-buf list, where there
// is one, shows attachments and file references, so leaks show up directly.
#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "fbexport/error.hpp"
#include "vgpu_fixture.hpp"

namespace vmtest {
namespace {

// ioctl, restarted as libdrm's drmIoctl does; returns 0 or errno.
int drm_ioctl(int fd, unsigned long request, void* arg) {
    int ret;
    do {
        ret = ::ioctl(fd, request, arg);
    } while (ret == -1 && (errno == EINTR || errno == EAGAIN));
    return ret == 0 ? 0 : errno;
}

// An open DRM node of the vgem driver (card or render node, whichever is
// found first; PRIME works on both).
class Vgem {
public:
    Vgem() {
        for (const char* prefix : {"renderD", "card"}) {
            DIR* dir = ::opendir("/dev/dri");
            if (dir == nullptr) {
                break;
            }
            while (const dirent* entry = ::readdir(dir)) {
                const std::string name = entry->d_name;
                if (name.rfind(prefix, 0) != 0) {
                    continue;
                }
                fbx::UniqueFd fd(::open(("/dev/dri/" + name).c_str(), O_RDWR | O_CLOEXEC));
                if (fd && driver_name(fd.get()) == "vgem") {
                    fd_ = std::move(fd);
                    path_ = "/dev/dri/" + name;
                    break;
                }
            }
            ::closedir(dir);
            if (fd_) {
                return;
            }
        }
        throw fbx::Error(
            "no vgem DRM node under /dev/dri: the vgem module must be loaded "
            "(vm-kernel.sh --modules \"vfio vfio_iommu_type1 mdev vgem\")");
    }

    int fd() const { return fd_.get(); }
    const std::string& path() const { return path_; }

    // DRM_IOCTL_PRIME_FD_TO_HANDLE: 0 and the handle, or the errno.
    std::pair<int, std::uint32_t> import(int dmabuf_fd) const {
        drm_prime_handle args{};
        args.fd = dmabuf_fd;
        const int err = drm_ioctl(fd_.get(), DRM_IOCTL_PRIME_FD_TO_HANDLE, &args);
        return {err, err == 0 ? args.handle : 0u};
    }

    // DRM_IOCTL_PRIME_HANDLE_TO_FD: a new fd of the dma-buf behind `handle`.
    fbx::UniqueFd export_handle(std::uint32_t handle) const {
        drm_prime_handle args{};
        args.handle = handle;
        args.flags = DRM_CLOEXEC | DRM_RDWR;
        args.fd = -1;
        if (const int err = drm_ioctl(fd_.get(), DRM_IOCTL_PRIME_HANDLE_TO_FD, &args)) {
            fbx::throw_errno(path_ + ": PRIME_HANDLE_TO_FD of handle " + std::to_string(handle),
                             err);
        }
        return fbx::UniqueFd(args.fd);
    }

    // DRM_IOCTL_GEM_CLOSE: 0 or the errno.
    int close_handle(std::uint32_t handle) const {
        drm_gem_close args{};
        args.handle = handle;
        return drm_ioctl(fd_.get(), DRM_IOCTL_GEM_CLOSE, &args);
    }

private:
    static std::string driver_name(int fd) {
        char name[64] = {};
        drm_version version{};
        version.name = name;
        version.name_len = sizeof(name) - 1;
        return drm_ioctl(fd, DRM_IOCTL_VERSION, &version) == 0 ? std::string(name) : std::string();
    }

    fbx::UniqueFd fd_;
    std::string path_;
};

// A GEM handle of an imported dma-buf, closed on destruction.
class ImportedHandle {
public:
    ImportedHandle(const Vgem& vgem, std::uint32_t handle) : vgem_(&vgem), handle_(handle) {}
    ImportedHandle(ImportedHandle&& other) noexcept
        : vgem_(other.vgem_), handle_(std::exchange(other.handle_, 0)) {}
    ImportedHandle& operator=(ImportedHandle&&) = delete;
    ImportedHandle(const ImportedHandle&) = delete;
    ImportedHandle& operator=(const ImportedHandle&) = delete;
    ~ImportedHandle() {
        if (handle_ != 0) {
            vgem_->close_handle(handle_);
        }
    }

    std::uint32_t get() const { return handle_; }
    // Closes the handle now; 0 or the errno.
    int close() { return vgem_->close_handle(std::exchange(handle_, 0)); }

private:
    const Vgem* vgem_;
    std::uint32_t handle_;
};

struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    friend bool operator==(const FileId&, const FileId&) = default;
};

FileId file_id(int fd, const std::string& what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        fbx::throw_errno("fstat of " + what);
    }
    return {st.st_dev, st.st_ino};
}

// One dma-buf's entry in /sys/kernel/debug/dma_buf/bufinfo.
struct BufInfo {
    long file_count = 0;
    std::vector<std::string> attached;  // device names
};

constexpr const char* bufinfo_path = "/sys/kernel/debug/dma_buf/bufinfo";

bool have_bufinfo() {
    return std::ifstream(bufinfo_path).good();
}

// The entry of the dma-buf with inode `ino`, or nothing when it is not listed
// (released). Entries are "size flags mode count exp_name ino name" lines,
// then "\tAttached Devices:", a line per device and "Total N devices attached".
std::optional<BufInfo> bufinfo(ino_t ino) {
    std::ifstream in(bufinfo_path);
    if (!in) {
        throw fbx::Error(std::string("cannot read ") + bufinfo_path);
    }
    std::optional<BufInfo> found;
    bool in_devices = false;
    std::string line;
    while (std::getline(in, line)) {
        if (!found) {
            std::istringstream fields(line);
            std::string size, flags, mode, count, exp_name, inode;
            if (!(fields >> size >> flags >> mode >> count >> exp_name >> inode)) {
                continue;
            }
            char* end = nullptr;
            const unsigned long value = std::strtoul(inode.c_str(), &end, 10);
            if (*end != '\0' || value != ino) {
                continue;
            }
            found.emplace();
            found->file_count = std::strtol(count.c_str(), nullptr, 10);
        } else if (line.rfind("Total ", 0) == 0) {
            break;
        } else if (line.find("Attached Devices:") != std::string::npos) {
            in_devices = true;
        } else if (in_devices && !line.empty() && line[0] == '\t') {
            found->attached.push_back(line.substr(1));
        }
    }
    return found;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) {
        text += (text.empty() ? "" : ", ") + name;
    }
    return text.empty() ? "none" : text;
}

class DmabufImport : public VgpuTest {
protected:
    void SetUp() override {
        VgpuTest::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        try {
            vgem_.emplace();
        } catch (const fbx::Error& e) {
            FAIL() << e.what();
        }
    }

    void TearDown() override {
        vgem_.reset();
        VgpuTest::TearDown();
    }

    // Draws a known pattern into a 640x480 surface (about 300 pages, so the
    // sg_table has many entries), shows it on the primary plane and returns
    // a fresh fd of its dma-buf; expected_ gets the bytes VRAM holds.
    fbx::UniqueFd export_primary() {
        plane_ = vgpu::make_plane(fbx::supported_formats()[0], fbx::supported_modifiers()[0], 640,
                                  480, 2u << 20);
        device().draw(plane_, vgpu::Pattern::noise, 7);
        show(VGPU_PLANE_PRIMARY, plane_);
        const std::uint32_t status = device().plane_status(VGPU_PLANE_PRIMARY);
        if (status != VGPU_PLANE_OK) {
            throw fbx::Error("plane status " + vgpu::plane_status_name(status) + " for " +
                             vgpu::describe(plane_));
        }
        const auto info = device().query_plane(vgpu::drm_plane_primary);
        if (info.dmabuf_id == 0) {
            throw fbx::Error("no dmabuf_id for the shown " + vgpu::describe(plane_));
        }
        size_ = info.size;
        expected_ = vram_bytes(device(), plane_);
        if (expected_.size() != size_) {
            throw fbx::Error("plane size " + std::to_string(size_) + " but the surface has " +
                             std::to_string(expected_.size()) + " bytes");
        }
        return device().get_dmabuf(info.dmabuf_id);
    }

    // Imports `dmabuf_fd` into vgem; the failure names map_dma_buf, which is
    // what makes PRIME_FD_TO_HANDLE fail for a valid dma-buf.
    ImportedHandle import(int dmabuf_fd) {
        const auto [err, handle] = vgem_->import(dmabuf_fd);
        if (err != 0) {
            throw fbx::Error(vgem_->path() +
                             ": PRIME_FD_TO_HANDLE of the plane's dma-buf: " + errno_text(err) +
                             " (the exporter's map_dma_buf failed, or the attach did)");
        }
        if (handle == 0) {
            throw fbx::Error(vgem_->path() + ": PRIME_FD_TO_HANDLE succeeded with handle 0");
        }
        return {*vgem_, handle};
    }

    // The re-exported fd is the very dma-buf of `original` and reads as
    // VRAM did when the plane was exported.
    void expect_same_dmabuf(int reexported, int original, const std::string& when) {
        EXPECT_EQ(file_id(reexported, "the re-exported fd"), file_id(original, "the dma-buf fd"))
            << when << ": PRIME_HANDLE_TO_FD gave another file than the imported dma-buf";
        const vgpu::RegionMapping map(reexported, 0, size_, false, "re-exported dma-buf");
        const auto diff = first_difference(map.data(), expected_.data(), size_);
        EXPECT_FALSE(diff.has_value()) << when << ": the re-exported dma-buf differs from VRAM at "
                                       << diff.value_or(0) << " of " << size_;
    }

    static void expect_no_kernel_complaints(KernelLog& log) {
        for (const auto& line : KernelLog::bad_lines(log.read_new())) {
            ADD_FAILURE() << "kernel log: " << line;
        }
    }

    std::optional<Vgem> vgem_;
    vgpu::PlaneConfig plane_;
    std::uint64_t size_ = 0;
    std::vector<std::uint8_t> expected_;
};

TEST_F(DmabufImport, VgemImportsAndReexportsThePlane) {
    KernelLog log;
    const fbx::UniqueFd dmabuf = export_primary();
    const FileId id = file_id(dmabuf.get(), "the dma-buf fd");
    const bool debugfs = have_bufinfo();
    std::optional<BufInfo> before;
    if (debugfs) {
        before = bufinfo(id.ino);
        ASSERT_TRUE(before.has_value()) << "the dma-buf is not in " << bufinfo_path;
        EXPECT_TRUE(before->attached.empty())
            << "attached before any import: " << joined(before->attached);
    } else {
        std::cout << "note: no " << bufinfo_path << "; attachments are not checked\n";
    }

    ImportedHandle handle = import(dmabuf.get());
    EXPECT_NE(handle.get(), 0u);
    if (debugfs) {
        const auto during = bufinfo(id.ino);
        ASSERT_TRUE(during.has_value());
        EXPECT_EQ(during->attached.size(), 1u)
            << "devices attached while vgem holds it: " << joined(during->attached);
        // The GEM object and the file's PRIME lookup entry each hold one.
        EXPECT_GT(during->file_count, before->file_count)
            << "vgem holds no reference of the dma-buf file while it is imported";
        std::cout << "attached while imported: " << joined(during->attached) << "\n";
    }

    // The same dma-buf again gives the same GEM object and handle.
    const auto [err, again] = vgem_->import(dmabuf.get());
    ASSERT_EQ(err, 0) << "second PRIME_FD_TO_HANDLE: " << errno_text(err);
    EXPECT_EQ(again, handle.get()) << "a second import of the same dma-buf made a new handle";

    {
        const fbx::UniqueFd reexported = vgem_->export_handle(handle.get());
        expect_same_dmabuf(reexported.get(), dmabuf.get(), "while imported");
    }

    ASSERT_EQ(handle.close(), 0) << "GEM_CLOSE";
    // The handle is gone: closing it again is refused.
    EXPECT_EQ(vgem_->close_handle(again), EINVAL) << "GEM_CLOSE of a closed handle";
    if (debugfs) {
        const auto after = bufinfo(id.ino);
        ASSERT_TRUE(after.has_value());
        EXPECT_TRUE(after->attached.empty())
            << "still attached after GEM_CLOSE: " << joined(after->attached);
        EXPECT_EQ(after->file_count, before->file_count)
            << "GEM_CLOSE did not give back vgem's dma-buf file reference";
    }
    expect_no_kernel_complaints(log);
}

// Attach, map, unmap and detach many times: references (file, pages,
// attachments) must come back to where they started.
TEST_F(DmabufImport, RepeatedImportAndCloseLeaksNothing) {
    constexpr int rounds = 200;
    KernelLog log;
    const fbx::UniqueFd dmabuf = export_primary();
    const FileId id = file_id(dmabuf.get(), "the dma-buf fd");
    const bool debugfs = have_bufinfo();
    std::optional<BufInfo> before;
    if (debugfs) {
        before = bufinfo(id.ino);
        ASSERT_TRUE(before.has_value()) << "the dma-buf is not in " << bufinfo_path;
    }

    for (int i = 0; i < rounds; ++i) {
        const std::string when = "round " + std::to_string(i);
        // Every tenth round through a fresh fd of the same surface.
        fbx::UniqueFd fresh;
        if (i % 10 == 9) {
            fresh = device().get_dmabuf(device().query_plane(vgpu::drm_plane_primary).dmabuf_id);
            ASSERT_EQ(file_id(fresh.get(), "a fresh dma-buf fd"), id)
                << when << ": the cached surface gave another dma-buf";
        }
        const int fd = fresh ? fresh.get() : dmabuf.get();
        const auto [err, handle] = vgem_->import(fd);
        ASSERT_EQ(err, 0) << when << ": PRIME_FD_TO_HANDLE: " << errno_text(err)
                          << " (map_dma_buf or attach failed)";
        ASSERT_NE(handle, 0u) << when;
        ImportedHandle owned(*vgem_, handle);
        {
            const fbx::UniqueFd reexported = vgem_->export_handle(handle);
            ASSERT_EQ(file_id(reexported.get(), "the re-exported fd"), id) << when;
        }
        if (i == 0 || i == rounds - 1) {
            const fbx::UniqueFd reexported = vgem_->export_handle(handle);
            expect_same_dmabuf(reexported.get(), dmabuf.get(), when);
        }
        ASSERT_EQ(owned.close(), 0) << when << ": GEM_CLOSE";
    }

    if (debugfs) {
        const auto after = bufinfo(id.ino);
        ASSERT_TRUE(after.has_value());
        EXPECT_TRUE(after->attached.empty())
            << "attachments left after " << rounds << " rounds: " << joined(after->attached);
        EXPECT_EQ(after->file_count, before->file_count)
            << "dma-buf file references leaked over " << rounds << " import/close rounds";
    }
    expect_no_kernel_complaints(log);
}

// The mdev goes while vgem still has the dma-buf attached and mapped: the
// import stays valid (the dma-buf holds its own pages), and closing it
// afterwards unmaps, detaches and finally releases the dma-buf cleanly.
TEST_F(DmabufImport, RemoveWhileImportedThenCloseIsClean) {
    KernelLog log;
    fbx::UniqueFd dmabuf = export_primary();
    const FileId id = file_id(dmabuf.get(), "the dma-buf fd");
    ImportedHandle handle = import(dmabuf.get());

    close_device();
    instance().remove();
    EXPECT_NE(::access(instance().sysfs_path().c_str(), F_OK), 0) << "instance still in sysfs";

    {
        const fbx::UniqueFd reexported = vgem_->export_handle(handle.get());
        expect_same_dmabuf(reexported.get(), dmabuf.get(), "after the remove");
    }
    // vgem's reference is the last one once this fd is closed.
    dmabuf.reset();
    const bool debugfs = have_bufinfo();
    if (debugfs) {
        const auto held = bufinfo(id.ino);
        ASSERT_TRUE(held.has_value()) << "the dma-buf went while vgem still holds it";
        EXPECT_EQ(held->attached.size(), 1u) << "attached: " << joined(held->attached);
    }

    ASSERT_EQ(handle.close(), 0) << "GEM_CLOSE after the remove";
    if (debugfs) {
        EXPECT_FALSE(bufinfo(id.ino).has_value())
            << "the dma-buf is still listed after its last reference went";
    }
    vgem_.reset();
    expect_no_kernel_complaints(log);
}

}  // namespace
}  // namespace vmtest
