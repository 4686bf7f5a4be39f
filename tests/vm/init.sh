#!/bin/busybox sh
# /init of the VM tests' initramfs (built by vm-kernel.sh). Loads the modules
# listed in /modules/order (9p chain, vfio, mdev, ...), mounts the host root
# read-only at /host and the writable output share at /out, loads the module
# under test, runs /out/cmd.sh inside chroot /host, then writes /out/rc and
# /out/dmesg.txt and powers off.
/bin/busybox mkdir -p /proc /sys /dev /host /out /tmp
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

say() { echo "vm-init: $*"; }
halt() {
  [ -d /out/. ] && dmesg >/out/dmesg.txt 2>/dev/null
  sync
  poweroff -f
  sleep 60
}

while read -r ko; do
  [ -n "$ko" ] || continue
  insmod "/modules/$ko" || { say "insmod $ko failed"; halt; }
done </modules/order

p9="trans=virtio,version=9p2000.L,msize=512000"
mount -t 9p -o "$p9,ro,cache=loose" hostroot /host || { say "cannot mount the host root (9p)"; halt; }
mount -t 9p -o "$p9" out /out || { say "cannot mount the output share (9p)"; halt; }
. /out/job.env

# Scratch tmpfs on /tmp and /run, as a booted system has; folders of the
# host that the tests need and that live there (keep.list: a checkout in
# /tmp, its build folder) are bound aside first and put back on top.
kept=0
while read -r path; do
  case $path/ in
    /tmp/*|/run/*)
      mkdir -p "/keep/$kept"
      mount -o bind "/host$path" "/keep/$kept" && echo "$path" >"/keep/$kept.path"
      kept=$((kept + 1)) ;;
  esac
done </out/keep.list
mount -t tmpfs tmpfs /host/tmp
mount -t tmpfs tmpfs /host/run
i=0
while [ "$i" -lt "$kept" ]; do
  if [ -f "/keep/$i.path" ]; then
    path=$(cat "/keep/$i.path")
    mkdir -p "/host$path"
    mount -o bind "/keep/$i" "/host$path" || { say "cannot put $path back over the tmpfs"; halt; }
  fi
  i=$((i + 1))
done

# The output share appears at its host path inside the chroot too.
mount -o bind /out "/host$OUT_HOST" || { say "cannot bind the output share at $OUT_HOST"; halt; }
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts /host/dev/shm
mount -t devpts devpts /host/dev/pts
mount -t tmpfs tmpfs /host/dev/shm

if [ -n "$MODULE_KO" ]; then
  insmod "/host$MODULE_KO" || { say "insmod $MODULE_KO failed"; echo 126 >/out/rc; halt; }
  say "loaded $(basename "$MODULE_KO")"
fi

say "running /out/cmd.sh"
(
  chroot /host /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb \
    /bin/bash "$OUT_HOST/cmd.sh"
  echo $? >/out/rc.tmp
) 2>&1 | tee /out/output.log
say "command exited with status $(cat /out/rc.tmp 2>/dev/null)"

# Unload: refusing is fine while instances exist; with none left, a refusal
# means a leaked reference. /out/unload says which.
if [ -n "$MODULE_KO" ]; then
  name=$(basename "$MODULE_KO" .ko)
  left=$(ls /sys/bus/mdev/devices 2>/dev/null | wc -l)
  if [ ! -d "/sys/module/$name" ]; then
    echo "absent" >/out/unload
    say "$name is not loaded any more"
  elif rmmod "$name" 2>/out/rmmod.log; then
    echo "ok" >/out/unload
    say "unloaded $name"
  else
    echo "refused $left" >/out/unload
    say "rmmod $name with $left mdev instances left: $(cat /out/rmmod.log)"
  fi
fi

dmesg >/out/dmesg.txt
cat /proc/sys/kernel/tainted >/out/tainted
[ -f /out/rc.tmp ] && mv /out/rc.tmp /out/rc
umount "/host$OUT_HOST"
umount /host/dev/shm /host/dev/pts /host/dev 2>/dev/null
for f in /keep/*.path; do
  [ -f "$f" ] && umount "/host$(cat "$f")" 2>/dev/null
done
umount /host/run /host/tmp 2>/dev/null
sync
umount /out
poweroff -f
sleep 60
