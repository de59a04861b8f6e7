#!/bin/bash
# e2e_fixture.sh - the fixture runner itself (docs/fixtures.md): each
# malformed fixture in tests/fixtures/malformed/*.bad exits 2 with a
# message naming the file and the problem; each well-formed fixture that
# does not hold (*.fail) exits 1 naming the difference; the exit code of
# a mixed list is the worst.  Env: ASSAY_BIN, ASSAY_SOURCE_DIR.
set -u
bin=${ASSAY_BIN:?set ASSAY_BIN}
src=${ASSAY_SOURCE_DIR:?set ASSAY_SOURCE_DIR}
dir=$src/tests/fixtures/malformed
tmp=$(mktemp -d /tmp/assay-e2e-fixture-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# expect FILE CODE TEXT: exit code CODE and TEXT in the output.
expect() {
	local f=$dir/$1 code=$2 text=$3 rc
	"$bin" fixture "$f" >"$tmp/out" 2>&1
	rc=$?
	[ "$rc" -eq "$code" ] || { cat "$tmp/out" >&2; fail "$1: exit $rc, expected $code"; }
	grep -qF -- "$text" "$tmp/out" || { cat "$tmp/out" >&2; fail "$1: no \"$text\""; }
	grep -qF -- "$1" "$tmp/out" || fail "$1: the message does not name the file"
}

expect syntax.bad 2 "'}' expected"
expect bad-verdict.bad 2 "expect.verdict: PASS, FAIL, INCONCLUSIVE or ERROR"
expect unknown-field.bad 2 'unknown field "expct"'
expect no-testcase.bad 2 'no test case "9.9-9-9"'
expect bad-patch.bad 2 "no entry nope in 1-AuthMech"
expect unknown-patch.bad 2 'unknown patch "frobnicate"'
expect typo-probe.bad 2 "replies.tls_handshak: assay.net has no such probe function"
expect bad-reply.bad 2 "replies.tls_handshake[1]: a table of return values or a function expected"
expect not-table.bad 2 "must return a table"
expect endless.bad 2 "instruction budget"
expect old-judgement.bad 2 "judgement: replaced by judgements"
expect bad-judgement.bad 2 "judgements[1].unit: a unit letter"
expect judgement-no-text.bad 2 "judgements[1]: needs verdict (PASS, FAIL or INCONCLUSIVE) and text"
expect judged-unit-fails.fail 1 "expected PASS, got INCONCLUSIVE: unit b: REVIEW_PENDING"
expect unexpected-call.fail 1 'unexpected call assay.net.tcp_sweep({host="127.0.0.1", ports={8443, 8883}})'
expect device-free.bad 2 'replies.url: assay.net.url talks to no device; the real one runs'
expect unused-reply.fail 1 "replies.banner[1] was never asked for"
expect partly-used.fail 1 "replies.tls_handshake[2] was never asked for"
expect wrong-verdict.fail 1 "expected FAIL, got INCONCLUSIVE"
expect wrong-verdict.fail 1 'the reason lacks "no such text"'
expect wrong-verdict.fail 1 "unit a: expected FAIL, got INCONCLUSIVE"

# The stubs keep the bindings' call style: a positional call raises as the
# real probe does (a copy of the catalogue whose sweep calls positionally).
cp -r "$src/testcases" "$tmp/cat"
sed -i 's/f({ host = lib.host(), ports = declared })/f(lib.host(), declared)/' \
    "$tmp/cat/lib/assay.lua"
grep -qF 'f(lib.host(), declared)' "$tmp/cat/lib/assay.lua" ||
	fail "positional call: lib/assay.lua changed, the sed no longer applies"
cat > "$tmp/positional.fixture" <<EOF
return {
  testcase = "5.6-1-2",
  forms = "$src/tests/validation/base",
  replies = {
    tls_handshake = { { nil, "connection refused", keep = true } },
    tcp_sweep = { { { open = { 8443 }, filtered = {} }, keep = true } },
  },
  expect = { verdict = "INCONCLUSIVE" },
}
EOF
"$bin" fixture --catalogue "$tmp/cat" "$tmp/positional.fixture" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -qF 'tcp_sweep: a table of options expected (tcp_sweep{...}), got string' \
    "$tmp/out" || { cat "$tmp/out" >&2; fail "positional call not refused by the stub"; }

# A good fixture passes; a list exits with its worst.
good=$src/tests/fixtures/5.1-3-1/fail-plain-channel.fixture
"$bin" fixture "$good" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "good fixture"; }
"$bin" fixture "$good" "$dir/wrong-verdict.fail" >/dev/null 2>&1
[ $? -eq 1 ] || fail "good + failing: exit not 1"
"$bin" fixture "$good" "$dir/wrong-verdict.fail" "$dir/syntax.bad" >/dev/null 2>&1
[ $? -eq 2 ] || fail "good + failing + malformed: exit not 2"
"$bin" fixture >/dev/null 2>&1
[ $? -eq 2 ] || fail "no file: exit not 2"
"$bin" fixture --help | grep -q "usage: assay fixture" || fail "--help"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "e2e_fixture: ok"
