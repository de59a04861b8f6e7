#!/usr/bin/env python3
"""Method validation for the catalogue (ISO/IEC 17025 7.2.2): runs every case
in tests/validation/cases and compares the verdict Assay gives with the
correct one.

A case is one file: a test case, the correct verdict, and either form
patches (applied to base/ or to the reference device's own forms) or a
device (the reference device in a persona, or a shell script that starts
misbehaving servers) -- see README.md.  The suite fails on any false PASS
(Assay said PASS, the correct verdict is not PASS) and on any ERROR; false
FAILs and other disagreements are counted and printed.

usage: run.py [--bin ASSAY] [--refdevice BIN] [--jobs N] [--shards N] [--only SUBSTR]
              [--keep DIR]
"""
import argparse
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def _assay_defined():
    """Test case id -> provision, for the test cases Assay defined for the
    provisions new or split in EN 303 645 V3.1.3: only the profile
    en303645-v3.1.3 runs them, and only when the ICS declares the provision."""
    import csv
    path = os.path.join(HERE, "..", "..", "spec", "assay_v3.1.3_test_cases.csv")
    with open(path, newline="", encoding="utf-8") as f:
        return {r["test_case"]: r["test_group"] for r in csv.DictReader(f)}


ASSAY_DEFINED = _assay_defined()


def profile_args(case):
    """The extra `assay run` options a case's test case needs."""
    return ["--profile", "en303645-v3.1.3"] if case.get("testcase") in ASSAY_DEFINED else []
NS = {"ics": "urn:assay:ics:1", "ixit": "urn:assay:ixit:2", "setup": "urn:assay:setup:1"}
VERDICTS = ("PASS", "FAIL", "INCONCLUSIVE")
DEVICES = ("none", "refdevice-weak", "refdevice-conforming", "refdevice-weak-gateway",
           "refdevice-conforming-gateway", "script")
# The reference device behind a lab gateway (assay-refdevice --gateway): its
# client side runs and the set-up declares <client-side> (docs/clientside.md).
REFDEVICES = ("refdevice-weak", "refdevice-conforming", "refdevice-weak-gateway",
              "refdevice-conforming-gateway")


class CaseError(Exception):
    pass


# --- case files ------------------------------------------------------------

def parse_case(path):
    """Reads a .case file into a dict; raises CaseError naming file:line."""
    case = {"path": path, "name": os.path.relpath(path, os.path.join(HERE, "cases")),
            "patches": [], "device": "none", "script": None, "reason": None}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or not lines[0].startswith("# "):
        raise CaseError(f"{path}:1: a case starts with '# <what it shows>'")
    case["title"] = lines[0][2:].strip()
    i = 1
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^([a-z-]+):\s?(.*)$", line)
        if not m:
            raise CaseError(f"{path}:{i}: expected 'key: value'")
        key, val = m.group(1), m.group(2).rstrip()
        if key == "testcase":
            case["testcase"] = val
        elif key == "expect":
            # One verdict, or several that are all correct ("FAIL|INCONCLUSIVE":
            # a declaration left out is an incomplete form, or a FAIL).
            want = val.split("|")
            if not want or any(v not in VERDICTS for v in want):
                raise CaseError(f"{path}:{i}: expect must be one or more of "
                                f"{', '.join(VERDICTS)}, separated by |")
            case["expect"] = val
        elif key == "reason":
            case["reason"] = val
        elif key == "device":
            if val not in DEVICES:
                raise CaseError(f"{path}:{i}: device must be one of {', '.join(DEVICES)}")
            case["device"] = val
        elif key == "patch":
            case["patches"].append((i, val))
        elif key == "script":
            body = []
            while i < len(lines) and (lines[i].startswith("  ") or not lines[i].strip()):
                body.append(lines[i][2:])
                i += 1
            case["script"] = "\n".join(body).strip() + "\n"
        elif key == "why":
            case["why"] = val
        else:
            raise CaseError(f"{path}:{i}: unknown key '{key}'")
    for k in ("testcase", "expect"):
        if k not in case:
            raise CaseError(f"{path}: missing '{k}:'")
    if case["device"] == "script" and not case["script"]:
        raise CaseError(f"{path}: device: script needs a script: block")
    return case


# --- patches ---------------------------------------------------------------

def q(ns, tag):
    return "{%s}%s" % (NS[ns], tag)


def find_entry(ixit, ref, where):
    item_id, _, entry_id = ref.partition("/")
    item = find_item(ixit, item_id, where)
    for e in item.findall(q("ixit", "entry")):
        if e.get("id") == entry_id:
            return item, e
    raise CaseError(f"{where}: no entry {entry_id} in {item_id}")


def find_item(ixit, item_id, where):
    for it in ixit.iter(q("ixit", "item")):
        if it.get("id") == item_id:
            return it
    raise CaseError(f"{where}: no item {item_id}")


def fragment(xml, ns, where):
    try:
        return ET.fromstring(f'<wrap xmlns="{NS[ns]}">{xml}</wrap>')[0]
    except (ET.ParseError, IndexError) as e:
        raise CaseError(f"{where}: bad XML fragment: {e}")


def apply_patch(docs, text, where):
    """One patch line against the parsed forms {ics, ixit, setup}."""
    ics, ixit, setup = docs["ics"], docs["ixit"], docs["setup"]
    op, _, rest = text.partition(" ")
    if op == "fact":                      # fact ITEM/ENTRY name=value  (empty value: remove)
        ref, _, nv = rest.partition(" ")
        name, _, value = nv.partition("=")
        _, e = find_entry(ixit, ref, where)
        facts = e.find(q("ixit", "facts"))
        if facts is None:
            facts = ET.Element(q("ixit", "facts"))
            e.insert(0, facts)
        if value == "":
            facts.attrib.pop(name, None)
        else:
            facts.set(name, value)
    elif op == "nofacts":                 # nofacts ITEM/ENTRY
        _, e = find_entry(ixit, rest.strip(), where)
        for f in e.findall(q("ixit", "facts")):
            e.remove(f)
    elif op == "field":                   # field ITEM/ENTRY "Name" = text   (text -: remove)
        m = re.match(r'^(\S+)\s+"([^"]+)"\s*=\s?(.*)$', rest)
        if not m:
            raise CaseError(f'{where}: field ITEM/ENTRY "Name" = text')
        _, e = find_entry(ixit, m.group(1), where)
        name, value = m.group(2), m.group(3)
        hit = None
        for f in e.findall(q("ixit", "field")):
            if f.get("name").lower() == name.lower():
                hit = f
        if value == "-":
            if hit is not None:
                e.remove(hit)
            return
        if hit is None:
            hit = ET.Element(q("ixit", "field"), {"name": name})
            pos = len(e.findall(q("ixit", "facts")))
            e.insert(pos, hit)
        hit.text = value
    elif op == "drop":                    # drop ITEM/ENTRY
        item, e = find_entry(ixit, rest.strip(), where)
        item.remove(e)
    elif op == "clear":                   # clear ITEM
        item = find_item(ixit, rest.strip(), where)
        for e in list(item):
            item.remove(e)
    elif op == "add":                     # add ITEM <entry ...>...</entry>
        item_id, _, xml = rest.partition(" ")
        find_item(ixit, item_id, where).append(fragment(xml, "ixit", where))
    elif op == "service":                 # service <service .../>
        services = ixit.find(q("ixit", "services"))
        services.append(fragment(rest, "ixit", where))
    elif op == "drop-service":            # drop-service ID
        services = ixit.find(q("ixit", "services"))
        for s in services.findall(q("ixit", "service")):
            if s.get("id") == rest.strip():
                services.remove(s)
                return
        raise CaseError(f"{where}: no service {rest.strip()}")
    elif op == "set-service":             # set-service ID attr=value
        sid, _, nv = rest.partition(" ")
        name, _, value = nv.partition("=")
        for s in ixit.iter(q("ixit", "service")):
            if s.get("id") == sid:
                s.set(name, value)
                return
        raise CaseError(f"{where}: no service {sid}")
    elif op == "condition":               # condition N true|false
        n, _, holds = rest.partition(" ")
        for c in ics.iter(q("ics", "condition")):
            if c.get("number") == n:
                c.set("holds", holds.strip())
                return
        raise CaseError(f"{where}: no condition {n}")
    elif op == "support":                 # support PROV Y|N|N/A detail...
        pid, _, more = rest.partition(" ")
        sup, _, detail = more.partition(" ")
        for p in ics.iter(q("ics", "provision")):
            if p.get("id") == pid:
                p.set("support", sup)
                d = p.find(q("ics", "detail"))
                if d is None:
                    d = ET.SubElement(p, q("ics", "detail"))
                d.text = detail
                if detail == "":
                    p.remove(d)
                return
        raise CaseError(f"{where}: no provision {pid}")
    elif op == "credential":              # credential ID attr=value  (username/password/origin)
        cid, _, nv = rest.partition(" ")
        name, _, value = nv.partition("=")
        for c in setup.iter(q("setup", "credential")):
            if c.get("id") == cid:
                if name in ("username", "password"):
                    c.find(q("setup", name)).text = value
                else:
                    c.set(name, value)
                return
        raise CaseError(f"{where}: no credential {cid}")
    elif op == "drop-credentials":        # drop-credentials
        creds = setup.find(q("setup", "credentials"))
        if creds is not None:
            setup.remove(creds)
    else:
        raise CaseError(f"{where}: unknown patch '{op}'")


_ET_LOCK = threading.Lock()


def write_forms(case, src_dir, out_dir):
    """Copies the forms of src_dir into out_dir with the case's patches
    (ElementTree's namespace map is global: one writer at a time)."""
    with _ET_LOCK:
        return _write_forms(case, src_dir, out_dir)


def _write_forms(case, src_dir, out_dir):
    for prefix, ns in NS.items():
        ET.register_namespace("" if prefix == "ixit" else prefix, ns)
    docs = {}
    for name in ("ics", "ixit", "setup"):
        path = os.path.join(src_dir, name + ".xml")
        try:
            docs[name] = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            raise CaseError(f"{case['path']}: base form {path}: {e}")
    group = ASSAY_DEFINED.get(case.get("testcase"))
    if group is not None:
        # Declared Y (a case's `support` patch may change it): an undeclared
        # extra is not assessed at all.
        provs = docs["ics"].find(q("ics", "provisions"))
        if not any(p.get("id") == group for p in provs.iter(q("ics", "provision"))):
            ET.SubElement(provs, q("ics", "provision"), {"id": group, "support": "Y"})
    for line, text in case["patches"]:
        apply_patch(docs, text, f"{case['path']}:{line}")
    paths = {}
    for name, root in docs.items():
        # Each form gets its own default namespace.
        ET.register_namespace("", root.tag[1:].split("}")[0])
        p = os.path.join(out_dir, name + ".xml")
        ET.ElementTree(root).write(p, encoding="UTF-8", xml_declaration=True)
        paths[name] = p
    # The set-up names the lab's client-side files relative to itself
    # (lab/: certificates, releases): the copy sees the device's own.
    lab = os.path.join(os.path.abspath(src_dir), "lab")
    if os.path.isdir(lab) and not os.path.exists(os.path.join(out_dir, "lab")):
        os.symlink(lab, os.path.join(out_dir, "lab"))
    return paths


# --- running ---------------------------------------------------------------

def assay_verdict(args, case, forms, out_dir):
    """Runs the case's test case; returns (verdict, reason, exit code, stderr)."""
    cmd = [args.bin, "run", "--ics", forms["ics"], "--ixit", forms["ixit"],
           "--setup", forms["setup"], "--only", case["testcase"], "--out", out_dir, "-q",
           *profile_args(case),
           "--timeout", "120"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "ERROR", "assay run did not finish in 300 s", -1, ""
    return read_verdict(case, out_dir, p)


def read_verdict(case, out_dir, p):
    """The case's test case from out_dir/report.json: (verdict, reason,
    exit code, stderr); ERROR when there is no usable report."""
    try:
        with open(os.path.join(out_dir, "report.json"), encoding="utf-8") as f:
            rep = json.load(f)
    except (OSError, ValueError) as e:
        return "ERROR", f"no report (exit {p.returncode}): {e}: {p.stderr.strip()[-400:]}", \
            p.returncode, p.stderr
    for tc in rep.get("test_cases", []):
        if tc.get("id") == case["testcase"]:
            return tc.get("verdict"), tc.get("reason", ""), p.returncode, p.stderr
    return "ERROR", f"test case {case['testcase']} not in the report", p.returncode, p.stderr


def run_case(args, case, base_dir, work):
    d = tempfile.mkdtemp(prefix="case-", dir=work)
    t0 = time.monotonic()
    try:
        forms = write_forms(case, base_dir, d)
        if case["device"] == "script":
            verdict, reason, code, err = run_script_case(args, case, forms, d)
        else:
            verdict, reason, code, err = assay_verdict(args, case, forms,
                                                       os.path.join(d, "run"))
    except CaseError as e:
        verdict, reason, code = "ERROR", str(e), -1
    if not args.keep:
        shutil.rmtree(d, ignore_errors=True)
    return {"case": case["name"], "testcase": case["testcase"], "expect": case["expect"],
            "seconds": round(time.monotonic() - t0, 1),
            "want_reason": case["reason"], "verdict": verdict, "reason": reason, "exit": code,
            "title": case["title"]}


def netns_prefix():
    if os.geteuid() == 0:
        return ["unshare", "-n"]
    return ["unshare", "-rn"]


def run_script_case(args, case, forms, d):
    """Inside a fresh network namespace: the case's script starts the device
    (in the background, on 127.0.0.1), then assay runs the test case."""
    script = os.path.join(d, "device.sh")
    with open(script, "w") as f:
        f.write(case["script"])
    out = os.path.join(d, "run")
    inner = (
        "ip link set lo up || exit 97\n"
        f"cd {shlex.quote(d)}\n"
        f"export CASE_DIR={shlex.quote(d)} VALIDATION_DIR={shlex.quote(HERE)}\n"
        f"setsid bash {shlex.quote(script)} > device.log 2>&1 &\n"
        "dev=$!\n"
        "for _ in $(seq 1 100); do [ -e ready ] && break; sleep 0.05; done\n"
        "[ -e ready ] || { echo 'device script never touched ./ready' >&2; kill -- -$dev; exit 98; }\n"
        + " ".join(shlex.quote(x) for x in [
            args.bin, "run", "--ics", forms["ics"], "--ixit", forms["ixit"], "--setup",
            forms["setup"], "--only", case["testcase"], "--out", out, "-q", "--timeout", "120",
            *profile_args(case)])
        + "\ncode=$?\nkill -- -$dev 2>/dev/null; wait 2>/dev/null\nexit $code\n")
    # A PID namespace too, whose init is that bash: when it ends, however
    # it ends (the timeout below, run.py killed), the kernel ends every
    # process of the device script with it; they have a session of their
    # own, so nothing else would (--kill-child: unshare's death ends it).
    try:
        p = subprocess.run(netns_prefix() + ["-p", "-f", "--kill-child", "bash", "-c", inner],
                           capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "ERROR", "case did not finish in 300 s", -1, ""
    if p.returncode in (97, 98):
        return "ERROR", "device set-up failed: " + p.stderr.strip()[-300:], p.returncode, ""
    return read_verdict(case, out, p)


def run_refdevice_group(args, persona, cases, work, shard=0):
    """Starts the reference device once in a network namespace and runs
    every case of the persona in there (re-entering this script)."""
    listing = os.path.join(work, f"cases-{persona}-{shard}.json")
    with open(listing, "w") as f:
        json.dump([c["path"] for c in cases], f)
    cmd = netns_prefix() + [sys.executable, os.path.abspath(__file__), "--inner", persona,
                            "--bin", args.bin, "--refdevice", args.refdevice, "--cases",
                            listing, "--work", work, "--jobs", "1"]
    if args.keep:
        cmd += ["--keep", args.keep]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    results = []
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            results.append(json.loads(line))
    if len(results) != len(cases):
        sys.stderr.write(p.stderr[-2000:])
        done = {r["case"] for r in results}
        for c in cases:
            if c["name"] not in done:
                results.append({"case": c["name"], "testcase": c["testcase"],
                                "expect": c["expect"], "want_reason": c["reason"],
                                "verdict": "ERROR", "exit": -1, "title": c["title"],
                                "reason": f"reference device ({persona}) group failed"})
    return results


def inner_refdevice(args):
    persona = args.inner.split("-", 1)[1]
    mode = ["--ports", "standard"]
    if persona.endswith("-gateway"):
        persona = persona[:-len("-gateway")]
        mode = ["--gateway"]
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    dev_dir = tempfile.mkdtemp(prefix=f"refdev-{persona}-", dir=args.work)
    os.rmdir(dev_dir)
    log = open(dev_dir + ".log", "w")
    dev = subprocess.Popen([args.refdevice, "--persona", persona, "--dir", dev_dir] + mode
                           + ["--foreground"], stdout=subprocess.PIPE,
                           stderr=log, text=True, start_new_session=True)
    deadline = time.time() + 30
    ok = False
    while time.time() < deadline:
        line = dev.stdout.readline()
        if not line:
            break
        if line.startswith("ready"):
            ok = True
            break
    if not ok:
        sys.stderr.write(f"reference device ({persona}) never got ready\n")
        os.killpg(dev.pid, signal.SIGTERM)
        return 1
    with open(args.cases) as f:
        cases = [parse_case(p) for p in json.load(f)]
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ex:
            for r in ex.map(lambda c: run_case(args, c, dev_dir, args.work), cases):
                print(json.dumps(r), flush=True)
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        dev.wait()
    return 0


def lua_long(s):
    """s as a Lua long bracket string that nothing in s can close."""
    eq = 0
    while ("]" + "=" * eq + "]") in s:
        eq += 1
    return "[" + "=" * eq + "[" + s + "]" + "=" * eq + "]"


def check_fixtures(args, cases, results, base):
    """The fixture runner agrees with the engine: every forms-only case,
    its verdict and reason from `assay run` above, written as a fixture
    with the same patch lines (patched in C on the libxml2 tree by `assay
    fixture`, not by ElementTree here) must give the same verdict and
    reason.  This pins the fixture patch language to the corpus's and the
    fixture runner to the engine, on the runs this script made anyway.
    Returns the problems as lines (empty: they agree)."""
    by_name = {r["case"]: r for r in results}
    todo = [c for c in cases if c["device"] == "none" and c["name"] in by_name
            and by_name[c["name"]]["verdict"] in VERDICTS + ("ERROR",)]
    if not todo:
        return []
    d = tempfile.mkdtemp(prefix="assay-validation-fixtures-")
    try:
        names = []
        for c in todo:
            r = by_name[c["name"]]
            name = c["name"].replace("/", "--").replace(".case", ".fixture")
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write("-- %s\nreturn {\n  testcase = %s,\n  forms = %s,\n  patch = {\n"
                        % (c["title"], lua_long(c["testcase"]), lua_long(base)))
                for _, p in c["patches"]:
                    f.write("    %s,\n" % lua_long(p))
                # A leading newline of a long bracket is dropped by Lua: none here.
                f.write("  },\n  expect = { verdict = %s, reason = %s },\n}\n"
                        % (lua_long(r["verdict"]), lua_long(r["reason"] or "")))
            names.append(os.path.join(d, name))
        p = subprocess.run([args.bin, "fixture", "-q", *sorted(names)],
                           capture_output=True, text=True, timeout=1200)
        if p.returncode == 0:
            print(f"fixtures: the fixture runner agrees with assay run on all "
                  f"{len(todo)} forms-only cases", flush=True)
            return []
        out = [l for l in (p.stdout + p.stderr).splitlines() if ": warning: " not in l]
        return [f"FIXTURE      the fixture runner disagrees with assay run (exit "
                f"{p.returncode}):"] + ["  " + l for l in out[-40:]]
    finally:
        shutil.rmtree(d, ignore_errors=True)


def classify(r):
    got, want = r["verdict"], r["expect"].split("|")
    if got == "ERROR" or got not in VERDICTS:
        return "error"
    if got in want:
        if r.get("want_reason") and r["want_reason"] not in (r.get("reason") or ""):
            return "reason"
        return "correct"
    if got == "PASS":
        return "false-pass"
    if got == "FAIL":
        return "false-fail"
    return "missed-fail" if "FAIL" in want else "missed-pass"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("ASSAY_BIN", "build/assay"))
    ap.add_argument("--refdevice", default=None)
    ap.add_argument("--jobs", type=int, default=6,
                    help="cases and device shards run at once (they mostly wait)")
    ap.add_argument("--shards", type=int, default=3,
                    help="reference devices per persona, each running part of its cases")
    ap.add_argument("--only", default=None)
    ap.add_argument("--keep", default=None)
    ap.add_argument("--inner", default=None)
    ap.add_argument("--cases", default=None)
    ap.add_argument("--work", default=None)
    ap.add_argument("--json", default=None, help="write every result here")
    ap.add_argument("--fixture-check", action="store_true",
                    help="also run every forms-only case as a fixture (assay fixture) and "
                    "fail unless it gives the verdict and reason assay run gave")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    if args.refdevice is None:
        args.refdevice = os.path.join(os.path.dirname(args.bin), "assay-refdevice")
    if args.inner:
        return inner_refdevice(args)

    paths = []
    for root, _, files in os.walk(os.path.join(HERE, "cases")):
        paths += [os.path.join(root, f) for f in files if f.endswith(".case")]
    paths.sort()
    cases, problems = [], []
    for p in paths:
        try:
            cases.append(parse_case(p))
        except CaseError as e:
            problems.append(str(e))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    if args.only:
        cases = [c for c in cases if args.only in c["name"]]
    work = args.keep or tempfile.mkdtemp(prefix="assay-validation-")
    os.makedirs(work, exist_ok=True)
    # Everything runs at once, up to --jobs at a time: the reference-device
    # groups (each split into --shards, every shard its own device in its
    # own network namespace, its cases one after another on it) go first,
    # as they wait on the device most; then the script cases (a namespace
    # each) and the forms-only cases.
    results = []
    skipped = 0
    have_ns = subprocess.run(netns_prefix() + ["true"], capture_output=True).returncode == 0
    # A reference device without gateway mode (a tree before issue 13's
    # merge) cannot run the -gateway cases: they are skipped, counted.
    try:
        usage = subprocess.run([args.refdevice, "--help"], capture_output=True, text=True,
                               timeout=30)
        have_gw = "--gateway" in usage.stdout + usage.stderr
    except (OSError, subprocess.TimeoutExpired):
        have_gw = False
    jobs = []
    for persona in REFDEVICES:
        group = [c for c in cases if c["device"] == persona]
        if group and have_ns and (have_gw or not persona.endswith("-gateway")):
            n = max(1, min(args.shards, len(group)))
            for k in range(n):
                jobs.append((run_refdevice_group, (args, persona, group[k::n], work, k)))
        else:
            skipped += len(group)
    base = os.path.join(HERE, "base")
    scripts = [c for c in cases if c["device"] == "script"]
    if have_ns:
        jobs += [(lambda c: [run_case(args, c, base, work)], (c,)) for c in scripts]
    else:
        skipped += len(scripts)
    jobs += [(lambda c: [run_case(args, c, base, work)], (c,))
             for c in cases if c["device"] == "none"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for part in ex.map(lambda j: j[0](*j[1]), jobs):
            results += part
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    fixture_problems = check_fixtures(args, cases, results, base) if args.fixture_check else []

    counts = {}
    per_tc = {}
    for r in results:
        k = classify(r)
        r["class"] = k
        counts[k] = counts.get(k, 0) + 1
        t = per_tc.setdefault(r["testcase"], {})
        t[k] = t.get(k, 0) + 1
    # What fails the test first (a CI log shows the head of the output),
    # then the known shortfalls.
    order = {"false-pass": 0, "error": 1}
    for r in sorted(results, key=lambda r: (order.get(r["class"], 2), r["case"])):
        if r["class"] != "correct":
            print(f"{r['class'].upper():12} {r['case']}: expected {r['expect']}, got "
                  f"{r['verdict']}: {(r.get('reason') or '')[:300]}", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(sorted(results, key=lambda r: r["case"]), f, indent=1)
    n = len(results)
    print(f"\nvalidation: {n} cases over {len(per_tc)} test cases"
          + (f" ({skipped} skipped: no network namespaces, or no gateway mode)"
             if skipped else ""))
    for k in ("correct", "false-pass", "false-fail", "missed-fail", "missed-pass", "reason",
              "error"):
        print(f"  {k:12} {counts.get(k, 0)}")
    for tc in sorted(per_tc, key=lambda s: [(0, int(x), "") if x.isdigit() else (1, 0, x)
                                            for x in re.split(r"[.-]", s)]):
        row = per_tc[tc]
        print(f"  {tc:10} " + " ".join(f"{k}={row[k]}" for k in sorted(row)))
    slow = sorted(results, key=lambda r: -r.get("seconds", 0))[:5]
    print("  slowest: " + ", ".join(f"{r['case']} {r.get('seconds', 0):.0f} s" for r in slow))
    if fixture_problems:
        print("\n".join(fixture_problems), flush=True)
    bad = counts.get("false-pass", 0) + counts.get("error", 0) + len(fixture_problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
