#!/usr/bin/python3
"""fbexportd --http seen by a real browser: Debian's Chromium, headless,
driven through chromedriver by Debian's Selenium, opens the one URL the
service prints (noVNC from Debian's novnc package, autoconnecting over the
WebSocket the same port serves). The page's canvas must show the demo
desktop: while it animates, each snapshot must match the demo's reference
picture (fbshot) of some moment, later snapshots of later moments; once the
demo stands still, exactly that moment's picture. The cursor is drawn by
noVNC apart from the canvas, so the references have none. The service's
codec may be lossy (Tight with JPEG), so pixels match within a tolerance.

With --https the service serves over HTTPS (--http-cert/--http-key) with a
self-signed certificate made here (openssl CLI), which Chromium is told to
accept: the page and the WebSocket (wss) then go through TLS.

Usage: browser_novnc_test.py FBEXPORTD FBSHOT [--https]
Exit status 77 (skipped) when Chromium or chromedriver is not installed."""

import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from PIL import Image, ImageChops

FBEXPORTD, FBSHOT = sys.argv[1], sys.argv[2]
HTTPS = sys.argv[3:] == ["--https"]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
WIDTH, HEIGHT = 640, 400
STOP_MS = 6000      # the demo animates this long, then stands still
STEP_MS = 100       # the references' coarse time grid, refined to FINE_MS
FINE_MS = 10
SKIP = 77


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def share_close(a, b, tolerance=24):
    """Fraction of pixels whose every channel is within `tolerance`."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > tolerance else 0)
    return 1.0 - diff.histogram()[255] / (a.width * a.height)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1024,768"):
        options.add_argument(arg)
    if HTTPS:
        options.add_argument("--ignore-certificate-errors")  # the test's own, self-signed
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


# The canvas's pixels as an RGB image (getImageData is RGBA, row-major).
CANVAS_PIXELS = """
const c = document.querySelector('#noVNC_container canvas');
if (!c) return null;
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
let s = '';
for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode.apply(null, d.subarray(i, i + 0x8000));
return [c.width, c.height, btoa(s)];
"""


def snapshot(driver):
    width, height, data = driver.execute_script(CANVAS_PIXELS)
    return Image.frombytes("RGBA", (width, height), base64.b64decode(data)).convert("RGB")


class References:
    """The demo's pictures (fbshot, no cursor), rendered when first asked for."""

    def __init__(self, folder):
        self.folder = folder
        self.pictures = {}

    def __getitem__(self, t):
        if t not in self.pictures:
            path = os.path.join(self.folder, f"ref{t}.png")
            subprocess.run([FBSHOT, "--demo-size", f"{WIDTH}x{HEIGHT}", "--no-cursor",
                            "--convert", "cpu", "--demo-time", str(t), "-o", path], check=True)
            self.pictures[t] = Image.open(path).convert("RGB")
        return self.pictures[t]

    def best_match(self, shot):
        """(moment, share) of the demo's picture the snapshot matches best: the
        best on the coarse grid, then to the millisecond-ish around it (a
        window moves a few pixels between grid points)."""
        def best(moments):
            return max(((t, share_close(shot, self[t])) for t in moments),
                       key=lambda pair: pair[1])
        coarse, _ = best(range(0, STOP_MS + 1, STEP_MS))
        fine, _ = best(range(max(0, coarse - STEP_MS), min(STOP_MS, coarse + STEP_MS) + 1,
                             FINE_MS))
        return best(range(max(0, fine - FINE_MS), min(STOP_MS, fine + FINE_MS) + 1))


def main():
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            print(f"SKIP: {path} is not installed (Debian packages chromium and "
                  "chromium-driver; tools/setup-deps.sh installs them)")
            return SKIP
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        references = References(tmp)
        # The browser before the service: its start-up is the slow part, and
        # the demo's clock starts with the service.
        driver = browser()
        tls = []
        if HTTPS:
            cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                            "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            tls = ["--http-cert", cert, "--http-key", key]
        service = subprocess.Popen(
            [FBEXPORTD, "--demo-size", f"{WIDTH}x{HEIGHT}", "--demo-stop-at", str(STOP_MS),
             "--vnc", f"127.0.0.1:{free_port()}", "--http", f"127.0.0.1:{free_port()}"] + tls,
            stderr=subprocess.PIPE, text=True)
        started = time.monotonic()
        try:
            url = None
            while url is None:
                line = service.stderr.readline()
                if not line:
                    sys.exit("fbexportd exited before it was ready")
                scheme = "https" if HTTPS else "http"
                found = re.search(rf"ready: open ({scheme}://\S+) in a browser", line)
                url = found.group(1) if found else None
            print("opening", url)
            driver.get(url)
            deadline = time.monotonic() + 20
            while "noVNC_connected" not in driver.execute_script(
                    "return document.documentElement.className"):
                if time.monotonic() > deadline:
                    sys.exit("noVNC did not connect within 20 s")
                time.sleep(0.05)
            connected = time.monotonic() - started
            print(f"noVNC connected {connected:.1f} s after the service started")
            if connected > STOP_MS / 1000 - 2:
                sys.exit("connected too late to watch the demo move")

            time.sleep(0.3)
            first = snapshot(driver)
            time.sleep(0.8)
            second = snapshot(driver)
            time.sleep(max(0.0, STOP_MS / 1000 + 1.0 - (time.monotonic() - started)))
            # On a loaded machine the canvas may trail the demo by a moment:
            # the still picture must arrive within a few seconds.
            settle = time.monotonic() + 5
            still = snapshot(driver)
            while (still.size == (WIDTH, HEIGHT) and time.monotonic() < settle
                   and share_close(still, references[STOP_MS]) < 0.995):
                time.sleep(0.25)
                still = snapshot(driver)
        finally:
            driver.quit()
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=20)

        for name, shot in (("first", first), ("second", second), ("still", still)):
            if shot.size != (WIDTH, HEIGHT):
                failures.append(f"{name} canvas is {shot.size}, want {(WIDTH, HEIGHT)}")
        if failures:
            for f in failures:
                print("FAIL:", f)
            return 1

        t_first, share_first = references.best_match(first)
        t_second, share_second = references.best_match(second)
        share_still = share_close(still, references[STOP_MS])
        changed = 1.0 - share_close(first, second)
        print(f"first snapshot: the demo at {t_first} ms, {share_first:.2%} of pixels match")
        print(f"second snapshot: the demo at {t_second} ms, {share_second:.2%} of pixels match")
        print(f"still snapshot: {share_still:.2%} of pixels match the demo at {STOP_MS} ms")
        print(f"changed between the first two: {changed:.2%} of the canvas")
        if share_first < 0.99 or share_second < 0.99:
            failures.append("an animating snapshot matches no moment of the demo")
        if t_second <= t_first:
            failures.append("the second snapshot is not a later moment: the canvas does not "
                            "follow the demo")
        if changed < 0.002:
            failures.append("the canvas did not change while the demo moved")
        if share_still < 0.995:
            failures.append("once the demo stood still the canvas is not its picture")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
