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

#include "error.h"
#include "probe.h"

/*
 * The budget lives in shared memory with process-shared, robust locks: the
 * engine runs each test case in its own process, and all of them draw on
 * the one per-device budget.  Slots are counted per holder (one per
 * concurrent test-case process), so the engine can give back what a killed
 * process held.
 */
struct assay_budget {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 max_conn;
	int		 max_rate;
	int		 in_use;
	int		 held[ASSAY_BUDGET_MAX_HOLDERS];
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
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct assay_budget *
assay_budget_new(int max_connections, int max_rate)
{
	struct assay_budget *b;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;

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
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->cv, &ca);
	pthread_condattr_destroy(&ca);
	return b;
}

void
assay_budget_free(struct assay_budget *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	munmap(b, sizeof(*b));
}

void
assay_budget_reclaim(struct assay_budget *b, int idx)
{
	if (b == NULL || idx < 0 || idx >= ASSAY_BUDGET_MAX_HOLDERS)
		return;
	lock(b);
	b->in_use -= b->held[idx];
	if (b->in_use < 0)
		b->in_use = 0;
	b->held[idx] = 0;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
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

int
assay_budget_acquire(struct assay_budget *b, int timeout_ms)
{
	struct timespec dl, ts;
	double wait_s;
	int r = 0;

	if (b == NULL)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	lock(b);
	for (;;) {
		refill(b);
		if (b->in_use < b->max_conn && b->tokens >= 1.0) {
			b->tokens -= 1.0;
			b->in_use++;
			b->held[holder]++;
			break;
		}
		if (timeout_ms <= 0) {
			r = ASSAY_ERR_BUDGET;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec > dl.tv_sec ||
		    (ts.tv_sec == dl.tv_sec && ts.tv_nsec >= dl.tv_nsec)) {
			r = ASSAY_ERR_BUDGET;
			break;
		}
		if (b->in_use < b->max_conn) {
			/* Only the rate is short: sleep until a token is due. */
			wait_s = (1.0 - b->tokens) / b->max_rate;
			ts.tv_nsec += (long)(wait_s * 1e9) + 1000;
			while (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (ts.tv_sec > dl.tv_sec ||
			    (ts.tv_sec == dl.tv_sec && ts.tv_nsec > dl.tv_nsec))
				ts = dl;
			if (pthread_cond_timedwait(&b->cv, &b->mu, &ts) ==
			    EOWNERDEAD)
				pthread_mutex_consistent(&b->mu);
		} else if (pthread_cond_timedwait(&b->cv, &b->mu, &dl) ==
		    EOWNERDEAD)
			pthread_mutex_consistent(&b->mu);
	}
	pthread_mutex_unlock(&b->mu);
	return r;
}

void
assay_budget_release(struct assay_budget *b)
{
	if (b == NULL)
		return;
	lock(b);
	if (b->in_use > 0)
		b->in_use--;
	if (b->held[holder] > 0)
		b->held[holder]--;
	pthread_cond_signal(&b->cv);
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

long long
assay_probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
