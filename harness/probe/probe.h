/*
 * probe.h - what every probe shares: the per-device budget, evidence
 * recording, and how a probe module exposes itself to Lua.
 *
 * Budget: a lab must never flood a device.  One assay_budget exists per
 * device, in shared memory, and every test-case process of a run (and
 * every thread within one) draws on it; a slot is taken before opening a
 * connection (or sending a datagram burst) and given back after -- by the
 * connection layer (probe/conn.h) for every probe that dials through it.
 * The budget bounds concurrent connections and the rate of new ones.
 * The rate adapts (docs/budget.md): max_rate is a ceiling;
 * the budget starts lower, raises the rate while the device answers
 * promptly, and halves it on timeouts, resets or rising latency, which
 * probes report through assay_budget_feedback().  A liveness watch may
 * pause it while the device does not answer (assay_budget_pause()).
 *
 * Evidence: probes describe what they sent and received through
 * assay_probe_record(); the engine routes that to the evidence store,
 * which masks IXIT secrets before anything reaches disk.
 *
 * Expected network outcomes (refused, reset, timeout, garbage) are values,
 * never ASSAY_ERR_* codes and never Lua errors: in Lua a probe returns
 * nil, "connection reset after 212 bytes".
 */
#ifndef ASSAY_PROBE_H
#define ASSAY_PROBE_H

#include <stddef.h>

struct lua_State;

#define ASSAY_BUDGET_DEFAULT_CONNECTIONS	64
/*
 * The default rate is a ceiling the adaptive budget climbs to only while
 * the device keeps answering promptly: high enough that a healthy device
 * is swept as fast as the machine can connect().
 */
#define ASSAY_BUDGET_DEFAULT_RATE		1000000	/* new connections per second */
#define ASSAY_BUDGET_START_RATE			1000	/* where an adaptive budget starts */
#define ASSAY_BUDGET_MIN_RATE			20	/* it never backs off below this */
#define ASSAY_PROBE_DEFAULT_TIMEOUT_MS		5000
#define ASSAY_PROBE_DEFAULT_MAX_READ		(64 * 1024)

struct assay_budget;

#define ASSAY_BUDGET_MAX_HOLDERS	65	/* engine + 64 test-case processes */

/* New budget; values < 1 take the defaults above.  NULL on allocation failure. */
struct assay_budget	*assay_budget_new(int max_connections, int max_rate);
void			 assay_budget_free(struct assay_budget *b);
/*
 * Takes one connection slot, waiting for a free slot and for the rate
 * limit, at most timeout_ms (0: don't wait).  Returns 0 or ASSAY_ERR_BUDGET.
 * Thread-safe.
 */
int			 assay_budget_acquire(struct assay_budget *b, int timeout_ms);
void			 assay_budget_release(struct assay_budget *b);
int			 assay_budget_max_connections(const struct assay_budget *b);
/*
 * The budget is shared between processes (it lives in shared memory).
 * Each test-case process sets its holder index; when one is killed, the
 * engine gives back the slots it held with assay_budget_reclaim().
 */
void			 assay_budget_set_holder(int idx);
void			 assay_budget_reclaim(struct assay_budget *b, int idx);
/* The configured ceiling on new connections per second. */
int			 assay_budget_max_rate(const struct assay_budget *b);
/*
 * Adaptive (the default) or fixed: a fixed budget runs at its ceiling from
 * the start and ignores feedback (for tests and benchmarks, and for a lab
 * that wants the old behaviour: <budget adaptive="no"/>, --rate-fixed).
 * Set before the budget is shared.
 */
void			 assay_budget_set_adaptive(struct assay_budget *b, int on);
int			 assay_budget_adaptive(struct assay_budget *b);
/* The rate in force now and the highest reached, connections per second. */
double			 assay_budget_rate(struct assay_budget *b);
double			 assay_budget_peak_rate(struct assay_budget *b);
/* Times the adaptive rate was cut (timeouts, resets, latency). */
int			 assay_budget_backoffs(struct assay_budget *b);

/*
 * Outcomes a probe reports after a connect: the device answered
 * (connected, or refused with a RST: a closed port answering is a prompt
 * answer, not a problem) after latency_ns; it did not answer within the
 * timeout; or it reset a connection it had accepted.  Thread- and
 * process-safe; a NULL budget is ignored.
 */
#define ASSAY_BUDGET_ANSWERED	0
#define ASSAY_BUDGET_TIMEOUT	1
#define ASSAY_BUDGET_RESET	2
/*
 * A connect still unanswered after latency_ns, more than
 * assay_budget_late_ns(): told at once, not when it ends, so a device
 * whose queue overflows (its SYNs dropped, retried after a second) is
 * backed off from within tens of milliseconds.  Report each connect once.
 */
#define ASSAY_BUDGET_LATE	3
void			 assay_budget_feedback(struct assay_budget *b, int kind,
			    long long latency_ns);
/*
 * How long an answer may take before it counts as trouble: 4 x the
 * lowest connect latency seen + 50 ms; 0 before any answer, or for a
 * fixed budget (nothing is late then).
 */
long long		 assay_budget_late_ns(struct assay_budget *b);

/*
 * Liveness (the engine's watcher, engine.c): pause makes every acquire
 * wait (time paused does not count against its timeout); resume lets them
 * go on at a lower rate under a lowered ceiling (both halved); stop, for
 * a device that did not come back, makes every acquire fail at once with
 * ASSAY_ERR_BUDGET.  Each pause records an incident (at most
 * ASSAY_BUDGET_MAX_INCIDENTS, the later ones only counted).
 */
#define ASSAY_BUDGET_MAX_INCIDENTS	16
struct assay_budget_incident {
	long long	 at_ms;		/* wall clock (ms since the epoch) */
	double		 rate;		/* connections/s in force when it stopped */
	long long	 down_ms;	/* how long it did not answer */
	int		 recovered;	/* 0: it never came back (stopped) */
};
void			 assay_budget_pause(struct assay_budget *b);
void			 assay_budget_resume(struct assay_budget *b);
void			 assay_budget_stop(struct assay_budget *b);
/*
 * Milliseconds since a slot was last asked for (0 while some slot is held):
 * the watch looks only while probes are talking to the device.
 */
long long		 assay_budget_idle_ms(struct assay_budget *b);
/* 1 paused, 2 stopped, 0 running. */
int			 assay_budget_state(struct assay_budget *b);
/* Incidents so far (the count may exceed what is kept); copies up to max. */
int			 assay_budget_incidents(struct assay_budget *b,
			    struct assay_budget_incident *out, int max);
/*
 * Milliseconds holder idx has been held back by the budget (no slot or no
 * token when it asked), including a delay still going on.  For the
 * engine's reason when it kills a test case at its time limit.
 */
long long		 assay_budget_delayed_ms(struct assay_budget *b, int idx);

/*
 * Evidence sink: channel names the conversation ("tcp 127.0.0.1:23"),
 * dir is "sent", "recv" or "note".  Data may be binary.
 */
typedef void (*assay_record_fn)(void *arg, const char *channel,
    const char *dir, const void *data, size_t len);

/* What a probe needs from the run: one per test case (per Lua state). */
struct assay_probe_env {
	struct assay_budget	*budget;	/* shared, never NULL in a run */
	assay_record_fn		 record;	/* may be NULL: nothing recorded */
	void			*record_arg;
	int			 timeout_ms;	/* default per-operation timeout */
	size_t			 max_read;	/* default cap on bytes read */
};

/* Records through env if it has a sink; safe with env NULL. */
void	assay_probe_record(const struct assay_probe_env *env, const char *channel,
	    const char *dir, const void *data, size_t len);
/*
 * Writes a probe's reason (the outcome text a Lua binding returns as its
 * second value) into reason[len]; nothing when reason is NULL or len 0.
 */
void	assay_probe_reason(char *reason, size_t len, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	assay_probe_note(const struct assay_probe_env *env, const char *channel,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Describes the first bytes of an unexpected reply for a reason string:
 * up to nhex bytes in hex, then up to ntext as printable text in quotes
 * ("48 54 54 50 \"HTTP/1.1\"").  Always NUL-terminates dst (dlen > 0).
 */
void		assay_probe_excerpt(const unsigned char *p, size_t len, size_t nhex,
		    size_t ntext, char *dst, size_t dlen);

/*
 * Outcome of one login attempt, shared by the login probes (telnet, SSH,
 * HTTP, MQTT) and the credential runner above them: the device accepted
 * or rejected the pair, or the network failed before it judged (refused,
 * reset, timeout, garbage).
 */
#define ASSAY_AUTH_ACCEPTED	1
#define ASSAY_AUTH_REJECTED	0
#define ASSAY_AUTH_UNREACHED	(-1)
/*
 * The service offers no method a password can be tried with (an SSH
 * server offering only publickey): nothing to guess, which is neither a
 * rejection nor an acceptance.
 */
#define ASSAY_AUTH_NO_PASSWORD	2

/* "accepted", "rejected", "unreached", "no_password" (static). */
const char	*assay_auth_outcome_name(int outcome);

#define ASSAY_PROBE_FIND_MAX_NEEDLE	1024

/*
 * Finds needle (nlen bytes, at most ASSAY_PROBE_FIND_MAX_NEEDLE) in the
 * hlen bytes of hay, ASCII case-insensitively when nocase is set.  The
 * text search every probe uses on device bytes: Knuth-Morris-Pratt, so
 * O(hlen + nlen) whatever the device sends (no backtracking, NUL bytes
 * are ordinary).  Returns the offset of the first match, or -1 (also for
 * an empty or too long needle).
 */
long		assay_probe_find(const void *hay, size_t hlen, const void *needle,
		    size_t nlen, int nocase);

/*
 * Lua side.  The engine stores the env of a state with
 * assay_probe_env_set() before any test case runs; probe modules fetch it
 * with assay_probe_env_get().  Each probe module provides
 *	void assay_probe_<name>_lua_register(struct lua_State *L);
 * which adds its functions to the table on top of the stack (the
 * `assay.net` table the scripts see) and leaves the stack as it was.
 */
void				 assay_probe_env_set(struct lua_State *L,
				    const struct assay_probe_env *env);
const struct assay_probe_env	*assay_probe_env_get(struct lua_State *L);

#endif /* ASSAY_PROBE_H */
