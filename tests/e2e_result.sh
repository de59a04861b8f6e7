#!/bin/bash
# The overall result and the decision rule (docs/verdicts.md), end to end,
# on tests/data/ics-result.xml (20 applicable provisions, 25 recommendations
# declared N, the rest N/A) and tests/data/catalogue-result (one test case
# per applicable provision; its verdict comes from the provision's ICS
# detail: "want:fail", "want:inconclusive", "want:error", else PASS):
#  1. every applicable provision passes: PASS, exit 0, in every format;
#  2. a mandatory provision declared N: FAIL, exit 1, no test needed;
#  3. provisions without a test case: INCOMPLETE, exit 3, with the count;
#  4. FAIL and ERROR together: FAIL, exit 1;
#  5. INCONCLUSIVE only: INCOMPLETE, exit 3;
#  6. --only, all passing: INCOMPLETE, exit 3, scope stated, the rest
#     "not in scope"; a partly selected provision is not assessed;
#  6b. an interrupted run: INCOMPLETE, exit 3;
#  7. NOT FULFILLED is its own value in json, xml, html, junit and verify;
#  8. exclusive test cases never overlap, the others run in parallel;
#     tagged test cases start first;
#     a bad exclusive tag is a catalogue error (exit 2).
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
ICS=$SRC/tests/data/ics-result.xml
IXIT=$SRC/tests/data/ixit-result.xml
SETUP=$SRC/tests/data/setup-result.xml
CAT=$SRC/tests/data/catalogue-result
T=$(mktemp -d /tmp/assay-e2e-result-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# An ICS with one provision's support and detail replaced: ics_with ID SUPPORT DETAIL...
ics_with() {
	local out=$1; shift
	cp "$ICS" "$out"
	while [ $# -ge 3 ]; do
		sed -i "s|<provision id=\"$1\" support=\"[^\"]*\"><detail>[^<]*</detail>|<provision id=\"$1\" support=\"$2\"><detail>$3</detail>|" "$out"
		shift 3
	done
}

# run NAME EXPECTED-EXIT ARGS...: runs assay, checks the exit code and the
# schemas of report.xml and junit.xml.
run() {
	local name=$1 want=$2 code; shift 2
	"$BIN" run --ixit "$IXIT" --setup "$SETUP" --out "$T/$name" -j2 "$@" >"$T/$name.out" 2>"$T/$name.err"
	code=$?
	[ $code -eq "$want" ] && ok "$name: exit $want" ||
		bad "$name: exit $code, expected $want: $(tail -3 "$T/$name.err")"
	xmllint --noout --schema "$SRC/reports/report.xsd" "$T/$name/report.xml" 2>"$T/x" ||
		bad "$name: report.xml invalid: $(head -3 "$T/x")"
	xmllint --noout --schema "$SRC/tests/data/junit.xsd" "$T/$name/junit.xml" 2>"$T/x" ||
		bad "$name: junit.xml invalid: $(head -3 "$T/x")"
}

# check NAME RESULT PYTHON-ASSERTIONS: r = report.json, x = report.xml
# summary attributes, j = junit "overall" properties, jc = junit testcases
# of that suite by name, out = console output, html = report.html.
check() {
	local name=$1 what=$2
	python3 - "$T/$name" <<PY && ok "$name: $what" || bad "$name: $what"
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
ns = {"r": "urn:assay:report:1"}
xr = ET.parse(d + "/report.xml").getroot()
x = xr.find("r:summary", ns).attrib
xp = {p.get("id"): p for p in xr.iterfind("r:provisions/r:provision", ns)}
ju = ET.parse(d + "/junit.xml").getroot()
suite = [s for s in ju.iter("testsuite") if s.get("name") == "overall"][0]
j = {p.get("name"): p.get("value") for p in suite.iter("property")}
jc = {c.get("name"): c for c in suite.iter("testcase")}
out = open(d + ".out").read()
html = open(d + "/report.html").read()
p = {q["id"]: q for q in r["provisions"]}
$3
PY
}

# --- 1. every applicable provision passes -----------------------------------
"$BIN" keygen --out "$T/lab" --subject "/CN=Assay e2e result" >/dev/null || bad keygen
run pass 0 --ics "$ICS" --catalogue "$CAT" --lab "E2E lab" --customer "E2E customer" --authorised-by "E2E Manager" --sign-key "$T/lab/key.pem" --sign-cert "$T/lab/cert.pem"
check pass "PASS in json, xml, junit, html and the console" '
assert r["result"] == "PASS" and r["summary"]["result"] == "PASS", r["summary"]
assert r["summary"]["applicable"] == 20 and r["summary"]["assessed"] == 20
assert r["scope"]["kind"] == "full" and r["scope"]["provisions_not_in_scope"] == []
assert r["decision_rule"]["id"] == "assay-decision-rule-1" and "INCOMPLETE" in r["decision_rule"]["text"]
assert x["result"] == "PASS" and x["scope"] == "full", x
assert xr.find("r:decision-rule", ns).get("id") == "assay-decision-rule-1"
assert j["result"] == "PASS" and j["decision_rule"] == "assay-decision-rule-1", j
assert len(list(jc["overall result"])) == 0
assert "Overall: PASS — assessed 20 of 20 applicable provisions; all passed" in out, out
assert "class=\"banner pass\"" in html and "assay-decision-rule-1" in html
assert "No test case failed" not in html
# docs/verdicts.md quotes the rule word for word.
assert r["decision_rule"]["text"] in open("'"$SRC"'/docs/verdicts.md").read()
'
"$BIN" verify "$T/pass" --cert "$T/lab/cert.pem" >"$T/verify-pass" 2>&1 &&
	grep -q '^result:    PASS — assessed 20 of 20' "$T/verify-pass" &&
	grep -q '^scope:     full$' "$T/verify-pass" &&
	grep -q '20 applicable, 20 assessed, 0 failed, 25 NOT FULFILLED' "$T/verify-pass" &&
	ok "pass: assay verify prints the signed result, scope and NOT FULFILLED count" ||
	bad "pass: verify: $(cat "$T/verify-pass")"
# A PASS whose report was asked to be signed and could not be (OpenSSL 3.0
# makes no CMS signature with Ed25519, docs/sign.md) is no PASS: exit 3.
"$BIN" keygen --out "$T/lab-ed" --type ed25519 --subject "/CN=Assay e2e Ed" >/dev/null 2>&1 || bad "keygen ed25519"
run pass-unsigned 3 --ics "$ICS" --catalogue "$CAT" --lab "E2E lab" --customer "E2E customer" --authorised-by "E2E Manager" --sign-key "$T/lab-ed/key.pem" --sign-cert "$T/lab-ed/cert.pem"
grep -q "the report is not signed" "$T/pass-unsigned.err" && [ ! -e "$T/pass-unsigned/report.p7s" ] &&
	ok "pass-unsigned: says the report is not signed, writes no signature" ||
	bad "pass-unsigned: $(tail -3 "$T/pass-unsigned.err")"
"$BIN" verify --format json "$T/pass" --cert "$T/lab/cert.pem" >"$T/verify-pass.json" 2>/dev/null
python3 -c "
import json; v = json.load(open('$T/verify-pass.json'))['report']
assert v['result'] == 'PASS' and v['scope'] == 'full' and v['not_fulfilled'] == 25, v" &&
	ok "pass: assay verify --format json has result, scope, not-fulfilled" || bad "pass: verify json"

# --- 2. a mandatory provision declared N --------------------------------------
ics_with "$T/ics-n.xml" 5.1-3 N "No best-practice cryptography."
run declared-n 1 --ics "$T/ics-n.xml" --catalogue "$CAT"
check declared-n "ICS_DECLARED_NOT_SUPPORTED is FAIL everywhere" '
assert r["result"] == "FAIL" and r["summary"]["failed"] == 1, r["summary"]
assert p["5.1-3"]["verdict"] == "FAIL" and p["5.1-3"]["applicable"] is True
assert "ICS_DECLARED_NOT_SUPPORTED" in p["5.1-3"]["reason"]
assert x["result"] == "FAIL"
f = jc["5.1-3"].find("failure")
assert f is not None and "ICS_DECLARED_NOT_SUPPORTED" in f.get("message"), f
assert jc["overall result"].find("failure") is not None
assert "Overall: FAIL" in out and "FAIL  5.1-3" in out, out
assert "class=\"banner fail\"" in html and "(declared in the ICS)" in html
'

# --- 3. provisions without a test case ---------------------------------------
mkdir -p "$T/cat-partial" && cp "$CAT"/*.lua "$T/cat-partial/" && rm "$T/cat-partial/5.13-1.lua" "$T/cat-partial/6-3.lua"
run not-assessed 3 --ics "$ICS" --catalogue "$T/cat-partial"
check not-assessed "INCOMPLETE with 18 of 20 assessed" '
assert r["result"] == "INCOMPLETE", r["summary"]
assert r["summary"]["assessed"] == 18 and r["summary"]["applicable"] == 20
assert p["6-3"]["verdict"] == "NONE" and "not assessed" in p["6-3"]["reason"]
assert "Overall: INCOMPLETE — assessed 18 of 20 applicable provisions" in out and "2 not assessed" in out, out
assert "No test case failed" not in out
assert x["result"] == "INCOMPLETE" and x["assessed"] == "18"
assert jc["overall result"].find("error") is not None
'

# --- 4. FAIL and ERROR together -----------------------------------------------
ics_with "$T/ics-fe.xml" 5.1-3 Y "want:fail" 5.2-1 Y "want:error"
run fail-error 1 --ics "$T/ics-fe.xml" --catalogue "$CAT"
check fail-error "FAIL wins the overall result over ERROR" '
assert r["result"] == "FAIL" and r["summary"]["test_case_verdict"] == "ERROR", r["summary"]
assert p["5.1-3"]["verdict"] == "FAIL" and p["5.2-1"]["verdict"] == "ERROR"
'

# --- 5. INCONCLUSIVE only -------------------------------------------------------
ics_with "$T/ics-inc.xml" 5.1-3 Y "want:inconclusive"
run inconclusive 3 --ics "$T/ics-inc.xml" --catalogue "$CAT"
check inconclusive "INCONCLUSIVE makes the run INCOMPLETE" '
assert r["result"] == "INCOMPLETE" and r["summary"]["assessed"] == 19, r["summary"]
assert "1 INCONCLUSIVE" in out, out
'

# --- 6. --only, all passing -----------------------------------------------------
run only 3 --ics "$ICS" --catalogue "$CAT" --only 5.1-3 --only 5.2-1-1
check only "a partial run is at best INCOMPLETE and states its scope" '
assert r["result"] == "INCOMPLETE", r["summary"]
assert r["scope"]["kind"] == "partial" and r["scope"]["only"] == ["5.1-3", "5.2-1-1"], r["scope"]
assert len(r["scope"]["provisions_not_in_scope"]) == 18, r["scope"]
assert p["5.4-1"]["verdict"] == "NOT IN SCOPE" and p["5.4-1"]["in_scope"] is False
assert p["5.1-3"]["verdict"] == "PASS" and p["5.2-2"]["verdict"] == "NOT FULFILLED"
assert r["summary"]["applicable"] == 2 and r["summary"]["assessed"] == 2
assert "all 2 provisions in scope passed" in r["summary"]["result_text"]
assert "18 provisions not in scope" in out and "scope:       partial: --only 5.1-3 5.2-1-1" in out, out
assert x["scope"] == "partial" and xr.find("r:scope", ns).get("only") == "5.1-3 5.2-1-1"
assert xp["5.4-1"].get("verdict") == "NOT IN SCOPE" and xp["5.4-1"].get("in-scope") == "false"
assert j["scope"] == "partial" and j["result"] == "INCOMPLETE"
assert jc["5.4-1"].find("skipped").get("type") == "NOT IN SCOPE"
assert "NOT IN SCOPE" in html
'
# A provision only some of whose test cases were selected is not assessed.
run partly 3 --ics "$SRC/ics/examples/smart-camera.xml" --catalogue "$SRC/tests/data/catalogue-exclusive" --only 5.1-5-1
check partly "a partly selected provision is not assessed, never PASS" '
assert p["5.1-5"]["verdict"] == "NONE" and "1 of its 2 test cases" in p["5.1-5"]["reason"], p["5.1-5"]
assert p["5.1-1"]["verdict"] == "NOT IN SCOPE" and r["result"] == "INCOMPLETE"
assert r["summary"]["assessed"] == 0 and r["summary"]["applicable"] == 1, r["summary"]
'
# A partial run with a FAIL in scope is FAIL.
ics_with "$T/ics-of.xml" 5.1-3 Y "want:fail"
run only-fail 1 --ics "$T/ics-of.xml" --catalogue "$CAT" --only 5.1-3
check only-fail "a FAIL in scope is FAIL" 'assert r["result"] == "FAIL"'

# --- 6b. an interrupted run (one Ctrl-C: finish the running, start no more)
"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$IXIT" --setup "$SETUP" --out "$T/intr" --catalogue "$SRC/tests/data/catalogue-slow" -j1 >"$T/intr.out" 2>"$T/intr.err" &
pid=$!
for _ in $(seq 1 200); do
	n=$(grep -c ' done ' "$T/intr/journal" 2>/dev/null)
	[ "${n:-0}" -ge 1 ] && break
	sleep 0.05
done
kill -INT $pid; wait $pid; code=$?
python3 - "$T/intr/report.json" <<'PY' && [ $code -eq 3 ] && grep -q "the run was interrupted" "$T/intr.out" &&
import json, sys
r = json.load(open(sys.argv[1]))
assert r["complete"] is False and r["result"] == "INCOMPLETE", r["summary"]
assert "the run was interrupted" in r["summary"]["result_text"]
PY
	ok "interrupted: INCOMPLETE, exit 3, said so" || bad "interrupted run: exit $code: $(tail -3 "$T/intr.err")"

# --- 7. NOT FULFILLED, its own value everywhere -----------------------------
check pass "NOT FULFILLED in json, xml, html, junit, console" '
assert p["5.2-2"]["verdict"] == "NOT FULFILLED" and p["5.2-2"]["applicable"] is False
assert r["summary"]["not_fulfilled"] == 25 and r["summary"]["provisions"]["not_fulfilled"] == 25
assert r["summary"]["provisions"]["not_applicable"] == 23
assert xp["5.2-2"].get("verdict") == "NOT FULFILLED"
assert xr.find("r:summary/r:provisions", ns).get("not-fulfilled") == "25"
assert "class=\"nf\">NOT FULFILLED" in html
assert jc["5.2-2"].find("skipped").get("type") == "NOT FULFILLED"
assert j["not_fulfilled"] == "25"
assert "25 recommendations declared not fulfilled" in out and "NOT FULFILLED 5.2-2" in out
'

# --- 8. exclusive test cases ------------------------------------------------------
run exclusive 3 --ics "$SRC/ics/examples/smart-camera.xml" --catalogue "$SRC/tests/data/catalogue-exclusive"
python3 - "$T/exclusive/report.json" <<'PY' && ok "exclusive: same-tag test cases never overlap, others run in parallel" || bad "exclusive scheduling"
import json, sys
r = {t["id"]: t for t in json.load(open(sys.argv[1]))["test_cases"]}
iv = {}
for k in ("5.1-1-1", "5.1-1-2", "5.1-5-1", "5.1-5-2"):
    f = dict(w.split("=") for w in r[k]["reason"].split() if "=" in w)
    iv[k] = (int(f["start"]), int(f["end"]))
def overlap(a, b):
    return iv[a][0] < iv[b][1] and iv[b][0] < iv[a][1]
assert not overlap("5.1-1-1", "5.1-1-2"), iv      # tag "credentials"
assert overlap("5.1-1-1", "5.1-5-1"), iv          # no tag: parallel with -j2
PY
# Tagged test cases start first (their chain is the least a run takes),
# each tag's in queue order; untagged ones follow in queue order, even
# one (4-1-1) that comes first in the queue.
mkdir -p "$T/cat-order"
cp "$SRC"/tests/data/catalogue-exclusive/*.lua "$T/cat-order/"
cat > "$T/cat-order/4-1.lua" <<'EOF'
group "4-1"
testcase { id = "4-1-1", units = { a = { criterion = "Unit a of this test catalogue (tests/e2e_result.sh).", decided = "facts" } }, type = "conceptual", purpose = "records when it ran",
  run = function(a) local t0 = a.now_ms() a.sleep(100) return pass("start=" .. t0 .. " end=" .. a.now_ms()) end }
EOF
run order 3 --ics "$SRC/ics/examples/smart-camera.xml" --catalogue "$T/cat-order" -j1
python3 - "$T/order/report.json" <<'PY' && ok "exclusive: tagged test cases start first, then the others in queue order" || bad "tagged-first order"
import json, sys
r = {t["id"]: t for t in json.load(open(sys.argv[1]))["test_cases"]}
start = {k: int(dict(w.split("=") for w in r[k]["reason"].split() if "=" in w)["start"])
         for k in ("4-1-1", "5.1-1-1", "5.1-1-2", "5.1-5-1", "5.1-5-2")}
order = sorted(start, key=start.get)
assert order == ["5.1-1-1", "5.1-1-2", "4-1-1", "5.1-5-1", "5.1-5-2"], (order, start)
PY
mkdir -p "$T/cat-badtag"
cat > "$T/cat-badtag/5.1-1.lua" <<'EOF'
group "5.1-1"
testcase { id = "5.1-1-1", type = "conceptual", purpose = "bad tag", exclusive = "Bad Tag",
  run = function(a) return pass("x") end }
EOF
"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --out "$T/badtag" --catalogue "$T/cat-badtag" >/dev/null 2>"$T/badtag.err"
[ $? -eq 2 ] && [ ! -e "$T/badtag" ] && grep -q "5.1-1.lua:[0-9]*: .*exclusive must be" "$T/badtag.err" &&
	ok "a bad exclusive tag is a catalogue error: exit 2" || bad "bad exclusive tag: $(cat "$T/badtag.err")"

echo "$fails failure(s)"
[ $fails -eq 0 ]
