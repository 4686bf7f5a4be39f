// --convert=auto|cpu|gl: parsing, and what each mode gives on this machine.

#include "display/converter_factory.hpp"

#include <gtest/gtest.h>

#include "display/gl_converter.hpp"
#include "fbexport/error.hpp"

namespace fbx {
namespace {

TEST(ConvertMode, ParsesTheThreeNames) {
    EXPECT_EQ(parse_convert_mode("auto"), ConvertMode::automatic);
    EXPECT_EQ(parse_convert_mode("cpu"), ConvertMode::cpu);
    EXPECT_EQ(parse_convert_mode("gl"), ConvertMode::gl);
    EXPECT_EQ(parse_convert_mode("GL"), std::nullopt);
    EXPECT_EQ(parse_convert_mode(""), std::nullopt);
    EXPECT_EQ(parse_convert_mode("vulkan"), std::nullopt);
    for (auto mode : {ConvertMode::automatic, ConvertMode::cpu, ConvertMode::gl}) {
        EXPECT_EQ(parse_convert_mode(convert_mode_name(mode)), mode);
    }
}

TEST(MakeConverter, CpuIsTheCpuPath) {
    const auto converter = make_converter(ConvertMode::cpu);
    EXPECT_EQ(converter->describe().rfind("cpu (", 0), 0u) << converter->describe();
}

TEST(MakeConverter, GlIsTheGlPathOrAnErrorSayingWhy) {
    try {
        const auto converter = make_converter(ConvertMode::gl);
        EXPECT_EQ(converter->describe().rfind("gl (", 0), 0u) << converter->describe();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("--convert=gl"), std::string::npos) << e.what();
        GTEST_SKIP() << "no GL path on this machine: " << e.what();
    }
}

TEST(MakeConverter, AutomaticAlwaysGivesAConverter) {
    const auto converter = make_converter(ConvertMode::automatic);
    ASSERT_NE(converter, nullptr);
    const std::string what = converter->describe();
    EXPECT_TRUE(what.rfind("cpu (", 0) == 0 || what.rfind("gl (", 0) == 0) << what;
}

}  // namespace
}  // namespace fbx
