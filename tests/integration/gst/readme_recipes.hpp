// The gst-launch-1.0 recipes of README.md's "## Streaming" section, as the
// tests that run them as written read them.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace fbx::test {

// The command lines of the shell blocks in the "## Streaming" section that
// start with gst-launch-1.0 (backslash continuations joined).
inline std::vector<std::string> streaming_recipes(const std::string& readme) {
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

// Whether a recipe streams a vGPU ($uuid): those run in the VM tests.
inline bool is_vgpu_recipe(const std::string& recipe) {
    return recipe.find("device=$uuid") != std::string::npos ||
           recipe.find("source=vgpu:$uuid") != std::string::npos;
}

}  // namespace fbx::test
