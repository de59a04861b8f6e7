#!/bin/bash
# The probe-binding and unit contract through `assay run` (docs/probes.md):
# a test case that calls a probe with a bad argument is ERROR naming the
# probe; one whose target does not answer judges the reason; every probe
# raises for an unknown option; units recorded several times per letter
# are settled in C, worst per letter, with the reasons at that level.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
ICS=$SRC/ics/examples/smart-camera.xml
IXIT=$SRC/ixit/examples/smart-camera.xml
SETUP=$SRC/setup/examples/smart-camera.xml
T=$(mktemp -d /tmp/assay-e2e-contract-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --out "$T/r" \
	--catalogue "$SRC/tests/data/catalogue-contract" -j2 -q >"$T/out" 2>"$T/err"
code=$?
[ $code -eq 3 ] && ok "contract catalogue exits 3 (INCOMPLETE)" || bad "exit $code: $(tail -5 "$T/err")"
python3 - "$T/r/report.json" <<'PY' && ok "bad arguments are ERROR, outcomes are values, units settle in C" || bad "contract verdicts"
import json, sys
r = {t["id"]: t for t in json.load(open(sys.argv[1]))["test_cases"]}
expect = {
    "5.6-1-1": ("ERROR", "banner: a table of options expected"),
    "5.6-1-2": ("INCONCLUSIVE", "DUT_UNREACHABLE: "),
    "5.6-2-2": ("ERROR", 'http_request: unknown option "max_body"'),
    "5.6-2-1": ("INCONCLUSIVE", "unit a: port 443 silent; port 8080 silent | unit b: port 23 silent"),
}
bad = []
for k, (v, why) in expect.items():
    t = r.get(k)
    if t is None or t["verdict"] != v or why not in t["reason"]:
        bad.append("%s: %s" % (k, t and (t["verdict"], t["reason"][:300])))
units = {u.get("unit", u.get("id")): (u["verdict"], u["reason"]) for u in r["5.6-2-1"]["units"]}
if units != {"a": ("INCONCLUSIVE", "port 443 silent; port 8080 silent"),
             "b": ("INCONCLUSIVE", "port 23 silent")}:
    bad.append("5.6-2-1 units: %r" % (units,))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
grep -q "probes raised" "$T/r/evidence/5.6-2-2/transcript.txt" 2>/dev/null &&
	ok "5.6-2-2 checked every probe before its uncaught error" || bad "5.6-2-2 transcript"
[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
