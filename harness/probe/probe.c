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
	b->tokens = b->max_rate < 16 ? b->max_rate : 16;	/* small burst */
	b->last = now_s();
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

static void
refill(struct assay_budget *b)
{
	double t = now_s(), cap = b->max_rate < 16 ? b->max_rate : 16;

	b->tokens += (t - b->last) * b->max_rate;
	if (b->tokens > cap)
		b->tokens = cap;
	b->last = t;
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

int
assay_budget_acquire(struct assay_budget *b, int timeout_ms)
{
	struct timespec nap;
	long long dl, left, wait_ns;
	int r = 0, waiter = 0, in_use;

	if (b == NULL)
		return 0;
	dl = assay_clock_ns() + (long long)(timeout_ms > 0 ? timeout_ms : 0) *
	    1000000LL;
	for (;;) {
		lock(b);
		refill(b);
		in_use = total(b->held);
		if (in_use < b->max_conn && b->tokens >= 1.0 &&
		    (waiter || total(b->waiting) == 0)) {
			b->tokens -= 1.0;
			b->held[holder]++;
			if (b->since_ns[holder] > 0) {
				b->delayed_ns[holder] += assay_clock_ns() -
				    b->since_ns[holder];
				b->since_ns[holder] = 0;
			}
			if (waiter)
				unwait(b);
			pthread_mutex_unlock(&b->mu);
			break;
		}
		if (!waiter && timeout_ms > 0) {
			b->waiting[holder]++;
			waiter = 1;
		}
		/* Held back from here until this holder's next slot. */
		if (b->since_ns[holder] == 0)
			b->since_ns[holder] = assay_clock_ns();
		/* Only the rate is short: the next token is due in wait_ns. */
		wait_ns = in_use < b->max_conn ?
		    (long long)((1.0 - b->tokens) / b->max_rate * 1e9) + 1000 :
		    BUDGET_POLL_NS;
		pthread_mutex_unlock(&b->mu);
		left = dl - assay_clock_ns();
		if (timeout_ms <= 0 || left <= 0) {
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
		if (wait_ns > left)
			wait_ns = left;
		nap.tv_sec = 0;
		nap.tv_nsec = (long)wait_ns;
		nanosleep(&nap, NULL);
	}
	return r;
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
