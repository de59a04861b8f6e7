#!/bin/bash
# The zygote (harness/run/engine.c): the process that makes each test
# case's process once the queue begins.  Those processes must still be the
# supervisor's own children (its pidfds, deadlines and kills depend on
# it), a run must end the same whether the zygote makes them, the
# supervisor forks them (ASSAY_NO_ZYGOTE), or the zygote dies half-way,
# a zygote that stops answering is ended without a test case running
# twice, and nothing may outlive a supervisor that is killed.
set -u
. "$(dirname "$0")/own_netns.sh"
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-zygote-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
args=(--ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml"
	--setup "$SRC/setup/examples/smart-camera.xml"
	--catalogue "$SRC/tests/data/catalogue-slow" -j 2 --color never)

# "PID COMM" of every child of $1.
children() {
	python3 -c 'import os, sys
for p in os.listdir("/proc"):
    try:
        st = open("/proc/%s/status" % p).read()
    except (OSError, ValueError):
        continue
    f = dict(l.split(":\t", 1) for l in st.splitlines() if ":\t" in l)
    if f.get("PPid", "").strip() == sys.argv[1]:
        print(p, f.get("Name", "").strip())' "$1"
}
# Waits (up to 10 s) until a child of $1 has a comm matching $2; prints it.
wait_child() {
	local i line
	for i in $(seq 1 200); do
		line=$(children "$1" | grep -E " $2\$" | head -1)
		[ -n "$line" ] && { echo "$line"; return 0; }
		sleep 0.05
	done
	return 1
}
# "id verdict" per test case of a report, sorted.
verdicts() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
for t in sorted(r["test_cases"], key=lambda t: t["id"]):
    print(t["id"], t["verdict"])
print("result", r["result"], "complete", r.get("complete"))' "$1"
}

# 1. The reference: the supervisor forks every test case itself.
ASSAY_NO_ZYGOTE=1 "$BIN" run "${args[@]}" --out "$T/fork" >/dev/null 2>"$T/fork.err" &
pid=$!
if line=$(wait_child $pid "assay [0-9].*"); then
	children $pid | grep -q " assay-zygote$" &&
		bad "ASSAY_NO_ZYGOTE: there is a zygote all the same" ||
		ok "ASSAY_NO_ZYGOTE: no zygote; the supervisor forks ($line)"
else
	bad "ASSAY_NO_ZYGOTE: no test case's process seen"
fi
wait $pid
fork_code=$?
verdicts "$T/fork/report.json" > "$T/fork.v" || bad "no report without the zygote"

# 2. With the zygote: test cases are the supervisor's children, named.
"$BIN" run "${args[@]}" --out "$T/zy" >/dev/null 2>"$T/zy.err" &
pid=$!
if zy=$(wait_child $pid "assay-zygote"); then
	ok "the zygote is a child of the supervisor: $zy"
else
	bad "no zygote among the supervisor's children: $(children $pid)"
fi
if tc=$(wait_child $pid "assay [0-9].*"); then
	ok "a test case's process is the supervisor's child, not the zygote's: $tc"
else
	bad "no test case's process among the supervisor's children: $(children $pid)"
fi
[ -n "${zy:-}" ] && [ -z "$(children "${zy%% *}")" ] &&
	ok "the zygote has no children of its own" ||
	bad "the zygote has children: $(children "${zy%% *}")"
wait $pid
code=$?
[ $code -eq $fork_code ] && ok "same exit status as forking ($code)" ||
	bad "exit $code with the zygote, $fork_code without"
verdicts "$T/zy/report.json" > "$T/zy.v" &&
	cmp -s "$T/fork.v" "$T/zy.v" && ok "same verdicts as forking" ||
	bad "verdicts differ: $(diff "$T/fork.v" "$T/zy.v")"
zp=${zy%% *}
[ -n "$zp" ] && ! grep -qs "^Name:.*assay-zygote" "/proc/$zp/status" &&
	ok "the zygote ended with the run" || bad "the zygote $zp is left"

# A run whose zygote gets signal $1 once its first test case is seen
# (one job: test cases are still queued then), out in $T/$2, checked
# against forking; the assertions say "zygote $3".  Returns 1 when there
# was nothing to signal.
disturbed() {
	local code
	"$BIN" run "${args[@]}" -j 1 --out "$T/$2" >/dev/null 2>"$T/$2.err" &
	pid=$!
	if ! zy=$(wait_child $pid "assay-zygote") ||
	    ! wait_child $pid "assay [0-9].*" >/dev/null; then
		bad "no zygote or test case seen to signal ($3)"
		wait $pid
		return 1
	fi
	kill -"$1" "${zy%% *}"
	wait $pid
	code=$?
	[ $code -eq $fork_code ] && ok "zygote $3: same exit status ($code)" ||
		bad "zygote $3: exit $code, $fork_code when forking"
	grep -q "the zygote process is gone or did not answer; the supervisor forks" "$T/$2.err" &&
		ok "zygote $3: says the supervisor forks from then on" ||
		bad "zygote $3: no message: $(cat "$T/$2.err")"
	verdicts "$T/$2/report.json" > "$T/$2.v" &&
		cmp -s "$T/fork.v" "$T/$2.v" && ok "zygote $3: same verdicts" ||
		bad "zygote $3: verdicts differ: $(diff "$T/fork.v" "$T/$2.v")"
	return 0
}

# 3. The zygote dies half-way: the supervisor forks the rest itself.
disturbed KILL dead killed

# 3b. The zygote stopped (SIGSTOP to it alone): after 5 s without an
# answer the supervisor ends it and forks; every test case runs once.
if disturbed STOP stop stopped; then
	twice=$(awk '$2 == "start" { n[$3]++ } END { for (i in n) if (n[i] != 1) print i, n[i] }' "$T/stop/journal")
	starts=$(awk '$2 == "start"' "$T/stop/journal" | wc -l)
	ran=$(grep -vc '^result ' "$T/fork.v")
	[ -z "$twice" ] && [ "$starts" -eq "$ran" ] &&
		ok "zygote stopped: every test case started once ($starts)" ||
		bad "zygote stopped: $starts starts for $ran test cases; more than once: $twice"
	[ -d "/proc/${zy%% *}" ] && bad "zygote stopped: it is still there" ||
		ok "zygote stopped: it was ended"
fi

# 4. The supervisor killed: the zygote and the test cases go with it.
"$BIN" run "${args[@]}" --out "$T/kill" >/dev/null 2>"$T/kill.err" &
pid=$!
if zy=$(wait_child $pid "assay-zygote") && tc=$(wait_child $pid "assay [0-9].*"); then
	kill -KILL $pid
	wait $pid 2>/dev/null
	left=""
	for i in $(seq 1 100); do
		left=""
		for p in "${zy%% *}" "${tc%% *}"; do
			[ -d "/proc/$p" ] && grep -q "^State:.*[^Z] (" "/proc/$p/status" 2>/dev/null &&
				left="$left $p"
		done
		[ -z "$left" ] && break
		sleep 0.05
	done
	[ -z "$left" ] && ok "supervisor killed: zygote and test case gone" ||
		bad "supervisor killed: still running:$left"
else
	bad "no zygote or test case seen"
	kill -KILL $pid; wait $pid 2>/dev/null
fi

[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
