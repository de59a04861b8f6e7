#!/bin/bash
# e2e_labconfig.sh - `assay run --lab-config FILE` against files that are
# not lab configurations: an endless one (/dev/zero) is refused within a
# second, a line longer than 1023 bytes is an error naming file and line
# (never split into two lines), a NUL byte is an error.  Env: ASSAY_BIN.
set -u
bin=${ASSAY_BIN:?set ASSAY_BIN}
tmp=$(mktemp -d /tmp/assay-e2e-labcfg-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# Runs assay run with only --lab-config: the configuration is read while
# the options are parsed, before anything else is looked at.
labcfg() {
	timeout 20 "$bin" run --lab-config "$1" --ics /nonexistent \
	    --ixit /nonexistent --setup /nonexistent --out "$tmp/out-dir" \
	    >"$tmp/out" 2>&1
}

# 1. /dev/zero: an endless file of NUL bytes.
labcfg /dev/zero
rc=$?
[ $rc -eq 124 ] && fail "/dev/zero: still reading after 20 s"
[ $rc -eq 2 ] || fail "/dev/zero: exit $rc, expected 2"
grep -q -- "--lab-config /dev/zero: larger than 65536 bytes" "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "/dev/zero: no 'larger than' message"; }

# 2. A 2000-byte line whose tail looks like a line of its own: one error
# at line 2, and the tail is never read as "lab = tail".
{
	echo "assessor = A. Assessor"
	printf 'customer = %s' "$(head -c 1990 /dev/zero | tr '\0' x)"
	echo "unknown-key-in-the-tail = 1"
} >"$tmp/long.cfg"
labcfg "$tmp/long.cfg"
rc=$?
[ $rc -eq 2 ] || fail "long line: exit $rc, expected 2"
grep -q "long.cfg:2: line longer than 1023 bytes" "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "long line: no 'line longer' message"; }
grep -q "unknown key" "$tmp/out" &&
	{ cat "$tmp/out" >&2; fail "long line: its tail was read as a line"; }

# 3. A NUL byte inside a line.
printf 'lab = Test\0Lab\n' >"$tmp/nul.cfg"
labcfg "$tmp/nul.cfg"
[ $? -eq 2 ] || fail "NUL byte: expected exit 2"
grep -q "nul.cfg:1: NUL byte" "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "NUL byte: no message"; }

# 4. A good file (CRLF, comments, blank lines) passes the option parsing:
# whatever fails next is not the configuration.
printf '# lab\r\nlab = Test Lab\r\n\r\n  assessor=A. B.\nauthorised-by = C\n' \
    >"$tmp/good.cfg"
labcfg "$tmp/good.cfg"
grep -q "good.cfg" "$tmp/out" &&
	{ cat "$tmp/out" >&2; fail "good file: reported an error"; }

if [ "$fails" -ne 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "e2e_labconfig: ok"
