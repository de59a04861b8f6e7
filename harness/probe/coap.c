/*
 * probe_coap.c - hand-written CoAP GET over UDP, optionally inside
 * OpenSSL's DTLS.
 *
 * One connected UDP socket, non-blocking; every wait is a poll() bounded
 * by the deadline and by the next retransmission.  Each datagram read is
 * counted against max_read; option lengths from the peer are checked
 * against the datagram before use.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/probe.h"
#include "probe/lua.h"
#include "probe/coap.h"

#define WHY_LEN		256
#define DGRAM_MAX	65536
#define ACK_TIMEOUT_MS	2000	/* RFC 7252 4.8 */
#define MAX_PATH_LEN	1024

#define COAP_CON	0
#define COAP_NON	1
#define COAP_ACK	2
#define COAP_RST	3

#define OPT_URI_PATH		11
#define OPT_CONTENT_FORMAT	12
#define OPT_BLOCK2		23

struct coap_attr {
	char	*name;
	char	*value;		/* NULL: flag */
};

struct coap_link {
	char			*href;
	struct coap_attr	*attrs;
	size_t			 nattrs;
};

struct assay_probe_coap_result {
	char			*failure;
	int			 got;		/* a response arrived */
	int			 cls, detail;
	char			 code[8];
	int			 content_format;
	struct assay_buf	*payload;
	char			*truncated;
	size_t			 nread;
	struct coap_link	*links;
	size_t			 nlinks;
	char			*link_error;
	int			 dtls_tried, dtls_offered, dtls_done;
	char			*dtls_version;
	char			*dtls_cipher;
	char			*dtls_error;
};

struct conn {
	const struct assay_probe_env	*env;
	const struct assay_probe_coap_params *p;
	int				 fd;
	SSL_CTX				*ctx;
	SSL				*ssl;
	int				 rx_records;	/* DTLS records from the peer */
	int				 sent_finished;	/* our Finished went out */
	char				 channel[320];
	size_t				 nread;
	size_t				 max_read;
	int				 timeout_ms;
	long long			 deadline;
	int				 nsent;
	int				 cut;		/* last datagram cut at the cap */
	char				 why[WHY_LEN];
};

/* A parsed CoAP message; pointers into the datagram. */
struct msg {
	int			 type, tkl, cls, detail;
	unsigned		 mid;
	const unsigned char	*token;
	int			 content_format;
	int			 has_block2;
	unsigned long		 block2;
	const unsigned char	*payload;
	size_t			 payload_len;
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

static const struct {
	int		 code;
	const char	*name;
} code_names[] = {
	{ 201, "Created" }, { 202, "Deleted" }, { 203, "Valid" },
	{ 204, "Changed" }, { 205, "Content" }, { 231, "Continue" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 402, "Bad Option" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 408, "Request Entity Incomplete" }, { 409, "Conflict" },
	{ 412, "Precondition Failed" }, { 413, "Request Entity Too Large" },
	{ 415, "Unsupported Content-Format" }, { 422, "Unprocessable Entity" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 502, "Bad Gateway" }, { 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" }, { 505, "Proxying Not Supported" },
};

const char *
assay_probe_coap_code_name(int cls, int detail)
{
	size_t i;

	for (i = 0; i < sizeof(code_names) / sizeof(code_names[0]); i++)
		if (code_names[i].code == cls * 100 + detail)
			return code_names[i].name;
	return "unknown code";
}

/*
 * Reads an option delta or length whose 4-bit field is nib, with its
 * extended bytes (RFC 7252 3.1).  Returns 0, or -1 when reserved (15) or
 * cut short.
 */
static int
opt_ext(const unsigned char *d, size_t len, size_t *off, unsigned nib, unsigned *v)
{
	if (nib < 13) {
		*v = nib;
		return 0;
	}
	if (nib == 13 && *off + 1 <= len) {
		*v = 13u + d[*off];
		*off += 1;
		return 0;
	}
	if (nib == 14 && *off + 2 <= len) {
		*v = 269u + (((unsigned)d[*off] << 8) | d[*off + 1]);
		*off += 2;
		return 0;
	}
	return -1;
}

/*
 * Parses a datagram.  Returns 0, or -1 with a "not CoAP: ..." reason in
 * why.  Option lengths are checked against the datagram.
 */
static int
parse_msg(const unsigned char *d, size_t len, struct msg *m, char *why, size_t wlen)
{
	size_t off, i;
	unsigned delta, olen, nib, onum = 0;
	unsigned long v;
	char ex[96];

	memset(m, 0, sizeof(*m));
	m->content_format = -1;
	assay_probe_excerpt(d, len, 8, 16, ex, sizeof(ex));
	if (len < 4) {
		snprintf(why, wlen, "not CoAP: %zu-byte datagram %s", len, ex);
		return -1;
	}
	if ((d[0] >> 6) != 1) {
		snprintf(why, wlen, "not CoAP: version %d in %s", d[0] >> 6, ex);
		return -1;
	}
	m->type = (d[0] >> 4) & 3;
	m->tkl = d[0] & 0x0f;
	m->cls = d[1] >> 5;
	m->detail = d[1] & 0x1f;
	m->mid = ((unsigned)d[2] << 8) | d[3];
	if (m->tkl > 8 || 4 + (size_t)m->tkl > len) {
		snprintf(why, wlen, "not CoAP: token length %d in %s", m->tkl, ex);
		return -1;
	}
	m->token = d + 4;
	off = 4 + (size_t)m->tkl;
	while (off < len && d[off] != 0xff) {
		nib = d[off++];
		if (opt_ext(d, len, &off, nib >> 4, &delta) != 0 ||
		    opt_ext(d, len, &off, nib & 0x0f, &olen) != 0)
			goto bad;
		if (olen > len - off)
			goto bad;
		onum += delta;
		if (onum == OPT_CONTENT_FORMAT || onum == OPT_BLOCK2) {
			if (olen > (onum == OPT_BLOCK2 ? 3u : 2u))
				goto bad;
			for (v = 0, i = 0; i < olen; i++)
				v = (v << 8) | d[off + i];
			if (onum == OPT_CONTENT_FORMAT)
				m->content_format = (int)v;
			else {
				m->has_block2 = 1;
				m->block2 = v;
			}
		}
		off += olen;
	}
	if (off < len) {
		off++;	/* the 0xff payload marker */
		if (off == len) {
			snprintf(why, wlen, "not CoAP: payload marker without payload");
			return -1;
		}
	}
	m->payload = d + off;
	m->payload_len = len - off;
	return 0;
 bad:
	snprintf(why, wlen, "not CoAP: bad option at byte %zu of %zu in %s", off, len, ex);
	return -1;
}

/* Option header (RFC 7252 3.1) for a delta and a length. */
static int
put_opt(struct assay_buf *b, unsigned delta, const void *val, size_t len)
{
	unsigned char h[5];
	size_t n = 1;
	unsigned dn, ln;

	if (len > 65535 + 269)
		return ASSAY_ERR_INVALID_ARG;
	dn = delta < 13 ? delta : (delta < 269 ? 13 : 14);
	ln = len < 13 ? (unsigned)len : (len < 269 ? 13 : 14);
	h[0] = (unsigned char)(dn << 4 | ln);
	if (dn == 13)
		h[n++] = (unsigned char)(delta - 13);
	else if (dn == 14) {
		h[n++] = (unsigned char)((delta - 269) >> 8);
		h[n++] = (unsigned char)(delta - 269);
	}
	if (ln == 13)
		h[n++] = (unsigned char)(len - 13);
	else if (ln == 14) {
		h[n++] = (unsigned char)((len - 269) >> 8);
		h[n++] = (unsigned char)(len - 269);
	}
	if (assay_buf_put(b, h, n) != 0)
		return ASSAY_ERR_TOO_BIG;
	return assay_buf_put(b, val, len);
}

static int
build_get(struct assay_buf *b, const char *path, unsigned mid,
    const unsigned char token[4], int block_num, int szx)
{
	unsigned char hdr[4 + 4], bv[3];
	const char *s, *e;
	unsigned last = 0;
	size_t n;
	unsigned long v;
	int r;

	hdr[0] = 0x40 | (COAP_CON << 4) | 4;
	hdr[1] = 0x01;	/* GET */
	hdr[2] = (unsigned char)(mid >> 8);
	hdr[3] = (unsigned char)mid;
	memcpy(hdr + 4, token, 4);
	if ((r = assay_buf_put(b, hdr, sizeof(hdr))) != 0)
		return r;
	for (s = path; *s != '\0'; s = e) {
		while (*s == '/')
			s++;
		if (*s == '\0')
			break;
		e = strchr(s, '/');
		if (e == NULL)
			e = s + strlen(s);
		if ((r = put_opt(b, OPT_URI_PATH - last, s, (size_t)(e - s))) != 0)
			return r;
		last = OPT_URI_PATH;
	}
	if (block_num > 0) {
		v = ((unsigned long)block_num << 4) | (unsigned long)szx;
		n = v < 256 ? 1 : (v < 65536 ? 2 : 3);
		bv[0] = (unsigned char)(v >> ((n - 1) * 8));
		bv[1] = (unsigned char)(v >> ((n > 1 ? n - 2 : 0) * 8));
		bv[2] = (unsigned char)v;
		if ((r = put_opt(b, OPT_BLOCK2 - last, bv, n)) != 0)
			return r;
	}
	return 0;
}

static int
udp_connect(struct conn *c, const char *host, int port)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, r, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
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
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		setwhy(c, "cannot open UDP socket to %s:%d: %s", host, port, strerror(err));
		return -1;
	}
	c->fd = fd;
	return 0;
}

/* Datagram send, plain or DTLS: 0 or -1 with why. */
static int
xsend(struct conn *c, const void *p, size_t len)
{
	ssize_t n;
	int e;

	assay_probe_record(c->env, c->channel, "sent", p, len);
	c->nsent++;
	if (c->ssl != NULL) {
		ERR_clear_error();
		n = SSL_write(c->ssl, p, (int)len);
		if (n > 0)
			return 0;
		e = SSL_get_error(c->ssl, (int)n);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
			return 0;	/* a lost datagram: retransmission covers it */
		if (e == SSL_ERROR_SYSCALL && errno == ECONNREFUSED)
			setwhy(c, "port unreachable (ICMP)");
		else
			setwhy(c, "DTLS connection closed by peer");
		return -1;
	}
	n = send(c->fd, p, len, 0);
	if (n >= 0 || errno == EAGAIN || errno == EINTR)
		return 0;
	if (errno == ECONNREFUSED)
		setwhy(c, "port unreachable (ICMP)");
	else
		setwhy(c, "send failed: %s", strerror(errno));
	return -1;
}

/*
 * Waits until until_ms for one datagram.  Returns its length (> 0),
 * 0 on timeout, -1 with why.
 */
static ssize_t
xrecv(struct conn *c, unsigned char *buf, size_t cap, long long until_ms)
{
	struct pollfd pfd;
	long long left;
	ssize_t n;
	int e;

	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_read(c->ssl, buf, (int)cap);
			if (n > 0)
				goto got;
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_ZERO_RETURN) {
				setwhy(c, "DTLS connection closed by peer after %zu bytes",
				    c->nread);
				return -1;
			}
			if (e == SSL_ERROR_SYSCALL && errno == ECONNREFUSED) {
				setwhy(c, "port unreachable (ICMP)");
				return -1;
			}
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
				setwhy(c, "DTLS error after %zu bytes", c->nread);
				return -1;
			}
		} else {
			n = recv(c->fd, buf, cap, MSG_TRUNC);
			if (n >= 0) {
				if ((size_t)n > cap)
					n = (ssize_t)cap;
				if (n > 0)
					goto got;
				continue;	/* empty datagram: ignore */
			}
			if (errno == ECONNREFUSED) {
				setwhy(c, "port unreachable (ICMP)");
				return -1;
			}
			if (errno != EAGAIN && errno != EINTR) {
				setwhy(c, "recv failed: %s", strerror(errno));
				return -1;
			}
		}
		if ((left = until_ms - assay_probe_now_ms()) <= 0)
			return 0;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, left > 60000 ? 60000 : (int)left) < 0 && errno != EINTR)
			return 0;
	}
 got:
	assay_probe_record(c->env, c->channel, "recv", buf, (size_t)n);
	if ((size_t)n > c->max_read - c->nread) {
		/* Keep what fits: options come first, so a cut reply may parse. */
		n = (ssize_t)(c->max_read - c->nread);
		c->cut = 1;
		if (n == 0) {
			setwhy(c, "read cap of %zu bytes reached", c->max_read);
			return -1;
		}
	}
	c->nread += (size_t)n;
	return n;
}

/* DTLS */

static unsigned int
psk_cb(SSL *ssl, const char *hint, char *identity, unsigned int max_identity_len,
    unsigned char *psk, unsigned int max_psk_len)
{
	struct conn *c = SSL_get_app_data(ssl);
	size_t il;

	if (c == NULL || c->p->psk_identity == NULL)
		return 0;
	il = strlen(c->p->psk_identity);
	if (il + 1 > max_identity_len || c->p->psk_key_len > max_psk_len)
		return 0;
	memcpy(identity, c->p->psk_identity, il + 1);
	memcpy(psk, c->p->psk_key, c->p->psk_key_len);
	assay_probe_note(c->env, c->channel, "PSK identity \"%s\" offered (hint \"%s\")",
	    c->p->psk_identity, hint ? hint : "");
	return (unsigned int)c->p->psk_key_len;
}

static void
msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
    SSL *ssl, void *arg)
{
	struct conn *c = SSL_get_app_data(ssl);

	if (c == NULL)
		return;
	if (!write_p && content_type == SSL3_RT_HEADER)
		c->rx_records++;
	if (write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
	    ((const unsigned char *)buf)[0] == SSL3_MT_FINISHED)
		c->sent_finished = 1;
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

/*
 * DTLS handshake.  Returns 0 done, 1 outcome in why (and res->dtls_*),
 * or an ASSAY_ERR_*.
 */
static int
dtls_start(struct conn *c, struct assay_probe_coap_result *res)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct timeval tv;
	struct pollfd pfd;
	BIO *bio;
	long long left, t;
	char es[160];
	int r, e;

	res->dtls_tried = 1;
	if ((c->ctx = SSL_CTX_new(DTLS_client_method())) == NULL)
		return ASSAY_ERR_CRYPTO;
	SSL_CTX_set_security_level(c->ctx, 0);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_set_cipher_list(c->ctx, "ALL:@SECLEVEL=0") != 1)
		return ASSAY_ERR_CRYPTO;
	if (c->p->psk_identity != NULL)
		SSL_CTX_set_psk_client_callback(c->ctx, psk_cb);
	SSL_CTX_set_msg_callback(c->ctx, msg_cb);
	if ((c->ssl = SSL_new(c->ctx)) == NULL)
		return ASSAY_ERR_CRYPTO;
	SSL_set_app_data(c->ssl, c);
	if ((bio = BIO_new_dgram(c->fd, BIO_NOCLOSE)) == NULL)
		return ASSAY_ERR_CRYPTO;
	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0)
		BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &ss);
	SSL_set_bio(c->ssl, bio, bio);
	ERR_clear_error();
	for (;;) {
		if ((r = SSL_connect(c->ssl)) == 1)
			break;
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if ((left = c->deadline - assay_probe_now_ms()) <= 0) {
				if (c->sent_finished)
					/* Bad records are dropped silently (RFC 6347 4.1.2.7). */
					setwhy(c, "DTLS offered, handshake failed: no answer to "
					    "our Finished within %d ms (key not accepted?)",
					    c->timeout_ms);
				else if (c->rx_records)
					setwhy(c, "DTLS offered, handshake timed out after %d ms",
					    c->timeout_ms);
				else
					setwhy(c, "no DTLS reply within %d ms", c->timeout_ms);
				break;
			}
			if (DTLSv1_get_timeout(c->ssl, &tv) == 1) {
				t = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
				if (t < left)
					left = t;
			}
			pfd.fd = c->fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, left < 1 ? 1 : (int)left) == 0)
				DTLSv1_handle_timeout(c->ssl);	/* retransmits */
			continue;
		}
		if (e == SSL_ERROR_SYSCALL && errno == ECONNREFUSED)
			setwhy(c, "port unreachable (ICMP)");
		else {
			ssl_errstr(es, sizeof(es));
			if (c->rx_records)
				setwhy(c, "DTLS offered, handshake failed: %s", es);
			else
				setwhy(c, "no DTLS: %s", es);
		}
		break;
	}
	res->dtls_offered = c->rx_records > 0;
	if (r != 1) {
		if ((res->dtls_error = strdup(c->why)) == NULL)
			return ASSAY_ERR_ALLOC;
		assay_probe_note(c->env, c->channel, "%s", c->why);
		return 1;
	}
	res->dtls_done = 1;
	if ((res->dtls_version = strdup(SSL_get_version(c->ssl))) == NULL ||
	    (res->dtls_cipher = strdup(SSL_get_cipher_name(c->ssl))) == NULL)
		return ASSAY_ERR_ALLOC;
	assay_probe_note(c->env, c->channel, "DTLS handshake done: %s %s",
	    res->dtls_version, res->dtls_cipher);
	return 0;
}

/* RFC 6690 link format */

static char *
dupn(const char *s, size_t n)
{
	char *p;

	if ((p = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int
link_err(struct assay_probe_coap_result *res, size_t off, const char *what)
{
	char m[128];

	snprintf(m, sizeof(m), "link format: %s at byte %zu", what, off);
	if ((res->link_error = strdup(m)) == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

/* Parses links into res; a malformed payload stops with link_error set. */
static int
parse_links(struct assay_probe_coap_result *res, const char *s, size_t len)
{
	struct coap_link *nl, *l;
	struct coap_attr *na, *a;
	size_t i = 0, st, vst, vlen, k;
	char *v;

	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
			i++;
		if (i == len)
			break;
		if (s[i] != '<')
			return link_err(res, i, "expected '<'");
		st = ++i;
		while (i < len && s[i] != '>')
			i++;
		if (i == len)
			return link_err(res, st, "unterminated '<'");
		if (res->nlinks >= ASSAY_COAP_MAX_RESOURCES)
			return link_err(res, st, "too many links");
		if ((nl = reallocarray(res->links, res->nlinks + 1, sizeof(*nl))) == NULL)
			return ASSAY_ERR_ALLOC;
		res->links = nl;
		l = &res->links[res->nlinks];
		memset(l, 0, sizeof(*l));
		if ((l->href = dupn(s + st, i - st)) == NULL)
			return ASSAY_ERR_ALLOC;
		res->nlinks++;
		i++;
		while (i < len && s[i] == ';') {
			st = ++i;
			while (i < len && s[i] != '=' && s[i] != ';' && s[i] != ',')
				i++;
			if (i == st)
				return link_err(res, st, "empty attribute name");
			if (l->nattrs >= ASSAY_COAP_MAX_ATTRS)
				return link_err(res, st, "too many attributes");
			if ((na = reallocarray(l->attrs, l->nattrs + 1, sizeof(*na))) == NULL)
				return ASSAY_ERR_ALLOC;
			l->attrs = na;
			a = &l->attrs[l->nattrs];
			memset(a, 0, sizeof(*a));
			if ((a->name = dupn(s + st, i - st)) == NULL)
				return ASSAY_ERR_ALLOC;
			l->nattrs++;
			if (i == len || s[i] != '=')
				continue;	/* flag */
			i++;
			if (i < len && s[i] == '"') {
				vst = ++i;
				while (i < len && s[i] != '"')
					i += s[i] == '\\' && i + 1 < len ? 2 : 1;
				if (i >= len)
					return link_err(res, vst, "unterminated quoted string");
				vlen = i - vst;
				i++;
			} else {
				vst = i;
				while (i < len && s[i] != ';' && s[i] != ',')
					i++;
				vlen = i - vst;
			}
			if ((v = malloc(vlen + 1)) == NULL)
				return ASSAY_ERR_ALLOC;
			for (k = 0; vlen > 0; vst++, vlen--) {
				if (s[vst] == '\\' && vlen > 1) {
					vst++;
					vlen--;
				}
				v[k++] = s[vst];
			}
			v[k] = '\0';
			a->value = v;
		}
		if (i < len && s[i] != ',')
			return link_err(res, i, "expected ',' or ';'");
		i++;
	}
	return 0;
}

/*
 * One GET exchange (with Block2 follow-ups).  Returns 0 with the
 * response in res, 1 with an outcome in why, or an ASSAY_ERR_*.
 */
static int
exchange(struct conn *c, const char *path, struct assay_probe_coap_result *res)
{
	struct assay_buf *req = NULL;
	unsigned char *dg = NULL, token[4];
	unsigned short mid;
	long long retx_at;
	int retx_ms, block = 0, szx = 6, acked, r, done = 0;
	char ex[96];
	struct msg m;
	ssize_t n;
	unsigned char ack[4];

	if ((req = assay_buf_new(MAX_PATH_LEN + 256)) == NULL ||
	    (dg = malloc(DGRAM_MAX)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if (RAND_bytes(token, sizeof(token)) != 1 ||
	    RAND_bytes((unsigned char *)&mid, sizeof(mid)) != 1) {
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	while (!done) {
		assay_buf_reset(req);
		mid++;
		if ((r = build_get(req, path, mid, token, block, szx)) != 0)
			goto out;
		if (xsend(c, assay_buf_data(req), assay_buf_len(req)) != 0) {
			r = 1;
			goto out;
		}
		retx_ms = ACK_TIMEOUT_MS;
		retx_at = assay_probe_now_ms() + retx_ms;
		acked = 0;
		for (;;) {
			n = xrecv(c, dg, DGRAM_MAX, acked || retx_at > c->deadline ?
			    c->deadline : retx_at);
			if (n < 0) {
				r = 1;
				goto out;
			}
			if (n == 0) {
				if (assay_probe_now_ms() >= c->deadline) {
					setwhy(c, "no %sreply within %d ms (%d request%s sent)",
					    acked ? "response after empty ACK, no " : "",
					    c->timeout_ms, c->nsent, c->nsent == 1 ? "" : "s");
					r = 1;
					goto out;
				}
				/* Retransmit the same message (RFC 7252 4.2). */
				if (xsend(c, assay_buf_data(req), assay_buf_len(req)) != 0) {
					r = 1;
					goto out;
				}
				retx_ms *= 2;
				retx_at = assay_probe_now_ms() + retx_ms;
				continue;
			}
			if (parse_msg(dg, (size_t)n, &m, c->why, sizeof(c->why)) != 0) {
				if (c->cut)
					setwhy(c, "read cap of %zu bytes reached inside a "
					    "CoAP header", c->max_read);
				r = 1;
				goto out;
			}
			if (m.cls == 1 || m.cls >= 6) {
				assay_probe_excerpt(dg, (size_t)n, 8, 16, ex, sizeof(ex));
				setwhy(c, "not CoAP: reserved code class %d in %s", m.cls, ex);
				r = 1;
				goto out;
			}
			if (m.type == COAP_RST && m.mid == mid) {
				setwhy(c, "CoAP reset (RST) by peer");
				r = 1;
				goto out;
			}
			if (m.type == COAP_ACK && m.mid == mid && m.cls == 0 &&
			    m.detail == 0) {
				acked = 1;	/* a separate response follows */
				continue;
			}
			/* A late duplicate ACK for an earlier block: skip it. */
			if (m.type == COAP_ACK && m.mid != mid && m.tkl == 4 &&
			    memcmp(m.token, token, 4) == 0 &&
			    (unsigned short)(mid - m.mid) <= (unsigned)block)
				continue;
			/*
			 * The socket is connected: this came from the peer, on a
			 * port it has never seen before, so it must answer us.
			 */
			if (m.cls < 2 || m.tkl != 4 || memcmp(m.token, token, 4) != 0 ||
			    (m.type == COAP_ACK && m.mid != mid) || m.type == COAP_RST) {
				assay_probe_excerpt(dg, (size_t)n, 8, 16, ex, sizeof(ex));
				setwhy(c, "not CoAP: reply does not match the request "
				    "(message id %u, token length %d): %s", m.mid, m.tkl, ex);
				r = 1;
				goto out;
			}
			if (m.type == COAP_CON) {
				ack[0] = 0x40 | (COAP_ACK << 4);
				ack[1] = 0;
				ack[2] = (unsigned char)(m.mid >> 8);
				ack[3] = (unsigned char)m.mid;
				(void)xsend(c, ack, sizeof(ack));
			}
			break;
		}
		res->got = 1;
		res->cls = m.cls;
		res->detail = m.detail;
		snprintf(res->code, sizeof(res->code), "%d.%02d", m.cls, m.detail);
		if (block == 0)
			res->content_format = m.content_format;
		if ((assay_buf_put(res->payload, m.payload, m.payload_len) != 0 &&
		    assay_buf_truncated(res->payload)) || c->cut) {
			snprintf(ex, sizeof(ex), "read cap of %zu bytes reached", c->max_read);
			if ((res->truncated = strdup(ex)) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			done = 1;
		}
		assay_probe_note(c->env, c->channel, "response %s %s, %zu payload bytes%s",
		    res->code, assay_probe_coap_code_name(m.cls, m.detail),
		    m.payload_len, m.has_block2 && (m.block2 & 8) ? " (more blocks)" : "");
		/* Next block, under the same deadline: a slow drip can't stretch it. */
		if (!done && m.has_block2 && (m.block2 & 8) && m.cls == 2 &&
		    (m.block2 >> 4) < 0xfffff) {
			block = (int)(m.block2 >> 4) + 1;
			szx = (int)(m.block2 & 7);
			if (szx == 7)
				szx = 6;
		} else
			done = 1;
	}
	r = 0;
 out:
	assay_buf_free(req);
	free(dg);
	return r;
}

static int
run(const struct assay_probe_env *env, const struct assay_probe_coap_params *p,
    int get, struct assay_probe_coap_result **resp)
{
	struct assay_probe_coap_result *res = NULL;
	struct conn c;
	const char *path;
	int r, slot = 0;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	if (resp != NULL)
		*resp = NULL;
	if (p == NULL || resp == NULL || p->host == NULL || p->port < 1 ||
	    p->port > 65535 || (p->psk_identity != NULL && p->psk_key_len == 0) ||
	    (p->psk_key_len > 0 && p->psk_key == NULL))
		return ASSAY_ERR_INVALID_ARG;
	path = p->path ? p->path : ASSAY_COAP_DEFAULT_PATH;
	if (strlen(path) > MAX_PATH_LEN)
		return ASSAY_ERR_INVALID_ARG;
	c.env = env;
	c.p = p;
	c.timeout_ms = p->timeout_ms > 0 ? p->timeout_ms :
	    (env && env->timeout_ms > 0 ? env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	c.max_read = p->max_read > 0 ? p->max_read :
	    (env && env->max_read > 0 ? env->max_read : ASSAY_PROBE_DEFAULT_MAX_READ);
	snprintf(c.channel, sizeof(c.channel), "%s %s:%d", p->dtls || !get ? "coaps" : "coap",
	    p->host, p->port);
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (res->payload = assay_buf_new(c.max_read)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	res->content_format = -1;
	if (env != NULL && (r = assay_budget_acquire(env->budget, c.timeout_ms)) != 0)
		goto out;
	slot = env != NULL;
	c.deadline = assay_probe_now_ms() + c.timeout_ms;
	if (udp_connect(&c, p->host, p->port) != 0)
		goto failed;
	if (p->dtls || !get) {
		if ((r = dtls_start(&c, res)) < 0)
			goto out;
		if (r == 1)
			goto failed;
	}
	if (get) {
		assay_probe_note(env, c.channel, "GET %s", path);
		if ((r = exchange(&c, path, res)) < 0)
			goto out;
		if (r == 1)
			goto failed;
		if (res->cls == 2 && (res->content_format == 40 ||
		    strcmp(path, ASSAY_COAP_DEFAULT_PATH) == 0) &&
		    (r = parse_links(res, assay_buf_data(res->payload),
		    assay_buf_len(res->payload))) != 0)
			goto out;
	}
	r = 0;
	goto done;
 failed:
	assay_probe_note(env, c.channel, "%s", c.why);
	if ((res->failure = strdup(c.why)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	r = 0;
 done:
	res->nread = c.nread;
 out:
	if (c.ssl != NULL) {
		if (res != NULL && res->dtls_done)
			SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	SSL_CTX_free(c.ctx);
	if (c.fd != -1)
		close(c.fd);
	if (slot)
		assay_budget_release(env->budget);
	if (r != 0) {
		assay_probe_coap_result_free(res);
		return r;
	}
	*resp = res;
	return 0;
}

int
assay_probe_coap_get(const struct assay_probe_env *env,
    const struct assay_probe_coap_params *p, struct assay_probe_coap_result **resp)
{
	return run(env, p, 1, resp);
}

int
assay_probe_coap_dtls_probe(const struct assay_probe_env *env,
    const struct assay_probe_coap_params *p, struct assay_probe_coap_result **resp)
{
	return run(env, p, 0, resp);
}

void
assay_probe_coap_result_free(struct assay_probe_coap_result *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nlinks; i++) {
		for (j = 0; j < r->links[i].nattrs; j++) {
			free(r->links[i].attrs[j].name);
			free(r->links[i].attrs[j].value);
		}
		free(r->links[i].attrs);
		free(r->links[i].href);
	}
	free(r->links);
	free(r->link_error);
	assay_buf_free(r->payload);
	free(r->failure);
	free(r->truncated);
	free(r->dtls_version);
	free(r->dtls_cipher);
	free(r->dtls_error);
	free(r);
}

const char *
assay_probe_coap_failure(const struct assay_probe_coap_result *r)
{
	return r->failure;
}

const char *
assay_probe_coap_code(const struct assay_probe_coap_result *r, int *cls, int *detail)
{
	if (!r->got)
		return NULL;
	if (cls != NULL)
		*cls = r->cls;
	if (detail != NULL)
		*detail = r->detail;
	return r->code;
}

const char *
assay_probe_coap_payload(const struct assay_probe_coap_result *r, size_t *len)
{
	if (len != NULL)
		*len = assay_buf_len(r->payload);
	return assay_buf_data(r->payload);
}

int
assay_probe_coap_content_format(const struct assay_probe_coap_result *r)
{
	return r->content_format;
}

const char *
assay_probe_coap_truncated(const struct assay_probe_coap_result *r)
{
	return r->truncated;
}

size_t
assay_probe_coap_bytes_read(const struct assay_probe_coap_result *r)
{
	return r->nread;
}

size_t
assay_probe_coap_nresources(const struct assay_probe_coap_result *r)
{
	return r->nlinks;
}

const char *
assay_probe_coap_resource(const struct assay_probe_coap_result *r, size_t i,
    size_t *nattrs)
{
	if (i >= r->nlinks)
		return NULL;
	if (nattrs != NULL)
		*nattrs = r->links[i].nattrs;
	return r->links[i].href;
}

int
assay_probe_coap_resource_attr(const struct assay_probe_coap_result *r, size_t i,
    size_t j, const char **name, const char **value)
{
	if (i >= r->nlinks || j >= r->links[i].nattrs)
		return ASSAY_ERR_INVALID_ARG;
	if (name != NULL)
		*name = r->links[i].attrs[j].name;
	if (value != NULL)
		*value = r->links[i].attrs[j].value;
	return 0;
}

const char *
assay_probe_coap_link_error(const struct assay_probe_coap_result *r)
{
	return r->link_error;
}

int
assay_probe_coap_dtls(const struct assay_probe_coap_result *r, int *offered,
    int *done, const char **version, const char **cipher, const char **error)
{
	if (!r->dtls_tried)
		return 0;
	if (offered != NULL)
		*offered = r->dtls_offered;
	if (done != NULL)
		*done = r->dtls_done;
	if (version != NULL)
		*version = r->dtls_version;
	if (cipher != NULL)
		*cipher = r->dtls_cipher;
	if (error != NULL)
		*error = r->dtls_error;
	return 1;
}

/* Lua binding (contract: probe/lua.h). */

static void
result_free(void *p)
{
	assay_probe_coap_result_free(p);
}

static void
push_dtls(lua_State *L, const struct assay_probe_coap_result *res)
{
	const char *ver, *cipher, *err;
	int offered, done;

	if (!assay_probe_coap_dtls(res, &offered, &done, &ver, &cipher, &err)) {
		lua_pushboolean(L, 0);
		return;
	}
	lua_createtable(L, 0, 5);
	lua_pushboolean(L, offered);
	lua_setfield(L, -2, "offered");
	lua_pushboolean(L, done);
	lua_setfield(L, -2, "handshake");
	if (ver != NULL) {
		lua_pushstring(L, ver);
		lua_setfield(L, -2, "version");
	}
	if (cipher != NULL) {
		lua_pushstring(L, cipher);
		lua_setfield(L, -2, "cipher");
	}
	if (err != NULL) {
		lua_pushstring(L, err);
		lua_setfield(L, -2, "error");
	}
}

/*
 * coap_get{host=, port=, dtls=, path=, psk_identity=, psk_key=,
 * timeout_ms=, max_read=} -> response | nil, reason;
 * dtls_probe{the same without dtls} -> dtls table | nil, reason
 */
static int
l_common(lua_State *L, int get)
{
	static const char *const known_get[] = { "host", "port", "dtls",
	    "path", "psk_identity", "psk_key", "timeout_ms", "max_read", NULL };
	static const char *const known_dtls[] = { "host", "port", "path",
	    "psk_identity", "psk_key", "timeout_ms", "max_read", NULL };
	const char *fn = get ? "coap_get" : "dtls_probe";
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *res = NULL, **box;
	const char *pl, *href, *name = NULL, *value = NULL, *s;
	size_t i, j, n, na = 0, len;
	int r, cls = 0, detail = 0;

	assay_lua_opts(L, fn, get ? known_get : known_dtls);
	memset(&p, 0, sizeof(p));
	p.host = assay_lua_host(L, fn);
	p.dtls = !get || assay_lua_opt_bool(L, fn, "dtls", 0);
	p.port = (int)assay_lua_opt_int(L, fn, "port", p.dtls ? 5684 : 5683, 1, 65535);
	p.path = assay_lua_opt_str(L, fn, "path", &len);
	if (p.path != NULL && (len > MAX_PATH_LEN || strlen(p.path) != len))
		return assay_lua_argerror(L, fn, "path must be at most %d bytes, "
		    "no NUL", MAX_PATH_LEN);
	p.psk_identity = assay_lua_opt_str(L, fn, "psk_identity", NULL);
	p.psk_key = (const unsigned char *)assay_lua_opt_str(L, fn, "psk_key", &p.psk_key_len);
	if ((p.psk_identity == NULL) != (p.psk_key == NULL) ||
	    (p.psk_key != NULL && (p.psk_key_len == 0 || p.psk_key_len > 256)))
		return assay_lua_argerror(L, fn, "psk_identity and psk_key "
		    "(1..256 bytes) go together");
	p.timeout_ms = assay_lua_timeout(L, fn);
	p.max_read = assay_lua_max_read(L, fn);

	box = (struct assay_probe_coap_result **)assay_lua_box(L, result_free);
	r = get ? assay_probe_coap_get(env, &p, &res) :
	    assay_probe_coap_dtls_probe(env, &p, &res);
	if (r != 0)
		return assay_lua_harness_error(L, fn, r, p.timeout_ms);
	*box = res;
	if (!get) {
		/* dtls_probe: every handshake outcome is an answer. */
		if (!res->dtls_tried)
			return assay_lua_fail(L, res->failure ? res->failure :
			    "no DTLS attempt");
		push_dtls(L, res);
		return 1;
	}
	if ((s = assay_probe_coap_failure(res)) != NULL)
		return assay_lua_fail(L, s);
	lua_createtable(L, 0, 10);
	s = assay_probe_coap_code(res, &cls, &detail);
	lua_pushstring(L, s);
	lua_setfield(L, -2, "code");
	lua_pushinteger(L, cls);
	lua_setfield(L, -2, "class");
	lua_pushinteger(L, detail);
	lua_setfield(L, -2, "detail");
	lua_pushstring(L, assay_probe_coap_code_name(cls, detail));
	lua_setfield(L, -2, "name");
	pl = assay_probe_coap_payload(res, &len);
	lua_pushlstring(L, pl, len);
	lua_setfield(L, -2, "payload");
	if (assay_probe_coap_content_format(res) >= 0) {
		lua_pushinteger(L, assay_probe_coap_content_format(res));
		lua_setfield(L, -2, "content_format");
	}
	if ((s = assay_probe_coap_truncated(res)) != NULL) {
		lua_pushstring(L, s);
		lua_setfield(L, -2, "truncated");
	}
	if ((s = assay_probe_coap_link_error(res)) != NULL) {
		lua_pushstring(L, s);
		lua_setfield(L, -2, "link_error");
	}
	lua_pushinteger(L, (lua_Integer)assay_probe_coap_bytes_read(res));
	lua_setfield(L, -2, "bytes_read");
	n = assay_probe_coap_nresources(res);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		href = assay_probe_coap_resource(res, i, &na);
		lua_createtable(L, 0, (int)na + 1);
		for (j = 0; j < na; j++) {
			assay_probe_coap_resource_attr(res, i, j, &name, &value);
			if (value != NULL)
				lua_pushstring(L, value);
			else
				lua_pushboolean(L, 1);
			lua_setfield(L, -2, name);
		}
		lua_pushstring(L, href);	/* last: an attribute can't hide it */
		lua_setfield(L, -2, "href");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "resources");
	push_dtls(L, res);
	lua_setfield(L, -2, "dtls");
	return 1;
}

static int
l_coap_get(lua_State *L)
{
	return l_common(L, 1);
}

static int
l_dtls_probe(lua_State *L)
{
	return l_common(L, 0);
}

void
assay_probe_coap_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_coap_get);
	lua_setfield(L, -2, "coap_get");
	lua_pushcfunction(L, l_dtls_probe);
	lua_setfield(L, -2, "dtls_probe");
}
