/*
 * test_conn.c - the connection layer against a loopback peer this test
 * runs in a thread: the budget slot is held for the connection's life
 * and given back on every path, the read cap is a named outcome with
 * exactly the capped bytes recorded, deadlines end silent peers, the
 * read-ahead can be peeked and given back, and the outcome wording is
 * the one every probe reports.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

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

#include "base/buf.h"
#include "base/error.h"
#include "probe/conn.h"
#include "probe/probe.h"
#include "testutil.h"

/* What the peer does once a client connects. */
enum act { SEND_CLOSE, SEND_SILENT, SEND_RESET };

struct peer {
	int		 lfd;
	int		 port;
	enum act	 act;
	const char	*data;
	size_t		 len;
	pthread_t	 th;
};

static void *
peer_run(void *arg)
{
	struct peer *p = arg;
	struct linger lg = { 1, 0 };
	char sink[256];
	int fd;

	if ((fd = accept(p->lfd, NULL, NULL)) == -1)
		return NULL;
	if (p->len > 0)
		(void)send(fd, p->data, p->len, MSG_NOSIGNAL);
	if (p->act == SEND_SILENT)
		while (recv(fd, sink, sizeof(sink), 0) > 0)
			;	/* until the client closes */
	if (p->act == SEND_RESET) {
		usleep(50000);
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(fd);
	return NULL;
}

static void
peer_start(struct peer *p, enum act act, const char *data, size_t len)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((p->lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	setsockopt(p->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(p->lfd, 4), 0);
	assert_int_equal(getsockname(p->lfd, (struct sockaddr *)&sa, &sl), 0);
	p->port = ntohs(sa.sin_port);
	p->act = act;
	p->data = data;
	p->len = len;
	assert_int_equal(pthread_create(&p->th, NULL, peer_run, p), 0);
}

static void
peer_stop(struct peer *p)
{
	pthread_join(p->th, NULL);
	close(p->lfd);
}

struct rec {
	size_t	recv, sent, notes;
};

static void
record(void *arg, const char *channel, const char *dir, const void *data,
    size_t len)
{
	struct rec *r = arg;

	(void)channel;
	(void)data;
	if (strcmp(dir, "recv") == 0)
		r->recv += len;
	else if (strcmp(dir, "sent") == 0)
		r->sent += len;
	else
		r->notes++;
}

static void
env_init(struct assay_probe_env *env, struct rec *r, int max_conn)
{
	memset(env, 0, sizeof(*env));
	memset(r, 0, sizeof(*r));
	assert_non_null(env->budget = assay_budget_new(max_conn, 1000));
	env->record = record;
	env->record_arg = r;
	env->timeout_ms = 2000;
}

static void
test_refused_gives_slot_back(void **state)
{
	struct assay_probe_env env;
	struct assay_conn *c;
	struct rec r;
	int port = tu_free_port();

	(void)state;
	env_init(&env, &r, 1);
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)port,
	    SOCK_STREAM, 1000, 0, "t", &c), 0);
	assert_false(assay_conn_ok(c));
	assert_string_equal(assay_conn_why(c), "connection refused");
	assay_conn_close(c, 0);
	/* The one slot is free again. */
	assert_int_equal(assay_budget_acquire(env.budget, 0), 0);
	assay_budget_release(env.budget);
	assert_int_equal(assay_conn_open(&env, "host.invalid", 80, SOCK_STREAM,
	    1000, 0, "t", &c), 0);
	assert_non_null(strstr(assay_conn_why(c),
	    "cannot resolve host \"host.invalid\""));
	assay_conn_close(c, 0);
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", 0, SOCK_STREAM,
	    1000, 0, "t", &c), ASSAY_ERR_INVALID_ARG);
	assert_null(c);
	assay_budget_free(env.budget);
}

static void
test_budget_slot_held_while_open(void **state)
{
	struct assay_probe_env env;
	struct assay_conn *a, *b;
	struct peer p;
	struct rec r;

	(void)state;
	env_init(&env, &r, 1);
	peer_start(&p, SEND_CLOSE, "x", 1);
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 1000, 0, "a", &a), 0);
	assert_true(assay_conn_ok(a));
	/* A second connection waits for the slot, then gives up. */
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 100, 0, "b", &b), ASSAY_ERR_BUDGET);
	assert_null(b);
	assay_conn_close(a, 1);
	peer_stop(&p);
	assert_int_equal(assay_budget_acquire(env.budget, 0), 0);
	assay_budget_release(env.budget);
	assay_budget_free(env.budget);
}

static void
test_cap_is_named(void **state)
{
	static char big[10000];
	struct assay_probe_env env;
	struct assay_conn *c;
	struct peer p;
	struct rec r;
	struct assay_buf *out;
	char buf[1500];
	size_t got = 0;
	long n;
	int rc;

	(void)state;
	memset(big, 'b', sizeof(big));
	env_init(&env, &r, 4);
	peer_start(&p, SEND_SILENT, big, sizeof(big));
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 2000, 4096, "cap", &c), 0);
	while ((n = assay_conn_recv(c, buf, sizeof(buf), 0)) > 0)
		got += (size_t)n;
	assert_int_equal(n, -1);
	assert_int_equal(got, 4096);
	assert_int_equal(assay_conn_nread(c), 4096);
	assert_true(assay_conn_capped(c));
	assert_string_equal(assay_conn_why(c), "read cap of 4096 bytes reached");
	assert_int_equal(r.recv, 4096);	/* recorded up to the cap, no more */
	assay_conn_close(c, 1);
	peer_stop(&p);

	/* Into a buffer: its own cap, smaller than the connection's, wins. */
	memset(&r, 0, sizeof(r));
	peer_start(&p, SEND_SILENT, big, sizeof(big));
	assert_non_null(out = assay_buf_new(3000));
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 2000, 0, "cap", &c), 0);
	while ((rc = assay_conn_recv_buf(c, out, 0, &got)) == 0 && got > 0)
		;
	assert_int_equal(rc, 1);
	assert_int_equal(assay_buf_len(out), 3000);
	assert_true(assay_conn_capped(c));
	assert_string_equal(assay_conn_why(c), "read cap of 3000 bytes reached");
	assert_int_equal(r.recv, 3000);
	assay_conn_close(c, 1);
	peer_stop(&p);
	assay_buf_free(out);
	assay_budget_free(env.budget);
}

static void
test_read_ahead(void **state)
{
	static const char msg[] = "hello world";
	struct assay_probe_env env;
	struct assay_conn *c;
	struct peer p;
	struct rec r;
	char buf[32];
	long n;

	(void)state;
	env_init(&env, &r, 4);
	peer_start(&p, SEND_CLOSE, msg, sizeof(msg) - 1);
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 2000, 0, "ra", &c), 0);
	assert_int_equal(assay_conn_read_exact(c, buf, 5, "greeting"), 0);
	assert_memory_equal(buf, "hello", 5);
	assay_conn_unread(c, 5);
	assert_int_equal(assay_conn_buffered(c), sizeof(msg) - 1);
	assert_int_equal(assay_conn_peek(c, buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	/* recv drains the read-ahead first. */
	n = assay_conn_recv(c, buf, sizeof(buf), 0);
	assert_int_equal(n, sizeof(msg) - 1);
	assert_memory_equal(buf, msg, sizeof(msg) - 1);
	assert_int_equal(assay_conn_read_exact(c, buf, 1, "more"), -1);
	assert_string_equal(assay_conn_why(c), "connection closed after 11 bytes");
	assert_true(assay_conn_eof(c));
	assay_conn_close(c, 0);
	peer_stop(&p);
	assay_budget_free(env.budget);
}

static void
test_deadline_ends_silence(void **state)
{
	struct assay_probe_env env;
	struct assay_conn *c;
	struct peer p;
	struct rec r;
	long long t0;
	char buf[8];

	(void)state;
	env_init(&env, &r, 4);
	peer_start(&p, SEND_SILENT, NULL, 0);
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 300, 0, "quiet", &c), 0);
	t0 = tu_now_ms();
	assert_int_equal(assay_conn_read_exact(c, buf, 1, "a banner"), -1);
	assert_true(tu_now_ms() - t0 < 2000);
	assert_string_equal(assay_conn_why(c), "timeout after 300 ms waiting "
	    "for a banner (0 bytes received)");
	assert_true(assay_conn_timed_out(c));
	assert_false(assay_conn_eof(c));
	/* An explicit earlier time wins over the deadline. */
	assay_conn_set_timeout(c, 5000);
	t0 = tu_now_ms();
	assert_int_equal(assay_conn_recv(c, buf, sizeof(buf), tu_now_ms() + 100),
	    0);
	assert_true(tu_now_ms() - t0 < 2000);
	assay_conn_close(c, 1);
	peer_stop(&p);
	assay_budget_free(env.budget);
}

static void
test_reset_wording(void **state)
{
	struct assay_probe_env env;
	struct assay_conn *c;
	struct peer p;
	struct rec r;
	char buf[64];
	size_t got = 0;
	long n;

	(void)state;
	env_init(&env, &r, 4);
	peer_start(&p, SEND_RESET, "abc", 3);
	assert_int_equal(assay_conn_open(&env, "127.0.0.1", (unsigned)p.port,
	    SOCK_STREAM, 2000, 0, "rst", &c), 0);
	/* Something unread on the peer's side makes its close an RST. */
	assert_int_equal(assay_conn_write(c, "zz", 2, "**"), 0);
	assert_int_equal(r.sent, 2);
	while ((n = assay_conn_recv(c, buf, sizeof(buf), 0)) > 0)
		got += (size_t)n;
	assert_int_equal(n, -1);
	assert_int_equal(got, 3);
	assert_non_null(strstr(assay_conn_why(c), "after 3 bytes"));
	assert_false(assay_conn_eof(c));
	assay_conn_close(c, 0);
	peer_stop(&p);
	assay_budget_free(env.budget);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_gives_slot_back),
		cmocka_unit_test(test_budget_slot_held_while_open),
		cmocka_unit_test(test_cap_is_named),
		cmocka_unit_test(test_read_ahead),
		cmocka_unit_test(test_deadline_ends_silence),
		cmocka_unit_test(test_reset_wording),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
