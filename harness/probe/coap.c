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

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/probe.h"
#include "base/clock.h"
#include "probe/lua.h"
#include "probe/coap.h"
#include "probe/coap_codec.h"
#include "probe/conn.h"

#define WHY_LEN		256
#define DGRAM_MAX	65536
#define ACK_TIMEOUT_MS	2000	/* RFC 7252 4.8 */
#define MAX_PATH_LEN	ASSAY_COAP_MAX_PATH_LEN



struct assay_probe_coap_result {
	char			*failure;
	int			 got;		/* a response arrived */
	int			 cls, detail;
	char			 code[8];
	int			 content_format;
	struct assay_buf	*payload;
	char			*truncated;
	size_t			 nread;
	struct assay_coap_links	*links;
	int			 dtls_tried, dtls_offered, dtls_done;
	char			*dtls_version;
	char			*dtls_cipher;
	char			*dtls_error;
};

/* One exchange: the connection and what DTLS saw on it. */
struct conn {
	const struct assay_probe_env	*env;
	const struct assay_probe_coap_params *p;
	struct assay_conn		*cn;
	int				 rx_records;	/* DTLS records from the peer */
	int				 sent_finished;	/* our Finished went out */
	int				 nsent;
};

const char *
assay_probe_coap_code_name(int cls, int detail)
{
	return assay_coap_code_name(cls, detail);
}

/* Datagram send, plain or DTLS, counted: 0 or -1 with why. */
static int
xsend(struct conn *c, const void *p, size_t len)
{
	c->nsent++;
	return assay_conn_send_dgram(c->cn, p, len);
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
	assay_probe_note(c->env, assay_conn_channel(c->cn), "PSK identity \"%s\" offered (hint \"%s\")",
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
	SSL_CTX *ctx;
	SSL *ssl;
	char es[160];
	int r, e, fd = assay_conn_fd(c->cn);

	res->dtls_tried = 1;
	if ((ctx = SSL_CTX_new(DTLS_client_method())) == NULL)
		return ASSAY_ERR_CRYPTO;
	/* From here the connection owns ctx and ssl and frees them. */
	assay_conn_attach_ssl(c->cn, ctx, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0") != 1)
		return ASSAY_ERR_CRYPTO;
	if (c->p->psk_identity != NULL)
		SSL_CTX_set_psk_client_callback(ctx, psk_cb);
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	if ((ssl = SSL_new(ctx)) == NULL)
		return ASSAY_ERR_CRYPTO;
	assay_conn_attach_ssl(c->cn, ctx, ssl);
	SSL_set_app_data(ssl, c);
	if ((bio = BIO_new_dgram(fd, BIO_NOCLOSE)) == NULL)
		return ASSAY_ERR_CRYPTO;
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
		BIO_ctrl(bio, BIO_CTRL_DGRAM_SET_CONNECTED, 0, &ss);
	SSL_set_bio(ssl, bio, bio);
	ERR_clear_error();
	for (;;) {
		if ((r = SSL_connect(ssl)) == 1)
			break;
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if ((left = assay_conn_deadline(c->cn) - assay_clock_ms()) <= 0) {
				if (c->sent_finished)
					/* Bad records are dropped silently (RFC 6347 4.1.2.7). */
					assay_conn_setwhy(c->cn, "DTLS offered, handshake failed: no answer to "
					    "our Finished within %d ms (key not accepted?)",
					    assay_conn_timeout_ms(c->cn));
				else if (c->rx_records)
					assay_conn_setwhy(c->cn, "DTLS offered, handshake timed out after %d ms",
					    assay_conn_timeout_ms(c->cn));
				else
					assay_conn_setwhy(c->cn, "no DTLS reply within %d ms", assay_conn_timeout_ms(c->cn));
				break;
			}
			if (DTLSv1_get_timeout(ssl, &tv) == 1) {
				t = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
				if (t < left)
					left = t;
			}
			pfd.fd = fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, left < 1 ? 1 : (int)left) == 0)
				DTLSv1_handle_timeout(ssl);	/* retransmits */
			continue;
		}
		if (e == SSL_ERROR_SYSCALL && errno == ECONNREFUSED)
			assay_conn_setwhy(c->cn, "port unreachable (ICMP)");
		else {
			assay_ssl_error_text(es, sizeof(es));
			if (c->rx_records)
				assay_conn_setwhy(c->cn, "DTLS offered, handshake failed: %s", es);
			else
				assay_conn_setwhy(c->cn, "no DTLS: %s", es);
		}
		break;
	}
	res->dtls_offered = c->rx_records > 0;
	if (r != 1) {
		if ((res->dtls_error = strdup(assay_conn_why(c->cn))) == NULL)
			return ASSAY_ERR_ALLOC;
		assay_probe_note(c->env, assay_conn_channel(c->cn), "%s", assay_conn_why(c->cn));
		return 1;
	}
	res->dtls_done = 1;
	assay_conn_tls_done(c->cn);
	if ((res->dtls_version = strdup(SSL_get_version(ssl))) == NULL ||
	    (res->dtls_cipher = strdup(SSL_get_cipher_name(ssl))) == NULL)
		return ASSAY_ERR_ALLOC;
	assay_probe_note(c->env, assay_conn_channel(c->cn), "DTLS handshake done: %s %s",
	    res->dtls_version, res->dtls_cipher);
	return 0;
}

/*
 * One GET exchange (with Block2 follow-ups).  Returns 0 with the
 * response in res, 1 with an outcome in why, or an ASSAY_ERR_*.
 */
static int
exchange(struct conn *c, int method, const char *path,
    struct assay_probe_coap_result *res)
{
	struct assay_buf *req = NULL;
	unsigned char *dg = NULL, token[4];
	unsigned short mid;
	long long retx_at;
	unsigned long block = 0;
	unsigned int szx = 6;
	int retx_ms, acked, r, done = 0;
	long long deadline = assay_conn_deadline(c->cn);
	char ex[96], unrelated[ASSAY_CONN_WHY_MAX + 128];
	int nunrelated = 0, bad;
	struct assay_coap_msg m;
	char why[ASSAY_CONN_WHY_MAX];
	unsigned long next;
	unsigned int nszx;
	long n;
	unsigned char ack[4];

	if ((req = assay_buf_new(MAX_PATH_LEN +
	    ASSAY_COAP_MAX_REQUEST_PAYLOAD + 256)) == NULL ||
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
		if ((r = assay_coap_build_request(req, method, path, mid, token,
		    block, szx, block == 0 && c->p->has_content_format ?
		    c->p->content_format : -1, block == 0 ? c->p->payload : NULL,
		    block == 0 ? c->p->payload_len : 0)) != 0)
			goto out;
		if (xsend(c, assay_buf_data(req), assay_buf_len(req)) != 0) {
			r = 1;
			goto out;
		}
		retx_ms = ACK_TIMEOUT_MS;
		retx_at = assay_clock_ms() + retx_ms;
		acked = 0;
		for (;;) {
			n = assay_conn_recv_dgram(c->cn, dg, DGRAM_MAX,
			    acked || retx_at > deadline ? deadline : retx_at);
			if (n < 0) {
				r = 1;
				goto out;
			}
			if (n == 0) {
				if (assay_clock_ms() >= deadline) {
					if (nunrelated > 0)
						assay_conn_setwhy(c->cn, "no %smatching reply within %d ms "
						    "(%d request%s sent; %d unrelated datagram%s ignored, "
						    "the last: %s)", acked ? "response after empty ACK, no " : "",
						    assay_conn_timeout_ms(c->cn), c->nsent,
						    c->nsent == 1 ? "" : "s", nunrelated,
						    nunrelated == 1 ? "" : "s", unrelated);
					else
						assay_conn_setwhy(c->cn, "no %sreply within %d ms (%d request%s sent)",
						    acked ? "response after empty ACK, no " : "",
						    assay_conn_timeout_ms(c->cn), c->nsent, c->nsent == 1 ? "" : "s");
					r = 1;
					goto out;
				}
				/* Retransmit the same message (RFC 7252 4.2). */
				if (xsend(c, assay_buf_data(req), assay_buf_len(req)) != 0) {
					r = 1;
					goto out;
				}
				retx_ms *= 2;
				retx_at = assay_clock_ms() + retx_ms;
				continue;
			}
			/*
			 * A datagram that is not CoAP at all (garbage, a reserved
			 * code class, one cut at the read cap) is no answer either:
			 * over UDP anything may arrive, so it is ignored like an
			 * unrelated reply, and named if nothing else comes.
			 */
			bad = assay_coap_parse(dg, (size_t)n, &m, why,
			    sizeof(why)) != 0;
			if (bad || m.cls == 1 || m.cls >= 6) {
				assay_probe_excerpt(dg, (size_t)n, 8, 16, ex, sizeof(ex));
				if (assay_conn_capped(c->cn))
					snprintf(unrelated, sizeof(unrelated), "read cap "
					    "of %zu bytes reached inside a CoAP header",
					    assay_conn_max_read(c->cn));
				else if (bad)
					snprintf(unrelated, sizeof(unrelated), "%s", why);
				else
					snprintf(unrelated, sizeof(unrelated), "not CoAP: "
					    "reserved code class %d in %s", m.cls, ex);
				if (++nunrelated <= 3)
					assay_probe_note(c->env, assay_conn_channel(c->cn),
					    "ignored a datagram that is not CoAP (%s)",
					    unrelated);
				continue;
			}
			if (m.type == ASSAY_COAP_RST && m.mid == mid) {
				assay_conn_setwhy(c->cn, "CoAP reset (RST) by peer");
				r = 1;
				goto out;
			}
			if (m.type == ASSAY_COAP_ACK && m.mid == mid && m.cls == 0 &&
			    m.detail == 0) {
				acked = 1;	/* a separate response follows */
				continue;
			}
			/* A late duplicate ACK for an earlier block: skip it. */
			if (m.type == ASSAY_COAP_ACK && m.mid != mid && m.tkl == 4 &&
			    memcmp(m.token, token, 4) == 0 &&
			    (unsigned short)(mid - m.mid) <= block)
				continue;
			/*
			 * The socket is connected: this came from the peer, on a
			 * port it has never seen before, so it must answer us.
			 */
			/*
			 * Well-formed CoAP that is not the answer (another token
			 * or message id: a late reply, a notification) is
			 * ignored, as RFC 7252 5.3.2 has a client do; the
			 * deadline still bounds the wait, and its reason names
			 * what was ignored.
			 */
			if (m.cls < 2 || m.tkl != 4 || memcmp(m.token, token, 4) != 0 ||
			    (m.type == ASSAY_COAP_ACK && m.mid != mid) || m.type == ASSAY_COAP_RST) {
				assay_probe_excerpt(dg, (size_t)n, 8, 16, ex, sizeof(ex));
				snprintf(unrelated, sizeof(unrelated), "message id %u, "
				    "token length %d: %s", m.mid, m.tkl, ex);
				/* A storm of them leaves three notes and a count. */
				if (++nunrelated <= 3)
					assay_probe_note(c->env, assay_conn_channel(c->cn),
					    "ignored a datagram that does not match "
					    "the request (%s)", unrelated);
				continue;
			}
			if (m.type == ASSAY_COAP_CON) {
				assay_coap_build_ack(m.mid, ack);
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
		    assay_buf_truncated(res->payload)) || assay_conn_capped(c->cn)) {
			snprintf(ex, sizeof(ex), "read cap of %zu bytes reached", assay_conn_max_read(c->cn));
			if ((res->truncated = strdup(ex)) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			done = 1;
		}
		assay_probe_note(c->env, assay_conn_channel(c->cn), "response %s %s, %zu payload bytes%s",
		    res->code, assay_probe_coap_code_name(m.cls, m.detail),
		    m.payload_len, m.has_block2 && (m.block2 & 8) ? " (more blocks)" : "");
		/* Next block, under the same deadline: a slow drip can't stretch it. */
		if (!done && method == ASSAY_COAP_GET && m.has_block2 && m.cls == 2 &&
		    assay_coap_block2_next(m.block2, &next, &nszx)) {
			block = next;
			szx = nszx;
		} else
			done = 1;
	}
	r = 0;
 out:
	assay_buf_free(req);
	free(dg);
	return r;
}

static const char *
method_name(int method)
{
	return method == ASSAY_COAP_PUT ? "PUT" : method == ASSAY_COAP_POST ?
	    "POST" : "GET";
}

/* method 0: the DTLS handshake alone (dtls_probe). */
static int
run(const struct assay_probe_env *env, const struct assay_probe_coap_params *p,
    int method, struct assay_probe_coap_result **resp)
{
	struct assay_probe_coap_result *res = NULL;
	struct conn c;
	const char *path;
	char channel[320];
	size_t max_read;
	int r, timeout_ms, get = method != 0;

	memset(&c, 0, sizeof(c));
	if (resp != NULL)
		*resp = NULL;
	if (p == NULL || resp == NULL || p->host == NULL || p->port < 1 ||
	    p->port > 65535 || (p->psk_identity != NULL && p->psk_key_len == 0) ||
	    (p->psk_key_len > 0 && p->psk_key == NULL))
		return ASSAY_ERR_INVALID_ARG;
	path = p->path ? p->path : ASSAY_COAP_DEFAULT_PATH;
	if (strlen(path) > MAX_PATH_LEN ||
	    p->payload_len > ASSAY_COAP_MAX_REQUEST_PAYLOAD ||
	    (p->payload == NULL && p->payload_len > 0) ||
	    (p->has_content_format && (p->content_format < 0 ||
	    p->content_format > 65535)) ||
	    (method == ASSAY_COAP_GET && p->payload_len > 0))
		return ASSAY_ERR_INVALID_ARG;
	c.env = env;
	c.p = p;
	timeout_ms = p->timeout_ms > 0 ? p->timeout_ms :
	    (env && env->timeout_ms > 0 ? env->timeout_ms : ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	max_read = p->max_read > 0 ? p->max_read :
	    (env && env->max_read > 0 ? env->max_read : ASSAY_PROBE_DEFAULT_MAX_READ);
	snprintf(channel, sizeof(channel), "%s %s:%d", p->dtls || !get ? "coaps" : "coap",
	    p->host, p->port);
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (res->payload = assay_buf_new(max_read)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	res->content_format = -1;
	if ((r = assay_conn_open(env, p->host, (unsigned int)p->port, SOCK_DGRAM,
	    timeout_ms, max_read, channel, &c.cn)) != 0)
		goto out;
	if (!assay_conn_ok(c.cn))
		goto failed;
	if (p->dtls || !get) {
		if ((r = dtls_start(&c, res)) < 0)
			goto out;
		if (r == 1)
			goto failed;
	}
	if (get) {
		assay_probe_note(env, channel, "%s %s%s", method_name(method),
		    path, p->payload_len > 0 ? " with a payload" : "");
		if ((r = exchange(&c, method, path, res)) < 0)
			goto out;
		if (r == 1)
			goto failed;
		if (method == ASSAY_COAP_GET && res->cls == 2 &&
		    (res->content_format == 40 ||
		    strcmp(path, ASSAY_COAP_DEFAULT_PATH) == 0) &&
		    (r = assay_coap_links_parse(assay_buf_data(res->payload),
		    assay_buf_len(res->payload), &res->links)) != 0)
			goto out;
	}
	r = 0;
	goto done;
 failed:
	assay_probe_note(env, channel, "%s", assay_conn_why(c.cn));
	if ((res->failure = strdup(assay_conn_why(c.cn))) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	r = 0;
 done:
	res->nread = assay_conn_nread(c.cn);
 out:
	assay_conn_close(c.cn, 0);
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
	return run(env, p, ASSAY_COAP_GET, resp);
}

int
assay_probe_coap_request(const struct assay_probe_env *env,
    const struct assay_probe_coap_params *p, struct assay_probe_coap_result **resp)
{
	if (p == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if (p->method != 0 && p->method != ASSAY_COAP_GET &&
	    p->method != ASSAY_COAP_POST && p->method != ASSAY_COAP_PUT)
		return ASSAY_ERR_INVALID_ARG;
	return run(env, p, p->method ? p->method : ASSAY_COAP_GET, resp);
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
	if (r == NULL)
		return;
	assay_coap_links_free(r->links);
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
	return assay_coap_links_count(r->links);
}

const char *
assay_probe_coap_resource(const struct assay_probe_coap_result *r, size_t i,
    size_t *nattrs)
{
	return assay_coap_links_href(r->links, i, nattrs);
}

int
assay_probe_coap_resource_attr(const struct assay_probe_coap_result *r, size_t i,
    size_t j, const char **name, const char **value)
{
	return assay_coap_links_attr(r->links, i, j, name, value);
}

const char *
assay_probe_coap_link_error(const struct assay_probe_coap_result *r)
{
	return assay_coap_links_error(r->links);
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
 * coap_request{the same, method=, payload=, content_format=} -> the same;
 * dtls_probe{the same as coap_get without dtls} -> dtls table | nil, reason
 */
enum l_mode { L_DTLS, L_GET, L_REQUEST };

static int
l_common(lua_State *L, enum l_mode mode)
{
	static const char *const known_get[] = { "host", "port", "dtls",
	    "path", "psk_identity", "psk_key", "timeout_ms", "max_read", NULL };
	static const char *const known_req[] = { "host", "port", "dtls",
	    "path", "psk_identity", "psk_key", "timeout_ms", "max_read",
	    "method", "payload", "content_format", NULL };
	static const char *const known_dtls[] = { "host", "port", "path",
	    "psk_identity", "psk_key", "timeout_ms", "max_read", NULL };
	static const char *const methods[] = { "GET", "POST", "PUT", NULL };
	const char *fn = mode == L_GET ? "coap_get" : mode == L_REQUEST ?
	    "coap_request" : "dtls_probe";
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_probe_coap_params p;
	struct assay_probe_coap_result *res = NULL, **box;
	const char *pl, *href, *name = NULL, *value = NULL, *s;
	size_t i, j, n, na = 0, len;
	int r, cls = 0, detail = 0, get = mode != L_DTLS;

	assay_lua_opts(L, fn, mode == L_GET ? known_get : mode == L_REQUEST ?
	    known_req : known_dtls);
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
	if (mode == L_REQUEST) {
		s = assay_lua_req_str(L, fn, "method");
		for (i = 0; methods[i] != NULL; i++)
			if (strcmp(s, methods[i]) == 0)
				break;
		if (methods[i] == NULL)
			return assay_lua_argerror(L, fn, "method must be GET, "
			    "POST or PUT");
		p.method = i == 0 ? ASSAY_COAP_GET : i == 1 ? ASSAY_COAP_POST :
		    ASSAY_COAP_PUT;
		p.payload = assay_lua_opt_str(L, fn, "payload", &p.payload_len);
		if (p.payload_len > ASSAY_COAP_MAX_REQUEST_PAYLOAD ||
		    (p.method == ASSAY_COAP_GET && p.payload != NULL))
			return assay_lua_argerror(L, fn, "payload: at most %d "
			    "bytes, and none with GET",
			    ASSAY_COAP_MAX_REQUEST_PAYLOAD);
		lua_getfield(L, 1, "content_format");
		p.has_content_format = !lua_isnil(L, -1);
		lua_pop(L, 1);
		p.content_format = (int)assay_lua_opt_int(L, fn,
		    "content_format", 0, 0, 65535);
	}

	box = (struct assay_probe_coap_result **)assay_lua_box(L, result_free);
	r = mode == L_GET ? assay_probe_coap_get(env, &p, &res) :
	    mode == L_REQUEST ? assay_probe_coap_request(env, &p, &res) :
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
	return l_common(L, L_GET);
}

static int
l_coap_request(lua_State *L)
{
	return l_common(L, L_REQUEST);
}

static int
l_dtls_probe(lua_State *L)
{
	return l_common(L, L_DTLS);
}

void
assay_probe_coap_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_coap_get);
	lua_setfield(L, -2, "coap_get");
	lua_pushcfunction(L, l_coap_request);
	lua_setfield(L, -2, "coap_request");
	lua_pushcfunction(L, l_dtls_probe);
	lua_setfield(L, -2, "dtls_probe");
}
