#!/usr/bin/env python3
"""bench/assessment.py - a whole assessment of the reference device (weak
persona) with default settings, `assay demo` as one process, against what a
person would script with the usual tools for the same findings: nmap -sT
-p- -T4, sslscan on the TLS port, hydra with the Mirai list on telnet and
on the web login form, in sequence.

Goals (issue 17): Assay <= 10 s wall and <= 64 MB peak RSS.  Peak RSS is
wait4's ru_maxrss: the largest single process of the tree (for assay demo
that includes the reference device and the test-case processes), not a
sum.  Assay's time includes starting its device; the peers get a fresh
device (started untimed) each round, as the web login locks an account
after 5 failures.

One warm-up round, then --runs rounds (Assay, peers, Assay, ...), median
and min-max per side, the ratio, /proc/loadavg before and after.  Every
run's findings are checked: Assay's report must FAIL the default-password
test case 5.1-1-2 with the telnet pair root:xc3511 in its reasons, and
the peers must find the open ports, that pair, the web pair admin:admin
and TLS 1.0 on 443; each side's findings must be the same on every run.
Exit 1 on a mismatch, 77 when it cannot run (no root for the namespace).

  assessment.py [--runs N]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probes  # noqa: E402  (measure, loadavg, parsers, the Mirai list)

DEV = "10.77.0.2"


def refdevice(A):
    p = os.path.join(os.path.dirname(A), "assay-refdevice")
    if os.access(p, os.X_OK):
        return p
    sys.exit("assessment.py: no %s" % p)


def assay_side(A, tmp, n):
    out = os.path.join(tmp, "demo%d" % n)
    dt, rss, rc, so, se = probes.measure([A, "demo", "--out", out, "--color", "never"],
                                         tmp)
    why = None
    found = set()
    try:
        with open(os.path.join(out, "report.json")) as f:
            rep = json.load(f)
        for tc in rep["test_cases"]:
            if tc.get("verdict") == "FAIL":
                found.add("FAIL " + tc["id"])
        text = json.dumps(rep)
        if "xc3511" in text:
            found.add("telnet root:xc3511 named")
    except (OSError, ValueError, KeyError) as e:
        why = "no report (exit %d): %s %s" % (rc, e, se[-300:])
    shutil.rmtree(out, ignore_errors=True)
    if why is None and ("FAIL 5.1-1-2" not in found or
                        "telnet root:xc3511 named" not in found):
        why = "the default-password FAIL is missing: %s" % sorted(found)
    return dt, rss, frozenset(found), why


def peers_side(A, tmp, n, combo):
    dev = os.path.join(tmp, "dev%d" % n)
    r = subprocess.run([refdevice(A), "--persona", "weak", "--dir", dev, "--gateway"],
                       capture_output=True, text=True)
    if r.returncode != 0 or "ready" not in r.stdout:
        return 0, 0, None, "the reference device did not start: %s" % r.stderr[-300:]
    xml = os.path.join(tmp, "nmap.xml")
    script = "\n".join([
        "nmap -sT -p- -T4 -n -oX %s %s >/dev/null" % (xml, DEV),
        "sslscan --no-colour %s:443" % DEV,
        "hydra -I -C %s -t 4 %s telnet" % (combo, DEV),
        "hydra -I -C %s %s http-post-form "
        "'/login.cgi:user=^USER^&password=^PASS^:F=Wrong user name or password'"
        % (combo, DEV),
    ])
    dt, rss, rc, so, se = probes.measure(["sh", "-c", script], tmp)
    with open(os.path.join(dev, "refdevice.pid")) as f:
        pid = int(f.read().strip())
    os.kill(pid, 15)
    # The next device makes assay-gw0 again: wait until this one's is gone.
    for _ in range(100):
        if subprocess.run(["ip", "link", "show", "assay-gw0"], capture_output=True
                          ).returncode != 0:
            break
        time.sleep(0.05)
    why = None
    found = set()
    try:
        with open(xml) as f:
            found.update("port %d" % p for p in probes.p_nmap(f.read(), ""))
        found.update("pair " + p for p in probes.p_hydra(so, ""))
        found.update("%s %s" % x for x in probes.p_sslscan(so, "")
                     if x[1] == "(version)")
    except (OSError, ValueError) as e:
        why = "unreadable output: %s" % e
    want = {"port 23", "port 443", "pair root:xc3511", "pair admin:admin",
            "TLSv1 (version)"}
    if why is None and not want <= found:
        why = "missing %s" % sorted(want - found)
    return dt, rss, frozenset(found), why


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    o = ap.parse_args()
    if not os.environ.get("BENCH_ASSESSMENT_NS"):
        if os.geteuid() != 0 or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
            print("bench_assessment: skipped: needs root for its network namespace")
            return probes.SKIP
        os.environ["BENCH_ASSESSMENT_NS"] = "1"
        os.execvp("unshare", ["unshare", "-n", sys.executable, os.path.abspath(__file__)]
                  + sys.argv[1:])
    subprocess.run(["ip", "link", "set", "lo", "up"])
    A = probes.assay_bin()
    missing = [t for t in ("nmap", "sslscan", "hydra") if not probes.have(t)]
    tmp = tempfile.mkdtemp(prefix="assay-bench-assessment-")
    combo, _ = probes.write_lists(tmp)
    print("bench_assessment: %s demo (weak persona, default settings) vs nmap + sslscan "
          "+ hydra in sequence; %d timed rounds after a warm-up; %d CPUs"
          % (A, o.runs, os.cpu_count()))
    if missing:
        print("bench_assessment: peers not installed (.ci/packages): %s; only Assay timed"
              % " ".join(missing))
    load0 = probes.loadavg()
    print("load average before: %s" % load0)
    sides = [("assay demo", assay_side)] + ([] if missing else
                                           [("nmap + sslscan + hydra", peers_side)])
    times = {s: [] for s, _ in sides}
    rss = {s: [] for s, _ in sides}
    ref = {}
    good = {s: 0 for s, _ in sides}
    bad = False
    try:
        for rnd in range(o.runs + 1):
            for name, fn in sides:
                dt, kb, found, why = fn(A, tmp, rnd, combo) if fn is peers_side else \
                    fn(A, tmp, rnd)
                if why is None and found is not None:
                    ref.setdefault(name, found)
                    if found != ref[name]:
                        why = "findings changed: missing %s; extra %s" % (
                            sorted(ref[name] - found), sorted(found - ref[name]))
                label = "warm-up" if rnd == 0 else "run %d" % rnd
                if why is not None:
                    bad = True
                    print("MISMATCH %s, %s: %s" % (name, label, why))
                else:
                    good[name] += 1
                print("  %s %s: %.2f s, %.1f MB" % (name, label, dt, kb / 1024.0))
                if rnd > 0:
                    times[name].append(dt)
                    rss[name].append(kb)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load1 = probes.loadavg()
    print("%-28s %9s %17s %9s  %s" % ("side", "median", "min-max", "peak RSS",
                                      "same findings"))
    for name, _ in sides:
        t = times[name]
        print("%-28s %7.2f s %7.2f-%.2f s %6.1f MB  %d/%d runs" % (
            name, statistics.median(t), min(t), max(t), max(rss[name]) / 1024.0,
            good[name], o.runs + 1))
    a = times["assay demo"]
    print("goals: wall <= 10 s: %s (median %.2f s); peak RSS <= 64 MB: %s (%.1f MB)" % (
        "met" if statistics.median(a) <= 10 else "NOT met", statistics.median(a),
        "met" if max(rss["assay demo"]) <= 64 * 1024 else "NOT met",
        max(rss["assay demo"]) / 1024.0))
    if len(sides) > 1:
        p = times[sides[1][0]]
        per = [x / y for x, y in zip(a, p)]
        print("ratio assay demo / nmap + sslscan + hydra: %.2f (per round %.2f-%.2f; "
              "< 1: Assay faster)" % (statistics.median(a) / statistics.median(p),
                                      min(per), max(per)))
    for name in ref:
        print("findings of %s: %s" % (name, ", ".join(sorted(ref[name]))))
    print("load average after: %s" % load1)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
