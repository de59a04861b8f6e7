/*
 * probe_telnet.c - telnet banner grab and login attempts.
 *
 * The connection is a plain TCP socket with non-blocking connect and
 * poll() deadlines.  Received bytes go through a small IAC state machine
 * that strips negotiation and answers it by refusing every option once
 * (a refusal answered again would loop); the text left is kept in a
 * sliding "screen" where prompts are recognised.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/error.h"
#include "probe/probe.h"
#include "probe/cred.h"
#include "probe/lua.h"
#include "probe/telnet.h"

#define IAC	255
#define DONT	254
#define DO	253
#define WONT	252
#define WILL	251
#define SB	250
#define SE	240

#define SCREEN_MAX	4096
#define REPROMPT_MS	500	/* wait for "login:" after a rejection */

enum iac_state { S_DATA, S_IAC, S_OPT, S_SB, S_SB_IAC };

struct assay_telnet {
	const struct assay_probe_env *env;
	char		*host;
	int		 port;
	int		 timeout_ms;
	size_t		 max_read;
	int		 fd;
	int		 held;		/* budget slot taken */
	int		 conns;
	int		 closed;	/* peer closed (EOF or reset) */
	char		 why[128];	/* how it closed */
	size_t		 nread;		/* bytes read on this connection */
	int		 confirmed;	/* last login: command output seen */
	int		 capped;
	enum iac_state	 st;
	unsigned char	 cmd;
	unsigned char	 answered[2][32];	/* [DO/WILL] bitmaps */
	char		 screen[SCREEN_MAX + 1];
	size_t		 slen;
	/*
	 * Kept as bytes arrive, so no check rescans the screen: whether a
	 * line break came since the last clear, where the last line starts,
	 * and how far the rejection and nonce searches have looked.
	 */
	int		 seen_break;
	size_t		 line_start;
	size_t		 rej_from;
	int		 rejected;
	size_t		 nonce_from;
	char		 channel[96];
};

int
assay_probe_dial(const char *host, int port, int timeout_ms, int *fdp,
    char *err, size_t err_len)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct pollfd pfd;
	char portstr[16];
	socklen_t sl;
	int fd = -1, e = 0, rc, left;
	long long end;

	*fdp = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		snprintf(err, err_len, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return 1;
	}
	end = assay_probe_now_ms() + timeout_ms;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol)) < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			left = (int)(end - assay_probe_now_ms());
			if (left < 0)
				left = 0;
			rc = poll(&pfd, 1, left);
			if (rc == 1) {
				sl = sizeof(e);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == 0 &&
				    e == 0)
					break;
			} else
				e = ETIMEDOUT;
		} else
			e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		if (e == ETIMEDOUT)
			snprintf(err, err_len, "connect to %s:%d timed out after %d ms",
			    host, port, timeout_ms);
		else if (e == ECONNREFUSED)
			snprintf(err, err_len, "connection refused by %s:%d", host, port);
		else
			snprintf(err, err_len, "connect to %s:%d failed: %s", host,
			    port, strerror(e));
		return 1;
	}
	*fdp = fd;
	return 0;
}

static void	screen_clear(struct assay_telnet *);

struct assay_telnet *
assay_probe_telnet_new(const struct assay_probe_env *env, const char *host,
    int port, int timeout_ms, size_t max_read)
{
	struct assay_telnet *t;

	if (host == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->host = strdup(host)) == NULL) {
		free(t);
		return NULL;
	}
	t->env = env;
	t->port = port;
	t->timeout_ms = timeout_ms > 0 ? timeout_ms :
	    (env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	t->max_read = max_read > 0 ? max_read :
	    (env != NULL && env->max_read > 0 ? env->max_read :
	    ASSAY_PROBE_DEFAULT_MAX_READ);
	t->fd = -1;
	snprintf(t->channel, sizeof(t->channel), "telnet %s:%d", host, port);
	return t;
}

static void
disconnect(struct assay_telnet *t)
{
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
		assay_probe_note(t->env, t->channel, "closed");
	}
	if (t->held) {
		assay_budget_release(t->env != NULL ? t->env->budget : NULL);
		t->held = 0;
	}
}

void
assay_probe_telnet_free(struct assay_telnet *t)
{
	if (t == NULL)
		return;
	disconnect(t);
	free(t->host);
	explicit_bzero(t->screen, sizeof(t->screen));
	free(t);
}

int
assay_probe_telnet_connections(const struct assay_telnet *t)
{
	return t == NULL ? 0 : t->conns;
}

/* Returns 0 connected, 1 network failure (err), or ASSAY_ERR_BUDGET. */
static int
connect_session(struct assay_telnet *t, char *err, size_t err_len)
{
	struct assay_budget *b = t->env != NULL ? t->env->budget : NULL;
	int r;

	if (assay_budget_acquire(b, t->timeout_ms) != 0)
		return ASSAY_ERR_BUDGET;
	t->held = 1;
	if ((r = assay_probe_dial(t->host, t->port, t->timeout_ms, &t->fd, err,
	    err_len)) != 0) {
		assay_probe_note(t->env, t->channel, "%s", err);
		disconnect(t);
		return r;
	}
	t->conns++;
	t->closed = 0;
	t->why[0] = '\0';
	t->nread = 0;
	t->capped = 0;
	t->st = S_DATA;
	memset(t->answered, 0, sizeof(t->answered));
	screen_clear(t);
	assay_probe_note(t->env, t->channel, "connected");
	return 0;
}

/*
 * Sends and records len bytes.  Passwords too go only through
 * assay_probe_record(): the evidence store masks IXIT secrets.
 */
static int
send_all(struct assay_telnet *t, const void *p, size_t len)
{
	const char *c = p;
	ssize_t n;

	assay_probe_record(t->env, t->channel, "sent", p, len);
	while (len > 0) {
		n = send(t->fd, c, len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd pfd = { t->fd, POLLOUT, 0 };

			if (poll(&pfd, 1, t->timeout_ms) <= 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

static size_t
shifted(size_t off, size_t by)
{
	return off > by ? off - by : 0;
}

static void
screen_add(struct assay_telnet *t, unsigned char ch)
{
	size_t by = SCREEN_MAX - 1024;

	if (ch == '\0')
		return;
	if (t->slen == SCREEN_MAX) {
		/* Keep the newest 1 KiB: prompts are at the end. */
		memmove(t->screen, t->screen + by, 1024);
		t->slen = 1024;
		t->line_start = shifted(t->line_start, by);
		t->rej_from = shifted(t->rej_from, by);
		t->nonce_from = shifted(t->nonce_from, by);
	}
	t->screen[t->slen++] = (char)ch;
	t->screen[t->slen] = '\0';
	if (ch == '\n' || ch == '\r') {
		t->seen_break = 1;
		t->line_start = t->slen;
	}
}

static void
screen_clear(struct assay_telnet *t)
{
	t->slen = 0;
	t->screen[0] = '\0';
	t->seen_break = 0;
	t->line_start = 0;
	t->rej_from = 0;
	t->rejected = 0;
	t->nonce_from = 0;
}

/*
 * Searches the text that arrived since the last call (plus an overlap
 * for a match split across reads) for needle; *from remembers where the
 * search got to.  Linear in the bytes received overall.
 */
static int
screen_find(const struct assay_telnet *t, size_t *from, const char *needle,
    int nocase)
{
	size_t n = strlen(needle), start;

	start = *from > n - 1 ? *from - (n - 1) : 0;
	*from = t->slen;
	return assay_probe_find(t->screen + start, t->slen - start, needle, n,
	    nocase) >= 0;
}

/* Feeds received bytes through the IAC machine; answers go to reply. */
static void
feed(struct assay_telnet *t, const unsigned char *p, size_t n,
    unsigned char *reply, size_t *rlen)
{
	size_t i;
	int k;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = p[i];
		switch (t->st) {
		case S_DATA:
			if (c == IAC)
				t->st = S_IAC;
			else
				screen_add(t, c);
			break;
		case S_IAC:
			if (c == IAC) {
				screen_add(t, c);
				t->st = S_DATA;
			} else if (c >= WILL && c <= DONT) {
				t->cmd = c;
				t->st = S_OPT;
			} else if (c == SB)
				t->st = S_SB;
			else
				t->st = S_DATA;	/* NOP, GA, ... or garbage */
			break;
		case S_OPT:
			t->st = S_DATA;
			if (t->cmd != DO && t->cmd != WILL)
				break;
			k = t->cmd == DO ? 0 : 1;
			if (t->answered[k][c / 8] & (1 << (c % 8)))
				break;
			t->answered[k][c / 8] |= (unsigned char)(1 << (c % 8));
			reply[(*rlen)++] = IAC;
			reply[(*rlen)++] = t->cmd == DO ? WONT : DONT;
			reply[(*rlen)++] = c;
			break;
		case S_SB:
			if (c == IAC)
				t->st = S_SB_IAC;
			break;
		case S_SB_IAC:
			t->st = c == SE ? S_DATA : S_SB;
			break;
		}
	}
}

/*
 * Reads once, waiting until deadline.  Returns 1 data, 0 timeout,
 * -1 closed/reset/cap (t->why says which).
 */
static int
pump(struct assay_telnet *t, long long deadline)
{
	unsigned char in[2048], reply[3 * 2048];
	struct pollfd pfd;
	size_t want, rlen = 0;
	ssize_t n;
	int left, rc;

	if (t->fd < 0 || t->closed)
		return -1;
	left = (int)(deadline - assay_probe_now_ms());
	if (left < 0)
		left = 0;
	pfd.fd = t->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if ((rc = poll(&pfd, 1, left)) == 0)
		return 0;
	if (rc < 0)
		return errno == EINTR ? 1 : -1;
	if (t->nread >= t->max_read) {
		t->capped = 1;
		t->closed = 1;
		snprintf(t->why, sizeof(t->why), "read cap of %zu bytes reached",
		    t->max_read);
		return -1;
	}
	want = t->max_read - t->nread;
	if (want > sizeof(in))
		want = sizeof(in);
	n = recv(t->fd, in, want, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (n <= 0) {
		t->closed = 1;
		if (n == 0)
			snprintf(t->why, sizeof(t->why),
			    "connection closed after %zu bytes", t->nread);
		else if (errno == ECONNRESET)
			snprintf(t->why, sizeof(t->why),
			    "connection reset after %zu bytes", t->nread);
		else
			snprintf(t->why, sizeof(t->why), "read failed after %zu bytes: %s",
			    t->nread, strerror(errno));
		assay_probe_note(t->env, t->channel, "%s", t->why);
		return -1;
	}
	t->nread += (size_t)n;
	assay_probe_record(t->env, t->channel, "recv", in, (size_t)n);
	feed(t, in, (size_t)n, reply, &rlen);
	if (rlen > 0 && send_all(t, reply, rlen) != 0) {
		t->closed = 1;
		snprintf(t->why, sizeof(t->why), "connection reset after %zu bytes",
		    t->nread);
		return -1;
	}
	return 1;
}

/*
 * The last line of the screen (from the last line break), trailing
 * blanks cut, lowercased into out; a longer line keeps its end.  Costs
 * at most outlen steps, however long the screen.
 */
static void
last_line(const struct assay_telnet *t, char *out, size_t outlen)
{
	size_t end = t->slen, start = t->line_start, i, n;

	if (start > end)
		start = end;

	while (end > start && (t->screen[end - 1] == ' ' ||
	    t->screen[end - 1] == '\t'))
		end--;
	n = end - start;
	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t->screen[end - n + i];

		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
}

static int
ends_with(const char *s, char c)
{
	size_t n = strlen(s);

	return n > 0 && s[n - 1] == c;
}

static int
is_login_prompt(const char *ll)
{
	return (ends_with(ll, ':') || ends_with(ll, '>')) &&
	    (strstr(ll, "login") != NULL || strstr(ll, "user") != NULL ||
	    strstr(ll, "name") != NULL);
}

static int
is_password_prompt(const char *ll)
{
	return ends_with(ll, ':') && (strstr(ll, "pass") != NULL ||
	    strstr(ll, "pin") != NULL);
}

static int
is_rejection(struct assay_telnet *t)
{
	static const char *words[] = { "incorrect", "invalid", "fail",
	    "denied", "wrong", "bad password", "not allowed", NULL };
	size_t from;
	int i;

	if (t->rejected)
		return 1;
	for (i = 0; words[i] != NULL; i++) {
		from = t->rej_from;
		if (screen_find(t, &from, words[i], 1))
			t->rejected = 1;
	}
	t->rej_from = t->slen;
	return t->rejected;
}

/*
 * A shell prompt: the last line ends in # $ > or %, and a line break
 * came since the screen was cleared (when we sent the user name or
 * password), so the line starts after the one our input was echoed on:
 * that line never counts, whatever the device printed into it (a device
 * that echoes "secret$" has not shown a prompt).
 */
static int
is_shell_prompt(const struct assay_telnet *t, const char *ll)
{
	size_t n = strlen(ll);

	return n > 0 && strchr("#$>%", ll[n - 1]) != NULL && t->seen_break;
}

static void
snippet(const struct assay_telnet *t, char *out, size_t outlen)
{
	size_t i, j = 0, from = t->slen > 40 ? t->slen - 40 : 0;

	for (i = from; i < t->slen && j + 1 < outlen; i++) {
		unsigned char c = (unsigned char)t->screen[i];

		out[j++] = (char)(c >= 32 && c < 127 ? c : '.');
	}
	out[j] = '\0';
}

enum { W_LOGIN = 1, W_PASS = 2, W_SHELL = 4, W_REJECT = 8 };

/*
 * Pumps until one of the wanted screens shows.  Returns the W_* seen,
 * 0 on timeout, -1 when the connection ended.
 */
static int
wait_for(struct assay_telnet *t, int want, int ms)
{
	long long end = assay_probe_now_ms() + ms;
	char ll[256];
	int rc;

	for (;;) {
		last_line(t, ll, sizeof(ll));
		if ((want & W_REJECT) && is_rejection(t))
			return W_REJECT;
		if ((want & W_PASS) && is_password_prompt(ll))
			return W_PASS;
		if ((want & W_LOGIN) && is_login_prompt(ll))
			return W_LOGIN;
		if ((want & W_SHELL) && is_shell_prompt(t, ll))
			return W_SHELL;
		if ((rc = pump(t, end)) == 0)
			return 0;
		if (rc < 0)
			return -1;
	}
}

/*
 * A prompt showed: sends `echo "as""say<nonce>"`, whose output
 * (assay<nonce>) differs from its echo, and waits for it.  Returns 1
 * logged in (t->confirmed when the output came back; unconfirmed when
 * the line stayed quiet or closed after the prompt without any
 * rejection: a prompt after the password line is a login), 0 when a
 * rejection or a login/password prompt followed instead.
 */
static int
confirm(struct assay_telnet *t)
{
	unsigned char rnd[6];
	char cmd[64], want[32], ll[256];
	long long end;
	size_t i;
	int rc;

	t->confirmed = 0;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	snprintf(want, sizeof(want), "assay");
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(want + 5 + 2 * i, sizeof(want) - 5 - 2 * i, "%02x",
		    rnd[i]);
	snprintf(cmd, sizeof(cmd), "echo \"as\"\"say%s\"\r\n", want + 5);
	screen_clear(t);
	if (send_all(t, cmd, strlen(cmd)) != 0)
		return 0;
	end = assay_probe_now_ms() + t->timeout_ms;
	for (;;) {
		if (screen_find(t, &t->nonce_from, want, 0)) {
			t->confirmed = 1;
			return 1;
		}
		last_line(t, ll, sizeof(ll));
		if (is_rejection(t) || is_login_prompt(ll) ||
		    is_password_prompt(ll))
			return 0;
		if ((rc = pump(t, end)) <= 0)
			return 1;	/* quiet, or closed, at a prompt */
	}
}

int
assay_probe_telnet_try(struct assay_telnet *t, const char *user,
    const char *password, int *outcome, char *detail, size_t detail_len)
{
	char snip[64], ll[256];
	int r, w, c, echoed;

	if (t == NULL || user == NULL || password == NULL || outcome == NULL)
		return ASSAY_ERR_INVALID_ARG;
	*outcome = ASSAY_AUTH_UNREACHED;
	if (t->fd < 0) {
		if ((r = connect_session(t, detail, detail_len)) != 0)
			return r < 0 ? r : 0;
	}
	w = wait_for(t, W_LOGIN | W_PASS, t->timeout_ms);
	if (w <= 0) {
		snippet(t, snip, sizeof(snip));
		if (w == 0)
			snprintf(detail, detail_len, "no login prompt within %d ms "
			    "(last text \"%s\")", t->timeout_ms, snip);
		else
			snprintf(detail, detail_len, "%s before a login prompt", t->why);
		goto drop;
	}
	if (w == W_LOGIN) {
		screen_clear(t);
		if (send_all(t, user, strlen(user)) != 0 ||
		    send_all(t, "\r\n", 2) != 0) {
			snprintf(detail, detail_len, "send failed after %zu bytes",
			    t->nread);
			goto drop;
		}
		w = wait_for(t, W_PASS | W_SHELL | W_REJECT, t->timeout_ms);
		if (w == W_SHELL && confirm(t) != 0) {
			*outcome = ASSAY_AUTH_ACCEPTED;
			snprintf(detail, detail_len, "shell prompt without a "
			    "password%s", t->confirmed ? ", command output "
			    "confirmed" : "");
			goto drop;
		}
		if (w == W_SHELL) {
			*outcome = ASSAY_AUTH_REJECTED;
			snprintf(detail, detail_len, "user name rejected");
			goto drop;
		}
		if (w == W_REJECT || w == -1) {
			*outcome = ASSAY_AUTH_REJECTED;
			snprintf(detail, detail_len, "user name rejected");
			goto after_reject;
		}
		if (w == 0) {
			snippet(t, snip, sizeof(snip));
			snprintf(detail, detail_len, "no password prompt within %d ms "
			    "(last text \"%s\")", t->timeout_ms, snip);
			goto drop;
		}
	}
	screen_clear(t);
	if (send_all(t, password, strlen(password)) != 0 ||
	    send_all(t, "\r\n", 2) != 0) {
		snprintf(detail, detail_len, "send failed after %zu bytes", t->nread);
		goto drop;
	}
	w = wait_for(t, W_REJECT | W_LOGIN | W_PASS | W_SHELL, t->timeout_ms);
	switch (w) {
	case W_SHELL:
		snippet(t, snip, sizeof(snip));
		/*
		 * A prompt-like line holding the password may be the device
		 * echoing it (a pty's echo, then the device's own): only the
		 * command's output makes it a login then.
		 */
		last_line(t, ll, sizeof(ll));
		echoed = password[0] != '\0' && assay_probe_find(ll, strlen(ll),
		    password, strlen(password), 1) >= 0;
		if ((c = confirm(t)) == 0) {
			*outcome = ASSAY_AUTH_REJECTED;
			snprintf(detail, detail_len, "rejected after a prompt-like "
			    "line \"%s\"", snip);
			goto drop;
		}
		if (echoed && !t->confirmed) {
			snprintf(detail, detail_len, "not judged: the prompt-like "
			    "line \"%s\" holds the echoed password and no command "
			    "output came back", snip);
			goto drop;
		}
		*outcome = ASSAY_AUTH_ACCEPTED;
		snprintf(detail, detail_len, "shell prompt \"%s\"%s", snip,
		    t->confirmed ? ", command output confirmed" : "");
		goto drop;
	case W_REJECT:
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: login incorrect");
		goto after_reject;
	case W_LOGIN:
	case W_PASS:
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: prompted again");
		goto keep;
	case -1:
		if (t->capped)
			break;
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: %s after the password",
		    t->why);
		goto drop;
	}
	snippet(t, snip, sizeof(snip));
	if (t->capped)
		snprintf(detail, detail_len, "%s after the password", t->why);
	else
		snprintf(detail, detail_len, "no answer to the password within %d ms "
		    "(last text \"%s\")", t->timeout_ms, snip);
	goto drop;

after_reject:
	/* Devices usually prompt again; reuse the line if they do soon. */
	if (wait_for(t, W_LOGIN | W_PASS, REPROMPT_MS) > 0)
		goto keep;
drop:
	disconnect(t);
keep:
	assay_probe_note(t->env, t->channel, "attempt: %s", detail);
	return 0;
}

int
assay_probe_telnet_banner(const struct assay_probe_env *env, const char *host,
    int port, int timeout_ms, size_t max_read, int quiet_ms, char **bannerp,
    size_t *lenp, int *truncated, char *err, size_t err_len)
{
	struct assay_telnet *t = NULL;
	char *text = NULL, *p;
	size_t len = 0, cap = 0;
	long long end;
	int r, rc;

	*bannerp = NULL;
	*truncated = 0;
	err[0] = '\0';
	if (quiet_ms <= 0)
		quiet_ms = 500;
	if ((t = assay_probe_telnet_new(env, host, port, timeout_ms, max_read)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = connect_session(t, err, err_len)) != 0) {
		r = r < 0 ? r : 0;
		goto out;
	}
	end = assay_probe_now_ms() + t->timeout_ms;
	cap = t->max_read + 1;
	if ((text = malloc(cap)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (;;) {
		long long until = assay_probe_now_ms() + quiet_ms;
		char ll[256];

		if (until > end)
			until = end;
		rc = pump(t, until);
		/* Move the new text out of the screen. */
		if (len + t->slen > t->max_read) {
			t->slen = t->max_read - len;
			if (t->line_start > t->slen)
				t->line_start = t->slen;
		}
		memcpy(text + len, t->screen, t->slen);
		len += t->slen;
		last_line(t, ll, sizeof(ll));
		screen_clear(t);
		if (rc < 0) {
			if (t->capped)
				*truncated = 1;
			else if (len == 0) {
				snprintf(err, err_len, "%s without a banner", t->why);
				goto out_ok;
			}
			break;
		}
		if (rc == 0 || is_login_prompt(ll) || is_password_prompt(ll) ||
		    assay_probe_now_ms() >= end)
			break;
	}
	text[len] = '\0';
	if ((p = realloc(text, len + 1)) != NULL)
		text = p;
	*bannerp = text;
	text = NULL;
	if (lenp != NULL)
		*lenp = len;
out_ok:
	r = 0;
out:
	free(text);
	assay_probe_telnet_free(t);
	return r;
}

/* ---- Lua (contract: probe/lua.h) ---- */

/*
 * telnet_login{host=, port=, user=, password=, timeout_ms=, max_read=}
 * -> true|false|nil, detail, outcome name
 */
static int
l_telnet_login(lua_State *L)
{
	static const char *const known[] = { "host", "port", "user",
	    "password", "timeout_ms", "max_read", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const char *host, *user, *pass;
	struct assay_telnet *t;
	char detail[256];
	size_t max_read;
	int port, timeout, outcome, r;

	assay_lua_opts(L, "telnet_login", known);
	host = assay_lua_host(L, "telnet_login");
	port = assay_lua_port(L, "telnet_login", 0);
	if ((user = assay_lua_opt_str(L, "telnet_login", "user", NULL)) == NULL)
		return assay_lua_argerror(L, "telnet_login", "user is required");
	if ((pass = assay_lua_opt_str(L, "telnet_login", "password", NULL)) ==
	    NULL)
		return assay_lua_argerror(L, "telnet_login",
		    "password is required");
	timeout = assay_lua_timeout(L, "telnet_login");
	max_read = assay_lua_max_read(L, "telnet_login");
	if ((t = assay_probe_telnet_new(env, host, port, timeout,
	    max_read)) == NULL)
		return luaL_error(L, "telnet_login: out of memory");
	r = assay_probe_telnet_try(t, user, pass, &outcome, detail, sizeof(detail));
	assay_probe_telnet_free(t);
	if (r != 0)
		return assay_lua_harness_error(L, "telnet_login", r, timeout);
	if (outcome == ASSAY_AUTH_UNREACHED)
		lua_pushnil(L);
	else
		lua_pushboolean(L, outcome == ASSAY_AUTH_ACCEPTED);
	lua_pushstring(L, detail);
	lua_pushstring(L, assay_auth_outcome_name(outcome));
	return 3;
}

/*
 * telnet_banner{host=, port=, timeout_ms=, max_read=, idle_ms=}
 * -> text, truncated | nil, reason
 */
static int
l_telnet_banner(lua_State *L)
{
	static const char *const known[] = { "host", "port", "timeout_ms",
	    "max_read", "idle_ms", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const char *host;
	char err[256] = "", *banner = NULL;
	size_t len = 0, max_read;
	int port, timeout, idle, trunc = 0, r;

	assay_lua_opts(L, "telnet_banner", known);
	host = assay_lua_host(L, "telnet_banner");
	port = assay_lua_port(L, "telnet_banner", 0);
	timeout = assay_lua_timeout(L, "telnet_banner");
	max_read = assay_lua_max_read(L, "telnet_banner");
	idle = (int)assay_lua_opt_int(L, "telnet_banner", "idle_ms", 0, 1,
	    ASSAY_LUA_MAX_TIMEOUT_MS);
	r = assay_probe_telnet_banner(env, host, port, timeout, max_read, idle,
	    &banner, &len, &trunc, err, sizeof(err));
	if (r != 0) {
		free(banner);
		return assay_lua_harness_error(L, "telnet_banner", r, timeout);
	}
	if (banner == NULL)
		return assay_lua_fail(L, err);
	lua_pushlstring(L, banner, len);
	free(banner);
	lua_pushboolean(L, trunc);
	return 2;
}

void
assay_probe_telnet_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_telnet_login);
	lua_setfield(L, -2, "telnet_login");
	lua_pushcfunction(L, l_telnet_banner);
	lua_setfield(L, -2, "telnet_banner");
}
