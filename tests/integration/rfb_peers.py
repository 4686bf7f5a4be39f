"""Shared by the Python integration tests: a free VNC display, fbexportd
started on it, vncsnapshot pictures and a tolerant picture comparison."""

import collections
import socket
import subprocess
import sys
import threading
import time

from PIL import ImageChops, Image


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


def start_service(fbexportd, display, width, height, extra=()):
    """fbexportd on the demo desktop, returned once it says it is ready. Its
    log keeps being read (the last lines in service.log_tail), so a chatty
    service never blocks on a full pipe."""
    service = subprocess.Popen(
        [fbexportd, "--demo-size", f"{width}x{height}", "--vnc",
         f"127.0.0.1:{5900 + display}", *extra], stderr=subprocess.PIPE, text=True,
        errors="replace")
    deadline = time.time() + 20
    while "ready" not in service.stderr.readline():
        if time.time() > deadline or service.poll() is not None:
            sys.exit("fbexportd did not start")
    service.log_tail = collections.deque(maxlen=200)
    threading.Thread(target=lambda: service.log_tail.extend(service.stderr), daemon=True).start()
    return service


def snapshot(display, path):
    subprocess.run(["vncsnapshot", "-quiet", "-nocursor", f"127.0.0.1:{display}", path],
                   check=True, timeout=60, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return Image.open(path).convert("RGB")


def share_close(a, b, tolerance=24):
    """Fraction of pixels whose every channel is within `tolerance`."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > tolerance else 0)
    return 1.0 - diff.histogram()[255] / (a.width * a.height)
