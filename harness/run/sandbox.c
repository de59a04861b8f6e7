/*
 * sandbox.c - a fresh, bounded Lua state for one test case.
 *
 * The invariants are listed in docs/sandbox.md.  In short: our allocator
 * counts bytes against a limit, a count hook counts instructions and
 * watches a monotonic deadline, and whichever limit trips first is
 * remembered in the struct so the C side classifies the outcome by that
 * flag, never by the (script-controlled) error value.  After a trip the
 * hook fires on every instruction and line and raises again, so a pcall
 * in the script only delays the end by one instruction.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "base/error.h"
#include "run/sandbox.h"

#define HOOK_COUNT	1000		/* instructions between hook calls */
#define ERR_MAX		8192		/* cap on a kept error message */
#define RO_MAX_DEPTH	100		/* nesting cap for read-only proxies */
#define MOVE_MAX	(1 << 24)	/* elements per table.move */

enum trip {
	TRIP_NONE = 0,
	TRIP_MEMORY,
	TRIP_INSTRUCTIONS,
	TRIP_DEADLINE,
	TRIP_CLOSING,
	TRIP_COUNT
};

struct assay_sandbox {
	lua_State	*L;
	size_t		 max_bytes;
	size_t		 bytes;
	size_t		 held;		/* of bytes, the engine's: over max_bytes */
	size_t		 peak_bytes;
	uint64_t	 max_instructions;
	uint64_t	 instructions;
	int		 timeout_ms;
	int		 started;
	struct timespec	 deadline;
	int		 tripped;	/* first limit hit (enum trip) */
	char		 cause[128];
	char		 err[ERR_MAX];
};

/* Registry keys: only their addresses matter. */
static const char trip_msg_key[TRIP_COUNT];
static const char ro_key;
static const char sealed_key;

static const char *const base_allowed[] = {
	"assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall",
	"rawequal", "rawget", "rawlen", "rawset", "select", "tonumber",
	"tostring", "type", "setmetatable", "getmetatable", "load",
	"_G", "_VERSION",
	LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME, LUA_UTF8LIBNAME,
	LUA_COLIBNAME, NULL
};
static const char *const string_allowed[] = {
	"byte", "char", "find", "format", "gmatch", "gsub", "len", "lower",
	"match", "rep", "reverse", "sub", "upper", "pack", "packsize",
	"unpack", NULL
};
static const char *const table_allowed[] = {
	"concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL
};
static const char *const math_allowed[] = {
	"abs", "acos", "asin", "atan", "ceil", "cos", "deg", "exp", "floor",
	"fmod", "huge", "log", "max", "maxinteger", "min", "mininteger",
	"modf", "pi", "rad", "random", "randomseed", "sin", "sqrt", "tan",
	"tointeger", "type", "ult", NULL
};
static const char *const utf8_allowed[] = {
	"char", "charpattern", "codepoint", "codes", "len", "offset", NULL
};
static const char *const coroutine_allowed[] = {
	"close", "create", "isyieldable", "resume", "running", "status",
	"wrap", "yield", NULL
};

static struct assay_sandbox *
sandbox_of(lua_State *L)
{
	void *ud;

	(void)lua_getallocf(L, &ud);
	return ud;
}

/* Remembers the first limit hit.  Called from the allocator: no Lua calls. */
static void
trip(struct assay_sandbox *sb, int why)
{
	if (sb->tripped != TRIP_NONE)
		return;
	sb->tripped = why;
	switch (why) {
	case TRIP_MEMORY:
		snprintf(sb->cause, sizeof(sb->cause),
		    "memory limit of %zu bytes exceeded", sb->max_bytes);
		break;
	case TRIP_INSTRUCTIONS:
		snprintf(sb->cause, sizeof(sb->cause),
		    "instruction budget of %" PRIu64 " exceeded",
		    sb->max_instructions);
		break;
	case TRIP_DEADLINE:
		snprintf(sb->cause, sizeof(sb->cause),
		    "time limit of %d ms exceeded", sb->timeout_ms);
		break;
	default:
		snprintf(sb->cause, sizeof(sb->cause), "sandbox is closing");
		break;
	}
}

static int
trip_code(int why)
{
	return why == TRIP_MEMORY ? ASSAY_ERR_LIMIT_MEMORY :
	    ASSAY_ERR_LIMIT_TIME;
}

/*
 * lua_Alloc.  When ptr is NULL, osize is a type code, not a size, so it
 * counts as 0.  Only growth can fail: Lua assumes shrinking never does.
 */
static void *
sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct assay_sandbox *sb = ud;
	void *p;

	if (ptr == NULL)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		sb->bytes -= osize;
		return NULL;
	}
	if (nsize > osize && (sb->bytes > sb->max_bytes + sb->held ||
	    nsize - osize > sb->max_bytes + sb->held - sb->bytes)) {
		trip(sb, TRIP_MEMORY);
		return NULL;
	}
	if ((p = realloc(ptr, nsize)) == NULL) {
		if (nsize > osize && sb->tripped == TRIP_NONE) {
			/* Treated as the limit, but named for what it is. */
			trip(sb, TRIP_MEMORY);
			snprintf(sb->cause, sizeof(sb->cause), "memory allocation "
			    "failed with %zu of the %zu bytes allowed in use",
			    sb->bytes - sb->held, sb->max_bytes);
		}
		return NULL;
	}
	sb->bytes = sb->bytes - osize + nsize;
	if (sb->bytes > sb->peak_bytes)
		sb->peak_bytes = sb->bytes;
	return p;
}

static int
past_deadline(const struct assay_sandbox *sb)
{
	struct timespec now;

	if (!sb->started)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > sb->deadline.tv_sec ||
	    (now.tv_sec == sb->deadline.tv_sec &&
	    now.tv_nsec >= sb->deadline.tv_nsec);
}

static void hook(lua_State *, lua_Debug *);

/*
 * Raises the preallocated message of the trip, so raising needs no
 * allocation even when the memory limit is what tripped.
 */
static void
raise_trip(lua_State *L, struct assay_sandbox *sb)
{
	/* Every line and instruction from now on, in this thread and main. */
	lua_sethook(L, hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
	if (sb->L != NULL && sb->L != L)
		lua_sethook(sb->L, hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &trip_msg_key[sb->tripped]);
	lua_error(L);
}

static void
hook(lua_State *L, lua_Debug *ar)
{
	struct assay_sandbox *sb = sandbox_of(L);

	if (sb->tripped == TRIP_NONE) {
		if (ar->event == LUA_HOOKCOUNT)
			sb->instructions += HOOK_COUNT;
		if (sb->instructions > sb->max_instructions)
			trip(sb, TRIP_INSTRUCTIONS);
		else if (past_deadline(sb))
			trip(sb, TRIP_DEADLINE);
		else
			return;
	}
	raise_trip(L, sb);
}

/*
 * Calls upvalue 1 (the original function) with all arguments and returns
 * all its results.
 */
static int
call_original(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* load(chunk [, chunkname [, mode [, env]]]) with mode forced to "t". */
static int
sb_load(lua_State *L)
{
	int n = lua_gettop(L);

	if (n < 3)
		lua_settop(L, 3);
	lua_pushliteral(L, "t");
	lua_replace(L, 3);
	return call_original(L);
}

/*
 * Objects marked for finalisation run their __gc with hooks off (lgc.c
 * GCTM), out of reach of our limits, so no metatable with a __gc field
 * (of any value: the field is checked when the metatable is set) may be
 * set from a script.
 */
static int
sb_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: __gc metamethods "
			    "are not allowed in the sandbox");
		lua_pop(L, 1);
	}
	return call_original(L);
}

/*
 * An error raised from our hook calls the xpcall message handler while
 * the hook is still active, that is with hooks off: a looping handler
 * would then run forever.  So once a limit tripped, the script's handler
 * is skipped and the error passes through unchanged.
 */
static int
xpcall_guard(lua_State *L)
{
	if (sandbox_of(L)->tripped != TRIP_NONE) {
		lua_settop(L, 1);
		return 1;
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int
sb_xpcall(lua_State *L)
{
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_guard, 1);
	lua_replace(L, 2);
	return call_original(L);
}

/*
 * A limit error raised from the hook inside a coroutine leaves that
 * thread with hooks off (ldo.c restores them only in luaD_pcall), so its
 * pending __close handlers must never run after a trip.  Both ways to
 * run them, coroutine.close and the error path of coroutine.wrap, check
 * the flag first.  Before a trip the hook never raises, so every dead
 * coroutine still has hooks on.
 */
static int
sb_coclose(lua_State *L)
{
	struct assay_sandbox *sb = sandbox_of(L);

	if (sb->tripped != TRIP_NONE)
		raise_trip(L, sb);
	return call_original(L);
}

static int
wrap_resume(lua_State *L)
{
	struct assay_sandbox *sb = sandbox_of(L);
	lua_State *co = lua_tothread(L, lua_upvalueindex(1));
	int nargs = lua_gettop(L), nres, status;

	if (!lua_checkstack(co, nargs + 1))
		return luaL_error(L, "too many arguments to resume");
	if (lua_status(co) == LUA_OK && lua_gettop(co) == 0)
		return luaL_error(L, "cannot resume dead coroutine");
	lua_xmove(L, co, nargs);
	status = lua_resume(co, L, nargs, &nres);
	if (status == LUA_OK || status == LUA_YIELD) {
		if (!lua_checkstack(L, nres + 1)) {
			lua_pop(co, nres);
			return luaL_error(L, "too many results to resume");
		}
		lua_xmove(co, L, nres);
		return nres;
	}
	if (sb->tripped != TRIP_NONE)
		raise_trip(L, sb);
	if (lua_status(co) != LUA_OK && lua_status(co) != LUA_YIELD) {
		status = lua_resetthread(co);	/* runs its __close handlers */
		lua_xmove(co, L, 1);
		if (sb->tripped != TRIP_NONE)
			raise_trip(L, sb);
	} else
		lua_xmove(co, L, 1);		/* could not start */
	if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
		luaL_where(L, 1);
		lua_insert(L, -2);
		lua_concat(L, 2);
	}
	return lua_error(L);
}

/* coroutine.wrap, ours for the __close check above. */
static int
sb_cowrap(lua_State *L)
{
	lua_State *co;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	co = lua_newthread(L);
	lua_pushvalue(L, 1);
	lua_xmove(L, co, 1);
	lua_pushcclosure(L, wrap_resume, 1);
	return 1;
}

/*
 * Userdata (probe handles) keep their metatables to themselves: with it a
 * script could set __gc, which runs with hooks off, or swap methods.
 */
static int
sb_getmetatable(lua_State *L)
{
	luaL_checkany(L, 1);
	if (lua_type(L, 1) == LUA_TUSERDATA) {
		lua_pushliteral(L, "locked");
		return 1;
	}
	return call_original(L);
}

static int
is_guarded(lua_State *L, int idx, const void *key)
{
	int guarded;

	if (!lua_getmetatable(L, idx))
		return 0;
	guarded = lua_rawgetp(L, -1, key) != LUA_TNIL;
	lua_pop(L, 2);
	return guarded;
}

/* rawset that refuses read-only proxies and the sealed global table. */
static int
sb_rawset(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (is_guarded(L, 1, &ro_key))
		return luaL_error(L, "attempt to modify read-only table");
	if (is_guarded(L, 1, &sealed_key))
		return luaL_error(L, "rawset on the sealed global table");
	return call_original(L);
}

/* string.rep with an empty result loops n times in C, out of our hook. */
static int
sb_rep(lua_State *L)
{
	size_t l, lsep;
	lua_Integer n;

	(void)luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	(void)luaL_optlstring(L, 3, "", &lsep);
	if (n > 0 && l == 0 && (lsep == 0 || n == 1)) {
		lua_pushliteral(L, "");
		return 1;
	}
	return call_original(L);
}

/* table.move loops in C; cap the count so it cannot outrun the hook. */
static int
sb_move(lua_State *L)
{
	lua_Integer f, e;

	f = luaL_checkinteger(L, 2);
	e = luaL_checkinteger(L, 3);
	if (e >= f && (lua_Unsigned)e - (lua_Unsigned)f >= MOVE_MAX)
		return luaL_error(L, "table.move: more than %d elements",
		    MOVE_MAX);
	return call_original(L);
}

static int
is_allowed(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* Removes every field of the table at idx whose name is not in list. */
static void
keep_only(lua_State *L, int idx, const char *const *list)
{
	int drop;

	idx = lua_absindex(L, idx);
	lua_newtable(L);		/* keys to drop */
	drop = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING ||
		    !is_allowed(list, lua_tostring(L, -1))) {
			lua_pushvalue(L, -1);
			lua_rawseti(L, drop, (lua_Integer)lua_rawlen(L, drop) + 1);
		}
	}
	for (lua_Integer i = 1; lua_rawgeti(L, drop, i) != LUA_TNIL; i++) {
		lua_pushnil(L);
		lua_rawset(L, idx);
	}
	lua_pop(L, 2);
}

/* Replaces t[name] by a C closure around its current value. */
static void
wrap_field(lua_State *L, int idx, const char *name, lua_CFunction f)
{
	idx = lua_absindex(L, idx);
	lua_getfield(L, idx, name);
	lua_pushcclosure(L, f, 1);
	lua_setfield(L, idx, name);
}

static int
setup(lua_State *L)
{
	static const struct {
		const char		 *name;
		lua_CFunction		  open;
		const char *const	 *allowed;
	} libs[] = {
		{ LUA_STRLIBNAME, luaopen_string, string_allowed },
		{ LUA_TABLIBNAME, luaopen_table, table_allowed },
		{ LUA_MATHLIBNAME, luaopen_math, math_allowed },
		{ LUA_UTF8LIBNAME, luaopen_utf8, utf8_allowed },
		{ LUA_COLIBNAME, luaopen_coroutine, coroutine_allowed },
	};
	struct assay_sandbox *sb = lua_touserdata(L, 1);
	size_t i;

	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	lua_pop(L, 1);
	for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		luaL_requiref(L, libs[i].name, libs[i].open, 1);
		keep_only(L, -1, libs[i].allowed);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	keep_only(L, -1, base_allowed);
	wrap_field(L, -1, "load", sb_load);
	wrap_field(L, -1, "setmetatable", sb_setmetatable);
	wrap_field(L, -1, "getmetatable", sb_getmetatable);
	wrap_field(L, -1, "rawset", sb_rawset);
	wrap_field(L, -1, "xpcall", sb_xpcall);
	lua_getfield(L, -1, LUA_STRLIBNAME);
	wrap_field(L, -1, "rep", sb_rep);
	lua_pop(L, 1);
	/*
	 * The metatable all strings share stays out of reach: through it a
	 * script could replace the methods every string has (and the
	 * catalogue library uses) or attach metamethods to strings.
	 */
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_getfield(L, -1, LUA_TABLIBNAME);
	wrap_field(L, -1, "move", sb_move);
	lua_pop(L, 1);
	lua_getfield(L, -1, LUA_COLIBNAME);
	wrap_field(L, -1, "close", sb_coclose);
	lua_pushcfunction(L, sb_cowrap);
	lua_setfield(L, -2, "wrap");
	lua_pop(L, 2);

	/* Messages raised after a trip, made now so raising never allocates. */
	for (i = TRIP_MEMORY; i < TRIP_COUNT; i++) {
		struct assay_sandbox tmp;

		memset(&tmp, 0, sizeof(tmp));
		tmp.max_bytes = sb->max_bytes;
		tmp.max_instructions = sb->max_instructions;
		tmp.timeout_ms = sb->timeout_ms;
		trip(&tmp, (int)i);
		lua_pushstring(L, tmp.cause);
		lua_rawsetp(L, LUA_REGISTRYINDEX, &trip_msg_key[i]);
	}
	return 0;
}

/*
 * Copies the message at the top of the stack into sb->err, capped, with
 * control characters other than newline and tab shown as '?': the text
 * comes from the script and ends up in logs and reports.
 */
static void
keep_error(struct assay_sandbox *sb, lua_State *L, const char *prefix)
{
	const char *msg;
	size_t len;
	char *c;

	if (lua_type(L, -1) == LUA_TSTRING)
		msg = lua_tolstring(L, -1, &len);
	else {
		msg = "(error object is not a string)";
		len = strlen(msg);
	}
	if (len > ERR_MAX - 64)
		snprintf(sb->err, sizeof(sb->err), "%s%.*s [... cut at %d bytes]",
		    prefix, ERR_MAX - 64, msg, ERR_MAX - 64);
	else
		snprintf(sb->err, sizeof(sb->err), "%s%s", prefix, msg);
	for (c = sb->err; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 && *c != '\n' && *c != '\t')
			*c = '?';
		else if (*c == 0x7f)
			*c = '?';
}

int
assay_sandbox_new(const struct assay_sandbox_limits *lim,
    struct assay_sandbox **out)
{
	struct assay_sandbox *sb = NULL;
	int r;

	if (out == NULL)
		return ASSAY_ERR_INVALID_ARG;
	*out = NULL;
	if ((sb = calloc(1, sizeof(*sb))) == NULL)
		return ASSAY_ERR_ALLOC;
	sb->max_bytes = ASSAY_SANDBOX_DEFAULT_MAX_BYTES;
	sb->max_instructions = ASSAY_SANDBOX_DEFAULT_MAX_INSTRUCTIONS;
	sb->timeout_ms = ASSAY_SANDBOX_DEFAULT_TIMEOUT_MS;
	if (lim != NULL) {
		if (lim->timeout_ms < 0) {
			r = ASSAY_ERR_INVALID_ARG;
			goto out;
		}
		if (lim->max_bytes != 0)
			sb->max_bytes = lim->max_bytes;
		if (lim->max_instructions != 0)
			sb->max_instructions = lim->max_instructions;
		if (lim->timeout_ms != 0)
			sb->timeout_ms = lim->timeout_ms;
	}
	if ((sb->L = lua_newstate(sb_alloc, sb)) == NULL) {
		r = sb->tripped == TRIP_MEMORY ? ASSAY_ERR_LIMIT_MEMORY :
		    ASSAY_ERR_ALLOC;
		goto out;
	}
	lua_sethook(sb->L, hook, LUA_MASKCOUNT, HOOK_COUNT);
	lua_pushcfunction(sb->L, setup);
	lua_pushlightuserdata(sb->L, sb);
	if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK) {
		r = sb->tripped == TRIP_MEMORY ? ASSAY_ERR_LIMIT_MEMORY :
		    ASSAY_ERR_INTERNAL;
		goto out;
	}
	*out = sb;
	sb = NULL;
	r = 0;
 out:
	assay_sandbox_free(sb);
	return r;
}

void
assay_sandbox_free(struct assay_sandbox *sb)
{
	if (sb == NULL)
		return;
	if (sb->L != NULL) {
		/* Pending to-be-closed handlers get one instruction at most. */
		sb->tripped = TRIP_CLOSING;
		lua_sethook(sb->L, hook, LUA_MASKCOUNT, 1);
		lua_close(sb->L);
	}
	free(sb);
}

struct lua_State *
assay_sandbox_state(struct assay_sandbox *sb)
{
	return sb == NULL ? NULL : sb->L;
}

struct dump_buf {
	char	*p;
	size_t	 len, alloc;
	int	 failed;
};

static int
dump_write(lua_State *L, const void *p, size_t n, void *ud)
{
	struct dump_buf *b = ud;
	size_t want;
	char *np;

	(void)L;
	if (b->failed)
		return 1;
	if (n > SIZE_MAX - b->len - 1) {
		b->failed = 1;
		return 1;
	}
	if (b->len + n > b->alloc) {
		want = b->alloc ? b->alloc : 4096;
		while (want < b->len + n)
			want = want > SIZE_MAX / 2 ? b->len + n : want * 2;
		if ((np = realloc(b->p, want)) == NULL) {
			b->failed = 1;
			return 1;
		}
		b->p = np;
		b->alloc = want;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

int
assay_sandbox_dump(struct assay_sandbox *sb, char **out, size_t *lenp)
{
	struct dump_buf b = { NULL, 0, 0, 0 };

	*out = NULL;
	*lenp = 0;
	if (sb == NULL || !lua_isfunction(sb->L, -1) || lua_iscfunction(sb->L, -1))
		return ASSAY_ERR_INVALID_ARG;
	if (lua_dump(sb->L, dump_write, &b, 0) != 0 || b.failed || b.len == 0) {
		free(b.p);
		return ASSAY_ERR_ALLOC;
	}
	*out = b.p;
	*lenp = b.len;
	return 0;
}

int
assay_sandbox_load_dump(struct assay_sandbox *sb, const char *chunkname,
    const char *bc, size_t len)
{
	int status;

	if (sb == NULL || bc == NULL || len == 0 || bc[0] != LUA_SIGNATURE[0])
		return ASSAY_ERR_INVALID_ARG;
	sb->err[0] = '\0';
	if (chunkname == NULL)
		chunkname = "=?";
	if (sb->tripped != TRIP_NONE) {
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return trip_code(sb->tripped);
	}
	if (!lua_checkstack(sb->L, 2)) {
		trip(sb, TRIP_MEMORY);
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return ASSAY_ERR_LIMIT_MEMORY;
	}
	status = luaL_loadbufferx(sb->L, bc, len, chunkname, "b");
	if (status == LUA_OK)
		return 0;
	if (status == LUA_ERRMEM || sb->tripped == TRIP_MEMORY) {
		trip(sb, TRIP_MEMORY);
		lua_pop(sb->L, 1);
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return ASSAY_ERR_LIMIT_MEMORY;
	}
	keep_error(sb, sb->L, "");
	lua_pop(sb->L, 1);
	return ASSAY_ERR_PARSE;
}

int
assay_sandbox_load(struct assay_sandbox *sb, const char *chunkname,
    const char *src, size_t len)
{
	const char *name;
	int status;

	if (sb == NULL || src == NULL)
		return ASSAY_ERR_INVALID_ARG;
	sb->err[0] = '\0';
	if (chunkname == NULL)
		chunkname = "=?";
	name = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 :
	    chunkname;
	if (sb->tripped != TRIP_NONE) {
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return trip_code(sb->tripped);
	}
	if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
		snprintf(sb->err, sizeof(sb->err), "%s: precompiled (bytecode) "
		    "chunk refused: test cases are loaded from source text only",
		    name);
		return ASSAY_ERR_PARSE;
	}
	if (!lua_checkstack(sb->L, 2)) {
		trip(sb, TRIP_MEMORY);
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return ASSAY_ERR_LIMIT_MEMORY;
	}
	status = luaL_loadbufferx(sb->L, src, len, chunkname, "t");
	if (status == LUA_OK)
		return 0;
	if (status == LUA_ERRMEM || sb->tripped == TRIP_MEMORY) {
		trip(sb, TRIP_MEMORY);
		lua_pop(sb->L, 1);
		snprintf(sb->err, sizeof(sb->err), "%s: %s", name, sb->cause);
		return ASSAY_ERR_LIMIT_MEMORY;
	}
	keep_error(sb, sb->L, "");
	lua_pop(sb->L, 1);
	return ASSAY_ERR_PARSE;
}

/*
 * Message handler: adds a traceback.  A non-string error value is named
 * by its type; its __tostring is not called, since it is script code
 * that would run inside the handler and could lie about the cause.
 */
static int
msghandler(lua_State *L)
{
	const char *msg;

	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
		msg = lua_tostring(L, 1);
	else
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return 1;
}

int
assay_sandbox_call(struct assay_sandbox *sb, int nargs, int nresults)
{
	struct timespec now;
	lua_State *L;
	int base, status;

	if (sb == NULL || nargs < 0 || lua_gettop(sb->L) < nargs + 1)
		return ASSAY_ERR_INVALID_ARG;
	L = sb->L;
	sb->err[0] = '\0';
	base = lua_gettop(L) - nargs;		/* the function */
	if (!sb->started) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		sb->deadline.tv_sec = now.tv_sec + sb->timeout_ms / 1000;
		sb->deadline.tv_nsec = now.tv_nsec +
		    (long)(sb->timeout_ms % 1000) * 1000000L;
		if (sb->deadline.tv_nsec >= 1000000000L) {
			sb->deadline.tv_sec++;
			sb->deadline.tv_nsec -= 1000000000L;
		}
		sb->started = 1;
	}
	if (sb->tripped == TRIP_NONE && past_deadline(sb))
		trip(sb, TRIP_DEADLINE);
	if (sb->tripped == TRIP_NONE && !lua_checkstack(L, 1))
		trip(sb, TRIP_MEMORY);
	if (sb->tripped != TRIP_NONE) {
		/* A limit hit earlier ends every later call. */
		lua_settop(L, base - 1);
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return trip_code(sb->tripped);
	}
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	status = lua_pcall(L, nargs, nresults, base);
	if (sb->tripped != TRIP_NONE) {
		lua_settop(L, base - 1);
		snprintf(sb->err, sizeof(sb->err), "%s", sb->cause);
		return trip_code(sb->tripped);
	}
	if (status != LUA_OK) {
		keep_error(sb, L, "");
		lua_settop(L, base - 1);
		return ASSAY_ERR_LUA;
	}
	lua_remove(L, base);
	return 0;
}

void
assay_sandbox_rearm(struct assay_sandbox *sb)
{
	if (sb == NULL || sb->tripped != TRIP_NONE)
		return;
	sb->started = 0;
	sb->instructions = 0;
}

const char *
assay_sandbox_error(const struct assay_sandbox *sb)
{
	return sb == NULL ? "" : sb->err;
}

size_t
assay_sandbox_bytes(const struct assay_sandbox *sb)
{
	return sb == NULL ? 0 : sb->bytes;
}

int
assay_sandbox_hold(struct assay_sandbox *sb, size_t n)
{
	if (sb == NULL || sb->held + n < sb->held || sb->held + n > sb->bytes)
		return ASSAY_ERR_INVALID_ARG;
	sb->held += n;
	return 0;
}

size_t
assay_sandbox_peak_bytes(const struct assay_sandbox *sb)
{
	return sb == NULL ? 0 : sb->peak_bytes;
}

static int
ro_newindex(lua_State *L)
{
	return luaL_error(L, "attempt to modify read-only table");
}

static int
ro_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

/* Iterator over the hidden data table; the script never sees that table. */
static int
ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)) != 0)
		return 2;
	lua_pushnil(L);
	return 1;
}

static int
ro_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, ro_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/*
 * Replaces the table at the top of the stack by its proxy.  seen maps
 * each original table to its proxy, so shared and cyclic tables keep
 * one proxy each.
 */
static void
ro_build(lua_State *L, int seen, int depth)
{
	int src, data, proxy, mt;

	src = lua_gettop(L);
	lua_pushvalue(L, src);
	if (lua_rawget(L, seen) != LUA_TNIL) {
		lua_replace(L, src);
		return;
	}
	lua_pop(L, 1);
	if (depth > RO_MAX_DEPTH)
		luaL_error(L, "read-only table nested deeper than %d",
		    RO_MAX_DEPTH);
	luaL_checkstack(L, 8, "read-only proxy");
	/*
	 * The source table itself becomes the hidden data: no copy.  The
	 * caller hands the table over (sandbox.h), so nothing else can reach
	 * it once the proxy replaces it.
	 */
	lua_pushvalue(L, src);
	data = lua_gettop(L);
	lua_newtable(L);
	proxy = lua_gettop(L);
	lua_pushvalue(L, src);
	lua_pushvalue(L, proxy);
	lua_rawset(L, seen);

	lua_createtable(L, 0, 6);
	mt = lua_gettop(L);
	lua_pushvalue(L, data);
	lua_setfield(L, mt, "__index");
	lua_pushcfunction(L, ro_newindex);
	lua_setfield(L, mt, "__newindex");
	lua_pushvalue(L, data);
	lua_pushcclosure(L, ro_len, 1);
	lua_setfield(L, mt, "__len");
	lua_pushvalue(L, data);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, mt, "__pairs");
	lua_pushliteral(L, "locked");
	lua_setfield(L, mt, "__metatable");
	lua_pushboolean(L, 1);
	lua_rawsetp(L, mt, &ro_key);
	lua_setmetatable(L, proxy);

	/*
	 * Replace nested tables by their proxies in place.  Assigning to an
	 * existing field during lua_next is allowed; table keys (rare) are
	 * collected first and re-keyed after the walk.
	 */
	lua_newtable(L);		/* table-valued keys to re-key */
	lua_pushnil(L);
	while (lua_next(L, src) != 0) {
		/* key value */
		if (lua_type(L, -2) == LUA_TTABLE) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -4);	/* keys[key] = value */
			continue;
		}
		if (lua_type(L, -1) == LUA_TTABLE) {
			ro_build(L, seen, depth + 1);
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, data);
		} else
			lua_pop(L, 1);
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pushvalue(L, -2);
		lua_pushnil(L);
		lua_rawset(L, data);		/* drop the old key */
		if (lua_type(L, -1) == LUA_TTABLE)
			ro_build(L, seen, depth + 1);
		lua_pushvalue(L, -2);
		ro_build(L, seen, depth + 1);
		lua_insert(L, -2);
		lua_rawset(L, data);
	}
	lua_pop(L, 1);			/* keys */
	lua_replace(L, src);		/* proxy replaces the original */
	lua_pop(L, 1);			/* data */
}

void
assay_sandbox_make_readonly(struct lua_State *L, int idx)
{
	int seen;

	idx = lua_absindex(L, idx);
	luaL_checktype(L, idx, LUA_TTABLE);
	luaL_checkstack(L, 4, "read-only proxy");
	lua_newtable(L);
	seen = lua_gettop(L);
	lua_pushvalue(L, idx);
	ro_build(L, seen, 0);
	lua_replace(L, idx);
	lua_pop(L, 1);
}

static int
g_newindex(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "assignment to undeclared global '%s' "
		    "(declare it local)", lua_tostring(L, 2));
	return luaL_error(L, "assignment to undeclared global");
}

static int
seal(lua_State *L)
{
	lua_pushglobaltable(L);
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, g_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_pushboolean(L, 1);
	lua_rawsetp(L, -2, &sealed_key);
	lua_setmetatable(L, -2);
	lua_pop(L, 1);
	return 0;
}

void
assay_sandbox_seal(struct assay_sandbox *sb)
{
	if (sb == NULL || sb->tripped != TRIP_NONE)
		return;
	lua_pushcfunction(sb->L, seal);
	if (lua_pcall(sb->L, 0, 0, 0) != LUA_OK) {
		/* Only memory can fail here; the next call reports it. */
		trip(sb, TRIP_MEMORY);
		lua_pop(sb->L, 1);
	}
}
