#!/usr/bin/env python3
"""Hostile HTTP servers for test_probe_http.  Usage: http_hostile.py MODE PORT
  bigheader: answers with a 1 MB header line
  reset:     reads the request, then resets the connection (RST)
  form:      a login form at POST /login accepting u=admin&p=admin only
  redirect:  (PORT WITNESS_PORT) redirects by path: /off -> 127.0.0.2,
             /ftp -> ftp://, /name -> http://LOCALHOST:PORT/end (same
             device by name), /same -> http://127.0.0.1:PORT/end, /end 200
  auth:      logins judged by path; valid pair admin:admin everywhere
             /b302  basic: no credentials 401, wrong ones 302 to
                    /login?error, admin:admin 200
             /b403  basic: no credentials 401, guest:guest 403 (valid user
                    without access), other wrong ones 401, admin:admin 200
             /open  200 whatever is sent
             /f302  form POST: wrong 302 to /login?error=1, right 302 /home
             /f200  form POST: 200 "Welcome" for both (judge by marker)
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
        elif mode == "auth":
            import base64
            head, _, body = req.partition(b"\r\n\r\n")
            path = head.split(b" ", 2)[1] if head.count(b" ") >= 2 else b"/"
            cred = None
            for line in head.split(b"\r\n")[1:]:
                k, _, v = line.partition(b":")
                if k.strip().lower() == b"authorization":
                    v = v.strip()
                    if v.lower().startswith(b"basic "):
                        cred = base64.b64decode(v[6:])
            ok = b"HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nWelcome"
            def redirect(to):
                return (b"HTTP/1.1 302 Found\r\nLocation: " + to +
                        b"\r\nContent-Length: 0\r\n\r\n")
            need = (b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
                    b"realm=\"dev\"\r\nContent-Length: 0\r\n\r\n")
            if path in (b"/b302", b"/b403"):
                if cred == b"admin:admin":
                    c.sendall(ok)
                elif cred is None:
                    c.sendall(need)
                elif path == b"/b302":
                    c.sendall(redirect(b"/login?error"))
                elif cred == b"guest:guest":
                    c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                else:
                    c.sendall(need)
            elif path == b"/open":
                c.sendall(ok)
            elif path == b"/f302":
                c.sendall(redirect(b"/home" if body == b"u=admin&p=admin"
                                   else b"/login?error=1"))
            else:
                c.sendall(ok)
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
