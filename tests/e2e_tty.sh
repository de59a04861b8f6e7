#!/bin/bash
# e2e_tty.sh - what `assay run` shows while it runs: on a terminal (a pty
# made by script(1)) a live status line (done/total, verdicts so far,
# elapsed, what is running) and verdicts in colour; NO_COLOR and
# --color=never drop the colour, not the status; redirected, neither.
set -u
A=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
command -v script >/dev/null || { echo "SKIP: script(1) not installed"; exit 0; }
T=$(mktemp -d /tmp/assay-e2e-tty-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
args="--ics $SRC/ics/examples/smart-camera.xml --ixit $SRC/ixit/examples/smart-camera.xml --setup $SRC/setup/examples/smart-camera.xml --catalogue $SRC/tests/data/catalogue-slow --timeout 3 -j 2"
ESC=$'\033'

# tty NAME [ENV...] [-- OPTS]: a run on a pseudo-terminal, its bytes in T/NAME.
tty() {
	local name=$1; shift
	env TERM=xterm "$@" script -qfec "$A run $args --out $T/$name.d ${OPTS:-}" "$T/$name" >/dev/null 2>&1
}
tty plain
grep -q "${ESC}\[K[0-9]*/12 done, [0-9]* FAIL, [0-9]* INCONCLUSIVE, [0-9]* PASS, [0-9]*s" "$T/plain" &&
	ok "a status line, redrawn in place" || bad "no status line: $(head -c 600 "$T/plain" | cat -v)"
grep -q "; running [0-9.-]" "$T/plain" && ok "it names what is running" || bad "status without the running test cases"
grep -q "${ESC}\[1;31mFAIL" "$T/plain" && grep -q "${ESC}\[32mPASS" "$T/plain" &&
	ok "verdicts in colour on a terminal" || bad "no colour"
tty nocolor NO_COLOR=1
grep -q "${ESC}\[3[0-9]m\|${ESC}\[1;31m" "$T/nocolor" && bad "NO_COLOR: still colour" || ok "NO_COLOR: no colour"
grep -q "[0-9]*/12 done" "$T/nocolor" && ok "NO_COLOR: the status line stays" || bad "NO_COLOR dropped the status"
OPTS="--color=never" tty never
grep -q "${ESC}\[1;31m" "$T/never" && bad "--color=never: colour" || ok "--color=never: no colour"
# Redirected: plain lines only.
"$A" run $args --out "$T/pipe.d" >"$T/pipe.out" 2>"$T/pipe.err"
grep -q "$ESC" "$T/pipe.err" "$T/pipe.out" && bad "escape sequences when redirected" ||
	ok "redirected: no status line, no colour"
grep -q "^\[ *12/12\] " "$T/pipe.err" && ok "redirected: one line per test case" || bad "no progress lines"
[ $fails -eq 0 ]
