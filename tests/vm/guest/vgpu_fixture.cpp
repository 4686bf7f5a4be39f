#include "vgpu_fixture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "fbexport/error.hpp"
#include "fbexport/surface_layout.hpp"

namespace vmtest {

void VgpuTest::SetUp() {
    try {
        instance_ = std::make_unique<vgpu::MdevInstance>(type_);
        device_ = std::make_unique<vgpu::VgpuDevice>(instance_->uuid());
    } catch (const fbx::Error& e) {
        FAIL() << "setting up a " << type_ << " vGPU: " << e.what();
    }
}

void VgpuTest::TearDown() {
    // Order matters: the device fd must be closed before the mdev core lets
    // the instance go (remove waits for the last user).
    device_.reset();
    if (instance_ && !instance_->removed()) {
        EXPECT_NO_THROW(instance_->remove()) << "removing " << instance_->uuid();
    }
    instance_.reset();
}

void VgpuTest::show(std::uint32_t plane, const vgpu::PlaneConfig& config) {
    device_->program_plane(plane, config);
    device_->commit(1u << plane);
}

MappedDmabuf import_dmabuf(const vgpu::VgpuDevice& device, std::uint32_t dmabuf_id,
                           std::size_t size) {
    MappedDmabuf buf;
    buf.fd = device.get_dmabuf(dmabuf_id);
    buf.map = vgpu::RegionMapping(buf.fd.get(), 0, size, false,
                                  "dma-buf " + std::to_string(dmabuf_id) + " of " + device.uuid());
    return buf;
}

std::vector<std::uint8_t> vram_bytes(vgpu::VgpuDevice& device, const vgpu::PlaneConfig& config) {
    const auto modifier = fbx::find_modifier(config.modifier);
    const std::uint64_t size = vgpu::surface_bytes(
        modifier ? modifier->tiling : fbx::Tiling::linear, config.stride, config.height);
    const auto vram = device.vram();
    if (config.offset > vram.size() || size > vram.size() - config.offset) {
        throw fbx::Error("surface " + vgpu::describe(config) + " is not inside VRAM");
    }
    const auto* begin = vram.data() + config.offset;
    return {begin, begin + size};
}

std::optional<std::size_t> first_difference(const std::uint8_t* a, const std::uint8_t* b,
                                            std::size_t size) {
    if (std::memcmp(a, b, size) == 0) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < size; ++i) {
        if (a[i] != b[i]) {
            return i;
        }
    }
    return std::nullopt;
}

std::string errno_text(int err) {
    return std::string(strerrorname_np(err) ? strerrorname_np(err) : "?") + " (" +
           std::strerror(err) + ")";
}

KernelLog::KernelLog() : fd_(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {
    if (!fd_) {
        fbx::throw_errno("open /dev/kmsg");
    }
    ::lseek(fd_.get(), 0, SEEK_END);
}

std::vector<std::string> KernelLog::read_new() {
    std::vector<std::string> lines;
    char record[8192];
    for (;;) {
        const ssize_t n = ::read(fd_.get(), record, sizeof(record));
        if (n < 0) {
            if (errno == EPIPE) {
                continue;  // records were overwritten; go on with the next
            }
            break;  // EAGAIN: nothing more
        }
        // "prio,seq,time,flags;message\n" (continuation lines follow)
        std::string text(record, static_cast<std::size_t>(n));
        const auto semi = text.find(';');
        lines.push_back(semi == std::string::npos ? text : text.substr(semi + 1));
    }
    return lines;
}

std::vector<std::string> KernelLog::bad_lines(const std::vector<std::string>& lines) {
    std::vector<std::string> bad;
    for (const auto& line : lines) {
        for (const char* p : {"WARNING:", "BUG:", "Oops", "general protection", "refcount_t"}) {
            if (line.find(p) != std::string::npos) {
                bad.push_back(line);
                break;
            }
        }
    }
    return bad;
}

std::chrono::seconds stress_duration(std::chrono::seconds fallback) {
    const char* text = std::getenv("VGPU_STRESS_SECONDS");
    if (text == nullptr || *text == '\0') {
        return fallback;
    }
    char* end = nullptr;
    const long value = std::strtol(text, &end, 10);
    return *end == '\0' && value > 0 ? std::chrono::seconds(value) : fallback;
}

std::string format_modifier_name(const ::testing::TestParamInfo<FormatModifier>& info) {
    std::string name =
        std::string(std::get<0>(info.param).name) + "_" + std::string(std::get<1>(info.param).name);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

}  // namespace vmtest
