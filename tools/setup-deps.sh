#!/usr/bin/env bash
# Installs every Debian package fbexport's build, service and tests need.
# Idempotent: packages already present are skipped, apt is only touched when
# something is missing. Run as root (or through sudo) on Debian 12.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config clang-format
  # libraries the code links against
  libdrm-dev libpixman-1-dev libvncserver-dev libpng-dev
  # the GL converter: EGL, GLES 3 and GBM headers (libglvnd), and Mesa's EGL
  # driver with its DRI drivers, whose llvmpipe gives a GLES 3 context on
  # EGL's surfaceless platform on machines without a GPU (CI, containers)
  libegl-dev libgles-dev libgbm-dev libegl-mesa0 libgl1-mesa-dri
  # GStreamer: headers for the fbexportsrc plugin and encoder selection;
  # gst-launch/gst-inspect (tools) and gst-discoverer (plugins-base-apps);
  # videoconvert, appsink (base); matroskamux, mp4mux, vp8enc (good);
  # x264enc (ugly); h264parse (bad); avdec_h264 to decode back (libav)
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-base-apps
  gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad
  gstreamer1.0-libav
  # fbexportd's streams: the RTSP server library (--rtsp); rtspsrc, the RTSP
  # client the tests play it with, is in plugins-good
  libgstrtspserver-1.0-dev
  # fbexportd --config: the TOML parser (a shared library, libtomlplusplus3)
  libtomlplusplus-dev
  # tests and benchmarks; clang and its libFuzzer runtime for tests/fuzz
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-dev
  # real peers used by the integration tests
  vncsnapshot python3-pil
  # fbexportd --http serves Debian's noVNC; the browser test drives Debian's
  # Chromium through chromedriver with Debian's Selenium (/usr/bin/python3)
  novnc chromium chromium-driver python3-selenium
  # VM tests (tests/vm): QEMU, the guest's initramfs, depmod/modprobe, and
  # what the unpacked Debian kbuild packages run (6.12's needs pahole)
  qemu-system-x86 busybox-static kmod cpio pahole libelf1 libssl3 zlib1g xz-utils
  # the nested guest (tests/vm/nested) runs libdrm's modetest on its vGPU
  libdrm-tests
  # packaging (tests/packaging): the module's DKMS package, man pages from --help
  dkms help2man
)

missing=()
for p in "${packages[@]}"; do
  # compared whole, not piped to grep -q: its early exit could SIGPIPE
  # dpkg-query and fail the check under pipefail
  if [ "$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "setup-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
