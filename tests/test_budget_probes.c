/*
 * test_budget_probes.c - the probes that own their sockets (libcurl, the
 * TLS batch, libssh) tell the adaptive budget how the device answered
 * (docs/budget.md, "Feedback").
 *
 * In a network namespace of its own (unshare -rn): a real server thread
 * on loopback answers; a closed loopback port refuses; 10.99.0.2 behind
 * a veth pair nobody answers on takes every SYN and says nothing.  Each
 * case starts from a fresh adaptive budget: an answer shows as a late
 * mark (assay_budget_late_ns() is 0 until the budget has seen one) with
 * no back-off, no answer and a reset as exactly one back-off.  Before
 * this, none of these probes told the budget anything: every check here
 * failed.  Skipped without namespaces or iproute2.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/error.h"
#include "probe/http.h"
#include "probe/probe.h"
#include "probe/ssh.h"
#include "probe/tls.h"
#include "testutil.h"

#define ENV_INSIDE	"ASSAY_BUDGET_PROBES_TEST_INSIDE"
#define SILENT		"10.99.0.2"	/* behind veth, nobody answers */

static const char *no_net;

#define NEED_NET() do {							\
	if (no_net != NULL) {						\
		fprintf(stderr, "skipped: %s\n", no_net);		\
		skip();							\
	}								\
} while (0)

/* A loopback server: answers HTTP, or resets each connection once it has
 * read the request. */
struct server {
	int		 fd, port, reset;
	pthread_t	 th;
};

static void *
serve(void *arg)
{
	struct server *sv = arg;
	static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n"
	    "Connection: close\r\n\r\nok\n";
	struct linger lg = { 1, 0 };
	char buf[2048];
	int c;

	while ((c = accept(sv->fd, NULL, NULL)) >= 0) {
		(void)read(c, buf, sizeof(buf));
		if (sv->reset)
			(void)setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof(lg));
		else
			(void)write(c, ok, sizeof(ok) - 1);
		close(c);
	}
	return NULL;
}

static void
server_start(struct server *sv, int reset)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sv->reset = reset;
	assert_true((sv->fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(sv->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(sv->fd, 16), 0);
	assert_int_equal(getsockname(sv->fd, (struct sockaddr *)&sin, &len), 0);
	sv->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&sv->th, NULL, serve, sv), 0);
}

static void
server_stop(struct server *sv)
{
	shutdown(sv->fd, SHUT_RDWR);
	pthread_join(sv->th, NULL);
	close(sv->fd);
}

/* A loopback port nothing listens on. */
static int
closed_port(void)
{
	return tu_free_port();
}

/* An answer: a late mark now exists, and nothing was cut. */
static void
assert_answered(struct assay_budget *b, const char *what)
{
	if (assay_budget_late_ns(b) <= 0 || assay_budget_backoffs(b) != 0)
		fail_msg("%s: the budget was not told of an answer (late mark "
		    "%lld ns, %d back-offs)", what, assay_budget_late_ns(b),
		    assay_budget_backoffs(b));
}

static void
assert_trouble(struct assay_budget *b, const char *what)
{
	if (assay_budget_backoffs(b) != 1)
		fail_msg("%s: %d back-offs, 1 expected", what,
		    assay_budget_backoffs(b));
}

static int
http_get(struct assay_budget *b, const char *host, int port)
{
	struct assay_probe_env env = { b, NULL, NULL, 700, 65536 };
	struct assay_http_request req;
	struct assay_http_response *resp = NULL;
	char url[128], err[256];
	int r;

	memset(&req, 0, sizeof(req));
	snprintf(url, sizeof(url), "http://%s:%d/", host, port);
	req.url = url;
	req.timeout_ms = 700;
	r = assay_probe_http_request(&env, &req, &resp, err, sizeof(err));
	assay_http_response_free(resp);
	return r;
}

static void
test_http(void **state)
{
	struct assay_budget *b;
	struct server sv;

	(void)state;
	NEED_NET();
	server_start(&sv, 0);
	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(assay_budget_late_ns(b), 0);
	assert_int_equal(http_get(b, "127.0.0.1", sv.port), 0);
	assert_answered(b, "HTTP 200");
	assay_budget_free(b);
	server_stop(&sv);

	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(http_get(b, "127.0.0.1", closed_port()), 0);
	assert_answered(b, "HTTP to a closed port (refused)");
	assay_budget_free(b);

	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(http_get(b, SILENT, 80), 0);
	assert_trouble(b, "HTTP to a host that never answers");
	assay_budget_free(b);

	server_start(&sv, 1);
	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(http_get(b, "127.0.0.1", sv.port), 0);
	assert_trouble(b, "HTTP reset after the request");
	assay_budget_free(b);
	server_stop(&sv);
}

static int
tls_hello(struct assay_budget *b, const char *host, int port)
{
	struct assay_probe_env env = { b, NULL, NULL, 700, 65536 };
	struct assay_tls_info *info = NULL;
	char why[256];
	int r;

	r = assay_probe_tls_handshake(&env, host, (unsigned int)port, NULL,
	    NULL, ASSAY_TLS_ANY, 700, 65536, &info, why, sizeof(why));
	assay_tls_info_free(info);
	return r;
}

static void
test_tls(void **state)
{
	struct assay_budget *b;
	struct server sv;

	(void)state;
	NEED_NET();
	/* Not TLS at all: the connect was answered all the same. */
	server_start(&sv, 0);
	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(tls_hello(b, "127.0.0.1", sv.port), 0);
	assert_answered(b, "TLS hello to an HTTP server");
	assay_budget_free(b);
	server_stop(&sv);

	/* Turned down with a reset: a choosy stack, not trouble. */
	server_start(&sv, 1);
	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(tls_hello(b, "127.0.0.1", sv.port), 0);
	assert_answered(b, "TLS hello reset");
	assay_budget_free(b);
	server_stop(&sv);

	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(tls_hello(b, "127.0.0.1", closed_port()), 0);
	assert_answered(b, "TLS to a closed port (refused)");
	assay_budget_free(b);

	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(tls_hello(b, SILENT, 443), 0);
	assert_trouble(b, "TLS to a host that never answers");
	assay_budget_free(b);
}

static void
test_ssh(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 1000, 65536 };
	char detail[256];
	int outcome;

	(void)state;
	NEED_NET();
	assert_non_null(env.budget = assay_budget_new(8, 0));
	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", closed_port(),
	    "root", "x", 1000, &outcome, detail, sizeof(detail)), 0);
	assert_answered(env.budget, "SSH to a closed port (refused)");
	assay_budget_free(env.budget);

	assert_non_null(env.budget = assay_budget_new(8, 0));
	assert_int_equal(assay_probe_ssh_login(&env, SILENT, 22, "root", "x",
	    1000, &outcome, detail, sizeof(detail)), 0);
	if (assay_budget_backoffs(env.budget) != 1)
		fail_msg("SSH to a host that never answers: %d back-offs, 1 "
		    "expected (libssh said: %s)",
		    assay_budget_backoffs(env.budget), detail);
	assay_budget_free(env.budget);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_ssh),
	};

	(void)argc;
	no_net = tu_enter_netns(argv, ENV_INSIDE, "ip link set lo up && "
	    "ip link add v0 type veth peer name v1 && ip addr add 10.99.0.1/24 "
	    "dev v0 && ip link set v0 up && ip link set v1 up");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
