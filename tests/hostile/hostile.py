#!/usr/bin/env python3
"""hostile.py - a misbehaving device service for the hostile-device suite.

usage: hostile.py [--port N] [--udp] [--host A] [--tls NAME] [--vanish UP:DOWN]
                  BEHAVIOUR [ARG...]

Listens on HOST:PORT (127.0.0.1), touches ./ready-PORT once it listens and
treats every connection (every datagram with --udp) as BEHAVIOUR says.
Arguments that are byte strings take Python escapes ("\\x1b]0;pwned\\x07").
--tls NAME wraps TCP connections in TLS with NAME.crt/NAME.key (HTTPS,
MQTTS); --vanish UP:DOWN closes the listener and every connection UP seconds after
the first connection and listens again DOWN seconds later (the device
reboots).  Only the
standard library; see README.md for the behaviours.
"""
import argparse
import base64
import codecs
import os
import random
import socket
import ssl
import struct
import sys
import threading
import time

HOLD = 120          # how long a stalling behaviour holds a connection (s)
CONNS = set()
CONNS_LOCK = threading.Lock()


def unescape(s):
    return codecs.escape_decode(s.encode("utf-8"))[0]


class Gone(Exception):
    pass


# --- helpers ---------------------------------------------------------------

def send(c, data):
    try:
        c.sendall(data)
    except OSError:
        raise Gone()


def recv_some(c, timeout=10.0):
    c.settimeout(timeout)
    try:
        d = c.recv(65536)
    except socket.timeout:
        return b""
    except OSError:
        raise Gone()
    if not d:
        raise Gone()
    return d


def recv_until(c, marker, cap=65536, timeout=10.0):
    buf = b""
    while marker not in buf and len(buf) < cap:
        buf += recv_some(c, timeout)
        if not buf:
            break
    return buf


def hold(c, secs=HOLD):
    """Keeps the connection open, reading and dropping what comes."""
    end = time.time() + secs
    c.settimeout(1.0)
    while time.time() < end:
        try:
            if not c.recv(65536):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def rst(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def endless(c, chunk, secs=HOLD):
    end = time.time() + secs
    while time.time() < end:
        send(c, chunk)


# --- TCP behaviours --------------------------------------------------------

def b_silent(c, a):
    hold(c)


def b_trap(c, a):
    """trap: a host that is not the device; a connection leaves ./TRAP-PORT."""
    open("TRAP-%d" % c.getsockname()[1], "w").close()


def b_drip(c, a):
    """drip TEXT: TEXT at one byte a second, then holds."""
    for ch in unescape(a[0]):
        send(c, bytes([ch]))
        time.sleep(1.0)
    hold(c)


def b_banner(c, a):
    """banner TEXT [SECS]: TEXT, then holds SECS (2)."""
    send(c, unescape(a[0]))
    hold(c, float(a[1]) if len(a) > 1 else 2)


def b_endless(c, a):
    """endless [LINE]: LINE again and again as fast as the peer reads."""
    endless(c, unescape(a[0] if a else "220 welcome to the device\\r\\n") * 64)


def b_reset(c, a):
    """reset [BYTES]: reads BYTES (1; 0: none), then a TCP RST."""
    n = int(a[0]) if a else 1
    got = 0
    while got < n:
        got += len(recv_some(c))
    rst(c)


def b_tls_stall(c, a):
    """tls-stall [N]: the first N (11) bytes of a ServerHello, then silence."""
    recv_some(c)
    hello = bytes.fromhex("160303005a020000560303") + bytes(32) + b"\x20" + bytes(32) \
        + bytes.fromhex("c02b000000")
    send(c, hello[:int(a[0]) if a else 11])
    hold(c)


GARBAGE = {
    # record of 16 KiB + 1 announced, a few bytes sent
    "biglen": bytes.fromhex("16030340010200") + bytes(8),
    # application data before any handshake
    "appdata": bytes.fromhex("1703030010") + bytes(range(16)),
    # a fatal alert with an unknown description
    "alert": bytes.fromhex("150303000202ff"),
    # a handshake message longer than 16 MiB inside an 8-byte record
    "hsover": bytes.fromhex("160303000802ffffff03030000"),
    # an SSLv2-style header
    "sslv2": bytes.fromhex("80ff0400") + bytes(64),
    # an unknown record type and protocol version
    "badversion": bytes.fromhex("427f7f0005") + b"hello",
    # ten thousand empty handshake records
    "empty": bytes.fromhex("1603030000") * 10000,
    # a ServerHello whose extensions run past the message
    "hello-ext": bytes.fromhex("160303003002000028030300") + bytes(31) + bytes.fromhex("00c02b00ffff0000"),
}


def b_tls_garbage(c, a):
    """tls-garbage KIND: answers the ClientHello with a broken record
    (GARBAGE above) or 'random': 256 KiB of seeded noise."""
    recv_some(c)
    kind = a[0] if a else "random"
    if kind == "random":
        r = random.Random(11)
        send(c, bytes(r.getrandbits(8) for _ in range(262144)))
    else:
        send(c, GARBAGE[kind])
    hold(c, 10)


# --- HTTP ------------------------------------------------------------------

def http_head(code, headers=(), reason=b"X"):
    h = b"HTTP/1.1 %d %s\r\n" % (code, reason)
    for k, v in headers:
        h += k.encode() + b": " + v.encode() + b"\r\n"
    return h


def b_http(c, a):
    """http MODE [ARG]: see README.md (page, headers10m, headerline10m,
    headers-endless, loop, chain, offhost URL, status-garbage,
    chunked-endless, body-endless, cl-lie, auth-loop, basic-echo USER PASS)."""
    mode = a[0]
    while True:
        req = recv_until(c, b"\r\n\r\n", cap=1 << 20)
        if not req:
            return
        line = req.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        path = parts[1] if len(parts) > 1 else "/"
        if mode == "page":
            body = unescape(a[1])
            send(c, http_head(200, [("Content-Type", "text/html"),
                                    ("Content-Length", str(len(body)))]) + b"\r\n" + body)
            continue
        if mode == "headers10m":
            send(c, http_head(200))
            pad = b"X-Pad-%07d: " + b"a" * 1000 + b"\r\n"
            for i in range(10 * 1024):
                send(c, pad % i)
            send(c, b"Content-Length: 2\r\n\r\nok")
        elif mode == "headerline10m":
            send(c, http_head(200) + b"X-Long: ")
            for _ in range(10 * 1024):
                send(c, b"b" * 1024)
            send(c, b"\r\nContent-Length: 2\r\n\r\nok")
        elif mode == "headers-endless":
            send(c, http_head(200))
            endless(c, b"X-More: yes\r\n" * 256)
        elif mode in ("loop", "chain", "offhost", "auth-loop"):
            if mode == "loop":
                loc = path
            elif mode == "chain":
                n = int(path.rsplit("/", 1)[-1]) if path.rsplit("/", 1)[-1].isdigit() else 0
                loc = "/r/%d" % (n + 1)
            elif mode == "offhost":
                loc = a[1]
            else:
                loc = "/login"
            body = b"moved"
            send(c, http_head(302, [("Location", loc), ("Content-Length", str(len(body)))],
                              b"Found") + b"\r\n" + body)
            continue
        elif mode == "basic-echo":
            # Basic authentication that accepts USER:PASS, never locks, and
            # echoes what it was sent (header and decoded pair) in every reply.
            auth = b""
            for h in req.split(b"\r\n")[1:]:
                if h.lower().startswith(b"authorization:"):
                    auth = h.split(b":", 1)[1].strip()
            try:
                pair = base64.b64decode(auth.split(b" ", 1)[-1]) if auth else b""
            except ValueError:
                pair = b""
            ok = pair == (a[1] + ":" + a[2]).encode()
            body = b"<html>you sent " + auth + b" = " + pair + b"</html>"
            hdrs = [("Content-Length", str(len(body))), ("X-Echo", auth.decode("latin-1"))]
            if not ok:
                hdrs.append(("WWW-Authenticate", 'Basic realm="device"'))
            send(c, http_head(200 if ok else 401, hdrs) + b"\r\n" + body)
            continue
        elif mode == "status-garbage":
            send(c, unescape(a[1]) if len(a) > 1 else b"HTTP/1.1 2x0 \x1b[2J\x00\xff\r\n\r\n")
        elif mode == "chunked-endless":
            send(c, http_head(200, [("Transfer-Encoding", "chunked")]) + b"\r\n")
            endless(c, b"400\r\n" + b"c" * 1024 + b"\r\n")
        elif mode == "chunked-bad":
            send(c, http_head(200, [("Transfer-Encoding", "chunked")]) + b"\r\n"
                 + b"fffffffffffffffff\r\nzz\r\n")
        elif mode == "body-endless":
            send(c, http_head(200, [("Content-Type", "text/html")]) + b"\r\n")
            endless(c, b"<p>more</p>\n" * 512)
        elif mode == "cl-lie":
            send(c, http_head(200, [("Content-Length", "100000000")]) + b"\r\nshort")
            hold(c, 60)
        else:
            raise SystemExit("unknown http mode " + mode)
        hold(c, 30)
        return


# --- telnet ----------------------------------------------------------------

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240


def b_telnet(c, a):
    """telnet MODE: iac-flood (endless option negotiation), sb-endless (a
    subnegotiation that never ends), echo-pw USER PASS [USER PASS...] (a
    login that echoes the password and accepts these pairs, never locks),
    prompt-flood (endless prompts)."""
    mode = a[0]
    if mode == "iac-flood":
        endless(c, bytes([IAC, DO, 24, IAC, WILL, 1, IAC, DO, 31, IAC, WILL, 3]) * 256, 60)
    elif mode == "sb-endless":
        send(c, bytes([IAC, SB, 24]))
        endless(c, b"\x01" * 4096, 60)
    elif mode == "prompt-flood":
        endless(c, b"login: Password: # $ > " * 128, 60)
    elif mode == "echo-pw":
        pairs = {(a[i].encode(), a[i + 1].encode()) for i in range(1, len(a) - 1, 2)}
        while True:
            send(c, b"device login: ")
            u = recv_until(c, b"\n").strip(b"\r\n\x00")
            send(c, u + b"\r\nPassword: ")
            p = recv_until(c, b"\n").strip(b"\r\n\x00")
            send(c, p + b"\r\n")          # the password, echoed
            if (u, p) in pairs:
                send(c, b"BusyBox v1.35.0 built-in shell (ash)\r\n# ")
                hold(c, 30)
                return
            send(c, b"Login incorrect\r\n")
    else:
        raise SystemExit("unknown telnet mode " + mode)


# --- SSH -------------------------------------------------------------------

def ssh_packet(payload, pad=4):
    pad = 8 - (len(payload) + 5) % 8 + (8 if pad > 8 else 0)
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + bytes(pad)


def b_ssh(c, a):
    """ssh MODE [TEXT]: banner TEXT (an identification line as given, then
    a garbage packet), kexinit KIND (a valid banner, then a broken KEXINIT:
    lists, hugelen, padding, random)."""
    mode = a[0]
    if mode == "banner":
        send(c, unescape(a[1]) + b"\r\n")
        try:
            recv_some(c, 5)
        except Gone:
            return
        send(c, ssh_packet(b"\x14" + bytes(16) + b"\xff\xff\xff\xff"))
        hold(c, 10)
        return
    send(c, b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    try:
        recv_some(c, 5)
    except Gone:
        return
    kind = a[1] if len(a) > 1 else "lists"
    if kind == "lists":        # name-list lengths that run past the packet
        send(c, ssh_packet(b"\x14" + bytes(16) + struct.pack(">I", 0x7fffffff) + b"curve25519"))
    elif kind == "hugelen":    # a packet length of 4 GiB
        send(c, b"\xff\xff\xff\xff\x04" + bytes(64))
    elif kind == "padding":    # padding longer than the packet
        send(c, struct.pack(">IB", 12, 200) + b"\x14" + bytes(10))
    elif kind == "empty":      # every list empty: nothing in common
        send(c, ssh_packet(b"\x14" + bytes(16) + struct.pack(">I", 0) * 10 + b"\x00" + bytes(4)))
    else:
        r = random.Random(7)
        send(c, bytes(r.getrandbits(8) for _ in range(65536)))
    hold(c, 10)


# --- MQTT ------------------------------------------------------------------

def varint(n):
    out = b""
    while True:
        b = n % 128
        n //= 128
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def mqtt_pkt(first, body):
    return bytes([first]) + varint(len(body)) + body


LEAK = b'{"aes_key":"00112233445566778899aabbccddeeff","admin_password":"Zq8-vN3p-Lx7"}'

CONNACKS = {
    "type": mqtt_pkt(0x30, b"\x00\x01t"),                 # a PUBLISH instead
    "short": b"\x20\x02\x00",                               # truncated
    "varint": b"\x20\xff\xff\xff\xff\x7f",                  # a 5-byte remaining length
    "huge": b"\x20\xff\xff\xff\x7f\x00\x00",                # 256 MiB announced
    "rc": b"\x20\x02\x00\xff",                              # return code 255
    "long": mqtt_pkt(0x20, b"\x00\x00" + bytes(4096)),      # 4 KiB of trailing junk
    "v5-props": b"\x20\x05\x00\x00\x7f\x21\x00",            # properties run past the packet
    "v5-propvar": b"\x20\x06\x00\x00\xff\xff\xff\xff",      # property length: bad varint
    "v5-unknown": b"\x20\x06\x00\x00\x03\x7f\x00\x01",      # unknown property id 0x7f
}


def b_mqtt(c, a):
    """mqtt MODE: connack KIND (CONNACKS above), suback-bad (a SUBACK
    for another packet id with 4096 codes), flood (accepts, then PUBLISHes
    a leaking retained message endlessly)."""
    mode = a[0]
    recv_some(c)
    if mode == "connack":
        send(c, CONNACKS[a[1]])
        hold(c, 10)
        return
    send(c, b"\x20\x02\x00\x00")
    buf = recv_some(c)
    if mode == "suback-bad":
        send(c, mqtt_pkt(0x90, b"\xbe\xef" + b"\x80" * 4096))
        hold(c, 10)
    elif mode == "flood":
        pub = mqtt_pkt(0x31, b"\x00\x0ddevice/config" + LEAK)
        if buf[:1] and buf[0] >> 4 == 8:
            # fixed header: type, remaining length (1 byte below 128,
            # else 2 here); the packet id follows it
            pid = buf[(2 if buf[1] < 128 else 3):][:2] if len(buf) > 3 else b"\x00\x01"
            send(c, mqtt_pkt(0x90, pid[:2].ljust(2, b"\x01") + b"\x00"))
        endless(c, pub * 64, 60)
    else:
        raise SystemExit("unknown mqtt mode " + mode)


# --- CoAP (UDP) ------------------------------------------------------------

LINKS = b'</cfg>;title="aes_key=00112233445566778899aabbccddeeff";ct=0'


def coap_reply(req, payload, code=0x45, opts=b"\xc1\x28", mid=None, token=None):
    tkl = req[0] & 0x0f
    tok = req[4:4 + tkl] if token is None else token
    m = req[2:4] if mid is None else mid
    return bytes([0x60 | len(tok), code]) + m + tok + opts + b"\xff" + payload


def b_coap(s, a):
    """coap MODE (UDP): storm (500 replies per request), unrelated (an
    unrelated datagram, then the right reply), badopts (options that run
    past the datagram), block-endless (Block2 'more' for ever), leak (a
    plain reply whose links carry a key)."""
    mode = a[0]
    while True:
        try:
            req, peer = s.recvfrom(2048)
        except OSError:
            return
        if len(req) < 4:
            continue
        if mode == "storm":
            rmid = struct.unpack(">H", req[2:4])[0]
            for i in range(500):    # well-formed, but for other message ids
                s.sendto(coap_reply(req, b"x" * (1 + i % 64),
                                    mid=struct.pack(">H", (rmid + 1 + i) % 65536)), peer)
            s.sendto(coap_reply(req, LINKS), peer)
        elif mode == "unrelated":
            s.sendto(b"\x00garbage, not CoAP", peer)
            s.sendto(coap_reply(req, b"</other>", mid=b"\x12\x34", token=b"zzzz"), peer)
            s.sendto(coap_reply(req, LINKS), peer)
        elif mode == "badopts":
            s.sendto(coap_reply(req, b"", opts=b"\xdd\xff\x20\x01"), peer)
        elif mode == "block-endless":
            s.sendto(coap_reply(req, b"<" * 64, opts=b"\xc1\x28\xb1\x0a"), peer)
        elif mode == "leak":
            s.sendto(coap_reply(req, LINKS), peer)
        else:
            raise SystemExit("unknown coap mode " + mode)


BEHAVIOURS = {
    "silent": b_silent, "trap": b_trap, "drip": b_drip, "banner": b_banner, "endless": b_endless,
    "reset": b_reset, "tls-stall": b_tls_stall, "tls-garbage": b_tls_garbage,
    "http": b_http, "telnet": b_telnet, "ssh": b_ssh, "mqtt": b_mqtt,
}


def serve_conn(c, fn, args, ctx):
    with CONNS_LOCK:
        CONNS.add(c)
    try:
        if ctx is not None:
            c.settimeout(10)
            c = ctx.wrap_socket(c, server_side=True)
        fn(c, args)
    except (Gone, OSError, ssl.SSLError, ValueError):
        pass
    finally:
        with CONNS_LOCK:
            CONNS.discard(c)
        try:
            c.close()
        except OSError:
            pass


def listen(o):
    if o.udp:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((o.host, o.port))
    if not o.udp:
        s.listen(64)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--udp", action="store_true")
    ap.add_argument("--tls", default=None)
    ap.add_argument("--vanish", default=None)
    ap.add_argument("behaviour")
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()
    ctx = None
    if o.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(o.tls + ".crt", o.tls + ".key")
    s = listen(o)
    open("ready-%d" % o.port, "w").close()
    if o.udp:
        if o.behaviour != "coap":
            raise SystemExit("--udp: only coap")
        b_coap(s, o.args)
        return
    fn = BEHAVIOURS[o.behaviour]
    # The UP seconds count from the first connection, not from the start:
    # on a loaded machine Assay may start seconds late, and the device must
    # still vanish in the middle of what Assay does to it.
    up_until = None
    armed = False
    if o.vanish:
        up, down = (float(x) for x in o.vanish.split(":"))
        armed = True
    s.settimeout(0.2)
    while True:
        if up_until is not None and time.time() >= up_until:
            s.close()
            with CONNS_LOCK:
                for c in list(CONNS):
                    try:
                        rst(c)
                    except OSError:
                        pass
            time.sleep(down)
            s = listen(o)
            s.settimeout(0.2)
            up_until = None
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        if armed:
            armed = False
            up_until = time.time() + up
        threading.Thread(target=serve_conn, args=(c, fn, o.args, ctx), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
