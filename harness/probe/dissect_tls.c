/*
 * dissect_tls.c - TLS and DTLS handshakes seen in a capture.
 *
 * What is in clear: the hellos (versions offered and chosen, suites, SNI,
 * ALPN), up to TLS 1.2 the server's Certificate message (each DER through
 * OpenSSL's d2i_X509 for subject, issuer, validity and SAN), and alerts
 * sent before ChangeCipherSpec.  From TLS 1.3 on, everything after the
 * ServerHello is encrypted: the certificates of a 1.3 handshake cannot be
 * read from a capture, and the fact says so instead of staying silent.
 *
 * TLS handshake messages may span records (a 4 KiB chain in two
 * records), so the handshake bytes of one direction are joined in a
 * capped buffer before messages are cut out of it.  DTLS messages are
 * read from one record each; a fragmented DTLS message is noted, not
 * reassembled.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/error.h"
#include "probe/dissect.h"

#define HS_MAX		(256 * 1024)	/* handshake bytes joined per direction */
#define REC_MAX		(16384 + 2048)	/* TLSCiphertext limit */
#define MAPS_MAX	4096

static pthread_once_t	 ssl_once = PTHREAD_ONCE_INIT;
static SSL_CTX		*ssl_ctx;
static SSL		*ssl_obj;

/* One SSL object, only to look suites up by their two bytes. */
static void
ssl_init(void)
{
	if ((ssl_ctx = SSL_CTX_new(TLS_method())) != NULL &&
	    (ssl_obj = SSL_new(ssl_ctx)) == NULL) {
		SSL_CTX_free(ssl_ctx);
		ssl_ctx = NULL;
	}
}

static void
version_name(unsigned int v, char *buf, size_t len)
{
	const char *n = NULL;

	switch (v) {
	case 0x0300: n = "SSLv3"; break;
	case 0x0301: n = "TLSv1"; break;
	case 0x0302: n = "TLSv1.1"; break;
	case 0x0303: n = "TLSv1.2"; break;
	case 0x0304: n = "TLSv1.3"; break;
	case 0xfeff: n = "DTLSv1"; break;
	case 0xfefd: n = "DTLSv1.2"; break;
	case 0xfefc: n = "DTLSv1.3"; break;
	}
	if (n != NULL)
		(void)snprintf(buf, len, "%s", n);
	else
		(void)snprintf(buf, len, "0x%04x", v);
}

/* RFC 8701 GREASE values: 0x?a?a with both bytes equal. */
static int
grease(unsigned int v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

static void
suite_name(unsigned int id, char *buf, size_t len)
{
	const SSL_CIPHER *c = NULL;
	const char *n = NULL;
	unsigned char b[2];

	if (id == 0x00ff)
		n = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";
	else if (id == 0x5600)
		n = "TLS_FALLBACK_SCSV";
	else {
		(void)pthread_once(&ssl_once, ssl_init);
		b[0] = (unsigned char)(id >> 8);
		b[1] = (unsigned char)id;
		if (ssl_obj != NULL && (c = SSL_CIPHER_find(ssl_obj, b)) != NULL)
			n = SSL_CIPHER_standard_name(c);
	}
	if (n != NULL)
		(void)snprintf(buf, len, "%s", n);
	else
		(void)snprintf(buf, len, "0x%04x", id);
}

static unsigned int
be16(const unsigned char *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

static size_t
be24(const unsigned char *p)
{
	return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

struct tls_dir {
	struct assay_facts		*fs;
	const struct assay_dissect_ctx	*ctx;
	int				 dtls, to_server;
	int				 encrypted;	/* after CCS or 1.3 SH */
	int				 tls13;
};

static unsigned long
frame_at(const struct tls_dir *d, size_t off)
{
	if (d->ctx == NULL || d->ctx->frame_at == NULL)
		return 0;
	return d->ctx->frame_at(d->ctx->arg, off);
}

static struct assay_fact *
fact(struct tls_dir *d, const char *msg, size_t off, int *r)
{
	struct assay_fact *f;

	f = assay_facts_add(d->fs, d->dtls ? "dtls" : "tls", frame_at(d, off),
	    d->ctx ? d->ctx->flow : -1, r);
	if (f != NULL)
		(void)assay_fact_set_str(f, "message", msg, strlen(msg));
	return f;
}

static int
malformed(struct assay_fact *f, const char *why)
{
	return assay_fact_set_str(f, "malformed", why, strlen(why));
}

/* The extensions block of a hello, from *off to len. */
static int
hello_extensions(struct assay_fact *f, const unsigned char *b, size_t len,
    size_t off, int client, unsigned int *chosen)
{
	char vn[32];
	size_t elen, end, l, i, nl, vl;
	unsigned int type, v;
	int r;

	if (off == len)
		return 0;
	if (len - off < 2)
		return malformed(f, "extensions cut short");
	elen = be16(b + off);
	off += 2;
	if (len - off < elen)
		return malformed(f, "extensions cut short");
	end = off + elen;
	while (end - off >= 4) {
		type = be16(b + off);
		l = be16(b + off + 2);
		off += 4;
		if (end - off < l)
			return malformed(f, "extension cut short");
		if (type == 0 && client && l >= 5) {
			/* server_name: list length, type 0 (host_name), name */
			nl = be16(b + off + 3);
			if (b[off + 2] == 0 && nl <= l - 5 &&
			    (r = assay_fact_set_str(f, "sni", b + off + 5,
			    nl)) != 0)
				return r;
		} else if (type == 43 && client && l >= 1) {
			vl = b[off];
			if (vl > l - 1)
				vl = l - 1;
			(void)assay_fact_list(f, "versions");
			for (i = 0; i + 1 < vl; i += 2) {
				v = be16(b + off + 1 + i);
				if (grease(v))
					continue;
				version_name(v, vn, sizeof(vn));
				if ((r = assay_fact_list_add(f, "versions", vn,
				    strlen(vn))) != 0)
					return r;
			}
		} else if (type == 43 && !client && l == 2) {
			*chosen = be16(b + off);
		} else if (type == 16 && l >= 2) {
			size_t o = off + 2, e = off + l;

			while (o < e && e - o >= 1u + b[o]) {
				if ((r = assay_fact_list_add(f, "alpn", b + o + 1,
				    b[o])) != 0)
					return r;
				o += 1u + b[o];
			}
		}
		off += l;
	}
	return 0;
}

static int
client_hello(struct tls_dir *d, const unsigned char *b, size_t len,
    size_t soff)
{
	struct assay_fact *f;
	char vn[64];
	size_t off, l, i;
	unsigned int v, chosen = 0;
	int r = 0;

	if ((f = fact(d, "client_hello", soff, &r)) == NULL)
		return r;
	if (len < 35)
		return malformed(f, "ClientHello cut short");
	v = be16(b);
	version_name(v, vn, sizeof(vn));
	(void)assay_fact_set_str(f, "legacy_version", vn, strlen(vn));
	off = 34;
	l = b[off];
	if (len - off - 1 < l)
		return malformed(f, "session id cut short");
	off += 1 + l;
	if (d->dtls) {
		if (off >= len || len - off - 1 < b[off])
			return malformed(f, "cookie cut short");
		(void)assay_fact_set_bool(f, "cookie", b[off] != 0);
		off += 1u + b[off];
	}
	if (len - off < 2)
		return malformed(f, "cipher suites cut short");
	l = be16(b + off);
	off += 2;
	if (len - off < l)
		return malformed(f, "cipher suites cut short");
	(void)assay_fact_list(f, "suites");
	for (i = 0; i + 1 < l; i += 2) {
		v = be16(b + off + i);
		if (grease(v))
			continue;
		suite_name(v, vn, sizeof(vn));
		if ((r = assay_fact_list_add(f, "suites", vn, strlen(vn))) != 0)
			return r;
	}
	off += l;
	if (off >= len || len - off - 1 < b[off])
		return malformed(f, "compression methods cut short");
	off += 1u + b[off];
	if ((r = hello_extensions(f, b, len, off, 1, &chosen)) != 0)
		return r;
	/* No supported_versions: the legacy version is the only one offered. */
	if (assay_fact_field(f, "versions") == NULL) {
		version_name(be16(b), vn, sizeof(vn));
		if ((r = assay_fact_list_add(f, "versions", vn,
		    strlen(vn))) != 0)
			return r;
	}
	return 0;
}

static int
server_hello(struct tls_dir *d, const unsigned char *b, size_t len,
    size_t soff)
{
	static const unsigned char hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d,
		0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16,
		0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
		0x33, 0x9c };
	struct assay_fact *f;
	char vn[64];
	size_t off, l;
	unsigned int chosen;
	int r = 0;

	if ((f = fact(d, "server_hello", soff, &r)) == NULL)
		return r;
	if (len < 35)
		return malformed(f, "ServerHello cut short");
	if (memcmp(b + 2, hrr, 32) == 0)
		(void)assay_fact_set_str(f, "message", "hello_retry_request",
		    19);
	chosen = be16(b);
	off = 34;
	l = b[off];
	if (len - off - 1 < l)
		return malformed(f, "session id cut short");
	off += 1 + l;
	if (len - off < 3)
		return malformed(f, "cipher suite cut short");
	suite_name(be16(b + off), vn, sizeof(vn));
	(void)assay_fact_set_str(f, "suite", vn, strlen(vn));
	off += 3;
	if ((r = hello_extensions(f, b, len, off, 0, &chosen)) != 0)
		return r;
	version_name(chosen, vn, sizeof(vn));
	(void)assay_fact_set_str(f, "version", vn, strlen(vn));
	if (chosen == 0x0304 || chosen == 0xfefc) {
		d->tls13 = 1;
		(void)assay_fact_set_bool(f, "certificates_encrypted", 1);
		/* What follows the 1.3 ServerHello is encrypted. */
		if (assay_fact_str(f, "message") != NULL &&
		    strcmp(assay_fact_str(f, "message"), "server_hello") == 0)
			d->encrypted = 1;
	}
	return 0;
}

static int
asn1_time(const ASN1_TIME *t, char *buf, size_t len)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	return strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0 ? 0 : -1;
}

static int
x509_name(struct assay_fact *f, const char *key, const X509_NAME *n)
{
	BIO *bio;
	char *p;
	long l;
	int r;

	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return ASSAY_ERR_ALLOC;
	(void)X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253 &
	    ~ASN1_STRFLGS_ESC_MSB);
	l = BIO_get_mem_data(bio, &p);
	r = assay_fact_set_str(f, key, p, l > 0 ? (size_t)l : 0);
	BIO_free(bio);
	return r;
}

static int
certificate(struct tls_dir *d, const unsigned char *b, size_t len,
    size_t soff)
{
	GENERAL_NAMES *sans;
	const GENERAL_NAME *gn;
	struct assay_fact *f;
	const unsigned char *der;
	X509 *x;
	char tb[64];
	size_t total, off, cl, pos = 0;
	int r = 0, i;

	if (len < 3)
		goto cut;
	total = be24(b);
	if (total > len - 3)
		goto cut;
	off = 3;
	while (off < 3 + total) {
		if (3 + total - off < 3)
			goto cut;
		cl = be24(b + off);
		off += 3;
		if (3 + total - off < cl)
			goto cut;
		if (pos >= ASSAY_DISSECT_MAX_CERTS) {
			if ((f = fact(d, "certificate", soff, &r)) == NULL)
				return r;
			return malformed(f, "more certificates than parsed");
		}
		if ((f = fact(d, "certificate", soff, &r)) == NULL)
			return r;
		(void)assay_fact_set_int(f, "position", (long long)pos);
		der = b + off;
		if ((x = d2i_X509(NULL, &der, (long)cl)) == NULL) {
			if ((r = malformed(f, "DER does not parse")) != 0)
				return r;
		} else {
			if ((r = x509_name(f, "subject",
			    X509_get_subject_name(x))) != 0 ||
			    (r = x509_name(f, "issuer",
			    X509_get_issuer_name(x))) != 0) {
				X509_free(x);
				return r;
			}
			if (asn1_time(X509_get0_notBefore(x), tb,
			    sizeof(tb)) == 0)
				(void)assay_fact_set_str(f, "not_before", tb,
				    strlen(tb));
			if (asn1_time(X509_get0_notAfter(x), tb,
			    sizeof(tb)) == 0)
				(void)assay_fact_set_str(f, "not_after", tb,
				    strlen(tb));
			(void)assay_fact_set_bool(f, "self_signed",
			    X509_check_issued(x, x) == X509_V_OK);
			(void)assay_fact_list(f, "san");
			sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL,
			    NULL);
			for (i = 0; sans != NULL &&
			    i < sk_GENERAL_NAME_num(sans); i++) {
				gn = sk_GENERAL_NAME_value(sans, i);
				if (gn->type == GEN_DNS)
					r = assay_fact_list_add(f, "san",
					    ASN1_STRING_get0_data(gn->d.dNSName),
					    (size_t)ASN1_STRING_length(
					    gn->d.dNSName));
				else if (gn->type == GEN_IPADD) {
					const unsigned char *a =
					    ASN1_STRING_get0_data(gn->d.iPAddress);
					int al = ASN1_STRING_length(
					    gn->d.iPAddress), n = 0;

					if (al == 4)
						n = snprintf(tb, sizeof(tb),
						    "%u.%u.%u.%u", a[0], a[1],
						    a[2], a[3]);
					else
						n = snprintf(tb, sizeof(tb),
						    "(IP of %d bytes)", al);
					r = assay_fact_list_add(f, "san", tb,
					    (size_t)n);
				}
				if (r != 0)
					break;
			}
			GENERAL_NAMES_free(sans);
			X509_free(x);
			if (r != 0)
				return r;
		}
		off += cl;
		pos++;
	}
	return 0;
cut:
	if ((f = fact(d, "certificate", soff, &r)) == NULL)
		return r;
	return malformed(f, "Certificate message cut short");
}

static int
handshake_msg(struct tls_dir *d, unsigned int type, const unsigned char *b,
    size_t len, size_t soff)
{
	switch (type) {
	case 1:
		return d->to_server ? client_hello(d, b, len, soff) : 0;
	case 2:
		return d->to_server ? 0 : server_hello(d, b, len, soff);
	case 11:
		/* A 1.3 Certificate is never in clear; this is <= 1.2. */
		return certificate(d, b, len, soff);
	}
	return 0;
}

static int
alert(struct tls_dir *d, const unsigned char *b, size_t len, size_t soff)
{
	struct assay_fact *f;
	const char *desc;
	int r = 0;

	if ((f = fact(d, "alert", soff, &r)) == NULL)
		return r;
	(void)assay_fact_set_str(f, "direction", d->to_server ? "to_server" :
	    "to_client", 9);
	if (d->encrypted || len != 2) {
		(void)assay_fact_set_bool(f, "encrypted", 1);
		return 0;
	}
	(void)assay_fact_set_bool(f, "encrypted", 0);
	(void)assay_fact_set_str(f, "level", b[0] == 2 ? "fatal" : "warning",
	    b[0] == 2 ? 5 : 7);
	(void)assay_fact_set_int(f, "code", b[1]);
	desc = SSL_alert_desc_string_long(b[1]);
	return assay_fact_set_str(f, "description", desc, strlen(desc));
}

/* Offsets in the stream where joined handshake bytes came from. */
struct hsmap {
	size_t	hs_off, stream_off;
};

static size_t
hs_stream_off(const struct hsmap *m, size_t nm, size_t hs_off)
{
	size_t i, best = 0;

	for (i = 0; i < nm && m[i].hs_off <= hs_off; i++)
		best = m[i].stream_off + (hs_off - m[i].hs_off);
	return best;
}

static int
tls_stream(struct tls_dir *d, const unsigned char *p, size_t len)
{
	struct assay_fact *f, *appdata = NULL;
	struct hsmap *map = NULL;
	unsigned char *hs = NULL;
	size_t off = 0, rl, hl = 0, hpos = 0, nm = 0, ml, napp = 0;
	unsigned int type;
	int r = 0;

	if ((hs = malloc(HS_MAX)) == NULL ||
	    (map = calloc(MAPS_MAX, sizeof(*map))) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	while (len - off >= 5) {
		type = p[off];
		rl = be16(p + off + 3);
		if (type < 20 || type > 24 || p[off + 1] != 3) {
			if ((f = fact(d, "not_tls", off, &r)) != NULL)
				r = malformed(f, "record header is not TLS");
			goto out;
		}
		if (rl > REC_MAX) {
			if ((f = fact(d, "overlong_record", off, &r)) != NULL)
				r = malformed(f, "record longer than TLS allows");
			goto out;
		}
		if (len - off - 5 < rl)
			break;	/* cut by the capture or the flow cap */
		switch (type) {
		case 20:
			d->encrypted = 1;
			break;
		case 21:
			if ((r = alert(d, p + off + 5, rl, off)) != 0)
				goto out;
			break;
		case 22:
			if (d->encrypted)
				break;
			if (HS_MAX - hl < rl || nm == MAPS_MAX) {
				if ((f = fact(d, "handshake_cut", off,
				    &r)) != NULL)
					r = malformed(f, "handshake longer "
					    "than the dissector's cap");
				goto out;
			}
			map[nm].hs_off = hl;
			map[nm++].stream_off = off + 5;	/* the fragment, past the header */
			memcpy(hs + hl, p + off + 5, rl);
			hl += rl;
			while (hl - hpos >= 4 && !d->encrypted) {
				ml = be24(hs + hpos + 1);
				if (hl - hpos - 4 < ml)
					break;
				if ((r = handshake_msg(d, hs[hpos],
				    hs + hpos + 4, ml, hs_stream_off(map, nm,
				    hpos))) != 0)
					goto out;
				hpos += 4 + ml;
			}
			break;
		case 23:
			if (napp++ == 0) {
				if ((appdata = fact(d, "application_data", off,
				    &r)) == NULL && r != 0)
					goto out;
				(void)assay_fact_set_str(appdata, "direction",
				    d->to_server ? "to_server" : "to_client", 9);
			}
			(void)assay_fact_set_int(appdata, "records",
			    (long long)napp);
			break;
		}
		off += 5 + rl;
	}
out:
	free(hs);
	free(map);
	return r;
}

static int
dtls_datagram(struct tls_dir *d, const unsigned char *p, size_t len)
{
	struct assay_fact *f;
	size_t off = 0, rl, ml, fo, fl;
	unsigned int type, epoch;
	int r = 0;

	while (len - off >= 13) {
		type = p[off];
		epoch = be16(p + off + 3);
		rl = be16(p + off + 11);
		if (type < 20 || type > 25 || p[off + 1] != 0xfe)
			return 0;
		if (len - off - 13 < rl)
			return 0;
		if (type == 21)
			r = alert(d, p + off + 13, epoch ? 0 : rl, off);
		else if (type == 22 && epoch == 0 && rl >= 12) {
			ml = be24(p + off + 13 + 1);
			fo = be24(p + off + 13 + 6);
			fl = be24(p + off + 13 + 9);
			if (fo != 0 || fl != ml || ml > rl - 12) {
				if ((f = fact(d, "fragment", off, &r)) != NULL)
					r = malformed(f, "fragmented DTLS "
					    "handshake message not reassembled");
			} else
				r = handshake_msg(d, p[off + 13],
				    p + off + 13 + 12, ml, off);
		} else if (type == 23 && (f = fact(d, "application_data", off,
		    &r)) != NULL)
			(void)assay_fact_set_str(f, "direction", d->to_server ?
			    "to_server" : "to_client", 9);
		if (r != 0)
			return r;
		off += 13 + rl;
	}
	return 0;
}

int
assay_dissect_tls(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
    const unsigned char *p, size_t len, int to_server, int dtls)
{
	struct tls_dir d;

	memset(&d, 0, sizeof(d));
	d.fs = fs;
	d.ctx = ctx;
	d.dtls = dtls;
	d.to_server = to_server;
	return dtls ? dtls_datagram(&d, p, len) : tls_stream(&d, p, len);
}
