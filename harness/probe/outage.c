/*
 * probe/outage.c - cut the device's cloud at the lab gateway and time how
 * it retries and comes back (probe/outage.h, docs/probe_gateway.md).
 */
#include <sys/socket.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "base/clock.h"
#include "base/error.h"
#include "forms/forms.h"
#include "probe/gateway.h"
#include "probe/lua.h"
#include "probe/outage.h"
#include "probe/probe.h"
#include "probe/standin.h"
#include "probe/update_serve.h"

#define FN		"outage"
#define CONN_IDLE_MS	5000
#define CONN_MAX_MS	30000
#define POLL_MS		50

enum phase { BEFORE, CUT, AFTER };
static const char *const phase_names[] = { "before", "cut", "after" };

struct attempt {
	long long	 ms;		/* since the stand-in started */
	enum phase	 phase;
};

struct outage {
	struct assay_gw			*gw;
	struct assay_standin_server	*sv;
	SSL_CTX				*ctx;
	int				 lfd;
	int				 mqtt;	/* else HTTP */
	long long			 t0;
	pthread_mutex_t			 mu;	/* guards what follows */
	enum phase			 phase;
	size_t				 n;
	unsigned long			 unrecorded;
	struct attempt			 at[ASSAY_OUTAGE_MAX_ATTEMPTS];
};

static void
sleep_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * The stand-in's accept: every connection from the device is timed;
 * while the endpoint is cut it is reset at once (SO_LINGER 0: an RST, as
 * a host whose service is down answers) and the server never sees it.
 */
static int
outage_accept(void *arg, int lfd, int ms, int *cfd, char *peer, size_t plen)
{
	struct outage *o = arg;
	struct linger lg = { 1, 0 };
	enum phase ph;
	int r;

	if ((r = assay_gw_accept(o->gw, lfd, ms, cfd, peer, plen)) != 0 ||
	    *cfd < 0)
		return r;
	pthread_mutex_lock(&o->mu);
	ph = o->phase;
	if (o->n < ASSAY_OUTAGE_MAX_ATTEMPTS) {
		o->at[o->n].ms = assay_clock_ms() - o->t0;
		o->at[o->n].phase = ph;
		o->n++;
	} else
		o->unrecorded++;
	pthread_mutex_unlock(&o->mu);
	if (ph == CUT) {
		(void)setsockopt(*cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(*cfd);
		*cfd = -1;
	}
	return 0;
}

/* Stops the stand-in first (its thread uses the rest), then frees it all. */
static void
outage_free(void *p)
{
	struct outage *o = p;

	if (o == NULL)
		return;
	assay_standin_server_stop(o->sv);
	if (o->lfd >= 0)
		close(o->lfd);
	SSL_CTX_free(o->ctx);
	assay_gw_close(o->gw);
	pthread_mutex_destroy(&o->mu);
	free(o);
}

/* Sessions the device completed with the stand-in: MQTT CONNECTs read,
 * or HTTP requests answered. */
static unsigned long
sessions(struct outage *o)
{
	struct assay_standin_stats *st;
	unsigned long n;

	if ((st = malloc(sizeof(*st))) == NULL)
		return 0;
	assay_standin_server_stats(o->sv, st);
	n = o->mqtt ? st->mqtt_connects : (unsigned long)st->nrequests +
	    st->requests_dropped;
	free(st);
	return n;
}

/* Waits up to ms for a session beyond base; its time (ms since the call)
 * or -1. */
static long long
wait_session(struct outage *o, unsigned long base, int ms)
{
	long long start = assay_clock_ms(), now;

	for (;;) {
		now = assay_clock_ms();
		if (sessions(o) > base)
			return now - start;
		if (now - start >= ms)
			return -1;
		sleep_ms(POLL_MS);
	}
}

static void
set_phase(struct outage *o, enum phase ph)
{
	pthread_mutex_lock(&o->mu);
	o->phase = ph;
	pthread_mutex_unlock(&o->mu);
}

/* The attempts so far, by phase. */
static void
count(struct outage *o, size_t by[3])
{
	size_t i;

	by[0] = by[1] = by[2] = 0;
	pthread_mutex_lock(&o->mu);
	for (i = 0; i < o->n; i++)
		by[o->at[i].phase]++;
	pthread_mutex_unlock(&o->mu);
}

static void
push_attempts(lua_State *L, struct outage *o)
{
	size_t i;

	pthread_mutex_lock(&o->mu);
	lua_createtable(L, (int)o->n, 0);
	for (i = 0; i < o->n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, o->at[i].ms);
		lua_setfield(L, -2, "ms");
		lua_pushstring(L, phase_names[o->at[i].phase]);
		lua_setfield(L, -2, "phase");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushinteger(L, (lua_Integer)o->unrecorded);
	pthread_mutex_unlock(&o->mu);
}

/* Opens the gateway and the stand-in; 0 with o->sv set, 0 with why (an
 * outcome), or ASSAY_ERR_*. */
static int
stand_in(const struct assay_forms *f, struct outage *o, const char *scheme,
    const char *host, int port, const char **issuer, char *why, size_t wlen)
{
	int tls, r;

	tls = strcmp(scheme, "mqtts") == 0 || strcmp(scheme, "https") == 0;
	if ((r = assay_gw_open(f, &o->gw, why, wlen)) != 0 || o->gw == NULL)
		return r;
	if (tls) {
		r = assay_gw_server_ctx(o->gw, host,
		    assay_forms_identity_for_host(f, host) != NULL ?
		    ASSAY_GW_IDENTITY : ASSAY_GW_SELF_SIGNED, 0, &o->ctx,
		    issuer, why, wlen);
		if (r != 0 || o->ctx == NULL)
			return r;
	}
	if ((r = assay_gw_listen(o->gw, port, &o->lfd, why, wlen)) != 0 ||
	    o->lfd < 0)
		return r;
	o->t0 = assay_clock_ms();
	return assay_standin_server_start(o->lfd, o->mqtt ? ASSAY_STANDIN_MQTT :
	    ASSAY_STANDIN_HTTP, o->ctx, NULL, outage_accept, o, CONN_IDLE_MS,
	    CONN_MAX_MS, &o->sv);
}

static int
l_outage(lua_State *L)
{
	static const char *const known[] = { "channel", "wait_ms", "cut_ms",
	    "restore_ms", "before", "during", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const struct assay_forms *f;
	const char *channel, *issuer = NULL;
	struct outage *o;
	void **slot;
	char scheme[16], host[256], path[1024], why[512];
	long long first, back, cut_at, restored_at;
	size_t by[3];
	int wait_ms, cut_ms, restore_ms, port, r, has_during, during_idx, dres;
	int has_before, before_idx, bres;

	assay_lua_opts(L, FN, known);
	channel = assay_lua_req_str(L, FN, "channel");
	/* Default: the device's pace (<client-side cycle-s>), else 20 s. */
	wait_ms = (int)assay_lua_opt_int(L, FN, "wait_ms",
	    assay_forms_pace(assay_probe_client_forms_get(L))->connect_ms, 1,
	    ASSAY_OUTAGE_MAX_WAIT_MS);
	cut_ms = (int)assay_lua_opt_int(L, FN, "cut_ms", 15000, 1000,
	    ASSAY_OUTAGE_MAX_CUT_MS);
	restore_ms = (int)assay_lua_opt_int(L, FN, "restore_ms", 20000, 1,
	    ASSAY_OUTAGE_MAX_WAIT_MS);
	lua_getfield(L, 1, "before");
	has_before = !lua_isnil(L, -1);
	if (has_before && !lua_isfunction(L, -1))
		return assay_lua_argerror(L, FN, "before: a function expected, "
		    "got %s", luaL_typename(L, -1));
	before_idx = lua_gettop(L);
	lua_getfield(L, 1, "during");
	has_during = !lua_isnil(L, -1);
	if (has_during && !lua_isfunction(L, -1))
		return assay_lua_argerror(L, FN, "during: a function expected, "
		    "got %s", luaL_typename(L, -1));
	during_idx = lua_gettop(L);

	if ((f = assay_probe_client_forms_get(L)) == NULL ||
	    assay_forms_gateway(f) == NULL)
		return assay_lua_fail(L, "no lab gateway declared (set-up "
		    "<client-side><gateway>)");
	/* The channel comes from the IXIT the test case read: a bad one is its bug. */
	if (assay_gw_endpoint(f, channel, scheme, sizeof(scheme), host,
	    sizeof(host), &port, path, sizeof(path), why, sizeof(why)) != 0)
		return assay_lua_argerror(L, FN, "%s", why);
	if (strcmp(scheme, "mqtt") != 0 && strcmp(scheme, "mqtts") != 0 &&
	    strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		return assay_lua_argerror(L, FN, "channel \"%s\": endpoint "
		    "scheme %s has no stand-in (mqtt, mqtts, http, https)",
		    channel, scheme);

	slot = assay_lua_box(L, outage_free);
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return assay_lua_harness_error(L, FN, ASSAY_ERR_ALLOC, 0);
	o->lfd = -1;
	o->mqtt = scheme[0] == 'm';
	pthread_mutex_init(&o->mu, NULL);
	*slot = o;
	why[0] = '\0';
	if ((r = stand_in(f, o, scheme, host, port, &issuer, why,
	    sizeof(why))) != 0)
		return assay_lua_harness_error(L, FN, r, 0);
	if (o->sv == NULL)
		return assay_lua_fail(L, why[0] ? why : "no stand-in");
	assay_probe_note(env, FN, "standing in for %s:%d (channel %s, %s) at "
	    "%s; waiting up to %d ms for a session, then the endpoint is cut "
	    "for %d ms (each connection reset) and served again for up to %d ms",
	    host, port, channel, scheme, assay_gw_address(o->gw), wait_ms,
	    cut_ms, restore_ms);

	if ((first = wait_session(o, 0, wait_ms)) < 0) {
		count(o, by);
		(void)snprintf(why, sizeof(why), "no session with the stand-in "
		    "for %s:%d within %d ms (%zu connection%s)", host, port,
		    wait_ms, by[0], by[0] == 1 ? "" : "s");
		assay_probe_note(env, FN, "%s", why);
		return assay_lua_fail(L, why);
	}
	/* The callbacks' errors stop the stand-in before they are raised. */
	if (has_before) {
		lua_pushvalue(L, before_idx);
		if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
			outage_free(o);
			*slot = NULL;
			return lua_error(L);
		}
	} else
		lua_pushnil(L);
	bres = lua_gettop(L);
	set_phase(o, CUT);
	cut_at = assay_clock_ms() - o->t0;
	if (has_during) {
		lua_pushvalue(L, during_idx);
		if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
			outage_free(o);
			*slot = NULL;
			return lua_error(L);
		}
	} else
		lua_pushnil(L);
	dres = lua_gettop(L);
	sleep_ms((long)(cut_at + cut_ms - (assay_clock_ms() - o->t0)));
	{
		unsigned long base = sessions(o);

		set_phase(o, AFTER);
		restored_at = assay_clock_ms() - o->t0;
		back = wait_session(o, base, restore_ms);
	}
	/* Nothing more is recorded once the stand-in stops. */
	assay_standin_server_stop(o->sv);
	o->sv = NULL;
	count(o, by);
	assay_probe_note(env, FN, "%s:%d: %zu connection%s before the cut "
	    "(session after %lld ms), %zu while cut (%d ms), %zu after; %s",
	    host, port, by[0], by[0] == 1 ? "" : "s", first, by[1], cut_ms,
	    by[2], back >= 0 ? "back" : "not back");
	if (back >= 0)
		assay_probe_note(env, FN, "the device had a session again %lld "
		    "ms after the endpoint was served again", back);

	lua_createtable(L, 0, 16);
	lua_pushstring(L, channel);
	lua_setfield(L, -2, "channel");
	lua_pushstring(L, host);
	lua_setfield(L, -2, "host");
	lua_pushinteger(L, port);
	lua_setfield(L, -2, "port");
	lua_pushstring(L, scheme);
	lua_setfield(L, -2, "scheme");
	if (issuer != NULL) {
		lua_pushstring(L, issuer);
		lua_setfield(L, -2, "issuer");
	}
	lua_pushinteger(L, first);
	lua_setfield(L, -2, "first_ms");
	lua_pushinteger(L, cut_at);
	lua_setfield(L, -2, "cut_at");
	lua_pushinteger(L, cut_ms);
	lua_setfield(L, -2, "cut_ms");
	lua_pushinteger(L, restored_at);
	lua_setfield(L, -2, "restored_at");
	lua_pushboolean(L, back >= 0);
	lua_setfield(L, -2, "reconnected");
	if (back >= 0) {
		lua_pushinteger(L, back);
		lua_setfield(L, -2, "reconnect_ms");
	}
	lua_pushinteger(L, restore_ms);
	lua_setfield(L, -2, "restore_ms");
	push_attempts(L, o);
	lua_setfield(L, -3, "unrecorded");
	lua_setfield(L, -2, "attempts");
	lua_pushvalue(L, bres);	/* what before returned */
	lua_setfield(L, -2, "before");
	lua_pushvalue(L, dres);	/* what during returned */
	lua_setfield(L, -2, "during");
	return 1;
}

void
assay_probe_outage_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_outage);
	lua_setfield(L, -2, FN);
}
