// Included before everything in the configuration parser's fuzz build.
// toml++ 3.3.0 asserts, at the start of parse_key(), something a malformed
// table header such as "[\n" or "[[[" breaks, and the code after it then
// reports the parse error properly (fixed upstream in marzer/tomlplusplus
// pull request 301). Debian's libtomlplusplus3 is built without assertions
// (NDEBUG, by GCC, which has no __builtin_assume), so the parser is fuzzed
// as it ships: assertions off, and not turned into clang's __builtin_assume
// as NDEBUG would.
#pragma once

#define TOML_ASSERT(expr) static_assert(true)
