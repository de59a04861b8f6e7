/*
 * engine.c - run an assessment: applicability, scheduling, verdicts.
 *
 * Data flow: forms (ICS, IXIT) + spec -> applicability per provision ->
 * queue of selected test cases -> one child process per test case, each
 * in a fresh sandbox with the `assay` API -> assay_result per test case,
 * saved by the evidence store as it completes -> aggregation -> report
 * writers.
 */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "run/api.h"
#include "run/catalogue.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/datadir.h"
#include "base/diag.h"
#include "run/engine.h"
#include "run/profile.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/term.h"
#include "run/evidence.h"
#include "run/external.h"
#include "run/liveness.h"
#include "forms/forms.h"
#include "probe/lua.h"
#include "probe/probe.h"
#include "run/model.h"
#include "base/status.h"
#include "run/review.h"
#include "run/sandbox.h"
#include "forms/spec.h"
#include "run/verdict.h"

#define MAX_JOBS	64
/* Functional test cases sweep ports and try credentials within the budget. */
#define ASSAY_ENGINE_DEFAULT_TIMEOUT_MS	ASSAY_FORMS_DEFAULT_TC_TIMEOUT_MS

static volatile sig_atomic_t interrupted;
/*
 * The first error that left the run model short (a reason that could not
 * be made, a stored result not read back): no report is written from it.
 */
static int model_err;

void
assay_engine_interrupt(void)
{
	interrupted = 1;
}

struct shared {
	const struct assay_engine_opts	*o;
	struct assay_run		*run;
	struct assay_evidence		*ev;
	struct assay_budget		*budget;
	struct assay_api_shared		*api;
	struct assay_status_board	*board;		/* status line only */
	struct assay_sandbox_limits	 limits;
	const char			*datadir;
	size_t				*queue;
	unsigned char			*taken;		/* per queue position */
	size_t				 nqueue;
	size_t				 next;		/* first not taken */
	size_t				 ndone;
	size_t				 nunsaved;	/* done, result not on disk */
	size_t				 nverdict[ASSAY_VERDICT_COUNT];
	long long			 start_ms;
	pid_t				 supervisor;	/* the test cases' parent */
	int				 status_shown;	/* a status line is up */
	/*
	 * The prepared state each test case's process starts from (the API
	 * and lib/assay.lua, the same for every test case: prepare()); NULL
	 * when it could not be made, and each process builds its own.  Its
	 * functions point at tctx and tpenv, which stay here, in place.
	 */
	struct assay_sandbox		*tmpl;
	struct assay_api_ctx		 tctx;
	struct assay_probe_env		 tpenv;
	/* The run's evidence/, allowed for captures once ("" when missing) */
	char				 evroot[ASSAY_PATH_MAX];
};

/*
 * A test-case process whose result could not be stored (a full disk) says
 * why by its exit status: STORE_FAIL_BASE + -ASSAY_ERR_*, 65..95.  Other
 * statuses (0; 1 or 86+ from a sanitizer) mean something else.
 */
#define STORE_FAIL_BASE		64
#define STORE_FAIL_MAX		31
#define STORE_FAIL_STATUS(r)	(STORE_FAIL_BASE + ((r) < 0 && \
				    (r) >= -STORE_FAIL_MAX ? -(r) : \
				    -ASSAY_ERR_EVIDENCE))

/* The run's secret mask for the report writers (run/model.h). */
static char *
evidence_mask(const void *arg, const char *s)
{
	return assay_evidence_mask(arg, s);
}

static void
set_reason(struct assay_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
set_reason(struct assay_result *res, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		s = NULL;
		model_err = ASSAY_ERR_ALLOC;
	}
	va_end(ap);
	free(res->reason);
	res->reason = s;
}

/* Formats into a new string; NULL when out of memory. */
static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0) {
		s = NULL;
		model_err = ASSAY_ERR_ALLOC;
	}
	va_end(ap);
	return s;
}

/* strdup() that marks the run model incomplete when it fails. */
static char *
mdup(const char *s)
{
	char *c;

	if ((c = strdup(s)) == NULL)
		model_err = ASSAY_ERR_ALLOC;
	return c;
}

static void
record_cb(void *arg, const char *channel, const char *dir, const void *data,
    size_t len)
{
	assay_evidence_tc_record(arg, channel, dir, data, len);
}

void
assay_engine_settle(lua_State *L, struct assay_result *res)
{
	enum assay_verdict v, units = ASSAY_VERDICT_NOT_APPLICABLE;
	const char *vs, *reason;
	size_t i, first_bad = (size_t)-1;

	if (lua_type(L, -2) != LUA_TSTRING) {
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "test case returned no verdict (got %s): "
		    "return pass(...), fail(...) or inconclusive(...)",
		    luaL_typename(L, -2));
		return;
	}
	vs = lua_tostring(L, -2);
	reason = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
	if (assay_verdict_parse(vs, &v) != 0 || (v != ASSAY_VERDICT_PASS &&
	    v != ASSAY_VERDICT_FAIL && v != ASSAY_VERDICT_INCONCLUSIVE)) {
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "test case returned \"%.40s\": only PASS, FAIL "
		    "or INCONCLUSIVE may be returned", vs);
		return;
	}
	if (v != ASSAY_VERDICT_PASS && *reason == '\0') {
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "test case returned %s without a reason",
		    assay_verdict_name(v));
		return;
	}
	for (i = 0; i < res->nunits; i++) {
		enum assay_verdict u = res->units[i].verdict;

		if (assay_verdict_rank(u) > assay_verdict_rank(units)) {
			units = u;
			first_bad = i;
		}
	}
	if (assay_verdict_rank(units) > assay_verdict_rank(v)) {
		/* A unit is worse than what run() said: the unit wins. */
		res->verdict = units;
		set_reason(res, "unit %s: %s%s%s", res->units[first_bad].unit,
		    res->units[first_bad].reason, *reason ? "; " : "", reason);
		return;
	}
	res->verdict = v;
	set_reason(res, "%s", reason);
}

/*
 * One --judgement "TESTCASE[/UNIT]=VERDICT:TEXT" into its parts; unit ""
 * for every unit of the test case.  Returns 0 or -1 (malformed).
 */
static int
split_judgement(const char *j, char *id, size_t idlen, char *unit,
    size_t unitlen, char *vs, size_t vslen, const char **text)
{
	const char *eq, *colon, *slash;

	if ((eq = strchr(j, '=')) == NULL ||
	    (colon = strchr(eq, ':')) == NULL || colon[1] == '\0' ||
	    (size_t)(eq - j) >= idlen || (size_t)(colon - eq - 1) >= vslen)
		return -1;
	slash = memchr(j, '/', (size_t)(eq - j));
	snprintf(id, idlen, "%.*s", (int)((slash ? slash : eq) - j), j);
	if (slash != NULL) {
		if ((size_t)(eq - slash - 1) >= unitlen)
			return -1;
		snprintf(unit, unitlen, "%.*s", (int)(eq - slash - 1), slash + 1);
	} else
		unit[0] = '\0';
	snprintf(vs, vslen, "%.*s", (int)(colon - eq - 1), eq + 1);
	*text = colon + 1;
	return 0;
}

/*
 * Each judgement names a catalogue test case (and a unit TS 103 701
 * numbers), a verdict a person may give and a text; an assessor must be
 * named.
 */
static int
check_judgements(const struct assay_engine_opts *o,
    const struct assay_catalogue *cat, const struct assay_spec *spec,
    struct assay_diag *d)
{
	const char *text;
	enum assay_verdict v;
	char id[64], unit[8], vs[32];
	size_t k;
	long t;
	int bad = 0;

	if (o->njudgements > 0 && (o->meta.assessor == NULL ||
	    o->meta.assessor[strspn(o->meta.assessor, " \t")] == '\0')) {
		assay_diag_add(d, "--judgement", 0, "a judgement needs the name "
		    "of the assessor who made it (--assessor NAME)");
		bad++;
	}
	for (k = 0; k < o->njudgements; k++) {
		if (split_judgement(o->judgements[k], id, sizeof(id), unit,
		    sizeof(unit), vs, sizeof(vs), &text) != 0) {
			assay_diag_add(d, "--judgement", 0, "\"%s\": expected "
			    "TESTCASE[/UNIT]=VERDICT:TEXT", o->judgements[k]);
			bad++;
			continue;
		}
		if (assay_catalogue_find(cat, id) < 0) {
			assay_diag_add(d, "--judgement", 0, "no test case \"%s\"",
			    id);
			bad++;
		} else if (unit[0] != '\0' && ((t = assay_spec_testcase_find(spec,
		    id)) < 0 || unit[1] != '\0' || unit[0] < 'a' ||
		    unit[0] >= 'a' + assay_spec_testcase_units(spec, (size_t)t))) {
			assay_diag_add(d, "--judgement", 0, "%s has no unit \"%s\"",
			    id, unit);
			bad++;
		}
		if (assay_verdict_parse(vs, &v) != 0 || (v != ASSAY_VERDICT_PASS &&
		    v != ASSAY_VERDICT_FAIL && v != ASSAY_VERDICT_INCONCLUSIVE)) {
			assay_diag_add(d, "--judgement", 0, "\"%s\": the verdict "
			    "must be PASS, FAIL or INCONCLUSIVE", vs);
			bad++;
		}
	}
	return bad ? ASSAY_ERR_USAGE : 0;
}

/*
 * Records the --judgement options of a new run in review/judgements, as
 * `assay review --apply` would, secrets masked.
 */
static int
record_judgements(const struct assay_engine_opts *o, const struct assay_spec *spec,
    struct assay_evidence *ev)
{
	struct assay_judgement *j;
	struct assay_mask mask = { evidence_mask, ev };
	char id[64], unit[8], vs[32], now[32];
	const char *text;
	size_t k, n = 0, cap = 0;
	int u, nu, r = 0;
	long t;

	if (o->njudgements == 0)
		return 0;
	assay_time_iso(now, sizeof(now));
	for (k = 0; k < o->njudgements; k++)
		cap += 26;
	if ((j = calloc(cap, sizeof(*j))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (k = 0; k < o->njudgements && r == 0; k++) {
		if (split_judgement(o->judgements[k], id, sizeof(id), unit,
		    sizeof(unit), vs, sizeof(vs), &text) != 0 ||
		    (t = assay_spec_testcase_find(spec, id)) < 0)
			continue;	/* checked before */
		nu = unit[0] ? 1 : assay_spec_testcase_units(spec, (size_t)t);
		for (u = 0; u < nu && u < 26 && r == 0; u++) {
			struct assay_judgement *x = &j[n++];

			snprintf(x->test_case, sizeof(x->test_case), "%.31s", id);
			snprintf(x->unit, sizeof(x->unit), "%c",
			    unit[0] ? unit[0] : 'a' + u);
			(void)assay_verdict_parse(vs, &x->verdict);
			snprintf(x->at, sizeof(x->at), "%s", now);
			if ((x->rationale = strdup(text)) == NULL ||
			    (x->assessor = strdup(o->meta.assessor)) == NULL ||
			    (x->source = strdup("--judgement")) == NULL)
				r = ASSAY_ERR_ALLOC;
		}
	}
	if (r == 0)
		r = assay_judgements_append(assay_evidence_dir(ev), j, n, &mask);
	assay_judgements_free(j, n);
	return r;
}

/*
 * Applies the judgements recorded in the run directory to the results of
 * the test cases that ran, and counts the units still waiting for a
 * person or decided from free text.
 */
static int
apply_judgements(struct assay_run *run, const char *dir,
    struct assay_judgement **jp, size_t *njp, struct assay_diag *d)
{
	size_t i, k, nt = assay_catalogue_count(run->catalogue);
	int r;

	if ((r = assay_judgements_load(dir, jp, njp, d)) != 0)
		return r;
	run->judgements = *jp;
	run->njudgements = *njp;
	run->units_pending = run->units_text = 0;
	for (i = 0; i < nt; i++) {
		struct assay_result *res = &run->results[i];

		if (!run->selected[i])
			continue;
		if ((r = assay_judgement_apply(res, assay_catalogue_id(
		    run->catalogue, i), *jp, *njp)) != 0)
			return r;
		for (k = 0; k < res->nunits; k++) {
			const struct assay_unit_result *u = &res->units[k];

			if (u->by == ASSAY_BY_ASSESSOR)
				continue;
			if (u->basis == ASSAY_BASIS_PERSON ||
			    u->by == ASSAY_BY_HARNESS)
				run->units_pending++;
			else if (u->basis == ASSAY_BASIS_TEXT)
				run->units_text++;
		}
	}
	return 0;
}

/* TS 103 701's unit count for catalogue test case i (0: unknown). */
static int
spec_units(const struct assay_run *run, size_t i)
{
	long k = assay_spec_testcase_find(run->spec,
	    assay_catalogue_id(run->catalogue, i));

	return k < 0 ? 0 : assay_spec_testcase_units(run->spec, (size_t)k);
}

/* What every test case's probe environment and API context share. */
static void
common_env(struct shared *sh, struct assay_probe_env *penv,
    struct assay_api_ctx *ctx)
{
	memset(penv, 0, sizeof(*penv));
	penv->budget = sh->budget;
	penv->record = record_cb;
	penv->timeout_ms = ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	penv->max_read = ASSAY_PROBE_DEFAULT_MAX_READ;
	memset(ctx, 0, sizeof(*ctx));
	ctx->forms = sh->run->forms;
	ctx->catalogue = sh->run->catalogue;
	ctx->probe_env = penv;
	ctx->datadir = sh->datadir;
	ctx->shared = sh->api;
	ctx->evidence_root = sh->evroot[0] != '\0' ? sh->evroot : NULL;
}

/*
 * Prepares sh->tmpl: a sandbox with the API and lib/assay.lua, built once
 * instead of in each test case's process (a third to a half of an empty
 * test case's CPU time: bench/README.md, "The engine").  Each process
 * forks with a copy of it and only adds its own test case.  No test
 * case's code ever runs in it here.  Failing, each process builds its
 * own as before, and reports what fails there.
 */
static void *
prepare(void *arg)
{
	struct shared *sh = arg;
	struct assay_sandbox *sb = NULL;
	lua_State *L;
	size_t before, after;

	common_env(sh, &sh->tpenv, &sh->tctx);
	if (assay_sandbox_new(&sh->limits, &sb) != 0)
		return NULL;
	if (assay_api_prepare(sb, &sh->tctx) != 0 ||
	    assay_catalogue_prepare_run(sh->run->catalogue, sb) != 0) {
		assay_sandbox_free(sb);
		return NULL;
	}
	/*
	 * What only the queued test cases need is made here too, once, not
	 * in each process: their group files compiled (every test case of
	 * a group compiled the group's whole file again) and their
	 * `assay.testcase` tables (new strings and tables: copy-on-write
	 * faults all over the state).  Those bytes are held outside the
	 * memory limit, so a test case's allowance does not depend on how
	 * many others were queued; measured between full collections.  A
	 * state where this failed may be spent (a limit): none then.
	 */
	L = assay_sandbox_state(sb);
	lua_gc(L, LUA_GCCOLLECT);
	before = assay_sandbox_bytes(sb);
	if (assay_catalogue_precompile(sh->run->catalogue, sb, sh->queue,
	    sh->nqueue) != 0 || assay_api_prebuild(sb, &sh->tctx, sh->queue,
	    sh->nqueue) != 0) {
		assay_sandbox_free(sb);
		return NULL;
	}
	/*
	 * A collection cycle ends here, not in the processes: a cycle
	 * marks every object, writing to every page of the state, and a
	 * process would pay for each as a copy-on-write fault.  The next
	 * starts only once a process has allocated about as much again.
	 */
	lua_gc(L, LUA_GCCOLLECT);
	after = assay_sandbox_bytes(sb);
	if (assay_sandbox_hold(sb, after > before ? after - before : 0) != 0) {
		assay_sandbox_free(sb);
		return NULL;
	}
	sh->tmpl = sb;
	return NULL;
}

/*
 * Runs test case i and stores its result.  Returns 0, or the ASSAY_ERR_*
 * code when its result could not be stored (then it is not done on disk:
 * --resume runs it again).  prepared: start from this process's copy of
 * sh->tmpl (a test case's own process only: the state is used up).
 */
static int
run_one(struct shared *sh, size_t i, int prepared)
{
	const struct assay_catalogue *cat = sh->run->catalogue;
	struct assay_result *res = &sh->run->results[i];
	struct assay_evidence_tc *etc = NULL;
	struct assay_sandbox *sb = NULL;
	struct assay_probe_env lpenv, *penvp = &lpenv;
	struct assay_api_ctx lctx, *ctxp = &lctx;
	long long t0;
	lua_State *L;
	int r;

	assay_result_clear(res);
	assay_time_iso(res->started, sizeof(res->started));
	t0 = assay_clock_ms();
	if ((r = assay_evidence_tc_begin(sh->ev, assay_catalogue_id(cat, i),
	    &etc)) != 0) {
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "cannot open the evidence directory: %s",
		    assay_strerror(r));
		fprintf(stderr, "assay: %s: cannot open its evidence directory "
		    "in %s: %s\n", assay_catalogue_id(cat, i),
		    assay_evidence_dir(sh->ev), assay_strerror(r));
		return r;
	}
	if (prepared && sh->tmpl != NULL) {
		sb = sh->tmpl;
		sh->tmpl = NULL;
		penvp = &sh->tpenv;
		ctxp = &sh->tctx;
		/* The time and instruction limits are the test case's own. */
		assay_sandbox_rearm(sb);
	} else {
		common_env(sh, penvp, ctxp);
		if ((r = assay_sandbox_new(&sh->limits, &sb)) != 0) {
			res->verdict = ASSAY_VERDICT_ERROR;
			set_reason(res, "cannot create the sandbox: %s",
			    assay_strerror(r));
			goto done;
		}
		prepared = 0;
	}
	penvp->record_arg = etc;
	ctxp->tc = i;
	ctxp->evidence = etc;
	ctxp->result = res;
	L = assay_sandbox_state(sb);
	if ((!prepared && (r = assay_api_prepare(sb, ctxp)) != 0) ||
	    (r = assay_api_bind(sb, ctxp)) != 0 ||
	    (r = (prepared ? assay_catalogue_push_prepared :
	    assay_catalogue_push_run)(cat, i, sb)) != 0) {
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "loading the test case failed: %s%s%s",
		    assay_strerror(r), *assay_sandbox_error(sb) ? ": " : "",
		    assay_sandbox_error(sb));
		goto done;
	}
	lua_getglobal(L, "assay");
	r = assay_sandbox_call(sb, 1, 2);
	switch (r) {
	case 0:
		assay_engine_settle(L, res);
		lua_pop(L, 2);
		break;
	case ASSAY_ERR_LIMIT_MEMORY:
	case ASSAY_ERR_LIMIT_TIME:
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "%s: %s", assay_strerror(r),
		    assay_sandbox_error(sb));
		break;
	default:
		res->verdict = ASSAY_VERDICT_ERROR;
		set_reason(res, "test case raised an error: %s",
		    assay_sandbox_error(sb));
		break;
	}
 done:
	if (prepared)
		/*
		 * The process ends next.  Closing the state would write to
		 * nearly every page it shares with the supervisor (each a
		 * copy-on-write fault, which cost more than building the
		 * state afresh); what closing does that matters outside is
		 * the probes' boxes (sockets, captures, a gateway, an outage).
		 */
		assay_lua_boxes_release();
	else
		assay_sandbox_free(sb);
	res->duration_ms = (long)(assay_clock_ms() - t0);
	if (res->reason == NULL)
		set_reason(res, "%s", "");
	if ((r = assay_result_fill_units(res, spec_units(sh->run, i))) != 0 ||
	    (r = assay_evidence_tc_end(etc, res)) != 0) {
		/* The verdict stands, but it is not on disk: say so. */
		fprintf(stderr, "assay: %s: could not save the result in "
		    "%s/evidence/%s: %s\n", assay_catalogue_id(cat, i),
		    assay_evidence_dir(sh->ev), assay_catalogue_id(cat, i),
		    assay_strerror(r));
		return r;
	}
	return 0;
}

/* Grace after the test-case time limit before its process is killed:
 * the limit itself, at most 10 s. */
#define KILL_GRACE_MS(t)	((t) < 10000 ? (t) : 10000)
#define STATUS_REDRAW_MS	250	/* the live status line, at most */
/*
 * How often a child without a pidfd (pidfd_open(2) missing: a kernel
 * before 5.3, or no descriptor left) is checked with waitpid().
 */
#define NOPIDFD_TICK_MS		10

struct child {
	pid_t		pid;
	int		pidfd;		/* readable once it ended; -1: none */
	size_t		tc;
	int		slot;		/* holder index, 1..jobs */
	long long	started_ms;
	long long	deadline_ms;
};

/* The SGR colour of a verdict on a terminal ("" for none). */
static const char *
verdict_color(enum assay_verdict v)
{
	switch (v) {
	case ASSAY_VERDICT_PASS:
		return "\033[32m";
	case ASSAY_VERDICT_FAIL:
		return "\033[1;31m";
	case ASSAY_VERDICT_INCONCLUSIVE:
		return "\033[33m";
	case ASSAY_VERDICT_ERROR:
		return "\033[35m";
	default:
		return "\033[2m";
	}
}

/* Takes the status line down before anything else is printed. */
static void
status_clear(struct shared *sh)
{
	if (sh->status_shown) {
		fputs("\r\033[K", stderr);
		sh->status_shown = 0;
	}
}

/* "1m05s" or "42s". */
static void
fmt_secs(char *buf, size_t len, long long ms)
{
	long long s = ms / 1000;

	if (s >= 60)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%llds", s);
}

/*
 * The live status line (o->status_line): done/total, the test cases
 * running, each with the probe it is in as its process reports it
 * (base/status.h, checked there), verdicts so far, elapsed and, once one
 * is done, the time left at the pace so far; cut to the terminal's width
 * so it stays one line.
 */
static void
status_draw(struct shared *sh, const struct child *kids, size_t nkids)
{
	struct winsize ws;
	char line[512], el[32], left[32], probe[ASSAY_STATUS_TEXT_MAX];
	long long now = assay_clock_ms() - sh->start_ms;
	size_t n, k, cols = 80;

	if (!sh->o->status_line || sh->o->quiet)
		return;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		cols = ws.ws_col;
	fmt_secs(el, sizeof(el), now);
	n = (size_t)snprintf(line, sizeof(line), "%zu/%zu done, %zu FAIL, "
	    "%zu INCONCLUSIVE, %zu PASS, %s", sh->ndone, sh->nqueue,
	    sh->nverdict[ASSAY_VERDICT_FAIL],
	    sh->nverdict[ASSAY_VERDICT_INCONCLUSIVE],
	    sh->nverdict[ASSAY_VERDICT_PASS], el);
	if (sh->ndone > 0 && sh->ndone < sh->nqueue && n < sizeof(line)) {
		fmt_secs(left, sizeof(left), now / (long long)sh->ndone *
		    (long long)(sh->nqueue - sh->ndone));
		n += (size_t)snprintf(line + n, sizeof(line) - n,
		    ", about %s left", left);
	}
	for (k = 0; k < nkids && n < sizeof(line); k++) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s",
		    k == 0 ? "; running " : " ",
		    assay_catalogue_id(sh->run->catalogue, kids[k].tc));
		if (n < sizeof(line) && assay_status_board_read(sh->board,
		    kids[k].slot, probe, sizeof(probe)) > 0)
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    " [%s]", probe);
	}
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (n > cols - 1)
		n = cols - 1;
	line[n] = '\0';
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	sh->status_shown = 1;
}

static void
progress(struct shared *sh, size_t i)
{
	const struct assay_result *r = &sh->run->results[i];
	char id[64], reason[ASSAY_TERM_ESC_MAX], verdict[32];
	size_t k;

	if ((size_t)r->verdict < ASSAY_VERDICT_COUNT)
		sh->nverdict[r->verdict]++;
	if (sh->o->quiet)
		return;
	status_clear(sh);
	snprintf(verdict, sizeof(verdict), "%-14s",
	    assay_verdict_name(r->verdict));
	/* The reason carries device text: escaped for the terminal. */
	fprintf(stderr, "[%3zu/%zu] %-10s %s%s%s %5ld ms  %s\n", sh->ndone,
	    sh->nqueue, assay_term_esc(id, sizeof(id),
	    assay_catalogue_id(sh->run->catalogue, i)),
	    sh->o->color ? verdict_color(r->verdict) : "", verdict,
	    sh->o->color ? "\033[0m" : "", r->duration_ms,
	    assay_term_esc(reason, sizeof(reason),
	    r->verdict == ASSAY_VERDICT_PASS && sh->o->verbose < 1 ? "" :
	    r->reason));
	for (k = 0; sh->o->verbose >= 2 && k < r->nunits; k++) {
		const struct assay_unit_result *u = &r->units[k];

		fprintf(stderr, "           unit %s %s%-14s%s %s: %s\n", u->unit,
		    sh->o->color ? verdict_color(u->verdict) : "",
		    assay_verdict_name(u->verdict),
		    sh->o->color ? "\033[0m" : "", assay_basis_key(u->basis),
		    assay_term_esc(reason, sizeof(reason), u->reason));
	}
}

/*
 * A test-case process ended: take its result from the evidence store, or,
 * when it left none (killed, crashed), record an ERROR saying why, keeping
 * whatever transcript it wrote.  Gives back the budget slots and cache
 * entries it held.
 */
static void
reap(struct shared *sh, const struct child *c, int status, int killed,
    long long started_ms)
{
	const struct assay_catalogue *cat = sh->run->catalogue;
	struct assay_result *res = &sh->run->results[c->tc];
	struct assay_evidence_tc *etc = NULL;
	const char *id = assay_catalogue_id(cat, c->tc);
	long long limit_ms = sh->limits.timeout_ms, held_ms;
	int done;

	held_ms = killed ? assay_budget_delayed_ms(sh->budget, c->slot) : 0;
	assay_budget_reclaim(sh->budget, c->slot);
	assay_api_shared_reclaim(sh->api, c->slot);
	assay_status_board_clear(sh->board, c->slot);
	assay_result_clear(res);
	if (!killed && (done = assay_evidence_done(sh->ev, id, res)) != 0) {
		/* Stored, but not read back whole: keep it, write no report. */
		if (done < 0 && model_err == 0)
			model_err = done;
		sh->ndone++;
		progress(sh, c->tc);
		return;
	}
	assay_result_clear(res);
	res->verdict = ASSAY_VERDICT_ERROR;
	res->duration_ms = (long)(assay_clock_ms() - started_ms);
	assay_time_iso(res->started, sizeof(res->started));
	if (!killed && WIFEXITED(status) &&
	    WEXITSTATUS(status) > STORE_FAIL_BASE &&
	    WEXITSTATUS(status) <= STORE_FAIL_BASE + STORE_FAIL_MAX) {
		/*
		 * It ran, but its result is not on disk: not done, so
		 * --resume runs it again once there is room; nothing is
		 * stored now (an ERROR on disk would be final).
		 */
		int why = -(WEXITSTATUS(status) - STORE_FAIL_BASE);

		set_reason(res, "the test case's result could not be stored: "
		    "%s; %sfinish with --resume", assay_strerror(why),
		    why == ASSAY_ERR_NO_SPACE ? "free space, then " : "");
		sh->nunsaved++;
		sh->ndone++;
		progress(sh, c->tc);
		return;
	}
	if (killed && held_ms * 4 >= limit_ms) {
		char now[96] = "";

		/* Adaptive: the rate it had come down (or up) to. */
		if (assay_budget_adaptive(sh->budget))
			snprintf(now, sizeof(now), " (%.0f when it was killed: "
			    "the rate adapts to how the device answers)",
			    assay_budget_rate(sh->budget));
		set_reason(res, "time limit exceeded: the probe budget held the "
		    "test case back for %lld s of its %lld s limit (at most %d "
		    "new connections per second%s, %d at once; a sweep of all "
		    "65535 TCP ports alone takes %d s at this rate); its process "
		    "was killed after %lld s.  Raise the budget in the lab "
		    "set-up file (or --max-rate, --max-connections) if the "
		    "device can take it, or the time limit (--timeout)",
		    held_ms / 1000, limit_ms / 1000,
		    assay_budget_max_rate(sh->budget), now,
		    assay_budget_max_connections(sh->budget),
		    65535 / (assay_budget_max_rate(sh->budget) > 0 ?
		    assay_budget_max_rate(sh->budget) : 1),
		    (limit_ms + KILL_GRACE_MS(limit_ms)) / 1000);
	} else if (killed)
		set_reason(res, "time limit exceeded: the test case did not end "
		    "within its %lld s limit and its process was killed after "
		    "%lld s (C code the Lua time limit cannot interrupt, e.g. a "
		    "pathological pattern, or a probe that ignored its timeout)",
		    limit_ms / 1000, (limit_ms + KILL_GRACE_MS(limit_ms)) / 1000);
	else if (WIFSIGNALED(status))
		set_reason(res, "the test case's process died: signal %d (%s)",
		    WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		set_reason(res, "the test case's process ended without a result "
		    "(exit status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (assay_result_fill_units(res, spec_units(sh->run, c->tc)) != 0 ||
	    assay_evidence_tc_reopen(sh->ev, id, &etc) != 0 ||
	    assay_evidence_tc_end(etc, res) != 0)
		sh->nunsaved++;
	sh->ndone++;
	progress(sh, c->tc);
}

/*
 * In the test case's own process: run it, record it, leave.  mask is the
 * signal mask to restore once the supervisor's handlers are replaced.
 */
static void
child_main(struct shared *sh, size_t i, int slot, const sigset_t *mask)
{
	char name[16];
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != sh->supervisor)
		_exit(0);	/* it died before the line above: no one to tell */
	/* What ps and top show for it: "assay 5.1-1-2". */
	snprintf(name, sizeof(name), "assay %s",
	    assay_catalogue_id(sh->run->catalogue, i));
	prctl(PR_SET_NAME, name);
	signal(SIGINT, SIG_IGN);	/* Ctrl-C: the engine decides */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigprocmask(SIG_SETMASK, mask, NULL);
	assay_budget_set_holder(slot);
	assay_api_set_holder(slot);
	assay_status_attach(sh->board, slot);
	r = run_one(sh, i, 1);
	_exit(r == 0 ? 0 : STORE_FAIL_STATUS(r));
}

/* Whether a running test case holds one of the exclusive tags `tag`. */
static int
tag_busy(const struct assay_catalogue *cat, const struct child *kids,
    size_t nkids, const char *tag)
{
	const char *t;
	size_t k;

	for (k = 0; k < nkids; k++)
		if ((t = assay_catalogue_exclusive(cat, kids[k].tc)) != NULL &&
		    assay_tags_overlap(t, tag))
			return 1;
	return 0;
}

/*
 * The next test case to start.  Test cases holding an exclusive tag come
 * first: those sharing a tag run one after another, so the chain of the
 * longest tag (the gateway's, on a device with a client side: each waits
 * out the device's own traffic) is the least a run can take, and it
 * starts at once instead of behind test cases that could run beside it.
 * Among them, and then among the others, the first in queue order none
 * of whose exclusive tags a running test case holds.  Returns its queue
 * position, or -1 when none may start now.
 */
static long
pick(struct shared *sh, const struct child *kids, size_t nkids)
{
	const struct assay_catalogue *cat = sh->run->catalogue;
	const char *tag;
	size_t q;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (q = sh->next; q < sh->nqueue; q++) {
			if (sh->taken[q])
				continue;
			tag = assay_catalogue_exclusive(cat, sh->queue[q]);
			/* Pass 0: free tagged ones; pass 1: untagged ones. */
			if (tag != NULL ? pass == 1 ||
			    tag_busy(cat, kids, nkids, tag) : pass == 0)
				continue;
			sh->taken[q] = 1;
			while (sh->next < sh->nqueue && sh->taken[sh->next])
				sh->next++;
			return (long)q;
		}
	return -1;
}

/*
 * A descriptor that becomes readable when child pid ends (pidfd_open(2),
 * Linux 5.3), or -1 when the kernel has none to give: the supervisor then
 * looks at that child every NOPIDFD_TICK_MS instead.
 */
static int
child_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* The child's process is gone (reaped): its slot and pidfd are free. */
static void
child_forget(struct child *kids, size_t *nkids, size_t k, int *used)
{
	if (kids[k].pidfd >= 0)
		close(kids[k].pidfd);
	used[kids[k].slot] = 0;
	kids[k] = kids[*nkids - 1];
	(*nkids)--;
}

/*
 * Reaps every child that ended and kills (then reaps) every one past its
 * deadline.  Returns how many were reaped.
 */
static size_t
reap_ended(struct shared *sh, struct child *kids, size_t *nkids, int *used)
{
	size_t k = 0, n = 0;
	int status, killed;
	pid_t pid;

	while (k < *nkids) {
		killed = 0;
		pid = waitpid(kids[k].pid, &status, WNOHANG);
		if (pid == 0 && assay_clock_ms() > kids[k].deadline_ms) {
			kill(kids[k].pid, SIGKILL);
			pid = waitpid(kids[k].pid, &status, 0);
			killed = 1;
		}
		if (pid != kids[k].pid) {
			k++;
			continue;
		}
		reap(sh, &kids[k], status, killed, kids[k].started_ms);
		child_forget(kids, nkids, k, used);
		n++;
	}
	return n;
}

/*
 * Waits until a child ends, the first deadline passes, the status line is
 * due (at last_draw_ms + STATUS_REDRAW_MS) or a signal arrives.  SIGINT
 * and SIGTERM are blocked outside this wait and let through only inside
 * ppoll() (waitmask), so an interruption that comes after the caller
 * looked at `interrupted` still ends the wait at once.
 */
static void
wait_event(struct shared *sh, const struct child *kids, size_t nkids,
    long long last_draw_ms, const sigset_t *waitmask)
{
	struct pollfd fds[MAX_JOBS];
	struct timespec ts;
	long long now = assay_clock_ms(), wait_ms, t;
	nfds_t nfds = 0;
	size_t k;

	wait_ms = kids[0].deadline_ms + 1 - now;
	for (k = 0; k < nkids; k++) {
		if ((t = kids[k].deadline_ms + 1 - now) < wait_ms)
			wait_ms = t;
		if (kids[k].pidfd < 0) {
			if (wait_ms > NOPIDFD_TICK_MS)
				wait_ms = NOPIDFD_TICK_MS;
			continue;
		}
		fds[nfds].fd = kids[k].pidfd;
		fds[nfds].events = POLLIN;
		fds[nfds].revents = 0;
		nfds++;
	}
	if (sh->o->status_line && !sh->o->quiet &&
	    (t = last_draw_ms + STATUS_REDRAW_MS - now) < wait_ms)
		wait_ms = t;
	if (wait_ms < 0)
		wait_ms = 0;
	ts.tv_sec = (time_t)(wait_ms / 1000);
	ts.tv_nsec = (long)(wait_ms % 1000) * 1000000L;
	if (ppoll(fds, nfds, &ts, waitmask) < 0 && errno != EINTR) {
		/* Cannot happen with valid descriptors; never spin. */
		ts.tv_sec = 0;
		ts.tv_nsec = NOPIDFD_TICK_MS * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/*
 * The zygote: a process forked from the supervisor once everything the
 * test cases start from is ready (the prepared state, the shared budget,
 * the evidence store), which then makes each test case's process.
 *
 * Why: a fork copies the page tables of the process that forks and
 * write-protects its pages; every page that process writes to afterwards
 * is a copy-on-write fault.  The supervisor writes all the time (results,
 * progress, what it reads back from the evidence store), so forking
 * itself it paid about 25 such faults per test case, plus the fork, on
 * the path every other test case waits on (bench/README.md, "The
 * engine").  The zygote writes next to nothing between forks, and forks
 * beside the supervisor.  What each process starts from is the same:
 * the supervisor as it was when the queue began, which is all a test
 * case's process ever used of it.
 *
 * Its processes are the supervisor's own children all the same: clone(2)
 * with CLONE_PARENT.  The supervisor waits for them, watches them with
 * pidfds and kills them at their deadline as before, and their
 * parent-death signal is tied to it.  This takes the raw system call:
 * glibc has no fork with CLONE_PARENT.  What glibc's fork() does besides
 * is not needed here: its child handlers reset locks that another thread
 * may have held, and the zygote never has another thread (it is forked
 * from the supervisor's one thread and makes none).  The one thing left
 * unset is glibc's copy of the main thread's id, which stays the
 * zygote's: glibc 2.34 and later ask the kernel where it matters to a
 * process's own thread (raise(), abort()), and the other uses (owner
 * fields of error-checking mutexes and rwlocks) only need to differ
 * from the ids of the process's other threads, which they do.
 *
 * One request over a socket: the test case and its holder slot; one
 * answer: the pid, or -errno.  When there is no zygote (ASSAY_NO_ZYGOTE
 * set, no process or socket for it), or it fails, dies or does not
 * answer within ZYGOTE_ANSWER_MS, the supervisor forks itself, as it did
 * before there was one.
 */
#define ZYGOTE_ANSWER_MS	5000

struct zygote_req {
	size_t	tc;
	int	slot;
};

static void
zygote_main(struct shared *sh, int fd, const sigset_t *mask)
{
	struct zygote_req m;
	ssize_t n;
	long pid;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != sh->supervisor)
		_exit(0);
	prctl(PR_SET_NAME, "assay-zygote");
	signal(SIGINT, SIG_IGN);	/* Ctrl-C: the supervisor decides */
	for (;;) {
		n = recv(fd, &m, sizeof(m), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(m))
			_exit(0);	/* closed: the queue is done */
		pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT |
		    SIGCHLD), NULL, NULL, NULL, 0UL);
		if (pid == 0) {
			close(fd);
			child_main(sh, m.tc, m.slot, mask);
		}
		if (pid < 0)
			pid = -errno;
		if (send(fd, &pid, sizeof(pid), MSG_NOSIGNAL) !=
		    (ssize_t)sizeof(pid))
			_exit(0);
	}
}

/*
 * Starts the zygote: returns its pid and sets *fd to the supervisor's end
 * of its socket, or returns -1 when there is none (then: fork()).  mask:
 * the signal mask each test case's process restores.
 */
static pid_t
zygote_start(struct shared *sh, int *fd, const sigset_t *mask)
{
	pid_t pid;
	int sv[2];

	*fd = -1;
	if (getenv("ASSAY_NO_ZYGOTE") != NULL ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		zygote_main(sh, sv[1], mask);
	}
	close(sv[1]);
	if (pid < 0)
		close(sv[0]);
	else
		*fd = sv[0];
	return pid;
}

/*
 * Ends the zygote, if there is one, and waits for it; then, when late is
 * not NULL, reads into it an answer the zygote sent before it died (0:
 * none), which stays in the socket until it is closed.
 */
static void
zygote_stop(pid_t *pid, int *fd, long *late)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGKILL);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = -1;
	if (late != NULL && recv(*fd, late, sizeof(*late), MSG_DONTWAIT) !=
	    (ssize_t)sizeof(*late))
		*late = 0;
	close(*fd);
	*fd = -1;
}

/*
 * A process for test case tc in holder slot `slot`, made by the zygote:
 * its pid, or -1 when there is no zygote or it could not make one (then
 * the zygote is ended, and the caller forks from now on).
 *
 * A zygote that has not answered within ZYGOTE_ANSWER_MS (stopped,
 * starved) is killed; if it made the process before it died, its answer
 * is still in the socket and is taken, so the test case does not run
 * twice.  Left open: a kill landing between its clone() and its send(),
 * a window of a few instructions, after 5 s without an answer.
 */
static pid_t
zygote_spawn(struct shared *sh, pid_t *zpid, int *fd, size_t tc,
    int slot)
{
	struct zygote_req m;
	struct pollfd p;
	long pid = 0;
	ssize_t n;

	if (*zpid <= 0)
		return -1;
	memset(&m, 0, sizeof(m));
	m.tc = tc;
	m.slot = slot;
	p.fd = *fd;
	p.events = POLLIN;
	if (send(*fd, &m, sizeof(m), MSG_NOSIGNAL) == (ssize_t)sizeof(m) &&
	    poll(&p, 1, ZYGOTE_ANSWER_MS) == 1) {
		do
			n = recv(*fd, &pid, sizeof(pid), 0);
		while (n < 0 && errno == EINTR);
		if (n == (ssize_t)sizeof(pid) && pid > 0)
			return (pid_t)pid;
		if (n != (ssize_t)sizeof(pid))
			pid = 0;
	}
	/* Gone, failing or silent: from now on, the supervisor forks. */
	zygote_stop(zpid, fd, pid == 0 ? &pid : NULL);
	if (!sh->o->quiet) {
		status_clear(sh);
		fprintf(stderr, "assay: the zygote process %s%s; the "
		    "supervisor forks the test cases from now on\n", pid < 0 ?
		    "could not make a test case's process: " :
		    "is gone or did not answer", pid < 0 ?
		    strerror((int)-pid) : "");
	}
	return pid > 0 ? (pid_t)pid : -1;
}

/*
 * Runs the queue: up to `jobs` test cases at a time, each in a process of
 * its own, a child of this single-threaded supervisor made by the zygote
 * (or, without one, forked here).  A test case that
 * crashes or hangs in C code cannot take the run down with it: its process
 * is killed at its deadline and the run goes on.  Test cases sharing an
 * `exclusive` tag (attempt counters on the same device services) never
 * overlap: one waits, the others keep going in queue order.
 *
 * Event-driven: the supervisor sleeps in ppoll() on a pidfd per child, with
 * the nearest deadline or status-line redraw as its timeout, and starts the
 * next test case as soon as one ends.
 */
static void
supervise(struct shared *sh, int jobs)
{
	struct child kids[MAX_JOBS];
	int used[MAX_JOBS + 1] = { 0 };
	sigset_t block, waitmask;
	size_t nkids = 0, k;
	long long last_draw = 0;
	int slot, status, zfd;
	long q;
	pid_t pid, zpid;

	/* SIGINT/SIGTERM get through only while waiting (wait_event()). */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sh->supervisor = getpid();
	zfd = -1;
	zpid = sh->nqueue > 0 ? zygote_start(sh, &zfd, &waitmask) : -1;
	sh->start_ms = assay_clock_ms();
	for (;;) {
		while (!interrupted && nkids < (size_t)jobs &&
		    (q = pick(sh, kids, nkids)) >= 0) {
			for (slot = 1; slot <= jobs && used[slot]; slot++)
				;
			kids[nkids].tc = sh->queue[q];
			kids[nkids].slot = slot;
			kids[nkids].started_ms = assay_clock_ms();
			kids[nkids].deadline_ms = kids[nkids].started_ms +
			    sh->limits.timeout_ms +
			    KILL_GRACE_MS(sh->limits.timeout_ms);
			fflush(stdout);
			fflush(stderr);
			if ((pid = zygote_spawn(sh, &zpid, &zfd,
			    kids[nkids].tc, slot)) < 0 &&
			    (pid = fork()) == 0) {
				for (k = 0; k < nkids; k++)
					if (kids[k].pidfd >= 0)
						close(kids[k].pidfd);
				child_main(sh, kids[nkids].tc, slot,
				    &waitmask);
			}
			if (pid < 0) {
				/*
				 * No process: run it here, unprotected (an
				 * interruption is seen once it is done).
				 */
				assay_budget_set_holder(0);
				if (run_one(sh, kids[nkids].tc, 0) != 0)
					sh->nunsaved++;
				sh->ndone++;
				progress(sh, kids[nkids].tc);
				continue;
			}
			kids[nkids].pid = pid;
			kids[nkids].pidfd = child_pidfd(pid);
			used[slot] = 1;
			nkids++;
		}
		if (nkids == 0)
			break;
		/*
		 * Interrupted (Ctrl-C, SIGTERM from a `timeout`): stop now,
		 * not when the running test cases end (up to their time
		 * limit).  They are killed and recorded as not run, so the
		 * report covers what is done and --resume runs them again.
		 */
		if (interrupted) {
			for (k = 0; k < nkids; k++) {
				kill(kids[k].pid, SIGKILL);
				(void)waitpid(kids[k].pid, &status, 0);
				if (kids[k].pidfd >= 0)
					close(kids[k].pidfd);
				assay_budget_reclaim(sh->budget, kids[k].slot);
				assay_api_shared_reclaim(sh->api, kids[k].slot);
				(void)assay_evidence_journal(sh->ev, "stopped %s",
				    assay_catalogue_id(sh->run->catalogue,
				    kids[k].tc));
			}
			break;
		}
		/* One ended: start the next before anything else. */
		if (reap_ended(sh, kids, &nkids, used) > 0)
			continue;
		if (sh->o->status_line &&
		    assay_clock_ms() - last_draw >= STATUS_REDRAW_MS) {
			status_draw(sh, kids, nkids);
			last_draw = assay_clock_ms();
		}
		wait_event(sh, kids, nkids, last_draw, &waitmask);
	}
	zygote_stop(&zpid, &zfd, NULL);
	status_clear(sh);
	sigprocmask(SIG_SETMASK, &waitmask, NULL);
}

static int
only_matches(const struct assay_engine_opts *o, const char *id,
    const char *group)
{
	size_t k;

	if (o->nonly == 0)
		return 1;
	for (k = 0; k < o->nonly; k++)
		if (strcmp(o->only[k], id) == 0 || strcmp(o->only[k], group) == 0)
			return 1;
	return 0;
}

/* Decides applicability of every provision from the ICS. */
static void
decide_applicability(struct assay_run *run)
{
	const struct assay_spec *s = run->spec;
	size_t i, k, n = assay_spec_nprovisions(s);

	for (i = 0; i < n; i++) {
		struct assay_prov_outcome *p = &run->prov[i];
		const char *id = assay_spec_provision_id(s, i);
		int falsecond = 0;

		p->support_known = assay_forms_support(run->forms, id,
		    &p->support, &p->detail) == 0;
		p->applicable = 1;
		p->ics_decided = 0;
		p->in_scope = 1;
		p->verdict = ASSAY_VERDICT_NONE;
		if (strcmp(id, "4-1") == 0)
			continue;	/* always run (TS 103 701 test case 4-1-1) */
		if (assay_spec_provision_extra(s, i)) {
			/*
			 * New or split in V3.1.3: outside a profile that has
			 * it, not part of the run at all (not listed); in it,
			 * optional in the ICS, and applicable but not
			 * assessed until the ICS declares it.
			 */
			if (!assay_profile_counts(run->profile, run->catalogue,
			    id))
				continue;
			if (!p->support_known) {
				p->ics_decided = 1;
				p->reason = fmt("not assessed: the ICS does not "
				    "declare EN 303 645 V3.1.3 provision %s "
				    "(add <provision id=\"%s\" support=\"Y\"/> "
				    "or N, N/A with a <detail>)", id, id);
				continue;
			}
		}
		for (k = 0; k < assay_spec_provision_nconditions(s, i); k++) {
			int c = assay_spec_provision_condition(s, i, k);

			if (assay_forms_condition(run->forms, c) != 1) {
				falsecond = c;
				break;
			}
		}
		if (falsecond) {
			p->applicable = 0;
			p->ics_decided = 1;
			p->verdict = ASSAY_VERDICT_NOT_APPLICABLE;
			p->reason = fmt("ICS: condition %d does not hold "
			    "(%s)", falsecond,
			    assay_spec_condition_text(s, falsecond));
		} else if (p->support_known && p->support == ASSAY_SUPPORT_NA) {
			p->applicable = 0;
			p->ics_decided = 1;
			p->verdict = ASSAY_VERDICT_NOT_APPLICABLE;
			p->reason = fmt("ICS: not applicable: %s", p->detail);
		} else if (p->support_known && p->support == ASSAY_SUPPORT_NO) {
			p->ics_decided = 1;
			if (assay_spec_provision_mandatory(s, i)) {
				/* Applies, and the ICS says it is not met. */
				p->verdict = ASSAY_VERDICT_FAIL;
				p->has_fail = 1;
				p->reason = fmt("ICS_DECLARED_NOT_SUPPORTED: "
				    "the ICS declares this mandatory provision "
				    "not supported: %s", p->detail);
			} else {
				/* Its justification is assessed by 4-1-1. */
				p->applicable = 0;
				p->verdict = ASSAY_VERDICT_NOT_FULFILLED;
				p->reason = fmt(
				    "ICS_RECOMMENDATION_NOT_FULFILLED: %s",
				    p->detail);
			}
		}
	}
}

/* A test case that found a failure: FAIL, or a failed unit under ERROR. */
static int
tc_has_fail(const struct assay_result *t)
{
	size_t k;

	if (t->verdict == ASSAY_VERDICT_FAIL)
		return 1;
	for (k = 0; k < t->nunits; k++)
		if (t->units[k].verdict == ASSAY_VERDICT_FAIL)
			return 1;
	return 0;
}

/*
 * The decision rule: fills r->tally from r->prov (after aggregation) and
 * r->result by assay_overall_decide().
 */
static void
decide(struct assay_run *r)
{
	struct assay_tally *t = &r->tally;
	size_t i, n = assay_spec_nprovisions(r->spec);

	memset(t, 0, sizeof(*t));
	t->partial = r->scope[0] != '\0';
	t->complete = r->complete;
	/* 4-1 (justify recommendations not applied) only where the profile has it. */
	t->pass_4_1 = !assay_profile_has_provision(r->profile, "4-1");
	for (i = 0; i < n; i++) {
		const struct assay_prov_outcome *p = &r->prov[i];

		if (!assay_run_lists_provision(r, i))
			continue;
		if (p->out_of_profile) {
			t->not_in_profile++;
			continue;
		}
		if (!p->in_scope) {
			t->out_of_scope++;
			continue;
		}
		if (p->has_fail)
			t->fail++;
		if (strcmp(assay_spec_provision_id(r->spec, i), "4-1") == 0)
			t->pass_4_1 = p->verdict == ASSAY_VERDICT_PASS;
		if (p->verdict == ASSAY_VERDICT_NOT_FULFILLED) {
			t->not_fulfilled++;
			continue;
		}
		if (!p->applicable) {
			t->not_applicable++;
			continue;
		}
		t->applicable++;
		switch (p->verdict) {
		case ASSAY_VERDICT_PASS:
			t->pass++;
			t->assessed++;
			break;
		case ASSAY_VERDICT_FAIL:
			t->assessed++;
			break;
		case ASSAY_VERDICT_INCONCLUSIVE:
			t->inconclusive++;
			break;
		case ASSAY_VERDICT_ERROR:
			t->error++;
			break;
		default:
			t->not_assessed++;
			break;
		}
	}
	/* Items no provision assesses: applicable, and not assessed. */
	for (i = 0; i < r->profile->nitems; i++)
		if (r->profile->items[i].nprovisions == 0) {
			t->applicable++;
			t->not_assessed++;
		}
	r->result = assay_overall_decide(t);
}

/*
 * Test cases, then provisions: worst wins; primary reason = first worst.
 * A provision the ICS decided keeps that verdict; one with test cases is
 * in scope when any of them was selected, and is the worst of the
 * selected ones (not PASS when some were left out); one without any test
 * case is NONE, not assessed.  Then the decision rule.
 */
static void
aggregate(struct assay_run *run, const struct assay_engine_opts *o)
{
	const struct assay_catalogue *cat = run->catalogue;
	const struct assay_spec *s = run->spec;
	size_t i, t, n = assay_spec_nprovisions(s), nt = assay_catalogue_count(cat);

	memset(run->tc_counts, 0, sizeof(run->tc_counts));
	memset(run->prov_counts, 0, sizeof(run->prov_counts));
	run->verdict = ASSAY_VERDICT_NOT_APPLICABLE;
	for (t = 0; t < nt; t++) {
		if (only_matches(o, assay_catalogue_id(cat, t),
		    assay_catalogue_group(cat, t)) &&
		    assay_profile_selects(run->profile,
		    assay_catalogue_id(cat, t), assay_catalogue_group(cat, t),
		    NULL))
			run->verdict = assay_verdict_combine(run->verdict,
			    run->results[t].verdict);
	}
	for (i = 0; i < n; i++) {
		struct assay_prov_outcome *p = &run->prov[i];
		const char *id = assay_spec_provision_id(s, i);
		enum assay_verdict v = ASSAY_VERDICT_NOT_APPLICABLE;
		size_t worst = (size_t)-1;

		p->ntc = 0;
		p->nselected = 0;
		p->nexpected = 0;
		for (t = 0; t < nt; t++) {
			if (strcmp(assay_catalogue_group(cat, t), id) != 0)
				continue;
			p->ntc++;
			if (assay_profile_selects(run->profile,
			    assay_catalogue_id(cat, t), id, NULL))
				p->nexpected++;
			if (!run->selected[t])
				continue;
			p->nselected++;
			if (tc_has_fail(&run->results[t]))
				p->has_fail = 1;
			if (assay_verdict_rank(run->results[t].verdict) >
			    assay_verdict_rank(v)) {
				v = run->results[t].verdict;
				worst = t;
			}
		}
		/* A provision whose every test case is deselected leaves it. */
		p->out_of_profile = !assay_profile_counts(run->profile, cat,
		    id) || (p->nexpected == 0 && p->ntc > 0);
		if (p->out_of_profile) {
			p->in_scope = 0;
			if (!p->ics_decided) {
				free(p->reason);
				p->reason = fmt("not in profile %s",
				    run->profile->id);
				p->verdict = ASSAY_VERDICT_NONE;
			}
			continue;
		}
		if (p->ics_decided) {
			p->in_scope = 1;	/* decided by the ICS: always */
			run->prov_counts[p->verdict]++;
			continue;
		}
		free(p->reason);
		p->reason = NULL;
		p->in_scope = o->nonly == 0 || p->nselected > 0 ||
		    (p->ntc == 0 && only_matches(o, "", id));
		if (!p->in_scope) {
			p->verdict = ASSAY_VERDICT_NONE;
			p->reason = mdup("not in scope: not selected by --only");
			continue;
		}
		if (p->ntc == 0) {
			p->verdict = ASSAY_VERDICT_NONE;
			p->reason = mdup("not assessed: the catalogue "
			    "has no test case for this provision yet");
		} else if (v == ASSAY_VERDICT_PASS && p->nselected < p->nexpected) {
			p->verdict = ASSAY_VERDICT_NONE;
			p->reason = fmt("not assessed: %zu of its %zu test cases "
			    "were selected (all passed)", p->nselected,
			    p->nexpected);
		} else if (p->nselected == 0) {
			p->verdict = ASSAY_VERDICT_NONE;
			p->reason = fmt("not assessed: none of its %zu test "
			    "cases ran", p->nexpected);
		} else {
			p->verdict = v;
			if (worst != (size_t)-1 && v != ASSAY_VERDICT_PASS)
				p->reason = fmt("%s: %s",
				    assay_catalogue_id(cat, worst),
				    run->results[worst].reason);
		}
		run->prov_counts[p->verdict]++;
	}
	/* After out_of_profile: an extra outside the profile is not counted. */
	for (t = 0; t < nt; t++)
		if (assay_run_lists_testcase(run, t))
			run->tc_counts[run->results[t].verdict]++;
	decide(run);
}

int
assay_run_lists_provision(const struct assay_run *r, size_t i)
{
	/* A model without a profile (report tests) has no extras in it. */
	return !assay_spec_provision_extra(r->spec, i) ||
	    (r->profile != NULL && !r->prov[i].out_of_profile);
}

size_t
assay_run_nlisted(const struct assay_run *r)
{
	size_t i, n = 0;

	for (i = 0; i < assay_spec_nprovisions(r->spec); i++)
		n += assay_run_lists_provision(r, i) != 0;
	return n;
}

int
assay_run_testcase_assay_defined(const struct assay_run *r, size_t t)
{
	long k = assay_spec_testcase_find(r->spec,
	    assay_catalogue_id(r->catalogue, t));

	return k >= 0 && assay_spec_testcase_assay_defined(r->spec, (size_t)k);
}


/*
 * Starts the liveness watch (run/liveness.h) on the set-up's service, and
 * notes in the evidence what it watches.  A run goes on without it (no
 * TCP service, an address that does not resolve): said on stderr.
 */
static struct assay_liveness *
start_liveness(const struct assay_forms *forms, struct assay_budget *b,
    struct assay_evidence *ev, struct assay_run *run, int quiet)
{
	struct assay_liveness *l = NULL;
	char why[256], what[160];
	const char *host;
	int interval_ms, give_up_s, port;
	long si;

	if ((si = assay_forms_liveness(forms, &interval_ms, &give_up_s)) < 0 ||
	    (host = assay_forms_service_address(forms, (size_t)si)) == NULL)
		return NULL;
	port = assay_forms_service_port(forms, (size_t)si);
	snprintf(what, sizeof(what), "%s %s:%d every %d ms, given up after "
	    "%d s", assay_forms_service_id(forms, (size_t)si), host, port,
	    interval_ms, give_up_s);
	if (assay_liveness_start(b, host, (unsigned int)port, interval_ms,
	    give_up_s, &l, why, sizeof(why)) != 0) {
		if (!quiet)
			fprintf(stderr, "assay: no liveness watch on %s: %s\n",
			    what, why[0] ? why : "cannot start the watcher");
		return NULL;
	}
	(void)assay_evidence_set_info(ev, "liveness_service", what);
	snprintf(run->liveness_service, sizeof(run->liveness_service), "%s",
	    what);
	return l;
}

/* Keeps the watch's incidents and the rate reached in the evidence. */
static void
record_liveness(struct assay_budget *b, struct assay_evidence *ev)
{
	struct assay_budget_incident in[ASSAY_BUDGET_MAX_INCIDENTS];
	char text[2048] = "";
	const char *old;
	int i, n;

	assay_evidence_journal(ev, "budget %s, ceiling %d connections/s, "
	    "peak %.0f, %d backoffs", assay_budget_adaptive(b) ? "adaptive" :
	    "fixed", assay_budget_max_rate(b), assay_budget_peak_rate(b),
	    assay_budget_backoffs(b));
	n = assay_budget_incidents(b, in, ASSAY_BUDGET_MAX_INCIDENTS);
	if (n == 0)
		return;
	for (i = 0; i < n && i < ASSAY_BUDGET_MAX_INCIDENTS; i++)
		assay_evidence_journal(ev, "liveness: the device stopped "
		    "answering at %.0f connections/s; %s after %lld ms",
		    in[i].rate, in[i].recovered ? "it came back" :
		    "given up", in[i].down_ms);
	/* A resumed run keeps the incidents of the runs before it. */
	if ((old = assay_evidence_info(ev, "device_liveness")) != NULL)
		snprintf(text, sizeof(text), "%s", old);
	(void)assay_liveness_format(b, text, sizeof(text));
	(void)assay_evidence_set_info(ev, "device_liveness", text);
}
int
assay_run_lists_testcase(const struct assay_run *r, size_t t)
{
	long p = assay_spec_provision_find(r->spec,
	    assay_catalogue_group(r->catalogue, t));

	return p < 0 || assay_run_lists_provision(r, (size_t)p);
}

static void
make_report_id(char *buf, size_t len)
{
	unsigned char rnd[6];
	char day[16];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0, sizeof(rnd));
	snprintf(buf, len, "ASSAY-%s-%02x%02x%02x%02x%02x%02x", day, rnd[0],
	    rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
}

/*
 * Copies each "[TESTCASE:]FILE" the assessor gave into observations/ of
 * the run (secrets masked) and describes it for the report.
 */
static int
attach_observations(const struct assay_engine_opts *o, struct assay_run *run,
    struct assay_evidence *ev, struct assay_diag *d)
{
	const char *spec, *colon, *file, *base;
	char name[128], path[ASSAY_PATH_MAX], *tc;
	size_t i, k;
	int r;

	if (o->nobservations == 0)
		return 0;
	if ((run->observations = calloc(o->nobservations,
	    sizeof(*run->observations))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < o->nobservations; i++) {
		struct assay_observation *ob = &run->observations[i];

		spec = o->observations[i];
		tc = NULL;
		file = spec;
		if ((colon = strchr(spec, ':')) != NULL && colon > spec) {
			tc = strndup(spec, (size_t)(colon - spec));
			if (tc != NULL && assay_catalogue_find(run->catalogue, tc) >= 0)
				file = colon + 1;
			else {
				free(tc);
				tc = NULL;
			}
		}
		base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		for (k = 0; base[k] != '\0' && k + 1 < sizeof(name) - 24; k++)
			name[k] = (isalnum((unsigned char)base[k]) || base[k] == '.' ||
			    base[k] == '-' || base[k] == '_') ? base[k] : '_';
		name[k] = '\0';
		if (k == 0 || name[0] == '.')
			snprintf(name, sizeof(name), "observation-%zu", i + 1);
		/* Keep names unique: prefix the position. */
		{
			char tmp[160];

			snprintf(tmp, sizeof(tmp), "%02zu-%.100s", i + 1, name);
			snprintf(name, sizeof(name), "%.120s", tmp);
		}
		if ((r = assay_evidence_save_masked(ev, "observations", name,
		    file)) != 0) {
			assay_diag_add(d, file, 0, "cannot attach the observation: %s",
			    assay_strerror(r));
			free(tc);
			run->nobservations = i;
			return r;
		}
		ob->test_case = tc;
		if (asprintf(&ob->file, "observations/%s", name) < 0)
			ob->file = NULL;
		ob->recorded_by = o->meta.assessor ? strdup(o->meta.assessor) : NULL;
		assay_time_iso(ob->recorded_at, sizeof(ob->recorded_at));
		run->nobservations = i + 1;
		if (ob->file == NULL)
			return ASSAY_ERR_ALLOC;
		if ((r = assay_path_join(path, sizeof(path), o->out_dir,
		    ob->file)) != 0 ||
		    (r = assay_file_sha256_hex(path, ob->sha256)) != 0)
			return r;
	}
	return 0;
}

/*
 * Keeps the forms in forms/ of the run directory, secrets masked: the
 * forms module writes each from its parsed tree with the secret elements
 * replaced (issue 11, defect 2a: text substitution missed a password
 * spelled with a character reference or a raw apostrophe), and the store
 * masks the result once more on its way to disk.
 */
static int
save_forms(const struct assay_forms *forms, struct assay_evidence *ev,
    struct assay_diag *d)
{
	static const struct { enum assay_form_kind kind; const char *name; }
	    copies[] = { { ASSAY_FORM_ICS, "ics.xml" },
	    { ASSAY_FORM_IXIT, "ixit.xml" }, { ASSAY_FORM_SETUP, "setup.xml" } };
	char *text = NULL;
	size_t i, len;
	int r, first = 0;

	for (i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
		r = assay_forms_masked_copy(forms, copies[i].kind, &text, &len, d);
		if (r == ASSAY_ERR_NOT_FOUND)	/* no set-up file */
			continue;
		if (r == 0)
			r = assay_evidence_save_data(ev, "forms", copies[i].name,
			    text, len);
		free(text);
		text = NULL;
		if (r != 0 && first == 0)
			first = r;
	}
	return first;
}

/*
 * Keeps the profile and tailoring files the run used in forms/ (masked),
 * so `assay review --apply` and `assay amend` restate the run under the
 * same ones whatever the data directory holds later.
 */
static int
save_profile(const struct assay_profile *p, struct assay_evidence *ev)
{
	const char *paths[2] = { p->path, p->tailoring_id != NULL ||
	    p->nchanges > 0 ? p->tailoring_path : NULL };
	static const char *const names[2] = { "profile.xml", "tailoring.xml" };
	struct assay_buf *b = NULL;
	char *masked;
	size_t i;
	int r = 0;

	for (i = 0; i < 2 && r == 0; i++) {
		if (paths[i] == NULL || paths[i][0] == '\0')
			continue;
		if ((r = assay_file_read(paths[i], 1024 * 1024, &b)) != 0)
			break;
		if ((masked = assay_evidence_mask(ev, assay_buf_data(b))) ==
		    NULL)
			r = ASSAY_ERR_ALLOC;
		else
			r = assay_evidence_save_data(ev, "forms", names[i],
			    masked, strlen(masked));
		free(masked);
		assay_buf_free(b);
		b = NULL;
	}
	return r;
}

/*
 * The profile of the run: o->profile, else (report_only) the copy the
 * run kept, else the default; then the tailoring, likewise.
 */
static int
load_profile(const struct assay_engine_opts *o, const char *datadir,
    const struct assay_spec *spec, const struct assay_catalogue *cat,
    struct assay_profile **out, struct assay_diag *d)
{
	char kept[ASSAY_PATH_MAX], tail[ASSAY_PATH_MAX];
	const char *name = o->profile, *tailoring = o->tailoring;
	int r;

	if (name == NULL && o->report_only &&
	    assay_path_join(kept, sizeof(kept), o->out_dir,
	    "forms/profile.xml") == 0 && access(kept, R_OK) == 0)
		name = kept;
	if (name == NULL)
		name = ASSAY_PROFILE_DEFAULT;
	if (tailoring == NULL && o->report_only && !o->view &&
	    assay_path_join(tail, sizeof(tail), o->out_dir,
	    "forms/tailoring.xml") == 0 && access(tail, R_OK) == 0)
		tailoring = tail;
	if ((r = assay_profile_load(datadir, name, spec, out, d)) != 0)
		return r;
	if (tailoring != NULL && (r = assay_profile_tailor(*out, datadir,
	    tailoring, cat, d)) != 0) {
		assay_profile_free(*out);
		*out = NULL;
	}
	return r;
}

static int
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

/*
 * One hash over the lab's artefacts (captures, firmware images: id and
 * the SHA-256 the loader computed), so --resume notices a file that
 * changed even where the set-up declared no hash.  Into out; returns out.
 */
static const char *
artefacts_hash(const struct assay_forms *forms, char *out)
{
	struct assay_buf *b = assay_buf_new(1024 * 1024);
	size_t i, n = assay_forms_nartefacts(forms);

	out[0] = '\0';
	for (i = 0; b != NULL && i < n; i++)
		(void)assay_buf_printf(b, "%s %s\n",
		    assay_forms_artefact_id(forms, i),
		    assay_forms_artefact_sha256(forms, i));
	/* The <client-side> files: certificates, keys, release directories. */
	if (b != NULL && assay_forms_client_side_sha256(forms)[0] != '\0')
		(void)assay_buf_printf(b, "client-side %s\n",
		    assay_forms_client_side_sha256(forms));
	if (b != NULL)
		(void)assay_sha256_hex(assay_buf_data(b), assay_buf_len(b), out);
	assay_buf_free(b);
	return out;
}

/*
 * Whether --only sel (a test case or a group) selects a test case the
 * profile runs: one that is not would make the run assess nothing and
 * say so only in the report.
 */
static int
only_in_profile(const struct assay_catalogue *cat,
    const struct assay_profile *prof, const char *sel)
{
	size_t t, nt = assay_catalogue_count(cat);
	int seen = 0;

	for (t = 0; t < nt; t++) {
		const char *id = assay_catalogue_id(cat, t);
		const char *g = assay_catalogue_group(cat, t);

		if (strcmp(id, sel) != 0 && strcmp(g, sel) != 0)
			continue;
		seen = 1;
		if (prof == NULL || assay_profile_selects(prof, id, g, NULL))
			return 1;
	}
	/* A provision without a test case: aggregate() says not assessed. */
	return !seen;
}

/* report_only: the run's own forms, scope and limits, from out_dir. */
static int
report_only_opts(struct assay_engine_opts *o, char paths[3][ASSAY_PATH_MAX],
    struct assay_diag *d)
{
	static const char *const names[3] = { "forms/ics.xml", "forms/ixit.xml",
	    "forms/setup.xml" };
	const char **slots[3] = { &o->ics_path, &o->ixit_path, &o->setup_path };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (*slots[i] != NULL)
			continue;
		if (assay_path_join(paths[i], ASSAY_PATH_MAX, o->out_dir,
		    names[i]) != 0)
			return ASSAY_ERR_TOO_BIG;
		if (access(paths[i], R_OK) != 0) {
			assay_diag_add(d, o->out_dir, 0, "not a run directory of "
			    "Assay: no %s (%s)", names[i], strerror(errno));
			return ASSAY_ERR_NOT_FOUND;
		}
		*slots[i] = paths[i];
	}
	o->resume = 1;
	o->njudgements = 0;
	o->nobservations = 0;
	return 0;
}

/* The run's --only selection, from run.info, into o->only (report_only). */
static int
report_only_scope(struct assay_engine_opts *o, const struct assay_evidence *ev,
    char *store, size_t storelen, const char **ids, size_t maxids)
{
	const char *only = assay_evidence_info(ev, "only");
	char *p, *save = NULL;
	size_t n = 0;

	if (only == NULL || *only == '\0')
		return 0;
	snprintf(store, storelen, "%s", only);
	for (p = strtok_r(store, " ", &save); p != NULL && n < maxids;
	    p = strtok_r(NULL, " ", &save))
		ids[n++] = p;
	o->only = ids;
	o->nonly = n;
	return 0;
}

/*
 * Loading the forms and the catalogue (libxml2 trees, the spec's CSVs, a
 * Lua state compiling every catalogue file) leaves megabytes of freed
 * memory between what stays.  In the main malloc arena, each test case's
 * process (a fork) would allocate from those holes: every chunk header
 * written there is a copy-on-write fault of a page shared with the
 * supervisor, about 60 % of a test case's CPU time on a 2-core VM
 * (bench/README.md, "The engine").  So the load runs on a short-lived
 * thread of its own, whose allocations glibc serves from another arena;
 * the main arena the children allocate from stays compact.  The
 * supervisor waits for it: nothing else runs meanwhile, so nothing here
 * is shared between threads but the arguments.
 */
struct load_job {
	int				 recorded;
	const char			*datadir;
	const struct assay_engine_opts	*o;
	const char			*catdir;
	struct assay_forms		**forms;
	struct assay_catalogue		**cat;
	struct assay_diag		*d;
	int				 r;
};

static void *
load_main(void *arg)
{
	struct load_job *j = arg;

	if ((j->r = (j->recorded ? assay_forms_load_recorded :
	    assay_forms_load)(j->datadir, j->o->ics_path, j->o->ixit_path,
	    j->o->setup_path, j->forms, j->d)) != 0)
		return NULL;
	j->r = assay_catalogue_load(j->catdir, assay_forms_spec(*j->forms),
	    j->cat, j->d);
	return NULL;
}

/* fn(arg) on a short-lived thread; here when there can be none. */
static void
on_thread(void *(*fn)(void *), void *arg)
{
	pthread_t th;

	/* No thread (a thread limit): here, only slower later. */
	if (pthread_create(&th, NULL, fn, arg) != 0)
		(void)fn(arg);
	else
		(void)pthread_join(th, NULL);	/* joinable, ours: cannot fail */
}

static int
load_inputs(int recorded, const char *datadir,
    const struct assay_engine_opts *o, const char *catdir,
    struct assay_forms **forms, struct assay_catalogue **cat,
    struct assay_diag *d)
{
	struct load_job j = { recorded, datadir, o, catdir, forms, cat, d, 0 };

	on_thread(load_main, &j);
	return j.r;
}

enum assay_run_status
assay_engine_run(const struct assay_engine_opts *o_in, struct assay_diag *d)
{
	struct assay_engine_opts oc = *o_in;
	const struct assay_engine_opts *o = &oc;
	char ro_paths[3][ASSAY_PATH_MAX], ro_only[1024], view_of[64];
	const char *ro_ids[64];
	struct assay_judgement *judgements = NULL;
	size_t njudgements = 0;
	struct assay_forms *forms = NULL;
	struct assay_catalogue *cat = NULL;
	struct assay_profile *prof = NULL;
	struct assay_evidence *ev = NULL;
	struct assay_budget *budget = NULL;
	struct assay_liveness *live = NULL;
	struct assay_run run;
	struct assay_run_info info;
	struct shared sh;
	struct assay_secret *secrets = NULL;
	char catdir[ASSAY_PATH_MAX], only[1024] = "", judg[4096] = "";
	char artefacts[ASSAY_SHA256_HEX_LEN + 1];
	char esc1[ASSAY_TERM_ESC_MAX], esc2[512], hint[4096];
	const char *datadir, *v;
	size_t i, k, n = 0, nt = 0, nsec, ncred;
	enum assay_run_status status = ASSAY_RUN_NOT_RUN;
	int r, jobs, notwritten = 0;

	memset(&run, 0, sizeof(run));
	memset(&sh, 0, sizeof(sh));
	model_err = 0;
	if ((o->sign_key == NULL) != (o->sign_cert == NULL)) {
		assay_diag_add(d, "--sign-key", 0, "signing needs both "
		    "--sign-key and --sign-cert");
		goto out;
	}
	if (o->sign_key != NULL && (access(o->sign_key, R_OK) != 0 ||
	    access(o->sign_cert, R_OK) != 0)) {
		assay_diag_add(d, access(o->sign_key, R_OK) != 0 ? o->sign_key :
		    o->sign_cert, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	if ((datadir = assay_datadir()) == NULL) {
		assay_diag_add(d, "assay", 0, "%s (set ASSAY_DATADIR)",
		    assay_strerror(ASSAY_ERR_DATADIR));
		goto out;
	}
	if (oc.report_only && report_only_opts(&oc, ro_paths, d) != 0)
		goto out;
	if ((r = assay_path_join(catdir, sizeof(catdir), datadir,
	    "testcases")) != 0) {
		assay_diag_add(d, datadir, 0, "%s", assay_strerror(r));
		goto out;
	}
	if (load_inputs(oc.report_only, datadir, o, o->catalogue_dir ?
	    o->catalogue_dir : catdir, &forms, &cat, d) != 0)
		goto out;
	if (check_judgements(o, cat, assay_forms_spec(forms), d) != 0)
		goto out;
	if (load_profile(o, datadir, assay_forms_spec(forms), cat, &prof,
	    d) != 0)
		goto out;
	for (i = 0; i < o->nonly; i++) {
		if (assay_catalogue_find(cat, o->only[i]) < 0 &&
		    assay_spec_provision_find(assay_forms_spec(forms),
		    o->only[i]) < 0) {
			assay_diag_add(d, "--only", 0, "no test case or test "
			    "group \"%s\"", o->only[i]);
			goto out;
		}
		if (!only_in_profile(cat, prof, o->only[i])) {
			assay_diag_add(d, "--only", 0, "%s is outside profile "
			    "%s: nothing would run (choose a profile that has "
			    "it: assay list --profiles)", o->only[i],
			    prof != NULL ? prof->id : "(none)");
			goto out;
		}
		snprintf(only + strlen(only), sizeof(only) - strlen(only),
		    "%s%s", i ? " " : "", o->only[i]);
	}

	for (i = 0; i < o->njudgements; i++)
		snprintf(judg + strlen(judg), sizeof(judg) - strlen(judg), "%s%s",
		    i ? "\n" : "", o->judgements[i]);
	run.meta = o->meta;
	snprintf(run.scope, sizeof(run.scope), "%s", only);
	run.forms = forms;
	run.spec = assay_forms_spec(forms);
	run.catalogue = cat;
	run.profile = prof;
	n = assay_spec_nprovisions(run.spec);
	nt = assay_catalogue_count(cat);
	jobs = o->jobs > 0 ? (o->jobs > MAX_JOBS ? MAX_JOBS : o->jobs) :
	    default_jobs();
	run.jobs = jobs;
	if ((run.prov = calloc(n, sizeof(*run.prov))) == NULL ||
	    (run.results = calloc(nt ? nt : 1, sizeof(*run.results))) == NULL ||
	    (run.selected = calloc(nt ? nt : 1, sizeof(int))) == NULL ||
	    (sh.queue = calloc(nt ? nt : 1, sizeof(size_t))) == NULL ||
	    (sh.taken = calloc(nt ? nt : 1, 1)) == NULL) {
		assay_diag_add(d, "assay", 0, "out of memory");
		goto out;
	}

	/* The run directory; on resume it keeps the original id and start. */
	make_report_id(run.report_id, sizeof(run.report_id));
	assay_time_iso(run.started, sizeof(run.started));
	memset(&info, 0, sizeof(info));
#define INFO(k, val) do { info.keys[info.n] = (k); info.values[info.n++] = (val); } while (0)
	if (o->report_only) {
		/* The forms are the run's masked copies: only the catalogue must match. */
		INFO("catalogue_sha256", assay_catalogue_sha256(cat));
		goto info_done;
	}
	INFO("assay_version", assay_version());
	INFO("ics_sha256", assay_forms_ics_sha256(forms));
	INFO("ixit_sha256", assay_forms_ixit_sha256(forms));
	INFO("setup_sha256", assay_forms_setup_sha256(forms));
	INFO("catalogue_sha256", assay_catalogue_sha256(cat));
	INFO("artefacts_sha256", artefacts_hash(forms, artefacts));
	INFO("only", only);
	INFO("profile", prof->id);
	INFO("profile_sha256", prof->sha256);
	INFO("tailoring_sha256", prof->tailoring_sha256);
	INFO("judgements", judg);
	INFO("run_id", run.report_id);
	INFO("run_started", run.started);
 info_done:
#undef INFO
	/*
	 * Every secret, and each set-up password again with its user name so
	 * the store also masks the Basic-auth pair (base/redact.h).
	 */
	nsec = o->report_only ? 0 : assay_forms_nsecrets(forms);
	ncred = o->report_only ? 0 : assay_forms_ncredentials(forms);
	if (nsec + ncred > 0 &&
	    (secrets = calloc(nsec + ncred, sizeof(*secrets))) == NULL)
		goto out;
	for (i = 0; i < nsec; i++) {
		secrets[i].value = assay_forms_secret(forms, i);
		secrets[i].weak = assay_forms_secret_weak(forms,
		    secrets[i].value);
	}
	for (i = 0; i < ncred; i++) {
		secrets[nsec + i].value = assay_forms_credential_password(forms, i);
		secrets[nsec + i].weak = assay_forms_secret_weak(forms,
		    secrets[nsec + i].value);
		secrets[nsec + i].user = assay_forms_credential_username(forms, i);
	}
	if ((r = assay_evidence_open_secrets(o->out_dir, o->resume, &info,
	    secrets, nsec + ncred, &ev, d)) != 0)
		goto out;
	/* Public default pairs are not secrets: a finding names them. */
	for (i = 0; i < assay_forms_npublic_pairs(forms); i++)
		if (assay_evidence_allow_public(ev,
		    assay_forms_public_pair(forms, i)) != 0) {
			assay_diag_add(d, "assay", 0, "out of memory");
			goto out;
		}
	if ((v = assay_evidence_info(ev, "run_id")) != NULL)
		snprintf(run.report_id, sizeof(run.report_id), "%s", v);
	if ((v = assay_evidence_info(ev, "run_started")) != NULL)
		snprintf(run.started, sizeof(run.started), "%s", v);
	if (o->view) {
		/* A restatement is its own report, named after its source. */
		snprintf(view_of, sizeof(view_of), "%s", run.report_id);
		snprintf(run.report_id, sizeof(run.report_id), "%.40s-%.22s",
		    view_of, prof->id);
		run.view_of = view_of;
	}
	if (o->report_only) {
		report_only_scope(&oc, ev, ro_only, sizeof(ro_only), ro_ids,
		    sizeof(ro_ids) / sizeof(ro_ids[0]));
		snprintf(run.scope, sizeof(run.scope), "%s",
		    (v = assay_evidence_info(ev, "only")) ? v : "");
		if ((v = assay_evidence_info(ev, "run_finished")) != NULL)
			snprintf(run.finished, sizeof(run.finished), "%s", v);
		if ((r = assay_external_load(&run, o->out_dir)) != 0) {
			assay_diag_add(d, o->out_dir, 0, "forms/external.tsv "
			    "cannot be read: %s", assay_strerror(r));
			goto out;
		}
		/* Nothing written: a signed directory stays as signed. */
		goto forms_kept;
	}
	assay_evidence_journal(ev, "%s %s", o->resume ? "resume" : "begin",
	    run.report_id);
	if (!o->resume && (r = record_judgements(o, run.spec, ev)) != 0) {
		assay_diag_add(d, o->out_dir, 0, "cannot record the "
		    "judgements in review/judgements: %s", assay_strerror(r));
		goto out;
	}
	if ((r = save_forms(forms, ev, d)) != 0) {
		/* The report directory would lack them: not complete. */
		assay_diag_add(d, o->out_dir, 0, "cannot keep a copy of the "
		    "forms in forms/: %s", assay_strerror(r));
		sh.nunsaved++;
	}

	if ((r = save_profile(prof, ev)) != 0) {
		assay_diag_add(d, o->out_dir, 0, "cannot keep a copy of the "
		    "profile in forms/: %s", assay_strerror(r));
		sh.nunsaved++;
	}

	if ((r = assay_external_collect(&run, forms, ev)) != 0) {
		assay_diag_add(d, o->out_dir, 0, "cannot keep the list of the "
		    "lab's files in forms/external.tsv: %s", assay_strerror(r));
		sh.nunsaved++;
	}
	if ((r = attach_observations(o, &run, ev, d)) != 0)
		goto out;
 forms_kept:

	/* Applicability, then the queue. */
	decide_applicability(&run);
	for (i = 0; i < nt; i++) {
		long p = assay_spec_provision_find(run.spec,
		    assay_catalogue_group(cat, i));
		struct assay_prov_outcome *po = &run.prov[p];
		const struct assay_tailoring_change *change;

		if (po->ics_decided) {
			run.results[i].verdict = po->verdict;
			run.results[i].reason = mdup(po->reason ? po->reason : "");
			/* Each unit shares the ICS's verdict, from its facts. */
			if (assay_result_fill_units(&run.results[i],
			    spec_units(&run, i)) != 0)
				goto out;
			for (k = 0; k < run.results[i].nunits; k++)
				run.results[i].units[k].basis = ASSAY_BASIS_FACTS;
			continue;
		}
		if (!assay_profile_selects(prof, assay_catalogue_id(cat, i),
		    assay_catalogue_group(cat, i), &change)) {
			run.results[i].verdict = ASSAY_VERDICT_NONE;
			run.results[i].reason = change != NULL ?
			    fmt("not run: deselected by the tailoring: %s",
			    change->justification) :
			    fmt("not run: not in profile %s", prof->id);
			continue;
		}
		if (!only_matches(o, assay_catalogue_id(cat, i),
		    assay_catalogue_group(cat, i))) {
			run.results[i].verdict = ASSAY_VERDICT_NONE;
			run.results[i].reason = mdup("not run: excluded by --only");
			continue;
		}
		run.selected[i] = 1;
		if (o->resume && (r = assay_evidence_done(ev,
		    assay_catalogue_id(cat, i), &run.results[i])) != 0) {
			if (r < 0)
				model_err = r;	/* done, not read whole */
			continue;
		}
		if (o->view && assay_evidence_info(ev, "run_finished") != NULL) {
			/* The run did not select it: restated, not run now. */
			run.selected[i] = 0;
			assay_result_clear(&run.results[i]);
			run.results[i].verdict = ASSAY_VERDICT_NONE;
			run.results[i].reason = fmt("not run: outside the scope "
			    "of run %s (profile %s)", run.report_id,
			    (v = assay_evidence_info(ev, "profile")) != NULL ?
			    v : ASSAY_PROFILE_DEFAULT);
			continue;
		}
		assay_result_clear(&run.results[i]);
		run.results[i].verdict = ASSAY_VERDICT_NONE;
		run.results[i].reason = mdup("not run: the run was interrupted");
		sh.queue[sh.nqueue++] = i;
	}

	budget = assay_budget_new(o->max_connections > 0 ? o->max_connections :
	    assay_forms_budget_max_connections(forms), o->max_rate > 0 ?
	    o->max_rate : assay_forms_budget_max_rate(forms));
	if (budget == NULL || (sh.api = assay_api_shared_new()) == NULL)
		goto out;
	/* The probe channel only for a status line; without, no cost. */
	if (o->status_line && !o->quiet)
		sh.board = assay_status_board_new(MAX_JOBS);
	if (o->rate_fixed || !assay_forms_budget_adaptive(forms))
		assay_budget_set_adaptive(budget, 0);
	run.budget_max_connections = assay_budget_max_connections(budget);
	run.budget_max_rate = assay_budget_max_rate(budget);
	run.budget_adaptive = assay_budget_adaptive(budget);
	run.tc_timeout_ms = o->limits.timeout_ms > 0 ? o->limits.timeout_ms :
	    ASSAY_ENGINE_DEFAULT_TIMEOUT_MS;
	run.draft = o->meta.lab_name == NULL || o->meta.customer == NULL ||
	    o->meta.authorised_by == NULL;
	snprintf(run.ics_sha256, sizeof(run.ics_sha256), "%s",
	    (v = assay_evidence_info(ev, "ics_sha256")) ? v : "");
	snprintf(run.ixit_sha256, sizeof(run.ixit_sha256), "%s",
	    (v = assay_evidence_info(ev, "ixit_sha256")) ? v : "");
	sh.o = o;
	sh.limits = o->limits;
	if (sh.limits.timeout_ms <= 0)
		sh.limits.timeout_ms = ASSAY_ENGINE_DEFAULT_TIMEOUT_MS;
	sh.run = &run;
	sh.ev = ev;
	sh.budget = budget;
	sh.datadir = datadir;
	if (assay_path_fmt(sh.evroot, sizeof(sh.evroot), "%s/evidence",
	    assay_evidence_dir(ev)) != 0 || access(sh.evroot, X_OK) != 0)
		sh.evroot[0] = '\0';
	if (!o->quiet)
		fprintf(stderr, "assay: %s %s: %zu test case%s to run on %d "
		    "job%s (%zu in the catalogue)\n", assay_term_esc(esc1,
		    sizeof(esc1), assay_forms_device(forms, "manufacturer")),
		    assay_term_esc(esc2, sizeof(esc2), assay_forms_device(forms,
		    "model")), sh.nqueue, sh.nqueue == 1 ? "" : "s", jobs,
		    jobs == 1 ? "" : "s", nt);
	if (o->report_only) {
		/* Nothing runs: what is not done stays not run. */
		run.complete = sh.nqueue == 0;
		if (run.finished[0] == '\0')
			assay_time_iso(run.finished, sizeof(run.finished));
	} else {
		/* Its allocations off the main arena too (load_inputs()). */
		on_thread(prepare, &sh);
		live = start_liveness(forms, budget, ev, &run, o->quiet);
		supervise(&sh, jobs);
		assay_sandbox_free(sh.tmpl);
		sh.tmpl = NULL;
		assay_liveness_stop(live);
		live = NULL;
		record_liveness(budget, ev);
		run.complete = sh.ndone == sh.nqueue && sh.nunsaved == 0;
		assay_time_iso(run.finished, sizeof(run.finished));
		if (run.complete)
			(void)assay_evidence_set_info(ev, "run_finished",
			    run.finished);
	}
	if ((r = apply_judgements(&run, o->out_dir, &judgements, &njudgements,
	    d)) != 0) {
		assay_diag_add(d, o->out_dir, 0, "the judgements in "
		    "review/judgements cannot be read: %s; no report written",
		    assay_strerror(r));
		goto out;
	}
	if ((r = assay_external_used_by(&run, o->out_dir)) != 0) {
		assay_diag_add(d, o->out_dir, 0, "cannot tell which test cases "
		    "read the lab's files: %s; no report written",
		    assay_strerror(r));
		goto out;
	}
	/* The device stopped answering: what ran since is INCONCLUSIVE. */
	if ((v = assay_evidence_info(ev, "liveness_service")) != NULL)
		snprintf(run.liveness_service, sizeof(run.liveness_service),
		    "%s", v);
	assay_liveness_apply(&run, assay_evidence_info(ev, "device_liveness"));
	aggregate(&run, o);
	run.mask.apply = evidence_mask;
	run.mask.arg = ev;
	if (!o->report_only)
		assay_evidence_journal(ev, "%s %s result %s", run.complete ?
		    "end" : "interrupted", assay_verdict_key(run.verdict),
		    assay_overall_name(run.result));

	/* Reports and signature: the caller's, so run/ needs no report/. */
	if (model_err != 0) {
		/* A report missing a reason is not written as complete. */
		assay_diag_add(d, o->out_dir, 0, "no report written: %s while "
		    "settling the results; write it with --resume",
		    assay_strerror(model_err));
		notwritten = 1;
	} else if (o->finish != NULL && o->finish(&run, o, d,
	    o->finish_arg) != 0)
		notwritten = 1;

	/* The overall result decides, never the test cases alone. */
	switch (run.result) {
	case ASSAY_OVERALL_PASS:
		status = ASSAY_RUN_PASS;
		break;
	case ASSAY_OVERALL_FAIL:
		status = ASSAY_RUN_FAIL;
		break;
	default:
		status = ASSAY_RUN_INCOMPLETE;
		break;
	}
	/*
	 * A report not written (or not signed as asked) is no result, PASS
	 * or FAIL: a lab must not read one that is not on disk.
	 */
	if (notwritten)
		status = ASSAY_RUN_INCOMPLETE;
	if (o->resume_hint != NULL)
		snprintf(hint, sizeof(hint), "%s", o->resume_hint);
	else
		snprintf(hint, sizeof(hint), "assay run --resume --out %s ...",
		    o->out_dir);
	if (sh.nunsaved > 0)
		fprintf(stderr, "assay: %zu result%s could not be stored in %s "
		    "(see above); free space, then finish with: %s\n",
		    sh.nunsaved, sh.nunsaved == 1 ? "" : "s", o->out_dir,
		    assay_term_esc(esc1, sizeof(esc1), hint));
	else if (!run.complete)
		fprintf(stderr, "assay: interrupted: %zu of %zu test cases done; "
		    "finish with: %s\n", sh.ndone, sh.nqueue,
		    assay_term_esc(esc1, sizeof(esc1), hint));
 out:
	if (run.results != NULL)
		for (i = 0; i < nt; i++)
			assay_result_clear(&run.results[i]);
	if (run.prov != NULL)
		for (i = 0; i < n; i++)
			free(run.prov[i].reason);
	for (i = 0; i < run.nobservations; i++) {
		free(run.observations[i].test_case);
		free(run.observations[i].file);
		free(run.observations[i].recorded_by);
	}
	free(run.observations);
	assay_external_free(&run);
	assay_judgements_free(judgements, njudgements);
	free(run.results);
	free(run.prov);
	free(run.selected);
	free(sh.queue);
	free(sh.taken);
	free(secrets);
	assay_sandbox_free(sh.tmpl);
	assay_liveness_stop(live);
	assay_budget_free(budget);
	assay_api_shared_free(sh.api);
	assay_status_board_free(sh.board);
	assay_evidence_free(ev);
	assay_catalogue_free(cat);
	assay_profile_free(prof);
	assay_forms_free(forms);
	return status;
}
