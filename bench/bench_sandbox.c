/*
 * bench_sandbox.c - per-test-case cost of a fresh sandbox.
 *
 * One iteration is what the engine pays for each test case before any
 * probe runs: a new state with the allow-list, loading a small test-case
 * chunk, running it (it defines metadata and run), sealing the globals,
 * calling an empty run() and freeing the state.  For scale it also times
 * the same work on a bare luaL_newstate() with every library open, the
 * state a naive embedding would use.  Target: under 1 ms per test case.
 *
 * Usage: bench_sandbox [iterations]   (default 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "base/error.h"
#include "run/sandbox.h"

static const char chunk[] =
    "id = 'TC-5.1-1'\n"
    "provision = '5.1-1'\n"
    "title = 'No universal default passwords'\n"
    "kind = 'conceptual'\n"
    "requires = { ics = { 'ICS-5.1-1' }, ixit = { 'IXIT-1-AuthMech' } }\n"
    "function run(dev, form)\n"
    "  return 'pass', 'empty run', {}\n"
    "end\n";

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
one_sandboxed(size_t *peak)
{
	struct assay_sandbox *sb = NULL;
	lua_State *L;
	int r;

	if ((r = assay_sandbox_new(NULL, &sb)) != 0)
		goto out;
	L = assay_sandbox_state(sb);
	if ((r = assay_sandbox_load(sb, "@tc.lua", chunk,
	    sizeof(chunk) - 1)) != 0 ||
	    (r = assay_sandbox_call(sb, 0, 0)) != 0)
		goto out;
	assay_sandbox_seal(sb);
	lua_getglobal(L, "run");
	if ((r = assay_sandbox_call(sb, 0, 3)) != 0)
		goto out;
	lua_pop(L, 3);
	if (assay_sandbox_peak_bytes(sb) > *peak)
		*peak = assay_sandbox_peak_bytes(sb);
 out:
	if (r != 0)
		fprintf(stderr, "bench_sandbox: %s: %s\n", assay_strerror(r),
		    assay_sandbox_error(sb));
	assay_sandbox_free(sb);
	return r;
}

static int
one_bare(void)
{
	lua_State *L;
	int r = -1;

	if ((L = luaL_newstate()) == NULL)
		return -1;
	luaL_openlibs(L);
	if (luaL_loadbufferx(L, chunk, sizeof(chunk) - 1, "@tc.lua", "t") ||
	    lua_pcall(L, 0, 0, 0))
		goto out;
	lua_getglobal(L, "run");
	if (lua_pcall(L, 0, 3, 0))
		goto out;
	r = 0;
 out:
	lua_close(L);
	return r;
}

int
main(int argc, char *argv[])
{
	double t0, sandboxed, bare;
	size_t peak = 0;
	long i, n = 20000;

	if (argc > 1 && (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: bench_sandbox [iterations]\n");
		return 2;
	}
	t0 = now_us();
	for (i = 0; i < n; i++)
		if (one_sandboxed(&peak) != 0)
			return 1;
	sandboxed = (now_us() - t0) / (double)n;
	t0 = now_us();
	for (i = 0; i < n; i++)
		if (one_bare() != 0)
			return 1;
	bare = (now_us() - t0) / (double)n;

	printf("sandbox per test case: %.1f us mean over %ld "
	    "(new + allow-list + load + run chunk + seal + run() + free)\n",
	    sandboxed, n);
	printf("bare luaL_newstate + luaL_openlibs, same work: %.1f us "
	    "(ratio %.2f)\n", bare, sandboxed / bare);
	printf("peak Lua heap per test case: %zu bytes\n", peak);
	printf("target < 1000 us: %s\n", sandboxed < 1000.0 ? "met" : "MISSED");
	return sandboxed < 1000.0 ? 0 : 1;
}
