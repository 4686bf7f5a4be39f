// Run with __EGL_VENDOR_LIBRARY_FILENAMES pointing nowhere (see
// CMakeLists.txt), so libglvnd finds no EGL driver: what a machine without
// Mesa or the NVIDIA driver sees. The GL path must fail with a message
// naming the EGL call and its error, and auto must fall back to the CPU.

#include <gtest/gtest.h>

#include <cstdlib>

#include "display/converter_factory.hpp"
#include "display/gl_converter.hpp"
#include "fbexport/error.hpp"

namespace fbx {
namespace {

class WithoutEgl : public ::testing::Test {
protected:
    void SetUp() override {
        const char* vendors = std::getenv("__EGL_VENDOR_LIBRARY_FILENAMES");
        if (vendors == nullptr || std::string(vendors).find("nonexistent") == std::string::npos) {
            GTEST_SKIP() << "run through CTest, which hides the EGL drivers";
        }
    }
};

TEST_F(WithoutEgl, GlConverterFailsSayingWhichEglCallFailed) {
    try {
        GlConverter converter;
        FAIL() << "a GL converter opened without EGL drivers: " << converter.describe();
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("EGL"), std::string::npos) << what;
        std::printf("error: %s\n", what.c_str());
    }
}

TEST_F(WithoutEgl, ForcedGlIsAnErrorAndAutomaticIsTheCpu) {
    EXPECT_THROW(make_converter(ConvertMode::gl), Error);
    const auto converter = make_converter(ConvertMode::automatic);
    EXPECT_EQ(converter->describe().rfind("cpu (", 0), 0u) << converter->describe();
}

}  // namespace
}  // namespace fbx
