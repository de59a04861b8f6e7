/*
 * test_sandbox.c - the Lua sandbox against hostile test cases.
 *
 * Every hostile script must end with the right code and a readable
 * cause, within its budget, and a fresh sandbox afterwards must work.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "base/error.h"
#include "run/sandbox.h"
#include "testutil.h"

#define SMALL_MEM	(16u * 1024 * 1024)
#define SHORT_MS	200
/*
 * A hostile script must end, stopped by its limit: the bound catches one
 * that runs on.  Generous on purpose (the limits themselves are far
 * smaller): under ASan on a loaded 2-core CI machine a memory bomb once
 * took over 2 s to be stopped and freed.  Speed is bench/'s business.
 */
#define BOUND_MS	20000

/* A fresh sandbox still runs ordinary code after a hostile one. */
static void
assert_fresh_ok(void)
{
	struct assay_sandbox *sb = NULL;
	static const char src[] =
	    "local t = {} for i = 1, 100 do t[i] = i end\n"
	    "return #t + select('#', 1, 2)";

	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_int_equal(assay_sandbox_load(sb, "@fresh.lua", src,
	    strlen(src)), 0);
	assert_int_equal(assay_sandbox_call(sb, 0, 1), 0);
	assert_int_equal(lua_tointeger(assay_sandbox_state(sb), -1), 102);
	assay_sandbox_free(sb);
}

/*
 * Loads and calls src in a new sandbox with lim; returns the code, keeps
 * the error text in errbuf and the elapsed time in *ms.
 */
static int
run(const struct assay_sandbox_limits *lim, const char *src, char *errbuf,
    size_t errlen, long long *ms)
{
	struct assay_sandbox *sb = NULL;
	long long t0;
	int r;

	t0 = tu_now_ms();
	assert_int_equal(assay_sandbox_new(lim, &sb), 0);
	if ((r = assay_sandbox_load(sb, "@tc.lua", src, strlen(src))) == 0)
		r = assay_sandbox_call(sb, 0, 0);
	if (errbuf != NULL)
		snprintf(errbuf, errlen, "%s", assay_sandbox_error(sb));
	if (r == 0)
		assert_string_equal(assay_sandbox_error(sb), "");
	assay_sandbox_free(sb);
	if (ms != NULL)
		*ms = tu_now_ms() - t0;
	return r;
}

/* Runs a hostile script, checks code, cause and time, then a fresh run. */
static void
expect(const struct assay_sandbox_limits *lim, const char *src, int code,
    const char *cause)
{
	char err[8192];
	long long ms;
	int r;

	if (getenv("ASSAY_TEST_VERBOSE") != NULL)
		print_error("running:\n%s\n", src);
	r = run(lim, src, err, sizeof(err), &ms);
	if (r != code || strstr(err, cause) == NULL)
		print_error("script:\n%s\ngot %d (%s) \"%s\", want %d \"%s\"\n",
		    src, r, assay_strerror(r), err, code, cause);
	assert_int_equal(r, code);
	assert_non_null(strstr(err, cause));
	assert_true(ms < BOUND_MS);
	assert_fresh_ok();
}

static const struct assay_sandbox_limits short_time = {
	.max_bytes = SMALL_MEM, .timeout_ms = SHORT_MS
};

/*
 * Every case that expects something other than the time limit (a memory
 * limit, a stack overflow, a Lua error) runs under a time limit far beyond
 * what reaching its outcome takes, so a loaded machine (ASan, CI beside
 * other jobs) never turns it into a time-limit case.  short_time is for
 * the time-limit cases only.
 */
static const struct assay_sandbox_limits mem_only = {
	.max_bytes = SMALL_MEM, .timeout_ms = 15000
};
static const struct assay_sandbox_limits mem_small = {
	.max_bytes = 4u * 1024 * 1024, .timeout_ms = 15000
};
static const struct assay_sandbox_limits big_no_rush = { .timeout_ms = 15000 };

static void
test_forbidden_absent(void **state)
{
	static const char src[] =
	    "for _, n in ipairs{'os', 'io', 'debug', 'package', 'require',\n"
	    "    'dofile', 'loadfile', 'collectgarbage', 'print', 'warn',\n"
	    "    'loadstring', 'module', 'unpack', 'setfenv'} do\n"
	    "  assert(_G[n] == nil, n .. ' is reachable')\n"
	    "end\n"
	    "assert(string.dump == nil, 'string.dump is reachable')\n"
	    "assert(('').dump == nil, 'string.dump via metatable')\n"
	    "local allowed = {}\n"
	    "for _, n in ipairs{'assert', 'error', 'ipairs', 'next', 'pairs',\n"
	    "    'pcall', 'xpcall', 'rawequal', 'rawget', 'rawlen', 'rawset',\n"
	    "    'select', 'tonumber', 'tostring', 'type', 'setmetatable',\n"
	    "    'getmetatable', 'load', '_G', '_VERSION', 'string', 'table',\n"
	    "    'math', 'utf8', 'coroutine'} do\n"
	    "  assert(_G[n] ~= nil, n .. ' is missing')\n"
	    "  allowed[n] = true\n"
	    "end\n"
	    "for k in pairs(_G) do assert(allowed[k], k .. ' not allowed') end\n"
	    "math.randomseed(42)\n"
	    "assert(math.random(1, 6) >= 1)\n"
	    "assert(string.format('%d', 7) == '7' and ('ab'):upper() == 'AB')\n"
	    "assert(utf8.len('\\u{e9}') == 1 and table.concat({1, 2}) == '12')\n"
	    "assert(coroutine.wrap(function() coroutine.yield(5) end)() == 5)\n"
	    "assert(load('return 1 + 1')() == 2)\n"
	    "assert(load('return x', 'env', 'b', {x = 7})() == 7)\n"
	    "local g = coroutine.wrap(function(a)\n"
	    "  local b = coroutine.yield(a + 1) return b * 2, 'x' end)\n"
	    "assert(g(1) == 2 and select('#', g(5)) == 2)\n"
	    "local ok, e = pcall(g)\n"
	    "assert(not ok and e:find('dead coroutine'), e)\n"
	    "ok, e = pcall(coroutine.wrap(function() error('boom') end))\n"
	    "assert(not ok and e:find('tc.lua:%d+: boom'), e)\n"
	    "local closed = false\n"
	    "pcall(coroutine.wrap(function()\n"
	    "  local x <close> = setmetatable({}, {__close = function()\n"
	    "    closed = true end})\n"
	    "  error('x') end))\n"
	    "assert(closed, '__close did not run')\n";
	char err[4096];

	(void)state;
	if (run(NULL, src, err, sizeof(err), NULL) != 0)
		fail_msg("%s", err);
}

struct dump {
	char	*p;
	size_t	 len;
};

static int
dump_writer(lua_State *L, const void *p, size_t sz, void *ud)
{
	struct dump *d = ud;
	char *n;

	(void)L;
	if ((n = realloc(d->p, d->len + sz)) == NULL)
		return 1;
	memcpy(n + d->len, p, sz);
	d->p = n;
	d->len += sz;
	return 0;
}

static void
test_bytecode_refused(void **state)
{
	static const char tc[] =
	    "local f, err = load(bc)\n"
	    "assert(f == nil and err:find('binary'), 'load(bc): ' .. tostring(err))\n"
	    "f, err = load(bc, 'x', 'b')\n"
	    "assert(f == nil and err:find('binary'), 'mode b: ' .. tostring(err))\n"
	    "local n = 0\n"
	    "f, err = load(function() n = n + 1 if n == 1 then return bc end end,\n"
	    "    'reader', 'bt')\n"
	    "assert(f == nil and err:find('binary'), 'reader: ' .. tostring(err))\n"
	    "return 'refused'\n";
	struct assay_sandbox *sb = NULL;
	lua_State *N, *L;
	struct dump d = { NULL, 0 };
	const char *bc;
	size_t bclen;

	(void)state;
	/* Bytecode made in an ordinary state with lua_dump. */
	assert_non_null(N = luaL_newstate());
	assert_int_equal(luaL_loadstring(N, "return 42"), LUA_OK);
	assert_int_equal(lua_dump(N, dump_writer, &d, 0), 0);
	bc = d.p;
	bclen = d.len;
	assert_true(bclen > 4 && bc[0] == '\033');

	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	assert_int_equal(assay_sandbox_load(sb, "@evil.luac", bc, bclen),
	    ASSAY_ERR_PARSE);
	assert_non_null(strstr(assay_sandbox_error(sb), "evil.luac"));
	assert_non_null(strstr(assay_sandbox_error(sb), "bytecode"));
	assert_int_equal(lua_gettop(L), 0);

	lua_pushlstring(L, bc, bclen);
	lua_setglobal(L, "bc");
	assert_int_equal(assay_sandbox_load(sb, "@tc.lua", tc, strlen(tc)), 0);
	if (assay_sandbox_call(sb, 0, 1) != 0)
		fail_msg("%s", assay_sandbox_error(sb));
	assert_string_equal(lua_tostring(L, -1), "refused");
	assay_sandbox_free(sb);
	lua_close(N);
	free(d.p);
}

/*
 * The harness's own path for bytecode: a chunk it loaded from source,
 * dumped (assay_sandbox_dump) and loaded in another state
 * (assay_sandbox_load_dump) behaves as the source does, keeps its chunk
 * name and line numbers for tracebacks, and the dump path takes nothing
 * but bytecode (source text is assay_sandbox_load's, which still refuses
 * bytecode).
 */
static void
test_dump_reload(void **state)
{
	static const char src[] =
	    "x = 41\n"
	    "function bump() x = x + 1 return x end\n"
	    "function boom() error('boom') end\n";
	struct assay_sandbox *a = NULL, *b = NULL;
	lua_State *L;
	char *bc = NULL;
	size_t bclen = 0;

	(void)state;
	assert_int_equal(assay_sandbox_new(NULL, &a), 0);
	L = assay_sandbox_state(a);
	assert_int_equal(assay_sandbox_dump(a, &bc, &bclen),
	    ASSAY_ERR_INVALID_ARG);			/* nothing loaded */
	assert_int_equal(assay_sandbox_load(a, "@lib/x.lua", src,
	    strlen(src)), 0);
	assert_int_equal(assay_sandbox_dump(a, &bc, &bclen), 0);
	assert_true(lua_isfunction(L, -1));		/* stack as it was */
	assert_true(bclen > 4 && bc[0] == '\033');
	assay_sandbox_free(a);

	assert_int_equal(assay_sandbox_new(NULL, &b), 0);
	L = assay_sandbox_state(b);
	assert_int_equal(assay_sandbox_load_dump(b, "@lib/x.lua", src,
	    strlen(src)), ASSAY_ERR_INVALID_ARG);	/* text: not here */
	assert_int_equal(assay_sandbox_load_dump(b, "@lib/x.lua", bc, bclen),
	    0);
	assert_int_equal(assay_sandbox_call(b, 0, 0), 0);
	assert_int_equal(lua_getglobal(L, "bump"), LUA_TFUNCTION);
	assert_int_equal(assay_sandbox_call(b, 0, 1), 0);
	assert_int_equal(lua_tointeger(L, -1), 42);
	lua_pop(L, 1);
	assert_int_equal(lua_getglobal(L, "boom"), LUA_TFUNCTION);
	assert_int_equal(assay_sandbox_call(b, 0, 0), ASSAY_ERR_LUA);
	assert_non_null(strstr(assay_sandbox_error(b), "lib/x.lua:3:"));
	/* A truncated dump is refused, not run. */
	assert_int_equal(assay_sandbox_load_dump(b, "@lib/x.lua", bc,
	    bclen / 2), ASSAY_ERR_PARSE);
	/* And the text loader still refuses the dump. */
	assert_int_equal(assay_sandbox_load(b, "@lib/x.lua", bc, bclen),
	    ASSAY_ERR_PARSE);
	assay_sandbox_free(b);
	free(bc);
}

static void
test_syntax_error(void **state)
{
	char err[4096];

	(void)state;
	assert_int_equal(run(NULL, "return +", err, sizeof(err), NULL),
	    ASSAY_ERR_PARSE);
	assert_non_null(strstr(err, "tc.lua:1:"));
}

static void
test_memory_bombs(void **state)
{
	(void)state;
	expect(&mem_only, "local s = string.rep('x', 1 << 30)",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of 16777216 bytes exceeded");
	expect(&mem_only, "local s = 'x' while true do s = s .. s end",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of");
	expect(&mem_only,
	    "local t = {} for i = 1, math.maxinteger do t[i] = i end",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of");
	expect(&mem_small,
	    "local t = {} for i = 1, math.maxinteger do t['k' .. i] = {} end",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of");
}

static void
test_memory_error_caught(void **state)
{
	(void)state;
	/* Swallows the error and keeps allocating: the hook ends it. */
	expect(&mem_only,
	    "local keep = {}\n"
	    "while true do\n"
	    "  local ok = pcall(function()\n"
	    "    keep[#keep + 1] = string.rep('x', 1 << 20) end)\n"
	    "  if not ok then keep = {} end\n"
	    "end\n",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of");
	/* Swallows it and returns at once: the flag still decides. */
	expect(&mem_only,
	    "local ok, e = pcall(string.rep, 'x', 1 << 30)\n"
	    "return 'fine'\n",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of");
	expect(&mem_only,
	    "local n = 0\n"
	    "while true do\n"
	    "  pcall(function() local t = {} while true do t[#t + 1] = {} end end)\n"
	    "  n = n + 1\n"
	    "end\n",
	    ASSAY_ERR_LIMIT_MEMORY, "memory limit of");
}

static void
test_infinite_loops(void **state)
{
	struct assay_sandbox_limits few = { .max_instructions = 1000000 };

	(void)state;
	expect(&short_time, "while true do end", ASSAY_ERR_LIMIT_TIME,
	    "time limit of 200 ms exceeded");
	expect(&few, "while true do end", ASSAY_ERR_LIMIT_TIME,
	    "instruction budget of 1000000 exceeded");
	expect(&short_time,
	    "while true do pcall(function() while true do end end) end",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&short_time,
	    "while true do\n"
	    "  xpcall(function() while true do end end,\n"
	    "      function(e) while true do end end)\n"
	    "end\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&short_time,
	    "local ok, e = pcall(function() while true do end end)\n"
	    "return 'swallowed: ' .. tostring(e)\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	/* A tight loop with no Lua instructions per iteration. */
	expect(&short_time, "string.rep('', math.maxinteger) while true do end",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&mem_only, "table.move({}, 1, math.maxinteger - 1, 2)",
	    ASSAY_ERR_LUA, "table.move: more than");
}

static void
test_deep_recursion(void **state)
{
	(void)state;
	expect(&big_no_rush,
	    "local function f(n) return 1 + f(n + 1) end return f(1)",
	    ASSAY_ERR_LUA, "stack overflow");
	expect(&mem_only,
	    "local function f(s) return (s:gsub('.', f)) end return f('x')",
	    ASSAY_ERR_LUA, "stack overflow");
	expect(&mem_only,
	    "local function f() return coroutine.wrap(f)() end return f()",
	    ASSAY_ERR_LUA, "stack overflow");
}

static void
test_coroutines(void **state)
{
	static const char mk[] = "return coroutine.create(function() end)";
	struct assay_sandbox *sb = NULL;
	lua_State *L, *co;

	(void)state;
	expect(&short_time,
	    "coroutine.wrap(function() while true do end end)()",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&short_time,
	    "while true do\n"
	    "  local co = coroutine.create(function() while true do end end)\n"
	    "  coroutine.resume(co)\n"
	    "end\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&short_time,
	    "local co = coroutine.wrap(function()\n"
	    "  while true do pcall(function() while true do end end)\n"
	    "    coroutine.yield() end end)\n"
	    "while true do pcall(co) end\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");

	/* __close handlers run while unwinding after a trip. */
	expect(&short_time,
	    "local x <close> = setmetatable({}, {__close = function()\n"
	    "  while true do end end})\n"
	    "while true do end\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&short_time,
	    "coroutine.wrap(function()\n"
	    "  local x <close> = setmetatable({}, {__close = function()\n"
	    "    while true do end end})\n"
	    "  while true do end end)()\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");
	expect(&short_time,
	    "local co = coroutine.create(function()\n"
	    "  local x <close> = setmetatable({}, {__close = function()\n"
	    "    while true do end end})\n"
	    "  while true do end end)\n"
	    "coroutine.resume(co)\n"
	    "coroutine.close(co)\n",
	    ASSAY_ERR_LIMIT_TIME, "time limit of 200 ms exceeded");

	/* lua_newthread copies the creator's hook: check it directly. */
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	assert_int_equal(assay_sandbox_load(sb, "@co.lua", mk, strlen(mk)), 0);
	assert_int_equal(assay_sandbox_call(sb, 0, 1), 0);
	assert_non_null(co = lua_tothread(L, -1));
	assert_non_null(lua_gethook(co));
	assert_ptr_equal(lua_gethook(co), lua_gethook(L));
	assert_int_equal(lua_gethookmask(co), LUA_MASKCOUNT);
	assert_int_equal(lua_gethookcount(co), lua_gethookcount(L));
	assay_sandbox_free(sb);
}

static void
test_gc_refused(void **state)
{
	(void)state;
	expect(&mem_only,
	    "setmetatable({}, {__gc = function() while true do end end})",
	    ASSAY_ERR_LUA, "__gc metamethods are not allowed");
	/* A placeholder __gc set now and filled in later is refused too. */
	expect(&mem_only, "setmetatable({}, {__gc = false})",
	    ASSAY_ERR_LUA, "__gc metamethods are not allowed");
}

static int gc_calls;

static int
ud_gc(lua_State *L)
{
	(void)L;
	gc_calls++;
	return 0;
}

static int
ud_hello(lua_State *L)
{
	lua_pushliteral(L, "hello");
	return 1;
}

/*
 * A probe-like handle: its metatable (and __gc) stays out of reach; so
 * does the metatable every string shares (a script could swap string
 * methods under the catalogue library).
 */
static void
test_userdata_metatable(void **state)
{
	static const char tc[] =
	    "assert(ud:hello() == 'hello')\n"
	    "assert(getmetatable(ud) == 'locked')\n"
	    "assert(getmetatable('') == 'locked')\n"
	    "assert(('x'):upper() == 'X')\n"
	    "assert(not pcall(setmetatable, '', {}))\n"
	    "local ok = pcall(function()\n"
	    "  getmetatable(ud).__gc = function() while true do end end end)\n"
	    "assert(not ok)\n"
	    "return 'ok'\n";
	struct assay_sandbox *sb = NULL;
	lua_State *L;

	(void)state;
	gc_calls = 0;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	(void)lua_newuserdatauv(L, 8, 0);
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, ud_gc);
	lua_setfield(L, -2, "__gc");
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, ud_hello);
	lua_setfield(L, -2, "hello");
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_setglobal(L, "ud");
	assert_int_equal(assay_sandbox_load(sb, "@ud.lua", tc, strlen(tc)), 0);
	if (assay_sandbox_call(sb, 0, 1) != 0)
		fail_msg("%s", assay_sandbox_error(sb));
	assert_string_equal(lua_tostring(L, -1), "ok");
	assay_sandbox_free(sb);
	assert_int_equal(gc_calls, 1);
}

static void
test_error_objects(void **state)
{
	(void)state;
	expect(&mem_only, "error({code = 1})", ASSAY_ERR_LUA,
	    "(error object is a table value)");
	expect(&mem_only, "error()", ASSAY_ERR_LUA,
	    "(error object is a nil value)");
	expect(&mem_only,
	    "error(setmetatable({}, {__tostring = function()\n"
	    "  return 'memory limit exceeded' end}))",
	    ASSAY_ERR_LUA, "(error object is a table value)");
	expect(&mem_only,
	    "error(setmetatable({}, {__tostring = function()\n"
	    "  while true do end end}))",
	    ASSAY_ERR_LUA, "(error object is a table value)");
	/* The text of a limit, raised by the script, is still just an error. */
	expect(&mem_only, "error('time limit of 200 ms exceeded', 0)",
	    ASSAY_ERR_LUA, "stack traceback:");
	expect(&short_time, "local x = nil; return x.y", ASSAY_ERR_LUA,
	    "tc.lua:1: attempt to index a nil value");
	expect(&mem_only, "error(string.rep('e', 100000))", ASSAY_ERR_LUA,
	    "cut at");
	expect(&mem_only, "error('\\27[2Jspoof\\r', 0)", ASSAY_ERR_LUA,
	    "?[2Jspoof?");
}

/* form = { name = "dev", ports = { 22, 80 }, deep = { a = { b = 1 } } } */
static void
push_form(lua_State *L)
{
	lua_newtable(L);
	lua_pushliteral(L, "dev");
	lua_setfield(L, -2, "name");
	lua_createtable(L, 2, 0);
	lua_pushinteger(L, 22);
	lua_rawseti(L, -2, 1);
	lua_pushinteger(L, 80);
	lua_rawseti(L, -2, 2);
	lua_setfield(L, -2, "ports");
	lua_newtable(L);
	lua_newtable(L);
	lua_pushinteger(L, 1);
	lua_setfield(L, -2, "b");
	lua_setfield(L, -2, "a");
	lua_setfield(L, -2, "deep");
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "self");		/* a cycle */
}

static void
test_readonly(void **state)
{
	static const char tc[] =
	    "local function refused(f, what)\n"
	    "  local ok, e = pcall(f)\n"
	    "  assert(not ok, what .. ' succeeded')\n"
	    "  return tostring(e)\n"
	    "end\n"
	    "assert(refused(function() form.name = 'x' end, 'write')\n"
	    "    :find('attempt to modify read%-only table'))\n"
	    "assert(refused(function() form.new = 1 end, 'new key')\n"
	    "    :find('read%-only'))\n"
	    "assert(refused(function() form.ports[1] = 1 end, 'nested')\n"
	    "    :find('read%-only'))\n"
	    "assert(refused(function() form.deep.a.b = 2 end, 'deeper')\n"
	    "    :find('read%-only'))\n"
	    "assert(refused(function() table.insert(form.ports, 1) end, 'insert'))\n"
	    "assert(refused(function() rawset(form, 'name', 'x') end, 'rawset')\n"
	    "    :find('read%-only'))\n"
	    "assert(refused(function() setmetatable(form, nil) end, 'setmt')\n"
	    "    :find('protected metatable'))\n"
	    "assert(getmetatable(form) == 'locked')\n"
	    "assert(getmetatable(form.ports) == 'locked')\n"
	    "assert(form.name == 'dev' and form.deep.a.b == 1)\n"
	    "assert(rawget(form, 'name') == nil, 'data on the proxy')\n"
	    "assert(#form.ports == 2)\n"
	    "local sum = 0\n"
	    "for _, p in ipairs(form.ports) do sum = sum + p end\n"
	    "assert(sum == 102)\n"
	    "local n = 0\n"
	    "for k, v in pairs(form) do n = n + 1 end\n"
	    "assert(n == 4, 'pairs saw ' .. n)\n"
	    "local f, s = pairs(form)\n"
	    "assert(s == form, 'pairs exposed the data table')\n"
	    "assert(form.self == form, 'cycle keeps one proxy')\n"
	    "assert(form.ports == form.ports)\n"
	    "return 'ok'\n";
	struct assay_sandbox *sb = NULL;
	lua_State *L;

	(void)state;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	push_form(L);
	assay_sandbox_make_readonly(L, -1);
	assert_int_equal(lua_gettop(L), 1);
	lua_setglobal(L, "form");
	assert_int_equal(assay_sandbox_load(sb, "@ro.lua", tc, strlen(tc)), 0);
	if (assay_sandbox_call(sb, 0, 1) != 0)
		fail_msg("%s", assay_sandbox_error(sb));
	assert_string_equal(lua_tostring(L, -1), "ok");
	assay_sandbox_free(sb);
}

static void
test_seal(void **state)
{
	static const char def[] = "function run() return 'ran' end";
	static const char *const bad[][2] = {
		{ "newglobal = 1", "undeclared global 'newglobal'" },
		{ "rawset(_G, 'x', 1)", "sealed global table" },
		{ "setmetatable(_G, nil)", "protected metatable" },
		{ "function other() end", "undeclared global 'other'" },
	};
	struct assay_sandbox *sb = NULL;
	lua_State *L;
	size_t i;

	(void)state;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	L = assay_sandbox_state(sb);
	lua_newtable(L);
	assay_sandbox_make_readonly(L, -1);
	lua_setglobal(L, "assay");
	assert_int_equal(assay_sandbox_load(sb, "@tc.lua", def,
	    strlen(def)), 0);
	assert_int_equal(assay_sandbox_call(sb, 0, 0), 0);
	assay_sandbox_seal(sb);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(assay_sandbox_load(sb, "@tc.lua", bad[i][0],
		    strlen(bad[i][0])), 0);
		assert_int_equal(assay_sandbox_call(sb, 0, 0), ASSAY_ERR_LUA);
		assert_int_equal(lua_gettop(L), 0);
		assert_non_null(strstr(assay_sandbox_error(sb), bad[i][1]));
	}
	lua_getglobal(L, "newglobal");
	assert_true(lua_isnil(L, -1));
	lua_pop(L, 1);

	/* Reading an undefined global gives nil; existing ones still work. */
	lua_getglobal(L, "run");
	assert_int_equal(assay_sandbox_call(sb, 0, 1), 0);
	assert_string_equal(lua_tostring(L, -1), "ran");
	lua_pop(L, 1);
	assert_int_equal(assay_sandbox_load(sb, "@tc.lua",
	    "return undefined == nil", 23), 0);
	assert_int_equal(assay_sandbox_call(sb, 0, 1), 0);
	assert_true(lua_toboolean(L, -1));
	assay_sandbox_free(sb);
}

static void
test_budget_spans_calls(void **state)
{
	static const char spin[] = "for i = 1, 400000 do end";
	struct assay_sandbox_limits lim = { .max_instructions = 1000000 };
	struct assay_sandbox *sb = NULL;
	int r, i;

	(void)state;
	assert_int_equal(assay_sandbox_new(&lim, &sb), 0);
	for (i = 0, r = 0; i < 10 && r == 0; i++) {
		assert_int_equal(assay_sandbox_load(sb, "@spin.lua", spin,
		    strlen(spin)), 0);
		r = assay_sandbox_call(sb, 0, 0);
	}
	assert_int_equal(r, ASSAY_ERR_LIMIT_TIME);
	assert_true(i >= 2 && i <= 4);
	/* Once a limit tripped, nothing more runs. */
	assert_int_equal(assay_sandbox_load(sb, "@spin.lua", spin,
	    strlen(spin)), ASSAY_ERR_LIMIT_TIME);
	assert_non_null(strstr(assay_sandbox_error(sb), "instruction budget"));
	assay_sandbox_free(sb);
}

static void
test_accounting(void **state)
{
	static const char src[] = "local s = string.rep('x', 1 << 20) return #s";
	struct assay_sandbox *sb = NULL;

	(void)state;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_true(assay_sandbox_bytes(sb) > 0);
	assert_true(assay_sandbox_bytes(sb) < 256 * 1024);
	assert_int_equal(assay_sandbox_load(sb, "@tc.lua", src, strlen(src)), 0);
	assert_int_equal(assay_sandbox_call(sb, 0, 1), 0);
	assert_true(assay_sandbox_peak_bytes(sb) >= (1u << 20));
	assert_true(assay_sandbox_peak_bytes(sb) >= assay_sandbox_bytes(sb));
	assay_sandbox_free(sb);
	assay_sandbox_free(NULL);
}

/*
 * Bytes held for the engine (the prepared state's compiled test cases)
 * raise the limit by as much: what runs next keeps its whole allowance.
 */
static void
test_hold(void **state)
{
	/* About 1.1 MB each, in small blocks (no doubling buffer). */
	static const char keep[] = "kept = {} for i = 1, 15000 do "
	    "kept[i] = {} end";
	static const char more[] = "local t = {} for i = 1, 15000 do "
	    "t[i] = {} end return #t";
	struct assay_sandbox_limits lim = { 2 * 1024 * 1024, 0, 0 };
	struct assay_sandbox *sb = NULL;
	size_t before;
	int held;

	(void)state;
	for (held = 0; held <= 1; held++) {
		assert_int_equal(assay_sandbox_new(&lim, &sb), 0);
		before = assay_sandbox_bytes(sb);
		assert_int_equal(assay_sandbox_load(sb, "@keep.lua", keep,
		    strlen(keep)), 0);
		assert_int_equal(assay_sandbox_call(sb, 0, 0), 0);
		lua_gc(assay_sandbox_state(sb), LUA_GCCOLLECT);
		assert_true(assay_sandbox_bytes(sb) - before >= 900 * 1024);
		/* No more than is in use can be held. */
		assert_int_equal(assay_sandbox_hold(sb,
		    assay_sandbox_bytes(sb) + 1), ASSAY_ERR_INVALID_ARG);
		if (held)
			assert_int_equal(assay_sandbox_hold(sb,
			    assay_sandbox_bytes(sb) - before), 0);
		assert_int_equal(assay_sandbox_load(sb, "@more.lua", more,
		    strlen(more)), 0);
		/* 2.2 MB in all: over the 2 MB limit unless 1.1 MB are held. */
		assert_int_equal(assay_sandbox_call(sb, 0, 1), held ? 0 :
		    ASSAY_ERR_LIMIT_MEMORY);
		if (!held)
			assert_non_null(strstr(assay_sandbox_error(sb),
			    "memory limit of 2097152 bytes"));
		assay_sandbox_free(sb);
		sb = NULL;
	}
}

/* Every byte limit from tiny upwards: a clean code, never a crash or leak. */
static void
test_small_limits(void **state)
{
	static const char src[] = "local t = {} for i = 1, 50 do t[i] = {i} end";
	struct assay_sandbox_limits lim = { 0 };
	struct assay_sandbox *sb;
	size_t max;
	int r, ok = 0;

	(void)state;
	for (max = 256; max < 64 * 1024; max += 256) {
		lim.max_bytes = max;
		sb = NULL;
		r = assay_sandbox_new(&lim, &sb);
		if (r != 0) {
			assert_int_equal(r, ASSAY_ERR_LIMIT_MEMORY);
			assert_null(sb);
			continue;
		}
		r = assay_sandbox_load(sb, "@tc.lua", src, strlen(src));
		if (r == 0)
			r = assay_sandbox_call(sb, 0, 0);
		assert_true(r == 0 || r == ASSAY_ERR_LIMIT_MEMORY);
		ok += r == 0;
		assay_sandbox_free(sb);
	}
	assert_true(ok > 0);
}

static int
build_readonly(lua_State *L)
{
	int i;

	push_form(L);
	for (i = 0; i < 200; i++) {
		lua_createtable(L, 0, 1);
		lua_pushinteger(L, i);
		lua_setfield(L, -2, "i");
		lua_newtable(L);		/* a table as key */
		lua_insert(L, -2);
		lua_settable(L, -3);
	}
	assay_sandbox_make_readonly(L, -1);
	lua_setglobal(L, "form");
	return 0;
}

/* make_readonly under every tight limit: a clean Lua error, no leak. */
static void
test_readonly_small_limits(void **state)
{
	static const char src[] =
	    "local n = 0 for k, v in pairs(form) do n = n + 1\n"
	    "  if type(k) == 'table' then assert(getmetatable(k) == 'locked')\n"
	    "  end end return n";
	struct assay_sandbox_limits lim = { 0 };
	struct assay_sandbox *sb;
	lua_State *L;
	size_t max;
	int st, ok = 0, oom = 0;

	(void)state;
	for (max = 32 * 1024; max < 640 * 1024; max += 8192) {
		lim.max_bytes = max;
		sb = NULL;
		if (assay_sandbox_new(&lim, &sb) != 0)
			continue;
		L = assay_sandbox_state(sb);
		lua_pushcfunction(L, build_readonly);
		st = lua_pcall(L, 0, 0, 0);
		if (st != LUA_OK) {
			assert_int_equal(st, LUA_ERRMEM);
			oom++;
		} else {
			st = assay_sandbox_load(sb, "@tc.lua", src, strlen(src));
			if (st == ASSAY_ERR_LIMIT_MEMORY) {
				oom++;
				assay_sandbox_free(sb);
				continue;
			}
			assert_int_equal(st, 0);
			/*
			 * A build that succeeded only after Lua's emergency
			 * collection has still tripped the limit: the state is
			 * over, and says so.
			 */
			st = assay_sandbox_call(sb, 0, 1);
			if (st == ASSAY_ERR_LIMIT_MEMORY)
				oom++;
			else {
				assert_int_equal(st, 0);
				assert_int_equal(lua_tointeger(L, -1), 204);
				ok++;
			}
		}
		assay_sandbox_free(sb);
	}
	if (ok == 0 || oom == 0)
		fail_msg("ok %d oom %d", ok, oom);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forbidden_absent),
		cmocka_unit_test(test_bytecode_refused),
		cmocka_unit_test(test_dump_reload),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_memory_bombs),
		cmocka_unit_test(test_memory_error_caught),
		cmocka_unit_test(test_infinite_loops),
		cmocka_unit_test(test_deep_recursion),
		cmocka_unit_test(test_coroutines),
		cmocka_unit_test(test_gc_refused),
		cmocka_unit_test(test_userdata_metatable),
		cmocka_unit_test(test_error_objects),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_readonly_small_limits),
		cmocka_unit_test(test_seal),
		cmocka_unit_test(test_budget_spans_calls),
		cmocka_unit_test(test_accounting),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_small_limits),
	};

	if (getenv("ASSAY_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("ASSAY_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
