#!/bin/bash
# The liveness watch, end to end (issue 17 item 1), with the reference
# device's fragile service (assay-refdevice --fragile), each case in a
# fresh network namespace (the service counts the kernel's overflows):
#  - a device knocked over that comes back after 4 s: the watch pauses the
#    budget and resumes it; the incident (time, rate, how long down,
#    recovered) is in run.info, the journal, report.json and the text
#    summary; the test case is not made INCONCLUSIVE by it;
#  - a device that never comes back (give-up-s 3): the test case ends
#    INCONCLUSIVE "device stopped answering at N connections/s", exit 3,
#    the incident not recovered.
# What knocks the device over is a flood from outside the budget (a Python
# client, 400 connects in flight): the lab's own probes never do (the
# adaptive budget backs off, tests/test_budget.c).
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
DEV=$(dirname "$BIN")/assay-refdevice
T=$(mktemp -d /tmp/assay-e2e-live-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
if ! unshare -rn true 2>/dev/null && ! unshare -n true 2>/dev/null; then
	echo "SKIP: no network namespaces here"; exit 0
fi
if [ "$(id -u)" -eq 0 ]; then NS="unshare -n"; else NS="unshare -rn"; fi
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# One functional test case that talks to the fragile service for 14 s,
# one connection at a time, through the budget.
mkdir -p "$T/cat"
cat >"$T/cat/5.6-1.lua" <<'LUA'
group "5.6-1"
testcase {
  id = "5.6-1-2", units = { a = { criterion = "The fragile service answers (tests/e2e_liveness.sh).", decided = "automatic", reach = "network" }, b = { criterion = "Unit b, unused here.", decided = "automatic", reach = "network" } }, type = "functional", purpose = "talks to the fragile service for 14 s",
  run = function(a)
    local svc
    for _, s in ipairs(assay.ixit.services) do
      if s.id == "fragile" then svc = s end
    end
    if not svc then return inconclusive("no fragile service in the IXIT") end
    local n = 0
    for _ = 1, 56 do
      local d, err = assay.net.banner{host = svc.address, port = svc.port, idle_ms = 50, timeout_ms = 3000}
      if d then n = n + 1 end
      a.sleep(250)
    end
    a.unit("a", "PASS", n .. " answers")
    a.unit("b", "PASS", n .. " answers")
    return pass(n .. " answers from the fragile service")
  end,
}
LUA

# Floods host:port with connects for secs seconds (400 in flight, each
# given up after a second).
cat >"$T/flood.py" <<'PY'
import selectors, socket, sys, time
host, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sel = selectors.DefaultSelector()
born = {}
end = time.time() + secs
while time.time() < end:
    while len(born) < 400:
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((host, port))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            break
        sel.register(s, selectors.EVENT_WRITE)
        born[s] = time.time()
    for key, _ in sel.select(0.02):
        sel.unregister(key.fileobj)
        born.pop(key.fileobj, None)
        key.fileobj.close()
    now = time.time()
    for s in [s for s, t in born.items() if now - t > 1.0]:
        sel.unregister(s)
        born.pop(s)
        s.close()
PY

# case NAME FRAGILE [GIVE_UP_S]: device, run and flood in one namespace.
case_run() {
	local name=$1 fragile=$2 give=${3:-}
	$NS bash -c '
		ip link set lo up
		"$0" --persona conforming --dir "$2/dev-$1" --fragile "$4" --foreground > "$2/dev-$1.out" 2>&1 &
		dev=$!
		for _ in $(seq 1 300); do grep -q "^ready" "$2/dev-$1.out" && break; sleep 0.1; done
		if [ -n "$5" ]; then
			sed -i "s|<liveness service=\"fragile\"/>|<liveness service=\"fragile\" give-up-s=\"$5\"/>|" "$2/dev-$1/setup.xml"
		fi
		port=$(sed -n "s/.*id=\"fragile\".* port=\"\([0-9]*\)\".*/\1/p" "$2/dev-$1/ixit.xml" | head -1)
		[ -n "$port" ] || port=$(grep -o "fragile: 127.0.0.1:[0-9]*" "$2/dev-$1/log/fragile.log" | head -1 | cut -d: -f3)
		"$3" run --ics "$2/dev-$1/ics.xml" --ixit "$2/dev-$1/ixit.xml" \
			--setup "$2/dev-$1/setup.xml" --out "$2/run-$1" --catalogue "$2/cat" \
			--only 5.6-1-2 > "$2/run-$1.out" 2> "$2/run-$1.err" &
		run=$!
		sleep 2
		python3 "$2/flood.py" 127.0.0.1 "$port" 5
		wait $run
		code=$?
		cp "$2/dev-$1/log/fragile.log" "$2/fragile-$1.log"
		kill $dev; wait $dev
		exit $code' "$DEV" "$name" "$T" "$BIN" "$fragile" "$give"
}

# 1. Knocked over, back after 4 s.
case_run back 300:4; code=$?
grep -q "listener closed" "$T/fragile-back.log" && grep -q "back after 4 s" "$T/fragile-back.log" &&
	ok "the flood knocked the fragile service over and it came back" ||
	bad "fragile service not knocked over: $(cat "$T/fragile-back.log")"
python3 - "$T/run-back" <<'PY' && ok "paused and resumed: the incident in report.json, recovered" || bad "report.json (back): exit $code $(cat "$T/run-back.err")"
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
l = r["device_liveness"]
inc = l["incidents"]
t = {x["id"]: x for x in r["test_cases"]}["5.6-1-2"]
ok = "fragile" in l["watched"] and len(inc) >= 1 and inc[0]["recovered"] is True \
    and inc[0]["down_ms"] >= 1000 and inc[0]["rate_per_second"] > 0 and inc[0]["at"].endswith("Z") \
    and t["verdict"] == "PASS" and "stopped answering" not in t["reason"]
if not ok:
    print(json.dumps(l), t["verdict"], t["reason"])
sys.exit(0 if ok else 1)
PY
python3 - "$T/run-back/report.xml" <<'PY' && ok "report.xml has the incident" || bad "report.xml: no incident"
import sys, xml.etree.ElementTree as ET
ns = {"a": ET.parse(sys.argv[1]).getroot().tag.split("}")[0].strip("{")}
root = ET.parse(sys.argv[1]).getroot()
l = root.find("a:device-liveness", ns) if ns["a"] else root.find("device-liveness")
inc = l.findall("a:incident", ns) if ns["a"] else l.findall("incident")
ok = "fragile" in l.get("watched") and len(inc) >= 1 and inc[0].get("recovered") == "true" \
    and int(inc[0].get("down-ms")) >= 1000
sys.exit(0 if ok else 1)
PY
grep -q "Device liveness" "$T/run-back/report.html" && grep -q "came back; resumed at a lower rate" "$T/run-back/report.html" &&
	ok "report.html shows the incident" || bad "report.html: no incident"
grep -q "^device_liveness=\|device_liveness" "$T/run-back/run.info" 2>/dev/null &&
	ok "run.info keeps the incident" || bad "run.info: $(cat "$T/run-back/run.info" 2>/dev/null | head -30)"
grep -rqs "liveness: the device stopped answering at [0-9]* connections/s; it came back after [0-9]* ms" "$T/run-back" &&
	ok "the journal records it" || bad "no journal line"
"$BIN" report --out "$T/run-back" >"$T/summary-back" 2>&1
grep -q "device:      stopped answering at .* connections/s; back after" "$T/run-back.out" "$T/summary-back" &&
	ok "the text summary shows it" || bad "text summary: $(cat "$T/run-back.out")"

# 2. Knocked over for good; the watch gives up after 3 s.
case_run gone 300 3; code=$?
[ $code -eq 3 ] && ok "device gone: exit 3" || bad "device gone: exit $code $(tail -3 "$T/run-gone.err")"
python3 - "$T/run-gone" <<'PY' && ok "device gone: INCONCLUSIVE with the reason, the incident not recovered" || bad "report.json (gone)"
import json, re, sys
r = json.load(open(sys.argv[1] + "/report.json"))
inc = r["device_liveness"]["incidents"]
t = {x["id"]: x for x in r["test_cases"]}["5.6-1-2"]
ok = len(inc) >= 1 and inc[-1]["recovered"] is False and t["verdict"] == "INCONCLUSIVE" \
    and re.match(r"device stopped answering at \d+ connections/s", t["reason"]) is not None
if not ok:
    print(json.dumps(inc), t["verdict"], t["reason"])
sys.exit(0 if ok else 1)
PY
grep -q "did not come back: the test cases from then on are INCONCLUSIVE" "$T/run-gone/report.html" &&
	ok "report.html: the device did not come back" || bad "report.html (gone): no incident"

[ $fails -eq 0 ] && echo "all ok" || echo "$fails failed"
exit $((fails > 0))
