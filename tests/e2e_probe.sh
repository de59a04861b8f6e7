#!/bin/bash
# e2e_probe.sh - `assay probe tcp-sweep|tls|creds` against real daemons
# (tests/data/probe_lab.sh: busybox telnetd, OpenSSH, lighttpd with basic
# auth and two TLS configurations, mosquitto plain and TLS) in a network
# namespace of its own: the open ports are exactly the daemons', the TLS
# versions and suites are those the lighttpd configurations allow, each
# login accepts exactly its one pair of the Mirai list; JSON and text
# agree; an unreachable target or an incomplete result exits 3, a usage
# error 2 with nothing sent.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}

if [ -z "${E2E_PROBE_INSIDE:-}" ]; then
	if ! unshare -n true 2>/dev/null; then
		echo "SKIP: needs root for a network namespace (unshare -n) and the SSH account"
		exit 0
	fi
	for t in busybox lighttpd mosquitto mosquitto_passwd openssl python3; do
		command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
			{ echo "FAIL - $t not installed (.ci/packages)"; exit 1; }
	done
	E2E_PROBE_INSIDE=1 exec unshare -n bash "$0" "$@"
fi

T=$(mktemp -d /tmp/assay-e2e-probe-XXXXXX)
cleanup() { sh "$SRC/tests/data/probe_lab.sh" stop "$T/lab"; rm -rf "$T"; }
trap cleanup EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

sh "$SRC/tests/data/probe_lab.sh" start "$T/lab" || { echo "FAIL - the daemons did not start"; exit 1; }
ssh=0
[ -f "$T/lab/has-ssh" ] && ssh=1

# py FILE 'expression over j': true when it holds.
py() {
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"
}

# --- tcp-sweep: every port, at the budget's defaults -----------------------
want="[23, 80, 443, 1883, 8443, 8883]"
[ $ssh = 1 ] && want="[22, 23, 80, 443, 1883, 8443, 8883]"
"$BIN" probe tcp-sweep 127.0.0.1 --format json --max-rate 20000 >"$T/sw.json" 2>"$T/err"
rc=$?
[ $rc = 0 ] && ok "tcp-sweep exits 0" || bad "tcp-sweep exits $rc: $(head -3 "$T/err")"
py "$T/sw.json" "j['open'] == $want" && ok "tcp-sweep: open ports are exactly the daemons' $want" ||
	bad "tcp-sweep: open $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["open"])' "$T/sw.json" 2>&1), want $want"
py "$T/sw.json" "j['ports'] == 65535 and j['states']['open'] + j['states']['closed'] == 65535 and j['states']['filtered'] == 0 and j['complete'] is True" &&
	ok "tcp-sweep: 65535 ports, every one open or closed" || bad "tcp-sweep states: $(cat "$T/sw.json")"
py "$T/sw.json" "j['budget'] == {'max_connections': 64, 'max_rate': 20000, 'adaptive': True}" &&
	ok "tcp-sweep: --max-rate sets the budget, connections at the set-up default" || bad "budget: $(cat "$T/sw.json")"
"$BIN" probe tcp-sweep 127.0.0.1 --ports 20-30,443 >"$T/sw.txt"
grep -q "^open: \(22 \)\?23 443$" "$T/sw.txt" && grep -q "^states: [0-9]* open, [0-9]* closed, 0 filtered" "$T/sw.txt" &&
	grep -q "^budget: 64 connections, adapting up to 1000000 new per second" "$T/sw.txt" &&
	ok "tcp-sweep text: open, states, the default budget (adaptive)" || bad "tcp-sweep text: $(cat "$T/sw.txt")"
# No route in a namespace with only lo: nothing answers.
"$BIN" probe tcp-sweep 192.0.2.1 --ports 1-3 --timeout 300 >"$T/un.txt" 2>&1
rc=$?
[ $rc = 3 ] && ok "tcp-sweep of a host that is not there exits 3" || bad "tcp-sweep unreachable exits $rc: $(cat "$T/un.txt")"

# --- tls --------------------------------------------------------------------
"$BIN" probe tls 127.0.0.1:8443 --format json >"$T/tls.json" 2>"$T/err"
rc=$?
[ $rc = 0 ] && ok "tls strong exits 0" || bad "tls strong exits $rc: $(head -3 "$T/err") $(cat "$T/tls.json")"
py "$T/tls.json" "{v['version']: v['state'] for v in j['versions']} == {'SSLv3': 'rejected', 'TLSv1': 'rejected', 'TLSv1.1': 'rejected', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted'}" &&
	ok "tls strong: TLS 1.2 and 1.3 accepted, the older ones refused" || bad "tls strong versions: $(cat "$T/tls.json")"
py "$T/tls.json" "sorted([v for v in j['versions'] if v['version'] == 'TLSv1.2'][0]['ciphers']) == ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']" &&
	ok "tls strong: TLS 1.2 suites are exactly ECDHE+AESGCM:ECDHE+CHACHA20 with an RSA key" || bad "tls strong suites: $(cat "$T/tls.json")"
"$BIN" probe tls 127.0.0.1:443 --format json >"$T/weak.json"
# What openssl s_client gets from the same port, one suite each.
for c in AES128-SHA DES-CBC3-SHA NULL-SHA; do
	if echo | timeout 5 openssl s_client -connect 127.0.0.1:443 -tls1_2 -cipher "$c:@SECLEVEL=0" >/dev/null 2>&1; then
		s=1
	else
		s=0
	fi
	py "$T/weak.json" "('$c' in [v for v in j['versions'] if v['version'] == 'TLSv1.2'][0]['ciphers']) == bool($s)" &&
		ok "tls weak: $c as openssl s_client finds it ($s)" || bad "tls weak: $c: s_client $s, assay $(cat "$T/weak.json")"
done
py "$T/weak.json" "[v['state'] for v in j['versions'] if v['version'] == 'TLSv1'] == ['accepted']" &&
	ok "tls weak: TLS 1.0 accepted" || bad "tls weak: TLS 1.0 $(cat "$T/weak.json")"
"$BIN" probe tls 127.0.0.1:8443 --no-ciphers >"$T/nc.txt"
grep -q "^TLSv1.2  accepted$" "$T/nc.txt" && ! grep -q "^  ECDHE" "$T/nc.txt" &&
	ok "tls --no-ciphers: versions only" || bad "tls --no-ciphers: $(cat "$T/nc.txt")"
"$BIN" probe tls 127.0.0.1:23 --timeout 2000 >"$T/t23.txt" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "unreachable" "$T/t23.txt" && ok "tls on the telnet port: exit 3, said" || bad "tls on telnet exits $rc: $(cat "$T/t23.txt")"
"$BIN" probe tls 127.0.0.1:9 >"$T/t9.txt" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "refused" "$T/t9.txt" && ok "tls on a closed port: exit 3, refused" || bad "tls closed exits $rc: $(cat "$T/t9.txt")"

# --- creds: each login accepts its one pair -----------------------------------
sh "$SRC/tests/data/probe_lab.sh" pairs >"$T/pairs"
pair() { sed -n "s/^$1 //p" "$T/pairs"; }
creds() {	# creds SERVICE TARGET
	local svc=$1 tgt=$2 want
	want=$(pair "$svc")
	"$BIN" probe creds "$tgt" --service "$svc" --list mirai --format json >"$T/c.$svc.json" 2>"$T/err"
	rc=$?
	[ $rc = 0 ] && ok "creds $svc exits 0" || bad "creds $svc exits $rc: $(head -3 "$T/err") $(cat "$T/c.$svc.json")"
	py "$T/c.$svc.json" "[a['user'] + ':' + a['password'] for a in j['accepted']] == ['$want'] and j['tried'] == j['pairs'] == 62 and j['rejected'] == 61 and j['unreached'] == 0" &&
		ok "creds $svc: exactly $want accepted, 61 of 62 rejected" || bad "creds $svc: $(cat "$T/c.$svc.json")"
}
creds telnet 127.0.0.1:23
creds mqtt 127.0.0.1:1883
creds mqtts 127.0.0.1:8883
creds http-basic http://127.0.0.1/
[ $ssh = 1 ] && creds ssh 127.0.0.1:22
"$BIN" probe creds 127.0.0.1:1883 --service mqtt --list mirai --first >"$T/first.txt"
rc=$?
[ $rc = 0 ] && grep -q "^accepted: $(pair mqtt)$" "$T/first.txt" && grep -q "stopped at the first accepted pair" "$T/first.txt" &&
	ok "creds --first stops at the pair, exit 0" || bad "creds --first ($rc): $(cat "$T/first.txt")"
printf '# mine\nnobody:nothing\n%s\n' "$(pair telnet)" >"$T/mine.txt"
(cd "$T" && "$BIN" probe creds 127.0.0.1:23 --service telnet --list mine.txt) >"$T/mine.out"
rc=$?
[ $rc = 0 ] && grep -q "2 pairs, 2 tried, 1 rejected" "$T/mine.out" && grep -q "^accepted: $(pair telnet)$" "$T/mine.out" &&
	ok "creds --list FILE in the current directory" || bad "creds --list mine.txt ($rc): $(cat "$T/mine.out")"
"$BIN" probe creds 127.0.0.1:9 --service telnet --list "$T/mine.txt" >"$T/c9.txt" 2>&1
rc=$?
[ $rc = 3 ] && grep -q "0 rejected, [0-9]* unreached, 2 untried" "$T/c9.txt" && ok "creds on a closed port: exit 3, both pairs untried" || bad "creds closed ($rc): $(cat "$T/c9.txt")"

# --- usage: exit 2, nothing sent ---------------------------------------------
usage() {	# usage "WHY" ARGS...: exit 2 and a message
	local why=$1
	shift
	"$BIN" probe "$@" >"$T/u.out" 2>"$T/u.err"
	rc=$?
	[ $rc = 2 ] && [ ! -s "$T/u.out" ] && grep -q "^assay probe: " "$T/u.err" &&
		ok "usage: $why: exit 2" || bad "usage: $why: exit $rc: $(cat "$T/u.err" "$T/u.out")"
}
usage "no kind"
usage "unknown kind" udp 127.0.0.1
usage "no port" tls 127.0.0.1
usage "port out of range" tls 127.0.0.1:70000
usage "no service" creds 127.0.0.1:23 --list mirai
usage "unknown service" creds 127.0.0.1:23 --service ftp --list mirai
usage "http-basic without a URL" creds 127.0.0.1:80 --service http-basic --list mirai
usage "another kind's option" tcp-sweep 127.0.0.1 --list mirai
usage "bad ports" tcp-sweep 127.0.0.1 --ports 70000
usage "bad format" tls 127.0.0.1:443 --format xml
"$BIN" probe creds 127.0.0.1:23 --service telnet --list no-such-list >"$T/u.out" 2>"$T/u.err"
rc=$?
[ $rc = 2 ] && grep -q "no-such-list" "$T/u.err" && ok "usage: unknown list: exit 2, named" || bad "unknown list ($rc): $(cat "$T/u.err")"
"$BIN" probe --help | grep -q "^usage: assay probe tcp-sweep" && "$BIN" help probe | grep -q -- "--max-rate" &&
	ok "--help and assay help probe" || bad "--help"

[ $fails = 0 ] && echo "all passed" || echo "$fails failed"
[ $fails = 0 ]
