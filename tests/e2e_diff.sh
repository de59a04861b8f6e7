#!/bin/bash
# e2e_diff.sh - `assay diff OLD NEW`: regressions first, then improvements,
# then other changes, then test cases only one run has, each in NEW's
# order; exit 1 on a regression, 0 without, 2 for an unreadable report;
# the same in JSON; and on two real runs of the reference device's forms.
set -u
A=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-diff-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

mkdir -p "$T/old" "$T/new"
cat >"$T/old/report.json" <<'J'
{"result": "FAIL", "test_cases": [
 {"id": "5.1-1-1", "verdict": "PASS", "reason": "ok", "units": [{"unit": "a", "verdict": "PASS"}]},
 {"id": "5.1-1-2", "verdict": "FAIL", "reason": "telnet open", "units": [{"unit": "a", "verdict": "FAIL"}]},
 {"id": "5.1-2-1", "verdict": "INCONCLUSIVE", "reason": "REVIEW_PENDING: x", "units": []},
 {"id": "5.1-3-1", "verdict": "PASS", "reason": "same", "units": []},
 {"id": "5.1-9-9", "verdict": "PASS", "reason": "gone later", "units": []}]}
J
cat >"$T/new/report.json" <<'J'
{"result": "FAIL", "test_cases": [
 {"id": "5.1-1-1", "verdict": "FAIL", "reason": "a \u001b[31mnew\u001b[0m finding", "units": [{"unit": "a", "verdict": "FAIL"}]},
 {"id": "5.1-1-2", "verdict": "PASS", "reason": "closed", "units": [{"unit": "a", "verdict": "PASS"}]},
 {"id": "5.1-2-1", "verdict": "INCONCLUSIVE", "reason": "REVIEW_PENDING: y", "units": []},
 {"id": "5.1-3-1", "verdict": "PASS", "reason": "same", "units": []},
 {"id": "5.1-4-1", "verdict": "FAIL", "reason": "new test case fails", "units": []}]}
J
out=$("$A" diff "$T/old" "$T/new"); code=$?
[ $code -eq 1 ] && ok "a regression: exit 1" || bad "exit $code: $out"
order=$(grep -E '^(regressions|improvements|changed|only in NEW|only in OLD) \(' <<<"$out" | tr '\n' ' ')
[ "$order" = "regressions (2): improvements (1): changed (1): only in OLD (1): " ] &&
	ok "classes in order: $order" || bad "order: $order"
grep -A2 '^regressions' <<<"$out" | sed -n 2p | grep -q '5.1-1-1 *PASS -> FAIL  \[units a PASS->FAIL\]' &&
	grep -A2 '^regressions' <<<"$out" | sed -n 3p | grep -q '5.1-4-1 *- -> FAIL' &&
	ok "regressions: the worse verdict, then the new test case with a FAIL" || bad "regressions: $out"
grep -q $'\x1b' <<<"$out" && bad "device text reaches the terminal raw" || ok "reasons escaped for the terminal"
grep -q '^unchanged: 1 test case$' <<<"$out" && ok "unchanged counted" || bad "unchanged: $out"
"$A" diff --format json "$T/old" "$T/new" >"$T/d.json"; code=$?
python3 - "$T/d.json" <<'PY' && [ $code -eq 1 ] && ok "JSON: the same, numbers as numbers" || bad "JSON (exit $code)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["regression"] is True and d["unchanged"] == 1
assert [r["id"] for r in d["regressions"]] == ["5.1-1-1", "5.1-4-1"], d["regressions"]
assert [r["id"] for r in d["improvements"]] == ["5.1-1-2"]
assert [r["id"] for r in d["changed"]] == ["5.1-2-1"] and [r["id"] for r in d["removed"]] == ["5.1-9-9"]
PY
"$A" diff "$T/new" "$T/new" >/dev/null; code=$?
[ $code -eq 0 ] && ok "the same run: exit 0" || bad "same run: exit $code"
"$A" diff "$T/new" "$T/old" >/dev/null; code=$?
[ $code -eq 1 ] && ok "the other way round has its own regression (5.1-1-2): exit 1" || bad "reverse: exit $code"
echo '{"test_cases": 5}' >"$T/old/report.json"
"$A" diff "$T/old" "$T/new" >/dev/null 2>"$T/err"; code=$?
[ $code -eq 2 ] && grep -q "not an Assay report" "$T/err" && ok "not a report: exit 2" || bad "bad report: exit $code"
"$A" diff "$T/none" "$T/new" >/dev/null 2>&1; code=$?
[ $code -eq 2 ] && ok "no report.json: exit 2" || bad "missing: exit $code"
"$A" diff "$T/new" >/dev/null 2>&1; code=$?
[ $code -eq 2 ] && ok "one directory: usage, exit 2" || bad "usage: exit $code"
# Two real runs of the same forms (reports only, no device): no change.
for r in r1 r2; do
	"$A" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
		--setup "$SRC/setup/examples/smart-camera.xml" --out "$T/$r" \
		--catalogue "$SRC/tests/data/catalogue-report" -q >/dev/null 2>&1
done
out=$("$A" diff "$T/r1" "$T/r2"); code=$?
[ $code -eq 0 ] && ! grep -q '^regressions' <<<"$out" && ok "two runs of the same forms: no regression" ||
	bad "two runs: exit $code: $out"
[ $fails -eq 0 ]
