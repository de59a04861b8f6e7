/*
 * liveness.c - the liveness watch (liveness.h).
 *
 * The watcher is a forked process, not a thread of the engine: the
 * engine's supervisor forks test-case processes and must not carry a
 * thread into them, and a process can be killed at the end without
 * joining anything.  The engine may have threads when it forks the
 * watcher, so the child only makes system calls and takes the budget's
 * robust process-shared mutex (probe.c): no malloc, no stdio, no
 * getaddrinfo (the address is resolved before the fork).
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/error.h"
#include "forms/spec.h"
#include "probe/conn.h"
#include "probe/probe.h"
#include "run/catalogue.h"
#include "run/liveness.h"
#include "run/model.h"
#include "run/verdict.h"

/* A connect slower than this is no answer (the device may be loaded). */
#define CONNECT_TIMEOUT_MS	2000
/* Probes silent this long: the watch rests. */
#define IDLE_MS			1000

struct assay_liveness {
	pid_t	pid;
};

static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* 1 when a TCP connect to ss completes within timeout_ms. */
static int
answers(const struct sockaddr_storage *ss, socklen_t sslen, int timeout_ms)
{
	struct pollfd pfd;
	socklen_t el = sizeof(int);
	int fd, e = 0, ok = 0;

	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return 0;
	if (connect(fd, (const struct sockaddr *)ss, sslen) == 0)
		ok = 1;
	else if (errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) == 1 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0)
			ok = 1;
	}
	close(fd);
	return ok;
}

static void
watch(struct assay_budget *b, const struct sockaddr_storage *ss,
    socklen_t sslen, int interval_ms, int give_up_s)
{
	long long t, down_since = 0;
	int armed = 0, misses = 0, paused = 0;

	for (;;) {
		t = assay_clock_ms();
		/*
		 * Nothing talks to the device: nothing to watch for (and no
		 * flows of ours in the captures of test cases that only
		 * listen).  Once paused, always look.
		 */
		if (!paused && assay_budget_idle_ms(b) > IDLE_MS) {
			misses = 0;
			nap_ms(interval_ms);
			continue;
		}
		if (answers(ss, sslen, CONNECT_TIMEOUT_MS)) {
			armed = 1;
			misses = 0;
			if (paused) {
				assay_budget_resume(b);
				paused = 0;
			}
		} else if (armed && ++misses >= ASSAY_LIVENESS_MISSES) {
			if (!paused) {
				assay_budget_pause(b);
				paused = 1;
				down_since = t;
			} else if (assay_clock_ms() - down_since >=
			    (long long)give_up_s * 1000) {
				assay_budget_stop(b);
				_exit(0);
			}
		}
		t = interval_ms - (assay_clock_ms() - t);
		if (t > 0)
			nap_ms((long)t);
	}
}

int
assay_liveness_start(struct assay_budget *b, const char *host,
    unsigned int port, int interval_ms, int give_up_s,
    struct assay_liveness **lp, char *why, size_t whylen)
{
	struct assay_liveness *l;
	struct sockaddr_storage ss;
	socklen_t sslen = 0;
	pid_t parent = getpid();
	int r;

	*lp = NULL;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if ((r = assay_conn_resolve(host, port, SOCK_STREAM, &ss, &sslen, why,
	    whylen)) != 0)
		return r;
	if (why != NULL && why[0] != '\0')
		return ASSAY_ERR_NETWORK;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((l->pid = fork()) == -1) {
		free(l);
		return ASSAY_ERR_INTERNAL;
	}
	if (l->pid == 0) {
		/* Never outlive the engine, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_DFL);
		watch(b, &ss, sslen, interval_ms, give_up_s);
		_exit(0);
	}
	*lp = l;
	return 0;
}

void
assay_liveness_stop(struct assay_liveness *l)
{
	int st;

	if (l == NULL)
		return;
	if (l->pid > 0) {
		kill(l->pid, SIGKILL);
		while (waitpid(l->pid, &st, 0) == -1 && errno == EINTR)
			;
	}
	free(l);
}

int
assay_liveness_format(struct assay_budget *b, char *text, size_t len)
{
	struct assay_budget_incident in[ASSAY_BUDGET_MAX_INCIDENTS];
	size_t off = strlen(text);
	int i, n, k;

	n = assay_budget_incidents(b, in, ASSAY_BUDGET_MAX_INCIDENTS);
	for (i = 0; i < n && i < ASSAY_BUDGET_MAX_INCIDENTS; i++) {
		k = snprintf(text + off, len - off, "%s%lld %.0f %lld %d",
		    off > 0 ? ";" : "", in[i].at_ms, in[i].rate, in[i].down_ms,
		    in[i].recovered);
		if (k < 0 || (size_t)k >= len - off) {
			text[off] = '\0';
			return ASSAY_ERR_TOO_BIG;
		}
		off += (size_t)k;
	}
	return 0;
}

/* Milliseconds since the epoch of an ISO 8601 UTC time, or -1. */
static long long
iso_ms(const char *s)
{
	struct tm tm;
	const char *e;

	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *e != '\0')
		return -1;
	return (long long)timegm(&tm) * 1000;
}

size_t
assay_liveness_apply(struct assay_run *run, const char *text)
{
	struct assay_run_incident *in;
	const struct assay_run_incident *dead = NULL;
	struct assay_result *res;
	const char *p = text;
	long long at, down, start;
	double rate;
	size_t i, changed = 0;
	char *s;
	int rec, used;
	time_t sec;
	struct tm tm;

	run->nincidents = 0;
	while (p != NULL && *p != '\0') {
		if (sscanf(p, "%lld %lf %lld %d%n", &at, &rate, &down, &rec,
		    &used) != 4)
			break;
		if (run->nincidents < ASSAY_RUN_MAX_INCIDENTS) {
			in = &run->incidents[run->nincidents++];
			in->at_ms = at;
			sec = (time_t)(at / 1000);
			gmtime_r(&sec, &tm);
			strftime(in->at, sizeof(in->at), "%Y-%m-%dT%H:%M:%SZ",
			    &tm);
			in->rate = rate;
			in->down_ms = down;
			in->recovered = rec;
			if (!rec && dead == NULL)
				dead = in;
		}
		p += used;
		if (*p == ';')
			p++;
	}
	if (dead == NULL)
		return 0;
	for (i = 0; i < assay_catalogue_count(run->catalogue); i++) {
		res = &run->results[i];
		if (!run->selected[i] || (res->verdict != ASSAY_VERDICT_PASS &&
		    res->verdict != ASSAY_VERDICT_INCONCLUSIVE &&
		    res->verdict != ASSAY_VERDICT_ERROR) ||
		    assay_catalogue_type(run->catalogue, i) == ASSAY_TC_CONCEPTUAL)
			continue;
		/* started has whole seconds: a second of slack. */
		if ((start = iso_ms(res->started)) < 0 ||
		    start + res->duration_ms + 1000 < dead->at_ms)
			continue;
		if (asprintf(&s, "device stopped answering at %.0f "
		    "connections/s (the liveness watch had no answer for %lld "
		    "s from %s)", dead->rate, dead->down_ms / 1000,
		    dead->at) < 0)
			continue;
		free(res->reason);
		res->reason = s;
		res->verdict = ASSAY_VERDICT_INCONCLUSIVE;
		changed++;
	}
	return changed;
}
