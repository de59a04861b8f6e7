/*
 * test_probe_mqtt.c - the MQTT probe against a real mosquitto (anonymous,
 * password and TLS listeners from a config this test writes) and against
 * misbehaving peers run in threads here (garbage, reset mid-CONNACK,
 * silence, an absurd length).
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/probe.h"
#include "probe/cred.h"
#include "probe/mqtt.h"
#include "testutil.h"

struct broker {
	char	*dir;
	pid_t	 pid;
	int	 anon_port, pw_port, tls_port, acl_port;
	int	 skip;
	char	 why[128];
};

static struct broker B;

static int	stop_broker(void **);

static int
start_broker(void **state)
{
	char cmd[1024], conf[2048], path[512], *out = NULL;
	int fd;

	(void)state;
	memset(&B, 0, sizeof(B));
	if (!tu_have("mosquitto") && !tu_have("/usr/sbin/mosquitto")) {
		B.skip = 1;
		snprintf(B.why, sizeof(B.why), "mosquitto not installed");
		return 0;
	}
	if (!tu_have("mosquitto_passwd") || !tu_have("openssl") ||
	    !tu_have("mosquitto_pub")) {
		B.skip = 1;
		snprintf(B.why, sizeof(B.why), "mosquitto_passwd/mosquitto_pub/openssl missing");
		return 0;
	}
	if ((B.dir = tu_mkdtemp("mqtt")) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "cd %s && openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
	    "-subj /CN=assay-test-broker/O=Assay -keyout key.pem -out cert.pem "
	    "&& mosquitto_passwd -c -b pw alice s3cret-pass", B.dir);
	if (tu_run(cmd, &out) != 0) {
		fprintf(stderr, "setup failed: %s\n", out ? out : "");
		free(out);
		return -1;
	}
	free(out);
	B.anon_port = tu_free_port();
	do
		B.pw_port = tu_free_port();
	while (B.pw_port == B.anon_port);
	do
		B.tls_port = tu_free_port();
	while (B.tls_port == B.anon_port || B.tls_port == B.pw_port);
	do
		B.acl_port = tu_free_port();
	while (B.acl_port == B.anon_port || B.acl_port == B.pw_port ||
	    B.acl_port == B.tls_port);
	/* Anonymous sessions that may read assay/cfg/# but write nothing. */
	snprintf(path, sizeof(path), "%s/acl", B.dir);
	if (tu_write_file(path, "topic read assay/cfg/#\n", 22) != 0)
		return -1;
	snprintf(conf, sizeof(conf),
	    "per_listener_settings true\n"
	    "user root\n"
	    "log_dest stderr\n"
	    "listener %d 127.0.0.1\nallow_anonymous true\n"
	    "listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s/pw\n"
	    "listener %d 127.0.0.1\nallow_anonymous true\n"
	    "certfile %s/cert.pem\nkeyfile %s/key.pem\n"
	    "listener %d 127.0.0.1\nallow_anonymous true\nacl_file %s/acl\n",
	    B.anon_port, B.pw_port, B.dir, B.tls_port, B.dir, B.dir,
	    B.acl_port, B.dir);
	snprintf(path, sizeof(path), "%s/mosquitto.conf", B.dir);
	if (tu_write_file(path, conf, strlen(conf)) != 0)
		return -1;
	if ((B.pid = fork()) == -1)
		return -1;
	if (B.pid == 0) {
		snprintf(cmd, sizeof(cmd), "%s/mosquitto.log", B.dir);
		if ((fd = open(cmd, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("mosquitto", "mosquitto", "-c", path, (char *)NULL);
		execl("/usr/sbin/mosquitto", "mosquitto", "-c", path, (char *)NULL);
		_exit(127);
	}
	if (tu_wait_tcp("127.0.0.1", B.anon_port, 10000) != 0 ||
	    tu_wait_tcp("127.0.0.1", B.pw_port, 10000) != 0 ||
	    tu_wait_tcp("127.0.0.1", B.tls_port, 10000) != 0 ||
	    tu_wait_tcp("127.0.0.1", B.acl_port, 10000) != 0) {
		fprintf(stderr, "mosquitto did not come up\n");
		stop_broker(NULL);
		return -1;
	}
	/* Two retained messages an anonymous subscriber to '#' can read. */
	snprintf(cmd, sizeof(cmd), "mosquitto_pub -h 127.0.0.1 -p %d -r -t assay/test/1 "
	    "-m hello && mosquitto_pub -h 127.0.0.1 -p %d -r -t assay/test/2 -m world",
	    B.anon_port, B.anon_port);
	if (tu_run(cmd, NULL) != 0) {
		stop_broker(NULL);
		return -1;
	}
	return 0;
}

static int
stop_broker(void **state)
{
	(void)state;
	if (B.pid > 0) {
		kill(B.pid, SIGTERM);
		waitpid(B.pid, NULL, 0);
	}
	if (B.dir != NULL) {
		tu_rmrf(B.dir);
		free(B.dir);
	}
	B.pid = 0;
	B.dir = NULL;
	return 0;
}

#define NEED_BROKER() do { if (B.skip) { fprintf(stderr, "skip: %s\n", B.why); skip(); } } while (0)

/* Evidence sink that keeps everything in one buffer. */
struct sink {
	struct assay_buf	*all;
	int			 nsent, nrecv, nnote;
};

static void
sink_record(void *arg, const char *channel, const char *dir, const void *data, size_t len)
{
	struct sink *s = arg;

	if (strcmp(dir, "sent") == 0)
		s->nsent++;
	else if (strcmp(dir, "recv") == 0)
		s->nrecv++;
	else
		s->nnote++;
	assay_buf_printf(s->all, "[%s %s] ", channel, dir);
	assay_buf_put(s->all, data, len);
	assay_buf_puts(s->all, "\n");
}

static struct assay_probe_mqtt_result *
probe(const struct assay_probe_env *env, const char *host, int port, int tls,
    const char *user, const char *pass, int version, int timeout_ms)
{
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *r = NULL;

	memset(&p, 0, sizeof(p));
	p.host = host;
	p.port = port;
	p.tls = tls;
	p.user = user;
	p.password = pass;
	p.version = version;
	p.timeout_ms = timeout_ms;
	assert_int_equal(assay_probe_mqtt_connect(env, &p, &r), 0);
	assert_non_null(r);
	return r;
}

static void
test_anonymous_accepted(void **state)
{
	struct assay_probe_mqtt_result *r;
	int v;

	NEED_BROKER();
	for (v = 4; v <= 5; v++) {
		r = probe(NULL, "127.0.0.1", B.anon_port, 0, NULL, NULL, v, 3000);
		assert_null(assay_probe_mqtt_failure(r));
		assert_true(assay_probe_mqtt_accepted(r));
		assert_int_equal(assay_probe_mqtt_code(r), 0);
		assert_string_equal(assay_probe_mqtt_reason(r),
		    v == 5 ? "success" : "connection accepted");
		assert_false(assay_probe_mqtt_tls(r, NULL, NULL, NULL, NULL));
		assay_probe_mqtt_result_free(r);
	}
}

static void
test_password_listener(void **state)
{
	struct assay_probe_mqtt_result *r;
	struct assay_probe_env env;
	struct sink s;

	NEED_BROKER();
	memset(&s, 0, sizeof(s));
	assert_non_null(s.all = assay_buf_new(1 << 20));
	memset(&env, 0, sizeof(env));
	env.record = sink_record;
	env.record_arg = &s;

	/* No credentials: refused, 3.1.1 code 5. */
	r = probe(&env, "127.0.0.1", B.pw_port, 0, NULL, NULL, 4, 3000);
	assert_null(assay_probe_mqtt_failure(r));
	assert_false(assay_probe_mqtt_accepted(r));
	assert_int_equal(assay_probe_mqtt_code(r), 5);
	assert_string_equal(assay_probe_mqtt_reason(r), "not authorized");
	assay_probe_mqtt_result_free(r);

	/* Wrong password: 5 in 3.1.1, 0x87 in MQTT 5. */
	r = probe(&env, "127.0.0.1", B.pw_port, 0, "alice", "wrong-pass", 4, 3000);
	assert_false(assay_probe_mqtt_accepted(r));
	assert_int_equal(assay_probe_mqtt_code(r), 5);
	assay_probe_mqtt_result_free(r);
	r = probe(&env, "127.0.0.1", B.pw_port, 0, "alice", "wrong-pass", 5, 3000);
	assert_false(assay_probe_mqtt_accepted(r));
	assert_int_equal(assay_probe_mqtt_code(r), 0x87);
	assert_string_equal(assay_probe_mqtt_reason(r), "not authorized");
	assay_probe_mqtt_result_free(r);

	/* Right password: accepted. */
	r = probe(&env, "127.0.0.1", B.pw_port, 0, "alice", "s3cret-pass", 4, 3000);
	assert_true(assay_probe_mqtt_accepted(r));
	assert_int_equal(assay_probe_mqtt_code(r), 0);
	assay_probe_mqtt_result_free(r);

	/* Evidence: packets recorded both ways, the password never in clear. */
	assert_true(s.nsent >= 4);
	assert_true(s.nrecv >= 4);
	assert_null(memmem(assay_buf_data(s.all), assay_buf_len(s.all), "s3cret-pass", 11));
	assert_null(memmem(assay_buf_data(s.all), assay_buf_len(s.all), "wrong-pass", 10));
	assert_non_null(memmem(assay_buf_data(s.all), assay_buf_len(s.all), "alice", 5));
	assert_non_null(memmem(assay_buf_data(s.all), assay_buf_len(s.all), "***********", 11));
	assay_buf_free(s.all);
}

/*
 * The credential runner on MQTT: one list parsed in C, each pair one
 * CONNECT; CONNACK 0 is accepted, any other code rejected (the broker
 * judged the pair), no CONNACK unreached.  Over TLS the anonymous
 * listener accepts every pair.
 */
static void
test_cred_runner(void **state)
{
	static const char pairs[] =
	    "admin:admin\nalice:wrong-pass\nalice:s3cret-pass\nroot:xc3511\n";
	struct assay_cred_target tg;
	struct assay_cred_list *l;
	struct assay_cred_result *res;
	struct assay_probe_env env;
	size_t idx;
	long long ms;
	int line = 0, outcome;

	NEED_BROKER();
	memset(&env, 0, sizeof(env));
	assert_non_null(env.budget = assay_budget_new(4, 100));
	assert_non_null(l = assay_cred_list_new());
	assert_int_equal(assay_cred_list_parse(l, pairs, strlen(pairs), &line), 0);
	memset(&tg, 0, sizeof(tg));
	tg.service = ASSAY_CRED_MQTT;
	tg.host = "127.0.0.1";
	tg.port = B.pw_port;
	tg.concurrency = 2;
	tg.timeout_ms = 3000;
	assert_int_equal(assay_cred_run(&env, &tg, l, &res), 0);
	assert_int_equal(assay_cred_result_attempts(res), 4);
	assert_int_equal(assay_cred_result_unreached(res), 0);
	assert_int_equal(assay_cred_result_rejected(res), 3);
	assert_int_equal(assay_cred_result_accepted_count(res), 1);
	assert_int_equal(assay_cred_result_accepted(res, 0), 2);
	assert_int_equal(assay_cred_result_attempt(res, 1, &idx, &ms, &outcome), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(outcome, ASSAY_AUTH_REJECTED);
	assay_cred_result_free(res);

	/* MQTTS: the anonymous TLS listener takes the first pair. */
	tg.port = B.tls_port;
	tg.tls = 1;
	tg.stop_on_success = 1;
	tg.concurrency = 1;
	assert_int_equal(assay_cred_run(&env, &tg, l, &res), 0);
	assert_int_equal(assay_cred_result_accepted_count(res), 1);
	assert_int_equal(assay_cred_result_accepted(res, 0), 0);
	assay_cred_result_free(res);

	/* Nobody listening: every attempt unreached, with the reason. */
	tg.port = tu_free_port();
	tg.tls = 0;
	tg.stop_on_success = 0;
	assert_int_equal(assay_cred_run(&env, &tg, l, &res), 0);
	assert_int_equal(assay_cred_result_accepted_count(res), 0);
	assert_true(assay_cred_result_unreached(res) > 0);
	assert_string_equal(assay_cred_result_last_error(res),
	    "connection refused");
	assay_cred_result_free(res);
	assay_cred_list_free(l);
	assay_budget_free(env.budget);
}

static void
test_tls_listener(void **state)
{
	struct assay_probe_mqtt_result *r;
	const char *ver, *cipher, *subj, *iss;

	NEED_BROKER();
	r = probe(NULL, "127.0.0.1", B.tls_port, 1, NULL, NULL, 4, 3000);
	assert_null(assay_probe_mqtt_failure(r));
	assert_true(assay_probe_mqtt_accepted(r));
	assert_true(assay_probe_mqtt_tls(r, &ver, &cipher, &subj, &iss));
	assert_non_null(strstr(subj, "CN=assay-test-broker"));
	assert_non_null(strstr(iss, "CN=assay-test-broker"));	/* self-signed */
	assert_non_null(strstr(ver, "TLS"));
	assay_probe_mqtt_result_free(r);

	/* TLS against the plain listener: a handshake failure, as a value. */
	r = probe(NULL, "127.0.0.1", B.anon_port, 1, NULL, NULL, 4, 2000);
	assert_non_null(assay_probe_mqtt_failure(r));
	assert_false(assay_probe_mqtt_accepted(r));
	assert_int_equal(assay_probe_mqtt_code(r), -1);
	assay_probe_mqtt_result_free(r);
}

/*
 * Two probes at once on one broker (two test cases of a run): each
 * connection has an identifier of its own, so the second CONNECT does not
 * make the broker close the first one's subscription (with a shared
 * identifier mosquitto closes the older connection at once).
 */
struct sub_thread {
	struct assay_probe_mqtt_params	 p;
	struct assay_probe_mqtt_result	*r;
	int				 rc;
};

static void *
sub_thread_main(void *arg)
{
	struct sub_thread *t = arg;

	t->rc = assay_probe_mqtt_connect(NULL, &t->p, &t->r);
	return NULL;
}

static void
test_two_at_once(void **state)
{
	struct sub_thread t;
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *r = NULL;
	const char *err, *trunc;
	pthread_t th;
	int granted, i;
	long long t0;

	(void)state;
	NEED_BROKER();
	memset(&t, 0, sizeof(t));
	t.p.host = "127.0.0.1";
	t.p.port = B.anon_port;
	t.p.timeout_ms = 3000;
	t.p.subscribe = "#";
	t.p.listen_ms = 1500;
	t0 = tu_now_ms();
	assert_int_equal(pthread_create(&th, NULL, sub_thread_main, &t), 0);
	/* Meanwhile, three more sessions with the default identifier. */
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = B.anon_port;
	p.timeout_ms = 3000;
	for (i = 0; i < 3; i++) {
		usleep(200 * 1000);
		assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), 0);
		assay_probe_mqtt_result_free(r);
		r = NULL;
	}
	pthread_join(th, NULL);
	assert_int_equal(t.rc, 0);
	assert_true(assay_probe_mqtt_subscription(t.r, &granted, &err, &trunc));
	assert_int_equal(granted, 0);
	if (err != NULL)
		fail_msg("the subscription was cut short: %s", err);
	/* It lasted its whole window. */
	assert_true(tu_now_ms() - t0 >= 1500);
	assay_probe_mqtt_result_free(t.r);
}

static void
test_subscribe_capped(void **state)
{
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *r = NULL;
	const char *topic, *payload, *err, *trunc;
	size_t tl, pl;
	int granted, retain;
	long long t0;

	NEED_BROKER();
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = B.anon_port;
	p.timeout_ms = 3000;
	p.subscribe = "#";
	p.listen_ms = 300;
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), 0);
	assert_true(assay_probe_mqtt_subscription(r, &granted, &err, &trunc));
	assert_int_equal(granted, 0);
	assert_null(err);
	assert_null(trunc);
	assert_int_equal(assay_probe_mqtt_nmessages(r), 2);
	assert_int_equal(assay_probe_mqtt_message(r, 0, &topic, &tl, &payload, &pl, &retain), 0);
	assert_string_equal(topic, "assay/test/1");
	assert_string_equal(payload, "hello");
	assert_int_equal(pl, 5);
	assert_true(retain);
	/* The window closes on time: 300 ms plus set-up. */
	assert_true(tu_now_ms() - t0 < 2000);
	assay_probe_mqtt_result_free(r);

	/* MQTT 5: SUBACK and PUBLISH carry property blocks. */
	p.version = 5;
	assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), 0);
	assert_true(assay_probe_mqtt_subscription(r, &granted, &err, &trunc));
	assert_int_equal(granted, 0);
	assert_null(err);
	assert_int_equal(assay_probe_mqtt_nmessages(r), 2);
	assert_int_equal(assay_probe_mqtt_message(r, 1, &topic, &tl, &payload, &pl, &retain), 0);
	assert_string_equal(topic, "assay/test/2");
	assert_string_equal(payload, "world");
	assay_probe_mqtt_result_free(r);
	p.version = 0;

	/* Message cap. */
	p.max_messages = 1;
	assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), 0);
	assert_true(assay_probe_mqtt_subscription(r, &granted, &err, &trunc));
	assert_int_equal(assay_probe_mqtt_nmessages(r), 1);
	assert_non_null(trunc);
	assert_string_equal(trunc, "message cap of 1 reached");
	assay_probe_mqtt_result_free(r);

	/* Byte cap: CONNACK (4) + SUBACK (5) fit, the first PUBLISH does not. */
	p.max_messages = 0;
	p.max_read = 12;
	assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), 0);
	assert_true(assay_probe_mqtt_accepted(r));
	assert_true(assay_probe_mqtt_subscription(r, &granted, &err, &trunc));
	assert_int_equal(assay_probe_mqtt_nmessages(r), 0);
	assert_non_null(trunc);
	assert_non_null(strstr(trunc, "read cap of 12 bytes"));
	assert_true(assay_probe_mqtt_bytes_read(r) <= 12);
	assay_probe_mqtt_result_free(r);
}

/* Misbehaving peers. */
enum fake_mode { FAKE_GARBAGE, FAKE_RESET, FAKE_SILENT, FAKE_HUGE, FAKE_SCRIPT };

struct fake {
	int		 lfd;
	int		 port;
	enum fake_mode	 mode;
	const unsigned char *reply;	/* FAKE_SCRIPT */
	size_t		 reply_len;
	pthread_t	 th;
};

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd pfd = { f->lfd, POLLIN, 0 };
	struct linger lg = { 1, 0 };
	static const char garbage[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
	static const unsigned char half[] = { 0x20, 0x02 };
	static const unsigned char huge[] = { 0x20, 0xff, 0xff, 0xff, 0x7f };
	char buf[512];
	int fd;

	if (poll(&pfd, 1, 10000) != 1 || (fd = accept(f->lfd, NULL, NULL)) == -1)
		return NULL;
	pfd.fd = fd;
	if (poll(&pfd, 1, 5000) == 1)
		(void)!recv(fd, buf, sizeof(buf), 0);
	switch (f->mode) {
	case FAKE_GARBAGE:
		(void)!send(fd, garbage, sizeof(garbage) - 1, MSG_NOSIGNAL);
		break;
	case FAKE_RESET:
		(void)!send(fd, half, sizeof(half), MSG_NOSIGNAL);
		usleep(100000);	/* let the two bytes be read first */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	case FAKE_HUGE:
		(void)!send(fd, huge, sizeof(huge), MSG_NOSIGNAL);
		break;
	case FAKE_SCRIPT:
		(void)!send(fd, f->reply, f->reply_len, MSG_NOSIGNAL);
		break;
	case FAKE_SILENT:
		/* Say nothing until the client gives up. */
		while (poll(&pfd, 1, 10000) == 1 && recv(fd, buf, sizeof(buf), 0) > 0)
			;
		break;
	}
	if (f->mode != FAKE_RESET && f->mode != FAKE_SILENT) {
		/* Let the client read before we close. */
		while (poll(&pfd, 1, 5000) == 1 && recv(fd, buf, sizeof(buf), 0) > 0)
			;
	}
	close(fd);
	return NULL;
}

static void
fake_start(struct fake *f, enum fake_mode mode)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->mode = mode;
	assert_true((f->lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	setsockopt(f->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(f->lfd, 4), 0);
	assert_int_equal(getsockname(f->lfd, (struct sockaddr *)&sa, &sl), 0);
	f->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake *f)
{
	pthread_join(f->th, NULL);
	close(f->lfd);
}

static void
test_refused(void **state)
{
	struct assay_probe_mqtt_result *r;
	int port = tu_free_port();	/* nobody listens there now */

	r = probe(NULL, "127.0.0.1", port, 0, NULL, NULL, 4, 2000);
	assert_string_equal(assay_probe_mqtt_failure(r), "connection refused");
	assert_false(assay_probe_mqtt_accepted(r));
	assay_probe_mqtt_result_free(r);
}

static void
test_garbage(void **state)
{
	struct assay_probe_mqtt_result *r;
	struct fake f;

	fake_start(&f, FAKE_GARBAGE);
	r = probe(NULL, "127.0.0.1", f.port, 0, NULL, NULL, 4, 3000);
	fake_stop(&f);
	assert_non_null(assay_probe_mqtt_failure(r));
	assert_string_equal(assay_probe_mqtt_failure(r),
	    "not MQTT: expected CONNACK (0x20), got 48 54 54 50 2f 31 2e 30 20 34 30 30 "
	    "\"HTTP/1.0 400 Bad Request\"");
	assay_probe_mqtt_result_free(r);
}

static void
test_reset_mid_connack(void **state)
{
	struct assay_probe_mqtt_result *r;
	struct fake f;

	fake_start(&f, FAKE_RESET);
	r = probe(NULL, "127.0.0.1", f.port, 0, NULL, NULL, 4, 3000);
	fake_stop(&f);
	assert_non_null(assay_probe_mqtt_failure(r));
	assert_string_equal(assay_probe_mqtt_failure(r), "connection reset after 2 bytes");
	assay_probe_mqtt_result_free(r);
}

static void
test_silent_times_out(void **state)
{
	struct assay_probe_mqtt_result *r;
	struct fake f;
	long long t0, dt;

	fake_start(&f, FAKE_SILENT);
	t0 = tu_now_ms();
	r = probe(NULL, "127.0.0.1", f.port, 0, NULL, NULL, 4, 500);
	dt = tu_now_ms() - t0;
	fake_stop(&f);
	assert_string_equal(assay_probe_mqtt_failure(r),
	    "timeout after 500 ms waiting for CONNACK (0 bytes received)");
	assert_true(dt >= 450 && dt < 1500);
	assay_probe_mqtt_result_free(r);
}

static void
test_hostile_length(void **state)
{
	struct assay_probe_mqtt_result *r;
	struct fake f;

	fake_start(&f, FAKE_HUGE);
	r = probe(NULL, "127.0.0.1", f.port, 0, NULL, NULL, 4, 3000);
	fake_stop(&f);
	assert_string_equal(assay_probe_mqtt_failure(r),
	    "read cap of 65536 bytes reached: packet of 268435455 bytes announced");
	assay_probe_mqtt_result_free(r);
}

/*
 * An MQTT 5 CONNACK (code 0, accepted) whose property length runs past
 * the packet is not a CONNACK: never "accepted".
 */
static void
test_connack_props_past_packet(void **state)
{
	static const unsigned char past[] = { 0x20, 0x05, 0x00, 0x00, 0xff,
	    0xff, 0x7f };
	static const unsigned char fits[] = { 0x20, 0x06, 0x00, 0x00, 0x03,
	    0x1f, 0x00, 0x00 };
	struct assay_probe_mqtt_result *r;
	struct fake f;

	f.reply = past;
	f.reply_len = sizeof(past);
	fake_start(&f, FAKE_SCRIPT);
	r = probe(NULL, "127.0.0.1", f.port, 0, NULL, NULL, 5, 2000);
	fake_stop(&f);
	assert_false(assay_probe_mqtt_accepted(r));
	assert_non_null(assay_probe_mqtt_failure(r));
	print_message("%s\n", assay_probe_mqtt_failure(r));
	assert_non_null(strstr(assay_probe_mqtt_failure(r),
	    "CONNACK properties"));
	assay_probe_mqtt_result_free(r);

	f.reply = fits;
	f.reply_len = sizeof(fits);
	fake_start(&f, FAKE_SCRIPT);
	r = probe(NULL, "127.0.0.1", f.port, 0, NULL, NULL, 5, 2000);
	fake_stop(&f);
	assert_null(assay_probe_mqtt_failure(r));
	assert_true(assay_probe_mqtt_accepted(r));
	assay_probe_mqtt_result_free(r);
}

/*
 * Hostile replies as data: a CONNACK header or a whole CONNACK followed
 * by random bytes, read with and without a subscription, 3.1.1 and 5.
 * Every run must end in a value; ASan/UBSan watch the parsers.
 */
static void
test_random_replies(void **state)
{
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *r;
	unsigned char reply[64];
	unsigned seed = 12345;
	struct fake f;
	size_t n, j;
	int i, outcomes = 0;

	for (i = 0; i < 100; i++) {
		n = 0;
		if (i % 2 == 0) {
			memcpy(reply, "\x20\x02\x00\x00", 4);
			n = 4;
			if (i % 4 == 0)		/* something SUBACK- or PUBLISH-like */
				reply[n++] = (rand_r(&seed) % 2) ? 0x90 : 0x30;
		} else
			reply[n++] = 0x20;
		for (j = rand_r(&seed) % 40; j > 0 && n < sizeof(reply); j--)
			reply[n++] = (unsigned char)(rand_r(&seed) % 4 == 0 ?
			    rand_r(&seed) % 8 : rand_r(&seed));
		memset(&p, 0, sizeof(p));
		p.host = "127.0.0.1";
		p.version = (i / 2) % 2 ? 5 : 4;
		p.timeout_ms = 100;
		p.subscribe = "#";
		p.listen_ms = 20;
		f.reply = reply;
		f.reply_len = n;
		fake_start(&f, FAKE_SCRIPT);
		p.port = f.port;
		r = NULL;
		assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), 0);
		fake_stop(&f);
		assert_true(assay_probe_mqtt_failure(r) != NULL ||
		    assay_probe_mqtt_code(r) >= 0);
		outcomes += assay_probe_mqtt_failure(r) == NULL;
		assay_probe_mqtt_result_free(r);
	}
	assert_true(outcomes > 0);	/* some CONNACKs did parse */
}

static void
test_budget(void **state)
{
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *r = NULL;
	struct assay_probe_env env;
	long long t0;

	memset(&env, 0, sizeof(env));
	assert_non_null(env.budget = assay_budget_new(1, 100));
	assert_int_equal(assay_budget_acquire(env.budget, 0), 0);	/* the only slot */
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = tu_free_port();
	p.timeout_ms = 200;
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_mqtt_connect(&env, &p, &r), ASSAY_ERR_BUDGET);
	assert_null(r);
	assert_true(tu_now_ms() - t0 < 1000);
	assay_budget_release(env.budget);
	/* With the slot back, the probe runs and gives the slot back too. */
	assert_int_equal(assay_probe_mqtt_connect(&env, &p, &r), 0);
	assert_string_equal(assay_probe_mqtt_failure(r), "connection refused");
	assay_probe_mqtt_result_free(r);
	assert_int_equal(assay_budget_acquire(env.budget, 0), 0);
	assay_budget_release(env.budget);
	assay_budget_free(env.budget);
}

static void
test_bad_params(void **state)
{
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *r = NULL;

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = 70000;
	assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.port = 1883;
	p.version = 3;
	assert_int_equal(assay_probe_mqtt_connect(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_probe_mqtt_connect(NULL, NULL, &r), ASSAY_ERR_INVALID_ARG);
	assay_probe_mqtt_result_free(NULL);
}

static const char lua_script[] =
    "local r, err = net.mqtt_connect{host='127.0.0.1', port=ANON, timeout_ms=3000,\n"
    "    subscribe='#', listen_ms=300}\n"
    "assert(r, err)\n"
    "assert(r.accepted == true and r.code == 0, 'code ' .. tostring(r.code))\n"
    "assert(r.reason == 'connection accepted' and r.tls == false)\n"
    "local seen = {}\n"
    "for _, m in ipairs(r.subscription.messages) do seen[m.topic] = m.payload end\n"
    "assert(seen['assay/test/2'] == 'world')\n"
    "local d = net.mqtt_connect{host='127.0.0.1', port=PW, user='alice',\n"
    "    password='nope', version=5}\n"
    "assert(d.accepted == false and d.code == 0x87, d.reason)\n"
    "local t = assert(net.mqtt_connect{host='127.0.0.1', port=TLSP, tls=true})\n"
    "assert(t.tls.subject:find('CN=assay%-test%-broker'), t.tls.subject)\n"
    "local n, e = net.mqtt_connect{host='127.0.0.1', port=CLOSED}\n"
    "assert(n == nil and e == 'connection refused', e)\n"
    "local ok, msg = pcall(net.mqtt_connect, {host='127.0.0.1', port=99999})\n"
    "assert(not ok and msg:find('port must be an integer'), msg)\n"
    /* the credential runner over MQTT: CONNACK accepted is accepted */
    "local c = assert(net.try_credentials{service='mqtt', host='127.0.0.1',\n"
    "    port=PW, concurrency=1, pairs={{'alice','nope'},{'bob','x'},\n"
    "    {'alice','s3cret-pass'}}})\n"
    "assert(c.attempts == 3 and c.rejected == 2 and #c.accepted == 1, c.attempts)\n"
    "assert(c.accepted[1][1] == 'alice' and c.outcomes[1] == 'rejected')\n"
    "local u = assert(net.try_credentials{service='mqtt', host='127.0.0.1',\n"
    "    port=CLOSED, pairs={{'a','b'}}})\n"
    "assert(u.unreached == 3 and u.retries == 2 and u.tried == 0 and u.untried == 1\n"
    "    and u.last_error == 'connection refused', u.last_error)\n"
    "local m = assert(net.try_credentials{service='mqtt', host='127.0.0.1',\n"
    "    port=TLSP, tls=true, pairs={{'a','b'}}})\n"
    "assert(#m.accepted == 1, 'anonymous TLS listener accepts any pair')\n"
    "return 'done'\n";

static void
test_lua_binding(void **state)
{
	struct assay_probe_env env;
	struct sink s;
	lua_State *L;

	NEED_BROKER();
	memset(&s, 0, sizeof(s));
	assert_non_null(s.all = assay_buf_new(1 << 20));
	memset(&env, 0, sizeof(env));
	env.record = sink_record;
	env.record_arg = &s;
	env.timeout_ms = 3000;
	assert_non_null(env.budget = assay_budget_new(4, 100));
	assert_non_null(L = luaL_newstate());
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_mqtt_lua_register(L);
	assay_probe_cred_lua_register(L);
	assert_int_equal(lua_gettop(L), 1);
	lua_setglobal(L, "net");
	lua_pushinteger(L, B.anon_port);
	lua_setglobal(L, "ANON");
	lua_pushinteger(L, B.pw_port);
	lua_setglobal(L, "PW");
	lua_pushinteger(L, B.tls_port);
	lua_setglobal(L, "TLSP");
	lua_pushinteger(L, tu_free_port());
	lua_setglobal(L, "CLOSED");
	if (luaL_loadbufferx(L, lua_script, sizeof(lua_script) - 1, "@t.lua", "t") != 0 ||
	    lua_pcall(L, 0, 1, 0) != 0)
		fail_msg("lua: %s", lua_tostring(L, -1));
	assert_string_equal(lua_tostring(L, -1), "done");
	lua_close(L);
	assert_true(s.nrecv > 0);
	assert_null(memmem(assay_buf_data(s.all), assay_buf_len(s.all), "nope", 4));
	assay_buf_free(s.all);
	assay_budget_free(env.budget);
}

/* mqtt_publish: one call, a witness and a publisher. */
static struct assay_probe_mqtt_pub_result *
publish(const struct assay_probe_env *env, int port, const char *user,
    const char *pass, const char *wuser, const char *wpass, int version,
    int qos)
{
	struct assay_probe_mqtt_pub_params p;
	struct assay_probe_mqtt_pub_result *r = NULL;

	memset(&p, 0, sizeof(p));
	p.pub.host = "127.0.0.1";
	p.pub.port = port;
	p.pub.user = user;
	p.pub.password = pass;
	p.pub.version = version;
	p.pub.timeout_ms = 3000;
	p.topic = "assay/cfg/dev";
	p.payload = "{\"led\":1}";
	p.payload_len = strlen(p.payload);
	p.qos = qos;
	p.observe = 1;
	p.obs_user = wuser;
	p.obs_password = wpass;
	p.listen_ms = 500;
	assert_int_equal(assay_probe_mqtt_publish(env, &p, &r), 0);
	assert_non_null(r);
	return r;
}

static void
test_publish_delivered(void **state)
{
	struct assay_probe_mqtt_pub_result *r;
	struct assay_probe_env env;
	struct sink s;
	int v, retain = 0;
	char cmd[256];

	(void)state;
	NEED_BROKER();
	memset(&s, 0, sizeof(s));
	assert_non_null(s.all = assay_buf_new(1 << 20));
	memset(&env, 0, sizeof(env));
	env.record = sink_record;
	env.record_arg = &s;
	/* The current value, retained (after the tests that count '#'). */
	snprintf(cmd, sizeof(cmd), "mosquitto_pub -h 127.0.0.1 -p %d -r -t "
	    "assay/cfg/dev -m '{\"led\":1}'", B.anon_port);
	assert_int_equal(tu_run(cmd, NULL), 0);
	/* An open broker: the anonymous write arrives, at QoS 0 and 1, 3.1.1 and 5. */
	for (v = 4; v <= 5; v++) {
		r = publish(&env, B.anon_port, NULL, NULL, NULL, NULL, v, v - 4);
		assert_null(r->skipped);
		assert_true(assay_probe_mqtt_accepted(r->publisher));
		assert_true(r->published);
		assert_int_equal(r->delivered, 1);
		assert_int_equal(r->busy, 0);
		assert_int_equal(r->puback, v == 5 ? 0 : -1);
		assert_null(r->after);
		/* The retained value came to the witness before the write. */
		assert_true(r->baseline >= 1);
		assert_int_equal(assay_probe_mqtt_message(r->witness, 0, NULL,
		    NULL, NULL, NULL, &retain), 0);
		assert_true(retain);
		assay_probe_mqtt_pub_result_free(r);
	}
	assert_non_null(memmem(assay_buf_data(s.all), assay_buf_len(s.all),
	    "witness: the message arrived", 28));
	assay_buf_free(s.all);
}

static void
test_publish_acl_refuses(void **state)
{
	struct assay_probe_mqtt_pub_result *r;
	int v;

	(void)state;
	NEED_BROKER();
	/*
	 * Anonymous CONNECT accepted, the write denied by the ACL: mosquitto
	 * drops it silently (3.1.1 has no way to say no); only delivery tells.
	 */
	for (v = 4; v <= 5; v++) {
		r = publish(NULL, B.acl_port, NULL, NULL, NULL, NULL, v, 1);
		assert_true(assay_probe_mqtt_accepted(r->publisher));
		assert_true(r->published);
		assert_int_equal(r->delivered, 0);
		if (v == 5)
			assert_int_equal(r->puback, 0x87);	/* not authorized */
		else
			assert_int_equal(r->puback, 0);
		assay_probe_mqtt_pub_result_free(r);
	}
	/* QoS 0: the PINGRESP says the broker has handled it. */
	r = publish(NULL, B.acl_port, NULL, NULL, NULL, NULL, 4, 0);
	assert_true(r->published);
	assert_int_equal(r->delivered, 0);
	assert_null(r->after);
	assay_probe_mqtt_pub_result_free(r);
}

static void
test_publish_refused_at_connect(void **state)
{
	struct assay_probe_mqtt_pub_result *r;

	(void)state;
	NEED_BROKER();
	/* The witness has the password; the anonymous publisher is refused. */
	r = publish(NULL, B.pw_port, NULL, NULL, "alice", "s3cret-pass", 4, 1);
	assert_null(r->skipped);
	assert_true(assay_probe_mqtt_accepted(r->witness));
	assert_false(assay_probe_mqtt_accepted(r->publisher));
	assert_int_equal(assay_probe_mqtt_code(r->publisher), 5);
	assert_false(r->published);
	assert_int_equal(r->delivered, -1);
	assay_probe_mqtt_pub_result_free(r);
	/* With the password it goes through. */
	r = publish(NULL, B.pw_port, "alice", "s3cret-pass", "alice",
	    "s3cret-pass", 4, 1);
	assert_int_equal(r->delivered, 1);
	assay_probe_mqtt_pub_result_free(r);
	/* A witness that is refused: nothing is published. */
	r = publish(NULL, B.pw_port, NULL, NULL, NULL, NULL, 4, 1);
	assert_non_null(r->skipped);
	assert_non_null(strstr(r->skipped, "witness was refused"));
	assert_false(r->published);
	assay_probe_mqtt_pub_result_free(r);
}

static void
test_publish_bad_params(void **state)
{
	struct assay_probe_mqtt_pub_params p;
	struct assay_probe_mqtt_pub_result *r = NULL;
	static char big[ASSAY_MQTT_PUBLISH_MAX_PAYLOAD + 1];

	(void)state;
	memset(&p, 0, sizeof(p));
	p.pub.host = "127.0.0.1";
	p.pub.port = 1;
	p.payload = "x";
	p.payload_len = 1;
	p.topic = "a/#";
	assert_int_equal(assay_probe_mqtt_publish(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.topic = "a/+/b";
	assert_int_equal(assay_probe_mqtt_publish(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.topic = "";
	assert_int_equal(assay_probe_mqtt_publish(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.topic = "a";
	p.qos = 2;
	assert_int_equal(assay_probe_mqtt_publish(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.qos = 0;
	p.payload = big;
	p.payload_len = sizeof(big);
	assert_int_equal(assay_probe_mqtt_publish(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	assert_null(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anonymous_accepted),
		cmocka_unit_test(test_password_listener),
		cmocka_unit_test(test_tls_listener),
		cmocka_unit_test(test_cred_runner),
		cmocka_unit_test(test_subscribe_capped),
		cmocka_unit_test(test_two_at_once),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_reset_mid_connack),
		cmocka_unit_test(test_connack_props_past_packet),
		cmocka_unit_test(test_silent_times_out),
		cmocka_unit_test(test_hostile_length),
		cmocka_unit_test(test_random_replies),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_lua_binding),
		cmocka_unit_test(test_publish_delivered),
		cmocka_unit_test(test_publish_acl_refuses),
		cmocka_unit_test(test_publish_refused_at_connect),
		cmocka_unit_test(test_publish_bad_params),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, start_broker, stop_broker);
}
