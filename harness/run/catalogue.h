/*
 * catalogue.h - the Lua test-case catalogue: one file per test group,
 * testcases/<group>.lua, each declaring its test cases (see
 * testcases/README.md for the contract).
 *
 * Loading runs every file once in a sandbox where `group` and `testcase`
 * only record metadata, and checks it against the spec before anything
 * touches a device: id in TS 103 701 numbering and known to the spec, the
 * group matching the file name and the id, the provision existing, the
 * type matching TS 103 701, IXIT items known, a one-line purpose, a run
 * function, no duplicate id, and `units` declaring exactly the units
 * TS 103 701 numbers for the test case (each a one-line criterion of
 * 20..400 characters, an optional one-line rule, an optional observation
 * name [a-z0-9-]{1,40} with what to observe, how a PASS of it is reached
 * (`decided`), where its subject is on a functional test case (`reach`),
 * no other field).  Each problem names file and line.
 */
#ifndef ASSAY_CATALOGUE_H
#define ASSAY_CATALOGUE_H

#include <stddef.h>

#include "forms/spec.h"

struct assay_catalogue;
struct assay_diag;
struct assay_sandbox;

#define ASSAY_CATALOGUE_MAX_FILE	(1024 * 1024)

/*
 * Loads every *.lua file of dir (not recursive).  Returns 0 with *out
 * set, or ASSAY_ERR_CATALOGUE with every problem in d.
 */
int		 assay_catalogue_load(const char *dir, const struct assay_spec *spec,
		    struct assay_catalogue **out, struct assay_diag *d);
void		 assay_catalogue_free(struct assay_catalogue *c);
/* SHA-256 (hex) over the names and contents of the files loaded. */
const char	*assay_catalogue_sha256(const struct assay_catalogue *c);
const char	*assay_catalogue_dir(const struct assay_catalogue *c);

/* Test cases in TS 103 701 order; strings borrowed from c. */
size_t		 assay_catalogue_count(const struct assay_catalogue *c);
long		 assay_catalogue_find(const struct assay_catalogue *c, const char *id);
const char	*assay_catalogue_id(const struct assay_catalogue *c, size_t i);
const char	*assay_catalogue_group(const struct assay_catalogue *c, size_t i);
enum assay_tc_type assay_catalogue_type(const struct assay_catalogue *c, size_t i);
const char	*assay_catalogue_purpose(const struct assay_catalogue *c, size_t i);
/*
 * The test case's `exclusive` tags, space separated, or NULL: test cases
 * sharing a tag never run at the same time.  Valid while c lives.
 */
const char	*assay_catalogue_exclusive(const struct assay_catalogue *c,
		    size_t i);
/* Whether the space-separated tag lists a and b share a tag. */
int		 assay_tags_overlap(const char *a, const char *b);
/* IXIT items the test case reads, space separated ("" for none). */
const char	*assay_catalogue_ixit(const struct assay_catalogue *c, size_t i);
const char	*assay_catalogue_file(const struct assay_catalogue *c, size_t i);
long		 assay_catalogue_line(const struct assay_catalogue *c, size_t i);

/*
 * How a PASS of a unit is reached (`decided`): a probe of the live
 * device or of lab-supplied artefacts, structured ICS/IXIT facts by the
 * stated rule, an assessor's judgement of declared text, or a person's
 * recorded observation of the device.  A unit declares one kind or two
 * joined by '+', the main one first.
 */
enum assay_decided {
	ASSAY_DECIDED_AUTOMATIC,
	ASSAY_DECIDED_FACTS,
	ASSAY_DECIDED_ASSESSOR,
	ASSAY_DECIDED_OBSERVATION,
	ASSAY_DECIDED_NKINDS
};

/*
 * Where the subject of a functional unit is (`reach`): reachable over a
 * network interface (listening, or the device as a client through the
 * lab gateway), a lab-supplied file (firmware image, capture), or only
 * physically (label, manual, buttons, local ports, the device's display).
 * Conceptual units have none.
 */
enum assay_reach {
	ASSAY_REACH_NONE,
	ASSAY_REACH_NETWORK,
	ASSAY_REACH_ARTEFACT,
	ASSAY_REACH_PHYSICAL,
	/*
	 * A unit of a conceptual+functional test case that judges the
	 * declarations, not the device (5.3-10-1 a and b): counted apart,
	 * never among the functional units.
	 */
	ASSAY_REACH_DECLARATION
};
#define ASSAY_REACH_LAST	ASSAY_REACH_DECLARATION

/* "automatic", ... and "network", ... ("" for ASSAY_REACH_NONE). */
const char	*assay_decided_name(enum assay_decided k);
const char	*assay_reach_name(enum assay_reach r);

/*
 * A test unit as the test case declares it (`units = { a = {...} }`,
 * testcases/README.md): what TS 103 701 asks of it, in our own words;
 * the rule by which Assay decides it (NULL: only a person can); for a
 * unit that needs a person at the device or its documentation, the
 * observation asked for by name and what to look at; how a PASS of it is
 * reached and where its subject is.  Strings borrowed from c.
 */
struct assay_unit_decl {
	const char	*criterion;
	const char	*rule;
	const char	*observation;	/* e.g. "label-password", or NULL */
	const char	*observe;	/* what the person looks at or does */
	const char	*decided;	/* as declared: "automatic+observation" */
	enum assay_decided decided_main;	/* the first kind */
	unsigned	 decided_kinds;	/* bit (1u << kind) per kind declared */
	const char	*reach;		/* "network", ...; NULL when conceptual */
	enum assay_reach reach_kind;
};

/*
 * Unit letter ("a") of test case i as declared, or NULL when the test
 * case does not declare it.
 */
const struct assay_unit_decl *assay_catalogue_unit(const struct assay_catalogue *c,
		    size_t i, const char *letter);

/*
 * Runs test case i's group file in the sandbox (whose `assay` API is
 * already installed) and leaves test case i's run function on the stack.
 * Returns 0, or an ASSAY_ERR_* code with the message in the sandbox.
 */
int		 assay_catalogue_push_run(const struct assay_catalogue *c, size_t i,
		    struct assay_sandbox *sb);

/*
 * The same in two steps, for a state prepared once and forked for each
 * test case (run/engine.c): assay_catalogue_prepare_run() runs lib/assay.lua
 * in the sandbox (its API prepared, assay_api_prepare()); then, in the
 * test case's own copy of it, assay_catalogue_push_prepared() does what
 * assay_catalogue_push_run() does but for the lib.  lib/assay.lua sees no
 * `group`/`testcase` globals while it runs (as in the catalogue load).
 */
int		 assay_catalogue_prepare_run(const struct assay_catalogue *c,
		    struct assay_sandbox *sb);
/*
 * Also in the prepared state: compiles (never runs) the group files of the
 * n test cases in tcs, so that assay_catalogue_push_prepared() in each
 * copy takes its file's function from there instead of compiling the
 * source again.  Returns 0, or an ASSAY_ERR_* code: then nothing is kept
 * (but a tripped limit spends the state).
 */
int		 assay_catalogue_precompile(const struct assay_catalogue *c,
		    struct assay_sandbox *sb, const size_t *tcs, size_t n);
int		 assay_catalogue_push_prepared(const struct assay_catalogue *c,
		    size_t i, struct assay_sandbox *sb);

#endif
