/*
 * probe_tcp.c - TCP port sweep, banner grab and UDP discovery probes.
 *
 * The sweep keeps up to min(budget connections, free descriptors)
 * non-blocking connects in flight in one epoll set.  Connects start in
 * port order, so their deadlines are in the same order: a FIFO of
 * (fd, sequence) finds the expired ones without a timer heap.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/error.h"
#include "base/clock.h"
#include "base/status.h"
#include "probe/conn.h"
#include "probe/lua.h"
#include "probe/tcp.h"

struct assay_tcp_sweep {
	uint8_t	 state[65536];
	size_t	 count[4];
	int	 max_in_flight;
};

/* Closes a TCP socket with an RST so no TIME_WAIT state is left behind. */
static void
close_rst(int fd)
{
	struct linger lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

int
assay_probe_tcp_parse_ports(const char *spec, uint16_t **portsp, size_t *np,
    char *reason, size_t reasonlen)
{
	uint8_t *seen = NULL;
	uint16_t *ports = NULL;
	const char *p = spec;
	char *end;
	long lo, hi, i;
	size_t n = 0;
	int r = ASSAY_ERR_INVALID_ARG;

	*portsp = NULL;
	*np = 0;
	if (spec == NULL)
		goto out;
	if ((seen = calloc(65536, 1)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		errno = 0;
		lo = strtol(p, &end, 10);
		if (end == p || errno != 0)
			goto bad;
		hi = lo;
		p = end;
		if (*p == '-') {
			p++;
			hi = strtol(p, &end, 10);
			if (end == p || errno != 0)
				goto bad;
			p = end;
		}
		while (*p == ' ')
			p++;
		if (lo < 1 || hi > 65535 || lo > hi)
			goto bad;
		for (i = lo; i <= hi; i++)
			seen[i] = 1;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	for (i = 1; i < 65536; i++)
		n += seen[i];
	if (n == 0) {
		assay_probe_reason(reason, reasonlen, "port list \"%.64s\" is empty", spec);
		goto out;
	}
	if ((ports = malloc(n * sizeof(*ports))) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	n = 0;
	for (i = 1; i < 65536; i++)
		if (seen[i])
			ports[n++] = (uint16_t)i;
	*portsp = ports;
	*np = n;
	ports = NULL;
	r = 0;
	goto out;
 bad:
	assay_probe_reason(reason, reasonlen, "port list \"%.64s\": bad element at "
	    "offset %zu (ports are 1-65535, ranges lo-hi)", spec,
	    (size_t)(p - spec));
 out:
	free(seen);
	free(ports);
	return r;
}

void
assay_tcp_sweep_free(struct assay_tcp_sweep *r)
{
	free(r);
}

int
assay_tcp_sweep_state(const struct assay_tcp_sweep *r, unsigned int port)
{
	if (r == NULL || port > 65535)
		return ASSAY_PORT_UNTESTED;
	return r->state[port];
}

size_t
assay_tcp_sweep_count(const struct assay_tcp_sweep *r, int state)
{
	if (r == NULL || state < 0 || state > 3)
		return 0;
	return r->count[state];
}

int
assay_tcp_sweep_max_in_flight(const struct assay_tcp_sweep *r)
{
	return r == NULL ? 0 : r->max_in_flight;
}

/*
 * The sweep runs in up to SWEEP_MAX_WORKERS threads (one per CPU), each
 * with its own epoll set, taking ports from a shared cursor in chunks.
 * The budget bounds connections across all of them.
 */
#define SWEEP_MAX_WORKERS	4
#define SWEEP_CHUNK		64

/* One pending connect, in start order. */
struct pending {
	int		 fd;
	uint16_t	 port;
	unsigned int	 seq;
	int		 late_told;	/* the budget heard it is late */
	long long	 deadline;
};

struct sweep {
	const struct assay_probe_env	*env;
	struct assay_budget		*budget;
	struct assay_tcp_sweep		*res;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;
	const uint16_t			*ports;
	size_t				 nports;
	int				 timeout_ms;
	int				 nfd;		/* size of per-fd arrays */
	atomic_uint			*seq_of;	/* by fd; 0: idle */
	_Atomic long long		*t0_of;		/* by fd: connect start, ns */
	atomic_size_t			 next;		/* next chunk of ports */
	atomic_int			 in_flight;	/* all workers */
	atomic_int			 max_in_flight;
	atomic_int			 failed;	/* a worker hit an error */
	const struct worker		*first;		/* reports progress */
};

struct worker {
	struct sweep	*s;
	pthread_t	 th;
	int		 ep;
	int		 cap;		/* connects in flight at most */
	int		 in_flight;
	struct pending	*q;		/* ring of cap + 1 entries */
	size_t		 qhead, qlen, qcap;
	size_t		 pos, end;	/* current chunk */
	unsigned int	 seq;
	size_t		 count[4];
	int		 r;
};

/*
 * A connect from an ephemeral port to the same port on the same address
 * meets itself (TCP simultaneous open) and looks open although nothing
 * listens there.
 */
static int
self_connected(int fd)
{
	struct sockaddr_storage a, b;
	socklen_t al = sizeof(a), bl = sizeof(b);

	if (getsockname(fd, (struct sockaddr *)&a, &al) == -1 ||
	    getpeername(fd, (struct sockaddr *)&b, &bl) == -1)
		return 0;
	return al == bl && memcmp(&a, &b, al) == 0;
}

static void
finish(struct worker *w, int fd, uint16_t port, int state)
{
	struct sweep *s = w->s;

	if (state == ASSAY_PORT_OPEN && self_connected(fd))
		state = ASSAY_PORT_CLOSED;
	s->res->state[port] = (uint8_t)state;
	w->count[state]++;
	/*
	 * The budget learns how the device copes: open or closed (a RST is
	 * a prompt answer too) after this long, or no answer at all.
	 */
	assay_budget_feedback(s->budget, state == ASSAY_PORT_FILTERED ?
	    ASSAY_BUDGET_TIMEOUT : ASSAY_BUDGET_ANSWERED, assay_clock_ns() -
	    atomic_load_explicit(&s->t0_of[fd], memory_order_relaxed));
	atomic_store_explicit(&s->seq_of[fd], 0, memory_order_relaxed);
	if (state == ASSAY_PORT_OPEN)
		close_rst(fd);
	else
		close(fd);
	w->in_flight--;
	atomic_fetch_sub(&s->in_flight, 1);
	assay_budget_release(s->budget);
}

/*
 * A SYN answered by an RST gives ECONNREFUSED.  ECONNRESET or EPIPE can
 * only come from a connection that was established and then reset (a
 * service that accepts and closes at once with SO_LINGER 0, a full
 * accept queue dropped by RST): the port answered, so it is open.
 */
static int
state_of_errno(int e)
{
	if (e == 0 || e == ECONNRESET || e == EPIPE)
		return ASSAY_PORT_OPEN;
	if (e == ECONNREFUSED)
		return ASSAY_PORT_CLOSED;
	return ASSAY_PORT_FILTERED;
}

static void
count_in(struct worker *w)
{
	struct sweep *s = w->s;
	int n, m;

	w->in_flight++;
	n = atomic_fetch_add(&s->in_flight, 1) + 1;
	m = atomic_load(&s->max_in_flight);
	while (n > m && !atomic_compare_exchange_weak(&s->max_in_flight, &m,
	    n))
		;
}

static void
count_out(struct worker *w)
{
	w->in_flight--;
	atomic_fetch_sub(&w->s->in_flight, 1);
}

/*
 * Starts a connect to port.  Returns 1 when started (or finished at
 * once), 0 when the kernel is short of local ports or descriptors right
 * now (retry later), negative on a harness error.
 */
static int
start_one(struct worker *w, uint16_t port)
{
	struct sweep *s = w->s;
	struct sockaddr_storage ss = s->ss;
	struct epoll_event ev;
	struct pending *pe;
	socklen_t el;
	int fd, e = 0;

	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return (errno == EMFILE || errno == ENFILE) && w->in_flight > 0 ?
		    0 : ASSAY_ERR_NETWORK;
	if (fd >= s->nfd) {
		close(fd);
		return w->in_flight > 0 ? 0 : ASSAY_ERR_NETWORK;
	}
	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	/*
	 * Descriptors are reused across workers as soon as they are
	 * closed, so a queue entry is matched by a sequence number unique
	 * over all workers: worker i uses i+1, i+1+MAX, ... (never 0).
	 */
	w->seq += SWEEP_MAX_WORKERS;
	atomic_store_explicit(&s->seq_of[fd], w->seq, memory_order_relaxed);
	atomic_store_explicit(&s->t0_of[fd], assay_clock_ns(),
	    memory_order_relaxed);
	count_in(w);
	if (connect(fd, (struct sockaddr *)&ss, s->sslen) == 0) {
		finish(w, fd, port, ASSAY_PORT_OPEN);
		return 1;
	}
	if (errno == EADDRNOTAVAIL || errno == EAGAIN) {
		atomic_store_explicit(&s->seq_of[fd], 0, memory_order_relaxed);
		count_out(w);
		close(fd);
		return 0;
	}
	if (errno != EINPROGRESS) {
		finish(w, fd, port, state_of_errno(errno));
		return 1;
	}
	/*
	 * On loopback and fast links the RST has often been processed
	 * before connect() returns: collecting it now saves the epoll
	 * round trip for most closed ports.  0 means connected or still
	 * pending; epoll tells those apart.
	 */
	el = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e != 0) {
		finish(w, fd, port, state_of_errno(e));
		return 1;
	}
	ev.events = EPOLLOUT;
	ev.data.u64 = (uint64_t)(unsigned int)fd | (uint64_t)port << 32;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		atomic_store_explicit(&s->seq_of[fd], 0, memory_order_relaxed);
		count_out(w);
		close(fd);
		return ASSAY_ERR_NETWORK;
	}
	pe = &w->q[(w->qhead + w->qlen) % w->qcap];
	pe->fd = fd;
	pe->port = port;
	pe->seq = w->seq;
	pe->late_told = 0;
	pe->deadline = assay_clock_ms() + s->timeout_ms;
	w->qlen++;
	return 1;
}

/*
 * The state of a connect whose deadline passed.  A worker that was not
 * scheduled for longer than the timeout (a loaded machine) must not call
 * a port filtered whose answer is already waiting in the socket: the
 * socket is asked before the verdict, so only silence is "filtered".
 */
static int
state_at_deadline(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t el;
	int e = 0;

	if (poll(&pfd, 1, 0) != 1)
		return ASSAY_PORT_FILTERED;
	el = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
		e = errno;
	return state_of_errno(e);
}

/* Drops finished entries from the head of the queue, expires due ones. */
static void
expire(struct worker *w, long long t)
{
	struct pending *pe;

	while (w->qlen > 0) {
		pe = &w->q[w->qhead];
		if (atomic_load_explicit(&w->s->seq_of[pe->fd],
		    memory_order_relaxed) == pe->seq) {
			if (pe->deadline > t)
				break;
			finish(w, pe->fd, pe->port, state_at_deadline(pe->fd));
		}
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qlen--;
	}
}

/*
 * Tells the budget about connects still unanswered past its late mark,
 * oldest first (the queue is in start order), each once: a device whose
 * accept queue overflows drops SYNs, and the retry a second later is too
 * late to back off in time.
 */
static void
tell_late(struct worker *w)
{
	struct sweep *s = w->s;
	struct pending *pe;
	long long late, age, t;
	size_t i;

	if ((late = assay_budget_late_ns(s->budget)) <= 0)
		return;
	t = assay_clock_ns();
	for (i = 0; i < w->qlen; i++) {
		pe = &w->q[(w->qhead + i) % w->qcap];
		if (atomic_load_explicit(&s->seq_of[pe->fd],
		    memory_order_relaxed) != pe->seq || pe->late_told)
			continue;
		age = t - atomic_load_explicit(&s->t0_of[pe->fd],
		    memory_order_relaxed);
		if (age <= late)
			break;
		pe->late_told = 1;
		assay_budget_feedback(s->budget, ASSAY_BUDGET_LATE, age);
	}
}

/* Next port for w, or -1 when all are taken. */
static int
next_port(struct worker *w)
{
	struct sweep *s = w->s;
	size_t at;

	if (w->pos >= w->end) {
		at = atomic_fetch_add(&s->next, SWEEP_CHUNK);
		if (at >= s->nports) {
			w->pos = w->end = s->nports;
			return -1;
		}
		w->pos = at;
		w->end = at + SWEEP_CHUNK < s->nports ? at + SWEEP_CHUNK :
		    s->nports;
	}
	return s->ports[w->pos];
}

static void *
worker_run(void *arg)
{
	struct epoll_event evs[256];
	struct worker *w = arg;
	struct sweep *s = w->s;
	socklen_t el;
	long long t;
	int r = 0, i, n, e, fd, wait, starved, port;

	while (!atomic_load(&s->failed)) {
		starved = 0;
		while (w->in_flight < w->cap && (port = next_port(w)) >= 0) {
			/* Wait for a slot only when nothing else can progress. */
			if (assay_budget_acquire(s->budget, w->in_flight == 0 ?
			    s->timeout_ms + 60000 : 0) != 0) {
				if (w->in_flight == 0) {
					r = ASSAY_ERR_BUDGET;
					goto out;
				}
				starved = 1;
				break;
			}
			if ((r = start_one(w, (uint16_t)port)) < 0) {
				assay_budget_release(s->budget);
				goto out;
			}
			if (r == 0) {
				assay_budget_release(s->budget);
				starved = 1;
				break;
			}
			w->pos++;
			/* Ports handed out, for the status line (status.h). */
			if (w == s->first)
				assay_status_progress(atomic_load(&s->next) <
				    s->nports ? atomic_load(&s->next) :
				    s->nports, s->nports);
		}
		r = 0;
		t = assay_clock_ms();
		expire(w, t);
		tell_late(w);
		if (w->in_flight == 0) {
			if (w->pos >= w->end && next_port(w) < 0)
				break;
			continue;
		}
		wait = w->qlen > 0 ? (int)(w->q[w->qhead].deadline - t) : 1;
		if (wait < 0)
			wait = 0;
		if (starved && wait > 1)
			wait = 1;
		/* Look for late connects often enough to tell them in time. */
		if (wait > 10 && s->budget != NULL &&
		    assay_budget_adaptive(s->budget))
			wait = 10;
		if (!starved && w->in_flight < w->cap && w->pos < w->end)
			wait = 0;
		if ((n = epoll_wait(w->ep, evs, 256, wait)) == -1) {
			if (errno == EINTR)
				continue;
			r = ASSAY_ERR_NETWORK;
			goto out;
		}
		for (i = 0; i < n; i++) {
			fd = (int)(evs[i].data.u64 & 0xffffffffu);
			e = 0;
			el = sizeof(e);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
				e = errno;
			finish(w, fd, (uint16_t)(evs[i].data.u64 >> 32),
			    state_of_errno(e));
		}
	}
 out:
	if (r != 0) {
		w->r = r;
		atomic_store(&s->failed, 1);
	}
	/* Close whatever is still pending (only after an error). */
	for (; w->qlen > 0; w->qhead = (w->qhead + 1) % w->qcap, w->qlen--)
		if (atomic_load_explicit(&s->seq_of[w->q[w->qhead].fd],
		    memory_order_relaxed) == w->q[w->qhead].seq) {
			atomic_store_explicit(&s->seq_of[w->q[w->qhead].fd], 0,
			    memory_order_relaxed);
			close(w->q[w->qhead].fd);
			count_out(w);
			assay_budget_release(s->budget);
		}
	return NULL;
}

int
assay_probe_tcp_sweep(const struct assay_probe_env *env, const char *host,
    const uint16_t *ports, size_t nports, int timeout_ms,
    struct assay_tcp_sweep **resp, char *reason, size_t reasonlen)
{
	struct worker w[SWEEP_MAX_WORKERS];
	struct sweep s;
	struct rlimit rl;
	long ncpu;
	int r, i, nw = 0, started = 0, maxc;

	*resp = NULL;
	memset(&s, 0, sizeof(s));
	memset(w, 0, sizeof(w));
	s.env = env;
	s.budget = env != NULL ? env->budget : NULL;
	s.ports = ports;
	s.nports = nports;
	atomic_init(&s.next, 0);
	atomic_init(&s.in_flight, 0);
	atomic_init(&s.max_in_flight, 0);
	atomic_init(&s.failed, 0);
	if (timeout_ms <= 0)
		timeout_ms = env != NULL && env->timeout_ms > 0 ?
		    env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	s.timeout_ms = timeout_ms;
	if ((r = assay_conn_resolve(host, 0, SOCK_STREAM, &s.ss, &s.sslen,
	    reason, reasonlen)) != 0 || reason[0] != '\0')
		return r;
	r = ASSAY_ERR_ALLOC;
	if ((s.res = calloc(1, sizeof(*s.res))) == NULL)
		goto out;
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur > 1 << 20)
		rl.rlim_cur = 1024;
	s.nfd = (int)rl.rlim_cur;
	maxc = s.budget != NULL ? assay_budget_max_connections(s.budget) :
	    ASSAY_BUDGET_DEFAULT_CONNECTIONS;
	if (maxc > s.nfd - 64)
		maxc = s.nfd - 64;
	if (maxc < 1) {
		r = ASSAY_ERR_NETWORK;
		goto out;
	}
	/* Threads pay off only for big sweeps with room for parallel connects. */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	nw = ncpu > 1 ? (int)ncpu : 1;
	if (nw > SWEEP_MAX_WORKERS)
		nw = SWEEP_MAX_WORKERS;
	if (nports < 4096 || maxc < 2 * nw)
		nw = 1;
	if ((s.seq_of = calloc((size_t)s.nfd, sizeof(*s.seq_of))) == NULL ||
	    (s.t0_of = calloc((size_t)s.nfd, sizeof(*s.t0_of))) == NULL)
		goto out;
	for (i = 0; i < nw; i++) {
		w[i].s = &s;
		w[i].ep = -1;
		w[i].seq = (unsigned int)i + 1 - SWEEP_MAX_WORKERS;
		w[i].cap = maxc / nw;
		w[i].qcap = (size_t)w[i].cap + 1;
		if ((w[i].q = calloc(w[i].qcap, sizeof(*w[i].q))) == NULL)
			goto out;
		if ((w[i].ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
			r = ASSAY_ERR_NETWORK;
			goto out;
		}
	}
	s.first = &w[0];
	for (started = 1; started < nw; started++)
		if (pthread_create(&w[started].th, NULL, worker_run,
		    &w[started]) != 0)
			break;
	worker_run(&w[0]);
	for (i = 1; i < started; i++)
		pthread_join(w[i].th, NULL);
	/* Workers that never started leave their ports to the others. */
	r = 0;
	for (i = 0; i < nw; i++) {
		if (w[i].r != 0 && r == 0)
			r = w[i].r;
		s.res->count[ASSAY_PORT_OPEN] += w[i].count[ASSAY_PORT_OPEN];
		s.res->count[ASSAY_PORT_CLOSED] += w[i].count[ASSAY_PORT_CLOSED];
		s.res->count[ASSAY_PORT_FILTERED] +=
		    w[i].count[ASSAY_PORT_FILTERED];
	}
	if (r != 0)
		goto out;
	s.res->max_in_flight = atomic_load(&s.max_in_flight);
	assay_probe_note(env, "tcp sweep", "%s: %zu ports, %zu open, %zu closed, "
	    "%zu filtered (timeout %d ms, at most %d in flight, %d threads)",
	    host, nports, s.res->count[ASSAY_PORT_OPEN],
	    s.res->count[ASSAY_PORT_CLOSED], s.res->count[ASSAY_PORT_FILTERED],
	    timeout_ms, s.res->max_in_flight, started);
	*resp = s.res;
	s.res = NULL;
 out:
	for (i = 0; i < nw && i < SWEEP_MAX_WORKERS; i++) {
		if (w[i].ep != -1)
			close(w[i].ep);
		free(w[i].q);
	}
	free(s.seq_of);
	free(s.t0_of);
	free(s.res);
	return r;
}

int
assay_probe_tcp_banner(const struct assay_probe_env *env, const char *host,
    unsigned int port, const void *req, size_t reqlen, int timeout_ms,
    int idle_ms, struct assay_buf *out, char *reason, size_t reasonlen)
{
	struct assay_conn *c = NULL;
	char chan[300];
	long long end, idle_end;
	size_t got = 0, n;
	int r;

	assay_probe_reason(reason, reasonlen, "%s", "");
	if (out == NULL || host == NULL || port < 1 || port > 65535)
		return ASSAY_ERR_INVALID_ARG;
	if (timeout_ms <= 0)
		timeout_ms = env != NULL && env->timeout_ms > 0 ?
		    env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	snprintf(chan, sizeof(chan), "tcp %s:%u", host, port);
	/* The connection's cap is what out can still take. */
	if ((r = assay_conn_open(env, host, port, SOCK_STREAM, timeout_ms,
	    assay_buf_max(out) - assay_buf_len(out), chan, &c)) != 0)
		return r;
	if (!assay_conn_ok(c)) {
		assay_probe_reason(reason, reasonlen, "%s", assay_conn_why(c));
		goto out;
	}
	end = assay_conn_deadline(c);
	if (reqlen > 0 && assay_conn_write(c, req, reqlen, req) != 0) {
		assay_probe_reason(reason, reasonlen, "%s", assay_conn_why(c));
		goto out;
	}
	idle_end = end;
	for (;;) {
		if ((r = assay_conn_recv_buf(c, out, idle_end < end ? idle_end :
		    end, &n)) < 0)
			goto out;
		if (r == 0 && n == 0) {
			if (got == 0)
				assay_probe_reason(reason, reasonlen,
				    "no data within %d ms", timeout_ms);
			break;
		}
		if (r == 1) {
			if (assay_conn_capped(c))
				assay_probe_note(env, chan, "reply cut at %zu "
				    "bytes", assay_buf_len(out));
			else if (assay_conn_eof(c) && got == 0)
				assay_probe_reason(reason, reasonlen,
				    "connection closed with no data");
			else if (!assay_conn_eof(c))
				assay_probe_reason(reason, reasonlen, "%s",
				    assay_conn_why(c));
			/* else the peer said all it had */
			break;
		}
		got += n;
		if (assay_buf_len(out) >= assay_buf_max(out)) {
			assay_probe_note(env, chan, "reply cut at %zu bytes",
			    assay_buf_len(out));
			break;
		}
		if (idle_ms > 0)
			idle_end = assay_clock_ms() + idle_ms;
	}
	r = 0;
 out:
	if (reason != NULL && reason[0] != '\0')
		assay_probe_note(env, chan, "%s", reason);
	assay_conn_close(c, 1);
	return r;
}

/* --- batches ---------------------------------------------------------- */

struct batch {
	const struct assay_probe_env	*env;
	const char			*host;
	struct assay_probe_job		*jobs;
	size_t				 n, next;
	const void			*req;
	size_t				 reqlen;
	int				 timeout_ms, idle_ms;
	pthread_mutex_t			 mu;
};

static void *
batch_worker(void *arg)
{
	struct batch *b = arg;
	struct assay_probe_job *j;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&b->mu);
		i = b->next < b->n ? b->next++ : b->n;
		pthread_mutex_unlock(&b->mu);
		if (i == b->n)
			return NULL;
		j = &b->jobs[i];
		j->reason[0] = '\0';
		if (j->kind == NULL)
			j->r = assay_probe_tcp_banner(b->env, b->host, j->port,
			    b->req, b->reqlen, b->timeout_ms, b->idle_ms,
			    j->out, j->reason, sizeof(j->reason));
		else
			j->r = assay_probe_udp(b->env, b->host, j->port,
			    j->kind, b->timeout_ms, j->out, j->reason,
			    sizeof(j->reason));
	}
}

int
assay_probe_batch(const struct assay_probe_env *env, const char *host,
    struct assay_probe_job *jobs, size_t n, const void *req, size_t reqlen,
    int timeout_ms, int idle_ms)
{
	pthread_t th[ASSAY_PROBE_BATCH_THREADS - 1];
	struct batch b;
	size_t i, want, started = 0;

	if (host == NULL || (jobs == NULL && n > 0))
		return ASSAY_ERR_INVALID_ARG;
	for (i = 0; i < n; i++)
		if (jobs[i].out == NULL || jobs[i].port < 1 ||
		    jobs[i].port > 65535)
			return ASSAY_ERR_INVALID_ARG;
	memset(&b, 0, sizeof(b));
	b.env = env;
	b.host = host;
	b.jobs = jobs;
	b.n = n;
	b.req = req;
	b.reqlen = reqlen;
	b.timeout_ms = timeout_ms;
	b.idle_ms = idle_ms;
	if (pthread_mutex_init(&b.mu, NULL) != 0)
		return ASSAY_ERR_INTERNAL;
	/* This thread is one of the workers; a thread not started is one fewer. */
	want = n < ASSAY_PROBE_BATCH_THREADS ? n : ASSAY_PROBE_BATCH_THREADS;
	for (i = 0; i + 1 < want; i++)
		if (pthread_create(&th[started], NULL, batch_worker, &b) == 0)
			started++;
	(void)batch_worker(&b);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&b.mu);
	for (i = 0; i < n; i++)
		if (jobs[i].r != 0)
			return jobs[i].r;
	return 0;
}

#define UDP_DGRAM_MAX	65536

/* The discovery requests. */
static const char ssdp_msearch[] =
    "M-SEARCH * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "MAN: \"ssdp:discover\"\r\n"
    "MX: 1\r\n"
    "ST: ssdp:all\r\n"
    "\r\n";

/* DNS query, id 0, one question PTR _services._dns-sd._udp.local, QU bit. */
static const unsigned char mdns_query[] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	9, '_', 's', 'e', 'r', 'v', 'i', 'c', 'e', 's',
	7, '_', 'd', 'n', 's', '-', 's', 'd',
	4, '_', 'u', 'd', 'p',
	5, 'l', 'o', 'c', 'a', 'l',
	0,
	0x00, 0x0c,		/* PTR */
	0x80, 0x01		/* unicast response wanted, class IN */
};

/* CoAP: ver 1, CON, token length 2, GET, then Uri-Path options. */
static const unsigned char coap_get_core[] = {
	0x42, 0x01, 0x5a, 0x17, 0xa5, 0x5a,
	0xbb, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n',
	0x04, 'c', 'o', 'r', 'e'
};

/* DNS: id 0x4153, recursion desired, one question ". NS IN". */
static const unsigned char dns_query[] = {
	0x41, 0x53, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x01
};

/* NTP: a version 3 client request (mode 3), all other fields zero. */
static const unsigned char ntp_request[48] = { 0x1b };

/* SNMPv1 GetRequest, community "public", sysDescr.0 (1.3.6.1.2.1.1.1.0). */
static const unsigned char snmp_get[] = {
	0x30, 0x29, 0x02, 0x01, 0x00,
	0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
	0xa0, 0x1c, 0x02, 0x04, 0x41, 0x53, 0x41, 0x59,
	0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x0e, 0x30, 0x0c,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00,
	0x05, 0x00
};

/* NetBIOS name service: node status request for "*" (NBSTAT, IN). */
static const unsigned char nbstat_query[] = {
	0x41, 0x53, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x20, 'C', 'K', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
	'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
	'A', 'A', 'A', 'A', 'A', 0x00, 0x00, 0x21, 0x00, 0x01
};

/* TFTP read request for a file no device has: any reply (ERROR) shows it. */
static const char tftp_rrq[] = "\0\001assay-probe-absent\0octet";

/* WS-Discovery Probe (ONVIF cameras answer it with ProbeMatches). */
static const char wsd_probe[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\" "
    "xmlns:w=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
    "xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\">"
    "<e:Header><w:MessageID>uuid:41535341-5900-4000-8000-000000000001"
    "</w:MessageID><w:To e:mustUnderstand=\"true\">"
    "urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
    "<w:Action e:mustUnderstand=\"true\">"
    "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>"
    "</e:Header><e:Body><d:Probe/></e:Body></e:Envelope>";

/*
 * The requests udp_probe can send, by kind: each one a service of that
 * protocol answers (a reply of any content shows a listener), with the
 * port the protocol usually has (udp_probe's caller picks the port).
 */
static const struct udp_kind {
	const char	*name;
	const void	*req;
	size_t		 len;
	unsigned int	 port;
} udp_kinds[] = {
	{ "ssdp", ssdp_msearch, sizeof(ssdp_msearch) - 1, 1900 },
	{ "mdns", mdns_query, sizeof(mdns_query), 5353 },
	{ "coap", coap_get_core, sizeof(coap_get_core), 5683 },
	{ "dns", dns_query, sizeof(dns_query), 53 },
	{ "ntp", ntp_request, sizeof(ntp_request), 123 },
	{ "snmp", snmp_get, sizeof(snmp_get), 161 },
	{ "netbios", nbstat_query, sizeof(nbstat_query), 137 },
	{ "tftp", tftp_rrq, sizeof(tftp_rrq), 69 },
	{ "wsd", wsd_probe, sizeof(wsd_probe) - 1, 3702 },
};

const char *
assay_probe_udp_kind(size_t i, unsigned int *port)
{
	if (i >= sizeof(udp_kinds) / sizeof(udp_kinds[0]))
		return NULL;
	if (port != NULL)
		*port = udp_kinds[i].port;
	return udp_kinds[i].name;
}

/*
 * The UDP probe's wording of a connection-layer outcome: ICMP port
 * unreachable names the port state first, as the sweep does.
 */
static void
udp_reason(const struct assay_conn *c, char *reason, size_t reasonlen)
{
	if (strcmp(assay_conn_why(c), "port unreachable (ICMP)") == 0)
		assay_probe_reason(reason, reasonlen, "closed: ICMP port unreachable");
	else
		assay_probe_reason(reason, reasonlen, "%s", assay_conn_why(c));
}

int
assay_probe_udp(const struct assay_probe_env *env, const char *host,
    unsigned int port, const char *kind, int timeout_ms,
    struct assay_buf *out, char *reason, size_t reasonlen)
{
	struct assay_conn *c = NULL;
	const void *req;
	size_t reqlen;
	char chan[300], *dgram = NULL;
	long long start, end, resend;
	size_t i;
	long n;
	int r, sent = 0;

	assay_probe_reason(reason, reasonlen, "%s", "");
	if (kind == NULL || out == NULL || host == NULL || port < 1 ||
	    port > 65535)
		return ASSAY_ERR_INVALID_ARG;
	for (i = 0; i < sizeof(udp_kinds) / sizeof(udp_kinds[0]) &&
	    strcmp(udp_kinds[i].name, kind) != 0; i++)
		;
	if (i == sizeof(udp_kinds) / sizeof(udp_kinds[0]))
		return ASSAY_ERR_INVALID_ARG;
	req = udp_kinds[i].req;
	reqlen = udp_kinds[i].len;
	if (timeout_ms <= 0)
		timeout_ms = env != NULL && env->timeout_ms > 0 ?
		    env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	snprintf(chan, sizeof(chan), "udp %s:%u %s", host, port, kind);
	if ((dgram = malloc(UDP_DGRAM_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = assay_conn_open(env, host, port, SOCK_DGRAM, timeout_ms,
	    UDP_DGRAM_MAX, chan, &c)) != 0)
		goto out;
	if (!assay_conn_ok(c)) {
		assay_probe_reason(reason, reasonlen, "%s", assay_conn_why(c));
		goto out;
	}
	start = assay_clock_ms();
	end = start + timeout_ms;
	resend = start;
	for (;;) {
		if (sent < 2 && assay_clock_ms() >= resend) {
			if (assay_conn_send_dgram(c, req, reqlen) != 0) {
				udp_reason(c, reason, reasonlen);
				break;
			}
			sent++;
			resend = start + timeout_ms / 2;
		}
		n = assay_conn_recv_dgram(c, dgram, UDP_DGRAM_MAX,
		    sent < 2 && resend < end ? resend : end);
		if (n == 0) {
			if (assay_clock_ms() < end)
				continue;
			assay_probe_reason(reason, reasonlen, "no answer within %d ms",
			    timeout_ms);
			break;
		}
		if (n < 0) {
			udp_reason(c, reason, reasonlen);
			break;
		}
		if ((r = assay_buf_put(out, dgram, (size_t)n)) != 0) {
			if (r != ASSAY_ERR_TOO_BIG)
				goto out;
			assay_probe_note(env, chan, "reply cut at %zu bytes",
			    assay_buf_len(out));
		}
		break;
	}
	r = 0;
 out:
	if (reason != NULL && reason[0] != '\0')
		assay_probe_note(env, chan, "%s", reason);
	assay_conn_close(c, 0);
	free(dgram);
	return r;
}

/* Lua binding (contract: probe/lua.h). */

static const struct assay_probe_env *
env_of(lua_State *L)
{
	return assay_probe_env_get(L);
}

static int
default_timeout(const struct assay_probe_env *env)
{
	return env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
}

static size_t
default_max_read(const struct assay_probe_env *env)
{
	return env != NULL && env->max_read > 0 ? env->max_read :
	    ASSAY_PROBE_DEFAULT_MAX_READ;
}

static void
buf_free(void *p)
{
	assay_buf_free(p);
}

static int
cmp_port(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static int
l_tcp_sweep(lua_State *L)
{
	static const char *const known[] = { "host", "ports", "timeout_ms",
	    NULL };
	const struct assay_probe_env *env = env_of(L);
	struct assay_tcp_sweep *res = NULL, copy;
	char reason[ASSAY_PROBE_REASON_MAX] = "";
	uint16_t *ports = NULL;
	const char *host, *spec = "1-65535";
	size_t n = 0, i, k;
	lua_Integer v;
	int r, timeout_ms, isnum, st, t;

	assay_lua_opts(L, "tcp_sweep", known);
	host = assay_lua_host(L, "tcp_sweep");
	if ((timeout_ms = assay_lua_timeout(L, "tcp_sweep")) == 0)
		timeout_ms = default_timeout(env);
	t = lua_getfield(L, 1, "ports");
	if (t == LUA_TSTRING)
		spec = lua_tostring(L, -1);
	else if (t == LUA_TTABLE) {
		n = (size_t)luaL_len(L, -1);
		if (n == 0 || n > 65535)
			return luaL_error(L, "tcp_sweep: ports: list of 1 to "
			    "65535 ports expected");
		if ((ports = malloc(n * sizeof(*ports))) == NULL)
			return luaL_error(L, "tcp_sweep: out of memory");
		for (i = 0; i < n; i++) {
			lua_geti(L, -1, (lua_Integer)i + 1);
			v = lua_tointegerx(L, -1, &isnum);
			lua_pop(L, 1);
			if (!isnum || v < 1 || v > 65535) {
				free(ports);
				return luaL_error(L, "tcp_sweep: ports: element "
				    "%d is not a port 1-65535", (int)i + 1);
			}
			ports[i] = (uint16_t)v;
		}
		/* Sorted and without duplicates, as a string list gives. */
		qsort(ports, n, sizeof(*ports), cmp_port);
		for (i = 1, k = 1; i < n; i++)
			if (ports[i] != ports[k - 1])
				ports[k++] = ports[i];
		n = k;
		spec = NULL;
	} else if (t != LUA_TNIL)
		return luaL_error(L, "tcp_sweep: ports: string or list expected");
	if (spec != NULL &&
	    (r = assay_probe_tcp_parse_ports(spec, &ports, &n, reason,
	    sizeof(reason))) != 0) {
		if (r == ASSAY_ERR_INVALID_ARG)
			return luaL_error(L, "tcp_sweep: %s", reason);
		return assay_lua_harness_error(L, "tcp_sweep", r, timeout_ms);
	}
	r = assay_probe_tcp_sweep(env, host, ports, n, timeout_ms, &res,
	    reason, sizeof(reason));
	free(ports);
	if (r != 0)
		return assay_lua_harness_error(L, "tcp_sweep", r, timeout_ms);
	if (res == NULL)
		return assay_lua_fail(L, reason);
	/*
	 * Move the result into Lua-owned memory first: building the table
	 * may raise (memory limit) and must not leak it.
	 */
	memcpy(&copy, res, sizeof(copy));
	assay_tcp_sweep_free(res);
	res = lua_newuserdatauv(L, sizeof(*res), 0);
	memcpy(res, &copy, sizeof(*res));
	lua_createtable(L, 0, 6);
	for (st = ASSAY_PORT_OPEN; st <= ASSAY_PORT_FILTERED;
	    st += ASSAY_PORT_FILTERED - ASSAY_PORT_OPEN) {
		lua_createtable(L, (int)(res->count[st] < 1024 ?
		    res->count[st] : 1024), 0);
		for (k = 1, i = 1; i < 65536; i++)
			if (res->state[i] == st) {
				lua_pushinteger(L, (lua_Integer)i);
				lua_rawseti(L, -2, (lua_Integer)k++);
			}
		lua_setfield(L, -2, st == ASSAY_PORT_OPEN ? "open" : "filtered");
	}
	lua_pushinteger(L, (lua_Integer)res->count[ASSAY_PORT_OPEN]);
	lua_setfield(L, -2, "open_count");
	lua_pushinteger(L, (lua_Integer)res->count[ASSAY_PORT_CLOSED]);
	lua_setfield(L, -2, "closed_count");
	lua_pushinteger(L, (lua_Integer)res->count[ASSAY_PORT_FILTERED]);
	lua_setfield(L, -2, "filtered_count");
	lua_pushinteger(L, res->max_in_flight);
	lua_setfield(L, -2, "max_in_flight");
	return 1;
}

/* Pushes the bytes read, with "reply cut at N bytes" when the cap was hit. */
static int
push_reply(lua_State *L, struct assay_buf *out, int cut)
{
	lua_pushlstring(L, assay_buf_data(out), assay_buf_len(out));
	if (cut) {
		lua_pushfstring(L, "reply cut at %d bytes",
		    (int)assay_buf_max(out));
		return 2;
	}
	return 1;
}

static int
l_banner(lua_State *L)
{
	static const char *const known[] = { "host", "port", "send",
	    "timeout_ms", "idle_ms", "max_read", NULL };
	const struct assay_probe_env *env = env_of(L);
	struct assay_buf **box;
	char reason[ASSAY_PROBE_REASON_MAX] = "";
	const char *host, *send;
	size_t sendlen = 0, max_read;
	int r, port, timeout_ms, idle_ms;

	assay_lua_opts(L, "banner", known);
	host = assay_lua_host(L, "banner");
	port = assay_lua_port(L, "banner", 0);
	send = assay_lua_opt_str(L, "banner", "send", &sendlen);
	if ((timeout_ms = assay_lua_timeout(L, "banner")) == 0)
		timeout_ms = default_timeout(env);
	idle_ms = (int)assay_lua_opt_int(L, "banner", "idle_ms", 500, 1,
	    ASSAY_LUA_MAX_TIMEOUT_MS);
	if ((max_read = assay_lua_max_read(L, "banner")) == 0)
		max_read = default_max_read(env);
	box = (struct assay_buf **)assay_lua_box(L, buf_free);
	if ((*box = assay_buf_new(max_read)) == NULL)
		return luaL_error(L, "banner: out of memory");
	r = assay_probe_tcp_banner(env, host, (unsigned int)port, send, sendlen,
	    timeout_ms, idle_ms, *box, reason, sizeof(reason));
	if (r != 0)
		return assay_lua_harness_error(L, "banner", r, timeout_ms);
	if (reason[0] != '\0')
		return assay_lua_fail(L, reason);
	return push_reply(L, *box, assay_buf_len(*box) >= assay_buf_max(*box));
}

#define UDP_KINDS	"ssdp mdns coap dns ntp snmp netbios tftp wsd"

/* The discovery request's own (static) name for kind, or NULL. */
static const char *
udp_kind_named(const char *kind)
{
	const char *k;
	size_t i;

	for (i = 0; kind != NULL && (k = assay_probe_udp_kind(i, NULL)) != NULL;
	    i++)
		if (strcmp(k, kind) == 0)
			return k;
	return NULL;
}

static int
l_udp_probe(lua_State *L)
{
	static const char *const known[] = { "host", "port", "kind",
	    "timeout_ms", "max_read", NULL };
	const struct assay_probe_env *env = env_of(L);
	struct assay_buf **box;
	char reason[ASSAY_PROBE_REASON_MAX] = "";
	const char *host, *kind;
	size_t max_read;
	int r, port, timeout_ms;

	assay_lua_opts(L, "udp_probe", known);
	host = assay_lua_host(L, "udp_probe");
	port = assay_lua_port(L, "udp_probe", 0);
	kind = assay_lua_req_str(L, "udp_probe", "kind");
	if (udp_kind_named(kind) == NULL)
		return assay_lua_argerror(L, "udp_probe", "kind must be one of "
		    UDP_KINDS ", not \"%.40s\"", kind);
	if ((timeout_ms = assay_lua_timeout(L, "udp_probe")) == 0)
		timeout_ms = default_timeout(env);
	if ((max_read = assay_lua_max_read(L, "udp_probe")) == 0)
		max_read = default_max_read(env);
	box = (struct assay_buf **)assay_lua_box(L, buf_free);
	if ((*box = assay_buf_new(max_read)) == NULL)
		return luaL_error(L, "udp_probe: out of memory");
	r = assay_probe_udp(env, host, (unsigned int)port, kind,
	    timeout_ms, *box, reason, sizeof(reason));
	if (r != 0)
		return assay_lua_harness_error(L, "udp_probe", r, timeout_ms);
	if (reason[0] != '\0')
		return assay_lua_fail(L, reason);
	return push_reply(L, *box, assay_buf_truncated(*box));
}

/* The jobs of a batch and their buffers, owned by a Lua box. */
struct jobset {
	struct assay_probe_job	*jobs;
	size_t			 n;
};

static void
jobset_free(void *p)
{
	struct jobset *js = p;
	size_t i;

	if (js == NULL)
		return;
	for (i = 0; i < js->n; i++)
		assay_buf_free(js->jobs[i].out);
	free(js->jobs);
	free(js);
}

/*
 * The list at the option `name` (a sequence of at most BATCH_MAX
 * entries) made into a boxed job set: each element a port (banners) or
 * { port, kind } (udp_probes), each job with a buffer of max_read.
 */
#define BATCH_MAX	1024

static struct jobset *
jobs_from(lua_State *L, const char *fn, const char *name, int udp,
    size_t max_read)
{
	struct jobset **box, *js;
	lua_Integer v;
	size_t i, n;
	const char *kind;

	lua_getfield(L, 1, name);
	if (!lua_istable(L, -1))
		return assay_lua_argerror(L, fn, "%s: a list expected", name),
		    NULL;
	n = (size_t)lua_rawlen(L, -1);
	if (n > BATCH_MAX)
		assay_lua_argerror(L, fn, "%s: at most %d entries", name,
		    BATCH_MAX);
	box = (struct jobset **)assay_lua_box(L, jobset_free);
	if ((js = calloc(1, sizeof(*js))) == NULL ||
	    (n > 0 && (js->jobs = calloc(n, sizeof(*js->jobs))) == NULL)) {
		free(js);
		return luaL_error(L, "%s: out of memory", fn), NULL;
	}
	*box = js;
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, -2, (lua_Integer)i + 1);
		kind = NULL;
		if (udp) {
			if (!lua_istable(L, -1))
				assay_lua_argerror(L, fn, "%s: element %d is not "
				    "{ port, kind }", name, (int)i + 1);
			lua_rawgeti(L, -1, 2);
			/* The table's name, static: the string goes with the pop. */
			if ((kind = udp_kind_named(lua_tostring(L, -1))) == NULL)
				assay_lua_argerror(L, fn, "%s: element %d: kind "
				    "must be one of " UDP_KINDS, name, (int)i + 1);
			lua_pop(L, 1);
			lua_rawgeti(L, -1, 1);
		}
		v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
		if (v < 1 || v > 65535)
			assay_lua_argerror(L, fn, "%s: element %d: a port "
			    "1-65535 expected", name, (int)i + 1);
		lua_pop(L, udp ? 2 : 1);
		js->jobs[i].port = (unsigned int)v;
		js->jobs[i].kind = kind;
		if ((js->jobs[i].out = assay_buf_new(max_read)) == NULL)
			return luaL_error(L, "%s: out of memory", fn), NULL;
		js->n = i + 1;
	}
	lua_remove(L, -2);	/* the list; the box stays on the stack */
	return js;
}

/* { [port] = reply }, { [port] = reason }: the two results of a batch. */
static int
push_batch(lua_State *L, const struct jobset *js, int udp)
{
	size_t i;

	lua_createtable(L, 0, (int)js->n);
	lua_createtable(L, 0, 0);
	for (i = 0; i < js->n; i++) {
		const struct assay_probe_job *j = &js->jobs[i];
		int ok = j->reason[0] == '\0' &&
		    (udp || assay_buf_len(j->out) > 0);

		lua_pushinteger(L, (lua_Integer)j->port);
		if (ok)
			lua_pushlstring(L, assay_buf_data(j->out),
			    assay_buf_len(j->out));
		else
			lua_pushstring(L, j->reason[0] != '\0' ? j->reason :
			    "no data");
		lua_rawset(L, ok ? -4 : -3);
	}
	return 2;
}

static int
l_banners(lua_State *L)
{
	static const char *const known[] = { "host", "ports", "send",
	    "timeout_ms", "idle_ms", "max_read", NULL };
	const struct assay_probe_env *env = env_of(L);
	struct jobset *js;
	const char *host, *send;
	size_t sendlen = 0, max_read;
	int r, timeout_ms, idle_ms;

	assay_lua_opts(L, "banners", known);
	host = assay_lua_host(L, "banners");
	send = assay_lua_opt_str(L, "banners", "send", &sendlen);
	if ((timeout_ms = assay_lua_timeout(L, "banners")) == 0)
		timeout_ms = default_timeout(env);
	idle_ms = (int)assay_lua_opt_int(L, "banners", "idle_ms", 500, 1,
	    ASSAY_LUA_MAX_TIMEOUT_MS);
	if ((max_read = assay_lua_max_read(L, "banners")) == 0)
		max_read = default_max_read(env);
	js = jobs_from(L, "banners", "ports", 0, max_read);
	r = assay_probe_batch(env, host, js->jobs, js->n, send, sendlen,
	    timeout_ms, idle_ms);
	if (r != 0)
		return assay_lua_harness_error(L, "banners", r, timeout_ms);
	return push_batch(L, js, 0);
}

static int
l_udp_probes(lua_State *L)
{
	static const char *const known[] = { "host", "probes", "timeout_ms",
	    "max_read", NULL };
	const struct assay_probe_env *env = env_of(L);
	struct jobset *js;
	const char *host;
	size_t max_read;
	int r, timeout_ms;

	assay_lua_opts(L, "udp_probes", known);
	host = assay_lua_host(L, "udp_probes");
	if ((timeout_ms = assay_lua_timeout(L, "udp_probes")) == 0)
		timeout_ms = default_timeout(env);
	if ((max_read = assay_lua_max_read(L, "udp_probes")) == 0)
		max_read = default_max_read(env);
	js = jobs_from(L, "udp_probes", "probes", 1, max_read);
	r = assay_probe_batch(env, host, js->jobs, js->n, NULL, 0,
	    timeout_ms, 0);
	if (r != 0)
		return assay_lua_harness_error(L, "udp_probes", r, timeout_ms);
	return push_batch(L, js, 1);
}

void
assay_probe_tcp_lua_register(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "tcp_sweep", l_tcp_sweep },
		{ "banner", l_banner },
		{ "banners", l_banners },
		{ "udp_probe", l_udp_probe },
		{ "udp_probes", l_udp_probes },
		{ NULL, NULL }
	};

	luaL_setfuncs(L, fns, 0);
}
