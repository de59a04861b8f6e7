# hostile.sh - building blocks for hostile-device scenarios.  Sourced by a
# scenario's script after tests/validation/device.sh (conforming, cert,
# banner, mqtt_tls, ...), in the scenario's own network namespace with the
# scenario directory as cwd.  HOSTILE_DIR is this directory.

# wait_ready PORT: until hostile.py listens on PORT (it touches ready-PORT).
wait_ready() {
	for _ in $(seq 1 100); do
		[ -e "ready-$1" ] && return 0
		sleep 0.05
	done
	echo "hostile server on $1 never got ready" >&2
	return 1
}

# hostile PORT [--tls CERT] [--vanish UP:DOWN] BEHAVIOUR ARGS...: hostile.py
# on TCP PORT (see hostile.py and README.md for the behaviours).
hostile() {
	local port=$1
	shift
	python3 "$HOSTILE_DIR/hostile.py" --port "$port" "$@" >> "hostile-$port.log" 2>&1 &
	wait_ready "$port"
}

# hostile_udp PORT BEHAVIOUR ARGS...: hostile.py on UDP PORT (coap).
hostile_udp() {
	local port=$1
	shift
	python3 "$HOSTILE_DIR/hostile.py" --udp --port "$port" "$@" >> "hostile-$port.log" 2>&1 &
	wait_ready "$port"
}

# trap_host PORT: a listener on 127.0.0.2:PORT, a host that is not the
# device; any connection to it leaves ./TRAP-PORT, which fails the scenario.
trap_host() {
	hostile "$1" --host 127.0.0.2 trap
}

# chain_tls PORT N: openssl s_server sending a chain of N certificates
# (the leaf, then N-1 copies of an intermediate).
chain_tls() {
	cert dev ec
	cert mid ec
	: > chain.pem
	for _ in $(seq 2 "$2"); do cat mid.crt >> chain.pem; done
	openssl s_server -quiet -accept "$1" -cert dev.crt -key dev.key -cert_chain chain.pem \
		-WWW </dev/null >/dev/null 2>&1 &
	wait_port "$1"
}
