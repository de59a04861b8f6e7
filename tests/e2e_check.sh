#!/bin/bash
# e2e_check.sh - `assay check` on the example forms, the broken examples
# and the templates, as a user runs it.  Env: ASSAY_BIN, ASSAY_SOURCE_DIR.
set -u
bin=${ASSAY_BIN:?set ASSAY_BIN}
src=${ASSAY_SOURCE_DIR:?set ASSAY_SOURCE_DIR}
ics_ok=$src/ics/examples/smart-camera.xml
ixit_ok=$src/ixit/examples/smart-camera.xml
setup_ok=$src/setup/examples/smart-camera.xml
tmp=$(mktemp -d /tmp/assay-e2e-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# 1. The examples are valid, without a warning: exit 0.
if ! "$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$setup_ok" \
    >"$tmp/out" 2>&1; then
	cat "$tmp/out" >&2
	fail "examples do not validate"
fi
grep -q "valid ICS" "$tmp/out" || fail "no 'valid ICS' line"
grep -q "valid set-up" "$tmp/out" || fail "no 'valid set-up' line"
grep -q "warning" "$tmp/out" && { cat "$tmp/out" >&2; fail "examples warn"; }
"$bin" check --ics "$ics_ok" --ixit "$ixit_ok" >/dev/null 2>&1 ||
	fail "check without --setup failed"

# 2. Each broken example: exit 2, FILE:LINE: and the cause its first line
# names.  An expectation starting "warning: " is a warning: exit 0, and the
# FILE:LINE: may be the other form's (ICS conditions against IXIT facts
# are reported at the condition).
check_broken() {
	local kind=$1 f=$2 expect out rc want=2 where
	expect=$(sed -n '1s/^<!-- expect: \(.*\) -->$/\1/p' "$f")
	[ -n "$expect" ] || { fail "$f: no '<!-- expect: ... -->' on line 1"; return; }
	where="$f"
	case "$expect" in
	"warning: "*) want=0; where="[^:]*" ;;
	esac
	case "$kind" in
	ics) "$bin" check --ics "$f" --ixit "$ixit_ok" --setup "$setup_ok" \
	    >"$tmp/out" 2>&1 ;;
	ixit) "$bin" check --ics "$ics_ok" --ixit "$f" --setup "$setup_ok" \
	    >"$tmp/out" 2>&1 ;;
	setup) "$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$f" \
	    >"$tmp/out" 2>&1 ;;
	esac
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$f: exit $rc, expected $want"
	if ! grep -F -- "$expect" "$tmp/out" | grep -Eq -- "^$where:[0-9]+: "; then
		cat "$tmp/out" >&2
		fail "$f: no '$f:LINE: ...$expect...'"
	fi
}
n=0
for kind in ics ixit setup; do
	for f in "$src/$kind/examples/broken/"*.xml; do
		check_broken "$kind" "$f"
		n=$((n + 1))
	done
done
[ "$n" -ge 10 ] || fail "only $n broken examples"

# 3. JSON output parses, valid and invalid.
"$bin" check --format json --ics "$ics_ok" --ixit "$ixit_ok" >"$tmp/ok.json" ||
	fail "json check of the examples failed"
python3 -m json.tool "$tmp/ok.json" >/dev/null || fail "json (valid) does not parse"
"$bin" check --format json --ics "$src/ics/examples/broken/doctype.xml" \
    --ixit "$src/ixit/examples/broken/port-out-of-range.xml" >"$tmp/bad.json"
[ $? -eq 2 ] || fail "json check of broken forms: expected exit 2"
python3 -m json.tool "$tmp/bad.json" >/dev/null || fail "json (invalid) does not parse"
python3 - "$tmp/bad.json" <<'PY' || fail "json problems lack file/line/message"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is False
msgs = [p["message"] for p in j["problems"]]
assert any("DOCTYPE" in m for m in msgs), msgs
assert any(p["line"] == 8 and "port 70000 out of range" in p["message"] for p in j["problems"]), msgs
PY

# 4. Fresh templates from `assay init` do not validate, and say why.
"$bin" init "$tmp/new" >/dev/null || fail "assay init failed"
[ -f "$tmp/new/setup.xml" ] || fail "assay init wrote no setup.xml"
"$bin" check --ics "$tmp/new/ics.xml" --ixit "$tmp/new/ixit.xml" \
    --setup "$tmp/new/setup.xml" >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "templates validate, but must not until filled in"
grep -q "ics.xml:[0-9]*: .*'TODO'" "$tmp/out" || fail "template ICS: no TODO message"
grep -q "ixit.xml:[0-9]*: .*port" "$tmp/out" || fail "template IXIT: no port message"
grep -q "setup.xml:[0-9]*: .*TODO" "$tmp/out" || fail "template set-up: no TODO message"
# The set-up template keeps the default budget: a full 65535-port sweep
# must fit in the default 300 s per test case.
grep -q 'max-rate="50"' "$tmp/new/setup.xml" && fail "set-up template ships max-rate=50"

# 5. A version-1 IXIT: exit 2, one message per change.
"$bin" check --ics "$ics_ok" --ixit "$src/ixit/examples/broken/version-1.xml" \
    >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "version-1 IXIT: expected exit 2"
for m in "device-under-test> is gone" "<credentials> are gone" \
    "service \"rtsp\": the address attribute is gone" "<facts>"; do
	grep -qF -- "$m" "$tmp/out" || fail "version-1 IXIT: no '$m'"
done

# 6. run without --setup is a usage error that says why.
"$bin" run --ics "$ics_ok" --ixit "$ixit_ok" --out "$tmp/run" >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "run without --setup: expected exit 2"
grep -q -- "--setup" "$tmp/out" || fail "run without --setup: no explanation"
[ -e "$tmp/run" ] && fail "run without --setup created its output directory"

# 7. An empty form (an empty file, /dev/null): exit 2 and a message that
# names the file and says it is empty or not a form, never "0 problems"
# or an allocation failure.
: >"$tmp/empty.xml"
for f in "$tmp/empty.xml" /dev/null; do
	"$bin" check --ics "$ics_ok" --ixit "$f" >"$tmp/out" 2>&1
	[ $? -eq 2 ] || fail "empty IXIT $f: expected exit 2"
	grep -q "^$f: .*\(empty file\|not a form\)" "$tmp/out" ||
		{ cat "$tmp/out" >&2; fail "empty IXIT $f: no message naming it"; }
	grep -q "0 problems\|allocation" "$tmp/out" &&
		{ cat "$tmp/out" >&2; fail "empty IXIT $f: '0 problems' or allocation"; }
done

if [ "$fails" -ne 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "e2e_check: ok ($n broken examples)"
