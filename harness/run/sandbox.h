/*
 * sandbox.h - a fresh, bounded Lua state for one test case.
 *
 * Each test case runs in its own lua_State with:
 *  - an allocator that counts bytes against a limit (default 64 MiB);
 *  - an instruction-count hook that enforces an instruction budget and a
 *    wall-clock deadline; once either fires, the hook re-arms on every
 *    line/count so a script's pcall cannot swallow it (Redis's approach);
 *  - an allow-list of base functions and the string, table, math, utf8
 *    and coroutine libraries; no os, io, debug, package, require, dofile,
 *    loadfile, collectgarbage, string.dump, and load() of text only;
 *  - text chunks only: bytecode is refused at load.
 * The C side learns why a call failed from the return code, not from the
 * (script-controllable) error value.
 */
#ifndef ASSAY_SANDBOX_H
#define ASSAY_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

struct lua_State;
struct assay_sandbox;

#define ASSAY_SANDBOX_DEFAULT_MAX_BYTES		(64u * 1024 * 1024)
#define ASSAY_SANDBOX_DEFAULT_MAX_INSTRUCTIONS	((uint64_t)2000000000)
#define ASSAY_SANDBOX_DEFAULT_TIMEOUT_MS	60000

struct assay_sandbox_limits {
	size_t		max_bytes;		/* 0: default */
	uint64_t	max_instructions;	/* 0: default */
	int		timeout_ms;		/* wall clock, 0: default */
};

/* New sandboxed state; lim may be NULL for defaults.  Returns 0 or ASSAY_ERR_*. */
int		 assay_sandbox_new(const struct assay_sandbox_limits *lim,
		    struct assay_sandbox **out);
void		 assay_sandbox_free(struct assay_sandbox *sb);
/* The state, borrowed; valid until assay_sandbox_free(). */
struct lua_State *assay_sandbox_state(struct assay_sandbox *sb);
/*
 * Loads a text chunk (mode "t") and leaves the function on the stack.
 * Returns 0, ASSAY_ERR_PARSE (syntax error or bytecode; message in
 * assay_sandbox_error()) or ASSAY_ERR_LIMIT_MEMORY.
 */
int		 assay_sandbox_load(struct assay_sandbox *sb, const char *chunkname,
		    const char *src, size_t len);
/*
 * The function on top of the stack (just loaded from source by
 * assay_sandbox_load) as Lua bytecode with its debug information, in
 * *out (malloc'd, *lenp bytes); the stack is left as it was.  Returns 0
 * or ASSAY_ERR_ALLOC / ASSAY_ERR_INVALID_ARG.
 */
int		 assay_sandbox_dump(struct assay_sandbox *sb, char **out,
		    size_t *lenp);
/*
 * Loads bytecode that assay_sandbox_dump() made in this process image (a
 * fork of it included) from source it had read, and leaves the function
 * on the stack: mode "b" only, and only for such dumps.  Bytecode is
 * never read from a file or taken from a test case (assay_sandbox_load
 * refuses it), as Lua does not verify it.  Returns as assay_sandbox_load.
 */
int		 assay_sandbox_load_dump(struct assay_sandbox *sb,
		    const char *chunkname, const char *bc, size_t len);
/*
 * Calls the function below nargs arguments under the limits, with a
 * traceback message handler.  Returns 0, ASSAY_ERR_LUA (the script
 * raised; message with traceback in assay_sandbox_error()),
 * ASSAY_ERR_LIMIT_MEMORY or ASSAY_ERR_LIMIT_TIME.  The budget clock
 * starts at the first call and spans every later call.
 */
int		 assay_sandbox_call(struct assay_sandbox *sb, int nargs, int nresults);
/* Last error message, borrowed; "" when none. */
const char	*assay_sandbox_error(const struct assay_sandbox *sb);
/*
 * Starts the time and instruction budgets afresh for the next call, so one
 * state can run several chunks each within its own limits (the catalogue
 * loader).  A limit already hit stays hit: after a trip the state is
 * spent, and so is the sandbox.
 */
void		 assay_sandbox_rearm(struct assay_sandbox *sb);
/* Bytes currently allocated and the peak, for evidence and benchmarks. */
size_t		 assay_sandbox_bytes(const struct assay_sandbox *sb);
size_t		 assay_sandbox_peak_bytes(const struct assay_sandbox *sb);
/*
 * Raises the memory limit by n bytes the state holds for the engine (what
 * it keeps for the code that runs next, not that code's own): the limit
 * stays the allowance of what runs in it.  n must be held now (at most
 * the bytes in use).  Returns 0 or ASSAY_ERR_INVALID_ARG.
 */
int		 assay_sandbox_hold(struct assay_sandbox *sb, size_t n);
/*
 * Replaces the table at idx by a read-only proxy (recursively for nested
 * tables): writes raise "attempt to modify read-only table", the
 * metatable is locked (getmetatable returns "locked", setmetatable
 * fails), rawset on the proxy does not reach the data.  The proxy is left
 * at idx.  pairs()/ipairs()/# work through __pairs/__len/__index.
 * The proxy is a snapshot of the data.  Raises a Lua error on memory
 * exhaustion or nesting deeper than 100 levels.
 */
void		 assay_sandbox_make_readonly(struct lua_State *L, int idx);
/*
 * Registers a global after the allow-list is in place (for the Assay API
 * table); the global table itself is guarded against new globals only
 * after assay_sandbox_seal().  After it, assigning a new global raises;
 * reading an undefined one gives nil (C code may lua_getglobal without a
 * pcall).  Call it after running the chunk that defines run().
 */
void		 assay_sandbox_seal(struct assay_sandbox *sb);

#endif /* ASSAY_SANDBOX_H */
