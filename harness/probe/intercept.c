/*
 * probe/intercept.c - stand in for the server of one of the device's
 * outbound TLS channels with a flawed certificate, one variant per
 * connection, and record what the device did (probe/intercept.h).
 *
 * The device is the client here, so every byte it sends is hostile:
 * the ClientHello is read through OpenSSL's client-hello callback
 * (extensions bounded by OpenSSL), application data only counted up to
 * a cap and classified by its first bytes; nothing is kept in clear.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/tls1.h>

#include "base/error.h"
#include "forms/forms.h"
#include "probe/gateway.h"
#include "probe/intercept.h"
#include "probe/lua.h"
#include "probe/probe.h"

static const char *const variant_names[ASSAY_ICPT_NVARIANTS] = {
	"self-signed", "wrong-host", "expired", "untrusted-ca", "tls1.0",
	"control"
};

const char *
assay_icpt_variant_name(enum assay_icpt_variant v)
{
	return (unsigned)v < ASSAY_ICPT_NVARIANTS ? variant_names[v] : NULL;
}

int
assay_icpt_variant_find(const char *name)
{
	int i;

	for (i = 0; i < ASSAY_ICPT_NVARIANTS; i++)
		if (strcmp(variant_names[i], name) == 0)
			return i;
	return -1;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *
version_name(unsigned v)
{
	switch (v) {
	case 0x0300:
		return "SSLv3";
	case TLS1_VERSION:
		return "TLSv1.0";
	case TLS1_1_VERSION:
		return "TLSv1.1";
	case TLS1_2_VERSION:
		return "TLSv1.2";
	case TLS1_3_VERSION:
		return "TLSv1.3";
	}
	return NULL;	/* GREASE and unknown values are left out */
}

static void
add_version(char *out, size_t len, unsigned v)
{
	const char *n = version_name(v);
	size_t o = strlen(out);

	if (n == NULL || strstr(out, n) != NULL)
		return;
	snprintf(out + o, len - o, "%s%s", o ? " " : "", n);
}

/*
 * Reads SNI and the offered versions off the ClientHello.  Lengths come
 * from the device: each is checked against what OpenSSL handed over.
 */
static int
on_client_hello(SSL *s, int *al, void *arg)
{
	struct assay_icpt_result *r = arg;
	const unsigned char *p;
	size_t len, n, i;
	char name[256];

	(void)al;
	if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &p,
	    &len) == 1 && len >= 5) {
		/* list length (2), type host_name (1), name length (2) */
		n = ((size_t)p[3] << 8) | p[4];
		if (p[2] == 0 && n > 0 && n <= len - 5 && n < sizeof(name)) {
			for (i = 0; i < n; i++) {
				unsigned char c = p[5 + i];

				name[i] = c > 0x20 && c < 0x7f ? (char)c : '?';
			}
			name[n] = '\0';
			snprintf(r->sni, sizeof(r->sni), "%s", name);
		}
	}
	r->offered[0] = '\0';
	if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_supported_versions, &p,
	    &len) == 1 && len >= 1) {
		n = p[0];
		for (i = 1; i + 1 < len && i + 1 <= n; i += 2)
			add_version(r->offered, sizeof(r->offered),
			    ((unsigned)p[i] << 8) | p[i + 1]);
	} else {
		/* Without the extension: every version up to the legacy one. */
		unsigned v = SSL_client_hello_get0_legacy_version(s), k;

		for (k = TLS1_VERSION; k <= v && k <= TLS1_2_VERSION; k++)
			add_version(r->offered, sizeof(r->offered), k);
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* The first alert the device sends. */
static void
on_info(const SSL *s, int where, int ret)
{
	struct assay_icpt_result *r = SSL_get_app_data(s);

	if (r == NULL || (where & SSL_CB_READ_ALERT) == 0 || r->alert)
		return;
	r->alert = 1;
	r->alert_code = ret & 0xff;
	snprintf(r->alert_desc, sizeof(r->alert_desc), "%s",
	    SSL_alert_desc_string_long(ret));
}

static const char *
classify(const unsigned char *p, size_t n)
{
	static const char *const methods[] = { "GET ", "POST ", "PUT ",
	    "HEAD ", "DELETE ", "OPTIONS ", "PATCH " };
	size_t i, l;

	if (n == 0)
		return NULL;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		l = strlen(methods[i]);
		if (n >= l && memcmp(p, methods[i], l) == 0)
			return "http";
	}
	/* MQTT CONNECT: packet type 1, no flags, then "MQTT" or "MQIsdp". */
	if (p[0] == 0x10)
		return "mqtt";
	return "other";
}

/*
 * Waits until fd is ready for what the TLS layer wants, or the deadline
 * end passes.  1 ready, 0 not (time is up, or poll failed).
 */
static int
wait_io(int fd, int want, double end)
{
	struct pollfd pfd;
	int left, n;

	for (;;) {
		left = (int)((end - now_s()) * 1000);
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = want == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
		if ((n = poll(&pfd, 1, left)) < 0 && errno == EINTR)
			continue;
		return n > 0;
	}
}

/*
 * OpenSSL writes with write(): a device that has gone raises SIGPIPE.
 * The program's dispositions are not ours: block it in this thread while
 * TLS runs and discard one raised meanwhile (as probe/mqtt.c does).
 */
static void
sigpipe_block(sigset_t *old, int *was_pending)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
}

static void
sigpipe_restore(const sigset_t *old, int was_pending)
{
	struct timespec zero = { 0, 0 };
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Silence after application data that ends the reading (a request sent). */
#define ICPT_QUIET_MS	300

/*
 * One connection: handshake with ctx, then count what the device sends.
 * The socket is non-blocking and each phase has one deadline (read_ms
 * for the handshake, read_ms for the data after it), so a device that
 * trickles a byte at a time cannot stretch either; the data phase also
 * ends ICPT_QUIET_MS after the last data.
 */
static void
serve_tls(int cfd, SSL_CTX *ctx, int read_ms, struct assay_icpt_result *r)
{
	unsigned char buf[4096];
	SSL *s;
	double end, quiet;
	int n, e, fl;

	if ((fl = fcntl(cfd, F_GETFL)) == -1 ||
	    fcntl(cfd, F_SETFL, fl | O_NONBLOCK) == -1) {
		snprintf(r->reason, sizeof(r->reason), "harness: fcntl: %s",
		    strerror(errno));
		return;
	}
	SSL_CTX_set_client_hello_cb(ctx, on_client_hello, r);
	SSL_CTX_set_info_callback(ctx, on_info);
	if ((s = SSL_new(ctx)) == NULL || SSL_set_fd(s, cfd) != 1) {
		snprintf(r->reason, sizeof(r->reason), "harness: cannot make "
		    "a TLS session");
		SSL_free(s);
		return;
	}
	SSL_set_app_data(s, r);
	end = now_s() + read_ms / 1000.0;
	while ((n = SSL_accept(s)) != 1) {
		e = SSL_get_error(s, n);
		if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
		    wait_io(cfd, e, end))
			continue;
		if (r->alert)
			snprintf(r->reason, sizeof(r->reason), "the device "
			    "sent alert %d (%s)", r->alert_code, r->alert_desc);
		else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			snprintf(r->reason, sizeof(r->reason), "handshake not "
			    "completed within %d ms", read_ms);
		else
			snprintf(r->reason, sizeof(r->reason), "handshake "
			    "failed: %s", ERR_peek_error() != 0 ?
			    ERR_reason_error_string(ERR_peek_error()) :
			    "the device closed the connection");
		goto out;
	}
	r->handshake = 1;
	snprintf(r->version, sizeof(r->version), "%s", SSL_get_version(s));
	snprintf(r->cipher, sizeof(r->cipher), "%s", SSL_get_cipher_name(s));
	end = now_s() + read_ms / 1000.0;
	quiet = end;
	while (r->app_data < ASSAY_ICPT_MAX_APP_DATA) {
		if ((n = SSL_read(s, buf, sizeof(buf))) > 0) {
			if (r->app_data == 0)
				r->first = classify(buf, (size_t)n);
			r->app_data += (size_t)n;
			/*
			 * Once data came, a pause ends the reading: the device
			 * has sent its request and waits for an answer that
			 * never comes.  What it sent already shows it accepted.
			 */
			quiet = now_s() + ICPT_QUIET_MS / 1000.0;
			if (quiet > end)
				quiet = end;
			continue;
		}
		e = SSL_get_error(s, n);
		if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
		    wait_io(cfd, e, quiet))
			continue;
		break;
	}
	if (r->app_data >= ASSAY_ICPT_MAX_APP_DATA) {
		r->app_data = ASSAY_ICPT_MAX_APP_DATA;
		r->app_capped = 1;
	}
	(void)SSL_shutdown(s);	/* once, not waited for */
 out:
	SSL_free(s);
	ERR_clear_error();
}

static void
serve(int cfd, SSL_CTX *ctx, int read_ms, struct assay_icpt_result *r)
{
	sigset_t old;
	int was;

	sigpipe_block(&old, &was);
	serve_tls(cfd, ctx, read_ms, r);
	sigpipe_restore(&old, was);
}

static void
note(const struct assay_probe_env *env, const char *host, int port,
    const struct assay_icpt_result *r)
{
	const char *v = assay_icpt_variant_name(r->variant);

	if (r->skipped) {
		assay_probe_note(env, "intercept", "%s:%d variant %s: skipped: %s",
		    host, port, v, r->reason);
		return;
	}
	if (!r->connected) {
		assay_probe_note(env, "intercept", "%s:%d variant %s (issuer "
		    "%s): %s", host, port, v, r->issuer, r->reason);
		return;
	}
	assay_probe_note(env, "intercept", "%s:%d variant %s (issuer %s): "
	    "connection from %s, SNI %s, offered %s; handshake %s%s%s%s; "
	    "%zu bytes of application data%s%s after it; %.1f s", host,
	    port, v, r->issuer, r->peer, r->sni[0] ? r->sni : "(none)",
	    r->offered[0] ? r->offered : "(unknown)",
	    r->handshake ? "completed " : "not completed",
	    r->handshake ? r->version : "", r->handshake ? " " : "",
	    r->handshake ? r->cipher : "", r->app_data,
	    r->app_capped ? " (counted up to the cap)" : "",
	    r->first != NULL ? (strcmp(r->first, "http") == 0 ? ", HTTP" :
	    strcmp(r->first, "mqtt") == 0 ? ", MQTT" : ", other protocol") : "",
	    r->seconds);
	if (r->alert)
		assay_probe_note(env, "intercept", "%s:%d variant %s: the device "
		    "sent TLS alert %d (%s)", host, port, v, r->alert_code,
		    r->alert_desc);
}

int
assay_intercept_run(struct assay_gw *gw, const char *host, int port,
    const enum assay_icpt_variant *variants, size_t nv, int wait_ms,
    int read_ms, const struct assay_probe_env *env,
    struct assay_icpt_result *out, char *why, size_t wlen)
{
	enum assay_gw_cert kind;
	SSL_CTX *ctx;
	double t0;
	size_t i;
	int lfd = -1, cfd, r, tls10;

	if (why != NULL && wlen > 0)
		why[0] = '\0';
	for (i = 0; i < nv; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].variant = variants[i];
	}
	if ((r = assay_gw_listen(gw, port, &lfd, why, wlen)) != 0) {
		for (i = 0; i < nv; i++) {
			out[i].skipped = 1;
			snprintf(out[i].reason, sizeof(out[i].reason), "%s", why);
		}
		return r == ASSAY_ERR_NETWORK ? 0 : r;
	}
	for (i = 0; i < nv; i++) {
		struct assay_icpt_result *res = &out[i];

		tls10 = 0;
		switch (variants[i]) {
		case ASSAY_ICPT_SELF_SIGNED:
			kind = ASSAY_GW_SELF_SIGNED;
			break;
		case ASSAY_ICPT_WRONG_HOST:
			kind = ASSAY_GW_WRONG_HOST;
			break;
		case ASSAY_ICPT_EXPIRED:
			kind = ASSAY_GW_EXPIRED;
			break;
		case ASSAY_ICPT_UNTRUSTED_CA:
			kind = ASSAY_GW_UNTRUSTED_CA;
			break;
		case ASSAY_ICPT_TLS10:
			/*
			 * The identity when there is one, so that only the
			 * version is wrong; else an untrusted certificate.
			 */
			tls10 = 1;
			kind = assay_forms_identity_for_host(assay_gw_forms(gw),
			    host) != NULL ? ASSAY_GW_IDENTITY :
			    ASSAY_GW_UNTRUSTED_CA;
			break;
		case ASSAY_ICPT_CONTROL:
		default:
			kind = ASSAY_GW_IDENTITY;
			break;
		}
		r = assay_gw_server_ctx(gw, host, kind, tls10, &ctx,
		    &res->issuer, res->reason, sizeof(res->reason));
		if (r != 0 && r != ASSAY_ERR_CRYPTO)
			goto out;
		if (ctx == NULL) {
			res->skipped = 1;
			res->issuer = NULL;
			if (res->reason[0] == '\0')
				snprintf(res->reason, sizeof(res->reason),
				    "no certificate for this variant");
			note(env, host, port, res);
			r = 0;
			continue;
		}
		t0 = now_s();
		r = assay_gw_accept(gw, lfd, wait_ms, &cfd, res->peer,
		    sizeof(res->peer));
		if (r != 0) {
			SSL_CTX_free(ctx);
			goto out;
		}
		if (cfd == -1)
			snprintf(res->reason, sizeof(res->reason), "no "
			    "connection from the device within %d ms", wait_ms);
		else {
			res->connected = 1;
			serve(cfd, ctx, read_ms, res);
			close(cfd);
		}
		res->seconds = now_s() - t0;
		SSL_CTX_free(ctx);
		note(env, host, port, res);
	}
	r = 0;
 out:
	close(lfd);
	return r;
}

/* --- Lua ------------------------------------------------------------------ */

static const char FN[] = "intercept";

static int
push_result(lua_State *L, struct assay_gw *gw, const char *channel,
    const char *host, int port, const struct assay_icpt_result *res,
    size_t nv)
{
	char name[300];
	size_t i, n;
	int answered;

	lua_createtable(L, 0, 5);
	lua_pushstring(L, channel);
	lua_setfield(L, -2, "channel");
	lua_pushstring(L, host);
	lua_setfield(L, -2, "host");
	lua_pushinteger(L, port);
	lua_setfield(L, -2, "port");
	n = assay_gw_dns_count(gw);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		if (assay_gw_dns_name(gw, i, name, sizeof(name), &answered) != 0)
			break;
		lua_createtable(L, 0, 2);
		lua_pushstring(L, name);
		lua_setfield(L, -2, "name");
		lua_pushboolean(L, answered);
		lua_setfield(L, -2, "answered");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "dns");
	lua_createtable(L, (int)nv, 0);
	for (i = 0; i < nv; i++) {
		const struct assay_icpt_result *r = &res[i];
		const char *p, *q;
		int k = 0;

		lua_createtable(L, 0, 16);
		lua_pushstring(L, assay_icpt_variant_name(r->variant));
		lua_setfield(L, -2, "name");
		if (r->issuer != NULL) {
			lua_pushstring(L, r->issuer);
			lua_setfield(L, -2, "issuer");
		}
		lua_pushboolean(L, r->skipped);
		lua_setfield(L, -2, "skipped");
		lua_pushboolean(L, r->connected);
		lua_setfield(L, -2, "connected");
		if (r->reason[0] != '\0') {
			lua_pushstring(L, r->reason);
			lua_setfield(L, -2, "reason");
		}
		if (r->connected) {
			lua_pushstring(L, r->peer);
			lua_setfield(L, -2, "peer");
			if (r->sni[0] != '\0') {
				lua_pushstring(L, r->sni);
				lua_setfield(L, -2, "sni");
			}
			lua_newtable(L);
			for (p = r->offered; *p != '\0'; p = *q ? q + 1 : q) {
				q = strchr(p, ' ');
				if (q == NULL)
					q = p + strlen(p);
				lua_pushlstring(L, p, (size_t)(q - p));
				lua_rawseti(L, -2, ++k);
			}
			lua_setfield(L, -2, "offered");
			lua_pushboolean(L, r->handshake);
			lua_setfield(L, -2, "handshake");
			if (r->handshake) {
				lua_pushstring(L, r->version);
				lua_setfield(L, -2, "version");
				lua_pushstring(L, r->cipher);
				lua_setfield(L, -2, "cipher");
			}
			if (r->alert) {
				lua_createtable(L, 0, 2);
				lua_pushinteger(L, r->alert_code);
				lua_setfield(L, -2, "code");
				lua_pushstring(L, r->alert_desc);
				lua_setfield(L, -2, "description");
				lua_setfield(L, -2, "alert");
			}
			lua_pushinteger(L, (lua_Integer)r->app_data);
			lua_setfield(L, -2, "app_data");
			if (r->app_capped) {
				lua_pushboolean(L, 1);
				lua_setfield(L, -2, "app_data_capped");
			}
			if (r->first != NULL) {
				lua_pushstring(L, r->first);
				lua_setfield(L, -2, "first");
			}
			lua_pushboolean(L, r->handshake && r->app_data > 0);
			lua_setfield(L, -2, "accepted");
		}
		lua_pushnumber(L, r->seconds);
		lua_setfield(L, -2, "seconds");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "variants");
	return 1;
}

/* The names the device asked the gateway, as one note (16 at most). */
static void
dns_note(const struct assay_probe_env *env, struct assay_gw *gw)
{
	char list[900], name[300];
	size_t i, n = assay_gw_dns_count(gw), o = 0;
	int answered, k;

	list[0] = '\0';
	for (i = 0; i < n && i < 16; i++) {
		if (assay_gw_dns_name(gw, i, name, sizeof(name), &answered) != 0)
			break;
		k = snprintf(list + o, sizeof(list) - o, "%s%s (%s)", i ? ", " :
		    "", name, answered ? "answered" : "not answered");
		if (k < 0 || (size_t)k >= sizeof(list) - o)
			break;
		o += (size_t)k;
	}
	if (n == 0)
		assay_probe_note(env, "intercept", "DNS at %s: the device asked "
		    "no name", assay_gw_address(gw));
	else
		assay_probe_note(env, "intercept", "DNS at %s: %zu name%s asked: "
		    "%s%s", assay_gw_address(gw), n, n == 1 ? "" : "s", list,
		    n > i ? ", ..." : "");
}

struct icpt_call;

/*
 * One channel of a call: its endpoint, its variants' results, and what
 * its thread returned.  Channels run side by side, each on its own port
 * and thread (the device's clients of different channels do not wait for
 * one another, so neither does Assay).
 */
struct icpt_job {
	const struct icpt_call		*call;
	const char			*channel;	/* in the options table */
	char				 host[256];
	int				 port;
	struct assay_icpt_result	 res[ASSAY_ICPT_NVARIANTS];
	char				 why[512];	/* set: not served */
	int				 r;
};

/* What every channel of a call shares, and the channels. */
struct icpt_call {
	struct assay_gw			*gw;
	const struct assay_probe_env	*env;
	enum assay_icpt_variant		 v[ASSAY_ICPT_NVARIANTS];
	size_t				 nv;
	int				 wait_ms, read_ms;
	struct icpt_job			 job[ASSAY_ICPT_MAX_CHANNELS];
};

static void
call_free(void *p)
{
	struct icpt_call *c = p;

	if (c == NULL)
		return;
	assay_gw_close(c->gw);
	free(c);
}

/* Stops the gateway now (its ports and DNS), not when Lua collects the box. */
static void
call_end(void **slot)
{
	call_free(*slot);
	*slot = NULL;
}

static void *
job_main(void *arg)
{
	struct icpt_job *j = arg;
	const struct icpt_call *c = j->call;

	j->r = assay_intercept_run(c->gw, j->host, j->port, c->v, c->nv,
	    c->wait_ms, c->read_ms, c->env, j->res, j->why, sizeof(j->why));
	return NULL;
}

/* The channel's port could not be bound: its variants are all skipped. */
static int
job_unserved(const struct icpt_job *j)
{
	return j->call->nv > 0 && j->res[0].skipped && j->why[0] != '\0';
}

static int
l_intercept(lua_State *L)
{
	static const char *const known[] = { "channel", "channels", "variants",
	    "wait_ms", "read_ms", NULL };
	const struct assay_forms *f = lua_touserdata(L, lua_upvalueindex(1));
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const char *allowed[ASSAY_ICPT_NVARIANTS + 1];
	const char *names[ASSAY_ICPT_NVARIANTS];
	const char *chans[ASSAY_ICPT_MAX_CHANNELS];
	pthread_t th[ASSAY_ICPT_MAX_CHANNELS];
	struct icpt_call *call;
	struct icpt_job *j;
	void **slot;
	char scheme[16], path[1024], why[512];
	size_t nch, i, k, started, failed;
	int r, list;

	assay_lua_opts(L, FN, known);
	nch = assay_lua_channels(L, FN, chans, ASSAY_ICPT_MAX_CHANNELS, &list);
	/* Held by the box: what is raised below leaks nothing. */
	slot = assay_lua_box(L, call_free);
	if ((call = calloc(1, sizeof(*call))) == NULL)
		return assay_lua_harness_error(L, FN, ASSAY_ERR_ALLOC, 0);
	*slot = call;
	call->env = env;
	/* Default: the device's pace (<client-side cycle-s>), else 20 s. */
	call->wait_ms = (int)assay_lua_opt_int(L, FN, "wait_ms",
	    assay_forms_pace(f)->connect_ms, 1,
	    ASSAY_ICPT_MAX_WAIT_MS);
	call->read_ms = (int)assay_lua_opt_int(L, FN, "read_ms", 2000, 1,
	    ASSAY_ICPT_MAX_READ_MS);
	for (i = 0; i < ASSAY_ICPT_NVARIANTS; i++)
		allowed[i] = assay_icpt_variant_name((enum assay_icpt_variant)i);
	allowed[i] = NULL;
	k = assay_lua_opt_names(L, FN, "variants", allowed,
	    ASSAY_ICPT_NVARIANTS, names, "variant names (self-signed, "
	    "wrong-host, expired, untrusted-ca, tls1.0, control)");
	for (i = 0; i < (k ? k : ASSAY_ICPT_NVARIANTS); i++)
		call->v[call->nv++] = k ? (enum assay_icpt_variant)
		    assay_icpt_variant_find(names[i]) :
		    (enum assay_icpt_variant)i;

	if (f == NULL || assay_forms_gateway(f) == NULL) {
		call_end(slot);
		return assay_lua_fail(L, "no lab gateway declared (set-up "
		    "<client-side><gateway>)");
	}
	/* The channels come from the IXIT the test case reads: a bad one is its bug. */
	for (i = 0; i < nch; i++) {
		j = &call->job[i];
		j->call = call;
		j->channel = chans[i];
		if (assay_gw_endpoint(f, chans[i], scheme, sizeof(scheme), j->host,
		    sizeof(j->host), &j->port, path, sizeof(path), why,
		    sizeof(why)) != 0)
			return assay_lua_argerror(L, FN, "%s", why);
		if (strcmp(scheme, "https") != 0 && strcmp(scheme, "mqtts") != 0 &&
		    strcmp(scheme, "tls") != 0)
			return assay_lua_argerror(L, FN, "channel \"%s\": endpoint "
			    "scheme %s is not TLS over TCP (https, mqtts, tls)",
			    chans[i], scheme);
		for (k = 0; k < i; k++)
			if (call->job[k].port == j->port)
				return assay_lua_argerror(L, FN, "channels \"%s\" "
				    "and \"%s\" share port %d: one stand-in "
				    "cannot serve both", chans[k], chans[i],
				    j->port);
	}
	if ((r = assay_gw_open(f, &call->gw, why, sizeof(why))) != 0) {
		call_end(slot);
		return assay_lua_harness_error(L, FN, r, 0);
	}
	if (call->gw == NULL) {
		call_end(slot);
		return assay_lua_fail(L, why);
	}
	for (i = 0; i < nch; i++) {
		j = &call->job[i];
		assay_probe_note(env, "intercept", "standing in for %s:%d "
		    "(channel %s) at %s, %zu variant%s, up to %d ms each%s",
		    j->host, j->port, j->channel, assay_gw_address(call->gw),
		    call->nv, call->nv == 1 ? "" : "s", call->wait_ms, nch > 1 ?
		    ", beside the other channels" : "");
	}
	/* One channel runs here; more run side by side, a thread each. */
	started = 0;
	if (nch == 1)
		job_main(&call->job[0]);
	else
		for (started = 0; started < nch; started++)
			if (pthread_create(&th[started], NULL, job_main,
			    &call->job[started]) != 0)
				break;
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (nch > 1 && started < nch) {
		call_end(slot);
		return assay_lua_harness_error(L, FN, ASSAY_ERR_INTERNAL, 0);
	}
	failed = 0;
	for (i = 0; i < nch; i++) {
		j = &call->job[i];
		if (j->r != 0) {
			r = j->r;
			call_end(slot);
			return assay_lua_harness_error(L, FN, r, 0);
		}
		if (job_unserved(j))
			failed++;
	}
	/* No channel could be served (a port not bound): nil, the first why. */
	if (failed == nch) {
		snprintf(why, sizeof(why), "%s", call->job[0].why);
		call_end(slot);
		return assay_lua_fail(L, why);
	}
	dns_note(env, call->gw);
	{
		struct assay_gw_counters c;

		assay_gw_counters(call->gw, &c);
		if (c.tcp_foreign + c.dns_foreign + c.dns_malformed +
		    c.dns_rate + c.dns_unrecorded > 0)
			assay_probe_note(env, "intercept", "turned away: %lu "
			    "connections and %lu DNS queries from other hosts, "
			    "%lu malformed and %lu over-rate DNS queries, %lu "
			    "names not recorded", c.tcp_foreign, c.dns_foreign,
			    c.dns_malformed, c.dns_rate, c.dns_unrecorded);
	}
	if (!list) {
		j = &call->job[0];
		push_result(L, call->gw, j->channel, j->host, j->port, j->res,
		    call->nv);
	} else {
		lua_createtable(L, 0, 1);
		lua_createtable(L, 0, (int)nch);
		for (i = 0; i < nch; i++) {
			j = &call->job[i];
			push_result(L, call->gw, j->channel, j->host, j->port,
			    j->res, call->nv);
			/* A channel that could not be served says why. */
			if (job_unserved(j)) {
				lua_pushstring(L, j->why);
				lua_setfield(L, -2, "error");
			}
			lua_setfield(L, -2, j->channel);
		}
		lua_setfield(L, -2, "channels");
	}
	call_end(slot);
	return 1;
}

void
assay_probe_intercept_lua_register(struct lua_State *L,
    const struct assay_forms *f)
{
	lua_pushlightuserdata(L, (void *)(uintptr_t)f);
	lua_pushcclosure(L, l_intercept, 1);
	lua_setfield(L, -2, "intercept");
}
