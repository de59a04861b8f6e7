#!/bin/bash
# Device and form text that tries to break the outputs (issue 11, defects 4
# and 5), end to end with a real server on loopback:
#  1. `assay check` on an ICS whose fields carry U+202E and C1 controls:
#     the console shows them as visible escapes, never raw;
#  2. `assay run --only 5.5-1-2 --only 5.6-2-2` against a hostile SSH
#     server (tests/data/ssh_hostile.py): its banner and KEXINIT carry
#     overlong UTF-8, a surrogate, code points above U+10FFFF, truncated
#     sequences, ESC ]0; ESC [2J, colours, C1 CSI, CR LF and U+202E.
#     junit.xml and report.xml parse (xmllint; report.xml against its
#     schema), report.html and report.json are valid UTF-8, bidi overrides
#     are marked visibly in every report, and nothing on the console is a
#     raw control, C1, bidi or ill-formed byte;
#  3. `assay verify` on a report.xml edited to carry raw U+202E and C1:
#     its console output is escaped too.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-text-XXXXXX)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# Scans files written by the console: 0 when nothing in them could move
# the cursor, retitle, clear, recolour or reorder the assessor's terminal.
console_clean() {
	python3 - "$@" <<'PY'
import sys
bad = []
for f in sys.argv[1:]:
    b = open(f, "rb").read()
    for i, c in enumerate(b):
        if (c < 0x20 and c not in (0x0a, 0x09)) or c == 0x7f:
            bad.append("%s: raw byte 0x%02x at %d: %r" % (f, c, i, b[max(0, i - 20):i + 20]))
            break
    try:
        t = b.decode("utf-8")
    except UnicodeDecodeError as e:
        bad.append("%s: not UTF-8: %s" % (f, e))
        continue
    for i, ch in enumerate(t):
        o = ord(ch)
        if 0x80 <= o <= 0x9f or 0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069:
            bad.append("%s: raw U+%04X at %d: %r" % (f, o, i, t[max(0, i - 20):i + 20]))
            break
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
}

# --- 1. assay check on a form with U+202E and C1 controls -------------------
# Character references keep this file readable; the parser turns them into
# the raw characters the console must not print.
sed -e 's|<manufacturer>Example Optics Ltd</manufacturer>|<manufacturer>Example \&#x202E;dtL scitpO\&#x202C; \&#x9B;31m\&#x85;Optics</manufacturer>|' \
    -e 's|<model>SC-200 Smart Camera</model>|<model>SC-200\&#x2066; \&#x8D;Camera\&#x2069;</model>|' \
    -e 's|<detail>The SoC has no MPU/IOMMU|<detail>\&#x202E;\&#x9B;2J The SoC has no MPU/IOMMU|' \
    "$SRC/ics/examples/smart-camera.xml" >"$T/ics.xml"
grep -q '&#x202E;' "$T/ics.xml" && grep -q '&#x202E;\&#x9B;2J' "$T/ics.xml" ||
	bad "test set-up: the hostile ICS was not made"
"$BIN" check --ics "$T/ics.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
	>"$T/check.out" 2>"$T/check.err"
code=$?
[ $code -eq 0 ] && ok "a form with U+202E and C1 controls is valid" ||
	bad "assay check exit $code: $(cat "$T/check.err")"
grep -qF 'Example \u202edtL scitpO\u202c \u009b31m\u0085Optics' "$T/check.out" &&
	ok "assay check shows U+202E and C1 as visible escapes" ||
	bad "assay check output: $(cat -v "$T/check.out")"
console_clean "$T/check.out" "$T/check.err" >"$T/scan" &&
	ok "assay check prints no raw control or bidi character" ||
	bad "assay check: $(cat "$T/scan")"
"$BIN" check --ics "$T/ics.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
	--format json >"$T/checkj.out" 2>&1
console_clean "$T/checkj.out" >"$T/scan" &&
	ok "assay check --format json escapes them too" ||
	bad "assay check --format json: $(cat "$T/scan")"

# --- 2. assay run against a hostile SSH server -------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$SRC/tests/data/ssh_hostile.py" "$port" 2>"$T/srv.err" &
srv=$!
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" \
		2>/dev/null && break
	sleep 0.05
done
# The camera's IXIT with a maintenance SSH service on that port; a set-up
# file whose budget lets the sweep of 65535 loopback ports take a second.
sed "s|  <services>|  <services>\n    <service id=\"shell\" protocol=\"ssh\" transport=\"tcp\" port=\"$port\" security=\"ssh\">\n      <description>maintenance shell</description>\n    </service>|" \
	"$SRC/ixit/examples/smart-camera.xml" >"$T/ixit.xml"
sed -e 's|max-rate="[0-9]*"|max-rate="100000"|' -e 's|max-connections="64"|max-connections="256"|' \
	"$SRC/setup/examples/smart-camera.xml" >"$T/setup.xml"
"$BIN" run --ics "$T/ics.xml" --ixit "$T/ixit.xml" --setup "$T/setup.xml" \
	--out "$T/r" --only 5.5-1-2 --only 5.6-2-2 >"$T/run.out" 2>"$T/run.err"
code=$?
[ -s "$T/r/junit.xml" ] && [ -s "$T/r/report.html" ] && ok "reports written (exit $code)" ||
	bad "no reports (exit $code): $(tail -5 "$T/run.err")"
# The hostile bytes did reach a reason: the test is only worth something then.
grep -q 'offers weak SSH algorithm(s) 3des-cbc' "$T/r/report.json" &&
	ok "the hostile KEXINIT name reached a reason" ||
	bad "the hostile name is in no reason: $(grep -o '"reason": "[^"]*' "$T/r/report.json" | head -3)"
xmllint --noout "$T/r/junit.xml" 2>"$T/xml.err" && ok "junit.xml parses" ||
	bad "junit.xml does not parse: $(head -3 "$T/xml.err")"
xmllint --noout --schema "$SRC/reports/report.xsd" "$T/r/report.xml" 2>"$T/xml.err" &&
	ok "report.xml parses and validates" || bad "report.xml: $(head -3 "$T/xml.err")"
python3 - "$T/r" <<'PY' && ok "report.html and report.json are valid UTF-8; bidi marked in every report" || bad "report text check"
import json, sys
d = sys.argv[1]
raw = {f: open("%s/%s" % (d, f), "rb").read() for f in
       ("report.html", "report.json", "report.xml", "junit.xml")}
for f, b in raw.items():
    t = b.decode("utf-8")  # strict: rejects overlong forms and surrogates
    for ch in t:
        o = ord(ch)
        assert not (0x202a <= o <= 0x202e or 0x2066 <= o <= 0x2069), \
            "%s: raw bidi U+%04X" % (f, o)
        assert o >= 0x20 or ch in "\n\t\r", "%s: raw control U+%04X" % (f, o)
r = json.loads(raw["report.json"])
assert r["device"]["manufacturer"].startswith("Example \u202edtL"), r["device"]
assert "\\u202e" in raw["report.json"].decode(), "JSON: U+202E as an escape"
assert b'<mark class="ctl">[U+202E]</mark>' in raw["report.html"], "HTML: a visible marker"
assert b"[U+202E]" in raw["report.xml"] and b"[U+202E]" in raw["junit.xml"], "XML: a marker"
reasons = [t["reason"] for t in r["test_cases"] if t["id"] == "5.5-1-2"]
assert reasons and "\ufffd" in reasons[0], reasons
PY
console_clean "$T/run.out" "$T/run.err" >"$T/scan" &&
	ok "assay run prints no raw ESC, C1, CR, bidi or ill-formed byte" ||
	bad "assay run console: $(cat "$T/scan")"
grep -aqF '\x1b]0;assay-owned\x07\x1b[2J' "$T/run.err" &&
	grep -aqF '\r\nFORGED: PASS\r\u202e' "$T/run.err" &&
	ok "the progress line shows the escapes visibly" ||
	bad "progress line: $(grep -a 5.5-1-2 "$T/run.err" | cat -v | cut -c1-300)"

# --- 3. assay verify on a report.xml carrying raw bidi and C1 ----------------
python3 - "$T/r/report.xml" <<'PY'
import sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
t = t.replace("[U+202E]", "\u202e\u009b2J", 1)
open(p, "w", encoding="utf-8").write(t)
PY
"$BIN" verify "$T/r" >"$T/verify.out" 2>"$T/verify.err"
grep -q '^device: .*\\u202e' "$T/verify.out" &&
	ok "assay verify shows the report's U+202E as an escape" ||
	bad "assay verify: $(grep device "$T/verify.out" | cat -v)"
console_clean "$T/verify.out" "$T/verify.err" >"$T/scan" &&
	ok "assay verify prints no raw control or bidi character" ||
	bad "assay verify: $(cat "$T/scan")"

[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
