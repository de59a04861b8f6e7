/*
 * artefact.c - the files a probe may read, per Lua state (artefact.h).
 *
 * Registry table "assay.artefact.<kind>":
 *	ids	[id] = { path = <resolved>, sha256 = <hex or ""> }
 *	files	[<resolved path>] = id
 *	dirs	{ <resolved dir>, ... }
 * Paths are compared after realpath(), so "a/../b", a link or a doubled
 * slash can't name a file that was not declared.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "base/error.h"
#include "probe/artefact.h"
#include "probe/lua.h"
#include "probe/probe.h"

/* Pushes the kind's table, creating it; returns its stack index. */
static int
kind_table(lua_State *L, const char *kind, int create)
{
	lua_pushfstring(L, "assay.artefact.%s", kind);
	if (lua_rawget(L, LUA_REGISTRYINDEX) == LUA_TTABLE)
		return lua_gettop(L);
	lua_pop(L, 1);
	if (!create)
		return 0;
	lua_createtable(L, 0, 3);
	lua_newtable(L);
	lua_setfield(L, -2, "ids");
	lua_newtable(L);
	lua_setfield(L, -2, "files");
	lua_newtable(L);
	lua_setfield(L, -2, "dirs");
	lua_pushfstring(L, "assay.artefact.%s", kind);
	lua_pushvalue(L, -2);
	lua_rawset(L, LUA_REGISTRYINDEX);
	return lua_gettop(L);
}

int
assay_artefact_declare(lua_State *L, const char *kind, const char *id,
    const char *path, const char *sha256)
{
	char *real;
	int t;

	if (kind == NULL || id == NULL || id[0] == '\0' || path == NULL ||
	    strlen(id) >= sizeof(((struct assay_artefact_ref *)0)->id))
		return ASSAY_ERR_INVALID_ARG;
	/*
	 * A file gone since the lab set-up was loaded stays declared as
	 * spelt: naming it is then an outcome ("gone"), not a bad argument.
	 */
	if ((real = realpath(path, NULL)) == NULL &&
	    (errno == ENOMEM || (real = strdup(path)) == NULL))
		return ASSAY_ERR_ALLOC;
	if (strlen(real) >= sizeof(((struct assay_artefact_ref *)0)->path)) {
		free(real);
		return ASSAY_ERR_INVALID_ARG;
	}
	t = kind_table(L, kind, 1);
	lua_getfield(L, t, "ids");
	lua_createtable(L, 0, 2);
	lua_pushstring(L, real);
	lua_setfield(L, -2, "path");
	lua_pushstring(L, sha256 != NULL ? sha256 : "");
	lua_setfield(L, -2, "sha256");
	lua_setfield(L, -2, id);
	lua_pop(L, 1);
	lua_getfield(L, t, "files");
	lua_pushstring(L, id);
	lua_setfield(L, -2, real);
	lua_pop(L, 2);
	free(real);
	return 0;
}

int
assay_artefact_allow_dir(lua_State *L, const char *kind, const char *dir)
{
	char *real;
	int t;

	if (kind == NULL || dir == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((real = realpath(dir, NULL)) == NULL)
		return errno == ENOMEM ? ASSAY_ERR_ALLOC : ASSAY_ERR_NOT_FOUND;
	t = kind_table(L, kind, 1);
	lua_getfield(L, t, "dirs");
	lua_pushstring(L, real);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 2);
	free(real);
	return 0;
}

/* 1 when real lies below one of the kind's allowed directories (t). */
static int
under_dir(lua_State *L, int t, const char *real)
{
	const char *d;
	size_t i, n, dl;
	int ok = 0;

	lua_getfield(L, t, "dirs");
	n = lua_rawlen(L, -1);
	for (i = 1; i <= n && !ok; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i);
		d = lua_tolstring(L, -1, &dl);
		if (d != NULL && strncmp(real, d, dl) == 0 &&
		    (real[dl] == '/' || (dl == 1 && d[0] == '/')))
			ok = 1;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return ok;
}

/* Copies the declared entry ids[id] (on top of the stack) into ref. */
static void
take_entry(lua_State *L, const char *id, struct assay_artefact_ref *ref)
{
	lua_getfield(L, -1, "path");
	(void)snprintf(ref->path, sizeof(ref->path), "%s",
	    lua_tostring(L, -1));
	lua_pop(L, 1);
	lua_getfield(L, -1, "sha256");
	(void)snprintf(ref->sha256, sizeof(ref->sha256), "%s",
	    lua_tostring(L, -1));
	lua_pop(L, 1);
	(void)snprintf(ref->id, sizeof(ref->id), "%s", id);
}

/*
 * A test case read one of the lab's files: the transcript says which, by
 * its SHA-256, so the report can list it as external evidence (TS 103
 * 701 clause 4.7) with the test cases that used it.
 */
static void
note_external(lua_State *L, const char *kind, const struct assay_artefact_ref *ref)
{
	if (ref->missing || ref->id[0] == '\0')
		return;
	assay_probe_note(assay_probe_env_get(L), "artefact", "artefact %s %s sha256 %s: "
	    "a file the lab supplied, external evidence (TS 103 701 clause "
	    "4.7)", kind, ref->id, ref->sha256[0] ? ref->sha256 : "unknown");
}

void
assay_artefact_resolve(lua_State *L, const char *fn, const char *kind,
    struct assay_artefact_ref *ref)
{
	const char *file, *id;
	char *real;
	size_t flen = 0, ilen = 0;
	int t, top = lua_gettop(L);

	memset(ref, 0, sizeof(*ref));
	file = assay_lua_opt_str(L, fn, "file", &flen);
	id = assay_lua_opt_str(L, fn, "id", &ilen);
	if ((file == NULL) == (id == NULL))
		assay_lua_argerror(L, fn, "give either file= or id= (an "
		    "artefact of the lab set-up file)");
	/* A NUL inside would let "declared\0anything" pass as declared. */
	if ((file != NULL && (flen == 0 || strlen(file) != flen)) ||
	    (id != NULL && (ilen == 0 || strlen(id) != ilen)))
		assay_lua_argerror(L, fn, "%s must be a non-empty string "
		    "without NUL", file != NULL ? "file" : "id");
	t = kind_table(L, kind, 0);
	if (id != NULL) {
		if (t == 0 || lua_getfield(L, t, "ids") != LUA_TTABLE ||
		    lua_getfield(L, -1, id) != LUA_TTABLE)
			assay_lua_argerror(L, fn, "id \"%.48s\" is not a %s the "
			    "lab set-up file declares", id, kind);
		take_entry(L, id, ref);
		if ((real = realpath(ref->path, NULL)) == NULL)
			ref->missing = 1;
		else if (strcmp(real, ref->path) != 0)
			ref->missing = 1;	/* a link now stands in its way */
		free(real);
		lua_settop(L, top);
		note_external(L, kind, ref);
		return;
	}
	if ((real = realpath(file, NULL)) == NULL) {
		int saved = errno;

		if (saved == ENOMEM)
			luaL_error(L, "%s: harness error: out of memory", fn);
		/* Not there: still the lab's file if declared as spelt. */
		if (t != 0 && lua_getfield(L, t, "files") == LUA_TTABLE &&
		    lua_getfield(L, -1, file) == LUA_TSTRING) {
			(void)snprintf(ref->path, sizeof(ref->path), "%s", file);
			(void)snprintf(ref->id, sizeof(ref->id), "%s",
			    lua_tostring(L, -1));
			ref->missing = 1;
			lua_settop(L, top);
			return;
		}
		assay_lua_argerror(L, fn, "%.200s is not a %s file the lab "
		    "set-up file declares (%s)", file, kind, strerror(saved));
	}
	if (t != 0 && lua_getfield(L, t, "files") == LUA_TTABLE &&
	    lua_getfield(L, -1, real) == LUA_TSTRING) {
		const char *decl = lua_tostring(L, -1);

		lua_getfield(L, t, "ids");
		lua_getfield(L, -1, decl);
		take_entry(L, decl, ref);
		free(real);
		lua_settop(L, top);
		note_external(L, kind, ref);
		return;
	}
	if (t != 0)
		lua_settop(L, t);
	if (t != 0 && under_dir(L, t, real)) {
		(void)snprintf(ref->path, sizeof(ref->path), "%s", real);
		free(real);
		lua_settop(L, top);
		return;
	}
	free(real);
	lua_settop(L, top);
	assay_lua_argerror(L, fn, "%.200s is not a %s file the lab set-up "
	    "file declares%s", file, kind, strcmp(kind, "capture") == 0 ?
	    " nor under the run's evidence directory" : "");
}
