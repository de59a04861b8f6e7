#!/bin/bash
# Assessments of the reference device, end to end, inside a private network
# namespace (so the sweep sees only the device):
#  - weak persona: the FAILs its weaknesses should cause, each with evidence;
#  - conforming persona: no FAIL from the functional test cases;
#  - both: report.xml valid; no IXIT or set-up secret in clear in any file of the run
#    directory; a signed run verifies with `assay verify` and with stock
#    `openssl cms -verify`.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
DEV=$(dirname "$BIN")/assay-refdevice
T=$(mktemp -d /tmp/assay-e2e-ref-XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

"$BIN" keygen --out "$T/lab" --type ecdsa --subject "/CN=Assay e2e lab" >/dev/null ||
	bad "keygen"

# Runs one persona: device and assay in one fresh network namespace.
assess() {
	local persona=$1
	$NS bash -c '
		ip link set lo up
		"$0" --persona "$1" --dir "$2/dev-$1" --ports standard --foreground > "$2/dev-$1.out" 2>&1 &
		dev=$!
		for _ in $(seq 1 300); do grep -q "^ready" "$2/dev-$1.out" && break; sleep 0.1; done
		"$3" run --ics "$2/dev-$1/ics.xml" --ixit "$2/dev-$1/ixit.xml" \
			--setup "$2/dev-$1/setup.xml" --out "$2/run-$1" -j2 -q \
			--lab "Assay e2e lab" --customer "Assay e2e customer" \
			--authorised-by "E2E Manager" --sign-key "$2/lab/key.pem" --sign-cert "$2/lab/cert.pem"
		code=$?
		kill $dev; wait $dev
		exit $code' "$DEV" "$persona" "$T" "$BIN"
}

# Both personas at once, each in its own namespace: they mostly wait.
assess conforming > "$T/assess-conforming.log" 2>&1 &
conf_pid=$!
assess weak; code=$?
[ $code -eq 1 ] && ok "weak persona: exit 1 (FAIL)" || bad "weak persona exit $code: $(tail -5 "$T/dev-weak.out")"
python3 - "$T/run-weak" <<'PY' && ok "weak persona: the expected FAILs, each with evidence" || bad "weak persona verdicts"
import json, os, sys
d = sys.argv[1]
r = {t["id"]: t for t in json.load(open(d + "/report.json"))["test_cases"]}
expect = [
    ("5.1-1-2", "universal default"),       # Mirai credential on telnet and the web UI
    ("5.1-1-2", "through the form login"),  # admin:admin through the web form
    ("5.1-4-2", "old value is still accepted"),  # the change API changes nothing
    ("5.1-5-2", "no delay, lockout or blocking"),
    ("5.1-5-2", "auth-web-form@web: declares a lockout after 5"),  # the form claims a lockout it lacks
    ("5.2-1-2", "does not give the declared contact"),  # the policy page lacks vdp-contact
    ("5.3-6-2", "update notifications off"),     # the settings API: notifications off
    ("5.3-13-2", "HTTP 404"),
    ("5.4-1-2", "in clear at"),             # the firmware image: debug key, passwords
    ("5.4-3-2", "its hash verifies"),       # the shared web default in the image's shadow
    ("5.5-1-2", "accepts TLSv1"),           # TLS 1.0 and weak certificate
    ("5.5-2-2", "busybox 1.35.0"),          # BusyBox 1.36.1 reviewed, 1.35.0 in the image
    ("5.5-5-2", "write accepted with no credentials"),  # the MQTT config topic
    ("5.5-5-2", "answered 2.04 Changed"),   # the CoAP /config resource
    ("5.6-1-2", "does not declare"),        # the undeclared debug port
    ("5.6-2-2", "discloses"),               # the debug port leaks a key
    ("5.11-1-2", "still served"),           # the deletion keeps a backup of the notes
    ("5.11-3-1", "still served"),           # following the deletion leaves the backup note
    ("5.11-4-1", "does not give the declared confirmation"),  # a bare "ok"
    ("5.8-3-1", "HTTP 404"),                # the claimed sensor documentation page
    ("5.6-4-2", "offers debug access"),     # the undeclared factory debug console
]
bad = []
for k, why in expect:
    t = r[k]
    if t["verdict"] != "FAIL" or why not in t["reason"]:
        bad.append("%s: %s %s" % (k, t["verdict"], t["reason"][:200]))
        continue
    ev = [os.path.join(d, e) for e in t["evidence"]]
    if not ev or not all(os.path.getsize(p) > 0 for p in ev):
        bad.append(k + ": evidence missing or empty")
    if "(nothing was sent" in open(ev[0]).read():
        bad.append(k + ": a functional FAIL without a transcript")
if bad:
    print("\n".join(bad)); sys.exit(1)
PY

# Issue 12, item 6: the lab's web password of the weak persona is
# "admin", a public default; it no longer turns the /admin/ paths into
# /[secret]/, and the finding names the accepted public pair.
grep -q '/admin/' "$T/run-weak/report.json" && ! grep -q '/\[secret\]/' "$T/run-weak/report.json" &&
	ok "weak persona: /admin/ paths readable in the report" || bad "weak persona: /admin/ paths masked"
grep -q 'universal default admin:admin (mirai list)' "$T/run-weak/report.json" &&
	ok "weak persona: the finding names the public pair admin:admin" || bad "weak persona: public pair not named"

wait $conf_pid; code=$?
cat "$T/assess-conforming.log"
# The conforming persona does things right and says so truthfully: every
# test case is PASS or INCONCLUSIVE (REVIEW_PENDING, MANUAL_STEP_PENDING),
# never FAIL or ERROR; the overall result is not FAIL; the run exits 3
# (INCOMPLETE: reviews pending, provisions without test cases).
[ $code -eq 3 ] && ok "conforming persona: exit 3 (INCOMPLETE, never FAIL)" || bad "conforming persona exit $code"
python3 - "$T/run-conforming" <<'PY' && ok "conforming persona: PASS or REVIEW/MANUAL pending, never FAIL" || bad "conforming persona"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
bad = [(t["id"], t["verdict"], t["reason"][:200]) for t in r["test_cases"]
       if t["verdict"] in ("FAIL", "ERROR")]
odd = [(t["id"], t["reason"][:120]) for t in r["test_cases"] if t["verdict"] == "INCONCLUSIVE"
       and not any(k in t["reason"] for k in ("REVIEW_PENDING", "MANUAL_STEP_PENDING", "IXIT_MISSING"))]
ran = [t for t in r["test_cases"] if t["type"] == "functional" and t["verdict"] == "PASS"]
if bad or len(ran) < 5 or r["result"] == "FAIL":
    print(bad, len(ran), r["result"]); sys.exit(1)
if odd:
    print("INCONCLUSIVE without a named pending step:", odd)
PY

for p in weak conforming; do
	xmllint --noout --schema "$SRC/reports/report.xsd" "$T/run-$p/report.xml" 2>/dev/null &&
		ok "$p: report.xml validates" || bad "$p: report.xml invalid"
	# Every secret of the forms, searched in every file of the run directory:
	# a strong one anywhere; a weak one (shorter than 8 characters or on a
	# public default list: docs/redact.md) where it stands as a whole token
	# outside the public pairs user:password of the lists, which a finding
	# names in clear.
	python3 - "$T/run-$p" "$T/dev-$p/ixit.xml" "$T/dev-$p/setup.xml" "$SRC/testcases/data" <<'PY' &&
import os, re, sys, xml.etree.ElementTree as ET
run, ixit, setup, data = sys.argv[1:5]
secrets = [f.text or "" for f in ET.parse(ixit).getroot().iter("{urn:assay:ixit:2}field")
           if f.get("secret") == "true"]
secrets += [p.text or "" for p in ET.parse(setup).getroot().iter("{urn:assay:setup:1}password")]
secrets = [s for s in secrets if s]
pairs = {}
for name in ("mirai.txt", "iot-defaults.txt"):
    for line in open(os.path.join(data, name), encoding="utf-8"):
        line = line.rstrip("\r\n")
        if line and not line.startswith("#") and ":" in line:
            pairs.setdefault(line.split(":", 1)[1], []).append(line)
W = rb"[A-Za-z0-9/_\-\x80-\xff]"
leaks = 0
for n, s in enumerate(secrets, 1):
    b = s.encode()
    weak = len(s) < 8 or s in pairs
    pat = re.compile(rb"(?<!" + W + rb")" + re.escape(b) + rb"(?!" + W + rb")") if weak else None
    allow = [re.compile(re.escape(p.encode())) for p in pairs.get(s, [])]
    for root, _, files in os.walk(run):
        for fn in files:
            t = open(os.path.join(root, fn), "rb").read()
            if not weak:
                hit = b in t
            else:
                spans = [m.span() for a in allow for m in a.finditer(t)]
                hit = any(not any(a <= m.start() and m.end() <= z for a, z in spans)
                          for m in pat.finditer(t))
            if hit:
                leaks += 1
                print("  secret #%d (%s) found in clear: %s" % (n, "weak" if weak else "strong", fn))
                break
print("%d secrets checked, %d weak" % (len(secrets), sum(1 for s in secrets if len(s) < 8 or s in pairs)))
sys.exit(1 if leaks or not secrets else 0)
PY
		ok "$p: no secret of the forms appears in clear in the run directory" ||
		bad "$p: secrets leaked"
	"$BIN" verify "$T/run-$p" --cert "$T/lab/cert.pem" >"$T/verify-$p" 2>&1 &&
		ok "$p: assay verify accepts the signed report" || bad "$p: assay verify: $(tail -3 "$T/verify-$p")"
	openssl cms -verify -binary -inform DER -in "$T/run-$p/report.p7s" -content "$T/run-$p/MANIFEST" \
		-CAfile "$T/lab/cert.pem" -purpose any -out /dev/null 2>"$T/ossl-$p" &&
		ok "$p: openssl cms -verify accepts report.p7s over MANIFEST" || bad "$p: openssl cms: $(cat "$T/ossl-$p")"
done
echo "$fails failure(s)"
[ $fails -eq 0 ]
