# device.sh - building blocks for the "script" devices of validation cases.
# Sourced by a case's script, which runs in the case's own network
# namespace (only 127.0.0.1 exists) with the case directory as cwd.  Each
# function starts a real server in the background; `ready` ends the set-up.

# wait_port PORT: until something accepts TCP connections on PORT (5 s).
wait_port() {
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "port $1 never opened" >&2
	return 1
}

# cert NAME KEYSPEC: a self-signed certificate NAME.crt/NAME.key
# (KEYSPEC: ec, rsa:2048, rsa:1024).
cert() {
	case $2 in
	ec) openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1.key" -out "$1.crt" -subj "/CN=device" -days 30 2>/dev/null ;;
	*) openssl req -x509 -newkey "$2" -nodes -keyout "$1.key" -out "$1.crt" \
		-subj "/CN=device" -days 30 -sigalgs RSA+SHA256 2>/dev/null ||
	   openssl req -x509 -newkey "$2" -nodes -keyout "$1.key" -out "$1.crt" \
		-subj "/CN=device" -days 30 2>/dev/null ;;
	esac
}

# tls_www PORT CERT [s_server options...]: openssl s_server serving files
# of the current directory (-WWW) over TLS.
tls_www() {
	local port=$1 c=$2
	shift 2
	openssl s_server -quiet -accept "$port" -cert "$c.crt" -key "$c.key" -WWW "$@" \
		</dev/null >/dev/null 2>&1 &
	wait_port "$port"
}

# silent PORT: accepts TCP connections and never says a word.
silent() {
	socat TCP-LISTEN:"$1",reuseaddr,fork SYSTEM:'sleep 600' &
	wait_port "$1"
}

# banner PORT TEXT: answers every connection with TEXT.
banner() {
	printf '#!/bin/sh\nprintf "%%s\\r\\n" %s\nsleep 2\n' "'$2'" > "banner-$1"
	chmod 700 "banner-$1"
	socat TCP-LISTEN:"$1",reuseaddr,fork EXEC:"$PWD/banner-$1" &
	wait_port "$1"
}

# udp_answer PORT TEXT: answers every datagram to udp/PORT with TEXT (a
# UDP service of any protocol: Assay takes any reply as a listener).
udp_answer() {
	printf '#!/bin/sh\nprintf "%%s" %s\n' "'$2'" > "udp-$1"
	chmod 700 "udp-$1"
	socat UDP-RECVFROM:"$1",reuseaddr,fork EXEC:"$PWD/udp-$1" &
	sleep 0.2
}

# tls_banner PORT CERT TEXT: TEXT over TLS.
tls_banner() {
	printf '#!/bin/sh\nprintf "%%s\\r\\n" %s\nsleep 2\n' "'$3'" > "banner-$1"
	chmod 700 "banner-$1"
	socat OPENSSL-LISTEN:"$1",reuseaddr,fork,cert="$PWD/$2.crt",key="$PWD/$2.key",verify=0 \
		EXEC:"$PWD/banner-$1" &
	wait_port "$1"
}

# mqtt_plain PORT [extra mosquitto.conf lines]: anonymous MQTT in clear.
mqtt_plain() {
	local port=$1
	shift
	{ echo "listener $port 127.0.0.1"; echo "allow_anonymous true"; echo "persistence false"
	  for l in "$@"; do echo "$l"; done; } > "mosquitto-$port.conf"
	mosquitto -c "mosquitto-$port.conf" >/dev/null 2>&1 &
	wait_port "$port"
}

# mqtt_tls PORT CERT: MQTT over TLS 1.2+, passwords required.
mqtt_tls() {
	{ echo "listener $1 127.0.0.1"; echo "certfile $PWD/$2.crt"; echo "keyfile $PWD/$2.key"
	  echo "tls_version tlsv1.2"; echo "allow_anonymous false"; echo "persistence false"
	  echo "password_file $PWD/mqtt-passwd"; echo "user root"; } > "mosquitto-$1.conf"
	: > mqtt-passwd
	chmod 600 mqtt-passwd
	mosquitto -c "mosquitto-$1.conf" >/dev/null 2>&1 &
	wait_port "$1"
}

# conforming: the base forms' device done right (HTTPS 8443, MQTTS 8883).
conforming() {
	cert dev ec
	tls_www 8443 dev -no_tls1 -no_tls1_1
	mqtt_tls 8883 dev
}

# telnet_login PORT USER PASS [MAX]: busybox telnetd with a login that
# accepts USER/PASS, never locks out; with MAX, the whole device stops
# answering after MAX failed attempts (a crash).
telnet_login() {
	local port=$1 user=$2 pass=$3 max=${4:-0}
	cat > "login-$port" <<EOS
#!/bin/sh
while :; do
	printf 'device login: '
	IFS= read -r u || exit 1
	u=\$(printf '%s' "\$u" | tr -d '\r\000')
	printf 'Password: '
	stty -echo 2>/dev/null
	IFS= read -r p || exit 1
	stty echo 2>/dev/null
	p=\$(printf '%s' "\$p" | tr -d '\r\000')
	printf '\r\n'
	if [ "\$u" = '$user' ] && [ "\$p" = '$pass' ]; then
		echo 'BusyBox v1.35.0 built-in shell (ash)'; printf '# '
		while IFS= read -r c; do
			c=\$(printf '%s' "\$c" | tr -d '\r')
			case "\$c" in "echo "*) printf '%s\r\n' "\${c#echo }";; esac
			printf '# '
		done
		exit 0
	fi
	echo 'Login incorrect'
	if [ $max -gt 0 ]; then
		n=\$(cat "$PWD/fails-$port" 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n > "$PWD/fails-$port"
		[ \$n -ge $max ] && kill -9 \$(cat "$PWD/telnetd-$port.pid") 2>/dev/null
	fi
done
EOS
	chmod 700 "login-$port"
	busybox telnetd -F -K -p "$port" -b 127.0.0.1 -l "$PWD/login-$port" &
	echo $! > "telnetd-$port.pid"
	wait_port "$port"
}

# http_py PORT SCRIPT: a Python HTTP server whose handler is SCRIPT (the
# body of do_GET, with `self` in scope): for behaviours no stock server has.
http_py() {
	cat > "http-$1.py" <<EOS
import http.server, base64
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
$(printf '%s\n' "$2" | sed 's/^/        /')
http.server.ThreadingHTTPServer(("127.0.0.1", $1), H).serve_forever()
EOS
	python3 "http-$1.py" &
	wait_port "$1"
}

# http_form PORT SCRIPT: as http_py, for form logins: SCRIPT handles GET
# and POST alike, with the request body (at most 4 KiB, "" for a GET) in
# `body` (str).
http_form() {
	cat > "http-$1.py" <<EOS
import http.server, base64
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, body, headers=()):
        self.send_response(code)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        n = min(int(self.headers.get("Content-Length") or 0), 4096)
        body = self.rfile.read(n).decode("latin-1") if n > 0 else ""
$(printf '%s\n' "$2" | sed 's/^/        /')
    do_POST = do_GET
http.server.ThreadingHTTPServer(("127.0.0.1", $1), H).serve_forever()
EOS
	python3 "http-$1.py" &
	wait_port "$1"
}

ready() { touch ready; wait; }
