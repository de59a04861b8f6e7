#!/usr/bin/env python3
"""A scripted update client for tests/test_probe_update.c.

update_device.py PERSONA LAB STATE USER PASSWORD

Plays a device's update side inside the test's network namespace: every
0.3 s it fetches https://update.refdevice.test/update/manifest.json from
the lab gateway (10.77.0.1:443, SNI and Host update.refdevice.test), then
the file the manifest names, and decides:

  weak        accepts any certificate, checks nothing, installs what it got
  conforming  validates the chain against LAB/ca.pem and the host name,
              refuses a manifest whose version is not newer than the
              installed one (without fetching the payload), then fetches
              the payload and its signature, checks the manifest's sha256
              and the Ed25519 signature with LAB/vendor-pub.pem

Install = STATE/firmware.bin and STATE/version.  It also serves its
version check on https://10.77.0.2:8443/api/version.cgi behind HTTP Basic
USER:PASSWORD: {"firmware":"<version>","image_sha256":"<hex or empty>"}.
Each decision is one line of STATE/client.log.
"""
import base64
import hashlib
import http.server
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

persona, lab, state, user, password = sys.argv[1:6]
GW, DEV, HOST = "10.77.0.1", "10.77.0.2", "update.refdevice.test"


def log(line):
    with open(os.path.join(state, "client.log"), "a") as f:
        f.write(line + "\n")


def installed():
    with open(os.path.join(state, "version")) as f:
        v = f.read().strip()
    try:
        with open(os.path.join(state, "firmware.bin"), "rb") as f:
            d = hashlib.sha256(f.read()).hexdigest()
    except FileNotFoundError:
        d = ""
    return v, d


class Web(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        want = "Basic " + base64.b64encode(
            (user + ":" + password).encode()).decode()
        if self.headers.get("Authorization") != want:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="dev"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path != "/api/version.cgi":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        v, d = installed()
        body = json.dumps({"firmware": v, "image_sha256": d},
                          separators=(",", ":")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def web():
    srv = http.server.ThreadingHTTPServer((DEV, 8443), Web)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(lab, "dev.pem"),
                        os.path.join(lab, "dev-key.pem"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


def client_ctx():
    if persona == "weak":
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        c.check_hostname = False
        c.verify_mode = ssl.CERT_NONE
        return c
    return ssl.create_default_context(cafile=os.path.join(lab, "ca.pem"))


def get(ctx, path):
    """(status, body) of GET path, or raises."""
    with socket.create_connection((GW, 443), timeout=3) as raw:
        with ctx.wrap_socket(raw, server_hostname=HOST) as s:
            s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close"
                       "\r\n\r\n" % (path, HOST)).encode())
            data = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                data += b
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


def newer(a, b):
    return [int(x) for x in a.split(".")] > [int(x) for x in b.split(".")]


def install(fw, version):
    with open(os.path.join(state, "firmware.bin"), "wb") as f:
        f.write(fw)
    with open(os.path.join(state, "version"), "w") as f:
        f.write(version)
    log("installed %s sha256=%s" % (version, hashlib.sha256(fw).hexdigest()))


def cycle(ctx):
    st, body = get(ctx, "/update/manifest.json")
    if st != 200:
        return
    m = json.loads(body)
    v = m["version"]
    if persona != "weak" and not newer(v, installed()[0]):
        log("refused %s: not newer than %s" % (v, installed()[0]))
        return
    st, fw = get(ctx, "/update/" + m["file"])
    if st != 200:
        return
    if persona == "weak":
        install(fw, v)
        return
    st, sig = get(ctx, "/update/" + m.get("signature", "none"))
    if st != 200:
        log("refused %s: no signature" % v)
        return
    if hashlib.sha256(fw).hexdigest() != m.get("sha256"):
        log("refused %s: sha256 differs" % v)
        return
    with open(os.path.join(state, "fw.tmp"), "wb") as f:
        f.write(fw)
    with open(os.path.join(state, "sig.tmp"), "wb") as f:
        f.write(sig)
    r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey",
                        os.path.join(lab, "vendor-pub.pem"), "-rawin", "-in",
                        os.path.join(state, "fw.tmp"), "-sigfile",
                        os.path.join(state, "sig.tmp")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if r.returncode != 0:
        log("refused %s: signature does not verify" % v)
        return
    install(fw, v)


threading.Thread(target=web, daemon=True).start()
ctx = client_ctx()
while True:
    try:
        cycle(ctx)
    except (OSError, ValueError, KeyError, IndexError) as e:
        log("cycle failed: %s" % e)
    time.sleep(0.3)
