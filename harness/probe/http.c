/*
 * probe_http.c - HTTP(S) requests with libcurl.
 *
 * Redirects are followed by this code, not by curl, so every hop goes
 * through the budget, the chain is reported hop by hop, and a loop ends
 * at max_redirects with the last 3xx as the answer.  Body and headers go
 * into capped buffers; reaching the body cap ends the transfer and marks
 * the response truncated, reaching the header cap is a network failure
 * ("response headers exceed 65536 bytes").
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <lua.h>
#include <lauxlib.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/hash.h"
#include "probe/probe.h"
#include "probe/conn.h"
#include "probe/lua.h"
#include "probe/http.h"

struct assay_http_response {
	long		 status;
	struct assay_buf *headers;
	struct assay_buf *body;
	int		 truncated;
	int		 header_overflow;
	char		*redirects[ASSAY_HTTP_MAX_REDIRECTS];
	int		 nredirects;
	int		 limited;
	char		*refused;	/* "redirect to ... refused: ..." */
	int		 tls;
	long		 verify_result;
};

/*
 * The device: the host of the first URL and the addresses it resolved
 * to once.  Every hop must stay on it, and every connection is pinned to
 * those addresses (CURLOPT_RESOLVE), so neither a redirect nor a second
 * name lookup can make the probe talk to another machine.
 */
#define DEVICE_MAX_ADDRS	8

struct device {
	char	host[256];	/* lowercased, IPv6 without brackets */
	int	literal;	/* host is an address */
	char	addr[DEVICE_MAX_ADDRS][INET6_ADDRSTRLEN];
	int	naddr;
};

struct xfer {
	const struct assay_probe_env	*env;
	struct assay_http_response	*resp;
	const char			*channel;
};

/*
 * With verification off curl reports no verify result, so a verify
 * callback that never fails keeps the first error for the report.  It
 * runs in the thread doing the transfer: a thread-local slot carries it.
 */
static _Thread_local long *verify_slot;

static int
on_verify(int ok, X509_STORE_CTX *ctx)
{
	if (!ok && verify_slot != NULL && *verify_slot == 0)
		*verify_slot = X509_STORE_CTX_get_error(ctx);
	return 1;
}

static CURLcode
on_ssl_ctx(CURL *h, void *sslctx, void *arg)
{
	const int *verify = arg;

	if (!*verify)
		SSL_CTX_set_verify(sslctx, SSL_VERIFY_PEER, on_verify);
	return CURLE_OK;
}

static size_t
on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	if (assay_buf_put(x->resp->body, p, len) != 0) {
		x->resp->truncated = 1;
		return 0;	/* ends the transfer: CURLE_WRITE_ERROR */
	}
	return len;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	/* A new status line (100 Continue, auth round) starts afresh. */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		assay_buf_reset(x->resp->headers);
	if (assay_buf_put(x->resp->headers, p, len) != 0) {
		x->resp->header_overflow = 1;
		return 0;
	}
	return len;
}

static int
on_debug(CURL *h, curl_infotype type, char *p, size_t len, void *arg)
{
	struct xfer *x = arg;

	switch (type) {
	case CURLINFO_HEADER_OUT:
	case CURLINFO_DATA_OUT:
		assay_probe_record(x->env, x->channel, "sent", p, len);
		break;
	case CURLINFO_HEADER_IN:
	case CURLINFO_DATA_IN:
		assay_probe_record(x->env, x->channel, "recv", p, len);
		break;
	case CURLINFO_TEXT:
		assay_probe_note(x->env, x->channel, "%.*s",
		    (int)(len > 0 && p[len - 1] == '\n' ? len - 1 : len), p);
		break;
	default:
		break;
	}
	return 0;
}

void
assay_http_response_free(struct assay_http_response *r)
{
	int i;

	if (r == NULL)
		return;
	assay_buf_free(r->headers);
	assay_buf_free(r->body);
	for (i = 0; i < r->nredirects; i++)
		free(r->redirects[i]);
	free(r->refused);
	free(r);
}

/*
 * Splits url into lowercased scheme, host (IPv6 without brackets) and
 * port (the scheme's default when absent).  Returns 0, or -1 when curl's
 * URL parser rejects it.
 */
static int
url_parts(const char *url, char *scheme, size_t slen, char *host,
    size_t hlen, long *port)
{
	CURLU *u;
	char *sc = NULL, *ho = NULL, *po = NULL, *p;
	size_t n;
	int r = -1;

	if ((u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &sc, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &ho, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_PORT, &po, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK)
		po = NULL;
	snprintf(scheme, slen, "%s", sc);
	p = ho;
	n = strlen(p);
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']') {
		p++;
		n -= 2;
	}
	if (n >= hlen)
		goto out;
	memcpy(host, p, n);
	host[n] = '\0';
	for (p = host; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	for (p = scheme; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	*port = po != NULL ? strtol(po, NULL, 10) : 0;
	r = 0;
out:
	curl_free(sc);
	curl_free(ho);
	curl_free(po);
	curl_url_cleanup(u);
	return r;
}

/* Resolves the first URL's host once.  0, or -1 with err set. */
static int
device_init(struct device *d, const char *url, char *err, size_t err_len)
{
	struct addrinfo hints, *res = NULL, *ai;
	char scheme[16], a[INET6_ADDRSTRLEN];
	long port;
	int e, i, dup;

	memset(d, 0, sizeof(*d));
	if (url_parts(url, scheme, sizeof(scheme), d->host, sizeof(d->host),
	    &port) != 0 || d->host[0] == '\0') {
		snprintf(err, err_len, "bad URL: %.80s", url);
		return -1;
	}
	if ((d->literal = assay_host_is_address(d->host))) {
		snprintf(d->addr[0], sizeof(d->addr[0]), "%.45s", d->host);
		d->naddr = 1;
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(d->host, NULL, &hints, &res)) != 0) {
		snprintf(err, err_len, "cannot resolve host \"%.80s\": %s",
		    d->host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL && d->naddr < DEVICE_MAX_ADDRS;
	    ai = ai->ai_next) {
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof(a), NULL,
		    0, NI_NUMERICHOST) != 0)
			continue;
		for (i = 0, dup = 0; i < d->naddr; i++)
			dup |= strcmp(d->addr[i], a) == 0;
		if (!dup)
			snprintf(d->addr[d->naddr++], sizeof(d->addr[0]), "%s",
			    a);
	}
	freeaddrinfo(res);
	if (d->naddr == 0) {
		snprintf(err, err_len, "cannot resolve host \"%.80s\": no "
		    "address", d->host);
		return -1;
	}
	return 0;
}

/*
 * Whether url stays on the device: http or https, and the same host
 * name or one of its addresses.  0 yes; -1 no, with why set.
 */
static int
device_check(const struct device *d, const char *url, char *why,
    size_t why_len)
{
	char scheme[32], host[256];
	long port;
	int i;

	if (url_parts(url, scheme, sizeof(scheme), host, sizeof(host),
	    &port) != 0) {
		snprintf(why, why_len, "unparsable URL");
		return -1;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		snprintf(why, why_len, "scheme %s is not http or https",
		    scheme);
		return -1;
	}
	if (strcmp(host, d->host) == 0)
		return 0;
	for (i = 0; assay_host_is_address(host) && i < d->naddr; i++)
		if (strcmp(host, d->addr[i]) == 0)
			return 0;
	snprintf(why, why_len, "off the device");
	return -1;
}

/*
 * The CURLOPT_RESOLVE entry pinning url's host name to the device's
 * addresses ("name:port:addr,[v6addr]"); NULL for an address URL.
 */
static struct curl_slist *
device_pin(const struct device *d, const char *url, int *failed)
{
	struct curl_slist *sl;
	char scheme[32], host[256], entry[600];
	size_t o;
	long port;
	int i;

	*failed = 0;
	if (url_parts(url, scheme, sizeof(scheme), host, sizeof(host),
	    &port) != 0 || assay_host_is_address(host))
		return NULL;
	o = (size_t)snprintf(entry, sizeof(entry), "%s:%ld:", host, port);
	for (i = 0; i < d->naddr && o < sizeof(entry); i++)
		o += (size_t)snprintf(entry + o, sizeof(entry) - o,
		    strchr(d->addr[i], ':') != NULL ? "%s[%s]" : "%s%s",
		    i > 0 ? "," : "", d->addr[i]);
	if ((sl = curl_slist_append(NULL, entry)) == NULL)
		*failed = 1;
	return sl;
}

/* Turns a curl failure into the value a test case sees. */
/*
 * Tells the budget of trouble libcurl met: a connect that timed out or
 * found no route (a timeout), or a reset of the established connection (a
 * reset).  Answers are not told: libcurl's connect time runs from the
 * start of the transfer and counts its own scheduling, which on a busy lab
 * machine is late by the budget's measure though the device answered at
 * once, and every late answer would halve the rate.  A name that does not
 * resolve, or a failure of ours, says nothing.
 */
static void
curl_feedback(struct assay_budget *b, CURL *h, CURLcode cc,
    const char *errbuf)
{
	curl_off_t conn_us = 0, total_us = 0;
	long oe = 0;

	if (b == NULL || cc == CURLE_OK)
		return;
	(void)curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &conn_us);
	(void)curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total_us);
	(void)curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oe);
	if (conn_us > 0 && (cc == CURLE_RECV_ERROR ||
	    cc == CURLE_SEND_ERROR) && (oe == ECONNRESET ||
	    strstr(errbuf, "reset by peer") != NULL))
		assay_budget_feedback(b, ASSAY_BUDGET_RESET,
		    (long long)total_us * 1000);
	else if (conn_us == 0 && ((cc == CURLE_COULDNT_CONNECT &&
	    oe != ECONNREFUSED) || cc == CURLE_OPERATION_TIMEDOUT))
		assay_budget_feedback(b, ASSAY_BUDGET_TIMEOUT,
		    (long long)total_us * 1000);
}

static void
describe(CURLcode cc, long os_errno, const char *errbuf, struct assay_http_response *resp,
    size_t max_body, char *err, size_t err_len)
{
	if (resp->header_overflow)
		snprintf(err, err_len, "response headers exceed %d bytes",
		    ASSAY_HTTP_MAX_HEADERS);
	else if (cc == CURLE_OUT_OF_MEMORY)
		/* curl refuses header lines over 100 KiB this way */
		snprintf(err, err_len, "response headers exceed curl's 100 KiB "
		    "limit");
	else if (cc == CURLE_COULDNT_CONNECT && os_errno == ECONNREFUSED)
		snprintf(err, err_len, "connection refused");
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, err_len, "timeout: %s", errbuf);
	else if (cc == CURLE_RECV_ERROR && strstr(errbuf, "reset"))
		snprintf(err, err_len, "connection reset: %s", errbuf);
	else if (cc == CURLE_GOT_NOTHING)
		snprintf(err, err_len, "connection closed without a reply");
	else
		snprintf(err, err_len, "%s: %s", curl_easy_strerror(cc),
		    errbuf[0] != '\0' ? errbuf : "no detail");
	(void)max_body;
}

int
assay_probe_http_request(const struct assay_probe_env *env,
    const struct assay_http_request *req, struct assay_http_response **respp,
    char *err, size_t err_len)
{
	struct assay_budget *b = env != NULL ? env->budget : NULL;
	struct assay_http_response *resp = NULL;
	struct curl_slist *hl = NULL, *tmp, *pin = NULL;
	struct device dev;
	char errbuf[CURL_ERROR_SIZE], channel[96], *url = NULL, *next = NULL;
	char why[64];
	const char *method, *scheme;
	struct xfer x;
	CURLcode cc;
	CURL *h = NULL;
	size_t max_body;
	long timeout, hops = 0;
	int i, r = 0, held = 0;

	*respp = NULL;
	err[0] = '\0';
	if (req == NULL || req->url == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if (strncasecmp(req->url, "http://", 7) != 0 &&
	    strncasecmp(req->url, "https://", 8) != 0) {
		snprintf(err, err_len, "not an http(s) URL: %.80s", req->url);
		return ASSAY_ERR_INVALID_ARG;
	}
	if (device_init(&dev, req->url, err, err_len) != 0)
		return 0;
	timeout = req->timeout_ms > 0 ? req->timeout_ms :
	    (env != NULL && env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS);
	max_body = req->max_body > 0 ? req->max_body :
	    (env != NULL && env->max_read > 0 ? env->max_read :
	    ASSAY_PROBE_DEFAULT_MAX_READ);
	method = req->method != NULL ? req->method :
	    (req->body != NULL ? "POST" : "GET");
	if ((resp = calloc(1, sizeof(*resp))) == NULL ||
	    (resp->headers = assay_buf_new(ASSAY_HTTP_MAX_HEADERS)) == NULL ||
	    (resp->body = assay_buf_new(max_body)) == NULL ||
	    (url = strdup(req->url)) == NULL || (h = curl_easy_init()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
		if ((tmp = curl_slist_append(hl, req->headers[i])) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		hl = tmp;
	}
	x.env = env;
	x.resp = resp;
	x.channel = channel;
	for (;;) {
		snprintf(channel, sizeof(channel), "http %.80s", url);
		curl_easy_reset(h);
		errbuf[0] = '\0';
		assay_buf_reset(resp->headers);
		assay_buf_reset(resp->body);
		resp->truncated = resp->header_overflow = 0;
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		/* Never through a proxy from the environment. */
		curl_easy_setopt(h, CURLOPT_PROXY, "");
		curl_slist_free_all(pin);
		if ((pin = device_pin(&dev, url, &i)) == NULL && i) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (pin != NULL)
			curl_easy_setopt(h, CURLOPT_RESOLVE, pin);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, req->verify_tls ? 1L : 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, req->verify_tls ? 2L : 0L);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "Assay-probe");
		curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
		if (hl != NULL)
			curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
		curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &req->verify_tls);
		if (env != NULL && env->record != NULL) {
			curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
			curl_easy_setopt(h, CURLOPT_DEBUGDATA, &x);
			curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
		}
		if (req->user != NULL && req->auth != ASSAY_HTTP_AUTH_NONE) {
			curl_easy_setopt(h, CURLOPT_USERNAME, req->user);
			curl_easy_setopt(h, CURLOPT_PASSWORD,
			    req->password != NULL ? req->password : "");
			curl_easy_setopt(h, CURLOPT_HTTPAUTH,
			    req->auth == ASSAY_HTTP_AUTH_DIGEST ? CURLAUTH_DIGEST :
			    CURLAUTH_BASIC);
		}
		/* The body goes to the first URL only, as browsers do on 303. */
		if (hops == 0 && req->body != NULL) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)req->body_len);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
			if (strcmp(method, "POST") != 0)
				curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		} else if (hops == 0 && strcmp(method, "HEAD") == 0)
			curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		else if (hops == 0 && strcmp(method, "GET") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);

		if (assay_budget_acquire(b, (int)timeout) != 0) {
			r = ASSAY_ERR_BUDGET;
			goto out;
		}
		held = 1;
		resp->verify_result = 0;
		verify_slot = &resp->verify_result;
		cc = curl_easy_perform(h);
		verify_slot = NULL;
		assay_budget_release(b);
		held = 0;
		curl_feedback(b, h, cc, errbuf);
		if (cc != CURLE_OK && !(cc == CURLE_WRITE_ERROR && resp->truncated)) {
			long oe = 0;

			curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &oe);
			describe(cc, oe, errbuf, resp, max_body, err, err_len);
			assay_probe_note(env, channel, "%s", err);
			goto out;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
		scheme = NULL;
		curl_easy_getinfo(h, CURLINFO_SCHEME, &scheme);
		resp->tls = scheme != NULL && strcasecmp(scheme, "https") == 0;
		if (resp->tls && req->verify_tls)
			curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT,
			    &resp->verify_result);
		next = NULL;
		if (resp->status >= 300 && resp->status < 400)
			curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &next);
		if (next == NULL || req->max_redirects <= 0)
			break;
		if (hops >= req->max_redirects ||
		    resp->nredirects >= ASSAY_HTTP_MAX_REDIRECTS) {
			resp->limited = 1;
			break;
		}
		if (device_check(&dev, next, why, sizeof(why)) != 0) {
			if (asprintf(&resp->refused, "redirect to %.200s "
			    "refused: %s", next, why) == -1) {
				resp->refused = NULL;
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			assay_probe_note(env, channel, "%s", resp->refused);
			break;
		}
		free(url);
		if ((url = strdup(next)) == NULL ||
		    (resp->redirects[resp->nredirects] = strdup(next)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		resp->nredirects++;
		hops++;
	}
	*respp = resp;
	resp = NULL;
out:
	if (held)
		assay_budget_release(b);
	curl_slist_free_all(pin);
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	free(url);
	assay_http_response_free(resp);
	return r;
}

long
assay_http_response_status(const struct assay_http_response *r)
{
	return r->status;
}

const char *
assay_http_response_body(const struct assay_http_response *r, size_t *lenp)
{
	if (lenp != NULL)
		*lenp = assay_buf_len(r->body);
	return assay_buf_data(r->body);
}

int
assay_http_response_truncated(const struct assay_http_response *r)
{
	return r->truncated;
}

const char *
assay_http_response_headers(const struct assay_http_response *r)
{
	return assay_buf_data(r->headers);
}

int
assay_http_response_redirects(const struct assay_http_response *r)
{
	return r->nredirects;
}

const char *
assay_http_response_redirect(const struct assay_http_response *r, int i)
{
	return i >= 0 && i < r->nredirects ? r->redirects[i] : NULL;
}

int
assay_http_response_redirect_limited(const struct assay_http_response *r)
{
	return r->limited;
}

const char *
assay_http_response_redirect_refused(const struct assay_http_response *r)
{
	return r->refused;
}

int
assay_http_response_tls(const struct assay_http_response *r)
{
	return r->tls;
}

long
assay_http_response_tls_verify_result(const struct assay_http_response *r)
{
	return r->verify_result;
}

/* ---- login attempts ---- */

/* Replaces %u and %p in tmpl with the URL-encoded user and password. */
static int
fill_form(CURL *h, const char *tmpl, const char *user, const char *password,
    struct assay_buf *out)
{
	char *eu = NULL, *ep = NULL;
	const char *c;
	int r = 0;

	if ((eu = curl_easy_escape(h, user, 0)) == NULL ||
	    (ep = curl_easy_escape(h, password, 0)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (c = tmpl; *c != '\0' && r == 0; c++) {
		if (c[0] == '%' && c[1] == 'u') {
			r = assay_buf_puts(out, eu);
			c++;
		} else if (c[0] == '%' && c[1] == 'p') {
			r = assay_buf_puts(out, ep);
			c++;
		} else
			r = assay_buf_put(out, c, 1);
	}
out:
	if (ep != NULL) {
		explicit_bzero(ep, strlen(ep));
		curl_free(ep);
	}
	curl_free(eu);
	return r;
}

/*
 * The Location of a 3xx response resolved against url, as path?query
 * (lowercased) into out; "" when there is none.
 */
static void
location_of(const struct assay_http_response *resp, const char *url,
    char *out, size_t outlen)
{
	assay_http_parse_location(assay_buf_data(resp->headers), resp->status,
	    url, out, outlen);
}

const char *
assay_http_header_next(const char *p, const char **name, size_t *name_len,
    const char **value, size_t *value_len)
{
	const char *e, *colon, *v, *ve;

	*name = *value = NULL;
	*name_len = *value_len = 0;
	if (p == NULL || *p == '\0')
		return NULL;
	if ((e = strchr(p, '\n')) == NULL)
		e = p + strlen(p);
	colon = memchr(p, ':', (size_t)(e - p));
	if (colon != NULL && strncmp(p, "HTTP/", 5) != 0) {
		v = colon + 1;
		ve = e;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
		    ve[-1] == '\t'))
			ve--;
		*name = p;
		*name_len = (size_t)(colon - p);
		*value = v;
		*value_len = (size_t)(ve - v);
	}
	return *e != '\0' ? e + 1 : e;
}

void
assay_http_parse_location(const char *headers, long status, const char *url,
    char *out, size_t outlen)
{
	const char *p, *next, *name, *value;
	char loc[1024], *path = NULL, *query = NULL, *c;
	CURLU *u = NULL;
	size_t nl, n;
	int found = 0;

	out[0] = '\0';
	if (status < 300 || status > 399 || headers == NULL)
		return;
	for (p = headers; (next = assay_http_header_next(p, &name, &nl,
	    &value, &n)) != NULL; p = next) {
		if (name == NULL || nl != 8 || strncasecmp(name, "location",
		    8) != 0)
			continue;
		if (n >= sizeof(loc))
			n = sizeof(loc) - 1;
		memcpy(loc, value, n);
		loc[n] = '\0';
		found = 1;
		break;
	}
	if (!found)
		return;
	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, loc, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		snprintf(out, outlen, "%s", loc);
	else {
		if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
			query = NULL;
		snprintf(out, outlen, "%s%s%s", path, query != NULL ? "?" : "",
		    query != NULL ? query : "");
	}
	for (c = out; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
}

/* Path of url, lowercased, into out. */
static void
path_of(const char *url, char *out, size_t outlen)
{
	CURLU *u;
	char *path = NULL, *c;

	out[0] = '\0';
	if ((u = curl_url()) != NULL &&
	    curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK)
		snprintf(out, outlen, "%s", path);
	for (c = out; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	curl_free(path);
	curl_url_cleanup(u);
}

/*
 * A redirect target that means "try again": a login, sign-in or error
 * page, or the login URL itself.
 */
static int
leads_to_login(const char *loc, const char *url)
{
	static const char *words[] = { "login", "logon", "signin", "sign-in",
	    "sign_in", "error", "fail", "denied", "unauthori", "retry", NULL };
	char self[512], path[512], *q;
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strstr(loc, words[i]) != NULL)
			return 1;
	path_of(url, self, sizeof(self));
	snprintf(path, sizeof(path), "%s", loc);
	if ((q = strchr(path, '?')) != NULL)
		*q = '\0';
	return self[0] != '\0' && strcmp(path, self) == 0;
}

/* Builds and performs the login request (user NULL: none for basic). */
static int
login_request(const struct assay_probe_env *env,
    const struct assay_http_login *lg, const char *user,
    const char *password, int timeout_ms, struct assay_http_response **respp,
    char *detail, size_t detail_len)
{
	static const char *form_hdr[] = {
	    "Content-Type: application/x-www-form-urlencoded", NULL };
	struct assay_http_request req;
	struct assay_buf *form = NULL;
	CURL *h = NULL;
	int r = 0;

	memset(&req, 0, sizeof(req));
	req.url = lg->url;
	req.timeout_ms = timeout_ms;
	req.max_body = 64 * 1024;
	if (lg->kind == ASSAY_HTTP_LOGIN_FORM) {
		if (lg->form_body == NULL)
			return ASSAY_ERR_INVALID_ARG;
		if ((h = curl_easy_init()) == NULL ||
		    (form = assay_buf_new(8192)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if ((r = fill_form(h, lg->form_body, user, password, form)) != 0)
			goto out;
		req.method = "POST";
		req.body = assay_buf_data(form);
		req.body_len = assay_buf_len(form);
		req.headers = form_hdr;
	} else if (user != NULL) {
		req.user = user;
		req.password = password;
		req.auth = lg->kind == ASSAY_HTTP_LOGIN_DIGEST ?
		    ASSAY_HTTP_AUTH_DIGEST : ASSAY_HTTP_AUTH_BASIC;
	}
	r = assay_probe_http_request(env, &req, respp, detail, detail_len);
out:
	if (form != NULL)	/* holds the password */
		explicit_bzero((void *)(uintptr_t)assay_buf_data(form),
		    assay_buf_len(form));
	assay_buf_free(form);
	curl_easy_cleanup(h);
	return r;
}

int
assay_probe_http_login_baseline(const struct assay_probe_env *env,
    const struct assay_http_login *lg, int timeout_ms,
    struct assay_http_baseline *base)
{
	struct assay_http_response *resp = NULL;
	unsigned char rnd[8];
	char user[32], pass[32];
	int r;

	memset(base, 0, sizeof(*base));
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x3c, sizeof(rnd));
	memcpy(user, "assay-", 6);
	assay_hex_encode(rnd, 4, user + 6);
	assay_hex_encode(rnd + 4, 4, pass);
	r = login_request(env, lg, lg->kind == ASSAY_HTTP_LOGIN_FORM ?
	    user : NULL, pass, timeout_ms, &resp, base->why, sizeof(base->why));
	if (r == 0 && resp != NULL) {
		base->valid = 1;
		base->status = resp->status;
		location_of(resp, lg->url, base->location,
		    sizeof(base->location));
	}
	assay_http_response_free(resp);
	return r;
}

int
assay_probe_http_login(const struct assay_probe_env *env,
    const struct assay_http_login *lg, const struct assay_http_baseline *base,
    const char *user, const char *password, int timeout_ms, int *outcome,
    char *detail, size_t detail_len)
{
	struct assay_http_response *resp = NULL;
	const char *body;
	char loc[512];
	size_t blen;
	long st, bst;
	int r, form = lg->kind == ASSAY_HTTP_LOGIN_FORM;

	*outcome = ASSAY_AUTH_UNREACHED;
	detail[0] = '\0';
	if ((r = login_request(env, lg, user, password, timeout_ms, &resp,
	    detail, detail_len)) != 0 || resp == NULL)
		goto out;
	st = resp->status;
	bst = base != NULL && base->valid ? base->status : 0;
	body = assay_buf_data(resp->body);
	location_of(resp, lg->url, loc, sizeof(loc));
	blen = assay_buf_len(resp->body);
	if (lg->failure_marker != NULL && assay_probe_find(body, blen,
	    lg->failure_marker, strlen(lg->failure_marker), 0) >= 0) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status %ld, failure marker "
		    "in body", st);
	} else if (lg->success_marker != NULL) {
		*outcome = assay_probe_find(body, blen, lg->success_marker,
		    strlen(lg->success_marker), 0) >= 0 ?
		    ASSAY_AUTH_ACCEPTED : ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "status %ld, success marker %s", st,
		    *outcome == ASSAY_AUTH_ACCEPTED ? "found" : "absent");
	} else if (lg->success_status != 0) {
		*outcome = st == lg->success_status ? ASSAY_AUTH_ACCEPTED :
		    ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "status %ld (success is %d)", st,
		    lg->success_status);
	} else if (lg->failure_marker != NULL && st >= 200 && st < 300) {
		*outcome = ASSAY_AUTH_ACCEPTED;
		snprintf(detail, detail_len, "accepted: status %ld, no failure "
		    "marker in body", st);
	} else if (!form && bst >= 200 && bst < 400) {
		*outcome = ASSAY_AUTH_NO_PASSWORD;
		snprintf(detail, detail_len, "no password to guess: %.200s "
		    "answers %ld without credentials", lg->url, bst);
	} else if (!form && bst != 401) {
		snprintf(detail, detail_len, "not judged: without credentials "
		    "the answer was %s%ld, not 401", bst == 0 ? "no answer " :
		    "", bst);
	} else if (st == 401) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status 401");
	} else if (st == 403) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status 403 (the resource "
		    "is forbidden, the password not accepted)");
	} else if (st >= 400 && st < 500) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status %ld", st);
	} else if (st >= 300 && st < 400 && (loc[0] == '\0' ||
	    leads_to_login(loc, lg->url))) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status %ld to %.200s", st,
		    loc[0] != '\0' ? loc : "nowhere");
	} else if (st >= 300 && st < 400 && form && base != NULL &&
	    base->valid && strcmp(loc, base->location) == 0) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status %ld to %.200s, as "
		    "for a wrong password", st, loc);
	} else if (st >= 300 && st < 400) {
		*outcome = ASSAY_AUTH_ACCEPTED;
		snprintf(detail, detail_len, "accepted: status %ld to %.200s", st,
		    loc);
	} else if (st >= 200 && st < 300 && form && bst >= 200 && bst < 300) {
		*outcome = ASSAY_AUTH_REJECTED;
		snprintf(detail, detail_len, "rejected: status %ld, as for a wrong "
		    "password (give success_marker or failure_marker to judge "
		    "this form)", st);
	} else if (st >= 200 && st < 300) {
		*outcome = ASSAY_AUTH_ACCEPTED;
		snprintf(detail, detail_len, "accepted: status %ld (%ld without "
		    "valid credentials)", st, bst);
	} else
		snprintf(detail, detail_len, "unexpected status %ld", st);
out:
	assay_http_response_free(resp);
	return r;
}

/* ---- Lua (contract: probe/lua.h) ---- */

static void
resp_free(void *p)
{
	assay_http_response_free(p);
}

/*
 * http_request{url=, method=, headers=, body=, user=, password=, auth=,
 * max_read=, follow=, timeout_ms=, verify=} -> response | nil, reason
 */
static int
l_http_request(lua_State *L)
{
	static const char *const known[] = { "url", "method", "headers",
	    "body", "user", "password", "auth", "max_read", "follow",
	    "timeout_ms", "verify", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_http_request req;
	struct assay_http_response **box, *resp;
	const char *auth, *hdrs[65], *p, *e, *colon;
	char err[512] = "";
	size_t nh = 0;
	int r, i, follow, t;

	assay_lua_opts(L, "http_request", known);
	memset(&req, 0, sizeof(req));
	req.url = assay_lua_req_str(L, "http_request", "url");
	if (strncasecmp(req.url, "http://", 7) != 0 &&
	    strncasecmp(req.url, "https://", 8) != 0)
		return assay_lua_argerror(L, "http_request", "url must be "
		    "http:// or https://, not \"%.80s\"", req.url);
	req.method = assay_lua_opt_str(L, "http_request", "method", NULL);
	req.body = assay_lua_opt_str(L, "http_request", "body", &req.body_len);
	req.user = assay_lua_opt_str(L, "http_request", "user", NULL);
	req.password = assay_lua_opt_str(L, "http_request", "password", NULL);
	auth = assay_lua_opt_str(L, "http_request", "auth", NULL);
	if (req.user != NULL)
		req.auth = ASSAY_HTTP_AUTH_BASIC;
	if (auth != NULL && strcmp(auth, "digest") == 0)
		req.auth = ASSAY_HTTP_AUTH_DIGEST;
	else if (auth != NULL && strcmp(auth, "basic") != 0)
		return assay_lua_argerror(L, "http_request", "auth must be "
		    "\"basic\" or \"digest\", not \"%.40s\"", auth);
	req.max_body = assay_lua_max_read(L, "http_request");
	/* follow: true (the default number of redirects), false, or a count. */
	t = lua_getfield(L, 1, "follow");
	lua_pop(L, 1);
	if (t == LUA_TBOOLEAN || t == LUA_TNIL)
		follow = assay_lua_opt_bool(L, "http_request", "follow", 0) ?
		    ASSAY_HTTP_DEFAULT_REDIRECTS : 0;
	else
		follow = (int)assay_lua_opt_int(L, "http_request", "follow", 0,
		    0, ASSAY_HTTP_MAX_REDIRECTS);
	req.max_redirects = follow;
	req.timeout_ms = assay_lua_timeout(L, "http_request");
	req.verify_tls = assay_lua_opt_bool(L, "http_request", "verify", 0);
	lua_settop(L, 1);
	t = lua_getfield(L, 1, "headers");		/* 2 */
	lua_newtable(L);				/* 3: keeps strings */
	if (t == LUA_TTABLE) {
		/* {["Name"]="value", ...} becomes "Name: value" lines. */
		lua_pushnil(L);
		while (lua_next(L, 2) != 0) {
			if (nh >= 64 || lua_type(L, -2) != LUA_TSTRING ||
			    lua_type(L, -1) != LUA_TSTRING)
				return assay_lua_argerror(L, "http_request",
				    "headers must map names to strings (at "
				    "most 64)");
			lua_pushfstring(L, "%s: %s", lua_tostring(L, -2),
			    lua_tostring(L, -1));
			hdrs[nh] = lua_tostring(L, -1);
			lua_rawseti(L, 3, (lua_Integer)++nh);
			lua_pop(L, 1);
		}
	} else if (t != LUA_TNIL)
		return assay_lua_argerror(L, "http_request", "headers must be "
		    "a table");
	hdrs[nh] = NULL;
	req.headers = nh > 0 ? hdrs : NULL;
	box = (struct assay_http_response **)assay_lua_box(L, resp_free);
	r = assay_probe_http_request(env, &req, box, err, sizeof(err));
	if (r != 0)
		return assay_lua_harness_error(L, "http_request", r,
		    req.timeout_ms);
	if ((resp = *box) == NULL)
		return assay_lua_fail(L, err);
	lua_createtable(L, 0, 8);
	lua_pushinteger(L, resp->status);
	lua_setfield(L, -2, "status");
	/* headers: lowercased names; a repeated name keeps the last value. */
	lua_newtable(L);
	p = assay_buf_data(resp->headers);
	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		colon = memchr(p, ':', (size_t)(e - p));
		if (colon != NULL && strncmp(p, "HTTP/", 5) != 0) {
			const char *v = colon + 1, *ve = e;
			luaL_Buffer lb;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			luaL_buffinit(L, &lb);
			for (i = 0; p + i < colon; i++)
				luaL_addchar(&lb, (char)(p[i] >= 'A' && p[i] <= 'Z' ?
				    p[i] + 32 : p[i]));
			luaL_pushresult(&lb);
			lua_pushlstring(L, v, (size_t)(ve - v));
			lua_rawset(L, -3);
		}
		p = *e != '\0' ? e + 1 : e;
	}
	lua_setfield(L, -2, "headers");
	lua_pushlstring(L, assay_buf_data(resp->body), assay_buf_len(resp->body));
	lua_setfield(L, -2, "body");
	lua_pushboolean(L, resp->truncated);
	lua_setfield(L, -2, "truncated");
	lua_createtable(L, resp->nredirects, 0);
	for (i = 0; i < resp->nredirects; i++) {
		lua_pushstring(L, resp->redirects[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "redirects");
	lua_pushboolean(L, resp->limited);
	lua_setfield(L, -2, "redirect_limit");
	if (resp->refused != NULL) {
		lua_pushstring(L, resp->refused);
		lua_setfield(L, -2, "redirect_refused");
	}
	if (resp->tls) {
		lua_createtable(L, 0, 3);
		lua_pushboolean(L, req.verify_tls);
		lua_setfield(L, -2, "verified");
		lua_pushinteger(L, resp->verify_result);
		lua_setfield(L, -2, "verify_result");
		lua_pushboolean(L, resp->verify_result == 0);
		lua_setfield(L, -2, "verify_ok");
		lua_setfield(L, -2, "tls");
	}
	return 1;
}

static void
curlu_free(void *p)
{
	curl_url_cleanup(p);
}

/*
 * url{scheme=, host=, port=, path=} -> "scheme://host:port/path", built
 * by curl's URL parser: an IPv6 literal gets its brackets
 * ("http://[::1]:8080/x"), and a host or path curl cannot use raises.
 */
static int
l_url(lua_State *L)
{
	static const char *const known[] = { "scheme", "host", "port", "path",
	    NULL };
	CURLU **box;
	CURLUcode uc;
	const char *scheme, *host, *path;
	char *out = NULL, num[16], *h = NULL;
	int port;

	assay_lua_opts(L, "url", known);
	scheme = assay_lua_req_str(L, "url", "scheme");
	host = assay_lua_host(L, "url");
	port = (int)assay_lua_opt_int(L, "url", "port", 0, 1, 65535);
	if ((path = assay_lua_opt_str(L, "url", "path", NULL)) == NULL)
		path = "/";
	box = (CURLU **)assay_lua_box(L, curlu_free);
	if ((*box = curl_url()) == NULL)
		return luaL_error(L, "url: out of memory");
	/*
	 * An IPv6 literal goes in brackets, as a URL writes it, with a zone
	 * id's '%' written %25 (RFC 6874): "fe80::1%eth0" is
	 * "[fe80::1%25eth0]".
	 */
	if (strchr(host, ':') != NULL && host[0] != '[') {
		luaL_Buffer b;
		const char *c;

		luaL_buffinit(L, &b);
		luaL_addchar(&b, '[');
		for (c = host; *c != '\0'; c++) {
			luaL_addchar(&b, *c);
			if (*c == '%' && strncmp(c + 1, "25", 2) != 0)
				luaL_addstring(&b, "25");
		}
		luaL_addchar(&b, ']');
		luaL_pushresult(&b);
		h = (char *)lua_tostring(L, -1);
	}
	if ((uc = curl_url_set(*box, CURLUPART_SCHEME, scheme,
	    CURLU_NON_SUPPORT_SCHEME)) != CURLUE_OK)
		return assay_lua_argerror(L, "url", "scheme \"%.40s\": %s", scheme,
		    curl_url_strerror(uc));
	if ((uc = curl_url_set(*box, CURLUPART_HOST, h != NULL ? h : host, 0)) !=
	    CURLUE_OK)
		return assay_lua_argerror(L, "url", "host \"%.80s\": %s", host,
		    curl_url_strerror(uc));
	if (port > 0) {
		snprintf(num, sizeof(num), "%d", port);
		if ((uc = curl_url_set(*box, CURLUPART_PORT, num, 0)) != CURLUE_OK)
			return assay_lua_argerror(L, "url", "port %d: %s", port,
			    curl_url_strerror(uc));
	}
	if ((uc = curl_url_set(*box, CURLUPART_PATH, path, 0)) != CURLUE_OK)
		return assay_lua_argerror(L, "url", "path \"%.80s\": %s", path,
		    curl_url_strerror(uc));
	if ((uc = curl_url_get(*box, CURLUPART_URL, &out, 0)) != CURLUE_OK)
		return assay_lua_argerror(L, "url", "%s", curl_url_strerror(uc));
	lua_pushstring(L, out);
	curl_free(out);
	return 1;
}

void
assay_probe_http_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_http_request);
	lua_setfield(L, -2, "http_request");
	lua_pushcfunction(L, l_url);
	lua_setfield(L, -2, "url");
}
