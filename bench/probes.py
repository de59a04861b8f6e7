#!/usr/bin/env python3
"""bench/probes.py - `assay probe` against the tools a lab would use instead,
whole processes on both sides, on a device of real daemons in a network
namespace of its own (tests/data/probe_lab.sh).

  tcp-sweep  assay probe tcp-sweep 127.0.0.1   vs nmap -sT -p- -T4 / -T5
  tls        assay probe tls 127.0.0.1:PORT    vs sslscan, testssl.sh
  creds      assay probe creds ... --list mirai vs hydra, ncrack
             (telnet, ssh, mqtt, http-basic where the peer has a module)

Assay runs with the default budget (the lab set-up's defaults, as `assay
run` has it) and with a lifted one.  Per benchmark: one warm-up round
(checked, not timed), then --runs rounds of every side in turn (A B A B
...); per side the median and min-max wall time and the peak RSS (wait4),
per pair the ratio of medians with the min-max of the per-round ratios;
/proc/loadavg before and after.  Every run's result (open ports, accepted
TLS versions and suites, accepted pairs) is compared with the truth (the
lab's listeners, the lab's pairs) or, for TLS, with Assay's; a mismatch is
printed and the exit status is 1.  A peer that is not installed or has no
module for a service is skipped, and said so.  Exit 77 when the benchmark
cannot run at all (no root for the namespace).

  probes.py [--runs N] [--only tcp-sweep,tls,creds] [--markdown]
  ASSAY_BIN: the assay to time (default: BUILD/assay, BUILD from $ASSAY_BUILD
  or build-rel, then build).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
LAB = os.path.join(SRC, "tests", "data", "probe_lab.sh")
SKIP = 77
TIMEOUT_S = 600	# a run taking longer is killed (and counts as a mismatch)

failed = False
summary = []	# (benchmark, assay side, peer side, ratio, rmin, rmax, runs, load)


def assay_bin():
    if os.environ.get("ASSAY_BIN"):
        return os.environ["ASSAY_BIN"]
    for b in (os.environ.get("ASSAY_BUILD"), "build-rel", "build"):
        if not b:
            continue
        p = os.path.join(b if os.path.isabs(b) else os.path.join(SRC, b), "assay")
        if os.access(p, os.X_OK):
            return p
    sys.exit("probes.py: no assay binary: build it, or set ASSAY_BIN")


def have(tool):
    return shutil.which(tool) is not None


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure(argv, cwd):
    """Runs argv to its end: (seconds, peak RSS in KiB, exit code, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                             cwd=cwd)
        killer = threading.Timer(TIMEOUT_S, p.kill)
        killer.start()
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        killer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (dt, ru.ru_maxrss, p.returncode,
                out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"))


class Side:
    """One tool as a user runs it; parse(stdout, stderr) gives its finding."""

    def __init__(self, name, argv, parse, ok_rc=(0,)):
        self.name, self.argv, self.parse, self.ok_rc = name, argv, parse, ok_rc
        self.times, self.rss, self.good = [], [], 0


def show(s, n=8):
    s = sorted(s)
    return ", ".join(str(x) for x in s[:n]) + (" ..." if len(s) > n else "")


def bench(title, sides, pairs, truth, runs, cwd):
    """
    Runs the sides in turn, one warm-up round then runs rounds.  truth: the
    expected finding, or None to hold every run to the first side's first
    finding.  pairs: (assay side, peer side) indices to give ratios for.
    """
    global failed
    print("== %s ==" % title)
    load0 = loadavg()
    print("load average before: %s" % load0)
    ref = truth
    for rnd in range(runs + 1):
        for s in sides:
            dt, rss, rc, out, err = measure(s.argv, cwd)
            why = None
            if rc not in s.ok_rc:
                why = "exit %d: %s" % (rc, (err.strip() or out.strip())[-300:])
                got = None
            else:
                try:
                    got = frozenset(s.parse(out, err))
                except Exception as e:	# a peer's output we cannot read
                    why, got = "unreadable output (%s): %s" % (e, out[-300:]), None
            if got is not None and ref is None:
                ref = got
            if got is not None and got != ref:
                why = "differs: missing %s; extra %s" % (show(ref - got) or "-",
                                                       show(got - ref) or "-")
            label = "warm-up" if rnd == 0 else "run %d" % rnd
            if why is not None:
                failed = True
                print("MISMATCH %s, %s: %s" % (s.name, label, why))
            else:
                s.good += 1
            if rnd > 0:
                s.times.append(dt)
                s.rss.append(rss)
    load1 = loadavg()
    print("%-44s %9s %17s %9s  %s" % ("side", "median", "min-max", "peak RSS",
                                      "same finding"))
    for s in sides:
        print("%-44s %7.2f s %7.2f-%.2f s %6.1f MB  %d/%d runs" % (
            s.name, statistics.median(s.times), min(s.times), max(s.times),
            max(s.rss) / 1024.0, s.good, runs + 1))
    for a, p in pairs:
        A, P = sides[a], sides[p]
        per = [x / y for x, y in zip(A.times, P.times)]
        r = statistics.median(A.times) / statistics.median(P.times)
        print("ratio %s / %s: %.3f (per round %.3f-%.3f; < 1: Assay faster)" % (
            A.name, P.name, r, min(per), max(per)))
        summary.append((title, A.name, P.name, r, min(per), max(per), runs,
                        "%s / %s" % (load0, load1)))
    print("finding: %s" % show(ref if ref is not None else [], 12))
    print("load average after: %s" % load1)
    print()


# --- parsers of each tool's output ---------------------------------------------

def p_assay_sweep(out, err):
    return json.loads(out)["open"]


def p_nmap(out, err):
    root = ET.fromstring(out)
    return [int(p.get("portid")) for p in root.iter("port")
            if p.find("state").get("state") == "open"]


def p_assay_tls(out, err):
    s = set()
    for v in json.loads(out)["versions"]:
        if v["state"] == "accepted":
            s.add((v["version"], "(version)"))
            s.update((v["version"], c) for c in v["ciphers"])
    return s


SSLSCAN_VER = {"TLSv1.0": "TLSv1"}


def p_sslscan(out, err):
    s = set()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and re.match(r"^(SSLv|TLSv)", f[0]) and f[1] == "enabled":
            s.add((SSLSCAN_VER.get(f[0], f[0]), "(version)"))
        elif f and f[0] in ("Accepted", "Preferred") and len(f) >= 5:
            s.add((SSLSCAN_VER.get(f[1], f[1]), f[4]))
    if not s:
        raise ValueError("no protocol or suite lines")
    return s


TESTSSL_VER = {"SSLv3": "SSLv3", "TLS1": "TLSv1", "TLS1_1": "TLSv1.1",
               "TLS1_2": "TLSv1.2", "TLS1_3": "TLSv1.3"}
TESTSSL_CVER = {"1": "TLSv1", "1.1": "TLSv1.1", "1.2": "TLSv1.2", "1.3": "TLSv1.3"}


def testssl_parser(jsonfile):
    def parse(out, err):
        s = set()
        with open(jsonfile) as f:
            items = json.load(f)
        os.unlink(jsonfile)
        for e in items:
            if e["id"] in TESTSSL_VER and e["finding"].startswith("offered"):
                s.add((TESTSSL_VER[e["id"]], "(version)"))
            elif e["id"].startswith("cipher-"):
                # "TLS 1.2   xc030   ECDHE-RSA-AES256-GCM-SHA384 ..."
                f = e["finding"].split()
                if f[0] == "SSLv3":
                    s.add(("SSLv3", f[2]))
                else:
                    s.add((TESTSSL_CVER[f[1]], f[3]))
        return s
    return parse


def p_assay_creds(out, err):
    return [a["user"] + ":" + a["password"] for a in json.loads(out)["accepted"]]


def p_hydra(out, err):
    s = []
    for line in out.splitlines():
        m = re.search(r"\] host: \S+\s+login: (.*?)\s+password: ?(.*)$", line)
        if m:
            s.append(m.group(1) + ":" + m.group(2))
    return s


def p_ncrack(out, err):
    s = []
    for line in out.splitlines():
        m = re.match(r"^\S+ \d+/tcp \S+: '(.*)' '(.*)'$", line)
        if m:
            s.append(m.group(1) + ":" + m.group(2))
    return s


# --- the benchmarks ---------------------------------------------------------------

LIFT = ["--max-connections", "1024", "--max-rate", "1000000", "--rate-fixed"]


def listeners():
    out = subprocess.run(["ss", "-Htln"], capture_output=True, text=True).stdout
    return {int(l.split()[3].rsplit(":", 1)[1]) for l in out.splitlines() if l.strip()}


def b_sweep(A, runs, tmp):
    sides = [Side("assay probe tcp-sweep (default budget)",
                  [A, "probe", "tcp-sweep", "127.0.0.1", "--format", "json"], p_assay_sweep),
             Side("nmap -sT -p- -T4", ["nmap", "-sT", "-p-", "-T4", "-n", "-oX", "-",
                                       "127.0.0.1"], p_nmap),
             Side("assay probe tcp-sweep (lifted budget)",
                  [A, "probe", "tcp-sweep", "127.0.0.1", "--format", "json"] + LIFT,
                  p_assay_sweep),
             Side("nmap -sT -p- -T5", ["nmap", "-sT", "-p-", "-T5", "-n", "-oX", "-",
                                       "127.0.0.1"], p_nmap)]
    if not have("nmap"):
        print("tcp-sweep: nmap not installed (.ci/packages): only Assay timed")
        sides = [sides[0], sides[2]]
        pairs = []
    else:
        pairs = [(0, 1), (0, 3), (2, 1), (2, 3)]
    bench("tcp-sweep: all 65535 TCP ports of the lab device", sides, pairs,
          frozenset(listeners()), runs, tmp)


def b_tls(A, runs, tmp, port, what, with_testssl):
    sides = [Side("assay probe tls (default budget)",
                  [A, "probe", "tls", "127.0.0.1:%d" % port, "--format", "json"], p_assay_tls),
             Side("assay probe tls (lifted budget)",
                  [A, "probe", "tls", "127.0.0.1:%d" % port, "--format", "json"] + LIFT,
                  p_assay_tls)]
    pairs = []
    if have("sslscan"):
        sides.append(Side("sslscan", ["sslscan", "--no-colour", "127.0.0.1:%d" % port],
                          p_sslscan))
        pairs += [(0, len(sides) - 1), (1, len(sides) - 1)]
    else:
        print("tls: sslscan not installed (.ci/packages): skipped")
    if with_testssl and have("testssl"):
        jf = os.path.join(tmp, "testssl.json")
        sides.append(Side("testssl -p -E", ["testssl", "--quiet", "--color", "0",
                                            "--warnings", "off", "-p", "-E", "--jsonfile",
                                            jf, "127.0.0.1:%d" % port],
                          testssl_parser(jf)))
        pairs += [(0, len(sides) - 1), (1, len(sides) - 1)]
    elif with_testssl:
        print("tls: testssl (testssl.sh) not installed (.ci/packages): skipped")
    bench("tls: versions and accepted suites of lighttpd, %s" % what, sides, pairs,
          None, runs, tmp)


def b_creds(A, runs, tmp, svc, target, port, pair, lists):
    mirai, users = lists
    base = [A, "probe", "creds", target, "--service", svc, "--list", mirai,
            "--format", "json"]
    sides = [Side("assay probe creds %s (default budget)" % svc, base, p_assay_creds),
             Side("assay probe creds %s (lifted budget)" % svc, base + LIFT,
                  p_assay_creds)]
    pairs = []
    hydra_svc = {"telnet": "telnet", "ssh": "ssh", "http-basic": "http-get"}.get(svc)
    if not have("hydra"):
        print("creds %s: hydra not installed (.ci/packages): skipped" % svc)
    elif hydra_svc is None:
        print("creds %s: hydra 9.4 has no %s module: skipped" % (svc, svc))
    else:
        # -t 4 as hydra advises for ssh and as busybox telnetd's backlog
        # of 1 wants; http-get at hydra's default 16.
        argv = ["hydra", "-I", "-C", mirai, "-s", str(port)]
        argv += ["-t", "4"] if svc in ("telnet", "ssh") else []
        argv += ["127.0.0.1", hydra_svc] + (["/"] if svc == "http-basic" else [])
        sides.append(Side("hydra %s%s" % (hydra_svc, " -t 4" if "-t" in argv else ""),
                          argv, p_hydra))
        pairs += [(0, len(sides) - 1), (1, len(sides) - 1)]
    ncrack_svc = {"telnet": "telnet", "ssh": "ssh", "mqtt": "mqtt"}.get(svc)
    if not have("ncrack"):
        print("creds %s: ncrack not installed (.ci/packages): skipped" % svc)
    elif svc == "telnet":
        # Measured: 62 pairs took 719 s and found nothing.
        print("creds telnet: ncrack skipped: its telnet module stalls on a login that "
              "gives one try per connection (busybox telnetd here: 62 pairs took 12 min "
              "and found nothing)")
    elif ncrack_svc is None:
        print("creds %s: ncrack is not run on %s (its http module wants a path "
              "and method per target; hydra covers it)" % (svc, svc))
    else:
        # ncrack reads no user:password list, and --pairwise loses the
        # pairing when a user repeats (it found nothing here): one run
        # per user with that user's passwords, as a person would script it.
        script = "".join('ncrack --user "%s" -P "%s" %s://127.0.0.1:%d\n' % (
            u, f, ncrack_svc, port) for u, f in users)
        sides.append(Side("ncrack %s (once per user, %d runs)" % (ncrack_svc, len(users)),
                          ["sh", "-c", script], p_ncrack))
        pairs += [(0, len(sides) - 1), (1, len(sides) - 1)]
    bench("creds: the Mirai list (62 pairs) on %s %s" % (svc, target), sides, pairs,
          frozenset([pair]), runs, tmp)


def write_lists(tmp):
    """The Mirai list as hydra -C reads it, and per user for ncrack."""
    src = os.path.join(SRC, "testcases", "data", "mirai.txt")
    pairs = []
    with open(src) as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line and not line.startswith("#"):
                pairs.append(line.split(":", 1))
    combo = os.path.join(tmp, "mirai.txt")
    with open(combo, "w") as f:
        f.writelines("%s:%s\n" % (u, p) for u, p in pairs)
    users = []	# (user, file of its passwords), in list order
    for u, _ in pairs:
        if u in (x for x, _ in users):
            continue
        fn = os.path.join(tmp, "pass.%d" % len(users))
        with open(fn, "w") as f:
            f.writelines(p + "\n" for x, p in pairs if x == u)
        users.append((u, fn))
    return combo, users


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    ap.add_argument("--only", default="tcp-sweep,tls,creds",
                    help="comma-separated: tcp-sweep, tls, creds")
    ap.add_argument("--markdown", action="store_true",
                    help="end with the ratios as a Markdown table")
    o = ap.parse_args()
    if o.runs < 1:
        ap.error("--runs must be at least 1")
    if not os.environ.get("BENCH_PROBES_NS"):
        if os.geteuid() != 0 or subprocess.run(["unshare", "-n", "true"]).returncode != 0:
            print("bench_probes: skipped: needs root for its network namespace "
                  "(unshare -n) and the SSH test account")
            return SKIP
        os.environ["BENCH_PROBES_NS"] = "1"
        os.execvp("unshare", ["unshare", "-n", sys.executable, os.path.abspath(__file__)]
                  + sys.argv[1:])
    A = assay_bin()
    only = set(o.only.split(","))
    print("bench_probes: %s, %d timed rounds after a warm-up, whole processes, "
          "in a private network namespace; %d CPUs" % (A, o.runs, os.cpu_count()))
    tmp = tempfile.mkdtemp(prefix="assay-bench-probes-")
    lab = os.path.join(tmp, "lab")
    try:
        if subprocess.run(["sh", LAB, "start", lab]).returncode != 0:
            print("bench_probes: the lab device did not start (see %s)" % lab)
            return 1
        truth = dict(l.split(" ", 1) for l in subprocess.run(
            ["sh", LAB, "pairs"], capture_output=True, text=True).stdout.splitlines())
        lists = write_lists(tmp)
        if "tcp-sweep" in only:
            b_sweep(A, o.runs, tmp)
        if "tls" in only:
            b_tls(A, o.runs, tmp, 443, "weak (TLS 1.0+, every suite)", True)
            b_tls(A, o.runs, tmp, 8443, "strong (TLS 1.2+, ECDHE AEAD)", False)
        if "creds" in only:
            b_creds(A, o.runs, tmp, "telnet", "127.0.0.1:23", 23, truth["telnet"], lists)
            if os.path.exists(os.path.join(lab, "has-ssh")):
                b_creds(A, o.runs, tmp, "ssh", "127.0.0.1:22", 22, truth["ssh"], lists)
            else:
                print("creds ssh: skipped: no OpenSSH sshd (openssh-server, "
                      ".ci/packages) or not root\n")
            b_creds(A, o.runs, tmp, "mqtt", "127.0.0.1:1883", 1883, truth["mqtt"], lists)
            b_creds(A, o.runs, tmp, "http-basic", "http://127.0.0.1/", 80,
                    truth["http-basic"], lists)
    finally:
        subprocess.run(["sh", LAB, "stop", lab])
        shutil.rmtree(tmp, ignore_errors=True)
    if o.markdown and summary:
        print("| benchmark | Assay | peer | ratio (median) | per-round min-max | runs | load before / after |")
        print("|---|---|---|---|---|---|---|")
        for t, a, p, r, lo, hi, n, ld in summary:
            print("| %s | %s | %s | %.3f | %.3f-%.3f | %d | %s |" % (t, a, p, r, lo, hi, n, ld))
    if failed:
        print("bench_probes: MISMATCH: a tool's finding differed (above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
