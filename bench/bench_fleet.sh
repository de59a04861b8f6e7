#!/bin/bash
# bench/bench_fleet.sh [BUILD] - many devices on one machine (docs/fleet.md).
#
# Starts N reference devices (assay-refdevice, weak and conforming in turn),
# each in a network namespace of its own on the standard ports, then times
# `assay run --fleet` over one of them and over all N, and prints the ratio
# of the wall times (goal: N devices within 8x one device's time), each
# device run's peak RSS (sum and max, from fleet.json: wait4's ru_maxrss)
# and the load average before and after.  Needs root (ip netns).
#
# Environment:
#   FLEET_N=50         devices (default 50)
#   FLEET_PARALLEL=K   --parallel (default: assay's own default)
#   FLEET_JOBS=J       -j per device (default 2)
#   FLEET_ONLY="ID..." these test cases (--only each); default a fast
#                      subset (forms, HTTP, telnet, TLS, ports: 0.2 s a
#                      device in a Release build, CPU-bound); "net" is a
#                      mix that waits on the device as whole runs do
#                      (5.1-1-2 5.1-3-2 5.1-5-2: 37 s weak, 72 s conforming)
#   FLEET_FULL=1       the whole catalogue (about 7 minutes a device)
#   FLEET_REPEAT=R     time each fleet R times (default 1), min and max shown
# BUILD (default build) holds assay and assay-refdevice; ASSAY_BIN overrides.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
BIN=${ASSAY_BIN:-$build/assay}
DEV=$(dirname "$BIN")/assay-refdevice
N=${FLEET_N:-50}
JOBS=${FLEET_JOBS:-2}
REPEAT=${FLEET_REPEAT:-1}
if [ ! -x "$BIN" ] || [ ! -x "$DEV" ]; then
	echo "bench_fleet: no $BIN or $DEV; build first" >&2; exit 2
fi
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
	echo "bench_fleet: SKIP: needs root and ip netns"; exit 0
fi
T=$(mktemp -d /tmp/assay-bench-fleet-XXXXXX)
pids=
nss=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	for ns in $nss; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ONLY=
WHAT="fast subset of test cases"
ids="4-1-1 5.1-1-1 5.1-3-1 5.1-4-1 5.1-4-2 5.1-5-1 5.2-1-1 5.2-1-2 5.3-13-1
    5.3-13-2 5.5-1-1 5.6-1-1 5.6-2-1"
case ${FLEET_ONLY:-} in
"") ;;
net) ids="5.1-1-2 5.1-3-2 5.1-5-2"; WHAT="network-bound mix (5.1-1-2 5.1-3-2 5.1-5-2)" ;;
*) ids=$FLEET_ONLY; WHAT="--only $FLEET_ONLY" ;;
esac
if [ -n "${FLEET_FULL:-}" ]; then
	ids=; WHAT="whole catalogue"
fi
for t in $ids; do ONLY="$ONLY --only $t"; done
PAR=
[ -n "${FLEET_PARALLEL:-}" ] && PAR="--parallel $FLEET_PARALLEL"

echo "bench_fleet: starting $N reference devices, one network namespace each"
t0=$(date +%s%N)
i=1
while [ "$i" -le "$N" ]; do
	ns=assay-bf-$$-$i
	if [ $((i % 2)) -eq 1 ]; then p=weak; else p=conforming; fi
	ip netns add "$ns" || { echo "bench_fleet: ip netns add failed" >&2; exit 1; }
	nss="$nss $ns"
	ip netns exec "$ns" sh -c 'ip link set lo up; exec "$0" --persona "$1" --dir "$2" --ports standard --foreground' \
	    "$DEV" "$p" "$T/dev-$i" >"$T/dev-$i.out" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$N" ]; do
	for _ in $(seq 1 1200); do grep -q '^ready' "$T/dev-$i.out" && break; sleep 0.1; done
	grep -q '^ready' "$T/dev-$i.out" || { echo "bench_fleet: device $i did not start" >&2; cat "$T/dev-$i.out" >&2; exit 1; }
	i=$((i + 1))
done
echo "bench_fleet: $N devices ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

fleet_file() {	# file, first, last
	{
		echo '<?xml version="1.0" encoding="UTF-8"?>'
		echo '<fleet xmlns="urn:assay:fleet:1" version="1">'
		local k=$2
		while [ "$k" -le "$3" ]; do
			echo "  <device id=\"dev-$k\" ics=\"dev-$k/ics.xml\" ixit=\"dev-$k/ixit.xml\" setup=\"dev-$k/setup.xml\" netns=\"assay-bf-$$-$k\"/>"
			k=$((k + 1))
		done
		echo '</fleet>'
	} >"$1"
}
fleet_file "$T/one.xml" 1 1		# weak
fleet_file "$T/two.xml" 2 2		# conforming
fleet_file "$T/all.xml" 1 "$N"

# Runs a fleet REPEAT times; prints min and max wall ms; keeps the last OUT.
timed() {	# name, fleet file
	local r=1 min= max= ms code
	while [ "$r" -le "$REPEAT" ]; do
		rm -rf "$T/out-$1"
		local s; s=$(date +%s%N)
		"$BIN" run --fleet "$2" --out "$T/out-$1" $ONLY -j "$JOBS" $PAR -q \
		    >"$T/$1.out" 2>"$T/$1.err"
		code=$?
		ms=$(( ($(date +%s%N) - s) / 1000000 ))
		if [ $code -eq 2 ]; then cat "$T/$1.err" >&2; echo "bench_fleet: $1: usage error" >&2; exit 1; fi
		[ -z "$min" ] || [ "$ms" -lt "$min" ] && min=$ms
		[ -z "$max" ] || [ "$ms" -gt "$max" ] && max=$ms
		r=$((r + 1))
	done
	echo "$min $max"
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
read -r one_min one_max <<<"$(timed one "$T/one.xml")"
two_min=0 two_max=0
[ "$N" -ge 2 ] && read -r two_min two_max <<<"$(timed two "$T/two.xml")"
read -r all_min all_max <<<"$(timed all "$T/all.xml")"
load1=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$T/out-one/fleet.json" "$T/out-all/fleet.json" "$N" "$one_min" "$one_max" \
    "$all_min" "$all_max" "$load0" "$load1" "$REPEAT" "$WHAT" \
    "$(nproc)" "${FLEET_PARALLEL:-default}" "$JOBS" "$two_min" "$two_max" <<'EOF'
import json, sys
one, allf = (json.load(open(p)) for p in sys.argv[1:3])
n = int(sys.argv[3])
omin, omax, amin, amax = (int(x) for x in sys.argv[4:8])
rss = [d["peak_rss_kib"] for d in allf["device"] if d["peak_rss_kib"] is not None]
bad = [d["id"] for d in allf["device"] if d["error"] or d["result"] is None]
tmin, tmax = int(sys.argv[15]), int(sys.argv[16])
# One instance: the slower of a weak and a conforming device alone.
base = max(omin, tmin)
ratio = amin / base if base > 0 else float("inf")
print("bench_fleet: %d devices, %s, %d timed run(s) each; %s cores, "
      "--parallel %s, -j %s" % (n, sys.argv[11] or "fast subset of test cases",
      int(sys.argv[10]), sys.argv[12], sys.argv[13], sys.argv[14]))
cpu = [d["duration_ms"] for d in allf["device"] if d["duration_ms"] is not None]
print("  device run wall in the fleet: %.2f .. %.2f s" % (min(cpu) / 1000, max(cpu) / 1000))
print("  one device:   wall %.2f s (min) .. %.2f s (max) weak; %.2f .. %.2f s conforming" % (
    omin / 1000, omax / 1000, tmin / 1000, tmax / 1000))
print("  %3d devices:  wall %.2f s (min) .. %.2f s (max)" % (n, amin / 1000, amax / 1000))
print("  ratio %d/1:    %.2fx of the slower single device (goal <= 8x): %s" % (
    n, ratio, "met" if ratio <= 8 else "NOT met"))
print("  peak RSS per device run: max %.1f MiB, sum %.1f MiB (%d measured)" % (
    max(rss) / 1024 if rss else 0, sum(rss) / 1024, len(rss)))
print("  one device's peak RSS: %s MiB" % ("%.1f" % (one["device"][0]["peak_rss_kib"] / 1024)
      if one["device"][0]["peak_rss_kib"] else "?"))
print("  results: %s; fleet exit %d" % (json.dumps(allf["device_results"]), allf["exit_code"]))
print("  load average before: %s, after: %s" % (sys.argv[8], sys.argv[9]))
if bad:
    print("  devices without a report: %s" % " ".join(bad[:10]))
    sys.exit(1)
EOF
