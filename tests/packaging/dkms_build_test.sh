#!/usr/bin/env bash
# The module's DKMS package builds for Debian's 6.1 and 6.12 kernels: stages
# kernel/ as /usr/src/<name>-<version> would hold it and runs `dkms add` and
# `dkms build` against each cached header tree (the VM tests' cache; fetched
# if missing), with private DKMS and source trees under the build folder, so
# the machine's /var/lib/dkms and /usr/src are not touched.
#   dkms_build_test.sh SOURCE_DIR BUILD_DIR PROJECT_VERSION
set -euo pipefail
src=$(realpath "$1") build=$(realpath "$2") version=$3
source "$(dirname "$0")/module_file.sh"
work=$build/dkms-test
conf=$src/kernel/dkms.conf

command -v dkms >/dev/null || { echo "dkms is not installed (tools/setup-deps.sh installs it)"; exit 1; }
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$conf")
conf_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$conf")
if [ "$conf_version" != "$version" ]; then
  echo "FAIL: kernel/dkms.conf says version $conf_version, the project is $version"
  exit 1
fi

rm -rf "$work"
mkdir -p "$work/src" "$work/tree"
staged=$work/src/$name-$version
mkdir -p "$staged"
# what a package installs: sources, Kbuild, Makefile, dkms.conf and the UAPI header
(cd "$src/kernel" && cp -r ./*.c ./*.h Kbuild Makefile dkms.conf include "$staged/")
dkms add -m "$name" -v "$version" --sourcetree "$work/src" --dkmstree "$work/tree" >/dev/null

for flavour in 6.1 6.12; do
  bash "$src/tests/vm/vm-kernel.sh" fetch --kernel "$flavour" --build-dir "$build" >/dev/null
  release=$(cat "$build/vm-cache/$flavour.release")
  headers=$build/vm-cache/$release/root/usr/src/linux-headers-$release
  echo "dkms build $name/$version for $release"
  if ! dkms build -m "$name" -v "$version" -k "$release" --kernelsourcedir "$headers" \
      --sourcetree "$work/src" --dkmstree "$work/tree" > "$work/build-$release.log" 2>&1; then
    cat "$work/build-$release.log"
    find "$work/tree" -name make.log -exec cat {} \;
    echo "FAIL: dkms build for $release"
    exit 1
  fi
  ko=$(module_file "$work/tree/$name/$version/$release/x86_64/module" vgpu_mediator) ||
    { echo "FAIL: dkms build for $release left no module"; exit 1; }
  check_vermagic "$ko" "$release"
done
echo "PASS: dkms builds $name/$version for both kernels"
