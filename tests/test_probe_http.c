/*
 * test_probe_http.c - HTTP(S) probe against lighttpd (config written
 * here: static files, redirects incl. a loop, basic and digest auth with
 * a plain user file, TLS with a self-signed certificate) and hostile
 * servers (tests/data/http_hostile.py, socat).
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
#include "probe/http.h"
#include "testutil.h"

#define NSRV	4

static pid_t pids[NSRV];
static char *dir;
static int port, tls_port;

static int spawn_at(char *const argv[], const char *host, int p);

static int
spawn(char *const argv[], int p)
{
	return spawn_at(argv, "127.0.0.1", p);
}

static int
spawn_at(char *const argv[], const char *host, int p)
{
	int i;

	for (i = 0; i < NSRV && pids[i] != 0; i++)
		;
	if (i == NSRV || (pids[i] = fork()) < 0)
		return -1;
	if (pids[i] == 0) {
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(pids[i], pids[i]);
	return tu_wait_tcp(host, p, 5000);
}

static int
teardown(void **state)
{
	int i;

	for (i = 0; i < NSRV; i++)
		if (pids[i] > 0) {
			kill(-pids[i], SIGTERM);
			waitpid(pids[i], NULL, 0);
			pids[i] = 0;
		}
	if (dir != NULL) {
		tu_rmrf(dir);
		free(dir);
		dir = NULL;
	}
	return 0;
}

/* 1: skip, 0: running, -1: failed. */
static int
start_lighttpd(void)
{
	char conf[8192], path[512], cmd[1024], big[5000];
	char *argv[] = { "lighttpd", "-D", "-f", path, NULL };

	if (!tu_have("lighttpd") || !tu_have("openssl"))
		return 1;
	if ((dir = tu_mkdtemp("http")) == NULL)
		return -1;
	port = tu_free_port();
	tls_port = tu_free_port();
	snprintf(cmd, sizeof(cmd), "cd %s && mkdir -p www/secret www/digest && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
	    "-nodes -subj /CN=device -days 1 -keyout key.pem -out cert.pem "
	    ">/dev/null 2>&1 && cat cert.pem key.pem > server.pem", dir);
	if (tu_run(cmd, NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/www/index.html", dir);
	tu_write_file(path, "hello device\n", 13);
	memset(big, 'B', sizeof(big));
	snprintf(path, sizeof(path), "%s/www/big.txt", dir);
	tu_write_file(path, big, sizeof(big));
	snprintf(path, sizeof(path), "%s/www/secret/index.html", dir);
	tu_write_file(path, "secret\n", 7);
	snprintf(path, sizeof(path), "%s/www/digest/index.html", dir);
	tu_write_file(path, "digest\n", 7);
	snprintf(path, sizeof(path), "%s/users", dir);
	tu_write_file(path, "admin:admin\n", 12);
	snprintf(conf, sizeof(conf),
	    "server.modules = (\"mod_redirect\", \"mod_auth\", \"mod_authn_file\","
	    " \"mod_openssl\")\n"
	    "server.document-root = \"%s/www\"\n"
	    "server.bind = \"127.0.0.1\"\n"
	    "server.port = %d\n"
	    "server.errorlog = \"%s/error.log\"\n"
	    "index-file.names = (\"index.html\")\n"
	    "mimetype.assign = (\".html\" => \"text/html\", \".txt\" => \"text/plain\")\n"
	    "auth.backend = \"plain\"\n"
	    "auth.backend.plain.userfile = \"%s/users\"\n"
	    "auth.require = (\"/secret/\" => (\"method\" => \"basic\", \"realm\" =>"
	    " \"dev\", \"require\" => \"valid-user\"), \"/digest/\" => (\"method\""
	    " => \"digest\", \"realm\" => \"dev\", \"require\" => \"valid-user\"))\n"
	    "url.redirect = (\"^/r1$\" => \"/r2\", \"^/r2$\" => \"/index.html\","
	    " \"^/loop$\" => \"/loop2\", \"^/loop2$\" => \"/loop\")\n"
	    "$SERVER[\"socket\"] == \"127.0.0.1:%d\" { ssl.engine = \"enable\"\n"
	    " ssl.pemfile = \"%s/server.pem\" }\n",
	    dir, port, dir, dir, tls_port, dir);
	snprintf(path, sizeof(path), "%s/lighttpd.conf", dir);
	if (tu_write_file(path, conf, strlen(conf)) != 0)
		return -1;
	if (spawn(argv, port) != 0 || tu_wait_tcp("127.0.0.1", tls_port, 5000) != 0)
		return -1;
	return 0;
}

static void
run_lua(const struct assay_probe_env *env, const char *code)
{
	lua_State *L = luaL_newstate();

	luaL_openlibs(L);
	assay_probe_env_set(L, env);
	lua_newtable(L);
	assay_probe_http_lua_register(L);
	assay_probe_cred_lua_register(L);
	lua_setglobal(L, "net");
	lua_pushinteger(L, port);
	lua_setglobal(L, "PORT");
	lua_pushinteger(L, tls_port);
	lua_setglobal(L, "TLS_PORT");
	if (luaL_dostring(L, code) != 0) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", lua_tostring(L, -1));
		lua_close(L);
		fail_msg("%s", msg);
	}
	lua_close(L);
}

static void
test_lighttpd(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 3000, 65536 };
	int rc;

	if ((rc = start_lighttpd()) == 1)
		skip();
	assert_int_equal(rc, 0);
	run_lua(&env,
	    "local base = 'http://127.0.0.1:' .. PORT\n"
	    "local r, e = net.http_request{url = base .. '/'}\n"
	    "assert(r, e)\n"
	    "assert(r.status == 200 and r.body == 'hello device\\n', r.body)\n"
	    "assert(r.headers['content-type'] == 'text/html', r.headers['content-type'])\n"
	    "assert(r.truncated == false and #r.redirects == 0 and r.tls == nil)\n"
	    /* body cap */
	    "r = assert(net.http_request{url = base .. '/big.txt', max_read = 1000})\n"
	    "assert(r.truncated == true and #r.body == 1000)\n"
	    "r = assert(net.http_request{url = base .. '/big.txt'})\n"
	    "assert(r.truncated == false and #r.body == 5000)\n"
	    /* redirects: chain, loop, not followed */
	    "r = assert(net.http_request{url = base .. '/r1', follow = true})\n"
	    "assert(r.status == 200 and #r.redirects == 2, #r.redirects)\n"
	    "assert(r.redirects[1] == base .. '/r2' and r.redirects[2] == base .. '/index.html')\n"
	    "r = assert(net.http_request{url = base .. '/loop', follow = 4})\n"
	    "assert(r.redirect_limit == true and #r.redirects == 4 and r.status == 301, r.status)\n"
	    "r = assert(net.http_request{url = base .. '/r1'})\n"
	    "assert(r.status == 301 and #r.redirects == 0 and r.headers.location:find('/r2$'))\n"
	    /* basic and digest */
	    "r = assert(net.http_request{url = base .. '/secret/'})\n"
	    "assert(r.status == 401)\n"
	    "r = assert(net.http_request{url = base .. '/secret/', user = 'admin', password = 'admin'})\n"
	    "assert(r.status == 200 and r.body == 'secret\\n')\n"
	    "r = assert(net.http_request{url = base .. '/secret/', user = 'admin', password = 'x'})\n"
	    "assert(r.status == 401)\n"
	    "r = assert(net.http_request{url = base .. '/digest/', user = 'admin', password = 'admin', auth = 'digest'})\n"
	    "assert(r.status == 200 and r.body == 'digest\\n', r.status)\n"
	    "r = assert(net.http_request{url = base .. '/digest/', user = 'admin', password = 'x', auth = 'digest'})\n"
	    "assert(r.status == 401)\n"
	    /* POST with headers */
	    "r = assert(net.http_request{url = base .. '/', method = 'POST', body = 'a=1',"
	    " headers = {['X-Test'] = 'yes'}})\n"
	    "assert(math.type(r.status) == 'integer')\n"
	    /* TLS: self-signed, not verified by default but reported */
	    "r, e = net.http_request{url = 'https://127.0.0.1:' .. TLS_PORT .. '/'}\n"
	    "assert(r, e)\n"
	    "assert(r.status == 200 and r.tls.verified == false and r.tls.verify_ok == false"
	    " and r.tls.verify_result ~= 0, tostring(r.status) .. ' ' .. tostring(r.tls and r.tls.verify_result))\n"
	    "r, e = net.http_request{url = 'https://127.0.0.1:' .. TLS_PORT .. '/', verify = true}\n"
	    "assert(r == nil and e:find('certificate'), e)\n"
	    /* caller bugs raise (ERROR), not values (probe/lua.h) */
	    "local ok, pe = pcall(net.http_request, {url = 'ftp://x/'})\n"
	    "assert(not ok and pe:find('http:// or https://'), pe)\n"
	    "ok, pe = pcall(net.http_request, {url = base .. '/', auth = 'ntlm', user = 'a'})\n"
	    "assert(not ok and pe:find('auth must be'), pe)\n"
	    /* credential runner over basic auth with the Mirai list */
	    "r, e = net.try_credentials{service = 'http-basic', url = base .. '/secret/', list = 'mirai'}\n"
	    "assert(r, e)\n"
	    "assert(r.attempts == 62 and #r.accepted == 1 and r.accepted[1][1] == 'admin'"
	    " and r.accepted[1][2] == 'admin', #r.accepted)\n");
	assay_budget_free(b);
}

static void
test_hostile(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 1000, 65536 };
	char script[512], p1[16], p2[16], p3[16], p4[16], listen[96], code[2048];
	char *big[] = { "python3", script, "bigheader", p1, NULL };
	char *rst[] = { "python3", script, "reset", p2, NULL };
	char *form[] = { "python3", script, "form", p3, NULL };
	char *silent[] = { "socat", listen, "SYSTEM:sleep 30", NULL };
	int q1 = tu_free_port(), q2 = tu_free_port(), q3 = tu_free_port(),
	    q4 = tu_free_port();

	if (!tu_have("python3") || !tu_have("socat"))
		skip();
	snprintf(script, sizeof(script), "%s", tu_src("tests/data/http_hostile.py"));
	snprintf(p1, sizeof(p1), "%d", q1);
	snprintf(p2, sizeof(p2), "%d", q2);
	snprintf(p3, sizeof(p3), "%d", q3);
	snprintf(p4, sizeof(p4), "%d", q4);
	snprintf(listen, sizeof(listen),
	    "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", q4);
	assert_int_equal(spawn(big, q1), 0);
	assert_int_equal(spawn(rst, q2), 0);
	assert_int_equal(spawn(form, q3), 0);
	assert_int_equal(spawn(silent, q4), 0);
	snprintf(code, sizeof(code),
	    "local r, e = net.http_request{url = 'http://127.0.0.1:%d/'}\n"
	    "assert(r == nil and e:find('response headers exceed'), e)\n"
	    "r, e = net.http_request{url = 'http://127.0.0.1:%d/'}\n"
	    "assert(r == nil and (e:find('reset') or e:find('closed')), e)\n"
	    "r, e = net.http_request{url = 'http://127.0.0.1:%d/', timeout_ms = 700}\n"
	    "assert(r == nil and e:find('^timeout'), e)\n"
	    "r, e = net.http_request{url = 'http://127.0.0.1:%d/'}\n"
	    "assert(r == nil and e == 'connection refused', e)\n"
	    "r, e = net.try_credentials{service = 'http-form',"
	    " url = 'http://127.0.0.1:%d/login', form = 'u=%%u&p=%%p',"
	    " failure_marker = 'Invalid', list = 'mirai', concurrency = 2}\n"
	    "assert(r, e)\n"
	    "assert(#r.accepted == 1 and r.accepted[1][1] == 'admin' and"
	    " r.accepted[1][2] == 'admin' and r.attempts == 62, #r.accepted)\n",
	    q1, q2, q4, tu_free_port(), q3);
	run_lua(&env, code);
	assay_budget_free(b);
}

/*
 * Requests stay on the device: a redirect to 127.0.0.2 (where a witness
 * server counts every request) or to ftp:// is not followed and is named
 * in redirect_refused; redirects to the same address or the same host
 * name are followed.  The witness must never be hit.
 */
static void
test_redirect_off_device(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 2000, 65536 };
	char script[512], p1[16], p2[16], hits[600], code[2048], *seen;
	char *redir[] = { "python3", script, "redirect", p1, p2, NULL };
	char *witness[] = { "python3", script, "witness", p2, hits, NULL };
	int q1 = tu_free_port(), q2 = tu_free_port();
	size_t len = 0;

	if (!tu_have("python3"))
		skip();
	dir = tu_mkdtemp("httpredir");
	assert_non_null(dir);
	snprintf(hits, sizeof(hits), "%s/hits", dir);
	snprintf(script, sizeof(script), "%s", tu_src("tests/data/http_hostile.py"));
	snprintf(p1, sizeof(p1), "%d", q1);
	snprintf(p2, sizeof(p2), "%d", q2);
	assert_int_equal(spawn(redir, q1), 0);
	assert_int_equal(spawn_at(witness, "127.0.0.2", q2), 0);
	snprintf(code, sizeof(code),
	    "local base = 'http://127.0.0.1:%d'\n"
	    "local r, e = net.http_request{url = base .. '/off', follow = true}\n"
	    "assert(r, e)\n"
	    "assert(r.status == 302 and #r.redirects == 0, r.status)\n"
	    "assert(r.redirect_refused == 'redirect to http://127.0.0.2:%d/stolen"
	    " refused: off the device', r.redirect_refused)\n"
	    "r = assert(net.http_request{url = base .. '/ftp', follow = true})\n"
	    "assert(r.status == 302 and r.redirect_refused =="
	    " 'redirect to ftp://127.0.0.1/x refused: scheme ftp is not http or"
	    " https', r.redirect_refused)\n"
	    "r = assert(net.http_request{url = base .. '/same', follow = true})\n"
	    "assert(r.status == 200 and r.body == 'end' and #r.redirects == 1"
	    " and r.redirect_refused == nil)\n"
	    /* by name: pinned to what localhost resolved to at the start */
	    "r = assert(net.http_request{url = 'http://localhost:%d/name',"
	    " follow = true})\n"
	    "assert(r.status == 200 and r.body == 'end' and #r.redirects == 1,"
	    " tostring(r.redirect_refused))\n"
	    "r = assert(net.http_request{url = 'http://localhost:%d/off',"
	    " follow = true})\n"
	    "assert(r.status == 302 and r.redirect_refused:find('off the device'))\n"
	    /* not following: nothing refused, nothing said */
	    "r = assert(net.http_request{url = base .. '/off'})\n"
	    "assert(r.status == 302 and r.redirect_refused == nil)\n",
	    q1, q2, q1, q1);
	run_lua(&env, code);
	seen = tu_read_file(hits, &len);
	if (seen != NULL && len > 0)
		fail_msg("the off-device server was hit: %s", seen);
	free(seen);
	assay_budget_free(b);
}

/*
 * Login judgement by the difference from the answer to no valid login:
 * a 302 to /login?error is a rejection, credentials that turn 401 into
 * 403 are not accepted, a resource that answers 200 to anyone has no
 * password to guess, and a form that answers 200 whatever is sent is not
 * "accepted" for every pair.  Before, every 2xx/3xx counted as accepted.
 */
static void
test_login_judgement(void **state)
{
	struct assay_budget *b = assay_budget_new(8, 1000);
	struct assay_probe_env env = { b, NULL, NULL, 2000, 65536 };
	char script[512], p1[16], code[4096];
	char *auth[] = { "python3", script, "auth", p1, NULL };
	int q1 = tu_free_port();

	if (!tu_have("python3"))
		skip();
	snprintf(script, sizeof(script), "%s", tu_src("tests/data/http_hostile.py"));
	snprintf(p1, sizeof(p1), "%d", q1);
	assert_int_equal(spawn(auth, q1), 0);
	snprintf(code, sizeof(code),
	    "local base = 'http://127.0.0.1:%d'\n"
	    "local pairs = {{'root','x'},{'guest','guest'},{'admin','admin'},"
	    " {'user','user'}}\n"
	    "local function only_admin(r, e, what)\n"
	    "  assert(r, e)\n"
	    "  assert(#r.accepted == 1 and r.accepted[1][1] == 'admin', what ..':'"
	    "   .. #r.accepted .. ' ' .. table.concat(r.outcomes, ','))\n"
	    "  assert(r.rejected == 3 and r.unreached == 0, what)\n"
	    "end\n"
	    "local r, e = net.try_credentials{service = 'http-basic',"
	    " url = base .. '/b302', pairs = pairs, concurrency = 1}\n"
	    "only_admin(r, e, 'b302')\n"
	    "r, e = net.try_credentials{service = 'http-basic',"
	    " url = base .. '/b403', pairs = pairs, concurrency = 1}\n"
	    "only_admin(r, e, 'b403')\n"
	    "r, e = net.try_credentials{service = 'http-form',"
	    " url = base .. '/f302', form = 'u=%%u&p=%%p', pairs = pairs,"
	    " concurrency = 1}\n"
	    "only_admin(r, e, 'f302')\n"
	    /* open resource: nothing to guess, one attempt, rest untried */
	    "r, e = net.try_credentials{service = 'http-basic',"
	    " url = base .. '/open', pairs = pairs, concurrency = 1}\n"
	    "assert(r, e)\n"
	    "assert(#r.accepted == 0 and r.no_password == true and"
	    " r.no_password_reason:find('answers 200 without credentials'),"
	    " tostring(r.no_password_reason))\n"
	    "assert(r.attempts == 1 and r.untried == 3)\n"
	    /* a form that says 200 to everyone accepts no one */
	    "r, e = net.try_credentials{service = 'http-form',"
	    " url = base .. '/f200', form = 'u=%%u&p=%%p', pairs = pairs,"
	    " concurrency = 1}\n"
	    "assert(r and #r.accepted == 0 and r.rejected == 4, e)\n"
	    /* the device never answers: nothing tried, said so */
	    "r, e = net.try_credentials{service = 'http-basic',"
	    " url = 'http://127.0.0.1:%d/', pairs = pairs}\n"
	    "assert(r and r.attempts == 0 and r.untried == 4 and"
	    " r.untried_reason:find('did not answer') and"
	    " r.last_error == 'connection refused', e)\n",
	    q1, tu_free_port());
	run_lua(&env, code);
	assay_budget_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_lighttpd, teardown),
		cmocka_unit_test_teardown(test_hostile, teardown),
		cmocka_unit_test_teardown(test_redirect_off_device, teardown),
		cmocka_unit_test_teardown(test_login_judgement, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
