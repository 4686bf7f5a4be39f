#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fbexport/demo_source.hpp"
#include "fbexport/source.hpp"

namespace fbx::cli {

// What --source names: the built-in demo, a vgpu_mediator vGPU by UUID, or
// any mdev display by UUID through the VFIO display ioctls (vfio:).
struct SourceSpec {
    enum class Kind { demo, vgpu, vfio };
    Kind kind = Kind::demo;
    std::string uuid;  // for Kind::vgpu and Kind::vfio

    std::string to_string() const {
        return kind == Kind::demo ? "demo" : (kind == Kind::vgpu ? "vgpu:" : "vfio:") + uuid;
    }
    bool operator==(const SourceSpec&) const = default;
};

// "demo", "vgpu:<uuid>" or "vfio:<uuid>"; throws UsageError naming `option` otherwise.
SourceSpec parse_source_spec(std::string_view option, std::string_view text);
// A bare vGPU UUID (fbshot --device); throws UsageError naming `option`.
SourceSpec parse_vgpu_uuid(std::string_view option, std::string_view text);

// Opens the source; `demo` is used for the demo only. A vGPU that does not
// exist throws fbx::VgpuNotFound.
std::unique_ptr<Source> open_source(const SourceSpec& spec, const DemoOptions& demo);

}  // namespace fbx::cli
