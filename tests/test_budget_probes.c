/*
 * test_budget_probes.c - the probes that own their sockets (libcurl, the
 * TLS batch, libssh) tell the adaptive budget of trouble (docs/budget.md,
 * "Feedback").
 *
 * In a network namespace of its own (unshare -rn): a real server thread
 * on loopback answers, or resets each connection once it has read the
 * request; a closed loopback port refuses; 10.99.0.2 behind a veth pair
 * nobody answers on takes every SYN and says nothing.  Each case starts
 * from a fresh adaptive budget: an answer (a refusal included, and a TLS
 * stack turning a hello down with a reset) must never cut the rate; no
 * answer, and an HTTP reset of an established connection, cut it exactly
 * once.  Before this, these probes told the budget nothing: the trouble
 * cases failed.  Skipped without namespaces or iproute2.
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

#define NEED_NET() TU_SKIP_IF(no_net)

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
	ssize_t n;
	int c;

	while ((c = accept(sv->fd, NULL, NULL)) >= 0) {
		/* The request is not looked at; the client reads the reply. */
		n = read(c, buf, sizeof(buf));
		if (sv->reset)
			(void)setsockopt(c, SOL_SOCKET, SO_LINGER, &lg,
			    sizeof(lg));
		else if (n >= 0)
			n = write(c, ok, sizeof(ok) - 1);
		(void)n;
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

typedef int probe_fn(struct assay_budget *, const char *, int);
enum expect { ANSWER, TROUBLE };

/*
 * One probe call on a fresh adaptive budget.  ANSWER: nothing was cut (a
 * device that answers is never backed off from); TROUBLE: exactly one
 * back-off.
 */
static void
check(probe_fn *probe, const char *host, int port, enum expect e,
    const char *what)
{
	struct assay_budget *b;
	int want = e == TROUBLE;

	assert_non_null(b = assay_budget_new(8, 0));
	assert_int_equal(probe(b, host, port), 0);
	if (assay_budget_backoffs(b) != want)
		fail_msg("%s: %d back-offs, %d expected", what,
		    assay_budget_backoffs(b), want);
	assay_budget_free(b);
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

static int
ssh_login(struct assay_budget *b, const char *host, int port)
{
	struct assay_probe_env env = { b, NULL, NULL, 1000, 65536 };
	char detail[256];
	int outcome;

	return assay_probe_ssh_login(&env, host, port, "root", "x", 1000,
	    &outcome, detail, sizeof(detail));
}

static void
test_http(void **state)
{
	struct server sv;

	(void)state;
	NEED_NET();
	server_start(&sv, 0);
	check(http_get, "127.0.0.1", sv.port, ANSWER, "HTTP 200");
	server_stop(&sv);
	check(http_get, "127.0.0.1", closed_port(), ANSWER,
	    "HTTP to a closed port (refused)");
	check(http_get, SILENT, 80, TROUBLE, "HTTP to a host that never answers");
	server_start(&sv, 1);
	check(http_get, "127.0.0.1", sv.port, TROUBLE, "HTTP reset after the "
	    "request");
	server_stop(&sv);
}

static void
test_tls(void **state)
{
	struct server sv;

	(void)state;
	NEED_NET();
	/* Not TLS at all: the connect was answered all the same. */
	server_start(&sv, 0);
	check(tls_hello, "127.0.0.1", sv.port, ANSWER, "TLS hello to an HTTP "
	    "server");
	server_stop(&sv);
	/* Turned down with a reset: a choosy stack, not trouble. */
	server_start(&sv, 1);
	check(tls_hello, "127.0.0.1", sv.port, ANSWER, "TLS hello reset");
	server_stop(&sv);
	check(tls_hello, "127.0.0.1", closed_port(), ANSWER,
	    "TLS to a closed port (refused)");
	check(tls_hello, SILENT, 443, TROUBLE, "TLS to a host that never "
	    "answers");
}

static void
test_ssh(void **state)
{
	(void)state;
	NEED_NET();
	check(ssh_login, "127.0.0.1", closed_port(), ANSWER,
	    "SSH to a closed port (refused)");
	check(ssh_login, SILENT, 22, TROUBLE, "SSH to a host that never "
	    "answers");
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
