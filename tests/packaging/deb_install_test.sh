#!/usr/bin/env bash
# The Debian packages as an administrator uses them: cpack builds fbexport and
# vgpu-mediator-dkms, dpkg installs both on this machine, and then the
# installed programs run, the unit verifies, GStreamer finds the plugin, the
# group exists and DKMS builds the installed module sources for Debian's 6.1
# and 6.12 headers; a purge must leave none of their files, the DKMS entry or
# the group behind. Needs root (CI runs as root); skips (77) when either
# package is already installed, rather than touch an administrator's system.
#   deb_install_test.sh SOURCE_DIR BUILD_DIR PROJECT_VERSION
set -euo pipefail
src=$(realpath "$1") build=$(realpath "$2") version=$3
packages=(vgpu-mediator-dkms fbexport)
source "$(dirname "$0")/module_file.sh"

# Outputs are captured before they are searched: `producer | grep -q` under
# pipefail fails whenever grep's early exit makes the producer die of SIGPIPE.
installed() { [ "$(dpkg-query -W -f '${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }
# the kernels postinst builds for: those here whose headers are installed
kernels_with_headers() {
  local k
  for k in /lib/modules/*; do [ -e "$k/build" ] && basename "$k"; done
  return 0
}

if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root to install packages"; exit 77; fi
for p in "${packages[@]}"; do
  if installed "$p"; then
    echo "SKIP: $p is already installed on this machine"; exit 77
  fi
done

cd "$build"
rm -f ./*.deb
cpack --config CPackConfig.cmake >/dev/null
debs=("$build/vgpu-mediator-dkms_${version}_all.deb" "$build/fbexport_${version}_amd64.deb")
for d in "${debs[@]}"; do [ -f "$d" ] || { echo "FAIL: cpack made no $d"; exit 1; }; done
files=$(for d in "${debs[@]}"; do dpkg-deb -c "$d" | awk '{print $6}' | sed 's|^\.||'; done |
        grep -v '/$')

purge() { dpkg -P "${packages[@]}" >/dev/null 2>&1 || true; }
trap purge EXIT

dpkg -i "${debs[@]}"
echo "-- installed"
/usr/bin/fbexportd --help >/dev/null
/usr/bin/fbshot --help >/dev/null
/usr/bin/vgpu-guest --help >/dev/null
echo "ok: the installed programs run"
getent group vgpu-display >/dev/null || { echo "FAIL: no group vgpu-display"; exit 1; }
for unit in fbexportd@0b6bbd3e-4a43-4c34-a8c0-c13d0a12e5a4.service fbexportd.service; do
  if ! out=$(systemd-analyze verify --man=no "$unit" 2>&1) || [ -n "$out" ]; then
    echo "FAIL: systemd-analyze verify $unit: $out"; exit 1
  fi
  echo "ok: systemd-analyze verify $unit"
done
example=/usr/share/doc/fbexport/examples/fbexportd.toml
/usr/bin/fbexportd --config "$example" --check-config >/dev/null ||
  { echo "FAIL: the installed $example is not a valid configuration"; exit 1; }
echo "ok: the installed example configuration is valid"
env -u GST_PLUGIN_PATH gst-inspect-1.0 fbexportsrc >/dev/null ||
  { echo "FAIL: gst-inspect-1.0 does not find the installed fbexportsrc"; exit 1; }
echo "ok: GStreamer finds fbexportsrc"
status=$(dkms status -m vgpu-mediator -v "$version")
case "$status" in
  *vgpu-mediator*) echo "ok: registered with DKMS: ${status//$'\n'/; }" ;;
  *) echo "FAIL: vgpu-mediator is not registered with DKMS (dkms status: '$status')"; exit 1 ;;
esac
# postinst built and installed the module for every kernel here with headers,
# under that kernel's module suffix (.ko.xz on Debian's 6.12 image)
for release in $(kernels_with_headers); do
  ko=$(module_file "/lib/modules/$release/updates/dkms" vgpu_mediator) ||
    { echo "FAIL: postinst installed no module for $release"; exit 1; }
  check_vermagic "$ko" "$release"
  echo "ok: postinst installed $ko"
done
for flavour in 6.1 6.12; do
  bash "$src/tests/vm/vm-kernel.sh" fetch --kernel "$flavour" --build-dir "$build" >/dev/null 2>&1
  release=$(cat "$build/vm-cache/$flavour.release")
  headers=$build/vm-cache/$release/root/usr/src/linux-headers-$release
  dkms build -m vgpu-mediator -v "$version" -k "$release" --kernelsourcedir "$headers" \
    > "$build/dkms-installed-$release.log" 2>&1 ||
    { cat "$build/dkms-installed-$release.log"; echo "FAIL: dkms build for $release"; exit 1; }
  echo "ok: dkms builds the installed sources for $release"
done

dpkg -P "${packages[@]}"
trap - EXIT
left=()
while read -r f; do [ -e "$f" ] && left+=("$f"); done <<< "$files"
[ -e /var/lib/dkms/vgpu-mediator ] && left+=(/var/lib/dkms/vgpu-mediator)
for ko in /lib/modules/*/updates/dkms/vgpu_mediator.ko*; do [ -e "$ko" ] && left+=("$ko"); done
[ -e "/usr/src/vgpu-mediator-$version" ] && left+=("/usr/src/vgpu-mediator-$version")
getent group vgpu-display >/dev/null && left+=("group vgpu-display")
if [ ${#left[@]} -gt 0 ]; then
  printf 'FAIL: left behind after purge: %s\n' "${left[@]}"; exit 1
fi
echo "PASS: packages install, work and purge without a trace"
