/*
 * test_probe_coap.c - the CoAP probe against real libcoap servers
 * (coap-server-notls; coap-server-openssl with a DTLS PSK) and against
 * misbehaving UDP peers run in threads here (silence, junk, ICMP).
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
#include "probe/coap.h"
#include "testutil.h"

#define PSK_ID	"assay-client"
#define PSK_KEY	"assay-psk-secret"

struct servers {
	pid_t	 plain_pid, dtls_pid;
	int	 plain_port, dtls_base;	/* DTLS listens on dtls_base + 1 */
	int	 skip_plain, skip_dtls;
};

static struct servers S;

static pid_t
spawn(char *const argv[])
{
	pid_t pid;
	int fd;

	if ((pid = fork()) != 0)
		return pid;
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execvp(argv[0], argv);
	_exit(127);
}

/* 1 if port is free for both TCP and UDP on 127.0.0.1. */
static int
port_free(int port)
{
	struct sockaddr_in sa;
	int t, fd, ok = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	for (t = 0; t < 2 && ok; t++) {
		if ((fd = socket(AF_INET, t ? SOCK_DGRAM : SOCK_STREAM, 0)) < 0)
			return 0;
		ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
	}
	return ok;
}

static void
stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
	}
	*pid = 0;
}

static int
stop_servers(void **state)
{
	(void)state;
	stop(&S.plain_pid);
	stop(&S.dtls_pid);
	return 0;
}

static int
start_servers(void **state)
{
	char pp[16], dp[16];
	int i;

	(void)state;
	memset(&S, 0, sizeof(S));
	S.skip_plain = !tu_have("coap-server-notls");
	S.skip_dtls = !tu_have("coap-server-openssl");
	if (!S.skip_plain) {
		S.plain_port = tu_free_port();
		snprintf(pp, sizeof(pp), "%d", S.plain_port);
		/* -d: PUT may create one resource (the write tests' /assay-cfg). */
		char *const argv[] = { "coap-server-notls", "-A", "127.0.0.1", "-p", pp,
		    "-d", "1", NULL };

		if ((S.plain_pid = spawn(argv)) < 0)
			return -1;
		/* libcoap also listens on TCP at the same port: poll that. */
		if (tu_wait_tcp("127.0.0.1", S.plain_port, 10000) != 0) {
			fprintf(stderr, "coap-server-notls did not come up\n");
			stop_servers(NULL);
			return -1;
		}
	}
	if (!S.skip_dtls) {
		for (i = 0; i < 20; i++) {
			S.dtls_base = tu_free_port();
			if (port_free(S.dtls_base) && port_free(S.dtls_base + 1))
				break;
		}
		snprintf(dp, sizeof(dp), "%d", S.dtls_base);
		char *const argv[] = { "coap-server-openssl", "-A", "127.0.0.1", "-p", dp,
		    "-k", PSK_KEY, "-h", "assay-hint", NULL };

		if ((S.dtls_pid = spawn(argv)) < 0)
			return -1;
		if (tu_wait_tcp("127.0.0.1", S.dtls_base + 1, 10000) != 0) {
			fprintf(stderr, "coap-server-openssl did not come up\n");
			stop_servers(NULL);
			return -1;
		}
	}
	return 0;
}

#define NEED(x, what) do { if (S.x) { fprintf(stderr, "skip: %s not installed\n", what); skip(); } } while (0)

static struct assay_probe_coap_result *
get(int port, const char *path, int dtls, const char *key, int timeout_ms)
{
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *r = NULL;

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = port;
	p.path = path;
	p.dtls = dtls;
	if (key != NULL) {
		p.psk_identity = PSK_ID;
		p.psk_key = (const unsigned char *)key;
		p.psk_key_len = strlen(key);
	}
	p.timeout_ms = timeout_ms;
	assert_int_equal(assay_probe_coap_get(NULL, &p, &r), 0);
	assert_non_null(r);
	return r;
}

/* Finds resource href; returns its index or -1. */
static long
find_res(const struct assay_probe_coap_result *r, const char *href)
{
	size_t i;

	for (i = 0; i < assay_probe_coap_nresources(r); i++)
		if (strcmp(assay_probe_coap_resource(r, i, NULL), href) == 0)
			return (long)i;
	return -1;
}

static const char *
attr(const struct assay_probe_coap_result *r, size_t i, const char *name, int *found)
{
	const char *n, *v;
	size_t j, na;

	*found = 0;
	assay_probe_coap_resource(r, i, &na);
	for (j = 0; j < na; j++) {
		assay_probe_coap_resource_attr(r, i, j, &n, &v);
		if (strcmp(n, name) == 0) {
			*found = 1;
			return v;
		}
	}
	return NULL;
}

static void
check_well_known(const struct assay_probe_coap_result *r)
{
	const char *v;
	size_t len;
	long i;
	int cls, detail, found;

	assert_null(assay_probe_coap_failure(r));
	assert_string_equal(assay_probe_coap_code(r, &cls, &detail), "2.05");
	assert_int_equal(cls, 2);
	assert_int_equal(detail, 5);
	assert_int_equal(assay_probe_coap_content_format(r), 40);
	assert_non_null(strstr(assay_probe_coap_payload(r, &len), "</time>"));
	assert_true(len > 0);
	assert_null(assay_probe_coap_link_error(r));
	assert_true(assay_probe_coap_nresources(r) >= 3);
	assert_true((i = find_res(r, "/time")) >= 0);
	v = attr(r, (size_t)i, "rt", &found);
	assert_true(found);
	assert_string_equal(v, "ticks");
	v = attr(r, (size_t)i, "title", &found);
	assert_string_equal(v, "Internal Clock");
	v = attr(r, (size_t)i, "obs", &found);
	assert_true(found);
	assert_null(v);		/* a flag */
}

static void
test_get_well_known(void **state)
{
	struct assay_probe_coap_result *r;

	NEED(skip_plain, "coap-server-notls");
	r = get(S.plain_port, NULL, 0, NULL, 3000);
	check_well_known(r);
	assert_false(assay_probe_coap_dtls(r, NULL, NULL, NULL, NULL, NULL));
	assay_probe_coap_result_free(r);
}

static void
test_get_other_paths(void **state)
{
	struct assay_probe_coap_result *r;
	size_t len;

	NEED(skip_plain, "coap-server-notls");
	r = get(S.plain_port, "/no/such/thing", 0, NULL, 3000);
	assert_null(assay_probe_coap_failure(r));
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "4.04");
	assert_string_equal(assay_probe_coap_code_name(4, 4), "Not Found");
	assert_int_equal(assay_probe_coap_nresources(r), 0);
	assay_probe_coap_result_free(r);

	r = get(S.plain_port, "/", 0, NULL, 3000);
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.05");
	assay_probe_coap_payload(r, &len);
	assert_true(len > 10);	/* libcoap's "This is a test server..." */
	assay_probe_coap_result_free(r);
}

static void
test_read_cap(void **state)
{
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *r = NULL;
	size_t len;

	NEED(skip_plain, "coap-server-notls");
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = S.plain_port;
	p.timeout_ms = 3000;
	p.max_read = 40;
	assert_int_equal(assay_probe_coap_get(NULL, &p, &r), 0);
	assert_null(assay_probe_coap_failure(r));
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.05");
	assert_string_equal(assay_probe_coap_truncated(r), "read cap of 40 bytes reached");
	assert_int_equal(assay_probe_coap_bytes_read(r), 40);
	assay_probe_coap_payload(r, &len);
	assert_true(len < 40);
	assay_probe_coap_result_free(r);
}

/* A 3000-byte resource comes back in Block2 pieces, joined. */
static void
test_blockwise(void **state)
{
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *r = NULL;
	char *dir, path[512], cmd[1024], big[3000];
	const char *pl;
	size_t len;

	NEED(skip_plain, "coap-server-notls");
	if (!tu_have("coap-client-notls")) {
		fprintf(stderr, "skip: coap-client-notls not installed\n");
		skip();
	}
	assert_non_null(dir = tu_mkdtemp("coap"));
	memset(big, 'b', sizeof(big));
	big[0] = '<';
	big[sizeof(big) - 1] = '>';
	snprintf(path, sizeof(path), "%s/big", dir);
	assert_int_equal(tu_write_file(path, big, sizeof(big)), 0);
	snprintf(cmd, sizeof(cmd), "coap-client-notls -m put -f %s "
	    "coap://127.0.0.1:%d/example_data", path, S.plain_port);
	assert_int_equal(tu_run(cmd, NULL), 0);
	tu_rmrf(dir);
	free(dir);

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = S.plain_port;
	p.path = "/example_data";
	p.timeout_ms = 3000;
	assert_int_equal(assay_probe_coap_get(NULL, &p, &r), 0);
	assert_null(assay_probe_coap_failure(r));
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.05");
	pl = assay_probe_coap_payload(r, &len);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(pl, big, sizeof(big));
	assert_null(assay_probe_coap_truncated(r));
	assert_true(assay_probe_coap_bytes_read(r) > sizeof(big));
	assay_probe_coap_result_free(r);

	/* The cap stops the follow-ups: at most 1500 bytes read. */
	p.max_read = 1500;
	assert_int_equal(assay_probe_coap_get(NULL, &p, &r), 0);
	assert_null(assay_probe_coap_failure(r));
	assert_non_null(assay_probe_coap_truncated(r));
	assert_true(assay_probe_coap_bytes_read(r) <= 1500);
	assay_probe_coap_payload(r, &len);
	assert_true(len > 1024 && len < 1500);
	assay_probe_coap_result_free(r);
}

static void
test_dtls_psk(void **state)
{
	struct assay_probe_coap_result *r;
	const char *ver, *cipher, *err;
	int offered, done;

	NEED(skip_dtls, "coap-server-openssl");
	r = get(S.dtls_base + 1, NULL, 1, PSK_KEY, 5000);
	check_well_known(r);
	assert_true(assay_probe_coap_dtls(r, &offered, &done, &ver, &cipher, &err));
	assert_true(offered);
	assert_true(done);
	assert_string_equal(ver, "DTLSv1.2");
	assert_non_null(strstr(cipher, "PSK"));
	assert_null(err);
	assay_probe_coap_result_free(r);
}

static void
test_dtls_refused_psk(void **state)
{
	struct assay_probe_coap_result *r;
	const char *err;
	int offered, done, k;

	NEED(skip_dtls, "coap-server-openssl");
	/* Wrong key, then no key at all: DTLS is there, the handshake fails. */
	for (k = 0; k < 2; k++) {
		r = get(S.dtls_base + 1, NULL, 1, k == 0 ? "wrong-key" : NULL, 1500);
		assert_non_null(assay_probe_coap_failure(r));
		assert_int_equal(strncmp(assay_probe_coap_failure(r),
		    "DTLS offered, handshake failed", 30), 0);
		if (k == 0)	/* the server drops records it can't decrypt */
			assert_non_null(strstr(assay_probe_coap_failure(r),
			    "no answer to our Finished within 1500 ms"));
		assert_null(assay_probe_coap_code(r, NULL, NULL));
		assert_true(assay_probe_coap_dtls(r, &offered, &done, NULL, NULL, &err));
		assert_true(offered);
		assert_false(done);
		assert_string_equal(err, assay_probe_coap_failure(r));
		assay_probe_coap_result_free(r);
	}
}

static void
test_dtls_probe_plain_port(void **state)
{
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *r = NULL;
	int offered, done;
	long long t0, dt;

	NEED(skip_plain, "coap-server-notls");
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = S.plain_port;
	p.timeout_ms = 1200;
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_coap_dtls_probe(NULL, &p, &r), 0);
	dt = tu_now_ms() - t0;
	assert_true(assay_probe_coap_dtls(r, &offered, &done, NULL, NULL, NULL));
	assert_false(offered);
	assert_false(done);
	assert_string_equal(assay_probe_coap_failure(r), "no DTLS reply within 1200 ms");
	assert_true(dt >= 1100 && dt < 2500);
	assay_probe_coap_result_free(r);
}

/* Misbehaving UDP peers. */
struct fake {
	int		 fd;
	int		 port;
	const void	*reply;		/* NULL: stay silent */
	size_t		 reply_len;
	unsigned	 seed;		/* with random: answer with noise */
	int		 random;
	int		 decoys;	/* unrelated datagrams before the reply */
	pthread_t	 th;
};

/*
 * A reply that matches the request (ACK, same message id and token) and
 * then goes wrong: random options, or a payload of link-format shards.
 */
static void
random_reply(struct fake *f, const unsigned char *req, size_t len,
    const struct sockaddr_storage *ss, socklen_t sl)
{
	static const char shards[] = "<>;=,\"\\/ rtif0123ab";
	unsigned char out[256];
	size_t n, tkl = req[0] & 0x0f, k;

	if (4 + tkl > len)
		return;
	out[0] = (unsigned char)(0x60 | tkl);
	out[1] = (unsigned char)(0x40 | rand_r(&f->seed) % 6);	/* 2.00-2.05 */
	memcpy(out + 2, req + 2, 2 + tkl);
	n = 4 + tkl;
	if (rand_r(&f->seed) % 2) {
		for (k = rand_r(&f->seed) % 12; k > 0; k--)
			out[n++] = (unsigned char)rand_r(&f->seed);
	}
	if (rand_r(&f->seed) % 4 != 0) {
		out[n++] = 0xff;
		for (k = 1 + rand_r(&f->seed) % 120; k > 0; k--)
			out[n++] = (unsigned char)shards[rand_r(&f->seed) % (sizeof(shards) - 1)];
	}
	sendto(f->fd, out, n, 0, (const struct sockaddr *)ss, sl);
}

/*
 * Unrelated datagrams (another token, another message id: a reply to
 * someone else, a multicast notice), then the matching 2.05 reply.
 */
static void
decoy_then_reply(struct fake *f, const unsigned char *req, size_t len,
    const struct sockaddr_storage *ss, socklen_t sl)
{
	static const unsigned char decoy[] = { 0x54, 0x45, 0x12, 0x34,
	    'z', 'z', 'z', 'z', 0xff, 'n', 'o', 't', ' ', 'y', 'o', 'u' };
	unsigned char out[64];
	size_t tkl = req[0] & 0x0f, n;
	int i;

	if (4 + tkl > len)
		return;
	for (i = 0; i < f->decoys; i++)
		sendto(f->fd, decoy, sizeof(decoy), 0, (const struct sockaddr *)ss, sl);
	out[0] = (unsigned char)(0x60 | tkl);	/* ACK */
	out[1] = 0x45;				/* 2.05 */
	memcpy(out + 2, req + 2, 2 + tkl);
	n = 4 + tkl;
	memcpy(out + n, "\xffhello", 6);
	n += 6;
	sendto(f->fd, out, n, 0, (const struct sockaddr *)ss, sl);
}

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd pfd = { f->fd, POLLIN, 0 };
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char buf[2048];
	ssize_t n;

	/* Answer the first datagram (or drain them all when silent). */
	while (poll(&pfd, 1, 4000) == 1) {
		sl = sizeof(ss);
		if (f->decoys > 0) {
			n = recvfrom(f->fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
			if (n >= 4)
				decoy_then_reply(f, (const unsigned char *)buf, (size_t)n, &ss, sl);
			break;
		}
		if (f->random) {
			n = recvfrom(f->fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl);
			if (n >= 4)
				random_reply(f, (const unsigned char *)buf, (size_t)n, &ss, sl);
			break;
		}
		if (recvfrom(f->fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl) <= 0)
			break;
		if (f->reply != NULL) {
			sendto(f->fd, f->reply, f->reply_len, 0, (struct sockaddr *)&ss, sl);
			break;
		}
	}
	return NULL;
}

static void
fake_start(struct fake *f, const void *reply, size_t len)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->reply = reply;
	f->reply_len = len;
	assert_true((f->fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(f->fd, (struct sockaddr *)&sa, &sl), 0);
	f->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void
fake_stop(struct fake *f)
{
	shutdown(f->fd, SHUT_RDWR);
	pthread_join(f->th, NULL);
	close(f->fd);
}

static void
test_silent_udp(void **state)
{
	struct assay_probe_coap_result *r;
	struct fake f = { 0 };
	long long t0, dt;

	fake_start(&f, NULL, 0);
	t0 = tu_now_ms();
	r = get(f.port, NULL, 0, NULL, 700);
	dt = tu_now_ms() - t0;
	assert_string_equal(assay_probe_coap_failure(r), "no reply within 700 ms (1 request sent)");
	assert_true(dt >= 650 && dt < 1500);
	assay_probe_coap_result_free(r);

	/* Long enough for one retransmission after ACK_TIMEOUT (2 s). */
	t0 = tu_now_ms();
	r = get(f.port, NULL, 0, NULL, 2500);
	dt = tu_now_ms() - t0;
	fake_stop(&f);
	assert_string_equal(assay_probe_coap_failure(r), "no reply within 2500 ms (2 requests sent)");
	assert_true(dt >= 2400 && dt < 3500);
	assay_probe_coap_result_free(r);
}

static void
test_garbage(void **state)
{
	static const char http[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
	static const unsigned char one[] = { 0x00 };
	static const unsigned char v2[] = { 0x80, 0x45, 0x00, 0x01 };
	static const unsigned char badopt[] = { 0x40, 0x45, 0x00, 0x01, 0xf0 };
	struct assay_probe_coap_result *r;
	struct fake f = { 0 };

	fake_start(&f, http, sizeof(http) - 1);
	r = get(f.port, NULL, 0, NULL, 500);
	fake_stop(&f);
	/*
	 * Garbage is no answer: it is ignored until the deadline (anything
	 * may arrive over UDP), then named as the last datagram ignored.
	 */
	assert_non_null(assay_probe_coap_failure(r));
	assert_non_null(strstr(assay_probe_coap_failure(r), "not CoAP: "));
	assert_non_null(strstr(assay_probe_coap_failure(r), "HTTP/1.0"));
	assay_probe_coap_result_free(r);

	fake_start(&f, one, sizeof(one));
	r = get(f.port, NULL, 0, NULL, 500);
	fake_stop(&f);
	assert_non_null(strstr(assay_probe_coap_failure(r),
	    "the last: not CoAP: 1-byte datagram 00 \".\""));
	assay_probe_coap_result_free(r);

	fake_start(&f, v2, sizeof(v2));
	r = get(f.port, NULL, 0, NULL, 500);
	fake_stop(&f);
	assert_non_null(strstr(assay_probe_coap_failure(r), "not CoAP: version 2"));
	assay_probe_coap_result_free(r);

	fake_start(&f, badopt, sizeof(badopt));
	r = get(f.port, NULL, 0, NULL, 500);
	fake_stop(&f);
	assert_non_null(strstr(assay_probe_coap_failure(r), "not CoAP: bad option"));
	assay_probe_coap_result_free(r);
}

/*
 * Unrelated datagrams before the reply are ignored, not taken as the
 * answer ("not CoAP: reply does not match the request" was the result).
 */
static void
test_unrelated_datagrams(void **state)
{
	struct assay_probe_coap_result *r;
	struct fake f = { 0 };
	const char *pl;
	size_t len;

	f.decoys = 3;
	fake_start(&f, NULL, 0);
	r = get(f.port, NULL, 0, NULL, 2000);
	fake_stop(&f);
	assert_null(assay_probe_coap_failure(r));
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.05");
	pl = assay_probe_coap_payload(r, &len);
	assert_int_equal(len, 5);
	assert_memory_equal(pl, "hello", 5);
	assay_probe_coap_result_free(r);
}

/* Hostile replies as data: every run ends in a value, sanitizers watch. */
static void
test_random_replies(void **state)
{
	struct assay_probe_coap_result *r;
	struct fake f = { 0 };
	int i, parsed = 0, links = 0;

	for (i = 0; i < 300; i++) {
		memset(&f, 0, sizeof(f));
		f.seed = (unsigned)i;
		f.random = 1;
		fake_start(&f, NULL, 0);
		r = get(f.port, NULL, 0, NULL, 80);
		fake_stop(&f);
		if (assay_probe_coap_failure(r) == NULL) {
			parsed++;
			assert_non_null(assay_probe_coap_code(r, NULL, NULL));
			links += assay_probe_coap_nresources(r) > 0;
		} else if (strstr(assay_probe_coap_failure(r), "not CoAP") == NULL &&
		    strstr(assay_probe_coap_failure(r), "matching reply") == NULL)
			fail_msg("seed %d: %s", i, assay_probe_coap_failure(r));
		assay_probe_coap_result_free(r);
	}
	assert_true(parsed > 0);
	assert_true(links > 0);
}

static void
test_port_unreachable(void **state)
{
	struct assay_probe_coap_result *r;
	long long t0;

	t0 = tu_now_ms();
	r = get(tu_free_port(), NULL, 0, NULL, 3000);
	assert_string_equal(assay_probe_coap_failure(r), "port unreachable (ICMP)");
	assert_true(tu_now_ms() - t0 < 1000);	/* no need to wait the timeout */
	assay_probe_coap_result_free(r);
}

static void
test_budget_and_args(void **state)
{
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *r = NULL;
	struct assay_probe_env env;

	memset(&env, 0, sizeof(env));
	assert_non_null(env.budget = assay_budget_new(1, 100));
	assert_int_equal(assay_budget_acquire(env.budget, 0), 0);
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = 5683;
	p.timeout_ms = 100;
	assert_int_equal(assay_probe_coap_get(&env, &p, &r), ASSAY_ERR_BUDGET);
	assert_null(r);
	assay_budget_release(env.budget);
	assay_budget_free(env.budget);
	p.port = 0;
	assert_int_equal(assay_probe_coap_get(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.port = 5683;
	p.psk_identity = "x";	/* identity without key */
	assert_int_equal(assay_probe_coap_get(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	assay_probe_coap_result_free(NULL);
}

/* Evidence sink. */
struct sink {
	int	nsent, nrecv, nnote;
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
}

static const char lua_script[] =
    "local r, err = net.coap_get{host='127.0.0.1', port=PLAIN, timeout_ms=3000}\n"
    "assert(r, err)\n"
    "assert(r.code == '2.05' and r.name == 'Content' and r.class == 2, r.code)\n"
    "assert(r.content_format == 40 and r.dtls == false)\n"
    "local t\n"
    "for _, res in ipairs(r.resources) do if res.href == '/time' then t = res end end\n"
    "assert(t and t.rt == 'ticks' and t['if'] == 'clock' and t.obs == true)\n"
    "local n, e = net.coap_get{host='127.0.0.1', port=PLAIN, path='/nope'}\n"
    "assert(n and n.code == '4.04', e)\n"
    "local x, xe = net.coap_get{host='127.0.0.1', port=CLOSED, timeout_ms=1000}\n"
    "assert(x == nil and xe == 'port unreachable (ICMP)', xe)\n"
    "local d = net.dtls_probe{host='127.0.0.1', port=PLAIN, timeout_ms=300}\n"
    "assert(d.offered == false and d.handshake == false, d.error)\n"
    "if DTLS then\n"
    "  local s = assert(net.coap_get{host='127.0.0.1', port=DTLS, dtls=true,\n"
    "      psk_identity='" PSK_ID "', psk_key='" PSK_KEY "'})\n"
    "  assert(s.dtls.handshake and s.dtls.version == 'DTLSv1.2' and s.code == '2.05')\n"
    "  local w, we = net.coap_get{host='127.0.0.1', port=DTLS, dtls=true}\n"
    "  assert(w == nil and we:find('^DTLS offered, handshake failed'), we)\n"
    "  local q = net.dtls_probe{host='127.0.0.1', port=DTLS}\n"
    "  assert(q.offered == true and q.handshake == false)\n"
    "end\n"
    "local ok, msg = pcall(net.coap_get, {host='127.0.0.1', psk_key='k'})\n"
    "assert(not ok and msg:find('go together'), msg)\n"
    "return 'done'\n";

static void
test_lua_binding(void **state)
{
	struct assay_probe_env env;
	struct sink s;
	lua_State *L;

	NEED(skip_plain, "coap-server-notls");
	memset(&s, 0, sizeof(s));
	memset(&env, 0, sizeof(env));
	env.record = sink_record;
	env.record_arg = &s;
	env.timeout_ms = 3000;
	assert_non_null(env.budget = assay_budget_new(4, 100));
	assert_non_null(L = luaL_newstate());
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_coap_lua_register(L);
	assert_int_equal(lua_gettop(L), 1);
	lua_setglobal(L, "net");
	lua_pushinteger(L, S.plain_port);
	lua_setglobal(L, "PLAIN");
	if (!S.skip_dtls) {
		lua_pushinteger(L, S.dtls_base + 1);
		lua_setglobal(L, "DTLS");
	}
	lua_pushinteger(L, tu_free_port());
	lua_setglobal(L, "CLOSED");
	if (luaL_loadbufferx(L, lua_script, sizeof(lua_script) - 1, "@t.lua", "t") != 0 ||
	    lua_pcall(L, 0, 1, 0) != 0)
		fail_msg("lua: %s", lua_tostring(L, -1));
	assert_string_equal(lua_tostring(L, -1), "done");
	lua_close(L);
	assert_true(s.nsent >= 4);
	assert_true(s.nrecv >= 2);
	assert_true(s.nnote >= 4);
	assay_budget_free(env.budget);
}

/* coap_request: a write with a method, payload and Content-Format. */
static struct assay_probe_coap_result *
request(int method, const char *path, const char *payload, int cf)
{
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *r = NULL;

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = S.plain_port;
	p.path = path;
	p.method = method;
	p.payload = payload;
	p.payload_len = payload ? strlen(payload) : 0;
	p.has_content_format = cf >= 0;
	p.content_format = cf;
	p.timeout_ms = 3000;
	assert_int_equal(assay_probe_coap_request(NULL, &p, &r), 0);
	assert_non_null(r);
	assert_null(assay_probe_coap_failure(r));
	return r;
}

static void
test_request_put_post(void **state)
{
	struct assay_probe_coap_result *r;
	struct assay_probe_coap_params p;
	static char big[ASSAY_COAP_MAX_REQUEST_PAYLOAD + 1];
	const char *pl;
	size_t len;

	(void)state;
	NEED(skip_plain, "coap-server-notls");
	/* Created, then read back as written, then changed. */
	r = request(ASSAY_COAP_PUT, "/assay-cfg", "{\"led\":1}", 50);
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.01");
	assay_probe_coap_result_free(r);
	r = request(ASSAY_COAP_GET, "/assay-cfg", NULL, -1);
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.05");
	pl = assay_probe_coap_payload(r, &len);
	assert_int_equal(len, 9);
	assert_memory_equal(pl, "{\"led\":1}", 9);
	assert_int_equal(assay_probe_coap_content_format(r), 50);
	assay_probe_coap_result_free(r);
	r = request(ASSAY_COAP_PUT, "/assay-cfg", "{\"led\":1}", 50);
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.04");
	assay_probe_coap_result_free(r);
	/* Content-Format 0 (text/plain) is the empty option value. */
	r = request(ASSAY_COAP_PUT, "/assay-cfg", "{\"led\":1}", 0);
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "2.04");
	assay_probe_coap_result_free(r);
	/* A method the resource does not take: refused. */
	r = request(ASSAY_COAP_POST, "/time", "1", -1);
	assert_string_equal(assay_probe_coap_code(r, NULL, NULL), "4.05");
	assay_probe_coap_result_free(r);
	/* Bad calls. */
	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = S.plain_port;
	p.method = ASSAY_COAP_PUT;
	p.payload = big;
	p.payload_len = sizeof(big);
	r = NULL;
	assert_int_equal(assay_probe_coap_request(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.method = ASSAY_COAP_GET;
	p.payload_len = 1;
	assert_int_equal(assay_probe_coap_request(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	p.method = 4;	/* DELETE: not a method the probe sends */
	p.payload_len = 0;
	assert_int_equal(assay_probe_coap_request(NULL, &p, &r), ASSAY_ERR_INVALID_ARG);
	assert_null(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_well_known),
		cmocka_unit_test(test_request_put_post),
		cmocka_unit_test(test_get_other_paths),
		cmocka_unit_test(test_read_cap),
		cmocka_unit_test(test_blockwise),
		cmocka_unit_test(test_dtls_psk),
		cmocka_unit_test(test_dtls_refused_psk),
		cmocka_unit_test(test_dtls_probe_plain_port),
		cmocka_unit_test(test_silent_udp),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_unrelated_datagrams),
		cmocka_unit_test(test_random_replies),
		cmocka_unit_test(test_port_unreachable),
		cmocka_unit_test(test_budget_and_args),
		cmocka_unit_test(test_lua_binding),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, start_servers, stop_servers);
}
