#!/bin/bash
# e2e_docker.sh - the Dockerfile and .dockerignore, checked without Docker
# (no image is built here): both stages on Debian 12; every COPY source
# exists and is sent in the build context (not matched by .dockerignore),
# every COPY --from names a stage that makes it; every package it installs
# is one .ci/packages names or one apt knows; the build stage's packages
# (ASSAY_BUILD_PACKAGES) are among ASSAY_PACKAGES and hold the pkg-config
# file of every library CMakeLists.txt asks for; each RUN is valid sh; the
# image runs assay as a non-root user in /work; .dockerignore leaves out
# build trees and demo reports but nothing git tracks.
set -u
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-docker-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
DF=$SRC/Dockerfile
[ -f "$DF" ] && [ -f "$SRC/.dockerignore" ] || { echo "FAIL - no Dockerfile or .dockerignore"; exit 1; }

# One instruction per line: comments dropped, continuations joined.
sed '/^[[:space:]]*#/d' "$DF" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | sed '/^[[:space:]]*$/d' >"$T/ins"

# Stages.
froms=$(grep -ciE '^FROM ' "$T/ins")
bad_from=$(grep -iE '^FROM ' "$T/ins" | grep -vE '^FROM (debian:12-slim|debian:bookworm-slim)( AS [a-z0-9_-]+)?$')
[ "$froms" -ge 2 ] && [ -z "$bad_from" ] && ok "$froms stages, all debian:12-slim" ||
	bad "stages: $froms; not Debian 12 slim: $bad_from"
stages=$(sed -n 's/^FROM [^ ]* AS \([a-z0-9_-]*\)$/\1/Ip' "$T/ins")

# .dockerignore: patterns relative to the context's top, as Docker reads
# them; ignored SRC: SRC or a parent directory is matched.
mapfile -t pats < <(sed '/^[[:space:]]*#/d; /^[[:space:]]*$/d; s/^\///; s/\/$//' "$SRC/.dockerignore")
ignored()
{
	local p=$1 pat part=
	IFS=/ read -ra parts <<<"$p"
	for seg in "${parts[@]}"; do
		part=${part:+$part/}$seg
		for pat in "${pats[@]}"; do
			# shellcheck disable=SC2053
			[[ $part == $pat ]] && return 0
		done
	done
	return 1
}
for want in 'build*' 'assay-demo-*'; do
	printf '%s\n' "${pats[@]}" | grep -qxF -- "$want" && ok ".dockerignore leaves out $want" ||
		bad ".dockerignore lacks $want"
done
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	n=0
	while IFS= read -r f; do
		ignored "$f" && { bad "tracked file left out of the build context: $f"; n=$((n + 1)); }
		[ $n -ge 5 ] && break
	done < <(git -C "$SRC" ls-files)
	[ $n -eq 0 ] && ok "no file git tracks is left out of the build context"
else
	echo "# not a git checkout: tracked files not compared with .dockerignore"
fi

# COPY sources.
while read -r line; do
	read -ra w <<<"$line"
	from=
	args=()
	for x in "${w[@]:1}"; do
		case $x in
		--from=*) from=${x#--from=} ;;
		--*) ;;
		*) args+=("$x") ;;
		esac
	done
	unset 'args[${#args[@]}-1]'	# the destination
	for s in "${args[@]}"; do
		if [ -n "$from" ]; then
			grep -qx "$from" <<<"$stages" || { bad "COPY --from=$from: no such stage"; continue; }
			# The stage's own instructions name the file it makes.
			sed -n "/^FROM .* AS $from\$/I,/^FROM /p" "$T/ins" | grep -q -- " $s\\b" &&
				ok "COPY --from=$from $s: made by that stage" ||
				bad "COPY --from=$from $s: stage $from never mentions it"
		elif [ "$s" = . ]; then
			ok "COPY . (the context)"
		elif [ -e "$SRC/$s" ] && ! ignored "${s#./}"; then
			ok "COPY $s: exists and is in the build context"
		else
			bad "COPY $s: missing or left out by .dockerignore"
		fi
	done
done < <(grep -iE '^COPY ' "$T/ins")

# Packages.
# shellcheck source=../.ci/packages
. "$SRC/.ci/packages"
known="$ASSAY_PACKAGES ${ASSAY_CI_PACKAGES:-} ${ASSAY_BUILD_PACKAGES:-}"
[ -n "${ASSAY_BUILD_PACKAGES:-}" ] || bad ".ci/packages has no ASSAY_BUILD_PACKAGES"
for p in ${ASSAY_BUILD_PACKAGES:-}; do
	grep -qw -- "$p" <<<" $ASSAY_PACKAGES " || bad "ASSAY_BUILD_PACKAGES: $p is not in ASSAY_PACKAGES"
done
apt_ok=0
apt-cache show bash >/dev/null 2>&1 && apt_ok=1
grep -oE 'apt-get install [^&;]*' "$T/ins" | sed 's/^apt-get install//' | tr ' ' '\n' |
	sed '/^$/d; /^-/d; /^\//d' | sort -u >"$T/pkgs"
[ -s "$T/pkgs" ] || bad "no apt-get install found"
while read -r p; do
	case $p in
	'$ASSAY_BUILD_PACKAGES'|'${ASSAY_BUILD_PACKAGES}')
		grep -q 'COPY .ci/packages ' "$T/ins" && grep -q '\. /tmp/assay-packages' "$T/ins" &&
			ok "installs \$ASSAY_BUILD_PACKAGES from .ci/packages" ||
			bad "uses \$ASSAY_BUILD_PACKAGES without sourcing .ci/packages" ;;
	\$*)	bad "installs $p: not a variable of .ci/packages" ;;
	*)
		if grep -qw -- "$p" <<<" $known "; then
			ok "installs $p (in .ci/packages)"
		elif [ $apt_ok -eq 1 ]; then
			apt-cache show "$p" >/dev/null 2>&1 && ok "installs $p (a Debian package)" ||
				bad "installs $p: neither in .ci/packages nor known to apt-cache"
		else
			echo "# installs $p: not in .ci/packages; apt-cache has no lists, not checked"
		fi ;;
	esac
done <"$T/pkgs"

# The build stage's packages hold the pkg-config file of each library
# CMakeLists.txt finds (find_package names mapped to their .pc files).
mods=$(sed -n 's/.*pkg_check_modules([A-Z0-9_]* REQUIRED IMPORTED_TARGET \([^>= )]*\).*/\1/p' "$SRC/CMakeLists.txt")
for fp in $(sed -n 's/^find_package(\([A-Za-z0-9_]*\).*/\1/p' "$SRC/CMakeLists.txt"); do
	case $fp in
	OpenSSL) mods="$mods openssl" ;;
	CURL) mods="$mods libcurl" ;;
	LibXml2) mods="$mods libxml-2.0" ;;
	PkgConfig|Threads) ;;
	*) bad "find_package($fp): which .pc file? (add it to this test's map)" ;;
	esac
done
if command -v pkg-config >/dev/null && command -v dpkg >/dev/null; then
	# A build package or what it depends on (libpcap-dev is libpcap0.8-dev).
	have=" ${ASSAY_BUILD_PACKAGES:-} "
	for p in ${ASSAY_BUILD_PACKAGES:-}; do
		have="$have $(dpkg-query -W -f='${Depends}' "$p" 2>/dev/null |
			sed 's/([^)]*)//g; s/[,|]/ /g; s/:any//g') "
	done
	for m in $mods; do
		pc="$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)/$m.pc"
		owner=$(dpkg -S "$pc" 2>/dev/null | head -1 | sed 's/[:,].*//')
		if [ -z "$owner" ]; then
			bad "$m.pc: no package owns it here"
		elif grep -qE -- "[[:space:]]${owner}[[:space:]]" <<<"$have"; then
			ok "$m.pc comes with $owner, a build package"
		else
			bad "$m.pc comes with $owner, not in ASSAY_BUILD_PACKAGES"
		fi
	done
else
	echo "# no pkg-config or dpkg: build packages not held to CMakeLists.txt"
fi

# Each RUN is valid sh; the image's last stage runs assay, not as root, in /work.
i=0
while read -r line; do
	i=$((i + 1))
	sh -n -c "${line#RUN }" 2>"$T/sh.err" || bad "RUN $i: $(cat "$T/sh.err")"
done < <(grep -E '^RUN ' "$T/ins")
[ $i -gt 0 ] && ok "$i RUN instructions parse as sh"
last=$(awk '/^FROM /{ s = "" } { s = s $0 "\n" } END { printf "%s", s }' "$T/ins")
grep -qx 'ENTRYPOINT \["assay"\]' <<<"$last" && ok 'ENTRYPOINT ["assay"]' || bad "no ENTRYPOINT [\"assay\"] in the last stage"
user=$(grep -E '^USER ' <<<"$last" | tail -1 | awk '{ print $2 }')
[ -n "$user" ] && [ "$user" != root ] && [ "${user%%:*}" != 0 ] && ok "runs as $user" ||
	bad "last stage runs as root (USER '$user')"
grep -qE "useradd .* $user\$|useradd .* $user " <<<"$last" && ok "user $user is created" ||
	bad "user $user is never created"
grep -qx 'WORKDIR /work' <<<"$last" && grep -qE '^VOLUME .*/work' <<<"$last" &&
	ok "WORKDIR and VOLUME /work" || bad "no WORKDIR /work and VOLUME /work"
grep -q 'docker run' "$SRC/README.md" && ok "README.md shows docker run" || bad "README.md has no docker run"
echo "# the image itself is not built here (no Docker)"
[ $fails -eq 0 ]
