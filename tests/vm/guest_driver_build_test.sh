#!/usr/bin/env bash
# The guest driver (kernel/guest, vgpu_drm.ko) builds warning-free (W=1)
# against a Debian kernel's headers and is what a guest kernel will bind to
# the vGPU: its vermagic names that kernel, its alias is the vGPU's PCI ID
# and subsystem, and it depends on the VRAM/TTM KMS helpers it uses.
#   guest_driver_build_test.sh SOURCE_DIR BUILD_DIR KERNEL_FLAVOUR
set -euo pipefail
src=$(realpath "$1") build=$2 flavour=$3
ko=$(bash "$src/tests/vm/vm-kernel.sh" module --kernel "$flavour" --build-dir "$build" \
       --module-src "$src/kernel" --module-subdir guest)
release=$(cat "$build/vm-cache/$flavour.release")
fail() { echo "FAIL: $(basename "$ko") for $release: $*"; exit 1; }

[ "$(basename "$ko")" = vgpu_drm.ko ] || fail "the build made $ko, not vgpu_drm.ko"
vermagic=$(modinfo -F vermagic "$ko")
[[ $vermagic == "$release "* ]] || fail "vermagic '$vermagic'"
# the vGPU: 1af4:10f0, subsystem 1af4:1100 (kernel/include/uapi/vgpu_mediator.h)
aliases=$(modinfo -F alias "$ko")
[[ $aliases == *"pci:v00001AF4d000010F0sv00001AF4sd00001100bc*sc*i*"* ]] ||
  fail "no PCI alias for the vGPU; aliases: $aliases"
depends=$(modinfo -F depends "$ko")
for dep in drm drm_kms_helper drm_vram_helper; do
  [[ ,$depends, == *",$dep,"* ]] || fail "does not depend on $dep (depends: $depends)"
done
echo "PASS: $(basename "$ko") for $release: W=1 clean, vermagic $vermagic, depends $depends"
