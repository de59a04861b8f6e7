#!/bin/bash
# e2e_readme.sh - the README's command 1 as a newcomer types it, on a
# machine without sudo (a fresh Debian 12 container has none):
#  1. it is the first command of the README's first code block and starts
#     with the root-aware prefix; the prefix is empty for root and "sudo"
#     for any other user;
#  2. its install part, verbatim, runs as root with no sudo on PATH and
#     resolves every package of .ci/packages.  apt runs offline here: an
#     APT_CONFIG with no sources and Simulate, so the test touches neither
#     the network nor the machine's package state (the build and demo
#     parts are what ctest and e2e_refdevice_run already run);
#  3. command 2 is the test command .ci/run runs.
set -u
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-readme-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

block=$(sed -n '/^```sh$/,/^```$/p' "$SRC/README.md" | sed -n '1,/^```$/p' | sed '1d;$d')
cmd1=$(sed -n '/^# 1\./{n;p;q}' <<<"$block")
cmd2=$(sed -n '/^# 2\./{n;p;q}' <<<"$block")
prefix='$( [ "$(id -u)" -eq 0 ] || echo sudo )'
[[ $cmd1 == "$prefix "* ]] && ok "command 1 starts with the root-aware sudo prefix" ||
	bad "command 1: $cmd1"
[ "$(sh -c "echo x$prefix")" = x ] && [ "$(id -u)" -eq 0 ] &&
	ok "as root the prefix is empty" || echo "ok - # SKIP not root: the prefix for root not checked"
if command -v runuser >/dev/null && [ "$(id -u)" -eq 0 ]; then
	[ "$(runuser -u nobody -- sh -c "echo $prefix")" = sudo ] &&
		ok "as another user the prefix is sudo" || bad "prefix for nobody"
fi

# The install part, up to the build.
install=${cmd1%% && cmake *}
[ "$install" != "$cmd1" ] && [[ $install == *". ./.ci/packages && apt-get update && apt-get install -y"* ]] &&
	ok "command 1 installs from .ci/packages, then builds" || bad "install part: $install"
mkdir -p "$T/bin" "$T/lists/partial" "$T/parts"
: >"$T/sources.list"
cat >"$T/apt.conf" <<EOF
Dir::Etc::sourcelist "$T/sources.list";
Dir::Etc::sourceparts "$T/parts";
Dir::State::Lists "$T/lists";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Get::Simulate "true";
EOF
# A PATH with what the command needs and no sudo, whatever this machine has.
for c in sh id apt-get dpkg dpkg-query; do
	p=$(command -v "$c") && ln -s "$p" "$T/bin/$c"
done
if [ "$(id -u)" -ne 0 ]; then
	echo "ok - # SKIP not root: the install part needs root (or sudo)"
else
	(cd "$SRC" && env -i PATH="$T/bin" APT_CONFIG="$T/apt.conf" HOME="$T" \
		"$T/bin/sh" -c "$install") >"$T/out" 2>&1
	code=$?
	[ $code -eq 0 ] && ! grep -qi "sudo: \|not found" "$T/out" &&
		ok "as root without sudo, the install part runs verbatim and resolves every package" ||
		bad "install part exit $code: $(tail -5 "$T/out")"
fi

[ "$cmd2" = "ctest --test-dir build --output-on-failure -j4" ] &&
	grep -qF "$cmd2" "$SRC/.ci/run" && ok "command 2 is what .ci/run runs" || bad "command 2: $cmd2"

echo "# $fails failure(s)"
[ $fails -eq 0 ]
