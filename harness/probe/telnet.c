/*
 * probe_telnet.c - telnet banner grab and login attempts.
 *
 * The connection comes from the connection layer (probe/conn.h: budget
 * slot, deadlines, read cap, recording).  Received bytes go through the
 * negotiation decoder (probe/telnet_codec.h), which strips IAC sequences
 * and refuses every option once; the text left is kept in a sliding
 * "screen" where prompts are recognised.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/error.h"
#include "base/hash.h"
#include "probe/probe.h"
#include "base/clock.h"
#include "probe/conn.h"
#include "probe/telnet_codec.h"
#include "probe/lua.h"
#include "probe/telnet.h"


#define SCREEN_MAX	4096
#define REPROMPT_MS	500	/* wait for "login:" after a rejection */

struct assay_telnet {
	const struct assay_probe_env *env;
	char		*host;
	int		 port;
	int		 timeout_ms;
	size_t		 max_read;
	struct assay_conn *conn;	/* NULL between connections */
	int		 conns;
	int		 closed;	/* peer closed (EOF or reset) */
	char		 why[128];	/* how it closed */
	int		 confirmed;	/* last login: command output seen */
	int		 capped;
	struct assay_telnet_codec *neg;	/* option negotiation */
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
	/*
	 * The last password sent (wiped on free): its echo is masked in
	 * what is recorded (echo_k: how much of it the last recorded chunk
	 * ended with) and never read as a prompt.  renv is env with the
	 * masking sink in front of env's.
	 */
	char		*secret;
	size_t		 echo_k;
	const struct assay_probe_env *oenv;
	struct assay_probe_env renv;
};

static void	screen_clear(struct assay_telnet *);

/*
 * Masks with '*' what in p[0..len) can be an echo of secret: whole
 * occurrences, the rest of a secret whose first lead bytes ended the
 * previous piece, and a tail that starts it (returned in *trail: how
 * much of the secret it holds, 0 for none).  The secret is compared
 * byte for byte, as a device echoes it.
 */
static void
mask_echo(char *p, size_t len, const char *secret, size_t lead,
    size_t *trail)
{
	size_t sl = strlen(secret), i, k;

	*trail = 0;
	if (sl == 0)
		return;
	if (lead > 0 && lead < sl) {
		for (i = 0; i < len && lead + i < sl && p[i] == secret[lead + i];
		    i++)
			;
		if (i == len && lead + i < sl) {
			memset(p, '*', i);
			*trail = lead + i;
			return;
		}
		if (lead + i == sl)
			memset(p, '*', i);
	}
	for (i = 0; i + sl <= len; i++)
		if (memcmp(p + i, secret, sl) == 0) {
			memset(p + i, '*', sl);
			i += sl - 1;
		}
	for (k = sl - 1 < len ? sl - 1 : len; k > 0; k--)
		if (memcmp(p + len - k, secret, k) == 0) {
			memset(p + len - k, '*', k);
			*trail = k;
			break;
		}
}

/* The evidence sink in front of env's: received echoes masked. */
static void
echo_mask_record(void *arg, const char *channel, const char *dir,
    const void *data, size_t len)
{
	struct assay_telnet *t = arg;
	char *copy;
	size_t trail;

	if (t->secret == NULL || strcmp(dir, "recv") != 0) {
		t->oenv->record(t->oenv->record_arg, channel, dir, data, len);
		return;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		t->oenv->record(t->oenv->record_arg, channel, "note",
		    "received bytes not recorded: out of memory", 42);
		return;
	}
	memcpy(copy, data, len);
	mask_echo(copy, len, t->secret, t->echo_k, &trail);
	t->echo_k = trail;
	t->oenv->record(t->oenv->record_arg, channel, dir, copy, len);
	explicit_bzero(copy, len);
	free(copy);
}

static void
forget_secret(struct assay_telnet *t)
{
	if (t->secret != NULL) {
		explicit_bzero(t->secret, strlen(t->secret));
		free(t->secret);
		t->secret = NULL;
	}
	t->echo_k = 0;
}

struct assay_telnet *
assay_probe_telnet_new(const struct assay_probe_env *env, const char *host,
    int port, int timeout_ms, size_t max_read)
{
	struct assay_telnet *t;

	if (host == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->host = strdup(host)) == NULL ||
	    (t->neg = assay_telnet_codec_new()) == NULL) {
		free(t->host);
		free(t);
		return NULL;
	}
	t->env = t->oenv = env;
	if (env != NULL && env->record != NULL) {
		t->renv = *env;
		t->renv.record = echo_mask_record;
		t->renv.record_arg = t;
		t->env = &t->renv;
	}
	t->port = port;
	t->timeout_ms = timeout_ms > 0 ? timeout_ms :
	    (env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	t->max_read = max_read > 0 ? max_read :
	    (env != NULL && env->max_read > 0 ? env->max_read :
	    ASSAY_PROBE_DEFAULT_MAX_READ);
	snprintf(t->channel, sizeof(t->channel), "telnet %s:%d", host, port);
	return t;
}

static void
disconnect(struct assay_telnet *t)
{
	if (t->conn != NULL && assay_conn_ok(t->conn))
		assay_probe_note(t->env, t->channel, "closed");
	assay_conn_close(t->conn, 0);
	t->conn = NULL;
}

void
assay_probe_telnet_free(struct assay_telnet *t)
{
	if (t == NULL)
		return;
	disconnect(t);
	free(t->host);
	forget_secret(t);
	assay_telnet_codec_free(t->neg);
	explicit_bzero(t->screen, sizeof(t->screen));
	free(t);
}

int
assay_probe_telnet_connections(const struct assay_telnet *t)
{
	return t == NULL ? 0 : t->conns;
}

/* Returns 0 connected, 1 network failure (err), or ASSAY_ERR_*. */
static int
connect_session(struct assay_telnet *t, char *err, size_t err_len)
{
	int r;

	if ((r = assay_conn_open(t->env, t->host, (unsigned int)t->port,
	    SOCK_STREAM, t->timeout_ms, t->max_read, t->channel,
	    &t->conn)) != 0)
		return r;
	if (!assay_conn_ok(t->conn)) {
		snprintf(err, err_len, "%s", assay_conn_why(t->conn));
		assay_probe_note(t->env, t->channel, "%s", err);
		disconnect(t);
		return 1;
	}
	t->conns++;
	t->closed = 0;
	t->why[0] = '\0';
	t->capped = 0;
	assay_telnet_codec_reset(t->neg);
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
	assay_conn_set_deadline(t->conn, t->timeout_ms);
	return assay_conn_write(t->conn, p, len, p);
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

/*
 * Reads once, waiting until deadline.  Returns 1 data, 0 timeout,
 * -1 closed/reset/cap (t->why says which).
 */
static int
pump(struct assay_telnet *t, long long deadline)
{
	unsigned char in[2048], text[2048], reply[ASSAY_TELNET_MAX_ANSWERS];
	size_t i, tlen = 0, rlen = 0;
	long n;

	if (t->conn == NULL || t->closed)
		return -1;
	if ((n = assay_conn_recv(t->conn, in, sizeof(in), deadline)) == 0)
		return 0;
	if (n < 0) {
		t->closed = 1;
		snprintf(t->why, sizeof(t->why), "%s", assay_conn_why(t->conn));
		if (assay_conn_capped(t->conn))
			t->capped = 1;
		else
			assay_probe_note(t->env, t->channel, "%s", t->why);
		return -1;
	}
	/* The caps fit n bytes of text and every answer of a connection. */
	(void)assay_telnet_codec_feed(t->neg, in, (size_t)n, text, sizeof(text),
	    &tlen, reply, sizeof(reply), &rlen);
	for (i = 0; i < tlen; i++)
		screen_add(t, text[i]);
	if (rlen > 0 && send_all(t, reply, rlen) != 0) {
		t->closed = 1;
		snprintf(t->why, sizeof(t->why), "connection reset after %zu bytes",
		    assay_conn_nread(t->conn));
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

/*
 * The last 40 bytes of the screen, printable, any echo of the password
 * masked (looked for in a wider window, so a cut echo is masked too).
 */
static void
snippet(const struct assay_telnet *t, char *out, size_t outlen)
{
	char win[40 + 256 + 1];
	size_t i, j = 0, sl, wl, from, trail;

	sl = t->secret != NULL ? strlen(t->secret) : 0;
	wl = 40 + (sl < 256 ? sl : 256);
	if (wl > t->slen)
		wl = t->slen;
	memcpy(win, t->screen + t->slen - wl, wl);
	if (sl > 0)
		mask_echo(win, wl, t->secret, 0, &trail);
	from = wl > 40 ? wl - 40 : 0;
	for (i = from; i < wl && j + 1 < outlen; i++) {
		unsigned char c = (unsigned char)win[i];

		out[j++] = (char)(c >= 32 && c < 127 ? c : '.');
	}
	out[j] = '\0';
	explicit_bzero(win, sizeof(win));
}

/*
 * 1 when the last line ends with the start of the password (at least 3
 * bytes of it, or all of a shorter one) without holding all of it: an
 * echo still arriving, "TelnetPw#" of "TelnetPw#1", which must not be
 * read as a "#" prompt.  Trailing blanks are cut, as for the prompts.
 */
static int
echo_in_progress(const struct assay_telnet *t)
{
	size_t sl, end = t->slen, start = t->line_start, k, min;

	if (t->secret == NULL || (sl = strlen(t->secret)) < 2)
		return 0;
	if (start > end)
		start = end;
	while (end > start && (t->screen[end - 1] == ' ' ||
	    t->screen[end - 1] == '\t'))
		end--;
	min = sl < 3 ? sl - 1 : 3;
	for (k = sl - 1 < end - start ? sl - 1 : end - start; k >= min &&
	    k > 0; k--)
		if (memcmp(t->screen + end - k, t->secret, k) == 0)
			return 1;
	return 0;
}

enum { W_LOGIN = 1, W_PASS = 2, W_SHELL = 4, W_REJECT = 8 };

/*
 * Pumps until one of the wanted screens shows.  Returns the W_* seen,
 * 0 on timeout, -1 when the connection ended.
 */
static int
wait_for(struct assay_telnet *t, int want, int ms)
{
	long long end = assay_clock_ms() + ms;
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
		if ((want & W_SHELL) && is_shell_prompt(t, ll) &&
		    !echo_in_progress(t))
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
 * the line stayed quiet, closed, or showed a prompt again after the
 * command without any rejection: a prompt after the password line is a
 * login), 0 when a
 * rejection or a login/password prompt followed instead.
 */
static int
confirm(struct assay_telnet *t)
{
	unsigned char rnd[6];
	char cmd[64], want[32], ll[256];
	long long end;
	int rc;

	t->confirmed = 0;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	memcpy(want, "assay", 5);
	assay_hex_encode(rnd, sizeof(rnd), want + 5);	/* 12 digits + NUL */
	snprintf(cmd, sizeof(cmd), "echo \"as\"\"say%s\"\r\n", want + 5);
	screen_clear(t);
	if (send_all(t, cmd, strlen(cmd)) != 0)
		return 0;
	end = assay_clock_ms() + t->timeout_ms;
	for (;;) {
		if (screen_find(t, &t->nonce_from, want, 0)) {
			t->confirmed = 1;
			return 1;
		}
		last_line(t, ll, sizeof(ll));
		if (is_rejection(t) || is_login_prompt(ll) ||
		    is_password_prompt(ll))
			return 0;
		/*
		 * A prompt again on a later line: the command ran and its
		 * output, if any, came without the nonce (a restricted
		 * shell that has no echo); waiting on adds nothing.
		 */
		if (is_shell_prompt(t, ll) && !echo_in_progress(t))
			return 1;
		if ((rc = pump(t, end)) <= 0)
			return 1;	/* quiet, or closed, at a prompt */
	}
}

int
assay_telnet_parse_screen(const unsigned char *p, size_t len,
    const char *secret, char *snip, size_t snip_len)
{
	struct assay_telnet *t;
	char ll[256];
	size_t i;
	int seen = 0;

	if (snip_len > 0)
		snip[0] = '\0';
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return ASSAY_ERR_ALLOC;
	if (secret != NULL && (t->secret = strdup(secret)) == NULL) {
		free(t);
		return ASSAY_ERR_ALLOC;
	}
	screen_clear(t);
	for (i = 0; i < len; i++)
		screen_add(t, p[i]);
	last_line(t, ll, sizeof(ll));
	if (is_rejection(t))
		seen |= ASSAY_TELNET_SCREEN_REJECT;
	if (is_password_prompt(ll))
		seen |= ASSAY_TELNET_SCREEN_PASSWORD;
	if (is_login_prompt(ll))
		seen |= ASSAY_TELNET_SCREEN_LOGIN;
	if (is_shell_prompt(t, ll) && !echo_in_progress(t))
		seen |= ASSAY_TELNET_SCREEN_SHELL;
	if (snip_len > 0)
		snippet(t, snip, snip_len);
	forget_secret(t);
	explicit_bzero(t->screen, sizeof(t->screen));
	free(t);
	return seen;
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
	if (t->conn == NULL) {
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
			    assay_conn_nread(t->conn));
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
	forget_secret(t);
	if ((t->secret = strdup(password)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (send_all(t, password, strlen(password)) != 0 ||
	    send_all(t, "\r\n", 2) != 0) {
		snprintf(detail, detail_len, "send failed after %zu bytes",
		    assay_conn_nread(t->conn));
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
	end = assay_clock_ms() + t->timeout_ms;
	cap = t->max_read + 1;
	if ((text = malloc(cap)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (;;) {
		long long until = assay_clock_ms() + quiet_ms;
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
		    assay_clock_ms() >= end)
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
