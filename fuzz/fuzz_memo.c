/*
 * fuzz_memo.c - libFuzzer target: any bytes as a shared copy of
 * assay.once (run/memo.c).  The decoder either refuses them, leaving the
 * Lua stack as it was, or pushes one value; that value encodes again and
 * decodes to a value that encodes to the same length (table order may
 * differ, sizes do not).
 */
#include <stdint.h>
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>

#include "run/memo.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char a[1 << 20], b[1 << 20];
	lua_State *L = luaL_newstate();
	size_t la, lb;
	char why[128];

	if (L == NULL)
		return 0;
	if (assay_memo_decode(L, data, size) != 0) {
		if (lua_gettop(L) != 0)
			abort();
		lua_close(L);
		return 0;
	}
	if (lua_gettop(L) != 1)
		abort();
	/* A decoded value is always one that can be kept. */
	if (assay_memo_encode(L, -1, a, sizeof(a), &la, why, sizeof(why)) != 0)
		abort();
	lua_pop(L, 1);
	if (assay_memo_decode(L, a, la) != 0 ||
	    assay_memo_encode(L, -1, b, sizeof(b), &lb, why, sizeof(why)) != 0 ||
	    la != lb)
		abort();
	lua_close(L);
	return 0;
}
