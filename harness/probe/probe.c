/*
 * probe.c - per-device budget and evidence recording shared by probes.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/clock.h"
#include "base/error.h"
#include "probe/probe.h"

/*
 * The budget lives in shared memory behind one process-shared robust
 * mutex: the engine runs each test case in its own process, and all of
 * them draw on the one per-device budget.  Slots are counted per holder
 * (one per concurrent test-case process), so the engine can give back what
 * a killed process held.
 *
 * There is deliberately no condition variable: a waiter killed by SIGKILL
 * inside pthread_cond_timedwait leaves a process-shared condvar's internal
 * state (its waiter counts) stuck, and every later signal, broadcast or
 * destroy then blocks for good -- the run deadlocked after its first test
 * case was killed at its time limit.  A robust mutex survives a killed
 * owner (EOWNERDEAD); so waiters poll: lock, look, unlock, sleep a little.
 * Polling alone lets a caller that just released cut in before waiters who
 * have been polling for a while; so a waiter registers (waiting[], per
 * holder, given back by reclaim like the slots), and while anyone waits a
 * newcomer waits too instead of taking a slot that falls free.
 *
 * The totals are sums over the per-holder counts, never counters of their
 * own: a process killed between two updates would leave a separate total
 * off by one for the rest of the run, where a single held[] or waiting[]
 * store cannot be half done.
 */
#define BUDGET_POLL_NS	2000000L	/* 2 ms between looks at a full budget */

/*
 * The adaptive rate works in epochs, like TCP's congestion window in
 * round trips: at the end of each (5 ms plus four smoothed latencies, at
 * most 250 ms) the rate grows four-fold (slow start: an epoch spans four
 * round trips or more, over which TCP's slow start would grow sixteen-
 * fold) or by an eighth (above ssthresh, once it has been cut) -- but
 * only if the epoch used at least
 * half of the rate and at least nine in ten of its connects were answered
 * promptly, with no trouble: a rate nobody exercised, or one whose
 * answers lag, is never raised.  Trouble cuts it at once by half: a
 * connect timeout, a reset of an established connection, or an answer
 * later than LATE_FACTOR x the lowest latency seen plus LATE_SLACK_NS.
 * Trouble from connects started before the last cut is ignored (the cut
 * already answered it), so one bad burst cuts once, not once per probe.
 */
#define EPOCH_MIN_NS	5000000LL	/* 5 ms */
#define EPOCH_MAX_NS	250000000LL	/* 250 ms */
#define LATE_FACTOR	4
#define LATE_SLACK_NS	50000000LL	/* 50 ms: scheduling noise on a busy lab PC */

struct assay_budget {
	pthread_mutex_t	 mu;
	int		 max_conn;
	int		 max_rate;
	int		 held[ASSAY_BUDGET_MAX_HOLDERS];
	int		 waiting[ASSAY_BUDGET_MAX_HOLDERS];
	/*
	 * How long each holder was held back: delayed_ns summed over
	 * finished delays, since_ns the start of the one going on (0: none).
	 * Read by the engine when it kills a test case at its time limit,
	 * so the reason can name the budget instead of guessing.
	 */
	long long	 delayed_ns[ASSAY_BUDGET_MAX_HOLDERS];
	long long	 since_ns[ASSAY_BUDGET_MAX_HOLDERS];
	double		 tokens;	/* token bucket for the rate */
	double		 last;		/* seconds, CLOCK_MONOTONIC */
	/* Adaptive rate: all under mu, shared by every process. */
	int		 adaptive;
	double		 ceiling;	/* max_rate, lowered after an incident */
	double		 rate;		/* in force now */
	double		 peak;
	double		 ssthresh;	/* doubling below, +1/8 above */
	int		 backoffs;
	long long	 epoch_ns;	/* start of the epoch going on */
	int		 ep_taken, ep_answered, ep_trouble;
	long long	 base_ns;	/* lowest connect latency seen (0: none) */
	long long	 srtt_ns;	/* smoothed connect latency */
	long long	 cut_ns;	/* when the rate was last cut */
	/* Liveness: 0 running, 1 paused, 2 stopped. */
	int		 state;
	long long	 asked_ns;	/* last acquire called */
	long long	 paused_at_ns;	/* start of the pause going on */
	long long	 paused_sum_ns;	/* finished pauses */
	int		 nincidents;
	struct assay_budget_incident incident[ASSAY_BUDGET_MAX_INCIDENTS];
};

/* This process's holder index (0 in the engine itself and in tests). */
static int holder;

void
assay_budget_set_holder(int idx)
{
	holder = idx >= 0 && idx < ASSAY_BUDGET_MAX_HOLDERS ? idx : 0;
}

static void
lock(struct assay_budget *b)
{
	if (pthread_mutex_lock(&b->mu) == EOWNERDEAD)
		pthread_mutex_consistent(&b->mu);	/* holder was killed */
}

static double
now_s(void)
{
	return (double)assay_clock_ns() / 1e9;
}

struct assay_budget *
assay_budget_new(int max_connections, int max_rate)
{
	struct assay_budget *b;
	pthread_mutexattr_t ma;

	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->max_conn = max_connections > 0 ? max_connections :
	    ASSAY_BUDGET_DEFAULT_CONNECTIONS;
	b->max_rate = max_rate > 0 ? max_rate : ASSAY_BUDGET_DEFAULT_RATE;
	b->ceiling = b->max_rate;
	b->adaptive = 1;
	b->rate = b->ceiling < ASSAY_BUDGET_START_RATE ? b->ceiling :
	    ASSAY_BUDGET_START_RATE;
	b->peak = b->rate;
	b->ssthresh = b->ceiling;
	b->tokens = b->rate < 16 ? b->rate : 16;	/* small burst */
	b->last = now_s();
	b->epoch_ns = assay_clock_ns();
	b->asked_ns = b->epoch_ns;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&b->mu, &ma);
	pthread_mutexattr_destroy(&ma);
	return b;
}

void
assay_budget_free(struct assay_budget *b)
{
	if (b == NULL)
		return;
	/*
	 * No pthread_mutex_destroy: a process killed while holding the mutex
	 * leaves it owned by a dead thread, and nobody else uses it once the
	 * engine frees the budget; unmapping is enough.
	 */
	munmap(b, sizeof(*b));
}

void
assay_budget_reclaim(struct assay_budget *b, int idx)
{
	if (b == NULL || idx < 0 || idx >= ASSAY_BUDGET_MAX_HOLDERS)
		return;
	lock(b);
	b->held[idx] = 0;
	b->waiting[idx] = 0;
	b->delayed_ns[idx] = 0;
	b->since_ns[idx] = 0;
	pthread_mutex_unlock(&b->mu);
}

long long
assay_budget_delayed_ms(struct assay_budget *b, int idx)
{
	long long ns;

	if (b == NULL || idx < 0 || idx >= ASSAY_BUDGET_MAX_HOLDERS)
		return 0;
	lock(b);
	ns = b->delayed_ns[idx];
	if (b->since_ns[idx] > 0)
		ns += assay_clock_ns() - b->since_ns[idx];
	pthread_mutex_unlock(&b->mu);
	return ns / 1000000LL;
}

/*
 * The burst: 16 connections, fewer at a rate under 16/s, and a
 * millisecond's worth at rates over 16000/s, where a sleep of a few tens
 * of microseconds between tokens would cap the rate below the ceiling.
 */
static void
refill(struct assay_budget *b)
{
	double t = now_s(), cap = b->rate < 16 ? b->rate : 16;

	if (b->rate / 1000 > cap)
		cap = b->rate / 1000;
	b->tokens += (t - b->last) * b->rate;
	if (b->tokens > cap)
		b->tokens = cap;
	b->last = t;
}

static double
floor_rate(const struct assay_budget *b)
{
	return b->ceiling < ASSAY_BUDGET_MIN_RATE ? b->ceiling :
	    ASSAY_BUDGET_MIN_RATE;
}

static void
new_epoch(struct assay_budget *b, long long t)
{
	b->epoch_ns = t;
	b->ep_taken = b->ep_answered = b->ep_trouble = 0;
}

/* Cuts the rate by half (the mutex is held). */
static void
cut(struct assay_budget *b, long long t)
{
	b->rate /= 2;
	if (b->rate < floor_rate(b))
		b->rate = floor_rate(b);
	b->ssthresh = b->rate;
	if (b->tokens > 1.0)
		b->tokens = 1.0;
	b->cut_ns = t;
	b->backoffs++;
	new_epoch(b, t);
	b->ep_trouble = 1;	/* no growth in the epoch after a cut */
}

/* At the end of an epoch, raises the rate if it earned it (mutex held). */
static void
adapt(struct assay_budget *b, long long t)
{
	long long len = EPOCH_MIN_NS + 4 * b->srtt_ns;
	double used;

	if (!b->adaptive || b->state != 0)
		return;
	if (len > EPOCH_MAX_NS)
		len = EPOCH_MAX_NS;
	if (t - b->epoch_ns < len)
		return;
	used = b->rate * (double)(t - b->epoch_ns) / 1e9;
	if (b->ep_trouble == 0 && b->ep_taken >= 4 &&
	    b->ep_taken >= used / 2 && b->ep_answered * 10 >= b->ep_taken * 9) {
		b->rate = b->rate < b->ssthresh ? b->rate * 4 :
		    b->rate + b->rate / 8;
		if (b->rate > b->ceiling)
			b->rate = b->ceiling;
		if (b->rate > b->peak)
			b->peak = b->rate;
	}
	new_epoch(b, t);
}

/* Sum of a per-holder count (the mutex is held). */
static int
total(const int *v)
{
	int i, n = 0;

	for (i = 0; i < ASSAY_BUDGET_MAX_HOLDERS; i++)
		n += v[i] > 0 ? v[i] : 0;
	return n;
}

/* This caller stops waiting (the mutex is held). */
static void
unwait(struct assay_budget *b)
{
	if (b->waiting[holder] > 0)
		b->waiting[holder]--;
}

/* Nanoseconds spent paused, the pause going on included (mutex held). */
static long long
paused_ns(const struct assay_budget *b, long long t)
{
	return b->paused_sum_ns + (b->state == 1 ? t - b->paused_at_ns : 0);
}

int
assay_budget_acquire(struct assay_budget *b, int timeout_ms)
{
	struct timespec nap;
	long long dl, left, wait_ns, t, p0 = -1, pause_ns = 0;
	int r = 0, waiter = 0, in_use, state;

	if (b == NULL)
		return 0;
	dl = assay_clock_ns() + (long long)(timeout_ms > 0 ? timeout_ms : 0) *
	    1000000LL;
	for (;;) {
		lock(b);
		t = assay_clock_ns();
		b->asked_ns = t;
		/* A pause (the device is down) does not count against us. */
		if (p0 < 0)
			p0 = paused_ns(b, t);
		pause_ns = paused_ns(b, t) - p0;
		state = b->state;
		refill(b);
		adapt(b, t);
		in_use = total(b->held);
		if (state == 0 && in_use < b->max_conn && b->tokens >= 1.0 &&
		    (waiter || total(b->waiting) == 0)) {
			b->tokens -= 1.0;
			b->ep_taken++;
			b->held[holder]++;
			if (b->since_ns[holder] > 0) {
				b->delayed_ns[holder] += t - b->since_ns[holder];
				b->since_ns[holder] = 0;
			}
			if (waiter)
				unwait(b);
			pthread_mutex_unlock(&b->mu);
			break;
		}
		if (!waiter && timeout_ms > 0 && state != 2) {
			b->waiting[holder]++;
			waiter = 1;
		}
		/* Held back from here until this holder's next slot. */
		if (b->since_ns[holder] == 0)
			b->since_ns[holder] = t;
		/* Only the rate is short: the next token is due in wait_ns. */
		wait_ns = state == 0 && in_use < b->max_conn ?
		    (long long)((1.0 - b->tokens) / b->rate * 1e9) + 1000 :
		    BUDGET_POLL_NS;
		pthread_mutex_unlock(&b->mu);
		left = dl + pause_ns - assay_clock_ns();
		if (timeout_ms <= 0 || state == 2 || (left <= 0 && state != 1)) {
			if (waiter) {
				lock(b);
				unwait(b);
				pthread_mutex_unlock(&b->mu);
			}
			r = ASSAY_ERR_BUDGET;
			break;
		}
		if (wait_ns > BUDGET_POLL_NS)
			wait_ns = BUDGET_POLL_NS;
		if (wait_ns > left && left > 0)
			wait_ns = left;
		nap.tv_sec = 0;
		nap.tv_nsec = (long)wait_ns;
		nanosleep(&nap, NULL);
	}
	return r;
}

void
assay_budget_feedback(struct assay_budget *b, int kind, long long latency_ns)
{
	long long t, late;
	int trouble;

	if (b == NULL || !b->adaptive)
		return;
	if (latency_ns < 0)
		latency_ns = 0;
	lock(b);
	t = assay_clock_ns();
	trouble = kind != ASSAY_BUDGET_ANSWERED;
	if (kind == ASSAY_BUDGET_ANSWERED) {
		b->srtt_ns = b->srtt_ns == 0 ? latency_ns :
		    b->srtt_ns + (latency_ns - b->srtt_ns) / 8;
		late = (b->base_ns > 0 ? b->base_ns : latency_ns) *
		    LATE_FACTOR + LATE_SLACK_NS;
		if (b->base_ns == 0 || latency_ns < b->base_ns)
			b->base_ns = latency_ns > 0 ? latency_ns : 1;
		if (latency_ns > late)
			trouble = 1;
		else
			b->ep_answered++;
	}
	if (trouble) {
		b->ep_trouble++;
		/* Started after the last cut: news the last cut did not see. */
		if (b->state == 0 && t - latency_ns >= b->cut_ns)
			cut(b, t);
	}
	adapt(b, t);
	pthread_mutex_unlock(&b->mu);
}

long long
assay_budget_late_ns(struct assay_budget *b)
{
	long long v;

	if (b == NULL || !b->adaptive)
		return 0;
	lock(b);
	v = b->base_ns > 0 ? b->base_ns * LATE_FACTOR + LATE_SLACK_NS : 0;
	pthread_mutex_unlock(&b->mu);
	return v;
}

void
assay_budget_set_adaptive(struct assay_budget *b, int on)
{
	if (b == NULL)
		return;
	lock(b);
	b->adaptive = on != 0;
	if (!b->adaptive)
		b->rate = b->ceiling;
	pthread_mutex_unlock(&b->mu);
}

int
assay_budget_adaptive(struct assay_budget *b)
{
	return b != NULL && b->adaptive;
}

double
assay_budget_rate(struct assay_budget *b)
{
	double v;

	if (b == NULL)
		return 0;
	lock(b);
	v = b->rate;
	pthread_mutex_unlock(&b->mu);
	return v;
}

double
assay_budget_peak_rate(struct assay_budget *b)
{
	double v;

	if (b == NULL)
		return 0;
	lock(b);
	v = b->adaptive ? b->peak : b->rate;
	pthread_mutex_unlock(&b->mu);
	return v;
}

int
assay_budget_backoffs(struct assay_budget *b)
{
	int n;

	if (b == NULL)
		return 0;
	lock(b);
	n = b->backoffs;
	pthread_mutex_unlock(&b->mu);
	return n;
}

static long long
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
assay_budget_pause(struct assay_budget *b)
{
	struct assay_budget_incident *in;

	if (b == NULL)
		return;
	lock(b);
	if (b->state == 0) {
		b->state = 1;
		b->paused_at_ns = assay_clock_ns();
		if (b->nincidents < ASSAY_BUDGET_MAX_INCIDENTS) {
			in = &b->incident[b->nincidents];
			memset(in, 0, sizeof(*in));
			in->at_ms = wall_ms();
			in->rate = b->rate;
		}
		b->nincidents++;
	}
	pthread_mutex_unlock(&b->mu);
}

/* Ends the pause going on (mutex held); recovered or not. */
static void
unpause(struct assay_budget *b, int recovered)
{
	struct assay_budget_incident *in;
	long long t = assay_clock_ns();

	b->paused_sum_ns += t - b->paused_at_ns;
	if (b->nincidents > 0 && b->nincidents <= ASSAY_BUDGET_MAX_INCIDENTS) {
		in = &b->incident[b->nincidents - 1];
		in->down_ms = (t - b->paused_at_ns) / 1000000LL;
		in->recovered = recovered;
	}
}

void
assay_budget_resume(struct assay_budget *b)
{
	double at;

	if (b == NULL)
		return;
	lock(b);
	if (b->state == 1) {
		unpause(b, 1);
		b->state = 0;
		/*
		 * The device went quiet at this rate: never again above half
		 * of it, and start over from a quarter of that.
		 */
		at = b->rate;
		b->ceiling = at / 2 > ASSAY_BUDGET_MIN_RATE ? at / 2 :
		    ASSAY_BUDGET_MIN_RATE;
		if (b->ceiling > b->max_rate)
			b->ceiling = b->max_rate;
		b->rate = b->ceiling / 4 > floor_rate(b) ? b->ceiling / 4 :
		    floor_rate(b);
		if (!b->adaptive)
			b->rate = b->ceiling;
		b->ssthresh = b->rate;
		b->tokens = b->tokens > 1.0 ? 1.0 : b->tokens;
		b->last = now_s();
		b->cut_ns = assay_clock_ns();
		new_epoch(b, b->cut_ns);
	}
	pthread_mutex_unlock(&b->mu);
}

void
assay_budget_stop(struct assay_budget *b)
{
	if (b == NULL)
		return;
	lock(b);
	if (b->state == 1)
		unpause(b, 0);
	b->state = 2;
	pthread_mutex_unlock(&b->mu);
}

long long
assay_budget_idle_ms(struct assay_budget *b)
{
	long long v;

	if (b == NULL)
		return 0;
	lock(b);
	v = total(b->held) > 0 ? 0 : (assay_clock_ns() - b->asked_ns) /
	    1000000LL;
	pthread_mutex_unlock(&b->mu);
	return v;
}

int
assay_budget_state(struct assay_budget *b)
{
	int st;

	if (b == NULL)
		return 0;
	lock(b);
	st = b->state;
	pthread_mutex_unlock(&b->mu);
	return st;
}

int
assay_budget_incidents(struct assay_budget *b,
    struct assay_budget_incident *out, int max)
{
	int i, n;

	if (b == NULL)
		return 0;
	lock(b);
	n = b->nincidents;
	for (i = 0; i < n && i < max && i < ASSAY_BUDGET_MAX_INCIDENTS; i++) {
		out[i] = b->incident[i];
		/* A pause going on: down so far. */
		if (i == n - 1 && b->state == 1)
			out[i].down_ms = (assay_clock_ns() - b->paused_at_ns) /
			    1000000LL;
	}
	pthread_mutex_unlock(&b->mu);
	return n;
}

void
assay_budget_release(struct assay_budget *b)
{
	if (b == NULL)
		return;
	lock(b);
	if (b->held[holder] > 0)
		b->held[holder]--;
	pthread_mutex_unlock(&b->mu);
}

int
assay_budget_max_connections(const struct assay_budget *b)
{
	return b->max_conn;
}

int
assay_budget_max_rate(const struct assay_budget *b)
{
	return b->max_rate;
}

void
assay_probe_record(const struct assay_probe_env *env, const char *channel,
    const char *dir, const void *data, size_t len)
{
	if (env == NULL || env->record == NULL)
		return;
	env->record(env->record_arg, channel, dir, data, len);
}

void
assay_probe_reason(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (reason == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
}

void
assay_probe_note(const struct assay_probe_env *env, const char *channel,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	if (env == NULL || env->record == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	env->record(env->record_arg, channel, "note", msg, (size_t)n);
}

static const char env_key = 'e';	/* its address is the registry key */

void
assay_probe_env_set(lua_State *L, const struct assay_probe_env *env)
{
	lua_pushlightuserdata(L, (void *)&env_key);
	lua_pushlightuserdata(L, (void *)env);
	lua_rawset(L, LUA_REGISTRYINDEX);
}

const struct assay_probe_env *
assay_probe_env_get(lua_State *L)
{
	const struct assay_probe_env *env;

	lua_pushlightuserdata(L, (void *)&env_key);
	lua_rawget(L, LUA_REGISTRYINDEX);
	env = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return env;
}

const char *
assay_auth_outcome_name(int outcome)
{
	switch (outcome) {
	case ASSAY_AUTH_ACCEPTED:
		return "accepted";
	case ASSAY_AUTH_REJECTED:
		return "rejected";
	case ASSAY_AUTH_NO_PASSWORD:
		return "no_password";
	default:
		return "unreached";
	}
}

void
assay_probe_excerpt(const unsigned char *p, size_t len, size_t nhex,
    size_t ntext, char *dst, size_t dlen)
{
	size_t i, o = 0;

	if (dlen == 0)
		return;
	dst[0] = '\0';
	for (i = 0; i < len && i < nhex && o + 4 < dlen; i++)
		o += (size_t)snprintf(dst + o, dlen - o, "%s%02x", i ? " " : "",
		    p[i]);
	if (o + 4 < dlen)
		o += (size_t)snprintf(dst + o, dlen - o, " \"");
	for (i = 0; i < len && i < ntext && o + 3 < dlen; i++)
		dst[o++] = (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"') ?
		    (char)p[i] : '.';
	if (o + 2 < dlen) {
		dst[o++] = '"';
		dst[o] = '\0';
	} else
		dst[dlen - 1] = '\0';
}

static unsigned char
fold(unsigned char c, int nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

long
assay_probe_find(const void *hay, size_t hlen, const void *needle,
    size_t nlen, int nocase)
{
	const unsigned char *h = hay, *n = needle;
	unsigned short fail[ASSAY_PROBE_FIND_MAX_NEEDLE];
	size_t i, k;

	if (nlen == 0 || nlen > ASSAY_PROBE_FIND_MAX_NEEDLE || hlen < nlen)
		return -1;
	/* fail[i]: length of the longest proper border of needle[0..i]. */
	fail[0] = 0;
	for (i = 1, k = 0; i < nlen; i++) {
		while (k > 0 && fold(n[i], nocase) != fold(n[k], nocase))
			k = fail[k - 1];
		if (fold(n[i], nocase) == fold(n[k], nocase))
			k++;
		fail[i] = (unsigned short)k;
	}
	for (i = 0, k = 0; i < hlen; i++) {
		while (k > 0 && fold(h[i], nocase) != fold(n[k], nocase))
			k = fail[k - 1];
		if (fold(h[i], nocase) == fold(n[k], nocase))
			k++;
		if (k == nlen)
			return (long)(i + 1 - nlen);
	}
	return -1;
}
