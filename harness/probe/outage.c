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

/* One channel's stand-in and what it saw. */
struct ochan {
	struct outage			*o;
	struct assay_standin_server	*sv;
	SSL_CTX				*ctx;
	int				 lfd;
	int				 mqtt;	/* else HTTP */
	const char			*channel;	/* borrowed: the Lua argument */
	const char			*issuer;
	char				 scheme[16], host[256];
	int				 port;
	long long			 first;	/* session before the cut, or -1 */
	long long			 back;	/* session after it, or -1 */
	unsigned long			 base;	/* sessions when served again */
	size_t				 n;	/* under o->mu */
	unsigned long			 unrecorded;
	struct attempt			 at[ASSAY_OUTAGE_MAX_ATTEMPTS];
};

/* All the channels are cut together; one gateway answers DNS for them. */
struct outage {
	struct assay_gw			*gw;
	long long			 t0;
	pthread_mutex_t			 mu;	/* guards phase and each n, at */
	enum phase			 phase;
	size_t				 nch;
	struct ochan			 ch[ASSAY_OUTAGE_MAX_CHANNELS];
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
	struct ochan *c = arg;
	struct outage *o = c->o;
	struct linger lg = { 1, 0 };
	enum phase ph;
	int r;

	if ((r = assay_gw_accept(o->gw, lfd, ms, cfd, peer, plen)) != 0 ||
	    *cfd < 0)
		return r;
	pthread_mutex_lock(&o->mu);
	ph = o->phase;
	if (c->n < ASSAY_OUTAGE_MAX_ATTEMPTS) {
		c->at[c->n].ms = assay_clock_ms() - o->t0;
		c->at[c->n].phase = ph;
		c->n++;
	} else
		c->unrecorded++;
	pthread_mutex_unlock(&o->mu);
	if (ph == CUT) {
		(void)setsockopt(*cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(*cfd);
		*cfd = -1;
	}
	return 0;
}

/* Stops the stand-ins (their threads use the rest), then frees it all. */
static void
stop_all(struct outage *o)
{
	size_t i;

	for (i = 0; i < o->nch; i++) {
		assay_standin_server_stop(o->ch[i].sv);
		o->ch[i].sv = NULL;
	}
}

static void
outage_free(void *p)
{
	struct outage *o = p;
	size_t i;

	if (o == NULL)
		return;
	stop_all(o);
	for (i = 0; i < o->nch; i++) {
		if (o->ch[i].lfd >= 0)
			close(o->ch[i].lfd);
		SSL_CTX_free(o->ch[i].ctx);
	}
	assay_gw_close(o->gw);
	pthread_mutex_destroy(&o->mu);
	free(o);
}

/* Sessions the device completed with a stand-in: MQTT CONNECTs read,
 * or HTTP requests answered. */
static unsigned long
sessions(struct ochan *c)
{
	struct assay_standin_stats *st;
	unsigned long n;

	if (c->sv == NULL || (st = malloc(sizeof(*st))) == NULL)
		return 0;
	assay_standin_server_stats(c->sv, st);
	n = c->mqtt ? st->mqtt_connects : (unsigned long)st->nrequests +
	    st->requests_dropped;
	free(st);
	return n;
}

/*
 * Waits up to ms for a session beyond c->base on every channel, all at
 * once; sets *slot (first or back: ms since the call) per channel, -1
 * where none came.  Returns how many channels had one.
 */
static size_t
wait_sessions(struct outage *o, int ms, int after)
{
	long long start = assay_clock_ms(), now, *slot;
	size_t i, got;

	for (;;) {
		now = assay_clock_ms();
		for (i = 0, got = 0; i < o->nch; i++) {
			slot = after ? &o->ch[i].back : &o->ch[i].first;
			if (*slot < 0 && sessions(&o->ch[i]) > o->ch[i].base)
				*slot = now - start;
			got += *slot >= 0;
		}
		if (got == o->nch || now - start >= ms)
			return got;
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

/* A channel's attempts so far, by phase. */
static void
count(struct outage *o, const struct ochan *c, size_t by[3])
{
	size_t i;

	by[0] = by[1] = by[2] = 0;
	pthread_mutex_lock(&o->mu);
	for (i = 0; i < c->n; i++)
		by[c->at[i].phase]++;
	pthread_mutex_unlock(&o->mu);
}

/* Pushes the list of attempts and sets t.unrecorded (t at idx). */
static void
push_attempts(lua_State *L, int idx, struct outage *o, const struct ochan *c)
{
	size_t i;

	pthread_mutex_lock(&o->mu);
	lua_createtable(L, (int)c->n, 0);
	for (i = 0; i < c->n; i++) {
		lua_createtable(L, 0, 2);
		lua_pushinteger(L, c->at[i].ms);
		lua_setfield(L, -2, "ms");
		lua_pushstring(L, phase_names[c->at[i].phase]);
		lua_setfield(L, -2, "phase");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_pushinteger(L, (lua_Integer)c->unrecorded);
	pthread_mutex_unlock(&o->mu);
	lua_setfield(L, idx, "unrecorded");
	lua_setfield(L, idx, "attempts");
}

/* Parses one channel's endpoint (a bad one is the test case's bug:
 * raised). */
static void
channel_endpoint(lua_State *L, const struct assay_forms *f, struct ochan *c)
{
	char path[1024], why[512];

	if (assay_gw_endpoint(f, c->channel, c->scheme, sizeof(c->scheme),
	    c->host, sizeof(c->host), &c->port, path, sizeof(path), why,
	    sizeof(why)) != 0)
		(void)assay_lua_argerror(L, FN, "%s", why);
	if (strcmp(c->scheme, "mqtt") != 0 && strcmp(c->scheme, "mqtts") != 0 &&
	    strcmp(c->scheme, "http") != 0 && strcmp(c->scheme, "https") != 0)
		(void)assay_lua_argerror(L, FN, "channel \"%s\": endpoint "
		    "scheme %s has no stand-in (mqtt, mqtts, http, https)",
		    c->channel, c->scheme);
	c->mqtt = c->scheme[0] == 'm';
}

/* Starts one channel's stand-in on the open gateway; 0 with c->sv set,
 * 0 with why (an outcome), or ASSAY_ERR_*. */
static int
stand_in(const struct assay_forms *f, struct outage *o, struct ochan *c,
    char *why, size_t wlen)
{
	int r;

	if (strcmp(c->scheme, "mqtts") == 0 || strcmp(c->scheme, "https") == 0) {
		r = assay_gw_server_ctx(o->gw, c->host,
		    assay_forms_identity_for_host(f, c->host) != NULL ?
		    ASSAY_GW_IDENTITY : ASSAY_GW_SELF_SIGNED, 0, &c->ctx,
		    &c->issuer, why, wlen);
		if (r != 0 || c->ctx == NULL)
			return r;
	}
	if ((r = assay_gw_listen(o->gw, c->port, &c->lfd, why, wlen)) != 0 ||
	    c->lfd < 0)
		return r;
	return assay_standin_server_start(c->lfd, c->mqtt ? ASSAY_STANDIN_MQTT :
	    ASSAY_STANDIN_HTTP, c->ctx, NULL, outage_accept, c, CONN_IDLE_MS,
	    CONN_MAX_MS, &c->sv);
}

/* Calls the callback at idx (or pushes nil); an error stops the
 * stand-ins and is raised again. */
static void
callback(lua_State *L, int idx, struct outage *o, void **slot)
{
	if (lua_isnil(L, idx)) {
		lua_pushnil(L);
		return;
	}
	lua_pushvalue(L, idx);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		outage_free(o);
		*slot = NULL;
		(void)lua_error(L);
	}
}

/* One channel's record: a table on the stack. */
static void
push_channel(lua_State *L, struct outage *o, const struct ochan *c,
    long long cut_at, int cut_ms, long long restored_at, int restore_ms,
    int wait_ms)
{
	size_t by[3];
	char why[512];
	int t;

	lua_createtable(L, 0, 16);
	t = lua_gettop(L);
	lua_pushstring(L, c->channel);
	lua_setfield(L, t, "channel");
	lua_pushstring(L, c->host);
	lua_setfield(L, t, "host");
	lua_pushinteger(L, c->port);
	lua_setfield(L, t, "port");
	lua_pushstring(L, c->scheme);
	lua_setfield(L, t, "scheme");
	if (c->issuer != NULL) {
		lua_pushstring(L, c->issuer);
		lua_setfield(L, t, "issuer");
	}
	if (c->first >= 0) {
		lua_pushinteger(L, c->first);
		lua_setfield(L, t, "first_ms");
	} else {
		count(o, c, by);
		(void)snprintf(why, sizeof(why), "no session with the stand-in "
		    "for %s:%d within %d ms (%zu connection%s)", c->host,
		    c->port, wait_ms, by[0], by[0] == 1 ? "" : "s");
		lua_pushstring(L, why);
		lua_setfield(L, t, "error");
	}
	lua_pushinteger(L, cut_at);
	lua_setfield(L, t, "cut_at");
	lua_pushinteger(L, cut_ms);
	lua_setfield(L, t, "cut_ms");
	lua_pushinteger(L, restored_at);
	lua_setfield(L, t, "restored_at");
	lua_pushboolean(L, c->back >= 0);
	lua_setfield(L, t, "reconnected");
	if (c->back >= 0) {
		lua_pushinteger(L, c->back);
		lua_setfield(L, t, "reconnect_ms");
	}
	lua_pushinteger(L, restore_ms);
	lua_setfield(L, t, "restore_ms");
	push_attempts(L, t, o, c);
}

static int
l_outage(lua_State *L)
{
	static const char *const known[] = { "channel", "channels", "wait_ms",
	    "cut_ms", "restore_ms", "before", "during", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const struct assay_forms *f;
	struct outage *o;
	struct ochan *c;
	void **slot;
	char why[512];
	long long cut_at, restored_at;
	const char *names[ASSAY_OUTAGE_MAX_CHANNELS];
	size_t by[3], i, j, nn, got;
	int wait_ms, cut_ms, restore_ms, r, list, before_idx, during_idx;
	int bres, dres;

	assay_lua_opts(L, FN, known);
	/* Default: the device's pace (<client-side cycle-s>), else 20 s. */
	wait_ms = (int)assay_lua_opt_int(L, FN, "wait_ms",
	    assay_forms_pace(assay_probe_client_forms_get(L))->connect_ms, 1,
	    ASSAY_OUTAGE_MAX_WAIT_MS);
	cut_ms = (int)assay_lua_opt_int(L, FN, "cut_ms", 15000, 1000,
	    ASSAY_OUTAGE_MAX_CUT_MS);
	restore_ms = (int)assay_lua_opt_int(L, FN, "restore_ms", 20000, 1,
	    ASSAY_OUTAGE_MAX_WAIT_MS);
	lua_getfield(L, 1, "before");
	if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
		return assay_lua_argerror(L, FN, "before: a function expected, "
		    "got %s", luaL_typename(L, -1));
	before_idx = lua_gettop(L);
	lua_getfield(L, 1, "during");
	if (!lua_isnil(L, -1) && !lua_isfunction(L, -1))
		return assay_lua_argerror(L, FN, "during: a function expected, "
		    "got %s", luaL_typename(L, -1));
	during_idx = lua_gettop(L);

	/* The channels come from the IXIT the test case read: a bad one is
	 * its bug (raised, before anything else). */
	nn = assay_lua_channels(L, FN, names, ASSAY_OUTAGE_MAX_CHANNELS, &list);
	if ((f = assay_probe_client_forms_get(L)) == NULL ||
	    assay_forms_gateway(f) == NULL)
		return assay_lua_fail(L, "no lab gateway declared (set-up "
		    "<client-side><gateway>)");

	slot = assay_lua_box(L, outage_free);
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return assay_lua_harness_error(L, FN, ASSAY_ERR_ALLOC, 0);
	pthread_mutex_init(&o->mu, NULL);
	*slot = o;
	o->nch = nn;
	for (i = 0; i < o->nch; i++) {
		c = &o->ch[i];
		c->o = o;
		c->channel = names[i];
		c->lfd = -1;
		c->first = c->back = -1;
		channel_endpoint(L, f, c);
		for (j = 0; j < i; j++)
			if (o->ch[j].port == c->port)
				return assay_lua_argerror(L, FN, "channels \"%s\" and "
				    "\"%s\" share port %d: one stand-in cannot "
				    "serve both", o->ch[j].channel, c->channel,
				    c->port);
	}

	why[0] = '\0';
	if ((r = assay_gw_open(f, &o->gw, why, sizeof(why))) != 0)
		return assay_lua_harness_error(L, FN, r, 0);
	if (o->gw == NULL)
		return assay_lua_fail(L, why[0] ? why : "no gateway");
	o->t0 = assay_clock_ms();
	for (i = 0; i < o->nch; i++) {
		c = &o->ch[i];
		if ((r = stand_in(f, o, c, why, sizeof(why))) != 0)
			return assay_lua_harness_error(L, FN, r, 0);
		if (c->sv == NULL)
			return assay_lua_fail(L, why[0] ? why : "no stand-in");
		assay_probe_note(env, FN, "standing in for %s:%d (channel %s, %s) "
		    "at %s; waiting up to %d ms for a session, then the endpoint "
		    "is cut for %d ms (each connection reset) and served again "
		    "for up to %d ms", c->host, c->port, c->channel, c->scheme,
		    assay_gw_address(o->gw), wait_ms, cut_ms, restore_ms);
	}

	if ((got = wait_sessions(o, wait_ms, 0)) == 0) {
		c = &o->ch[0];
		count(o, c, by);
		(void)snprintf(why, sizeof(why), "no session with the stand-in%s "
		    "for %s:%d%s within %d ms (%zu connection%s)",
		    o->nch > 1 ? "s" : "", c->host, c->port,
		    o->nch > 1 ? " or any other channel" : "", wait_ms, by[0],
		    by[0] == 1 ? "" : "s");
		assay_probe_note(env, FN, "%s", why);
		return assay_lua_fail(L, why);
	}
	callback(L, before_idx, o, slot);
	bres = lua_gettop(L);
	set_phase(o, CUT);
	cut_at = assay_clock_ms() - o->t0;
	callback(L, during_idx, o, slot);
	dres = lua_gettop(L);
	sleep_ms((long)(cut_at + cut_ms - (assay_clock_ms() - o->t0)));
	for (i = 0; i < o->nch; i++)
		o->ch[i].base = sessions(&o->ch[i]);
	set_phase(o, AFTER);
	restored_at = assay_clock_ms() - o->t0;
	(void)wait_sessions(o, restore_ms, 1);
	/* Nothing more is recorded once the stand-ins stop. */
	stop_all(o);
	for (i = 0; i < o->nch; i++) {
		c = &o->ch[i];
		count(o, c, by);
		assay_probe_note(env, FN, "%s:%d: %zu connection%s before the "
		    "cut (%s), %zu while cut (%d ms), %zu after; %s", c->host,
		    c->port, by[0], by[0] == 1 ? "" : "s", c->first >= 0 ?
		    "a session" : "no session", by[1], cut_ms, by[2],
		    c->back >= 0 ? "back" : "not back");
		if (c->first >= 0)
			assay_probe_note(env, FN, "%s: the first session came "
			    "after %lld ms", c->channel, c->first);
		if (c->back >= 0)
			assay_probe_note(env, FN, "%s: the device had a session "
			    "again %lld ms after the endpoint was served again",
			    c->channel, c->back);
	}

	if (!list) {
		push_channel(L, o, &o->ch[0], cut_at, cut_ms, restored_at,
		    restore_ms, wait_ms);
	} else {
		lua_createtable(L, 0, 8);
		lua_createtable(L, 0, (int)o->nch);
		for (i = 0; i < o->nch; i++) {
			push_channel(L, o, &o->ch[i], cut_at, cut_ms,
			    restored_at, restore_ms, wait_ms);
			lua_setfield(L, -2, o->ch[i].channel);
		}
		lua_setfield(L, -2, "channels");
		lua_pushinteger(L, cut_at);
		lua_setfield(L, -2, "cut_at");
		lua_pushinteger(L, cut_ms);
		lua_setfield(L, -2, "cut_ms");
		lua_pushinteger(L, restored_at);
		lua_setfield(L, -2, "restored_at");
		lua_pushinteger(L, restore_ms);
		lua_setfield(L, -2, "restore_ms");
	}
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
