#!/usr/bin/env python3
"""Crash consistency of `assay run` (issue 11, "Make it permanent", item 4).

Kills the process group of `assay run` (supervisor and test-case children)
with SIGKILL at many points of a run against the reference device, finishes
each run with `assay run --resume`, and checks the result against an
uninterrupted run.  Run by tests/e2e_crash.sh inside a network namespace
where the reference device is already listening; see that file and
tests/crash/README.md for the knobs.

Kill points:
  deterministic  named moments, through the preload shim killshim.so
                 (before/after the rename of run.info, the form copies, the
                 first/middle/last result.txt, each report and the signature;
                 at the journal sync of the first/middle/last journal line)
  random         seeded (the seed printed), alternately: a SIGKILL to the
                 group after a delay drawn from [0, 0.95 x the uninterrupted
                 run's time), and a kill at an event (rename, journal sync)
                 drawn from the uninterrupted run's

After each kill:   no process of the run left (process group, and any
                   process carrying this point's environment tag); every
                   journal line complete; every result.txt parses; every
                   "done" line has its result.txt.
After each resume: exit status, report.json, report.xml, junit.xml and
                   report.html equal the uninterrupted run's after
                   normalisation (normalise()); the same files in the run
                   directory (no temporary file, no evidence directory
                   without its journal "done" line, no missing one); the
                   journal complete and ending in "end"; `assay verify`
                   accepts the signature; no process left.
"""
import argparse
import difflib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

# Fast test cases of both kinds (conceptual: forms only; functional: HTTP
# against the device), about half a second for the whole run under ASan.
# The TCP sweep (5.5-1-2, 5.6-1-2, 5.6-2-2) and the credential trials
# (5.1-1-2, 5.1-3-2, 5.1-5-2) take seconds each: ASSAY_CRASH_FULL=1.
SUBSET = ["4-1-1", "5.1-1-1", "5.1-3-1", "5.1-4-1", "5.1-4-2", "5.1-5-1",
          "5.2-1-1", "5.2-1-2", "5.3-13-1", "5.3-13-2", "5.5-1-1",
          "5.6-1-1", "5.6-2-1"]

# Kill points that fail because of a known harness defect; reported as
# KNOWN FAILURE (with the defect) instead of failing the test.  A random
# point can land in the same window: it is matched by its classification.
KNOWN = {
    "no-run-info": "D1: killed after the output directory was created but "
                   "before run.info was renamed into place (the directory "
                   "holds .run.info.tmp): --resume refuses (no readable "
                   "run.info) and a fresh run refuses too (directory not "
                   "empty); the user has to delete the directory by hand",
    "sign-exists": "D2: --resume of a run whose signing had begun or "
                   "ended (MANIFEST or report.p7s in place: killed during "
                   "or after signing, or simply finished): the resume "
                   "rewrites the "
                   "reports and appends to the journal but does not sign "
                   "again (assay_sign_dir: 'already signed ... use --force'), "
                   "so MANIFEST no longer matches, or report.p7s is missing: "
                   "assay verify fails",
    "sign-tmp": "D3: killed between sign's temporary file and its rename "
                "(.MANIFEST.tmp or .report.p7s.tmp left): the next signing "
                "(resume, or assay sign --force) lists the stale temporary "
                "file in MANIFEST, then renames it away (listed but missing) "
                "or leaves it as an orphan: assay verify fails",
}

# Files of signing (sign.c writes each through ".NAME.tmp").
SIGN_FILES = ("MANIFEST", "report.p7s", ".MANIFEST.tmp", ".report.p7s.tmp")

JOURNAL_RE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "
    r"(?:(?:begin|resume) \S+|start \S+|done \S+ \S+|stopped .+|"
    r"budget (?:adaptive|fixed), .+|liveness: .+|"
    r"(?:end|interrupted) \S+ result \S+)$")


def log(*a):
    print(*a, flush=True)


# --- normalisation ---------------------------------------------------------
#
# Normalised, and why (everything else must be byte-for-byte equal):
#  report id     report.json "report_id", report.xml <report id=>, junit.xml
#                <testsuites name=>, report.html <title> and "Report" row: a
#                new id per run (a resumed run keeps the interrupted run's)
#  run times     "started"/"finished" (json, xml <run>), html "Testing" row:
#                wall-clock times; "issued" (json, xml <report issued=>,
#                html cover and "Issue date" row): when the reports were
#                written
#  per test case "started", "duration_ms" (json), started=, duration-ms=
#                (xml), time= (junit): wall-clock time and duration
#  html evidence the text of each <pre class="ev"> block (transcripts and
#                artefacts shown inline) becomes "[evidence]", or stays
#                "(nothing was sent ...)": what the device sends differs
#                between any two runs (TLS randoms, HTTP Date, CoAP
#                message ids, "[+Nms]" offsets); the list of evidence files
#                of every test case is compared in report.json and on disk.
TIME_KEYS = {"report_id", "started", "finished", "duration_ms", "issued"}


def _norm_json(o):
    if isinstance(o, dict):
        return {k: ("*" if k in TIME_KEYS else _norm_json(v))
                for k, v in o.items()}
    if isinstance(o, list):
        return [_norm_json(v) for v in o]
    return o


def _norm_xml_text(text, attrs):
    for a in attrs:
        text = re.sub(r'(\s%s=")[^"]*(")' % re.escape(a), r"\1*\2", text)
    return text


def normalise(name, text):
    if name == "report.json":
        return json.dumps(_norm_json(json.loads(text)), indent=1,
                          sort_keys=True)
    if name == "report.xml":
        text = re.sub(r'(<report\b[^>]*\sid=")[^"]*(")', r"\1*\2", text)
        return _norm_xml_text(text, ["started", "finished", "duration-ms",
                                     "issued"])
    if name == "junit.xml":
        text = re.sub(r'(<testsuites\b[^>]*\sname=")[^"]*(")', r"\1*\2", text)
        return _norm_xml_text(text, ["time", "timestamp"])
    if name == "report.html":
        text = re.sub(r"ASSAY-\d{8}-[0-9a-f]+", "ASSAY-*", text)
        text = re.sub(r"(<tr><th>Testing</th><td>)[^<]*(</td>)", r"\1*\2",
                      text)
        # the issue date and the dates of testing (cover and table)
        text = re.sub(r"(&middot; issued )[0-9T:Z-]+", r"\1*", text)
        text = re.sub(r'(<tr id="(?:issued|testing)"><th>[^<]*</th><td>)'
                      r'[^<]*(</td>)', r"\1*\2", text)

        def ev(m):
            body = m.group(2)
            keep = body.startswith("(nothing was sent")
            return m.group(1) + (body if keep else "[evidence]") + m.group(3)
        return re.sub(r'(<pre class="ev">)(.*?)(</pre>)', ev, text,
                      flags=re.S)
    return text


REPORTS = ["report.json", "report.xml", "junit.xml", "report.html"]


def report_diff(ref, got):
    out = []
    for name in REPORTS:
        a, b = os.path.join(ref, name), os.path.join(got, name)
        if not os.path.exists(b):
            out.append("%s missing" % name)
            continue
        try:
            na = normalise(name, open(a, encoding="utf-8").read())
            nb = normalise(name, open(b, encoding="utf-8").read())
        except (ValueError, UnicodeDecodeError) as e:
            out.append("%s unreadable: %s" % (name, e))
            continue
        if na != nb:
            d = list(difflib.unified_diff(na.splitlines(), nb.splitlines(),
                                          "uninterrupted/" + name,
                                          "resumed/" + name, n=1,
                                          lineterm=""))
            out.append("%s differs:\n    %s" % (name, "\n    ".join(d[:24])))
    return out


# --- the run directory -------------------------------------------------------

def files_of(d):
    out = set()
    for root, dirs, files in os.walk(d):
        for f in files:
            out.add(os.path.relpath(os.path.join(root, f), d))
    return out


def journal_lines(d):
    """The journal's lines; problems (incomplete or malformed lines)."""
    p = os.path.join(d, "journal")
    if not os.path.exists(p):
        return [], []
    data = open(p, "rb").read()
    probs = []
    if data and not data.endswith(b"\n"):
        probs.append("journal: last line incomplete: %r" %
                     data.rsplit(b"\n", 1)[-1][:120])
    lines = data.decode("utf-8", "replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif lines:
        lines.pop()     # the incomplete one, reported above
    for n, l in enumerate(lines, 1):
        if not JOURNAL_RE.match(l):
            probs.append("journal:%d: malformed: %r" % (n, l[:160]))
    return lines, probs


def parse_result(p):
    """Problems with one result.txt (empty list: it parses)."""
    try:
        data = open(p, "rb").read()
    except OSError as e:
        return ["%s: %s" % (p, e)]
    if not data.endswith(b"\n"):
        return ["%s: truncated (no final newline, %d bytes)" % (p, len(data))]
    lines = data.decode("utf-8", "replace").split("\n")
    if lines[0] != "assay-result 1":
        return ["%s: bad first line %r" % (p, lines[0][:60])]
    keys = {l.split(" ", 1)[0] for l in lines[1:] if l}
    miss = {"verdict", "duration_ms", "started", "reason",
            "evidence"} - keys
    if miss:
        return ["%s: missing %s" % (p, ", ".join(sorted(miss)))]
    return []


def store_state(d):
    """Checks that hold at any moment, killed or not; and facts."""
    probs = []
    lines, jp = journal_lines(d)
    probs += jp
    done = {l.split()[2] for l in lines if l.split()[1:2] == ["done"]}
    started = {l.split()[2] for l in lines if l.split()[1:2] == ["start"]}
    evd = os.path.join(d, "evidence")
    dirs = sorted(os.listdir(evd)) if os.path.isdir(evd) else []
    results = 0
    for i in dirs:
        rp = os.path.join(evd, i, "result.txt")
        if os.path.exists(rp):
            results += 1
            probs += parse_result(rp)
    for i in sorted(done):
        if not os.path.exists(os.path.join(evd, i, "result.txt")):
            probs.append("journal says done %s but evidence/%s/result.txt "
                         "is missing" % (i, i))
    tmps = sorted(f for f in files_of(d) if f.endswith(".tmp"))
    facts = {"done": done, "started": started, "dirs": set(dirs),
             "results": results, "tmps": tmps, "lines": lines}
    return probs, facts


# --- processes ---------------------------------------------------------------

def leftovers(pgid, tag):
    """Live (not zombie) processes of the group or carrying the tag."""
    out = []
    me = os.getpid()
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) == me:
            continue
        try:
            stat = open("/proc/%s/stat" % p).read()
            rest = stat[stat.rindex(")") + 2:].split()
            state, pgrp = rest[0], int(rest[2])
            if state in ("Z", "X"):
                continue
            hit = pgrp == pgid
            if not hit:
                env = open("/proc/%s/environ" % p, "rb").read()
                hit = ("ASSAY_CRASH_TAG=" + tag).encode() in env.split(b"\0")
            if hit:
                comm = stat[stat.index("(") + 1:stat.rindex(")")]
                out.append("%s(%s)" % (p, comm))
        except (OSError, ValueError):
            continue
    return out


def wait_no_leftovers(pgid, tag, secs=3.0):
    end = time.monotonic() + secs
    while True:
        left = leftovers(pgid, tag)
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.05)


# --- running assay -----------------------------------------------------------

class Runner:
    def __init__(self, a):
        self.a = a
        self.n = 0
        self.preload = []
        try:
            ldd = subprocess.run(["ldd", a.bin], capture_output=True,
                                 text=True).stdout
            for l in ldd.splitlines():
                m = re.search(r"(lib[at]san\.so[.\d]*) => (\S+)", l)
                if m:
                    self.preload.append(m.group(2))
        except OSError:
            pass
        self.preload.append(a.shim)

    def argv(self, out, resume):
        v = [self.a.bin, "run", "--ics", self.a.dev + "/ics.xml",
             "--ixit", self.a.dev + "/ixit.xml",
             "--setup", self.a.dev + "/setup.xml", "--out", out,
             "-j2", "-q", "--lab", "Assay crash lab",
             "--customer", "Assay crash customer",
             "--authorised-by", "Crash Manager",
             "--sign-key", self.a.lab + "/key.pem",
             "--sign-cert", self.a.lab + "/cert.pem"]
        for i in self.a.only:
            v += ["--only", i]
        if resume:
            v.append("--resume")
        return v

    def start(self, out, resume, crash_at=None, log_events=None):
        self.n += 1
        tag = "%d-%d" % (os.getpid(), self.n)
        env = dict(os.environ)
        for k in ("ASSAY_CRASH_AT", "ASSAY_CRASH_LOG", "ASSAY_CRASH_COUNTER"):
            env.pop(k, None)
        env["ASSAY_CRASH_TAG"] = tag
        env["LD_PRELOAD"] = " ".join(self.preload)
        # Killed processes print no leak report; the resumes and the
        # uninterrupted runs keep the build's defaults.
        if crash_at is not None:
            ctr = out + ".counter"
            with open(ctr, "wb") as f:
                f.write(b"\0" * 4096)
            env["ASSAY_CRASH_AT"] = crash_at
            env["ASSAY_CRASH_COUNTER"] = ctr
        if log_events is not None:
            env["ASSAY_CRASH_LOG"] = log_events
        logf = open(out + (".resume.log" if resume else ".log"), "ab")
        p = subprocess.Popen(self.argv(out, resume), env=env,
                             stdout=logf, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL,
                             start_new_session=True)
        logf.close()
        return p, tag

    def verify(self, out):
        r = subprocess.run([self.a.bin, "verify", out, "--cert",
                            self.a.lab + "/cert.pem"],
                           capture_output=True, text=True)
        return r.returncode == 0, (r.stdout + r.stderr).strip()


def tail(path, n=6):
    try:
        return " | ".join(open(path, errors="replace").read()
                          .strip().splitlines()[-n:])
    except OSError:
        return ""


# --- one kill point ------------------------------------------------------------

def one_point(R, ref, label, out, crash_at=None, delay=None, timeout=600,
              again=None):
    """Kills the run (at crash_at, or after delay s), resumes it (killing
    the first resume too after `again` s, if given), checks.
    Returns (status, identical): status ok / fail / known; identical:
    the resumed run's exit status and four reports equal the
    uninterrupted run's (after normalisation)."""
    probs, notes = [], []
    t0 = time.monotonic()
    for attempt in range(4):
        p, tag = R.start(out, False, crash_at=crash_at)
        if delay is not None:
            try:
                p.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                # The process check must see a live run, or it proves
                # nothing.  A run that ended between the timer and the
                # check (a zombie now: not live) finished before the
                # kill: the loop below tries again, sooner.
                if not leftovers(p.pid, tag) and p.poll() is None:
                    probs.append("the process check does not see the "
                                 "running run (pid %d)" % p.pid)
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            rc = p.wait()
            probs.append("the run did not end within %d s" % timeout)
        if delay is None or rc == -signal.SIGKILL or attempt == 3:
            break
        # The run was faster than the timer: a kill point it is not.
        # Again, sooner (the same for the same seed).
        notes.append("finished before +%.3fs" % delay)
        subprocess.run(["rm", "-rf", out, out + ".log"])
        delay *= 0.5
    killed = rc == -signal.SIGKILL
    if not killed:
        if crash_at is not None:
            probs.append("the kill point was never reached (exit %d): %s" %
                         (rc, tail(out + ".log")))
        notes.append("ended before the kill (exit %d)" % rc)
    left = wait_no_leftovers(p.pid, tag)
    if left:
        probs.append("processes left after the kill: " + ", ".join(left))
    # The store right after the kill.
    sp, facts = store_state(out) if os.path.isdir(out) else ([], None)
    probs += ["after the kill: " + x for x in sp]
    signing = []
    if facts is not None:
        notes.append("%d/%d done" % (len(facts["done"]), ref["ntc"]))
        if facts["tmps"]:
            notes.append("tmp: " + ",".join(os.path.basename(t)
                                           for t in facts["tmps"]))
        orphan = facts["dirs"] - facts["started"]
        if orphan:
            notes.append("dir without start: " + ",".join(sorted(orphan)))
        signing = [f for f in SIGN_FILES
                   if os.path.lexists(os.path.join(out, f))]
        if signing:
            notes.append("signing begun: " + ",".join(signing))
    # Resume.
    began = os.path.exists(os.path.join(out, "run.info"))
    if not began:
        content = sorted(files_of(out)) if os.path.isdir(out) else None
        if content:
            # Killed inside the write of run.info: only its temporary
            # file is there.  --resume must start the run afresh (D1,
            # fixed) and end as the reference run did.
            notes.append("only %s: --resume starts afresh" % content)
            p2, tag2 = R.start(out, True)
        else:
            notes.append("killed before the run began: started afresh")
            if os.path.isdir(out):
                os.rmdir(out)
            p2, tag2 = R.start(out, False)
    else:
        if again is not None:
            # Kill the resume too, then resume again: `again` scaled to
            # the work left.
            if facts is not None:
                again *= max(0.2, 1 - len(facts["done"]) / ref["ntc"])
            p2, tag2 = R.start(out, True)
            try:
                p2.wait(timeout=again)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p2.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            rc2 = p2.wait(timeout=timeout)
            left = wait_no_leftovers(p2.pid, tag2)
            if left:
                probs.append("processes left after killing the resume: " +
                             ", ".join(left))
            sp, f2 = store_state(out)
            probs += ["after killing the resume: " + x for x in sp]
            if rc2 != -signal.SIGKILL:
                notes.append("resume ended before its kill (exit %d)" % rc2)
            else:
                notes.append("resume killed after %.3fs at %d/%d done" %
                             (again, len(f2["done"]), ref["ntc"]))
        if again is None or rc2 == -signal.SIGKILL:
            # What signing left, whoever left it (a kill, or a run that
            # finished and signed): the resume below must cope with it.
            signing = [f for f in SIGN_FILES
                       if os.path.lexists(os.path.join(out, f))]
            p2, tag2 = R.start(out, True)
        # else: the resume ended before its kill; it is the one checked.
    try:
        rc2 = p2.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p2.pid, signal.SIGKILL)
        rc2 = p2.wait()
        probs.append("the resumed run did not end within %d s" % timeout)
    left = wait_no_leftovers(p2.pid, tag2)
    if left:
        probs.append("processes left after the resumed run: " +
                     ", ".join(left))
    diff = report_diff(ref["dir"], out)
    identical = rc2 == ref["rc"] and not diff
    if rc2 != ref["rc"]:
        probs.append("resumed run exit %d, uninterrupted %d: %s" %
                     (rc2, ref["rc"], tail(out + ".resume.log")))
    probs += ["resumed: " + x for x in diff]
    sp, facts = store_state(out)
    probs += ["resumed: " + x for x in sp]
    if facts["lines"] and not facts["lines"][-1].split()[1] == "end":
        probs.append("resumed: the journal does not end with \"end\": %r" %
                     facts["lines"][-1])
    # Signing's own defects (D2, D3) are told apart from the rest: only
    # when the resume found signing begun, and only signing's symptoms.
    sig = None
    if signing:
        sig = "sign-tmp" if any(f.endswith(".tmp") for f in signing) \
            else "sign-exists"
    got = files_of(out)
    extra, missing = sorted(got - ref["files"]), sorted(ref["files"] - got)
    if extra:
        k = "KNOWN:%s: " % sig if sig and set(extra) <= set(SIGN_FILES) \
            else ""
        probs.append(k + "resumed: files the uninterrupted run does not "
                     "have (orphans): %s" % extra[:12])
    if missing:
        k = "KNOWN:%s: " % sig if sig and set(missing) <= set(SIGN_FILES) \
            else ""
        probs.append(k + "resumed: files missing: %s" % missing[:12])
    undone = facts["dirs"] - facts["done"]
    if undone:
        probs.append("resumed: evidence directories without a journal "
                     "\"done\" line: %s" % sorted(undone))
    ok, msg = R.verify(out)
    if not ok:
        why = " / ".join(l.strip() for l in msg.splitlines()
                         if l.startswith("  ") or "NOT" in l)
        k = "KNOWN:%s: " % sig if sig else ""
        probs.append(k + "resumed: assay verify fails: %s" % why[-300:])
    return finish(label, probs, notes, t0), identical


STRICT = os.environ.get("ASSAY_CRASH_STRICT", "1") == "1"   # known defects fail too (all three fixed)
KNOWN_SEEN = {}     # defect -> points


def finish(label, probs, notes, t0):
    known = [p for p in probs if p.startswith("KNOWN:")]
    real = [p for p in probs if not p.startswith("KNOWN:")]
    dt = time.monotonic() - t0
    head = "%-30s %5.1fs  %s" % (label, dt, "; ".join(notes))
    if real or (known and STRICT):
        log("FAIL  " + head)
        for p in real:
            log("      - " + p)
        for key in sorted({p.split(":")[1] for p in known}):
            log("      - known defect " + KNOWN[key])
        for p in known:
            log("      - " + p.split(":", 2)[2].strip())
        return "fail"
    if known:
        for key in {p.split(":")[1] for p in known}:
            KNOWN_SEEN[KNOWN[key].split(":")[0]] = \
                KNOWN_SEEN.get(KNOWN[key].split(":")[0], 0) + 1
        log("KNOWN " + head)
        for key in sorted({p.split(":")[1] for p in known}):
            log("      - " + KNOWN[key])
        for p in known:
            log("      - " + p.split(":", 2)[2].strip())
        return "known"
    log("ok    " + head)
    return "ok"


# --- the points ------------------------------------------------------------------

def deterministic_points(events):
    """Named kill points from the uninterrupted run's event counts."""
    pts = []

    def add(when, name, n):
        if 1 <= n <= events.get((when, name), 0):
            pts.append("%s:%s:%d" % (when, name, n))
    for name in ("run.info", "ics.xml", "setup.xml"):
        add("before", name, 1)
        add("after", name, 1)
    nres = events.get(("after", "result.txt"), 0)
    for n in sorted({1, (nres + 1) // 2, nres}):
        add("before", "result.txt", n)   # result complete in .tmp
        add("after", "result.txt", n)    # between rename and "done"
    nj = events.get(("journal", "-"), 0)
    for n in sorted({1, 2, (nj + 1) // 2, nj}):
        add("journal", "-", n)           # line written, not synced
    for name in ("report.json", "report.xml", "report.html", "junit.xml",
                 "MANIFEST", "report.p7s"):
        add("before", name, 1)
        add("after", name, 1)
    return pts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--dev", required=True, help="reference device dir")
    ap.add_argument("--lab", required=True, help="keygen dir (signing)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--points", type=int,
                    default=int(os.environ.get("ASSAY_CRASH_POINTS", "25")),
                    help="random kill points (ASSAY_CRASH_POINTS, 25; a new "
                    "seed each run)")
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("ASSAY_CRASH_SEED", "0")) or
                    None, help="seed of the random points (ASSAY_CRASH_SEED)")
    ap.add_argument("--double", type=int,
                    default=int(os.environ.get("ASSAY_CRASH_DOUBLE", "5")),
                    help="random points that kill the resume too, then "
                    "resume again (ASSAY_CRASH_DOUBLE, 5)")
    ap.add_argument("--full", action="store_true",
                    default=os.environ.get("ASSAY_CRASH_FULL") == "1",
                    help="the whole catalogue (ASSAY_CRASH_FULL=1)")
    ap.add_argument("--pick", default=os.environ.get("ASSAY_CRASH_PICK", ""),
                    help="only these points, comma-separated: a "
                    "deterministic point (after:result.txt:3) or random:N "
                    "(ASSAY_CRASH_PICK)")
    a = ap.parse_args()
    a.only = [] if a.full else SUBSET
    if a.seed is None:
        a.seed = int.from_bytes(os.urandom(4), "big") or 1
    wall0 = time.monotonic()
    R = Runner(a)
    log("crash: seed %d (reproduce: ASSAY_CRASH_SEED=%d), %s, %d random "
        "points, %d double" % (a.seed, a.seed, "full catalogue" if a.full
                               else "--only " + " ".join(SUBSET), a.points,
                               a.double))

    # Two uninterrupted runs: the reference, and a check that the
    # normalisation leaves nothing that differs between clean runs.
    ref = {}
    evlog = os.path.join(a.work, "events.log")
    t = time.monotonic()
    p, tag = R.start(os.path.join(a.work, "ref"), False, log_events=evlog)
    ref["rc"] = p.wait()
    ref["secs"] = time.monotonic() - t
    ref["dir"] = os.path.join(a.work, "ref")
    ref["files"] = files_of(ref["dir"])
    sp, facts = store_state(ref["dir"])
    ref["ntc"] = len(facts["done"])
    ok, msg = R.verify(ref["dir"])
    if ref["rc"] not in (0, 1, 3) or sp or not ok or facts["tmps"]:
        log("FAIL  the uninterrupted run: exit %d %s %s %s" %
            (ref["rc"], sp, msg[-200:], tail(ref["dir"] + ".log")))
        return 1
    t = time.monotonic()
    p, tag = R.start(os.path.join(a.work, "ref2"), False)
    rc2 = p.wait()
    # The timer's scale: the faster clean run (the first is often slowed
    # by cold caches), so fewer timers fire after the run ended.
    ref["secs"] = min(ref["secs"], time.monotonic() - t)
    d = report_diff(ref["dir"], os.path.join(a.work, "ref2"))
    if rc2 != ref["rc"] or d:
        log("FAIL  two uninterrupted runs differ after normalisation "
            "(exit %d/%d):\n  %s" % (ref["rc"], rc2, "\n  ".join(d)))
        return 1
    events, seq = {}, []
    for l in open(evlog):
        w, n = l.split()
        events[(w, n)] = events.get((w, n), 0) + 1
        seq.append("%s:%s:%d" % (w, n, events[(w, n)]))
    log("crash: uninterrupted run: exit %d, %d test cases, %.2f s, %d "
        "events; a second one identical after normalisation" %
        (ref["rc"], ref["ntc"], ref["secs"], len(seq)))

    # Random points, alternately: a timer (any moment, Lua or probe or
    # C; replays approximately) and a random event of the uninterrupted
    # run's (a rename or journal sync; replays exactly).
    rng = random.Random(a.seed)
    points = [("det", x) for x in deterministic_points(events)]
    for i in range(a.points):
        f = rng.uniform(0.0, 0.95)
        e = seq[rng.randrange(len(seq))]
        points.append(("random:%d" % (i + 1), f if i % 2 == 0 else e))
    for i in range(a.double):
        points.append(("double:%d" % (i + 1), (rng.uniform(0.0, 0.95),
                                               rng.uniform(0.0, 0.95))))
    if a.pick:
        want = set(a.pick.split(","))
        points = [(k, v) for k, v in points
                  if k in want or (isinstance(v, str) and v in want)]
    tally = {"ok": 0, "fail": 0, "known": 0}
    same = 0
    timeout = max(120, int(ref["secs"] * 10))
    for i, (kind, v) in enumerate(points):
        out = os.path.join(a.work, "p%03d" % i)
        if kind == "det":
            st, ident = one_point(R, ref, v, out, crash_at=v,
                                  timeout=timeout)
        elif isinstance(v, str):
            st, ident = one_point(R, ref, "%s %s" % (kind, v), out,
                                  crash_at=v, timeout=timeout)
        elif isinstance(v, tuple):
            st, ident = one_point(R, ref, "%s +%.3fs" %
                                  (kind, v[0] * ref["secs"]), out,
                                  delay=v[0] * ref["secs"],
                                  again=v[1] * ref["secs"], timeout=timeout)
        else:
            st, ident = one_point(R, ref, "%s +%.3fs" %
                                  (kind, v * ref["secs"]), out,
                                  delay=v * ref["secs"], timeout=timeout)
        tally[st] += 1
        same += ident
        if st == "ok" and not os.environ.get("ASSAY_CRASH_KEEP"):
            subprocess.run(["rm", "-rf", out, out + ".log",
                            out + ".resume.log", out + ".counter"])
    total = sum(tally.values())
    wall = time.monotonic() - wall0
    log("crash: seed %d: %d/%d kill points with reports identical after "
        "resume; %d/%d passed every check, %d failed, %d known failures "
        "(harness defects%s%s); wall time %.0f s" %
        (a.seed, same, total, tally["ok"], total, tally["fail"],
         tally["known"], "".join(" %s x%d" % kv for kv in
                                 sorted(KNOWN_SEEN.items())),
         "; ASSAY_CRASH_STRICT=1 fails on them" if
         tally["known"] and not STRICT else "", wall))
    return 1 if tally["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
