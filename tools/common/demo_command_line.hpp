#pragma once

#include <getopt.h>

#include <string_view>
#include <vector>

#include "fbexport/demo_source.hpp"

namespace fbx::cli {

// The --demo-* options that fbexportd and fbshot share: the demo source's
// size, pixel format, tiling and animation end.
class DemoCommandLine {
public:
    // getopt_long entries; their `val`s are from first_option_id upwards.
    static constexpr int first_option_id = 1000;
    static std::vector<option> options();
    static std::string_view help();

    // Takes one parsed option; false when `id` is not a demo option. Throws
    // UsageError on a bad value.
    bool take(int id, const char* value);

    const DemoOptions& demo() const { return demo_; }
    DemoOptions& demo() { return demo_; }

private:
    DemoOptions demo_;
};

}  // namespace fbx::cli
