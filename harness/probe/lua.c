/*
 * probe/lua.c - option, result and error helpers shared by the probe
 * bindings (the contract is in lua.h and docs/probes.md).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "base/error.h"
#include "probe/dissect.h"
#include "probe/lua.h"
#include "probe/probe.h"

void
assay_lua_opts(lua_State *L, const char *fn, const char *const *known)
{
	const char *k;
	size_t i;

	if (lua_type(L, 1) != LUA_TTABLE)
		assay_lua_argerror(L, fn, "a table of options expected (%s{...}), "
		    "got %s", fn, luaL_typename(L, 1));
	if (lua_gettop(L) > 1)
		assay_lua_argerror(L, fn, "takes one table of options, got %d "
		    "arguments", lua_gettop(L));
	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			assay_lua_argerror(L, fn, "option names must be strings "
			    "(got a %s key)", luaL_typename(L, -1));
		k = lua_tostring(L, -1);
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], k) == 0)
				break;
		if (known[i] == NULL)
			assay_lua_argerror(L, fn, "unknown option \"%.40s\"", k);
	}
}

int
assay_lua_argerror(lua_State *L, const char *fn, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return luaL_error(L, "%s: %s", fn, msg);
}

const char *
assay_lua_opt_str(lua_State *L, const char *fn, const char *key, size_t *lenp)
{
	const char *s = NULL;
	int t;

	t = lua_getfield(L, 1, key);
	if (t == LUA_TSTRING)
		s = lua_tolstring(L, -1, lenp);
	else if (t != LUA_TNIL)
		assay_lua_argerror(L, fn, "%s must be a string, got %s", key,
		    luaL_typename(L, -1));
	lua_pop(L, 1);	/* the options table still references it */
	return s;
}

const char *
assay_lua_req_str(lua_State *L, const char *fn, const char *key)
{
	const char *s;
	size_t len = 0;

	if ((s = assay_lua_opt_str(L, fn, key, &len)) == NULL)
		assay_lua_argerror(L, fn, "%s is required", key);
	if (len == 0 || strlen(s) != len)
		assay_lua_argerror(L, fn, "%s must be a non-empty string without "
		    "NUL", key);
	return s;
}

size_t
assay_lua_opt_names(lua_State *L, const char *fn, const char *key,
    const char *const *allowed, size_t max, const char **out,
    const char *what)
{
	size_t n, i, k;

	if (lua_getfield(L, 1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (!lua_istable(L, -1))
		assay_lua_argerror(L, fn, "%s must be a list of %s", key, what);
	n = (size_t)lua_rawlen(L, -1);
	if (n == 0 || n > max)
		assay_lua_argerror(L, fn, "%s must name 1..%zu %s", key, max,
		    what);
	for (i = 0; i < n; i++) {
		if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
			assay_lua_argerror(L, fn, "%s must be a list of %s", key,
			    what);
		out[i] = lua_tostring(L, -1);
		lua_pop(L, 1);		/* still referenced by the list */
		if (allowed == NULL)
			continue;
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(out[i], allowed[k]) == 0)
				break;
		if (allowed[k] == NULL)
			assay_lua_argerror(L, fn, "%s: unknown name \"%.40s\"",
			    key, out[i]);
		for (k = 0; k < i; k++)
			if (strcmp(out[k], out[i]) == 0)
				assay_lua_argerror(L, fn, "%s: \"%s\" named twice",
				    key, out[i]);
	}
	lua_pop(L, 1);
	return n;
}

size_t
assay_lua_channels(lua_State *L, const char *fn, const char **names,
    size_t max, int *list)
{
	size_t n, i, j;

	lua_getfield(L, 1, "channels");
	*list = !lua_isnil(L, -1);
	lua_pop(L, 1);
	if (!*list) {
		names[0] = assay_lua_req_str(L, fn, "channel");
		return 1;
	}
	if (lua_getfield(L, 1, "channel") != LUA_TNIL)
		assay_lua_argerror(L, fn, "channel and channels: give one of "
		    "them");
	lua_pop(L, 1);
	lua_getfield(L, 1, "channels");
	n = lua_istable(L, -1) ? (size_t)lua_rawlen(L, -1) : 0;
	if (n < 1 || n > max)
		assay_lua_argerror(L, fn, "channels: a list of 1..%zu channel "
		    "ids expected", max);
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			assay_lua_argerror(L, fn, "channels[%zu]: a channel id "
			    "expected, got %s", i + 1, luaL_typename(L, -1));
		names[i] = lua_tostring(L, -1);
		lua_pop(L, 1);		/* still referenced by the list */
		for (j = 0; j < i; j++)
			if (strcmp(names[j], names[i]) == 0)
				assay_lua_argerror(L, fn, "channels: \"%s\" "
				    "twice", names[i]);
	}
	lua_pop(L, 1);
	return n;
}

lua_Integer
assay_lua_opt_int(lua_State *L, const char *fn, const char *key,
    lua_Integer def, lua_Integer lo, lua_Integer hi)
{
	lua_Integer v = def;
	int isnum = 0;

	if (lua_getfield(L, 1, key) != LUA_TNIL) {
		if (lua_type(L, -1) == LUA_TNUMBER)
			v = lua_tointegerx(L, -1, &isnum);
		if (!isnum || v < lo || v > hi)
			assay_lua_argerror(L, fn, "%s must be an integer in "
			    "%lld..%lld", key, (long long)lo, (long long)hi);
	}
	lua_pop(L, 1);
	return v;
}

int
assay_lua_opt_bool(lua_State *L, const char *fn, const char *key, int def)
{
	int t, v = def;

	t = lua_getfield(L, 1, key);
	if (t == LUA_TBOOLEAN)
		v = lua_toboolean(L, -1);
	else if (t != LUA_TNIL)
		assay_lua_argerror(L, fn, "%s must be true or false, got %s",
		    key, luaL_typename(L, -1));
	lua_pop(L, 1);
	return v;
}

const char *
assay_lua_host(lua_State *L, const char *fn)
{
	return assay_lua_req_str(L, fn, "host");
}

int
assay_lua_port(lua_State *L, const char *fn, int def)
{
	if (def == 0 && lua_getfield(L, 1, "port") == LUA_TNIL)
		assay_lua_argerror(L, fn, "port is required");
	if (def == 0)
		lua_pop(L, 1);
	return (int)assay_lua_opt_int(L, fn, "port", def, 1, 65535);
}

int
assay_lua_timeout(lua_State *L, const char *fn)
{
	return (int)assay_lua_opt_int(L, fn, "timeout_ms", 0, 1,
	    ASSAY_LUA_MAX_TIMEOUT_MS);
}

size_t
assay_lua_max_read(lua_State *L, const char *fn)
{
	return (size_t)assay_lua_opt_int(L, fn, "max_read", 0, 1,
	    ASSAY_LUA_MAX_READ);
}

int
assay_lua_fail(lua_State *L, const char *reason)
{
	lua_pushnil(L);
	lua_pushstring(L, reason != NULL && *reason != '\0' ? reason :
	    "no answer (no reason given)");
	return 2;
}

int
assay_lua_harness_error(lua_State *L, const char *fn, int r, int timeout_ms)
{
	const struct assay_probe_env *env;

	if (r == ASSAY_ERR_BUDGET) {
		if (timeout_ms <= 0) {
			env = assay_probe_env_get(L);
			timeout_ms = env != NULL && env->timeout_ms > 0 ?
			    env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
		}
		lua_pushnil(L);
		lua_pushfstring(L, "budget: no connection slot free within %d ms",
		    timeout_ms);
		return 2;
	}
	return luaL_error(L, "%s: harness error: %s", fn, assay_strerror(r));
}

struct box {
	void		*p;
	void		(*free_fn)(void *);
	struct box	*prev, *next;	/* in `boxes` while not collected */
	int		 linked;
};

static const char BOX[] = "assay.probe_box";

/*
 * Every box not yet collected, in this process, newest first: what
 * assay_lua_boxes_release() frees.  A box is Lua memory, which does not
 * move; a lock because states live on more than one thread (the
 * engine's load and preparation threads, a test's own).
 */
static struct box	*boxes;
static pthread_mutex_t	 boxes_lock = PTHREAD_MUTEX_INITIALIZER;

static void
box_unlink(struct box *b)
{
	pthread_mutex_lock(&boxes_lock);
	if (b->linked) {
		if (b->prev != NULL)
			b->prev->next = b->next;
		else
			boxes = b->next;
		if (b->next != NULL)
			b->next->prev = b->prev;
		b->prev = b->next = NULL;
		b->linked = 0;
	}
	pthread_mutex_unlock(&boxes_lock);
}

static void
box_release(struct box *b)
{
	box_unlink(b);
	if (b->p != NULL && b->free_fn != NULL)
		b->free_fn(b->p);
	b->p = NULL;
}

static int
box_gc(lua_State *L)
{
	box_release(luaL_checkudata(L, 1, BOX));
	return 0;
}

void
assay_lua_boxes_release(void)
{
	struct box *b;

	for (;;) {
		pthread_mutex_lock(&boxes_lock);
		b = boxes;
		pthread_mutex_unlock(&boxes_lock);
		if (b == NULL)
			break;
		box_release(b);
	}
}

void **
assay_lua_box(lua_State *L, void (*free_fn)(void *))
{
	struct box *b;

	b = lua_newuserdatauv(L, sizeof(*b), 0);
	b->p = NULL;
	b->free_fn = free_fn;
	b->prev = b->next = NULL;
	b->linked = 0;
	if (luaL_newmetatable(L, BOX)) {
		lua_pushcfunction(L, box_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);	/* may raise: the box is not linked yet */
	pthread_mutex_lock(&boxes_lock);
	b->next = boxes;
	if (boxes != NULL)
		boxes->prev = b;
	boxes = b;
	b->linked = 1;
	pthread_mutex_unlock(&boxes_lock);
	return &b->p;
}

void
assay_lua_push_field(lua_State *L, const struct assay_field *fl)
{
	size_t i;

	switch (fl->type) {
	case ASSAY_FIELD_STR:
		lua_pushstring(L, fl->str);
		break;
	case ASSAY_FIELD_INT:
		lua_pushinteger(L, (lua_Integer)fl->num);
		break;
	case ASSAY_FIELD_BOOL:
		lua_pushboolean(L, (int)fl->num);
		break;
	default:
		lua_createtable(L, (int)fl->nlist, 0);
		for (i = 0; i < fl->nlist; i++) {
			lua_pushstring(L, fl->list[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	}
}
