#!/usr/bin/env python3
"""The hostile-device suite: runs every scenario of tests/hostile/scenarios
(one misbehaving device per file, see README.md) in its own network
namespace and checks that Assay survives it: a verdict of the expected
class (never PASS), within the scenario's deadline and memory cap, an exit
code that matches the verdicts, no crash or sanitizer report, report files
that parse, no raw control characters from the device on the console, no
lab password in clear in the report, no connection to a host that is not
the device.

A scenario marked `known: <defect>` that fails is an expected failure
(XFAIL) and does not fail the suite; one that passes is reported XPASS
(remove its `known:`).  Exit 1 on any other failure.

usage: run.py [--bin ASSAY] [--jobs N] [--only SUBSTR] [--keep DIR] [-v]
"""
import argparse
import base64
import concurrent.futures
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATION = os.path.join(os.path.dirname(HERE), "validation")
# The validation corpus's runner: its patch language, base forms, namespaces.
_spec = importlib.util.spec_from_file_location("validation_run", os.path.join(VALIDATION, "run.py"))
validation = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(validation)

VERDICTS = ("FAIL", "INCONCLUSIVE", "ERROR")
SANITIZER = re.compile(r"ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:|"
                       r"SUMMARY: \w+Sanitizer|Segmentation fault|core dumped")
# Raw control characters: C0 except TAB and LF (a CR lets a device rewrite
# the line it is printed on), DEL, C1 (as code points and as stray bytes
# 0x80..0x9f), and bidi overrides.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069"
                     "\udc80-\udc9f]")


class ScenarioError(Exception):
    pass


def parse(path):
    sc = {"path": path, "name": os.path.splitext(os.path.basename(path))[0],
          "patches": [], "script": None, "known": None, "error": False,
          "timeout": None, "reason": None, "args": []}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or not lines[0].startswith("# "):
        raise ScenarioError(f"{path}:1: a scenario starts with '# <what the device does>'")
    sc["title"] = lines[0][2:].strip()
    i = 1
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^([a-z-]+):\s?(.*)$", line)
        if not m:
            raise ScenarioError(f"{path}:{i}: expected 'key: value'")
        key, val = m.group(1), m.group(2).rstrip()
        if key == "testcase":
            sc["testcases"] = val.split()
        elif key == "expect":
            want = val.split("|")
            if "PASS" in want:
                raise ScenarioError(f"{path}:{i}: a hostile device never earns a PASS")
            if not want or any(v not in ("FAIL", "INCONCLUSIVE") for v in want):
                raise ScenarioError(f"{path}:{i}: expect: FAIL, INCONCLUSIVE or FAIL|INCONCLUSIVE")
            sc["expect"] = want
        elif key == "error":
            if val not in ("allowed", "no"):
                raise ScenarioError(f"{path}:{i}: error: allowed | no")
            sc["error"] = val == "allowed"
        elif key == "deadline":
            sc["deadline"] = float(val)
        elif key == "memory":
            sc["memory"] = int(val)
        elif key == "timeout":
            sc["timeout"] = int(val)
        elif key == "args":
            sc["args"] = shlex.split(val)
        elif key == "why":
            sc["why"] = val
        elif key == "reason":
            sc["reason"] = val
        elif key == "known":
            sc["known"] = val
        elif key == "patch":
            sc["patches"].append((i, val))
        elif key == "script":
            body = []
            while i < len(lines) and (lines[i].startswith("  ") or not lines[i].strip()):
                body.append(lines[i][2:])
                i += 1
            sc["script"] = "\n".join(body).strip() + "\n"
        else:
            raise ScenarioError(f"{path}:{i}: unknown key '{key}'")
    for k in ("testcases", "expect", "deadline", "memory", "script"):
        if k not in sc or sc[k] is None:
            raise ScenarioError(f"{path}: missing '{k}:'")
    return sc


# --- one scenario ------------------------------------------------------------

def run_in_namespace(args, sc, forms, d):
    """Device up, then assay (in its own process group, under maxrss.py and
    a hard watchdog at twice the deadline); returns its exit code and the
    namespace's stderr."""
    with open(os.path.join(d, "device.sh"), "w") as f:
        f.write(". \"$VALIDATION_DIR/device.sh\"\n. \"$HOSTILE_DIR/hostile.sh\"\n" + sc["script"])
    out = os.path.join(d, "run")
    timeout = sc["timeout"] or max(10, int(sc["deadline"]))
    cmd = [args.bin, "run", "--ics", forms["ics"], "--ixit", forms["ixit"], "--setup",
           forms["setup"], "--out", out, "--timeout", str(timeout)] + sc["args"]
    for tc in sc["testcases"]:
        cmd += ["--only", tc]
    hard = int(sc["deadline"] * 2 + 10)
    inner = (
        "ip link set lo up || exit 97\n"
        f"cd {shlex.quote(d)}\n"
        f"export CASE_DIR={shlex.quote(d)} VALIDATION_DIR={shlex.quote(VALIDATION)} "
        f"HOSTILE_DIR={shlex.quote(HERE)}\n"
        "setsid bash device.sh > device.log 2>&1 &\n"
        "dev=$!\n"
        "for _ in $(seq 1 200); do [ -e ready ] && break; sleep 0.05; done\n"
        "[ -e ready ] || { echo 'device script never touched ./ready' >&2; "
        "kill -- -$dev 2>/dev/null; exit 98; }\n"
        "t0=$(date +%s%N)\n"
        f"setsid {shlex.quote(sys.executable)} {shlex.quote(os.path.join(HERE, 'maxrss.py'))} rss "
        + " ".join(shlex.quote(x) for x in cmd)
        + " > console.out 2> console.err &\n"
        "pid=$!\n"
        "( trap 'kill $s 2>/dev/null; exit 0' TERM; "
        f"sleep {hard} & s=$!; wait $s; touch HUNG; kill -KILL -- -$pid ) "
        ">/dev/null 2>&1 </dev/null &\n"
        "dog=$!\n"
        "wait $pid\ncode=$?\n"
        "t1=$(date +%s%N)\n"
        "echo $(( (t1 - t0) / 1000000 )) > wall_ms\n"
        "kill $dog 2>/dev/null\n"
        "kill -KILL -- -$pid 2>/dev/null\n"
        "kill -- -$dev 2>/dev/null\n"
        "wait 2>/dev/null\n"
        "exit $code\n")
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    p = subprocess.run(validation.netns_prefix() + ["bash", "-c", inner], capture_output=True,
                       env=env, timeout=hard + 60)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def lab_secrets(setup_path):
    """Every lab password of the set-up file in the encodings Assay itself
    produces on the wire (issue 11 defect 2): clear, base64 of the password
    and of user:password (HTTP Basic), URL-encoded, hex."""
    out = set()
    ns = validation.NS["setup"]
    root = ET.parse(setup_path).getroot()
    for cred in root.iter("{%s}credential" % ns):
        pw = cred.findtext("{%s}password" % ns) or ""
        user = cred.findtext("{%s}username" % ns) or ""
        if len(pw) < 6:
            continue
        raw = pw.encode("utf-8")
        out.add(raw)
        out.add(base64.b64encode(raw))
        out.add(base64.b64encode(user.encode("utf-8") + b":" + raw))
        out.add(urllib.parse.quote(pw, safe="").encode())
        out.add(urllib.parse.quote_plus(pw).encode())
        out.add(raw.hex().encode())
    return sorted(out)


def check(args, sc, forms, d, code, inner_err):
    """Every check of one scenario: a list of problems (empty: passed)."""
    problems = []
    if code in (97, 98):
        return [f"device set-up failed: {inner_err.strip()[-300:]}"
                f" {(read(os.path.join(d, 'device.log')) or '')[-300:]}"]
    out = os.path.join(d, "run")
    wall = read(os.path.join(d, "wall_ms"))
    wall = int(wall) / 1000.0 if wall and wall.strip().isdigit() else None
    if os.path.exists(os.path.join(d, "HUNG")):
        problems.append(f"hung: killed after {int(sc['deadline'] * 2 + 10)} s")
    elif wall is None or wall > sc["deadline"]:
        problems.append(f"deadline: took {wall} s, allowed {sc['deadline']:g} s")
    rss = read(os.path.join(d, "rss"))
    rss_kb = None
    if rss:
        m = re.search(r"(\d+)\s*$", rss.strip())
        rss_kb = int(m.group(1)) if m else None
    if rss_kb is None:
        problems.append("no max RSS measured (killed?)")
    elif rss_kb > sc["memory"] * 1024:
        problems.append(f"memory: max RSS {rss_kb // 1024} MiB, cap {sc['memory']} MiB")
    console = (read(os.path.join(d, "console.out"), "rb") or b"") \
        + (read(os.path.join(d, "console.err"), "rb") or b"")
    text = console.decode("utf-8", "surrogateescape")
    if SANITIZER.search(text):
        problems.append("sanitizer report or crash: "
                        + SANITIZER.search(text).group(0))
    bad = CONTROL.search(text)
    if bad:
        ctx = text[max(0, bad.start() - 40):bad.start() + 20]
        problems.append("raw control character U+%04X on the console near %r"
                        % (ord(bad.group(0)) if ord(bad.group(0)) < 0xdc00
                           else ord(bad.group(0)) - 0xdc00, ctx))
    # report files
    rep = None
    try:
        with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
            rep = json.load(f)
    except (OSError, ValueError) as e:
        problems.append(f"report.json: {e}")
    for name in ("junit.xml", "report.xml"):
        try:
            ET.parse(os.path.join(out, name))
        except (OSError, ET.ParseError) as e:
            problems.append(f"{name}: {e}")
    html = read(os.path.join(out, "report.html"), "rb")
    if html is None:
        problems.append("report.html missing")
    else:
        try:
            html.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"report.html is not valid UTF-8: {e}")
    verdicts = {}
    if rep is not None:
        for tc in rep.get("test_cases", []):
            verdicts[tc.get("id")] = (tc.get("verdict"), tc.get("reason") or "")
        for tc in sc["testcases"]:
            v, reason = verdicts.get(tc, (None, ""))
            if v is None:
                problems.append(f"{tc}: not in report.json")
                continue
            ok = v in sc["expect"] or (v == "ERROR" and sc["error"])
            if not ok:
                problems.append(f"{tc}: verdict {v}, expected {'|'.join(sc['expect'])}"
                                + (" (or ERROR)" if sc["error"] else "")
                                + f": {reason[:300]}")
            # "...: " with nothing after it, at the end or before the next part
            if re.search(r":\s*($|[;|])", reason) or reason.strip() == "":
                problems.append(f"{tc}: the reason names no cause: {reason[:200]!r}")
            if sc["reason"] and not re.search(sc["reason"], reason):
                problems.append(f"{tc}: reason does not match /{sc['reason']}/: {reason[:200]}")
    # exit code: 1 with a FAIL, otherwise 3 (a partial --only run is never 0)
    got = [verdicts.get(tc, (None,))[0] for tc in sc["testcases"]]
    want_code = 1 if "FAIL" in got else 3
    if code != want_code:
        problems.append(f"exit code {code}, expected {want_code} for verdicts {got}")
    # no lab password in clear anywhere in the report directory
    secrets = lab_secrets(forms["setup"])
    for root, _, files in os.walk(out):
        for fn in files:
            p = os.path.join(root, fn)
            data = read(p, "rb") or b""
            m = SANITIZER.search(data.decode("utf-8", "replace"))
            if m:
                problems.append(f"sanitizer report or crash in {os.path.relpath(p, out)}: "
                                f"{m.group(0)}")
            for s in secrets:
                # the password, or all of it but the last character (a
                # password echoed back and cut at a prompt-like '#', '$', '>')
                if s in data or (len(s) >= 8 and s[:-1] in data):
                    problems.append(f"lab password in clear in {os.path.relpath(p, out)} "
                                    f"(as {s[:3].decode('latin-1')}...)")
                    break
    # no connection to a host that is not the device
    for fn in sorted(os.listdir(d)):
        if fn.startswith("TRAP-"):
            problems.append(f"connected to 127.0.0.2:{fn[5:]}, a host that is not the device")
    return problems, wall, rss_kb, got


def run_one(args, sc, work):
    d = tempfile.mkdtemp(prefix=sc["name"] + "-", dir=work)
    t0 = time.time()
    try:
        forms = validation.write_forms(sc, os.path.join(VALIDATION, "base"), d)
        code, err = run_in_namespace(args, sc, forms, d)
        problems, wall, rss, got = check(args, sc, forms, d, code, err)
    except (validation.CaseError, ScenarioError, subprocess.TimeoutExpired, OSError) as e:
        problems, wall, rss, got = [f"runner: {e}"], None, None, []
    res = {"name": sc["name"], "title": sc["title"], "problems": problems, "wall": wall,
           "rss_kb": rss, "verdicts": got, "known": sc["known"], "dir": d,
           "elapsed": time.time() - t0}
    if problems:
        res["class"] = "xfail" if sc["known"] else "failed"
    else:
        res["class"] = "xpass" if sc["known"] else "passed"
    if not args.keep:
        shutil.rmtree(d, ignore_errors=True)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("ASSAY_BIN", "build/assay"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default=None)
    ap.add_argument("--keep", default=None)
    ap.add_argument("--json", default=None)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    t0 = time.time()
    scen, errors = [], []
    sdir = os.path.join(HERE, "scenarios")
    for fn in sorted(os.listdir(sdir)):
        if fn.endswith(".scenario"):
            try:
                scen.append(parse(os.path.join(sdir, fn)))
            except (ScenarioError, ValueError) as e:
                errors.append(str(e))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    if args.only:
        scen = [s for s in scen if args.only in s["name"]]
    if subprocess.run(validation.netns_prefix() + ["true"], capture_output=True).returncode:
        print("hostile: no network namespaces here (unshare -n): skipped")
        return 77
    work = args.keep or tempfile.mkdtemp(prefix="assay-hostile-")
    os.makedirs(work, exist_ok=True)
    # Slowest first, so the two workers finish together.
    scen.sort(key=lambda s: -s["deadline"])
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, args, s, work) for s in scen]
        for f in concurrent.futures.as_completed(futs):
            r = f.result()
            results.append(r)
            tag = r["class"].upper()
            extra = f"  [{r['wall']}s, {(r['rss_kb'] or 0) // 1024} MiB, {r['verdicts']}]"
            print(f"{tag:7} {r['name']}{extra if args.verbose or r['problems'] else ''}",
                  flush=True)
            for p in r["problems"]:
                print(f"          {p}", flush=True)
            if r["known"] and r["problems"]:
                print(f"          known: {r['known']}", flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(sorted(results, key=lambda r: r["name"]), f, indent=1)
    n = {k: sum(1 for r in results if r["class"] == k)
         for k in ("passed", "xfail", "xpass", "failed")}
    print(f"\nhostile: {n['passed']} passed, {n['xfail']} xfail, {n['xpass']} xpass, "
          f"{n['failed']} failed, {len(results)} total, {time.time() - t0:.0f} s wall")
    return 1 if n["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
