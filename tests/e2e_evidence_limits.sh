#!/bin/bash
# Evidence a test case writes is bounded (issue 11 defect 6): a name with a
# NUL byte raises (ERROR) and writes nothing; artefacts stop at the
# per-test-case cap (64 MiB) with a named reason, and the run's evidence
# directory stays within it.
set -u
. "$(dirname "$0")/own_netns.sh"
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-evlim-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" \
	--ixit "$SRC/ixit/examples/smart-camera.xml" \
	--setup "$SRC/setup/examples/smart-camera.xml" --out "$T/r" \
	--catalogue "$SRC/tests/data/catalogue-evidence" -j1 -q >"$T/out" 2>"$T/err"
code=$?
[ $code -eq 3 ] && ok "exit 3" || bad "exit $code: $(tail -3 "$T/err")"
python3 - "$T/r/report.json" <<'PY' && ok "NUL name is ERROR; the cap refuses with a reason" || bad "verdicts"
import json, sys
r = {t["id"]: t for t in json.load(open(sys.argv[1]))["test_cases"]}
bad = []
a, b = r["5.6-1-1"], r["5.6-1-2"]
if a["verdict"] != "ERROR" or "NUL byte" not in a["reason"]:
    bad.append("5.6-1-1: %s %s" % (a["verdict"], a["reason"][:200]))
if b["verdict"] != "INCONCLUSIVE" or "refused after 4 artefacts" not in b["reason"] \
        or "over the artefact cap (16 MiB a file, 64 MiB a test case" not in b["reason"]:
    bad.append("5.6-1-2: %s %s" % (b["verdict"], b["reason"][:200]))
for x in bad:
    print(x)
sys.exit(1 if bad else 0)
PY
[ ! -e "$T/r/evidence/5.6-1-1/a" ] && ok "no file named by the prefix" || bad "file 'a' written"
used=$(du -sm "$T/r/evidence" | cut -f1)
[ "$used" -le 66 ] && ok "evidence holds ${used} MiB (cap 64 MiB per test case)" || bad "evidence holds ${used} MiB"
[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
