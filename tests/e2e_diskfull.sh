#!/bin/bash
# e2e_diskfull.sh - `assay run` on a full disk (issue 11, defect 3).
#
# Everything happens on a small tmpfs mounted in a private mount namespace
# (unshare -m as root, unshare -rm as a user), so nothing outside is
# touched and the mount goes away with the namespace.
#  1. report stage: room for the evidence but not for the reports: exit 3
#     (never 0 or 1), every report file named with "disk full", no report
#     left that says the run is complete; after room is made, --resume
#     writes the reports and exits as an undisturbed run would (1, FAIL).
#  2. evidence stage: the disk fills while a test case runs: its ERROR says
#     "disk full" (not "ended without a result"), exit 3, report.json (if
#     any) says incomplete; space back, --resume finishes the run with the
#     verdicts of an undisturbed run.
#  3. signing: room for the reports but not for MANIFEST: exit 3, the file
#     named, no MANIFEST without report.p7s.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}

if [ -z "${ASSAY_DISKFULL_NS:-}" ]; then
	export ASSAY_DISKFULL_NS=1
	if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		exec unshare -m bash "$0" "$@"
	elif unshare -rm true 2>/dev/null; then
		exec unshare -rm bash "$0" "$@"
	fi
	echo "SKIP: cannot create a mount namespace (unshare -m / -rm)"
	exit 0
fi

ICS=$SRC/ics/examples/smart-camera.xml
IXIT=$SRC/ixit/examples/smart-camera.xml
SETUP=$SRC/setup/examples/smart-camera.xml
CAT=$SRC/tests/data/catalogue-slow
# 4-1-1 and 5.1-2-1 pass, 5.1-3-1 fails: undisturbed, the run is FAIL (1).
ONLY="--only 4-1-1 --only 5.1-2-1 --only 5.1-3-1"
T=$(mktemp -d /tmp/assay-e2e-diskfull-XXXXXX)
M=$T/mnt
mkdir -p "$M"
mount --make-rprivate / 2>/dev/null
cleanup() { umount "$M" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

run() {	# run OUT [extra options]: exit code in $code, output in OUT.err/out
	local out=$1
	shift
	"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --out "$out" \
	    --catalogue "$CAT" $ONLY -j1 --lab "Disk Full Lab" \
	    --customer "Disk Full customer" --authorised-by "Disk Full Manager" \
	    "$@" >"$out.out" 2>"$out.err"
	code=$?
}

# The report says complete only if it is; prints id=verdict lines.
report_state() {
	python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def find(o, k):
    if isinstance(o, dict):
        if k in o and isinstance(o[k], bool):
            return o[k]
        for v in o.values():
            x = find(v, k)
            if x is not None:
                return x
    return None
print("complete", find(r, "complete"))
for t in r["test_cases"]:
    if t["verdict"] != "NONE":
        print(t["id"], t["verdict"])
PY
}

# Pages a directory's files take on tmpfs, in KiB.
kib_used() {
	find "$1" -type f ! -name 'report.*' ! -name junit.xml -printf '%s\n' |
	    awk '{ k += int(($1 + 4095) / 4096) * 4 } END { print k }'
}

# --- reference: an undisturbed run -------------------------------------------
mount -t tmpfs -o size=16m assay-diskfull "$M" || { echo "SKIP: cannot mount tmpfs"; exit 0; }
run "$M/ref"
[ "$code" = 1 ] && ok "reference run: exit 1 (FAIL)" || bad "reference run: exit $code: $(cat "$M/ref.err")"
report_state "$M/ref/report.json" | grep -v complete >"$T/ref.verdicts"
need=$(kib_used "$M/ref")
umount "$M"

# --- 1. report stage -----------------------------------------------------------
# Room for the evidence and forms (+ 16 KiB), not for report.json.
mount -t tmpfs -o size=$((need + 16))k assay-diskfull "$M" || bad "mount"
run "$M/r1"
[ "$code" = 3 ] && ok "reports not written: exit 3" || bad "reports not written: exit $code, want 3"
for f in report.json report.xml report.html junit.xml; do
	grep -q "$M/r1/$f: cannot write: disk full" "$M/r1.err" &&
	    ok "$f named as not written (disk full)" ||
	    bad "$f not named: $(cat "$M/r1.err")"
done
grep -q "is not complete on disk" "$M/r1.err" && ok "says the report is not on disk" || bad "no summary line"
grep -q "^reports: " "$M/r1.out" && bad "stdout still points at a report" || ok "no \"reports: ...\" line"
grep -q "assay run: no report written in $M/r1" "$M/r1.err" && ok "says no report was written" || bad "no \"no report written\" line"
[ ! -e "$M/r1/report.json" ] && ok "no report.json left behind" || bad "a report.json exists"
ls -a "$M/r1" | grep -q '\.tmp$' && bad "temporary files left: $(ls -a "$M/r1")" || ok "no temporary files left"
mount -o remount,size=16m "$M"
run "$M/r1" --resume
[ "$code" = 1 ] && ok "--resume with room: exit 1 (FAIL)" || bad "--resume: exit $code: $(cat "$M/r1.err")"
report_state "$M/r1/report.json" >"$T/r1.state" 2>&1
grep -q "complete True" "$T/r1.state" && ok "report.json says complete" || bad "after resume: $(cat "$T/r1.state")"
grep -v complete "$T/r1.state" | diff "$T/ref.verdicts" - >/dev/null && ok "same verdicts as the reference" ||
	bad "verdicts differ: $(cat "$T/r1.state")"
umount "$M"

# --- 2. evidence stage ----------------------------------------------------------
mount -t tmpfs -o size=2m assay-diskfull "$M" || bad "mount"
"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --out "$M/r2" \
    --catalogue "$CAT" $ONLY -j1 >"$M/r2.out" 2>"$M/r2.err" &
pid=$!
for i in $(seq 1 500); do
	grep -q " start 5.1-2-1" "$M/r2/journal" 2>/dev/null && break
	sleep 0.01
done
# Fill the disk while 5.1-2-1 runs (it sleeps 400 ms).
dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
wait $pid
code=$?
[ "$code" = 3 ] && ok "results not stored: exit 3" || bad "results not stored: exit $code, want 3: $(cat "$M/r2.err")"
grep -q "5.1-2-1 .*ERROR.*could not be stored: disk full" "$M/r2.err" &&
	ok "5.1-2-1: ERROR says disk full" || bad "5.1-2-1 reason: $(cat "$M/r2.err")"
grep -q "ended without a result" "$M/r2.err" && bad "\"ended without a result\" still said" ||
	ok "no \"ended without a result\""
grep -q "could not be stored in $M/r2 .*--resume" "$M/r2.err" && ok "says how to finish" || bad "no resume hint"
if [ -e "$M/r2/report.json" ]; then
	report_state "$M/r2/report.json" | grep -q "complete False" &&
	    ok "report.json says incomplete" || bad "report.json says complete"
else
	ok "no report.json (disk full)"
fi
rm -f "$M/fill"
run "$M/r2" --resume
[ "$code" = 1 ] && ok "--resume with room: exit 1 (FAIL)" || bad "--resume: exit $code: $(cat "$M/r2.err")"
report_state "$M/r2/report.json" >"$T/r2.state" 2>&1
grep -q "complete True" "$T/r2.state" && ok "report.json says complete" || bad "after resume: $(cat "$T/r2.state")"
grep -v complete "$T/r2.state" | diff "$T/ref.verdicts" - >/dev/null && ok "same verdicts as the reference" ||
	bad "verdicts differ: $(cat "$T/r2.state")"
umount "$M"

# --- 3. signing -----------------------------------------------------------------
if command -v openssl >/dev/null; then
	"$BIN" keygen --out "$T/keys" --subject "/CN=Disk Full Lab" >/dev/null || bad keygen
	mount -t tmpfs -o size=16m assay-diskfull "$M" || bad "mount"
	run "$M/r3"
	dd if=/dev/zero of="$M/fill" bs=4k 2>/dev/null
	"$BIN" sign "$M/r3" --key "$T/keys/key.pem" --cert "$T/keys/cert.pem" >"$T/s.out" 2>"$T/s.err"
	code=$?
	[ "$code" -ge 2 ] && ok "assay sign on a full disk: exit $code" || bad "assay sign: exit $code"
	grep -q "$M/r3/MANIFEST: cannot write: disk full" "$T/s.err" && ok "MANIFEST named" ||
	    bad "sign error: $(cat "$T/s.err")"
	[ ! -e "$M/r3/MANIFEST" ] && [ ! -e "$M/r3/report.p7s" ] && ok "no MANIFEST or signature left" ||
	    bad "signing files left: $(ls "$M/r3")"
	rm -f "$M/fill"
	"$BIN" sign "$M/r3" --key "$T/keys/key.pem" --cert "$T/keys/cert.pem" >/dev/null 2>"$T/s.err" &&
	    ok "signs once there is room" || bad "sign after room: $(cat "$T/s.err")"
	umount "$M"
fi

[ "$fails" = 0 ] && echo "PASS" || echo "$fails failed"
exit $((fails > 0))
