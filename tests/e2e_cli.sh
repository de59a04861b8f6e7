#!/bin/bash
# e2e_cli.sh - the command line's habits: one error line per mistake that
# names it and the help to read, `assay help CMD`, an unsigned report
# said to be unsigned, a key type that cannot sign said so at once.
set -u
A=${ASSAY_BIN:?set ASSAY_BIN to the built assay}
T=$(mktemp -d /tmp/assay-e2e-cli-XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# expect CODE "TEXT" CMD...: exit CODE, stderr+stdout holding TEXT.
expect() {
	local code=$1 text=$2 out rc
	shift 2
	out=$("$A" "$@" 2>&1); rc=$?
	[ "$rc" -eq "$code" ] || fail "assay $*: exit $rc, not $code: $out"
	grep -qF -- "$text" <<<"$out" || fail "assay $*: no \"$text\" in: $out"
	printf '%s\n' "$out"
}

# A bad option: named once, with the hint; getopt's own line is gone.
out=$(expect 2 "assay init: option '--bogus' is unknown or needs a value" init --bogus)
[ "$(wc -l <<<"$out")" -eq 2 ] || fail "init --bogus: not two lines: $out"
grep -q "Try 'assay init --help'." <<<"$out" || fail "init --bogus: no hint"
expect 2 "assay run: option '--out' is unknown or needs a value" run --out >/dev/null
expect 2 "assay init: option -x is unknown or needs a value" init -x >/dev/null
expect 2 "assay check: unexpected argument 'extra'" check --ics a --ixit b extra >/dev/null
expect 2 "assay demo: unknown persona \"strong\" (weak or conforming)" demo --persona strong >/dev/null
expect 2 "Try 'assay demo --help'." demo --persona strong >/dev/null

# assay help CMD is assay CMD --help.
[ "$("$A" help run)" = "$("$A" run --help)" ] || fail "help run differs from run --help"
expect 0 "usage: assay verify" help verify >/dev/null
expect 2 "assay help: unknown subcommand \"nope\"" help nope >/dev/null

# An unsigned report directory: NOT SIGNED, exit 1, and in JSON signed=false.
mkdir -p "$T/r"
echo '{}' > "$T/r/report.json"
cat > "$T/r/report.xml" <<'XML'
<?xml version="1.0"?>
<report xmlns="urn:assay:report:1" version="1" id="cli"><laboratory><name>CLI Lab</name><authorised-by>CLI Manager</authorised-by></laboratory><customer><name>CLI customer</name></customer><device><manufacturer>Acme</manufacturer><model>Hub</model><hardware-version>B</hardware-version><firmware-version>4.0</firmware-version></device><summary verdict="PASS" pass="1" fail="0" inconclusive="0" not-applicable="0" error="0"/></report>
XML
out=$(expect 1 "signature: NOT SIGNED" verify "$T/r")
grep -q "INVALID\|signer:" <<<"$out" && fail "unsigned report shown as INVALID: $out"
out=$("$A" verify --format json "$T/r")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["signed"] is False and d["verified"] is False, d' "$out" ||
	fail "verify json: $out"

# A signed one: signed=true beside the rest.
"$A" keygen --out "$T/k" >/dev/null || fail keygen
"$A" sign "$T/r" --key "$T/k/key.pem" --cert "$T/k/cert.pem" >/dev/null || fail sign
out=$("$A" verify --format json --cert "$T/k/cert.pem" "$T/r") || fail "verify signed: $out"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["signed"] is True and d["verified"] is True, d' "$out" ||
	fail "verify json signed: $out"

# Ed25519: made, with a warning that this OpenSSL cannot sign with it.
expect 0 "cannot sign reports with an Ed25519 key" keygen --out "$T/ed" --type ed25519 >/dev/null
# --version: version and commit, the catalogue it would run, the libraries.
out=$("$A" --version) || fail "--version"
grep -Eq '^assay [0-9.]+ \(commit [0-9a-zA-Z.-]+\)$' <<<"$out" ||
	fail "--version line 1: $out"
grep -Eq '^catalogue: [0-9]+ test cases, sha256 [0-9a-f]{64} \(' <<<"$out" || fail "--version catalogue: $out"
grep -q '^libraries: OpenSSL 3\.[0-9.]*, libcurl [0-9.]*, libxml2 [0-9.]*, Lua 5\.4' <<<"$out" ||
	fail "--version libraries: $out"
# explain: a provision, a test case, a unit (three spellings), JSON, errors.
expect 0 "applies if condition 1 holds" explain 5.1-1 >/dev/null
expect 0 "assessed by:" explain 5.1-1 >/dev/null
out=$(expect 0 "unit b: " explain 5.6-1-2)
grep -q "^    decided:   automatic (a probe decides it" <<<"$out" || fail "explain: decided in words: $out"
for u in 5.6-1-2b 5.6-1-2/b "5.6-1-2 b"; do
	# shellcheck disable=SC2086
	out=$("$A" explain $u) || fail "explain $u"
	grep -q "unit b:" <<<"$out" && ! grep -q "unit a:" <<<"$out" || fail "explain $u: not unit b alone: $out"
done
"$A" explain --format json 5.1-1-2 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["kind"] == "test_case" and d["units"][0]["unit"] == "a" and d["units"][0]["decided"], d' ||
	fail "explain json"
expect 2 "is neither a provision nor a test case" explain 9.9-9 >/dev/null
expect 2 "has no unit \"z\"" explain 5.1-1-2 z >/dev/null
# run --fail-on, on a run of the report catalogue (no device: INCOMPLETE,
# exit 3): incomplete keeps 3, fail and never give 0 and say so; every
# report file is named at the end.
SRC=${ASSAY_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
run=(run --ics "$SRC/ics/examples/smart-camera.xml" --ixit "$SRC/ixit/examples/smart-camera.xml"
	--setup "$SRC/setup/examples/smart-camera.xml" --catalogue "$SRC/tests/data/catalogue-report")
"$A" "${run[@]}" --out "$T/run1" >"$T/run.out" 2>"$T/run.err"; base=$?
[ $base -eq 1 ] || [ $base -eq 3 ] || fail "run: exit $base: $(tail -3 "$T/run.err")"
for f in report.json report.xml report.html junit.xml; do
	grep -q "$T/run1/$f" "$T/run.out" || fail "run: $f not named at the end: $(cat "$T/run.out")"
done
grep -q "^evidence: $T/run1/evidence/" "$T/run.out" || fail "run: evidence not named"
"$A" "${run[@]}" --out "$T/run2" --fail-on incomplete >/dev/null 2>&1
[ $? -eq $base ] || fail "--fail-on incomplete changed the exit code"
"$A" "${run[@]}" --out "$T/run3" --fail-on never >/dev/null 2>"$T/never.err"
[ $? -eq 0 ] && grep -q "exit 0 by --fail-on never" "$T/never.err" || fail "--fail-on never: $(cat "$T/never.err")"
"$A" "${run[@]}" --out "$T/run4" --fail-on fail >/dev/null 2>"$T/fail.err"; c=$?
if [ $base -eq 3 ]; then
	[ $c -eq 0 ] && grep -q "exit 0 by --fail-on fail" "$T/fail.err" || fail "--fail-on fail on incomplete: exit $c"
else
	[ $c -eq 1 ] || fail "--fail-on fail on a FAIL: exit $c"
fi
expect 2 "--fail-on is incomplete, fail or never" "${run[@]}" --out "$T/run5" --fail-on sometimes >/dev/null
# -v: a PASS's reason too; -vv: unit lines under each test case.
"$A" "${run[@]}" --out "$T/runv" >/dev/null 2>"$T/v0.err"
"$A" "${run[@]}" --out "$T/runvv" -vv >/dev/null 2>"$T/v2.err"
grep -q "^           unit a " "$T/v0.err" && fail "unit lines without -vv"
grep -q "^           unit a " "$T/v2.err" || fail "-vv: no unit lines: $(cat "$T/v2.err")"
echo "ok: e2e_cli"
