#!/bin/sh
# Login program for busybox telnetd in the tests: behaves like a device's
# login, $TL_TRIES (default 3) tries per connection, and accepts only
# $TL_USER:$TL_PASS.
# TL_MODE=garbage first sends malformed IAC sequences; TL_MODE=endless
# prints a banner that never ends; TL_MODE=flaky hangs up at once on the
# first $TL_FLAKY_N (default 6) connections, counted with mkdir in the
# directory $TL_FLAKY (atomic across concurrent connections).
case "$TL_MODE" in
flaky)
	c=0
	while ! mkdir "$TL_FLAKY/$c" 2>/dev/null; do c=$((c + 1)); done
	[ "$c" -lt "${TL_FLAKY_N:-6}" ] && exit 0 ;;
garbage)
	# IAC with an unknown command, a truncated DO, an unterminated SB
	# that IAC SE ends later, and a literal 0xff (IAC IAC).
	printf '\377\007\377\375\377\372\030\001\377\377junk\377\360' ;;
endless)
	while :; do printf 'Welcome to the device of the endless banner\r\n'; done ;;
esac
n=0
while [ $n -lt "${TL_TRIES:-3}" ]; do
	printf 'login: '
	IFS= read -r u || exit 1
	printf 'Password: '
	IFS= read -r p || exit 1
	printf '\r\n'
	if [ "$u" = "$TL_USER" ] && [ "$p" = "$TL_PASS" ]; then
		printf 'BusyBox built-in shell\r\n# '
		IFS= read -r x
		exit 0
	fi
	printf 'Login incorrect\r\n'
	n=$((n + 1))
done
exit 1
