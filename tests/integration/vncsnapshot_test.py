#!/usr/bin/python3
"""fbexportd seen by a stranger's tool: vncsnapshot (TightVNC) takes two
pictures a second apart. Both must be the demo desktop (compared with fbshot's
PNG of the same size, JPEG loss allowed), and they must differ where the demo
moves, by a moving region much smaller than the screen."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

from PIL import Image, ImageChops

FBEXPORTD, FBSHOT = sys.argv[1], sys.argv[2]
WIDTH, HEIGHT = 800, 600


def free_display():
    """A VNC display number whose port (5900 + N) is free on loopback."""
    for display in range(40, 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", 5900 + display))
                return display
            except OSError:
                continue
    sys.exit("no free VNC display number between 40 and 99")


def snapshot(display, path):
    subprocess.run(["vncsnapshot", "-quiet", "-nocursor", f"127.0.0.1:{display}", path],
                   check=True, timeout=60, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return Image.open(path).convert("RGB")


def share_close(a, b, tolerance=24):
    """Fraction of pixels whose every channel is within `tolerance`."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > tolerance else 0)
    return 1.0 - diff.histogram()[255] / (a.width * a.height)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        display = free_display()
        service = subprocess.Popen(
            [FBEXPORTD, "--demo-size", f"{WIDTH}x{HEIGHT}", "--vnc",
             f"127.0.0.1:{5900 + display}"], stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 20
            while "ready" not in service.stderr.readline():
                if time.time() > deadline or service.poll() is not None:
                    sys.exit("fbexportd did not start")
            first = snapshot(display, os.path.join(tmp, "a.jpg"))
            time.sleep(1)
            second = snapshot(display, os.path.join(tmp, "b.jpg"))
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=20)

        subprocess.run([FBSHOT, "--demo-size", f"{WIDTH}x{HEIGHT}", "--no-cursor", "-o",
                        os.path.join(tmp, "ref.png")], check=True)
        reference = Image.open(os.path.join(tmp, "ref.png")).convert("RGB")

        failures = []
        for name, shot in (("first", first), ("second", second)):
            if shot.size != (WIDTH, HEIGHT):
                failures.append(f"{name} snapshot is {shot.size}, want {(WIDTH, HEIGHT)}")
                continue
            # Windows move, so only the still part (background, clock frame) matches.
            close = share_close(shot, reference)
            print(f"{name} snapshot: {close:.1%} of pixels match the demo's reference")
            if close < 0.5:
                failures.append(f"{name} snapshot does not look like the demo desktop")
        changed = 1.0 - share_close(first, second)
        print(f"changed between the snapshots: {changed:.1%} of the screen")
        if changed < 0.002:
            failures.append("the two snapshots are the same: the desktop is not live")
        if changed > 0.6:
            failures.append("most of the screen changed: the snapshots are not the same desktop")
        for f in failures:
            print("FAIL:", f)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
