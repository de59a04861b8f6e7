/*
 * api.c - the `assay` Lua module: form data, verdict helpers, evidence.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "run/api.h"
#include "run/catalogue.h"
#include "base/error.h"
#include "base/status.h"
#include "run/evidence.h"
#include "run/memo.h"
#include "forms/forms.h"
#include "probe/probe.h"
#include "probe/artefact.h"
#include "probe/intercept.h"
#include "probe/import.h"
#include "probe/coap.h"
#include "probe/cred.h"
#include "probe/firmware.h"
#include "probe/http.h"
#include "probe/mqtt.h"
#include "probe/observe.h"
#include "probe/ipv6.h"
#include "probe/outage.h"
#include "probe/pcap.h"
#include "probe/ssh.h"
#include "probe/tcp.h"
#include "probe/telnet.h"
#include "probe/tls.h"
#include "probe/update_serve.h"
#include "run/sandbox.h"
#include "forms/spec.h"
#include "run/verdict.h"

#define DATA_MAX_BYTES	(1024 * 1024)

/* The loader refuses an artefact the probe would refuse for its size. */
_Static_assert(ASSAY_FORMS_MAX_CAPTURE == ASSAY_CAPTURE_MAX_FILE,
    "the set-up's capture cap is the capture probe's");
_Static_assert(ASSAY_FORMS_MAX_FIRMWARE == ASSAY_FW_MAX_IMAGE,
    "the set-up's firmware cap is the firmware probe's");

/* Probe modules that add themselves to assay.net. */
typedef void (*net_register_fn)(lua_State *);
static const net_register_fn net_modules[] = {
	assay_probe_tcp_lua_register,
	assay_probe_ipv6_lua_register,
	assay_probe_tls_lua_register,
	assay_probe_http_lua_register,
	assay_probe_telnet_lua_register,
	assay_probe_ssh_lua_register,
	assay_probe_cred_lua_register,
	assay_probe_mqtt_lua_register,
	assay_probe_coap_lua_register,
	assay_probe_firmware_lua_register,
	assay_probe_pcap_lua_register,
	assay_probe_import_lua_register,
	assay_probe_update_lua_register,
	assay_probe_observe_lua_register,	/* after pcap: calls capture */
	assay_probe_outage_lua_register,
	NULL
};

/* --- results shared by the run's test cases ----------------------------- */

/*
 * Test cases run in separate processes, so what they share (the sweep
 * cache, assay.once) lives in shared memory behind one process-shared
 * robust mutex.  Each entry has a slot: its key, whether it is being
 * filled or done, and by whom.  A slot being filled records its owner; if
 * that process is killed, the engine frees the slot
 * (assay_api_shared_reclaim) and a test case waiting for it computes the
 * result itself.  A waiter polls (no condition variable: a waiter killed
 * inside pthread_cond_wait wedges a process-shared condvar for every later
 * signal and destroy; see probe.c's budget).
 */
#define SLOT_POLL_NS	10000000L	/* 10 ms */

struct slot {
	char		 key[300];
	int		 state;		/* SLOT_EMPTY, SLOT_FILLING, SLOT_DONE */
	int		 owner;		/* holder index of the filling process */
	char		 by[32];	/* test case that filled it */
};
enum { SLOT_EMPTY, SLOT_FILLING, SLOT_DONE };

/* The TCP sweep cache: one full result per host and port range. */
#define SWEEP_CACHE_MAX	8

struct sweep_entry {
	unsigned short	 open[65536], filtered[65536];
	size_t		 nopen, nfiltered;
	long long	 closed;
};

/*
 * assay.once: results one test case computes and the others reuse (an
 * outage, an observation: issue 17), in memo.h's encoding.
 */
#define ONCE_MAX	16
#define ONCE_KEY_MAX	199
#define ONCE_BYTES	(2 * 1024 * 1024)	/* a 3 s observation of the weak reference
					   device encodes to 302 KiB */

struct once_entry {
	size_t		 len;
	unsigned char	 data[ONCE_BYTES];
};

struct assay_api_shared {
	pthread_mutex_t		mu;
	struct slot		sweep_slot[SWEEP_CACHE_MAX];
	struct sweep_entry	sweeps[SWEEP_CACHE_MAX];
	struct slot		once_slot[ONCE_MAX];
	struct once_entry	once[ONCE_MAX];
};

static int holder_idx;

void
assay_api_set_holder(int idx)
{
	holder_idx = idx;
}

static void
sh_lock(struct assay_api_shared *sh)
{
	if (pthread_mutex_lock(&sh->mu) == EOWNERDEAD)
		pthread_mutex_consistent(&sh->mu);
}

struct assay_api_shared *
assay_api_shared_new(void)
{
	struct assay_api_shared *sh;
	pthread_mutexattr_t ma;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return NULL;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	return sh;
}

void
assay_api_shared_free(struct assay_api_shared *sh)
{
	if (sh == NULL)
		return;
	/* No mutex destroy: a killed process may have left it owned. */
	munmap(sh, sizeof(*sh));
}

/* A slot its killed owner was filling is free again. */
static void
slot_reclaim(struct slot *e, int idx)
{
	if (e->state == SLOT_FILLING && e->owner == idx)
		e->state = SLOT_EMPTY;
}

void
assay_api_shared_reclaim(struct assay_api_shared *sh, int idx)
{
	size_t i;

	if (sh == NULL)
		return;
	sh_lock(sh);
	for (i = 0; i < SWEEP_CACHE_MAX; i++)
		slot_reclaim(&sh->sweep_slot[i], idx);
	for (i = 0; i < ONCE_MAX; i++)
		slot_reclaim(&sh->once_slot[i], idx);
	pthread_mutex_unlock(&sh->mu);
}

/*
 * Finds the slot of key among n, under the lock, waiting while another
 * process fills it.  Returns with the lock held and *ip set: SLOT_DONE
 * (read entry *ip, then unlock), SLOT_FILLING (slot *ip is now this
 * process's to fill: unlock, compute, then slot_end()), or SLOT_EMPTY
 * (every slot taken: unlock and compute without keeping it).
 */
static int
slot_find(struct assay_api_shared *sh, struct slot *slots, size_t n,
    const char *key, const char *by, size_t *ip)
{
	struct slot *e;
	size_t i;

	sh_lock(sh);
	for (;;) {
		for (i = 0, e = NULL; i < n && e == NULL; i++)
			if (slots[i].state != SLOT_EMPTY &&
			    strcmp(slots[i].key, key) == 0)
				e = &slots[i];
		if (e == NULL || e->state == SLOT_DONE)
			break;
		/* Another test case fills it: look again in a moment. */
		pthread_mutex_unlock(&sh->mu);
		nanosleep(&(struct timespec){ 0, SLOT_POLL_NS }, NULL);
		sh_lock(sh);
	}
	if (e != NULL) {
		*ip = (size_t)(e - slots);
		return SLOT_DONE;
	}
	for (i = 0; i < n && slots[i].state != SLOT_EMPTY; i++)
		;
	if (i == n)
		return SLOT_EMPTY;
	e = &slots[i];
	e->owner = holder_idx;
	snprintf(e->key, sizeof(e->key), "%s", key);
	snprintf(e->by, sizeof(e->by), "%s", by);
	e->state = SLOT_FILLING;
	*ip = i;
	return SLOT_FILLING;
}

/* Ends this process's filling of slot e: kept (SLOT_DONE) or given up
 * (SLOT_EMPTY: the next test case to ask computes it). */
static void
slot_end(struct assay_api_shared *sh, struct slot *e, int state)
{
	sh_lock(sh);
	e->state = state;
	pthread_mutex_unlock(&sh->mu);
}

/* The test case a slot is filled for, for the note of those reusing it. */
static const char *
slot_by(const struct assay_api_ctx *x)
{
	return x->catalogue != NULL ? assay_catalogue_id(x->catalogue, x->tc) :
	    "?";
}

static struct assay_api_ctx *
ctx_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Copies the port list t[field] into v (at most 65536). */
static size_t
port_list(lua_State *L, int t, const char *field, unsigned short *v)
{
	size_t n, i;

	lua_getfield(L, t, field);
	n = lua_istable(L, -1) ? (size_t)lua_rawlen(L, -1) : 0;
	if (n > 65536)
		n = 65536;
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		v[i] = (unsigned short)lua_tointeger(L, -1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return n;
}

static void
push_port_list(lua_State *L, const unsigned short *v, size_t n)
{
	size_t i;

	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_pushinteger(L, v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

/*
 * assay.net.tcp_sweep with a run-wide cache: the first test case to ask
 * for (host, ports-as-string) runs the probe; the others wait for it and
 * get the same result, noting in their transcript whose sweep it was.
 * Lists of ports (small, targeted probes) are never cached.
 */
static int
l_tcp_sweep_cached(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	struct assay_api_shared *sh = x->shared;
	struct sweep_entry *e = NULL;
	const char *host = NULL;
	const char *ports = "1-65535";
	char key[300], note[200];
	size_t i;
	int top = lua_gettop(L);

	/* Arguments are checked by the probe itself (the direct path). */
	if (top != 1 || !lua_istable(L, 1))
		goto direct;
	lua_getfield(L, 1, "host");
	host = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	lua_pop(L, 1);
	lua_getfield(L, 1, "ports");
	if (lua_type(L, -1) == LUA_TSTRING)
		ports = lua_tostring(L, -1);
	else if (!lua_isnil(L, -1))
		ports = NULL;			/* a list: not cached */
	lua_pop(L, 1);
	if (sh == NULL || host == NULL || ports == NULL ||
	    (size_t)snprintf(key, sizeof(key), "%s %s", host, ports) >= sizeof(key))
		goto direct;
	switch (slot_find(sh, sh->sweep_slot, SWEEP_CACHE_MAX, key, slot_by(x),
	    &i)) {
	case SLOT_DONE:
		e = &sh->sweeps[i];
		lua_createtable(L, 0, 6);
		push_port_list(L, e->open, e->nopen);
		lua_setfield(L, -2, "open");
		push_port_list(L, e->filtered, e->nfiltered);
		lua_setfield(L, -2, "filtered");
		lua_pushinteger(L, (lua_Integer)e->nopen);
		lua_setfield(L, -2, "open_count");
		lua_pushinteger(L, e->closed);
		lua_setfield(L, -2, "closed_count");
		lua_pushinteger(L, (lua_Integer)e->nfiltered);
		lua_setfield(L, -2, "filtered_count");
		snprintf(note, sizeof(note), "TCP sweep of %s (%s) reused from "
		    "test case %s of this run", host, ports,
		    sh->sweep_slot[i].by);
		pthread_mutex_unlock(&sh->mu);
		assay_evidence_tc_record(x->evidence, "tcp sweep", "note", note,
		    strlen(note));
		return 1;
	case SLOT_EMPTY:
		pthread_mutex_unlock(&sh->mu);
		goto direct;
	}
	pthread_mutex_unlock(&sh->mu);

	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	if (lua_pcall(L, top, LUA_MULTRET, 0) != LUA_OK) {
		slot_end(sh, &sh->sweep_slot[i], SLOT_EMPTY);
		return lua_error(L);
	}
	/* The entry is this process's until the slot says done. */
	if (lua_istable(L, 1)) {
		e = &sh->sweeps[i];
		e->nopen = port_list(L, 1, "open", e->open);
		e->nfiltered = port_list(L, 1, "filtered", e->filtered);
		lua_getfield(L, 1, "closed_count");
		e->closed = (long long)lua_tointeger(L, -1);
		lua_pop(L, 1);
		slot_end(sh, &sh->sweep_slot[i], SLOT_DONE);
	} else
		slot_end(sh, &sh->sweep_slot[i], SLOT_EMPTY);	/* failed */
	return lua_gettop(L);
 direct:
	lua_settop(L, top);
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, top, LUA_MULTRET);
	return lua_gettop(L);
}

/*
 * assay.once(key, fn) -> value: the first test case of the run to ask for
 * key calls fn() and, when it returns a value other than nil or false
 * that memo.h can keep, leaves a copy in the run's shared memory; a test
 * case asking later gets that copy (and a note in its transcript naming
 * the test case that computed it), one asking meanwhile waits for it.  A
 * value not kept (nil, false, an error, too large) lets the next one
 * compute it again.  Without shared memory (a fixture, `assay check`) fn
 * is simply called.
 */
static int
l_once(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	struct assay_api_shared *sh = x->shared;
	unsigned char *copy;
	const char *key;
	char note[400], why[128];
	size_t klen, i, len;

	key = luaL_checklstring(L, 1, &klen);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	if (klen == 0 || klen > ONCE_KEY_MAX || memchr(key, '\0', klen))
		return luaL_error(L, "assay.once: key must be 1..%d bytes of text",
		    ONCE_KEY_MAX);
	lua_settop(L, 2);
	if (sh == NULL) {
		lua_call(L, 0, 1);
		return 1;
	}
	switch (slot_find(sh, sh->once_slot, ONCE_MAX, key, slot_by(x), &i)) {
	case SLOT_DONE:
		/* Decoded outside the lock: Lua may raise (memory). */
		len = sh->once[i].len;
		if ((copy = malloc(len ? len : 1)) == NULL) {
			pthread_mutex_unlock(&sh->mu);
			return luaL_error(L, "assay.once: out of memory");
		}
		memcpy(copy, sh->once[i].data, len);
		snprintf(note, sizeof(note), "%s: reused from test case %s of "
		    "this run", key, sh->once_slot[i].by);
		pthread_mutex_unlock(&sh->mu);
		if (assay_memo_decode(L, copy, len) != 0) {
			free(copy);
			return luaL_error(L, "assay.once: the shared copy of "
			    "\"%s\" is damaged", key);
		}
		free(copy);
		assay_evidence_tc_record(x->evidence, "shared", "note", note,
		    strlen(note));
		return 1;
	case SLOT_EMPTY:			/* full: compute, keep nothing */
		pthread_mutex_unlock(&sh->mu);
		lua_call(L, 0, 1);
		return 1;
	}
	pthread_mutex_unlock(&sh->mu);

	lua_pushvalue(L, 2);
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		slot_end(sh, &sh->once_slot[i], SLOT_EMPTY);	/* next one tries */
		return lua_error(L);
	}
	/* The entry is this process's until the slot says done. */
	if (lua_toboolean(L, -1)) {
		if (assay_memo_encode(L, -1, sh->once[i].data, ONCE_BYTES, &len,
		    why, sizeof(why)) == 0) {
			sh->once[i].len = len;
			slot_end(sh, &sh->once_slot[i], SLOT_DONE);
			return 1;
		}
		snprintf(note, sizeof(note), "%s: not shared with the other "
		    "test cases of this run: %s", key, why);
		assay_evidence_tc_record(x->evidence, "shared", "note", note,
		    strlen(note));
	}
	slot_end(sh, &sh->once_slot[i], SLOT_EMPTY);	/* not kept */
	return 1;
}

/* pass(reason) -> "PASS", reason; likewise fail and inconclusive. */
static int
verdict_helper(lua_State *L, const char *v)
{
	const char *reason = luaL_optstring(L, 1, "");

	lua_pushstring(L, v);
	lua_pushstring(L, reason);
	return 2;
}

static int
l_pass(lua_State *L)
{
	return verdict_helper(L, "PASS");
}

static int
l_fail(lua_State *L)
{
	return verdict_helper(L, "FAIL");
}

static int
l_inconclusive(lua_State *L)
{
	return verdict_helper(L, "INCONCLUSIVE");
}

/*
 * Units.  C keeps the only record: assay.unit() may be called any number
 * of times per letter and the letter keeps its worst verdict, with the
 * reasons given at that level joined by "; "; assay.settle() turns the
 * record into the test case's verdict and reason.  The record lives in a
 * userdatum in the registry (freed with the state); each change is
 * mirrored into ctx->result, where the engine and the reports read it.
 */
#define UNITS_MAX		64
#define UNIT_REASON_MAX		3000	/* then "..." */
#define UNIT_KEEP		(UNIT_REASON_MAX + 1)	/* enough to clip */

struct unit_rec {
	char			 letter[8];
	enum assay_verdict	 v;
	char			*text;		/* at most UNIT_KEEP bytes */
	size_t			 len;
	/* How the worst level was decided (assay.unit's 4th argument). */
	enum assay_basis	 basis;
	char			 probe[96];
	char			 sample[96];
};

struct unit_store {
	size_t		 n;
	struct unit_rec	 u[UNITS_MAX];
};

static const char UNITS_KEY[] = "assay.units";		/* the store */
static const char UNITS_META[] = "assay.units_meta";	/* its metatable */

static int
units_gc(lua_State *L)
{
	struct unit_store *st = luaL_checkudata(L, 1, UNITS_META);
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->u[i].text);
	st->n = 0;
	return 0;
}

static struct unit_store *
units_of(lua_State *L)
{
	struct unit_store *st;

	lua_getfield(L, LUA_REGISTRYINDEX, UNITS_KEY);
	st = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return st;
}

/* Creates the store in the registry (inside install's protected call). */
static void
units_new(lua_State *L)
{
	struct unit_store *st;

	st = lua_newuserdatauv(L, sizeof(*st), 0);
	memset(st, 0, sizeof(*st));
	if (luaL_newmetatable(L, UNITS_META)) {
		lua_pushcfunction(L, units_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, UNITS_KEY);
}

/* Appends s (n bytes) to the text of u, keeping at most UNIT_KEEP bytes. */
static int
unit_append(struct unit_rec *u, const char *s, size_t n)
{
	char *t;

	if (u->text == NULL && (u->text = calloc(1, UNIT_KEEP + 1)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (n > UNIT_KEEP - u->len)
		n = UNIT_KEEP - u->len;
	t = u->text + u->len;
	memcpy(t, s, n);
	u->len += n;
	u->text[u->len] = '\0';
	return 0;
}

/* Pushes text clipped at UNIT_REASON_MAX bytes with "...", as lib.clip. */
static void
push_clipped(lua_State *L, const char *text, size_t len)
{
	if (len <= UNIT_REASON_MAX) {
		lua_pushlstring(L, text, len);
		return;
	}
	lua_pushlstring(L, text, UNIT_REASON_MAX);
	lua_pushliteral(L, "...");
	lua_concat(L, 2);
}

/*
 * The letters test case x may record: TS 103 701 numbers its units a, b,
 * c ... up to the count in spec/ts103701_v1.1.1_test_cases.csv.  Returns
 * the count, or 0 when unknown (no forms: any single letter goes).
 */
static int
units_declared(const struct assay_api_ctx *x)
{
	const struct assay_spec *spec;
	long k;

	if (x->forms == NULL || x->catalogue == NULL ||
	    (spec = assay_forms_spec(x->forms)) == NULL ||
	    (k = assay_spec_testcase_find(spec, assay_catalogue_id(x->catalogue,
	    x->tc))) < 0)
		return 0;
	return assay_spec_testcase_units(spec, (size_t)k);
}

/* Reads assay.unit's optional 4th argument { basis=, probe=, sample= }. */
static void
unit_how(lua_State *L, int idx, enum assay_basis *basis, const char **probe,
    const char **sample)
{
	const char *k, *bs;

	*basis = ASSAY_BASIS_UNSTATED;
	*probe = *sample = NULL;
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_argerror(L, 4, "keys are basis, probe, sample");
		k = lua_tostring(L, -2);
		if (strcmp(k, "basis") != 0 && strcmp(k, "probe") != 0 &&
		    strcmp(k, "sample") != 0)
			luaL_argerror(L, 4, lua_pushfstring(L, "unknown key "
			    "\"%s\" (basis, probe, sample)", k));
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_argerror(L, 4, lua_pushfstring(L, "%s: a string "
			    "expected", k));
		lua_pop(L, 1);
	}
	lua_getfield(L, idx, "basis");
	if ((bs = lua_tostring(L, -1)) != NULL && (assay_basis_parse(bs,
	    basis) != 0 || *basis == ASSAY_BASIS_UNSTATED))
		luaL_argerror(L, 4, "basis must be probe, facts, text or person");
	lua_pop(L, 1);
	lua_getfield(L, idx, "probe");
	*probe = lua_tostring(L, -1);	/* stays referenced by the table */
	lua_pop(L, 1);
	lua_getfield(L, idx, "sample");
	*sample = lua_tostring(L, -1);
	lua_pop(L, 1);
}

/* Keeps how the worst level was decided; "text" at that level sticks. */
static void
unit_set_how(struct unit_rec *u, int fresh, enum assay_basis basis,
    const char *probe, const char *sample)
{
	if (fresh) {
		u->basis = basis;
		u->probe[0] = u->sample[0] = '\0';
	} else if (basis == ASSAY_BASIS_TEXT || u->basis == ASSAY_BASIS_UNSTATED)
		u->basis = basis;
	if (probe != NULL && u->probe[0] == '\0')
		snprintf(u->probe, sizeof(u->probe), "%s", probe);
	if (sample != NULL && u->sample[0] == '\0')
		snprintf(u->sample, sizeof(u->sample), "%s", sample);
}

/*
 * assay.unit(letter, verdict, reason [, how]): records an outcome of test
 * unit letter, how = { basis = "probe"|"facts"|"text"|"person", probe =,
 * sample = }; returns the verdict and reason given.
 */
static int
l_unit(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	struct unit_store *st = units_of(L);
	const char *unit = luaL_checkstring(L, 1);
	const char *vs = luaL_checkstring(L, 2);
	size_t rlen = 0;
	const char *reason = luaL_optlstring(L, 3, "", &rlen);
	const char *probe, *sample;
	enum assay_basis basis;
	struct unit_rec *u = NULL;
	enum assay_verdict v;
	size_t i;
	int r = 0, n;

	if (strlen(unit) != 1 || unit[0] < 'a' || unit[0] > 'z')
		return luaL_argerror(L, 1, "unit must be a letter such as \"a\"");
	if ((n = units_declared(x)) > 0 && unit[0] >= 'a' + n)
		return luaL_argerror(L, 1, lua_pushfstring(L, "no unit \"%s\": "
		    "TS 103 701 numbers the units of %s a to %c", unit,
		    assay_catalogue_id(x->catalogue, x->tc), 'a' + n - 1));
	if (assay_verdict_parse(vs, &v) != 0 || (v != ASSAY_VERDICT_PASS &&
	    v != ASSAY_VERDICT_FAIL && v != ASSAY_VERDICT_INCONCLUSIVE))
		return luaL_argerror(L, 2,
		    "verdict must be PASS, FAIL or INCONCLUSIVE");
	if (v != ASSAY_VERDICT_PASS && *reason == '\0')
		return luaL_argerror(L, 3, "a FAIL or INCONCLUSIVE unit needs a reason");
	unit_how(L, 4, &basis, &probe, &sample);
	if (st == NULL)
		return luaL_error(L, "assay.unit: no unit record");
	for (i = 0; i < st->n; i++)
		if (strcmp(st->u[i].letter, unit) == 0)
			u = &st->u[i];
	if (u == NULL) {
		if (st->n == UNITS_MAX)
			return luaL_error(L, "assay.unit: more than %d units",
			    UNITS_MAX);
		u = &st->u[st->n++];
		snprintf(u->letter, sizeof(u->letter), "%s", unit);
		u->v = v;
		unit_set_how(u, 1, basis, probe, sample);
		r = unit_append(u, reason, rlen);
	} else if (assay_verdict_rank(v) > assay_verdict_rank(u->v)) {
		u->v = v;
		u->len = 0;
		unit_set_how(u, 1, basis, probe, sample);
		r = unit_append(u, reason, rlen);
	} else if (v == u->v) {
		unit_set_how(u, 0, basis, probe, sample);
		if ((r = unit_append(u, "; ", 2)) == 0)
			r = unit_append(u, reason, rlen);
	}
	if (r != 0)
		return luaL_error(L, "out of memory");
	if (x->result != NULL) {
		push_clipped(L, u->text, u->len);
		if (assay_result_set_unit(x->result, u->letter, u->v,
		    lua_tostring(L, -1)) != 0 ||
		    assay_result_set_unit_how(x->result, u->letter, u->basis,
		    u->probe[0] ? u->probe : NULL,
		    u->sample[0] ? u->sample : NULL) != 0)
			return luaL_error(L, "out of memory");
		lua_pop(L, 1);
	}
	lua_pushstring(L, assay_verdict_name(v));
	lua_pushstring(L, reason);
	return 2;
}

static int
cmp_unit(const void *a, const void *b)
{
	return strcmp((*(const struct unit_rec *const *)a)->letter,
	    (*(const struct unit_rec *const *)b)->letter);
}

/*
 * assay.unit_verdict([letter]): the verdict recorded so far for letter
 * (nil when none), or without a letter the worst over every unit ("PASS"
 * when none).
 */
static int
l_unit_verdict(lua_State *L)
{
	struct unit_store *st = units_of(L);
	const char *unit = luaL_optstring(L, 1, NULL);
	enum assay_verdict w = ASSAY_VERDICT_PASS;
	size_t i;

	for (i = 0; st != NULL && i < st->n; i++) {
		if (unit != NULL && strcmp(st->u[i].letter, unit) == 0) {
			lua_pushstring(L, assay_verdict_name(st->u[i].v));
			return 1;
		}
		w = assay_verdict_combine(w, st->u[i].v);
	}
	if (unit != NULL)
		return 0;
	lua_pushstring(L, assay_verdict_name(w));
	return 1;
}

/*
 * assay.settle([pass_reason]): the test case's verdict and reason from
 * its units: PASS, pass_reason when every unit passed (or none was
 * recorded), else the worst verdict with "unit x: reasons" of each unit
 * at that level, in letter order, joined by " | " (clipped at 3000
 * bytes).  `return assay.settle("...")` ends a test case.
 */
static int
l_settle(lua_State *L)
{
	struct unit_store *st = units_of(L);
	const struct unit_rec *sorted[UNITS_MAX];
	enum assay_verdict w = ASSAY_VERDICT_PASS;
	luaL_Buffer b;
	size_t i, n = st != NULL ? st->n : 0, len;
	const char *s;
	int first = 1;

	luaL_optstring(L, 1, "");
	for (i = 0; i < n; i++) {
		sorted[i] = &st->u[i];
		w = assay_verdict_combine(w, st->u[i].v);
	}
	if (w == ASSAY_VERDICT_PASS) {
		lua_pushstring(L, "PASS");
		if (lua_isnoneornil(L, 1))
			lua_pushliteral(L, "");
		else
			lua_pushvalue(L, 1);
		return 2;
	}
	qsort(sorted, n, sizeof(sorted[0]), cmp_unit);
	luaL_buffinit(L, &b);
	for (i = 0; i < n; i++) {
		if (sorted[i]->v != w)
			continue;
		if (!first)
			luaL_addstring(&b, " | ");
		first = 0;
		luaL_addstring(&b, "unit ");
		luaL_addstring(&b, sorted[i]->letter);
		luaL_addstring(&b, ": ");
		push_clipped(L, sorted[i]->text, sorted[i]->len);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	s = lua_tolstring(L, -1, &len);
	lua_pushstring(L, assay_verdict_name(w));
	push_clipped(L, s, len);
	return 2;
}

/* assay.log(text): a note in the transcript. */
static int
l_log(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);

	assay_evidence_tc_record(x->evidence, "log", "note", s, len);
	return 0;
}

/*
 * assay.evidence(name, data): saves an artefact file; true, or nil, err
 * when it cannot be stored (the per-test-case or per-run artefact cap, a
 * full disk).  A name that is no file name (a NUL byte, a path, a
 * reserved name) is a bug of the test case: it raises.
 */
static int
l_evidence(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	size_t nlen, len;
	const char *name = luaL_checklstring(L, 1, &nlen);
	const char *data = luaL_checklstring(L, 2, &len);
	int r;

	if (memchr(name, '\0', nlen) != NULL)
		return luaL_argerror(L, 1, "evidence name holds a NUL byte");
	if (x->evidence == NULL) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if ((r = assay_evidence_tc_artefact(x->evidence, name, data, len)) != 0) {
		if (r == ASSAY_ERR_INVALID_ARG)
			return luaL_argerror(L, 1, "evidence name must be 1-64 "
			    "letters, digits, '.', '-', '_', not starting with "
			    "'.', and not result.txt or transcript.txt");
		lua_pushnil(L);
		if (r == ASSAY_ERR_TOO_BIG)
			lua_pushfstring(L, "cannot save evidence \"%s\": over the "
			    "artefact cap (%d MiB a file, %d MiB a test case, %d "
			    "MiB a run)", name,
			    (int)(ASSAY_EVIDENCE_MAX_ARTEFACT >> 20),
			    (int)(ASSAY_EVIDENCE_MAX_TC_ARTEFACTS >> 20),
			    (int)(ASSAY_EVIDENCE_MAX_RUN_ARTEFACTS >> 20));
		else
			lua_pushfstring(L, "cannot save evidence \"%s\": %s",
			    name, assay_strerror(r));
		return 2;
	}
	lua_pushboolean(L, 1);
	return 1;
}

/*
 * assay.new_secret(length, alphabet [, user]): a fresh random value of `length`
 * (8..128) symbols drawn uniformly from `alphabet` (2..94 distinct
 * printable ASCII bytes, no space) with the kernel's CSPRNG, registered
 * as a secret of the run before it is returned: every spelling of it is
 * masked in all the run writes (a password Assay sets on the device,
 * 5.1-4-2), with user (optional) the user name it goes with, so that
 * the whole Basic-auth pair is masked too.  8 symbols at least, so the
 * mask hides it everywhere (docs/redact.md: shorter secrets are masked
 * only as whole tokens).
 */
#define NEW_SECRET_MAX	128
static int
l_new_secret(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	lua_Integer n = luaL_checkinteger(L, 1);
	size_t alen, i, j, got = 0;
	const char *a = luaL_checklstring(L, 2, &alen);
	const char *user = luaL_optstring(L, 3, NULL);
	unsigned char rnd[256], seen[256];
	char out[NEW_SECRET_MAX + 1];
	unsigned limit;
	int r;

	if (n < 8 || n > NEW_SECRET_MAX)
		return luaL_argerror(L, 1, "length must be 8..128");
	if (alen < 2 || alen > 94)
		return luaL_argerror(L, 2, "alphabet must have 2..94 symbols");
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < alen; i++) {
		unsigned char c = (unsigned char)a[i];

		if (c < 0x21 || c > 0x7e || seen[c])
			return luaL_argerror(L, 2, "alphabet must be distinct "
			    "printable ASCII symbols without space");
		seen[c] = 1;
	}
	/* Rejection sampling: bytes >= limit would favour the first symbols. */
	limit = 256 - 256 % (unsigned)alen;
	while (got < (size_t)n) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return luaL_error(L, "new_secret: no random bytes: %s",
			    strerror(errno));
		for (j = 0; j < sizeof(rnd) && got < (size_t)n; j++)
			if (rnd[j] < limit)
				out[got++] = a[rnd[j] % alen];
	}
	out[got] = '\0';
	explicit_bzero(rnd, sizeof(rnd));
	if ((r = assay_evidence_tc_add_secret(x->evidence, out, user)) != 0) {
		explicit_bzero(out, sizeof(out));
		return luaL_error(L, "new_secret: cannot register the secret: "
		    "%s", assay_strerror(r));
	}
	lua_pushlstring(L, out, got);
	explicit_bzero(out, sizeof(out));
	return 1;
}

/* assay.sleep(ms): waits, at most max_sleep_ms per call. */
static int
l_sleep(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	lua_Integer ms = luaL_checkinteger(L, 1);
	struct timespec ts;

	if (ms < 0)
		ms = 0;
	if (ms > x->max_sleep_ms)
		return luaL_error(L, "assay.sleep: %d ms is above the limit of %d ms",
		    (int)ms, x->max_sleep_ms);
	if (x->virtual_time) {
		x->clock_skew_ms += (long long)ms;
		return 0;
	}
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
	return 0;
}

static int
l_now_ms(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	lua_pushinteger(L, (lua_Integer)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	    (lua_Integer)x->clock_skew_ms);
	return 1;
}

/* assay.data(name): contents of testcases/data/<name>, or nil, err. */
static int
l_data(lua_State *L)
{
	struct assay_api_ctx *x = ctx_of(L);
	const char *name = luaL_checkstring(L, 1);
	char path[4200];
	const char *p;
	FILE *fp;
	char *buf;
	size_t n;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_')
			break;
	if (*p != '\0' || *name == '\0' || *name == '.') {
		lua_pushnil(L);
		lua_pushfstring(L, "bad data file name \"%s\"", name);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/testcases/data/%s",
	    x->datadir ? x->datadir : ".", name);
	if ((fp = fopen(path, "rb")) == NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "no data file \"%s\"", name);
		return 2;
	}
	if ((buf = malloc(DATA_MAX_BYTES + 1)) == NULL) {
		fclose(fp);
		return luaL_error(L, "out of memory");
	}
	n = fread(buf, 1, DATA_MAX_BYTES + 1, fp);
	fclose(fp);
	if (n > DATA_MAX_BYTES) {
		free(buf);
		lua_pushnil(L);
		lua_pushfstring(L, "data file \"%s\" is larger than %d bytes",
		    name, DATA_MAX_BYTES);
		return 2;
	}
	lua_pushlstring(L, buf, n);
	free(buf);
	return 1;
}

/*
 * assay.field(entry, name): an IXIT entry's field, case-insensitive.  The
 * tables are read-only proxies, so the lookup goes through __index and the
 * scan through pairs(), never through raw access.
 */
static int
l_field(lua_State *L)
{
	const char *want = luaL_checkstring(L, 2);

	luaL_checkany(L, 1);
	lua_getfield(L, 1, "fields");		/* 3: fields */
	if (lua_isnil(L, 3))
		return 0;
	lua_getfield(L, 3, want);		/* exact spelling first */
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	lua_getglobal(L, "pairs");		/* 4: pairs(fields) */
	lua_pushvalue(L, 3);
	lua_call(L, 1, 3);			/* 4: next, 5: state, 6: key */
	for (;;) {
		lua_pushvalue(L, 4);
		lua_pushvalue(L, 5);
		lua_pushvalue(L, 6);
		lua_call(L, 2, 2);		/* 7: key, 8: value */
		if (lua_isnil(L, 7))
			return 0;
		if (lua_type(L, 7) == LUA_TSTRING &&
		    strcasecmp(lua_tostring(L, 7), want) == 0)
			return 1;
		lua_pop(L, 1);
		lua_replace(L, 6);
	}
}

static void
set_str(lua_State *L, const char *k, const char *v)
{
	if (v == NULL)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

/*
 * assay.testcase.units: the units test case tc declares, in letter order,
 * as { letter =, criterion =, rule =, observation =, observe =, decided =,
 * reach = } (absent fields nil), so that helpers such as lib.manual name
 * the observation the declaration asks for.
 */
static void
push_unit_decls(lua_State *L, const struct assay_catalogue *c, size_t tc)
{
	const struct assay_unit_decl *u;
	char letter[2] = { 'a', 0 };
	lua_Integer n = 0;

	lua_newtable(L);
	for (; letter[0] <= 'z'; letter[0]++) {
		if ((u = assay_catalogue_unit(c, tc, letter)) == NULL)
			break;
		lua_createtable(L, 0, 7);
		set_str(L, "letter", letter);
		set_str(L, "criterion", u->criterion);
		if (u->rule != NULL)
			set_str(L, "rule", u->rule);
		if (u->observation != NULL)
			set_str(L, "observation", u->observation);
		if (u->observe != NULL)
			set_str(L, "observe", u->observe);
		set_str(L, "decided", u->decided);
		set_str(L, "reach", u->reach);
		lua_rawseti(L, -2, ++n);
	}
}

static void
set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static void
push_ics(lua_State *L, const struct assay_forms *f)
{
	static const char *const keys[][2] = {
		{ "manufacturer", "manufacturer" },
		{ "model", "model" },
		{ "hardware-version", "hardware_version" },
		{ "firmware-version", "firmware_version" },
		{ "description", "description" },
	};
	const struct assay_spec *s = assay_forms_spec(f);
	enum assay_support sup;
	const char *detail;
	size_t i, n;

	lua_createtable(L, 0, 6);
	lua_createtable(L, 0, 6);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		set_str(L, keys[i][1], assay_forms_device(f, keys[i][0]));
	n = assay_forms_nserials(f);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, assay_forms_serial(f, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "serials");
	lua_setfield(L, -2, "device");
	set_str(L, "standard", assay_forms_standard(f));
	set_str(L, "version", assay_forms_standard_version(f));
	set_str(L, "profile", assay_forms_profile(f));

	n = assay_spec_nprovisions(s);
	lua_createtable(L, 0, (int)n);
	for (i = 0; i < n; i++) {
		const char *id = assay_spec_provision_id(s, i);

		lua_createtable(L, 0, 5);
		if (assay_forms_support(f, id, &sup, &detail) == 0) {
			set_str(L, "support", assay_support_name(sup));
			set_str(L, "detail", detail);
		}
		set_str(L, "status", assay_spec_provision_status(s, i));
		lua_pushboolean(L, assay_spec_provision_mandatory(s, i));
		lua_setfield(L, -2, "mandatory");
		lua_setfield(L, -2, id);
	}
	lua_setfield(L, -2, "provisions");

	n = assay_spec_nconditions(s);
	lua_createtable(L, (int)n, 0);
	for (i = 1; i <= n; i++) {
		lua_pushboolean(L, assay_forms_condition(f, (int)i) == 1);
		lua_rawseti(L, -2, (lua_Integer)i);
	}
	lua_setfield(L, -2, "conditions");
}

/*
 * A fact as docs/facts.md promises: booleans and integers as such, lists
 * as arrays in document order, everything else as a string.
 */
static void
push_fact(lua_State *L, const char *name, const char *v)
{
	const char *p, *sp;
	lua_Integer i = 0;

	switch (assay_forms_fact_type(name)) {
	case ASSAY_FACT_BOOL:
		lua_pushboolean(L, strcmp(v, "true") == 0);
		return;
	case ASSAY_FACT_INT:
		lua_pushinteger(L, (lua_Integer)strtoll(v, NULL, 10));
		return;
	case ASSAY_FACT_LIST:
		lua_createtable(L, 4, 0);
		for (p = v; *p != '\0'; p = *sp ? sp + 1 : sp) {
			if ((sp = strchr(p, ' ')) == NULL)
				sp = p + strlen(p);
			lua_pushlstring(L, p, (size_t)(sp - p));
			lua_rawseti(L, -2, ++i);
		}
		return;
	default:
		lua_pushstring(L, v);
		return;
	}
}

static void
push_entry(lua_State *L, const struct assay_forms *f, const char *item,
    size_t k)
{
	const struct assay_spec *s = assay_forms_spec(f);
	long ii = assay_spec_ixit_find(s, item), fi;
	size_t j, n;
	const char *name;

	lua_createtable(L, 0, 4);
	set_str(L, "id", assay_forms_entry_id(f, item, k));
	n = assay_forms_entry_nfields(f, item, k);
	lua_createtable(L, 0, (int)n);
	for (j = 0; j < n; j++) {
		name = assay_forms_entry_field_name(f, item, k, j);
		/* Keys use the spelling of TS 103 701, whatever the form's case. */
		if (ii >= 0 && (fi = assay_spec_ixit_field_find(s, (size_t)ii,
		    name)) >= 0)
			name = assay_spec_ixit_field(s, (size_t)ii, (size_t)fi);
		lua_pushstring(L, assay_forms_entry_field_value(f, item, k, j));
		lua_setfield(L, -2, name);
	}
	lua_setfield(L, -2, "fields");
	n = assay_forms_entry_nfacts(f, item, k);
	lua_createtable(L, 0, (int)n);
	for (j = 0; j < n; j++) {
		name = assay_forms_entry_fact_name(f, item, k, j);
		push_fact(L, name, assay_forms_entry_fact_value(f, item, k, j));
		lua_setfield(L, -2, name);
	}
	lua_setfield(L, -2, "facts");
	n = assay_forms_entry_nrefs(f, item, k);
	lua_createtable(L, (int)n, 0);
	for (j = 0; j < n; j++) {
		const char *ri = assay_forms_entry_ref_item(f, item, k, j);

		lua_createtable(L, 0, 2);
		if (ri == NULL)
			set_str(L, "service",
			    assay_forms_entry_ref_target(f, item, k, j));
		else {
			set_str(L, "item", ri);
			set_str(L, "entry",
			    assay_forms_entry_ref_target(f, item, k, j));
		}
		lua_rawseti(L, -2, (lua_Integer)j + 1);
	}
	lua_setfield(L, -2, "refs");
}

static void
push_service(lua_State *L, const struct assay_forms *f, size_t i)
{
	lua_createtable(L, 0, 8);
	set_str(L, "id", assay_forms_service_id(f, i));
	set_str(L, "protocol", assay_forms_service_protocol(f, i));
	set_str(L, "transport", assay_forms_service_transport(f, i));
	set_int(L, "port", assay_forms_service_port(f, i));
	set_str(L, "security", assay_forms_service_security(f, i));
	set_str(L, "address", assay_forms_service_address(f, i));
	set_str(L, "description", assay_forms_service_description(f, i));
	set_str(L, "path", assay_forms_service_path(f, i));
}

static void
push_ixit(lua_State *L, const struct assay_forms *f)
{
	const struct assay_spec *s = assay_forms_spec(f);
	size_t i, k, n;

	lua_createtable(L, 0, 2);
	n = assay_spec_nixit(s);
	lua_createtable(L, 0, (int)n);
	for (i = 0; i < n; i++) {
		const char *item = assay_spec_ixit_id(s, i);
		size_t ne = assay_forms_nentries(f, item);

		lua_createtable(L, (int)ne, 0);
		for (k = 0; k < ne; k++) {
			push_entry(L, f, item, k);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, item);
	}
	lua_setfield(L, -2, "items");

	n = assay_forms_nservices(f);
	lua_createtable(L, (int)n, 0);
	lua_createtable(L, 0, (int)n);	/* by id */
	for (i = 0; i < n; i++) {
		push_service(L, f, i);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, assay_forms_service_id(f, i));
		lua_rawseti(L, -3, (lua_Integer)i + 1);
	}
	lua_setfield(L, -3, "service_by_id");
	lua_setfield(L, -2, "services");
}

/*
 * assay.setup.client_side (setup/README.md): the lab's gateway position
 * and what the lab declared about the device's servers, without secret
 * values or key paths; nil when the set-up has no <client-side>.
 */
static void
push_client_side(lua_State *L, const struct assay_forms *f)
{
	const struct assay_gateway_decl *g = assay_forms_gateway(f);
	size_t i, n;

	const struct assay_pace *p = assay_forms_pace(f);

	if (g == NULL && assay_forms_nidentities(f) == 0 &&
	    assay_forms_nupdates(f) == 0 && assay_forms_nwatch(f) == 0 &&
	    p->cycle_s == 0) {
		lua_pushnil(L);
		return;
	}
	lua_createtable(L, 0, 5);
	/* pace = { cycle_s (nil: not declared), observe_s, connect_ms, ... } */
	lua_createtable(L, 0, 6);
	if (p->cycle_s > 0)
		set_int(L, "cycle_s", p->cycle_s);
	set_int(L, "observe_s", p->observe_s);
	set_int(L, "connect_ms", p->connect_ms);
	set_int(L, "consent_s", p->consent_s);
	set_int(L, "settle_ms", p->settle_ms);
	set_int(L, "outage_ms", p->outage_ms);
	lua_setfield(L, -2, "pace");
	if (g != NULL) {
		lua_createtable(L, 0, 4);
		set_str(L, "interface", g->interface);
		set_str(L, "address", g->address);
		set_int(L, "dns_port", g->dns_port);
		lua_createtable(L, (int)g->nanswers, 0);
		for (i = 0; i < g->nanswers; i++) {
			lua_pushstring(L, g->answers[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, "answers");
		lua_setfield(L, -2, "gateway");
	}
	n = assay_forms_nidentities(f);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		const struct assay_identity_decl *id = assay_forms_identity(f, i);

		lua_createtable(L, 0, 3);
		set_str(L, "id", id->id);
		set_str(L, "host", id->host);
		lua_pushboolean(L, id->ca_cert != NULL);
		lua_setfield(L, -2, "has_ca");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "identities");
	n = assay_forms_nupdates(f);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		const struct assay_update_decl *u = assay_forms_update(f, i);

		lua_createtable(L, 0, 8);
		set_str(L, "id", u->id);
		set_str(L, "mechanism", u->mechanism);
		set_str(L, "channel", u->channel);
		if (u->identity != NULL)
			set_str(L, "identity", u->identity);
		lua_pushboolean(L, u->older != NULL);
		lua_setfield(L, -2, "has_older");
		lua_pushboolean(L, u->other_key != NULL);
		lua_setfield(L, -2, "has_other_key");
		lua_pushboolean(L, u->signature != NULL);
		lua_setfield(L, -2, "signed");
		lua_pushboolean(L, u->has_check);
		lua_setfield(L, -2, "has_version_check");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "updates");
	n = assay_forms_nwatch(f);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		const struct assay_watch_decl *w = assay_forms_watch(f, i);

		lua_createtable(L, 0, 3);
		set_str(L, "label", w->label);
		set_str(L, "kind", w->kind);
		if (w->ref != NULL)
			set_str(L, "ref", w->ref);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "watch");
}

/* assay.setup: how the lab reaches the device (docs/facts.md). */
static void
push_setup(lua_State *L, const struct assay_forms *f)
{
	size_t i, n;

	lua_createtable(L, 0, 3);
	n = assay_forms_naddresses(f);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, assay_forms_address(f, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "addresses");

	n = assay_forms_ncredentials(f);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_createtable(L, 0, 5);
		set_str(L, "id", assay_forms_credential_id(f, i));
		set_str(L, "service", assay_forms_credential_service(f, i));
		set_str(L, "username", assay_forms_credential_username(f, i));
		set_str(L, "password", assay_forms_credential_password(f, i));
		set_str(L, "origin", assay_forms_credential_origin(f, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "credentials");

	lua_createtable(L, 0, 2);
	set_int(L, "max_connections", assay_forms_budget_max_connections(f));
	set_int(L, "max_rate", assay_forms_budget_max_rate(f));
	lua_setfield(L, -2, "budget");

	/*
	 * artefacts = { captures = {...}, firmware = {...}, imports = {...} }
	 * (imports: other tools' reports, each with its kind).
	 */
	lua_createtable(L, 0, 3);
	lua_newtable(L);
	lua_setfield(L, -2, "captures");
	lua_newtable(L);
	lua_setfield(L, -2, "firmware");
	lua_newtable(L);
	lua_setfield(L, -2, "imports");
	n = assay_forms_nartefacts(f);
	for (i = 0; i < n; i++) {
		enum assay_artefact_kind k = assay_forms_artefact_kind(f, i);

		lua_getfield(L, -1, k == ASSAY_ARTEFACT_CAPTURE ? "captures" :
		    k == ASSAY_ARTEFACT_FIRMWARE ? "firmware" : "imports");
		lua_createtable(L, 0, 4);
		set_str(L, "id", assay_forms_artefact_id(f, i));
		set_str(L, "file", assay_forms_artefact_path(f, i));
		set_str(L, "sha256", assay_forms_artefact_sha256(f, i));
		set_int(L, "size", (lua_Integer)assay_forms_artefact_size(f, i));
		if (k != ASSAY_ARTEFACT_CAPTURE && k != ASSAY_ARTEFACT_FIRMWARE)
			set_str(L, "kind", assay_forms_artefact_kind_name(k));
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
		lua_pop(L, 1);
	}
	lua_setfield(L, -2, "artefacts");
	push_client_side(L, f);
	lua_setfield(L, -2, "client_side");
}

/*
 * The files assay.net.capture and assay.net.firmware may read: those the
 * set-up declares, with the hash the loader computed, and (captures) what
 * Assay recorded under the run's evidence directory.  Nothing else.
 */
static void
allow_artefacts(lua_State *L, const struct assay_api_ctx *ctx)
{
	const struct assay_forms *f = ctx->forms;
	size_t i, n;
	int r;

	/* The probes of the device as a client open the lab gateway from
	 * the set-up; observe records into the test case's directory. */
	assay_probe_client_forms_set(L, f);
	n = f != NULL ? assay_forms_nartefacts(f) : 0;
	for (i = 0; i < n; i++) {
		r = assay_artefact_declare(L, assay_forms_artefact_kind_name(
		    assay_forms_artefact_kind(f, i)),
		    assay_forms_artefact_id(f, i),
		    assay_forms_artefact_path(f, i),
		    assay_forms_artefact_sha256(f, i));
		if (r != 0)
			luaL_error(L, "artefact \"%s\": %s",
			    assay_forms_artefact_id(f, i), assay_strerror(r));
	}
	/* Captures a test case writes, below its evidence directory. */
	if (ctx->evidence_root != NULL)
		(void)assay_artefact_allow_dir(L, "capture", ctx->evidence_root);
}

/* Observations record into the test case's own evidence directory. */
static void
allow_evidence_dir(lua_State *L, const struct assay_api_ctx *ctx)
{
	char dir[4096], *slash;

	if (ctx->evidence == NULL)
		return;
	(void)snprintf(dir, sizeof(dir), "%s",
	    assay_evidence_tc_dir(ctx->evidence));
	(void)assay_probe_observe_dir_set(L, dir);
	if (ctx->evidence_root == NULL &&
	    (slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		(void)assay_artefact_allow_dir(L, "capture", dir);
	}
}

/*
 * A probe of assay.net, called through its name: tells the supervisor
 * "now in net.NAME" (base/status.h) for the status line, and which probe
 * it was in before once it returns.  A probe that raises leaves its name
 * up until the next one starts or the process ends: the error ends the
 * test case but for a pcall, and the line shows the probe that failed.
 * Upvalues: the probe, its name.
 */
static int
l_named_probe(lua_State *L)
{
	char prev[ASSAY_STATUS_NAME_MAX];
	int n = lua_gettop(L);

	assay_status_current(prev, sizeof(prev));
	assay_status_probe(lua_tostring(L, lua_upvalueindex(2)));
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	assay_status_probe(prev);
	return lua_gettop(L);
}

/*
 * Wraps every function of the assay.net table on top of the stack in
 * l_named_probe.  Done in every run, with a status line or without, so
 * a test case sees the same functions (and the same tracebacks in its
 * evidence) on a terminal and in CI; without a status line the name is
 * dropped at one NULL test.
 */
static void
name_probes(lua_State *L)
{
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) == LUA_TSTRING &&
		    lua_type(L, -1) == LUA_TFUNCTION) {
			lua_pushfstring(L, "net.%s", lua_tostring(L, -2));
			lua_pushcclosure(L, l_named_probe, 2);
			lua_pushvalue(L, -2);	/* the key */
			lua_insert(L, -2);
			lua_rawset(L, -4);
		} else
			lua_pop(L, 1);
	}
}

/*
 * The raw `assay` table behind its read-only proxy, kept in the registry
 * from assay_api_prepare() until assay_api_bind() adds assay.testcase to
 * it.  The registry is out of a script's reach (no debug library).
 */
static const char raw_key = 0;

/*
 * Builds the API inside a protected call: it allocates and may raise.
 * Everything but what names the test case (assay.testcase, the directory
 * observations record into): that is assay_api_bind()'s.
 */
static int
install(lua_State *L)
{
	struct assay_api_ctx *ctx = lua_touserdata(L, 1);
	static const luaL_Reg funcs[] = {
		{ "pass",		l_pass },
		{ "fail",		l_fail },
		{ "inconclusive",	l_inconclusive },
		{ "unit",		l_unit },
		{ "unit_verdict",	l_unit_verdict },
		{ "settle",		l_settle },
		{ "log",		l_log },
		{ "evidence",		l_evidence },
		{ "new_secret",		l_new_secret },
		{ "sleep",		l_sleep },
		{ "once",		l_once },
		{ "now_ms",		l_now_ms },
		{ "data",		l_data },
		{ "field",		l_field },
		{ NULL, NULL }
	};
	size_t i;

	units_new(L);
	lua_createtable(L, 0, 16);
	lua_pushlightuserdata(L, ctx);
	luaL_setfuncs(L, funcs, 1);
	if (ctx->forms != NULL) {
		push_ics(L, ctx->forms);
		lua_setfield(L, -2, "ics");
		push_ixit(L, ctx->forms);
		lua_setfield(L, -2, "ixit");
		push_setup(L, ctx->forms);
		lua_setfield(L, -2, "setup");
	}
	allow_artefacts(L, ctx);
	lua_createtable(L, 0, 16);
	for (i = 0; net_modules[i] != NULL; i++)
		net_modules[i](L);
	/* The lab gateway's probes read the set-up (issue 13). */
	assay_probe_intercept_lua_register(L, ctx->forms);
	lua_getfield(L, -1, "tcp_sweep");
	if (lua_isfunction(L, -1)) {
		lua_pushlightuserdata(L, ctx);
		lua_insert(L, -2);
		lua_pushcclosure(L, l_tcp_sweep_cached, 2);
		lua_setfield(L, -2, "tcp_sweep");
	} else
		lua_pop(L, 1);
	if (ctx->net_hook != NULL)
		ctx->net_hook(L, ctx->net_hook_arg);
	name_probes(L);
	lua_setfield(L, -2, "net");
	set_str(L, "version", ASSAY_VERSION);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &raw_key);
	assay_sandbox_make_readonly(L, -1);
	/* The short verdict helpers are globals too: `return pass("...")`. */
	lua_getfield(L, -1, "pass");
	lua_setglobal(L, "pass");
	lua_getfield(L, -1, "fail");
	lua_setglobal(L, "fail");
	lua_getfield(L, -1, "inconclusive");
	lua_setglobal(L, "inconclusive");
	lua_setglobal(L, "assay");
	return 0;
}

/* Pushes test case tc's `assay.testcase` (read-only). */
static void
push_testcase(lua_State *L, const struct assay_catalogue *c, size_t tc)
{
	lua_createtable(L, 0, 5);
	set_str(L, "id", assay_catalogue_id(c, tc));
	set_str(L, "group", assay_catalogue_group(c, tc));
	set_str(L, "type", assay_tc_type_name(assay_catalogue_type(c, tc)));
	set_str(L, "purpose", assay_catalogue_purpose(c, tc));
	push_unit_decls(L, c, tc);
	lua_setfield(L, -2, "units");
	assay_sandbox_make_readonly(L, -1);
}

/*
 * Registry slot of the `assay.testcase` tables assay_api_prebuild() made
 * in a prepared state: test case index + 1 -> table.
 */
static const char prebuilt_key = 0;

/*
 * assay.testcase (read-only like the rest) into the raw table kept by
 * install(): the one assay_api_prebuild() made, else built here; and the
 * test case's evidence directory.  Once: the raw table leaves the
 * registry.
 */
static int
bind_testcase(lua_State *L)
{
	struct assay_api_ctx *ctx = lua_touserdata(L, 1);
	const struct assay_catalogue *c = ctx->catalogue;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &raw_key) != LUA_TTABLE)
		return luaL_error(L, "the assay API is not prepared");
	if (c != NULL) {
		if (lua_rawgetp(L, LUA_REGISTRYINDEX, &prebuilt_key) ==
		    LUA_TTABLE && lua_rawgeti(L, -1,
		    (lua_Integer)ctx->tc + 1) == LUA_TTABLE)
			lua_remove(L, -2);
		else {
			lua_settop(L, 2);
			push_testcase(L, c, ctx->tc);
		}
		lua_setfield(L, 2, "testcase");
	}
	lua_pushnil(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &raw_key);
	allow_evidence_dir(L, ctx);
	return 0;
}

/* f(arg) in a protected call (it allocates and may raise). */
static int
pcall_ctx(lua_State *L, lua_CFunction f, void *arg)
{
	lua_pushcfunction(L, f);
	lua_pushlightuserdata(L, arg);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		lua_pop(L, 1);
		return ASSAY_ERR_LUA;
	}
	return 0;
}

int
assay_api_prepare(struct assay_sandbox *sb, struct assay_api_ctx *ctx)
{
	lua_State *L = assay_sandbox_state(sb);

	if (ctx->max_sleep_ms <= 0)
		ctx->max_sleep_ms = 60000;
	if (ctx->probe_env != NULL)
		assay_probe_env_set(L, ctx->probe_env);
	return pcall_ctx(L, install, ctx);
}

struct prebuild {
	const struct assay_catalogue	*c;
	const size_t			*tcs;
	size_t				 n;
};

static int
prebuild(lua_State *L)
{
	const struct prebuild *p = lua_touserdata(L, 1);
	size_t k;

	lua_createtable(L, 0, 0);
	for (k = 0; k < p->n; k++) {
		push_testcase(L, p->c, p->tcs[k]);
		lua_rawseti(L, -2, (lua_Integer)p->tcs[k] + 1);
	}
	lua_rawsetp(L, LUA_REGISTRYINDEX, &prebuilt_key);
	return 0;
}

int
assay_api_prebuild(struct assay_sandbox *sb,
    const struct assay_api_ctx *ctx, const size_t *tcs, size_t n)
{
	struct prebuild p = { ctx->catalogue, tcs, n };
	size_t k;

	if (p.c == NULL)
		return ASSAY_ERR_INVALID_ARG;
	for (k = 0; k < n; k++)
		if (tcs[k] >= assay_catalogue_count(p.c))
			return ASSAY_ERR_INVALID_ARG;
	return pcall_ctx(assay_sandbox_state(sb), prebuild, &p);
}

int
assay_api_bind(struct assay_sandbox *sb, struct assay_api_ctx *ctx)
{
	return pcall_ctx(assay_sandbox_state(sb), bind_testcase, ctx);
}

int
assay_api_install(struct assay_sandbox *sb, struct assay_api_ctx *ctx)
{
	int r;

	if ((r = assay_api_prepare(sb, ctx)) != 0)
		return r;
	return assay_api_bind(sb, ctx);
}
