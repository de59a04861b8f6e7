#!/bin/sh
# A device that echoes the password it reads (test of probe_telnet's
# "logged in" rule), for socat EXEC or busybox telnetd -l.  Accepts only
# $TL_USER:$TL_PASS.  TL_MODE:
#   echo-dollar  echoes the password followed by "$" on the same line and
#                waits: no prompt on a line of its own, so not a login
#   echo-close   echoes the password followed by "$" and hangs up
#   echo-split   a line break, then the password echoed in two writes a
#                second apart, split after its first "#" ("TelnetPw#", "1"):
#                the first part looks like a root prompt; then as shell
#   shell        echoes the password, then on success a "$ " prompt on a
#                new line and a tiny shell that runs "echo ..." lines;
#                on failure "Login incorrect" and a new login prompt
while :; do
	printf 'login: '
	IFS= read -r u || exit 1
	u=$(printf '%s' "$u" | tr -d '\r')
	printf 'Password: '
	IFS= read -r p || exit 1
	p=$(printf '%s' "$p" | tr -d '\r')
	case "$TL_MODE" in
	echo-dollar)
		printf '%s$' "$p"
		IFS= read -r x
		exit 0 ;;
	echo-close)
		printf '%s$' "$p"
		exit 0 ;;
	esac
	if [ "$TL_MODE" = echo-split ]; then
		printf '\r\n%s#' "${p%%#*}"
		sleep 1
		printf '%s\r\n' "${p#*#}"
	else
		printf '%s\r\n' "$p"
	fi
	if [ "$u" = "$TL_USER" ] && [ "$p" = "$TL_PASS" ]; then
		printf '$ '
		while IFS= read -r line; do
			line=$(printf '%s' "$line" | tr -d '\r')
			case "$line" in
			echo\ *) eval "$line" ;;
			esac
			printf '$ '
		done
		exit 0
	fi
	printf 'Login incorrect\r\n'
done
