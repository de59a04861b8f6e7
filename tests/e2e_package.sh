#!/bin/bash
# e2e_package.sh - the Debian package (CPack, CMakeLists.txt): a Release
# build of the source tree in a temporary directory, configured for /usr
# as README.md says, packaged with `cpack -G DEB`; the package's control
# fields (name, version, architecture, a Depends naming the package of
# every library the packaged programs link, no sanitizer runtime), its
# files (programs, data, man page, completion, nothing outside /usr); the
# static Depends used where dpkg-shlibdeps cannot run, held to the same
# libraries; the extracted package run from where it was unpacked (data
# found as ../share/assay beside the program); and cpack refusing a
# sanitizer build.  About 30 s on 2 cores (a Release build of the core).
set -u
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-package-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }
for p in cpack dpkg-deb dpkg ldd readelf; do
	command -v "$p" >/dev/null || { echo "SKIP - $p not installed (cmake, dpkg, binutils)"; exit 77; }
done

start=$(date +%s)
if cmake -S "$SRC" -B "$T/rel" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	-DBUILD_TESTING=OFF >"$T/configure.log" 2>&1 &&
    cmake --build "$T/rel" -j2 >"$T/build.log" 2>&1; then
	ok "Release build configured for /usr ($(($(date +%s) - start)) s)"
else
	echo "FAIL - Release build: $(tail -20 "$T/configure.log" "$T/build.log")"
	exit 1
fi
(cd "$T/rel" && cpack -G DEB) >"$T/cpack.log" 2>&1 || { echo "FAIL - cpack -G DEB: $(tail -20 "$T/cpack.log")"; exit 1; }
version=$(sed -n 's/^project(assay VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
arch=$(dpkg --print-architecture)
deb="$T/rel/assay_${version}_${arch}.deb"
[ -f "$deb" ] && ok "cpack -G DEB wrote $(basename "$deb")" ||
	{ echo "FAIL - no $deb: $(ls "$T/rel"/*.deb 2>&1)"; exit 1; }

field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$deb" Package)" = assay ] && [ "$(field "$deb" Version)" = "$version" ] &&
    [ "$(field "$deb" Architecture)" = "$arch" ] &&
	ok "Package assay, Version $version, Architecture $arch" ||
	bad "control: $(dpkg-deb -I "$deb" | grep -E '^ (Package|Version|Architecture):')"
[ -n "$(field "$deb" Maintainer)" ] && [ -n "$(field "$deb" Description)" ] &&
	ok "Maintainer and Description set" || bad "Maintainer or Description empty"

# The package of each library a program links: its NEEDED entries,
# resolved as the dynamic linker resolves them (ldd), owned per dpkg -S
# (which may know the file under /lib or /usr/lib: merged /usr).
owner()
{
	local f p
	for f in "$1" "$(readlink -f "$1")"; do
		for p in "$f" "${f#/usr}" "/usr${f#/usr}"; do
			dpkg -S "$p" 2>/dev/null | head -1 | sed 's/[:,].*//' | grep . && return 0
		done
	done
	return 1
}
needed_packages()
{
	local f so path
	for f in "$@"; do
		ldd "$f" >"$T/ldd.$(basename "$f")" || echo "?ldd $f"
		readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | while read -r so; do
			path=$(awk -v so="$so" '$1 == so && $2 == "=>" { print $3; exit }' "$T/ldd.$(basename "$f")")
			[ -n "$path" ] && owner "$path" || echo "?$so"
		done
	done | sort -u
}
# depends_lacks DEPENDS PKG...: the packages not named in DEPENDS.
depends_lacks()
{
	local deps=$1 p
	shift
	for p in "$@"; do
		grep -qE "(^|, )$p( \(|,|$)" <<<"$deps" || echo "$p"
	done
}
mkdir -p "$T/x"
dpkg-deb -x "$deb" "$T/x" || bad "dpkg-deb -x"
pkgs=$(needed_packages "$T/x/usr/bin/assay" "$T/x/usr/bin/assay-refdevice")
deps=$(field "$deb" Depends)
if grep -q '^?' <<<"$pkgs"; then
	bad "a linked library without a package: $(grep '^?' <<<"$pkgs")"
elif [ -z "$pkgs" ]; then
	bad "no linked libraries found (readelf)"
else
	lacks=$(depends_lacks "$deps" $pkgs)
	[ -z "$lacks" ] && ok "Depends names the package of every linked library: $(echo $pkgs)" ||
		bad "Depends ($deps) lacks $(echo $lacks)"
fi
grep -qE 'libasan|libubsan|libtsan' <<<"$deps" && bad "Depends has a sanitizer runtime: $deps" ||
	ok "no sanitizer runtime in Depends"
[ -n "$(field "$deb" Suggests)" ] && grep -q mosquitto <<<"$(field "$deb" Suggests)" &&
	ok "Suggests the reference device's servers" || bad "Suggests: $(field "$deb" Suggests)"

# apt can install it here: every Depends is a package Debian 12 has.
if apt-cache show libc6 >/dev/null 2>&1; then
	apt-get install -s --no-install-recommends "$deb" >"$T/apt.log" 2>&1 &&
		ok "apt-get install (simulated) resolves its Depends" ||
		bad "apt-get install -s: $(tail -5 "$T/apt.log")"
else
	echo "# apt-cache has no package lists: installation not simulated"
fi

# Files.
dpkg-deb -c "$deb" >"$T/contents" || bad "dpkg-deb -c"
sed 's/.* \.\//\//; s/ -> .*//' "$T/contents" >"$T/paths"
for f in /usr/bin/assay /usr/bin/assay-refdevice /usr/share/man/man1/assay.1 \
    /usr/share/bash-completion/completions/assay \
    /usr/share/assay/spec/en303645_v2.1.1_provisions.csv \
    /usr/share/assay/ics/ics.xsd /usr/share/assay/ixit/ixit.xsd /usr/share/assay/setup/setup.xsd \
    /usr/share/assay/ixit/template.xml /usr/share/assay/reports/report.schema.json \
    /usr/share/assay/testcases/README.md; do
	grep -qx -- "$f" "$T/paths" || bad "not in the package: $f"
done
n_src=$(find "$SRC/testcases" -name '*.lua' | wc -l)
n_deb=$(grep -c '^/usr/share/assay/testcases/.*\.lua$' "$T/paths")
[ "$n_src" -gt 0 ] && [ "$n_src" -eq "$n_deb" ] && ok "all $n_src catalogue files" ||
	bad "catalogue: $n_deb .lua files in the package, $n_src in the source"
if [ -d "$SRC/profiles" ]; then
	n_src=$(find "$SRC/profiles" -name '*.xml' | wc -l)
	n_deb=$(grep -c '^/usr/share/assay/profiles/.*\.xml$' "$T/paths")
	[ "$n_src" -eq "$n_deb" ] && ok "all $n_src profiles" ||
		bad "profiles: $n_deb in the package, $n_src in the source"
fi
grep -v '^/usr/' "$T/paths" | grep -vx '/' | grep -q . &&
	bad "files outside /usr: $(grep -v '^/usr/' "$T/paths" | grep -vx '/' | head -3)" ||
	ok "everything under /usr"
awk '{ print $2 }' "$T/contents" | grep -vx 'root/root' | grep -q . &&
	bad "files not owned by root" || ok "owned by root/root"
cmp -s "$SRC/completion/assay" "$T/x/usr/share/bash-completion/completions/assay" &&
	ok "the bash completion is completion/assay" || bad "completion differs"
if readelf -S "$T/x/usr/bin/assay" | grep -q '\.symtab'; then
	bad "usr/bin/assay not stripped"
else
	ok "usr/bin/assay stripped"
fi

# The unpacked package runs from where it is, with its own data.
cd "$T" || exit 1
out=$(env -u ASSAY_DATADIR "$T/x/usr/bin/assay" --version 2>&1); rc=$?
if [ $rc -eq 0 ] && grep -q "^assay $version " <<<"$out" &&
    grep -q "($T/x/usr/share/assay/testcases)" <<<"$out"; then
	ok "assay --version: $version, data in usr/share/assay beside it"
else
	bad "assay --version (exit $rc): $out"
fi
if env -u ASSAY_DATADIR "$T/x/usr/bin/assay" list --summary >"$T/summary" 2>"$T/err" &&
    grep -q "test cases" "$T/summary"; then
	ok "assay list --summary: $(tail -1 "$T/summary")"
else
	bad "assay list: $(cat "$T/err")"
fi
env -u ASSAY_DATADIR "$T/x/usr/bin/assay" list >/dev/null 2>"$T/err" && ok "assay list" ||
	bad "assay list: $(cat "$T/err")"
d=$T/x/usr/share/assay
if env -u ASSAY_DATADIR "$T/x/usr/bin/assay" check --ics "$d/ics/examples/smart-camera.xml" \
    --ixit "$d/ixit/examples/smart-camera.xml" --setup "$d/setup/examples/smart-camera.xml" \
    >"$T/check" 2>&1; then
	ok "assay check of the packaged example forms against the packaged schemas"
else
	bad "assay check: $(tail -5 "$T/check")"
fi
env -u ASSAY_DATADIR "$T/x/usr/bin/assay" init "$T/dev" >/dev/null 2>&1 && [ -f "$T/dev/setup.xml" ] &&
	ok "assay init from the packaged templates" || bad "assay init"

# The source package: every file git tracks, no build tree or report.
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$T/rel" && cpack --config CPackSourceConfig.cmake) >"$T/cpack-src.log" 2>&1 ||
		bad "cpack --config CPackSourceConfig.cmake: $(tail -5 "$T/cpack-src.log")"
	tar tJf "$T/rel/assay-$version-Source.tar.xz" 2>/dev/null |
		sed "s|^assay-$version-Source/||" | sort >"$T/src-files"
	missing=$(git -C "$SRC" ls-files | sort | comm -23 - "$T/src-files" | head -3)
	junk=$(grep -E '^(build[^/]*|out[^/]*|assay-demo-[^/]*)/|^\.git(/|$)' "$T/src-files" | head -3)
	[ -s "$T/src-files" ] && [ -z "$missing" ] && [ -z "$junk" ] &&
		ok "source package: every tracked file, no build tree, report or .git" ||
		bad "source package: missing $(echo $missing); should not hold $(echo $junk)"
fi

# Without dpkg-shlibdeps (or file), Depends is the static Debian 12 list:
# it must name the same packages.
cmake -S "$SRC" -B "$T/rel" -DASSAY_DEB_SHLIBDEPS=OFF >"$T/configure2.log" 2>&1 &&
    (cd "$T/rel" && rm -f ./*.deb && cpack -G DEB) >"$T/cpack2.log" 2>&1 ||
	bad "cpack without file: $(tail -10 "$T/configure2.log" "$T/cpack2.log")"
if [ -f "$deb" ]; then
	deps=$(field "$deb" Depends)
	lacks=$(depends_lacks "$deps" $pkgs)
	grep -q '(>=' <<<"$deps" && bad "Depends still from dpkg-shlibdeps: $deps"
	[ -z "$lacks" ] && ok "static Depends ($deps) covers every linked library" ||
		bad "static Depends ($deps) lacks $(echo $lacks)"
fi

# A sanitizer build is refused before anything is packaged.
rm -f "$T/rel"/*.deb
cmake -S "$SRC" -B "$T/rel" -DCMAKE_BUILD_TYPE=AddressSanitizer >"$T/configure3.log" 2>&1
out=$(cd "$T/rel" && cpack -G DEB 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "refusing to package this AddressSanitizer" <<<"$out" &&
    ! ls "$T/rel"/*.deb >/dev/null 2>&1; then
	ok "cpack refuses an AddressSanitizer build"
else
	bad "cpack of an ASan build (exit $rc): $(tail -5 <<<"$out")"
fi
echo "# $(($(date +%s) - start)) s"
[ $fails -eq 0 ]
