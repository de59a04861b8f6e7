#!/bin/bash
# Repeatability: the same device and the same forms give the same verdicts
# and the same reasons, run after run.  Runs the reference device (weak
# persona: the one with findings and credential trials) in a private network
# namespace and assesses it ASSAY_REPEAT times (default 3; the README's
# figure comes from 10), comparing every test case's verdict, reason and
# unit list.
set -u
BIN=${ASSAY_BIN:?}
DEV=$(dirname "$BIN")/assay-refdevice
N=${ASSAY_REPEAT:-3}
T=$(mktemp -d /tmp/assay-e2e-repeat-XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
persona=${ASSAY_REPEAT_PERSONA:-weak}
$NS bash -c '
	ip link set lo up
	"$0" --persona "$1" --dir "$2/dev" --ports standard --foreground > "$2/dev.out" 2>&1 &
	dev=$!
	for _ in $(seq 1 300); do grep -q "^ready" "$2/dev.out" && break; sleep 0.1; done
	for i in $(seq 1 "$4"); do
		"$3" run --ics "$2/dev/ics.xml" --ixit "$2/dev/ixit.xml" --setup "$2/dev/setup.xml" \
			--out "$2/run-$i" -j2 -q
	done
	kill $dev; wait $dev' "$DEV" "$persona" "$T" "$BIN" "$N"
python3 - "$T" "$N" <<'PY'
import json, re, sys
d, n = sys.argv[1], int(sys.argv[2])
def key(i):
    r = json.load(open(f"{d}/run-{i}/report.json"))
    return [(t["id"], t["verdict"], t["reason"],
             [(u["unit"], u["verdict"], u["reason"]) for u in t.get("units", [])])
            for t in r["test_cases"]]
first = key(1)
diff = 0
for i in range(2, n + 1):
    other = key(i)
    for a, b in zip(first, other):
        if a != b:
            diff += 1
            # The clauses (split at "; " and " | ") each run alone has:
            # a long reason differs in one of them, not in its first 300
            # characters.
            ca = set(re.split(r"; | \| ", a[2]))
            cb = set(re.split(r"; | \| ", b[2]))
            print(f"run {i} differs on {a[0]}: run 1 {a[1]}, run {i} {b[1]}")
            for c in sorted(ca - cb):
                print(f"  only run 1: {c[:400]}")
            for c in sorted(cb - ca):
                print(f"  only run {i}: {c[:400]}")
            if ca == cb:
                print(f"  units: run 1 {a[3]}\n  units: run {i} {b[3]}")
print(f"{n} runs, {len(first)} test cases, {diff} differences")
sys.exit(1 if diff or n < 2 else 0)
PY
