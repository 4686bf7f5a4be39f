#!/usr/bin/env bash
# Installs what fbexport needs, builds it, and serves the built-in demo
# desktop over VNC on 127.0.0.1:5900 (Ctrl-C stops it). Extra arguments go to
# fbexportd, e.g. `tools/run-demo.sh --vnc 127.0.0.1:5901 --demo-modifier y-tiled`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FBEXPORT_BUILD_DIR:-$root/build}

bash "$root/tools/setup-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fbexportd fbshot

cat <<EOT

fbexportd is starting with the demo desktop. Connect a VNC viewer to
    127.0.0.1:5900    (e.g. 'vncviewer 127.0.0.1::5900', or
                       'vncsnapshot 127.0.0.1:0 shot.jpg' for one picture)
From another machine, tunnel it: ssh -L 5900:127.0.0.1:5900 THIS-HOST
Stop it with Ctrl-C.

EOT
exec "$build/tools/fbexportd" --source demo --vnc 127.0.0.1:5900 "$@"
