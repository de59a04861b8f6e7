#!/bin/bash
# Many devices per run (docs/fleet.md): two reference devices, a weak and a
# conforming one, each in a network namespace of its own (ip netns), both
# on the standard ports, assessed by one `assay run --fleet` (a fast subset
# of test cases).  Checks the per-device report directories, fleet.json
# against each report.json, the exit code (1: the weak device fails),
# that `assay summarize` over the same directories gives the same summary,
# that usage and form errors exit 2 with nothing run, and that a missing,
# corrupt or hostile report directory is a named error in summarize.
set -u
BIN=${ASSAY_BIN:?}
DEV=$(dirname "$BIN")/assay-refdevice
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null ||
    ! ip netns add "assay-fleet-probe-$$" 2>/dev/null; then
	echo "SKIP: needs root and ip netns"; exit 0
fi
ip netns del "assay-fleet-probe-$$"
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
T=$(mktemp -d /tmp/assay-e2e-fleet-XXXXXX)
NSA=assay-fleet-$$-a
NSB=assay-fleet-$$-b
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
ok() { echo "ok - $*"; }

for x in a:weak:$NSA b:conforming:$NSB; do
	IFS=: read -r id persona ns <<<"$x"
	ip netns add "$ns" || { echo "FAIL - ip netns add $ns"; exit 1; }
	ip netns exec "$ns" sh -c 'ip link set lo up; exec "$0" --persona "$1" --dir "$2" --ports standard --foreground' \
	    "$DEV" "$persona" "$T/dev-$id" >"$T/dev-$id.out" 2>&1 &
	pids="$pids $!"
done
for id in a b; do
	for _ in $(seq 1 300); do grep -q '^ready' "$T/dev-$id.out" && break; sleep 0.1; done
	grep -q '^ready' "$T/dev-$id.out" || { echo "FAIL - device $id did not start"; cat "$T/dev-$id.out"; exit 1; }
done

cat >"$T/fleet.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<fleet xmlns="urn:assay:fleet:1" version="1">
  <device id="weak-1" ics="dev-a/ics.xml" ixit="dev-a/ixit.xml" setup="dev-a/setup.xml" netns="$NSA"/>
  <device id="conforming-1" ics="dev-b/ics.xml" ixit="dev-b/ixit.xml" setup="dev-b/setup.xml" netns="$NSB"/>
</fleet>
EOF
ONLY=
for t in 4-1-1 5.1-1-1 5.1-3-1 5.1-4-1 5.1-4-2 5.1-5-1 5.2-1-1 5.2-1-2 \
    5.3-13-1 5.3-13-2 5.5-1-1 5.6-1-1 5.6-2-1; do
	ONLY="$ONLY --only $t"
done

# --- usage and form errors: exit 2, nothing run -------------------------
usage() {	# name, fleet file, extra args...
	local name=$1 f=$2; shift 2
	rm -rf "$T/u"
	"$BIN" run --fleet "$f" --out "$T/u" $ONLY "$@" >"$T/u.out" 2>"$T/u.err"
	local code=$?
	if [ $code -ne 2 ]; then fail "$name: exit $code, want 2"; cat "$T/u.err"
	elif [ -e "$T/u/weak-1" ] || [ -e "$T/u/conforming-1" ]; then fail "$name: a device ran"
	else ok "$name: exit 2, nothing run"; fi
}
sed 's|dev-b/setup.xml|dev-b/no-such-setup.xml|' "$T/fleet.xml" >"$T/bad-form.xml"
usage "one device's set-up missing" "$T/bad-form.xml"
grep -q 'device conforming-1' "$T/u.err" && grep -q 'no-such-setup.xml' "$T/u.err" ||
	fail "the bad device and its file are not named: $(cat "$T/u.err")"
sed 's|id="conforming-1"|id="weak-1"|' "$T/fleet.xml" >"$T/dup.xml"
usage "duplicate device id" "$T/dup.xml"
sed "s|netns=\"$NSB\"|netns=\"assay-fleet-$$-none\"|" "$T/fleet.xml" >"$T/nons.xml"
usage "missing network namespace" "$T/nons.xml"
grep -q "assay-fleet-$$-none" "$T/u.err" || fail "the missing namespace is not named"
printf '<?xml version="1.0"?>\n<!DOCTYPE fleet [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<fleet xmlns="urn:assay:fleet:1" version="1"><device id="x" setup="&x;"/></fleet>\n' >"$T/xxe.xml"
usage "DOCTYPE in the fleet file" "$T/xxe.xml"
usage "--fleet with --ics" "$T/fleet.xml" --ics "$T/dev-a/ics.xml"
"$BIN" run --parallel 2 --ics "$T/dev-a/ics.xml" --ixit "$T/dev-a/ixit.xml" \
    --setup "$T/dev-a/setup.xml" --out "$T/u2" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$T/u2" ] && ok "--parallel without --fleet: exit 2" ||
	fail "--parallel without --fleet is not a usage error"

# --- the fleet run ------------------------------------------------------
"$BIN" run --fleet "$T/fleet.xml" --out "$T/out" $ONLY -j2 --parallel 2 \
    >"$T/run.out" 2>"$T/run.err"
code=$?
[ $code -eq 1 ] && ok "fleet run: exit 1 (the weak device fails)" ||
	{ fail "fleet run: exit $code, want 1"; cat "$T/run.err"; }
for id in weak-1 conforming-1; do
	for f in report.json report.html report.xml junit.xml; do
		[ -s "$T/out/$id/$f" ] || fail "$id: no $f"
	done
	[ -s "$T/out/logs/$id.log" ] || fail "$id: no log"
done
python3 - "$T/out" <<'EOF' || fail "fleet.json does not say what the reports say"
import collections, json, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
f = json.load(open(out + "/fleet.json"))
assert f["assay_fleet"] == 1 and f["devices"] == 2, f
assert f["result"] == "FAIL" and f["exit_code"] == 1, f
devs = {d["id"]: d for d in f["device"]}
assert set(devs) == {"weak-1", "conforming-1"}, devs.keys()
keys = {"PASS": "pass", "FAIL": "fail", "INCONCLUSIVE": "inconclusive",
        "ERROR": "error", "NONE": "none", "NOT APPLICABLE": "not_applicable",
        "NOT FULFILLED": "not_fulfilled"}
for id, d in devs.items():
    r = json.load(open("%s/%s/report.json" % (out, id)))
    c = collections.Counter(keys.get(t["verdict"], "other") for t in r["test_cases"])
    for k in keys.values():
        assert d["verdicts"][k] == c[k], (id, k, d["verdicts"][k], c[k])
    assert d["result"] == r["result"], (id, d["result"], r["result"])
    assert d["report_dir"].endswith("/" + id), d
    assert d["address"] == "127.0.0.1", d
    assert d["peak_rss_kib"] > 1000, d
    assert d["duration_ms"] >= 0 and d["error"] is None, d
w, c = devs["weak-1"], devs["conforming-1"]
assert w["result"] == "FAIL" and w["exit_code"] == 1 and w["verdicts"]["fail"] > 0, w
# --only makes the scope partial: never a PASS, never a FAIL.
assert c["result"] == "INCOMPLETE" and c["exit_code"] == 3 and c["verdicts"]["fail"] == 0, c
h = open(out + "/fleet.html").read()
assert "weak-1" in h and "conforming-1/report.html" in h and "<script" not in h
j = ET.parse(out + "/fleet.junit.xml").getroot()
suites = j.findall("testsuite")
assert [s.get("name") for s in suites] == ["weak-1", "conforming-1"], suites
assert int(suites[0].get("failures")) == w["verdicts"]["fail"] + 1
EOF
[ $fails -eq 0 ] && ok "fleet.json, fleet.html, fleet.junit.xml agree with the reports"

# --- the same OUT again: refused without --resume; --resume finishes ------
"$BIN" run --fleet "$T/fleet.xml" --out "$T/out" $ONLY -j2 >"$T/again.out" 2>"$T/again.err"
code=$?
[ $code -eq 2 ] && grep -q 'device weak-1: .* is not empty' "$T/again.err" &&
	ok "a second fleet run into the same OUT: exit 2, the device named" ||
	{ fail "a second fleet run into the same OUT: exit $code"; cat "$T/again.err"; }
cp "$T/out/fleet.json" "$T/fleet.first.json"
rm -rf "$T/out/conforming-1"	# as if interrupted before it started
"$BIN" run --fleet "$T/fleet.xml" --out "$T/out" $ONLY -j2 --resume -q >"$T/res.out" 2>"$T/res.err"
code=$?
[ $code -eq 1 ] && [ -s "$T/out/conforming-1/report.json" ] &&
	ok "--resume: the finished device resumed, the missing one started afresh" ||
	{ fail "fleet --resume: exit $code"; cat "$T/res.err"; }

# --- interrupted: no further device starts, the running one writes ------
rm -rf "$T/int"
"$BIN" run --fleet "$T/fleet.xml" --out "$T/int" --only 4-1-1 --only 5.1-5-2 \
    -j2 --parallel 1 >"$T/int.out" 2>"$T/int.err" &
fpid=$!
for _ in $(seq 1 300); do grep -q 'weak-1: started' "$T/int.err" && break; sleep 0.1; done
sleep 2
kill -TERM "$fpid"
wait "$fpid"
code=$?
python3 - "$T/int" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1] + "/fleet.json"))
d = {x["id"]: x for x in f["device"]}
w, c = d["weak-1"], d["conforming-1"]
assert w["complete"] is False and w["result"] in ("FAIL", "INCOMPLETE"), w
assert c["result"] is None and "not run" in c["error"], c
assert f["exit_code"] in (1, 3), f
EOF
pyok=$?
[ $pyok -eq 0 ] && [ $code -eq 1 ] && [ -s "$T/int/weak-1/report.json" ] &&
    [ ! -e "$T/int/conforming-1" ] &&
	ok "SIGTERM: the running device wrote its report, the next never started (exit 1)" ||
	{ fail "an interrupted fleet run (exit $code)"; tail -5 "$T/int.err"; }
"$BIN" run --fleet "$T/fleet.xml" --out "$T/int" --only 4-1-1 --only 5.1-5-2 \
    -j2 --resume -q >/dev/null 2>"$T/int2.err"
code=$?
python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); assert all(d["complete"] and d["error"] is None for d in f["device"]), f' \
    "$T/int/fleet.json" 2>/dev/null && [ $code -eq 1 ] &&
	ok "--resume finishes the interrupted fleet" ||
	{ fail "--resume after an interrupted fleet (exit $code)"; tail -5 "$T/int2.err"; }

# --- a device's run killed: an error entry, the others go on -------------
rm -rf "$T/k"
"$BIN" run --fleet "$T/fleet.xml" --out "$T/k" --only 5.1-5-2 -j2 --parallel 2 \
    -q >"$T/k.out" 2>"$T/k.err" &
fpid=$!
kpid=
for _ in $(seq 1 300); do
	kpid=$(pgrep -f -- "--out $T/k/weak-1 " | head -1)
	[ -n "$kpid" ] && break
	sleep 0.1
done
sleep 1
[ -n "$kpid" ] && kill -KILL "$kpid"
wait "$fpid"
code=$?
python3 - "$T/k" <<'EOF'
import json, sys
f = json.load(open(sys.argv[1] + "/fleet.json"))
d = {x["id"]: x for x in f["device"]}
w, c = d["weak-1"], d["conforming-1"]
assert w["exit_code"] == 137 and "signal 9" in w["error"], w
assert c["complete"] and c["error"] is None, c
EOF
[ $? -eq 0 ] && [ -n "$kpid" ] && [ $code -ne 0 ] && [ $code -ne 2 ] &&
	ok "a device's run killed (SIGKILL): named in the summary, the other finished (exit $code)" ||
	{ fail "a killed device run (exit $code)"; tail -5 "$T/k.err"; }

# --- summarize over the same directories --------------------------------
"$BIN" summarize "$T/out/weak-1" "$T/out/conforming-1" --out "$T/sum" >"$T/sum.out" 2>"$T/sum.err"
code=$?
[ $code -eq 1 ] && ok "summarize: exit 1" || { fail "summarize: exit $code, want 1"; cat "$T/sum.err"; }
python3 - "$T/out/fleet.json" "$T/sum/fleet.json" <<'EOF' && ok "summarize gives the same summary" || fail "summarize differs from the fleet run"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
same = ("id", "address", "result", "complete", "verdicts", "exit_code", "error")
for k in ("result", "exit_code", "devices", "device_results"):
    assert a[k] == b[k], (k, a[k], b[k])
for x, y in zip(a["device"], b["device"]):
    for k in same:
        assert x[k] == y[k], (x["id"], k, x[k], y[k])
EOF
"$BIN" summarize "$T/out/conforming-1" --out "$T/sum3" -q >/dev/null 2>&1
code=$?
[ $code -eq 3 ] && ok "summarize, the conforming device alone (partial scope): exit 3" ||
	fail "summarize of an incomplete device: exit $code, want 3"

# --- missing, corrupt and hostile report directories ---------------------
mkdir -p "$T/bad/corrupt" "$T/bad/hostile" "$T/bad/notreport" "$T/bad/partial"
printf '{"test_cases": [' >"$T/bad/corrupt/report.json"
python3 -c 'print("[" * 100000 + "]" * 100000)' >"$T/bad/hostile/report.json"
printf '{"result": "PASS", "test_cases": "no"}' >"$T/bad/notreport/report.json"
cp "$T/out/conforming-1/report.json" "$T/bad/partial/"	# no report.html etc.
"$BIN" summarize "$T/out/weak-1" "$T/bad/missing" "$T/bad/corrupt" "$T/bad/hostile" \
    "$T/bad/notreport" "$T/bad/partial" --out "$T/sum2" >"$T/sum2.out" 2>"$T/sum2.err"
code=$?
[ $code -eq 1 ] && ok "summarize with bad directories: exit 1 (the FAIL still counts)" ||
	{ fail "summarize with bad directories: exit $code, want 1"; cat "$T/sum2.err"; }
for d in missing corrupt hostile notreport partial; do
	grep -q "$T/bad/$d" "$T/sum2.err" && ok "$d: named on stderr" || fail "$d: not named: $(cat "$T/sum2.err")"
done
python3 - "$T/sum2/fleet.json" <<'EOF' && ok "the bad directories are error entries" || fail "fleet.json of bad directories"
import json, sys
f = json.load(open(sys.argv[1]))
d = {x["id"]: x for x in f["device"]}
assert d["weak-1"]["result"] == "FAIL" and d["weak-1"]["error"] is None
for k in ("missing", "corrupt", "hostile", "notreport", "partial"):
    assert d[k]["error"], (k, d[k])
    assert d[k]["exit_code"] != 0, (k, d[k])
assert "missing" in d["partial"]["error"], d["partial"]
EOF
# A report whose strings are hostile: markup, terminal escapes, a control
# character, a bidi override, a terminal escape in the directory name; the
# summary and the terminal output stay well-formed and escaped.
EVIL="$T/bad/evil$(printf '\033')[31m"
mkdir -p "$EVIL"
cp -r "$T/out/weak-1/." "$EVIL/"
python3 - "$EVIL/report.json" <<'EOF'
import json, sys
p = sys.argv[1]
r = json.load(open(p))
t = r["test_cases"][0]
t["id"] = "</testcase><script>alert(1)</script>"
t["reason"] = "\x1b[2J\x07 \"quoted\" & <b>bold</b> \u202e"
t["verdict"] = "FAIL"
json.dump(r, open(p, "w"))
EOF
"$BIN" summarize "$EVIL" --out "$T/sum6" >"$T/sum6.out" 2>&1
code=$?
python3 - "$T/sum6" <<'EOF'
import sys, xml.etree.ElementTree as ET
d = sys.argv[1]
ET.parse(d + "/fleet.junit.xml")
for f in ("fleet.html", "fleet.junit.xml"):
    b = open(d + "/" + f, "rb").read()
    assert b"<script>" not in b and b"\x1b" not in b and b"\x07" not in b, f
    b.decode("utf-8")
EOF
pyok=$?
[ $pyok -eq 0 ] && ! grep -q "$(printf '\033')" "$T/sum6.out" && [ $code -eq 1 ] &&
	ok "hostile strings in a report: the summary is well-formed and escaped" ||
	fail "hostile strings in a report (exit $code): $(head -3 "$T/sum6.out")"
"$BIN" summarize "$T/out/conforming-1" "$T/bad/corrupt" --out "$T/sum4" -q >/dev/null 2>&1
code=$?
[ $code -eq 3 ] && ok "summarize: an unreadable directory and no FAIL: exit 3" ||
	fail "summarize with a corrupt dir and no FAIL: exit $code, want 3"
"$BIN" summarize --out "$T/sum5" >/dev/null 2>&1
[ $? -eq 2 ] && ok "summarize without a directory: exit 2" || fail "summarize without a directory"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all ok"
