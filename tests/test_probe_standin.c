/*
 * test_probe_standin.c - the stand-in servers (probe/standin.h): the
 * request and packet parsers on bytes, then the server thread on
 * loopback with real clients: curl (plain and TLS, a path that climbs
 * out with --path-as-is, a POST, an oversized header) and mosquitto_pub
 * and mosquitto_sub (plain and TLS).
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/ssl.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/standin.h"
#include "testutil.h"

static void
test_path_normalise(void **state)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "/", "/" },
		{ "/update/manifest.json", "/update/manifest.json" },
		{ "//update//./a.bin", "/update/a.bin" },
		{ "/update/a.bin?x=1#f", "/update/a.bin" },
		{ "/update/%61.bin", "/update/a.bin" },
		{ "/a/", "/a" },
		{ "/.../x", "/.../x" },
	};
	static const char *const bad[] = { "update", "/../etc/passwd",
	    "/a/../b", "/a/%2e%2e/b", "/a/%2E%2e", "/a%2fb", "/a%00", "/a%5cb",
	    "/a\\b", "/a%zz", "/a/%23/b", "/a%3f", "/a%25", "/a%2",
	    "/a b", "/a\x01", "/\xc3\xa9", "" };
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(assay_standin_path_normalise(ok[i].in,
		    strlen(ok[i].in), out, sizeof(out)), 0);
		assert_string_equal(out, ok[i].out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(assay_standin_path_normalise(bad[i],
		    strlen(bad[i]), out, sizeof(out)), -1);
	/* A result that does not fit is refused, never cut. */
	assert_int_equal(assay_standin_path_normalise("/abcdefgh", 9, out, 9),
	    -1);
	assert_int_equal(assay_standin_path_normalise("/abcdefgh", 9, out, 10),
	    0);
}

static int
parse(const char *s, struct assay_standin_req *req)
{
	return assay_standin_http_parse(s, strlen(s), req);
}

static void
test_http_parse(void **state)
{
	struct assay_standin_req req;
	char *big;

	(void)state;
	assert_int_equal(parse("GET /update/manifest.json HTTP/1.1\r\n"
	    "Host: update.refdevice.test\r\nAccept: */*\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 0);
	assert_string_equal(req.path, "/update/manifest.json");
	assert_string_equal(req.host, "update.refdevice.test");
	/* Bare LF line ends are read too. */
	assert_int_equal(parse("GET / HTTP/1.0\n\n", &req), 1);
	assert_int_equal(req.status, 0);
	/* Not complete yet. */
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: x\r\n", &req), 0);
	assert_int_equal(parse("GET / HT", &req), 0);
	assert_int_equal(parse("", &req), 0);
	/* Judged. */
	assert_int_equal(parse("POST / HTTP/1.1\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 405);
	assert_int_equal(parse("GET / HTTP/2.0\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 505);
	assert_int_equal(parse("GET /../x HTTP/1.1\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 400);
	assert_string_equal(req.path, "");
	assert_int_equal(parse("GET / HTTP/1.1\r\n folded\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 400);
	assert_int_equal(parse("GET / HTTP/1.1\r\nnocolon\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 400);
	assert_int_equal(parse("G(T / HTTP/1.1\r\n\r\n", &req), 1);
	assert_int_equal(req.status, 400);
	assert_int_equal(parse("\r\n", &req), 1);
	assert_int_equal(req.status, 400);
	/* Caps: a request line that never ends, a head that never ends,
	 * too many header lines. */
	big = malloc(ASSAY_STANDIN_MAX_HEADER_BYTES + 64);
	assert_non_null(big);
	memset(big, 'a', ASSAY_STANDIN_MAX_HEADER_BYTES + 63);
	memcpy(big, "GET /", 5);
	big[ASSAY_STANDIN_MAX_HEADER_BYTES + 63] = '\0';
	assert_int_equal(parse(big, &req), 1);
	assert_int_equal(req.status, 414);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	assert_int_equal(parse(big, &req), 1);
	assert_int_equal(req.status, 431);
	big[0] = '\0';
	strcat(big, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < ASSAY_STANDIN_MAX_HEADER_LINES + 1; i++)
		strcat(big, "X: y\r\n");
	strcat(big, "\r\n");
	assert_int_equal(parse(big, &req), 1);
	assert_int_equal(req.status, 431);
	free(big);
}

static void
test_mqtt_feed(void **state)
{
	/* CONNECT 3.1.1 "c", PUBLISH QoS 1 id 7, SUBSCRIBE id 9 two
	 * filters, PINGREQ, DISCONNECT. */
	static const unsigned char in[] = {
		0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 1, 'c',
		0x32, 7, 0, 1, 't', 0, 7, 'h', 'i',
		0x82, 10, 0, 9, 0, 1, 'a', 0, 0, 1, 'b', 1,
		0xc0, 0,
		0xe0, 0,
	};
	static const unsigned char want[] = {
		0x20, 2, 0, 0,
		0x40, 2, 0, 7,
		0x90, 4, 0, 9, 0, 0,
		0xd0, 0,
	};
	static const unsigned char early[] = { 0x30, 3, 0, 1, 't' };
	static const unsigned char v5[] = { 0x10, 13, 0, 4, 'M', 'Q', 'T', 'T',
	    5, 2, 0, 60, 0, 0, 0 };
	struct assay_standin_mqtt m;
	struct assay_buf *out;
	size_t used, i;

	(void)state;
	out = assay_buf_new(4096);
	assert_non_null(out);
	/* Byte by byte: every partial packet waits for the rest. */
	memset(&m, 0, sizeof(m));
	for (i = 1; i <= sizeof(in); i++) {
		size_t off = 0;

		assay_buf_reset(out);
		memset(&m, 0, sizeof(m));
		assert_int_equal(assay_standin_mqtt_feed(&m, in, i, &used, out),
		    0);
		off = used;
		assert_true(off <= i);
	}
	assay_buf_reset(out);
	memset(&m, 0, sizeof(m));
	assert_int_equal(assay_standin_mqtt_feed(&m, in, sizeof(in), &used,
	    out), 0);
	assert_int_equal(used, sizeof(in));
	assert_true(m.done);
	assert_int_equal(m.publishes, 1);
	/* The topic is counted, for 6-3-2 (the stand-in sees inside TLS). */
	assert_int_equal(m.ntopics, 1);
	assert_string_equal(m.topics[0].name, "t");
	assert_int_equal(m.topics[0].publishes, 1);
	assert_int_equal(m.subscribes, 1);
	assert_int_equal(assay_buf_len(out), sizeof(want));
	assert_memory_equal(assay_buf_data(out), want, sizeof(want));
	/* Before CONNECT. */
	memset(&m, 0, sizeof(m));
	assert_int_equal(assay_standin_mqtt_feed(&m, early, sizeof(early),
	    &used, out), ASSAY_ERR_PARSE);
	assert_string_equal(m.why, "a packet before CONNECT");
	/* v5: CONNACK with an empty property block. */
	memset(&m, 0, sizeof(m));
	assay_buf_reset(out);
	assert_int_equal(assay_standin_mqtt_feed(&m, v5, sizeof(v5), &used,
	    out), 0);
	assert_int_equal(m.version, 5);
	assert_int_equal(assay_buf_len(out), 5);
	assay_buf_free(out);
}

static void
test_site(void **state)
{
	struct assay_standin_site *s, *d;
	char dir[512], why[256], *tmp;
	unsigned char *p;
	size_t len;

	(void)state;
	s = assay_standin_site_new();
	assert_non_null(s);
	assert_int_equal(assay_standin_site_add(s, "/a/../b", "x", 1),
	    ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_standin_site_add(s, "a", "x", 1),
	    ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_standin_site_add(s, "/x", "abc", 3), 0);
	d = assay_standin_site_dup(s);
	assert_non_null(d);
	p = assay_standin_site_get(d, "/x", &len);
	assert_non_null(p);
	p[1] ^= 1;
	assert_memory_equal(assay_standin_site_get(s, "/x", &len), "abc", 3);
	assert_int_equal(assay_standin_site_remove(d, "/x"), 0);
	assert_null(assay_standin_site_get(d, "/x", &len));
	assay_standin_site_free(d);
	assay_standin_site_free(s);

	tmp = tu_mkdtemp("standin");
	assert_non_null(tmp);
	snprintf(dir, sizeof(dir), "mkdir -p %s/r/update && printf m > "
	    "%s/r/update/manifest.json && printf fw > %s/r/update/fw.bin && "
	    "ln -s /etc/passwd %s/r/update/link && mkfifo %s/r/update/fifo",
	    tmp, tmp, tmp, tmp, tmp);
	assert_int_equal(tu_run(dir, NULL), 0);
	snprintf(dir, sizeof(dir), "%s/r", tmp);
	s = assay_standin_site_new();
	assert_int_equal(assay_standin_site_load_dir(s, dir, why, sizeof(why)),
	    0);
	assert_string_equal(why, "");
	assert_non_null(assay_standin_site_get(s, "/update/manifest.json",
	    &len));
	assert_int_equal(len, 1);
	assert_non_null(assay_standin_site_get(s, "/update/fw.bin", &len));
	/* Links and FIFOs are not served. */
	assert_null(assay_standin_site_get(s, "/update/link", &len));
	assert_null(assay_standin_site_get(s, "/update/fifo", &len));
	assay_standin_site_free(s);
	s = assay_standin_site_new();
	snprintf(dir, sizeof(dir), "%s/none", tmp);
	assert_int_equal(assay_standin_site_load_dir(s, dir, why, sizeof(why)),
	    0);
	assert_non_null(strstr(why, "No such file"));
	assay_standin_site_free(s);
	tu_rmrf(tmp);
	free(tmp);
}

/* --- real clients on loopback --------------------------------------------- */

static int
plain_accept(void *arg, int lfd, int ms, int *cfd, char *peer, size_t plen)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	(void)arg;
	*cfd = -1;
	if (plen > 0)
		peer[0] = '\0';
	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	*cfd = accept(lfd, NULL, NULL);
	return 0;
}

static int
listen_lo(int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static SSL_CTX *
make_ctx(const char *dir)
{
	char cmd[1024], cert[512], key[512];
	SSL_CTX *ctx;

	snprintf(cmd, sizeof(cmd), "cd %s && openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
	    "-subj /CN=update.refdevice.test -addext "
	    "subjectAltName=DNS:update.refdevice.test "
	    "-keyout key.pem -out cert.pem 2>/dev/null", dir);
	assert_int_equal(tu_run(cmd, NULL), 0);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(ctx);
	assert_int_equal(SSL_CTX_use_certificate_chain_file(ctx, cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey_file(ctx, key,
	    SSL_FILETYPE_PEM), 1);
	return ctx;
}

static const struct assay_standin_request *
find_req(const struct assay_standin_stats *st, const char *path)
{
	size_t i;

	for (i = 0; i < st->nrequests; i++)
		if (strcmp(st->requests[i].path, path) == 0)
			return &st->requests[i];
	return NULL;
}

static void
test_http_curl(void **state)
{
	struct assay_standin_server *sv = NULL;
	struct assay_standin_site *site;
	struct assay_standin_stats st;
	const struct assay_standin_request *q;
	char cmd[1024], *out = NULL, *dir, path[512], *big;
	static unsigned char fw[100000];
	SSL_CTX *ctx;
	int lfd, port, tport, tlfd;
	struct assay_standin_server *tsv = NULL;

	(void)state;
	if (!tu_have("curl") || !tu_have("openssl"))
		skip();
	dir = tu_mkdtemp("standin-http");
	for (size_t i = 0; i < sizeof(fw); i++)
		fw[i] = (unsigned char)(i * 7);
	site = assay_standin_site_new();
	assert_int_equal(assay_standin_site_add(site, "/update/manifest.json",
	    "{\"version\":\"1.0.5\"}", 19), 0);
	assert_int_equal(assay_standin_site_add(site, "/update/fw.bin", fw,
	    sizeof(fw)), 0);
	lfd = listen_lo(&port);
	assert_int_equal(assay_standin_server_start(lfd, ASSAY_STANDIN_HTTP,
	    NULL, site, plain_accept, NULL, 2000, 10000, &sv), 0);

	snprintf(cmd, sizeof(cmd), "curl -sS --max-time 5 "
	    "http://127.0.0.1:%d/update/manifest.json", port);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_string_equal(out, "{\"version\":\"1.0.5\"}");
	free(out);
	snprintf(cmd, sizeof(cmd), "curl -sS --max-time 5 -o %s/fw.bin "
	    "-w '%%{http_code}' http://127.0.0.1:%d/update/fw.bin", dir, port);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_string_equal(out, "200");
	free(out);
	snprintf(path, sizeof(path), "%s/fw.bin", dir);
	{
		size_t len;
		char *got = tu_read_file(path, &len);

		assert_non_null(got);
		assert_int_equal(len, sizeof(fw));
		assert_memory_equal(got, fw, sizeof(fw));
		free(got);
	}
	/* A path out of the site, another method, a missing file, a
	 * header too large. */
	snprintf(cmd, sizeof(cmd), "curl -s --max-time 5 -o /dev/null -w "
	    "'%%{http_code}' -d x http://127.0.0.1:%d/update/fw.bin", port);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_string_equal(out, "405");
	free(out);
	snprintf(cmd, sizeof(cmd), "curl -s --max-time 5 --path-as-is -o "
	    "/dev/null -o /dev/null -w '%%{http_code} ' "
	    "http://127.0.0.1:%d/update/../../etc/passwd "
	    "http://127.0.0.1:%d/nothing", port, port);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_string_equal(out, "400 404 ");
	free(out);
	big = malloc(21000);
	assert_non_null(big);
	snprintf(big, 21000, "curl -s --max-time 5 -o /dev/null "
	    "-w '%%{http_code}' -H 'X-Big: %0*d' http://127.0.0.1:%d/",
	    20000, 0, port);
	assert_int_equal(tu_run(big, &out), 0);
	free(big);
	assert_string_equal(out, "431");
	free(out);
	assay_standin_server_stats(sv, &st);
	assert_true(st.connections >= 6);
	assert_non_null(q = find_req(&st, "/update/fw.bin"));
	assert_int_equal(q->status, 200);
	assert_int_equal(q->bytes, sizeof(fw));
	assert_non_null(q = find_req(&st, "(path refused)"));
	assert_int_equal(q->status, 400);
	assert_non_null(q = find_req(&st, "/nothing"));
	assert_int_equal(q->status, 404);
	assert_true(assay_standin_server_fetched(sv, "/update/fw.bin"));
	assert_false(assay_standin_server_fetched(sv, "/nothing"));
	assay_standin_server_stop(sv);
	close(lfd);

	/* Over TLS: curl with the certificate as its CA and --resolve. */
	ctx = make_ctx(dir);
	tlfd = listen_lo(&tport);
	assert_int_equal(assay_standin_server_start(tlfd, ASSAY_STANDIN_HTTP,
	    ctx, site, plain_accept, NULL, 2000, 10000, &tsv), 0);
	snprintf(cmd, sizeof(cmd), "curl -sS --max-time 5 --cacert %s/cert.pem "
	    "--resolve update.refdevice.test:%d:127.0.0.1 "
	    "https://update.refdevice.test:%d/update/manifest.json",
	    dir, tport, tport);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_string_equal(out, "{\"version\":\"1.0.5\"}");
	free(out);
	/* A client that validates against another CA refuses: a failed
	 * handshake, counted. */
	snprintf(cmd, sizeof(cmd), "curl -sS --max-time 5 "
	    "--cacert /dev/null --resolve update.refdevice.test:%d:127.0.0.1 "
	    "https://update.refdevice.test:%d/update/manifest.json",
	    tport, tport);
	assert_int_not_equal(tu_run(cmd, NULL), 0);
	usleep(200000);
	assay_standin_server_stats(tsv, &st);
	assert_int_equal(st.handshakes, 1);
	assert_int_equal(st.handshake_failures, 1);
	assert_string_equal(st.sni, "update.refdevice.test");
	assert_true(strncmp(st.tls_version, "TLSv1.", 6) == 0);
	assay_standin_server_stop(tsv);
	close(tlfd);
	SSL_CTX_free(ctx);
	assay_standin_site_free(site);
	tu_rmrf(dir);
	free(dir);
}

/* The server thread serves one session at a time and adds a session's
 * MQTT counts when it ends, which may be well after the client exited
 * on a loaded machine: wait for all of them, not only the publishes. */
static void
wait_sessions(struct assay_standin_server *sv, unsigned conns,
    unsigned publishes, unsigned subscribes, struct assay_standin_stats *st)
{
	long long end = tu_now_ms() + 15000;

	do {
		assay_standin_server_stats(sv, st);
		if (st->connections >= conns && st->mqtt_publishes >= publishes &&
		    st->mqtt_subscribes >= subscribes)
			return;
		usleep(20000);
	} while (tu_now_ms() < end);
}

static void
test_mqtt_clients(void **state)
{
	struct assay_standin_server *sv = NULL, *tsv = NULL;
	struct assay_standin_stats st;
	char cmd[1024], *out = NULL, *dir;
	SSL_CTX *ctx;
	int lfd, port, tlfd, tport;

	(void)state;
	if (!tu_have("mosquitto_pub") || !tu_have("mosquitto_sub") ||
	    !tu_have("openssl"))
		skip();
	dir = tu_mkdtemp("standin-mqtt");
	lfd = listen_lo(&port);
	assert_int_equal(assay_standin_server_start(lfd, ASSAY_STANDIN_MQTT,
	    NULL, NULL, plain_accept, NULL, 2000, 10000, &sv), 0);
	snprintf(cmd, sizeof(cmd), "mosquitto_pub -h 127.0.0.1 -p %d -u device "
	    "-P xc3511 -t devices/x/telemetry -m '{\"owner\":\"o@e.test\"}' "
	    "-q 1 && mosquitto_pub -h 127.0.0.1 -p %d -V mqttv5 -t t -m x -q 0 "
	    "&& mosquitto_sub -h 127.0.0.1 -p %d -t 'a/#' -E -W 10; true",
	    port, port, port);
	assert_int_equal(tu_run(cmd, &out), 0);
	free(out);
	wait_sessions(sv, 3, 2, 1, &st);
	assert_int_equal(st.connections, 3);
	assert_int_equal(st.mqtt_connects, 3);
	assert_int_equal(st.mqtt_publishes, 2);
	assert_int_equal(st.mqtt_ntopics, 2);
	assert_string_equal(st.mqtt_topics[0].name, "devices/x/telemetry");
	assert_int_equal(st.mqtt_topics[0].publishes, 1);
	assert_string_equal(st.mqtt_topics[1].name, "t");
	assert_int_equal(st.mqtt_subscribes, 1);
	assay_standin_server_stop(sv);
	close(lfd);

	ctx = make_ctx(dir);
	tlfd = listen_lo(&tport);
	assert_int_equal(assay_standin_server_start(tlfd, ASSAY_STANDIN_MQTT,
	    ctx, NULL, plain_accept, NULL, 2000, 10000, &tsv), 0);
	snprintf(cmd, sizeof(cmd), "mosquitto_pub -h 127.0.0.1 -p %d "
	    "--cafile %s/cert.pem --insecure -t t -m x -q 1", tport, dir);
	assert_int_equal(tu_run(cmd, &out), 0);
	free(out);
	wait_sessions(tsv, 1, 1, 0, &st);
	assert_int_equal(st.handshakes, 1);
	assert_int_equal(st.mqtt_publishes, 1);
	assay_standin_server_stop(tsv);
	close(tlfd);
	SSL_CTX_free(ctx);
	tu_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_normalise),
		cmocka_unit_test(test_http_parse),
		cmocka_unit_test(test_mqtt_feed),
		cmocka_unit_test(test_site),
		cmocka_unit_test(test_http_curl),
		cmocka_unit_test(test_mqtt_clients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
