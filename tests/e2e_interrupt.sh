#!/bin/bash
# Interrupting a run (issue 11 defect 1): the first SIGTERM (what `timeout`
# sends) or Ctrl-C says so at once, stops the running test cases instead
# of waiting for them, writes the report of what is done (INCOMPLETE,
# exit 3), and --resume then finishes the run.
set -u
. "$(dirname "$0")/own_netns.sh"
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-intr-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
args=(--ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml"
	--setup "$SRC/setup/examples/smart-camera.xml" --out "$T/r"
	--catalogue "$SRC/tests/data/catalogue-slow" -q)

t0=$(date +%s%N)
timeout --preserve-status -s TERM 2 "$BIN" run "${args[@]}" >"$T/out" 2>"$T/err"
code=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
# 3, or 1 where a provision the ICS decides already fails: never 0.
[ $code -eq 3 ] || [ $code -eq 1 ] && ok "SIGTERM: exit $code" || bad "SIGTERM: exit $code: $(tail -3 "$T/err")"
[ $ms -lt 6000 ] && ok "stopped in ${ms} ms (the test case would take 8 s)" || bad "took ${ms} ms"
grep -q "assay: interrupted: stopping the running test cases" "$T/err" &&
	ok "says so at once" || bad "no interruption message: $(cat "$T/err")"
python3 - "$T/r/report.json" <<'PY' && ok "report: not complete, interrupted, the test case not run" || bad "report"
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["id"]: x for x in r["test_cases"]}["5.6-1-1"]
ok = r["result"] in ("INCOMPLETE", "FAIL") and r.get("complete") is False \
    and "interrupted" in t["reason"] and t["verdict"] != "PASS"
print(r["result"], t["verdict"], t["reason"]) if not ok else None
sys.exit(0 if ok else 1)
PY
# The hint is the whole command, runnable as it is: nothing to retype.
hint=$(sed -n 's/.*finish with: //p' "$T/err" | head -1)
case "$hint" in
"assay run --resume --ics "*"--out $T/r "*) ok "the hint is the full command: $hint" ;;
*) bad "resume hint is not the full command: $hint" ;;
esac
eval "\"\$BIN\" ${hint#assay }" >"$T/out2" 2>"$T/err2"
code=$?
python3 - "$T/r/report.json" <<'PY' && ok "--resume finishes it" || bad "resume: exit $code $(tail -3 "$T/err2")"
import json, sys
r = json.load(open(sys.argv[1]))
t = {x["id"]: x for x in r["test_cases"]}["5.6-1-1"]
sys.exit(0 if t["verdict"] == "PASS" else 1)
PY
[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
