#!/usr/bin/env bash
# Runs a command inside a Debian kernel booted under QEMU, with the host's root
# shared read-only over 9p and the vGPU mediator module loaded.
#
#   vm-kernel.sh fetch  --kernel 6.1|6.12 --build-dir DIR
#   vm-kernel.sh module --kernel K --build-dir DIR --module-src DIR
#                       [--module-subdir SUB]
#   vm-kernel.sh run    --kernel K --build-dir DIR [--module-src DIR]
#                       [--modules "vfio vfio_iommu_type1 mdev"] [--timeout S]
#                       [--fetch-only] -- COMMAND [ARGS...]
#
# fetch   resolves the newest Debian kernel of the flavour (6.1: bookworm's
#         linux-image-6.1.0-N-amd64, N from linux-image-amd64; 6.12:
#         bookworm-backports' linux-image-6.12.X+deb12-amd64), downloads the
#         image, headers, -common and kbuild packages with `apt-get download`
#         through a private apt configuration (nothing under /etc/apt changes),
#         unpacks them under DIR/vm-cache/<release>/root, makes the headers
#         usable from there and runs depmod. Later runs reuse the cache
#         offline; VM_KERNEL_REFRESH=1 resolves the newest version again.
# module  copies the module sources to DIR/vm/<flavour>/module and builds them
#         with `make W=1` against the cached headers; any warning fails.
#         --module-subdir SUB builds the module in SUB of the sources (the
#         guest driver, kernel/guest, which includes ../include) in
#         DIR/vm/<flavour>/module-SUB instead.
# run     fetch + module, builds a busybox initramfs, boots the kernel
#         (qemu-system-x86_64 -accel tcg), loads the 9p chain, --modules and
#         the module, runs COMMAND inside `chroot` of the host root with its
#         working directory in the writable output share DIR/vm/<flavour>/out,
#         and judges: non-zero exit, no result (crash, hang, timeout), or any
#         WARNING:/BUG:/Oops/general protection/refcount_t line in the guest's
#         kernel log fails the run. Exit status 0 only when all is well.
#
# Inside the guest, COMMAND sees VM_KERNEL (the flavour), VM_KERNEL_RELEASE,
# VM_OUT (the writable output folder, also its working directory), and with
# --module-src VM_MODULE (module name) and VM_MODULE_KO (its path). /tmp is a
# tmpfs there; the build folder and the checkout are put back on top of it.
# Environment: VM_TIMEOUT (guest seconds, default 600), VM_ACCEL (default tcg;
# KVM hangs on these machines), VM_KERNEL_REFRESH=1 (resolve versions again),
# VM_APPEND (more kernel command-line arguments), VM_MEM (guest memory,
# default 1G; a nested guest's tests need 2G).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/module_order.sh"
prog=vm-kernel
suite=bookworm
apt_etc=${VM_APT_ETC:-/etc/apt}

die() { echo "$prog: FAIL: $*" >&2; exit 1; }
log() { echo "$prog: $*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2; exit 2; }

cmd=${1:-}; [ -n "$cmd" ] || usage; shift
flavour= build_dir= module_src= module_subdir= timeout_s=${VM_TIMEOUT:-600}
extra_modules="vfio vfio_iommu_type1 mdev"
guest_cmd=()
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) flavour=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --module-src) module_src=$2; shift 2 ;;
    --module-subdir) module_subdir=$2; shift 2 ;;
    --modules) extra_modules=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --) shift; guest_cmd=("$@"); break ;;
    -h|--help) usage ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$flavour" ] || die "--kernel is required (6.1 or 6.12)"
[ -n "$build_dir" ] || die "--build-dir is required"
[[ $flavour =~ ^[0-9]+\.[0-9]+$ ]] || die "--kernel wants a flavour like 6.1 or 6.12, not '$flavour'"
mkdir -p "$build_dir"
build_dir=$(cd "$build_dir" && pwd)
case $build_dir/ in
  /dev/*|/proc/*|/sys/*)
    die "the build folder $build_dir is under $(echo "$build_dir" | cut -d/ -f2), which the guest mounts its own file system over" ;;
esac
cache=$build_dir/vm-cache
work=$build_dir/vm/$flavour
apt_dir=$cache/apt
mkdir -p "$cache" "$work"

# ---------------------------------------------------------------- apt, private
# Debian sources for the kernel packages: every bookworm* suite the host's apt
# already uses (same mirror, same keyring) plus bookworm-backports.
write_sources() {
  local out=$1
  {
    for f in "$apt_etc"/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk -v RS= -v want="$suite" '
        {
          types = uris = suites = key = ""
          n = split($0, lines, "\n")
          for (i = 1; i <= n; i++) {
            line = lines[i]
            if (line ~ /^#/) continue
            if (match(line, /^[A-Za-z-]+:/)) {
              field = tolower(substr(line, 1, RLENGTH - 1)); value = substr(line, RLENGTH + 1)
              gsub(/^[ \t]+|[ \t]+$/, "", value)
              if (field == "types") types = value
              else if (field == "uris") uris = value
              else if (field == "suites") suites = value
              else if (field == "signed-by") key = value
              else if (field == "enabled" && tolower(value) == "no") types = ""
            }
          }
          if (types !~ /(^| )deb( |$)/) next
          split(uris, u, " "); ns = split(suites, s, " ")
          for (j = 1; j <= ns; j++)
            if (s[j] == want || index(s[j], want "-") == 1)
              print u[1], s[j], (key ~ /^\// ? key : "")
        }' "$f"
    done
    for f in "$apt_etc"/sources.list "$apt_etc"/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      awk -v want="$suite" '
        $1 == "deb" {
          key = ""; i = 2
          if ($2 ~ /^\[/) {
            for (; i <= NF; i++) {
              if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
              if ($i ~ /\]$/) { i++; break }
            }
          }
          if ($(i + 1) == want || index($(i + 1), want "-") == 1) print $i, $(i + 1), key
        }' "$f"
    done
  } | sort -k1,2 -k3r | awk '!seen[$1 " " $2]++' >"$out.raw"
  local main_uri main_key
  main_uri=$(awk -v w="$suite" '$2 == w { print $1; exit }' "$out.raw")
  main_key=$(awk -v w="$suite" '$2 == w { print $3; exit }' "$out.raw")
  [ -n "$main_uri" ] || main_uri=http://deb.debian.org/debian
  [ -n "$main_key" ] || main_key=/usr/share/keyrings/debian-archive-keyring.gpg
  grep -q " $suite " "$out.raw" || echo "$main_uri $suite $main_key" >>"$out.raw"
  grep -q " $suite-backports " "$out.raw" || echo "$main_uri $suite-backports $main_key" >>"$out.raw"
  awk '{ printf "deb %s%s %s main\n", ($3 != "" ? "[signed-by=" $3 "] " : ""), $1, $2 }' "$out.raw" >"$out"
  rm -f "$out.raw"
}

apt_opts=()
apt_setup() {
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d"
  write_sources "$apt_dir/sources.list"
  apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::Cache::archives=$apt_dir/cache/archives"
    -o "APT::Sandbox::User=root"
    -o "Acquire::Retries=3"
  )
  [ "$(id -u)" -eq 0 ] || apt_opts+=(-o "Debug::NoLocking=1")
}

apt_update() {
  log "apt-get update (private lists under $apt_dir):"
  sed 's/^/    /' "$apt_dir/sources.list" >&2
  apt-get "${apt_opts[@]}" -q update >"$apt_dir/update.log" 2>&1 ||
    { cat "$apt_dir/update.log" >&2; die "apt-get update failed for the kernel package lists"; }
}

# Newest kernel release (uname -r) of the flavour, from the private lists.
resolve_release() {
  local rel=
  if [ "$flavour" = 6.1 ]; then
    rel=$(apt-cache "${apt_opts[@]}" depends linux-image-amd64 2>/dev/null |
      grep -o 'linux-image-6\.1\.0-[0-9]*-amd64' | sed 's/^linux-image-//' | sort -V | tail -n1)
  fi
  if [ -z "$rel" ]; then
    local re
    if [ "$flavour" = 6.1 ]; then re='^linux-image-6\.1\.0-[0-9]+-amd64$'
    else re="^linux-image-${flavour//./\\.}\\.[0-9]+\\+deb12-amd64\$"; fi
    rel=$(apt-cache "${apt_opts[@]}" pkgnames linux-image- 2>/dev/null | grep -E "$re" |
      sed 's/^linux-image-//' | sort -V | tail -n1)
  fi
  [ -n "$rel" ] || die "no linux-image package for kernel $flavour in $(tr '\n' ';' <"$apt_dir/sources.list")"
  echo "$rel"
}

# Packages to download for a release: image, headers and what the headers
# depend on from the same source (-common, kbuild), as name[=version].
release_packages() {
  local rel=$1 hdr=linux-headers-$1 deps
  echo "linux-image-$rel"
  echo "$hdr"
  # captured whole first: a reader that stops early (head) would SIGPIPE
  # apt-cache and, under pipefail, fail the fetch at random
  local info
  info=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$hdr") || die "no package $hdr"
  deps=$(sed -n '/^Depends: /{s///p;q}' <<<"$info")
  [ -n "$deps" ] || die "no package $hdr"
  tr ',' '\n' <<<"$deps" | sed 's/^ *//' | awk '
    $1 ~ /^linux-(headers|kbuild)-/ {
      if ($2 == "(=") { v = $3; sub(/\)$/, "", v); print $1 "=" v } else print $1
    }'
}

# Makes the unpacked headers usable in place: absolute links and includes of
# /usr/src/... and /usr/lib/... now point into the unpacked root.
fix_tree() {
  local root=$1 link target
  while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    case $target in
      /usr/*|/lib/*) ln -sfn "$root$target" "$link" ;;
    esac
  done < <(find "$root" -type l -print0)
  local mk
  for mk in "$root"/usr/src/linux-headers-*/Makefile; do
    sed -i -E "s#(^|[[:space:]])/usr/(src|lib)/#\\1$root/usr/\\2/#g" "$mk"
  done
}

release=
fetch() {
  local t0; t0=$(now)
  exec 9>"$cache/lock"
  flock 9
  local pin=$cache/$flavour.release
  if [ -s "$pin" ] && [ -z "${VM_KERNEL_REFRESH:-}" ] && [ -f "$cache/$(cat "$pin")/complete" ]; then
    release=$(cat "$pin")
    log "kernel $flavour: $release (cached in $cache/$release)"
    flock -u 9
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found: the kernel packages come from the Debian archive"
  command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
  command -v depmod >/dev/null || die "depmod not found: install kmod (tools/setup-deps.sh)"
  apt_setup
  apt_update
  release=$(resolve_release)
  local dir=$cache/$release
  if [ ! -f "$dir/complete" ]; then
    log "kernel $flavour: downloading $release"
    rm -rf "$dir"
    mkdir -p "$dir/debs"
    mapfile -t pkgs < <(release_packages "$release")
    log "  packages: ${pkgs[*]}"
    (cd "$dir/debs" && apt-get "${apt_opts[@]}" -q download "${pkgs[@]}") >"$dir/download.log" 2>&1 ||
      { cat "$dir/download.log" >&2; die "apt-get download failed"; }
    local deb
    for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
    [ -f "$dir/root/boot/vmlinuz-$release" ] || die "no boot/vmlinuz-$release in the image package"
    [ -d "$dir/root/usr/src/linux-headers-$release" ] || die "no headers tree for $release"
    fix_tree "$dir/root"
    depmod -b "$dir/root" "$release" || die "depmod -b $dir/root $release failed"
    rm -rf "$dir/debs"
    touch "$dir/complete"
  fi
  echo "$release" >"$pin"
  flock -u 9
  log "kernel $flavour: $release ready in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- the module
module_ko=
# Copies the module sources (not objects of an in-tree build for some other
# kernel) to stdout as a tar stream.
module_sources() {
  tar -C "$module_src" -cf - --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
    --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
    --exclude='.*.d' --exclude=Module.symvers --exclude=modules.order --exclude='.tmp_versions' .
}

build_module() {
  local t0; t0=$(now)
  local sub=${module_subdir:+/$module_subdir}
  [ -f "$module_src$sub/Makefile" ] || [ -f "$module_src$sub/Kbuild" ] ||
    die "no Makefile or Kbuild in $module_src$sub"
  local hdr=$cache/$release/root/usr/src/linux-headers-$release
  local name=module${module_subdir:+-$module_subdir}
  local dst=$work/$name mdir=$work/$name$sub
  # A warning-free build of the very same sources for the same kernel is
  # reused; anything else is rebuilt from scratch so every warning shows.
  local key
  key=$( { echo "$release W=1"; gcc --version; module_sources; } | sha256sum | cut -d' ' -f1)
  if [ -f "$work/$name.ok" ] && [ "$(cat "$work/$name.ok")" = "$key" ]; then
    local kos=("$mdir"/*.ko)
    if [ -f "${kos[0]}" ]; then
      module_ko=${kos[0]}
      log "module sources unchanged since the last warning-free build: reusing $(basename "$module_ko")"
      return
    fi
  fi
  rm -f "$work/$name.ok"
  rm -rf "$dst"
  mkdir -p "$dst"
  module_sources | tar -C "$dst" -xf -
  log "building $module_src$sub against $release (W=1)"
  if ! make -C "$hdr" M="$mdir" W=1 -j "$(nproc)" >"$work/$name-build.log" 2>&1; then
    cat "$work/$name-build.log" >&2
    die "module build failed against $release"
  fi
  if grep -iE '(^|[^a-z_])warning[: ]' "$work/$name-build.log" >/dev/null; then
    cat "$work/$name-build.log" >&2
    log "warnings:"
    grep -iE '(^|[^a-z_])warning[: ]' "$work/$name-build.log" >&2
    die "module build against $release printed warnings"
  fi
  local kos=("$mdir"/*.ko)
  [ -f "${kos[0]}" ] || die "the module build produced no .ko in $mdir"
  module_ko=${kos[0]}
  [ ${#kos[@]} -eq 1 ] || log "several modules built; loading only $(basename "$module_ko")"
  echo "$key" >"$work/$name.ok"
  log "built $(basename "$module_ko") for $release in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- initramfs
initramfs=
build_initramfs() {
  local t0; t0=$(now)
  local root=$cache/$release/root dir=$work/initramfs
  command -v cpio >/dev/null || die "cpio not found: install cpio (tools/setup-deps.sh)"
  local bb; bb=$(command -v busybox || true)
  [ -n "$bb" ] || die "busybox not found: install busybox-static (tools/setup-deps.sh)"
  if ldd "$bb" >/dev/null 2>&1; then die "$bb is dynamically linked: install busybox-static"; fi
  rm -rf "$dir"
  mkdir -p "$dir/bin" "$dir/modules" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/host" "$dir/out" "$dir/tmp"
  cp "$bb" "$dir/bin/busybox"
  cp "$here/init.sh" "$dir/init"
  chmod 755 "$dir/init"
  # Modules in dependency order: the virtio-9p chain, then the ones asked
  # for, then what the built module needs. Built-in ones print "builtin".
  local wanted=(virtio_pci 9pnet_virtio 9p $extra_modules) m
  if [ -n "$module_ko" ]; then
    local deps; deps=$(modinfo -F depends "$module_ko" 2>/dev/null | tr ',' ' ')
    wanted+=($deps)
  fi
  local n
  n=$(copy_modules "$root" "$release" "$dir/modules" "${wanted[@]}") || die "initramfs modules"
  initramfs=$work/initramfs.cpio.gz
  (cd "$dir" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$initramfs"
  log "initramfs with $n modules in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- boot, judge
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

boot_and_judge() {
  local t0; t0=$(now)
  local out=$work/out root=$cache/$release/root
  command -v qemu-system-x86_64 >/dev/null ||
    die "qemu-system-x86_64 not found: install qemu-system-x86 (tools/setup-deps.sh); the VM tests cannot run without it"
  command -v timeout >/dev/null || die "timeout (coreutils) not found"
  rm -rf "$out"
  mkdir -p "$out"
  {
    echo "OUT_HOST=$(q "$out")"
    echo "MODULE_KO=$(q "$module_ko")"
  } >"$out/job.env"
  # The guest mounts a tmpfs on /tmp and /run; what the tests need from
  # there (a checkout and its build folder in /tmp, as a CI clone may be) is
  # put back on top of it, one folder a line.
  printf '%s\n' "$build_dir" "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)" >"$out/keep.list"
  {
    echo '#!/bin/bash'
    echo "# written by vm-kernel.sh: runs in the guest, inside chroot of the host root"
    echo "export VM_KERNEL=$(q "$flavour") VM_KERNEL_RELEASE=$(q "$release") VM_OUT=$(q "$out")"
    if [ -n "$module_ko" ]; then
      echo "export VM_MODULE=$(q "$(basename "$module_ko" .ko)") VM_MODULE_KO=$(q "$module_ko")"
    fi
    echo "cd $(q "$out") || exit 125"
    printf 'exec'
    local a
    for a in "${guest_cmd[@]}"; do printf ' %s' "$(q "$a")"; done
    echo
  } >"$out/cmd.sh"

  local accel=${VM_ACCEL:-tcg}
  local qemu=(qemu-system-x86_64 -accel "$accel" -m "${VM_MEM:-1G}" -smp 2 -nographic -no-reboot
    -nic none
    -kernel "$root/boot/vmlinuz-$release" -initrd "$initramfs"
    -append "console=ttyS0 quiet panic=-1${VM_APPEND:+ $VM_APPEND}"
    -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
    -device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot"
    -fsdev "local,id=out,path=$out,security_model=none"
    -device "virtio-9p-pci,fsdev=out,mount_tag=out")
  log "booting $release (${accel}, timeout ${timeout_s} s): ${guest_cmd[*]}"
  echo "----- guest console ($release) -----" >&2
  local qrc=0
  set +e
  timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 |
    sed -u -e 's/\r$//' -e 's/\x1b[[?0-9;]*[a-zA-Z]//g' -e 's/\x1bc//g' | tee "$work/console.log" >&2
  qrc=${PIPESTATUS[0]}
  set -e
  echo "----- end of guest console -----" >&2
  local boot_s; boot_s=$(elapsed "$t0")

  local fails=()
  if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
    fails+=("the guest did not finish within ${timeout_s} s (hung?)")
  elif [ "$qrc" -ne 0 ]; then
    fails+=("qemu-system-x86_64 exited with status $qrc (see the console above)")
  fi
  if [ ! -s "$out/rc" ]; then
    fails+=("no result from the guest: it crashed, hung or could not start the command")
  else
    local rc; rc=$(tr -dc '0-9' <"$out/rc")
    [ "$rc" = 0 ] || fails+=("the guest command exited with status ${rc:-?}")
  fi
  if [ -n "$module_ko" ] && [ -f "$out/unload" ]; then
    case $(cat "$out/unload") in
      "refused 0") fails+=("$(basename "$module_ko") could not be unloaded with no instance left (a leaked reference?)") ;;
    esac
  fi
  local pattern='WARNING:|BUG:|Oops|general protection|refcount_t'
  local bad=
  if [ -f "$out/dmesg.txt" ]; then
    bad=$(grep -nE "$pattern" "$out/dmesg.txt" || true)
  else
    fails+=("no kernel log from the guest")
  fi
  # The console also carries the command's own output: only kernel lines
  # ("[   12.345678] ...") count there.
  local cbad
  cbad=$(grep -nE '^\[ *[0-9]+\.[0-9]+\] ' "$work/console.log" | grep -E "$pattern" | sed 's/^/console:/' || true)
  if [ -n "$cbad" ]; then bad+=${bad:+$'\n'}$cbad; fi
  if [ -n "$bad" ]; then
    fails+=("the guest kernel log has WARNING/BUG/Oops/general protection/refcount_t lines")
    echo "----- offending guest kernel log lines -----" >&2
    echo "$bad" >&2
    if [ -f "$out/dmesg.txt" ]; then
      local first; first=$(grep -m1 -nE "$pattern" "$out/dmesg.txt" | cut -d: -f1) || first=
      if [ -n "$first" ]; then
        echo "----- guest kernel log from line $first -----" >&2
        sed -n "$first,$((first + 79))p" "$out/dmesg.txt" >&2
      fi
    fi
  fi
  if [ -f "$out/dmesg.txt" ]; then
    local name=; [ -z "$module_ko" ] || name=$(basename "$module_ko" .ko)
    log "guest kernel log: $(wc -l <"$out/dmesg.txt") lines, taint $(cat "$out/tainted" 2>/dev/null || echo ?)${name:+, lines naming $name:}"
    if [ -n "$name" ]; then grep -F "$name" "$out/dmesg.txt" | tail -n 20 | sed 's/^/    /' >&2 || true; fi
  fi
  log "boot+test $boot_s s; results in $out (rc, output.log, dmesg.txt)"
  if [ ${#fails[@]} -gt 0 ]; then
    local f
    for f in "${fails[@]}"; do log "FAIL: $f"; done
    return 1
  fi
  return 0
}

# ---------------------------------------------------------------- main
t_start=$(now)
case $cmd in
  fetch)
    fetch
    echo "$release"
    ;;
  module)
    [ -n "$module_src" ] || die "--module-src is required"
    fetch
    build_module
    echo "$module_ko"
    ;;
  run)
    [ ${#guest_cmd[@]} -gt 0 ] || die "no guest command given after --"
    fetch
    t_fetch=$(elapsed "$t_start")
    t1=$(now)
    if [ -n "$module_src" ]; then build_module; fi
    t_module=$(elapsed "$t1")
    t1=$(now)
    build_initramfs
    t_initrd=$(elapsed "$t1")
    t1=$(now)
    status=0
    boot_and_judge || status=1
    t_boot=$(elapsed "$t1")
    log "kernel $flavour ($release): fetch ${t_fetch} s, module ${t_module} s, initramfs ${t_initrd} s, boot+test ${t_boot} s, whole run $(elapsed "$t_start") s"
    if [ $status -ne 0 ]; then
      log "FAIL ($release)"
      exit 1
    fi
    log "PASS ($release)"
    ;;
  *) usage ;;
esac
