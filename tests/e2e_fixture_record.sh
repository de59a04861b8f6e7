#!/bin/bash
# e2e_fixture_record.sh - `assay fixture --record` against the reference
# device (weak persona, in a private network namespace), for a credential
# test case, a TLS one and a disclosure one: the recorded
# fixture gives, replayed with no device, the verdict the live run gave;
# no set-up secret appears in it in clear.  Env: ASSAY_BIN, ASSAY_SOURCE_DIR.
set -u
BIN=${ASSAY_BIN:?}
DEV=$(dirname "$BIN")/assay-refdevice
T=$(mktemp -d /tmp/assay-e2e-fxrec-XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
fails=0
bad() { echo "FAIL - $*" >&2; fails=$((fails + 1)); }

for tc in 5.1-1-2 5.5-1-2 5.6-2-2; do
	printf -- '-- template\nreturn { testcase = "%s", forms = "%s/dev" }\n' "$tc" "$T" \
	    > "$T/$tc.template"
done
$NS bash -c '
	ip link set lo up
	"$0" --persona weak --dir "$1/dev" --foreground > "$1/dev.out" 2>&1 &
	dev=$!
	for _ in $(seq 1 600); do grep -q "^ready" "$1/dev.out" && break; sleep 0.1; done
	for tc in 5.1-1-2 5.5-1-2 5.6-2-2; do
		"$2" fixture --record "$1/$tc.fixture" "$1/$tc.template" > "$1/$tc.out" 2>&1 ||
			echo "record $tc failed" >> "$1/errors"
	done
	kill $dev; wait $dev' "$DEV" "$T" "$BIN"
[ -s "$T/errors" ] && { cat "$T/errors" "$T"/*.out >&2; bad "recording"; }

for tc in 5.1-1-2 5.5-1-2 5.6-2-2; do
	f=$T/$tc.fixture
	[ -s "$f" ] || { bad "$tc: nothing recorded"; continue; }
	# The weak device FAILs both; the recorded expect says so.
	grep -q 'expect = { verdict = "FAIL"' "$f" || bad "$tc: recorded verdict is not FAIL"
	# Offline: the device is gone, the replies answer.
	"$BIN" fixture "$f" > "$T/replay.out" 2>&1 || { cat "$T/replay.out" >&2; bad "$tc: replay"; }
	# No set-up or IXIT secret in clear, routing args included (a route
	# that holds one is dropped, not written: docs/fixtures.md).
	[ -n "$(sed -n 's:.*<password>\(.*\)</password>.*:\1:p' "$T/dev/setup.xml")" ] ||
		bad "no password in the set-up file: the secret check would be vacuous"
	for s in $(sed -n 's:.*<password>\(.*\)</password>.*:\1:p' "$T/dev/setup.xml"); do
		grep -qF -- "$s" "$f" && bad "$tc: secret $s in the recorded fixture"
	done
done
# The weak persona's password "admin" is also the path /admin/ of a
# service: that call's route is dropped, and the replay above still matched.
grep -qh "no args: the call's routing arguments contain a secret" "$T"/*.fixture ||
	bad "no route dropped: the secret-in-a-route case is not exercised"
# The weak device accepts the lab's own (Mirai) password: masked, not lost.
grep -q '<secret>' "$T/5.1-1-2.fixture" || bad "5.1-1-2: no secret masked"
# A template with replies is refused.
printf 'return { testcase = "5.5-1-2", replies = { banner = { { "x" } } } }\n' > "$T/bad.template"
"$BIN" fixture --record "$T/x.fixture" "$T/bad.template" > "$T/bad.out" 2>&1
[ $? -eq 2 ] && grep -q "a template for --record has none" "$T/bad.out" || bad "template with replies"

[ "$fails" -eq 0 ] || exit 1
echo "e2e_fixture_record: ok"
