#!/bin/bash
# `assay check` and `assay init` from the command line: the examples are
# valid (exit 0); each broken example exits 2 and names file:line and the
# cause written in its "<!-- expect: ... -->" comment; --format json parses;
# the templates written by `assay init` do not validate until filled in.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-check-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
ICS=$SRC/ics/examples/smart-camera.xml
IXIT=$SRC/ixit/examples/smart-camera.xml

"$BIN" check --ics "$ICS" --ixit "$IXIT" >"$T/out" 2>&1 && ok "examples valid" || bad "examples: $(cat "$T/out")"
"$BIN" check --ics "$ICS" --ixit "$IXIT" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["valid"] is True and d["problems"] == []' &&
	ok "json output for valid forms" || bad "json output for valid forms"

for f in "$SRC"/ics/examples/broken/*.xml "$SRC"/ixit/examples/broken/*.xml; do
	expect=$(sed -n 's/.*<!-- expect: \(.*\) -->.*/\1/p' "$f" | head -1)
	case $f in
	*/ics/*) args=(--ics "$f" --ixit "$IXIT") ;;
	*) args=(--ics "$ICS" --ixit "$f") ;;
	esac
	"$BIN" check "${args[@]}" >"$T/out" 2>&1
	code=$?
	name=${f#"$SRC"/}
	if [ $code -eq 2 ] && grep -qE "^$f:[0-9]+: .*$(printf '%s' "$expect" | sed 's/[][\.*^$()|+?{}]/\\&/g')" "$T/out"; then
		ok "$name: exit 2, $(grep -m1 -oE "^$f:[0-9]+" "$T/out" | sed "s|$SRC/||")"
	else
		bad "$name: exit $code, expected \"$expect\" at file:line; got: $(head -3 "$T/out")"
	fi
	"$BIN" check "${args[@]}" --format json >"$T/json" 2>/dev/null
	python3 - "$T/json" "$expect" <<'PY' || bad "$name: json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False
assert any(sys.argv[2] in p["message"] and p["line"] > 0 for p in d["problems"]), d
PY
done

"$BIN" init "$T/new" >/dev/null && [ -s "$T/new/ics.xml" ] && [ -s "$T/new/ixit.xml" ] && ok "init writes templates" || bad "init"
"$BIN" init "$T/new" >/dev/null 2>&1; [ $? -eq 2 ] && ok "init refuses to overwrite" || bad "init overwrote"
"$BIN" check --ics "$T/new/ics.xml" --ixit "$T/new/ixit.xml" >"$T/out" 2>&1
[ $? -eq 2 ] && grep -q "TODO" "$T/out" && ok "unfilled templates do not validate, naming the TODOs" || bad "templates: $(head -3 "$T/out")"
"$BIN" check --ics "$ICS" >/dev/null 2>&1; [ $? -eq 2 ] && ok "missing --ixit: exit 2" || bad "missing --ixit"
"$BIN" check --help | grep -q "usage: assay check" && ok "check --help" || bad "check --help"
for c in init check list run demo keygen sign verify; do
	"$BIN" $c --help >/dev/null 2>&1 || bad "$c --help"
done
"$BIN" --version | grep -q "^assay " && ok "--version" || bad "--version"
"$BIN" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown subcommand: exit 2" || bad "unknown subcommand"

echo "$fails failure(s)"
[ $fails -eq 0 ]
