#!/bin/sh
# tests/data/pcap/record.sh OUTDIR: records real traffic for
# tests/test_probe_pcap.c.  Runs in a private network namespace (unshare
# -n: only our own traffic on its loopback), starts real servers (python's
# http.server, mosquitto, openssl s_server, a small DNS responder,
# busybox telnetd, coap-server), records with tcpdump on lo (Ethernet
# framing) and on any (Linux cooked), and has real clients talk to them:
# curl with Basic authentication, mosquitto_pub with a password, openssl
# s_client with SNI over TLS 1.2 and 1.3 (and one that refuses the
# self-signed certificate: an alert in clear), busybox nslookup, a
# telnet session, coap-client.  Exit 77: a tool or the namespace is
# missing (the test skips).
set -u
out=${1:?usage: record.sh OUTDIR}
if [ -z "${ASSAY_PCAP_INNER:-}" ]; then
	unshare -n true 2>/dev/null || { echo "no network namespace"; exit 77; }
	ASSAY_PCAP_INNER=1 exec unshare -n sh "$0" "$@"
fi
for t in tcpdump curl mosquitto mosquitto_pub openssl python3 busybox ss; do
	command -v "$t" >/dev/null 2>&1 || { echo "no $t"; exit 77; }
done
ip link set lo up || exit 77
cd "$out" || exit 1
secret='S3cretPassw0rd'
email='owner@example.com'

tcpdump -i lo -U -s 0 -w lo.pcap >tcpdump-lo.log 2>&1 &
td1=$!
tcpdump -i any -y LINUX_SLL2 -U -s 0 -w any.pcap >tcpdump-any.log 2>&1 &
td2=$!
n=0
until grep -q listening tcpdump-lo.log && grep -q listening tcpdump-any.log; do
	n=$((n + 1)); [ $n -gt 100 ] && { echo "tcpdump did not start"; exit 77; }
	sleep 0.1
done

# HTTP: a request with Basic authentication and the e-mail in the query.
mkdir www && echo ok >www/index.html
python3 -m http.server 8080 --bind 127.0.0.1 --directory www >http.log 2>&1 &
pids=$!
# MQTT: a password in CONNECT, the e-mail in a PUBLISH payload.
printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' >mosq.conf
mosquitto -c mosq.conf >mosq.log 2>&1 &
pids="$pids $!"
# TLS: a self-signed certificate with two SANs.
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -days 30 -subj "/CN=cloud.example.com/O=Assay Test" \
    -addext "subjectAltName=DNS:cloud.example.com,DNS:update.example.com" \
    >openssl.log 2>&1 || exit 1
openssl s_server -accept 8443 -cert cert.pem -key key.pem -www \
    >s_server.log 2>&1 &
pids="$pids $!"
# DNS: answers every A question with 10.0.0.7.
cat >dns.py <<'EOF'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    q, a = s.recvfrom(512)
    end = 12
    while q[end] != 0:
        end += q[end] + 1
    end += 5
    r = q[:2] + b"\x81\x80" + q[4:6] + q[4:6] + b"\x00\x00\x00\x00" + q[12:end]
    if q[end - 4:end - 2] == b"\x00\x01":
        r += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x07"
    else:
        r = r[:6] + b"\x00\x00" + r[8:]
    s.sendto(r, a)
EOF
python3 dns.py >dns.log 2>&1 &
pids="$pids $!"
busybox telnetd -p 2323 -l /bin/sh -F >telnetd.log 2>&1 &
pids="$pids $!"
if command -v coap-server-notls >/dev/null 2>&1; then
	coap-server-notls -A 127.0.0.1 >coap.log 2>&1 &
	pids="$pids $!"
fi
# Every server listening before the clients start (a fixed second was not
# enough for python's http.server on a loaded machine: curl met a reset).
n=0
until ss -Hltn | grep -q ':8080 ' && ss -Hltn | grep -q ':1883 ' &&
    ss -Hltn | grep -q ':8443 ' && ss -Hltn | grep -q ':2323 ' &&
    ss -Hlun | grep -q ':53 '; do
	n=$((n + 1)); [ $n -gt 300 ] && { echo "the servers did not start"; exit 1; }
	sleep 0.1
done
if command -v coap-server-notls >/dev/null 2>&1; then
	n=0
	until ss -Hlun | grep -q ':5683 '; do
		n=$((n + 1)); [ $n -gt 100 ] && break
		sleep 0.1
	done
fi

curl -s -u "device:$secret" "http://127.0.0.1:8080/index.html?owner=$email" \
    >curl.out 2>&1
mosquitto_pub -h 127.0.0.1 -p 1883 -i dev-42 -u device -P "$secret" \
    -t telemetry/dev-42 -m "{\"email\":\"$email\",\"t\":21}" >pub.log 2>&1
echo Q | openssl s_client -connect 127.0.0.1:8443 \
    -servername cloud.example.com -tls1_2 >s_client12.log 2>&1
echo Q | openssl s_client -connect 127.0.0.1:8443 \
    -servername cloud.example.com -tls1_3 >s_client13.log 2>&1
echo Q | openssl s_client -connect 127.0.0.1:8443 \
    -servername cloud.example.com -tls1_2 -verify_return_error \
    >s_client_verify.log 2>&1
busybox nslookup update.example.com 127.0.0.1 >nslookup.log 2>&1
(sleep 1; printf 'exit\r\n') | timeout 3 busybox telnet 127.0.0.1 2323 \
    >telnet.log 2>&1
if command -v coap-client-notls >/dev/null 2>&1; then
	timeout 5 coap-client-notls -m get -B 2 coap://127.0.0.1/sensors/temp \
	    >coap-client.log 2>&1
fi
sleep 1
kill -INT $td1 $td2
wait $td1 $td2
kill $pids 2>/dev/null
wait 2>/dev/null
exit 0
