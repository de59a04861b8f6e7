/*
 * test_probe_tls.c - TLS handshake details and enumeration against real
 * servers (openssl s_server, lighttpd + mod_openssl configured weak and
 * strong, with a self-signed certificate made by the openssl CLI) and
 * against misbehaving peers: refused, reset, silent, garbage.
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
#include <arpa/inet.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "base/error.h"
#include "probe/probe.h"
#include "probe/tcp.h"
#include "probe/tls.h"
#include "testutil.h"

static char *dir;	/* certificate and configs */

enum behaviour { B_RESET, B_SILENT, B_GARBAGE, B_3DES_ONLY };

struct server {
	enum behaviour	 how;
	int		 lfd, port;
	volatile int	 stop;
	pthread_t	 th;
};

/* Reads one whole TLS record into buf.  Its length, or 0. */
static size_t
read_record(int fd, unsigned char *buf, size_t cap)
{
	size_t got = 0, want = 5;
	ssize_t n;

	while (got < want) {
		if ((n = read(fd, buf + got, want - got)) <= 0)
			return 0;
		got += (size_t)n;
		if (got == 5) {
			want = 5 + ((size_t)buf[3] << 8 | buf[4]);
			if (want > cap)
				return 0;
		}
	}
	return got;
}

/*
 * A minimal TLS server that speaks TLS 1.0-1.2 with one suite only,
 * TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000a), which OpenSSL 3 cannot offer:
 * a ClientHello listing it gets a ServerHello choosing it, anything else
 * a handshake_failure alert, a version below TLS 1.0 protocol_version.
 * Like a legacy device, it stops after the ServerHello.
 */
static void
serve_3des(int fd)
{
	unsigned char in[16384], out[128];
	size_t n, off, sid, slen, i, o = 0;
	unsigned int cv;
	int found = 0;

	if ((n = read_record(fd, in, sizeof(in))) < 5 + 4 + 2 + 32 + 1 ||
	    in[0] != 22 || in[5] != 1)
		return;
	cv = (unsigned int)in[9] << 8 | in[10];
	off = 43;
	sid = in[off];
	off += 1 + sid;
	if (off + 2 > n)
		return;
	slen = (size_t)in[off] << 8 | in[off + 1];
	off += 2;
	for (i = 0; i + 1 < slen && off + i + 1 < n; i += 2)
		if (in[off + i] == 0x00 && in[off + i + 1] == 0x0a)
			found = 1;
	if (cv < 0x0301 || !found) {
		unsigned char alert[7] = { 21, 3, 1, 0, 2, 2,
		    cv < 0x0301 ? 70 : 40 };

		if (write(fd, alert, sizeof(alert)) < 0)
			return;
		return;
	}
	if (cv > 0x0303)
		cv = 0x0303;
	out[o++] = 22;
	out[o++] = 3;
	out[o++] = 1;
	out[o++] = 0;
	out[o++] = 4 + 2 + 32 + 1 + 2 + 1;
	out[o++] = 2;
	out[o++] = 0;
	out[o++] = 0;
	out[o++] = 2 + 32 + 1 + 2 + 1;
	out[o++] = (unsigned char)(cv >> 8);
	out[o++] = (unsigned char)cv;
	for (i = 0; i < 32; i++)
		out[o++] = (unsigned char)(i * 13);
	out[o++] = 0;		/* session id */
	out[o++] = 0x00;
	out[o++] = 0x0a;	/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
	out[o++] = 0;		/* null compression */
	if (write(fd, out, o) < 0)
		return;
}

static void *
serve(void *arg)
{
	struct server *s = arg;
	struct linger lg = { 1, 0 };
	char buf[512];
	int fd;

	/* Serve connections until stopped (enumeration makes many). */
	while (!s->stop && (fd = accept(s->lfd, NULL, NULL)) >= 0) {
		switch (s->how) {
		case B_RESET:
			if (read(fd, buf, sizeof(buf)) > 0)
				setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
				    sizeof(lg));
			break;
		case B_SILENT:
			while (!s->stop && read(fd, buf, sizeof(buf)) > 0)
				;
			break;
		case B_GARBAGE:
			if (write(fd, "SSH-2.0-OpenSSH_9.2\r\n", 21) < 0)
				break;
			break;
		case B_3DES_ONLY:
			serve_3des(fd);
			break;
		}
		close(fd);
	}
	return NULL;
}

static struct server *
server_start(enum behaviour how)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);

	assert_non_null(s);
	s->how = how;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 64), 0);
	getsockname(s->lfd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
	return s;
}

static void
server_stop(struct server *s)
{
	s->stop = 1;
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	close(s->lfd);
	free(s);
}

static void
kill_wait(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

static pid_t
s_server(int port)
{
	char acc[64], cert[512], key[512];
	pid_t pid;

	snprintf(acc, sizeof(acc), "127.0.0.1:%d", port);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	if ((pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(126);
		execlp("openssl", "openssl", "s_server", "-quiet", "-www",
		    "-accept", acc, "-cert", cert, "-key", key, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(tu_wait_tcp("127.0.0.1", port, 10000), 0);
	return pid;
}

/* lighttpd with mod_openssl; conf is the ssl-conf-cmd list. */
static pid_t
lighttpd(int port, const char *tag, const char *conf)
{
	char path[512], text[2048];
	pid_t pid;

	snprintf(text, sizeof(text),
	    "server.document-root = \"%s\"\n"
	    "server.bind = \"127.0.0.1\"\n"
	    "server.port = %d\n"
	    "server.errorlog = \"%s/%s.log\"\n"
	    "server.modules += (\"mod_openssl\")\n"
	    "ssl.engine = \"enable\"\n"
	    "ssl.pemfile = \"%s/cert.pem\"\n"
	    "ssl.privkey = \"%s/key.pem\"\n"
	    "ssl.openssl.ssl-conf-cmd = (%s)\n",
	    dir, port, dir, tag, dir, dir, conf);
	snprintf(path, sizeof(path), "%s/%s.conf", dir, tag);
	assert_int_equal(tu_write_file(path, text, strlen(text)), 0);
	if ((pid = fork()) == 0) {
		execlp("lighttpd", "lighttpd", "-D", "-f", path, (char *)NULL);
		_exit(127);
	}
	if (tu_wait_tcp("127.0.0.1", port, 10000) != 0) {
		kill_wait(pid);
		fail_msg("lighttpd %s did not start", tag);
	}
	return pid;
}

static int
setup(void **state)
{
	char cmd[2048];

	if (!tu_have("openssl"))
		return 0;
	dir = tu_mkdtemp("probe_tls");
	snprintf(cmd, sizeof(cmd), "cd '%s' && openssl req -x509 -newkey "
	    "rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 "
	    "-subj /CN=device.example -addext "
	    "subjectAltName=DNS:device.example", dir);
	return tu_run(cmd, NULL) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	if (dir != NULL)
		tu_rmrf(dir);
	free(dir);
	return 0;
}

static int
has_cipher(const struct assay_tls_scan *sc, int v, const char *name)
{
	size_t i;

	for (i = 0; i < assay_tls_scan_ncipher(sc, v); i++)
		if (strcmp(assay_tls_scan_cipher(sc, v, i), name) == 0)
			return 1;
	return 0;
}

/* Evidence sink that counts what it sees. */
struct rec {
	size_t	sent, recv;
	char	last_note[256];
	char	channel[64];
};

static void
record(void *arg, const char *channel, const char *way, const void *data,
    size_t len)
{
	struct rec *r = arg;

	snprintf(r->channel, sizeof(r->channel), "%s", channel);
	if (strcmp(way, "sent") == 0)
		r->sent += len;
	else if (strcmp(way, "recv") == 0)
		r->recv += len;
	else
		snprintf(r->last_note, sizeof(r->last_note), "%.*s", (int)len,
		    (const char *)data);
}

static void
test_handshake_s_server(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 5000, 65536 };
	struct rec rec = { 0 };
	char chan[64];
	struct assay_tls_info *info;
	char why[ASSAY_PROBE_REASON_MAX];
	int port;
	pid_t pid;

	if (dir == NULL)
		skip();
	port = tu_free_port();
	pid = s_server(port);
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", port,
	    "device.example", NULL, ASSAY_TLS_ANY, 5000, 0, &info, why,
	    sizeof(why)), 0);
	assert_non_null(info);
	assert_string_equal(assay_tls_info_protocol(info), "TLSv1.3");
	assert_string_equal(assay_tls_info_key_exchange(info), "X25519");
	assert_int_equal(assay_tls_info_hostname_match(info), 1);
	assert_int_equal(assay_tls_info_chain_len(info), 1);
	assert_string_equal(assay_tls_info_cert_subject(info, 0),
	    "CN=device.example");
	assert_string_equal(assay_tls_info_cert_issuer(info, 0),
	    "CN=device.example");
	assert_string_equal(assay_tls_info_cert_key_type(info, 0), "RSA");
	assert_int_equal(assay_tls_info_cert_key_bits(info, 0), 2048);
	assert_string_equal(assay_tls_info_cert_sig_alg(info, 0),
	    "sha256WithRSAEncryption");
	assert_int_equal(assay_tls_info_cert_self_signed(info, 0), 1);
	assert_int_equal(strlen(assay_tls_info_cert_not_after(info, 0)), 20);
	assay_tls_info_free(info);

	/* Pinned version, other name. */
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", port,
	    NULL, "other.example", ASSAY_TLS_1_2, 5000, 0, &info, why,
	    sizeof(why)), 0);
	assert_non_null(info);
	assert_string_equal(assay_tls_info_protocol(info), "TLSv1.2");
	assert_int_equal(assay_tls_info_hostname_match(info), 0);
	assay_tls_info_free(info);

	/* Read cap: the certificate flight does not fit in 100 bytes. */
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", port,
	    NULL, NULL, ASSAY_TLS_ANY, 5000, 100, &info, why, sizeof(why)), 0);
	assert_null(info);
	assert_string_equal(why, "reply cut at 100 bytes during handshake (the read cap)");

	/* Evidence: both directions recorded, the failure as a note. */
	env.record = record;
	env.record_arg = &rec;
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", port,
	    NULL, NULL, ASSAY_TLS_1_0, 5000, 0, &info, why, sizeof(why)), 0);
	kill_wait(pid);
	/* s_server's default minimum is TLS 1.2 from openssl.cnf. */
	assert_null(info);
	assert_non_null(strstr(why, "handshake failed"));
	assert_true(rec.sent > 50);
	assert_true(rec.recv > 0);
	assert_non_null(strstr(rec.last_note, why));
	snprintf(chan, sizeof(chan), "tls 127.0.0.1:%d", port);
	assert_string_equal(rec.channel, chan);
}

static void
test_failures(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 5000, 65536 };
	struct assay_tls_info *info;
	struct assay_tls_scan *scan;
	struct server *s;
	char why[ASSAY_PROBE_REASON_MAX];
	long long t0, dt;
	int port;

	/* Refused. */
	port = tu_free_port();
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", port,
	    NULL, NULL, ASSAY_TLS_ANY, 3000, 0, &info, why, sizeof(why)), 0);
	assert_null(info);
	assert_string_equal(why, "connection refused");
	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", port,
	    NULL, 3000, 1, &scan, why, sizeof(why)), 0);
	assert_null(scan);
	assert_string_equal(why, "connection refused");
	assert_true(tu_now_ms() - t0 < 1000);

	/* Reset after reading the ClientHello. */
	s = server_start(B_RESET);
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", s->port,
	    NULL, NULL, ASSAY_TLS_ANY, 3000, 0, &info, why, sizeof(why)), 0);
	assert_null(info);
	assert_string_equal(why, "connection reset after 0 bytes during "
	    "handshake");
	assert_true(tu_now_ms() - t0 < 1000);
	server_stop(s);

	/* Silent: accepts, never answers. */
	s = server_start(B_SILENT);
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", s->port,
	    NULL, NULL, ASSAY_TLS_ANY, 700, 0, &info, why, sizeof(why)), 0);
	dt = tu_now_ms() - t0;
	assert_null(info);
	assert_string_equal(why, "timeout: no TLS reply within 700 ms");
	assert_true(dt >= 690 && dt < 1300);
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", s->port,
	    NULL, 700, 1, &scan, why, sizeof(why)), 0);
	dt = tu_now_ms() - t0;
	assert_null(scan);
	assert_string_equal(why, "timeout: no TLS reply within 700 ms");
	assert_true(dt >= 690 && dt < 1300);	/* versions probed in parallel */
	server_stop(s);

	/* Garbage on the TLS port. */
	s = server_start(B_GARBAGE);
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_tls_handshake(&env, "127.0.0.1", s->port,
	    NULL, NULL, ASSAY_TLS_ANY, 3000, 0, &info, why, sizeof(why)), 0);
	assert_null(info);
	assert_string_equal(why, "not TLS: reply starts with \"SSH-2.0-OpenSSH_\"");
	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", s->port,
	    NULL, 3000, 1, &scan, why, sizeof(why)), 0);
	assert_null(scan);
	assert_non_null(strstr(why, "not TLS: reply starts with \"SSH-2.0"));
	assert_true(tu_now_ms() - t0 < 1000);
	server_stop(s);
}

static void
test_enumerate_lighttpd(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 100000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	static const char *const strong12[] = {
		"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
		"ECDHE-RSA-CHACHA20-POLY1305"
	};
	static const char *const strong13[] = {
		"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
		"TLS_CHACHA20_POLY1305_SHA256"
	};
	struct assay_tls_scan *sc;
	char why[ASSAY_PROBE_REASON_MAX];
	int port, i;
	pid_t pid;

	if (dir == NULL || !tu_have("lighttpd") ||
	    access("/usr/lib/lighttpd/mod_openssl.so", F_OK) != 0)
		skip();

	/* Weak: TLS 1.0 and everything OpenSSL has at level 0. */
	port = tu_free_port();
	pid = lighttpd(port, "weak", "\"MinProtocol\" => \"TLSv1\", "
	    "\"CipherString\" => \"ALL:@SECLEVEL=0\"");
	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", port,
	    NULL, 5000, 1, &sc, why, sizeof(why)), 0);
	kill_wait(pid);
	assert_non_null(sc);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_SSL3),
	    ASSAY_TLS_REJECTED);
	for (i = ASSAY_TLS_1_0; i <= ASSAY_TLS_1_3; i++)
		assert_int_equal(assay_tls_scan_version(sc, i),
		    ASSAY_TLS_ACCEPTED);
	for (i = 0; i < (int)assay_tls_scan_ncipher(sc, ASSAY_TLS_1_0); i++)
		print_message("%s ", assay_tls_scan_cipher(sc, ASSAY_TLS_1_0,
		    (size_t)i));
	print_message("\n");
	assert_true(has_cipher(sc, ASSAY_TLS_1_0, "AES128-SHA"));
	assert_true(has_cipher(sc, ASSAY_TLS_1_0, "CAMELLIA128-SHA"));
	assert_false(has_cipher(sc, ASSAY_TLS_1_0,
	    "ECDHE-RSA-AES128-GCM-SHA256"));	/* TLS 1.2 only */
	assert_true(has_cipher(sc, ASSAY_TLS_1_2, "AES256-GCM-SHA384"));
	assert_true(assay_tls_scan_max_in_flight(sc) <= 8);
	print_message("weak lighttpd: %zu attempts, TLSv1 %zu, TLSv1.1 %zu, "
	    "TLSv1.2 %zu, TLSv1.3 %zu suites\n", assay_tls_scan_attempts(sc),
	    assay_tls_scan_ncipher(sc, 1), assay_tls_scan_ncipher(sc, 2),
	    assay_tls_scan_ncipher(sc, 3), assay_tls_scan_ncipher(sc, 4));
	assay_tls_scan_free(sc);

	/* Strong: TLS 1.2+ with ECDHE AEAD suites only. */
	port = tu_free_port();
	pid = lighttpd(port, "strong", "\"MinProtocol\" => \"TLSv1.2\", "
	    "\"CipherString\" => \"ECDHE+AESGCM:ECDHE+CHACHA20\"");
	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", port,
	    NULL, 5000, 1, &sc, why, sizeof(why)), 0);
	kill_wait(pid);
	assert_non_null(sc);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_SSL3),
	    ASSAY_TLS_REJECTED);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_1_0),
	    ASSAY_TLS_REJECTED);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_1_1),
	    ASSAY_TLS_REJECTED);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_1_2),
	    ASSAY_TLS_ACCEPTED);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_1_3),
	    ASSAY_TLS_ACCEPTED);
	assert_int_equal(assay_tls_scan_ncipher(sc, ASSAY_TLS_1_2), 3);
	for (i = 0; i < 3; i++)
		assert_true(has_cipher(sc, ASSAY_TLS_1_2, strong12[i]));
	assert_int_equal(assay_tls_scan_ncipher(sc, ASSAY_TLS_1_3), 3);
	for (i = 0; i < 3; i++)
		assert_true(has_cipher(sc, ASSAY_TLS_1_3, strong13[i]));
	assay_tls_scan_free(sc);
	assay_budget_free(b);
}

static void
test_lua_binding(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 5000, 65536 };
	struct server *s;
	char script[2048];
	lua_State *L;
	int port;
	pid_t pid;

	if (dir == NULL)
		skip();
	port = tu_free_port();
	pid = s_server(port);
	s = server_start(B_GARBAGE);
	L = luaL_newstate();
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_tls_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(script, sizeof(script),
	    "local h, err = net.tls_handshake{host='127.0.0.1', port=%d, "
	    "  servername='device.example', version='TLSv1.2'}\n"
	    "assert(h, err)\n"
	    "assert(h.protocol == 'TLSv1.2', h.protocol)\n"
	    "assert(h.hostname_match == true and h.match_name == "
	    "  'device.example')\n"
	    "assert(#h.chain == 1 and h.chain[1].self_signed == true)\n"
	    "assert(h.chain[1].key_type == 'RSA' and h.chain[1].key_bits == 2048)\n"
	    "local e = net.tls_enumerate{host='127.0.0.1', port=%d}\n"
	    "assert(e.versions['TLSv1.2'] == true and e.versions.TLSv1 == false)\n"
	    "assert(e.versions.SSLv3 == false)\n"
	    "assert(#e.ciphers['TLSv1.3'] == 3, #e.ciphers['TLSv1.3'])\n"
	    "local g, gerr = net.tls_handshake{host='127.0.0.1', port=%d}\n"
	    "assert(g == nil and gerr:find('^not TLS: '), gerr)\n"
	    "local ok, perr = pcall(net.tls_handshake, {host='127.0.0.1', "
	    "  port=%d, version='SSLv2'})\n"
	    "assert(not ok and perr:find('SSLv2', 1, true), perr)\n"
	    "return 'ok'\n", port, port, s->port, port);
	if (luaL_dostring(L, script) != LUA_OK)
		fail_msg("lua: %s", lua_tostring(L, -1));
	assert_string_equal(lua_tostring(L, -1), "ok");
	lua_close(L);
	server_stop(s);
	kill_wait(pid);
}

/*
 * A server that accepts TLS 1.0-1.2 with 3DES only: OpenSSL's hellos are
 * all refused, but the versions are accepted (a hand-built hello offering
 * the legacy suites gets a ServerHello), the suite is named, SSLv3 and
 * TLS 1.3 are refused.  Before, TLS 1.0-1.2 were reported refused and a
 * legacy-only device passed.
 */
static void
test_enumerate_legacy_only(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 3000, 65536 };
	struct assay_tls_scan *sc = NULL;
	struct server *s = server_start(B_3DES_ONLY);
	char why[ASSAY_PROBE_REASON_MAX], script[2048];
	lua_State *L;
	int v;

	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", s->port,
	    NULL, 2000, 1, &sc, why, sizeof(why)), 0);
	assert_non_null(sc);
	for (v = ASSAY_TLS_1_0; v <= ASSAY_TLS_1_2; v++) {
		print_message("%s: %d %s\n", assay_tls_version_name(v),
		    assay_tls_scan_version(sc, v),
		    assay_tls_scan_version_note(sc, v));
		assert_int_equal(assay_tls_scan_version(sc, v),
		    ASSAY_TLS_ACCEPTED);
		assert_int_equal(assay_tls_scan_version_legacy(sc, v), 1);
		assert_non_null(strstr(assay_tls_scan_version_note(sc, v),
		    "DES-CBC3-SHA"));
		assert_int_equal(assay_tls_scan_ncipher(sc, v), 1);
		assert_true(has_cipher(sc, v, "DES-CBC3-SHA"));
	}
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_SSL3),
	    ASSAY_TLS_REJECTED);
	assert_int_equal(assay_tls_scan_version(sc, ASSAY_TLS_1_3),
	    ASSAY_TLS_REJECTED);
	assay_tls_scan_free(sc);

	L = luaL_newstate();
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_tls_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(script, sizeof(script),
	    "local e = assert(net.tls_enumerate{host='127.0.0.1', port=%d})\n"
	    "assert(e.versions.TLSv1 == true and e.versions['TLSv1.2'] == true)\n"
	    "assert(e.version_state.TLSv1 == 'accepted')\n"
	    "assert(e.version_state['TLSv1.3'] == 'refused')\n"
	    "assert(e.version_state.SSLv3 == 'refused')\n"
	    "assert(e.version_reason.TLSv1:find('hand%%-built'))\n"
	    "assert(e.ciphers['TLSv1.1'][1] == 'DES-CBC3-SHA')\n"
	    "return 'ok'\n", s->port);
	if (luaL_dostring(L, script) != LUA_OK)
		fail_msg("lua: %s", lua_tostring(L, -1));
	lua_close(L);
	server_stop(s);
}

/*
 * Silent to everything: every handshake times out.  Versions are never
 * "refused": enumeration says nil, "timeout: ..." (no version answered);
 * the C scan is not produced at all.
 */
static void
test_enumerate_all_timeouts(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 3000, 65536 };
	struct assay_tls_scan *sc = NULL;
	struct server *s = server_start(B_SILENT);
	char why[ASSAY_PROBE_REASON_MAX];

	assert_int_equal(assay_probe_tls_enumerate(&env, "127.0.0.1", s->port,
	    NULL, 500, 1, &sc, why, sizeof(why)), 0);
	assert_null(sc);
	assert_true(strncmp(why, "timeout", 7) == 0);
	server_stop(s);
}

/*
 * A server with both an RSA and an ECDSA certificate (openssl s_server
 * -cert/-dcert) shows both: one handshake per signature-algorithm family.
 * Before, only the certificate of the default handshake was reported.
 */
static void
test_rsa_and_ecdsa_certificates(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 5000, 65536 };
	struct assay_tls_certs *certs = NULL;
	const struct assay_tls_info *ci;
	char why[ASSAY_PROBE_REASON_MAX], acc[64], cert[512], key[512];
	char dcert[512], dkey[512], cmd[1024], script[2048];
	int port, rsa = 0, ec = 0;
	size_t i;
	lua_State *L;
	pid_t pid;

	if (dir == NULL)
		skip();
	snprintf(cmd, sizeof(cmd), "cd '%s' && openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout eckey.pem "
	    "-out eccert.pem -days 30 -subj /CN=device.example >/dev/null 2>&1",
	    dir);
	assert_int_equal(tu_run(cmd, NULL), 0);
	port = tu_free_port();
	snprintf(acc, sizeof(acc), "127.0.0.1:%d", port);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(dcert, sizeof(dcert), "%s/eccert.pem", dir);
	snprintf(dkey, sizeof(dkey), "%s/eckey.pem", dir);
	if ((pid = fork()) == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(126);
		execlp("openssl", "openssl", "s_server", "-quiet", "-www",
		    "-accept", acc, "-cert", cert, "-key", key, "-dcert", dcert,
		    "-dkey", dkey, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(tu_wait_tcp("127.0.0.1", port, 10000), 0);

	assert_int_equal(assay_probe_tls_certificates(&env, "127.0.0.1", port,
	    NULL, NULL, ASSAY_TLS_ANY, 3000, 0, &certs, why, sizeof(why)), 0);
	assert_non_null(certs);
	assert_int_equal(assay_tls_certs_count(certs), 2);
	for (i = 0; i < assay_tls_certs_count(certs); i++) {
		ci = assay_tls_certs_info(certs, i);
		print_message("%s: %s %d %s\n", assay_tls_certs_family(certs, i),
		    assay_tls_info_cert_key_type(ci, 0),
		    assay_tls_info_cert_key_bits(ci, 0),
		    assay_tls_info_cert_sha256(ci, 0));
		if (strcmp(assay_tls_info_cert_key_type(ci, 0), "RSA") == 0 &&
		    assay_tls_info_cert_key_bits(ci, 0) == 2048)
			rsa++;
		if (strcmp(assay_tls_info_cert_key_type(ci, 0), "EC") == 0 &&
		    assay_tls_info_cert_key_bits(ci, 0) == 256)
			ec++;
	}
	assert_int_equal(rsa, 1);
	assert_int_equal(ec, 1);
	assay_tls_certs_free(certs);

	L = luaL_newstate();
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_tls_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(script, sizeof(script),
	    "local h = assert(net.tls_handshake{host='127.0.0.1', port=%d})\n"
	    "assert(#h.certificates == 2, #h.certificates)\n"
	    "local seen = {}\n"
	    "for _, c in ipairs(h.certificates) do\n"
	    "  seen[c.family .. ' ' .. c.key_type .. ' ' .. c.key_bits] = true\n"
	    "  assert(#c.sha256 == 64 and c.chain[1].sha256 == c.sha256)\n"
	    "end\n"
	    "assert(seen['RSA RSA 2048'] and seen['ECDSA EC 256'])\n"
	    "assert(h.certificates_failed.DSA)\n"
	    "local h2 = assert(net.tls_handshake{host='127.0.0.1', port=%d, "
	    "  version = 'TLSv1.2'})\n"
	    "assert(#h2.certificates == 2)\n"
	    "local h3 = assert(net.tls_handshake{host='127.0.0.1', port=%d, "
	    "  certificates = false})\n"
	    "assert(h3.certificates == nil)\n"
	    "return 'ok'\n", port, port, port);
	if (luaL_dostring(L, script) != LUA_OK)
		fail_msg("lua: %s", lua_tostring(L, -1));
	lua_close(L);
	kill_wait(pid);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_s_server),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_enumerate_lighttpd),
		cmocka_unit_test(test_lua_binding),
		cmocka_unit_test(test_enumerate_legacy_only),
		cmocka_unit_test(test_enumerate_all_timeouts),
		cmocka_unit_test(test_rsa_and_ecdsa_certificates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
