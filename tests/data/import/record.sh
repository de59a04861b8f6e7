#!/bin/sh
# Records the real reports tests/test_probe_import.c reads: nmap -oX,
# sslscan --xml and testssl.sh --jsonfile against servers on loopback
# (python3's http.server for plain HTTP, openssl s_server with a fresh
# self-signed certificate for TLS).  Debian 12 packages nmap, sslscan,
# testssl.sh (.ci/packages).  Usage: record.sh OUTDIR
set -eu
out=${1:?usage: record.sh OUTDIR}
mkdir -p "$out"
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Free ports chosen by the kernel.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hp=$(port)
tp=$(port)
(cd "$tmp" && exec python3 -m http.server --bind 127.0.0.1 "$hp" >/dev/null 2>&1) &
pids="$pids $!"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" -days 30 -subj /CN=assay-import-test \
    >/dev/null 2>&1
openssl s_server -quiet -accept "127.0.0.1:$tp" -cert "$tmp/cert.pem" \
    -key "$tmp/key.pem" -www </dev/null >/dev/null 2>&1 &
pids="$pids $!"
for i in 1 2 3 4 5 6 7 8 9 10; do
	if python3 -c "import socket,sys; [socket.create_connection(('127.0.0.1',p),1) for p in ($hp,$tp)]" 2>/dev/null; then
		break
	fi
	sleep 0.3
done
printf '%s\n%s\n' "$hp" "$tp" >"$out/ports"
if command -v nmap >/dev/null; then
	nmap -sT -sV -Pn -n -p "$hp,$tp" -oX "$out/nmap.xml" 127.0.0.1 \
	    >/dev/null
fi
if command -v sslscan >/dev/null; then
	sslscan --no-colour --xml="$out/sslscan.xml" "127.0.0.1:$tp" \
	    >/dev/null
fi
if command -v testssl >/dev/null; then
	rm -f "$out/testssl.json"
	# -p protocols, -S server defaults (the certificate): minutes, not
	# the full run's quarter of an hour.
	testssl --quiet --warnings off --color 0 -p -S \
	    --jsonfile "$out/testssl.json" "127.0.0.1:$tp" >/dev/null || true
fi
