#pragma once

#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>

#include "command_line.hpp"

namespace fbx::cli {

// The life every tool's main() has: parse the command line, answer --help
// and --version, then run. A UsageError (or an error reading a file an
// option names) exits 2 with a hint to --help; an exception out of `run`
// exits 1; messages go to stderr as "NAME: message". `Options` has bool
// `help` and `version` members.
template <typename Options>
int tool_main(std::string_view name, int argc, char** argv,
              const std::function<Options(int, char**)>& parse,
              const std::function<std::string()>& help, const std::function<int(Options&)>& run) {
    Options opts;
    try {
        opts = parse(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << name << ": " << e.what() << "\nTry '" << name << " --help'.\n";
        return exit_usage;
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << '\n';
        return exit_usage;
    }
    if (opts.help) {
        std::cout << help();
        return exit_ok;
    }
    if (opts.version) {
        std::cout << name << ' ' << FBEXPORT_VERSION << '\n';
        return exit_ok;
    }
    try {
        return run(opts);
    } catch (const std::exception& e) {
        std::cerr << name << ": " << e.what() << '\n';
        return exit_failure;
    }
}

}  // namespace fbx::cli
