#!/bin/bash
# e2e_profiles.sh - profiles and tailoring (profiles/README.md), end to end
# on tests/data/ics-result.xml with tests/data/catalogue-result (one test
# case per applicable provision; its verdict from the ICS detail):
#  1. the profile files are what profiles/generate.py makes of spec/;
#  2. each profile selects exactly the provisions its source defines
#     (spec CSVs), in a real run, and decides over those only;
#  3. one run restated under every profile (`assay report`): same
#     verdicts, own ids, the source directory untouched, both schemas;
#  4. uk-psti: the statement section; v3.1.3: never a complete PASS;
#     ts103645: its own ids, worst of the mapped provisions;
#  5. a view of a narrower run says what the run did not assess;
#  6. tailoring: each justification reaches json, xml and html; every
#     misuse is a form error with file and line (exit 2, nothing run);
#  7. usage errors of --profile and `assay report`.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
ICS=$SRC/tests/data/ics-result.xml
IXIT=$SRC/tests/data/ixit-result.xml
SETUP=$SRC/tests/data/setup-result.xml
CAT=$SRC/tests/data/catalogue-result
T=$(mktemp -d /tmp/assay-e2e-profiles-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# run NAME EXPECTED-EXIT ARGS...
run() {
	local name=$1 want=$2 code; shift 2
	"$BIN" run --ixit "$IXIT" --setup "$SETUP" --out "$T/$name" -j2 "$@" >"$T/$name.out" 2>"$T/$name.err"
	code=$?
	[ $code -eq "$want" ] && ok "$name: exit $want" ||
		bad "$name: exit $code, expected $want: $(tail -3 "$T/$name.err")"
}

# valid DIR: report.xml against report.xsd, report.json against its schema.
valid() {
	xmllint --noout --schema "$SRC/reports/report.xsd" "$1/report.xml" 2>"$T/x" ||
		bad "$1: report.xml invalid: $(head -3 "$T/x")"
	python3 - "$1/report.json" "$SRC/reports/report.schema.json" <<'PY' || bad "$1: report.json invalid"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
PY
}

# --- 1. generated from spec/ ------------------------------------------------
python3 "$SRC/profiles/generate.py" --check && ok "profiles/*.xml match the spec data" ||
	bad "profiles/*.xml differ from what generate.py makes of spec/"
for f in "$SRC"/profiles/*.xml; do
	xmllint --noout --schema "$SRC/profiles/profile.xsd" "$f" 2>/dev/null || bad "$f: invalid"
done

# The provisions each profile must select, from the spec CSVs alone.
python3 - "$SRC/spec" >"$T/expected.json" <<'PY'
import csv, json, sys
d = sys.argv[1]
rows = lambda f: list(csv.DictReader(open(d + "/" + f, newline="", encoding="utf-8")))
v2 = [r["id"] for r in rows("en303645_v2.1.1_provisions.csv")]
exp = {"en303645-v2.1.1": {"items": v2, "provisions": v2}}
for r in rows("profiles.csv"):
    e = exp.setdefault(r["profile"], {"items": [], "provisions": []})
    e["items"].append(r["provision_id"]); e["provisions"].append(r["provision_id"])
v3 = rows("en303645_v3.1.3_provisions.csv")
own = {r["test_group"] for r in rows("assay_v3.1.3_test_cases.csv")}
# New or split in V3.1.3: assessed by its own id once Assay has a test case for it.
exp["en303645-v3.1.3"] = {"items": [r["id"] for r in v3],
    "provisions": [r["v2_id"] for r in v3 if r["change"] in ("same", "modified")] +
        [r["id"] for r in v3 if r["change"] in ("new", "split") and r["id"] in own],
    "extras": [r["id"] for r in v3 if r["change"] in ("new", "split") and r["id"] in own],
    "not_assessed": [r["id"] for r in v3 if r["change"] in ("new", "split") and r["id"] not in own]}
ts = rows("ts103645_v1.1.1_mapping.csv")
exp["ts103645-v1.1.1"] = {"items": [r["ts_v1_id"] for r in ts],
    "provisions": [p for r in ts for p in r["en_v2_ids"].split()]}
json.dump(exp, sys.stdout)
PY
"$BIN" list --profiles --format json >"$T/profiles.json" || bad "list --profiles"
python3 - "$T/profiles.json" "$T/expected.json" <<'PY' && ok "list --profiles: every profile of the spec data, the default marked" || bad "list --profiles"
import json, sys
got = {p["id"]: p for p in json.load(open(sys.argv[1]))}
exp = json.load(open(sys.argv[2]))
want = set(exp) | {"uk-psti", "fi-cybersecurity-label", "sg-cls-1", "sg-cls-2"}
assert want <= set(got), (sorted(want - set(got)))
for k, e in exp.items():
    assert got[k]["items"] == len(e["items"]), (k, got[k]["items"], len(e["items"]))
assert got["en303645-v2.1.1"]["default"] and got["uk-psti"]["statement"]
assert got["en303645-v3.1.3"]["items_assessed"] == 62 + len(exp["en303645-v3.1.3"]["extras"])
PY

# --- 2. each profile in a real run -----------------------------------------
for p in $(python3 -c "import json,sys; print(' '.join(json.load(open('$T/expected.json'))))"); do
	"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --catalogue "$CAT" --out "$T/run-$p" --profile "$p" -j2 >"$T/run-$p.out" 2>"$T/run-$p.err"
	echo $? >"$T/run-$p.code"
	python3 - "$T/run-$p" "$T/expected.json" "$p" "$(cat "$T/run-$p.code")" <<'PY' && ok "run --profile $p: selects exactly its provisions, decides over them" || bad "run --profile $p: $(tail -2 "$T/run-$p.err")"
import json, sys
d, exp, p, code = sys.argv[1], json.load(open(sys.argv[2]))[sys.argv[3]], sys.argv[3], int(sys.argv[4])
r = json.load(open(d + "/report.json"))
inp = {q["id"] for q in r["provisions"] if q["verdict"] != "NOT IN PROFILE"}
assert inp == set(exp["provisions"]), (sorted(inp ^ set(exp["provisions"])))
assert [i["id"] for i in r["profile"]["items"]] == exp["items"]
extras = set(exp.get("extras", []))
assert r["profile"]["id"] == p and r["summary"]["not_in_profile"] == 68 - len(inp - extras)
# An extra (new or split in V3.1.3) is listed only where the profile has it.
listed = [q["id"] for q in r["provisions"]]
assert len(listed) == 68 + len(extras) and set(listed) >= extras, listed[68:]
assert {q["id"] for q in r["provisions"] if q.get("assay_defined")} == extras
# This ICS declares none of them: applicable, not assessed, named.
pr = {q["id"]: q for q in r["provisions"]}
it = {i["id"]: i for i in r["profile"]["items"]}
for n in extras:
    assert pr[n]["verdict"] == "NONE" and pr[n]["reason"].startswith("not assessed: the ICS does not declare EN 303 645 V3.1.3 provision " + n), pr[n]
    assert it[n]["verdict"] == "NONE", it[n]
# Only test cases of its provisions ran.
ran = {t["group"] for t in r["test_cases"] if t["ran"]}
assert ran <= inp, sorted(ran - inp)
items = {i["id"]: i for i in r["profile"]["items"]}
for n in exp.get("not_assessed", []):
    assert items[n]["verdict"] == "NONE" and items[n]["reason"].startswith("not assessed"), items[n]
# Every provision of this ICS passes: a complete PASS unless an item has no test case.
want = "INCOMPLETE" if exp.get("not_assessed") or extras else "PASS"
assert r["result"] == want and code == {"PASS": 0, "INCOMPLETE": 3}[want], (r["result"], code)
PY
done
valid "$T/run-uk-psti"
valid "$T/run-en303645-v3.1.3"

# A FAIL outside the profile does not count; inside it does.
sed 's|<provision id="5.5-1" support="Y"><detail>[^<]*</detail>|<provision id="5.5-1" support="Y"><detail>want:fail</detail>|' "$ICS" >"$T/ics-551.xml"
run psti-outside 0 --ics "$T/ics-551.xml" --catalogue "$CAT" --profile uk-psti
run full-551 1 --ics "$T/ics-551.xml" --catalogue "$CAT"
sed 's|<provision id="5.3-13" support="Y"><detail>[^<]*</detail>|<provision id="5.3-13" support="Y"><detail>want:fail</detail>|' "$ICS" >"$T/ics-5313.xml"
run psti-inside 1 --ics "$T/ics-5313.xml" --catalogue "$CAT" --profile uk-psti
python3 - "$T/psti-inside" <<'PY' && ok "uk-psti: the item of Schedule 1 para 3 FAILs with its reason" || bad "uk-psti inside"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
it = {i["id"]: i for i in r["profile"]["items"]}
assert it["5.3-13"]["verdict"] == "FAIL" and it["5.3-13"]["reason"].startswith("5.3-13: "), it["5.3-13"]
assert "Schedule 1 para 3" in it["5.3-13"]["ref"]
f = {x["label"]: x["value"] for x in r["profile"]["statement"]["fields"]}
assert f["Schedule 1 para 3; deemed compliance: Schedule 2 para 3 (EN 303 645 5.3-13)"].startswith("FAIL")
PY

# --- 3. one run, every view ---------------------------------------------------
run full 0 --ics "$ICS" --catalogue "$CAT"
(cd "$T/full" && find . -type f | sort | xargs sha256sum) >"$T/full.sums"
for p in $(python3 -c "import json,sys; print(' '.join(json.load(open('$T/expected.json'))))"); do
	"$BIN" report "$T/full" --profile "$p" --catalogue "$CAT" >"$T/view-$p.out" 2>"$T/view-$p.err"
	code=$?
	python3 - "$T/full" "$T/full.$p" "$p" "$code" <<'PY' && ok "report --profile $p: the run restated, same verdicts" || bad "report --profile $p (exit $code): $(tail -2 "$T/view-$p.err")"
import json, sys
src, view, p, code = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
a = json.load(open(src + "/report.json")); b = json.load(open(view + "/report.json"))
assert b["profile"]["id"] == p and b["profile"]["view_of"] == a["report_id"]
assert b["report_id"] == a["report_id"] + "-" + p
pa = {q["id"]: q for q in a["provisions"]}
for q in b["provisions"]:
    if q.get("assay_defined"):
        # Not part of the (default) source run: the view's own ICS decision.
        assert q["id"] not in pa and q["verdict"] == "NONE", q
    elif q["verdict"] != "NOT IN PROFILE":
        assert q["verdict"] == pa[q["id"]]["verdict"] and q["reason"] == pa[q["id"]]["reason"], q["id"]
ta = {t["id"]: t for t in a["test_cases"]}
for t in b["test_cases"]:
    if t["ran"]:
        assert t["verdict"] == ta[t["id"]]["verdict"] and t["reason"] == ta[t["id"]]["reason"]
assert code == {"PASS": 0, "FAIL": 1, "INCOMPLETE": 3}[b["result"]]
PY
done
(cd "$T/full" && find . -type f | sort | xargs sha256sum) | cmp -s - "$T/full.sums" &&
	ok "the source run directory is unchanged by every view" || bad "report changed the source run"
valid "$T/full.uk-psti"
valid "$T/full.ts103645-v1.1.1"
grep -q 'id="statement"' "$T/full.uk-psti/report.html" && grep -q 'SI 2025/1267' "$T/full.uk-psti/report.html" &&
	grep -q 'JC-STAR' "$T/full.uk-psti/report.html" &&
	ok "uk-psti view: the statement-of-compliance section, with the 2025 amendment's routes" ||
	bad "uk-psti html statement"
python3 - "$T/full.ts103645-v1.1.1" "$T/full.en303645-v3.1.3" <<'PY' && ok "ts103645 under its own ids; v3.1.3 discloses mapped and missing provisions" || bad "ts/v3 views"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
it = {i["id"]: i for i in r["profile"]["items"]}
assert it["4.3-*"]["provisions"][0] == "5.3-1" and len(it["4.3-*"]["provisions"]) == 16
assert it["4.1-1"]["verdict"] == "NOT APPLICABLE"	# 5.1-1: condition 1 false here
assert it["4.2-1"]["verdict"] == "PASS" and r["result"] == "PASS", (it["4.2-1"], r["result"])
v = json.load(open(sys.argv[2] + "/report.json"))
assert v["result"] == "INCOMPLETE"
kinds = [d["kind"] for d in v["deviations"]]
assert kinds.count("mapped") >= 10 and "6-6" in [i["id"] for i in v["profile"]["items"]]
PY

# --- 4b. the provisions new or split in V3.1.3 (Assay-defined test cases) ----
python3 - "$T/run-en303645-v2.1.1" "$SRC" <<'PY' && ok "a default run lists V2.1.1 only: 68 provisions, TS 103 701's test cases, nothing Assay-defined" || bad "default run lists an extra"
import csv, json, sys, xml.etree.ElementTree as ET
d, src = sys.argv[1], sys.argv[2]
r = json.load(open(d + "/report.json"))
v2 = [x["id"] for x in csv.DictReader(open(src + "/spec/en303645_v2.1.1_provisions.csv"))]
ts = {x["test_case"] for x in csv.DictReader(open(src + "/spec/ts103701_v1.1.1_test_cases.csv"))}
assert [q["id"] for q in r["provisions"]] == v2
assert all(t["id"] in ts for t in r["test_cases"]), [t["id"] for t in r["test_cases"] if t["id"] not in ts]
assert "assay_defined" not in json.dumps(r) and r["summary"]["not_in_profile"] == 0
assert r["scope"]["provisions_not_in_scope"] == []
ns = {"r": "urn:assay:report:1"}
x = ET.parse(d + "/report.xml").getroot()
assert len(x.findall("r:provisions/r:provision", ns)) == 68
assert int(x.find("r:scope", ns).get("provisions-in-scope")) == 68
assert "Assay-defined" not in open(d + "/report.html").read()
PY

# The ICS declares the extras: Y runs their test cases (Assay-defined,
# marked so), N on a mandatory one FAILs, N/A where a feature is absent.
python3 - "$ICS" "$T/ics-v3-Y.xml" "$T/ics-v3-N.xml" <<'PY'
import sys
s = open(sys.argv[1]).read()
y = '    <provision id="5.13-1A" support="Y"/>\n    <provision id="5.13-1B" support="Y"/>\n' + \
    '    <provision id="6-6" support="N/A"><detail>The device processes no personal data.</detail></provision>\n'
open(sys.argv[2], "w").write(s.replace("  </provisions>", y + "  </provisions>"))
n = y.replace('"5.13-1B" support="Y"/>', '"5.13-1B" support="N"><detail>The cloud API takes any input as it is.</detail></provision>')
open(sys.argv[3], "w").write(s.replace("  </provisions>", n + "  </provisions>"))
PY
run v3-declared 3 --ics "$T/ics-v3-Y.xml" --catalogue "$CAT" --profile en303645-v3.1.3
valid "$T/v3-declared"
python3 - "$T/v3-declared" "$T/expected.json" <<'PY' && ok "v3.1.3, extras declared Y: their Assay-defined test cases run and PASS, marked in json, xml and html" || bad "v3 declared"
import json, sys, xml.etree.ElementTree as ET
d, exp = sys.argv[1], json.load(open(sys.argv[2]))["en303645-v3.1.3"]
r = json.load(open(d + "/report.json"))
p = {q["id"]: q for q in r["provisions"]}
t = {x["id"]: x for x in r["test_cases"]}
it = {i["id"]: i for i in r["profile"]["items"]}
for g in ("5.13-1A", "5.13-1B"):
    assert p[g]["verdict"] == "PASS" and p[g]["assay_defined"] and p[g]["edition"] == "3.1.3", p[g]
    assert t[g + "-1"]["ran"] and t[g + "-1"]["verdict"] == "PASS" and t[g + "-1"]["assay_defined"]
    assert it[g]["verdict"] == "PASS" and it[g]["provisions"] == [g], it[g]
assert not t["5.13-1-1"].get("assay_defined")
# 6-6 declared N/A (its feature z absent); the extras this ICS leaves
# undeclared are not assessed, so INCOMPLETE.
assert it["6-6"]["verdict"] == "NOT APPLICABLE" and p["6-6"]["verdict"] == "NOT APPLICABLE", it["6-6"]
assert p["6-3A"]["verdict"] == "NONE" and "does not declare" in p["6-3A"]["reason"]
assert r["result"] == "INCOMPLETE"
ns = {"r": "urn:assay:report:1"}
x = ET.parse(d + "/report.xml").getroot()
xp = {e.get("id"): e for e in x.iterfind("r:provisions/r:provision", ns)}
assert xp["5.13-1A"].get("assay-defined") == "true" and xp["5.13-1A"].get("edition") == "3.1.3"
assert xp["5.13-1"].get("assay-defined") is None
xt = {e.get("id"): e for e in x.iterfind("r:test-cases/r:test-case", ns)}
assert xt["5.13-1B-1"].get("assay-defined") == "true"
h = open(d + "/report.html").read()
assert h.count('data-assay-defined="true"') >= 4, h.count('data-assay-defined="true"')
PY
run v3-declared-N 1 --ics "$T/ics-v3-N.xml" --catalogue "$CAT" --profile en303645-v3.1.3
python3 - "$T/v3-declared-N" <<'PY' && ok "v3.1.3: N on the mandatory extra 5.13-1B FAILs the run" || bad "v3 N"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
p = {q["id"]: q for q in r["provisions"]}
assert p["5.13-1B"]["verdict"] == "FAIL" and "ICS_DECLARED_NOT_SUPPORTED" in p["5.13-1B"]["reason"], p["5.13-1B"]
assert p["5.13-1A"]["verdict"] == "PASS" and r["result"] == "FAIL"
PY
# The same ICS under the default profile: the extras are ignored, the run as before.
run v2-with-extras 0 --ics "$T/ics-v3-N.xml" --catalogue "$CAT"
python3 -c "
import json; r = json.load(open('$T/v2-with-extras/report.json'))
assert len(r['provisions']) == 68 and 'assay_defined' not in json.dumps(r) and r['result'] == 'PASS'" &&
	ok "an ICS declaring extras, default profile: ignored (68 provisions, PASS)" || bad "default with extras"
# ICS mistakes with the extras: exit 2, nothing run.
ics_bad() {
	local name=$1 add=$2 want=$3
	python3 -c "
import sys; s = open(sys.argv[1]).read(); open(sys.argv[2], 'w').write(s.replace('  </provisions>', sys.argv[3] + '\n  </provisions>'))" "$ICS" "$T/$name.xml" "$add"
	"$BIN" run --ics "$T/$name.xml" --ixit "$IXIT" --setup "$SETUP" --catalogue "$CAT" --out "$T/$name" --profile en303645-v3.1.3 >/dev/null 2>"$T/$name.err"
	code=$?
	[ $code -eq 2 ] && grep -q "$want" "$T/$name.err" && [ ! -e "$T/$name/report.json" ] &&
		ok "ICS $name: exit 2: $(grep -m1 "$want" "$T/$name.err")" ||
		bad "ICS $name: exit $code: $(cat "$T/$name.err")"
}
ics_bad extra-twice '<provision id="6-3A" support="Y"/><provision id="6-3A" support="Y"/>' "provision 6-3A listed twice"
ics_bad extra-unknown '<provision id="6-9" support="Y"/>' 'unknown provision "6-9"'
ics_bad extra-na '<provision id="5.13-1A" support="N/A"><detail>No user interface at all.</detail></provision>' "provision 5.13-1A: N/A is only allowed for conditional provisions"

# --- 5. a view of a narrower run ---------------------------------------------
"$BIN" report "$T/psti-outside" --profile sg-cls-2 --out "$T/psti-as-cls2" --catalogue "$CAT" >/dev/null 2>"$T/narrow.err"
code=$?
python3 - "$T/psti-as-cls2" <<'PY' && [ $code -eq 3 ] && ok "a uk-psti run seen as sg-cls-2: the rest not assessed, INCOMPLETE (exit 3)" || bad "narrow view (exit $code): $(tail -2 "$T/narrow.err")"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
p = {q["id"]: q for q in r["provisions"]}
assert p["5.5-1"]["verdict"] == "NONE", p["5.5-1"]
t = {x["id"]: x for x in r["test_cases"]}
assert "outside the scope of run" in t["5.5-1-1"]["reason"], t["5.5-1-1"]
assert r["result"] == "INCOMPLETE"
PY

# --- 6. tailoring -------------------------------------------------------------
cat >"$T/tailor.xml" <<'X'
<tailoring xmlns="urn:assay:tailoring:1" version="1" id="e2e-lab-psti" profile="uk-psti">
  <title>E2E lab tailoring</title>
  <deselect test-case="5.2-1-1">Assessed by the customer's legal team; their letter is attached as external evidence.</deselect>
  <select test-case="5.5-1-1">The customer asked for secure communication to be covered as well.</select>
</tailoring>
X
run tailored 1 --ics "$T/ics-551.xml" --catalogue "$CAT" --profile uk-psti --tailoring "$T/tailor.xml"
valid "$T/tailored"
python3 - "$T/tailored" <<'PY' && ok "tailoring: the added test case runs and counts, the deselected one does not; both justified in json, xml, html" || bad "tailoring"
import json, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
r = json.load(open(d + "/report.json"))
p = {q["id"]: q for q in r["provisions"]}
t = {x["id"]: x for x in r["test_cases"]}
assert p["5.5-1"]["verdict"] == "FAIL" and t["5.5-1-1"]["ran"] and r["result"] == "FAIL"
assert p["5.2-1"]["verdict"] == "NOT IN PROFILE" and not t["5.2-1-1"]["ran"]
assert "deselected by the tailoring: Assessed by the customer" in t["5.2-1-1"]["reason"]
dv = {x["ref"]: x for x in r["deviations"] if x["kind"] == "tailored"}
assert "customer's legal team" in dv["5.2-1-1"]["text"] and "deselected" in dv["5.2-1-1"]["text"]
assert "secure communication" in dv["5.5-1-1"]["text"] and "added" in dv["5.5-1-1"]["text"]
assert r["profile"]["tailoring"]["id"] == "e2e-lab-psti" and len(r["profile"]["tailoring"]["changes"]) == 2
assert "tailored by e2e-lab-psti" in r["scope"]["text"]
ns = {"r": "urn:assay:report:1"}
x = ET.parse(d + "/report.xml").getroot()
assert any(e.get("kind") == "tailored" and "legal team" in e.text for e in x.iterfind("r:deviations/r:deviation", ns))
html = open(d + "/report.html").read()
assert "legal team" in html and "Tailored by the laboratory" in html
assert open(d + "/forms/tailoring.xml").read().count("select") >= 2
PY
# The review path rebuilds the run with its own tailoring (forms/).
"$BIN" report "$T/tailored" --profile uk-psti --tailoring "$T/tailor.xml" --out "$T/tailored-view" --catalogue "$CAT" >/dev/null 2>&1
python3 -c "
import json; a = json.load(open('$T/tailored/report.json')); b = json.load(open('$T/tailored-view/report.json'))
assert a['result'] == b['result'] and [d for d in a['deviations'] if d['kind'] == 'tailored'] == [d for d in b['deviations'] if d['kind'] == 'tailored']" &&
	ok "a tailored run restated with its tailoring: the same" || bad "tailored view"

# Misuse: exit 2, nothing run, the file and line named.
tailor_bad() {
	local name=$1 body=$2 want=$3 profile=${4:-uk-psti}
	printf '<tailoring xmlns="urn:assay:tailoring:1" version="1" profile="%s">\n  <title>t</title>\n%s\n</tailoring>\n' "$profile" "$body" >"$T/$name.xml"
	"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --catalogue "$CAT" --out "$T/$name" --profile uk-psti --tailoring "$T/$name.xml" >/dev/null 2>"$T/$name.err"
	code=$?
	[ $code -eq 2 ] && grep -q "$want" "$T/$name.err" && [ ! -e "$T/$name/report.json" ] &&
		ok "tailoring $name: exit 2: $(grep -m1 "$want" "$T/$name.err")" ||
		bad "tailoring $name: exit $code: $(cat "$T/$name.err")"
}
tailor_bad wrong-profile '  <deselect test-case="5.2-1-1">A justification long enough to pass.</deselect>' "derived from profile sg-cls-1, not from uk-psti" sg-cls-1
tailor_bad unknown '  <deselect test-case="5.9-9-9">A justification long enough to pass.</deselect>' "tl-unknown.xml:3: no test case 5.9-9-9\|unknown.xml:3: no test case 5.9-9-9"
tailor_bad short '  <deselect test-case="5.2-1-1">too short</deselect>' "short.xml:3"
tailor_bad todo '  <deselect test-case="5.2-1-1">TODO write why this is not assessed here</deselect>' "todo.xml:3: <deselect>: its text is still TODO"
tailor_bad not-in '  <deselect test-case="5.5-1-1">A justification long enough to pass.</deselect>' "not-in.xml:3: test case 5.5-1-1 is not in profile uk-psti"
tailor_bad already '  <select test-case="5.2-1-1">A justification long enough to pass.</select>' "already.xml:3: test case 5.2-1-1 is already in profile uk-psti"
tailor_bad twice '  <deselect test-case="5.2-1-1">A justification long enough to pass.</deselect>
  <select test-case="5.2-1-1">A justification long enough to pass.</select>' "twice.xml:4: test case 5.2-1-1 is tailored twice (line 3)"

# --- 7. usage errors ------------------------------------------------------------
"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --catalogue "$CAT" --out "$T/np" --profile uk-pst >/dev/null 2>"$T/np.err"
[ $? -eq 2 ] && grep -q 'no profile "uk-pst"' "$T/np.err" && grep -q "assay list --profiles" "$T/np.err" &&
	ok "an unknown profile: exit 2, with where to look" || bad "unknown profile: $(cat "$T/np.err")"
"$BIN" run --ics "$ICS" --ixit "$IXIT" --setup "$SETUP" --catalogue "$CAT" --out "$T/np2" --profile ../etc >/dev/null 2>"$T/np2.err"
[ $? -eq 2 ] && ok "a profile name with .. is refused" || bad "profile ..: $(cat "$T/np2.err")"
# --only naming an Assay-defined V3.1.3 test case under the default V2.1.1
# profile would run nothing: a usage error, not an empty run.
for sel in 6-3A-2 6-3A; do
	"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
	    --setup "$SRC/setup/examples/smart-camera.xml" --only $sel --out "$T/only-$sel" >/dev/null 2>"$T/only.err"
	[ $? -eq 2 ] && grep -q "$sel is outside profile en303645-v2.1.1" "$T/only.err" && [ ! -e "$T/only-$sel" ] &&
		ok "--only $sel outside the profile: exit 2, nothing run" || bad "--only $sel: $(cat "$T/only.err")"
done
"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
    --setup "$SRC/setup/examples/smart-camera.xml" --profile en303645-v3.1.3 --only 6-3A-1 --out "$T/only-v3" >/dev/null 2>"$T/only.err"
[ -f "$T/only-v3/report.json" ] && python3 -c "
import json, sys
r = json.load(open('$T/only-v3/report.json'))
t = [t for t in r['test_cases'] if t['id'] == '6-3A-1'][0]
sys.exit(0 if 'does not declare EN 303 645 V3.1.3 provision 6-3A' in t['reason'] else 1)" &&
	ok "--only 6-3A-1 under en303645-v3.1.3 selects it (not declared in this ICS: says so)" ||
	bad "--only 6-3A-1 under v3.1.3: $(tail -3 "$T/only.err")"
"$BIN" report "$T/full" >/dev/null 2>"$T/r1.err"
[ $? -eq 2 ] && grep -q "^assay report: need --profile NAME" "$T/r1.err" && grep -q "Try 'assay report --help'" "$T/r1.err" &&
	ok "report without --profile: exit 2, the error style" || bad "report no profile: $(cat "$T/r1.err")"
"$BIN" report "$T" --profile uk-psti >/dev/null 2>"$T/r2.err"
[ $? -eq 2 ] && grep -q "not a run directory" "$T/r2.err" && ok "report of a non-run directory: exit 2" || bad "report non-run: $(cat "$T/r2.err")"
"$BIN" report "$T/full" --profile uk-psti --catalogue "$CAT" >/dev/null 2>"$T/r3.err"
[ $? -eq 2 ] && grep -q "exists and is not empty" "$T/r3.err" && ok "report into a non-empty directory: exit 2" || bad "report non-empty: $(cat "$T/r3.err")"
"$BIN" report "$T/full" --profile uk-psti --catalogue "$CAT" --out "$T/json-view" --format json >"$T/r4.json" 2>/dev/null
python3 -c "import json; assert json.load(open('$T/r4.json'))['profile']['id'] == 'uk-psti'" &&
	ok "report --format json prints the view's report.json" || bad "report json"
"$BIN" report --help | grep -q "^usage: assay report DIR --profile NAME" && ok "report --help" || bad "report --help"

echo "# $fails failure(s)"
[ $fails -eq 0 ]
