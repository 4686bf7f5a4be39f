#!/usr/bin/env bash
# Installs what fbexport needs, builds it and runs every test through CTest:
# an ASan+UBSan build (unit tests), the libFuzzer targets of the kernel's
# pure logic (FBEXPORT_FUZZ_SECONDS each, default 20), then the normal build
# (unit, integration, VM). Exits non-zero if anything fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FBEXPORT_BUILD_DIR:-$root/build}
jobs=$(nproc)

bash "$root/tools/setup-deps.sh"

echo "== sanitizer build (ASan+UBSan): unit tests"
cmake -S "$root" -B "$build-asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFBEXPORT_SANITIZE=ON >/dev/null
cmake --build "$build-asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$build-asan" -L unit -j "$jobs" --output-on-failure

fuzz_seconds=${FBEXPORT_FUZZ_SECONDS:-20}
echo "== fuzzing (libFuzzer, ASan+UBSan): kernel pure logic, $fuzz_seconds s a target"
cmake -S "$root/tests/fuzz" -B "$build-fuzz" -G Ninja -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DFBEXPORT_FUZZ_SECONDS="$fuzz_seconds" >/dev/null
cmake --build "$build-fuzz" -j "$jobs"
ctest --test-dir "$build-fuzz" -j "$jobs" --output-on-failure

echo "== main build: all tests"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" -j "$jobs" --output-on-failure
