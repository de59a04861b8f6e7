#!/usr/bin/env python3
"""A hostile SSH server on 127.0.0.1:PORT (tests/e2e_device_text.sh).

It speaks just enough SSH for Assay's banner and KEXINIT probes: a line
before the identification that tries to retitle and clear the terminal,
an identification line with ill-formed UTF-8 (overlong forms, a
surrogate, a code point above U+10FFFF, a truncated sequence), a bidi
override and escape sequences, then a KEXINIT whose weak cipher name
carries the same bytes, CR LF and a forged line.  Every connection gets
the same bytes; the server runs until killed.

    ssh_hostile.py PORT
"""
import os
import socket
import struct
import sys
import threading

# Terminal attacks: set the window title, clear the screen, colours, a
# C1 CSI (U+009B), CR LF with a forged line.
ESC = b"\x1b]0;assay-owned\x07\x1b[2J\x1b[31m\xc2\x9b31m"
# Ill-formed UTF-8 that still has the shape of UTF-8 (lead byte and the
# right number of continuation bytes), which libxml2's xmlCheckUTF8() and
# a shape-only check let through: overlong "/" (C0 AF), overlong 3-byte
# (E0 80 AF), a surrogate U+D800 (ED A0 80), above U+10FFFF (F4 90 80 80).
BAD = b"\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80"
# Ill-formed by shape: a lone continuation byte, a truncated sequence.
CUT = b"\x80\xe2\x82"
BIDI = b"\xe2\x80\xae"  # U+202E RIGHT-TO-LEFT OVERRIDE
PRE = ESC + b"hostile pre-banner line" + BAD + CUT + b"\r\n"
BANNER = b"SSH-2.0-Evil_1.0" + BAD + BIDI + b"exe.txt" + ESC + CUT + b"\r\n"


def name_list(s):
    return struct.pack(">I", len(s)) + s


def kexinit():
    # Lands in a FAIL reason of 5.5-1-2 ("offers weak SSH algorithm(s)").
    cipher = b"3des-cbc" + BAD + ESC + b"\r\nFORGED: PASS\r" + BIDI
    lists = [b"diffie-hellman-group14-sha256", b"ssh-ed25519",
             cipher + b",aes128-ctr", cipher + b",aes128-ctr", b"hmac-sha2-256",
             b"hmac-sha2-256", b"none", b"none", b"", b""]
    payload = bytes([20]) + os.urandom(16)
    for n in lists:
        payload += name_list(n)
    payload += b"\x00" + struct.pack(">I", 0)
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return (struct.pack(">IB", len(payload) + pad + 1, pad) + payload +
            b"\x00" * pad)


def serve(conn):
    try:
        conn.settimeout(10)
        conn.sendall(PRE + BANNER)
        data = b""
        while b"\n" not in data and len(data) < 512:
            chunk = conn.recv(512)
            if not chunk:
                return
            data += chunk
        conn.sendall(kexinit())
        conn.recv(4096)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    port = int(sys.argv[1])
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
