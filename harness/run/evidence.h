/*
 * evidence.h - the evidence store of one run directory.
 *
 * Layout of DIR:
 *	forms/ics.xml, forms/ixit.xml,	the forms, secrets masked (written
 *	forms/setup.xml			from the parsed tree by the forms module)
 *	run.info			what the run is (forms and catalogue hashes,
 *					report id, start time); checked on --resume
 *	journal				append-only: one line per test case start and
 *					end, fsync'ed at each end
 *	evidence/<tc>/transcript.txt	what probes sent and received, as it happens
 *	evidence/<tc>/<artefact>	files a test case saved
 *	evidence/<tc>/result.txt	its verdict, written atomically at its end
 *
 * A test case counts as done when its result.txt exists and the journal
 * has its "done" line; an interrupted run (Ctrl-C, kill -9, power loss)
 * keeps every done test case and `assay run --resume DIR` runs the rest.
 * Every byte written passes through the secret mask: IXIT and set-up
 * secrets never reach disk in clear, in any spelling base/redact.h
 * derives (entities, JSON, percent, hex, base64, the Basic-auth pair);
 * they become "[secret]".
 */
#ifndef ASSAY_EVIDENCE_H
#define ASSAY_EVIDENCE_H

#include <stddef.h>

#include "base/redact.h"
#include "run/verdict.h"

struct assay_evidence;
struct assay_evidence_tc;
struct assay_diag;

#define ASSAY_EVIDENCE_SECRET_MARK	ASSAY_REDACT_MARK
#define ASSAY_EVIDENCE_MAX_TRANSCRIPT	(8u * 1024 * 1024)	/* per test case */
#define ASSAY_EVIDENCE_MAX_ARTEFACT	(16u * 1024 * 1024)
/*
 * Artefact bytes (after masking) a test case may save, and a whole run: a
 * test case that writes without end meets a named ASSAY_ERR_TOO_BIG, not
 * a full disk.  The run's cap is checked when each test case starts (what
 * earlier test cases left on disk), so parallel jobs can pass it by at
 * most one test case's cap each.
 */
#define ASSAY_EVIDENCE_MAX_TC_ARTEFACTS	(64ull * 1024 * 1024)
#define ASSAY_EVIDENCE_MAX_RUN_ARTEFACTS	(512ull * 1024 * 1024)

/* Frees the contents of r (not r itself) and zeroes it. */
void	assay_result_clear(struct assay_result *r);
/* Adds a unit result (reason copied). */
int	assay_result_add_unit(struct assay_result *r, const char *unit,
	    enum assay_verdict v, const char *reason);
/*
 * Sets unit's outcome: replaces the verdict and reason (copied) of the
 * unit of that name, or adds it in name order.  Returns 0 or
 * ASSAY_ERR_ALLOC.
 */
int	assay_result_set_unit(struct assay_result *r, const char *unit,
	    enum assay_verdict v, const char *reason);

/*
 * Sets how unit was decided (assay.unit's 4th argument): basis, and the
 * probe and sample texts (copied; NULL for none).  Returns 0,
 * ASSAY_ERR_NOT_FOUND (no such unit) or ASSAY_ERR_ALLOC.
 */
int	assay_result_set_unit_how(struct assay_result *r, const char *unit,
	    enum assay_basis basis, const char *probe, const char *sample);
/*
 * Gives every unit a..(a + nunits - 1) a result after its test case ended
 * (issue 12: every unit has its own verdict): a test case that recorded
 * no unit, or ended in ERROR, gives each missing unit its own verdict and
 * reason; otherwise a missing unit is INCONCLUSIVE "NOT_RECORDED: ..."
 * decided by the harness, and the test case is then at least
 * INCONCLUSIVE.  A unit whose reason starts REVIEW_PENDING or
 * MANUAL_STEP_PENDING has basis "person".  Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_result_fill_units(struct assay_result *r, int nunits);

/* key=value pairs that identify a run, checked on resume. */
struct assay_run_info {
	const char	*keys[32];
	const char	*values[32];
	size_t		 n;
};

/*
 * Opens the run directory.  Without resume, dir must not exist or be
 * empty.  With resume, dir must hold a run.info whose entries equal info's
 * for every key not starting with "run_" (else ASSAY_ERR_EXISTS with the
 * difference in d); run_* values are kept from the original run.  secrets (n of them)
 * are copied for masking.  Returns 0 or an ASSAY_ERR_* code.
 */
int	assay_evidence_open(const char *dir, int resume,
	    const struct assay_run_info *info, const char *const *secrets,
	    size_t nsecrets, struct assay_evidence **out, struct assay_diag *d);
/*
 * The same with each secret's user name (base/redact.h), so the mask
 * also hides the user:password pair as HTTP Basic authentication sends
 * it.  Every spelling of every secret is masked in everything the store
 * writes: run.info values, journal lines, transcripts, artefacts, reasons,
 * saved copies.
 */
int	assay_evidence_open_secrets(const char *dir, int resume,
	    const struct assay_run_info *info, const struct assay_secret *secrets,
	    size_t nsecrets, struct assay_evidence **out, struct assay_diag *d);
void	assay_evidence_free(struct assay_evidence *ev);
const char *assay_evidence_dir(const struct assay_evidence *ev);
/*
 * Sets run.info's key to value (masked) and rewrites the file atomically:
 * what a run learns at its end (run_finished).  Returns 0 or an
 * ASSAY_ERR_* code (ASSAY_ERR_TOO_BIG past 16 keys).
 */
int	assay_evidence_set_info(struct assay_evidence *ev, const char *key,
	    const char *value);
/* Value of a run.info key as stored (after resume: the original). */
const char *assay_evidence_info(const struct assay_evidence *ev, const char *key);
/*
 * If test case id is done, loads its result into *res (caller clears it)
 * and returns 1; returns 0 when it must run, or ASSAY_ERR_ALLOC or
 * ASSAY_ERR_IO when the journal or its result could not be read whole
 * (res is then cleared; never run it again or overwrite it on that
 * account).
 */
int	assay_evidence_done(struct assay_evidence *ev, const char *id,
	    struct assay_result *res);

/*
 * The readers of a run directory, exposed for the fuzzer; each takes a
 * NUL-terminated text it may modify (lines are cut in place).
 * assay_evidence_parse_info: run.info ("assay-run 1", then KEY VALUE
 * lines, values percent-decoded) into keys[]/values[] (malloc'd, the
 * caller frees; at most max, *n counts them).  Returns 0 or
 * ASSAY_ERR_PARSE (no or a wrong first line, a line over 256 KiB).
 * assay_evidence_parse_result: a result.txt into *res (cleared first;
 * the caller clears it after); returns 1 when it holds a verdict, else
 * 0 with *res cleared.
 * assay_evidence_journal_done: 1 when the journal has "done <id>".
 */
int	assay_evidence_parse_info(char *text, char **keys, char **values,
	    size_t max, size_t *n);
int	assay_evidence_parse_result(char *text, struct assay_result *res);
int	assay_evidence_journal_done(char *text, const char *id);
/*
 * Appends a line to the journal and fdatasyncs it.  Returns 0 or the
 * ASSAY_ERR_* code of the failed write (ASSAY_ERR_NO_SPACE: disk full).
 */
int	assay_evidence_journal(struct assay_evidence *ev, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Starts test case id: fresh evidence/<id>/, journal "start". */
int	assay_evidence_tc_begin(struct assay_evidence *ev, const char *id,
	    struct assay_evidence_tc **out);
/*
 * Reopens test case id after its process died, keeping its transcript
 * (appended to), so the engine can record an ERROR result with
 * assay_evidence_tc_end().
 */
int	assay_evidence_tc_reopen(struct assay_evidence *ev, const char *id,
	    struct assay_evidence_tc **out);
/*
 * The test case's evidence directory, DIR/evidence/<id> (borrowed, valid
 * until assay_evidence_tc_end()): its parent holds Assay's own
 * recordings, which the capture probe may read (run/api.c).
 */
const char *assay_evidence_tc_dir(const struct assay_evidence_tc *tc);
/* Appends to the transcript (masked; binary escaped).  Thread-safe per tc. */
void	assay_evidence_tc_record(struct assay_evidence_tc *tc, const char *channel,
	    const char *dir, const void *data, size_t len);
/*
 * Saves an artefact evidence/<id>/<name> (masked).  name: [A-Za-z0-9._-],
 * no leading dot.  Returns 0 or an ASSAY_ERR_* code.
 */
int	assay_evidence_tc_artefact(struct assay_evidence_tc *tc, const char *name,
	    const void *data, size_t len);
/*
 * Ends the test case: masks the reasons, fills res->evidence with the
 * files written, writes result.txt atomically and the journal "done"
 * line, frees tc.  Returns 0 or an ASSAY_ERR_* code: a transcript that
 * could not be written whole, result.txt or the journal line failing
 * (ASSAY_ERR_NO_SPACE when the disk is full); the test case then does not
 * count as done.
 */
int	assay_evidence_tc_end(struct assay_evidence_tc *tc, struct assay_result *res);
/*
 * Copies the file at src_path to DIR/<subdir>/<name> with every secret
 * masked (the forms, so an auditor can re-run with the secrets supplied).
 * Names: [A-Za-z0-9._-].  Returns 0 or an ASSAY_ERR_* code.
 */
int	assay_evidence_save_masked(struct assay_evidence *ev, const char *subdir,
	    const char *name, const char *src_path);
/*
 * Writes len bytes of data to DIR/<subdir>/<name>, every secret masked
 * (the forms copies, already masked node by node by the forms module).
 * Returns 0 or an ASSAY_ERR_* code.
 */
int	assay_evidence_save_data(struct assay_evidence *ev, const char *subdir,
	    const char *name, const void *data, size_t len);
/*
 * Keeps the public text (a default pair "user:password" of a published
 * list) in clear where a weak secret lies inside it (assay_redact_allow()).
 * Call before any test case runs.  Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_evidence_allow_public(struct assay_evidence *ev,
	    const char *text);
/*
 * The one-line encoding of run.info and result.txt values: '%', control
 * characters and DEL as %XX.  put_encoded appends s to b (0 or an
 * ASSAY_ERR_* code); decode returns a malloc'd copy (NULL: no memory).
 */
struct assay_buf;
int	assay_evidence_put_encoded(struct assay_buf *b, const char *s);
char	*assay_evidence_decode(const char *s);
/* Masked copy of s (malloc'd), or NULL on allocation failure. */
char	*assay_evidence_mask(const struct assay_evidence *ev, const char *s);
/*
 * Adds a secret a test case made during the run (a password it set on the
 * device, assay.new_secret): from now on every spelling of it is masked in
 * everything the store writes, as the forms' secrets are.  tc NULL (no
 * store: the fixture runner, catalogue tools) does nothing.  Returns 0,
 * ASSAY_ERR_INVALID_ARG for an empty secret, or ASSAY_ERR_ALLOC.  user
 * (may be NULL) is the user name it goes with: its Basic-auth pair is
 * masked as well.
 */
int	assay_evidence_tc_add_secret(struct assay_evidence_tc *tc,
	    const char *secret, const char *user);
/* ISO 8601 UTC time now, into buf (>= 21 bytes). */
void	assay_time_iso(char *buf, size_t len);

#endif
