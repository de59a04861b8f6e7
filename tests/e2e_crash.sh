#!/bin/bash
# Crash consistency: SIGKILL the process group of `assay run` at named and at
# random (seeded) points of a run against the reference device (weak
# persona), finish each with --resume, and compare with an uninterrupted run
# (tests/crash/run.py has the checks, tests/crash/README.md the knobs):
#   ASSAY_CRASH_POINTS=N   random kill points (default 25)
#   ASSAY_CRASH_DOUBLE=N   random points that kill the resume too (default 5)
#   ASSAY_CRASH_SEED=S     seed of the random points (default: new, printed)
#   ASSAY_CRASH_FULL=1     the whole catalogue instead of the fast subset
#                          (long: about 40 s a point; a manual run)
#   ASSAY_CRASH_PICK=P,... only these points (after:result.txt:3, random:17)
#   ASSAY_CRASH_KEEP=1     keep the run directories of passing points too
# Failing points keep their run directories: ASSAY_CRASH_WORK=DIR sets
# where (default a temporary directory, removed when everything passed).
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
BLD=${ASSAY_BINARY_DIR:-$(dirname "$BIN")}
DEV=$(dirname "$BIN")/assay-refdevice
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
if [ -n "${ASSAY_CRASH_WORK:-}" ]; then
	T=$ASSAY_CRASH_WORK; mkdir -p "$T"
else
	T=$(mktemp -d /tmp/assay-e2e-crash-XXXXXX)
fi
SHIM=$BLD/tests/crash/killshim.so
if [ ! -f "$SHIM" ]; then
	# Not built (another build tree): build it here.
	SHIM=$T/killshim.so
	cc -shared -fPIC -O1 -o "$SHIM" "$SRC/tests/crash/killshim.c" -ldl || exit 1
fi
"$BIN" keygen --out "$T/lab" --type ecdsa --subject "/CN=Assay crash lab" >/dev/null ||
	{ echo "FAIL - keygen"; exit 1; }
$NS bash -c '
	ip link set lo up
	"$0" --persona weak --dir "$1/dev" --ports standard --foreground > "$1/dev.out" 2>&1 &
	dev=$!
	for _ in $(seq 1 300); do grep -q "^ready" "$1/dev.out" && break; sleep 0.1; done
	grep -q "^ready" "$1/dev.out" || { echo "FAIL - the reference device did not start"; cat "$1/dev.out"; exit 1; }
	python3 -B "$2/tests/crash/run.py" --bin "$3" --shim "$4" --dev "$1/dev" \
		--lab "$1/lab" --work "$1"
	code=$?
	kill $dev; wait $dev 2>/dev/null
	exit $code' "$DEV" "$T" "$SRC" "$BIN" "$SHIM"
code=$?
if [ $code -eq 0 ] && [ -z "${ASSAY_CRASH_WORK:-}" ] && [ -z "${ASSAY_CRASH_KEEP:-}" ]; then
	rm -rf "$T"
else
	echo "run directories kept in $T"
fi
exit $code
