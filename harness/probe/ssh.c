/*
 * probe_ssh.c - SSH identification, KEXINIT lists, password logins.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <lua.h>
#include <lauxlib.h>

#include "base/clock.h"
#include "base/error.h"
#include "probe/probe.h"
#include "probe/lua.h"
#include "probe/ssh.h"
#include "probe/conn.h"

#define BANNER_MAX	255	/* RFC 4253 4.2, including CR LF */
#define PRE_LINES_MAX	32	/* lines a server may send before it */
#define CLIENT_ID	"SSH-2.0-Assay_probe\r\n"

struct assay_ssh_info {
	char	 banner[BANNER_MAX + 1];
	char	*lists[ASSAY_SSH_NLISTS];
	/* The identification line being read (assay_ssh_ident_feed). */
	char	 line[BANNER_MAX + 1];
	size_t	 ll;
	int	 lines;
};

struct assay_ssh_info *
assay_ssh_info_new(void)
{
	return calloc(1, sizeof(struct assay_ssh_info));
}

void
assay_ssh_info_free(struct assay_ssh_info *info)
{
	int i;

	if (info == NULL)
		return;
	for (i = 0; i < ASSAY_SSH_NLISTS; i++)
		free(info->lists[i]);
	free(info);
}

const char *
assay_ssh_info_banner(const struct assay_ssh_info *info)
{
	return info->banner;
}

const char *
assay_ssh_info_list(const struct assay_ssh_info *info, enum assay_ssh_list w)
{
	if ((int)w < 0 || w >= ASSAY_SSH_NLISTS || info->lists[w] == NULL)
		return "";
	return info->lists[w];
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
assay_ssh_kexinit_parse(struct assay_ssh_info *info, const unsigned char *p,
    size_t len)
{
	size_t off = 17;	/* message number + 16-byte cookie */
	uint32_t n;
	int i;

	if (len < off || p[0] != 20)
		return ASSAY_ERR_PARSE;
	for (i = 0; i < ASSAY_SSH_NLISTS; i++) {
		if (len - off < 4)
			return ASSAY_ERR_PARSE;
		n = get32(p + off);
		off += 4;
		if (n > len - off)
			return ASSAY_ERR_PARSE;
		free(info->lists[i]);
		if ((info->lists[i] = malloc((size_t)n + 1)) == NULL)
			return ASSAY_ERR_ALLOC;
		memcpy(info->lists[i], p + off, n);
		info->lists[i][n] = '\0';
		if (memchr(info->lists[i], '\0', n) != NULL)
			return ASSAY_ERR_PARSE;
		/*
		 * RFC 4253 7.1: each of these lists (not the language
		 * lists after them) names at least one algorithm ("none" is
		 * a name).  A KEXINIT that offers nothing has shown no
		 * algorithm at all, so nothing may be judged from it.
		 */
		if (n == 0)
			return ASSAY_ERR_PARSE;
		off += n;
	}
	return 0;
}

/*
 * Reads exactly len bytes by the connection's deadline.  0 ok, else err
 * set ("timeout after N bytes", "connection closed after N bytes", ...).
 */
static int
read_exact(struct assay_conn *c, unsigned char *p, size_t len, char *err,
    size_t err_len)
{
	long n;

	while (len > 0) {
		if ((n = assay_conn_recv(c, p, len, 0)) == 0) {
			snprintf(err, err_len, "timeout after %zu bytes",
			    assay_conn_nread(c));
			return -1;
		}
		if (n < 0) {
			snprintf(err, err_len, "%s", assay_conn_why(c));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
assay_ssh_ident_feed(struct assay_ssh_info *info, unsigned char c, char *err,
    size_t err_len)
{
	if (c != '\n') {
		if (info->ll >= BANNER_MAX) {
			snprintf(err, err_len, "identification line longer than "
			    "%d bytes", BANNER_MAX);
			return -1;
		}
		info->line[info->ll++] = (char)c;
		return 0;
	}
	if (info->ll > 0 && info->line[info->ll - 1] == '\r')
		info->ll--;
	info->line[info->ll] = '\0';
	if (strncmp(info->line, "SSH-", 4) == 0) {
		memcpy(info->banner, info->line, info->ll + 1);
		info->ll = 0;
		return 1;
	}
	info->ll = 0;
	if (info->lines++ >= PRE_LINES_MAX) {
		snprintf(err, err_len, "no SSH identification in %d lines",
		    PRE_LINES_MAX);
		return -1;
	}
	return 0;
}

/* Reads one byte through the connection's read-ahead. */
static int
read_byte(struct assay_conn *c, unsigned char *ch, char *err, size_t err_len)
{
	if (assay_conn_read_exact(c, ch, 1, "the identification") == 0)
		return 0;
	if (assay_conn_timed_out(c))
		snprintf(err, err_len, "timeout after %zu bytes",
		    assay_conn_nread(c));
	else
		snprintf(err, err_len, "%s", assay_conn_why(c));
	return -1;
}

/* What the banner grab may read: the lines before, the KEXINIT packet. */
#define INFO_MAX_READ	((PRE_LINES_MAX + 1) * (BANNER_MAX + 1) + 5 + \
			    ASSAY_SSH_MAX_PACKET)

int
assay_probe_ssh_info(const struct assay_probe_env *env, const char *host,
    int port, int timeout_ms, struct assay_ssh_info **infop, char *err,
    size_t err_len)
{
	struct assay_ssh_info *info = NULL;
	struct assay_conn *conn = NULL;
	unsigned char *pkt = NULL, hdr[5], c;
	char channel[96];
	uint32_t plen;
	int r = 0;

	*infop = NULL;
	err[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
		    ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	snprintf(channel, sizeof(channel), "ssh %s:%d", host, port);
	if ((info = assay_ssh_info_new()) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = assay_conn_open(env, host, (unsigned int)port, SOCK_STREAM,
	    timeout_ms, INFO_MAX_READ, channel, &conn)) != 0)
		goto out;
	if (!assay_conn_ok(conn)) {
		snprintf(err, err_len, "%s", assay_conn_why(conn));
		goto out;
	}
	assay_conn_set_deadline(conn, timeout_ms);
	/* Identification: lines before "SSH-" are allowed, each capped. */
	do {
		if (read_byte(conn, &c, err, err_len) != 0)
			goto out;
	} while ((r = assay_ssh_ident_feed(info, c, err, err_len)) == 0);
	r = 0;
	if (err[0] != '\0')
		goto out;
	if (assay_conn_write(conn, CLIENT_ID, strlen(CLIENT_ID), NULL) != 0) {
		snprintf(err, err_len, "connection reset after %zu bytes",
		    assay_conn_nread(conn));
		goto out;
	}
	if (read_exact(conn, hdr, 5, err, err_len) != 0)
		goto out;
	plen = get32(hdr);
	if (plen < 2 || plen > ASSAY_SSH_MAX_PACKET || hdr[4] >= plen) {
		snprintf(err, err_len, "garbage: packet length %u after the "
		    "identification", plen);
		goto out;
	}
	if ((pkt = malloc(plen)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if (read_exact(conn, pkt, plen - 1, err, err_len) != 0)
		goto out;
	if ((r = assay_ssh_kexinit_parse(info, pkt, plen - 1 - hdr[4])) != 0) {
		if (r == ASSAY_ERR_ALLOC)
			goto out;
		r = 0;
		snprintf(err, err_len, "garbage: malformed KEXINIT (%u bytes)", plen);
		goto out;
	}
	*infop = info;
	info = NULL;
out:
	if (err[0] != '\0')
		assay_probe_note(env, channel, "%s", err);
	free(pkt);
	assay_conn_close(conn, 0);
	assay_ssh_info_free(info);
	return r;
}

/*
 * Why ssh_connect() failed.  libssh leaves its error text empty for some
 * garbage (a KEXINIT whose name-list runs past the packet): then say how
 * far the handshake got, with the server's identification when it sent
 * one, never an empty reason.
 */
static void
connect_failure(ssh_session s, char *detail, size_t detail_len)
{
	const char *e = ssh_get_error(s), *banner;

	if (e != NULL && e[0] != '\0') {
		snprintf(detail, detail_len, "ssh connect failed: %s", e);
		return;
	}
	if ((banner = ssh_get_serverbanner(s)) != NULL)
		snprintf(detail, detail_len, "ssh connect failed: the key "
		    "exchange broke off after the identification \"%.80s\" "
		    "(malformed KEXINIT or packet from the server)", banner);
	else
		snprintf(detail, detail_len, "ssh connect failed: no SSH "
		    "identification from the server");
}

/*
 * Tells the budget when ssh_connect() met no answer before any
 * identification (timed out, no route): a timeout.  Answers are not told:
 * libssh does not say how long the TCP connect alone took, and a slow key
 * exchange is not a connect latency.
 */
static void
connect_feedback(struct assay_budget *b, ssh_session s, long long ns)
{
	const char *e = ssh_get_error(s);

	if (ssh_get_serverbanner(s) != NULL || e == NULL)
		return;
	if (strstr(e, "imeout") != NULL || strstr(e, "timed out") != NULL ||
	    strstr(e, "unreachable") != NULL)
		assay_budget_feedback(b, ASSAY_BUDGET_TIMEOUT, ns);
}

int
assay_probe_ssh_login(const struct assay_probe_env *env, const char *host,
    int port, const char *user, const char *password, int timeout_ms,
    int *outcome, char *detail, size_t detail_len)
{
	struct assay_budget *b = env != NULL ? env->budget : NULL;
	ssh_session s = NULL;
	char channel[96];
	long tmo_s;
	size_t n;
	long long t0;
	int rc, verbosity = SSH_LOG_NOLOG, no = 0, r = 0, methods, round, np, i;

	if (host == NULL || user == NULL || password == NULL || outcome == NULL)
		return ASSAY_ERR_INVALID_ARG;
	*outcome = ASSAY_AUTH_UNREACHED;
	detail[0] = '\0';
	if (timeout_ms <= 0)
		timeout_ms = env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
		    ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	tmo_s = (timeout_ms + 999) / 1000;
	snprintf(channel, sizeof(channel), "ssh %s:%d", host, port);
	if (assay_budget_acquire(b, timeout_ms) != 0)
		return ASSAY_ERR_BUDGET;
	if ((s = ssh_new()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if (ssh_options_set(s, SSH_OPTIONS_HOST, host) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &tmo_s) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0) {
		r = ASSAY_ERR_INTERNAL;
		goto out;
	}
	t0 = assay_clock_ns();
	if (ssh_connect(s) != SSH_OK) {
		connect_failure(s, detail, detail_len);
		connect_feedback(b, s, assay_clock_ns() - t0);
		goto out;
	}
	/*
	 * "none" first: it answers with the methods the server offers, so a
	 * server without any password method is told apart from one that
	 * rejects the password.
	 */
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS) {
		*outcome = ASSAY_AUTH_ACCEPTED;
		snprintf(detail, detail_len, "accepted without a password "
		    "(method none)");
		goto disconnect;
	}
	if (rc == SSH_AUTH_ERROR) {
		snprintf(detail, detail_len, "ssh authentication failed: %s",
		    ssh_get_error(s));
		goto disconnect;
	}
	methods = ssh_userauth_list(s, NULL);
	if ((methods & (SSH_AUTH_METHOD_PASSWORD |
	    SSH_AUTH_METHOD_INTERACTIVE)) == 0) {
		*outcome = ASSAY_AUTH_NO_PASSWORD;
		snprintf(detail, detail_len, "no password to guess: server "
		    "offers %s%s%s%s", methods == 0 ? "no method" : "",
		    methods & SSH_AUTH_METHOD_PUBLICKEY ? "publickey " : "",
		    methods & SSH_AUTH_METHOD_HOSTBASED ? "hostbased " : "",
		    methods & SSH_AUTH_METHOD_GSSAPI_MIC ? "gssapi-with-mic " :
		    "");
		n = strlen(detail);
		if (n > 0 && detail[n - 1] == ' ')
			detail[n - 1] = '\0';
		goto disconnect;
	}
	assay_probe_note(env, channel, "userauth %s as \"%s\"",
	    methods & SSH_AUTH_METHOD_PASSWORD ? "password" :
	    "keyboard-interactive", user);
	assay_probe_record(env, channel, "sent", password, strlen(password));
	if (methods & SSH_AUTH_METHOD_PASSWORD)
		rc = ssh_userauth_password(s, NULL, password);
	else {
		/* Keyboard-interactive: the password answers every prompt. */
		rc = ssh_userauth_kbdint(s, NULL, NULL);
		for (round = 0; rc == SSH_AUTH_INFO && round < 4; round++) {
			np = ssh_userauth_kbdint_getnprompts(s);
			for (i = 0; i < np; i++)
				if (ssh_userauth_kbdint_setanswer(s,
				    (unsigned int)i, password) < 0)
					break;
			rc = ssh_userauth_kbdint(s, NULL, NULL);
		}
	}
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		*outcome = ASSAY_AUTH_ACCEPTED;
		snprintf(detail, detail_len, "password accepted");
		break;
	case SSH_AUTH_PARTIAL:
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "password accepted but another "
		    "method is required");
		break;
	case SSH_AUTH_DENIED:
	case SSH_AUTH_INFO:
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: password denied");
		break;
	default:
		snprintf(detail, detail_len, "ssh authentication failed: %s",
		    ssh_get_error(s));
		break;
	}
 disconnect:
	ssh_disconnect(s);
out:
	if (detail[0] != '\0')
		assay_probe_note(env, channel, "%s", detail);
	ssh_free(s);
	assay_budget_release(b);
	return r;
}

/* ---- Lua (contract: probe/lua.h) ---- */

/* Pushes a Lua array of the comma-separated names in s. */
static void
push_names(lua_State *L, const char *s)
{
	const char *c;
	int i = 1;

	lua_newtable(L);
	while (*s != '\0') {
		c = strchr(s, ',');
		lua_pushlstring(L, s, c != NULL ? (size_t)(c - s) : strlen(s));
		lua_rawseti(L, -2, i++);
		if (c == NULL)
			break;
		s = c + 1;
	}
}

static void
info_free(void *p)
{
	assay_ssh_info_free(p);
}

/* ssh_info{host=, port=, timeout_ms=} -> table | nil, reason */
static int
l_ssh_info(lua_State *L)
{
	static const char *const known[] = { "host", "port", "timeout_ms",
	    NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_ssh_info **box;
	const char *host;
	char err[256] = "";
	const struct assay_ssh_info *info;
	int r, port, timeout;

	assay_lua_opts(L, "ssh_info", known);
	host = assay_lua_host(L, "ssh_info");
	port = assay_lua_port(L, "ssh_info", 0);
	timeout = assay_lua_timeout(L, "ssh_info");
	box = (struct assay_ssh_info **)assay_lua_box(L, info_free);
	r = assay_probe_ssh_info(env, host, port, timeout, box, err,
	    sizeof(err));
	if (r != 0)
		return assay_lua_harness_error(L, "ssh_info", r, timeout);
	if (*box == NULL)
		return assay_lua_fail(L, err);
	info = *box;
	lua_createtable(L, 0, 10);
	lua_pushstring(L, info->banner);
	lua_setfield(L, -2, "banner");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_KEX));
	lua_setfield(L, -2, "kex");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_HOSTKEY));
	lua_setfield(L, -2, "hostkey");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_CIPHERS_S2C));
	lua_setfield(L, -2, "ciphers");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_MACS_S2C));
	lua_setfield(L, -2, "macs");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_CIPHERS_C2S));
	lua_setfield(L, -2, "ciphers_c2s");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_MACS_C2S));
	lua_setfield(L, -2, "macs_c2s");
	push_names(L, assay_ssh_info_list(info, ASSAY_SSH_COMP_S2C));
	lua_setfield(L, -2, "compression");
	return 1;
}

/*
 * ssh_login{host=, port=, user=, password=, timeout_ms=}
 * -> true|false|nil, detail, outcome name
 */
static int
l_ssh_login(lua_State *L)
{
	static const char *const known[] = { "host", "port", "user",
	    "password", "timeout_ms", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const char *host, *user, *pass;
	char detail[256];
	int port, timeout, outcome, r;

	assay_lua_opts(L, "ssh_login", known);
	host = assay_lua_host(L, "ssh_login");
	port = assay_lua_port(L, "ssh_login", 0);
	if ((user = assay_lua_opt_str(L, "ssh_login", "user", NULL)) == NULL)
		return assay_lua_argerror(L, "ssh_login", "user is required");
	if ((pass = assay_lua_opt_str(L, "ssh_login", "password", NULL)) == NULL)
		return assay_lua_argerror(L, "ssh_login", "password is required");
	timeout = assay_lua_timeout(L, "ssh_login");
	r = assay_probe_ssh_login(env, host, port, user, pass, timeout,
	    &outcome, detail, sizeof(detail));
	if (r != 0)
		return assay_lua_harness_error(L, "ssh_login", r, timeout);
	if (outcome == ASSAY_AUTH_UNREACHED || outcome == ASSAY_AUTH_NO_PASSWORD)
		lua_pushnil(L);
	else
		lua_pushboolean(L, outcome == ASSAY_AUTH_ACCEPTED);
	lua_pushstring(L, detail);
	lua_pushstring(L, assay_auth_outcome_name(outcome));
	return 3;
}

void
assay_probe_ssh_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_ssh_info);
	lua_setfield(L, -2, "ssh_info");
	lua_pushcfunction(L, l_ssh_login);
	lua_setfield(L, -2, "ssh_login");
}
