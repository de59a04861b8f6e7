/*
 * probe_cred.c - credential lists and the concurrent credential runner.
 *
 * Workers are threads, as many as the target's concurrency allows within
 * the budget's connection limit; each takes the next pair from a shared
 * index while fewer attempts run than the service takes now (the runner
 * adapts that number, below), and a pair the network failed is tried
 * again, so every pair ends judged or untried with a reason.  Telnet workers keep their session across attempts so a device
 * that prompts again after a rejection is not reconnected needlessly;
 * every connection still goes through the budget.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/datadir.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/status.h"
#include "probe/probe.h"
#include "probe/cred.h"
#include "probe/http.h"
#include "probe/lua.h"
#include "probe/mqtt.h"
#include "probe/ssh.h"
#include "probe/telnet.h"

#define LIST_FILE_MAX	(1024 * 1024)

struct pair {
	char	*user;
	char	*password;
};

struct assay_cred_list {
	struct pair	*v;
	size_t		 n;
	size_t		 alloc;
};

/* One attempt, stored at the position its pair was taken. */
struct attempt {
	size_t		 idx;
	long long	 ms;
	int		 outcome;
	int		 done;
};

struct assay_cred_result {
	size_t		 attempts;	/* retries included */
	size_t		 unreached;	/* attempts */
	size_t		 rejected;
	size_t		 judged;	/* pairs accepted + rejected */
	size_t		 retries;
	size_t		 untried;	/* pairs not judged */
	size_t		 gave_up;	/* of them, unreached every try */
	char		 gave_up_why[256];
	char		 untried_reason[384];
	int		 gone;		/* stopped: the device stopped answering */
	size_t		 gone_after;	/* judged attempts before that */
	int		 conc_start, conc_peak;
	size_t		 conc_drops;
	int		 no_password;
	char		 no_password_why[256];
	double		 seconds;
	size_t		*accepted;
	size_t		 naccepted;
	struct attempt	*log;		/* by take order */
	size_t		 nlog;
	char		 last_error[256];
};

/*
 * Unreached attempts in a row, at one at a time, after which a device
 * counts as gone.  Three: a device that is gone costs three refusals or
 * time-outs more, each up to the probe's timeout (a dripping device's
 * test case must end within its time limit).  Attempts started before the
 * concurrency fell to one do not count toward it.
 */
#define GONE_AFTER	3

struct assay_cred_list *
assay_cred_list_new(void)
{
	return calloc(1, sizeof(struct assay_cred_list));
}

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
assay_cred_list_free(struct assay_cred_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].user);
		wipe_free(l->v[i].password);
	}
	free(l->v);
	free(l);
}

int
assay_cred_list_add(struct assay_cred_list *l, const char *user,
    const char *password)
{
	struct pair *nv;
	size_t na;

	if (l == NULL || user == NULL || password == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if (strlen(user) > ASSAY_CRED_MAX_FIELD ||
	    strlen(password) > ASSAY_CRED_MAX_FIELD || l->n >= ASSAY_CRED_MAX_PAIRS)
		return ASSAY_ERR_TOO_BIG;
	if (l->n == l->alloc) {
		na = l->alloc ? l->alloc * 2 : 64;
		if ((nv = realloc(l->v, na * sizeof(*nv))) == NULL)
			return ASSAY_ERR_ALLOC;
		l->v = nv;
		l->alloc = na;
	}
	if ((l->v[l->n].user = strdup(user)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((l->v[l->n].password = strdup(password)) == NULL) {
		free(l->v[l->n].user);
		return ASSAY_ERR_ALLOC;
	}
	l->n++;
	return 0;
}

int
assay_cred_list_parse(struct assay_cred_list *l, const char *text, size_t len,
    int *lineno)
{
	char line[2 * ASSAY_CRED_MAX_FIELD + 4], *colon;
	size_t i = 0, j, n;
	int ln = 0, r = 0;

	while (i < len) {
		ln++;
		for (j = i; j < len && text[j] != '\n'; j++)
			;
		n = j - i;
		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		if (n >= sizeof(line)) {
			r = ASSAY_ERR_TOO_BIG;
			goto out;
		}
		memcpy(line, text + i, n);
		line[n] = '\0';
		i = j + 1;
		if (n == 0 || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL) {
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		*colon = '\0';
		if ((r = assay_cred_list_add(l, line, colon + 1)) != 0)
			goto out;
	}
out:
	explicit_bzero(line, sizeof(line));
	if (lineno != NULL)
		*lineno = r != 0 ? ln : 0;
	return r;
}

int
assay_cred_list_load(struct assay_cred_list *l, const char *name)
{
	char path[4096], rel[256], *text = NULL;
	size_t len = 0;
	FILE *fp = NULL;
	const char *c;
	int r, lineno;

	if (name == NULL || *name == '\0')
		return ASSAY_ERR_INVALID_ARG;
	if (strchr(name, '/') == NULL) {
		for (c = name; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
			    *c == '_' || *c == '-'))
				return ASSAY_ERR_INVALID_ARG;
		snprintf(rel, sizeof(rel), "testcases/data/%s.txt", name);
		if ((r = assay_datadir_path(path, sizeof(path), rel)) != 0)
			return r;
	} else if (snprintf(path, sizeof(path), "%s", name) >= (int)sizeof(path))
		return ASSAY_ERR_TOO_BIG;
	if ((fp = fopen(path, "rb")) == NULL)
		return ASSAY_ERR_NOT_FOUND;
	if ((text = malloc(LIST_FILE_MAX + 1)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	len = fread(text, 1, LIST_FILE_MAX + 1, fp);
	if (len > LIST_FILE_MAX) {
		r = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	r = assay_cred_list_parse(l, text, len, &lineno);
	if (r == ASSAY_ERR_PARSE)
		fprintf(stderr, "%s:%d: expected user:password\n", path, lineno);
out:
	if (text != NULL) {
		explicit_bzero(text, len);
		free(text);
	}
	if (fp != NULL)
		fclose(fp);
	return r;
}

size_t
assay_cred_list_count(const struct assay_cred_list *l)
{
	return l == NULL ? 0 : l->n;
}

const char *
assay_cred_list_user(const struct assay_cred_list *l, size_t i)
{
	return i < l->n ? l->v[i].user : NULL;
}

const char *
assay_cred_list_password(const struct assay_cred_list *l, size_t i)
{
	return i < l->n ? l->v[i].password : NULL;
}

/* ---- runner ---- */

/*
 * Concurrency adapts to what the service takes: it starts at
 * START_CONCURRENCY (at most the target's or the budget's limit), halves
 * on every attempt the network failed before the device judged it
 * (refused, reset, timeout: a busybox telnetd with a listen backlog of 1
 * drops what it cannot queue) and grows by one after as many judged
 * attempts in a row as run at once.  An unreached pair is tried again
 * after RETRY_BACKOFF_MS times its tries so far, at most CRED_MAX_TRIES
 * times in all; then it stays untried with the reason.
 */
#define START_CONCURRENCY	4
#define CRED_MAX_TRIES		3
#define RETRY_BACKOFF_MS	100

/* What became of a pair. */
enum pair_state {
	PAIR_OPEN = 0,		/* not judged yet */
	PAIR_JUDGED,		/* accepted or rejected */
	PAIR_GAVE_UP		/* unreached CRED_MAX_TRIES times */
};

struct run {
	const struct assay_probe_env	*env;
	const struct assay_cred_target	*tg;
	struct assay_http_login		 login;	/* http-*: what to log in to */
	const struct assay_cred_list	*list;
	pthread_mutex_t			 mu;
	pthread_cond_t			 cv;	/* a slot, a pair or the end */
	size_t				 next;	/* first pair never taken */
	size_t				*retryq;	/* pairs to try again */
	size_t				 rhead, rtail;
	unsigned char			*tries;	/* per pair */
	unsigned char			*state;	/* enum pair_state, per pair */
	int				 active;	/* attempts under way */
	int				 retrying;	/* pairs in their backoff */
	int				 allowed;	/* attempts at once, now */
	int				 max_conc;
	size_t				 ok_streak;	/* judged since a change */
	size_t				 streak1;	/* unreached at 1, in a row */
	int				 stop;
	int				 err;
	struct assay_cred_result	*res;
	int				 timeout_ms;
	struct assay_http_baseline	 base;
};

static void
stop_with(struct run *run, const char *why)
{
	run->stop = 1;
	pthread_cond_broadcast(&run->cv);
	if (run->res->untried_reason[0] == '\0')
		snprintf(run->res->untried_reason,
		    sizeof(run->res->untried_reason), "%s", why);
}

/*
 * Records an attempt (started with `at_conc` allowed at once) and adapts
 * the concurrency.  Returns the backoff in ms before pair idx is to be
 * tried again (run->retrying counts it), or 0.
 */
static int
note_result(struct run *run, size_t slot, size_t idx, int at_conc, int r,
    int outcome, const char *detail, long long ms)
{
	struct assay_cred_result *res = run->res;
	struct attempt *at = &res->log[slot];
	char why[300];
	int backoff = 0;

	pthread_mutex_lock(&run->mu);
	run->active--;
	pthread_cond_broadcast(&run->cv);
	if (r != 0) {
		if (run->err == 0)
			run->err = r;
		run->stop = 1;
		pthread_mutex_unlock(&run->mu);
		return 0;
	}
	res->attempts++;
	assay_status_progress(res->judged, run->list->n);
	at->ms = ms;
	at->outcome = outcome;
	at->done = 1;
	switch (outcome) {
	case ASSAY_AUTH_ACCEPTED:
	case ASSAY_AUTH_REJECTED:
		res->judged++;
		run->state[idx] = PAIR_JUDGED;
		run->streak1 = 0;
		if (++run->ok_streak >= (size_t)run->allowed &&
		    run->allowed < run->max_conc) {
			run->allowed++;
			run->ok_streak = 0;
			if (run->allowed > res->conc_peak)
				res->conc_peak = run->allowed;
		}
		if (outcome == ASSAY_AUTH_REJECTED) {
			res->rejected++;
			break;
		}
		res->accepted[res->naccepted++] = idx;
		if (run->tg->stop_on_success)
			stop_with(run, "stopped at the first accepted pair");
		break;
	case ASSAY_AUTH_NO_PASSWORD:
		/* The device answered the pair: there is nothing to guess. */
		res->judged++;
		run->state[idx] = PAIR_JUDGED;
		if (!res->no_password) {
			res->no_password = 1;
			snprintf(res->no_password_why,
			    sizeof(res->no_password_why), "%s", detail);
		}
		stop_with(run, detail);
		break;
	default:
		res->unreached++;
		snprintf(res->last_error, sizeof(res->last_error), "%s", detail);
		if (run->allowed > 1) {
			run->allowed /= 2;
			res->conc_drops++;
		}
		run->ok_streak = 0;
		if (at_conc == 1)
			run->streak1++;
		if (run->streak1 >= GONE_AFTER) {
			res->gone = 1;
			res->gone_after = res->judged;
			if (res->judged > 0)
				snprintf(why, sizeof(why), "device stopped "
				    "answering after %zu judged attempts: %.200s",
				    res->judged, detail);
			else
				snprintf(why, sizeof(why), "device did not "
				    "answer: %.200s", detail);
			stop_with(run, why);
		}
		if (++run->tries[idx] >= CRED_MAX_TRIES) {
			run->state[idx] = PAIR_GAVE_UP;
			snprintf(res->gave_up_why, sizeof(res->gave_up_why), "%s",
			    detail);
		} else if (!run->stop) {
			backoff = RETRY_BACKOFF_MS * run->tries[idx];
			run->retrying++;
			res->retries++;
		}
		break;
	}
	pthread_mutex_unlock(&run->mu);
	return backoff;
}

/* Pair idx is back from its backoff: queue it, unless the run stopped. */
static void
requeue(struct run *run, size_t idx)
{
	pthread_mutex_lock(&run->mu);
	run->retrying--;
	if (!run->stop)
		run->retryq[run->rtail++] = idx;
	pthread_cond_broadcast(&run->cv);
	pthread_mutex_unlock(&run->mu);
}

/*
 * Takes the next pair once fewer than the allowed attempts are under way:
 * a pair back from its backoff first, else the next in list order.  Sets
 * its list index, its slot in the log and the concurrency it starts at.
 * Returns 0 when the run is over (stopped, or nothing left anywhere).
 */
static int
take(struct run *run, size_t *idx, size_t *slot, int *at_conc)
{
	int ok = 0;

	pthread_mutex_lock(&run->mu);
	for (;;) {
		if (run->stop)
			break;
		if (run->active < run->allowed && (run->rhead < run->rtail ||
		    run->next < run->list->n)) {
			*idx = run->rhead < run->rtail ?
			    run->retryq[run->rhead++] : run->next++;
			*slot = run->res->nlog++;
			run->res->log[*slot].idx = *idx;
			*at_conc = run->allowed;
			run->active++;
			ok = 1;
			break;
		}
		if (run->active == 0 && run->retrying == 0 &&
		    run->rhead == run->rtail && run->next >= run->list->n)
			break;
		pthread_cond_wait(&run->cv, &run->mu);
	}
	pthread_mutex_unlock(&run->mu);
	return ok;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void *
worker(void *arg)
{
	struct run *run = arg;
	const struct assay_cred_target *tg = run->tg;
	struct assay_telnet *tn = NULL;
	char detail[256];
	size_t idx, slot;
	long long t0;
	int r, outcome, at_conc, backoff;

	if (tg->service == ASSAY_CRED_TELNET &&
	    (tn = assay_probe_telnet_new(run->env, tg->host, tg->port,
	    run->timeout_ms, 0)) == NULL) {
		pthread_mutex_lock(&run->mu);
		if (run->err == 0)
			run->err = ASSAY_ERR_ALLOC;
		run->stop = 1;
		pthread_cond_broadcast(&run->cv);
		pthread_mutex_unlock(&run->mu);
		return NULL;
	}
	while (take(run, &idx, &slot, &at_conc)) {
		const char *u = run->list->v[idx].user;
		const char *p = run->list->v[idx].password;

		detail[0] = '\0';
		outcome = ASSAY_AUTH_UNREACHED;
		t0 = assay_clock_ms();
		switch (tg->service) {
		case ASSAY_CRED_TELNET:
			r = assay_probe_telnet_try(tn, u, p, &outcome, detail,
			    sizeof(detail));
			break;
		case ASSAY_CRED_SSH:
			r = assay_probe_ssh_login(run->env, tg->host, tg->port, u, p,
			    run->timeout_ms, &outcome, detail, sizeof(detail));
			break;
		case ASSAY_CRED_MQTT:
			r = assay_probe_mqtt_login(run->env, tg->host, tg->port,
			    tg->tls, u, p, run->timeout_ms, &outcome, detail,
			    sizeof(detail));
			break;
		default:
			r = assay_probe_http_login(run->env, &run->login, &run->base,
			    u, p, run->timeout_ms, &outcome, detail,
			    sizeof(detail));
			break;
		}
		if ((backoff = note_result(run, slot, idx, at_conc, r, outcome,
		    detail, assay_clock_ms() - t0)) > 0) {
			sleep_ms(backoff);
			requeue(run, idx);
		}
	}
	assay_probe_telnet_free(tn);
	return NULL;
}

static double
mono_s(void)
{
	return (double)assay_clock_ns() / 1e9;
}

/*
 * Says why the pairs not judged were not: those given up after their
 * tries, and the rest (never taken, or waiting for a retry at the stop).
 */
static void
untried_reasons(struct run *run)
{
	struct assay_cred_result *res = run->res;
	char stop[sizeof(res->untried_reason)];
	size_t i, gave_up = 0, rest;
	int n;

	for (i = 0; i < run->list->n; i++)
		gave_up += run->state[i] == PAIR_GAVE_UP;
	res->untried = run->list->n - res->judged;
	res->gave_up = gave_up;
	rest = res->untried - gave_up;
	snprintf(stop, sizeof(stop), "%s", res->untried_reason[0] != '\0' ?
	    res->untried_reason : "run stopped early");
	res->untried_reason[0] = '\0';
	/* Only the reason the run stopped: as it was. */
	if (gave_up == 0) {
		if (rest > 0)
			snprintf(res->untried_reason,
			    sizeof(res->untried_reason), "%s", stop);
		return;
	}
	n = snprintf(res->untried_reason, sizeof(res->untried_reason),
	    "%zu unreached after %d tries each (last: %.120s)", gave_up,
	    CRED_MAX_TRIES, res->gave_up_why);
	if (rest > 0 && n >= 0 && (size_t)n < sizeof(res->untried_reason))
		snprintf(res->untried_reason + n, sizeof(res->untried_reason) -
		    (size_t)n, "; %zu not tried: %.250s", rest, stop);
}

/* The run's tally, for the evidence: tried, untried and why, pacing. */
static void
note_tally(const struct run *run)
{
	const struct assay_cred_target *tg = run->tg;
	const struct assay_cred_result *res = run->res;
	static const char *const names[] = { "telnet", "ssh", "http-basic",
	    "http-digest", "http-form", "mqtt" };
	const char *svc = (size_t)tg->service < sizeof(names) /
	    sizeof(names[0]) ? names[tg->service] : "?";
	char channel[128];

	if (ASSAY_CRED_BY_URL(tg->service))
		snprintf(channel, sizeof(channel), "cred %s", svc);
	else
		snprintf(channel, sizeof(channel), "cred %s %s:%d", svc,
		    tg->host, tg->port);
	assay_probe_note(run->env, channel, "%zu of %zu pairs tried (%zu "
	    "accepted, %zu rejected), %zu untried%s%s; %zu attempts, %zu "
	    "retries, %zu unreached; concurrency started at %d, peak %d, "
	    "limit %d, dropped %zu times; %.2f s", res->judged, run->list->n,
	    res->naccepted, res->rejected, res->untried,
	    res->untried > 0 ? ": " : "", res->untried > 0 ?
	    res->untried_reason : "", res->attempts, res->retries,
	    res->unreached, res->conc_start, res->conc_peak, run->max_conc,
	    res->conc_drops, res->seconds);
}

int
assay_cred_run(const struct assay_probe_env *env,
    const struct assay_cred_target *tg, const struct assay_cred_list *list,
    struct assay_cred_result **resp)
{
	struct assay_cred_result *res = NULL;
	struct run run;
	pthread_t *th = NULL;
	int i, nth, started = 0, r = 0, sync = 0;
	double t0;

	*resp = NULL;
	if (tg == NULL || list == NULL ||
	    (!ASSAY_CRED_BY_URL(tg->service) && tg->host == NULL) ||
	    (ASSAY_CRED_BY_URL(tg->service) && tg->url == NULL))
		return ASSAY_ERR_INVALID_ARG;
	memset(&run, 0, sizeof(run));
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (res->accepted = calloc(list->n + 1, sizeof(size_t))) == NULL ||
	    (res->log = calloc(list->n * CRED_MAX_TRIES + 1,
	    sizeof(*res->log))) == NULL ||
	    (run.retryq = calloc(list->n * CRED_MAX_TRIES + 1,
	    sizeof(size_t))) == NULL ||
	    (run.tries = calloc(list->n + 1, 1)) == NULL ||
	    (run.state = calloc(list->n + 1, 1)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	nth = tg->concurrency > 0 ? tg->concurrency : ASSAY_BUDGET_DEFAULT_CONNECTIONS;
	if (env != NULL && env->budget != NULL &&
	    nth > assay_budget_max_connections(env->budget))
		nth = assay_budget_max_connections(env->budget);
	if ((size_t)nth > list->n)
		nth = (int)list->n;
	run.env = env;
	run.tg = tg;
	run.list = list;
	run.res = res;
	run.max_conc = nth;
	run.allowed = nth < START_CONCURRENCY ? nth : START_CONCURRENCY;
	res->conc_start = res->conc_peak = run.allowed;
	run.login.kind = tg->service == ASSAY_CRED_HTTP_FORM ?
	    ASSAY_HTTP_LOGIN_FORM : tg->service == ASSAY_CRED_HTTP_DIGEST ?
	    ASSAY_HTTP_LOGIN_DIGEST : ASSAY_HTTP_LOGIN_BASIC;
	run.login.url = tg->url;
	run.login.form_body = tg->form_body;
	run.login.success_marker = tg->success_marker;
	run.login.failure_marker = tg->failure_marker;
	run.login.success_status = tg->success_status;
	run.timeout_ms = tg->timeout_ms > 0 ? tg->timeout_ms :
	    (env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	if (pthread_mutex_init(&run.mu, NULL) != 0) {
		r = ASSAY_ERR_INTERNAL;
		goto out;
	}
	if (pthread_cond_init(&run.cv, NULL) != 0) {
		pthread_mutex_destroy(&run.mu);
		r = ASSAY_ERR_INTERNAL;
		goto out;
	}
	sync = 1;
	t0 = mono_s();
	/* HTTP logins are judged against the answer to no valid login. */
	if (ASSAY_CRED_BY_URL(tg->service) && list->n > 0 &&
	    (r = assay_probe_http_login_baseline(env, &run.login, run.timeout_ms,
	    &run.base)) == 0 && !run.base.valid) {
		snprintf(res->last_error, sizeof(res->last_error), "%s",
		    run.base.why);
		snprintf(res->untried_reason, sizeof(res->untried_reason),
		    "device did not answer the request without credentials: "
		    "%.180s", run.base.why);
		nth = 0;
	}
	if (nth > 0 && (th = calloc((size_t)nth, sizeof(*th))) == NULL)
		r = ASSAY_ERR_ALLOC;
	for (i = 0; r == 0 && i < nth; i++) {
		if (pthread_create(&th[i], NULL, worker, &run) != 0) {
			if (started == 0)
				r = ASSAY_ERR_INTERNAL;
			break;
		}
		started++;
	}
	/* Fewer threads than wanted: never allow more than there are. */
	pthread_mutex_lock(&run.mu);
	if (started < run.max_conc) {
		run.max_conc = started > 0 ? started : 1;
		if (run.allowed > run.max_conc)
			run.allowed = run.max_conc;
	}
	pthread_mutex_unlock(&run.mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	res->seconds = mono_s() - t0;
	untried_reasons(&run);
	if (r == 0)
		r = run.err;
	if (r == 0)
		note_tally(&run);
	if (r == 0) {
		*resp = res;
		res = NULL;
	}
out:
	if (sync) {
		pthread_cond_destroy(&run.cv);
		pthread_mutex_destroy(&run.mu);
	}
	free(th);
	free(run.retryq);
	free(run.tries);
	free(run.state);
	assay_cred_result_free(res);
	return r;
}

void
assay_cred_result_free(struct assay_cred_result *r)
{
	if (r == NULL)
		return;
	free(r->accepted);
	free(r->log);
	free(r);
}

size_t
assay_cred_result_attempts(const struct assay_cred_result *r)
{
	return r->attempts;
}

size_t
assay_cred_result_unreached(const struct assay_cred_result *r)
{
	return r->unreached;
}

double
assay_cred_result_seconds(const struct assay_cred_result *r)
{
	return r->seconds;
}

double
assay_cred_result_rate(const struct assay_cred_result *r)
{
	return r->seconds > 0 ? (double)r->attempts / r->seconds : 0.0;
}

size_t
assay_cred_result_accepted_count(const struct assay_cred_result *r)
{
	return r->naccepted;
}

size_t
assay_cred_result_accepted(const struct assay_cred_result *r, size_t i)
{
	return i < r->naccepted ? r->accepted[i] : (size_t)-1;
}

const char *
assay_cred_result_last_error(const struct assay_cred_result *r)
{
	return r->last_error;
}

size_t
assay_cred_result_rejected(const struct assay_cred_result *r)
{
	return r->rejected;
}

size_t
assay_cred_result_tried(const struct assay_cred_result *r)
{
	return r->judged;
}

size_t
assay_cred_result_retries(const struct assay_cred_result *r)
{
	return r->retries;
}

size_t
assay_cred_result_untried(const struct assay_cred_result *r)
{
	return r->untried;
}

const char *
assay_cred_result_untried_reason(const struct assay_cred_result *r)
{
	return r->untried_reason;
}

int
assay_cred_result_stopped_answering(const struct assay_cred_result *r,
    size_t *after)
{
	int gone = r->gone && r->gone_after > 0;

	if (after != NULL)
		*after = gone ? r->gone_after : 0;
	return gone;
}

int
assay_cred_result_no_password(const struct assay_cred_result *r,
    const char **why)
{
	if (why != NULL)
		*why = r->no_password_why;
	return r->no_password;
}

int
assay_cred_result_attempt(const struct assay_cred_result *r, size_t i,
    size_t *idx, long long *ms, int *outcome)
{
	size_t k, n = 0;

	/* Slots of pairs whose attempt ended with a harness error stay empty. */
	for (k = 0; k < r->nlog; k++) {
		if (!r->log[k].done)
			continue;
		if (n++ == i) {
			*idx = r->log[k].idx;
			*ms = r->log[k].ms;
			*outcome = r->log[k].outcome;
			return 0;
		}
	}
	return -1;
}

/* ---- Lua (contract: probe/lua.h) ---- */

static void
list_free(void *p)
{
	assay_cred_list_free(p);
}

static void
result_free(void *p)
{
	assay_cred_result_free(p);
}

/*
 * try_credentials{service=, host=, port=, url=, tls=, list= | pairs=,
 * form=, success_marker=, failure_marker=, success_status=,
 * concurrency=, timeout_ms=, stop_on_success=} -> result | nil, reason
 */
static int
l_try_credentials(lua_State *L)
{
	static const char *const known[] = { "service", "host", "port", "url",
	    "tls", "list", "pairs", "form", "success_marker", "failure_marker",
	    "success_status", "concurrency", "timeout_ms", "stop_on_success",
	    NULL };
	static const struct {
		const char		*name;
		enum assay_cred_service	 svc;
	} services[] = {
		{ "telnet", ASSAY_CRED_TELNET },
		{ "ssh", ASSAY_CRED_SSH },
		{ "http-basic", ASSAY_CRED_HTTP_BASIC },
		{ "http-digest", ASSAY_CRED_HTTP_DIGEST },
		{ "http-form", ASSAY_CRED_HTTP_FORM },
		{ "mqtt", ASSAY_CRED_MQTT },
	};
	const char *fn = "try_credentials";
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_cred_target tg;
	struct assay_cred_list **lbox, *list;
	struct assay_cred_result **rbox, *res;
	const char *svc, *lname, *u, *p;
	lua_Integer i, n;
	size_t k, after, ai;
	long long ams;
	int r, aout;

	assay_lua_opts(L, fn, known);
	memset(&tg, 0, sizeof(tg));
	svc = assay_lua_req_str(L, fn, "service");
	for (k = 0; k < sizeof(services) / sizeof(services[0]); k++)
		if (strcmp(services[k].name, svc) == 0)
			break;
	if (k == sizeof(services) / sizeof(services[0]))
		return assay_lua_argerror(L, fn, "unknown service \"%.40s\" (telnet, "
		    "ssh, http-basic, http-digest, http-form, mqtt)", svc);
	tg.service = services[k].svc;
	if (ASSAY_CRED_BY_URL(tg.service))
		tg.url = assay_lua_req_str(L, fn, "url");
	else {
		tg.host = assay_lua_host(L, fn);
		tg.port = assay_lua_port(L, fn, 0);
	}
	/* host/port for http-* and url for the others are ignored. */
	(void)assay_lua_opt_str(L, fn, "host", NULL);
	(void)assay_lua_opt_int(L, fn, "port", 0, 1, 65535);
	(void)assay_lua_opt_str(L, fn, "url", NULL);
	tg.form_body = assay_lua_opt_str(L, fn, "form", NULL);
	tg.success_marker = assay_lua_opt_str(L, fn, "success_marker", NULL);
	tg.failure_marker = assay_lua_opt_str(L, fn, "failure_marker", NULL);
	tg.success_status = (int)assay_lua_opt_int(L, fn, "success_status", 0,
	    100, 599);
	tg.concurrency = (int)assay_lua_opt_int(L, fn, "concurrency", 0, 1,
	    1024);
	tg.timeout_ms = assay_lua_timeout(L, fn);
	tg.stop_on_success = assay_lua_opt_bool(L, fn, "stop_on_success", 0);
	tg.tls = assay_lua_opt_bool(L, fn, "tls", 0);
	if (tg.service == ASSAY_CRED_HTTP_FORM && tg.form_body == NULL)
		return assay_lua_argerror(L, fn, "form is required for http-form");
	lname = assay_lua_opt_str(L, fn, "list", NULL);
	if (lname != NULL && strchr(lname, '/') != NULL)
		return assay_lua_argerror(L, fn, "list \"%.40s\" is not a list name",
		    lname);
	lbox = (struct assay_cred_list **)assay_lua_box(L, list_free);
	if ((*lbox = list = assay_cred_list_new()) == NULL)
		return luaL_error(L, "%s: out of memory", fn);
	/* A list that is not there is a bug of the test case, like a typo. */
	if (lname != NULL && (r = assay_cred_list_load(list, lname)) != 0)
		return assay_lua_argerror(L, fn, "list \"%.40s\": %s", lname,
		    assay_strerror(r));
	if (lua_getfield(L, 1, "pairs") == LUA_TTABLE) {
		n = (lua_Integer)lua_rawlen(L, -1);
		for (i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			if (lua_type(L, -1) != LUA_TTABLE)
				return assay_lua_argerror(L, fn, "pairs[%d]: "
				    "expected {user, password}", (int)i);
			lua_rawgeti(L, -1, 1);
			lua_rawgeti(L, -2, 2);
			u = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
			p = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
			if (u == NULL || p == NULL)
				return assay_lua_argerror(L, fn, "pairs[%d]: "
				    "expected {user, password}", (int)i);
			if ((r = assay_cred_list_add(list, u, p)) != 0)
				return assay_lua_argerror(L, fn, "pairs[%d]: %s",
				    (int)i, assay_strerror(r));
			lua_pop(L, 3);
		}
	} else if (!lua_isnil(L, -1))
		return assay_lua_argerror(L, fn, "pairs must be a list of "
		    "{user, password}");
	lua_pop(L, 1);
	if (assay_cred_list_count(list) == 0)
		return assay_lua_argerror(L, fn, "no credentials (list or pairs)");
	rbox = (struct assay_cred_result **)assay_lua_box(L, result_free);
	if ((r = assay_cred_run(env, &tg, list, rbox)) != 0)
		return assay_lua_harness_error(L, fn, r, tg.timeout_ms);
	res = *rbox;
	lua_createtable(L, 0, 16);
	lua_createtable(L, (int)res->naccepted, 0);
	for (k = 0; k < res->naccepted; k++) {
		lua_createtable(L, 2, 0);
		lua_pushstring(L, list->v[res->accepted[k]].user);
		lua_rawseti(L, -2, 1);
		lua_pushstring(L, list->v[res->accepted[k]].password);
		lua_rawseti(L, -2, 2);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_setfield(L, -2, "accepted");
	lua_pushinteger(L, (lua_Integer)res->attempts);
	lua_setfield(L, -2, "attempts");
	lua_pushinteger(L, (lua_Integer)res->unreached);
	lua_setfield(L, -2, "unreached");
	lua_pushinteger(L, (lua_Integer)res->rejected);
	lua_setfield(L, -2, "rejected");
	lua_pushnumber(L, assay_cred_result_rate(res));
	lua_setfield(L, -2, "rate");
	lua_pushnumber(L, res->seconds);
	lua_setfield(L, -2, "seconds");
	if (res->last_error[0] != '\0') {
		lua_pushstring(L, res->last_error);
		lua_setfield(L, -2, "last_error");
	}
	lua_pushinteger(L, (lua_Integer)res->judged);
	lua_setfield(L, -2, "tried");
	lua_pushinteger(L, (lua_Integer)res->retries);
	lua_setfield(L, -2, "retries");
	lua_pushinteger(L, (lua_Integer)res->untried);
	lua_setfield(L, -2, "untried");
	if (res->untried > 0) {
		lua_pushstring(L, res->untried_reason);
		lua_setfield(L, -2, "untried_reason");
	}
	lua_pushboolean(L, assay_cred_result_stopped_answering(res, &after));
	lua_setfield(L, -2, "stopped_answering");
	lua_pushinteger(L, (lua_Integer)after);
	lua_setfield(L, -2, "after");
	lua_pushboolean(L, res->no_password);
	lua_setfield(L, -2, "no_password");
	if (res->no_password) {
		lua_pushstring(L, res->no_password_why);
		lua_setfield(L, -2, "no_password_reason");
	}
	lua_createtable(L, (int)res->attempts, 0);	/* timings_ms */
	lua_createtable(L, (int)res->attempts, 0);	/* outcomes */
	for (k = 0; assay_cred_result_attempt(res, k, &ai, &ams, &aout) == 0;
	    k++) {
		lua_pushinteger(L, (lua_Integer)ams);
		lua_rawseti(L, -3, (lua_Integer)k + 1);
		lua_pushstring(L, assay_auth_outcome_name(aout));
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_setfield(L, -3, "outcomes");
	lua_setfield(L, -2, "timings_ms");
	return 1;
}

/*
 * credential_list{list=} -> { {user, password}, ... }: a named list of
 * testcases/data parsed by the same code try_credentials uses, for test
 * cases that compare passwords with the lists.  A missing or malformed
 * list raises (a bug of the test case or the installation).
 */
static int
l_credential_list(lua_State *L)
{
	static const char *const known[] = { "list", NULL };
	const char *fn = "credential_list";
	struct assay_cred_list **box;
	const char *name;
	size_t i;
	int r;

	assay_lua_opts(L, fn, known);
	name = assay_lua_req_str(L, fn, "list");
	if (strchr(name, '/') != NULL)
		return assay_lua_argerror(L, fn, "list \"%.40s\" is not a list name",
		    name);
	box = (struct assay_cred_list **)assay_lua_box(L, list_free);
	if ((*box = assay_cred_list_new()) == NULL)
		return luaL_error(L, "%s: out of memory", fn);
	if ((r = assay_cred_list_load(*box, name)) != 0)
		return assay_lua_argerror(L, fn, "list \"%.40s\": %s", name,
		    assay_strerror(r));
	lua_createtable(L, (int)(*box)->n, 0);
	for (i = 0; i < (*box)->n; i++) {
		lua_createtable(L, 2, 0);
		lua_pushstring(L, (*box)->v[i].user);
		lua_rawseti(L, -2, 1);
		lua_pushstring(L, (*box)->v[i].password);
		lua_rawseti(L, -2, 2);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

void
assay_probe_cred_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_try_credentials);
	lua_setfield(L, -2, "try_credentials");
	lua_pushcfunction(L, l_credential_list);
	lua_setfield(L, -2, "credential_list");
}
