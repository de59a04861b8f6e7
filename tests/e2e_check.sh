#!/bin/bash
# e2e_check.sh - `assay check` on the example forms, the broken examples
# and the templates, as a user runs it.  Env: ASSAY_BIN, ASSAY_SOURCE_DIR.
set -u
bin=${ASSAY_BIN:?set ASSAY_BIN}
src=${ASSAY_SOURCE_DIR:?set ASSAY_SOURCE_DIR}
ics_ok=$src/ics/examples/smart-camera.xml
ixit_ok=$src/ixit/examples/smart-camera.xml
setup_ok=$src/setup/examples/smart-camera.xml
tmp=$(mktemp -d /tmp/assay-e2e-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# 1. The examples are valid, without a warning: exit 0.
if ! "$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$setup_ok" \
    >"$tmp/out" 2>&1; then
	cat "$tmp/out" >&2
	fail "examples do not validate"
fi
grep -q "valid ICS" "$tmp/out" || fail "no 'valid ICS' line"
grep -q "valid set-up" "$tmp/out" || fail "no 'valid set-up' line"
grep -q "warning" "$tmp/out" && { cat "$tmp/out" >&2; fail "examples warn"; }
"$bin" check --ics "$ics_ok" --ixit "$ixit_ok" >/dev/null 2>&1 ||
	fail "check without --setup failed"

# 2. Each broken example: exit 2, FILE:LINE: and the cause its first line
# names.  An expectation starting "warning: " is a warning: exit 0, and the
# FILE:LINE: may be the other form's (ICS conditions against IXIT facts
# are reported at the condition).
check_broken() {
	local kind=$1 f=$2 expect out rc want=2 where
	expect=$(sed -n '1s/^<!-- expect: \(.*\) -->$/\1/p' "$f")
	[ -n "$expect" ] || { fail "$f: no '<!-- expect: ... -->' on line 1"; return; }
	where="$f"
	case "$expect" in
	"warning: "*) want=0; where="[^:]*" ;;
	esac
	case "$kind" in
	ics) "$bin" check --ics "$f" --ixit "$ixit_ok" --setup "$setup_ok" \
	    >"$tmp/out" 2>&1 ;;
	ixit) "$bin" check --ics "$ics_ok" --ixit "$f" --setup "$setup_ok" \
	    >"$tmp/out" 2>&1 ;;
	setup) "$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$f" \
	    >"$tmp/out" 2>&1 ;;
	esac
	rc=$?
	[ "$rc" -eq "$want" ] || fail "$f: exit $rc, expected $want"
	if ! grep -F -- "$expect" "$tmp/out" | grep -Eq -- "^$where:[0-9]+: "; then
		cat "$tmp/out" >&2
		fail "$f: no '$f:LINE: ...$expect...'"
	fi
}
n=0
for kind in ics ixit setup; do
	for f in "$src/$kind/examples/broken/"*.xml; do
		check_broken "$kind" "$f"
		n=$((n + 1))
	done
done
[ "$n" -ge 10 ] || fail "only $n broken examples"

# 3. JSON output parses, valid and invalid.
"$bin" check --format json --ics "$ics_ok" --ixit "$ixit_ok" >"$tmp/ok.json" ||
	fail "json check of the examples failed"
python3 -m json.tool "$tmp/ok.json" >/dev/null || fail "json (valid) does not parse"
"$bin" check --format json --ics "$src/ics/examples/broken/doctype.xml" \
    --ixit "$src/ixit/examples/broken/port-out-of-range.xml" >"$tmp/bad.json"
[ $? -eq 2 ] || fail "json check of broken forms: expected exit 2"
python3 -m json.tool "$tmp/bad.json" >/dev/null || fail "json (invalid) does not parse"
python3 - "$tmp/bad.json" <<'PY' || fail "json problems lack file/line/message"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] is False
msgs = [p["message"] for p in j["problems"]]
assert any("DOCTYPE" in m for m in msgs), msgs
assert any(p["line"] == 8 and "port 70000 out of range" in p["message"] for p in j["problems"]), msgs
PY

# 4. Fresh templates from `assay init` do not validate, and say why.
"$bin" init "$tmp/new" >/dev/null || fail "assay init failed"
[ -f "$tmp/new/setup.xml" ] || fail "assay init wrote no setup.xml"
"$bin" check --ics "$tmp/new/ics.xml" --ixit "$tmp/new/ixit.xml" \
    --setup "$tmp/new/setup.xml" >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "templates validate, but must not until filled in"
grep -q "ics.xml:[0-9]*: provision 5.1-1: support is still TODO (write Y, N or N/A)" "$tmp/out" ||
	fail "template ICS: no plain TODO line per provision"
grep -q "facet" "$tmp/out" && fail "template ICS: libxml2's schema messages instead of plain lines"
grep -q "ixit.xml:[0-9]*: .*port" "$tmp/out" || fail "template IXIT: no port message"
grep -q "setup.xml:[0-9]*: .*TODO" "$tmp/out" || fail "template set-up: no TODO message"
# The set-up template keeps the default budget: a full 65535-port sweep
# must fit in the default 300 s per test case.
grep -q 'max-rate="50"' "$tmp/new/setup.xml" && fail "set-up template ships max-rate=50"
# A valid IXIT that says little: how many items are filled, which are empty.
"$bin" check --ics "$src/ics/examples/smart-camera.xml" --ixit "$src/ixit/examples/smart-camera.xml" >"$tmp/out" 2>&1
grep -q "valid IXIT (3 services; 29 of 29 items filled)" "$tmp/out" || fail "IXIT fill not counted: $(cat "$tmp/out")"
python3 - "$src/ixit/examples/smart-camera.xml" "$tmp/sparse.xml" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
# empty the 25-DelFunc and 29-InpVal items
for item in ("25-DelFunc", "29-InpVal"):
    t = re.sub(r'(<item id="%s"[^>]*>).*?(</item>)' % item, r"\1\2", t, flags=re.S)
open(sys.argv[2], "w").write(t)
PY
"$bin" check --ics "$src/ics/examples/smart-camera.xml" --ixit "$tmp/sparse.xml" >"$tmp/out" 2>&1
grep -q "valid IXIT (3 services; 27 of 29 items filled)" "$tmp/out" &&
	grep -q "^  empty: 25-DelFunc 29-InpVal (test cases that read them" "$tmp/out" ||
	fail "empty items not named: $(cat "$tmp/out")"
# A budget whose full sweep outlasts the default time limit: valid, warned.
sed 's/max-rate="[0-9]*"/max-rate="50"/' "$src/setup/examples/smart-camera.xml" >"$tmp/slow.xml"
"$bin" check --ics "$src/ics/examples/smart-camera.xml" --ixit "$src/ixit/examples/smart-camera.xml" \
    --setup "$tmp/slow.xml" >"$tmp/out" 2>&1 || fail "a slow budget is not an error"
grep -q "slow.xml:[0-9]*: warning: budget max-rate 50 makes a full TCP sweep take 1310 s, longer than" "$tmp/out" ||
	fail "no warning for a sweep longer than the time limit: $(cat "$tmp/out")"

# 5. A version-1 IXIT: exit 2, one message per change.
"$bin" check --ics "$ics_ok" --ixit "$src/ixit/examples/broken/version-1.xml" \
    >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "version-1 IXIT: expected exit 2"
for m in "device-under-test> is gone" "<credentials> are gone" \
    "service \"rtsp\": the address attribute is gone" "<facts>"; do
	grep -qF -- "$m" "$tmp/out" || fail "version-1 IXIT: no '$m'"
done

# 6. run without --setup is a usage error that says why.
"$bin" run --ics "$ics_ok" --ixit "$ixit_ok" --out "$tmp/run" >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "run without --setup: expected exit 2"
grep -q -- "--setup" "$tmp/out" || fail "run without --setup: no explanation"
[ -e "$tmp/run" ] && fail "run without --setup created its output directory"

# 7. An empty form (an empty file, /dev/null): exit 2 and a message that
# names the file and says it is empty or not a form, never "0 problems"
# or an allocation failure.
: >"$tmp/empty.xml"
for f in "$tmp/empty.xml" /dev/null; do
	"$bin" check --ics "$ics_ok" --ixit "$f" >"$tmp/out" 2>&1
	[ $? -eq 2 ] || fail "empty IXIT $f: expected exit 2"
	grep -q "^$f: .*\(empty file\|not a form\)" "$tmp/out" ||
		{ cat "$tmp/out" >&2; fail "empty IXIT $f: no message naming it"; }
	grep -q "0 problems\|allocation" "$tmp/out" &&
		{ cat "$tmp/out" >&2; fail "empty IXIT $f: '0 problems' or allocation"; }
done

# 8. The lab's files (issue 13): a set-up naming a capture and a firmware
# image, relative to its own directory.  check names each with its hash;
# a wrong sha256, a missing file and a FIFO are refused at their line.
mkdir -p "$tmp/lab/captures" "$tmp/lab/images"
python3 - "$tmp/lab" <<'PY' || fail "cannot make the lab's files"
import io, struct, sys, tarfile
d = sys.argv[1]
# a pcap with one Ethernet/IPv4/UDP frame to port 53
udp = struct.pack("!HHHH", 40000, 53, 8 + 4, 0) + b"abcd"
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
    bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1])) + udp
eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
with open(d + "/captures/boot.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1, 0, len(eth), len(eth)) + eth)
with tarfile.open(d + "/images/ipcam-1.0.3.tar.gz", "w:gz") as t:
    data = b"root:$1$abc$xyz:0:0:99999:7:::\n"
    ti = tarfile.TarInfo("etc/shadow")
    ti.size = len(data)
    t.addfile(ti, io.BytesIO(data))
PY
cap_sha=$(sha256sum "$tmp/lab/captures/boot.pcap" | cut -d' ' -f1)
fw_sha=$(sha256sum "$tmp/lab/images/ipcam-1.0.3.tar.gz" | cut -d' ' -f1)
lab_setup() {	# $1 file name, $2 capture file, $3 its sha256 attribute
	cat >"$tmp/lab/$1" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<setup xmlns="urn:assay:setup:1" version="1">
  <address>127.0.0.1</address>
  <artefacts>
    <capture id="gw-capture" file="$2" $3/>
    <firmware id="fw-1-0-3" file="images/ipcam-1.0.3.tar.gz" sha256="$fw_sha"/>
  </artefacts>
</setup>
XML
}
lab_setup setup.xml captures/boot.pcap "sha256=\"$cap_sha\""
"$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$tmp/lab/setup.xml" \
    >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; fail "lab artefacts: not valid"; }
grep -q "valid set-up (1 address, 0 credentials, 2 artefacts)" "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "lab artefacts: not counted"; }
grep -q "capture gw-capture: .*/lab/captures/boot.pcap (.* bytes, sha256 $cap_sha)" \
    "$tmp/out" || fail "lab artefacts: capture not named with its hash"
grep -q "firmware fw-1-0-3: .*/lab/images/ipcam-1.0.3.tar.gz (.*sha256 $fw_sha)" \
    "$tmp/out" || fail "lab artefacts: firmware not named with its hash"
"$bin" check --format json --ics "$ics_ok" --ixit "$ixit_ok" \
    --setup "$tmp/lab/setup.xml" >"$tmp/lab.json" || fail "lab artefacts: json"
python3 - "$tmp/lab.json" "$cap_sha" <<'PY' || fail "lab artefacts: json lacks them"
import json, sys
a = json.load(open(sys.argv[1]))["artefacts"]
assert [x["id"] for x in a] == ["gw-capture", "fw-1-0-3"], a
assert a[0]["kind"] == "capture" and a[0]["sha256"] == sys.argv[2], a
PY
lab_setup wrong.xml captures/boot.pcap \
    'sha256="1111111111111111111111111111111111111111111111111111111111111111"'
"$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$tmp/lab/wrong.xml" \
    >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "lab artefacts: a wrong sha256 is not exit 2"
grep -q "wrong.xml:5: capture \"gw-capture\": .*sha256 is $cap_sha, the set-up file declares 1111" \
    "$tmp/out" || { cat "$tmp/out" >&2; fail "lab artefacts: wrong sha256 not at its line"; }
lab_setup missing.xml captures/none.pcap ""
"$bin" check --ics "$ics_ok" --ixit "$ixit_ok" --setup "$tmp/lab/missing.xml" \
    >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "lab artefacts: a missing file is not exit 2"
grep -q "missing.xml:5: capture \"gw-capture\": .*No such file" "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "lab artefacts: missing file not at its line"; }
mkfifo "$tmp/lab/captures/live.pcap"
lab_setup fifo.xml captures/live.pcap ""
timeout 20 "$bin" check --ics "$ics_ok" --ixit "$ixit_ok" \
    --setup "$tmp/lab/fifo.xml" >"$tmp/out" 2>&1
[ $? -eq 2 ] || fail "lab artefacts: a FIFO is not exit 2 (or hung)"
grep -q "fifo.xml:5: capture \"gw-capture\": .*not a regular file" "$tmp/out" ||
	{ cat "$tmp/out" >&2; fail "lab artefacts: FIFO not refused at its line"; }

if [ "$fails" -ne 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "e2e_check: ok ($n broken examples)"
