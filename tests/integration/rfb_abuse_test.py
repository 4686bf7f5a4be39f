#!/usr/bin/python3
"""fbexportd against hostile VNC clients: for a bounded time (argv[3] seconds),
connections send malformed RFB — garbage versions, unknown security types,
cut text claiming 2 GiB, SetEncodings claiming 65535 entries, unknown message
types, impossible pixel formats, update requests far outside the screen,
random bytes — and some stay half-open. Afterwards the service must still be
running and a normal client (vncsnapshot) must still get the demo desktop."""

import os
import random
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from PIL import Image

from rfb_peers import free_display, share_close, snapshot, start_service

FBEXPORTD, FBSHOT = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 10
WIDTH, HEIGHT = 800, 600


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.settimeout(2)
    return s


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def handshake(port):
    """A connection through RFB 3.8 with no security, past ServerInit."""
    s = connect(port)
    recv_exact(s, 12)
    s.sendall(b"RFB 003.008\n")
    count = recv_exact(s, 1)[0]
    types = recv_exact(s, count)
    if 1 not in types:
        raise RuntimeError(f"no security type None offered: {list(types)}")
    s.sendall(b"\x01")
    if struct.unpack(">I", recv_exact(s, 4))[0] != 0:
        raise RuntimeError("security handshake failed")
    s.sendall(b"\x01")  # shared
    width, height = struct.unpack(">HH", recv_exact(s, 4))
    recv_exact(s, 16)
    name_len = struct.unpack(">I", recv_exact(s, 4))[0]
    recv_exact(s, name_len)
    if (width, height) != (WIDTH, HEIGHT):
        raise RuntimeError(f"ServerInit says {width}x{height}")
    return s


def attack_before_handshake(port, rng):
    s = connect(port)
    recv_exact(s, 12)
    choice = rng.randrange(3)
    if choice == 0:
        s.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
    elif choice == 1:
        s.sendall(b"RFB 003.008\n")
        recv_exact(s, 1)
        s.sendall(bytes([rng.choice([0, 2, 5, 200, 255])]))  # not offered
    else:
        s.sendall(b"RFB 999.999\n")
    return s


def attack_after_handshake(port, rng):
    s = handshake(port)
    choice = rng.randrange(7)
    if choice == 0:    # ClientCutText claiming 2 GiB, then a few bytes
        s.sendall(struct.pack(">B3xI", 6, 0x7FFFFFFF) + b"x" * rng.randrange(100))
    elif choice == 1:  # SetEncodings claiming 65535 encodings
        s.sendall(struct.pack(">BxH", 2, 65535) + struct.pack(">i", 0) * rng.randrange(10))
    elif choice == 2:  # unknown message types
        s.sendall(bytes([rng.choice([7, 9, 42, 200, 255])]) + os.urandom(rng.randrange(64)))
    elif choice == 3:  # SetPixelFormat with impossible values, then an update request
        fmt = struct.pack(">BBBBHHHBBB3x", rng.choice([0, 7, 13, 64]), 99, 1, 1, 0, 0, 0, 40, 40, 40)
        s.sendall(struct.pack(">B3x", 0) + fmt + struct.pack(">BBHHHH", 3, 0, 0, 0, 64, 64))
    elif choice == 4:  # update requests far outside the screen
        x, y = rng.choice([(65535, 65535), (WIDTH, 0), (0, HEIGHT), (600, 400)])
        s.sendall(struct.pack(">BBHHHH", 3, rng.randrange(2), x, y, 65535, 65535))
    elif choice == 5:  # pointer and key events with wild values
        s.sendall(struct.pack(">BBHH", 5, 0xFF, 65535, 65535) + struct.pack(">BBxxI", 4, 1, 0xFFFFFFFF))
    else:              # random bytes
        s.sendall(os.urandom(rng.randrange(1, 4096)))
    return s


def main():
    rng = random.Random(20261123)
    counts = {"before": 0, "after": 0, "half_open": 0, "refused": 0}
    with tempfile.TemporaryDirectory() as tmp:
        display = free_display()
        port = 5900 + display
        # the desktop stops on a known picture, so what the last client sees
        # can be compared with fbshot's rendering of that moment
        service = start_service(FBEXPORTD, display, WIDTH, HEIGHT, ["--demo-stop-at", "500"])
        half_open = []
        try:
            end = time.time() + SECONDS
            while time.time() < end:
                try:
                    if len(half_open) < 16 and rng.randrange(20) == 0:
                        half_open.append(connect(port))  # connects, never speaks
                        counts["half_open"] += 1
                        continue
                    if rng.randrange(2):
                        s = attack_before_handshake(port, rng)
                        counts["before"] += 1
                    else:
                        s = attack_after_handshake(port, rng)
                        counts["after"] += 1
                    time.sleep(0.002)
                    s.close()
                except (OSError, ConnectionError):
                    counts["refused"] += 1  # the server hung up on us: fine
                if service.poll() is not None:
                    break
            alive = service.poll() is None
            shot = snapshot(display, os.path.join(tmp, "after.jpg")) if alive else None
        finally:
            for s in half_open:
                s.close()
            service.send_signal(signal.SIGTERM)
            try:
                service.wait(timeout=20)
            except subprocess.TimeoutExpired:
                service.kill()

        print(f"{counts['before']} connections attacked the handshake, {counts['after']} "
              f"sent malformed messages after it, {counts['half_open']} stayed half-open, "
              f"{counts['refused']} were cut off by the server, in {SECONDS:.0f} s")
        if not alive:
            print("FAIL: fbexportd died; its last log lines:")
            print("".join(list(service.log_tail)[-20:]))
            return 1
        if service.returncode != 0:
            print(f"FAIL: fbexportd exited with {service.returncode} after SIGTERM")
            return 1
        subprocess.run([FBSHOT, "--demo-size", f"{WIDTH}x{HEIGHT}", "--demo-time", "500",
                        "--no-cursor", "-o", os.path.join(tmp, "ref.png")], check=True)
        reference = Image.open(os.path.join(tmp, "ref.png")).convert("RGB")
        close = share_close(shot, reference)
        print(f"a normal client afterwards: {close:.1%} of pixels match the demo")
        if shot.size != (WIDTH, HEIGHT) or close < 0.9:
            print("FAIL: the normal client does not see the demo desktop")
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
