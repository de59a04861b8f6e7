#!/bin/bash
# The assessor's workflow on the reference device (docs/review.md):
#  1. assay run says how many units need a person and how to review them;
#  2. assay review DIR writes a worksheet that validates against
#     reports/worksheet.xsd and lists every pending and unrecorded unit
#     with its criterion and what Assay found;
#  3. round trip, per kind of unit: a pending unit resolved, an
#     unrecorded one decided, Assay's PASS and FAIL overruled (both values
#     kept), an attachment copied and hashed; the reports rewritten;
#  4. every error of item 2 exits 2 and records nothing: no assessor,
#     unknown test case or unit, a test case not in the run, a verdict not
#     allowed, no rationale, a unit twice, an unreadable attachment, a
#     worksheet of another run, hostile or invalid XML, a signed report;
#  5. the interactive mode on a terminal writes its answers as a
#     worksheet and records them.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-review-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# --- 1. the run -------------------------------------------------------------
"$BIN" demo --out "$T/run" >"$T/run.out" 2>"$T/run.err"
code=$?
[ $code -eq 1 ] && [ -s "$T/run/report.json" ] || { echo "demo failed (exit $code): $(tail -5 "$T/run.err")"; exit 1; }
grep -Eq "^[0-9]+ units? still needs? a person .*review them with: assay review $T/run\$" "$T/run.out" &&
	ok "assay run ends naming the units that need a person and the command" ||
	bad "no review hint: $(tail -3 "$T/run.out")"

# --- 2. the worksheet -------------------------------------------------------
"$BIN" review "$T/run" --out "$T/ws.xml" >"$T/ws.out" 2>&1 && [ -s "$T/ws.xml" ] &&
	ok "assay review writes a worksheet" || bad "assay review: $(cat "$T/ws.out")"
xmllint --noout --schema "$SRC/reports/worksheet.xsd" "$T/ws.xml" 2>"$T/xsd.err" &&
	ok "the worksheet validates against reports/worksheet.xsd" || bad "worksheet invalid: $(head -3 "$T/xsd.err")"
"$BIN" review "$T/run" --out "$T/ws.xml" >/dev/null 2>&1
[ $? -eq 2 ] && ok "an existing worksheet is never overwritten (exit 2)" || bad "worksheet overwritten"
python3 - "$T/ws.xml" "$T/run/report.json" <<'PY' && ok "the worksheet lists every pending and unrecorded unit, with criterion and Assay's finding" || bad "worksheet content"
import json, sys, xml.etree.ElementTree as ET
ns = {"w": "urn:assay:worksheet:1"}
root = ET.parse(sys.argv[1]).getroot()
r = json.load(open(sys.argv[2]))
assert root.get("run") == r["report_id"], (root.get("run"), r["report_id"])
listed = {(u.get("test-case"), u.get("unit")): u for u in root.findall("w:unit", ns)}
need = set()
for t in r["test_cases"]:
    if not t["ran"]:
        continue
    for u in t["units"]:
        if u["reason"].startswith(("REVIEW_PENDING", "MANUAL_STEP_PENDING", "NOT_RECORDED")):
            need.add((t["id"], u["unit"]))
assert need and need <= set(listed), need - set(listed)
for k, u in listed.items():
    assert u.find("w:criterion", ns) is not None and u.find("w:criterion", ns).text, k
    a = u.find("w:assay", ns)
    assert a is not None and a.get("verdict") and a.text, k
    assert u.find("w:verdict", ns) is not None and u.find("w:rationale", ns) is not None, k
PY

# Fills the worksheet: ARGS are TC UNIT VERDICT RATIONALE [ATTACH...] ...
# separated by ';;'; a unit not in the worksheet is added (an overrule).
fill() {
	python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
NS = "urn:assay:worksheet:1"
ET.register_namespace("", NS)
src, dst, spec = sys.argv[1], sys.argv[2], sys.argv[3:]
tree = ET.parse(src); root = tree.getroot()
q = lambda n: "{%s}%s" % (NS, n)
for item in " ".join(spec).split(";;"):
    parts = item.strip().split("|")
    if parts == [""]:
        continue
    tc, unit, verdict, why, *files = parts
    u = next((x for x in root.findall(q("unit")) if x.get("test-case") == tc and x.get("unit") == unit), None)
    if u is None:
        u = ET.SubElement(root, q("unit"), {"test-case": tc, "unit": unit})
        ET.SubElement(u, q("verdict")); ET.SubElement(u, q("rationale"))
    u.find(q("verdict")).text = verdict
    u.find(q("rationale")).text = why
    for f in files:
        ext = f.startswith("!")
        ET.SubElement(u, q("attach"), {"file": f.lstrip("!"), **({"external": "true"} if ext else {})})
tree.write(dst, xml_declaration=True, encoding="UTF-8")
PY
}

# --- 3. round trip ----------------------------------------------------------
cp -a "$T/run" "$T/r3"
echo "label photo (stand-in)" >"$T/label.jpg"
pend=$(python3 -c "
import json; r=json.load(open('$T/run/report.json'))
print([t['id']+' '+u['unit'] for t in r['test_cases'] if t['ran'] for u in t['units'] if u['reason'].startswith('MANUAL_STEP_PENDING')][0])")
unrec=$(python3 -c "
import json; r=json.load(open('$T/run/report.json'))
l=[t['id']+' '+u['unit'] for t in r['test_cases'] if t['ran'] for u in t['units'] if u['reason'].startswith('NOT_RECORDED')]
print(l[0] if l else '')")
text=$(python3 -c "
import xml.etree.ElementTree as ET
u=[u for u in ET.parse('$T/ws.xml').getroot() if u.get('kind')=='text']
print(u[0].get('test-case')+' '+u[0].get('unit') if u else '')")
read -r ptc pu <<<"$pend"
spec="$ptc|$pu|PASS|changed the password as documented; the old one is refused|$T/label.jpg|!$T/label.jpg;;"
spec+="5.2-1-1|a|FAIL|the policy page asks for a login from outside the lab network;;"
spec+="5.1-1-2|b|PASS|admin:admin is accepted only before first set-up, which forces a change"
if [ -n "$text" ]; then read -r ttc tu <<<"$text"; spec+=";;$ttc|$tu|FAIL|confirmed: the declared channel carries credentials without protection"; fi
if [ -n "$unrec" ]; then read -r utc uu <<<"$unrec"; spec+=";;$utc|$uu|INCONCLUSIVE|could not reach the console"; fi
fill "$T/ws.xml" "$T/ws3.xml" "$spec"
"$BIN" review "$T/r3" --apply "$T/ws3.xml" --assessor "Jane Roe" >"$T/r3.out" 2>&1
code=$?
[ $code -eq 1 ] && grep -q "^recorded [0-9]* judgements by Jane Roe" "$T/r3.out" &&
	ok "--apply records the judgements and rewrites the reports (exit 1: FAILs remain)" || bad "--apply (exit $code): $(tail -3 "$T/r3.out")"
python3 - "$T/r3" "$ptc" "$pu" "$unrec" "$text" <<'PY' && ok "judged units (pending, from free text, unrecorded) carry the assessor's verdicts; overruled PASS and FAIL keep Assay's values; the observation named; attachments hashed" || bad "round trip"
import hashlib, json, os, sys
d, ptc, pu, unrec, text = sys.argv[1:6]
r = {t["id"]: t for t in json.load(open(os.path.join(d, "report.json")))["test_cases"]}
unit = lambda tc, u: next(x for x in r[tc]["units"] if x["unit"] == u)
assert unit(ptc, pu)["verdict"] == "PASS", unit(ptc, pu)
assert unit("5.2-1-1", "a")["verdict"] == "FAIL" and r["5.2-1-1"]["verdict"] == "FAIL", r["5.2-1-1"]
assert unit("5.1-1-2", "b")["verdict"] == "PASS", unit("5.1-1-2", "b")
if unrec:
    tc, u = unrec.split()
    assert unit(tc, u)["verdict"] == "INCONCLUSIVE" and unit(tc, u)["reason"] == "could not reach the console"
if text:
    tc, u = text.split()
    assert unit(tc, u)["verdict"] == "FAIL" and unit(tc, u)["reason"].startswith("confirmed:"), unit(tc, u)
rec = open(os.path.join(d, "review/judgements")).read()
assert "\nobservation " in rec, "the observation the pending unit asked for is recorded"
blocks = rec.split("\nend\n")
assert rec.startswith("assay-judgements 1\n") and rec.count("assessor Jane Roe\n") >= 3, rec
att = [l.split(" ", 3) for l in rec.splitlines() if l.startswith("attach ")]
assert len(att) == 2 and {a[2] for a in att} == {"0", "1"}, att
for _, sha, _, rel in att:
    assert hashlib.sha256(open(os.path.join(d, rel), "rb").read()).hexdigest() == sha, rel
assert os.path.exists(os.path.join(d, "review/worksheet-1.xml"))
PY
# The 5.2-1-1 PASS Assay gave is kept beside the overrule, and 5.1-1-2's FAIL.
grep -q "^judgement 5.2-1-1 a fail" "$T/r3/review/judgements" && grep -q "^judgement 5.1-1-2 b pass" "$T/r3/review/judgements" &&
	ok "overrules are recorded in review/judgements" || bad "overrules not recorded"
"$BIN" review "$T/r3" --out "$T/ws3b.xml" >/dev/null 2>&1
! grep -q "test-case=\"$ptc\" unit=\"$pu\"" "$T/ws3b.xml" &&
	ok "a judged unit leaves the worksheet of what is still pending" || bad "judged unit still listed"
# A second worksheet: the latest judgement of a unit wins, both are kept.
fill "$T/ws3b.xml" "$T/ws3c.xml" "5.2-1-1|a|PASS|second look: the page is public after all"
"$BIN" review "$T/r3" --apply "$T/ws3c.xml" --assessor "John Doe" >/dev/null 2>&1
python3 -c "
import json; r={t['id']: t for t in json.load(open('$T/r3/report.json'))['test_cases']}
u=r['5.2-1-1']['units'][0]; assert u['verdict']=='PASS' and u['reason'].startswith('second look'), u" &&
	[ "$(grep -c '^judgement 5.2-1-1 a' "$T/r3/review/judgements")" -eq 2 ] && [ -e "$T/r3/review/worksheet-2.xml" ] &&
	ok "a later judgement supersedes, the earlier one stays on record" || bad "second worksheet"

# --- 4. errors: exit 2, nothing recorded -------------------------------------
cp -a "$T/run" "$T/r4"
try() {	# NAME EXPECTED-MESSAGE WORKSHEET [ARGS...]
	local name=$1 msg=$2 ws=$3; shift 3
	"$BIN" review "$T/r4" --apply "$ws" "$@" >"$T/e.out" 2>&1
	local c=$?
	if [ $c -eq 2 ] && [ ! -e "$T/r4/review" ] && grep -q -- "$msg" "$T/e.out"; then
		ok "$name: exit 2, nothing recorded"
	else
		bad "$name (exit $c): $(head -3 "$T/e.out")"
	fi
}
fill "$T/ws.xml" "$T/e-ok.xml" "5.2-1-1|a|FAIL|fine"
try "no --assessor" "assessor" "$T/e-ok.xml"
try "a blank assessor" "assessor" "$T/e-ok.xml" --assessor "  "
fill "$T/ws.xml" "$T/e1.xml" "5.9-9-9|a|PASS|x"
try "an unknown test case" "no such test case" "$T/e1.xml" --assessor A
fill "$T/ws.xml" "$T/e2.xml" "5.2-1-1|q|PASS|x"
try "an unknown unit" "no such unit" "$T/e2.xml" --assessor A
fill "$T/ws.xml" "$T/e3.xml" "5.7-1-1|a|PASS|x"
try "a test case this run has no result for" "no result for test case" "$T/e3.xml" --assessor A
fill "$T/ws.xml" "$T/e4.xml" "5.2-1-1|a|MAYBE|x"
try "a verdict that is not allowed" "is not allowed" "$T/e4.xml" --assessor A
fill "$T/ws.xml" "$T/e5.xml" "5.2-1-1|a|ERROR|x"
try "ERROR as a person's verdict" "is not allowed" "$T/e5.xml" --assessor A
fill "$T/ws.xml" "$T/e6.xml" "5.2-1-1|a|PASS| "
try "no rationale" "needs a rationale" "$T/e6.xml" --assessor A
fill "$T/ws.xml" "$T/e7.xml" "5.2-1-1|a|PASS|x|$T/missing.jpg"
try "an unreadable attachment" "cannot read the attachment" "$T/e7.xml" --assessor A
fill "$T/ws.xml" "$T/e8.xml" "5.2-1-1|a|PASS|x"
sed -i 's|</ns0:worksheet>|<unit test-case="5.2-1-1" unit="a"><verdict>FAIL</verdict><rationale>y</rationale></unit></ns0:worksheet>|; s|</worksheet>|<unit test-case="5.2-1-1" unit="a"><verdict>FAIL</verdict><rationale>y</rationale></unit></worksheet>|' "$T/e8.xml"
try "a unit judged twice" "judged twice" "$T/e8.xml" --assessor A
sed 's|run="ASSAY-[^"]*"|run="ASSAY-20990101-000000000000"|' "$T/e-ok.xml" >"$T/e9.xml"
try "a worksheet of another run" "is for run ASSAY-20990101" "$T/e9.xml" --assessor A
{ echo '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'; tail -n +2 "$T/e-ok.xml"; } >"$T/e10.xml"
try "a DOCTYPE (hostile XML)" "DOCTYPE" "$T/e10.xml" --assessor A
head -c 300 "$T/e-ok.xml" >"$T/e11.xml"
try "XML cut short" "" "$T/e11.xml" --assessor A
sed 's| unit="a"| nounit="a"|' "$T/e-ok.xml" >"$T/e12.xml"
try "a unit without its letter (schema)" "" "$T/e12.xml" --assessor A
fill "$T/ws.xml" "$T/e13.xml" "5.2-1-1|a|FAIL|fine;;5.9-9-9|a|PASS|x"
try "one bad unit among good ones (all or nothing)" "no such test case" "$T/e13.xml" --assessor A
cp -a "$T/run" "$T/r4s" && touch "$T/r4s/report.p7s"
"$BIN" review "$T/r4s" --apply "$T/e-ok.xml" --assessor A >"$T/e.out" 2>&1
[ $? -eq 2 ] && [ ! -e "$T/r4s/review" ] && grep -q "assay amend" "$T/e.out" &&
	ok "a signed report is not changed: exit 2, pointing to assay amend" || bad "signed report: $(cat "$T/e.out")"
"$BIN" review "$T/nothere" >"$T/e.out" 2>&1
[ $? -eq 2 ] && ok "not a run directory: exit 2" || bad "not a run directory"
cmp -s "$T/run/report.json" "$T/r4/report.json" && ok "after every error the reports are unchanged" || bad "reports changed by a failed --apply"

# --- 5. interactive ---------------------------------------------------------
cp -a "$T/run" "$T/r5"
python3 - "$BIN" "$T/r5" "$T/answers.xml" <<'PY' >"$T/r5.out" 2>&1 && ok "--interactive on a terminal records its answers as a worksheet" || bad "interactive: $(tail -5 "$T/r5.out")"
import os, pty, sys, time, select
bin_, d, out = sys.argv[1:4]
pid, fd = pty.fork()
if pid == 0:
    os.execv(bin_, [bin_, "review", d, "--interactive", "--assessor", "Pat Tester", "--out", out])
buf = b""
answers = [b"p\n", b"read the label on the device\n", b"\n", b"s\n", b"q\n"]
deadline = time.time() + 120
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 1)
    if fd in r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
        if answers and (buf.rstrip().endswith(b":") ):
            os.write(fd, answers.pop(0))
            buf = b""
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
assert code in (1, 3), code
rec = open(os.path.join(d, "review/judgements")).read()
assert "assessor Pat Tester\n" in rec and "rationale read the label on the device\n" in rec, rec
assert os.path.exists(out)
PY

# --- 6. from the run to a signed report --------------------------------------
# The demo run is a draft (no lab, customer, authoriser): the review
# completes the report details, then it is signed; every unit says who
# decided it, the judged ones name their assessor.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=e2e review lab" \
	-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
cat >"$T/lab.conf" <<'EOF2'
lab = Assay e2e lab
lab-address = 1 Test Street, Testville
location = lab bench 3
customer = Generic IPCam Ltd
authorised-by = Dana Director
device-received = 2026-11-02
device-state = factory-default
EOF2
cp -a "$T/run" "$T/r6"
"$BIN" sign "$T/r6" --key "$T/key.pem" --cert "$T/cert.pem" >/dev/null 2>&1
[ $? -eq 2 ] && ok "the draft from the run is not signed" || bad "a draft was signed"
fill "$T/ws.xml" "$T/ws6.xml" "$ptc|$pu|PASS|changed as documented"
"$BIN" review "$T/r6" --apply "$T/ws6.xml" --assessor "Jane Roe" --lab-config "$T/lab.conf" >"$T/r6.out" 2>&1
code=$?
"$BIN" sign "$T/r6" --key "$T/key.pem" --cert "$T/cert.pem" >"$T/s6.out" 2>&1 && "$BIN" verify "$T/r6" --cert "$T/cert.pem" >"$T/v6.out" 2>&1 &&
	ok "run, review with the report details, sign, verify (review exit $code)" || bad "review to signed report: $(cat "$T/r6.out" "$T/s6.out" "$T/v6.out" | tail -5)"
python3 - "$T/r6/report.json" "$ptc" "$pu" <<'PY' && ok "the signed report: every unit says who decided it; the judged unit names Jane Roe; the lab is stated" || bad "signed report content"
import json, sys
r = json.load(open(sys.argv[1])); tc, u = sys.argv[2:4]
assert not r.get("draft"), r.get("draft")
assert r["laboratory"]["name"] == "Assay e2e lab", r["laboratory"]
n = 0
for t in r["test_cases"]:
    for x in t.get("units", []):
        by = x["decided_by"]["by"]
        assert by in ("assay", "harness", "assessor"), x
        n += 1
        if t["id"] == tc and x["unit"] == u:
            assert by == "assessor" and "Jane Roe" in json.dumps(x["decided_by"]), x
assert n > 20, n
PY

echo "$fails failure(s)"
[ $fails -eq 0 ]
