/*
 * probe_cred.h - credential runner: tries user/password pairs against a
 * telnet, SSH, HTTP or MQTT login within the per-device budget.
 *
 * Each login probe (telnet, SSH, HTTP) reports one attempt as an outcome
 * (probe/probe.h, so the login probes need nothing from here):
 * ASSAY_AUTH_ACCEPTED, ASSAY_AUTH_REJECTED, or ASSAY_AUTH_UNREACHED when
 * the network failed before the device judged the pair (refused, reset,
 * timeout, garbage); a detail string says why.  Harness failures are the
 * usual negative ASSAY_ERR_* return codes.
 */
#ifndef ASSAY_PROBE_CRED_H
#define ASSAY_PROBE_CRED_H

#include <stddef.h>

#include "probe/probe.h"

#define ASSAY_CRED_MAX_PAIRS	4096
#define ASSAY_CRED_MAX_FIELD	256	/* bytes per user or password */

enum assay_cred_service {
	ASSAY_CRED_TELNET,
	ASSAY_CRED_SSH,
	ASSAY_CRED_HTTP_BASIC,
	ASSAY_CRED_HTTP_DIGEST,
	ASSAY_CRED_HTTP_FORM,
	ASSAY_CRED_MQTT		/* CONNECT with user and password; tls for MQTTS */
};

/* Whether a service is reached by URL (the http-* kinds) or by host and port. */
#define ASSAY_CRED_BY_URL(s)	((s) == ASSAY_CRED_HTTP_BASIC || \
	(s) == ASSAY_CRED_HTTP_DIGEST || (s) == ASSAY_CRED_HTTP_FORM)

struct assay_cred_list;

/* New empty list; NULL on allocation failure.  Free with assay_cred_list_free(). */
struct assay_cred_list	*assay_cred_list_new(void);
/* Frees the list, wiping every password; NULL is accepted. */
void			 assay_cred_list_free(struct assay_cred_list *l);
/* Appends a copy of the pair.  Returns 0, ASSAY_ERR_TOO_BIG or ASSAY_ERR_ALLOC. */
int			 assay_cred_list_add(struct assay_cred_list *l,
			    const char *user, const char *password);
/*
 * Parses "user:password" lines (split at the first ':'; '#' starts a
 * comment line; blank lines skipped; CR stripped) and appends them.
 * Returns 0 or ASSAY_ERR_PARSE (a line without ':'; *lineno set),
 * ASSAY_ERR_TOO_BIG, ASSAY_ERR_ALLOC.
 */
int			 assay_cred_list_parse(struct assay_cred_list *l,
			    const char *text, size_t len, int *lineno);
/*
 * Loads a named list from <datadir>/testcases/data/<name>.txt (name is
 * [a-z0-9_-]+) or, when name contains '/', from that path.  Returns 0,
 * ASSAY_ERR_INVALID_ARG, ASSAY_ERR_NOT_FOUND, ASSAY_ERR_PARSE, ...
 */
int			 assay_cred_list_load(struct assay_cred_list *l,
			    const char *name);
size_t			 assay_cred_list_count(const struct assay_cred_list *l);
/* Borrowed strings, valid while the list lives.  i < count. */
const char		*assay_cred_list_user(const struct assay_cred_list *l, size_t i);
const char		*assay_cred_list_password(const struct assay_cred_list *l, size_t i);

/* What to attack and how. */
struct assay_cred_target {
	enum assay_cred_service	 service;
	const char		*host;
	int			 port;
	const char		*url;		/* http-*: full URL (host/port unused) */
	int			 tls;		/* mqtt: over TLS (MQTTS) */
	/* http-form: fields with %u/%p placeholders, and success judges */
	const char		*form_body;
	const char		*success_marker;	/* body contains it: success */
	const char		*failure_marker;	/* body contains it: rejection */
	int			 success_status;	/* 0: 2xx/3xx counts */
	int			 concurrency;	/* 0: up to the budget */
	int			 timeout_ms;	/* 0: env default */
	int			 stop_on_success;
};

struct assay_cred_result;

/*
 * Tries every pair of list against target, each connection through the
 * budget, at most min(concurrency, budget connections) at a time: the
 * runner starts at 4 at once, halves on every attempt the network failed
 * before the device judged it (refused, reset, timeout) and grows by one
 * after as many judged attempts in a row as run at once.  Such an
 * unreached pair is tried again after a backoff, up to 3 tries; so every
 * pair ends judged (accepted or rejected) or counted untried with the
 * reason.  Stops early after the first accepted pair when stop_on_success
 * is set, and when the device stopped answering (3 unreached in a row at
 * one at a time).  Notes the tally (tried, untried and why, retries,
 * concurrency) in the evidence.  Returns 0 and *resp (free with
 * assay_cred_result_free()) or a negative ASSAY_ERR_*; network failures
 * are counted in the result, not errors.
 */
int	assay_cred_run(const struct assay_probe_env *env,
	    const struct assay_cred_target *target,
	    const struct assay_cred_list *list, struct assay_cred_result **resp);
void	assay_cred_result_free(struct assay_cred_result *r);
/*
 * Accessors.  Pair strings are borrowed from the list given to the run.
 * attempts counts every login attempt, retries included; unreached, the
 * attempts the network failed; tried, the pairs the device judged
 * (accepted + rejected), so tried + untried is the list's length.
 */
size_t	assay_cred_result_attempts(const struct assay_cred_result *r);
size_t	assay_cred_result_unreached(const struct assay_cred_result *r);
size_t	assay_cred_result_tried(const struct assay_cred_result *r);
size_t	assay_cred_result_retries(const struct assay_cred_result *r);
double	assay_cred_result_seconds(const struct assay_cred_result *r);
double	assay_cred_result_rate(const struct assay_cred_result *r);
size_t	assay_cred_result_accepted_count(const struct assay_cred_result *r);
/* Index into the list of the i-th accepted pair. */
size_t	assay_cred_result_accepted(const struct assay_cred_result *r, size_t i);
/* Last network failure seen, or "" (borrowed). */
const char *assay_cred_result_last_error(const struct assay_cred_result *r);
/* Attempts the device rejected (judged and refused). */
size_t	assay_cred_result_rejected(const struct assay_cred_result *r);
/*
 * Pairs the device never judged, and why (borrowed, "" when every pair
 * was tried): "N unreached after 3 tries each (last: ...)", then "N not
 * tried: " and why the run stopped ("stopped at the first accepted
 * pair", "no password to guess: ...", "device stopped answering after N
 * judged attempts: ...").
 */
size_t	assay_cred_result_untried(const struct assay_cred_result *r);
const char *assay_cred_result_untried_reason(const struct assay_cred_result *r);
/*
 * 1 when the device judged at least one pair and the run then stopped
 * because it stopped answering (it crashed, locked up or dropped us),
 * with *after the number of judged attempts before that; else 0.
 */
int	assay_cred_result_stopped_answering(const struct assay_cred_result *r,
	    size_t *after);
/* 1 when the service offers no password method (detail in *why). */
int	assay_cred_result_no_password(const struct assay_cred_result *r,
	    const char **why);
/*
 * The i-th attempt in the order the pairs were taken (list order), i <
 * attempts: its list index, duration in ms and ASSAY_AUTH_* outcome.
 * Returns 0, or -1 for i out of range.
 */
int	assay_cred_result_attempt(const struct assay_cred_result *r, size_t i,
	    size_t *idx, long long *ms, int *outcome);

/* Adds try_credentials to the table on top of the stack. */
void	assay_probe_cred_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_CRED_H */
