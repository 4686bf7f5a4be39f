#!/usr/bin/python3
"""fbexportd seen by a stranger's tool: vncsnapshot (TightVNC) takes two
pictures a second apart. Both must be the demo desktop (compared with fbshot's
PNG of the same size, JPEG loss allowed), and they must differ where the demo
moves, by a moving region much smaller than the screen."""

import os
import signal
import subprocess
import sys
import tempfile
import time

from PIL import Image

from rfb_peers import free_display, share_close, snapshot, start_service

FBEXPORTD, FBSHOT = sys.argv[1], sys.argv[2]
WIDTH, HEIGHT = 800, 600


def main():
    with tempfile.TemporaryDirectory() as tmp:
        display = free_display()
        service = start_service(FBEXPORTD, display, WIDTH, HEIGHT)
        try:
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
