#!/usr/bin/env python3
"""Hostile HTTP servers for test_probe_http.  Usage: http_hostile.py MODE PORT
  bigheader: answers with a 1 MB header line
  reset:     reads the request, then resets the connection (RST)
  form:      a login form at POST /login accepting u=admin&p=admin only
"""
import socket, struct, sys

mode, port = sys.argv[1], int(sys.argv[2])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        req = c.recv(65536)
        if mode == "bigheader":
            c.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"A" * (1 << 20) + b"\r\n\r\nhi")
        elif mode == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "form":
            head, _, body = req.partition(b"\r\n\r\n")
            if head.startswith(b"POST /login") and body == b"u=admin&p=admin":
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nWelcome")
            else:
                c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nInvalid login")
    except OSError:
        pass
    c.close()
