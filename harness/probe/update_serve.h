/*
 * probe/update_serve.h - update interposition (issue 13, item 4): Assay
 * stands in for the device's update server and serves, one after the
 * other, a release with one byte of its payload flipped, without its
 * signature, signed with another key, an older release, and the release
 * unmodified; after each it reads the version the device reports
 * (docs/probe_update.md).
 *
 * What the device installed is decided from its own declared interface
 * (<version-check> of the set-up's <update>): the version and, where the
 * device reports it, the digest of its installed image, read before the
 * variant is served and again settle_ms after the device fetched it.
 * The variants are built in memory from the lab's release directories
 * (probe/standin.h sites); the lab's files are never changed.
 */
#ifndef ASSAY_PROBE_UPDATE_SERVE_H
#define ASSAY_PROBE_UPDATE_SERVE_H

#include <stddef.h>

#include "probe/probe.h"
#include "probe/standin.h"

struct assay_forms;
struct assay_gw;
struct lua_State;

#define ASSAY_UPDATE_MAX_VARIANTS	5
#define ASSAY_UPDATE_DEFAULT_WAIT_MS	30000
#define ASSAY_UPDATE_DEFAULT_SETTLE_MS	3000
/* Requests kept per variant in the result. */
#define ASSAY_UPDATE_MAX_REQUESTS	64

/* What the device's version check said. */
struct assay_update_state {
	int	 ok;		/* 0: the check failed (why) */
	char	 version[64];	/* the version pattern's group 1 */
	char	 digest[80];	/* the digest pattern's group 1; "" when none */
	int	 has_digest;	/* the set-up has a digest pattern and it matched */
	char	 why[256];
};

struct assay_update_variant {
	char				 name[16];
	int				 skipped;
	char				 reason[512];	/* skipped, or why installed is nil */
	size_t				 nrequests;
	struct assay_standin_request	 requests[ASSAY_UPDATE_MAX_REQUESTS];
	unsigned			 connections, handshakes,
					 handshake_failures;
	int				 fetched_payload;
	int				 fetched_manifest;	/* times */
	char				 served_sha256[65];
	char				 served_version[64];	/* "" when unknown */
	struct assay_update_state	 before, after;
	int				 installed;	/* 1, 0, or -1: undecided */
	long long			 ms;		/* time spent */
};

struct assay_update_result {
	char				 id[64];
	char				 endpoint[512];
	const char			*issuer;	/* "identity", "self", or NULL (http) */
	size_t				 nvariants;
	struct assay_update_variant	 v[ASSAY_UPDATE_MAX_VARIANTS];
};

/* "flipped", "unsigned", "other-key", "older", "control": the default order. */
extern const char *const assay_update_variant_names[];

/*
 * Stands in for <update id> of gw's set-up, serving the variants named
 * (NULL: all, in the default order; each name at most once).  Returns 0
 * with *out (free()), 0 with *out NULL and why when it cannot stand in
 * at all (no such update: ASSAY_ERR_NOT_FOUND instead; the endpoint's
 * scheme not http(s); the port cannot be bound; the release unreadable
 * or without its payload), or ASSAY_ERR_*.  An unknown variant name is
 * ASSAY_ERR_INVALID_ARG.
 */
int	assay_update_serve(const struct assay_probe_env *env, struct assay_gw *gw,
	    const char *id, const char *const *variants, size_t nvariants,
	    int wait_ms, int settle_ms, struct assay_update_result **out,
	    char *why, size_t whylen);

/*
 * Decides installed from before, after and what was served (exposed for
 * the tests): 1 when after differs from before and matches what was
 * served (digest equal to served_sha256; without digests, version equal
 * to served_version), 0 when after equals before and the device fetched
 * the payload or, refusing from the manifest alone, fetched the manifest
 * at least twice; -1 otherwise, with reason.
 */
int	assay_update_decide(struct assay_update_variant *v);

/*
 * The set-up the probes of the device as a client read (assay_gw_open
 * takes it): stored per Lua state by the run (run/api.c), NULL outside
 * one.  The forms are borrowed and outlive the state.
 */
void	assay_probe_client_forms_set(struct lua_State *L,
	    const struct assay_forms *f);
const struct assay_forms *assay_probe_client_forms_get(struct lua_State *L);

/* Lua: assay.net.update_serve{id=, variants=, wait_ms=, settle_ms=}. */
void	assay_probe_update_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_UPDATE_SERVE_H */
