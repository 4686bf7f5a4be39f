#include "source_spec.hpp"

#include "command_line.hpp"
#include "fbexport/mediator_source.hpp"
#include "fbexport/vfio_source.hpp"
#include "fbexport/vgpu_locator.hpp"

namespace fbx::cli {
namespace {

constexpr std::string_view vgpu_prefix = "vgpu:";
constexpr std::string_view vfio_prefix = "vfio:";
constexpr const char* uuid_example = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";

}  // namespace

SourceSpec parse_vgpu_uuid(std::string_view option, std::string_view text) {
    if (!is_uuid(text)) {
        throw UsageError(std::string(option) + ": '" + std::string(text) +
                         "' is not a vGPU UUID (like " + uuid_example + ")");
    }
    return {SourceSpec::Kind::vgpu, std::string(text)};
}

SourceSpec parse_source_spec(std::string_view option, std::string_view text) {
    if (text == "demo") {
        return {};
    }
    if (text.starts_with(vgpu_prefix)) {
        return parse_vgpu_uuid(option, text.substr(vgpu_prefix.size()));
    }
    if (text.starts_with(vfio_prefix)) {
        SourceSpec spec = parse_vgpu_uuid(option, text.substr(vfio_prefix.size()));
        spec.kind = SourceSpec::Kind::vfio;
        return spec;
    }
    throw UsageError(std::string(option) + ": unknown source '" + std::string(text) +
                     "'; give 'demo', 'vgpu:UUID' or 'vfio:UUID' (e.g. vgpu:" + uuid_example + ")");
}

std::unique_ptr<Source> open_source(const SourceSpec& spec, const DemoOptions& demo) {
    if (spec.kind == SourceSpec::Kind::demo) {
        return std::make_unique<DemoSource>(demo);
    }
    if (spec.kind == SourceSpec::Kind::vfio) {
        return std::make_unique<VfioSource>(VfioDisplayDevice::open({.uuid = spec.uuid}));
    }
    MediatorOptions options;
    options.uuid = spec.uuid;
    return std::make_unique<MediatorSource>(options);
}

}  // namespace fbx::cli
