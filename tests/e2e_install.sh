#!/bin/bash
# e2e_install.sh - an installed Assay finds its data beside itself
# (../share/assay), also when installed with --prefix after configuring
# another prefix and when the whole tree is moved, and never falls back to
# the source tree it was built from.
set -u
BLD=${ASSAY_BINARY_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-install-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

cmake --install "$BLD" --prefix "$T/p" >"$T/install.log" 2>&1 ||
	{ echo "FAIL - cmake --install: $(tail -3 "$T/install.log")"; exit 1; }
[ -x "$T/p/bin/assay" ] && [ -f "$T/p/share/assay/ixit/ixit.xsd" ] && [ -f "$T/p/share/man/man1/assay.1" ] &&
	cmp -s "$ASSAY_SOURCE_DIR/completion/assay" "$T/p/share/bash-completion/completions/assay" &&
	ok "installed into a prefix, with the man page and the bash completion" ||
	bad "install tree incomplete"

cd "$T" || exit 1
# Installed under another prefix than configured: its own ../share/assay.
out=$(env -u ASSAY_DATADIR "$T/p/bin/assay" --version 2>&1)
grep -q "($T/p/share/assay/testcases)" <<<"$out" && ok "finds ../share/assay beside itself" ||
	bad "installed binary uses other data: $out"
env -u ASSAY_DATADIR "$T/p/bin/assay" list --summary >/dev/null 2>&1 && ok "lists the installed catalogue" ||
	bad "installed assay list fails"
n=$(env -u ASSAY_DATADIR "$T/p/bin/assay" list --profiles 2>/dev/null | grep -c .)
[ "$n" -eq "$(ls "$ASSAY_SOURCE_DIR"/profiles/*.xml | wc -l)" ] && [ -e "$T/p/share/assay/profiles/tailoring.xsd" ] &&
	[ ! -e "$T/p/share/assay/profiles/generate.py" ] &&
	ok "the installed profiles load ($n), with their schemas, without the generator" ||
	bad "installed profiles: $n listed"

# The whole tree moved: still found, relative to the executable.
mv "$T/p" "$T/moved"
out=$(env -u ASSAY_DATADIR "$T/moved/bin/assay" --version 2>&1)
grep -q "($T/moved/share/assay/testcases)" <<<"$out" && ok "relocatable: found after a move" ||
	bad "moved install: $out"

# Without its data: an error naming ASSAY_DATADIR, not the source tree.
rm -rf "$T/moved/share"
out=$(env -u ASSAY_DATADIR "$T/moved/bin/assay" list 2>&1); rc=$?
if [ $rc -eq 2 ] && grep -q "ASSAY_DATADIR" <<<"$out" && ! grep -q "${ASSAY_SOURCE_DIR:-/nonexistent}" <<<"$out"; then
	ok "no data: exit 2 naming ASSAY_DATADIR, never the source tree"
else
	bad "no data: exit $rc: $out"
fi
# ASSAY_DATADIR wins.
out=$(ASSAY_DATADIR="$ASSAY_SOURCE_DIR" "$T/moved/bin/assay" --version 2>&1)
grep -q "($ASSAY_SOURCE_DIR/testcases)" <<<"$out" && ok "ASSAY_DATADIR is used" || bad "ASSAY_DATADIR ignored: $out"
[ $fails -eq 0 ]
