#!/bin/bash
# The lab's files as external evidence (TS 103 701 clause 4.7, issue 13
# item 6): a run whose set-up declares an nmap report and a capture lists
# both in report.json, report.xml (valid against reports/report.xsd) and
# report.html with their SHA-256 and size, and names the test case that
# read each; a report rebuilt from the run directory alone (assay review
# --apply) lists the same even after the lab moved its files.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-external-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

mkdir -p "$T/lab"
cp "$SRC/tests/data/import/nmap.xml" "$T/lab/scan.xml"
# Any bytes will do for a capture nobody reads: it is listed, not parsed.
printf 'not read by any test case\n' >"$T/lab/boot.pcap"
sed 's|</setup>|  <artefacts>\n    <nmap id="scan" file="scan.xml"/>\n    <capture id="boot" file="boot.pcap"/>\n  </artefacts>\n</setup>|' \
	"$SRC/setup/examples/smart-camera.xml" >"$T/lab/setup.xml"
NMAP_SHA=$(sha256sum "$T/lab/scan.xml" | cut -d' ' -f1)
"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
	--setup "$T/lab/setup.xml" --out "$T/r" --catalogue "$SRC/tests/data/catalogue-external" -q
rc=$?
[ $rc -ne 2 ] && ok "run completes (exit $rc)" || bad "run refused (exit 2)"
check_json() {
	python3 - "$1" "$NMAP_SHA" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
x = {e["id"]: e for e in r["external_evidence"]["lab_files"]}
assert set(x) == {"scan", "boot"}, x
assert x["scan"]["kind"] == "nmap" and x["scan"]["sha256"] == sys.argv[2], x["scan"]
assert x["scan"]["used_by"] == ["5.1-1-1"], x["scan"]["used_by"]
assert "clause 4.7" in r["external_evidence"]["statement"]
assert x["boot"]["kind"] == "capture" and x["boot"]["used_by"] == [], x["boot"]
assert x["boot"]["size"] == 26 and x["scan"]["file"] == "scan.xml", x
PY
}
check_json "$T/r/report.json" && ok "report.json lists both files, the nmap report read by 5.1-1-1" || bad "report.json external_evidence"
xmllint --noout --schema "$SRC/reports/report.xsd" "$T/r/report.xml" 2>"$T/x" && ok "report.xml validates" || bad "report.xml: $(head -3 "$T/x")"
grep -q "<lab-file kind=\"nmap\" id=\"scan\" path=\"scan.xml\" sha256=\"$NMAP_SHA\" size=\"[0-9]*\" used-by=\"5.1-1-1\"/>" "$T/r/report.xml" && ok "report.xml names the file and its reader" || bad "report.xml external-evidence"
grep -q "External evidence: files the laboratory supplied" "$T/r/report.html" && grep -q "$NMAP_SHA" "$T/r/report.html" && ok "report.html has the section with the hash" || bad "report.html external evidence"
grep -q "artefact nmap scan sha256 $NMAP_SHA" "$T/r/evidence/5.1-1-1/transcript.txt" && ok "the transcript notes the file read" || bad "transcript note"

# Rebuilt from the run directory alone, after the lab moved its files.
mv "$T/lab" "$T/lab-moved"
cat >"$T/ws.xml" <<EOW
<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="urn:assay:worksheet:1" version="1" run="$(python3 -c "import json;print(json.load(open('$T/r/report.json'))['report']['id'])" 2>/dev/null)">
</worksheet>
EOW
"$BIN" review "$T/r" --catalogue "$SRC/tests/data/catalogue-external" --all --out "$T/w.xml" >/dev/null 2>"$T/e1"
if [ -s "$T/w.xml" ]; then
	"$BIN" review "$T/r" --catalogue "$SRC/tests/data/catalogue-external" --apply "$T/w.xml" --assessor "E. Tester" >"$T/o" 2>"$T/e2"
	rc=$?
	[ $rc -ne 2 ] && ok "review --apply after the files moved (exit $rc)" || bad "review --apply refused: $(head -3 "$T/e2")"
	check_json "$T/r/report.json" && ok "the rebuilt report lists the same files" || bad "rebuilt report.json"
else
	bad "no worksheet: $(head -3 "$T/e1")"
fi
exit $((fails > 0))
