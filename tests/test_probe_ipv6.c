/*
 * test_probe_ipv6.c - finding the device's IPv6 addresses on the lab's
 * link, against two real network namespaces joined by a veth pair: the
 * lab's (10.98.0.1, v0) and the device's (10.98.0.2, v1, a fixed MAC),
 * made by the test with unshare and iproute2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "probe/ipv6.h"
#include "testutil.h"

/*
 * The device's side: its own network namespace, v1 up with 10.98.0.2 and
 * duplicate address detection off (the link-local address is usable at
 * once), then waits to be killed.  Writes one byte when unshared and one
 * when set up.
 */
static void
device_side(int ready_fd, int go_fd)
{
	char c;

	if (unshare(CLONE_NEWNET) != 0)
		_exit(77);
	if (write(ready_fd, "u", 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(1);
	if (system("ip link set lo up && "
	    "sysctl -qw net.ipv6.conf.v1.accept_dad=0 && "
	    "ip link set v1 address 02:00:00:00:00:42 && "
	    "ip addr add 10.98.0.2/24 dev v1 && ip link set v1 up") != 0)
		_exit(2);
	if (write(ready_fd, "s", 1) != 1)
		_exit(1);
	pause();
	_exit(0);
}

static int
lab_side(int wfd)
{
	struct assay_ipv6_peers p;
	char why[512], line[1024], cmd[256];
	int up[2], go[2];
	pid_t dev;
	char c;
	int r = 0;

	if (unshare(CLONE_NEWNET) != 0 &&
	    unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
		return 77;
	if (pipe(up) != 0 || pipe(go) != 0)
		return 3;
	if ((dev = fork()) == 0)
		device_side(up[1], go[0]);
	if (read(up[0], &c, 1) != 1)
		return 77;
	snprintf(cmd, sizeof(cmd), "ip link set lo up && "
	    "ip link add v0 type veth peer name v1 && "
	    "ip link set v1 netns %d && ip addr add 10.98.0.1/24 dev v0 && "
	    "sysctl -qw net.ipv6.conf.v0.accept_dad=0 && ip link set v0 up && "
	    "ip route add 10.97.0.0/24 via 10.98.0.2", (int)dev);
	if (system(cmd) != 0 || write(go[1], "g", 1) != 1 ||
	    read(up[0], &c, 1) != 1 || c != 's') {
		kill(dev, SIGKILL);
		return 77;
	}
	/* On the link: the EUI-64 address of 02:00:00:00:00:42, found live. */
	if (assay_probe_ipv6_peers(NULL, "10.98.0.2", 2000, &p, why,
	    sizeof(why)) != 0)
		r = 4;
	snprintf(line, sizeof(line), "n=%zu first=%s mac=%s why=%s|", p.n,
	    p.n > 0 ? p.addr[0] : "-", p.mac, why);
	/* Behind a router: out of reach, said so. */
	if (r == 0 && assay_probe_ipv6_peers(NULL, "10.97.0.5", 500, &p, why,
	    sizeof(why)) != 0)
		r = 5;
	snprintf(line + strlen(line), sizeof(line) - strlen(line),
	    "routed n=%zu %s|", p.n, strstr(why, "through a router") ?
	    "router" : why);
	/* Loopback (how validation devices are reached): ::1. */
	if (r == 0 && assay_probe_ipv6_peers(NULL, "127.0.0.1", 500, &p, why,
	    sizeof(why)) != 0)
		r = 6;
	snprintf(line + strlen(line), sizeof(line) - strlen(line),
	    "lo n=%zu %s|", p.n, p.n > 0 ? p.addr[0] : why);
	/* Already IPv6: nothing to add. */
	if (r == 0 && assay_probe_ipv6_peers(NULL, "::1", 500, &p, why,
	    sizeof(why)) != 0)
		r = 7;
	snprintf(line + strlen(line), sizeof(line) - strlen(line),
	    "v6 n=%zu %s", p.n, strstr(why, "IPv6 already") ? "already" : why);
	kill(dev, SIGKILL);
	waitpid(dev, NULL, 0);
	if (write(wfd, line, strlen(line)) < 0)
		return 8;
	return r;
}

static void
test_peers_in_namespaces(void **state)
{
	char out[2048];
	int pfd[2], st;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	(void)state;
	if (!tu_have("ip") || !tu_have("sysctl"))
		skip();
	assert_int_equal(pipe(pfd), 0);
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		_exit(lab_side(pfd[1]));
	}
	close(pfd[1]);
	while (got + 1 < sizeof(out) &&
	    (n = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		skip();
	print_message("%s\n", out);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_string_equal(out, "n=1 first=fe80::ff:fe00:42%v0 "
	    "mac=02:00:00:00:00:42 why=|routed n=0 router|lo n=1 ::1|"
	    "v6 n=0 already");
}

static void
test_bad_arguments(void **state)
{
	struct assay_ipv6_peers p;
	char why[128];

	(void)state;
	assert_int_equal(assay_probe_ipv6_peers(NULL, NULL, 100, &p, why,
	    sizeof(why)), ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_probe_ipv6_peers(NULL, "127.0.0.1", 100, NULL,
	    why, sizeof(why)), ASSAY_ERR_INVALID_ARG);
	/* A name that does not resolve is an outcome, not an error. */
	assert_int_equal(assay_probe_ipv6_peers(NULL, "no-such-host.invalid",
	    100, &p, why, sizeof(why)), 0);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(why, "cannot resolve"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peers_in_namespaces),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
