#!/bin/bash
# The fleet examples (examples/ci/gitlab-ci.yml, examples/k8s/*.yaml;
# docs/fleet.md) stay true: each file parses as YAML (python3's yaml where
# it is installed, else a structural check), has the parts docs/fleet.md
# relies on (a parallel matrix, an indexed Job, a summarize step), and
# every assay command line in it is accepted by the real CLI: its options
# parse (the line is run with --help appended: getopt takes every option
# before --help, and a bad option or value exits 2) and it has the
# operands its subcommand needs.  Nothing is run against a device.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-fleetex-XXXXXX)
trap 'rm -rf "$T"' EXIT
command -v python3 >/dev/null || { echo "SKIP: no python3"; exit 0; }
fails=0
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
ok() { echo "ok - $*"; }

# Prints the assay command lines of a YAML file, one per line, as argument
# lists after "assay" (shell words, variables replaced by a placeholder).
cat >"$T/extract.py" <<'EOF'
import os, re, shlex, sys
path = sys.argv[1]
text = open(path).read()
try:
    if os.environ.get("ASSAY_NO_YAML"):
        raise ImportError("ASSAY_NO_YAML")
    import yaml
    docs = [d for d in yaml.safe_load_all(text) if d is not None]
    strings = []
    def walk(v):
        if isinstance(v, dict):
            for x in v.values(): walk(x)
        elif isinstance(v, list):
            for x in v: walk(x)
        elif isinstance(v, str):
            strings.append(v)
    for d in docs:
        walk(d)
    parsed = "yaml"
except ImportError:
    # Structural check: no tabs, every line indented by spaces, keys end in ':'.
    for n, line in enumerate(text.splitlines(), 1):
        if "\t" in line:
            sys.exit("%s:%d: tab in YAML" % (path, n))
    strings = [text]
    parsed = "structural"
sys.stderr.write("%s: %s\n" % (path, parsed))
for s in strings:
    s = s.replace("\\\n", " ")
    for line in s.splitlines():
        m = re.search(r"(?:^|[\s;&|]|exec\s)(assay\s+(?:run|summarize|check|demo|diff|report|review|sign|verify)\b.*)$", line.strip().lstrip("- ").strip())
        if not m:
            continue
        cmd = re.sub(r"\$\(\([^)]*\)\)|\$\([^)]*\)", "x", m.group(1))
        cmd = re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", "x", cmd)
        words = shlex.split(cmd)
        print("\x1f".join(words[1:]))
EOF

# Accepted by the CLI: options parse, and the operands are there.
accepted() {	# words...
	local sub=$1 out code
	out=$("$BIN" "$@" --help 2>&1)
	code=$?
	if [ $code -ne 0 ] || [[ $out != "usage: assay $sub"* ]]; then
		echo "  the CLI rejects it (exit $code): $(printf '%s\n' "$out" | head -2)"
		return 1
	fi
	case $sub in
	run)
		if [[ " $* " == *" --fleet "* ]]; then
			[[ " $* " == *" --out "* ]] || { echo "  no --out"; return 1; }
		else
			for o in --ics --ixit --setup --out; do
				[[ " $* " == *" $o "* ]] || { echo "  no $o"; return 1; }
			done
		fi ;;
	summarize)
		# At least one directory: a word that is neither an option nor
		# the value of --out/--format.
		local w prev= n=0
		for w in "${@:2}"; do
			if [[ $w != -* && $prev != --out && $prev != --format ]]; then
				n=$((n + 1))
			fi
			prev=$w
		done
		[ $n -gt 0 ] || { echo "  no report directory"; return 1; } ;;
	esac
	return 0
}

# The checker can fail: a bad option, a bad value and a missing operand.
accepted run --ics a --ixit b --setup c --out d --no-such-option >/dev/null &&
	fail "the checker accepts an unknown option"
accepted run --ics a --ixit b --setup c --out d --fail-on sometimes >/dev/null &&
	fail "the checker accepts a bad --fail-on value"
accepted summarize --out d >/dev/null && fail "the checker accepts summarize without a directory"
accepted run --ics a --ixit b --out d >/dev/null && fail "the checker accepts run without --setup"

n=0
for f in "$SRC/examples/ci/gitlab-ci.yml" "$SRC/examples/k8s/assay-job.yaml" \
    "$SRC/examples/k8s/assay-summarize-job.yaml"; do
	rel=${f#"$SRC"/}
	if ! python3 "$T/extract.py" "$f" >"$T/cmds" 2>"$T/err"; then
		fail "$rel does not parse: $(cat "$T/err")"; continue
	fi
	ok "$rel parses ($(sed 's/.*: //' "$T/err"))"
	[ -s "$T/cmds" ] || fail "$rel: no assay command line"
	while IFS= read -r line; do
		IFS=$'\x1f' read -r -a words <<<"$line"
		if msg=$(accepted "${words[@]}"); then
			ok "$rel: assay ${words[*]}"
			n=$((n + 1))
		else
			fail "$rel: assay ${words[*]}"; printf '%s\n' "$msg"
		fi
	done <"$T/cmds"
done

# What docs/fleet.md says the examples are.
grep -q '^  parallel:' "$SRC/examples/ci/gitlab-ci.yml" && grep -q 'matrix:' "$SRC/examples/ci/gitlab-ci.yml" ||
	fail "gitlab-ci.yml: no parallel matrix"
grep -q 'assay summarize' "$SRC/examples/ci/gitlab-ci.yml" || fail "gitlab-ci.yml: no summarize step"
grep -q 'completionMode: Indexed' "$SRC/examples/k8s/assay-job.yaml" || fail "assay-job.yaml: not an indexed Job"
grep -q 'JOB_COMPLETION_INDEX' "$SRC/examples/k8s/assay-job.yaml" || fail "assay-job.yaml: the index picks no device"
grep -q 'assay summarize' "$SRC/examples/k8s/assay-summarize-job.yaml" || fail "no k8s summarize Job"
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - "$SRC" <<'EOF' || fail "the examples' structure"
import sys, yaml
src = sys.argv[1]
g = yaml.safe_load(open(src + "/examples/ci/gitlab-ci.yml"))
devs = g["assess"]["parallel"]["matrix"][0]["DEVICE"]
summ = " ".join(g["summarize"]["script"])
# Every device of the matrix is named in the summarize step.
assert all("reports/%s" % d in summ for d in devs), (devs, summ)
assert g["summarize"]["when"] == "always"
docs = list(yaml.safe_load_all(open(src + "/examples/k8s/assay-job.yaml")))
job = [d for d in docs if d["kind"] == "Job"][0]
cm = [d for d in docs if d["kind"] == "ConfigMap"][0]
names = cm["data"]["devices"].split()
assert job["spec"]["completions"] == len(names), (job["spec"]["completions"], names)
s = yaml.safe_load(open(src + "/examples/k8s/assay-summarize-job.yaml"))
args = " ".join(s["spec"]["template"]["spec"]["containers"][0]["args"])
assert all("/reports/%s" % d in args for d in names), (names, args)
EOF
fi
[ $n -ge 3 ] || fail "only $n assay command lines checked"
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all ok ($n command lines)"
