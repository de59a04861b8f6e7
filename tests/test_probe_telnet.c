/*
 * test_probe_telnet.c - telnet probe against busybox telnetd running
 * tests/data/telnet_login.sh, plus hostile servers made with socat.
 */
#include <setjmp.h>
#include <signal.h>
#include <pthread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <time.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "base/error.h"
#include "probe/probe.h"
#include "probe/cred.h"
#include "probe/telnet.h"
#include "testutil.h"

struct server {
	pid_t	pid;
	int	port;
};

/* Servers still running, killed by the teardown when a test fails. */
static pid_t live[8];

static void
track(pid_t pid, int add)
{
	int i;

	for (i = 0; i < 8; i++)
		if (add ? live[i] == 0 : live[i] == pid) {
			live[i] = add ? pid : 0;
			return;
		}
}

static int
teardown(void **state)
{
	int i;

	for (i = 0; i < 8; i++)
		if (live[i] > 0) {
			kill(-live[i], SIGTERM);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
	return 0;
}

/* Starts argv in its own process group with the given env additions. */
static int
spawn(struct server *s, char *const argv[], const char *mode,
    const char *user, const char *pass)
{
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		setpgid(0, 0);
		setenv("TL_USER", user, 1);
		setenv("TL_PASS", pass, 1);
		setenv("TL_MODE", mode, 1);
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(s->pid, s->pid);
	track(s->pid, 1);
	if (tu_wait_tcp("127.0.0.1", s->port, 5000) != 0)
		return -1;
	return 0;
}

static void
stop(struct server *s)
{
	if (s->pid > 0) {
		kill(-s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		track(s->pid, 0);
		s->pid = 0;
	}
}

static int
start_telnetd(struct server *s, const char *mode, const char *user,
    const char *pass)
{
	char port[16], prog[4096];
	char *argv[] = { "busybox", "telnetd", "-F", "-K", "-b", "127.0.0.1",
	    "-p", port, "-f", "/dev/null", "-l", prog, NULL };

	if (!tu_have("busybox"))
		return 1;
	s->port = tu_free_port();
	snprintf(port, sizeof(port), "%d", s->port);
	snprintf(prog, sizeof(prog), "%s", tu_src("tests/data/telnet_login.sh"));
	return spawn(s, argv, mode, user, pass) == 0 ? 0 : -1;
}

/* Evidence sink that keeps what was sent. */
struct rec {
	unsigned char	sent[8192];
	size_t		nsent;
	int		nrecv;
};

static void
record(void *arg, const char *channel, const char *dir, const void *data,
    size_t len)
{
	struct rec *r = arg;

	if (strcmp(dir, "sent") == 0 && r->nsent + len <= sizeof(r->sent)) {
		memcpy(r->sent + r->nsent, data, len);
		r->nsent += len;
	} else if (strcmp(dir, "recv") == 0)
		r->nrecv++;
}

static int
contains(const unsigned char *h, size_t hl, const unsigned char *n, size_t nl)
{
	size_t i;

	for (i = 0; i + nl <= hl; i++)
		if (memcmp(h + i, n, nl) == 0)
			return 1;
	return 0;
}

static void
test_login_success_and_failure(void **state)
{
	struct assay_budget *b = assay_budget_new(4, 100);
	struct rec rec = { .nsent = 0 };
	struct assay_probe_env env = { b, record, &rec, 3000, 65536 };
	struct assay_telnet *t;
	struct server s = { 0, 0 };
	char detail[256];
	int outcome, rc;
	const unsigned char dont_echo[] = { 255, 254, 1 };
	const unsigned char wont_naws[] = { 255, 252, 31 };

	if ((rc = start_telnetd(&s, "", "admin", "4321")) == 1)
		skip();
	assert_int_equal(rc, 0);
	t = assay_probe_telnet_new(&env, "127.0.0.1", s.port, 3000, 0);
	assert_non_null(t);
	assert_int_equal(assay_probe_telnet_try(t, "root", "xc3511", &outcome,
	    detail, sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_REJECTED);
	assert_non_null(strstr(detail, "incorrect"));
	/* The device prompted again: the same connection is reused. */
	assert_int_equal(assay_probe_telnet_try(t, "admin", "admin", &outcome,
	    detail, sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_REJECTED);
	assert_int_equal(assay_probe_telnet_connections(t), 1);
	assert_int_equal(assay_probe_telnet_try(t, "admin", "4321", &outcome,
	    detail, sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_ACCEPTED);
	assert_non_null(strstr(detail, "#"));
	/* Negotiation: WILL ECHO refused with DONT, DO NAWS with WONT. */
	assert_true(contains(rec.sent, rec.nsent, dont_echo, 3));
	assert_true(contains(rec.sent, rec.nsent, wont_naws, 3));
	assay_probe_telnet_free(t);
	stop(&s);
	assay_budget_free(b);
}

static void
test_garbage_iac(void **state)
{
	struct assay_budget *b = assay_budget_new(4, 100);
	struct assay_probe_env env = { b, NULL, NULL, 3000, 65536 };
	struct assay_telnet *t;
	struct server s = { 0, 0 };
	char detail[256];
	int outcome, rc;

	if ((rc = start_telnetd(&s, "garbage", "root", "")) == 1)
		skip();
	assert_int_equal(rc, 0);
	t = assay_probe_telnet_new(&env, "127.0.0.1", s.port, 3000, 0);
	assert_int_equal(assay_probe_telnet_try(t, "root", "", &outcome, detail,
	    sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_ACCEPTED);
	assay_probe_telnet_free(t);
	stop(&s);
	assay_budget_free(b);
}

static void
test_endless_banner(void **state)
{
	struct assay_budget *b = assay_budget_new(4, 100);
	struct assay_probe_env env = { b, NULL, NULL, 3000, 65536 };
	struct assay_telnet *t;
	struct server s = { 0, 0 };
	char detail[256], err[256], *banner = NULL;
	size_t len = 0;
	int outcome, trunc = 0, rc;

	if ((rc = start_telnetd(&s, "endless", "root", "root")) == 1)
		skip();
	assert_int_equal(rc, 0);
	assert_int_equal(assay_probe_telnet_banner(&env, "127.0.0.1", s.port,
	    3000, 8192, 300, &banner, &len, &trunc, err, sizeof(err)), 0);
	assert_non_null(banner);
	assert_true(trunc);
	assert_true(len <= 8192 && len > 4096);
	assert_non_null(strstr(banner, "endless banner"));
	free(banner);
	t = assay_probe_telnet_new(&env, "127.0.0.1", s.port, 3000, 16384);
	assert_int_equal(assay_probe_telnet_try(t, "root", "root", &outcome,
	    detail, sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_UNREACHED);
	assert_non_null(strstr(detail, "read cap of 16384 bytes"));
	assay_probe_telnet_free(t);
	stop(&s);
	assay_budget_free(b);
}

static void
test_refused_silent_reset(void **state)
{
	struct assay_budget *b = assay_budget_new(4, 100);
	struct assay_probe_env env = { b, NULL, NULL, 800, 65536 };
	struct assay_telnet *t;
	struct server s = { 0, 0 };
	char detail[256], port[64];
	char *silent[] = { "socat", port, "SYSTEM:sleep 30", NULL };
	char *reset[] = { "socat", port, "SYSTEM:printf x", NULL };
	long long t0;
	int outcome;

	if (!tu_have("socat"))
		skip();
	/* Refused: nothing listens on a fresh port. */
	t = assay_probe_telnet_new(&env, "127.0.0.1", tu_free_port(), 800, 0);
	assert_int_equal(assay_probe_telnet_try(t, "root", "root", &outcome,
	    detail, sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_UNREACHED);
	assert_non_null(strstr(detail, "refused"));
	assay_probe_telnet_free(t);

	/* Silent: accepts and never speaks; the timeout ends it. */
	s.port = tu_free_port();
	snprintf(port, sizeof(port), "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork",
	    s.port);
	assert_int_equal(spawn(&s, silent, "", "", ""), 0);
	t = assay_probe_telnet_new(&env, "127.0.0.1", s.port, 800, 0);
	t0 = tu_now_ms();
	assert_int_equal(assay_probe_telnet_try(t, "root", "root", &outcome,
	    detail, sizeof(detail)), 0);
	assert_true(tu_now_ms() - t0 < 3000);
	assert_int_equal(outcome, ASSAY_AUTH_UNREACHED);
	assert_non_null(strstr(detail, "no login prompt within 800 ms"));
	assay_probe_telnet_free(t);
	stop(&s);

	/* Closes after one byte. */
	s.port = tu_free_port();
	snprintf(port, sizeof(port), "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork",
	    s.port);
	assert_int_equal(spawn(&s, reset, "", "", ""), 0);
	t = assay_probe_telnet_new(&env, "127.0.0.1", s.port, 800, 0);
	assert_int_equal(assay_probe_telnet_try(t, "root", "root", &outcome,
	    detail, sizeof(detail)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_UNREACHED);
	assert_non_null(strstr(detail, "connection closed after 1 bytes"));
	assay_probe_telnet_free(t);
	stop(&s);
	assay_budget_free(b);
}

/*
 * Echoing devices (tests/data/telnet_echo.sh): an echoed password with a
 * "$" in its line is never a shell prompt, whether the device then waits
 * or hangs up; a real prompt on its own line after the password counts,
 * and the nonce command's output confirms it.  Each mode both behind
 * socat (raw TCP) and behind busybox telnetd (a pty that echoes too).
 */
#define NOT_ACCEPTED	(-99)

static void
echo_case(const char *how, int port, const char *mode, const char *pass,
    int want_outcome, const char *want_detail)
{
	struct assay_budget *b = assay_budget_new(4, 100);
	struct assay_probe_env env = { b, NULL, NULL, 1500, 65536 };
	struct assay_telnet *t;
	char detail[256];
	int outcome;

	t = assay_probe_telnet_new(&env, "127.0.0.1", port, 1500, 0);
	assert_int_equal(assay_probe_telnet_try(t, "admin", pass, &outcome,
	    detail, sizeof(detail)), 0);
	print_message("%s %s %s: %d \"%s\"\n", how, mode, pass, outcome,
	    detail);
	if ((want_outcome == NOT_ACCEPTED ? outcome == ASSAY_AUTH_ACCEPTED :
	    outcome != want_outcome) || (want_detail != NULL &&
	    strstr(detail, want_detail) == NULL))
		fail_msg("%s %s: outcome %d \"%s\", want %d \"%s\"", how, mode,
		    outcome, detail, want_outcome, want_detail);
	assay_probe_telnet_free(t);
	assay_budget_free(b);
}

static void
test_echoed_password(void **state)
{
	static const struct {
		const char	*mode, *pass;
		int		 outcome;
		const char	*detail;
	} cases[] = {
		{ "echo-dollar", "s3cret", NOT_ACCEPTED, NULL },
		{ "echo-close", "s3cret", NOT_ACCEPTED, NULL },
		{ "shell", "s3cret", ASSAY_AUTH_ACCEPTED,
		    "command output confirmed" },
		{ "shell", "wrong", ASSAY_AUTH_REJECTED, "incorrect" },
	};
	struct server s = { 0, 0 };
	char listen[96], exec[4200], prog[4096], port[16];
	char *socat[] = { "socat", listen, exec, NULL };
	char *telnetd[] = { "busybox", "telnetd", "-F", "-K", "-b",
	    "127.0.0.1", "-p", port, "-f", "/dev/null", "-l", prog, NULL };
	size_t i;

	if (!tu_have("socat"))
		skip();
	snprintf(prog, sizeof(prog), "%s", tu_src("tests/data/telnet_echo.sh"));
	snprintf(exec, sizeof(exec), "EXEC:sh %s", prog);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.port = tu_free_port();
		snprintf(listen, sizeof(listen),
		    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", s.port);
		assert_int_equal(spawn(&s, socat, cases[i].mode, "admin",
		    "s3cret"), 0);
		echo_case("socat", s.port, cases[i].mode, cases[i].pass,
		    cases[i].outcome, cases[i].detail);
		stop(&s);
	}
	if (!tu_have("busybox"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.port = tu_free_port();
		snprintf(port, sizeof(port), "%d", s.port);
		assert_int_equal(spawn(&s, telnetd, cases[i].mode, "admin",
		    "s3cret"), 0);
		echo_case("telnetd", s.port, cases[i].mode, cases[i].pass,
		    cases[i].outcome, cases[i].detail);
		stop(&s);
	}
}

/*
 * Defect 2 (d): a device that echoes the password in pieces, the first
 * ending in "#" ("TelnetPw#", then "1"), after a line break.  The piece
 * is never a shell prompt, and no part of the password reaches the
 * detail, the notes or the recorded bytes received.
 */
struct leak_rec {
	char	recv[16384];
	size_t	nrecv;
	char	notes[8192];
	size_t	nnotes;
};

static void
leak_record(void *arg, const char *channel, const char *dir,
    const void *data, size_t len)
{
	struct leak_rec *r = arg;
	char *dst = strcmp(dir, "recv") == 0 ? r->recv : strcmp(dir, "note") ==
	    0 ? r->notes : NULL;
	size_t *n = dst == r->recv ? &r->nrecv : &r->nnotes;
	size_t cap = dst == r->recv ? sizeof(r->recv) : sizeof(r->notes);

	if (dst == NULL || *n + len + 1 >= cap)
		return;
	memcpy(dst + *n, data, len);
	*n += len;
	dst[*n] = '\0';
}

static int
has_prefix_of(const char *hay, size_t len, const char *secret, size_t k)
{
	size_t i;

	for (i = 0; i + k <= len; i++)
		if (memcmp(hay + i, secret, k) == 0)
			return 1;
	return 0;
}

static void
split_case(const char *how, int port, const char *pass, int want_outcome)
{
	static struct leak_rec rec;
	struct assay_budget *b = assay_budget_new(4, 100);
	struct assay_probe_env env = { b, leak_record, &rec, 3000, 65536 };
	struct assay_telnet *t;
	char detail[256];
	int outcome;

	memset(&rec, 0, sizeof(rec));
	t = assay_probe_telnet_new(&env, "127.0.0.1", port, 3000, 0);
	assert_int_equal(assay_probe_telnet_try(t, "admin", pass, &outcome,
	    detail, sizeof(detail)), 0);
	assay_probe_telnet_free(t);
	print_message("%s echo-split %s: %d \"%s\"\n", how, pass, outcome,
	    detail);
	if (outcome != want_outcome)
		fail_msg("%s: outcome %d \"%s\", want %d", how, outcome, detail,
		    want_outcome);
	/* "TelnetPw" is the common prefix of both passwords tried. */
	if (strstr(detail, "TelnetPw") != NULL || strstr(detail, "telnetpw") !=
	    NULL)
		fail_msg("%s: the password's prefix is in the detail: %s", how,
		    detail);
	if (has_prefix_of(rec.notes, rec.nnotes, "TelnetPw", 8))
		fail_msg("%s: the password's prefix is in a note: %s", how,
		    rec.notes);
	if (has_prefix_of(rec.recv, rec.nrecv, "TelnetPw", 8))
		fail_msg("%s: the echoed password is in the recorded bytes", how);
	assay_budget_free(b);
}

static void
test_echoed_password_split(void **state)
{
	struct server s = { 0, 0 };
	char listen[96], exec[4200], prog[4096], port[16];
	char *socat[] = { "socat", listen, exec, NULL };
	char *telnetd[] = { "busybox", "telnetd", "-F", "-K", "-b",
	    "127.0.0.1", "-p", port, "-f", "/dev/null", "-l", prog, NULL };
	static const struct {
		const char	*pass;
		int		 outcome;
	} cases[] = {
		{ "TelnetPw#1", ASSAY_AUTH_ACCEPTED },
		{ "TelnetPw#2", ASSAY_AUTH_REJECTED },
	};
	size_t i;

	if (!tu_have("socat"))
		skip();
	snprintf(prog, sizeof(prog), "%s", tu_src("tests/data/telnet_echo.sh"));
	snprintf(exec, sizeof(exec), "EXEC:sh %s", prog);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.port = tu_free_port();
		snprintf(listen, sizeof(listen),
		    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", s.port);
		assert_int_equal(spawn(&s, socat, "echo-split", "admin",
		    "TelnetPw#1"), 0);
		split_case("socat", s.port, cases[i].pass, cases[i].outcome);
		stop(&s);
	}
	if (!tu_have("busybox"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.port = tu_free_port();
		snprintf(port, sizeof(port), "%d", s.port);
		assert_int_equal(spawn(&s, telnetd, "echo-split", "admin",
		    "TelnetPw#1"), 0);
		split_case("telnetd", s.port, cases[i].pass, cases[i].outcome);
		stop(&s);
	}
}

/* A device that answers the password with 1 MiB of near-rejections. */
struct hostile {
	int		lfd, port;
	pthread_t	th;
};

static int
read_line(int fd)
{
	char c;

	do {
		if (read(fd, &c, 1) != 1)
			return -1;
	} while (c != '\n');
	return 0;
}

static void *
hostile_serve(void *arg)
{
	struct hostile *h = arg;
	char chunk[64];
	size_t i, sent = 0;
	int fd, one = 1;

	if ((fd = accept(h->lfd, NULL, NULL)) < 0)
		return NULL;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = 0; i < sizeof(chunk); i += 8)
		memcpy(chunk + i, "InCorRec", 8);
	if (write(fd, "login: ", 7) != 7 || read_line(fd) != 0 ||
	    write(fd, "Password: ", 10) != 10 || read_line(fd) != 0)
		goto out;
	while (sent < 1024 * 1024 && write(fd, chunk, sizeof(chunk)) > 0)
		sent += sizeof(chunk);
out:
	close(fd);
	return NULL;
}

/*
 * 1 MiB of repeated partial matches of the rejection words after the
 * password, without a line break: the login check must scan each byte a
 * bounded number of times (no rescans of the screen per read).  The
 * probe's own CPU time is measured, not the server's.
 */
static void
test_hostile_text_is_linear(void **state)
{
	struct assay_probe_env env = { NULL, NULL, NULL, 5000, 4 << 20 };
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct hostile h;
	struct assay_telnet *t;
	struct timespec a, b;
	char detail[256];
	long long ms;
	int outcome;

	h.lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(h.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(h.lfd, 4), 0);
	getsockname(h.lfd, (struct sockaddr *)&sa, &sl);
	h.port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&h.th, NULL, hostile_serve, &h), 0);
	t = assay_probe_telnet_new(&env, "127.0.0.1", h.port, 5000, 4 << 20);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	assert_int_equal(assay_probe_telnet_try(t, "admin", "admin", &outcome,
	    detail, sizeof(detail)), 0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	print_message("1 MiB of near-rejections: %lld ms CPU, %d \"%s\"\n", ms,
	    outcome, detail);
	assert_int_not_equal(outcome, ASSAY_AUTH_ACCEPTED);
	assert_true(ms < 1000);
	assay_probe_telnet_free(t);
	pthread_join(h.th, NULL);
	close(h.lfd);
}

static void
test_lua(void **state)
{
	struct assay_budget *b = assay_budget_new(4, 100);
	struct assay_probe_env env = { b, NULL, NULL, 3000, 65536 };
	struct server s = { 0, 0 };
	lua_State *L;
	char code[1024];
	int rc;

	if ((rc = start_telnetd(&s, "", "admin", "4321")) == 1)
		skip();
	assert_int_equal(rc, 0);
	L = luaL_newstate();
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_telnet_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(code, sizeof(code),
	    "local ok, d, o = net.telnet_login{host='127.0.0.1', port=%d, user='admin', password='4321'}\n"
	    "assert(ok == true and o == 'accepted', d)\n"
	    "ok, d = net.telnet_login{host='127.0.0.1', port=%d, user='admin', password='nope'}\n"
	    "assert(ok == false and d:find('incorrect'), d)\n"
	    "ok, d = net.telnet_login{host='127.0.0.1', port=%d, user='a', password='b', timeout_ms=500}\n"
	    "assert(ok == nil and d:find('refused'), d)\n"
	    "local bn, tr = net.telnet_banner{host='127.0.0.1', port=%d}\n"
	    "assert(bn:find('login:') and tr == false, bn)\n",
	    s.port, s.port, tu_free_port(), s.port);
	if (luaL_dostring(L, code) != 0)
		fail_msg("%s", lua_tostring(L, -1));
	lua_close(L);
	stop(&s);
	assay_budget_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_login_success_and_failure, teardown),
		cmocka_unit_test_teardown(test_garbage_iac, teardown),
		cmocka_unit_test_teardown(test_endless_banner, teardown),
		cmocka_unit_test_teardown(test_refused_silent_reset, teardown),
		cmocka_unit_test_teardown(test_lua, teardown),
		cmocka_unit_test_teardown(test_echoed_password, teardown),
		cmocka_unit_test_teardown(test_echoed_password_split, teardown),
		cmocka_unit_test_teardown(test_hostile_text_is_linear, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
