#!/bin/bash
# Runs in the nested guest (L2) with vgpu_drm loaded by its /init: reports
# the driver's binding, writes known text on the framebuffer console, reports
# modetest's view of the device, waits until L1 has looked (l2.release= file), then
# unbinds the driver and unloads it with the mode still set. Sections between
# "l2-begin NAME" and "l2-end NAME" are read by guest_console_test.cpp.
set -u
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p"; }
release=$(arg l2.release)

echo "l2-begin binding"
card=$(ls -d /sys/bus/pci/drivers/vgpu_drm/0000:* 2>/dev/null | head -n1)
echo "bound: ${card:-none}"
echo "devices bound: $(ls -d /sys/bus/pci/drivers/vgpu_drm/0000:* 2>/dev/null | wc -l)"
ls /sys/class/drm | tr '\n' ' '; echo
dmesg | grep -E 'vgpu_drm|fbcon|\[drm\]' | sed 's/^\[[ 0-9.]*\] //'
echo "l2-end binding"

# Six lines of text at the top of an otherwise clear console (tty1 is the
# framebuffer console: console=ttyS0 keeps kernel messages off it)
{
  printf '\033[2J\033[H'
  for i in 1 2 3 4 5 6; do
    printf 'FBEXPORT L2 CONSOLE LINE %d ##########################################\n' "$i"
  done
} >/dev/tty1
echo "l2-console-written uptime $(cut -d' ' -f1 /proc/uptime)"

echo "l2-begin modetest"
timeout 60 modetest -M vgpu_drm -c 2>&1
echo "modetest exit $?"
echo "l2-end modetest"

if [ -n "$release" ]; then
  for _ in $(seq 1 1200); do
    [ -e "$release" ] && break
    sleep 0.2
  done
  [ -e "$release" ] && echo "l2-released" || echo "l2-release-timeout"
fi

echo "l2-begin unload"
if [ -n "$card" ]; then
  echo "${card##*/}" >/sys/bus/pci/drivers/vgpu_drm/unbind && echo "unbind ok"
  [ -e /sys/class/drm/card0 ] && echo "card0 still there" || echo "card0 gone"
fi
rmmod vgpu_drm && echo "rmmod ok"
[ -d /sys/module/vgpu_drm ] && echo "module still loaded" || echo "module gone"
echo "l2-end unload"
