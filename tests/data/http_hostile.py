#!/usr/bin/env python3
"""Hostile HTTP servers for test_probe_http.  Usage: http_hostile.py MODE PORT
  bigheader: answers with a 1 MB header line
  reset:     reads the request, then resets the connection (RST)
  form:      a login form at POST /login accepting u=admin&p=admin only
  redirect:  (PORT WITNESS_PORT) redirects by path: /off -> 127.0.0.2,
             /ftp -> ftp://, /name -> http://LOCALHOST:PORT/end (same
             device by name), /same -> http://127.0.0.1:PORT/end, /end 200
  witness:   (PORT FILE) on 127.0.0.2: appends a line to FILE per request
             (the off-device host that must never be reached)
"""
import socket, struct, sys

mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.2" if mode == "witness" else "127.0.0.1", port))
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        req = c.recv(65536)
        if mode == "bigheader":
            c.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"A" * (1 << 20) + b"\r\n\r\nhi")
        elif mode == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "redirect":
            path = req.split(b" ", 2)[1] if req.count(b" ") >= 2 else b"/"
            where = {b"/off": b"http://127.0.0.2:%d/stolen" % int(sys.argv[3]),
                     b"/ftp": b"ftp://127.0.0.1/x",
                     b"/name": b"http://LOCALHOST:%d/end" % port,
                     b"/same": b"http://127.0.0.1:%d/end" % port}.get(path)
            if where is None:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend")
            else:
                c.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + where +
                          b"\r\nContent-Length: 0\r\n\r\n")
        elif mode == "witness" and req:
            with open(sys.argv[3], "a") as f:
                f.write(req.split(b"\r\n", 1)[0].decode("latin-1") + "\n")
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nstolen")
        elif mode == "form":
            head, _, body = req.partition(b"\r\n\r\n")
            if head.startswith(b"POST /login") and body == b"u=admin&p=admin":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nWelcome")
            else:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nInvalid login")
    except OSError:
        pass
    c.close()
