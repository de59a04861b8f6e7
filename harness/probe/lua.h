/*
 * probe/lua.h - the one contract every probe binding in assay.net follows
 * (docs/probes.md).
 *
 * Call style: one table of options, f{host=, port=, timeout_ms=, ...}.
 * Option names are shared: host, port, timeout_ms (per operation),
 * max_read (cap on bytes read from the device), idle_ms (quiet period
 * that ends a read).  An option a function does not know is an error, so
 * a misspelt or outdated name cannot be ignored silently.
 *
 * Outcomes:
 *	- a bad argument (wrong type, out of range, missing, unknown option)
 *	  raises: a bug in the test case, whose verdict becomes ERROR;
 *	- a device outcome (refused, reset, timeout, garbage, no such host)
 *	  returns nil, reason: the test case judges it;
 *	- a harness failure (out of memory, a socket the lab cannot open)
 *	  raises, except a full per-device budget, which is an outcome of
 *	  the lab's own limits and returns nil, "budget: ...".
 *
 * Every helper takes fn, the probe's name, to prefix its messages
 * ("banner: port must be an integer in 1..65535").  The helpers read
 * the options table at stack index 1.
 */
#ifndef ASSAY_PROBE_LUA_H
#define ASSAY_PROBE_LUA_H

#include <stddef.h>

#include <lua.h>

#define ASSAY_LUA_MAX_TIMEOUT_MS	600000
#define ASSAY_LUA_MAX_READ		(64 * 1024 * 1024)

/*
 * Checks that argument 1 is a table whose keys are all strings named in
 * known (NULL-terminated); raises otherwise.  Call first.
 */
void		 assay_lua_opts(lua_State *L, const char *fn,
		    const char *const *known);
/*
 * String option key, or NULL when absent; raises when it is not a string.
 * The string is borrowed from the options table and stays valid while
 * that table is on the stack.  *lenp (may be NULL) gets its length.
 */
const char	*assay_lua_opt_str(lua_State *L, const char *fn, const char *key,
		    size_t *lenp);
/* As assay_lua_opt_str(), but raises when absent or empty. */
const char	*assay_lua_req_str(lua_State *L, const char *fn, const char *key);
/* Integer option in lo..hi, def when absent; raises otherwise. */
lua_Integer	 assay_lua_opt_int(lua_State *L, const char *fn, const char *key,
		    lua_Integer def, lua_Integer lo, lua_Integer hi);
/* Boolean option (true/false only), def when absent; raises otherwise. */
int		 assay_lua_opt_bool(lua_State *L, const char *fn, const char *key,
		    int def);
/*
 * Optional option key: a list of 1..max strings into out[] (borrowed from
 * the options table, valid while it is on the stack); 0 when absent.
 * With allowed (NULL-terminated), each must be one of them, at most once.
 * Raises otherwise, saying what the list holds (what: "variant names").
 */
size_t		 assay_lua_opt_names(lua_State *L, const char *fn,
		    const char *key, const char *const *allowed, size_t max,
		    const char **out, const char *what);
/*
 * The channel options of a probe that stands in for the device's outbound
 * channels: `channel` (one id, required when `channels` is absent) or
 * `channels` (a list of 1..max distinct ids), never both.  The ids go to
 * names[] (borrowed from the options table); *list says whether `channels`
 * was given.  Returns how many; raises otherwise.
 */
size_t		 assay_lua_channels(lua_State *L, const char *fn,
		    const char **names, size_t max, int *list);
/* The required option host (a non-empty string without NUL). */
const char	*assay_lua_host(lua_State *L, const char *fn);
/* Option port in 1..65535; def when absent, which 0 makes required. */
int		 assay_lua_port(lua_State *L, const char *fn, int def);
/* Option timeout_ms in 1..ASSAY_LUA_MAX_TIMEOUT_MS; 0 (env default) when absent. */
int		 assay_lua_timeout(lua_State *L, const char *fn);
/* Option max_read in 1..ASSAY_LUA_MAX_READ; 0 (env default) when absent. */
size_t		 assay_lua_max_read(lua_State *L, const char *fn);
/* Raises "fn: msg" as a bad argument (never returns). */
int		 assay_lua_argerror(lua_State *L, const char *fn, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* A device outcome: pushes nil and the reason; returns 2. */
int		 assay_lua_fail(lua_State *L, const char *reason);
/*
 * For a negative ASSAY_ERR_* r from a probe: ASSAY_ERR_BUDGET returns
 * nil, "budget: no connection slot free within N ms" (timeout_ms, or the
 * env default when 0); any other code raises "fn: harness error: ...".
 */
int		 assay_lua_harness_error(lua_State *L, const char *fn, int r,
		    int timeout_ms);
/*
 * Allocates a userdatum holding one pointer, freed by free_fn when Lua
 * collects it, and leaves it on the stack: a result stored there can't
 * leak when building the Lua answer raises.  Returns the slot.
 */
void		**assay_lua_box(lua_State *L, void (*free_fn)(void *));
/*
 * Frees what every box of this process not yet collected holds, as their
 * finalizers would: for a process about to _exit() without closing its
 * state (run/engine.c).  The only finalizers a state has are the
 * harness's (the sandbox refuses __gc from scripts): boxes, and the
 * units store, whose memory goes with the process.
 */
void		 assay_lua_boxes_release(void);

/*
 * Pushes one field of a fact (probe/dissect.h: a string, an integer, a
 * boolean or a list of strings) as the Lua value of its type: the
 * capture and import probes build their results from the same facts.
 */
struct assay_field;
void		 assay_lua_push_field(lua_State *L, const struct assay_field *fl);

#endif /* ASSAY_PROBE_LUA_H */
