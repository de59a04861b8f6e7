#!/bin/bash
# The report writers and hostile device strings: markup from the device
# (in reasons, units, transcripts and artefacts) is escaped in report.html,
# which has no script and no external asset; report.xml validates against
# reports/report.xsd; junit.xml validates against the common JUnit schema
# and maps verdicts (FAIL -> failure, NOT APPLICABLE -> skipped).
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-report-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
	--setup "$SRC/setup/examples/smart-camera.xml" \
	--out "$T/r" --catalogue "$SRC/tests/data/catalogue-report" -q
[ $? -eq 1 ] && ok "run with a FAIL: exit 1" || bad "exit code"
H=$T/r/report.html
[ -s "$H" ] || bad "no report.html"
if grep -qi '<script\|<img' "$H"; then bad "markup from the device is live in report.html"; else ok "no live markup in report.html"; fi
grep -q '&lt;script&gt;alert(&#39;reason&#39;)&lt;/script&gt;' "$H" && ok "reason shown escaped" || bad "reason not shown escaped"
grep -q "Server: &lt;script&gt;alert(&#39;evidence&#39;)" "$H" && ok "evidence excerpt shown escaped" || bad "evidence excerpt"
grep -q '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;' "$H" && ok "unit reason shown escaped" || bad "unit reason"
if grep -Eqi '(src|href)="?(https?:)?//' "$H"; then bad "report.html loads something external"; else ok "report.html is self-contained"; fi
python3 -c "import html.parser,sys; html.parser.HTMLParser().feed(open('$H').read())" && ok "report.html parses" || bad "report.html parse"
xmllint --noout --schema "$SRC/reports/report.xsd" "$T/r/report.xml" 2>"$T/x" && ok "report.xml validates" || bad "report.xml: $(head -3 "$T/x")"
xmllint --noout --schema "$SRC/tests/data/junit.xsd" "$T/r/junit.xml" 2>"$T/j" && ok "junit.xml validates against the JUnit schema" || bad "junit.xml: $(head -3 "$T/j")"
python3 - "$T/r/junit.xml" <<'PY' && ok "junit.xml maps the verdicts" || bad "junit mapping"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = {c.get("name"): c for c in root.iter("testcase")}
assert cases["5.1-1-1"].find("failure") is not None
assert "alert('reason')" in cases["5.1-1-1"].find("failure").get("message")
assert len(list(cases["5.1-1-2"])) == 0          # PASS: no child
# Jenkins splits a classname at its last dot: no dot inside the group.
assert cases["5.1-1-1"].get("classname") == "assay.5_1-1", cases["5.1-1-1"].get("classname")
assert cases["overall result"].get("classname") == "assay.overall"
for suite in root.iter("testsuite"):
    assert suite.get("hostname") and suite.get("timestamp", "").startswith("20"), suite.attrib
    assert float(suite.get("time")) >= 0, suite.attrib
PY
python3 -c "import json; json.load(open('$T/r/report.json'))" && ok "report.json parses despite invalid UTF-8 from the device" || bad "report.json"
# report.json against its JSON Schema (reports/report.schema.json), and a
# report with a count as a string or an unknown verdict must not pass it.
if python3 -c "import jsonschema" 2>/dev/null; then
	python3 - "$SRC/reports/report.schema.json" "$T/r/report.json" <<'PY' && ok "report.json matches reports/report.schema.json; a count as a string or an unknown verdict does not" || bad "report.json schema"
import copy, json, sys, jsonschema
schema, rep = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.validate(rep, schema)
for mutate in (lambda r: r["summary"].__setitem__("failed", "1"),
               lambda r: r["test_cases"][0].__setitem__("verdict", "MAYBE"),
               lambda r: r.pop("result")):
    bad = copy.deepcopy(rep)
    mutate(bad)
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        continue
    raise SystemExit("a broken report passed the schema")
PY
else
	echo "SKIP - python3 jsonschema not installed (.ci/packages installs python3-jsonschema)"
fi
python3 - "$T/r/report.sarif" "$T/r/report.json" <<'PY' && ok "report.sarif: SARIF 2.1.0, a rule and a result per test case, kinds and levels as SARIF requires" || bad "report.sarif"
import json, sys
s = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
assert s["version"] == "2.1.0" and len(s["runs"]) == 1
run = s["runs"][0]
rules = run["tool"]["driver"]["rules"]
verdict = {t["id"]: t["verdict"] for t in rep["test_cases"]}
assert [r["id"] for r in rules] == [t["id"] for t in rep["test_cases"]]
kinds = {"FAIL": "fail", "PASS": "pass", "INCONCLUSIVE": "review", "NOT APPLICABLE": "notApplicable",
         "NOT FULFILLED": "notApplicable"}
for i, res in enumerate(run["results"]):
    assert res["ruleIndex"] == i and rules[i]["id"] == res["ruleId"]
    v = verdict[res["ruleId"]]
    assert res["properties"]["verdict"] == v and res["kind"] == kinds.get(v, "open"), res
    assert res["level"] == ("error" if v == "FAIL" else "none"), res
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "forms/ixit.xml"
assert run["properties"]["result"] == rep["result"]
assert "alert('reason')" in run["results"][0]["message"]["text"]
PY
# Every report file is written atomically and durably (docs/file.md): its
# temporary file is fsync'ed before the rename, the directory after it,
# and no temporary file is left.
if command -v strace >/dev/null 2>&1; then
	strace -f -y -e trace=fsync,rename,renameat,renameat2 -o "$T/strace" \
		"$BIN" run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml" \
		--setup "$SRC/setup/examples/smart-camera.xml" \
		--out "$T/s" --catalogue "$SRC/tests/data/catalogue-report" -q >/dev/null 2>&1
	python3 - "$T/strace" "$T/s" <<'PY' && ok "report files fsync'ed before and after the rename" || bad "report files not fsync'ed"
import os, re, sys
lines = open(sys.argv[1]).read().splitlines()
rundir = os.path.realpath(sys.argv[2])
for name in ("report.json", "report.xml", "report.html", "junit.xml"):
    ren = [i for i, l in enumerate(lines) if "rename" in l and
           re.search(r'"%s"' % re.escape(name), l) and "= 0" in l]
    assert ren, "no rename to " + name
    r = ren[-1]
    tmp = [i for i, l in enumerate(lines[:r]) if l.split()[1].startswith("fsync(")
           and "/." + name + "." in l and ".tmp>" in l and "= 0" in l]
    assert tmp, name + ": temporary file not fsync'ed before the rename"
    after = [i for i, l in enumerate(lines[r:]) if "fsync(" in l and
             ("<" + rundir + ">") in l and "= 0" in l]
    assert after, name + ": directory not fsync'ed after the rename"
left = [f for f in os.listdir(rundir) if f.endswith(".tmp")]
assert not left, "temporary files left: %r" % left
PY
else
	echo "ok - # SKIP strace not installed: fsync of the report files not checked"
fi
echo "$fails failure(s)"
[ $fails -eq 0 ]
