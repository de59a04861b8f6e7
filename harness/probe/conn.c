/*
 * conn.c - dial with a deadline and a budget slot, optional TLS, capped
 * and recorded reads.  See conn.h and docs/conn.md.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "base/clock.h"
#include "base/error.h"
#include "probe/conn.h"

#define RDBUF_LEN	4096

struct assay_conn {
	const struct assay_probe_env	*env;
	int				 fd;
	int				 socktype;
	int				 held;		/* budget slot taken */
	SSL_CTX				*ctx;
	SSL				*ssl;
	int				 tls_done;	/* shut down politely */
	char				*channel;
	size_t				 nread;
	size_t				 max_read;
	int				 capped;
	int				 eof;		/* peer closed in order */
	int				 timed_out;	/* last read_exact ran out of time */
	int				 timeout_ms;
	long long			 deadline;	/* ms, monotonic */
	long long			 t0_ns;		/* connect started */
	unsigned char			 rd[RDBUF_LEN];	/* read-ahead */
	size_t				 rd_off, rd_len;
	char				 why[ASSAY_CONN_WHY_MAX];
};

static void
setwhy_v(char *why, size_t whylen, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
setwhy_v(char *why, size_t whylen, const char *fmt, va_list ap)
{
	if (why == NULL || whylen == 0)
		return;
	vsnprintf(why, whylen, fmt, ap);
}

static void
fmtwhy(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fmtwhy(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setwhy_v(why, whylen, fmt, ap);
	va_end(ap);
}

void
assay_conn_setwhy(struct assay_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	setwhy_v(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

int
assay_conn_resolve(const char *host, unsigned int port, int socktype,
    struct sockaddr_storage *ss, socklen_t *sslen, char *why, size_t whylen)
{
	struct addrinfo hints, *res = NULL;
	char serv[16];
	int e;

	fmtwhy(why, whylen, "%s", "");
	if (host == NULL || port > 65535)
		return ASSAY_ERR_INVALID_ARG;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", port);
	if ((e = getaddrinfo(host, serv, &hints, &res)) != 0) {
		fmtwhy(why, whylen, "cannot resolve host \"%s\": %s", host,
		    gai_strerror(e));
		return 0;
	}
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return ASSAY_ERR_NETWORK;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int
assay_conn_start(const struct sockaddr_storage *ss, socklen_t sslen,
    int socktype, int *fdp, int *errp)
{
	int fd;

	*fdp = -1;
	*errp = 0;
	if ((fd = socket(ss->ss_family, socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return ASSAY_ERR_NETWORK;
	if (connect(fd, (const struct sockaddr *)ss, sslen) == -1) {
		*errp = errno;
		if (*errp != EINPROGRESS) {
			close(fd);
			return 0;
		}
	}
	*fdp = fd;
	return 0;
}

void
assay_conn_connect_why(int e, char *why, size_t whylen)
{
	if (e == ECONNREFUSED)
		fmtwhy(why, whylen, "connection refused");
	else if (e == ECONNRESET || e == EPIPE)
		/* Established, then reset before we looked: the port is open. */
		fmtwhy(why, whylen, "connection reset after 0 bytes");
	else
		fmtwhy(why, whylen, "connect failed: %s", strerror(e));
}

int
assay_conn_connect_fd(const char *host, unsigned int port, int socktype,
    int timeout_ms, int *fdp, char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	socklen_t sslen = 0, el;
	struct pollfd pfd;
	long long end;
	int fd = -1, r, e = 0, left;

	*fdp = -1;
	if ((r = assay_conn_resolve(host, port, socktype, &ss, &sslen, why,
	    whylen)) != 0)
		return r;
	if (why != NULL && why[0] != '\0')
		return 0;
	end = assay_clock_ms() + timeout_ms;
	if ((r = assay_conn_start(&ss, sslen, socktype, &fd, &e)) != 0)
		return r;
	if (fd == -1)
		goto fail;
	if (e == 0)
		goto done;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	for (;;) {
		left = (int)(end - assay_clock_ms());
		if (left <= 0) {
			fmtwhy(why, whylen, "connect timeout after %d ms",
			    timeout_ms);
			close(fd);
			return 0;
		}
		if ((r = poll(&pfd, 1, left)) == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			close(fd);
			return ASSAY_ERR_NETWORK;
		}
		if (r == 1)
			break;
	}
	el = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
		e = errno;
	if (e != 0) {
		close(fd);
		goto fail;
	}
 done:
	*fdp = fd;
	return 0;
 fail:
	if (socktype == SOCK_DGRAM && e != ECONNREFUSED)
		fmtwhy(why, whylen, "cannot open UDP socket to %s:%u: %s",
		    host, port, strerror(e));
	else
		assay_conn_connect_why(e, why, whylen);
	return 0;
}

/*
 * Tells the budget how the device answered the connect: connected or
 * refused (a RST is a prompt answer), or no answer (a timeout, or an
 * unreachable host: a device that dropped off the link).  A name that
 * does not resolve says nothing about the device.
 */
static void
connect_feedback(struct assay_conn *c)
{
	long long lat = assay_clock_ns() - c->t0_ns;
	int kind = ASSAY_BUDGET_ANSWERED;

	if (c->fd == -1) {
		if (strncmp(c->why, "cannot resolve", 14) == 0)
			return;
		if (strcmp(c->why, "connection refused") != 0 &&
		    strncmp(c->why, "connection reset", 16) != 0)
			kind = ASSAY_BUDGET_TIMEOUT;
	}
	assay_budget_feedback(c->env->budget, kind, lat);
}

/* The device reset an established connection: the budget backs off. */
static void
reset_feedback(struct assay_conn *c)
{
	if (c->env != NULL && c->socktype == SOCK_STREAM)
		assay_budget_feedback(c->env->budget, ASSAY_BUDGET_RESET,
		    assay_clock_ns() - c->t0_ns);
}

int
assay_conn_open(const struct assay_probe_env *env, const char *host,
    unsigned int port, int socktype, int timeout_ms, size_t max_read,
    const char *channel, struct assay_conn **cp)
{
	struct assay_conn *c = NULL;
	int r;

	if (cp == NULL)
		return ASSAY_ERR_INVALID_ARG;
	*cp = NULL;
	if (host == NULL || port < 1 || port > 65535 ||
	    (socktype != SOCK_STREAM && socktype != SOCK_DGRAM))
		return ASSAY_ERR_INVALID_ARG;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->channel = strdup(channel != NULL ? channel : host)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	c->fd = -1;
	c->env = env;
	c->socktype = socktype;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms :
	    (env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	c->max_read = max_read > 0 ? max_read :
	    (env != NULL && env->max_read > 0 ? env->max_read :
	    ASSAY_PROBE_DEFAULT_MAX_READ);
	if (env != NULL &&
	    (r = assay_budget_acquire(env->budget, c->timeout_ms)) != 0)
		goto out;
	c->held = env != NULL;
	c->deadline = assay_clock_ms() + c->timeout_ms;
	c->t0_ns = assay_clock_ns();
	if ((r = assay_conn_connect_fd(host, port, socktype, c->timeout_ms,
	    &c->fd, c->why, sizeof(c->why))) != 0)
		goto out;
	if (env != NULL && socktype == SOCK_STREAM)
		connect_feedback(c);
	*cp = c;
	c = NULL;
 out:
	assay_conn_close(c, 0);
	return r;
}

void
assay_conn_close(struct assay_conn *c, int rst)
{
	struct linger lg = { 1, 0 };

	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		if (c->tls_done)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd != -1) {
		if (rst && c->socktype == SOCK_STREAM)
			setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c->fd);
	}
	if (c->held)
		assay_budget_release(c->env->budget);
	free(c->channel);
	explicit_bzero(c->rd, sizeof(c->rd));
	free(c);
}

int
assay_conn_ok(const struct assay_conn *c)
{
	return c != NULL && c->fd != -1;
}

const char *
assay_conn_why(const struct assay_conn *c)
{
	return c == NULL ? "" : c->why;
}

int
assay_conn_fd(const struct assay_conn *c)
{
	return c == NULL ? -1 : c->fd;
}

const char *
assay_conn_channel(const struct assay_conn *c)
{
	return c->channel;
}

const struct assay_probe_env *
assay_conn_env(const struct assay_conn *c)
{
	return c->env;
}

int
assay_conn_timeout_ms(const struct assay_conn *c)
{
	return c->timeout_ms;
}

size_t
assay_conn_max_read(const struct assay_conn *c)
{
	return c->max_read;
}

size_t
assay_conn_nread(const struct assay_conn *c)
{
	return c == NULL ? 0 : c->nread;
}

int
assay_conn_timed_out(const struct assay_conn *c)
{
	return c != NULL && c->timed_out;
}

int
assay_conn_eof(const struct assay_conn *c)
{
	return c != NULL && c->eof;
}

int
assay_conn_capped(const struct assay_conn *c)
{
	return c != NULL && c->capped;
}

long long
assay_conn_set_deadline(struct assay_conn *c, int ms)
{
	c->deadline = assay_clock_ms() + ms;
	return c->deadline;
}

long long
assay_conn_deadline(const struct assay_conn *c)
{
	return c->deadline;
}

int
assay_conn_wait(struct assay_conn *c, short events, long long until_ms)
{
	struct pollfd pfd;
	long long left;
	int n;

	if (until_ms == 0)
		until_ms = c->deadline;
	for (;;) {
		if ((left = until_ms - assay_clock_ms()) <= 0)
			return 0;
		pfd.fd = c->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 1;	/* let the next call report it */
	}
}

int
assay_host_is_address(const char *host)
{
	unsigned char b[sizeof(struct in6_addr)];

	return host != NULL && (inet_pton(AF_INET, host, b) == 1 ||
	    inet_pton(AF_INET6, host, b) == 1);
}

void
assay_ssl_error_text(char *dst, size_t len)
{
	unsigned long e;

	if ((e = ERR_peek_last_error()) == 0)
		snprintf(dst, len, "unknown error");
	else
		ERR_error_string_n(e, dst, len);
	ERR_clear_error();
}

char *
assay_x509_name_text(const X509_NAME *nm)
{
	BIO *bio;
	char *p = NULL, *s;
	long n;

	if (nm == NULL)
		return strdup("");
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, nm, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &s)) >= 0 &&
	    (p = malloc((size_t)n + 1)) != NULL) {
		memcpy(p, s, (size_t)n);
		p[n] = '\0';
	}
	BIO_free(bio);
	return p;
}

int
assay_conn_tls_start(struct assay_conn *c, const char *host)
{
	char es[160];
	int r, e;

	if (c->fd == -1 || c->socktype != SOCK_STREAM || c->ssl != NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return ASSAY_ERR_CRYPTO;
	SSL_CTX_set_security_level(c->ctx, 0);
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	if ((c->ssl = SSL_new(c->ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return ASSAY_ERR_CRYPTO;
	if (host != NULL && !assay_host_is_address(host))
		SSL_set_tlsext_host_name(c->ssl, host);
	ERR_clear_error();
	for (;;) {
		if ((r = SSL_connect(c->ssl)) == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (!assay_conn_wait(c, e == SSL_ERROR_WANT_READ ?
			    POLLIN : POLLOUT, 0)) {
				assay_conn_setwhy(c, "timeout after %d ms in TLS "
				    "handshake", c->timeout_ms);
				return 1;
			}
			continue;
		}
		if (e == SSL_ERROR_SYSCALL && errno == ECONNRESET)
			assay_conn_setwhy(c, "connection reset during TLS handshake");
		else if (e == SSL_ERROR_SYSCALL || ERR_peek_error() == 0)
			assay_conn_setwhy(c, "connection closed during TLS handshake");
		else {
			assay_ssl_error_text(es, sizeof(es));
			assay_conn_setwhy(c, "TLS handshake failed: %s", es);
		}
		return 1;
	}
	c->tls_done = 1;
	return 0;
}

void
assay_conn_attach_ssl(struct assay_conn *c, SSL_CTX *ctx, SSL *ssl)
{
	c->ctx = ctx;
	c->ssl = ssl;
}

void
assay_conn_tls_done(struct assay_conn *c)
{
	c->tls_done = 1;
}

SSL *
assay_conn_ssl(const struct assay_conn *c)
{
	return c == NULL ? NULL : c->ssl;
}

int
assay_conn_write(struct assay_conn *c, const void *p, size_t len,
    const void *record)
{
	const unsigned char *s = p;
	size_t off = 0;
	ssize_t n;
	int e;

	assay_probe_record(c->env, c->channel, "sent",
	    record != NULL ? record : p, len);
	while (off < len) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_write(c->ssl, s + off, (int)(len - off));
			if (n > 0) {
				off += (size_t)n;
				continue;
			}
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				if (!assay_conn_wait(c, e == SSL_ERROR_WANT_READ ?
				    POLLIN : POLLOUT, 0))
					goto timeout;
				continue;
			}
			assay_conn_setwhy(c, "connection closed while sending "
			    "(%zu bytes received)", c->nread);
			return -1;
		}
		n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!assay_conn_wait(c, POLLOUT, 0))
				goto timeout;
			continue;
		}
		if (n < 0 && errno == ECONNRESET) {
			assay_conn_setwhy(c, "connection reset after %zu bytes",
			    c->nread);
			reset_feedback(c);
		}
		else
			assay_conn_setwhy(c, "connection closed while sending "
			    "(%zu bytes received)", c->nread);
		return -1;
	}
	return 0;
 timeout:
	assay_conn_setwhy(c, "timeout after %d ms sending", c->timeout_ms);
	return -1;
}

/* One read from the socket or TLS: > 0 bytes, 0 time up, -1 with why. */
static long
raw_recv(struct assay_conn *c, unsigned char *dst, size_t want,
    long long until_ms)
{
	ssize_t n;
	int e;

	if (c->nread >= c->max_read) {
		c->capped = 1;
		assay_conn_setwhy(c, "read cap of %zu bytes reached", c->max_read);
		return -1;
	}
	if (want > c->max_read - c->nread)
		want = c->max_read - c->nread;
	if (want > INT32_MAX)
		want = INT32_MAX;
	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_read(c->ssl, dst, (int)want);
			if (n > 0)
				break;
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				if (!assay_conn_wait(c, e == SSL_ERROR_WANT_READ ?
				    POLLIN : POLLOUT, until_ms))
					return 0;
				continue;
			}
			if (e == SSL_ERROR_SYSCALL && errno == ECONNRESET) {
				assay_conn_setwhy(c, "connection reset after %zu "
				    "bytes", c->nread);
				reset_feedback(c);
			} else {
				c->eof = e == SSL_ERROR_ZERO_RETURN ||
				    e == SSL_ERROR_SYSCALL;
				assay_conn_setwhy(c, "connection closed after %zu "
				    "bytes", c->nread);
			}
			return -1;
		}
		n = recv(c->fd, dst, want, 0);
		if (n > 0)
			break;
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!assay_conn_wait(c, POLLIN, until_ms))
				return 0;
			continue;
		}
		if (n < 0 && errno == ECONNRESET) {
			assay_conn_setwhy(c, "connection reset after %zu bytes",
			    c->nread);
			reset_feedback(c);
		}
		else if (n < 0)
			assay_conn_setwhy(c, "read failed after %zu bytes: %s",
			    c->nread, strerror(errno));
		else {
			c->eof = 1;
			assay_conn_setwhy(c, "connection closed after %zu bytes",
			    c->nread);
		}
		return -1;
	}
	assay_probe_record(c->env, c->channel, "recv", dst, (size_t)n);
	c->nread += (size_t)n;
	if (c->nread >= c->max_read)
		c->capped = 1;
	return (long)n;
}

long
assay_conn_recv(struct assay_conn *c, void *dst, size_t len, long long until_ms)
{
	size_t k;

	if (len == 0)
		return 0;
	if (c->rd_off < c->rd_len) {
		k = c->rd_len - c->rd_off;
		if (k > len)
			k = len;
		memcpy(dst, c->rd + c->rd_off, k);
		c->rd_off += k;
		return (long)k;
	}
	return raw_recv(c, dst, len, until_ms);
}

int
assay_conn_recv_buf(struct assay_conn *c, struct assay_buf *out,
    long long until_ms, size_t *got)
{
	unsigned char chunk[RDBUF_LEN];
	size_t room;
	long n;
	int r;

	*got = 0;
	if ((room = assay_buf_max(out) - assay_buf_len(out)) == 0) {
		c->capped = 1;
		assay_conn_setwhy(c, "read cap of %zu bytes reached",
		    assay_buf_max(out));
		return 1;
	}
	if ((n = assay_conn_recv(c, chunk, room < sizeof(chunk) ? room :
	    sizeof(chunk), until_ms)) < 0)
		return 1;
	if (n == 0)
		return 0;
	if ((r = assay_buf_put(out, chunk, (size_t)n)) != 0)
		return r == ASSAY_ERR_TOO_BIG ? ASSAY_ERR_INTERNAL : r;
	*got = (size_t)n;
	return 0;
}

int
assay_conn_read_exact(struct assay_conn *c, void *dst, size_t len,
    const char *waiting_for)
{
	unsigned char *d = dst;
	size_t k;
	long n;

	c->timed_out = 0;
	while (len > 0) {
		if (c->rd_off == c->rd_len) {
			if ((n = raw_recv(c, c->rd, sizeof(c->rd), 0)) < 0)
				return -1;
			if (n == 0) {
				c->timed_out = 1;
				assay_conn_setwhy(c, "timeout after %d ms waiting "
				    "for %s (%zu bytes received)", c->timeout_ms,
				    waiting_for, c->nread);
				return -1;
			}
			c->rd_off = 0;
			c->rd_len = (size_t)n;
		}
		k = c->rd_len - c->rd_off;
		if (k > len)
			k = len;
		memcpy(d, c->rd + c->rd_off, k);
		c->rd_off += k;
		d += k;
		len -= k;
	}
	return 0;
}

size_t
assay_conn_buffered(const struct assay_conn *c)
{
	return c->rd_len - c->rd_off;
}

size_t
assay_conn_peek(const struct assay_conn *c, void *dst, size_t cap)
{
	size_t k = c->rd_len - c->rd_off;

	if (k > cap)
		k = cap;
	memcpy(dst, c->rd + c->rd_off, k);
	return k;
}

void
assay_conn_unread(struct assay_conn *c, size_t n)
{
	c->rd_off -= n < c->rd_off ? n : c->rd_off;
}

void
assay_conn_set_timeout(struct assay_conn *c, int ms)
{
	c->timeout_ms = ms;
	c->deadline = assay_clock_ms() + ms;
}

int
assay_conn_send_dgram(struct assay_conn *c, const void *p, size_t len)
{
	ssize_t n;
	int e;

	assay_probe_record(c->env, c->channel, "sent", p, len);
	if (c->ssl != NULL) {
		ERR_clear_error();
		n = SSL_write(c->ssl, p, (int)len);
		if (n > 0)
			return 0;
		e = SSL_get_error(c->ssl, (int)n);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
			return 0;	/* a lost datagram: retransmission covers it */
		if (e == SSL_ERROR_SYSCALL && errno == ECONNREFUSED)
			assay_conn_setwhy(c, "port unreachable (ICMP)");
		else
			assay_conn_setwhy(c, "DTLS connection closed by peer");
		return -1;
	}
	n = send(c->fd, p, len, 0);
	if (n >= 0 || errno == EAGAIN || errno == EINTR)
		return 0;
	if (errno == ECONNREFUSED)
		assay_conn_setwhy(c, "port unreachable (ICMP)");
	else
		assay_conn_setwhy(c, "send failed: %s", strerror(errno));
	return -1;
}

long
assay_conn_recv_dgram(struct assay_conn *c, void *dst, size_t len,
    long long until_ms)
{
	ssize_t n;
	int e;

	if (len > INT32_MAX)
		len = INT32_MAX;
	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_read(c->ssl, dst, (int)len);
			if (n > 0)
				goto got;
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_ZERO_RETURN) {
				assay_conn_setwhy(c, "DTLS connection closed by "
				    "peer after %zu bytes", c->nread);
				return -1;
			}
			if (e == SSL_ERROR_SYSCALL && errno == ECONNREFUSED) {
				assay_conn_setwhy(c, "port unreachable (ICMP)");
				return -1;
			}
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
				assay_conn_setwhy(c, "DTLS error after %zu bytes",
				    c->nread);
				return -1;
			}
		} else {
			n = recv(c->fd, dst, len, MSG_TRUNC);
			if (n >= 0) {
				if ((size_t)n > len)
					n = (ssize_t)len;
				if (n > 0)
					goto got;
				continue;	/* empty datagram: ignore */
			}
			if (errno == ECONNREFUSED) {
				assay_conn_setwhy(c, "port unreachable (ICMP)");
				return -1;
			}
			if (errno != EAGAIN && errno != EINTR) {
				assay_conn_setwhy(c, "recv failed: %s",
				    strerror(errno));
				return -1;
			}
		}
		if (!assay_conn_wait(c, POLLIN, until_ms))
			return 0;
	}
 got:
	assay_probe_record(c->env, c->channel, "recv", dst, (size_t)n);
	if ((size_t)n > c->max_read - c->nread) {
		/* Keep what fits: options come first, so a cut reply may parse. */
		n = (ssize_t)(c->max_read - c->nread);
		c->capped = 1;
		if (n == 0) {
			assay_conn_setwhy(c, "read cap of %zu bytes reached",
			    c->max_read);
			return -1;
		}
	}
	c->nread += (size_t)n;
	return (long)n;
}
