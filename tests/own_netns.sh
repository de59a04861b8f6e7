# tests/own_netns.sh - sourced first by the e2e tests that run the
# bundled catalogue against 127.0.0.1: as root, the test runs itself again
# in a network namespace of its own (only lo, up), so its sweeps and login
# series never reach the daemons other tests start on the host's loopback
# at the same time (the test command runs four tests at once).  Without
# root it runs where it is, as before.
if [ -z "${ASSAY_E2E_OWN_NETNS:-}" ]; then
	export ASSAY_E2E_OWN_NETNS=1
	if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
		exec unshare -n bash -c 'ip link set lo up && exec bash "$@"' bash "$0" "$@"
	fi
fi
