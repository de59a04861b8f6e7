#!/bin/bash
# e2e_sign.sh - keygen, sign and verify with the built binary, then check
# the same report with the three stock-tool commands docs/sign.md gives
# auditors, and check that those commands notice tampering too.
set -u
A=${ASSAY_BIN:?set ASSAY_BIN to the built assay}
command -v openssl >/dev/null || { echo "SKIP: openssl not installed"; exit 0; }

T=$(mktemp -d /tmp/assay-e2e-sign-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

R=$T/report
mkdir -p "$R/evidence/tc-1" "$R/evidence/tc-2"
cat > "$R/report.xml" <<'EOF'
<?xml version="1.0"?>
<report xmlns="urn:assay:report:1" version="1" id="e2e"><laboratory><name>E2E Lab</name><authorised-by>E2E Manager</authorised-by></laboratory><customer><name>E2E customer</name></customer><device><manufacturer>Acme</manufacturer><model>Hub</model><hardware-version>B</hardware-version><firmware-version>4.0</firmware-version></device><summary verdict="PASS" pass="5" fail="0" inconclusive="0" not-applicable="2" error="0"/></report>
EOF
echo '{"verdict":"PASS"}' > "$R/report.json"
head -c 20000 /dev/urandom > "$R/evidence/tc-1/capture.pcap"
echo 'banner' > "$R/evidence/tc-2/banner.txt"
echo 'name with spaces' > "$R/evidence/tc-2/my notes.txt"

"$A" keygen --out "$T/keys" --subject "/CN=E2E Lab/O=Assay" >/dev/null || fail keygen
"$A" sign "$R" --key "$T/keys/key.pem" --cert "$T/keys/cert.pem" >/dev/null || fail sign
out=$("$A" verify "$R" --cert "$T/keys/cert.pem") || fail "verify: $out"
grep -q '^VERIFIED$' <<<"$out" || fail "no VERIFIED line"
grep -q 'device:    Acme Hub (hardware B, firmware 4.0)' <<<"$out" || fail "device line"
# A report from before the decision rule: verify says it states no overall result.
grep -q 'summary:   PASS, test cases only: the report states no overall result' <<<"$out" || fail "old report: summary line"

# The auditor's recipe, verbatim from docs/sign.md (run in the report dir).
auditor() {
	(
	cd "$1" || exit 1
	openssl cms -verify -binary -inform DER -in report.p7s -content MANIFEST -CAfile "$2" -out /dev/null 2>/dev/null || exit 1
	find . ! -type d ! -path ./MANIFEST ! -path ./report.p7s -printf '%y %P\n' | LC_ALL=C sort | diff - <(tail -n +3 MANIFEST | cut -c67- | sed 's/^/f /') >/dev/null || exit 1
	head -n 2 MANIFEST | cmp -s - <(printf 'assay-report-manifest 1\nhash sha256\n') || exit 1
	tail -n +3 MANIFEST | sha256sum --check --strict --quiet >/dev/null 2>&1 || exit 1
	)
}
auditor "$R" "$T/keys/cert.pem" || fail "auditor recipe rejects a good report"

# Each tamper must be caught by assay verify and by the auditor recipe.
n=0
check_bad() {
	n=$((n + 1))
	"$A" verify "$R" --cert "$T/keys/cert.pem" >/dev/null && fail "verify missed: $1"
	auditor "$R" "$T/keys/cert.pem" && fail "auditor recipe missed: $1"
}
cp -a "$R" "$T/pristine"
reset() { rm -rf "$R"; cp -a "$T/pristine" "$R"; }

printf 'X' | dd of="$R/evidence/tc-1/capture.pcap" bs=1 seek=100 conv=notrunc 2>/dev/null
check_bad "flipped evidence byte"; reset
echo extra > "$R/evidence/tc-2/extra.txt";  check_bad "added file"; reset
rm "$R/report.json";                         check_bad "deleted file"; reset
ln -s /etc/passwd "$R/evidence/passwd";     check_bad "symlink"; reset
mkfifo "$R/evidence/fifo";                   check_bad "fifo"; reset
# A listed file replaced by a symlink to a copy of itself outside:
# sha256sum would follow it, the find step must catch it.
cp "$R/report.json" "$T/outside.json"; rm "$R/report.json"
ln -s "$T/outside.json" "$R/report.json";   check_bad "listed file now a symlink"; reset
sed -i 's/PASS/FAIL/' "$R/report.json"
h=$(sha256sum "$R/report.json" | cut -c1-64)
sed -i "s/^[0-9a-f]*  report.json\$/$h  report.json/" "$R/MANIFEST"
check_bad "file and MANIFEST edited together"; reset

"$A" verify "$R" --cert "$T/keys/cert.pem" >/dev/null || fail "reset did not restore"
echo "PASS: e2e sign/verify; auditor recipe accepts the good report, $n tampers caught by both"
