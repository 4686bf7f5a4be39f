// The gst-launch-1.0 recipes of README.md's "Streaming" section, run exactly
// as written, each in a folder of its own; every file a recipe writes must be
// a video gst-discoverer-1.0 reads at the demo's size.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "gst_test_support.hpp"

namespace fbx::test {
namespace {

namespace fs = std::filesystem;

// The command lines of the shell blocks in the "## Streaming" section that
// start with gst-launch-1.0 (backslash continuations joined).
std::vector<std::string> streaming_recipes(const fs::path& readme) {
    std::ifstream in(readme);
    std::vector<std::string> recipes;
    bool in_section = false;
    bool in_block = false;
    std::string pending;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) == 0) {
            in_section = line == "## Streaming";
        }
        if (!in_section) {
            continue;
        }
        if (line.rfind("```", 0) == 0) {
            in_block = !in_block;
            continue;
        }
        if (!in_block) {
            continue;
        }
        if (!pending.empty() || line.rfind("gst-launch-1.0 ", 0) == 0) {
            const bool continued = !line.empty() && line.back() == '\\';
            pending += continued ? line.substr(0, line.size() - 1) : line;
            if (!continued) {
                recipes.push_back(pending);
                pending.clear();
            }
        }
    }
    return recipes;
}

TEST(ReadmeRecipes, RunAsWrittenAndMakeReadableVideo) {
    use_build_tree_plugin();
    const auto recipes = streaming_recipes(FBEXPORT_README);
    ASSERT_GE(recipes.size(), 2u) << "no gst-launch-1.0 recipes in README's Streaming section";
    const std::regex location(R"(location=(\S+))");
    const std::regex size(R"(demo-size=(\d+)x(\d+))");
    int index = 0;
    for (const auto& recipe : recipes) {
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
