/*
 * memo.c - a Lua value as bytes and back (memo.h).
 *
 * Tags: 'n' nil, 't' true, 'f' false, 'i' integer (8 bytes), 'd' float
 * (8 bytes), 's' string (4-byte length, bytes), 'T' table (4-byte pair
 * count, then key and value for each pair).  The decoder trusts nothing:
 * every length is checked against what is left, depth is bounded, and a
 * table key that is nil or NaN is refused.
 */
#include "run/memo.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

struct enc {
	unsigned char	*buf;
	size_t		 cap, len;
	char		*why;
	size_t		 whylen;
};

static int
put(struct enc *e, const void *p, size_t n)
{
	if (n > e->cap - e->len) {
		snprintf(e->why, e->whylen, "more than %zu bytes", e->cap);
		return -1;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
	return 0;
}

static int
put_tag(struct enc *e, char tag)
{
	return put(e, &tag, 1);
}

static int
put_u32(struct enc *e, size_t n)
{
	uint32_t v = (uint32_t)n;

	if (n > UINT32_MAX) {
		snprintf(e->why, e->whylen, "a string or table too large");
		return -1;
	}
	return put(e, &v, sizeof(v));
}

static int
encode(lua_State *L, int idx, struct enc *e, int depth, int is_key)
{
	lua_Integer i;
	lua_Number d;
	const char *s;
	size_t n, count;
	size_t at;

	idx = lua_absindex(L, idx);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		if (is_key)
			break;
		return put_tag(e, 'n');
	case LUA_TBOOLEAN:
		return put_tag(e, lua_toboolean(L, idx) ? 't' : 'f');
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			i = lua_tointeger(L, idx);
			return put_tag(e, 'i') || put(e, &i, sizeof(i));
		}
		d = lua_tonumber(L, idx);
		return put_tag(e, 'd') || put(e, &d, sizeof(d));
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &n);
		return put_tag(e, 's') || put_u32(e, n) || put(e, s, n);
	case LUA_TTABLE:
		if (is_key)
			break;
		if (depth >= ASSAY_MEMO_DEPTH) {
			snprintf(e->why, e->whylen, "tables nested more than %d "
			    "deep (a cycle?)", ASSAY_MEMO_DEPTH);
			return -1;
		}
		if (!lua_checkstack(L, 3)) {
			snprintf(e->why, e->whylen, "no Lua stack left");
			return -1;
		}
		if (put_tag(e, 'T'))
			return -1;
		at = e->len;			/* the count, filled in below */
		if (put_u32(e, 0))
			return -1;
		count = 0;
		lua_pushnil(L);
		while (lua_next(L, idx) != 0) {
			if (encode(L, -2, e, depth + 1, 1) != 0 ||
			    encode(L, -1, e, depth + 1, 0) != 0) {
				lua_pop(L, 2);
				return -1;
			}
			lua_pop(L, 1);
			count++;
		}
		if (count > UINT32_MAX) {
			snprintf(e->why, e->whylen, "a table too large");
			return -1;
		}
		{
			uint32_t c = (uint32_t)count;

			memcpy(e->buf + at, &c, sizeof(c));
		}
		return 0;
	default:
		break;
	}
	snprintf(e->why, e->whylen, "a %s%s at depth %d", luaL_typename(L, idx),
	    is_key ? " as a key" : "", depth);
	return -1;
}

int
assay_memo_encode(lua_State *L, int idx, unsigned char *buf, size_t cap,
    size_t *len, char *why, size_t whylen)
{
	struct enc e = { buf, cap, 0, why, whylen };

	*len = 0;
	if (whylen > 0)
		why[0] = '\0';
	if (encode(L, idx, &e, 0, 0) != 0)
		return -1;
	*len = e.len;
	return 0;
}

struct dec {
	const unsigned char	*p;
	size_t			 left;
};

static int
take(struct dec *d, void *out, size_t n)
{
	if (n > d->left)
		return -1;
	memcpy(out, d->p, n);
	d->p += n;
	d->left -= n;
	return 0;
}

/* Pushes one value; -1 (nothing pushed) on malformed bytes. */
static int
decode(lua_State *L, struct dec *d, int depth, int is_key)
{
	unsigned char tag;
	lua_Integer i;
	lua_Number x;
	uint32_t n, k;

	if (!lua_checkstack(L, 3) || take(d, &tag, 1) != 0)
		return -1;
	switch (tag) {
	case 'n':
		if (is_key)
			return -1;
		lua_pushnil(L);
		return 0;
	case 't':
	case 'f':
		lua_pushboolean(L, tag == 't');
		return 0;
	case 'i':
		if (take(d, &i, sizeof(i)) != 0)
			return -1;
		lua_pushinteger(L, i);
		return 0;
	case 'd':
		if (take(d, &x, sizeof(x)) != 0 || (is_key && isnan(x)))
			return -1;
		lua_pushnumber(L, x);
		return 0;
	case 's':
		if (take(d, &n, sizeof(n)) != 0 || n > d->left)
			return -1;
		lua_pushlstring(L, (const char *)d->p, n);
		d->p += n;
		d->left -= n;
		return 0;
	case 'T':
		/* Each pair takes at least 2 bytes: a count above that lies. */
		if (is_key || depth >= ASSAY_MEMO_DEPTH ||
		    take(d, &n, sizeof(n)) != 0 || n > d->left / 2)
			return -1;
		lua_createtable(L, 0, 0);
		for (k = 0; k < n; k++) {
			if (decode(L, d, depth + 1, 1) != 0) {
				lua_pop(L, 1);
				return -1;
			}
			if (decode(L, d, depth + 1, 0) != 0) {
				lua_pop(L, 2);
				return -1;
			}
			lua_rawset(L, -3);
		}
		return 0;
	default:
		return -1;
	}
}

int
assay_memo_decode(lua_State *L, const unsigned char *buf, size_t len)
{
	struct dec d = { buf, len };

	if (decode(L, &d, 0, 0) != 0)
		return -1;
	if (d.left != 0) {
		lua_pop(L, 1);
		return -1;
	}
	return 0;
}
