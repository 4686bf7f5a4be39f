#!/usr/bin/python3
"""fbexportd --http with --http-cert/--http-key, seen by Python's ssl (OpenSSL,
a TLS stack other than the service's GnuTLS) on a self-signed certificate
made here with the openssl CLI:
- the page comes over HTTPS, from a server presenting exactly that
  certificate;
- plain HTTP on that port gets no page;
- a WebSocket over TLS (wss) gets the 101 answer RFC 6455 asks for and then
  RFB through it: version, the VNC authentication the password file asks
  for (DES, as RFB has it, through the openssl CLI), the server's
  initialisation with the desktop's size, and a framebuffer update;
- a wrong password over wss fails like on the VNC port;
- a client that opens TLS and goes silent holds up nobody: a second
  connection is served meanwhile;
- a key that does not belong to the certificate stops the service at
  start, naming both files.

Usage: https_viewer_test.py FBEXPORTD"""

import base64
import hashlib
import os
import re
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

FBEXPORTD = sys.argv[1]
WIDTH, HEIGHT = 320, 200
PASSWORD = "tlsPw42!"
failures = []


def check(condition, what):
    print(("ok:   " if condition else "FAIL: ") + what)
    if not condition:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tls_connect(port, timeout=10):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # self-signed: compared by hand instead
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return context.wrap_socket(raw, server_hostname="localhost")


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def http_get(sock, path):
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


class WebSocket:
    """The client side of RFC 6455, binary frames, as noVNC uses it."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def handshake(self, path="/websockify"):
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nOrigin: https://localhost\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           "Sec-WebSocket-Protocol: binary\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += read_exact(self.sock, 1)
        want = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        return head.decode(errors="replace"), want

    def send(self, payload):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        header = bytes([0x82])
        if len(payload) < 126:
            header += bytes([0x80 | len(payload)])
        else:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        self.sock.sendall(header + mask + masked)

    def read(self, n):
        while len(self.buffer) < n:
            first, second = read_exact(self.sock, 2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", read_exact(self.sock, 2))[0]
            elif length == 127:
                length = struct.unpack(">Q", read_exact(self.sock, 8))[0]
            payload = read_exact(self.sock, length)
            if first & 0x0F == 0x8:
                raise EOFError("WebSocket closed by the server")
            self.buffer += payload
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data


def vnc_response(challenge, password):
    """RFB's VNC authentication: DES-ECB of the challenge, the password's
    bits reversed in each byte as the key."""
    key = bytes(int(f"{b:08b}"[::-1], 2) for b in password.encode()[:8].ljust(8, b"\0"))
    out = subprocess.run(["openssl", "enc", "-des-ecb", "-nopad", "-provider", "legacy",
                          "-provider", "default", "-K", key.hex()],
                         input=challenge, capture_output=True, check=True)
    return out.stdout


def rfb_over(ws, password):
    """An RFB 3.8 session up to a framebuffer update; the server's
    (width, height) and the update's rectangle count, or the refusal."""
    version = ws.read(12)
    ws.send(b"RFB 003.008\n")
    count = ws.read(1)[0]
    if count == 0:
        length = struct.unpack(">I", ws.read(4))[0]
        return "refused: " + ws.read(length).decode()
    types = ws.read(count)
    if 2 not in types:
        return f"no VNC authentication offered: {list(types)}"
    ws.send(bytes([2]))
    ws.send(vnc_response(ws.read(16), password))
    result = struct.unpack(">I", ws.read(4))[0]
    if result != 0:
        length = struct.unpack(">I", ws.read(4))[0]
        return "authentication failed: " + ws.read(length).decode()
    ws.send(bytes([1]))  # ClientInit: shared
    width, height = struct.unpack(">HH", ws.read(4))
    ws.read(16)  # pixel format
    ws.read(struct.unpack(">I", ws.read(4))[0])  # name
    ws.send(struct.pack(">BBHHHH", 3, 0, 0, 0, width, height))  # full update request
    message_type = ws.read(1)[0]
    ws.read(1)
    rects = struct.unpack(">H", ws.read(2))[0]
    return version, width, height, message_type, rects


def main():
    with tempfile.TemporaryDirectory() as tmp:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
                        "/CN=localhost", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        password_file = os.path.join(tmp, "password")
        with open(password_file, "w") as f:
            f.write(PASSWORD + "\n")
        os.chmod(password_file, 0o600)
        http = free_port()
        service = subprocess.Popen(
            [FBEXPORTD, "--demo-size", f"{WIDTH}x{HEIGHT}", "--vnc", f"127.0.0.1:{free_port()}",
             "--http", f"127.0.0.1:{http}", "--http-cert", cert, "--http-key", key,
             "--vnc-password-file", password_file, "--log-level", "debug"],
            stderr=subprocess.PIPE, text=True)
        log = []
        try:
            while True:
                line = service.stderr.readline()
                if not line:
                    sys.exit("fbexportd exited before it was ready:\n" + "".join(log))
                log.append(line)
                found = re.search(r"ready: open (\S+) in a browser", line)
                if found:
                    break
            check(found.group(1).startswith(f"https://127.0.0.1:{http}/"),
                  f"the URL printed is https: {found.group(1)}")

            with tls_connect(http) as s:
                with open(cert) as f:
                    ours = ssl.PEM_cert_to_DER_cert(f.read())
                check(s.getpeercert(binary_form=True) == ours,
                      "the server presents the certificate given")
                check(s.version() in ("TLSv1.2", "TLSv1.3"), f"protocol {s.version()}")
                page = http_get(s, "/vnc.html")
            check(page.startswith(b"HTTP/1.1 200 OK") and b"noVNC" in page,
                  f"the page over HTTPS ({len(page)} bytes)")
            check(b"Strict-Transport-Security" in page, "HSTS header")

            with socket.create_connection(("127.0.0.1", http), timeout=10) as s:
                plain = http_get(s, "/vnc.html")
            check(b"noVNC" not in plain and not plain.startswith(b"HTTP/1.1 200"),
                  f"plain HTTP gets no page ({plain[:40]!r})")

            # A viewer that opens TLS and says nothing more...
            silent = socket.create_connection(("127.0.0.1", http), timeout=10)
            silent.sendall(b"\x16\x03\x01")
            # ...while another one is served in full over wss.
            started = time.monotonic()
            with tls_connect(http) as s:
                ws = WebSocket(s)
                head, accept = ws.handshake()
                check(head.startswith("HTTP/1.1 101"), "WebSocket upgrade over TLS: 101")
                check(f"Sec-WebSocket-Accept: {accept}" in head, "Sec-WebSocket-Accept matches")
                result = rfb_over(ws, PASSWORD)
            print("wss RFB session:", result, f"in {time.monotonic() - started:.2f} s")
            check(isinstance(result, tuple) and result[0] == b"RFB 003.008\n",
                  "RFB version over wss")
            check(isinstance(result, tuple) and result[1:3] == (WIDTH, HEIGHT),
                  f"ServerInit says {WIDTH}x{HEIGHT}")
            check(isinstance(result, tuple) and result[3] == 0 and result[4] > 0,
                  "a framebuffer update arrives")
            silent.close()

            with tls_connect(http) as s:
                ws = WebSocket(s)
                ws.handshake()
                result = rfb_over(ws, "wrong")
            check(isinstance(result, str) and result.startswith("authentication failed"),
                  f"a wrong password over wss: {result}")
        finally:
            service.send_signal(signal.SIGTERM)
            _, rest = service.communicate(timeout=20)
            log.append(rest)
        text = "".join(log)
        check(service.returncode == 0, f"fbexportd exits 0 (got {service.returncode})")
        # A key that is not the certificate's: refused at start, saying which files.
        other = os.path.join(tmp, "other.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-out", other], check=True, capture_output=True)
        wrong = subprocess.run(
            [FBEXPORTD, "--vnc", f"127.0.0.1:{free_port()}", "--http", f"127.0.0.1:{free_port()}",
             "--http-cert", cert, "--http-key", other], capture_output=True, text=True, timeout=20)
        check(wrong.returncode == 1 and f"cannot use the certificate {cert} with the key {other}"
              in wrong.stderr, f"a mismatched key is refused: {wrong.stderr.strip()[-160:]}")
        check(PASSWORD not in text, "the password is not in the debug log")
        check("from 127.0.0.1 over TLS" in text, "the log names the viewer's address")
    if failures:
        print(text)
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
