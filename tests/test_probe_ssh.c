/*
 * test_probe_ssh.c - SSH identification, KEXINIT lists and password
 * logins against dropbear (tests/data/ssh_server.sh: one account that
 * exists only in a private mount namespace), plus hostile servers.
 */
#include <setjmp.h>
#include <signal.h>
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
#include "probe/ssh.h"
#include "testutil.h"

static pid_t srv_pid;
static int srv_port;
static char *srv_dir;

static int
spawn(char *const argv[])
{
	if ((srv_pid = fork()) < 0)
		return -1;
	if (srv_pid == 0) {
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(srv_pid, srv_pid);
	return tu_wait_tcp("127.0.0.1", srv_port, 5000);
}

static void
stop(void)
{
	if (srv_pid > 0) {
		kill(-srv_pid, SIGTERM);
		waitpid(srv_pid, NULL, 0);
		srv_pid = 0;
	}
	if (srv_dir != NULL) {
		tu_rmrf(srv_dir);
		free(srv_dir);
		srv_dir = NULL;
	}
}

/* 1: skip (why printed), 0: running, -1: failed. */
static int
start_dropbear(const char *user, const char *pass)
{
	char port[16], script[4096];
	char *argv[] = { "sh", script, NULL, port, (char *)user, (char *)pass,
	    NULL };

	if (!tu_have("dropbear") || !tu_have("unshare")) {
		fprintf(stderr, "skip: dropbear or unshare missing\n");
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "skip: password logins need root for a private "
		    "mount namespace with a test account\n");
		return 1;
	}
	srv_port = tu_free_port();
	snprintf(port, sizeof(port), "%d", srv_port);
	snprintf(script, sizeof(script), "%s", tu_src("tests/data/ssh_server.sh"));
	if ((srv_dir = tu_mkdtemp("ssh")) == NULL)
		return -1;
	argv[2] = srv_dir;
	return spawn(argv) == 0 ? 0 : -1;
}

static int
has_name(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
test_info_and_login(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	struct assay_ssh_info *info = NULL;
	char err[256];
	int rc, outcome;

	if ((rc = start_dropbear("ubnt", "ubnt")) == 1)
		skip();
	assert_int_equal(rc, 0);
	assert_int_equal(assay_probe_ssh_info(&env, "127.0.0.1", srv_port, 3000,
	    &info, err, sizeof(err)), 0);
	assert_non_null(info);
	assert_true(strncmp(assay_ssh_info_banner(info), "SSH-2.0-dropbear", 16) == 0);
	assert_true(has_name(assay_ssh_info_list(info, ASSAY_SSH_KEX),
	    "curve25519-sha256"));
	/* PLATFORM.md: dropbear still offers these legacy algorithms. */
	assert_true(has_name(assay_ssh_info_list(info, ASSAY_SSH_KEX),
	    "diffie-hellman-group14-sha1"));
	assert_true(has_name(assay_ssh_info_list(info, ASSAY_SSH_MACS_S2C),
	    "hmac-sha1"));
	assert_true(has_name(assay_ssh_info_list(info, ASSAY_SSH_HOSTKEY),
	    "ssh-ed25519"));
	assert_true(has_name(assay_ssh_info_list(info, ASSAY_SSH_CIPHERS_C2S),
	    "aes128-ctr"));
	assay_ssh_info_free(info);

	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", srv_port, "ubnt",
	    "ubnt", 5000, &outcome, err, sizeof(err)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_ACCEPTED);
	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", srv_port, "ubnt",
	    "wrong", 5000, &outcome, err, sizeof(err)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_REJECTED);
	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", srv_port, "root",
	    "root", 5000, &outcome, err, sizeof(err)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_REJECTED);
	stop();
	assay_budget_free(b);
}

static void
test_runner_mirai(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	struct assay_cred_target tg;
	struct assay_cred_list *l = assay_cred_list_new();
	struct assay_cred_result *res = NULL;
	size_t k;
	int rc;

	if ((rc = start_dropbear("support", "support")) == 1)
		skip();
	assert_int_equal(rc, 0);
	assert_int_equal(assay_cred_list_load(l, "mirai"), 0);
	memset(&tg, 0, sizeof(tg));
	tg.service = ASSAY_CRED_SSH;
	tg.host = "127.0.0.1";
	tg.port = srv_port;
	/*
	 * dropbear drops connections beyond 5 unauthenticated per IP, and a
	 * finished one counts until its child is reaped: leave a margin.
	 */
	tg.concurrency = 3;
	assert_int_equal(assay_cred_run(&env, &tg, l, &res), 0);
	if (assay_cred_result_unreached(res) != 0)
		fprintf(stderr, "last error: %s\n", assay_cred_result_last_error(res));
	assert_int_equal(assay_cred_result_attempts(res), 62);
	assert_int_equal(assay_cred_result_unreached(res), 0);
	assert_int_equal(assay_cred_result_accepted_count(res), 1);
	k = assay_cred_result_accepted(res, 0);
	assert_string_equal(assay_cred_list_user(l, k), "support");
	assert_string_equal(assay_cred_list_password(l, k), "support");
	assay_cred_result_free(res);
	assay_cred_list_free(l);
	stop();
	assay_budget_free(b);
}

static void
test_hostile(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 800, 65536 };
	struct assay_ssh_info *info = NULL;
	char err[256], listen[96];
	char *chatty[] = { "socat", listen,
	    "SYSTEM:yes hello", NULL };
	char *silent[] = { "socat", listen, "SYSTEM:sleep 30", NULL };
	char file[300], source[320];
	char *badpkt[] = { "socat", listen, source, NULL };
	static const char garbage[] = "SSH-2.0-x\r\n\377\377\377\377\000";
	/* KEXINIT (20), a cookie, then a name-list 4 GiB long; padding 4. */
	static const char badkex[] = "SSH-2.0-x\r\n"
	    "\000\000\000\032\004\024"
	    "cookiecookie1234" "\377\377\377\377" "\000\000\000\000";
	int outcome;

	if (!tu_have("socat"))
		skip();
	assert_int_equal(assay_probe_ssh_info(&env, "127.0.0.1", tu_free_port(),
	    800, &info, err, sizeof(err)), 0);
	assert_null(info);
	assert_non_null(strstr(err, "refused"));
	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", tu_free_port(),
	    "a", "b", 800, &outcome, err, sizeof(err)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_UNREACHED);

	srv_port = tu_free_port();
	snprintf(listen, sizeof(listen),
	    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", srv_port);
	assert_int_equal(spawn(chatty), 0);
	assert_int_equal(assay_probe_ssh_info(&env, "127.0.0.1", srv_port, 800,
	    &info, err, sizeof(err)), 0);
	assert_null(info);
	assert_non_null(strstr(err, "no SSH identification in 32 lines"));
	stop();

	srv_port = tu_free_port();
	snprintf(listen, sizeof(listen),
	    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", srv_port);
	assert_int_equal(spawn(silent), 0);
	assert_int_equal(assay_probe_ssh_info(&env, "127.0.0.1", srv_port, 800,
	    &info, err, sizeof(err)), 0);
	assert_null(info);
	assert_non_null(strstr(err, "timeout after 0 bytes"));
	stop();

	srv_port = tu_free_port();
	snprintf(listen, sizeof(listen),
	    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", srv_port);
	srv_dir = tu_mkdtemp("sshbad");
	assert_non_null(srv_dir);
	snprintf(file, sizeof(file), "%s/reply", srv_dir);
	assert_int_equal(tu_write_file(file, garbage, sizeof(garbage) - 1), 0);
	snprintf(source, sizeof(source), "OPEN:%s,rdonly", file);
	assert_int_equal(spawn(badpkt), 0);
	assert_int_equal(assay_probe_ssh_info(&env, "127.0.0.1", srv_port, 800,
	    &info, err, sizeof(err)), 0);
	assert_null(info);
	assert_non_null(strstr(err, "garbage: packet length 4294967295"));
	stop();

	/*
	 * A well-framed packet whose KEXINIT is garbage, the connection kept
	 * open: ssh_login's reason must say what broke, never end in an
	 * empty "ssh connect failed: ".
	 */
	srv_port = tu_free_port();
	snprintf(listen, sizeof(listen),
	    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", srv_port);
	srv_dir = tu_mkdtemp("sshkex");
	assert_non_null(srv_dir);
	snprintf(file, sizeof(file), "%s/reply", srv_dir);
	assert_int_equal(tu_write_file(file, badkex, sizeof(badkex) - 1), 0);
	snprintf(source, sizeof(source), "SYSTEM:cat %s; sleep 5", file);
	assert_int_equal(spawn(badpkt), 0);
	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", srv_port,
	    "a", "b", 800, &outcome, err, sizeof(err)), 0);
	print_message("malformed KEXINIT: \"%s\"\n", err);
	assert_int_equal(outcome, ASSAY_AUTH_UNREACHED);
	assert_true(strlen(err) > strlen("ssh connect failed: "));
	assert_int_not_equal(err[strlen(err) - 1], ' ');
	assert_non_null(strstr(err, "SSH-2.0-x"));
	stop();
	assay_budget_free(b);
}

static void
test_kexinit_parse(void **state)
{
	unsigned char p[256];
	struct assay_ssh_info *info = assay_ssh_info_new();
	size_t len = 17, cut;
	int i;

	memset(p, 0, sizeof(p));
	p[0] = 20;
	for (i = 0; i < ASSAY_SSH_NLISTS; i++) {
		const char *s = i == 0 ? "kex-a,kex-b" : "x";

		p[len + 3] = (unsigned char)strlen(s);
		memcpy(p + len + 4, s, strlen(s));
		len += 4 + strlen(s);
	}
	assert_int_equal(assay_ssh_kexinit_parse(info, p, len), 0);
	assert_string_equal(assay_ssh_info_list(info, ASSAY_SSH_KEX), "kex-a,kex-b");
	/* Every truncation is rejected, never read past the end. */
	for (cut = 0; cut < len; cut++)
		assert_int_equal(assay_ssh_kexinit_parse(info, p, cut),
		    ASSAY_ERR_PARSE);
	p[20] = 0xff;	/* length beyond the packet */
	assert_int_equal(assay_ssh_kexinit_parse(info, p, len), ASSAY_ERR_PARSE);
	/* Every list empty: nothing offered, nothing to judge (hostile). */
	memset(p, 0, sizeof(p));
	p[0] = 20;
	assert_int_equal(assay_ssh_kexinit_parse(info, p,
	    17 + 4 * ASSAY_SSH_NLISTS), ASSAY_ERR_PARSE);
	assay_ssh_info_free(info);
}

static void
test_lua(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	lua_State *L;
	char code[1024];
	int rc;

	if ((rc = start_dropbear("admin", "admin")) == 1)
		skip();
	assert_int_equal(rc, 0);
	L = luaL_newstate();
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_ssh_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(code, sizeof(code),
	    "local i, e = net.ssh_info{host='127.0.0.1', port=%d}\n"
	    "assert(i, e)\n"
	    "assert(i.banner:find('^SSH%%-2%%.0%%-dropbear'))\n"
	    "assert(#i.kex > 1 and #i.hostkey >= 1 and #i.ciphers >= 1 and #i.macs >= 1)\n"
	    "local ok, d = net.ssh_login{host='127.0.0.1', port=%d, user='admin', password='admin'}\n"
	    "assert(ok == true, d)\n"
	    "ok, d = net.ssh_login{host='127.0.0.1', port=%d, user='admin', password='x'}\n"
	    "assert(ok == false, d)\n"
	    "ok, d = net.ssh_login{host='127.0.0.1', port=%d, user='admin', password='x', timeout_ms=800}\n"
	    "assert(ok == nil and type(d) == 'string', d)\n",
	    srv_port, srv_port, srv_port, tu_free_port());
	if (luaL_dostring(L, code) != 0)
		fail_msg("%s", lua_tostring(L, -1));
	lua_close(L);
	stop();
	assay_budget_free(b);
}

/*
 * dropbear -s: publickey only.  Every pair is "no password to guess", a
 * named outcome, neither rejected nor unreached; the runner stops after
 * the first attempt and reports the other pairs untried with the reason.
 * Unprivileged: no account is needed to refuse passwords.
 */
static void
test_publickey_only(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	struct assay_cred_target tg;
	struct assay_cred_list *l = assay_cred_list_new();
	struct assay_cred_result *res = NULL;
	char err[256], key[300], listen[64], code[1024], *kout = NULL;
	char *argv[] = { "dropbear", "-F", "-E", "-s", "-r", key, "-p", listen,
	    NULL };
	const char *why = NULL;
	size_t after = 99;
	lua_State *L;
	int outcome;

	if (!tu_have("dropbear") || !tu_have("dropbearkey"))
		skip();
	srv_dir = tu_mkdtemp("sshpk");
	assert_non_null(srv_dir);
	snprintf(key, sizeof(key), "%s/hostkey", srv_dir);
	snprintf(code, sizeof(code), "dropbearkey -t ed25519 -f %s", key);
	assert_int_equal(tu_run(code, &kout), 0);
	free(kout);
	srv_port = tu_free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", srv_port);
	assert_int_equal(spawn(argv), 0);

	assert_int_equal(assay_probe_ssh_login(&env, "127.0.0.1", srv_port,
	    "root", "root", 5000, &outcome, err, sizeof(err)), 0);
	assert_int_equal(outcome, ASSAY_AUTH_NO_PASSWORD);
	assert_string_equal(err, "no password to guess: server offers "
	    "publickey");

	assert_int_equal(assay_cred_list_add(l, "root", "root"), 0);
	assert_int_equal(assay_cred_list_add(l, "admin", "admin"), 0);
	assert_int_equal(assay_cred_list_add(l, "ubnt", "ubnt"), 0);
	memset(&tg, 0, sizeof(tg));
	tg.service = ASSAY_CRED_SSH;
	tg.host = "127.0.0.1";
	tg.port = srv_port;
	tg.concurrency = 1;
	assert_int_equal(assay_cred_run(&env, &tg, l, &res), 0);
	assert_int_equal(assay_cred_result_no_password(res, &why), 1);
	assert_string_equal(why, "no password to guess: server offers publickey");
	assert_int_equal(assay_cred_result_attempts(res), 1);
	assert_int_equal(assay_cred_result_rejected(res), 0);
	assert_int_equal(assay_cred_result_unreached(res), 0);
	assert_int_equal(assay_cred_result_accepted_count(res), 0);
	assert_int_equal(assay_cred_result_untried(res), 2);
	assert_string_equal(assay_cred_result_untried_reason(res), why);
	assert_int_equal(assay_cred_result_stopped_answering(res, &after), 0);
	assay_cred_result_free(res);
	assay_cred_list_free(l);

	L = luaL_newstate();
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_ssh_lua_register(L);
	assay_probe_cred_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(code, sizeof(code),
	    "local ok, d, o = net.ssh_login{host='127.0.0.1', port=%d, user='root', password='root'}\n"
	    "assert(ok == nil and o == 'no_password', tostring(o))\n"
	    "assert(d:find('^no password to guess'), d)\n"
	    "local r = assert(net.try_credentials{service='ssh', "
	    "  host='127.0.0.1', port=%d, concurrency=1,"
	    "  pairs={{'a','b'},{'c','d'}}})\n"
	    "assert(r.no_password == true and r.untried == 1, 'no_password')\n"
	    "assert(r.no_password_reason:find('publickey'))\n"
	    "assert(r.untried_reason == r.no_password_reason)\n"
	    "assert(#r.accepted == 0 and r.rejected == 0 and r.attempts == 1)\n"
	    "assert(#r.timings_ms == 1 and r.outcomes[1] == 'no_password')\n",
	    srv_port, srv_port);
	if (luaL_dostring(L, code) != 0)
		fail_msg("%s", lua_tostring(L, -1));
	lua_close(L);
	stop();
	assay_budget_free(b);
}

static int
teardown(void **state)
{
	stop();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_kexinit_parse, teardown),
		cmocka_unit_test_teardown(test_info_and_login, teardown),
		cmocka_unit_test_teardown(test_runner_mirai, teardown),
		cmocka_unit_test_teardown(test_hostile, teardown),
		cmocka_unit_test_teardown(test_lua, teardown),
		cmocka_unit_test_teardown(test_publickey_only, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
