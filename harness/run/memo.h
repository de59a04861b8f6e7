/*
 * memo.h - a Lua value as bytes and back, for results one test case
 * computes and the others of the run reuse (assay.once, api.c).
 *
 * A value is nil, a boolean, an integer, a float, a string, or a table
 * whose keys are booleans, numbers or strings and whose values are any of
 * these, nested at most ASSAY_MEMO_DEPTH tables deep.  Functions,
 * userdata, threads and metatables are not kept.  The encoding is private
 * to one build of Assay (it lives in the run's shared memory only): a
 * tag byte, then for numbers 8 bytes, for strings and tables a 4-byte
 * length or pair count, all in host byte order.
 */
#ifndef ASSAY_RUN_MEMO_H
#define ASSAY_RUN_MEMO_H

#include <stddef.h>

struct lua_State;

#define ASSAY_MEMO_DEPTH	16

/*
 * Encodes the value at idx into buf (at most cap bytes) and sets *len.
 * Returns 0, or -1 with why filled ("a function at depth 2", "more than
 * N bytes") when the value cannot be kept.  Never raises except on
 * memory exhaustion inside Lua (lua_next on a table is safe).
 */
int	assay_memo_encode(struct lua_State *L, int idx, unsigned char *buf,
	    size_t cap, size_t *len, char *why, size_t whylen);

/*
 * Pushes the value buf holds.  Returns 0, or -1 (nothing pushed) when the
 * bytes are not one well-formed value with nothing after it.  May raise
 * on memory exhaustion.
 */
int	assay_memo_decode(struct lua_State *L, const unsigned char *buf,
	    size_t len);

#endif
