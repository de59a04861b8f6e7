/*
 * probe_tls.c - TLS handshake details and version/cipher enumeration.
 *
 * Every handshake runs OpenSSL over a pair of memory BIOs and moves the
 * bytes itself: that caps what is read, records it as evidence, spots a
 * non-TLS peer from its first bytes, and lets one epoll loop drive many
 * handshakes at once.  Enumeration stops each attempt at the ServerHello
 * (seen through the message callback): the server's choice of version
 * and suite is all it needs.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <lua.h>
#include <lauxlib.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/hash.h"
#include "probe/conn.h"
#include "probe/tcp.h"
#include "probe/lua.h"
#include "probe/tls.h"

#define REASON_MAX	ASSAY_PROBE_REASON_MAX
#define MAX_PARALLEL	32

struct cert {
	char	 sha256[ASSAY_SHA256_HEX_LEN + 1];	/* of the DER, lowercase hex */
	char	*subject;
	char	*issuer;
	char	*key_type;
	char	*sig_alg;
	char	 not_before[32];
	char	 not_after[32];
	int	 key_bits;
	int	 self_signed;
};

struct assay_tls_info {
	char		 protocol[16];
	char		 cipher[64];
	char		 kx[64];
	char		*match_name;
	int		 match;
	struct cert	*chain;
	size_t		 nchain;
};

struct assay_tls_scan {
	int		 version[ASSAY_TLS_NVERSIONS];
	int		 legacy[ASSAY_TLS_NVERSIONS];	/* accepted only by hand */
	char		 note[ASSAY_TLS_NVERSIONS][400];
	char		**cipher[ASSAY_TLS_NVERSIONS];
	size_t		 ncipher[ASSAY_TLS_NVERSIONS];
	size_t		 attempts;
	int		 max_in_flight;
};

static const char *const version_names[ASSAY_TLS_NVERSIONS] = {
	"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
};
static const int version_codes[ASSAY_TLS_NVERSIONS] = {
	SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION,
	TLS1_3_VERSION
};
static const char *const tls13_suites[] = {
	"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
	"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
	"TLS_AES_128_CCM_8_SHA256"
};
#define NTLS13	(sizeof(tls13_suites) / sizeof(tls13_suites[0]))

const char *
assay_tls_version_name(int v)
{
	if (v < 0 || v >= ASSAY_TLS_NVERSIONS)
		return NULL;
	return version_names[v];
}

int
assay_tls_version_from_name(const char *name)
{
	int v;

	for (v = 0; name != NULL && v < ASSAY_TLS_NVERSIONS; v++)
		if (strcmp(name, version_names[v]) == 0)
			return v;
	return -1;
}

/* One handshake attempt. */
enum kind { K_TLS, K_RAW };	/* OpenSSL, or a hand-built ClientHello */
enum phase { P_WAIT, P_CONNECT, P_HANDSHAKE, P_DONE };
enum outcome { O_NONE, O_ACCEPTED, O_REJECTED, O_NOT_TLS, O_TIMEOUT,
	O_NETFAIL };

struct att {
	enum kind	 kind;
	int		 ver;		/* ASSAY_TLS_* or ASSAY_TLS_ANY */
	const char	*cipher;	/* single suite offered, or NULL */
	unsigned int	 cipher_id;	/* its two-byte code */
	const char	*sigalgs;	/* restrict signature algorithms */
	const char	*auth_ciphers;	/* and TLS <= 1.2 suites to match */
	const unsigned int *suites;	/* K_RAW: the suites offered */
	size_t		 nsuites;
	unsigned char	 raw[160];	/* K_RAW: start of the reply */
	size_t		 nraw;
	int		 full;		/* finish the handshake */
	enum phase	 phase;
	int		 fd;
	SSL		*ssl;
	BIO		*rb, *wb;
	long long	 deadline;
	long long	 t0_ns;		/* connect started */
	size_t		 got;
	unsigned char	 head[16];
	size_t		 nhead;
	int		 eof, reset;
	int		 hello;		/* ServerHello seen */
	unsigned int	 hello_ver, hello_cipher;
	int		 alert;		/* received alert, or -1 */
	enum outcome	 outcome;
	char		 why[REASON_MAX];
	struct assay_tls_info *info;	/* full handshakes */
};

struct batch {
	const struct assay_probe_env	*env;
	const char			*host;
	unsigned int			 port;
	const char			*sni;
	const char			*match_name;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;
	SSL_CTX				*ctx[ASSAY_TLS_NVERSIONS + 1];	/* last: any */
	int				 timeout_ms;
	size_t				 max_read;
	int				 ep;
	int				 in_flight;
	int				 max_in_flight;
	char				 chan[300];
};

static void
escape_head(char *dst, size_t dstlen, const unsigned char *p, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 5 < dstlen; i++) {
		if (isprint(p[i]) && p[i] != '"' && p[i] != '\\')
			dst[o++] = (char)p[i];
		else
			o += (size_t)snprintf(dst + o, dstlen - o, "\\x%02x", p[i]);
	}
	dst[o] = '\0';
}

static void
msg_cb(int write_p, int version, int content_type, const void *buf,
    size_t len, SSL *ssl, void *arg)
{
	struct att *a = arg;
	const unsigned char *p = buf;
	size_t off, end, elen;
	unsigned int type;

	if (a == NULL || write_p)
		return;
	if (content_type == SSL3_RT_ALERT && len >= 2) {
		a->alert = p[1];
		return;
	}
	if (content_type != SSL3_RT_HANDSHAKE || len < 4 + 2 + 32 + 1 ||
	    p[0] != 2 || a->hello)
		return;
	/* ServerHello: version, random, session id, suite, compression. */
	a->hello_ver = (unsigned int)p[4] << 8 | p[5];
	off = 4 + 2 + 32;
	off += 1 + (size_t)p[off];
	if (off + 3 > len)
		return;
	a->hello_cipher = (unsigned int)p[off] << 8 | p[off + 1];
	off += 3;
	a->hello = 1;
	/* TLS 1.3 names its version in the supported_versions extension. */
	if (off + 2 > len)
		return;
	end = off + 2 + ((size_t)p[off] << 8 | p[off + 1]);
	if (end > len)
		end = len;
	for (off += 2; off + 4 <= end; off += 4 + elen) {
		type = (unsigned int)p[off] << 8 | p[off + 1];
		elen = (size_t)p[off + 2] << 8 | p[off + 3];
		if (type == 43 && elen == 2 && off + 6 <= end)
			a->hello_ver = (unsigned int)p[off + 4] << 8 | p[off + 5];
	}
}

static SSL_CTX *
make_ctx(int v)
{
	SSL_CTX *ctx;
	int code = v >= 0 ? version_codes[v] : 0;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	    SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (!SSL_CTX_set_min_proto_version(ctx, v >= 0 ? code : TLS1_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, code) ||
	    !SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	return ctx;
}

static void
cert_free(struct cert *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->key_type);
	free(c->sig_alg);
}

void
assay_tls_info_free(struct assay_tls_info *info)
{
	size_t i;

	if (info == NULL)
		return;
	for (i = 0; i < info->nchain; i++)
		cert_free(&info->chain[i]);
	free(info->chain);
	free(info->match_name);
	free(info);
}

static void
time_str(const ASN1_TIME *t, char *dst, size_t dstlen)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm) ||
	    strftime(dst, dstlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(dst, dstlen, "invalid");
}

/* SHA-256 of the certificate's DER in lowercase hex; "" on failure. */
static void
fingerprint(X509 *x, char out[ASSAY_SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_sha256(), md, &len) != 1 ||
	    len != ASSAY_SHA256_LEN)
		return;
	assay_hex_encode(md, len, out);
}

/* Collects the details of a completed handshake.  NULL on allocation failure. */
static struct assay_tls_info *
info_from_ssl(SSL *ssl, const char *match_name)
{
	struct assay_tls_info *info;
	STACK_OF(X509) *sk;
	EVP_PKEY *pk = NULL;
	const SSL_CIPHER *c;
	const char *tn;
	struct cert *ce;
	X509 *x;
	char g[64];
	size_t gl, i, n;
	int nid;

	if ((info = calloc(1, sizeof(*info))) == NULL)
		return NULL;
	info->match = -1;
	snprintf(info->protocol, sizeof(info->protocol), "%s",
	    SSL_get_version(ssl));
	c = SSL_get_current_cipher(ssl);
	snprintf(info->cipher, sizeof(info->cipher), "%s",
	    c != NULL ? SSL_CIPHER_get_name(c) : "");
	if (SSL_get_peer_tmp_key(ssl, &pk) == 1 && pk != NULL) {
		if (EVP_PKEY_get_group_name(pk, g, sizeof(g), &gl) == 1)
			snprintf(info->kx, sizeof(info->kx), "%s", g);
		else if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_DH)
			snprintf(info->kx, sizeof(info->kx), "DH %d",
			    EVP_PKEY_get_bits(pk));
		else if ((tn = EVP_PKEY_get0_type_name(pk)) != NULL)
			snprintf(info->kx, sizeof(info->kx), "%s", tn);
		EVP_PKEY_free(pk);
	} else if (c != NULL && SSL_CIPHER_get_kx_nid(c) == NID_kx_rsa)
		snprintf(info->kx, sizeof(info->kx), "RSA");
	else if ((nid = SSL_get_negotiated_group(ssl)) > 0 &&
	    (tn = SSL_group_to_name(ssl, nid)) != NULL)
		snprintf(info->kx, sizeof(info->kx), "%s", tn);
	if (match_name != NULL &&
	    (info->match_name = strdup(match_name)) == NULL)
		goto fail;
	if ((sk = SSL_get_peer_cert_chain(ssl)) == NULL)
		return info;
	n = (size_t)sk_X509_num(sk);
	if (n > 0 && (info->chain = calloc(n, sizeof(*info->chain))) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		x = sk_X509_value(sk, (int)i);
		ce = &info->chain[i];
		info->nchain++;
		if ((ce->subject = assay_x509_name_text(X509_get_subject_name(x))) == NULL ||
		    (ce->issuer = assay_x509_name_text(X509_get_issuer_name(x))) == NULL)
			goto fail;
		pk = X509_get0_pubkey(x);
		tn = pk != NULL ? EVP_PKEY_get0_type_name(pk) : NULL;
		if ((ce->key_type = strdup(tn != NULL ? tn : "unknown")) == NULL)
			goto fail;
		ce->key_bits = pk != NULL ? EVP_PKEY_get_bits(pk) : 0;
		nid = X509_get_signature_nid(x);
		if ((ce->sig_alg = strdup(nid != NID_undef ? OBJ_nid2ln(nid) :
		    "unknown")) == NULL)
			goto fail;
		time_str(X509_get0_notBefore(x), ce->not_before,
		    sizeof(ce->not_before));
		time_str(X509_get0_notAfter(x), ce->not_after,
		    sizeof(ce->not_after));
		ce->self_signed = X509_self_signed(x, 1) == 1;
		fingerprint(x, ce->sha256);
	}
	if (n > 0 && match_name != NULL) {
		x = sk_X509_value(sk, 0);
		if (assay_host_is_address(match_name))
			info->match = X509_check_ip_asc(x, match_name, 0) == 1;
		else
			info->match = X509_check_host(x, match_name, 0, 0,
			    NULL) == 1;
	}
	return info;
 fail:
	assay_tls_info_free(info);
	return NULL;
}

static void
att_close(struct batch *bt, struct att *a)
{
	if (a->ssl != NULL) {
		SSL_free(a->ssl);	/* frees both BIOs */
		a->ssl = NULL;
	}
	if (a->fd != -1) {
		close(a->fd);
		a->fd = -1;
	}
	if (a->phase == P_CONNECT || a->phase == P_HANDSHAKE) {
		bt->in_flight--;
		assay_budget_release(bt->env != NULL ? bt->env->budget : NULL);
	}
	a->phase = P_DONE;
}

static void
att_end(struct batch *bt, struct att *a, enum outcome o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
att_end(struct batch *bt, struct att *a, enum outcome o, const char *fmt, ...)
{
	va_list ap;

	a->outcome = o;
	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	if (a->why[0] != '\0')
		assay_probe_note(bt->env, bt->chan, "%s%s%s: %s",
		    a->ver >= 0 ? version_names[a->ver] : "any",
		    a->cipher != NULL ? " " : "",
		    a->cipher != NULL ? a->cipher : "", a->why);
	att_close(bt, a);
}

/* Sends everything; small handshake flights, so a short blocking wait is fine. */
static int
send_all(struct batch *bt, struct att *a, const unsigned char *p, size_t n)
{
	ssize_t w;
	size_t off = 0;

	while (off < n) {
		w = send(a->fd, p + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			assay_probe_record(bt->env, bt->chan, "sent", p + off,
			    (size_t)w);
			off += (size_t)w;
			continue;
		}
		if (w == -1 && (errno == EINTR || errno == EAGAIN)) {
			if (assay_clock_ms() > a->deadline)
				return -1;
			usleep(1000);
			continue;
		}
		return -1;
	}
	return 0;
}

static int
flush_out(struct batch *bt, struct att *a)
{
	unsigned char buf[4096];
	int n;

	while ((n = BIO_read(a->wb, buf, sizeof(buf))) > 0)
		if (send_all(bt, a, buf, (size_t)n) != 0)
			return -1;
	return 0;
}

/*
 * Suites OpenSSL 3.0 cannot offer (no 3DES, RC4, DES, IDEA, SEED, RC2 or
 * export suites in Debian's build), offered by hand-built ClientHellos so
 * a device that speaks only those is seen accepting its versions.
 * Names are OpenSSL's historical ones.
 */
static const struct legacy_suite {
	unsigned int	 id;
	const char	*name;
} legacy_suites[] = {
	{ 0xc012, "ECDHE-RSA-DES-CBC3-SHA" },
	{ 0xc008, "ECDHE-ECDSA-DES-CBC3-SHA" },
	{ 0xc011, "ECDHE-RSA-RC4-SHA" },
	{ 0xc007, "ECDHE-ECDSA-RC4-SHA" },
	{ 0x0016, "EDH-RSA-DES-CBC3-SHA" },
	{ 0x0013, "EDH-DSS-DES-CBC3-SHA" },
	{ 0x000a, "DES-CBC3-SHA" },
	{ 0x0005, "RC4-SHA" },
	{ 0x0004, "RC4-MD5" },
	{ 0x0007, "IDEA-CBC-SHA" },
	{ 0x0096, "SEED-SHA" },
	{ 0x009a, "DHE-RSA-SEED-SHA" },
	{ 0x0099, "DHE-DSS-SEED-SHA" },
	{ 0x0066, "DHE-DSS-RC4-SHA" },
	{ 0x0015, "EDH-RSA-DES-CBC-SHA" },
	{ 0x0012, "EDH-DSS-DES-CBC-SHA" },
	{ 0x0009, "DES-CBC-SHA" },
	{ 0x0064, "EXP1024-RC4-SHA" },
	{ 0x0062, "EXP1024-DES-CBC-SHA" },
	{ 0x0063, "EXP1024-DHE-DSS-DES-CBC-SHA" },
	{ 0x0065, "EXP1024-DHE-DSS-RC4-SHA" },
	{ 0x0014, "EXP-EDH-RSA-DES-CBC-SHA" },
	{ 0x0011, "EXP-EDH-DSS-DES-CBC-SHA" },
	{ 0x0008, "EXP-DES-CBC-SHA" },
	{ 0x0006, "EXP-RC2-CBC-MD5" },
	{ 0x0003, "EXP-RC4-MD5" },
	{ 0x001b, "ADH-DES-CBC3-SHA" },
	{ 0x0018, "ADH-RC4-MD5" },
	{ 0x001a, "ADH-DES-CBC-SHA" },
	{ 0x0019, "EXP-ADH-DES-CBC-SHA" },
	{ 0x0017, "EXP-ADH-RC4-MD5" },
	{ 0x0002, "NULL-SHA" },
	{ 0x0001, "NULL-MD5" },
};
#define NLEGACY	(sizeof(legacy_suites) / sizeof(legacy_suites[0]))

/* Classic suites an SSLv3 server would pick, besides the legacy ones. */
static const unsigned int sslv3_extra[] = {
	0x0039, 0x0038, 0x0035, 0x0033, 0x0032, 0x002f
};

#define MAX_RAW_SUITES	256

/* Appends id to list unless present.  The list holds MAX_RAW_SUITES. */
static void
add_suite_id(unsigned int *list, size_t *n, unsigned int id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (list[i] == id)
			return;
	if (*n < MAX_RAW_SUITES)
		list[(*n)++] = id;
}

static const char *
legacy_name(unsigned int id)
{
	size_t i;

	for (i = 0; i < NLEGACY; i++)
		if (legacy_suites[i].id == id)
			return legacy_suites[i].name;
	return NULL;
}

static size_t
put16(unsigned char *p, size_t n, unsigned int v)
{
	p[n] = (unsigned char)(v >> 8);
	p[n + 1] = (unsigned char)v;
	return n + 2;
}

/*
 * Hand-built ClientHello for version v offering suites (+ the
 * renegotiation SCSV).  SSLv3: no extensions.  TLS 1.0-1.2: SNI,
 * supported groups, point formats and, for 1.2, signature algorithms,
 * the extensions servers insist on.  Returns the length written into
 * p (room for cap bytes), 0 if it does not fit.
 */
static size_t
raw_hello(unsigned char *p, size_t cap, int v, const unsigned int *suites,
    size_t nsuites, const char *sni)
{
	static const unsigned int groups[] = { 0x001d, 0x0017, 0x0018,
	    0x0019 };
	static const unsigned int sigalgs[] = { 0x0403, 0x0503, 0x0603,
	    0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201,
	    0x0202 };
	size_t n = 0, i, body_at, ext_at, hs, pad;
	size_t snilen = sni != NULL ? strlen(sni) : 0;
	unsigned int code = (unsigned int)version_codes[v];

	if (9 + 2 + 32 + 1 + 2 + 2 * (nsuites + 1) + 2 + 2 + 64 + 260 + snilen +
	    2 * sizeof(sigalgs) / sizeof(sigalgs[0]) > cap || snilen > 255)
		return 0;
	p[n++] = 0x16;
	n = put16(p, n, v == ASSAY_TLS_SSL3 ? 0x0300 : 0x0301);
	n += 2;				/* record length */
	p[n++] = 0x01;			/* ClientHello */
	n += 3;				/* body length */
	body_at = n;
	n = put16(p, n, code);
	for (i = 0; i < 32; i++)
		p[n++] = (unsigned char)(0x5a ^ (i * 7));
	p[n++] = 0;			/* no session id */
	n = put16(p, n, (unsigned int)(2 * (nsuites + 1)));
	for (i = 0; i < nsuites; i++)
		n = put16(p, n, suites[i]);
	n = put16(p, n, 0x00ff);
	p[n++] = 1;
	p[n++] = 0;			/* null compression */
	if (v != ASSAY_TLS_SSL3) {
		ext_at = n;
		n += 2;
		if (snilen > 0) {
			n = put16(p, n, 0x0000);
			n = put16(p, n, (unsigned int)(snilen + 5));
			n = put16(p, n, (unsigned int)(snilen + 3));
			p[n++] = 0;
			n = put16(p, n, (unsigned int)snilen);
			memcpy(p + n, sni, snilen);
			n += snilen;
		}
		n = put16(p, n, 0x000a);
		n = put16(p, n, (unsigned int)(2 + 2 * (sizeof(groups) /
		    sizeof(groups[0]))));
		n = put16(p, n, (unsigned int)(2 * (sizeof(groups) /
		    sizeof(groups[0]))));
		for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			n = put16(p, n, groups[i]);
		n = put16(p, n, 0x000b);
		n = put16(p, n, 2);
		p[n++] = 1;
		p[n++] = 0;
		if (v == ASSAY_TLS_1_2) {
			n = put16(p, n, 0x000d);
			n = put16(p, n, (unsigned int)(2 + 2 * (sizeof(sigalgs) /
			    sizeof(sigalgs[0]))));
			n = put16(p, n, (unsigned int)(2 * (sizeof(sigalgs) /
			    sizeof(sigalgs[0]))));
			for (i = 0; i < sizeof(sigalgs) / sizeof(sigalgs[0]); i++)
				n = put16(p, n, sigalgs[i]);
		}
		/*
		 * Some TLS stacks hang on a ClientHello of 256-511 bytes
		 * (RFC 7685): pad it to 512 with the padding extension.
		 */
		hs = n - 5;
		if (hs >= 256 && hs < 512) {
			pad = 512 - hs >= 4 ? 512 - hs - 4 : 0;
			n = put16(p, n, 0x0015);
			n = put16(p, n, (unsigned int)pad);
			memset(p + n, 0, pad);
			n += pad;
		}
		put16(p, ext_at, (unsigned int)(n - ext_at - 2));
	}
	put16(p, 3, (unsigned int)(n - 5));
	p[6] = 0;
	put16(p, 7, (unsigned int)(n - body_at));
	return n;
}

static int
looks_like_tls(const unsigned char *h, size_t n)
{
	if (n >= 1 && (h[0] < 20 || h[0] > 23))
		return 0;
	if (n >= 2 && h[1] != 3)
		return 0;
	if (n >= 3 && h[2] > 4)
		return 0;
	return 1;
}

static void
not_tls(struct batch *bt, struct att *a)
{
	char esc[REASON_MAX / 2];

	escape_head(esc, sizeof(esc), a->head, a->nhead);
	att_end(bt, a, O_NOT_TLS, "not TLS: reply starts with \"%s\"", esc);
}

int
assay_tls_parse_reply(const unsigned char *h, size_t n, unsigned int *version,
    unsigned int *suite, unsigned int *alert)
{
	size_t sid;

	if (n >= 7 && h[0] == 21) {
		*alert = h[6];
		return ASSAY_TLS_REPLY_ALERT;
	}
	if (n >= 6 && h[0] == 22 && h[5] != 2)
		return ASSAY_TLS_REPLY_OTHER;
	if (n < 11 || h[0] != 22)
		return ASSAY_TLS_REPLY_MORE;
	*version = (unsigned int)h[9] << 8 | h[10];
	if (n < 44)
		return ASSAY_TLS_REPLY_MORE;
	sid = h[43];
	if (sid > 32)
		return ASSAY_TLS_REPLY_OTHER;	/* not a ServerHello */
	if (n < 44 + sid + 2)
		return ASSAY_TLS_REPLY_MORE;
	*suite = (unsigned int)h[44 + sid] << 8 | h[45 + sid];
	return ASSAY_TLS_REPLY_HELLO;
}

/*
 * Judges a hand-built hello from what has arrived so far: a ServerHello
 * with the offered version accepts it (and names the suite), an alert,
 * another version or a close refuses it.
 */
static void
drive_raw(struct batch *bt, struct att *a)
{
	unsigned int ver = 0, suite = 0, alert = 0;
	int k;

	k = assay_tls_parse_reply(a->raw, a->nraw, &ver, &suite, &alert);
	if (k == ASSAY_TLS_REPLY_ALERT) {
		att_end(bt, a, O_REJECTED, "alert %s",
		    SSL_alert_desc_string_long((int)alert));
		return;
	}
	if (k == ASSAY_TLS_REPLY_OTHER) {
		att_end(bt, a, O_REJECTED, "handshake message %u instead of "
		    "ServerHello", a->nraw >= 6 ? a->raw[5] : 0);
		return;
	}
	if (ver != 0 && ver != (unsigned int)version_codes[a->ver]) {
		a->hello_ver = ver;
		att_end(bt, a, O_REJECTED, "server answered version 0x%04x",
		    ver);
		return;
	}
	if (k == ASSAY_TLS_REPLY_HELLO) {
		a->hello_ver = ver;
		a->hello_cipher = suite;
		a->hello = 1;
		if (a->cipher_id != 0 && suite != a->cipher_id)
			att_end(bt, a, O_REJECTED, "server chose suite 0x%04x",
			    suite);
		else
			att_end(bt, a, O_ACCEPTED, "%s", "");
		return;
	}
	if (a->eof || a->reset)
		att_end(bt, a, O_REJECTED, "connection %s after %zu bytes",
		    a->reset ? "reset" : "closed", a->got);
}

static void
ssl_error_reason(struct att *a, char *dst, size_t dstlen)
{
	unsigned long e;
	const char *rs;

	if (a->alert >= 0) {
		snprintf(dst, dstlen, "handshake failed: alert %s",
		    SSL_alert_desc_string_long(a->alert));
		ERR_clear_error();
		return;
	}
	e = ERR_peek_last_error();
	rs = e != 0 ? ERR_reason_error_string(e) : NULL;
	snprintf(dst, dstlen, "handshake failed: %s", rs != NULL ? rs :
	    "unknown error");
	ERR_clear_error();
}

static void
drive_tls(struct batch *bt, struct att *a)
{
	char why[REASON_MAX];
	int r, e;

	ERR_clear_error();
	r = SSL_do_handshake(a->ssl);
	if (flush_out(bt, a) != 0 && !a->hello && r != 1 && !a->eof &&
	    !a->reset) {
		att_end(bt, a, O_REJECTED, "send failed during handshake");
		return;
	}
	if (!a->full && a->hello) {
		if (a->hello_ver != (unsigned int)version_codes[a->ver])
			att_end(bt, a, O_REJECTED, "server chose version "
			    "0x%04x", a->hello_ver);
		else if (a->cipher != NULL && a->hello_cipher != a->cipher_id)
			att_end(bt, a, O_REJECTED, "server chose suite 0x%04x",
			    a->hello_cipher);
		else
			att_end(bt, a, O_ACCEPTED, "%s", "");
		ERR_clear_error();
		return;
	}
	if (r == 1) {
		if ((a->info = info_from_ssl(a->ssl, bt->match_name)) == NULL)
			att_end(bt, a, O_NETFAIL, "out of memory");
		else
			att_end(bt, a, O_ACCEPTED, "%s", "");
		return;
	}
	e = SSL_get_error(a->ssl, r);
	if (e == SSL_ERROR_WANT_READ && !a->eof && !a->reset) {
		ERR_clear_error();
		return;
	}
	if (a->alert < 0 && (a->eof || a->reset)) {
		ERR_clear_error();
		att_end(bt, a, O_REJECTED, "connection %s after %zu bytes "
		    "during handshake", a->reset ? "reset" : "closed", a->got);
		return;
	}
	if (a->alert >= 0 || e == SSL_ERROR_SSL) {
		ssl_error_reason(a, why, sizeof(why));
		att_end(bt, a, O_REJECTED, "%s", why);
		return;
	}
	ERR_clear_error();
	att_end(bt, a, O_REJECTED, "connection %s after %zu bytes during "
	    "handshake", a->reset ? "reset" : "closed", a->got);
}

/* The socket is connected: start talking. */
static void
begin(struct batch *bt, struct att *a)
{
	unsigned char hello[1536];
	struct epoll_event ev;
	SSL_CTX *ctx;
	size_t n;

	a->phase = P_HANDSHAKE;
	ev.events = EPOLLIN;
	ev.data.ptr = a;
	if (epoll_ctl(bt->ep, EPOLL_CTL_MOD, a->fd, &ev) == -1) {
		att_end(bt, a, O_NETFAIL, "epoll: %s", strerror(errno));
		return;
	}
	if (a->kind == K_RAW) {
		if ((n = raw_hello(hello, sizeof(hello), a->ver, a->suites,
		    a->nsuites, bt->sni)) == 0) {
			att_end(bt, a, O_NETFAIL, "hello too large");
			return;
		}
		if (send_all(bt, a, hello, n) != 0)
			att_end(bt, a, O_REJECTED, "send failed");
		return;
	}
	ctx = bt->ctx[a->ver >= 0 ? a->ver : ASSAY_TLS_NVERSIONS];
	if ((a->ssl = SSL_new(ctx)) == NULL ||
	    (a->rb = BIO_new(BIO_s_mem())) == NULL ||
	    (a->wb = BIO_new(BIO_s_mem())) == NULL) {
		BIO_free(a->rb);
		a->rb = NULL;
		att_end(bt, a, O_NETFAIL, "out of memory");
		return;
	}
	BIO_set_mem_eof_return(a->rb, -1);
	SSL_set_bio(a->ssl, a->rb, a->wb);
	SSL_set_msg_callback_arg(a->ssl, a);
	SSL_set_connect_state(a->ssl);
	if (bt->sni != NULL)
		SSL_set_tlsext_host_name(a->ssl, bt->sni);
	if (a->sigalgs != NULL && (!SSL_set1_sigalgs_list(a->ssl, a->sigalgs) ||
	    !SSL_set_cipher_list(a->ssl, a->auth_ciphers))) {
		att_end(bt, a, O_NETFAIL, "no suite for these signature "
		    "algorithms");
		return;
	}
	if (a->cipher != NULL) {
		if (a->ver == ASSAY_TLS_1_3) {
			if (!SSL_set_ciphersuites(a->ssl, a->cipher)) {
				att_end(bt, a, O_NETFAIL, "bad suite");
				return;
			}
		} else if (!SSL_set_ciphersuites(a->ssl, "") ||
		    !SSL_set_cipher_list(a->ssl, a->cipher)) {
			att_end(bt, a, O_NETFAIL, "bad suite");
			return;
		}
	}
	drive_tls(bt, a);
}

static void
on_readable(struct batch *bt, struct att *a)
{
	unsigned char buf[16384];
	size_t room, take;
	ssize_t n;

	for (;;) {
		room = bt->max_read - a->got;
		if (room == 0) {
			/*
			 * Our own cap, not the device's answer: whether it
			 * accepts the version is unknown (a 400-certificate
			 * chain is no refusal), so the attempt is untestable.
			 */
			att_end(bt, a, O_NETFAIL, "reply cut at %zu bytes "
			    "during handshake (the read cap)", bt->max_read);
			return;
		}
		n = recv(a->fd, buf, room < sizeof(buf) ? room : sizeof(buf), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		if (n == -1) {
			a->reset = 1;
			break;
		}
		if (n == 0) {
			a->eof = 1;
			break;
		}
		assay_probe_record(bt->env, bt->chan, "recv", buf, (size_t)n);
		if (a->nhead < sizeof(a->head)) {
			take = sizeof(a->head) - a->nhead;
			if (take > (size_t)n)
				take = (size_t)n;
			memcpy(a->head + a->nhead, buf, take);
			a->nhead += take;
		}
		if (a->kind == K_RAW && a->nraw < sizeof(a->raw)) {
			take = sizeof(a->raw) - a->nraw;
			if (take > (size_t)n)
				take = (size_t)n;
			memcpy(a->raw + a->nraw, buf, take);
			a->nraw += take;
		}
		a->got += (size_t)n;
		if (!looks_like_tls(a->head, a->nhead)) {
			not_tls(bt, a);
			return;
		}
		if (a->kind == K_TLS && BIO_write(a->rb, buf, (int)n) != n) {
			att_end(bt, a, O_NETFAIL, "out of memory");
			return;
		}
	}
	if ((a->eof || a->reset) && a->kind == K_TLS)
		BIO_set_mem_eof_return(a->rb, 0);
	if (a->kind == K_RAW)
		drive_raw(bt, a);
	else
		drive_tls(bt, a);
}

/*
 * Tells the budget when a's connect met no answer (timed out, no route):
 * a timeout.  Answers are not told: the batch sees a connect complete when
 * its event loop gets to it, which on a busy lab machine is late by the
 * budget's measure though the device answered at once.  Nor is what the
 * TLS stack does next: one that turns an offer down with a reset is
 * choosy, not in distress, and an enumeration offers many it turns down.
 */
static void
connect_feedback(struct batch *bt, const struct att *a, int e)
{
	if (e == 0 || e == ECONNREFUSED || e == EMFILE || e == ENFILE ||
	    e == ENOBUFS || e == ENOMEM || e == EADDRNOTAVAIL)
		return;			/* answered, or ours */
	assay_budget_feedback(bt->env != NULL ? bt->env->budget : NULL,
	    ASSAY_BUDGET_TIMEOUT, assay_clock_ns() - a->t0_ns);
}

/* Starts a's connect.  Returns 0, or negative on a harness error. */
static int
start(struct batch *bt, struct att *a)
{
	struct epoll_event ev;
	char why[REASON_MAX];
	int e;

	a->fd = -1;
	a->alert = -1;
	a->phase = P_CONNECT;
	bt->in_flight++;
	if (bt->in_flight > bt->max_in_flight)
		bt->max_in_flight = bt->in_flight;
	a->deadline = assay_clock_ms() + bt->timeout_ms;
	a->t0_ns = assay_clock_ns();
	if (assay_conn_start(&bt->ss, bt->sslen, SOCK_STREAM, &a->fd,
	    &e) != 0) {
		att_close(bt, a);
		return ASSAY_ERR_NETWORK;
	}
	ev.events = EPOLLOUT;
	ev.data.ptr = a;
	if (a->fd == -1) {
		connect_feedback(bt, a, e);
		assay_conn_connect_why(e, why, sizeof(why));
		att_end(bt, a, O_NETFAIL, "%s", why);
		return 0;
	}
	if (epoll_ctl(bt->ep, EPOLL_CTL_ADD, a->fd, &ev) == -1) {
		att_close(bt, a);
		return ASSAY_ERR_NETWORK;
	}
	return 0;
}

static void
on_event(struct batch *bt, struct att *a)
{
	socklen_t el;
	int e = 0;

	if (a->phase == P_CONNECT) {
		el = sizeof(e);
		if (getsockopt(a->fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
			e = errno;
		connect_feedback(bt, a, e);
		if (e == ECONNREFUSED)
			att_end(bt, a, O_NETFAIL, "connection refused");
		else if (e != 0)
			att_end(bt, a, O_NETFAIL, "connect failed: %s",
			    strerror(e));
		else
			begin(bt, a);
		return;
	}
	if (a->phase == P_HANDSHAKE)
		on_readable(bt, a);
}

/*
 * Runs the n attempts with at most conc in flight.  Returns 0 (each
 * attempt has its outcome) or a negative harness error.
 */
static int
run_batch(struct batch *bt, struct att *atts, size_t n, int conc)
{
	struct epoll_event evs[64];
	struct assay_budget *budget = bt->env != NULL ? bt->env->budget : NULL;
	size_t next = 0, i, done;
	long long t, first;
	int r = 0, k, m, wait, starved;

	for (i = 0; i < n; i++) {
		atts[i].fd = -1;
		atts[i].phase = P_WAIT;
	}
	if ((bt->ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return ASSAY_ERR_NETWORK;
	for (;;) {
		starved = 0;
		while (next < n && bt->in_flight < conc) {
			if (assay_budget_acquire(budget, bt->in_flight == 0 ?
			    bt->timeout_ms + 60000 : 0) != 0) {
				if (bt->in_flight == 0) {
					r = ASSAY_ERR_BUDGET;
					goto out;
				}
				starved = 1;
				break;
			}
			if ((r = start(bt, &atts[next++])) != 0)
				goto out;
		}
		t = assay_clock_ms();
		first = 0;
		for (i = 0, done = 0; i < n; i++) {
			if (atts[i].phase == P_DONE) {
				done++;
				continue;
			}
			if (atts[i].phase == P_WAIT)
				continue;
			if (atts[i].deadline <= t) {
				if (atts[i].phase == P_CONNECT)
					connect_feedback(bt, &atts[i], ETIMEDOUT);
				if (atts[i].got == 0)
					att_end(bt, &atts[i], O_TIMEOUT,
					    "timeout: no TLS reply within %d ms",
					    bt->timeout_ms);
				else
					att_end(bt, &atts[i], O_TIMEOUT,
					    "timeout after %zu bytes during "
					    "handshake", atts[i].got);
				done++;
			} else if (first == 0 || atts[i].deadline < first)
				first = atts[i].deadline;
		}
		if (done == n)
			break;
		if (bt->in_flight == 0)
			continue;
		wait = first > 0 ? (int)(first - t) : 1;
		if (starved && wait > 1)
			wait = 1;
		if ((m = epoll_wait(bt->ep, evs, 64, wait)) == -1) {
			if (errno == EINTR)
				continue;
			r = ASSAY_ERR_NETWORK;
			goto out;
		}
		for (k = 0; k < m; k++)
			on_event(bt, evs[k].data.ptr);
	}
 out:
	for (i = 0; i < n; i++)
		if (atts[i].phase != P_DONE && atts[i].phase != P_WAIT)
			att_close(bt, &atts[i]);
	close(bt->ep);
	bt->ep = -1;
	return r;
}

static void
batch_free(struct batch *bt)
{
	int i;

	for (i = 0; i <= ASSAY_TLS_NVERSIONS; i++)
		SSL_CTX_free(bt->ctx[i]);
}

static int
batch_init(struct batch *bt, const struct assay_probe_env *env,
    const char *host, unsigned int port, const char *servername,
    int timeout_ms, size_t max_read, char *reason, size_t reasonlen)
{
	int r, v;

	memset(bt, 0, sizeof(*bt));
	bt->ep = -1;
	bt->env = env;
	bt->host = host;
	bt->port = port;
	bt->timeout_ms = timeout_ms > 0 ? timeout_ms : env != NULL &&
	    env->timeout_ms > 0 ? env->timeout_ms :
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	bt->max_read = max_read > 0 ? max_read : env != NULL &&
	    env->max_read > 0 ? env->max_read : ASSAY_PROBE_DEFAULT_MAX_READ;
	bt->sni = servername != NULL ? servername :
	    assay_host_is_address(host) ? NULL : host;
	snprintf(bt->chan, sizeof(bt->chan), "tls %s:%u", host, port);
	if ((r = assay_conn_resolve(host, port, SOCK_STREAM, &bt->ss,
	    &bt->sslen, reason, reasonlen)) != 0 || reason[0] != '\0')
		return r;
	for (v = ASSAY_TLS_1_0; v <= ASSAY_TLS_NVERSIONS; v++)
		if ((bt->ctx[v] = make_ctx(v < ASSAY_TLS_NVERSIONS ? v :
		    ASSAY_TLS_ANY)) == NULL) {
			batch_free(bt);
			return ASSAY_ERR_CRYPTO;
		}
	return 0;
}

int
assay_probe_tls_handshake(const struct assay_probe_env *env,
    const char *host, unsigned int port, const char *servername,
    const char *match_name, int v, int timeout_ms, size_t max_read,
    struct assay_tls_info **infop, char *reason, size_t reasonlen)
{
	struct batch bt;
	struct att a;
	int r;

	*infop = NULL;
	reason[0] = '\0';
	if (host == NULL || port < 1 || port > 65535 ||
	    (v != ASSAY_TLS_ANY && (v < ASSAY_TLS_1_0 ||
	    v > ASSAY_TLS_1_3)))
		return ASSAY_ERR_INVALID_ARG;
	if ((r = batch_init(&bt, env, host, port, servername, timeout_ms,
	    max_read, reason, reasonlen)) != 0 || reason[0] != '\0')
		return r;
	bt.match_name = match_name != NULL ? match_name :
	    bt.sni != NULL ? bt.sni : host;
	memset(&a, 0, sizeof(a));
	a.kind = K_TLS;
	a.ver = v;
	a.full = 1;
	if ((r = run_batch(&bt, &a, 1, 1)) == 0) {
		if (a.outcome == O_ACCEPTED) {
			*infop = a.info;
			a.info = NULL;
		} else if (a.outcome == O_NETFAIL &&
		    strcmp(a.why, "out of memory") == 0)
			r = ASSAY_ERR_ALLOC;
		else
			snprintf(reason, reasonlen, "%s", a.why);
	}
	assay_tls_info_free(a.info);
	batch_free(&bt);
	return r;
}

/*
 * Signature-algorithm families a server may hold a certificate for.  One
 * handshake each, offering only that family's signature algorithms (and,
 * up to TLS 1.2, only suites it can authenticate), makes a server with
 * several certificates show each of them.
 */
static const struct family {
	const char	*name;
	const char	*sigalgs;
	const char	*ciphers;
} families[] = {
	{ "RSA", "RSA+SHA256:RSA+SHA384:RSA+SHA512:RSA+SHA224:RSA+SHA1:"
	    "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
	    "rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512",
	    "aRSA:@SECLEVEL=0" },
	{ "ECDSA", "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ECDSA+SHA224:"
	    "ECDSA+SHA1", "aECDSA:@SECLEVEL=0" },
	{ "EdDSA", "ed25519:ed448", "aECDSA:@SECLEVEL=0" },
	{ "DSA", "DSA+SHA256:DSA+SHA384:DSA+SHA512:DSA+SHA224:DSA+SHA1",
	    "aDSS:@SECLEVEL=0" },
};
#define NFAMILIES	(sizeof(families) / sizeof(families[0]))

struct assay_tls_certs {
	struct {
		const char		*family;
		struct assay_tls_info	*info;
	}			 c[NFAMILIES];
	size_t			 n;
	struct {
		const char	*family;
		char		 why[REASON_MAX];
	}			 failed[NFAMILIES];
	size_t			 nfailed;
};

void
assay_tls_certs_free(struct assay_tls_certs *certs)
{
	size_t i;

	if (certs == NULL)
		return;
	for (i = 0; i < certs->n; i++)
		assay_tls_info_free(certs->c[i].info);
	free(certs);
}

int
assay_probe_tls_certificates(const struct assay_probe_env *env,
    const char *host, unsigned int port, const char *servername,
    const char *match_name, int v, int timeout_ms, size_t max_read,
    struct assay_tls_certs **certsp, char *reason, size_t reasonlen)
{
	struct assay_tls_certs *certs = NULL;
	struct att a[NFAMILIES];
	struct batch bt;
	size_t i, k;
	int r, conc, dup;

	*certsp = NULL;
	reason[0] = '\0';
	memset(a, 0, sizeof(a));
	if (host == NULL || port < 1 || port > 65535 ||
	    (v != ASSAY_TLS_ANY && (v < ASSAY_TLS_1_0 || v > ASSAY_TLS_1_3)))
		return ASSAY_ERR_INVALID_ARG;
	if ((r = batch_init(&bt, env, host, port, servername, timeout_ms,
	    max_read, reason, reasonlen)) != 0 || reason[0] != '\0')
		return r;
	bt.match_name = match_name != NULL ? match_name :
	    bt.sni != NULL ? bt.sni : host;
	r = ASSAY_ERR_ALLOC;
	if ((certs = calloc(1, sizeof(*certs))) == NULL)
		goto out;
	for (i = 0; i < NFAMILIES; i++) {
		a[i].kind = K_TLS;
		a[i].ver = v;
		a[i].full = 1;
		a[i].sigalgs = families[i].sigalgs;
		a[i].auth_ciphers = families[i].ciphers;
	}
	conc = env != NULL && env->budget != NULL ?
	    assay_budget_max_connections(env->budget) : (int)NFAMILIES;
	if ((r = run_batch(&bt, a, NFAMILIES, conc)) != 0)
		goto out;
	for (i = 0; i < NFAMILIES; i++) {
		if (a[i].outcome == O_NETFAIL &&
		    strcmp(a[i].why, "out of memory") == 0) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (a[i].outcome != O_ACCEPTED || a[i].info == NULL ||
		    a[i].info->nchain == 0) {
			certs->failed[certs->nfailed].family = families[i].name;
			snprintf(certs->failed[certs->nfailed++].why,
			    sizeof(certs->failed[0].why), "%s", a[i].outcome ==
			    O_ACCEPTED ? "no certificate" : a[i].why);
			continue;
		}
		/* The same leaf for two families is listed once. */
		for (k = 0, dup = 0; k < certs->n; k++)
			dup |= strcmp(certs->c[k].info->chain[0].sha256,
			    a[i].info->chain[0].sha256) == 0;
		if (dup)
			continue;
		certs->c[certs->n].family = families[i].name;
		certs->c[certs->n++].info = a[i].info;
		a[i].info = NULL;
	}
	if (certs->n == 0)
		snprintf(reason, reasonlen, "%s", certs->nfailed > 0 ?
		    certs->failed[0].why : "no certificate");
	else {
		*certsp = certs;
		certs = NULL;
	}
	r = 0;
 out:
	for (i = 0; i < NFAMILIES; i++)
		assay_tls_info_free(a[i].info);
	assay_tls_certs_free(certs);
	batch_free(&bt);
	return r;
}

size_t
assay_tls_certs_count(const struct assay_tls_certs *certs)
{
	return certs == NULL ? 0 : certs->n;
}

const char *
assay_tls_certs_family(const struct assay_tls_certs *certs, size_t i)
{
	return certs == NULL || i >= certs->n ? NULL : certs->c[i].family;
}

const struct assay_tls_info *
assay_tls_certs_info(const struct assay_tls_certs *certs, size_t i)
{
	return certs == NULL || i >= certs->n ? NULL : certs->c[i].info;
}

size_t
assay_tls_certs_failed_count(const struct assay_tls_certs *certs)
{
	return certs == NULL ? 0 : certs->nfailed;
}

const char *
assay_tls_certs_failed_family(const struct assay_tls_certs *certs, size_t i)
{
	return certs == NULL || i >= certs->nfailed ? NULL :
	    certs->failed[i].family;
}

const char *
assay_tls_certs_failed_reason(const struct assay_tls_certs *certs, size_t i)
{
	return certs == NULL || i >= certs->nfailed ? NULL :
	    certs->failed[i].why;
}

#define INFO_CERT(field)						\
	(info == NULL || i >= info->nchain ? NULL : info->chain[i].field)

const char *
assay_tls_info_protocol(const struct assay_tls_info *info)
{
	return info->protocol;
}

const char *
assay_tls_info_cipher(const struct assay_tls_info *info)
{
	return info->cipher;
}

const char *
assay_tls_info_key_exchange(const struct assay_tls_info *info)
{
	return info->kx;
}

int
assay_tls_info_hostname_match(const struct assay_tls_info *info)
{
	return info->match;
}

const char *
assay_tls_info_match_name(const struct assay_tls_info *info)
{
	return info->match_name;
}

size_t
assay_tls_info_chain_len(const struct assay_tls_info *info)
{
	return info == NULL ? 0 : info->nchain;
}

const char *
assay_tls_info_cert_subject(const struct assay_tls_info *info, size_t i)
{
	return INFO_CERT(subject);
}

const char *
assay_tls_info_cert_issuer(const struct assay_tls_info *info, size_t i)
{
	return INFO_CERT(issuer);
}

const char *
assay_tls_info_cert_key_type(const struct assay_tls_info *info, size_t i)
{
	return INFO_CERT(key_type);
}

int
assay_tls_info_cert_key_bits(const struct assay_tls_info *info, size_t i)
{
	return info == NULL || i >= info->nchain ? 0 : info->chain[i].key_bits;
}

const char *
assay_tls_info_cert_sig_alg(const struct assay_tls_info *info, size_t i)
{
	return INFO_CERT(sig_alg);
}

const char *
assay_tls_info_cert_not_before(const struct assay_tls_info *info, size_t i)
{
	return INFO_CERT(not_before);
}

const char *
assay_tls_info_cert_not_after(const struct assay_tls_info *info, size_t i)
{
	return INFO_CERT(not_after);
}

const char *
assay_tls_info_cert_sha256(const struct assay_tls_info *info, size_t i)
{
	return info == NULL || i >= info->nchain ? NULL : info->chain[i].sha256;
}

int
assay_tls_info_cert_self_signed(const struct assay_tls_info *info, size_t i)
{
	return info == NULL || i >= info->nchain ? 0 :
	    info->chain[i].self_signed;
}

void
assay_tls_scan_free(struct assay_tls_scan *scan)
{
	size_t i;
	int v;

	if (scan == NULL)
		return;
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		for (i = 0; i < scan->ncipher[v]; i++)
			free(scan->cipher[v][i]);
		free(scan->cipher[v]);
	}
	free(scan);
}

int
assay_tls_scan_version(const struct assay_tls_scan *scan, int v)
{
	if (scan == NULL || v < 0 || v >= ASSAY_TLS_NVERSIONS)
		return ASSAY_TLS_UNTESTED;
	return scan->version[v];
}

const char *
assay_tls_scan_version_note(const struct assay_tls_scan *scan, int v)
{
	if (scan == NULL || v < 0 || v >= ASSAY_TLS_NVERSIONS)
		return "";
	return scan->note[v];
}

int
assay_tls_scan_version_legacy(const struct assay_tls_scan *scan, int v)
{
	if (scan == NULL || v < 0 || v >= ASSAY_TLS_NVERSIONS)
		return 0;
	return scan->legacy[v];
}

size_t
assay_tls_scan_ncipher(const struct assay_tls_scan *scan, int v)
{
	if (scan == NULL || v < 0 || v >= ASSAY_TLS_NVERSIONS)
		return 0;
	return scan->ncipher[v];
}

const char *
assay_tls_scan_cipher(const struct assay_tls_scan *scan, int v, size_t i)
{
	if (scan == NULL || v < 0 || v >= ASSAY_TLS_NVERSIONS ||
	    i >= scan->ncipher[v])
		return NULL;
	return scan->cipher[v][i];
}

size_t
assay_tls_scan_attempts(const struct assay_tls_scan *scan)
{
	return scan == NULL ? 0 : scan->attempts;
}

int
assay_tls_scan_max_in_flight(const struct assay_tls_scan *scan)
{
	return scan == NULL ? 0 : scan->max_in_flight;
}

/*
 * Lists the suites OpenSSL would offer for version v (<= TLS 1.2) at
 * security level 0.  Returns the count, -1 on failure; *out is
 * malloc'd, its names static in libssl.
 */
static int
suites_for(SSL_CTX *ctx, const char ***out, unsigned int **ids)
{
	STACK_OF(SSL_CIPHER) *sk = NULL;
	const SSL_CIPHER *c;
	SSL *ssl;
	int i, n, k = 0;

	*out = NULL;
	*ids = NULL;
	if ((ssl = SSL_new(ctx)) == NULL)
		return -1;
	SSL_set_ciphersuites(ssl, "");
	if ((sk = SSL_get1_supported_ciphers(ssl)) == NULL) {
		SSL_free(ssl);
		return 0;
	}
	n = sk_SSL_CIPHER_num(sk);
	if (n > 0 && ((*out = calloc((size_t)n, sizeof(**out))) == NULL ||
	    (*ids = calloc((size_t)n, sizeof(**ids))) == NULL)) {
		free(*out);
		*out = NULL;
		k = -1;
		goto done;
	}
	for (i = 0; i < n; i++) {
		c = sk_SSL_CIPHER_value(sk, i);
		if ((SSL_CIPHER_get_protocol_id(c) & 0xff00) == 0x1300)
			continue;	/* a TLS 1.3 suite */
		(*ids)[k] = SSL_CIPHER_get_protocol_id(c);
		(*out)[k++] = SSL_CIPHER_get_name(c);
	}
 done:
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	return k;
}

static int
add_cipher(struct assay_tls_scan *scan, int v, const char *name)
{
	char **p;

	if ((p = realloc(scan->cipher[v], (scan->ncipher[v] + 1) *
	    sizeof(*p))) == NULL)
		return ASSAY_ERR_ALLOC;
	scan->cipher[v] = p;
	if ((p[scan->ncipher[v]] = strdup(name)) == NULL)
		return ASSAY_ERR_ALLOC;
	scan->ncipher[v]++;
	return 0;
}

/* Name of suite id offered for version v: OpenSSL's list, then the legacy table. */
static const char *
suite_name(unsigned int id, const char **names, const unsigned int *ids,
    int n, char *buf, size_t buflen)
{
	const char *ln;
	int i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return names[i];
	if ((ln = legacy_name(id)) != NULL)
		return ln;
	snprintf(buf, buflen, "0x%04X", id);
	return buf;
}

int
assay_probe_tls_enumerate(const struct assay_probe_env *env,
    const char *host, unsigned int port, const char *servername,
    int timeout_ms, int with_ciphers, struct assay_tls_scan **scanp,
    char *reason, size_t reasonlen)
{
	struct assay_tls_scan *scan = NULL;
	struct batch bt;
	struct att va[ASSAY_TLS_NVERSIONS], ra[ASSAY_TLS_NVERSIONS], *ca = NULL;
	const char **names[ASSAY_TLS_NVERSIONS] = { NULL };
	unsigned int *ids[ASSAY_TLS_NVERSIONS] = { NULL };
	unsigned int *all[ASSAY_TLS_NVERSIONS] = { NULL };
	size_t nall[ASSAY_TLS_NVERSIONS] = { 0 };
	int nnames[ASSAY_TLS_NVERSIONS] = { 0 };
	size_t nlegacy[ASSAY_TLS_NVERSIONS] = { 0 };
	size_t nca = 0, nra = 0, i, k;
	int r, v, conc, n_ok = 0, have_bt = 0;
	const char *last_fail = NULL, *nm;
	char why1[400], idbuf[16];

	*scanp = NULL;
	reason[0] = '\0';
	memset(va, 0, sizeof(va));
	memset(ra, 0, sizeof(ra));
	if (host == NULL || port < 1 || port > 65535)
		return ASSAY_ERR_INVALID_ARG;
	if ((r = batch_init(&bt, env, host, port, servername, timeout_ms, 0,
	    reason, reasonlen)) != 0 || reason[0] != '\0')
		return r;
	have_bt = 1;
	conc = env != NULL && env->budget != NULL ?
	    assay_budget_max_connections(env->budget) :
	    ASSAY_BUDGET_DEFAULT_CONNECTIONS;
	if (conc > MAX_PARALLEL)
		conc = MAX_PARALLEL;
	r = ASSAY_ERR_ALLOC;
	if ((scan = calloc(1, sizeof(*scan))) == NULL)
		goto out;

	/*
	 * "Everything" a hand-built hello offers for each version: OpenSSL's
	 * own suites for it plus the legacy ones OpenSSL lacks.
	 */
	for (v = ASSAY_TLS_SSL3; v <= ASSAY_TLS_1_2; v++) {
		if (v >= ASSAY_TLS_1_0 && (nnames[v] = suites_for(bt.ctx[v],
		    &names[v], &ids[v])) < 0) {
			r = ASSAY_ERR_CRYPTO;
			goto out;
		}
		if ((all[v] = calloc(MAX_RAW_SUITES, sizeof(**all))) == NULL)
			goto out;
		for (i = 0; i < NLEGACY; i++)
			add_suite_id(all[v], &nall[v], legacy_suites[i].id);
		nlegacy[v] = nall[v];
		if (v == ASSAY_TLS_SSL3)
			for (i = 0; i < sizeof(sslv3_extra) /
			    sizeof(sslv3_extra[0]); i++)
				add_suite_id(all[v], &nall[v], sslv3_extra[i]);
		/* SSLv3 has no extensions to pad with: keep its hello small. */
		for (k = 0; v != ASSAY_TLS_SSL3 && k < (size_t)nnames[v]; k++)
			add_suite_id(all[v], &nall[v], ids[v][k]);
	}

	/* Versions first: OpenSSL for TLS, a hand-built hello for SSLv3. */
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		va[v].kind = v == ASSAY_TLS_SSL3 ? K_RAW : K_TLS;
		va[v].ver = v;
		if (v == ASSAY_TLS_SSL3) {
			va[v].suites = all[v];
			va[v].nsuites = nall[v];
		}
	}
	if ((r = run_batch(&bt, va, ASSAY_TLS_NVERSIONS, conc)) != 0)
		goto out;
	scan->attempts += ASSAY_TLS_NVERSIONS;
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		struct att *a = &va[v];

		if (a->outcome == O_NOT_TLS) {
			snprintf(reason, reasonlen, "%s", a->why);
			r = 0;
			goto out;
		}
		snprintf(scan->note[v], sizeof(scan->note[v]), "%s", a->why);
		switch (a->outcome) {
		case O_ACCEPTED:
			scan->version[v] = ASSAY_TLS_ACCEPTED;
			n_ok++;
			break;
		case O_REJECTED:
			scan->version[v] = ASSAY_TLS_REJECTED;
			n_ok++;
			break;
		default:	/* timeout, connect failure */
			last_fail = a->why;
			scan->version[v] = ASSAY_TLS_NOT_TESTABLE;
			snprintf(scan->note[v], sizeof(scan->note[v]),
			    "not testable: %.170s", a->why);
			break;
		}
	}
	if (n_ok == 0) {
		/* Nothing answered like TLS: the port is not usable. */
		snprintf(reason, reasonlen, "%s", last_fail != NULL ?
		    last_fail : "no answer");
		r = 0;
		goto out;
	}

	/*
	 * A TLS 1.0-1.2 refusal of OpenSSL's hello may only mean the server
	 * wants a suite OpenSSL 3 cannot offer (3DES, RC4 ...): ask again
	 * with a hand-built hello offering everything.  Only its refusal is
	 * a refusal of the version.
	 */
	for (v = ASSAY_TLS_1_0; v <= ASSAY_TLS_1_2; v++) {
		if (scan->version[v] != ASSAY_TLS_REJECTED)
			continue;
		ra[nra].kind = K_RAW;
		ra[nra].ver = v;
		ra[nra].suites = all[v];
		ra[nra].nsuites = nall[v];
		nra++;
	}
	if (nra > 0) {
		if ((r = run_batch(&bt, ra, nra, conc)) != 0)
			goto out;
		scan->attempts += nra;
	}
	for (k = 0; k < nra; k++) {
		struct att *a = &ra[k];

		v = a->ver;
		snprintf(why1, sizeof(why1), "%s", scan->note[v]);
		switch (a->outcome) {
		case O_ACCEPTED:
			scan->version[v] = ASSAY_TLS_ACCEPTED;
			scan->legacy[v] = 1;
			nm = suite_name(a->hello_cipher, names[v], ids[v],
			    nnames[v], idbuf, sizeof(idbuf));
			snprintf(scan->note[v], sizeof(scan->note[v]),
			    "accepted a hand-built hello (suite %s); OpenSSL's "
			    "hello: %.120s", nm, why1);
			break;
		case O_REJECTED:
			snprintf(scan->note[v], sizeof(scan->note[v]),
			    "%.120s; a hello offering every suite: %.100s", why1,
			    a->why);
			break;
		default:
			scan->version[v] = ASSAY_TLS_NOT_TESTABLE;
			snprintf(scan->note[v], sizeof(scan->note[v]),
			    "not testable: OpenSSL's hello: %.100s; a hello "
			    "offering every suite: %.100s", why1, a->why);
			break;
		}
	}
	if (!with_ciphers)
		goto done;

	/*
	 * Then one suite at a time for each accepted version: OpenSSL's
	 * suites through OpenSSL (TLS 1.3: its five), the legacy ones
	 * through hand-built hellos.
	 */
	for (v = ASSAY_TLS_1_0; v <= ASSAY_TLS_1_3; v++) {
		if (scan->version[v] != ASSAY_TLS_ACCEPTED)
			continue;
		nca += v == ASSAY_TLS_1_3 ? NTLS13 :
		    (size_t)nnames[v] + nlegacy[v];
	}
	if (nca == 0)
		goto done;
	r = ASSAY_ERR_ALLOC;
	if ((ca = calloc(nca, sizeof(*ca))) == NULL)
		goto out;
	nca = 0;
	for (v = ASSAY_TLS_1_0; v <= ASSAY_TLS_1_3; v++) {
		if (scan->version[v] != ASSAY_TLS_ACCEPTED)
			continue;
		if (v == ASSAY_TLS_1_3) {
			for (i = 0; i < NTLS13; i++) {
				ca[nca].kind = K_TLS;
				ca[nca].ver = v;
				ca[nca].cipher = tls13_suites[i];
				ca[nca++].cipher_id = 0x1301 + (unsigned int)i;
			}
			continue;
		}
		for (i = 0; i < (size_t)nnames[v]; i++) {
			ca[nca].kind = K_TLS;
			ca[nca].ver = v;
			ca[nca].cipher = names[v][i];
			ca[nca++].cipher_id = ids[v][i];
		}
		for (i = 0; i < nlegacy[v]; i++) {
			ca[nca].kind = K_RAW;
			ca[nca].ver = v;
			ca[nca].suites = &all[v][i];
			ca[nca].nsuites = 1;
			ca[nca].cipher_id = all[v][i];
			ca[nca++].cipher = legacy_name(all[v][i]);
		}
	}
	if ((r = run_batch(&bt, ca, nca, conc)) != 0)
		goto out;
	scan->attempts += nca;
	for (i = 0; i < nca; i++) {
		if (ca[i].outcome == O_ACCEPTED &&
		    (r = add_cipher(scan, ca[i].ver, ca[i].cipher)) != 0)
			goto out;
		if (ca[i].outcome == O_TIMEOUT || ca[i].outcome == O_NETFAIL)
			assay_probe_note(env, bt.chan, "%s %s: not testable: %s",
			    version_names[ca[i].ver], ca[i].cipher, ca[i].why);
	}
 done:
	scan->max_in_flight = bt.max_in_flight;
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++)
		assay_probe_note(env, bt.chan, "%s: %s%s%s, %zu suites accepted",
		    version_names[v],
		    scan->version[v] == ASSAY_TLS_ACCEPTED ? "accepted" :
		    scan->version[v] == ASSAY_TLS_REJECTED ? "refused" :
		    "untestable", scan->note[v][0] != '\0' ? ": " : "",
		    scan->note[v], scan->ncipher[v]);
	*scanp = scan;
	scan = NULL;
	r = 0;
 out:
	if (ca != NULL)
		for (i = 0; i < nca; i++)
			assay_tls_info_free(ca[i].info);
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		assay_tls_info_free(va[v].info);
		free(names[v]);
		free(ids[v]);
		free(all[v]);
	}
	free(ca);
	assay_tls_scan_free(scan);
	if (have_bt)
		batch_free(&bt);
	return r;
}

/* Lua binding (contract: probe/lua.h). */

static void
setstr(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v != NULL ? v : "");
	lua_setfield(L, -2, k);
}

/* Pushes the list of certificates of info, leaf first. */
static void
push_chain(lua_State *L, const struct assay_tls_info *info)
{
	size_t i, n = assay_tls_info_chain_len(info);

	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		lua_createtable(L, 0, 9);
		setstr(L, "subject", assay_tls_info_cert_subject(info, i));
		setstr(L, "issuer", assay_tls_info_cert_issuer(info, i));
		setstr(L, "key_type", assay_tls_info_cert_key_type(info, i));
		lua_pushinteger(L, assay_tls_info_cert_key_bits(info, i));
		lua_setfield(L, -2, "key_bits");
		setstr(L, "signature_algorithm",
		    assay_tls_info_cert_sig_alg(info, i));
		setstr(L, "not_before", assay_tls_info_cert_not_before(info, i));
		setstr(L, "not_after", assay_tls_info_cert_not_after(info, i));
		lua_pushboolean(L, assay_tls_info_cert_self_signed(info, i));
		lua_setfield(L, -2, "self_signed");
		setstr(L, "sha256", assay_tls_info_cert_sha256(info, i));
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static void
certs_free_cb(void *p)
{
	assay_tls_certs_free(p);
}

/*
 * Sets certificates (one entry per distinct leaf, with the family of
 * signature algorithms that showed it) and certificates_failed (family ->
 * why) in the table on top of the stack.
 */
static void
push_certificates(lua_State *L, const struct assay_probe_env *env,
    const char *host, unsigned int port, const char *sni, const char *match,
    int v, int timeout_ms, size_t max_bytes)
{
	struct assay_tls_certs **cp;
	const struct assay_tls_info *ci;
	char reason[REASON_MAX] = "";
	size_t i, n;
	int r;

	cp = (struct assay_tls_certs **)assay_lua_box(L, certs_free_cb);
	r = assay_probe_tls_certificates(env, host, port, sni, match, v,
	    timeout_ms, max_bytes, cp, reason, sizeof(reason));
	n = assay_tls_certs_count(*cp);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		ci = assay_tls_certs_info(*cp, i);
		lua_createtable(L, 0, 8);
		setstr(L, "family", assay_tls_certs_family(*cp, i));
		setstr(L, "protocol", assay_tls_info_protocol(ci));
		setstr(L, "cipher", assay_tls_info_cipher(ci));
		setstr(L, "subject", assay_tls_info_cert_subject(ci, 0));
		setstr(L, "key_type", assay_tls_info_cert_key_type(ci, 0));
		lua_pushinteger(L, assay_tls_info_cert_key_bits(ci, 0));
		lua_setfield(L, -2, "key_bits");
		setstr(L, "sha256", assay_tls_info_cert_sha256(ci, 0));
		if (assay_tls_info_hostname_match(ci) >= 0) {
			lua_pushboolean(L, assay_tls_info_hostname_match(ci));
			lua_setfield(L, -2, "hostname_match");
		}
		push_chain(L, ci);
		lua_setfield(L, -2, "chain");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -3, "certificates");
	lua_createtable(L, 0, 4);
	if (r != 0) {
		lua_pushfstring(L, "probe error: %s", assay_strerror(r));
		lua_setfield(L, -2, "all");
	}
	for (i = 0; i < assay_tls_certs_failed_count(*cp); i++) {
		lua_pushstring(L, assay_tls_certs_failed_reason(*cp, i));
		lua_setfield(L, -2, assay_tls_certs_failed_family(*cp, i));
	}
	if (*cp == NULL && r == 0 && reason[0] != '\0') {
		lua_pushstring(L, reason);
		lua_setfield(L, -2, "all");
	}
	lua_setfield(L, -3, "certificates_failed");
	lua_pop(L, 1);	/* the userdatum; __gc frees the list */
}

static void
info_free_cb(void *p)
{
	assay_tls_info_free(p);
}

static int
l_tls_handshake(lua_State *L)
{
	static const char *const known[] = { "host", "port", "servername",
	    "match", "version", "timeout_ms", "max_read", "certificates", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_tls_info **pp;
	char reason[REASON_MAX] = "";
	const char *host, *sni, *vname, *match;
	size_t max_read;
	int v = ASSAY_TLS_ANY, r, port, timeout_ms, m, with_certs;

	assay_lua_opts(L, "tls_handshake", known);
	host = assay_lua_host(L, "tls_handshake");
	port = assay_lua_port(L, "tls_handshake", 0);
	sni = assay_lua_opt_str(L, "tls_handshake", "servername", NULL);
	match = assay_lua_opt_str(L, "tls_handshake", "match", NULL);
	vname = assay_lua_opt_str(L, "tls_handshake", "version", NULL);
	timeout_ms = assay_lua_timeout(L, "tls_handshake");
	max_read = assay_lua_max_read(L, "tls_handshake");
	with_certs = assay_lua_opt_bool(L, "tls_handshake", "certificates", 1);
	if (vname != NULL && ((v = assay_tls_version_from_name(vname)) < 0 ||
	    v == ASSAY_TLS_SSL3))
		return assay_lua_argerror(L, "tls_handshake", "version \"%.40s\" "
		    "is not one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3", vname);
	/* The info lives in a userdatum so a raised error can't leak it. */
	pp = (struct assay_tls_info **)assay_lua_box(L, info_free_cb);
	r = assay_probe_tls_handshake(env, host, (unsigned int)port, sni, match,
	    v, timeout_ms, max_read, pp, reason, sizeof(reason));
	if (r != 0)
		return assay_lua_harness_error(L, "tls_handshake", r, timeout_ms);
	if (*pp == NULL)
		return assay_lua_fail(L, reason);
	lua_createtable(L, 0, 6);
	setstr(L, "protocol", assay_tls_info_protocol(*pp));
	setstr(L, "cipher", assay_tls_info_cipher(*pp));
	setstr(L, "key_exchange", assay_tls_info_key_exchange(*pp));
	m = assay_tls_info_hostname_match(*pp);
	if (m >= 0) {
		lua_pushboolean(L, m);
		lua_setfield(L, -2, "hostname_match");
	}
	setstr(L, "match_name", assay_tls_info_match_name(*pp));
	push_chain(L, *pp);
	lua_setfield(L, -2, "chain");
	if (with_certs)
		push_certificates(L, env, host, (unsigned int)port, sni, match,
		    v, timeout_ms, max_read);
	return 1;
}

static void
scan_free_cb(void *p)
{
	assay_tls_scan_free(p);
}

static int
l_tls_enumerate(lua_State *L)
{
	static const char *const known[] = { "host", "port", "servername",
	    "timeout_ms", "ciphers", NULL };
	const struct assay_probe_env *env = assay_probe_env_get(L);
	struct assay_tls_scan **pp;
	char reason[REASON_MAX] = "";
	const char *host, *sni;
	size_t i, n;
	int r, v, port, timeout_ms, with_ciphers, st;

	assay_lua_opts(L, "tls_enumerate", known);
	host = assay_lua_host(L, "tls_enumerate");
	port = assay_lua_port(L, "tls_enumerate", 0);
	sni = assay_lua_opt_str(L, "tls_enumerate", "servername", NULL);
	timeout_ms = assay_lua_timeout(L, "tls_enumerate");
	with_ciphers = assay_lua_opt_bool(L, "tls_enumerate", "ciphers", 1);
	pp = (struct assay_tls_scan **)assay_lua_box(L, scan_free_cb);
	r = assay_probe_tls_enumerate(env, host, (unsigned int)port, sni,
	    timeout_ms, with_ciphers, pp, reason, sizeof(reason));
	if (r != 0)
		return assay_lua_harness_error(L, "tls_enumerate", r, timeout_ms);
	if (*pp == NULL)
		return assay_lua_fail(L, reason);
	lua_createtable(L, 0, 3);
	lua_createtable(L, 0, ASSAY_TLS_NVERSIONS);	/* versions */
	lua_createtable(L, 0, 1);			/* untested */
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		st = assay_tls_scan_version(*pp, v);
		if (st == ASSAY_TLS_ACCEPTED || st == ASSAY_TLS_REJECTED) {
			lua_pushboolean(L, st == ASSAY_TLS_ACCEPTED);
			lua_setfield(L, -3, version_names[v]);
		} else if (st == ASSAY_TLS_NOT_TESTABLE) {
			lua_pushstring(L, assay_tls_scan_version_note(*pp, v));
			lua_setfield(L, -2, version_names[v]);
		}
	}
	lua_setfield(L, -3, "untested");
	lua_setfield(L, -2, "versions");
	/* The three states by name, with the reason for each. */
	lua_createtable(L, 0, ASSAY_TLS_NVERSIONS);	/* version_state */
	lua_createtable(L, 0, ASSAY_TLS_NVERSIONS);	/* version_reason */
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		st = assay_tls_scan_version(*pp, v);
		if (st == ASSAY_TLS_UNTESTED)
			continue;
		lua_pushstring(L, st == ASSAY_TLS_ACCEPTED ? "accepted" :
		    st == ASSAY_TLS_REJECTED ? "refused" : "untestable");
		lua_setfield(L, -3, version_names[v]);
		lua_pushstring(L, assay_tls_scan_version_note(*pp, v));
		lua_setfield(L, -2, version_names[v]);
	}
	lua_setfield(L, -3, "version_reason");
	lua_setfield(L, -2, "version_state");
	lua_createtable(L, 0, 4);
	for (v = 0; v < ASSAY_TLS_NVERSIONS && with_ciphers; v++) {
		if (assay_tls_scan_version(*pp, v) != ASSAY_TLS_ACCEPTED ||
		    v == ASSAY_TLS_SSL3)
			continue;
		n = assay_tls_scan_ncipher(*pp, v);
		lua_createtable(L, (int)n, 0);
		for (i = 0; i < n; i++) {
			lua_pushstring(L, assay_tls_scan_cipher(*pp, v, i));
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, version_names[v]);
	}
	lua_setfield(L, -2, "ciphers");
	return 1;
}

void
assay_probe_tls_lua_register(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "tls_handshake", l_tls_handshake },
		{ "tls_enumerate", l_tls_enumerate },
		{ NULL, NULL }
	};

	luaL_setfuncs(L, fns, 0);
}
