#!/usr/bin/env bash
# Builds the nested guest's (L2) initramfs: static busybox, l2-init.sh as
# /init, and the modules L2 loads before its script runs (virtio-9p chain,
# what the guest driver depends on, the driver itself last), taken from the
# same unpacked Debian kernel tree as L1's. The result is reused while the
# kernel, the driver and the init script stay the same.
#   l2-initramfs.sh KERNEL_ROOT RELEASE DRIVER_KO OUTPUT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../module_order.sh"
root=$1 release=$2 driver=$3 output=$4

bb=$(command -v busybox) || { echo "l2-initramfs: busybox not found (busybox-static)" >&2; exit 1; }
if ldd "$bb" >/dev/null 2>&1; then echo "l2-initramfs: $bb is not static" >&2; exit 1; fi
key=$({ echo "$release"; sha256sum "$driver" "$here/l2-init.sh" "$bb" "$here/../module_order.sh" |
        cut -d' ' -f1; } | sha256sum | cut -d' ' -f1)
if [ -f "$output" ] && [ "$(cat "$output.key" 2>/dev/null)" = "$key" ]; then
  echo "l2-initramfs: $output is up to date"
  exit 0
fi

dir=$output.d
rm -rf "$dir" "$output" "$output.key"
mkdir -p "$dir/bin" "$dir/modules" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/host" "$dir/tmp"
cp "$bb" "$dir/bin/busybox"
install -m 755 "$here/l2-init.sh" "$dir/init"
deps=$(modinfo -F depends "$driver" | tr ',' ' ')
# shellcheck disable=SC2086 # one module a word
n=$(copy_modules "$root" "$release" "$dir/modules" virtio_pci 9pnet_virtio 9p $deps)
cp "$driver" "$dir/modules/$(printf '%02d' "$n")-$(basename "$driver")"
echo "$(printf '%02d' "$n")-$(basename "$driver")" >>"$dir/modules/order"
(cd "$dir" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$output.tmp"
mv "$output.tmp" "$output"
echo "$key" >"$output.key"
rm -rf "$dir"
echo "l2-initramfs: $output with $((n + 1)) modules ($(basename "$driver") last)"
