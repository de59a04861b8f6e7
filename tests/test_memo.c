/*
 * test_memo.c - run/memo.c: Lua values as bytes and back (assay.once's
 * shared copies), and the refusals: values that cannot be kept, and bytes
 * that are not one well-formed value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "run/memo.h"
#include "testutil.h"

static unsigned char buf[65536];

/* Runs chunk (which returns one value), encodes it, decodes it again. */
static lua_State *
round_trip(const char *chunk, size_t *len)
{
	lua_State *L = luaL_newstate();
	char why[128];

	luaL_openlibs(L);
	assert_int_equal(luaL_dostring(L, chunk), LUA_OK);
	assert_int_equal(assay_memo_encode(L, -1, buf, sizeof(buf), len, why,
	    sizeof(why)), 0);
	lua_pop(L, 1);
	assert_int_equal(assay_memo_decode(L, buf, *len), 0);
	lua_setglobal(L, "v");
	return L;
}

static int
check(lua_State *L, const char *expr)
{
	int ok;

	assert_int_equal(luaL_dostring(L, expr), LUA_OK);
	ok = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return ok;
}

static void
test_values_survive(void **state)
{
	lua_State *L;
	size_t len;

	(void)state;
	/* An outage record's shape: lists, sparse lists, nested maps. */
	L = round_trip("return { channel = 'com-cloud', cut_ms = 6000, reconnected = true,"
	    " ratio = 0.25, big = math.maxinteger, neg = -7, empty = '', zero = '\\0x\\0',"
	    " attempts = { { ms = 0, phase = 'before' }, { ms = 1800, phase = 'cut' } },"
	    " before = { ['res-local'] = { true, 'ok' } },"
	    " during = { { ['res-local'] = { nil, 'timed out' } }, { ['res-local'] = { false, 'HTTP 503' } } },"
	    " [1.5] = 'float key', [true] = 'bool key', [-1] = 'negative key' }", &len);
	assert_true(check(L, "return v.channel == 'com-cloud' and v.cut_ms == 6000 and "
	    "math.type(v.cut_ms) == 'integer' and v.reconnected == true and v.ratio == 0.25"));
	assert_true(check(L, "return v.big == math.maxinteger and v.neg == -7 and v.empty == '' "
	    "and v.zero == '\\0x\\0'"));
	assert_true(check(L, "return #v.attempts == 2 and v.attempts[2].ms == 1800 and "
	    "v.attempts[2].phase == 'cut'"));
	assert_true(check(L, "return v.before['res-local'][1] == true and "
	    "v.during[1]['res-local'][1] == nil and v.during[1]['res-local'][2] == 'timed out' "
	    "and v.during[2]['res-local'][1] == false"));
	assert_true(check(L, "return v[1.5] == 'float key' and v[true] == 'bool key' and "
	    "v[-1] == 'negative key'"));
	lua_close(L);

	L = round_trip("return 'just a string'", &len);
	assert_true(check(L, "return v == 'just a string'"));
	lua_close(L);
	L = round_trip("return {}", &len);
	assert_true(check(L, "return type(v) == 'table' and next(v) == nil"));
	lua_close(L);
}

static void
test_refuses_what_cannot_be_kept(void **state)
{
	static const struct {
		const char	*chunk, *why;
	} t[] = {
		{ "return { f = print }", "function" },
		{ "return { [{}] = 1 }", "as a key" },
		{ "local t = {}; t.self = t; return t", "nested more than" },
		{ "return coroutine.create(print)", "thread" },
		{ "return { string.rep('x', 70000) }", "more than 65536 bytes" },
	};
	char why[128];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		lua_State *L = luaL_newstate();

		luaL_openlibs(L);
		assert_int_equal(luaL_dostring(L, t[i].chunk), LUA_OK);
		assert_int_equal(assay_memo_encode(L, -1, buf, sizeof(buf),
		    &len, why, sizeof(why)), -1);
		if (strstr(why, t[i].why) == NULL)
			fail_msg("%s: \"%s\" does not name %s", t[i].chunk, why,
			    t[i].why);
		assert_int_equal(lua_gettop(L), 1);	/* the stack as it was */
		lua_close(L);
	}
}

static void
test_refuses_malformed_bytes(void **state)
{
	lua_State *L;
	size_t len, cut;

	(void)state;
	L = round_trip("return { a = { 1, 2, 'three' }, b = 'text' }", &len);
	/* Every proper prefix is malformed, and so is a trailing byte. */
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(assay_memo_decode(L, buf, cut), -1);
		assert_int_equal(lua_gettop(L), 0);
	}
	buf[len] = 'n';
	assert_int_equal(assay_memo_decode(L, buf, len + 1), -1);
	/* A table count far above what is left, an unknown tag, a nil key. */
	assert_int_equal(assay_memo_decode(L, (const unsigned char *)"T\xff\xff\xff\x7f", 5), -1);
	assert_int_equal(assay_memo_decode(L, (const unsigned char *)"x", 1), -1);
	assert_int_equal(assay_memo_decode(L, (const unsigned char *)"T\x01\0\0\0nn", 7), -1);
	assert_int_equal(lua_gettop(L), 0);
	lua_close(L);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_survive),
		cmocka_unit_test(test_refuses_what_cannot_be_kept),
		cmocka_unit_test(test_refuses_malformed_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
