/*
 * catalogue.c - load and check the Lua test-case catalogue.
 *
 * A group file is plain Lua run in a sandbox.  It calls
 *	group "5.1-1"
 *	testcase { id = "5.1-1-1", type = "conceptual", ixit = { "1-AuthMech" },
 *	    purpose = "...", run = function (dut) ... end }
 * `group` and `testcase` are C functions with one context upvalue; in
 * load mode they check and record metadata, in run mode `testcase` keeps
 * the run function of the wanted test case.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/evp.h>

#include "run/catalogue.h"
#include "base/buf.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "run/sandbox.h"
#include "forms/spec.h"

#define PURPOSE_MAX	200
#define EXCLUSIVE_MAX	32
#define EXCLUSIVE_TAGS	4	/* tags in one exclusive list */
#define UNITS_MAX	26		/* letters a..z */
#define CRITERION_MIN	20
#define UNIT_TEXT_MAX	400		/* criterion, rule, observe */
#define OBSERVATION_MAX	40
#define LOAD_MAX_BYTES	(16u * 1024 * 1024)
#define LOAD_TIMEOUT_MS	2000

struct tc {
	char			*id, *group, *purpose, *ixit;
	char			*exclusive;	/* tag, or NULL */
	enum assay_tc_type	 type;
	size_t			 file;		/* index into files */
	long			 line;
	long			 spec_index;
	/* units[k] is unit 'a' + k; strings malloc'd, rule etc. may be NULL */
	struct assay_unit_decl	 units[UNITS_MAX];
	size_t			 nunits;
};

struct gfile {
	char	*path;
	char	*group;
	char	*src;
	size_t	 len;
};

struct assay_catalogue {
	char		*dir;
	char		*lib;		/* lib/assay.lua, run before each file */
	size_t		 liblen;
	/*
	 * lib compiled once by the load (assay_sandbox_dump): each test
	 * case's process (a fork of the loader) loads this instead of
	 * compiling 200 KB of source again.  NULL: compile the source.
	 */
	char		*lib_bc;
	size_t		 lib_bclen;
	struct gfile	*files;
	size_t		 nfiles;
	struct tc	*tcs;
	size_t		 ntcs;
	char		 sha256[ASSAY_SHA256_HEX_LEN + 1];
};

/* What `group`/`testcase` see through their upvalue. */
struct decl_ctx {
	int				 run_mode;
	const struct assay_spec		*spec;
	struct assay_diag		*d;
	struct assay_catalogue		*c;
	size_t				 file;
	int				 group_seen;
	int				 errors;
	const char			*want_id;	/* run mode */
	int				 found;		/* run mode */
	int				 lib_done;	/* run mode: lib ran */
};

static const char run_key = 'r';	/* registry slot of the wanted run fn */
static const char ctx_key = 'c';	/* registry slot of the decl_ctx */
/* registry slot of the files compiled in a prepared state: index + 1 -> fn */
static const char compiled_key = 'p';

static int
call_line(lua_State *L)
{
	lua_Debug ar;

	if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "l", &ar))
		return ar.currentline;
	return 0;
}

static int
l_group(lua_State *L)
{
	struct decl_ctx *x = lua_touserdata(L, lua_upvalueindex(1));
	const char *g = luaL_checkstring(L, 1);
	struct gfile *f = &x->c->files[x->file];

	if (x->run_mode)
		return 0;
	if (x->group_seen) {
		assay_diag_add(x->d, f->path, call_line(L),
		    "group declared twice");
		x->errors++;
	} else if (strcmp(g, f->group) != 0) {
		assay_diag_add(x->d, f->path, call_line(L),
		    "group \"%s\" does not match the file name (expected \"%s\")",
		    g, f->group);
		x->errors++;
	}
	x->group_seen = 1;
	return 0;
}

/* Returns a field of the table at 1 as a string, or NULL. */
static const char *
str_field(lua_State *L, const char *k)
{
	const char *s = NULL;

	lua_getfield(L, 1, k);
	if (lua_type(L, -1) == LUA_TSTRING)
		s = lua_tostring(L, -1);
	lua_pop(L, 1);	/* the string stays alive: it is in the table */
	return s;
}

/* An exclusive tag: 1..EXCLUSIVE_MAX of [a-z0-9-]. */
static int
valid_tag(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= EXCLUSIVE_MAX || !((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return 1;
}

/*
 * The `exclusive` value at the top of the stack: nil, a tag, or a list of
 * 1..EXCLUSIVE_TAGS different tags.  Writes them space separated to out
 * ("" for nil).  Returns 0, or -1 when the value is none of these.
 */
static int
read_tags(lua_State *L, char *out, size_t outlen)
{
	const char *t;
	size_t n = 0, len;
	lua_Integer k;

	out[0] = '\0';
	if (lua_isnil(L, -1))
		return 0;
	if (lua_type(L, -1) == LUA_TSTRING) {
		t = lua_tostring(L, -1);
		if (!valid_tag(t))
			return -1;
		snprintf(out, outlen, "%s", t);
		return 0;
	}
	if (lua_type(L, -1) != LUA_TTABLE || (len = lua_rawlen(L, -1)) == 0 ||
	    len > EXCLUSIVE_TAGS)
		return -1;
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {	/* keys 1..len only */
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || (k = lua_tointeger(L, -1)) < 1 ||
		    (size_t)k > len) {
			lua_pop(L, 1);
			return -1;
		}
	}
	for (k = 1; k <= (lua_Integer)len; k++) {
		lua_rawgeti(L, -1, k);
		t = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		if (!valid_tag(t) || assay_tags_overlap(out, t) ||
		    n + strlen(t) + 2 > outlen) {
			lua_pop(L, 1);
			out[0] = '\0';
			return -1;
		}
		n += (size_t)snprintf(out + n, outlen - n, "%s%s", n > 0 ? " " :
		    "", t);
		lua_pop(L, 1);
	}
	return 0;
}

int
assay_tags_overlap(const char *a, const char *b)
{
	const char *p, *q;
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	for (p = a; *p != '\0'; p += la) {
		p += strspn(p, " ");
		if ((la = strcspn(p, " ")) == 0)
			break;
		for (q = b; *q != '\0'; q += lb) {
			q += strspn(q, " ");
			if ((lb = strcspn(q, " ")) == 0)
				break;
			if (la == lb && memcmp(p, q, la) == 0)
				return 1;
		}
	}
	return 0;
}

static int
check_ixit(lua_State *L, struct decl_ctx *x, const char *path, long line,
    const char *id, luaL_Buffer *out)
{
	lua_Integer k, n;
	int bad = 0;

	lua_getfield(L, 1, "ixit");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	if (!lua_istable(L, -1)) {
		assay_diag_add(x->d, path, line,
		    "test case %s: ixit must be a list of IXIT item ids", id);
		lua_pop(L, 1);
		return 1;
	}
	n = (lua_Integer)lua_rawlen(L, -1);
	for (k = 1; k <= n; k++) {
		lua_rawgeti(L, -1, k);
		if (lua_type(L, -1) != LUA_TSTRING ||
		    assay_spec_ixit_find(x->spec, lua_tostring(L, -1)) < 0) {
			assay_diag_add(x->d, path, line,
			    "test case %s: unknown IXIT item \"%s\"", id,
			    lua_type(L, -1) == LUA_TSTRING ?
			    lua_tostring(L, -1) : luaL_typename(L, -1));
			bad = 1;
		} else if (out != NULL) {
			if (k > 1)
				luaL_addchar(out, ' ');
			luaL_addstring(out, lua_tostring(L, -1));
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return bad;
}

/* Characters (UTF-8 code points) of s. */
static size_t
text_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* One line of min..max characters. */
static int
valid_line(const char *s, size_t min, size_t max)
{
	size_t n;

	if (s == NULL || strchr(s, '\n') != NULL || strchr(s, '\r') != NULL)
		return 0;
	n = text_chars(s);
	return n >= min && n <= max;
}

/* An observation name: 1..OBSERVATION_MAX of [a-z0-9-]. */
static int
valid_observation(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= OBSERVATION_MAX || !((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= '0' && s[n] <= '9') || s[n] == '-'))
			return 0;
	return 1;
}

static const char *const decided_names[ASSAY_DECIDED_NKINDS] = {
	"automatic", "facts", "assessor", "observation"
};
static const char *const reach_names[] = {
	"", "network", "artefact", "physical", "declaration"
};

const char *
assay_decided_name(enum assay_decided k)
{
	return (unsigned)k < ASSAY_DECIDED_NKINDS ? decided_names[k] : "?";
}

const char *
assay_reach_name(enum assay_reach r)
{
	return (unsigned)r <= ASSAY_REACH_LAST ? reach_names[r] : "?";
}

/* The kind named by s[0..n), or -1. */
static int
decided_kind(const char *s, size_t n)
{
	int k;

	for (k = 0; k < ASSAY_DECIDED_NKINDS; k++)
		if (strlen(decided_names[k]) == n &&
		    strncmp(s, decided_names[k], n) == 0)
			return k;
	return -1;
}

/*
 * A `decided` value: one kind, or two different ones joined by '+' (the
 * main one first).  Returns 0 with *mainp and *kinds set, or -1 with the
 * offending part in bad[] (or "" when the form itself is wrong).
 */
static int
parse_decided(const char *s, enum assay_decided *mainp, unsigned *kinds,
    char *bad, size_t badsz)
{
	const char *p, *plus;
	size_t n;
	int k, nk = 0;

	*kinds = 0;
	bad[0] = '\0';
	for (p = s;; p = plus + 1) {
		plus = strchr(p, '+');
		n = plus != NULL ? (size_t)(plus - p) : strlen(p);
		if ((k = decided_kind(p, n)) < 0) {
			snprintf(bad, badsz, "%.*s", (int)(n < 40 ? n : 40), p);
			return -1;
		}
		if ((*kinds & (1u << k)) != 0 || ++nk > 2)
			return -1;	/* repeated, or more than two */
		if (nk == 1)
			*mainp = (enum assay_decided)k;
		*kinds |= 1u << k;
		if (plus == NULL)
			return 0;
	}
}

static int
parse_reach(const char *s, enum assay_reach *r)
{
	int k;

	for (k = ASSAY_REACH_NETWORK; k <= ASSAY_REACH_LAST; k++)
		if (strcmp(s, reach_names[k]) == 0) {
			*r = (enum assay_reach)k;
			return 0;
		}
	return -1;
}

static void
unit_decls_free(struct assay_unit_decl *u, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		free((char *)u[k].criterion);
		free((char *)u[k].rule);
		free((char *)u[k].observation);
		free((char *)u[k].observe);
		free((char *)u[k].decided);
		free((char *)u[k].reach);
		memset(&u[k], 0, sizeof(u[k]));
	}
}

/*
 * A string field of the unit table at the top of the stack, or NULL;
 * *isstr is 0 when the field is there but not a string.
 */
static const char *
unit_str(lua_State *L, const char *k, int *isstr)
{
	const char *s = NULL;

	lua_getfield(L, -1, k);
	*isstr = lua_isnil(L, -1) || lua_type(L, -1) == LUA_TSTRING;
	if (lua_type(L, -1) == LUA_TSTRING)
		s = lua_tostring(L, -1);
	lua_pop(L, 1);		/* s stays alive: it is in the table */
	return s;
}

/*
 * Checks one unit declaration (the table at the top of the stack) of a
 * test case of TS 103 701 type `type` (enum assay_tc_type) and, when out is not NULL and it
 * is sound, copies it there.  Returns the number of problems (each
 * reported) or -1 when out of memory.
 */
static int
check_unit(lua_State *L, struct decl_ctx *x, const char *path, long line,
    const char *id, const char *letter, int type,
    struct assay_unit_decl *out)
{
	int conceptual = type == ASSAY_TC_CONCEPTUAL;
	int both = type == ASSAY_TC_CONCEPTUAL_FUNCTIONAL;
	static const char *const known[] = {
		"criterion", "rule", "observation", "observe", "decided",
		"reach", NULL
	};
	const char *crit, *rule, *obs, *observe, *dec, *reach;
	enum assay_decided dmain = ASSAY_DECIDED_AUTOMATIC;
	enum assay_reach rk = ASSAY_REACH_NONE;
	unsigned dkinds = 0;
	char badkind[48];
	int bad = 0, s1, s2, s3, s4, s5, s6, i;

	if (!lua_istable(L, -1)) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s "
		    "must be a table { criterion = ..., rule = ..., "
		    "observation = ..., observe = ..., decided = ..., "
		    "reach = ... }", id, letter);
		return 1;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		for (i = 0; known[i] != NULL; i++)
			if (lua_type(L, -1) == LUA_TSTRING &&
			    strcmp(lua_tostring(L, -1), known[i]) == 0)
				break;
		if (known[i] == NULL) {
			assay_diag_add(x->d, path, line, "test case %s: "
			    "unit %s: unknown field \"%s\" (criterion, rule, "
			    "observation, observe, decided, reach)", id, letter,
			    lua_type(L, -1) == LUA_TSTRING ?
			    lua_tostring(L, -1) : luaL_typename(L, -1));
			bad++;
		}
	}
	crit = unit_str(L, "criterion", &s1);
	rule = unit_str(L, "rule", &s2);
	obs = unit_str(L, "observation", &s3);
	observe = unit_str(L, "observe", &s4);
	dec = unit_str(L, "decided", &s5);
	reach = unit_str(L, "reach", &s6);
	if (!s1 || !valid_line(crit, CRITERION_MIN, UNIT_TEXT_MAX)) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "criterion must be one line of %d..%d characters (what "
		    "TS 103 701 asks of the unit, in our own words)", id,
		    letter, CRITERION_MIN, UNIT_TEXT_MAX);
		bad++;
	}
	if (!s2 || (rule != NULL && !valid_line(rule, 1, UNIT_TEXT_MAX))) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: rule "
		    "must be one line of 1..%d characters, or absent when only "
		    "a person can decide", id, letter, UNIT_TEXT_MAX);
		bad++;
	}
	if (!s3 || (obs != NULL && !valid_observation(obs))) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "observation must be a name of 1..%d characters [a-z0-9-]",
		    id, letter, OBSERVATION_MAX);
		bad++;
	}
	if (!s4 || (observe != NULL && !valid_line(observe, 1,
	    UNIT_TEXT_MAX))) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "observe must be one line of 1..%d characters", id, letter,
		    UNIT_TEXT_MAX);
		bad++;
	} else if (obs != NULL && observe == NULL) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "observation \"%s\" needs observe (what exactly a person "
		    "looks at or does)", id, letter, obs);
		bad++;
	} else if (obs == NULL && observe != NULL) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "observe without an observation name", id, letter);
		bad++;
	}
	if (!s5 || dec == NULL) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "decided required: how a PASS of the unit is reached, "
		    "automatic, facts, assessor or observation, or two joined "
		    "by + with the main one first", id, letter);
		bad++;
	} else if (parse_decided(dec, &dmain, &dkinds, badkind,
	    sizeof(badkind)) != 0) {
		if (badkind[0] != '\0' || *dec == '\0')
			assay_diag_add(x->d, path, line, "test case %s: unit "
			    "%s: decided \"%s\": unknown kind \"%s\" (automatic, "
			    "facts, assessor, observation)", id, letter, dec,
			    badkind);
		else
			assay_diag_add(x->d, path, line, "test case %s: unit "
			    "%s: decided \"%s\": one kind or two different "
			    "ones joined by +", id, letter, dec);
		bad++;
	} else if (obs != NULL && (dkinds & (1u << ASSAY_DECIDED_OBSERVATION))
	    == 0) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "observation \"%s\" declared, so decided must name "
		    "observation (\"%s\" does not)", id, letter, obs, dec);
		bad++;
	} else if (obs == NULL && (dkinds & (1u << ASSAY_DECIDED_OBSERVATION))
	    != 0) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "decided \"%s\" names observation but the unit declares "
		    "none (observation, observe)", id, letter, dec);
		bad++;
	}
	if (!s6 || (reach != NULL && parse_reach(reach, &rk) != 0)) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "reach \"%s\": network, artefact, physical or declaration", id, letter,
		    reach != NULL ? reach : "?");
		bad++;
	} else if (rk == ASSAY_REACH_DECLARATION && !both) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "reach \"declaration\" only on a conceptual+functional test "
		    "case (a unit of it that judges the declarations)", id,
		    letter);
		bad++;
	} else if (conceptual && reach != NULL) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "reach on a conceptual test case (only functional units "
		    "say where their subject is)", id, letter);
		bad++;
	} else if (!conceptual && reach == NULL) {
		assay_diag_add(x->d, path, line, "test case %s: unit %s: "
		    "reach required on a functional test case: network, "
		    "artefact or physical", id, letter);
		bad++;
	}
	if (bad || out == NULL)
		return bad;
	out->decided_main = dmain;
	out->decided_kinds = dkinds;
	out->reach_kind = rk;
	if ((out->criterion = strdup(crit)) == NULL ||
	    (out->decided = strdup(dec)) == NULL ||
	    (reach != NULL && (out->reach = strdup(reach)) == NULL) ||
	    (rule != NULL && (out->rule = strdup(rule)) == NULL) ||
	    (obs != NULL && (out->observation = strdup(obs)) == NULL) ||
	    (observe != NULL && (out->observe = strdup(observe)) == NULL))
		return -1;
	return 0;
}

/*
 * Checks `units` of the test case table at 1: exactly the letters
 * TS 103 701 numbers for it (nspec of them, a..), each declared soundly.
 * The declarations go to out (UNITS_MAX of them) when out is not NULL.
 * Returns the number of problems, or -1 when out of memory.
 */
static int
check_units(lua_State *L, struct decl_ctx *x, const char *path, long line,
    const char *id, int nspec, int type, struct assay_unit_decl *out)
{
	char letter[2] = { 0, 0 };
	const char *k;
	int bad = 0, n, r;

	lua_getfield(L, 1, "units");
	if (!lua_istable(L, -1)) {
		assay_diag_add(x->d, path, line, "test case %s: units "
		    "required: { a = { criterion = \"...\" }, ... } declaring "
		    "%s%c, as TS 103 701 numbers them", id, nspec > 1 ?
		    "units a.." : "unit ", 'a' + nspec - 1);
		lua_pop(L, 1);
		return 1;
	}
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		if (k == NULL || strlen(k) != 1 || k[0] < 'a' ||
		    k[0] >= 'a' + (nspec > 0 ? nspec : UNITS_MAX)) {
			assay_diag_add(x->d, path, line, "test case %s: "
			    "no unit \"%s\" in TS 103 701 (%s%c)", id,
			    k != NULL ? k : luaL_typename(L, -1), nspec > 1 ?
			    "its units are a.." : "its one unit is ",
			    'a' + (nspec > 0 ? nspec : UNITS_MAX) - 1);
			bad++;
		}
	}
	for (n = 0; n < nspec && n < UNITS_MAX; n++) {
		letter[0] = (char)('a' + n);
		lua_getfield(L, -1, letter);
		if (lua_isnil(L, -1)) {
			assay_diag_add(x->d, path, line, "test case %s: "
			    "unit %s of TS 103 701 is not declared", id,
			    letter);
			bad++;
		} else if ((r = check_unit(L, x, path, line, id, letter,
		    type, out != NULL && bad == 0 ? &out[n] : NULL)) < 0) {
			lua_pop(L, 2);
			return -1;
		} else
			bad += r;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return bad;
}

static int
l_testcase(lua_State *L)
{
	static const char *const known[] = {
		"id", "type", "ixit", "purpose", "run", "units", "exclusive",
		NULL
	};
	struct decl_ctx *x = lua_touserdata(L, lua_upvalueindex(1));
	struct gfile *f = &x->c->files[x->file];
	const char *id, *type, *purpose, *g, *excl = NULL;
	enum assay_tc_type tt;
	long line = call_line(L), si;
	struct tc *t;
	struct assay_unit_decl decls[UNITS_MAX];
	luaL_Buffer ixb;
	char tags[EXCLUSIVE_TAGS * (EXCLUSIVE_MAX + 1) + 1];
	int bad = 0, i, nspec = 0, spectype;
	size_t glen;

	luaL_checktype(L, 1, LUA_TTABLE);
	id = str_field(L, "id");
	if (x->run_mode) {
		if (id != NULL && x->want_id != NULL &&
		    strcmp(id, x->want_id) == 0) {
			lua_pushlightuserdata(L, (void *)&run_key);
			lua_getfield(L, 1, "run");
			lua_rawset(L, LUA_REGISTRYINDEX);
			x->found = 1;
		}
		return 0;
	}
	if (!x->group_seen) {
		assay_diag_add(x->d, f->path, line,
		    "testcase before the group declaration");
		x->errors++;
		x->group_seen = 1;
	}
	/* Unknown keys are typos until proven otherwise. */
	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING) {
			assay_diag_add(x->d, f->path, line,
			    "test case table has a non-string key");
			bad = 1;
			continue;
		}
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(lua_tostring(L, -1), known[i]) == 0)
				break;
		if (known[i] == NULL) {
			assay_diag_add(x->d, f->path, line,
			    "test case %s: unknown field \"%s\"",
			    id ? id : "?", lua_tostring(L, -1));
			bad = 1;
		}
	}
	if (id == NULL) {
		assay_diag_add(x->d, f->path, line,
		    "test case without an id (string field \"id\")");
		x->errors++;
		return 0;
	}
	/* Test case ids are <group>-<n>. */
	glen = strlen(f->group);
	if (strncmp(id, f->group, glen) != 0 || id[glen] != '-' ||
	    id[glen + 1] < '1' || id[glen + 1] > '9') {
		assay_diag_add(x->d, f->path, line,
		    "test case id \"%s\" is not of the form %s-N", id, f->group);
		bad = 1;
	}
	if ((si = assay_spec_testcase_find(x->spec, id)) < 0) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s does not exist in TS 103 701 V1.1.1", id);
		bad = 1;
	} else if (assay_spec_provision_find(x->spec,
	    (g = assay_spec_testcase_group(x->spec, (size_t)si))) < 0) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s: provision %s does not exist", id, g);
		bad = 1;
	}
	type = str_field(L, "type");
	if (type == NULL || assay_tc_type_parse(type, &tt) != 0) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s: type must be \"conceptual\", \"functional\" "
		    "or \"conceptual+functional\"", id);
		bad = 1;
	} else if (si >= 0 && tt != assay_spec_testcase_type(x->spec, (size_t)si)) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s: type \"%s\" but TS 103 701 says \"%s\"", id,
		    type, assay_tc_type_name(
		    assay_spec_testcase_type(x->spec, (size_t)si)));
		bad = 1;
	}
	purpose = str_field(L, "purpose");
	if (purpose == NULL || *purpose == '\0' ||
	    strlen(purpose) > PURPOSE_MAX || strchr(purpose, '\n') != NULL) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s: purpose must be one line of 1..%d characters",
		    id, PURPOSE_MAX);
		bad = 1;
	}
	lua_getfield(L, 1, "exclusive");
	if (read_tags(L, tags, sizeof(tags)) != 0) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s: exclusive must be a tag of 1..%d characters "
		    "[a-z0-9-], or a list of 1..%d different such tags", id,
		    EXCLUSIVE_MAX, EXCLUSIVE_TAGS);
		bad = 1;
	}
	lua_pop(L, 1);
	excl = tags[0] != '\0' ? tags : NULL;
	lua_getfield(L, 1, "run");
	if (!lua_isfunction(L, -1)) {
		assay_diag_add(x->d, f->path, line,
		    "test case %s: run must be a function", id);
		bad = 1;
	}
	lua_pop(L, 1);
	/* reach follows TS 103 701's type, whatever the file says. */
	spectype = si >= 0 ? (int)assay_spec_testcase_type(x->spec,
	    (size_t)si) : ASSAY_TC_CONCEPTUAL;
	if (si >= 0 && (nspec = assay_spec_testcase_units(x->spec,
	    (size_t)si)) > 0 && check_units(L, x, f->path, line, id, nspec,
	    spectype, NULL) != 0)
		bad = 1;
	luaL_buffinit(L, &ixb);
	bad |= check_ixit(L, x, f->path, line, id, &ixb);
	luaL_pushresult(&ixb);
	if (bad) {
		x->errors++;
		return 0;
	}
	/* Sound: now copy the declarations (only memory can fail). */
	memset(decls, 0, sizeof(decls));
	if (nspec > 0 && check_units(L, x, f->path, line, id, nspec,
	    spectype, decls) != 0) {
		unit_decls_free(decls, UNITS_MAX);
		return luaL_error(L, "out of memory");
	}
	t = realloc(x->c->tcs, (x->c->ntcs + 1) * sizeof(*t));
	if (t == NULL) {
		unit_decls_free(decls, UNITS_MAX);
		return luaL_error(L, "out of memory");
	}
	x->c->tcs = t;
	t = &x->c->tcs[x->c->ntcs];
	memset(t, 0, sizeof(*t));
	t->id = strdup(id);
	t->group = strdup(f->group);
	t->purpose = strdup(purpose);
	t->ixit = strdup(lua_tostring(L, -1));
	t->exclusive = excl != NULL ? strdup(excl) : NULL;
	t->type = tt;
	t->file = x->file;
	t->line = line;
	t->spec_index = si;
	memcpy(t->units, decls, sizeof(t->units));
	t->nunits = (size_t)nspec;
	if (t->id == NULL || t->group == NULL || t->purpose == NULL ||
	    t->ixit == NULL || (excl != NULL && t->exclusive == NULL)) {
		free(t->exclusive);
		free(t->id);
		free(t->group);
		free(t->purpose);
		free(t->ixit);
		unit_decls_free(t->units, UNITS_MAX);
		return luaL_error(L, "out of memory");
	}
	x->c->ntcs++;
	return 0;
}

/* Registers group/testcase, seals, loads and runs file fi in sb. */
static void add_lua_error(struct assay_diag *, const char *, const char *);

static int
readonly_lib(lua_State *L)
{
	assay_sandbox_make_readonly(L, 1);
	lua_setglobal(L, "lib");
	return 0;
}

/*
 * Runs lib/assay.lua, if the catalogue has one, in sb's state: from the
 * load's compiled copy when there is one; else from source, and the load
 * (keep) keeps the compiled function for the test cases' processes.
 */
static int
load_lib(struct assay_sandbox *sb, struct assay_catalogue *c, int keep)
{
	char chunk[ASSAY_PATH_MAX + 2];
	int r;

	if (c->lib == NULL)
		return 0;
	if ((r = assay_path_fmt(chunk, sizeof(chunk), "@%s/lib/assay.lua",
	    c->dir)) != 0)
		return r;
	if (c->lib_bc != NULL)
		r = assay_sandbox_load_dump(sb, chunk, c->lib_bc, c->lib_bclen);
	else if ((r = assay_sandbox_load(sb, chunk, c->lib, c->liblen)) == 0 &&
	    keep && assay_sandbox_dump(sb, &c->lib_bc, &c->lib_bclen) != 0) {
		/* No copy: every process compiles the source, as before. */
		c->lib_bc = NULL;
		c->lib_bclen = 0;
	}
	if (r != 0)
		return r;
	return assay_sandbox_call(sb, 0, 0);
}

/*
 * One sandbox serves the whole load: lib/assay.lua runs once, its `lib`
 * becomes a read-only proxy (so no file can change what the next one
 * sees), and the global table is sealed.  A state spent by a limit is
 * dropped and the next file gets a fresh one.  Running lib once per file
 * had cost 0.6 s and ~120 MiB of allocator churn under ASan in every
 * process.
 */
static int
load_state(struct assay_sandbox **sbp, struct assay_catalogue *c,
    struct assay_diag *d)
{
	struct assay_sandbox_limits lim = { LOAD_MAX_BYTES, 0, LOAD_TIMEOUT_MS };
	char where[ASSAY_PATH_MAX];
	lua_State *L;
	int r;

	if ((r = assay_sandbox_new(&lim, sbp)) != 0)
		return r;
	L = assay_sandbox_state(*sbp);
	if ((r = load_lib(*sbp, c, 1)) == 0 && lua_getglobal(L, "lib") == LUA_TTABLE) {
		lua_pushcfunction(L, readonly_lib);
		lua_insert(L, -2);
		r = assay_sandbox_call(*sbp, 1, 0);
	} else if (r == 0)
		lua_pop(L, 1);
	if (r != 0) {
		if (assay_path_fmt(where, sizeof(where), "%s/lib/assay.lua",
		    c->dir) != 0)
			snprintf(where, sizeof(where), "lib/assay.lua");
		add_lua_error(d, where, assay_sandbox_error(*sbp));
		return r == ASSAY_ERR_ALLOC ? r : ASSAY_ERR_CATALOGUE;
	}
	assay_sandbox_seal(*sbp);
	return 0;
}

/*
 * Binds `group` and `testcase` to a new context copied from x (a userdata
 * in the state, so a test case that keeps `testcase` and calls it later
 * can't reach a dead C stack frame): as fields of the table at env, or
 * as globals when env is 0.  *uxp is the context the calls fill in.
 */
static int
bind_ctx(lua_State *L, const struct decl_ctx *x, int env,
    struct decl_ctx **uxp)
{
	struct decl_ctx *ux;

	if ((ux = lua_newuserdatauv(L, sizeof(*ux), 0)) == NULL)
		return ASSAY_ERR_ALLOC;
	*ux = *x;
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &ctx_key);	/* keep it alive */
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, l_group, 1);
	if (env != 0)
		lua_setfield(L, env, "group");
	else
		lua_setglobal(L, "group");
	lua_pushcclosure(L, l_testcase, 1);
	if (env != 0)
		lua_setfield(L, env, "testcase");
	else
		lua_setglobal(L, "testcase");
	*uxp = ux;
	return 0;
}

/*
 * Pushes file fi's function as assay_catalogue_precompile() compiled it in
 * the prepared state, and returns 1; 0 (nothing pushed) when it did not.
 * The function's _ENV is the state's global table, as a load now would
 * make it.
 */
static int
push_compiled(lua_State *L, size_t fi)
{
	if (lua_rawgetp(L, LUA_REGISTRYINDEX, &compiled_key) != LUA_TTABLE) {
		lua_pop(L, 1);
		return 0;
	}
	if (lua_rawgeti(L, -1, (lua_Integer)fi + 1) != LUA_TFUNCTION) {
		lua_pop(L, 2);
		return 0;
	}
	lua_remove(L, -2);
	return 1;
}

/*
 * Runs catalogue file fi.  In a test case's own run state (run_mode):
 * group/testcase as globals, lib, seal, the file -- the state is the
 * file's alone.  In the shared load state: the file gets its own
 * environment, reads falling through to the shared (sealed) globals,
 * new globals refused as the sealed table refuses them.
 */
static int
exec_file(struct assay_sandbox *sb, struct decl_ctx *x, size_t fi)
{
	lua_State *L = assay_sandbox_state(sb);
	struct gfile *f = &x->c->files[fi];
	struct decl_ctx *ux = NULL;
	char chunk[ASSAY_PATH_MAX + 2];
	int r, env;

	if (!lua_checkstack(L, 8))
		return ASSAY_ERR_ALLOC;
	if ((r = assay_path_fmt(chunk, sizeof(chunk), "@%s", f->path)) != 0)
		return r;
	x->file = fi;
	if (x->run_mode) {
		if ((r = bind_ctx(L, x, 0, &ux)) != 0 ||
		    (!x->lib_done && (r = load_lib(sb, x->c, 0)) != 0))
			return r;
		assay_sandbox_seal(sb);
		if ((!x->lib_done || !push_compiled(L, fi)) &&
		    (r = assay_sandbox_load(sb, chunk, f->src, f->len)) != 0)
			return r;
	} else {
		assay_sandbox_rearm(sb);
		if ((r = assay_sandbox_load(sb, chunk, f->src, f->len)) != 0)
			return r;
		lua_createtable(L, 0, 2);
		env = lua_gettop(L);
		if ((r = bind_ctx(L, x, env, &ux)) != 0)
			return r;
		lua_createtable(L, 0, 3);
		lua_pushglobaltable(L);
		lua_setfield(L, -2, "__index");
		lua_pushglobaltable(L);
		lua_setfield(L, -2, "__newindex");	/* sealed: refuses */
		lua_pushliteral(L, "locked");
		lua_setfield(L, -2, "__metatable");
		lua_setmetatable(L, env);
		if (lua_setupvalue(L, env - 1, 1) == NULL)	/* _ENV */
			lua_pop(L, 1);
	}
	r = assay_sandbox_call(sb, 0, 0);
	*x = *ux;
	return r;
}

/* A catalogue file, capped at ASSAY_CATALOGUE_MAX_FILE; *out is malloc'd. */
static int
read_file(const char *path, char **out, size_t *lenp)
{
	struct assay_buf *b = NULL;
	int r;

	*out = NULL;
	if ((r = assay_file_read(path, ASSAY_CATALOGUE_MAX_FILE, &b)) != 0)
		return r;
	if ((*out = assay_buf_steal(b, lenp)) == NULL)
		r = ASSAY_ERR_ALLOC;
	assay_buf_free(b);
	return r;
}

/*
 * Lua's messages start "path:line: "; report them as our file:line, and
 * anything else (limits, bytecode) against the file.
 */
static void
add_lua_error(struct assay_diag *d, const char *path, const char *msg)
{
	size_t n = strlen(path);
	const char *p;
	char *end;
	long line;

	if (strncmp(msg, path, n) == 0 && msg[n] == ':') {
		line = strtol(msg + n + 1, &end, 10);
		if (end != msg + n + 1 && *end == ':') {
			for (p = end + 1; *p == ' '; p++)
				;
			assay_diag_add(d, path, line, "%s", p);
			return;
		}
	}
	if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
		msg += n + 2;
	assay_diag_add(d, path, 0, "%s", msg);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_tc(const void *a, const void *b)
{
	const struct tc *x = a, *y = b;

	return (x->spec_index > y->spec_index) - (x->spec_index < y->spec_index);
}

void
assay_catalogue_free(struct assay_catalogue *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		free(c->files[i].group);
		free(c->files[i].src);
	}
	free(c->files);
	for (i = 0; i < c->ntcs; i++) {
		free(c->tcs[i].id);
		free(c->tcs[i].group);
		free(c->tcs[i].purpose);
		free(c->tcs[i].ixit);
		free(c->tcs[i].exclusive);
		unit_decls_free(c->tcs[i].units, UNITS_MAX);
	}
	free(c->tcs);
	free(c->lib);
	free(c->lib_bc);
	free(c->dir);
	free(c);
}

int
assay_catalogue_load(const char *dir, const struct assay_spec *spec,
    struct assay_catalogue **out, struct assay_diag *d)
{
	struct assay_catalogue *c = NULL;
	struct assay_sandbox *sb = NULL;
	struct decl_ctx x;
	struct dirent *de;
	DIR *dp = NULL;
	char **names = NULL, path[ASSAY_PATH_MAX];
	size_t nnames = 0, i, k, len;
	EVP_MD_CTX *md = NULL;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dlen;
	int r = ASSAY_ERR_ALLOC, errors = 0;
	size_t ndiag = assay_diag_count(d);

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL || (c->dir = strdup(dir)) == NULL)
		goto out;
	if ((dp = opendir(dir)) == NULL) {
		assay_diag_add(d, dir, 0, "cannot open the catalogue directory");
		r = ASSAY_ERR_CATALOGUE;
		goto out;
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".lua") != 0 ||
		    de->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (nnames + 1) * sizeof(*nn));
		if (nn == NULL)
			goto out;
		names = nn;
		if ((names[nnames] = strdup(de->d_name)) == NULL)
			goto out;
		nnames++;
	}
	qsort(names, nnames, sizeof(*names), cmp_str);
	if ((r = assay_path_join(path, sizeof(path), dir, "lib/assay.lua")) != 0) {
		assay_diag_add(d, dir, 0, "%s", assay_strerror(r));
		r = ASSAY_ERR_CATALOGUE;
		goto out;
	}
	if (access(path, F_OK) == 0 &&
	    (r = read_file(path, &c->lib, &c->liblen)) != 0) {
		assay_diag_add(d, path, 0, "cannot read: %s", assay_strerror(r));
		r = ASSAY_ERR_CATALOGUE;
		goto out;
	}
	r = ASSAY_ERR_ALLOC;
	if ((c->files = calloc(nnames ? nnames : 1, sizeof(*c->files))) == NULL ||
	    (md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	for (i = 0; i < nnames; i++) {
		struct gfile *f = &c->files[c->nfiles];

		if ((r = assay_path_join(path, sizeof(path), dir, names[i])) != 0) {
			assay_diag_add(d, dir, 0, "%s: path too long", names[i]);
			errors++;
			continue;
		}
		if ((f->path = strdup(path)) == NULL ||
		    (f->group = strndup(names[i], strlen(names[i]) - 4)) == NULL) {
			/* r is 0 here (the path join): never "loaded". */
			free(f->path);
			f->path = NULL;
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		c->nfiles++;
		if ((r = read_file(path, &f->src, &f->len)) != 0) {
			assay_diag_add(d, path, 0, "cannot read: %s",
			    assay_strerror(r));
			errors++;
			continue;
		}
		if (i == 0 && c->lib != NULL) {
			EVP_DigestUpdate(md, "lib/assay.lua", 14);
			EVP_DigestUpdate(md, c->lib, c->liblen);
		}
		EVP_DigestUpdate(md, names[i], strlen(names[i]) + 1);
		EVP_DigestUpdate(md, f->src, f->len);
		EVP_DigestUpdate(md, "\n", 1);
		if (assay_spec_provision_find(spec, f->group) < 0) {
			assay_diag_add(d, path, 0, "file name must be a test "
			    "group id (an EN 303 645 provision): no provision \"%s\"",
			    f->group);
			errors++;
			continue;
		}
		memset(&x, 0, sizeof(x));
		x.spec = spec;
		x.d = d;
		x.c = c;
		if (sb == NULL && (r = load_state(&sb, c, d)) != 0) {
			if (r == ASSAY_ERR_ALLOC)
				goto out;
			r = ASSAY_ERR_CATALOGUE;
			goto out;
		}
		if ((r = exec_file(sb, &x, c->nfiles - 1)) != 0) {
			add_lua_error(d, path, assay_sandbox_error(sb));
			errors++;
			/* A tripped limit spends the state; start afresh. */
			assay_sandbox_free(sb);
			sb = NULL;
		} else if (!x.group_seen) {
			assay_diag_add(d, path, 1, "missing group declaration");
			errors++;
		}
		errors += x.errors;
	}
	/* Duplicate ids, across all files. */
	for (i = 0; i < c->ntcs; i++) {
		for (k = 0; k < i; k++) {
			if (strcmp(c->tcs[i].id, c->tcs[k].id) != 0)
				continue;
			assay_diag_add(d, c->files[c->tcs[i].file].path,
			    c->tcs[i].line, "duplicate test case id %s "
			    "(first declared at %s:%ld)", c->tcs[i].id,
			    c->files[c->tcs[k].file].path, c->tcs[k].line);
			errors++;
			break;
		}
	}
	if (errors > 0) {
		r = ASSAY_ERR_CATALOGUE;
		goto out;
	}
	qsort(c->tcs, c->ntcs, sizeof(*c->tcs), cmp_tc);
	if (EVP_DigestFinal_ex(md, dg, &dlen) != 1 || dlen != ASSAY_SHA256_LEN) {
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	assay_hex_encode(dg, ASSAY_SHA256_LEN, c->sha256);
	*out = c;
	c = NULL;
	r = 0;
 out:
	/* Every failure is named, also one no step described. */
	if (r != 0 && assay_diag_count(d) == ndiag)
		assay_diag_add(d, dir, 0, "cannot load the catalogue: %s",
		    assay_strerror(r));
	if (dp != NULL)
		closedir(dp);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	EVP_MD_CTX_free(md);
	assay_sandbox_free(sb);
	assay_catalogue_free(c);
	return r;
}

const char *
assay_catalogue_sha256(const struct assay_catalogue *c)
{
	return c->sha256;
}

const char *
assay_catalogue_dir(const struct assay_catalogue *c)
{
	return c->dir;
}

size_t
assay_catalogue_count(const struct assay_catalogue *c)
{
	return c->ntcs;
}

long
assay_catalogue_find(const struct assay_catalogue *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->ntcs; i++)
		if (strcmp(c->tcs[i].id, id) == 0)
			return (long)i;
	return -1;
}

const char *
assay_catalogue_id(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].id;
}

const char *
assay_catalogue_group(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].group;
}

enum assay_tc_type
assay_catalogue_type(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].type;
}

const char *
assay_catalogue_purpose(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].purpose;
}

const char *
assay_catalogue_exclusive(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].exclusive;
}

const char *
assay_catalogue_ixit(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].ixit;
}

const char *
assay_catalogue_file(const struct assay_catalogue *c, size_t i)
{
	return c->files[c->tcs[i].file].path;
}

long
assay_catalogue_line(const struct assay_catalogue *c, size_t i)
{
	return c->tcs[i].line;
}

int
assay_catalogue_prepare_run(const struct assay_catalogue *c,
    struct assay_sandbox *sb)
{
	return load_lib(sb, (struct assay_catalogue *)c, 0);
}

struct precompile {
	const struct assay_catalogue	*c;
	struct assay_sandbox		*sb;
	const size_t			*tcs;
	size_t				 n;
	int				 r;
};

/* assay_catalogue_precompile()'s work, in a protected call (allocations). */
static int
precompile_cf(lua_State *L)
{
	struct precompile *p = lua_touserdata(L, 1);
	const struct assay_catalogue *c = p->c;
	char chunk[ASSAY_PATH_MAX + 2];
	size_t k, fi;

	lua_createtable(L, 0, 0);
	for (k = 0; k < p->n; k++) {
		if (p->tcs[k] >= c->ntcs) {
			p->r = ASSAY_ERR_INVALID_ARG;
			return 0;
		}
		fi = c->tcs[p->tcs[k]].file;
		if (lua_rawgeti(L, -1, (lua_Integer)fi + 1) != LUA_TNIL) {
			lua_pop(L, 1);
			continue;
		}
		lua_pop(L, 1);
		if ((p->r = assay_path_fmt(chunk, sizeof(chunk), "@%s",
		    c->files[fi].path)) != 0 ||
		    (p->r = assay_sandbox_load(p->sb, chunk, c->files[fi].src,
		    c->files[fi].len)) != 0)
			return 0;
		lua_rawseti(L, -2, (lua_Integer)fi + 1);
	}
	lua_rawsetp(L, LUA_REGISTRYINDEX, &compiled_key);
	return 0;
}

int
assay_catalogue_precompile(const struct assay_catalogue *c,
    struct assay_sandbox *sb, const size_t *tcs, size_t n)
{
	lua_State *L = assay_sandbox_state(sb);
	struct precompile p = { c, sb, tcs, n, 0 };

	if (!lua_checkstack(L, 4))
		return ASSAY_ERR_ALLOC;
	lua_pushcfunction(L, precompile_cf);
	lua_pushlightuserdata(L, &p);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		lua_pop(L, 1);
		return ASSAY_ERR_ALLOC;
	}
	/* On failure nothing is kept: the slot is filled only at the end. */
	return p.r;
}

static int
push_run(const struct assay_catalogue *c, size_t i, struct assay_sandbox *sb,
    int lib_done)
{
	lua_State *L = assay_sandbox_state(sb);
	struct decl_ctx x;
	int r;

	memset(&x, 0, sizeof(x));
	x.run_mode = 1;
	x.lib_done = lib_done;
	x.c = (struct assay_catalogue *)c;
	x.want_id = c->tcs[i].id;
	if ((r = exec_file(sb, &x, c->tcs[i].file)) != 0)
		return r;
	if (!x.found)
		return ASSAY_ERR_CATALOGUE;
	lua_pushlightuserdata(L, (void *)&run_key);
	lua_rawget(L, LUA_REGISTRYINDEX);
	if (!lua_isfunction(L, -1)) {
		lua_pop(L, 1);
		return ASSAY_ERR_CATALOGUE;
	}
	return 0;
}

int
assay_catalogue_push_run(const struct assay_catalogue *c, size_t i,
    struct assay_sandbox *sb)
{
	return push_run(c, i, sb, 0);
}

int
assay_catalogue_push_prepared(const struct assay_catalogue *c, size_t i,
    struct assay_sandbox *sb)
{
	return push_run(c, i, sb, 1);
}

const struct assay_unit_decl *
assay_catalogue_unit(const struct assay_catalogue *c, size_t i,
    const char *letter)
{
	const struct tc *t;
	size_t k;

	if (c == NULL || i >= c->ntcs || letter == NULL ||
	    strlen(letter) != 1 || letter[0] < 'a')
		return NULL;
	t = &c->tcs[i];
	k = (size_t)(letter[0] - 'a');
	if (k >= t->nunits || t->units[k].criterion == NULL)
		return NULL;
	return &t->units[k];
}
