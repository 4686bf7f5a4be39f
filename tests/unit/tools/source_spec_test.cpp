#include "source_spec.hpp"

#include <gtest/gtest.h>

#include "command_line.hpp"

namespace fbx::cli {
namespace {

constexpr const char* uuid = "0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4";

TEST(SourceSpec, DemoAndVgpu) {
    EXPECT_EQ(parse_source_spec("--source", "demo").kind, SourceSpec::Kind::demo);
    const SourceSpec vgpu = parse_source_spec("--source", std::string("vgpu:") + uuid);
    EXPECT_EQ(vgpu.kind, SourceSpec::Kind::vgpu);
    EXPECT_EQ(vgpu.uuid, uuid);
    EXPECT_EQ(vgpu.to_string(), std::string("vgpu:") + uuid);
    EXPECT_EQ(parse_vgpu_uuid("--device", uuid).uuid, uuid);
}

TEST(SourceSpec, VfioNamesAnyMdevDisplay) {
    const SourceSpec vfio = parse_source_spec("--source", std::string("vfio:") + uuid);
    EXPECT_EQ(vfio.kind, SourceSpec::Kind::vfio);
    EXPECT_EQ(vfio.uuid, uuid);
    EXPECT_EQ(vfio.to_string(), std::string("vfio:") + uuid);
    EXPECT_THROW(parse_source_spec("--source", "vfio:not-a-uuid"), UsageError);
}

TEST(SourceSpec, MistakesAreUsageErrorsNamingTheOption) {
    for (const char* text : {"", "vgpu", "vgpu:", "vgpu:not-a-uuid", "mbochs", "demo2"}) {
        try {
            parse_source_spec("--source", text);
            ADD_FAILURE() << "'" << text << "' accepted";
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find("--source"), std::string::npos) << e.what();
        }
    }
    try {
        parse_vgpu_uuid("--device", "vgpu:0b6bbd3e");
        ADD_FAILURE() << "accepted";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("--device: 'vgpu:0b6bbd3e' is not a vGPU UUID"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace fbx::cli
