/*
 * probe_mqtt.c - hand-written MQTT 3.1.1/5 CONNECT probe over TCP or TLS.
 *
 * The socket is non-blocking and every wait is a poll() against a
 * deadline, so no phase can outlive its timeout.  Bytes received are
 * counted against max_read before they are parsed; lengths from the peer
 * are checked against what is left of that cap.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/probe.h"
#include "probe/lua.h"
#include "probe/mqtt.h"

#define WHY_LEN		256
#define RDBUF_LEN	4096

struct mqtt_msg {
	char	*topic;
	size_t	 topic_len;
	char	*payload;
	size_t	 payload_len;
	int	 retain;
};

struct assay_probe_mqtt_result {
	char		*failure;
	int		 version;
	int		 connack;	/* CONNACK seen */
	int		 code;
	int		 session_present;
	size_t		 nread;
	int		 tls_done;
	char		*tls_version;
	char		*tls_cipher;
	char		*tls_subject;
	char		*tls_issuer;
	int		 subscribed;
	int		 granted;
	char		*sub_error;
	char		*sub_truncated;
	struct mqtt_msg	*msgs;
	size_t		 nmsgs;
};

/* One connection: socket, optional TLS, read-ahead, counters. */
struct conn {
	const struct assay_probe_env	*env;
	int				 fd;
	SSL_CTX				*ctx;
	SSL				*ssl;
	char				 channel[320];
	size_t				 nread;
	size_t				 max_read;
	long long			 deadline;	/* ms, monotonic */
	int				 timeout_ms;
	unsigned char			 rd[RDBUF_LEN];
	size_t				 rd_off, rd_len;
	char				 why[WHY_LEN];
};

static void	setwhy(struct conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
setwhy(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Waits for ev on the socket until the deadline: 1 ready, 0 timeout. */
static int
wait_fd(struct conn *c, short ev)
{
	struct pollfd pfd;
	long long left;
	int n;

	for (;;) {
		if ((left = c->deadline - assay_probe_now_ms()) <= 0)
			return 0;
		pfd.fd = c->fd;
		pfd.events = ev;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 1;	/* let the next call report it */
	}
}

static int
tcp_connect(struct conn *c, const char *host, int port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	socklen_t sl;
	int fd = -1, err = 0, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((r = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		setwhy(c, "cannot resolve %s: %s", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			c->fd = fd;
			if (!wait_fd(c, POLLOUT)) {
				c->fd = -1;
				close(fd);
				fd = -1;
				err = ETIMEDOUT;
				break;
			}
			c->fd = -1;
			sl = sizeof(err);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 &&
			    err == 0)
				break;
		} else
			err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (err == ETIMEDOUT)
			setwhy(c, "timeout after %d ms connecting", c->timeout_ms);
		else if (err == ECONNREFUSED)
			setwhy(c, "connection refused");
		else
			setwhy(c, "connect failed: %s", strerror(err));
		return -1;
	}
	c->fd = fd;
	return 0;
}

static void
ssl_errstr(char *dst, size_t len)
{
	unsigned long e;

	if ((e = ERR_peek_last_error()) == 0)
		snprintf(dst, len, "unknown error");
	else
		ERR_error_string_n(e, dst, len);
	ERR_clear_error();
}

static char *
name_text(const X509_NAME *nm)
{
	BIO *bio;
	char *p = NULL, *s;
	long n;

	if (nm == NULL)
		return strdup("");
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, nm, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &s)) >= 0 && (p = malloc((size_t)n + 1)) != NULL) {
		memcpy(p, s, (size_t)n);
		p[n] = '\0';
	}
	BIO_free(bio);
	return p;
}

static int
tls_start(struct conn *c, const char *host, struct assay_probe_mqtt_result *res)
{
	struct in6_addr a6;
	X509 *peer;
	char es[160];
	int r, e;

	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return ASSAY_ERR_CRYPTO;
	/* Probing, not trusting: accept whatever the broker offers. */
	SSL_CTX_set_security_level(c->ctx, 0);
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	if ((c->ssl = SSL_new(c->ctx)) == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
		return ASSAY_ERR_CRYPTO;
	if (inet_pton(AF_INET, host, &a6) != 1 && inet_pton(AF_INET6, host, &a6) != 1)
		SSL_set_tlsext_host_name(c->ssl, host);
	ERR_clear_error();
	for (;;) {
		if ((r = SSL_connect(c->ssl)) == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (!wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT)) {
				setwhy(c, "timeout after %d ms in TLS handshake",
				    c->timeout_ms);
				return 1;
			}
			continue;
		}
		if (e == SSL_ERROR_SYSCALL && errno == ECONNRESET)
			setwhy(c, "connection reset during TLS handshake");
		else if (e == SSL_ERROR_SYSCALL || ERR_peek_error() == 0)
			setwhy(c, "connection closed during TLS handshake");
		else {
			ssl_errstr(es, sizeof(es));
			setwhy(c, "TLS handshake failed: %s", es);
		}
		return 1;
	}
	res->tls_done = 1;
	if ((res->tls_version = strdup(SSL_get_version(c->ssl))) == NULL ||
	    (res->tls_cipher = strdup(SSL_get_cipher_name(c->ssl))) == NULL)
		return ASSAY_ERR_ALLOC;
	peer = SSL_get1_peer_certificate(c->ssl);
	res->tls_subject = name_text(peer ? X509_get_subject_name(peer) : NULL);
	res->tls_issuer = name_text(peer ? X509_get_issuer_name(peer) : NULL);
	X509_free(peer);
	if (res->tls_subject == NULL || res->tls_issuer == NULL)
		return ASSAY_ERR_ALLOC;
	assay_probe_note(c->env, c->channel, "TLS %s %s, peer subject \"%s\" issuer \"%s\" (not verified)",
	    res->tls_version, res->tls_cipher, res->tls_subject, res->tls_issuer);
	return 0;
}

/* Writes all of p; record is what the evidence gets (may mask secrets). */
static int
conn_write(struct conn *c, const void *p, size_t len, const void *record)
{
	const unsigned char *s = p;
	size_t off = 0;
	ssize_t n;
	int e;

	assay_probe_record(c->env, c->channel, "sent", record, len);
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
				if (!wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT))
					goto timeout;
				continue;
			}
			setwhy(c, "connection closed while sending (%zu bytes received)",
			    c->nread);
			return -1;
		}
		n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!wait_fd(c, POLLOUT))
				goto timeout;
			continue;
		}
		if (n < 0 && errno == ECONNRESET)
			setwhy(c, "connection reset after %zu bytes", c->nread);
		else
			setwhy(c, "connection closed while sending (%zu bytes received)",
			    c->nread);
		return -1;
	}
	return 0;
 timeout:
	setwhy(c, "timeout after %d ms sending", c->timeout_ms);
	return -1;
}

/* Refills the read-ahead buffer: 0 ok, -1 with c->why set. */
static int
conn_fill(struct conn *c, const char *waiting_for)
{
	size_t want = sizeof(c->rd);
	ssize_t n;
	int e;

	if (c->nread >= c->max_read) {
		setwhy(c, "read cap of %zu bytes reached", c->max_read);
		return -1;
	}
	if (want > c->max_read - c->nread)
		want = c->max_read - c->nread;
	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_read(c->ssl, c->rd, (int)want);
			if (n > 0)
				break;
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				if (!wait_fd(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT))
					goto timeout;
				continue;
			}
			if (e == SSL_ERROR_SYSCALL && errno == ECONNRESET)
				setwhy(c, "connection reset after %zu bytes", c->nread);
			else
				setwhy(c, "connection closed after %zu bytes", c->nread);
			return -1;
		}
		n = recv(c->fd, c->rd, want, 0);
		if (n > 0)
			break;
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (!wait_fd(c, POLLIN))
				goto timeout;
			continue;
		}
		if (n < 0 && errno == ECONNRESET)
			setwhy(c, "connection reset after %zu bytes", c->nread);
		else if (n < 0)
			setwhy(c, "read failed after %zu bytes: %s", c->nread,
			    strerror(errno));
		else
			setwhy(c, "connection closed after %zu bytes", c->nread);
		return -1;
	}
	assay_probe_record(c->env, c->channel, "recv", c->rd, (size_t)n);
	c->nread += (size_t)n;
	c->rd_off = 0;
	c->rd_len = (size_t)n;
	return 0;
 timeout:
	setwhy(c, "timeout after %d ms waiting for %s (%zu bytes received)",
	    c->timeout_ms, waiting_for, c->nread);
	return -1;
}

static int
conn_read(struct conn *c, void *dst, size_t len, const char *waiting_for)
{
	unsigned char *d = dst;
	size_t k;

	while (len > 0) {
		if (c->rd_off == c->rd_len && conn_fill(c, waiting_for) != 0)
			return -1;
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

static void
conn_close(struct conn *c)
{
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	c->ssl = NULL;
	c->ctx = NULL;
	c->fd = -1;
}

/* Packet builders. */
static int
put_u16(struct assay_buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	return assay_buf_put(b, x, 2);
}

static int
put_str(struct assay_buf *b, const char *s, size_t len)
{
	int r;

	if (len > 65535)
		return ASSAY_ERR_INVALID_ARG;
	if ((r = put_u16(b, (unsigned)len)) != 0)
		return r;
	return assay_buf_put(b, s, len);
}

/* Fixed header + body into out. */
static int
frame(struct assay_buf *out, unsigned char type, const struct assay_buf *body)
{
	unsigned char hdr[5];
	size_t n = assay_buf_len(body), i = 1;
	int r;

	hdr[0] = type;
	do {
		hdr[i] = n % 128;
		n /= 128;
		if (n > 0)
			hdr[i] |= 0x80;
		i++;
	} while (n > 0 && i < 5);
	if ((r = assay_buf_put(out, hdr, i)) != 0)
		return r;
	return assay_buf_put(out, assay_buf_data(body), assay_buf_len(body));
}

/*
 * Reads one packet header: type byte and remaining length.  Checks the
 * length against the read cap before anything is allocated.
 */
static int
read_header(struct conn *c, unsigned char *type, size_t *rlen, const char *waiting_for)
{
	unsigned char b;
	size_t mult = 1, v = 0;
	int i;

	if (conn_read(c, type, 1, waiting_for) != 0)
		return -1;
	for (i = 0; i < 4; i++) {
		if (conn_read(c, &b, 1, waiting_for) != 0)
			return -1;
		v += (size_t)(b & 0x7f) * mult;
		mult *= 128;
		if ((b & 0x80) == 0)
			break;
	}
	if (i == 4) {
		setwhy(c, "not MQTT: remaining length longer than 4 bytes");
		return -1;
	}
	if (v > c->max_read - c->nread + (c->rd_len - c->rd_off)) {
		setwhy(c, "read cap of %zu bytes reached: packet of %zu bytes announced",
		    c->max_read, v);
		return -1;
	}
	*rlen = v;
	return 0;
}

const char *
assay_probe_mqtt_code_name(int version, int code)
{
	static const char *v3[] = {
		"connection accepted",
		"unacceptable protocol version",
		"identifier rejected",
		"server unavailable",
		"bad user name or password",
		"not authorized",
	};
	static const struct {
		int		 code;
		const char	*name;
	} v5[] = {
		{ 0x00, "success" },
		{ 0x80, "unspecified error" },
		{ 0x81, "malformed packet" },
		{ 0x82, "protocol error" },
		{ 0x83, "implementation specific error" },
		{ 0x84, "unsupported protocol version" },
		{ 0x85, "client identifier not valid" },
		{ 0x86, "bad user name or password" },
		{ 0x87, "not authorized" },
		{ 0x88, "server unavailable" },
		{ 0x89, "server busy" },
		{ 0x8a, "banned" },
		{ 0x8c, "bad authentication method" },
		{ 0x90, "topic name invalid" },
		{ 0x95, "packet too large" },
		{ 0x97, "quota exceeded" },
		{ 0x99, "payload format invalid" },
		{ 0x9a, "retain not supported" },
		{ 0x9b, "QoS not supported" },
		{ 0x9c, "use another server" },
		{ 0x9d, "server moved" },
		{ 0x9f, "connection rate exceeded" },
	};
	size_t i;

	if (version != 5) {
		if (code >= 0 && code < (int)(sizeof(v3) / sizeof(v3[0])))
			return v3[code];
		return "reserved return code";
	}
	for (i = 0; i < sizeof(v5) / sizeof(v5[0]); i++)
		if (v5[i].code == code)
			return v5[i].name;
	return "unknown reason code";
}

static int
build_connect(const struct assay_probe_mqtt_params *p, int version,
    struct assay_buf *pkt, struct assay_buf *masked)
{
	struct assay_buf *body = NULL;
	const char *cid = p->client_id ? p->client_id : "assay-probe";
	unsigned char flags = 0x02, hdr[7] = { 0, 4, 'M', 'Q', 'T', 'T', 0 };
	size_t pwoff = 0, pwlen = 0, i;
	char *m = NULL;
	int r;

	if ((body = assay_buf_new(4 * 65536 + 64)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (p->user != NULL)
		flags |= 0x80;
	if (p->password != NULL)
		flags |= 0x40;
	hdr[6] = (unsigned char)version;
	if ((r = assay_buf_put(body, hdr, sizeof(hdr))) != 0 ||
	    (r = assay_buf_put(body, &flags, 1)) != 0 ||
	    (r = put_u16(body, 60)) != 0)
		goto out;
	if (version == 5 && (r = assay_buf_put(body, "", 1)) != 0)	/* no properties */
		goto out;
	if ((r = put_str(body, cid, strlen(cid))) != 0)
		goto out;
	if (p->user != NULL && (r = put_str(body, p->user, strlen(p->user))) != 0)
		goto out;
	if (p->password != NULL) {
		pwlen = strlen(p->password);
		pwoff = assay_buf_len(body) + 2;
		if ((r = put_str(body, p->password, pwlen)) != 0)
			goto out;
	}
	if ((r = frame(pkt, 0x10, body)) != 0)
		goto out;
	/* The evidence copy has the password bytes replaced by '*'. */
	pwoff += assay_buf_len(pkt) - assay_buf_len(body);
	if ((r = assay_buf_put(masked, assay_buf_data(pkt), assay_buf_len(pkt))) != 0)
		goto out;
	m = (char *)assay_buf_data(masked);
	for (i = 0; p->password != NULL && i < pwlen; i++)
		m[pwoff + i] = '*';
	r = 0;
 out:
	assay_buf_free(body);
	return r;
}

/* Reads the CONNACK into res: 0, 1 (network outcome in c->why), or error. */
static int
read_connack(struct conn *c, int version, struct assay_probe_mqtt_result *res)
{
	unsigned char type, body[4], *peek;
	char ex[128];
	size_t rlen;

	if (conn_read(c, &type, 1, "CONNACK") != 0)
		return 1;
	if (type != 0x20) {
		/* Show the peer's first bytes: the byte we took plus read-ahead. */
		peek = c->rd + c->rd_off - 1;
		assay_probe_excerpt(peek, c->rd_len - c->rd_off + 1, 12, 24, ex,
		    sizeof(ex));
		setwhy(c, "not MQTT: expected CONNACK (0x20), got %s", ex);
		return 1;
	}
	c->rd_off--;	/* re-read the type byte through read_header */
	if (read_header(c, &type, &rlen, "CONNACK") != 0)
		return 1;
	if (rlen < 2 || (version != 5 && rlen != 2)) {
		setwhy(c, "not MQTT: CONNACK with remaining length %zu", rlen);
		return 1;
	}
	if (conn_read(c, body, 2, "CONNACK") != 0)
		return 1;
	rlen -= 2;
	/* MQTT 5 properties: skipped, but read so the stream stays in step. */
	while (rlen > 0) {
		size_t k = rlen > sizeof(ex) ? sizeof(ex) : rlen;

		if (conn_read(c, ex, k, "CONNACK properties") != 0)
			return 1;
		rlen -= k;
	}
	res->connack = 1;
	res->session_present = body[0] & 1;
	res->code = body[1];
	/* A 3.1.1-only broker answers CONNECT v5 with a 3.1.1 CONNACK. */
	if (version == 5 && res->code > 0 && res->code < 0x80)
		res->version = 4;
	assay_probe_note(c->env, c->channel, "CONNACK code %d (%s)", res->code,
	    assay_probe_mqtt_code_name(res->version, res->code));
	return 0;
}

static int
sub_fail(struct assay_probe_mqtt_result *res, const char *why)
{
	if ((res->sub_error = strdup(why)) == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

/*
 * Skips an MQTT 5 property block (variable byte integer length, then the
 * properties) starting at off.  Returns the offset after it, 0 if it does
 * not fit in len.
 */
static size_t
skip_props(const unsigned char *p, size_t len, size_t off)
{
	size_t mult = 1, v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (off >= len)
			return 0;
		v += (size_t)(p[off] & 0x7f) * mult;
		mult *= 128;
		if ((p[off++] & 0x80) == 0)
			break;
	}
	if (i == 4 || v > len - off)
		return 0;
	return off + v;
}

static int
add_msg(struct assay_probe_mqtt_result *res, const unsigned char *p, size_t len,
    int retain, int version, int qos)
{
	struct mqtt_msg *nm, *m;
	size_t tlen, off, plen;

	if (len < 2)
		return 1;
	tlen = ((size_t)p[0] << 8) | p[1];
	off = 2 + tlen;
	if (off > len)
		return 1;
	if (qos > 0)
		off += 2;
	if (version == 5 && (off = skip_props(p, len, off)) == 0)
		return 1;
	if (off > len)
		return 1;
	plen = len - off;
	if ((nm = reallocarray(res->msgs, res->nmsgs + 1, sizeof(*nm))) == NULL)
		return ASSAY_ERR_ALLOC;
	res->msgs = nm;
	m = &res->msgs[res->nmsgs];
	memset(m, 0, sizeof(*m));
	if ((m->topic = malloc(tlen + 1)) == NULL ||
	    (m->payload = malloc(plen + 1)) == NULL) {
		free(m->topic);
		return ASSAY_ERR_ALLOC;
	}
	memcpy(m->topic, p + 2, tlen);
	m->topic[tlen] = '\0';
	m->topic_len = tlen;
	memcpy(m->payload, p + off, plen);
	m->payload[plen] = '\0';
	m->payload_len = plen;
	m->retain = retain;
	res->nmsgs++;
	return 0;
}

/* SUBSCRIBE, SUBACK, then PUBLISH packets until the window or a cap ends. */
static int
subscribe(struct conn *c, const struct assay_probe_mqtt_params *p, int version,
    struct assay_probe_mqtt_result *res)
{
	struct assay_buf *body = NULL, *pkt = NULL;
	unsigned char type, *data = NULL;
	unsigned char opt = 0;
	size_t rlen;
	int r, listen_ms, max_msgs, qos;
	char tr[96];

	listen_ms = p->listen_ms > 0 ? p->listen_ms : ASSAY_MQTT_DEFAULT_LISTEN_MS;
	max_msgs = p->max_messages > 0 ? p->max_messages : ASSAY_MQTT_DEFAULT_MAX_MESSAGES;
	res->subscribed = 1;
	res->granted = -1;
	if ((body = assay_buf_new(65536 + 16)) == NULL ||
	    (pkt = assay_buf_new(65536 + 32)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((r = put_u16(body, 1)) != 0 ||
	    (version == 5 && (r = assay_buf_put(body, "", 1)) != 0) ||
	    (r = put_str(body, p->subscribe, strlen(p->subscribe))) != 0 ||
	    (r = assay_buf_put(body, &opt, 1)) != 0 ||
	    (r = frame(pkt, 0x82, body)) != 0)
		goto out;
	c->deadline = assay_probe_now_ms() + c->timeout_ms;
	if (conn_write(c, assay_buf_data(pkt), assay_buf_len(pkt),
	    assay_buf_data(pkt)) != 0) {
		r = sub_fail(res, c->why);
		goto out;
	}
	/* Wait for SUBACK (PUBLISH may come first on some brokers). */
	for (;;) {
		if (read_header(c, &type, &rlen, res->granted < 0 ? "SUBACK" :
		    "PUBLISH") != 0) {
			if (res->granted >= 0 && strncmp(c->why, "timeout", 7) == 0)
				r = 0;	/* the window ended: the normal way out */
			else
				r = sub_fail(res, c->why);
			goto out;
		}
		free(data);
		if ((data = malloc(rlen + 1)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (conn_read(c, data, rlen, "packet body") != 0) {
			r = sub_fail(res, c->why);
			goto out;
		}
		if ((type & 0xf0) == 0x90 && res->granted < 0) {
			size_t off = 2;

			if (version == 5 && (off = skip_props(data, rlen, 2)) == 0) {
				r = sub_fail(res, "not MQTT: malformed SUBACK properties");
				goto out;
			}
			if (rlen < off + 1) {
				r = sub_fail(res, "not MQTT: short SUBACK");
				goto out;
			}
			res->granted = data[off];
			assay_probe_note(c->env, c->channel, "SUBACK code %d for \"%s\"",
			    res->granted, p->subscribe);
			if (res->granted >= 0x80) {
				r = 0;
				goto out;
			}
			c->deadline = assay_probe_now_ms() + listen_ms;
			c->timeout_ms = listen_ms;
		} else if ((type & 0xf0) == 0x30) {
			qos = (type >> 1) & 3;
			if ((r = add_msg(res, data, rlen, type & 1, version, qos)) < 0)
				goto out;
			if (r == 1) {
				r = sub_fail(res, "not MQTT: malformed PUBLISH");
				goto out;
			}
			if (res->nmsgs >= (size_t)max_msgs) {
				snprintf(tr, sizeof(tr), "message cap of %d reached",
				    max_msgs);
				if ((res->sub_truncated = strdup(tr)) == NULL)
					r = ASSAY_ERR_ALLOC;
				goto out;
			}
		}
		/* Other packets (PINGRESP, PUBREL...) are ignored. */
	}
 out:
	if (r == 0 && res->sub_error != NULL &&
	    strncmp(res->sub_error, "read cap", 8) == 0) {
		res->sub_truncated = res->sub_error;
		res->sub_error = NULL;
	}
	free(data);
	assay_buf_free(body);
	assay_buf_free(pkt);
	return r;
}

/*
 * OpenSSL writes to the socket with write(), which raises SIGPIPE on a
 * peer that has gone.  A probe must not kill the harness, and the
 * program's signal dispositions are not ours to change: block SIGPIPE in
 * this thread while TLS runs and discard one raised meanwhile.
 */
static void
sigpipe_block(sigset_t *old, int *was_pending)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, old);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
}

static void
sigpipe_restore(const sigset_t *old, int was_pending)
{
	struct timespec zero = { 0, 0 };
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		(void)sigtimedwait(&set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

int
assay_probe_mqtt_connect(const struct assay_probe_env *env,
    const struct assay_probe_mqtt_params *p, struct assay_probe_mqtt_result **resp)
{
	struct assay_probe_mqtt_result *res = NULL;
	struct assay_buf *pkt = NULL, *masked = NULL;
	struct conn c;
	int r, version, slot = 0, sigpending_before = 0, sigblocked = 0;
	static const unsigned char disconnect[2] = { 0xe0, 0x00 };
	sigset_t oldmask;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	if (resp != NULL)
		*resp = NULL;
	if (p == NULL || resp == NULL || p->host == NULL || p->port < 1 ||
	    p->port > 65535 || (p->version != 0 && p->version != 4 && p->version != 5))
		return ASSAY_ERR_INVALID_ARG;
	version = p->version ? p->version : 4;
	c.env = env;
	c.timeout_ms = p->timeout_ms > 0 ? p->timeout_ms :
	    (env && env->timeout_ms > 0 ? env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	c.max_read = p->max_read > 0 ? p->max_read :
	    (env && env->max_read > 0 ? env->max_read : ASSAY_PROBE_DEFAULT_MAX_READ);
	snprintf(c.channel, sizeof(c.channel), "mqtt%s %s:%d", p->tls ? "+tls" : "",
	    p->host, p->port);

	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (pkt = assay_buf_new(4 * 65536 + 64)) == NULL ||
	    (masked = assay_buf_new(4 * 65536 + 64)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	res->version = version;
	if ((r = build_connect(p, version, pkt, masked)) != 0)
		goto out;
	if (env != NULL && (r = assay_budget_acquire(env->budget, c.timeout_ms)) != 0)
		goto out;
	slot = env != NULL;
	c.deadline = assay_probe_now_ms() + c.timeout_ms;
	if (tcp_connect(&c, p->host, p->port) != 0)
		goto failed;
	assay_probe_note(env, c.channel, "connected; MQTT %s CONNECT %s credentials",
	    version == 5 ? "5" : "3.1.1", p->user ? "with" : "without");
	if (p->tls) {
		sigpipe_block(&oldmask, &sigpending_before);
		sigblocked = 1;
	}
	if (p->tls && (r = tls_start(&c, p->host, res)) != 0) {
		if (r < 0)
			goto out;
		goto failed;
	}
	if (conn_write(&c, assay_buf_data(pkt), assay_buf_len(pkt),
	    assay_buf_data(masked)) != 0)
		goto failed;
	if ((r = read_connack(&c, version, res)) != 0) {
		if (r < 0)
			goto out;
		goto failed;
	}
	if (res->code == 0 && p->subscribe != NULL &&
	    (r = subscribe(&c, p, version, res)) != 0)
		goto out;
	c.deadline = assay_probe_now_ms() + 200;
	if (res->code == 0)
		(void)conn_write(&c, disconnect, sizeof(disconnect), disconnect);
	r = 0;
	goto done;
 failed:
	assay_probe_note(env, c.channel, "%s", c.why);
	if ((res->failure = strdup(c.why)) == NULL)
		r = ASSAY_ERR_ALLOC;
	else
		r = 0;
 done:
	res->nread = c.nread;
 out:
	conn_close(&c);
	if (sigblocked)
		sigpipe_restore(&oldmask, sigpending_before);
	if (slot)
		assay_budget_release(env->budget);
	assay_buf_free(pkt);	/* wipes the password copy */
	assay_buf_free(masked);
	if (r != 0) {
		assay_probe_mqtt_result_free(res);
		return r;
	}
	*resp = res;
	return 0;
}

void
assay_probe_mqtt_result_free(struct assay_probe_mqtt_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nmsgs; i++) {
		free(r->msgs[i].topic);
		free(r->msgs[i].payload);
	}
	free(r->msgs);
	free(r->failure);
	free(r->tls_version);
	free(r->tls_cipher);
	free(r->tls_subject);
	free(r->tls_issuer);
	free(r->sub_error);
	free(r->sub_truncated);
	free(r);
}

const char *
assay_probe_mqtt_failure(const struct assay_probe_mqtt_result *r)
{
	return r->failure;
}

int
assay_probe_mqtt_accepted(const struct assay_probe_mqtt_result *r)
{
	return r->connack && r->code == 0;
}

int
assay_probe_mqtt_code(const struct assay_probe_mqtt_result *r)
{
	return r->connack ? r->code : -1;
}

const char *
assay_probe_mqtt_reason(const struct assay_probe_mqtt_result *r)
{
	if (!r->connack)
		return r->failure;
	return assay_probe_mqtt_code_name(r->version, r->code);
}

int
assay_probe_mqtt_session_present(const struct assay_probe_mqtt_result *r)
{
	return r->session_present;
}

size_t
assay_probe_mqtt_bytes_read(const struct assay_probe_mqtt_result *r)
{
	return r->nread;
}

int
assay_probe_mqtt_tls(const struct assay_probe_mqtt_result *r, const char **version,
    const char **cipher, const char **subject, const char **issuer)
{
	if (!r->tls_done)
		return 0;
	if (version != NULL)
		*version = r->tls_version;
	if (cipher != NULL)
		*cipher = r->tls_cipher;
	if (subject != NULL)
		*subject = r->tls_subject;
	if (issuer != NULL)
		*issuer = r->tls_issuer;
	return 1;
}

int
assay_probe_mqtt_subscription(const struct assay_probe_mqtt_result *r, int *granted,
    const char **error, const char **truncated)
{
	if (!r->subscribed)
		return 0;
	if (granted != NULL)
		*granted = r->granted;
	if (error != NULL)
		*error = r->sub_error;
	if (truncated != NULL)
		*truncated = r->sub_truncated;
	return 1;
}

size_t
assay_probe_mqtt_nmessages(const struct assay_probe_mqtt_result *r)
{
	return r->nmsgs;
}

int
assay_probe_mqtt_message(const struct assay_probe_mqtt_result *r, size_t i,
    const char **topic, size_t *topic_len, const char **payload,
    size_t *payload_len, int *retain)
{
	if (i >= r->nmsgs)
		return ASSAY_ERR_INVALID_ARG;
	if (topic != NULL)
		*topic = r->msgs[i].topic;
	if (topic_len != NULL)
		*topic_len = r->msgs[i].topic_len;
	if (payload != NULL)
		*payload = r->msgs[i].payload;
	if (payload_len != NULL)
		*payload_len = r->msgs[i].payload_len;
	if (retain != NULL)
		*retain = r->msgs[i].retain;
	return 0;
}

/* Lua binding (contract: probe/lua.h). */

static void
result_free(void *p)
{
	assay_probe_mqtt_result_free(p);
}

/*
 * mqtt_connect{host=, port=, tls=, user=, password=, client_id=, version=,
 * timeout_ms=, max_read=, subscribe=, listen_ms=, max_messages=}
 * -> result | nil, reason
 */
static int
l_mqtt_connect(lua_State *L)
{
	static const char *const known[] = { "host", "port", "tls", "user",
	    "password", "client_id", "version", "timeout_ms", "max_read",
	    "subscribe", "listen_ms", "max_messages", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_probe_mqtt_params p;
	struct assay_probe_mqtt_result *res = NULL, **box;
	const char *ver, *cipher, *subj, *iss, *err, *trunc, *topic, *pl;
	size_t i, tl, plen;
	int r, granted, retain;

	assay_lua_opts(L, "mqtt_connect", known);
	memset(&p, 0, sizeof(p));
	p.host = assay_lua_host(L, "mqtt_connect");
	p.tls = assay_lua_opt_bool(L, "mqtt_connect", "tls", 0);
	p.port = (int)assay_lua_opt_int(L, "mqtt_connect", "port", p.tls ? 8883 : 1883, 1, 65535);
	p.user = assay_lua_opt_str(L, "mqtt_connect", "user", NULL);
	p.password = assay_lua_opt_str(L, "mqtt_connect", "password", NULL);
	p.client_id = assay_lua_opt_str(L, "mqtt_connect", "client_id", NULL);
	p.version = (int)assay_lua_opt_int(L, "mqtt_connect", "version", 4, 4, 5);
	p.timeout_ms = assay_lua_timeout(L, "mqtt_connect");
	p.max_read = assay_lua_max_read(L, "mqtt_connect");
	p.subscribe = assay_lua_opt_str(L, "mqtt_connect", "subscribe", NULL);
	p.listen_ms = (int)assay_lua_opt_int(L, "mqtt_connect", "listen_ms", 0, 1, 60000);
	p.max_messages = (int)assay_lua_opt_int(L, "mqtt_connect", "max_messages", 0, 1, 100000);
	if (p.user != NULL && strlen(p.user) > 65535)
		return assay_lua_argerror(L, "mqtt_connect", "user longer than 65535 bytes");
	if (p.password != NULL && strlen(p.password) > 65535)
		return assay_lua_argerror(L, "mqtt_connect", "password longer than 65535 bytes");
	if (p.client_id != NULL && strlen(p.client_id) > 65535)
		return assay_lua_argerror(L, "mqtt_connect", "client_id longer than 65535 bytes");
	if (p.subscribe != NULL && (strlen(p.subscribe) > 65535 || *p.subscribe == '\0'))
		return assay_lua_argerror(L, "mqtt_connect", "subscribe must be 1..65535 bytes");

	box = (struct assay_probe_mqtt_result **)assay_lua_box(L, result_free);
	if ((r = assay_probe_mqtt_connect(env, &p, &res)) != 0)
		return assay_lua_harness_error(L, "mqtt_connect", r, p.timeout_ms);
	*box = res;
	if (assay_probe_mqtt_failure(res) != NULL)
		return assay_lua_fail(L, assay_probe_mqtt_failure(res));
	lua_createtable(L, 0, 8);
	lua_pushboolean(L, assay_probe_mqtt_accepted(res));
	lua_setfield(L, -2, "accepted");
	lua_pushinteger(L, assay_probe_mqtt_code(res));
	lua_setfield(L, -2, "code");
	lua_pushstring(L, assay_probe_mqtt_reason(res));
	lua_setfield(L, -2, "reason");
	lua_pushboolean(L, assay_probe_mqtt_session_present(res));
	lua_setfield(L, -2, "session_present");
	lua_pushinteger(L, p.version);
	lua_setfield(L, -2, "version");
	lua_pushinteger(L, (lua_Integer)assay_probe_mqtt_bytes_read(res));
	lua_setfield(L, -2, "bytes_read");
	if (assay_probe_mqtt_tls(res, &ver, &cipher, &subj, &iss)) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, ver);
		lua_setfield(L, -2, "version");
		lua_pushstring(L, cipher);
		lua_setfield(L, -2, "cipher");
		lua_pushstring(L, subj);
		lua_setfield(L, -2, "subject");
		lua_pushstring(L, iss);
		lua_setfield(L, -2, "issuer");
	} else
		lua_pushboolean(L, 0);
	lua_setfield(L, -2, "tls");
	if (assay_probe_mqtt_subscription(res, &granted, &err, &trunc)) {
		lua_createtable(L, 0, 5);
		lua_pushstring(L, p.subscribe);
		lua_setfield(L, -2, "filter");
		if (granted >= 0) {
			lua_pushinteger(L, granted);
			lua_setfield(L, -2, "granted");
		}
		if (err != NULL) {
			lua_pushstring(L, err);
			lua_setfield(L, -2, "error");
		}
		if (trunc != NULL) {
			lua_pushstring(L, trunc);
			lua_setfield(L, -2, "truncated");
		}
		lua_createtable(L, (int)assay_probe_mqtt_nmessages(res), 0);
		for (i = 0; i < assay_probe_mqtt_nmessages(res); i++) {
			assay_probe_mqtt_message(res, i, &topic, &tl, &pl, &plen, &retain);
			lua_createtable(L, 0, 3);
			lua_pushlstring(L, topic, tl);
			lua_setfield(L, -2, "topic");
			lua_pushlstring(L, pl, plen);
			lua_setfield(L, -2, "payload");
			lua_pushboolean(L, retain);
			lua_setfield(L, -2, "retain");
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, "messages");
		lua_setfield(L, -2, "subscription");
	}
	return 1;
}

void
assay_probe_mqtt_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_mqtt_connect);
	lua_setfield(L, -2, "mqtt_connect");
}
