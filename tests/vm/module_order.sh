#!/usr/bin/env bash
# Sourced by vm-kernel.sh and nested/l2-initramfs.sh: copies kernel modules
# from an unpacked Debian kernel tree into an initramfs folder in the order
# busybox insmod needs them (it does not resolve dependencies).

# copy_modules ROOT RELEASE DIR MODULE...: each MODULE with what it depends
# on (modprobe --show-depends against ROOT), first dependencies first and each
# once, decompressed into DIR as NN-name.ko and listed in DIR/order. Built-in
# modules are skipped. Prints how many were copied; fails on an unknown one.
copy_modules() {
  local root=$1 release=$2 dir=$3 m out kind path name n=0
  shift 3
  local -A seen=()
  mkdir -p "$dir"
  for m in "$@"; do
    out=$(modprobe -d "$root" -S "$release" --show-depends "$m" 2>&1) ||
      { echo "copy_modules: kernel $release has no module $m: $out" >&2; return 1; }
    while read -r kind path _; do
      [ "$kind" = insmod ] || continue
      [ -z "${seen[$path]:-}" ] || continue
      seen[$path]=1
      name=$(printf '%02d-%s' "$n" "$(basename "$path")")
      case $path in
        *.ko.xz) name=${name%.xz}; xz -dc "$path" >"$dir/$name" ;;
        *.ko.zst) name=${name%.zst}; zstd -qdc "$path" >"$dir/$name" ;;
        *.ko.gz) name=${name%.gz}; gzip -dc "$path" >"$dir/$name" ;;
        *) cp "$path" "$dir/$name" ;;
      esac
      echo "$name" >>"$dir/order"
      n=$((n + 1))
    done <<<"$out"
  done
  touch "$dir/order"
  echo "$n"
}
