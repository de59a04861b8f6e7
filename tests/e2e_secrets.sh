#!/bin/bash
# Secrets never reach the signed report directory, in any spelling (issue
# 11, defect 2): runs of the reference device (both personas, in a private
# network namespace) with hostile passwords in the IXIT and in the lab
# set-up credentials, some written in the forms with character references
# and entities, and one repeated in a --judgement text.  Then every file of
# the run directory (transcripts, artefacts, run.info, journal, forms
# copies, report.json/xml/html, junit.xml, MANIFEST, ...) is searched for
# every secret in every spelling Assay's encoders produce, computed here
# independently with Python's own encoders: plain, XML/HTML entities, JSON,
# percent (%20 and +, either hex case), hex, base64 and base64url of the
# secret and of user:password (HTTP Basic), the transcript's \xNN form,
# run.info's %25 form, and the spelling the form file itself used.
# Prints "secrets found in clear: N" (must be 0) for the README.
set -u
BIN=${ASSAY_BIN:?}
DEV=$(dirname "$BIN")/assay-refdevice
T=$(mktemp -d /tmp/assay-e2e-secrets-XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

"$BIN" keygen --out "$T/lab" --type ecdsa --subject "/CN=Assay e2e lab" >/dev/null ||
	bad "keygen"

# Rewrites the device's forms with hostile secrets; writes the secrets
# (decoded) and the user names to $T/secrets.json for the scan.
cat > "$T/hostile.py" <<'PY'
import json, re, sys
src, dst, out = sys.argv[1], sys.argv[2], sys.argv[3]
secrets, pairs, spelled = [], [], []

def spell(s, i):
    """The secret as the form file writes it: entities and char refs."""
    r = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if i % 2 == 0:
        r = r.replace('"', "&quot;").replace("3", "&#51;")
    else:
        r = r.replace("'", "&apos;").replace("\u00e9", "&#xE9;")
    return r

setup = open(src + "/setup.xml", encoding="utf-8").read()
n = [0]
def cred(m):
    i = n[0]; n[0] += 1
    user = m.group(2)
    pw = "Pw%d &'\"<>\\%%\u20ac\u00e9# x3 %d" % (i, i)
    secrets.append(pw); pairs.append([user, pw]); spelled.append(spell(pw, i))
    return m.group(1) + spell(pw, i) + m.group(3)
setup = re.sub(r"(<username>([^<]*)</username>\s*<password>)[^<]*(</password>)",
               cred, setup)
assert n[0] > 0, "no credentials in the set-up file"
open(dst + "/setup.xml", "w", encoding="utf-8").write(setup)

ixit = open(src + "/ixit.xml", encoding="utf-8").read()
ix = "Secr3t PassA &'\"<>\\%\u20ac\u00e9#"
secrets.append(ix)
spelled.append(spell(ix, 0))
# A secret field in the first entry, before its first field; the same
# secret repeated in a comment.
ixit = re.sub(r"(\n(\s*)<field )",
              lambda m: "\n%s<!-- was %s -->\n%s<field name=\"Example Value\" "
              "secret=\"true\">%s</field>%s" % (m.group(2),
              ix.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("--", "- -"),
              m.group(2), spell(ix, 0), m.group(1)), ixit, count=1)
open(dst + "/ixit.xml", "w", encoding="utf-8").write(ixit)
json.dump({"secrets": secrets, "pairs": pairs, "spelled": spelled},
          open(out, "w"))
PY

# Device and assay in one fresh network namespace; forms made hostile.
assess() {
	local p=$1
	mkdir -p "$T/$p"
	$NS bash -c '
		ip link set lo up
		"$0" --persona "$3" --dir "$1/dev" --ports standard --foreground > "$1/dev.out" 2>&1 &
		dev=$!
		for _ in $(seq 1 300); do grep -q "^ready" "$1/dev.out" && break; sleep 0.1; done
		mkdir -p "$1/forms" && cp "$1/dev/ics.xml" "$1/forms/" &&
		python3 "$4/hostile.py" "$1/dev" "$1/forms" "$1/secrets.json" || exit 99
		# The set-up names the firmware image relative to itself (lab/...).
		cp -r "$1/dev/lab" "$1/forms/" || exit 99
		judge=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"secrets\"][0])" "$1/secrets.json")
		"$2" run --ics "$1/forms/ics.xml" --ixit "$1/forms/ixit.xml" \
			--setup "$1/forms/setup.xml" --out "$1/run" -j2 -q \
			--lab "Assay e2e lab" --customer "Assay e2e customer" \
			--authorised-by "E2E Manager" --sign-key "$4/lab/key.pem" --sign-cert "$4/lab/cert.pem" \
			--assessor "E2E Assessor" \
			--judgement "5.1-4-2=PASS:changed the web password to $judge and back" \
			> "$1/run.out" 2>&1
		code=$?
		kill $dev; wait $dev
		exit $code' "$DEV" "$T/$p" "$BIN" "$p" "$T"
}

cat > "$T/scan.py" <<'PY'
import base64, json, os, sys
run, cfg = sys.argv[1], json.load(open(sys.argv[2]))

def xml(s, q, a, charref=False, apos="&apos;"):
    r = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if q: r = r.replace('"', "&quot;")
    if a: r = r.replace("'", apos)
    if charref: r = "".join(c if ord(c) < 128 else "&#x%X;" % ord(c) for c in r)
    return r

def pct(s, plus, upper):
    out = ""
    for b in s.encode():
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-._~"): out += c
        elif c == " " and plus: out += "+"
        else: out += ("%%%02X" if upper else "%%%02x") % b
    return out

def transcript(s):
    """evidence.c write_escaped(): how a transcript shows raw bytes."""
    out = ""
    for b in s.encode():
        c = chr(b)
        out += {"\\": "\\\\", "\n": "\\n\n", "\r": "\\r", "\t": "\\t"}.get(c,
            c if 0x20 <= b < 0x7f else "\\x%02x" % b)
    return out

def spellings(s):
    b = s.encode()
    yield "plain", s
    yield "xml", xml(s, True, True)
    yield "xml-text", xml(s, False, False)
    yield "xml-attr", xml(s, True, False)
    yield "html", xml(s, True, True, apos="&#39;")
    yield "xml-charref", xml(s, True, True, charref=True)
    yield "json", json.dumps(s, ensure_ascii=False)[1:-1]
    yield "json-ascii", json.dumps(s)[1:-1]
    for plus in (False, True):
        for up in (True, False):
            yield "url%s-%s" % ("-plus" if plus else "", "upper" if up else "lower"), pct(s, plus, up)
    yield "hex-lower", b.hex()
    yield "hex-upper", b.hex().upper()
    for name, enc in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        e = enc(b).decode()
        yield name, e
        yield name + "-nopad", e.rstrip("=")
    yield "transcript", transcript(s)
    # run.info and result.txt: '%' and control bytes as %XX.
    yield "run.info", "".join("%%%02X" % ord(c) if c == "%" or ord(c) < 0x20
                              or ord(c) == 0x7f else c for c in s)

needles = []
for i, s in enumerate(cfg["secrets"]):
    for kind, v in spellings(s):
        needles.append(("secret #%d" % (i + 1), kind, v.encode()))
    # As the form file spelled it (character references, entities).
    needles.append(("secret #%d" % (i + 1), "form", cfg["spelled"][i].encode()))
for i, (user, pw) in enumerate(cfg["pairs"]):
    pair = ("%s:%s" % (user, pw)).encode()
    for name, enc in (("basic", base64.b64encode), ("basic-url", base64.urlsafe_b64encode)):
        e = enc(pair).decode()
        needles.append(("credential #%d" % (i + 1), name, e.encode()))
        needles.append(("credential #%d" % (i + 1), name + "-nopad", e.rstrip("=").encode()))

files, found = 0, []
for d, _, names in os.walk(run):
    for n in names:
        p = os.path.join(d, n)
        if os.path.islink(p): continue
        data = open(p, "rb").read()
        files += 1
        for who, kind, v in needles:
            if v in data:
                found.append("%s: %s as %s" % (os.path.relpath(p, run), who, kind))
for f in found: print("  found:", f)
print("secrets found in clear: %d (%d secrets, %d spellings, %d files scanned)" %
      (len(found), len(cfg["secrets"]), len(needles), files))
want = {"MANIFEST", "run.info", "journal", "report.json", "report.xml",
        "report.html", "junit.xml", "forms/ixit.xml", "forms/setup.xml"}
have = {os.path.relpath(os.path.join(d, n), run) for d, _, ns in os.walk(run) for n in ns}
missing = want - have
if missing: print("  files the scan expected:", sorted(missing))
sys.exit(1 if found or missing or files < 20 else 0)
PY

total=0
for p in weak conforming; do
	R=$T/$p/run
	assess $p; code=$?
	[ $code -ne 99 ] && [ -s "$R/report.json" ] && ok "$p: run with hostile secrets (exit $code)" ||
		bad "$p: run: exit $code: $(tail -5 "$T/$p/run.out" "$T/$p/dev.out" 2>/dev/null)"
	grep -q "Authorization: Basic \[secret\]" -r "$R/evidence" &&
		ok "$p: a transcript shows Basic authentication, masked" ||
		echo "note - $p: no Basic authentication in the transcripts"
	grep -q "secret=\"true\">\[secret\]</field>" "$R/forms/ixit.xml" &&
		grep -q "<password>\[secret\]</password>" "$R/forms/setup.xml" &&
		ok "$p: forms copies: secret elements hold the mark" || bad "$p: forms copies without the mark"
	grep -q "changed the web password to \[secret\] and back" "$R/run.info" &&
		ok "$p: run.info: the judgement text is masked" || bad "$p: run.info judgement not masked"
	grep -q "^rationale changed the web password to \[secret\] and back" "$R/review/judgements" &&
		ok "$p: review/judgements: the judgement text is masked" || bad "$p: review/judgements not masked"
	python3 "$T/scan.py" "$R" "$T/$p/secrets.json" > "$T/$p/scan.out"
	rc=$?
	cat "$T/$p/scan.out"
	n=$(sed -n 's/^secrets found in clear: \([0-9]*\).*/\1/p' "$T/$p/scan.out")
	total=$((total + ${n:-1}))
	[ $rc -eq 0 ] && ok "$p: no secret in any spelling in any file of the run directory" ||
		bad "$p: secrets in the run directory"
	"$BIN" verify "$R" --cert "$T/lab/cert.pem" >"$T/$p/verify" 2>&1 &&
		ok "$p: the signed report verifies" || bad "$p: assay verify: $(tail -3 "$T/$p/verify")"
done
echo "secrets found in clear, both personas: $total"
echo "$fails failure(s)"
[ $fails -eq 0 ]
