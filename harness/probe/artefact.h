/*
 * probe/artefact.h - which files the probes that read a file may open.
 *
 * assay.net.capture and assay.net.firmware read a file the lab supplies,
 * never one a test case makes up: a test case is code from the catalogue,
 * and a path it builds could name anything the harness can read.  So each
 * Lua state carries, per kind ("capture", "firmware"), the files the lab
 * declared (the set-up file's <artefacts>, by id, with the SHA-256 the
 * loader computed) and, for captures, the directories Assay records into
 * (the run's evidence directory).  The binding takes file= or id= and
 * resolves it here; anything else is a bad argument, which raises.
 *
 * The lists live in the Lua registry, out of a script's reach (no debug
 * library in the sandbox), and die with the state.
 */
#ifndef ASSAY_PROBE_ARTEFACT_H
#define ASSAY_PROBE_ARTEFACT_H

#include <stddef.h>

#include <lua.h>

/*
 * Declares file path (resolved with realpath() now; kept as spelt when it
 * no longer exists, so that naming it gives "gone") under id for kind;
 * sha256 (lowercase hex, may be NULL) is what the file held when the lab
 * set-up was loaded.  Returns 0, ASSAY_ERR_INVALID_ARG or ASSAY_ERR_ALLOC.
 * Raises only when Lua runs out of memory: call it inside a protected
 * call.
 */
int	assay_artefact_declare(lua_State *L, const char *kind, const char *id,
	    const char *path, const char *sha256);
/* Allows every file under dir (resolved now) for kind. */
int	assay_artefact_allow_dir(lua_State *L, const char *kind,
	    const char *dir);

/* What assay_artefact_resolve() found. */
struct assay_artefact_ref {
	char	 path[4096];		/* resolved, absolute */
	char	 id[48];		/* "" for a file under an allowed dir */
	char	 sha256[65];		/* "" when nothing was recorded */
	int	 missing;		/* a declared file gone since the load */
};

/*
 * Reads the options file= and id= of the table at stack index 1 for the
 * probe fn (exactly one of them must be given) and resolves them for
 * kind into *ref.  Raises (a bad argument) when neither or both are
 * given, when id names no declared artefact of that kind, or when file
 * is neither a declared file nor under an allowed directory.  A declared
 * file that can no longer be resolved sets ref->missing: the caller
 * returns nil and the reason, an outcome about the lab's file.
 */
void	assay_artefact_resolve(lua_State *L, const char *fn, const char *kind,
	    struct assay_artefact_ref *ref);

#endif /* ASSAY_PROBE_ARTEFACT_H */
