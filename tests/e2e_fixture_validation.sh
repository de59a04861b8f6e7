#!/bin/bash
# e2e_fixture_validation.sh - the fixture runner agrees with the engine.
# For every forms-only case of the validation corpus (tests/validation,
# device: none), the forms are patched by run.py (Python, ElementTree) and
# assessed by `assay run`; the same patch lines in a fixture, run by
# `assay fixture` (patched in C on the libxml2 tree, run by the fixture
# runner), must give the same verdict and reason.  This pins the patch
# language to the corpus's and the runner to the engine.
# Env: ASSAY_BIN, ASSAY_SOURCE_DIR.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-fxval-XXXXXX)
trap 'rm -rf "$T"' EXIT

python3 - "$BIN" "$SRC" "$T" <<'PY' || exit 1
import concurrent.futures, importlib.util, os, sys, types
bin_, src, tmp = sys.argv[1:]
spec = importlib.util.spec_from_file_location("run", os.path.join(src, "tests/validation/run.py"))
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)
cases_dir = os.path.join(src, "tests/validation/cases")
cases = []
for root, _, files in os.walk(cases_dir):
    for f in sorted(files):
        if f.endswith(".case"):
            c = run.parse_case(os.path.join(root, f))
            if c["device"] == "none":
                cases.append(c)
cases.sort(key=lambda c: c["name"])
args = types.SimpleNamespace(bin=bin_, keep=None)
base = os.path.join(src, "tests/validation/base")
work = os.path.join(tmp, "runs")
os.makedirs(work)
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
    results = list(ex.map(lambda c: run.run_case(args, c, base, work), cases))

def lua_long(s):
    eq = 0
    while ("]" + "=" * eq + "]") in s:
        eq += 1
    return "[" + "=" * eq + "[" + s + "]" + "=" * eq + "]"

fixtures = os.path.join(tmp, "fixtures")
os.makedirs(fixtures)
for c, r in zip(cases, results):
    if r["verdict"] not in ("PASS", "FAIL", "INCONCLUSIVE", "ERROR"):
        print("no verdict for", c["name"], r, file=sys.stderr)
        sys.exit(1)
    name = c["name"].replace("/", "--").replace(".case", ".fixture")
    with open(os.path.join(fixtures, name), "w", encoding="utf-8") as f:
        f.write("-- %s\nreturn {\n  testcase = %s,\n  forms = %s,\n  patch = {\n"
                % (c["title"], lua_long(c["testcase"]), lua_long(base)))
        for _, p in c["patches"]:
            f.write("    %s,\n" % lua_long(p))
        # A leading newline of a long bracket is dropped by Lua: none here.
        f.write("  },\n  expect = { verdict = %s, reason = %s },\n}\n"
                % (lua_long(r["verdict"]), lua_long(r["reason"])))
print("%d forms-only cases assessed by assay run" % len(cases))
PY
"$BIN" fixture -q "$T"/fixtures/*.fixture > "$T/out" 2>&1
code=$?
grep -v ': warning: ' "$T/out" | tail -40
[ $code -eq 0 ] || { echo "FAIL: the fixture runner disagrees with assay run" >&2; exit 1; }
echo "e2e_fixture_validation: ok"
