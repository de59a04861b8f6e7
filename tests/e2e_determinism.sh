#!/bin/bash
# e2e_determinism.sh - two runs on the same device give the same reasons
# (issue 16: `assay diff` and text diffs of report.json show what changed,
# not noise).  The weak reference device behind the lab gateway, in a
# private network namespace, assessed twice by the test cases whose
# reasons once carried what varies from run to run: frame numbers of a
# capture (5.5-1-2, 6-3-2, 6-5-2), the count of connections a window
# caught (5.3-10-1), the device's link-local IPv6 address (5.6-1-2), and
# what a capture missed when 5.6-1-2's IPv6 sweep flooded it (5.6-1-2 is
# now exclusive with the gateway test cases).
# Everything of each unit (verdict, reason, how it was decided) and of each
# test case must be equal; only times and durations may differ.
set -u
BIN=${ASSAY_BIN:?}
DEV=$(dirname "$BIN")/assay-refdevice
T=$(mktemp -d /tmp/assay-e2e-det-XXXXXX)
trap '[ -n "${ASSAY_E2E_KEEP:-}" ] || rm -rf "$T"' EXIT
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

$NS bash -c '
	ip link set lo up
	"$0" --persona weak --dir "$1/dev" --gateway --foreground >"$1/dev.out" 2>&1 &
	dev=$!
	for _ in $(seq 1 300); do grep -q "^ready" "$1/dev.out" && break; sleep 0.1; done
	code=0
	for n in 1 2; do
		"$2" run --ics "$1/dev/ics.xml" --ixit "$1/dev/ixit.xml" \
			--setup "$1/dev/setup.xml" --out "$1/run$n" -j2 -q \
			--only 5.5-1-2 --only 6-3-2 --only 6-5-2 --only 5.3-10-1 \
			--only 5.6-1-2 >"$1/run$n.log" 2>&1
		[ $? -le 3 ] || code=1
	done
	kill $dev; wait $dev
	exit $code' "$DEV" "$T" "$BIN" || bad "the runs did not finish: $(tail -3 "$T/run1.log" "$T/run2.log" "$T/dev.out")"

if [ -s "$T/run1/report.json" ] && [ -s "$T/run2/report.json" ]; then
	python3 - "$T/run1/report.json" "$T/run2/report.json" >"$T/diff" 2>&1 <<'PY'
import json, sys
VARY = {"started", "duration_ms"}
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in VARY}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
def walk(x, y, path):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            walk(x.get(k), y.get(k), path + "." + k)
    elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
        for n, (p, q) in enumerate(zip(x, y)):
            walk(p, q, "%s[%d]" % (path, n))
    elif x != y:
        print("%s:\n  %s\n  %s" % (path, json.dumps(x)[:600], json.dumps(y)[:600]))
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ran = 0
for key in ("test_cases", "provisions"):
    ta = {t["id"]: strip(t) for t in a[key]}
    tb = {t["id"]: strip(t) for t in b[key]}
    if list(ta) != list(tb):
        print("%s: not the same ids in the same order" % key)
    for i in ta:
        walk(ta[i], tb.get(i), "%s[%s]" % (key, i))
        if key == "test_cases" and ta[i].get("ran"):
            ran += 1
if ran < 5:
    print("only %d test cases ran" % ran)
PY
	[ ! -s "$T/diff" ] && ok "two runs on the same device: the same verdicts, reasons and samples" ||
		bad "two runs differ: $(cat "$T/diff")"
	grep -q "in clear on com-cloud (frames in the transcript)" "$T/run1/report.json" &&
		ok "the reason points to the frames" || bad "no frames finding in 5.5-1-2"
	grep -q "in clear on com-cloud: frames\? [0-9]" "$T/run1/evidence/5.5-1-2/transcript.txt" &&
		ok "the frames are in the transcript" || bad "no frame numbers in the 5.5-1-2 transcript"
fi
[ $fails -eq 0 ]
