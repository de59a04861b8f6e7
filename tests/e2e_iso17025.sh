#!/bin/bash
# e2e_iso17025.sh - the test report of a real run of the reference device
# carries what ISO/IEC 17025 7.8 asks (docs/report.md), one check per
# field, and drafts are never signed:
#  1. `assay run --sign-key` without lab, customer or authoriser: exit 2,
#     nothing run, each missing item named;
#  2. --device-received / --device-state / lab-config values checked: exit 2;
#  3. a signed run (conforming persona, --lab-config with every key):
#     report.xml validates against reports/report.xsd; each 7.8 field in
#     report.json and report.xml; report.meta kept; `assay verify` names
#     revision 1;
#  4. an unsigned draft run: report says draft and what it lacks;
#     `assay sign` refuses it (exit 2) naming what is missing; `assay
#     amend` refuses a report that is not signed (exit 2);
#  5. `assay amend` of the signed run with a worksheet (a pending unit
#     judged with an external attachment, an automated PASS overruled)
#     and a changed lab address: revision 2 names revision 1 and what
#     changed, is signed and verifies, and verify names its predecessor
#     as verified; a refused worksheet leaves the report as signed; a
#     second amendment names revision 2; tampering with a kept revision
#     is caught.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
DEV=$(dirname "$BIN")/assay-refdevice
T=$(mktemp -d /tmp/assay-e2e-iso-XXXXXX)
trap 'rm -rf "$T"' EXIT
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 0; }
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

"$BIN" keygen --out "$T/lab" --subject "/CN=Assay e2e 17025" >/dev/null || bad keygen
cat >"$T/lab.cfg" <<'EOF'
# The lab's report details (ISO/IEC 17025 7.8.2.1)
lab = Assay Test Laboratory
lab-address = 1 Probe Street, Testville
location = Lab B, bench 2
customer = Reference Devices Ltd
customer-contact = qa@refdevice.example
assessor = Alice Assessor
authorised-by = Mark Manager
device-received = 2026-11-02
device-state = factory-default
EOF

# assess NAME EXTRA...: the conforming reference device, in its own
# network namespace, assessed by assay run with the extra options.
assess() {
	local name=$1; shift
	$NS bash -c '
		dev_bin=$0 t=$1 n=$2 b=$3; shift 3
		ip link set lo up
		"$dev_bin" --persona conforming --dir "$t/dev-$n" --ports standard --foreground > "$t/dev-$n.out" 2>&1 &
		dev=$!
		for _ in $(seq 1 300); do grep -q "^ready" "$t/dev-$n.out" && break; sleep 0.1; done
		"$b" run --ics "$t/dev-$n/ics.xml" --ixit "$t/dev-$n/ixit.xml" \
			--setup "$t/dev-$n/setup.xml" --out "$t/$n" -j2 -q "$@"
		code=$?
		kill $dev; wait $dev
		exit $code' "$DEV" "$T" "$name" "$BIN" "$@" >"$T/$name.out" 2>"$T/$name.err"
}

# --- 1. signing a draft is refused before anything runs ------------------------
assess nolab --lab "Only A Lab" --sign-key "$T/lab/key.pem" --sign-cert "$T/lab/cert.pem"
code=$?
[ $code -eq 2 ] && ok "run --sign-key without customer and authoriser: exit 2" ||
	bad "run --sign-key draft: exit $code"
grep -q "customer (--customer)" "$T/nolab.err" && grep -q "authorises the report (--authorised-by)" "$T/nolab.err" &&
	! grep -q "lab name" "$T/nolab.err" && ok "the missing items are named, the given one is not" ||
	bad "draft refusal message: $(cat "$T/nolab.err")"
[ ! -e "$T/nolab/report.json" ] && grep -q "nothing was run" "$T/nolab.err" && ok "nothing was run" ||
	bad "a report was written for a refused run"

# --- 2. values are checked --------------------------------------------------------
"$BIN" run --ics x --ixit x --setup x --out "$T/bad" --device-received 2026-02-30 >/dev/null 2>"$T/bad.err"
[ $? -eq 2 ] && grep -q 'not a date YYYY-MM-DD' "$T/bad.err" && ok "--device-received 2026-02-30: exit 2" ||
	bad "bad date: $(cat "$T/bad.err")"
"$BIN" run --ics x --ixit x --setup x --out "$T/bad" --device-state used >/dev/null 2>"$T/bad.err"
[ $? -eq 2 ] && grep -q 'factory-default or initialised' "$T/bad.err" && ok "--device-state used: exit 2" ||
	bad "bad state: $(cat "$T/bad.err")"
printf 'device-state = reset\n' >"$T/bad.cfg"
"$BIN" run --lab-config "$T/bad.cfg" --ics x --ixit x --setup x --out "$T/bad" >/dev/null 2>"$T/bad.err"
[ $? -eq 2 ] && grep -q "bad.cfg:1: device-state" "$T/bad.err" && ok "lab-config device-state = reset: exit 2 with the line" ||
	bad "bad lab-config: $(cat "$T/bad.err")"

# --- 3. a signed report with every field ----------------------------------------
# The draft of section 4 is assessed meanwhile (its own namespace): both
# mostly wait on their devices.
assess draft --lab "Assay Test Laboratory" &
draft_pid=$!
assess signed --lab-config "$T/lab.cfg" --sign-key "$T/lab/key.pem" --sign-cert "$T/lab/cert.pem"
code=$?
case $code in 0|1|3) ok "signed run: exit $code (a result)";; *) bad "signed run: exit $code: $(tail -3 "$T/signed.err")";; esac
R=$T/signed
xmllint --noout --schema "$SRC/reports/report.xsd" "$R/report.xml" 2>"$T/x" && ok "report.xml validates against reports/report.xsd" ||
	bad "report.xml invalid: $(head -3 "$T/x")"
[ -s "$R/report.meta" ] && head -1 "$R/report.meta" | grep -qx "assay-report-meta 1" && ok "report.meta kept in the run directory" ||
	bad "no report.meta"

# field NAME PYTHON-EXPR: one check per 7.8 field; j = report.json,
# x = report.xml root, u = units of report.json by (test case, unit).
field() {
	python3 - "$R" "$2" <<'PY' && ok "7.8 field: $1" || bad "7.8 field: $1"
import json, sys, xml.etree.ElementTree as ET
d, expr = sys.argv[1], sys.argv[2]
j = json.load(open(d + "/report.json"))
ns = {"r": "urn:assay:report:1"}
x = ET.parse(d + "/report.xml").getroot()
u = {(t["id"], v["unit"]): v for t in j["test_cases"] for v in t["units"]}
xu = [e for e in x.iterfind("r:test-cases/r:test-case/r:unit", ns)]
ok = eval(expr)
if not ok:
    print("  failed:", expr, file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
field "report id" 'j["report_id"].startswith("ASSAY-") and x.get("id") == j["report_id"]'
field "revision" 'j["revision"] == 1 and x.get("revision") == "1"'
field "issue date" 'j["issued"][:2] == "20" and j["issued"].endswith("Z") and x.get("issued") == j["issued"]'
field "lab name" 'j["laboratory"]["name"] == "Assay Test Laboratory" and x.find("r:laboratory/r:name", ns).text == "Assay Test Laboratory"'
field "lab address" 'j["laboratory"]["address"] == "1 Probe Street, Testville" and x.find("r:laboratory/r:address", ns).text == "1 Probe Street, Testville"'
field "location of testing" 'j["laboratory"]["location"] == "Lab B, bench 2" and x.find("r:laboratory/r:location", ns).text == "Lab B, bench 2"'
field "customer" 'j["customer"]["name"] == "Reference Devices Ltd" and x.find("r:customer/r:name", ns).text == "Reference Devices Ltd"'
field "device identity" 'j["device"]["manufacturer"] and j["device"]["model"] and x.find("r:device/r:model", ns).text == j["device"]["model"]'
field "date of receipt" 'j["device"]["received"] == "2026-11-02" and x.find("r:device/r:received", ns).text == "2026-11-02"'
field "state tested in" 'j["device"]["state"] == "factory-default" and x.find("r:device/r:state", ns).text == "factory-default"'
field "method" 'j["method"] == "ETSI TS 103 701 V1.1.1" and j["method_detail"]["assay_version"] and len(j["method_detail"]["catalogue_sha256"]) == 64'
field "rule, basis, probe of automated units" 'all(v["decided_by"]["rule"] and v["decided_by"]["basis"] for v in u.values() if v["decided_by"]["by"] == "assay") and all(e.get("rule") for e in xu if e.get("by") == "assay")'
field "probe limits" 'j["method_detail"]["limits"]["max_connections"] > 0 and j["method_detail"]["limits"]["test_case_timeout_ms"] > 0 and x.find("r:method-limits", ns).get("test-case-timeout-ms")'
field "deviations" 'isinstance(j["deviations"], list) and x.find("r:deviations", ns) is not None'
field "customer-supplied information" 'j["customer_information"]["ics"]["supplied_by"] == "customer" and len(j["customer_information"]["ixit"]["sha256"]) == 64 and "conceptual" in j["customer_information"]["statement"] and x.find("r:customer-information/r:ics", ns).get("sha256") == j["customer_information"]["ics"]["sha256"]'
field "opinions marked as such" '"opinions and interpretations" in j["opinions"]["statement"] and x.find("r:opinions/r:statement", ns) is not None'
# The reference device's firmware image is a lab file (set-up <artefacts>): external
# evidence too, counted with the attachments.
field "external evidence marked" '"4.7" in j["external_evidence"]["statement"] and x.find("r:external-evidence", ns).get("count") == str(len(j["external_evidence"]["lab_files"]))'
field "decision rule" 'j["decision_rule"]["id"] == "assay-decision-rule-1" and x.find("r:decision-rule", ns).get("id") == "assay-decision-rule-1"'
field "authorised by" 'j["laboratory"]["authorised_by"] == "Mark Manager" and j["authorisation"]["authorised_by"] == "Mark Manager" and x.find("r:laboratory/r:authorised-by", ns).text == "Mark Manager"'
field "draft flag (not a draft)" 'j["draft"] is False and x.get("draft") == "false" and x.find("r:draft", ns) is None'
field "every unit says who decided it" 'u and all(v["decided_by"]["by"] in ("assay", "harness", "assessor") for v in u.values()) and all(e.get("by") for e in xu)'
out=$("$BIN" verify "$R" --cert "$T/lab/cert.pem" 2>&1)
code=$?
[ $code -eq 0 ] && grep -q "^revision:  1 (issued " <<<"$out" && ! grep -q "^predecessor" <<<"$out" &&
	ok "verify: VERIFIED, revision 1, no predecessor" || bad "verify signed: exit $code: $out"

# --- 4. a draft ----------------------------------------------------------------------
wait $draft_pid
code=$?
case $code in 0|1|3) ok "draft run (unsigned): exit $code";; *) bad "draft run: exit $code: $(tail -3 "$T/draft.err")";; esac
R=$T/draft
field "draft flag (a draft, with what it lacks)" 'j["draft"] is True and "customer (--customer)" in j["authorisation"]["draft_missing"] and x.get("draft") == "true" and [m.text for m in x.iterfind("r:draft/r:missing", ns)] == j["authorisation"]["draft_missing"]'
"$BIN" sign "$R" --key "$T/lab/key.pem" --cert "$T/lab/cert.pem" >/dev/null 2>"$T/sign.err"
code=$?
[ $code -eq 2 ] && grep -q "the report is a draft" "$T/sign.err" && grep -q "customer (--customer)" "$T/sign.err" &&
	[ ! -e "$R/MANIFEST" ] && ok "assay sign refuses the draft: exit 2, names what is missing" ||
	bad "sign draft: exit $code: $(cat "$T/sign.err")"
"$BIN" amend "$R" --reason "test" --sign-key "$T/lab/key.pem" --sign-cert "$T/lab/cert.pem" >/dev/null 2>"$T/amend.err"
code=$?
[ $code -eq 2 ] && grep -q "is not signed" "$T/amend.err" && [ ! -e "$R/revisions" ] &&
	ok "assay amend of an unsigned report: exit 2" || bad "amend unsigned: exit $code: $(cat "$T/amend.err")"

# --- 5. amendments --------------------------------------------------------------
R=$T/signed
KEYS=(--sign-key "$T/lab/key.pem" --sign-cert "$T/lab/cert.pem")
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["report_id"])' "$R/report.json")
echo "the vendor's test report, supplied by the manufacturer" >"$T/vendor-report.txt"
cat >"$T/ws.xml" <<WS
<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="urn:assay:worksheet:1" version="1" run="$id">
  <unit test-case="5.1-2-2" unit="a">
    <verdict>PASS</verdict>
    <rationale>Read the labels of three units: 20-character passwords, no common prefix</rationale>
    <attach file="vendor-report.txt" external="true"/>
  </unit>
  <unit test-case="5.1-1-1" unit="a">
    <verdict>FAIL</verdict>
    <rationale>Two units from the same batch carry the same password on their labels</rationale>
  </unit>
</worksheet>
WS
sed 's/unit="a">/unit="z">/' "$T/ws.xml" >"$T/ws-bad.xml"

"$BIN" amend "$R" --reason "x" --apply "$T/ws.xml" "${KEYS[@]}" >/dev/null 2>"$T/a.err"
[ $? -eq 2 ] && grep -q -- "--assessor" "$T/a.err" && ok "amend --apply without --assessor: exit 2" ||
	bad "amend without assessor: $(cat "$T/a.err")"
"$BIN" amend "$R" --apply "$T/ws.xml" --assessor "Alice Assessor" "${KEYS[@]}" >/dev/null 2>"$T/a.err"
[ $? -eq 2 ] && grep -q -- "--reason" "$T/a.err" && ok "amend without --reason: exit 2" ||
	bad "amend without reason: $(cat "$T/a.err")"
"$BIN" amend "$R" --reason "x" --apply "$T/ws-bad.xml" --assessor "Alice Assessor" "${KEYS[@]}" >/dev/null 2>"$T/a.err"
code=$?
[ $code -eq 2 ] && [ ! -e "$R/revisions" ] && "$BIN" verify "$R" --cert "$T/lab/cert.pem" >/dev/null 2>&1 &&
	ok "a refused worksheet: exit 2, nothing kept, the report still verifies" ||
	bad "refused worksheet: exit $code: $(cat "$T/a.err")"

# All or nothing: an amendment that records the worksheet and writes the
# reports but cannot sign them (OpenSSL 3.0 has no CMS with Ed25519) puts
# the directory back as revision 1 was signed.
"$BIN" keygen --out "$T/lab-ed" --type ed25519 --subject "/CN=Ed" >/dev/null || bad "keygen ed25519"
cp "$R/report.json" "$T/rev1.json"
"$BIN" amend "$R" -q --reason "x" --apply "$T/ws.xml" --assessor "Alice Assessor" \
	--sign-key "$T/lab-ed/key.pem" --sign-cert "$T/lab-ed/cert.pem" >/dev/null 2>"$T/a.err"
code=$?
[ $code -eq 3 ] && [ ! -e "$R/revisions" ] && cmp -s "$R/report.json" "$T/rev1.json" &&
	"$BIN" verify "$R" --cert "$T/lab/cert.pem" >/dev/null 2>&1 &&
	ok "a signature that fails: exit 3, the directory is back as revision 1 was signed" ||
	bad "failed signature: exit $code: $(cat "$T/a.err")"

"$BIN" amend "$R" -q --reason "Assessor review of pending units; lab address corrected" \
	--apply "$T/ws.xml" --assessor "Alice Assessor" --lab-address "2 Probe Street, Testville" \
	"${KEYS[@]}" >"$T/amend.out" 2>"$T/amend.err"
code=$?
[ $code -eq 1 ] && ok "amend: exit 1, the overruled unit makes the result FAIL" ||
	bad "amend: exit $code: $(tail -5 "$T/amend.err")"
for f in MANIFEST report.p7s report.xml report.json report.meta; do
	[ -s "$R/revisions/1/$f" ] || bad "revisions/1/$f not kept"
done
[ -s "$R/revisions/1/report.p7s" ] && ok "revision 1 kept in revisions/1/ with its MANIFEST and signature"
xmllint --noout --schema "$SRC/reports/report.xsd" "$R/report.xml" 2>"$T/x" && ok "revision 2: report.xml validates" ||
	bad "revision 2 invalid: $(head -3 "$T/x")"
field "revision 2 names what it replaces" 'j["revision"] == 2 and x.get("revision") == "2" and j["replaces"] == "'"$id"' revision 1" and x.find("r:amendment", ns).get("replaces") == j["replaces"]'
field "the amendment says why and what changed" '"lab address corrected" in j["amendment"] and "lab-address" in j["amendment"] and "2 judgements added" in j["amendment"] and "5.1-1-1 unit a: PASS -> FAIL" in j["amendment"] and "overall result: " in j["amendment"]'
field "judgements are opinions with name, time, rationale" 'len(j["opinions"]["judgements"]) == 2 and all(g["assessor"] == "Alice Assessor" and g["at"] and g["rationale"] and g["kind"] == "opinion" for g in j["opinions"]["judgements"])'
field "the external attachment is marked" 'len(j["external_evidence"]["files"]) == 1 and j["external_evidence"]["files"][0]["file"].endswith("vendor-report.txt") and x.find("r:external-evidence", ns).get("count") == str(1 + len(j["external_evidence"]["lab_files"]))'
field "the overruled unit shows both values" 'u[("5.1-1-1", "a")]["overruled"] is True and u[("5.1-1-1", "a")]["verdict"] == "FAIL" and u[("5.1-1-1", "a")]["assay_decision"]["verdict"] == "PASS" and any(e.get("overruled") == "true" and e.get("tool-verdict") == "PASS" for e in xu)'
field "the lab address changed, the rest kept" 'j["laboratory"]["address"] == "2 Probe Street, Testville" and j["customer"]["name"] == "Reference Devices Ltd" and j["device"]["received"] == "2026-11-02"'
out=$("$BIN" verify "$R" --cert "$T/lab/cert.pem" 2>&1)
code=$?
[ $code -eq 0 ] && grep -q "^revision:  2 " <<<"$out" && grep -q "^replaces:  $id revision 1" <<<"$out" &&
	grep -q "^predecessor: revision 1 in revisions/1/: VERIFIED" <<<"$out" &&
	ok "verify: revision 2 VERIFIED, names revision 1, which still verifies" || bad "verify amended: exit $code: $out"
"$BIN" verify "$R" --cert "$T/lab/cert.pem" --format json 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
p = v["predecessor"]
assert v["verified"] and p["revision"] == 1 and p["verified"] and p["dir"] == "revisions/1", p
' && ok "verify --format json: predecessor revision 1 verified" || bad "verify json predecessor"

# A second amendment: revision 3 replaces 2, revision 2 still verifies.
"$BIN" amend "$R" -q --reason "Customer contact corrected" --customer-contact "lab@refdevice.example" \
	"${KEYS[@]}" >/dev/null 2>"$T/amend2.err"
code=$?
[ $code -eq 1 ] && [ -s "$R/revisions/2/report.p7s" ] && ok "second amendment: exit 1, revision 2 kept" ||
	bad "second amend: exit $code: $(tail -3 "$T/amend2.err")"
field "revision 3 replaces revision 2, judgements kept" 'j["revision"] == 3 and j["replaces"].endswith(" revision 2") and "customer-contact" in j["amendment"] and "0 judgements added" in j["amendment"] and "no verdict changed" in j["amendment"] and len(j["opinions"]["judgements"]) == 2'
out=$("$BIN" verify "$R" --cert "$T/lab/cert.pem" 2>&1)
[ $? -eq 0 ] && grep -q "^predecessor: revision 2 in revisions/2/: VERIFIED" <<<"$out" &&
	ok "verify: revision 3 VERIFIED, revision 2 still verifies" || bad "verify revision 3: $out"

# Tampering with a kept revision: the current signature covers it, and
# the predecessor no longer verifies.
echo tampered >>"$R/revisions/2/report.xml"
out=$("$BIN" verify "$R" --cert "$T/lab/cert.pem" 2>&1)
code=$?
[ $code -eq 1 ] && grep -q "^predecessor: revision 2 in revisions/2/: NOT VERIFIED" <<<"$out" &&
	ok "a tampered kept revision: verify exit 1, predecessor NOT VERIFIED" || bad "tampered revision: exit $code: $out"
"$BIN" amend "$R" --reason "x" "${KEYS[@]}" >/dev/null 2>"$T/a.err"
[ $? -eq 2 ] && grep -q "does not verify" "$T/a.err" && ok "amend of a report that does not verify: exit 2" ||
	bad "amend tampered: $(cat "$T/a.err")"

[ "$fails" = 0 ] && echo "PASS" || echo "$fails failed"
exit $((fails > 0))
