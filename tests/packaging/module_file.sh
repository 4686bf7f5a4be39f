#!/usr/bin/env bash
# Sourced by the packaging tests. DKMS stores and installs a module under the
# suffix the kernel's own modules use (modules.dep decides): vgpu_mediator.ko
# for a kernel whose image is not installed here, .ko.xz on Debian's 6.12
# with its image installed, .ko.zst or .ko.gz elsewhere. modinfo and modprobe
# read all of them, so the tests look for any.

# module_file DIR NAME: prints DIR/NAME.ko[.xz|.zst|.gz]; fails (printing
# what DIR holds) unless exactly one exists.
module_file() {
  local dir=$1 name=$2 found=() f
  for f in "$dir/$name.ko" "$dir/$name.ko.xz" "$dir/$name.ko.zst" "$dir/$name.ko.gz"; do
    [ -f "$f" ] && found+=("$f")
  done
  if [ ${#found[@]} -ne 1 ]; then
    echo "module_file: ${#found[@]} files for $name in $dir (wanted one):" \
      "$(ls -A "$dir" 2>/dev/null | tr '\n' ' ')" >&2
    return 1
  fi
  printf '%s\n' "${found[0]}"
}

# check_vermagic FILE RELEASE: the module was built for that kernel release.
check_vermagic() {
  local file=$1 release=$2 vermagic
  vermagic=$(modinfo -F vermagic "$file") || { echo "FAIL: modinfo cannot read $file"; return 1; }
  case "$vermagic" in
    "$release "*) echo "  $(basename "$file"), vermagic $vermagic" ;;
    *) echo "FAIL: $file has vermagic '$vermagic', not for $release"; return 1 ;;
  esac
}
