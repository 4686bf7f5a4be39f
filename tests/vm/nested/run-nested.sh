#!/usr/bin/env bash
# CTest's vm.nested.<flavour>: builds the guest driver and L2's initramfs for
# the flavour's Debian kernel, then boots L1 (vm-kernel.sh, 2 GiB for
# fbexportd, QEMU and L2) with vgpu_mediator and runs TEST_BINARY there.
#   run-nested.sh FLAVOUR SOURCE_DIR BUILD_DIR TEST_BINARY [ARGS...]
set -euo pipefail
flavour=$1 src=$(realpath "$2") build=$(realpath "$3") binary=$4
shift 4
vm=$src/tests/vm/vm-kernel.sh

driver=$(bash "$vm" module --kernel "$flavour" --build-dir "$build" --module-src "$src/kernel" \
           --module-subdir guest)
release=$(cat "$build/vm-cache/$flavour.release")
mkdir -p "$build/vm-nested/$flavour"
bash "$src/tests/vm/nested/l2-initramfs.sh" "$build/vm-cache/$release/root" "$release" \
  "$driver" "$build/vm-nested/$flavour/l2-initramfs.cpio.gz"
VM_MEM=2G exec bash "$vm" run --kernel "$flavour" --build-dir "$build" --timeout 1080 \
  --module-src "$src/kernel" --modules "vfio vfio_iommu_type1 mdev" -- "$binary" "$@"
