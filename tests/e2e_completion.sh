#!/bin/bash
# e2e_completion.sh - the bash completion (completion/assay): sourced into
# bash and driven through COMP_WORDS/COMP_CWORD as bash drives it, for
# subcommands, options, option values (enumerations, files, directories,
# profiles from the data directory) and operands; and checked against the
# program, so its static lists cannot rot: every subcommand `assay --help`
# lists is completed and nothing else, every long option each `assay CMD
# --help` prints is offered for CMD and nothing it does not print (but
# --help), every option shown with a value is known to take one, and every
# enumeration offered is one the help names.
set -u
BIN=${ASSAY_BIN:?}
SRC=${ASSAY_SOURCE_DIR:?}
T=$(mktemp -d /tmp/assay-e2e-completion-XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; fails=$((fails + 1)); }

# shellcheck source=../completion/assay
. "$SRC/completion/assay"
complete -p assay 2>/dev/null | grep -q -- '-F _assay assay$' &&
	ok "registered: complete -F _assay assay" || bad "not registered: $(complete -p assay 2>&1)"

# comp WORD...: the candidates for the last word, one per line, sorted.
comp()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_assay "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]:-}"
	printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort
}
# expect "WORDS" "CANDIDATES": the candidates, as a sorted set.
expect()
{
	local words=$1 want got
	want=$(eval "set -- $2"; printf '%s\n' "$@" | sed '/^$/d' | sort)
	# shellcheck disable=SC2086
	got=$(eval comp $words)
	if [ "$got" = "$want" ]; then
		ok "[$words] -> $(echo $got)"
	else
		bad "[$words]: want '$(echo $want)', got '$(echo $got)'"
	fi
}

cd "$T" || exit 1
mkdir -p forms/sub run1 run2 'dir with space'
touch forms/ics.xml forms/ixit.xml forms/notes.txt key.pem cert.pem a.fixture b.txt

# Cases, as a user types them.
expect 'assay ""' "help init check explain list run demo keygen sign verify review diff summarize report amend fixture probe"
expect 'assay --' "--help --version"
expect 'assay re' "review report"
expect 'assay help ""' "init check explain list run demo keygen sign verify review diff summarize report amend fixture probe"
expect 'assay help r' "run review report"
expect 'assay help run ""' ""
expect 'assay run --i' "--ics --ixit"
expect 'assay run --ics forms/' "forms/ics.xml forms/ixit.xml forms/sub"
expect 'assay check --setup forms/n' ""
expect 'assay run --color ""' "auto always never"
expect 'assay run --color = n' "never"
expect 'assay run --color = ""' "auto always never"
expect 'assay run --color=a' "--color=auto --color=always"
expect 'assay demo --color ne' "never"
expect 'assay run --fail-on ""' "incomplete fail never"
expect 'assay run --format ""' "json"
expect 'assay check --format ""' "text json"
expect 'assay verify run1 --format j' "json"
expect 'assay demo --persona ""' "weak conforming"
expect 'assay keygen --type ""' "ecdsa rsa"
expect 'assay run --device-state ""' "factory-default initialised"
expect 'assay run --jobs ""' ""
expect 'assay run --lab ""' ""
expect 'assay run --out r' "run1 run2"
expect 'assay run --out=r' "--out=run1 --out=run2"
expect 'assay run --catalogue f' "forms"
expect 'assay review run1 --out f' "forms"
expect 'assay review run1 --apply forms/' "forms/ics.xml forms/ixit.xml forms/sub"
expect 'assay sign run1 --key ""' "key.pem cert.pem forms run1 run2 'dir with space'"
expect 'assay run --lab-config b' "b.txt"
expect 'assay run --observation b' "b.txt"
expect 'assay run --observation 5.1-2-2:b' "5.1-2-2:b.txt"
expect 'assay run --observation 5.1-2-2 : b' "b.txt"
expect 'assay run --observation 5.1-2-2 :' "a.fixture b.txt key.pem cert.pem forms run1 run2 'dir with space'"
expect 'assay run --observation 5.1-2-2 : ""' "a.fixture b.txt key.pem cert.pem forms run1 run2 'dir with space'"
expect 'assay sign ""' "forms run1 run2 'dir with space'"
expect 'assay sign d' "'dir with space'"
# Typed with a quote or a backslash, as bash hands it over.
expect "assay sign \"'dir w\"" "'dir with space'"
expect 'assay sign "\"dir w"' "'dir with space'"
expect 'assay sign "dir\\ w"' "'dir with space'"
expect 'assay sign run1 ""' "--key --cert --force --help"
expect 'assay verify run1 --c' "--ca --cert"
expect 'assay diff run1 r' "run1 run2"
expect 'assay diff run1 run2 ""' "--format --help"
expect 'assay diff --format json run1 r' "run1 run2"
expect 'assay diff --format=json run1 run2 --f' "--format"
expect 'assay amend run1 --reason x --sign-key key.pem --s' "--sign-key --sign-cert"
expect 'assay init ""' "forms run1 run2 'dir with space'"
expect 'assay fixture ""' "a.fixture forms run1 run2 'dir with space'"
expect 'assay explain ""' ""
expect 'assay explain 5.1-1 --' "--format --catalogue --help"
expect 'assay probe ""' "tcp-sweep tls creds"
expect 'assay probe tls ""' ""
expect 'assay probe creds 127.0.0.1:23 --service ""' "telnet ssh mqtt mqtts http-basic"
expect 'assay probe creds 127.0.0.1:23 --list mi' "mirai"
expect 'assay probe tcp-sweep 127.0.0.1 --max-r' "--max-rate"
expect 'assay list ""' "--catalogue --format --summary --profiles --help"
expect 'assay report ""' "forms run1 run2 'dir with space'"
expect 'assay report run1 --t' "--tailoring"
expect 'assay report run1 --tailoring ""' "forms run1 run2 'dir with space'"
expect 'assay bogus ""' ""

# The value of --profile: the names of profiles/*.xml in the data
# directory the program itself uses (here one of our own through
# ASSAY_DATADIR; its catalogue and schemas are the source tree's).
mkdir -p "$T/data/profiles"
for d in spec ics ixit setup testcases reports; do ln -s "$SRC/$d" "$T/data/$d"; done
touch "$T/data/profiles/en303645-v2.1.1.xml" "$T/data/profiles/uk-psti.xml" "$T/data/profiles/README.md"
export ASSAY_DATADIR="$T/data"
expect "$BIN run --profile \"\"" "en303645-v2.1.1 uk-psti"
expect "$BIN run --profile=u" "--profile=uk-psti"
expect "$BIN run --profile = e" "en303645-v2.1.1"
unset ASSAY_DATADIR
# The build's own data directory (the source tree): its profiles/*.xml,
# none while there is no profiles/.
expect "$BIN run --profile \"\"" "$(ls "$SRC/profiles" 2>/dev/null | sed -n 's/\.xml$//p' | tr '\n' ' ')"

# Against the program.  Subcommands: those of `assay --help`.
"$BIN" --help >"$T/help" 2>&1 || bad "assay --help exits $?"
subs=$(sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\)  *.*/\1/p' "$T/help" | sort)
[ "$(wc -w <<<"$subs")" -ge 10 ] || bad "too few subcommands parsed from assay --help: $subs"
got=$(comp assay "")
want=$({ echo "$subs"; echo help; } | sort)
[ "$got" = "$want" ] && ok "subcommands: exactly those of assay --help (and help)" ||
	bad "subcommands: completion has '$(echo $got)', assay --help '$(echo $want)'"
got=$(comp assay help "")
[ "$got" = "$subs" ] && ok "assay help SUBCOMMAND: every subcommand" || bad "assay help: '$(echo $got)'"

# Options: per subcommand, those its --help prints, both ways.
for cmd in $subs; do
	# Without the quoted commands of other subcommands its text shows
	# ('assay check --ics ...' in init's).
	"$BIN" "$cmd" --help >"$T/raw.$cmd" 2>&1 || bad "assay $cmd --help exits $?"
	sed "s/'assay [^']*'//g; s/\`assay [^\`]*\`//g" "$T/raw.$cmd" >"$T/help.$cmd"
	documented=$(grep -oE -- '--[a-z][a-z0-9-]*' "$T/help.$cmd" | sort -u)
	offered=$(comp assay "$cmd" --)
	missing=$(comm -23 <(echo "$documented") <(echo "$offered"))
	extra=$(comm -13 <(echo "$documented") <(echo "$offered") | grep -vx -- --help)
	if [ -z "$missing" ] && [ -z "$extra" ] && [ -n "$documented" ]; then
		ok "assay $cmd: the $(wc -w <<<"$documented") options of its --help"
	else
		bad "assay $cmd: not offered: $(echo $missing); offered but not in --help: $(echo $extra)"
	fi
	# Options shown with a value (--opt FILE, --opt a|b, --opt json,
	# --opt [X:]FILE, --opt "/CN=..."): known to take one, so the next
	# word is completed as that value and is no operand.
	for o in $(grep -oE -- '--[a-z][a-z0-9-]*[ =]([A-Z["]|[a-z0-9-]+\||json)' "$T/help.$cmd" |
	    sed 's/[ =].*//' | sort -u); do
		_assay_takes_value "$o" || bad "assay $cmd $o: --help shows a value, the completion does not know it"
	done
	# Enumerations the help names (--opt a|b|c): what is offered is
	# among them.
	grep -oE -- '--[a-z][a-z0-9-]*[ =][a-z0-9-]+(\|[a-z0-9-]+)+' "$T/help.$cmd" | sort -u |
	while read -r e; do
		o=${e%%[ =]*}
		vals=$(tr '|' '\n' <<<"${e#*[ =]}" | sort)
		got=$(comp assay "$cmd" "$o" "")
		if [ -n "$got" ] && [ -z "$(comm -13 <(echo "$vals") <(echo "$got"))" ]; then
			echo "ok - assay $cmd $o: $(echo $got) (help: $(echo $vals))"
		else
			echo "FAIL - assay $cmd $o: offers '$(echo $got)', help names '$(echo $vals)'"
		fi
	done >"$T/enum.$cmd"
	cat "$T/enum.$cmd"
	fails=$((fails + $(grep -c '^FAIL' "$T/enum.$cmd")))
done

[ $fails -eq 0 ]
