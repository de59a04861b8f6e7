#!/bin/bash
# e2e_tty.sh - what `assay run` shows while it runs: on a terminal (a pty
# made by script(1)) a live status line (done/total, verdicts so far,
# elapsed, what is running and which probe it is in) and verdicts in
# colour; NO_COLOR and --color=never drop the colour, not the status;
# redirected, neither.
set -u
. "$(dirname "$0")/own_netns.sh"
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

# Which probe a test case is in: one that sweeps 2500 closed loopback
# ports, slowed to about 2.5 s by --max-rate, so that several redraws
# (every 250 ms) fall inside the probe.
mkdir "$T/cat"
cat >"$T/cat/5.1-1.lua" <<'LUA'
group "5.1-1"
testcase {
  id = "5.1-1-2", type = "functional", purpose = "sweeps closed loopback ports",
  units = {
    a = { criterion = "Unit a of this test catalogue (e2e_tty).", decided = "automatic", reach = "network" },
    b = { criterion = "Unit b of this test catalogue (e2e_tty).", decided = "automatic", reach = "network" },
    c = { criterion = "Unit c of this test catalogue (e2e_tty).", decided = "automatic", reach = "network" },
  },
  run = function(a)
    local r, err = a.net.tcp_sweep({ host = "127.0.0.1", ports = "1-2500" })
    if not r then return inconclusive("no sweep: " .. err) end
    return inconclusive("swept " .. r.closed_count .. " closed ports")
  end,
}
LUA
pargs="--ics $SRC/ics/examples/smart-camera.xml --ixit $SRC/ixit/examples/smart-camera.xml --setup $SRC/setup/examples/smart-camera.xml --catalogue $T/cat --timeout 30 --max-rate 1000"
# probe NAME COLS: that run on a pty COLS wide, its bytes in T/NAME.
probe() {
	env TERM=xterm script -qfec "stty cols $2; $A run $pargs --out $T/$1.d" "$T/$1" >/dev/null 2>&1
}
probe probe 200
grep -q "; running 5\.1-1-2 \[net\.tcp_sweep [0-9]*/2500\]" "$T/probe" &&
	ok "the status line names the probe and its progress" ||
	bad "no probe in the status line: $(tr '\r' '\n' <"$T/probe" | grep running | head -3 | cat -v)"
grep -q "swept 2[0-9]* closed ports" "$T/probe.d/report.json" && ok "the sweep ran" || bad "the sweep did not run"
# Cut to the terminal's width: no redraw longer than 49 columns on 50.
probe narrow 50
tr '\r' '\n' <"$T/narrow" | grep "^${ESC}\[K[0-9]*/1 done" >"$T/narrow.lines"
[ -s "$T/narrow.lines" ] && ! awk -v e="$ESC" '{ sub(e "\\[K", ""); if (length($0) > 49) bad = 1 } END { exit !bad }' "$T/narrow.lines" &&
	ok "clipped to the terminal's width" || bad "status lines wider than the terminal: $(cat -v "$T/narrow.lines" | head -3)"
# Redirected: no status line, so no probe channel and no probe names.
"$A" run $pargs --out "$T/probepipe.d" >"$T/probepipe.out" 2>"$T/probepipe.err"
grep -q "net\.tcp_sweep" "$T/probepipe.err" "$T/probepipe.out" && bad "probe names when redirected" ||
	ok "redirected: no probe names"
grep -q "^\[ *1/1\] 5\.1-1-2 .*swept" "$T/probepipe.err" && ok "redirected: the run went on" || bad "redirected run: $(cat "$T/probepipe.err")"
[ $fails -eq 0 ]
