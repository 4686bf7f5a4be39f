// The gst-launch-1.0 recipes of README.md's "Streaming" section, run exactly
// as written, each in a folder of its own; every file a recipe writes must be
// a video gst-discoverer-1.0 reads at the demo's size. Those of a vGPU need
// one: tests/vm/guest/fbexportsrc_vgpu_test.cpp runs them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "gst_test_support.hpp"
#include "readme_recipes.hpp"

namespace fbx::test {
namespace {

namespace fs = std::filesystem;

TEST(ReadmeRecipes, RunAsWrittenAndMakeReadableVideo) {
    use_build_tree_plugin();
    const auto recipes = streaming_recipes(FBEXPORT_README);
    ASSERT_GE(recipes.size(), 2u) << "no gst-launch-1.0 recipes in README's Streaming section";
    const std::regex location(R"(location=(\S+))");
    const std::regex size(R"(demo-size=(\d+)x(\d+))");
    int index = 0;
    for (const auto& recipe : recipes) {
        if (is_vgpu_recipe(recipe)) {
            continue;
        }
        SCOPED_TRACE(recipe);
        const fs::path dir =
            fs::temp_directory_path() /
            ("readme_recipe." + std::to_string(getpid()) + "." + std::to_string(index++));
        fs::create_directories(dir);
        const CommandResult run = run_command("cd '" + dir.string() + "' && " + recipe);
        EXPECT_EQ(run.status, 0) << run.output;

        std::smatch size_match;
        const bool sized = std::regex_search(recipe, size_match, size);
        const auto width = std::uint32_t(sized ? std::stoul(size_match[1].str()) : 1920);
        const auto height = std::uint32_t(sized ? std::stoul(size_match[2].str()) : 1080);
        for (auto it = std::sregex_iterator(recipe.begin(), recipe.end(), location);
             it != std::sregex_iterator(); ++it) {
            const fs::path file = dir / (*it)[1].str();
            EXPECT_TRUE(is_video(discover(file.string()), width, height));
        }
        fs::remove_all(dir);
    }
}

}  // namespace
}  // namespace fbx::test
