#!/bin/bash
# `assay list` on the real catalogue: every test case with, per unit, how a
# PASS of it is reached (decided) and where its subject is (reach), in text
# (one line per unit, at most 100 columns) and JSON; `--summary` counts
# what the JSON lists; and the README's section "How each unit is decided"
# states exactly what `assay list --summary` prints, so it stays true.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-list-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

for f in text json; do
	if "$BIN" list --format $f >"$T/list.$f" 2>"$T/err"; then
		ok "assay list --format $f"
	else
		bad "assay list --format $f: $(tail -5 "$T/err")"
	fi
	if "$BIN" list --summary --format $f >"$T/summary.$f" 2>"$T/err"; then
		ok "assay list --summary --format $f"
	else
		bad "assay list --summary --format $f: $(tail -5 "$T/err")"
	fi
done
"$BIN" list --help | grep -q -- "--summary" && ok "--help documents --summary" ||
	bad "--help does not mention --summary"

python3 - "$T" "$SRC" <<'PY' && ok "text, JSON and summary agree with the catalogue and the spec" || bad "list output"
import csv, json, re, sys
t, src = sys.argv[1], sys.argv[2]
spec = {r["test_case"]: r for r in csv.DictReader(open(src + "/spec/ts103701_v1.1.1_test_cases.csv"))}
# Assay's own, for the provisions new or split in EN 303 645 V3.1.3.
own = {r["test_case"]: r for r in csv.DictReader(open(src + "/spec/assay_v3.1.3_test_cases.csv"))}
spec.update(own)
allcat = json.load(open(t + "/list.json"))["test_cases"]
for tc in allcat:
    assert tc.get("assay_defined", False) == (tc["id"] in own), tc["id"]
cat = [tc for tc in allcat if not tc.get("assay_defined")]
owncat = [tc for tc in allcat if tc.get("assay_defined")]
kinds = ("automatic", "facts", "assessor", "observation")
reaches = ("network", "artefact", "physical", "declaration")
assert len(cat) >= 65, len(cat)
for tc in allcat:
    units = tc["units"]
    assert [u["letter"] for u in units] == [chr(97 + k) for k in range(int(spec[tc["id"]]["units"]))], tc["id"]
    for u in units:
        assert set(u) == {"letter", "decided", "reach", "criterion", "rule", "observation"}, u
        parts = u["decided"].split("+")
        assert 1 <= len(parts) <= 2 and len(set(parts)) == len(parts), u
        assert all(p in kinds for p in parts), u
        assert (u["observation"] is not None) == ("observation" in parts), (tc["id"], u)
        assert (u["reach"] is None) == (tc["type"] == "conceptual"), (tc["id"], u)
        assert u["reach"] is None or u["reach"] in reaches, u
        assert u["reach"] != "declaration" or tc["type"] == "conceptual+functional", (tc["id"], u)

# Text: the header line of each test case, then one line per unit.
lines = open(t + "/list.text").read().splitlines()
i = 2
for tc in allcat:
    assert lines[i].split()[0] == tc["id"], (lines[i], tc["id"])
    assert ("[Assay-defined (EN 303 645 V3.1.3)]" in lines[i]) == (tc["id"] in own), lines[i]
    i += 1
    for u in tc["units"]:
        l = lines[i]
        assert len(l) <= 100, l
        f = l.split(None, 3)
        assert f[0] == u["letter"] and f[1] == u["decided"] and f[2] == (u["reach"] or "-"), l
        crit = f[3]
        assert crit == u["criterion"] or (crit.endswith("...") and u["criterion"].startswith(crit[:-3])), l
        i += 1
assert lines[i].startswith("%d test cases of " % len(cat)), lines[i]
groups = {tc["group"] for tc in owncat}
assert lines[i + 1] == "%d Assay-defined test cases for %d of the 16 provisions new or split in EN 303 645 V3.1.3" % (len(owncat), len(groups)), lines[i + 1]

# Summary: the same figures counted here from the JSON listing.
def count(tcs):
    s = {"test_cases": len(tcs), "units": 0, "units_by_main_kind": dict.fromkeys(kinds, 0),
         "units_compound": 0, "functional_units_by_reach": dict.fromkeys(reaches, 0),
         "network_units_automated": 0}
    for tc in tcs:
        for u in tc["units"]:
            parts = u["decided"].split("+")
            s["units"] += 1
            s["units_by_main_kind"][parts[0]] += 1
            s["units_compound"] += len(parts) == 2
            if u["reach"]:
                s["functional_units_by_reach"][u["reach"]] += 1
            if u["reach"] == "network" and "automatic" in parts:
                s["network_units_automated"] += 1
    n = s["functional_units_by_reach"]["network"]
    s["network_automated_percent"] = float("%.1f" % (100.0 * s["network_units_automated"] / n)) if n else None
    return s
core = lambda g: g == "4-1" or re.match(r"5\.[1-5]-", g) is not None
summ = json.load(open(t + "/summary.json"))
for part, tcs in (("all", cat), ("core", [x for x in cat if core(x["group"])]),
                  ("other", [x for x in cat if not core(x["group"])])):
    want = count(tcs)
    assert summ[part] == want, (part, summ[part], want)
# The Assay-defined ones apart: TS 103 701's figures stay its own.
assert summ["assay_defined"] == count(owncat), (summ["assay_defined"], count(owncat))
stext = open(t + "/summary.text").read().splitlines()
assert stext[-1] == "%d Assay-defined test cases (%d units) for %d of the 16 provisions new or split in EN 303 645 V3.1.3" % (
    len(owncat), summ["assay_defined"]["units"], len(groups)), stext[-1]
PY

python3 - "$T" "$SRC" <<'PY' && ok "the README states what assay list --summary prints" || bad "README figures out of date: paste 'assay list --summary' into README.md (How each unit is decided)"
import json, re, sys
t, src = sys.argv[1], sys.argv[2]
readme = open(src + "/README.md").read()
m = re.search(r"<!-- assay list --summary -->\n```text\n(.*?)```", readme, re.S)
assert m, "no summary block in README.md"
got = open(t + "/summary.text").read()
if m.group(1) != got:
    print("README.md:\n" + m.group(1) + "assay list --summary:\n" + got)
    raise SystemExit(1)
summ = json.load(open(t + "/summary.json"))
want = []
for part in ("all", "core"):
    s = summ[part]
    want.append("**%d of %d (%.1f %%)**" % (s["network_units_automated"],
                s["functional_units_by_reach"]["network"], s["network_automated_percent"]))
p = re.search(r"(\*\*\d+ of \d+ \([\d.]+ %\)\*\*) over the catalogue,\s+(\*\*\d+ of \d+ \([\d.]+ %\)\*\*) for 4-1", readme)
assert p and [p.group(1), p.group(2)] == want, (p and p.groups(), want)
# Every network unit that still needs a person is named in the paragraph.
para = readme[p.start():readme.index("\n\n", p.start())]
cat = json.load(open(t + "/list.json"))["test_cases"]
for tc in (x for x in cat if not x.get("assay_defined")):
    for u in tc["units"]:
        if u["reach"] == "network" and "automatic" not in u["decided"]:
            assert tc["id"] in para, (tc["id"], u["letter"])
PY

# A test case sees its declarations as assay.testcase.units[x].decided/reach.
mkdir -p "$T/cat"
cat >"$T/cat/5.6-1.lua" <<'LUA'
group "5.6-1"
testcase {
  id = "5.6-1-2", type = "functional", purpose = "reports its own unit declarations",
  units = {
    a = { criterion = "A unit of the e2e_list catalogue, decided by two kinds.",
      observation = "interface-status", observe = "look at the device",
      decided = "automatic+observation", reach = "network" },
    b = { criterion = "Another unit of the e2e_list catalogue, from a file.",
      decided = "automatic", reach = "artefact" },
  },
  run = function(a)
    local u = a.testcase.units
    return fail("units " .. u[1].decided .. "@" .. u[1].reach .. ", "
        .. u[2].decided .. "@" .. u[2].reach)
  end,
}
LUA
"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
	--setup "$SRC/setup/examples/smart-camera.xml" --out "$T/r" --catalogue "$T/cat" -q \
	>"$T/out" 2>"$T/err"
python3 - "$T/r/report.json" <<'PY' && ok "assay.testcase.units carries decided and reach" || bad "decided/reach in Lua: $(tail -3 "$T/err")"
import json, sys
t = {x["id"]: x for x in json.load(open(sys.argv[1]))["test_cases"]}["5.6-1-2"]
want = "units automatic+observation@network, automatic@artefact"
if want not in t["reason"]:
    print(t["verdict"], t["reason"][:300])
    sys.exit(1)
PY

exit $((fails > 0))
