/*
 * fixture.c - run a test case against fixture forms and scripted replies.
 *
 * Three steps per fixture file (docs/fixtures.md):
 *  1. read it in a small sandbox of its own: the chunk returns a table;
 *     testcase, forms, patch, judgements, expect are copied out (raw
 *     access inside a protected call, so a metatable can't run code in
 *     C's stack frame) and every field is checked before anything runs;
 *  2. copy the base forms into a temporary directory with the patches
 *     applied (the patch language of tests/validation, on the libxml2
 *     tree), load them with the real loader, load the catalogue;
 *  3. run the test case as the engine does, in a fresh sandbox with the
 *     real API, but with every assay.net function that talks to a device
 *     replaced by a stub that hands out the fixture's replies.  The fixture chunk is run again in
 *     that sandbox, so a reply may be a Lua function of the call's
 *     arguments.  The units are completed as the engine does (a unit
 *     the test case did not record is a failure of the fixture: every
 *     path records every unit), the fixture's judgements are applied as
 *     `assay review` applies an assessor's, then the verdict, reason and
 *     units are compared.
 * A fixture is Lua, so the Lua parser reads its bytes; the patch lines are
 * parsed here and have a fuzz target (fuzz/fuzz_fixture_patch.c).
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "base/datadir.h"
#include "base/diag.h"
#include "base/error.h"
#include "forms/forms.h"
#include "probe/probe.h"
#include "run/api.h"
#include "run/catalogue.h"
#include "run/engine.h"
#include "run/evidence.h"
#include "run/fixture.h"
#include "run/review.h"
#include "run/sandbox.h"
#include "run/verdict.h"

#define FIXTURE_MAX_BYTES	(256 * 1024)
#define FIXTURE_MAX_LIST	256
#define FIXTURE_TIMEOUT_MS	20000
#define FIXTURE_RECORD_TIMEOUT_MS	300000
#define DESCRIBE_MAX		300

static const char *const form_names[3] = { "ics", "ixit", "setup" };

struct unit_expect {
	char	*letter;
	char	*verdict;
};

/* An assessor's judgement of one unit, as the fixture states it. */
struct unit_judged {
	char	*unit;
	char	*verdict;
	char	*text;
	char	*by;		/* or NULL: "fixture" */
};

struct fixture {
	const char		*path;
	char			*src;
	size_t			 len;
	char			*testcase;
	char			*forms;		/* base directory, as written */
	char			*patch[FIXTURE_MAX_LIST];
	size_t			 npatch;
	struct unit_judged	 judged[FIXTURE_MAX_LIST];
	size_t			 njudged;
	char			*verdict;
	char			*reason[FIXTURE_MAX_LIST];
	size_t			 nreason;
	struct unit_expect	 units[FIXTURE_MAX_LIST];
	size_t			 nunits;
	/* Set while the test case runs. */
	char			*unexpected;	/* first unexpected probe call */
	char			*bad;		/* a malformed reply, seen late */
	int			 unused;	/* replies never asked for */
	int			 recording;	/* a template: expect optional */
	int			 has_replies;
	/* Record mode: real probes, their replies written as a fixture. */
	const struct assay_forms *secrets;	/* masked in what is written */
};

static void
fixture_clear(struct fixture *fx)
{
	size_t i;

	free(fx->src);
	free(fx->testcase);
	free(fx->forms);
	for (i = 0; i < fx->npatch; i++)
		free(fx->patch[i]);
	for (i = 0; i < fx->njudged; i++) {
		free(fx->judged[i].unit);
		free(fx->judged[i].verdict);
		free(fx->judged[i].text);
		free(fx->judged[i].by);
	}
	free(fx->verdict);
	for (i = 0; i < fx->nreason; i++)
		free(fx->reason[i]);
	for (i = 0; i < fx->nunits; i++) {
		free(fx->units[i].letter);
		free(fx->units[i].verdict);
	}
	free(fx->unexpected);
	free(fx->bad);
	memset(fx, 0, sizeof(*fx));
}

/* Reads at most FIXTURE_MAX_BYTES of path into fx->src. */
static int
read_fixture(struct fixture *fx, struct assay_diag *d)
{
	FILE *fp;
	size_t n;

	if ((fp = fopen(fx->path, "rb")) == NULL) {
		assay_diag_add(d, fx->path, 0, "cannot open: %s", strerror(errno));
		return ASSAY_ERR_IO;
	}
	if ((fx->src = malloc(FIXTURE_MAX_BYTES + 1)) == NULL) {
		fclose(fp);
		return ASSAY_ERR_ALLOC;
	}
	n = fread(fx->src, 1, FIXTURE_MAX_BYTES + 1, fp);
	fclose(fp);
	if (n > FIXTURE_MAX_BYTES) {
		assay_diag_add(d, fx->path, 0, "larger than %d bytes",
		    FIXTURE_MAX_BYTES);
		return ASSAY_ERR_TOO_BIG;
	}
	fx->src[n] = '\0';
	fx->len = n;
	return 0;
}

/* --- step 1: the fixture's fields ------------------------------------ */

/*
 * Pushes t[k] without metamethods.  The meta_* helpers run inside
 * lua_pcall (meta_read) and raise a message naming the field.
 */
static int
raw_field(lua_State *L, int t, const char *k)
{
	lua_pushstring(L, k);
	return lua_rawget(L, t);
}

static char *
dup_or_raise(lua_State *L, const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		luaL_error(L, "out of memory");
	return p;
}

/* t[k] as a new string, NULL when absent; raises on another type. */
static char *
meta_string(lua_State *L, int t, const char *k, const char *what)
{
	char *s = NULL;
	int ty = raw_field(L, t, k);

	if (ty == LUA_TSTRING)
		s = dup_or_raise(L, lua_tostring(L, -1));
	else if (ty != LUA_TNIL)
		luaL_error(L, "%s: a string expected, got %s", what,
		    lua_typename(L, ty));
	lua_pop(L, 1);
	return s;
}

/* A string or a list of strings at t[k] into v[*n]. */
static void
meta_strings(lua_State *L, int t, const char *k, const char *what, char **v,
    size_t *n)
{
	lua_Integer i, len;
	int ty = raw_field(L, t, k);

	if (ty == LUA_TSTRING) {
		v[(*n)++] = dup_or_raise(L, lua_tostring(L, -1));
	} else if (ty == LUA_TTABLE) {
		len = (lua_Integer)lua_rawlen(L, -1);
		if (len > FIXTURE_MAX_LIST)
			luaL_error(L, "%s: more than %d entries", what,
			    FIXTURE_MAX_LIST);
		for (i = 1; i <= len; i++) {
			if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
				luaL_error(L, "%s[%d]: a string expected, got %s",
				    what, (int)i, luaL_typename(L, -1));
			v[(*n)++] = dup_or_raise(L, lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	} else if (ty != LUA_TNIL)
		luaL_error(L, "%s: a string or a list of strings expected, got %s",
		    what, lua_typename(L, ty));
	lua_pop(L, 1);
}

/* Raises unless every key of the table at t is one of names. */
static void
meta_known_keys(lua_State *L, int t, const char *what,
    const char *const *names)
{
	size_t i;

	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			luaL_error(L, "%s: a key that is not a name (%s)", what,
			    luaL_typename(L, -1));
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], lua_tostring(L, -1)) == 0)
				break;
		if (names[i] == NULL)
			luaL_error(L, "%s: unknown field \"%s\"", what,
			    lua_tostring(L, -1));
	}
}

static int
is_verdict(const char *s, int error_ok)
{
	return strcmp(s, "PASS") == 0 || strcmp(s, "FAIL") == 0 ||
	    strcmp(s, "INCONCLUSIVE") == 0 ||
	    (error_ok && strcmp(s, "ERROR") == 0);
}

/* Checks replies = { name = { entry, ... }, ... } for shape only. */
static void
meta_replies(lua_State *L, struct fixture *fx, int t)
{
	lua_Integer i, len;
	int ty = raw_field(L, t, "replies");

	if (ty == LUA_TNIL) {
		lua_pop(L, 1);
		return;
	}
	fx->has_replies = 1;
	if (ty != LUA_TTABLE)
		luaL_error(L, "replies: a table expected, got %s",
		    lua_typename(L, ty));
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "replies: keys are probe function names");
		if (lua_type(L, -1) != LUA_TTABLE)
			luaL_error(L, "replies.%s: a list of replies expected, got %s",
			    lua_tostring(L, -2), luaL_typename(L, -1));
		len = (lua_Integer)lua_rawlen(L, -1);
		for (i = 1; i <= len; i++) {
			ty = lua_rawgeti(L, -1, i);
			if (ty != LUA_TTABLE && ty != LUA_TFUNCTION)
				luaL_error(L, "replies.%s[%d]: a table of return "
				    "values or a function expected, got %s",
				    lua_tostring(L, -3), (int)i,
				    lua_typename(L, ty));
			if (ty == LUA_TTABLE) {
				static const char *const ok[] = { "args", "keep",
				    "n", NULL };
				lua_Integer k;

				/* Integer keys are the values; check the names. */
				lua_pushnil(L);
				while (lua_next(L, -2) != 0) {
					lua_pop(L, 1);
					if (lua_isinteger(L, -1) &&
					    (k = lua_tointeger(L, -1)) >= 1 &&
					    k <= 16)
						continue;
					if (lua_type(L, -1) != LUA_TSTRING)
						luaL_error(L, "replies.%s[%d]: keys "
						    "are 1..16, args, keep or n",
						    lua_tostring(L, -5), (int)i);
					for (k = 0; ok[k] != NULL; k++)
						if (strcmp(ok[k],
						    lua_tostring(L, -1)) == 0)
							break;
					if (ok[k] == NULL)
						luaL_error(L, "replies.%s[%d]: "
						    "unknown field \"%s\"",
						    lua_tostring(L, -5), (int)i,
						    lua_tostring(L, -1));
				}
				if (raw_field(L, lua_gettop(L), "args") !=
				    LUA_TNIL && !lua_istable(L, -1))
					luaL_error(L, "replies.%s[%d].args: a table "
					    "expected", lua_tostring(L, -4), (int)i);
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* lua_pcall'd with the fixture struct and the returned table. */
static int
meta_read(lua_State *L)
{
	static const char *const top[] = { "title", "testcase", "forms",
	    "patch", "judgement", "judgements", "replies", "expect", NULL };
	static const char *const exp[] = { "verdict", "reason", "units", NULL };
	static const char *const jud[] = { "unit", "verdict", "text", "by",
	    NULL };
	struct fixture *fx = lua_touserdata(L, 1);
	struct unit_judged *j;
	lua_Integer k, n;
	int t = 2, ty;

	if (!lua_istable(L, t))
		return luaL_error(L, "the fixture must return a table (got %s)",
		    luaL_typename(L, t));
	meta_known_keys(L, t, "fixture", top);
	if ((fx->testcase = meta_string(L, t, "testcase", "testcase")) == NULL)
		return luaL_error(L, "testcase: missing (the test case id)");
	fx->forms = meta_string(L, t, "forms", "forms");
	meta_strings(L, t, "patch", "patch", fx->patch, &fx->npatch);

	/*
	 * A judgement is the assessor's, per unit, applied over what the test
	 * case decided (run/review.h); a test case never sees one.
	 */
	if (raw_field(L, t, "judgement") != LUA_TNIL)
		return luaL_error(L, "judgement: replaced by judgements = { { "
		    "unit = \"a\", verdict = \"PASS\", text = \"...\" } } "
		    "(docs/fixtures.md)");
	lua_pop(L, 1);
	if ((ty = raw_field(L, t, "judgements")) == LUA_TTABLE) {
		n = (lua_Integer)lua_rawlen(L, 3);
		for (k = 1; k <= n; k++) {
			if (lua_rawgeti(L, 3, k) != LUA_TTABLE)
				return luaL_error(L, "judgements[%d]: a table "
				    "expected", (int)k);
			meta_known_keys(L, 4, "judgements[]", jud);
			if (fx->njudged == FIXTURE_MAX_LIST)
				return luaL_error(L, "judgements: too many");
			/* Counted first: fixture_clear() frees a half one. */
			j = &fx->judged[fx->njudged++];
			j->unit = meta_string(L, 4, "unit",
			    "judgements[].unit");
			j->verdict = meta_string(L, 4, "verdict",
			    "judgements[].verdict");
			j->text = meta_string(L, 4, "text",
			    "judgements[].text");
			j->by = meta_string(L, 4, "by", "judgements[].by");
			if (j->unit == NULL || strlen(j->unit) != 1 ||
			    j->unit[0] < 'a' || j->unit[0] > 'z')
				return luaL_error(L, "judgements[%d].unit: a "
				    "unit letter such as \"a\"", (int)k);
			if (j->verdict == NULL || !is_verdict(j->verdict, 0) ||
			    j->text == NULL || *j->text == '\0')
				return luaL_error(L, "judgements[%d]: needs "
				    "verdict (PASS, FAIL or INCONCLUSIVE) and "
				    "text", (int)k);
			lua_pop(L, 1);
		}
		lua_pushnil(L);
		while (lua_next(L, 3) != 0) {
			lua_pop(L, 1);
			if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
			    lua_tointeger(L, -1) > n)
				return luaL_error(L, "judgements: a list of "
				    "{ unit =, verdict =, text = [, by =] }");
		}
	} else if (ty != LUA_TNIL)
		return luaL_error(L, "judgements: a list expected");
	lua_pop(L, 1);

	meta_replies(L, fx, t);

	if ((ty = raw_field(L, t, "expect")) == LUA_TNIL && fx->recording) {
		lua_pop(L, 1);
		return 0;
	}
	if (ty != LUA_TTABLE)
		return luaL_error(L, "expect: missing (a table with verdict, "
		    "reason, units)");
	meta_known_keys(L, 3, "expect", exp);
	if ((fx->verdict = meta_string(L, 3, "verdict", "expect.verdict")) ==
	    NULL || !is_verdict(fx->verdict, 1))
		return luaL_error(L, "expect.verdict: PASS, FAIL, INCONCLUSIVE "
		    "or ERROR");
	meta_strings(L, 3, "reason", "expect.reason", fx->reason, &fx->nreason);
	if ((ty = raw_field(L, 3, "units")) == LUA_TTABLE) {
		lua_pushnil(L);
		while (lua_next(L, 4) != 0) {
			if (lua_type(L, -2) != LUA_TSTRING ||
			    lua_type(L, -1) != LUA_TSTRING ||
			    !is_verdict(lua_tostring(L, -1), 0))
				return luaL_error(L, "expect.units: letter = "
				    "\"PASS\"|\"FAIL\"|\"INCONCLUSIVE\"");
			if (fx->nunits == FIXTURE_MAX_LIST)
				return luaL_error(L, "expect.units: too many");
			/* Counted first: fixture_clear() frees a half-made one. */
			fx->nunits++;
			fx->units[fx->nunits - 1].letter = dup_or_raise(L,
			    lua_tostring(L, -2));
			fx->units[fx->nunits - 1].verdict = dup_or_raise(L,
			    lua_tostring(L, -1));
			lua_pop(L, 1);
		}
	} else if (ty != LUA_TNIL)
		return luaL_error(L, "expect.units: a table expected");
	lua_pop(L, 1);
	return 0;
}

/* Loads the fixture in sb and leaves the table it returns on the stack. */
static int
run_chunk(struct fixture *fx, struct assay_sandbox *sb, struct assay_diag *d)
{
	lua_State *L = assay_sandbox_state(sb);
	char name[300];
	int r;

	snprintf(name, sizeof(name), "@%s", fx->path);
	if ((r = assay_sandbox_load(sb, name, fx->src, fx->len)) != 0) {
		assay_diag_add(d, fx->path, 0, "%s", assay_sandbox_error(sb));
		return ASSAY_ERR_PARSE;
	}
	if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
		assay_diag_add(d, fx->path, 0, "%s", lua_tostring(L, -1));
		lua_pop(L, 1);
		return ASSAY_ERR_PARSE;
	}
	return 0;
}

static int
read_meta(struct fixture *fx, struct assay_diag *d)
{
	struct assay_sandbox_limits lim = { 16u * 1024 * 1024, 10000000, 10000 };
	struct assay_sandbox *sb = NULL;
	lua_State *L;
	int r;

	if ((r = assay_sandbox_new(&lim, &sb)) != 0)
		return r;
	L = assay_sandbox_state(sb);
	if ((r = run_chunk(fx, sb, d)) != 0)
		goto out;
	lua_pushcfunction(L, meta_read);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, fx);
	lua_insert(L, -2);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		assay_diag_add(d, fx->path, 0, "%s", lua_tostring(L, -1));
		r = ASSAY_ERR_PARSE;
	}
 out:
	assay_sandbox_free(sb);
	return r;
}

/* --- step 2: forms with patches -------------------------------------- */

struct docs {
	xmlDoc	*doc[3];	/* ics, ixit, setup */
};

static int
is_el(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static int
attr_is(xmlNode *n, const char *attr, const char *value)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	int eq = v != NULL && strcmp((const char *)v, value) == 0;

	xmlFree(v);
	return eq;
}

/* First element named name (with attr=value when attr is set), depth first. */
static xmlNode *
find_el(xmlNode *n, const char *name, const char *attr, const char *value)
{
	xmlNode *hit;

	for (; n != NULL; n = n->next) {
		if (is_el(n, name) && (attr == NULL || attr_is(n, attr, value)))
			return n;
		if (n->type == XML_ELEMENT_NODE &&
		    (hit = find_el(n->children, name, attr, value)) != NULL)
			return hit;
	}
	return NULL;
}

static xmlNode *
root_of(struct docs *x, int which)
{
	return xmlDocGetRootElement(x->doc[which]);
}

static void
remove_node(xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

static void
set_text(xmlNode *n, const char *text)
{
	while (n->children != NULL)
		remove_node(n->children);
	xmlAddChild(n, xmlNewDocText(n->doc, (const xmlChar *)text));
}

static xmlNode *
new_child_el(xmlNode *parent, const char *name)
{
	return xmlNewDocNode(parent->doc, parent->ns, (const xmlChar *)name,
	    NULL);
}

/* ITEM/ENTRY -> the entry element (and its item). */
static xmlNode *
find_entry(struct docs *x, const char *ref, xmlNode **item, const char *where,
    struct assay_diag *d)
{
	char buf[256];
	char *slash;
	xmlNode *it, *e;

	if (snprintf(buf, sizeof(buf), "%s", ref) >= (int)sizeof(buf) ||
	    (slash = strchr(buf, '/')) == NULL) {
		assay_diag_add(d, where, 0, "expected ITEM/ENTRY, got \"%.60s\"",
		    ref);
		return NULL;
	}
	*slash = '\0';
	if ((it = find_el(root_of(x, 1), "item", "id", buf)) == NULL) {
		assay_diag_add(d, where, 0, "no item %s", buf);
		return NULL;
	}
	for (e = it->children; e != NULL; e = e->next)
		if (is_el(e, "entry") && attr_is(e, "id", slash + 1))
			break;
	if (e == NULL) {
		assay_diag_add(d, where, 0, "no entry %s in %s", slash + 1, buf);
		return NULL;
	}
	if (item != NULL)
		*item = it;
	return e;
}

/* Parses an XML fragment in form `which`'s namespace; a copy for doc. */
static xmlNode *
fragment(struct docs *x, int which, const char *xml, const char *where,
    struct assay_diag *d)
{
	xmlNode *root = root_of(x, which), *el, *copy = NULL;
	const char *ns = root->ns != NULL ? (const char *)root->ns->href : "";
	xmlDoc *fd;
	char *wrap;

	if (asprintf(&wrap, "<wrap xmlns=\"%s\">%s</wrap>", ns, xml) < 0)
		return NULL;
	fd = xmlReadMemory(wrap, (int)strlen(wrap), "fragment", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(wrap);
	if (fd == NULL || fd->intSubset != NULL) {
		assay_diag_add(d, where, 0, "bad XML fragment");
		xmlFreeDoc(fd);
		return NULL;
	}
	for (el = xmlDocGetRootElement(fd)->children; el != NULL; el = el->next)
		if (el->type == XML_ELEMENT_NODE)
			break;
	if (el == NULL)
		assay_diag_add(d, where, 0, "bad XML fragment: no element");
	else if ((copy = xmlDocCopyNode(el, x->doc[which], 1)) == NULL)
		assay_diag_add(d, where, 0, "out of memory");
	xmlFreeDoc(fd);
	return copy;
}

/* "name=value" -> name, value (split in place). */
static int
split_eq(char *s, char **name, char **value)
{
	char *eq = strchr(s, '=');

	if (eq == NULL || eq == s)
		return -1;
	*eq = '\0';
	*name = s;
	*value = eq + 1;
	return 0;
}

static int
patch_fact(struct docs *x, char *rest, const char *where, struct assay_diag *d)
{
	char *sp = strchr(rest, ' '), *name, *value;
	xmlNode *e, *facts;

	if (sp == NULL || split_eq(sp + 1, &name, &value) != 0) {
		assay_diag_add(d, where, 0, "fact ITEM/ENTRY name=value");
		return ASSAY_ERR_PARSE;
	}
	*sp = '\0';
	if ((e = find_entry(x, rest, NULL, where, d)) == NULL)
		return ASSAY_ERR_NOT_FOUND;
	for (facts = e->children; facts != NULL && !is_el(facts, "facts");
	    facts = facts->next)
		;
	if (facts == NULL) {
		if ((facts = new_child_el(e, "facts")) == NULL)
			return ASSAY_ERR_ALLOC;
		if (e->children != NULL)
			xmlAddPrevSibling(e->children, facts);
		else
			xmlAddChild(e, facts);
	}
	if (*value == '\0')
		xmlUnsetProp(facts, (const xmlChar *)name);
	else
		xmlSetProp(facts, (const xmlChar *)name, (const xmlChar *)value);
	return 0;
}

static int
patch_field(struct docs *x, char *rest, const char *where, struct assay_diag *d)
{
	char *sp = strchr(rest, ' '), *name, *q, *value;
	xmlNode *e, *f, *hit = NULL, *after = NULL;
	xmlChar *fn;

	if (sp == NULL)
		goto bad;
	*sp++ = '\0';
	while (*sp == ' ')
		sp++;
	if (*sp != '"' || (q = strchr(sp + 1, '"')) == NULL || q == sp + 1)
		goto bad;
	name = sp + 1;
	*q++ = '\0';
	while (*q == ' ')
		q++;
	if (*q != '=')
		goto bad;
	value = q + 1;
	if (*value == ' ')
		value++;
	if ((e = find_entry(x, rest, NULL, where, d)) == NULL)
		return ASSAY_ERR_NOT_FOUND;
	for (f = e->children; f != NULL; f = f->next) {
		if (is_el(f, "facts"))
			after = f;
		if (!is_el(f, "field"))
			continue;
		fn = xmlGetProp(f, (const xmlChar *)"name");
		if (fn != NULL && strcasecmp((const char *)fn, name) == 0)
			hit = f;
		xmlFree(fn);
	}
	if (strcmp(value, "-") == 0) {
		if (hit != NULL)
			remove_node(hit);
		return 0;
	}
	if (hit == NULL) {
		if ((hit = new_child_el(e, "field")) == NULL)
			return ASSAY_ERR_ALLOC;
		xmlSetProp(hit, (const xmlChar *)"name", (const xmlChar *)name);
		if (after != NULL)
			xmlAddNextSibling(after, hit);
		else if (e->children != NULL)
			xmlAddPrevSibling(e->children, hit);
		else
			xmlAddChild(e, hit);
	}
	set_text(hit, value);
	return 0;
 bad:
	assay_diag_add(d, where, 0, "field ITEM/ENTRY \"Name\" = text");
	return ASSAY_ERR_PARSE;
}

/* service/credential/provision/condition by attribute, in form `which`. */
static xmlNode *
find_by(struct docs *x, int which, const char *el, const char *attr,
    const char *value, const char *where, struct assay_diag *d)
{
	xmlNode *n = find_el(root_of(x, which), el, attr, value);

	if (n == NULL)
		assay_diag_add(d, where, 0, "no %s %s", el, value);
	return n;
}

static int
patch_one(struct docs *x, const char *line, const char *where,
    struct assay_diag *d)
{
	char *buf, *op, *rest, *sp, *name, *value;
	xmlNode *n, *m, *item;
	int r = 0;

	if ((buf = strdup(line)) == NULL)
		return ASSAY_ERR_ALLOC;
	op = buf;
	if ((sp = strchr(buf, ' ')) != NULL) {
		*sp = '\0';
		rest = sp + 1;
	} else
		rest = buf + strlen(buf);

	if (strcmp(op, "fact") == 0)
		r = patch_fact(x, rest, where, d);
	else if (strcmp(op, "field") == 0)
		r = patch_field(x, rest, where, d);
	else if (strcmp(op, "nofacts") == 0 || strcmp(op, "drop") == 0) {
		if ((n = find_entry(x, rest, &item, where, d)) == NULL)
			r = ASSAY_ERR_NOT_FOUND;
		else if (strcmp(op, "drop") == 0)
			remove_node(n);
		else
			for (n = n->children; n != NULL; n = m) {
				m = n->next;
				if (is_el(n, "facts"))
					remove_node(n);
			}
	} else if (strcmp(op, "clear") == 0) {
		if ((n = find_by(x, 1, "item", "id", rest, where, d)) == NULL)
			r = ASSAY_ERR_NOT_FOUND;
		else
			while (n->children != NULL)
				remove_node(n->children);
	} else if (strcmp(op, "add") == 0) {
		if ((sp = strchr(rest, ' ')) == NULL) {
			assay_diag_add(d, where, 0, "add ITEM <entry ...>");
			r = ASSAY_ERR_PARSE;
		} else {
			*sp = '\0';
			if ((n = find_by(x, 1, "item", "id", rest, where, d)) == NULL)
				r = ASSAY_ERR_NOT_FOUND;
			else if ((m = fragment(x, 1, sp + 1, where, d)) == NULL)
				r = ASSAY_ERR_PARSE;
			else
				xmlAddChild(n, m);
		}
	} else if (strcmp(op, "service") == 0) {
		if ((n = find_by(x, 1, "services", NULL, "", where, d)) == NULL)
			r = ASSAY_ERR_NOT_FOUND;
		else if ((m = fragment(x, 1, rest, where, d)) == NULL)
			r = ASSAY_ERR_PARSE;
		else
			xmlAddChild(n, m);
	} else if (strcmp(op, "drop-service") == 0) {
		if ((n = find_by(x, 1, "service", "id", rest, where, d)) == NULL)
			r = ASSAY_ERR_NOT_FOUND;
		else
			remove_node(n);
	} else if (strcmp(op, "set-service") == 0 ||
	    strcmp(op, "credential") == 0) {
		int svc = op[0] == 's';

		if ((sp = strchr(rest, ' ')) == NULL ||
		    split_eq(sp + 1, &name, &value) != 0) {
			assay_diag_add(d, where, 0, "%s ID attr=value", op);
			r = ASSAY_ERR_PARSE;
		} else {
			*sp = '\0';
			if ((n = find_by(x, svc ? 1 : 2, svc ? "service" :
			    "credential", "id", rest, where, d)) == NULL)
				r = ASSAY_ERR_NOT_FOUND;
			else if (!svc && (strcmp(name, "username") == 0 ||
			    strcmp(name, "password") == 0)) {
				if ((m = find_el(n->children, name, NULL,
				    NULL)) == NULL) {
					if ((m = new_child_el(n, name)) == NULL) {
						r = ASSAY_ERR_ALLOC;
						goto out;
					}
					xmlAddChild(n, m);
				}
				set_text(m, value);
			} else
				xmlSetProp(n, (const xmlChar *)name,
				    (const xmlChar *)value);
		}
	} else if (strcmp(op, "condition") == 0) {
		if ((sp = strchr(rest, ' ')) == NULL || (strcmp(sp + 1, "true") != 0 &&
		    strcmp(sp + 1, "false") != 0)) {
			assay_diag_add(d, where, 0, "condition N true|false");
			r = ASSAY_ERR_PARSE;
		} else {
			*sp = '\0';
			if ((n = find_by(x, 0, "condition", "number", rest, where,
			    d)) == NULL)
				r = ASSAY_ERR_NOT_FOUND;
			else
				xmlSetProp(n, (const xmlChar *)"holds",
				    (const xmlChar *)(sp + 1));
		}
	} else if (strcmp(op, "support") == 0) {
		char *sup, *detail;

		if ((sp = strchr(rest, ' ')) == NULL) {
			assay_diag_add(d, where, 0, "support PROV Y|N|N/A detail");
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		*sp = '\0';
		sup = sp + 1;
		if ((detail = strchr(sup, ' ')) != NULL)
			*detail++ = '\0';
		else
			detail = sup + strlen(sup);
		if ((n = find_by(x, 0, "provision", "id", rest, where, d)) == NULL) {
			r = ASSAY_ERR_NOT_FOUND;
			goto out;
		}
		xmlSetProp(n, (const xmlChar *)"support", (const xmlChar *)sup);
		if ((m = find_el(n->children, "detail", NULL, NULL)) == NULL &&
		    *detail != '\0') {
			if ((m = new_child_el(n, "detail")) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			xmlAddChild(n, m);
		}
		if (m != NULL && *detail == '\0')
			remove_node(m);
		else if (m != NULL)
			set_text(m, detail);
	} else if (strcmp(op, "drop-credentials") == 0) {
		if ((n = find_el(root_of(x, 2), "credentials", NULL, NULL)) != NULL)
			remove_node(n);
	} else {
		assay_diag_add(d, where, 0, "unknown patch \"%.40s\"", op);
		r = ASSAY_ERR_PARSE;
	}
 out:
	free(buf);
	return r;
}

int
assay_fixture_patch_dir(const char *src_dir, const char *out_dir,
    const char *const *lines, size_t nlines, const char *where,
    struct assay_diag *d)
{
	struct docs x;
	char path[4200];
	size_t i;
	int k, r = 0;

	memset(&x, 0, sizeof(x));
	for (k = 0; k < 3; k++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.xml", src_dir,
		    form_names[k]) >= sizeof(path)) {
			r = ASSAY_ERR_TOO_BIG;
			goto out;
		}
		x.doc[k] = xmlReadFile(path, NULL, XML_PARSE_NONET |
		    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (x.doc[k] == NULL || x.doc[k]->intSubset != NULL ||
		    xmlDocGetRootElement(x.doc[k]) == NULL) {
			assay_diag_add(d, path, 0, "cannot read the base form "
			    "(missing, not XML or with a DOCTYPE)");
			r = ASSAY_ERR_NOT_FOUND;
			goto out;
		}
	}
	for (i = 0; i < nlines; i++)
		if ((r = patch_one(&x, lines[i], where, d)) != 0)
			goto out;
	for (k = 0; k < 3; k++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s.xml", out_dir,
		    form_names[k]) >= sizeof(path)) {
			r = ASSAY_ERR_TOO_BIG;
			goto out;
		}
		if (xmlSaveFileEnc(path, x.doc[k], "UTF-8") < 0) {
			assay_diag_add(d, path, 0, "cannot write: %s",
			    strerror(errno));
			r = ASSAY_ERR_IO;
			goto out;
		}
	}
 out:
	for (k = 0; k < 3; k++)
		xmlFreeDoc(x.doc[k]);
	return r;
}

/*
 * The set-up file names lab files relative to its own directory
 * (<client-side> certificates and releases, <artefacts>): the patched
 * copy sees the base's other entries through symlinks of the same name
 * in the temporary directory.  link != 0 makes them, 0 removes them.
 */
static int
link_base_files(const char *src, const char *tmp, int link)
{
	DIR *dir;
	struct dirent *de;
	char from[4400], to[4400], abs[4200];
	int k, r = 0;

	if (realpath(src, abs) == NULL || (dir = opendir(abs)) == NULL)
		return link ? ASSAY_ERR_IO : 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		for (k = 0; k < 3; k++)
			if (strncmp(de->d_name, form_names[k],
			    strlen(form_names[k])) == 0 &&
			    strcmp(de->d_name + strlen(form_names[k]), ".xml") == 0)
				break;
		if (k < 3)
			continue;
		if ((size_t)snprintf(from, sizeof(from), "%s/%s", abs,
		    de->d_name) >= sizeof(from) || (size_t)snprintf(to,
		    sizeof(to), "%s/%s", tmp, de->d_name) >= sizeof(to)) {
			r = ASSAY_ERR_TOO_BIG;
			continue;
		}
		if (!link)
			unlink(to);
		else if (symlink(from, to) != 0)
			r = ASSAY_ERR_IO;
	}
	closedir(dir);
	return r;
}

/* --- step 3: the scripted assay.net ---------------------------------- */

static const char replies_key = 'r';	/* registry: the fixture's replies */
static const char used_key = 'u';	/* registry: name -> { [i] = true } */

/*
 * The assay.net functions that talk to no device (decided from their
 * bindings in harness/probe/): `url` only builds a string with curl's URL
 * parser (http.c, l_url), `credential_list` only reads a list of
 * testcases/data with the parser try_credentials uses (cred.c,
 * l_credential_list).  Their result depends on the arguments and the
 * installation alone, so the runner and the recorder leave them to the
 * real implementation: never scripted, never recorded, never counted as
 * an unexpected call.  A reply for one of them is a malformed fixture.
 * Every other assay.net function opens a connection; a new probe that
 * talks to no device belongs here.
 */
static const char *const device_free[] = { "url", "credential_list", NULL };

/*
 * The client-side probes of issue 13 (docs/clientside.md).  A build whose
 * bindings lack one still gets its stub, so that the catalogue's
 * client-side test cases can be held to their fixtures while the probes
 * are written; where the binding exists its stub replaces it as for any
 * other probe.  A test case of such a build sees no function in a real
 * run (lib.probe: "probe not yet available").
 */
static const char *const client_side[] = { "intercept", "update_serve",
    "observe", "outage", NULL };

static int
is_device_free(const char *name)
{
	size_t i;

	for (i = 0; device_free[i] != NULL; i++)
		if (strcmp(device_free[i], name) == 0)
			return 1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends a short, readable form of v to buf (secrets masked). */
static void
describe_value(lua_State *L, int v, char *buf, size_t len, int depth)
{
	const char *keys[32];
	size_t n = strlen(buf), nl, nk, i;
	int first = 1;

	if (n + 8 >= len)
		return;
	switch (lua_type(L, v)) {
	case LUA_TSTRING:
		snprintf(buf + n, len - n, "\"%.60s\"", lua_tostring(L, v));
		break;
	case LUA_TNUMBER:
		if (lua_isinteger(L, v))
			snprintf(buf + n, len - n, "%lld",
			    (long long)lua_tointeger(L, v));
		else
			snprintf(buf + n, len - n, "%g", lua_tonumber(L, v));
		break;
	case LUA_TBOOLEAN:
		snprintf(buf + n, len - n, "%s", lua_toboolean(L, v) ?
		    "true" : "false");
		break;
	case LUA_TTABLE:
		if (depth > 1) {
			snprintf(buf + n, len - n, "{...}");
			break;
		}
		/* The list part in order, then the names sorted, so that
		 * the message is the same on every run (lua_next's order is
		 * the hash table's). */
		snprintf(buf + n, len - n, "{");
		nl = lua_rawlen(L, v);
		for (i = 1; i <= nl; i++) {
			n = strlen(buf);
			snprintf(buf + n, len - n, "%s", first ? "" : ", ");
			first = 0;
			lua_rawgeti(L, v, (lua_Integer)i);
			describe_value(L, lua_gettop(L), buf, len, depth + 1);
			lua_pop(L, 1);
		}
		nk = 0;
		lua_pushnil(L);
		while (lua_next(L, v) != 0) {
			lua_pop(L, 1);
			if (lua_type(L, -1) == LUA_TSTRING &&
			    nk < sizeof(keys) / sizeof(keys[0]))
				keys[nk++] = lua_tostring(L, -1);
		}
		/* The key strings stay alive: they are keys of the table. */
		qsort(keys, nk, sizeof(keys[0]), cmp_str);
		for (i = 0; i < nk; i++) {
			n = strlen(buf);
			snprintf(buf + n, len - n, "%s%s=", first ? "" : ", ",
			    keys[i]);
			first = 0;
			if (strcmp(keys[i], "password") == 0 ||
			    strcmp(keys[i], "pass") == 0 ||
			    strcmp(keys[i], "psk_key") == 0) {
				snprintf(buf + strlen(buf), len - strlen(buf),
				    "***");
				continue;
			}
			lua_pushstring(L, keys[i]);
			lua_rawget(L, v);
			describe_value(L, lua_gettop(L), buf, len, depth + 1);
			lua_pop(L, 1);
		}
		n = strlen(buf);
		snprintf(buf + n, len - n, "}");
		break;
	default:
		snprintf(buf + n, len - n, "%s", luaL_typename(L, v));
		break;
	}
}

static void
describe_args(lua_State *L, int nargs, char *buf, size_t len)
{
	int i;

	buf[0] = '\0';
	for (i = 1; i <= nargs; i++) {
		if (i > 1 && strlen(buf) + 2 < len)
			strcat(buf, ", ");
		describe_value(L, i, buf, len, 0);
	}
}

/*
 * Pushes what a call's arguments say for key k: for a name, the field of
 * the call's options table (every assay.net probe takes one table,
 * docs/probes.md; the stub refuses any other call), so
 * `args = { port = 22 }` matches f{host = h, port = 22}; for an integer,
 * that argument.
 */
static void
arg_view(lua_State *L, int nargs, int k)
{
	int i;

	if (lua_isinteger(L, k)) {
		lua_Integer a = lua_tointeger(L, k);

		if (a >= 1 && a <= nargs)
			lua_pushvalue(L, (int)a);
		else
			lua_pushnil(L);
		return;
	}
	if (lua_type(L, k) != LUA_TSTRING) {
		lua_pushnil(L);
		return;
	}
	for (i = 1; i <= nargs; i++) {
		if (!lua_istable(L, i))
			continue;
		lua_pushvalue(L, k);
		if (lua_rawget(L, i) != LUA_TNIL)
			return;
		lua_pop(L, 1);
	}
	lua_pushnil(L);
}

/* Whether the table at idx (an entry's args) matches the call. */
static int
args_match(lua_State *L, struct fixture *fx, int nargs, int idx)
{
	int ok = 1;

	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_istable(L, -1) || lua_isfunction(L, -1)) {
			if (fx->bad == NULL)
				fx->bad = strdup("replies: args values must be "
				    "strings, numbers or booleans");
			ok = 0;
		} else {
			arg_view(L, nargs, lua_gettop(L) - 1);
			if (!lua_rawequal(L, -1, -2))
				ok = 0;
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		if (!ok) {
			lua_pop(L, 1);
			break;
		}
	}
	return ok;
}

/*
 * An assay.net function of the fixture: the first reply for this name
 * not used yet (or marked keep) whose args match the call.  A table
 * returns its values 1..n (n: its field n, else the largest of 1..16
 * present); a function is called with the call's arguments for every
 * call that reaches it (it keeps its own state, as a device would).
 */
static int
stub(lua_State *L)
{
	struct fixture *fx = lua_touserdata(L, lua_upvalueindex(1));
	const char *name = lua_tostring(L, lua_upvalueindex(2));
	char args[DESCRIBE_MAX], msg[DESCRIBE_MAX + 200];
	int nargs = lua_gettop(L), list, used, entry = 0, i, len, n, k, ty;

	/*
	 * The call style of the real bindings (assay_lua_opts in
	 * harness/probe/lua.c), with its messages: one table of options with
	 * string keys, else the test case raises as it would on a device.
	 * Which option names a probe knows only the real binding says; a
	 * misspelt option shows in a recording or a run, not here.
	 */
	if (lua_type(L, 1) != LUA_TTABLE)
		return luaL_error(L, "%s: a table of options expected (%s{...}), "
		    "got %s", name, name, luaL_typename(L, 1));
	if (nargs > 1)
		return luaL_error(L, "%s: takes one table of options, got %d "
		    "arguments", name, nargs);
	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			return luaL_error(L, "%s: option names must be strings "
			    "(got a %s key)", name, luaL_typename(L, -1));
	}

	lua_rawgetp(L, LUA_REGISTRYINDEX, &replies_key);
	lua_getfield(L, -1, name);
	list = lua_gettop(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &used_key);
	if (lua_getfield(L, -1, name) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, name);
	}
	used = lua_gettop(L);
	len = lua_istable(L, list) ? (int)lua_rawlen(L, list) : 0;
	for (i = 1; i <= len; i++) {
		int keep;

		ty = lua_rawgeti(L, list, i);
		entry = lua_gettop(L);
		if (ty == LUA_TFUNCTION)
			break;		/* a script of replies: never used up */
		lua_getfield(L, entry, "keep");
		keep = lua_toboolean(L, -1);
		lua_pop(L, 1);
		lua_rawgeti(L, used, i);
		if (!keep && !lua_isnil(L, -1)) {
			lua_settop(L, used);
			continue;
		}
		lua_pop(L, 1);
		if (lua_getfield(L, entry, "args") == LUA_TTABLE &&
		    !args_match(L, fx, nargs, lua_gettop(L))) {
			lua_settop(L, used);
			continue;
		}
		lua_pop(L, 1);
		break;
	}
	if (i > len) {
		describe_args(L, nargs, args, sizeof(args));
		snprintf(msg, sizeof(msg), "unexpected call assay.net.%s(%s): %s",
		    name, args, len == 0 ? "the fixture has no replies for it" :
		    "none of its replies is left for these arguments");
		if (fx->unexpected == NULL)
			fx->unexpected = strdup(msg);
		return luaL_error(L, "%s", msg);
	}
	lua_settop(L, entry);
	lua_pushboolean(L, 1);
	lua_rawseti(L, used, i);
	if (lua_isfunction(L, entry)) {
		for (k = 1; k <= nargs; k++)
			lua_pushvalue(L, k);
		lua_call(L, nargs, LUA_MULTRET);
		return lua_gettop(L) - entry + 1;
	}
	if (lua_getfield(L, entry, "n") == LUA_TNUMBER)
		n = (int)lua_tointeger(L, -1);
	else
		for (n = 0, k = 1; k <= 16; k++) {
			if (lua_rawgeti(L, entry, k) != LUA_TNIL)
				n = k;
			lua_pop(L, 1);
		}
	lua_pop(L, 1);
	if (n < 0 || n > 16)
		n = 0;
	luaL_checkstack(L, n, "replies");
	for (k = 1; k <= n; k++)
		lua_rawgeti(L, entry, k);
	return n;
}

/* api.c's net hook: every assay.net function becomes a stub. */
static void
install_stubs(struct lua_State *L, void *arg)
{
	struct fixture *fx = arg;
	int net = lua_gettop(L);
	char msg[200];
	size_t i;

	lua_pushnil(L);
	while (lua_next(L, net) != 0) {
		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING ||
		    is_device_free(lua_tostring(L, -1)))
			continue;	/* the real one runs */
		lua_pushvalue(L, -1);
		lua_pushlightuserdata(L, fx);
		lua_pushvalue(L, -2);
		lua_pushcclosure(L, stub, 2);
		lua_rawset(L, net);
	}
	for (i = 0; client_side[i] != NULL; i++) {
		if (lua_getfield(L, net, client_side[i]) != LUA_TNIL) {
			lua_pop(L, 1);
			continue;	/* stubbed above */
		}
		lua_pop(L, 1);
		lua_pushlightuserdata(L, fx);
		lua_pushstring(L, client_side[i]);
		lua_pushcclosure(L, stub, 2);
		lua_setfield(L, net, client_side[i]);
	}
	/* A reply for a function that does not exist is a typo. */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &replies_key);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		lua_pop(L, 1);
		if (fx->bad == NULL && lua_type(L, -1) == LUA_TSTRING &&
		    is_device_free(lua_tostring(L, -1))) {
			snprintf(msg, sizeof(msg), "replies.%.60s: assay.net.%.60s "
			    "talks to no device; the real one runs, it takes no "
			    "replies", lua_tostring(L, -1), lua_tostring(L, -1));
			fx->bad = strdup(msg);
		}
		lua_pushvalue(L, -1);
		if (lua_rawget(L, net) == LUA_TNIL && fx->bad == NULL) {
			snprintf(msg, sizeof(msg), "replies.%.60s: assay.net has "
			    "no such probe function", lua_tostring(L, -2));
			fx->bad = strdup(msg);
		}
		lua_pop(L, 1);
	}
	lua_settop(L, net);
}

/* lua_pcall'd with the fixture table: keeps its replies in the registry. */
static int
stash_replies(lua_State *L)
{
	if (raw_field(L, 1, "replies") != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	lua_rawsetp(L, LUA_REGISTRYINDEX, &replies_key);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &used_key);
	return 0;
}

/* lua_pcall'd: each table reply never used goes to d as a difference. */
static int
find_unused(lua_State *L)
{
	struct fixture *fx = lua_touserdata(L, 1);
	struct assay_diag *d = lua_touserdata(L, 2);
	int i, len, bad = 0;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &replies_key);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &used_key);
	lua_pushnil(L);
	while (lua_next(L, 3) != 0) {
		len = (int)lua_rawlen(L, -1);
		lua_pushvalue(L, -2);
		lua_rawget(L, 4);
		for (i = 1; i <= len; i++) {
			int was_used = 0;

			if (lua_istable(L, -1)) {
				was_used = lua_rawgeti(L, -1, i) != LUA_TNIL;
				lua_pop(L, 1);
			}
			if (was_used)
				continue;
			assay_diag_add(d, fx->path, 0, "replies.%s[%d] was never "
			    "asked for: the test case made fewer calls than the "
			    "fixture scripts", lua_tostring(L, -3), i);
			bad++;
		}
		lua_pop(L, 2);
	}
	lua_pushinteger(L, bad);
	return 1;
}

/* --- recording -------------------------------------------------------- */

static const char rec_key = 'c';	/* registry: name -> { entry, ... } */
/* Field of a recorded entry whose route held a secret; not written. */
static const char route_dropped[] = "route_dropped";

/* The arguments a recorded reply is routed by (never credentials). */
static const char *const route_keys[] = { "port", "ports", "url", "list",
    "subscribe", "service", "kind", "tls", NULL };

/* Whether p[0..len) contains one of the forms' secrets. */
static int
has_secret(const struct assay_forms *f, const char *p, size_t len)
{
	size_t i, k, sl, n = f != NULL ? assay_forms_nsecrets(f) : 0;
	const char *sec;

	for (k = 0; k < n; k++) {
		sec = assay_forms_secret(f, k);
		sl = sec != NULL ? strlen(sec) : 0;
		if (sl == 0 || sl > len)
			continue;
		for (i = 0; i + sl <= len; i++)
			if (memcmp(p + i, sec, sl) == 0)
				return 1;
	}
	return 0;
}

/*
 * assay.net wrapper in record mode: calls the real probe (upvalue 3) and
 * appends { values..., n = count, args = route } to the registry's list
 * for the name.  What the probe raises passes through unrecorded.
 */
static int
recorder(lua_State *L)
{
	struct fixture *fx = lua_touserdata(L, lua_upvalueindex(1));
	const char *name = lua_tostring(L, lua_upvalueindex(2));
	const char *s;
	int nargs = lua_gettop(L), nret, k, secret = 0;
	size_t len;

	lua_pushvalue(L, lua_upvalueindex(3));
	for (k = 1; k <= nargs; k++)
		lua_pushvalue(L, k);
	lua_call(L, nargs, LUA_MULTRET);
	nret = lua_gettop(L) - nargs;
	lua_createtable(L, nret, 2);
	for (k = 0; k < nret; k++) {
		lua_pushvalue(L, nargs + 1 + k);
		lua_rawseti(L, -2, k + 1);
	}
	lua_pushinteger(L, nret);
	lua_setfield(L, -2, "n");
	/*
	 * The routing args are written as they are, so that they match on
	 * replay.  One that contains a secret of the forms (a URL whose path
	 * is also a password: the weak persona's "admin" and /admin/) can
	 * be neither written in clear nor masked (a masked URL matches no
	 * call), so the reply keeps no route at all: it is taken by the
	 * next call of its name, in call order, which is how the test case
	 * asks on replay.  write_replies says so in a comment.
	 */
	lua_newtable(L);
	for (k = 0; route_keys[k] != NULL; k++) {
		lua_pushstring(L, route_keys[k]);
		arg_view(L, nargs, lua_gettop(L));
		if (lua_type(L, -1) == LUA_TSTRING) {
			s = lua_tolstring(L, -1, &len);
			if (has_secret(fx->secrets, s, len))
				secret = 1;
		}
		if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER ||
		    lua_type(L, -1) == LUA_TBOOLEAN)
			lua_rawset(L, -3);
		else
			lua_pop(L, 2);
	}
	lua_pushnil(L);
	if (secret) {
		lua_pop(L, 2);
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, route_dropped);
	} else if (lua_next(L, -2) != 0) {
		lua_pop(L, 2);
		lua_setfield(L, -2, "args");
	} else
		lua_pop(L, 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &rec_key);
	if (lua_getfield(L, -1, name) == LUA_TNIL) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, name);
	}
	len = lua_rawlen(L, -1);
	lua_pushvalue(L, -3);
	lua_rawseti(L, -2, (lua_Integer)len + 1);
	lua_pop(L, 3);
	return nret;
}

/* api.c's net hook in record mode: every assay.net function is wrapped. */
static void
install_recorders(struct lua_State *L, void *arg)
{
	int net = lua_gettop(L);

	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &rec_key);
	lua_pushnil(L);
	while (lua_next(L, net) != 0) {
		if (lua_type(L, -2) != LUA_TSTRING || !lua_isfunction(L, -1) ||
		    is_device_free(lua_tostring(L, -2))) {
			lua_pop(L, 1);	/* not recorded: the real one runs */
			continue;
		}
		/* stack: name, fn */
		lua_pushlightuserdata(L, arg);
		lua_pushvalue(L, -3);
		lua_pushvalue(L, -3);
		lua_pushcclosure(L, recorder, 3);	/* name, fn, wrapper */
		lua_pushvalue(L, -3);
		lua_insert(L, -2);			/* name, fn, name, wrapper */
		lua_rawset(L, net);			/* name, fn */
		lua_pop(L, 1);
	}
	lua_settop(L, net);
}

/*
 * A string as a Lua literal (quote set) or as comment text, the forms'
 * secrets replaced by "<secret>" (f may be NULL: nothing to mask).
 */
static void
write_text(FILE *fp, const struct assay_forms *f, const char *p, size_t len,
    int quote)
{
	size_t i, k, sl, n = f != NULL ? assay_forms_nsecrets(f) : 0;
	const char *sec;

	if (quote)
		fputc('"', fp);
	for (i = 0; i < len; i++) {
		for (k = 0, sl = 0; k < n; k++) {
			sec = assay_forms_secret(f, k);
			sl = sec != NULL ? strlen(sec) : 0;
			if (sl > 0 && sl <= len - i && memcmp(p + i, sec, sl) == 0)
				break;
		}
		if (k < n) {
			fputs("<secret>", fp);
			i += sl - 1;
		} else if (!quote)
			fputc((unsigned char)p[i] < 0x20 ? ' ' : p[i], fp);
		else if (p[i] == '"' || p[i] == '\\')
			fprintf(fp, "\\%c", p[i]);
		else if (p[i] == '\n')
			fputs("\\n", fp);
		else if ((unsigned char)p[i] >= 0x20 && (unsigned char)p[i] < 0x7f)
			fputc(p[i], fp);
		else
			fprintf(fp, "\\%03u", (unsigned)(unsigned char)p[i]);
	}
	if (quote)
		fputc('"', fp);
}

static void
write_string(FILE *fp, const struct assay_forms *f, const char *p, size_t len)
{
	write_text(fp, f, p, len, 1);
}

static int
is_name(const char *s)
{
	static const char *const reserved[] = { "and", "break", "do", "else",
	    "elseif", "end", "false", "for", "function", "goto", "if", "in",
	    "local", "nil", "not", "or", "repeat", "return", "then", "true",
	    "until", "while", NULL };
	const char *p;
	size_t i;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	for (i = 0; reserved[i] != NULL; i++)
		if (strcmp(s, reserved[i]) == 0)
			return 0;
	return 1;
}

/* The value at idx as a Lua expression (tables nested at most 16 deep). */
static void
write_value(FILE *fp, lua_State *L, int idx, const struct assay_forms *f,
    int depth)
{
	const char *s;
	size_t len, i, n;
	double x;
	int first = 1;

	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		fputs(lua_toboolean(L, idx) ? "true" : "false", fp);
		return;
	case LUA_TNUMBER:
		x = lua_tonumber(L, idx);
		if (lua_isinteger(L, idx))
			fprintf(fp, "%lld", (long long)lua_tointeger(L, idx));
		else if (isnan(x))
			fputs("0/0", fp);
		else if (x > 1e308 || x < -1e308)
			fputs(x > 0 ? "1/0" : "-1/0", fp);
		else
			fprintf(fp, "%.17g", x);
		return;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		write_string(fp, f, s, len);
		return;
	case LUA_TTABLE:
		if (depth >= 16) {
			fputs("nil --[[nested too deep]]", fp);
			return;
		}
		idx = lua_absindex(L, idx);
		luaL_checkstack(L, 4, "recording");
		fputc('{', fp);
		n = lua_rawlen(L, idx);
		for (i = 1; i <= n; i++) {
			fputs(first ? " " : ", ", fp);
			first = 0;
			lua_rawgeti(L, idx, (lua_Integer)i);
			write_value(fp, L, lua_gettop(L), f, depth + 1);
			lua_pop(L, 1);
		}
		lua_pushnil(L);
		while (lua_next(L, idx) != 0) {
			if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 &&
			    (size_t)lua_tointeger(L, -2) <= n) {
				lua_pop(L, 1);
				continue;
			}
			fputs(first ? " " : ", ", fp);
			first = 0;
			if (lua_type(L, -2) == LUA_TSTRING &&
			    is_name(lua_tostring(L, -2)))
				fputs(lua_tostring(L, -2), fp);
			else {
				fputc('[', fp);
				write_value(fp, L, lua_gettop(L) - 1, f, depth + 1);
				fputc(']', fp);
			}
			fputs(" = ", fp);
			/* Masked like everything else: a recorded route holds
			 * no secret (see recorder), so this changes nothing
			 * there, and no secret is ever written in clear. */
			write_value(fp, L, lua_gettop(L), f, depth + 1);
			lua_pop(L, 1);
		}
		fputs(first ? "}" : " }", fp);
		return;
	case LUA_TNIL:
		fputs("nil", fp);
		return;
	default:
		fprintf(fp, "nil --[[%s]]", luaL_typename(L, idx));
		return;
	}
}

/* lua_pcall'd: writes the recorded replies as the `replies` table. */
static int
write_replies(lua_State *L)
{
	FILE *fp = lua_touserdata(L, 1);
	struct fixture *fx = lua_touserdata(L, 2);
	size_t i, n;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &rec_key);
	fputs("  replies = {\n", fp);
	lua_pushnil(L);
	while (lua_next(L, 3) != 0) {
		fprintf(fp, "    %s = {\n", lua_tostring(L, -2));
		n = lua_rawlen(L, -1);
		for (i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i);
			if (lua_getfield(L, -1, route_dropped) != LUA_TNIL) {
				fputs("      -- no args: the call's routing "
				    "arguments contain a secret; taken in call "
				    "order\n", fp);
				lua_pushnil(L);
				lua_setfield(L, -3, route_dropped);
			}
			lua_pop(L, 1);
			fputs("      ", fp);
			write_value(fp, L, lua_gettop(L), fx->secrets, 0);
			fputs(",\n", fp);
			lua_pop(L, 1);
		}
		fputs("    },\n", fp);
		lua_pop(L, 1);
	}
	fputs("  },\n", fp);
	return 0;
}

/* One line of text as a Lua string literal. */
static void
write_line(FILE *fp, const char *s)
{
	write_string(fp, NULL, s, strlen(s));
}

/*
 * Writes what the recorded run gave as a fixture: the template's fields,
 * the replies, and expect = what the test case said.  Written to a
 * temporary name, synced and renamed into place.
 */
static int
write_recorded(struct fixture *fx, lua_State *L, const struct assay_result *res,
    const char *out, struct assay_diag *d)
{
	char tmp[4200];
	const char *reason = res->reason ? res->reason : "";
	FILE *fp;
	size_t i;
	int r = ASSAY_ERR_IO;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= sizeof(tmp))
		return ASSAY_ERR_TOO_BIG;
	if ((fp = fopen(tmp, "w")) == NULL) {
		assay_diag_add(d, out, 0, "cannot write: %s", strerror(errno));
		return ASSAY_ERR_IO;
	}
	fprintf(fp, "-- %s: recorded from the device by `assay fixture --record` "
	    "(say here what it shows)\n-- It gave %s: ", fx->testcase,
	    assay_verdict_name(res->verdict));
	write_text(fp, fx->secrets, reason, strlen(reason) < 300 ?
	    strlen(reason) : 300, 0);
	fputs("\nreturn {\n", fp);
	fputs("  testcase = ", fp);
	write_line(fp, fx->testcase);
	fputs(",\n", fp);
	if (fx->forms != NULL) {
		fputs("  forms = ", fp);
		write_line(fp, fx->forms);
		fputs(",\n", fp);
	}
	if (fx->npatch > 0) {
		fputs("  patch = {\n", fp);
		for (i = 0; i < fx->npatch; i++) {
			fputs("    ", fp);
			write_line(fp, fx->patch[i]);
			fputs(",\n", fp);
		}
		fputs("  },\n", fp);
	}
	if (fx->njudged > 0) {
		fputs("  judgements = {\n", fp);
		for (i = 0; i < fx->njudged; i++) {
			fputs("    { unit = ", fp);
			write_line(fp, fx->judged[i].unit);
			fputs(", verdict = ", fp);
			write_line(fp, fx->judged[i].verdict);
			fputs(", text = ", fp);
			write_line(fp, fx->judged[i].text);
			if (fx->judged[i].by != NULL) {
				fputs(", by = ", fp);
				write_line(fp, fx->judged[i].by);
			}
			fputs(" },\n", fp);
		}
		fputs("  },\n", fp);
	}
	lua_settop(L, 0);
	lua_pushcfunction(L, write_replies);
	lua_pushlightuserdata(L, fp);
	lua_pushlightuserdata(L, fx);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		assay_diag_add(d, out, 0, "cannot write the replies: %s",
		    lua_tostring(L, -1));
		lua_settop(L, 0);
		goto out;
	}
	fprintf(fp, "  expect = { verdict = \"%s\"", assay_verdict_name(
	    res->verdict));
	if (res->nunits > 0) {
		fputs(", units = {", fp);
		for (i = 0; i < res->nunits; i++) {
			fprintf(fp, "%s", i ? ", " : " ");
			if (is_name(res->units[i].unit))
				fputs(res->units[i].unit, fp);
			else {
				fputc('[', fp);
				write_line(fp, res->units[i].unit);
				fputc(']', fp);
			}
			fprintf(fp, " = \"%s\"", assay_verdict_name(
			    res->units[i].verdict));
		}
		fputs(" }", fp);
	}
	fputs(" },\n}\n", fp);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		goto out;
	r = 0;
 out:
	if (fclose(fp) != 0 && r == 0)
		r = ASSAY_ERR_IO;
	if (r == 0 && rename(tmp, out) != 0)
		r = ASSAY_ERR_IO;
	if (r != 0) {
		assay_diag_add(d, out, 0, "cannot write the fixture: %s",
		    strerror(errno));
		unlink(tmp);
	}
	return r;
}

/* --- running and comparing ------------------------------------------- */

/*
 * Runs test case tc as the engine's run_one() does, with the stubs; in
 * record mode (penv set) with the real probes, recorded, and writes the
 * fixture to out.  Returns 0 or, in record mode, the write's error.
 */
static int
run_case(struct fixture *fx, const struct assay_fixture_opts *o,
    const char *datadir, const struct assay_forms *forms,
    const struct assay_catalogue *cat, size_t tc,
    const struct assay_probe_env *penv, const char *out,
    struct assay_result *res, struct assay_diag *d)
{
	struct assay_sandbox_limits lim;
	struct assay_sandbox *sb = NULL;
	struct assay_api_ctx ctx;
	lua_State *L;
	int r, wr = 0;

	memset(&lim, 0, sizeof(lim));
	lim.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : penv != NULL ?
	    FIXTURE_RECORD_TIMEOUT_MS : FIXTURE_TIMEOUT_MS;
	memset(&ctx, 0, sizeof(ctx));
	ctx.forms = forms;
	ctx.catalogue = cat;
	ctx.tc = tc;
	ctx.result = res;
	ctx.datadir = datadir;
	ctx.probe_env = penv;
	ctx.net_hook = penv != NULL ? install_recorders : install_stubs;
	ctx.net_hook_arg = fx;
	/* No device behind scripted replies: nothing to wait for. */
	ctx.virtual_time = penv == NULL;
	res->verdict = ASSAY_VERDICT_ERROR;
	if ((r = assay_sandbox_new(&lim, &sb)) != 0) {
		res->reason = strdup("cannot create the sandbox");
		return 0;
	}
	L = assay_sandbox_state(sb);
	if (run_chunk(fx, sb, d) != 0) {
		res->reason = strdup("the fixture does not load in the test "
		    "case's sandbox");
		goto out;
	}
	lua_pushcfunction(L, stash_replies);
	lua_insert(L, -2);
	if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
		res->reason = strdup("out of memory");
		goto out;
	}
	if ((r = assay_api_install(sb, &ctx)) != 0 ||
	    (r = assay_catalogue_push_run(cat, tc, sb)) != 0) {
		if (asprintf(&res->reason, "loading the test case failed: %s%s%s",
		    assay_strerror(r), *assay_sandbox_error(sb) ? ": " : "",
		    assay_sandbox_error(sb)) < 0)
			res->reason = NULL;
		goto out;
	}
	lua_getglobal(L, "assay");
	r = assay_sandbox_call(sb, 1, 2);
	if (r == 0) {
		assay_engine_settle(L, res);
		lua_pop(L, 2);
	} else if (asprintf(&res->reason, "%s: %s", r == ASSAY_ERR_LUA ?
	    "test case raised an error" : assay_strerror(r),
	    assay_sandbox_error(sb)) < 0)
		res->reason = NULL;
	lua_settop(L, 0);
	if (penv != NULL) {
		wr = write_recorded(fx, L, res, out, d);
		goto out;
	}
	if (fx->bad != NULL)
		goto out;
	lua_pushcfunction(L, find_unused);
	lua_pushlightuserdata(L, fx);
	lua_pushlightuserdata(L, d);
	if (lua_pcall(L, 2, 1, 0) != LUA_OK || lua_tointeger(L, -1) > 0)
		fx->unused = 1;
	lua_settop(L, 0);
 out:
	assay_sandbox_free(sb);
	return wr;
}

/*
 * What the engine does after a test case, and what `assay review` does
 * with an assessor's judgements: completes res's units (ERROR or a test
 * case that recorded none speaks for all; anything else left out is
 * NOT_RECORDED) and applies the fixture's judgements.  *complete is 0,
 * with the reason in d, when the test case left a unit out although it
 * did not end in ERROR: every path must record every unit.  The units
 * point into *jp (malloc'd, the caller frees it after res).  Returns 0 or
 * ASSAY_ERR_ALLOC.
 */
static int
settle_units(const struct fixture *fx, const struct assay_forms *forms,
    struct assay_result *res, struct assay_judgement **jp, int *complete,
    struct assay_diag *d)
{
	const struct assay_spec *spec = assay_forms_spec(forms);
	struct assay_judgement *j;
	size_t i, recorded = res->nunits;
	long k;
	int r = 0, n = 0;

	*complete = 1;
	if ((k = assay_spec_testcase_find(spec, fx->testcase)) >= 0)
		n = assay_spec_testcase_units(spec, (size_t)k);
	if ((r = assay_result_fill_units(res, n)) != 0)
		return r;
	if (res->verdict != ASSAY_VERDICT_ERROR) {
		if (recorded == 0 && n > 0) {
			assay_diag_add(d, fx->path, 0, "the test case recorded "
			    "no unit (%s): every path records every unit",
			    assay_verdict_name(res->verdict));
			*complete = 0;
		}
		for (i = 0; recorded > 0 && i < res->nunits; i++)
			if (res->units[i].by == ASSAY_BY_HARNESS) {
				assay_diag_add(d, fx->path, 0, "unit %s: not "
				    "recorded by the test case: every path "
				    "records every unit", res->units[i].unit);
				*complete = 0;
			}
	}
	if (fx->njudged == 0)
		return 0;
	if ((*jp = j = calloc(fx->njudged, sizeof(*j))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < fx->njudged; i++) {
		snprintf(j[i].test_case, sizeof(j[i].test_case), "%s",
		    fx->testcase);
		snprintf(j[i].unit, sizeof(j[i].unit), "%s",
		    fx->judged[i].unit);
		if (assay_verdict_parse(fx->judged[i].verdict,
		    &j[i].verdict) != 0)
			return ASSAY_ERR_PARSE;	/* checked when read */
		/* Borrowed: apply() keeps pointers only into j. */
		j[i].rationale = fx->judged[i].text;
		j[i].assessor = fx->judged[i].by != NULL ?
		    fx->judged[i].by : (char *)"fixture";
		j[i].source = (char *)"fixture";
	}
	return assay_judgement_apply(res, fx->testcase, j, fx->njudged);
}

/* Compares res with the fixture's expect; each difference goes to d. */
static int
compare(struct fixture *fx, const struct assay_result *res,
    struct assay_diag *d)
{
	const char *got = assay_verdict_name(res->verdict);
	const char *reason = res->reason ? res->reason : "";
	size_t i, j;
	int ok = 1;

	if (fx->unexpected != NULL) {
		assay_diag_add(d, fx->path, 0, "%s", fx->unexpected);
		ok = 0;
	}
	if (fx->unused)
		ok = 0;
	if (strcmp(got, fx->verdict) != 0) {
		assay_diag_add(d, fx->path, 0, "expected %s, got %s: %.400s",
		    fx->verdict, got, reason);
		ok = 0;
	}
	for (i = 0; i < fx->nreason; i++)
		if (strstr(reason, fx->reason[i]) == NULL) {
			assay_diag_add(d, fx->path, 0, "the reason lacks \"%s\": "
			    "%.400s", fx->reason[i], reason);
			ok = 0;
		}
	for (i = 0; i < fx->nunits; i++) {
		for (j = 0; j < res->nunits; j++)
			if (strcmp(res->units[j].unit, fx->units[i].letter) == 0)
				break;
		if (j == res->nunits) {
			assay_diag_add(d, fx->path, 0, "unit %s: expected %s, "
			    "but the test case recorded no such unit",
			    fx->units[i].letter, fx->units[i].verdict);
			ok = 0;
		} else if (strcmp(assay_verdict_name(res->units[j].verdict),
		    fx->units[i].verdict) != 0) {
			assay_diag_add(d, fx->path, 0, "unit %s: expected %s, got "
			    "%s: %.300s", fx->units[i].letter, fx->units[i].verdict,
			    assay_verdict_name(res->units[j].verdict),
			    res->units[j].reason);
			ok = 0;
		}
	}
	return ok;
}

/* The fixture's base forms: its `forms` or ../../validation/base, both
 * relative to the fixture's directory. */
static int
base_dir(const struct fixture *fx, char *out, size_t len)
{
	const char *slash = strrchr(fx->path, '/');
	const char *rel = fx->forms ? fx->forms : "../../validation/base";
	int n;

	if (rel[0] == '/')
		n = snprintf(out, len, "%s", rel);
	else if (slash == NULL)
		n = snprintf(out, len, "%s", rel);
	else
		n = snprintf(out, len, "%.*s/%s", (int)(slash - fx->path),
		    fx->path, rel);
	return n < 0 || (size_t)n >= len ? ASSAY_ERR_TOO_BIG : 0;
}

/*
 * The loader's messages about the patched copy, named for the fixture:
 * "FIXTURE: patched ixit.xml:88: ..." instead of a temporary path.
 */
static void
forms_diag(const struct assay_diag *from, const char *tmp, const char *path,
    struct assay_diag *to)
{
	size_t i, n = assay_diag_count(from), tl = strlen(tmp);
	const char *file, *msg;
	char where[4400];

	for (i = 0; i < n; i++) {
		file = assay_diag_file(from, i);
		msg = assay_diag_message(from, i);
		if (file == NULL || msg == NULL)
			continue;
		if (strncmp(file, tmp, tl) == 0 && file[tl] == '/')
			snprintf(where, sizeof(where), "%s: patched %s", path,
			    file + tl + 1);
		else
			snprintf(where, sizeof(where), "%s", file);
		if (assay_diag_is_warning(from, i))
			assay_diag_warn(to, where, assay_diag_line(from, i), "%s",
			    msg);
		else
			assay_diag_add(to, where, assay_diag_line(from, i), "%s",
			    msg);
	}
}

/* Runs (out == NULL) or records (out set) one fixture. */
static int
fixture_do(const char *path, const struct assay_fixture_opts *o,
    const char *out, int *passed, struct assay_diag *d)
{
	struct fixture fx;
	struct assay_forms *forms = NULL;
	struct assay_catalogue *cat = NULL;
	struct assay_budget *budget = NULL;
	struct assay_diag *fd = NULL;
	struct assay_probe_env penv;
	struct assay_result res;
	struct assay_judgement *judged = NULL;
	char tmp[] = "/tmp/assay-fixture-XXXXXX";
	char src[4200], p[3][4300], catdir[4200];
	const char *datadir;
	int k, r, made = 0, complete;
	long tc;

	*passed = 0;
	memset(&fx, 0, sizeof(fx));
	memset(&res, 0, sizeof(res));
	memset(&penv, 0, sizeof(penv));
	fx.path = path;
	fx.recording = out != NULL;
	if ((r = read_fixture(&fx, d)) != 0 || (r = read_meta(&fx, d)) != 0)
		goto out;
	if (out != NULL && fx.has_replies) {
		assay_diag_add(d, path, 0, "replies: a template for --record has "
		    "none (the device gives them)");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if (out == NULL && fx.verdict == NULL) {
		assay_diag_add(d, path, 0, "expect: missing (a table with verdict, "
		    "reason, units)");
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if ((datadir = assay_datadir()) == NULL) {
		assay_diag_add(d, "assay", 0, "%s (set ASSAY_DATADIR)",
		    assay_strerror(ASSAY_ERR_DATADIR));
		r = ASSAY_ERR_DATADIR;
		goto out;
	}
	if ((r = base_dir(&fx, src, sizeof(src))) != 0) {
		assay_diag_add(d, path, 0, "forms: path too long");
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		assay_diag_add(d, path, 0, "cannot make a temporary directory: %s",
		    strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	made = 1;
	if ((r = assay_fixture_patch_dir(src, tmp,
	    (const char *const *)fx.patch, fx.npatch, path, d)) != 0)
		goto out;
	if ((r = link_base_files(src, tmp, 1)) != 0) {
		assay_diag_add(d, path, 0, "cannot link the base's lab files "
		    "into %s: %s", tmp, strerror(errno));
		goto out;
	}
	for (k = 0; k < 3; k++)
		snprintf(p[k], sizeof(p[k]), "%s/%s.xml", tmp, form_names[k]);
	if ((fd = assay_diag_new()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	r = assay_forms_load(datadir, p[0], p[1], p[2], &forms, fd);
	forms_diag(fd, tmp, path, d);
	if (r != 0) {
		assay_diag_add(d, path, 0, "the patched forms do not load: %s",
		    assay_strerror(r));
		goto out;
	}
	if ((size_t)snprintf(catdir, sizeof(catdir), "%s/testcases",
	    datadir) >= sizeof(catdir)) {
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	if (o->cache != NULL && *o->cache != NULL)
		cat = *o->cache;
	else if ((r = assay_catalogue_load(o->catalogue_dir ? o->catalogue_dir :
	    catdir, assay_forms_spec(forms), &cat, d)) != 0)
		goto out;
	else if (o->cache != NULL)
		*o->cache = cat;
	if ((tc = assay_catalogue_find(cat, fx.testcase)) < 0) {
		assay_diag_add(d, path, 0, "testcase: no test case \"%s\" in the "
		    "catalogue", fx.testcase);
		r = ASSAY_ERR_NOT_FOUND;
		goto out;
	}
	if (out != NULL) {
		if ((budget = assay_budget_new(
		    assay_forms_budget_max_connections(forms),
		    assay_forms_budget_max_rate(forms))) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		assay_budget_set_holder(0);
		penv.budget = budget;
		penv.timeout_ms = ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
		penv.max_read = ASSAY_PROBE_DEFAULT_MAX_READ;
		fx.secrets = forms;
	}
	r = run_case(&fx, o, datadir, forms, cat, (size_t)tc,
	    out != NULL ? &penv : NULL, out, &res, d);
	if (out != NULL) {
		*passed = r == 0;
		goto out;
	}
	if (fx.bad != NULL) {
		assay_diag_add(d, path, 0, "%s", fx.bad);
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	if ((r = settle_units(&fx, forms, &res, &judged, &complete, d)) != 0)
		goto out;
	*passed = compare(&fx, &res, d) && complete;
	r = 0;
 out:
	if (made) {
		for (k = 0; k < 3; k++) {
			snprintf(p[k], sizeof(p[k]), "%s/%s.xml", tmp,
			    form_names[k]);
			unlink(p[k]);
		}
		(void)link_base_files(src, tmp, 0);
		rmdir(tmp);
	}
	assay_result_clear(&res);
	free(judged);		/* after res, whose units point into it */
	assay_diag_free(fd);
	assay_budget_free(budget);
	if (o->cache == NULL || *o->cache != cat)
		assay_catalogue_free(cat);
	assay_forms_free(forms);
	fixture_clear(&fx);
	return r;
}

int
assay_fixture_run(const char *path, const struct assay_fixture_opts *o,
    int *passed, struct assay_diag *d)
{
	return fixture_do(path, o, NULL, passed, d);
}

int
assay_fixture_record(const char *template_path, const char *out_path,
    const struct assay_fixture_opts *o, struct assay_diag *d)
{
	int done;

	return fixture_do(template_path, o, out_path, &done, d);
}
