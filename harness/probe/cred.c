/*
 * probe_cred.c - credential lists and the concurrent credential runner.
 *
 * Workers are threads, as many as the target's concurrency allows within
 * the budget's connection limit; each takes the next pair from a shared
 * index.  Telnet workers keep their session across attempts so a device
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
	size_t		 attempts;
	size_t		 unreached;
	size_t		 rejected;
	size_t		 judged;	/* accepted + rejected */
	size_t		 streak;	/* unreached since the last judged */
	size_t		 untried;
	char		 untried_reason[256];
	int		 no_password;
	char		 no_password_why[256];
	double		 seconds;
	size_t		*accepted;
	size_t		 naccepted;
	struct attempt	*log;		/* by take order */
	size_t		 nlog;
	char		 last_error[256];
};

/* Consecutive unreached attempts after which a device counts as gone. */
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

struct run {
	const struct assay_probe_env	*env;
	const struct assay_cred_target	*tg;
	struct assay_http_login		 login;	/* http-*: what to log in to */
	const struct assay_cred_list	*list;
	pthread_mutex_t			 mu;
	size_t				 next;
	int				 stop;
	int				 err;
	struct assay_cred_result	*res;
	int				 timeout_ms;
	size_t				 gone_after;
	struct assay_http_baseline	 base;
};

static void
stop_with(struct run *run, const char *why)
{
	run->stop = 1;
	if (run->res->untried_reason[0] == '\0')
		snprintf(run->res->untried_reason,
		    sizeof(run->res->untried_reason), "%s", why);
}

static void
note_result(struct run *run, size_t slot, int r, int outcome,
    const char *detail, long long ms)
{
	struct assay_cred_result *res = run->res;
	struct attempt *at = &res->log[slot];
	char why[300];

	pthread_mutex_lock(&run->mu);
	if (r != 0) {
		if (run->err == 0)
			run->err = r;
		run->stop = 1;
		pthread_mutex_unlock(&run->mu);
		return;
	}
	res->attempts++;
	assay_status_progress(res->attempts, run->list->n);
	at->ms = ms;
	at->outcome = outcome;
	at->done = 1;
	switch (outcome) {
	case ASSAY_AUTH_ACCEPTED:
	case ASSAY_AUTH_REJECTED:
		res->judged++;
		res->streak = 0;
		if (outcome == ASSAY_AUTH_REJECTED) {
			res->rejected++;
			break;
		}
		res->accepted[res->naccepted++] = at->idx;
		if (run->tg->stop_on_success)
			stop_with(run, "stopped at the first accepted pair");
		break;
	case ASSAY_AUTH_NO_PASSWORD:
		if (!res->no_password) {
			res->no_password = 1;
			snprintf(res->no_password_why,
			    sizeof(res->no_password_why), "%s", detail);
		}
		stop_with(run, detail);
		break;
	default:
		res->unreached++;
		res->streak++;
		snprintf(res->last_error, sizeof(res->last_error), "%s", detail);
		if (res->streak >= run->gone_after) {
			if (res->judged > 0)
				snprintf(why, sizeof(why), "device stopped "
				    "answering after %zu judged attempts: %.200s",
				    res->judged, detail);
			else
				snprintf(why, sizeof(why), "device did not "
				    "answer: %.200s", detail);
			stop_with(run, why);
		}
		break;
	}
	pthread_mutex_unlock(&run->mu);
}

/* Takes the next pair: its list index and its slot in the log. */
static int
take(struct run *run, size_t *idx, size_t *slot)
{
	int ok;

	pthread_mutex_lock(&run->mu);
	ok = !run->stop && run->next < run->list->n;
	if (ok) {
		*idx = run->next++;
		*slot = run->res->nlog++;
		run->res->log[*slot].idx = *idx;
	}
	pthread_mutex_unlock(&run->mu);
	return ok;
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
	int r, outcome;

	if (tg->service == ASSAY_CRED_TELNET &&
	    (tn = assay_probe_telnet_new(run->env, tg->host, tg->port,
	    run->timeout_ms, 0)) == NULL) {
		pthread_mutex_lock(&run->mu);
		if (run->err == 0)
			run->err = ASSAY_ERR_ALLOC;
		run->stop = 1;
		pthread_mutex_unlock(&run->mu);
		return NULL;
	}
	while (take(run, &idx, &slot)) {
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
		note_result(run, slot, r, outcome, detail,
		    assay_clock_ms() - t0);
	}
	assay_probe_telnet_free(tn);
	return NULL;
}

static double
mono_s(void)
{
	return (double)assay_clock_ns() / 1e9;
}

int
assay_cred_run(const struct assay_probe_env *env,
    const struct assay_cred_target *tg, const struct assay_cred_list *list,
    struct assay_cred_result **resp)
{
	struct assay_cred_result *res = NULL;
	struct run run;
	pthread_t *th = NULL;
	int i, nth, started = 0, r = 0;
	double t0;

	*resp = NULL;
	if (tg == NULL || list == NULL ||
	    (!ASSAY_CRED_BY_URL(tg->service) && tg->host == NULL) ||
	    (ASSAY_CRED_BY_URL(tg->service) && tg->url == NULL))
		return ASSAY_ERR_INVALID_ARG;
	memset(&run, 0, sizeof(run));
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (res->accepted = calloc(list->n + 1, sizeof(size_t))) == NULL ||
	    (res->log = calloc(list->n + 1, sizeof(*res->log))) == NULL) {
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
	/*
	 * A device is gone after GONE_AFTER unreached attempts in a row, or
	 * as many as run at once (they may all fail together).
	 */
	run.gone_after = nth > GONE_AFTER ? (size_t)nth : GONE_AFTER;
	pthread_mutex_init(&run.mu, NULL);
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
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	res->seconds = mono_s() - t0;
	pthread_mutex_destroy(&run.mu);
	res->untried = list->n - res->attempts;
	if (res->untried > 0 && res->untried_reason[0] == '\0')
		snprintf(res->untried_reason, sizeof(res->untried_reason),
		    "run stopped early");
	if (res->untried == 0)
		res->untried_reason[0] = '\0';
	if (r == 0)
		r = run.err;
	if (r == 0) {
		*resp = res;
		res = NULL;
	}
out:
	free(th);
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
	int gone = r->judged > 0 && r->streak > 0;

	if (after != NULL)
		*after = gone ? r->judged : 0;
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
