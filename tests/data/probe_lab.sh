#!/bin/sh
# A device made of real Debian daemons for `assay probe` and its peers
# (tests/e2e_probe.sh, bench/probes.py).  Run it inside a network
# namespace of your own (unshare -n as root): it brings up lo and binds
# 127.0.0.1 only.
#   probe_lab.sh start DIR   start the daemons, wait until each accepts
#   probe_lab.sh stop DIR    stop them (by the pids in DIR/pids)
# Services, each with one pair of the Mirai list (testcases/data/mirai.txt)
# as its only account, printed by `probe_lab.sh pairs`:
#   23    busybox telnetd, login program tests/data/telnet_login.sh,
#         one try per connection (hydra cannot follow a re-prompt)
#   22    OpenSSH sshd (account in a private mount namespace, needs root;
#         left out without root or sshd)
#   80    lighttpd, HTTP basic auth on /
#   443   lighttpd TLS, weak: TLS 1.0 and up, every suite at level 0
#   8443  lighttpd TLS, strong: TLS 1.2 and up, ECDHE AEAD suites
#   1883  mosquitto, password file, no anonymous clients
#   8883  mosquitto over TLS, same account
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TELNET_PAIR=admin:4321
SSH_PAIR=support:support
HTTP_PAIR=admin:1234
MQTT_PAIR=user:user

cmd=${1:?usage: probe_lab.sh start|stop|pairs DIR}
if [ "$cmd" = pairs ]; then
	echo "telnet $TELNET_PAIR"
	echo "ssh $SSH_PAIR"
	echo "http-basic $HTTP_PAIR"
	echo "mqtt $MQTT_PAIR"
	echo "mqtts $MQTT_PAIR"
	exit 0
fi
dir=${2:?usage: probe_lab.sh start|stop DIR}

if [ "$cmd" = stop ]; then
	[ -f "$dir/pids" ] || exit 0
	while read -r pid; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || :
	done <"$dir/pids"
	rm -f "$dir/pids"
	exit 0
fi
[ "$cmd" = start ] || { echo "probe_lab.sh: unknown command $cmd" >&2; exit 2; }

mkdir -p "$dir/www"
: >"$dir/pids"
ip link set lo up 2>/dev/null || :

# One process group per daemon, so stop takes its children too.
spawn() {
	setsid "$@" >>"$dir/daemons.log" 2>&1 &
	echo $! >>"$dir/pids"
}

# Polls a TCP port until it accepts, up to 10 s: no fixed sleeps.
wait_port() {
	n=0
	while ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 1).close()" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -ge 100 ]; then
			echo "probe_lab.sh: $2 did not start on port $1 (see $dir/daemons.log)" >&2
			exit 1
		fi
		sleep 0.1
	done
}

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$dir/key.pem" -out "$dir/cert.pem" \
	-days 30 -subj /CN=device.example >/dev/null 2>&1
echo ok >"$dir/www/index.html"

# busybox telnetd with the tests' login program.
TL_USER=${TELNET_PAIR%%:*} TL_PASS=${TELNET_PAIR#*:} TL_TRIES=1 \
	spawn busybox telnetd -F -K -b 127.0.0.1 -p 23 -f /dev/null -l "$here/telnet_login.sh"

# lighttpd: HTTP basic auth on 80, two TLS configurations.
printf '%s\n' "$HTTP_PAIR" >"$dir/htpasswd.plain"
cat >"$dir/http.conf" <<EOF
server.document-root = "$dir/www"
server.bind = "127.0.0.1"
server.port = 80
server.errorlog = "$dir/http.log"
index-file.names = ("index.html")
server.modules += ("mod_auth", "mod_authn_file")
auth.backend = "plain"
auth.backend.plain.userfile = "$dir/htpasswd.plain"
auth.require = ("/" => ("method" => "basic", "realm" => "device", "require" => "valid-user"))
EOF
spawn lighttpd -D -f "$dir/http.conf"
tls_conf() {
	cat >"$dir/$1.conf" <<EOF
server.document-root = "$dir/www"
server.bind = "127.0.0.1"
server.port = $2
server.errorlog = "$dir/$1.log"
server.modules += ("mod_openssl")
ssl.engine = "enable"
ssl.pemfile = "$dir/cert.pem"
ssl.privkey = "$dir/key.pem"
ssl.openssl.ssl-conf-cmd = ($3)
EOF
	spawn lighttpd -D -f "$dir/$1.conf"
}
tls_conf tls-weak 443 '"MinProtocol" => "TLSv1", "CipherString" => "ALL:@SECLEVEL=0"'
tls_conf tls-strong 8443 '"MinProtocol" => "TLSv1.2", "CipherString" => "ECDHE+AESGCM:ECDHE+CHACHA20"'

# mosquitto: one account, plain and TLS listeners.
: >"$dir/mqtt.pw"
chmod 600 "$dir/mqtt.pw"
mosquitto_passwd -b "$dir/mqtt.pw" "${MQTT_PAIR%%:*}" "${MQTT_PAIR#*:}"
cat >"$dir/mosquitto.conf" <<EOF
per_listener_settings false
user root
allow_anonymous false
password_file $dir/mqtt.pw
listener 1883 127.0.0.1
listener 8883 127.0.0.1
certfile $dir/cert.pem
keyfile $dir/key.pem
EOF
spawn mosquitto -c "$dir/mosquitto.conf"

# OpenSSH with a throw-away account (tests/data/ssh_server.sh).
if [ "$(id -u)" -eq 0 ] && [ -x /usr/sbin/sshd ]; then
	mkdir -p "$dir/ssh"
	spawn sh "$here/ssh_server.sh" "$dir/ssh" 22 "${SSH_PAIR%%:*}" "${SSH_PAIR#*:}" openssh
	wait_port 22 sshd
	echo ssh >"$dir/has-ssh"
fi
wait_port 23 "busybox telnetd"
wait_port 80 "lighttpd (http)"
wait_port 443 "lighttpd (tls-weak)"
wait_port 8443 "lighttpd (tls-strong)"
wait_port 1883 mosquitto
wait_port 8883 "mosquitto (tls)"
