#!/bin/busybox sh
# /init of the nested guest's (L2) initramfs, built by l2-initramfs.sh. L2
# runs under QEMU inside the VM tests' guest (L1) with a vGPU instance as
# its PCI device. It loads the modules in /modules/order (the 9p chain, the
# DRM helpers and vgpu_drm last, so the driver binds before anything else
# runs), mounts L1's root read-only at /host over 9p, runs the script named
# by l2.script= on the kernel command line inside chroot /host, prints the
# kernel log lines a test fails on, and powers off. Everything goes to the
# serial console, which L1 reads: lines start with "l2-".
/bin/busybox mkdir -p /proc /sys /dev /host /tmp
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

say() { echo "l2-init: $*"; }
halt() {
  dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|refcount_t' | sed 's/^/l2-bad-kernel-line: /'
  say "uptime $(cut -d' ' -f1 /proc/uptime) s, powering off"
  sync
  poweroff -f
  sleep 60
}

# a deadlock shows in seconds, not minutes
echo 5 >/proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
say "init at uptime $(cut -d' ' -f1 /proc/uptime) s"
while read -r ko; do
  [ -n "$ko" ] || continue
  insmod "/modules/$ko" || say "insmod $ko failed"
done </modules/order
say "modules loaded at uptime $(cut -d' ' -f1 /proc/uptime) s"

script=
for arg in $(cat /proc/cmdline); do
  case $arg in l2.script=*) script=${arg#l2.script=} ;; esac
done
[ -n "$script" ] || { say "no l2.script= on the kernel command line"; halt; }

mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro hostroot /host ||
  { say "cannot mount L1's root (9p)"; halt; }
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t debugfs debugfs /host/sys/kernel/debug 2>/dev/null
mount -t devtmpfs devtmpfs /host/dev
mkdir -p /host/dev/pts
mount -t devpts devpts /host/dev/pts
# scratch space on /run only: a tmpfs over /tmp would hide L1's /tmp, where
# a CI checkout and its build folder (the script, the release file) may live
mount -t tmpfs tmpfs /host/run

say "running $script"
chroot /host /usr/bin/env -i \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/run TMPDIR=/run LANG=C.UTF-8 TERM=linux \
  /bin/bash "$script"
say "script exited with status $?"
halt
