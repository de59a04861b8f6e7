/*
 * firmware_carve.c - what a firmware file gives away: private keys and
 * certificates (PEM, DER, OpenSSH), accounts of etc/shadow and
 * etc/passwd with their hash scheme, hard-coded credentials (declared
 * secrets, default-list pairs) and component versions, and the
 * CycloneDX SBOM built from the components.
 *
 * Pure functions over memory: the unpacker (firmware.c) reads each file
 * within its cap and hands the bytes here; the unit tests and the fuzz
 * target call the same entry point.  Every scan is linear in the input or
 * bounded by a count (PEM blocks, DER attempts, lines), so a hostile file
 * costs at most its size times a small constant.
 */
#include <ctype.h>
#include <crypt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/json.h"
#include "base/utf8.h"
#include "probe/conn.h"
#include "probe/cred.h"
#include "probe/firmware_impl.h"
#include "probe/probe.h"

#define PEM_MAX_BLOCK		(256 * 1024)	/* one PEM block */
#define PEM_MAX_BLOCKS		256		/* per file */
#define DER_MAX_TRIES		4096		/* per file */
#define LINE_MAX_LEN		4096		/* shadow, passwd, status */
#define LINES_MAX		20000
#define CRACK_MAX_TRIES		2000		/* crypt() calls per scan */
#define CRACK_MS		ASSAY_FW_CRACK_MS
#define TOKEN_MAX		128
#define PAIR_WINDOW		64	/* bytes between user and password */
#define VERSION_MAX		40
#define OCCURRENCES_MAX		16	/* paths per SBOM component */

/* --- result helpers ------------------------------------------------- */

int
assay_fw_grow(void **v, size_t *alloc, size_t n, size_t size)
{
	size_t na;
	void *nv;

	if (n < *alloc)
		return 0;
	na = *alloc == 0 ? 16 : *alloc * 2;
	if (na > SIZE_MAX / size)
		return ASSAY_ERR_ALLOC;
	if ((nv = realloc(*v, na * size)) == NULL)
		return ASSAY_ERR_ALLOC;
	*v = nv;
	*alloc = na;
	return 0;
}

char *
assay_fw_text(const char *s, size_t len)
{
	return assay_utf8_clean(s, len, 0);
}

int
assay_fw_cap_hit(const struct assay_fw_result *res, const char *what)
{
	size_t i;

	for (i = 0; i < res->caps.n; i++)
		if (strcmp(res->caps.v[i].what, what) == 0)
			return 1;
	return 0;
}

int
assay_fw_note(struct assay_fw_result *res, enum assay_fw_notes which,
    const char *what, const char *path, const char *fmt, ...)
{
	struct assay_fw_note *n;
	char detail[512];
	va_list ap;

	if (which == FW_CAP && assay_fw_cap_hit(res, what))
		return 0;
	if (which != FW_CAP) {
		size_t have = which == FW_REFUSED ? res->refused.n :
		    res->problems.n;
		if (have >= ASSAY_FW_MAX_FINDINGS)
			return assay_fw_note(res, FW_CAP, "findings", path,
			    "more than %d %s notes; the rest are not listed",
			    ASSAY_FW_MAX_FINDINGS, which == FW_REFUSED ?
			    "refused" : "problem");
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	switch (which) {
	case FW_CAP:
		n = FW_PUSH(res->caps);
		break;
	case FW_REFUSED:
		n = FW_PUSH(res->refused);
		break;
	default:
		n = FW_PUSH(res->problems);
		break;
	}
	if (n == NULL)
		return ASSAY_ERR_ALLOC;
	n->what = strdup(what);
	n->path = assay_fw_text(path != NULL ? path : "",
	    path != NULL ? strlen(path) : 0);
	n->detail = assay_fw_text(detail, strlen(detail));
	if (n->what == NULL || n->path == NULL || n->detail == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

/* Whether one more finding fits in a list of n; notes the cap once. */
static int
room(struct assay_fw_result *res, size_t n, const char *kind, const char *path)
{
	if (n < ASSAY_FW_MAX_FINDINGS)
		return 1;
	(void)assay_fw_note(res, FW_CAP, "findings", path,
	    "more than %d %s; the rest are not listed", ASSAY_FW_MAX_FINDINGS,
	    kind);
	return 0;
}

struct assay_fw_result *
assay_fw_result_new(void)
{
	return calloc(1, sizeof(struct assay_fw_result));
}

static void
notes_free(struct assay_fw_note *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].what);
		free(v[i].path);
		free(v[i].detail);
	}
	free(v);
}

void
assay_fw_result_free(struct assay_fw_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->kind);
	notes_free(r->caps.v, r->caps.n);
	notes_free(r->refused.v, r->refused.n);
	notes_free(r->problems.v, r->problems.n);
	for (i = 0; i < r->setuid.n; i++)
		free(r->setuid.v[i]);
	free(r->setuid.v);
	for (i = 0; i < r->keys.n; i++) {
		free(r->keys.v[i].path);
		free(r->keys.v[i].format);
		free(r->keys.v[i].type);
	}
	free(r->keys.v);
	for (i = 0; i < r->certs.n; i++) {
		free(r->certs.v[i].path);
		free(r->certs.v[i].format);
		free(r->certs.v[i].subject);
		free(r->certs.v[i].issuer);
		free(r->certs.v[i].not_before);
		free(r->certs.v[i].not_after);
		free(r->certs.v[i].key_type);
	}
	free(r->certs.v);
	for (i = 0; i < r->accounts.n; i++) {
		free(r->accounts.v[i].file);
		free(r->accounts.v[i].user);
		free(r->accounts.v[i].scheme);
		free(r->accounts.v[i].matches);
	}
	free(r->accounts.v);
	for (i = 0; i < r->creds.n; i++) {
		free(r->creds.v[i].path);
		free(r->creds.v[i].label);
	}
	free(r->creds.v);
	for (i = 0; i < r->components.n; i++) {
		free(r->components.v[i].name);
		free(r->components.v[i].version);
		free(r->components.v[i].path);
		free(r->components.v[i].source);
	}
	free(r->components.v);
	free(r->sbom);
	free(r);
}

/* --- the scanner ------------------------------------------------------ */

/* One default-list pair or declared secret to look for. */
struct needle {
	const char	*user;		/* NULL for a declared secret */
	const char	*password;
	size_t		 plen;
	char		*label;
	int		 token;		/* password is one token (word bytes only) */
	uint32_t	 hash;
	struct needle	*next;		/* same hash bucket */
};

#define NBUCKETS	512

struct assay_fw_scan {
	struct assay_fw_result	*res;
	struct needle		*pairs;		/* list entries */
	size_t			 npairs;
	struct needle		*secrets;	/* declared */
	size_t			 nsecrets;
	struct needle		*bucket[NBUCKETS];
	size_t			 crack_tries;
	long long		 crack_until;	/* clock ms; 0: no cracking */
};

/*
 * Word bytes, as base/redact.h counts them for weak secrets: a default
 * password matches only where it stands as a whole token, so "admin" is
 * found in "password=admin" but not in "/admin/" or "administrator".
 */
static int
word(unsigned char c)
{
	return isalnum(c) || c == '/' || c == '_' || c == '-' || c >= 0x80;
}

static uint32_t
fnv(const unsigned char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ *p++) * 16777619u;
	return h;
}

struct assay_fw_scan *
assay_fw_scan_new(const struct assay_fw_params *p, struct assay_fw_result *res)
{
	struct assay_fw_scan *s;
	size_t i, j, k, n = 0;
	char label[160];

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->res = res;
	if (p->limits.crack_ms >= 0)
		s->crack_until = assay_clock_ms() + (p->limits.crack_ms > 0 ?
		    p->limits.crack_ms : CRACK_MS);
	for (i = 0; i < p->nlists; i++)
		n += assay_cred_list_count(p->lists[i]);
	if (n > 0 && (s->pairs = calloc(n, sizeof(*s->pairs))) == NULL)
		goto fail;
	for (i = 0; i < p->nlists; i++) {
		for (j = 0; j < assay_cred_list_count(p->lists[i]); j++) {
			struct needle *nd = &s->pairs[s->npairs];

			nd->user = assay_cred_list_user(p->lists[i], j);
			nd->password = assay_cred_list_password(p->lists[i], j);
			nd->plen = strlen(nd->password);
			snprintf(label, sizeof(label), "%s:%zu",
			    p->list_names != NULL && p->list_names[i] != NULL ?
			    p->list_names[i] : "list", j + 1);
			if ((nd->label = strdup(label)) == NULL)
				goto fail;
			s->npairs++;
			if (nd->plen == 0 || nd->plen > TOKEN_MAX)
				continue;	/* empty: found as an empty hash */
			nd->token = 1;
			for (k = 0; k < nd->plen; k++)
				if (!word((unsigned char)nd->password[k]))
					nd->token = 0;
			if (nd->token) {
				nd->hash = fnv((const unsigned char *)
				    nd->password, nd->plen);
				nd->next = s->bucket[nd->hash % NBUCKETS];
				s->bucket[nd->hash % NBUCKETS] = nd;
			}
		}
	}
	if (p->nsecrets > 0 &&
	    (s->secrets = calloc(p->nsecrets, sizeof(*s->secrets))) == NULL)
		goto fail;
	for (i = 0; i < p->nsecrets; i++) {
		struct needle *nd = &s->secrets[s->nsecrets];

		if (p->secrets[i].value == NULL || p->secrets[i].value[0] == '\0')
			continue;
		nd->password = p->secrets[i].value;
		nd->plen = strlen(nd->password);
		snprintf(label, sizeof(label), "declared:%s",
		    p->secrets[i].label != NULL ? p->secrets[i].label : "");
		if ((nd->label = assay_fw_text(label, strlen(label))) == NULL)
			goto fail;
		s->nsecrets++;
	}
	return s;
fail:
	assay_fw_scan_free(s);
	return NULL;
}

void
assay_fw_scan_free(struct assay_fw_scan *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->npairs; i++)
		free(s->pairs[i].label);
	for (i = 0; i < s->nsecrets; i++)
		free(s->secrets[i].label);
	free(s->pairs);
	free(s->secrets);
	free(s);
}

/* Whether path is name or ends in "/" name. */
static int
path_is(const char *path, const char *name)
{
	size_t pl = strlen(path), nl = strlen(name);

	if (pl == nl)
		return strcmp(path, name) == 0;
	return pl > nl && path[pl - nl - 1] == '/' &&
	    strcmp(path + pl - nl, name) == 0;
}

/* --- keys and certificates ------------------------------------------- */

static char *
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[32];

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return strdup("");
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return strdup(buf);
}

static const char *
pkey_type(const EVP_PKEY *k)
{
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return "RSA";
	case EVP_PKEY_EC:
		return "EC";
	case EVP_PKEY_DSA:
		return "DSA";
	case EVP_PKEY_DH:
		return "DH";
	case EVP_PKEY_ED25519:
		return "ED25519";
	case EVP_PKEY_ED448:
		return "ED448";
	case EVP_PKEY_X25519:
		return "X25519";
	case EVP_PKEY_X448:
		return "X448";
	default:
		return "unknown";
	}
}

static int
add_key(struct assay_fw_scan *s, const char *path, size_t off,
    const char *format, const char *type, int bits, int encrypted)
{
	struct assay_fw_key *k;

	if (!room(s->res, s->res->keys.n, "private keys", path))
		return 0;
	if ((k = FW_PUSH(s->res->keys)) == NULL)
		return ASSAY_ERR_ALLOC;
	k->path = assay_fw_text(path, strlen(path));
	k->offset = off;
	k->format = strdup(format);
	k->type = strdup(type);
	k->bits = bits;
	k->encrypted = encrypted;
	if (k->path == NULL || k->format == NULL || k->type == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

static int
add_cert(struct assay_fw_scan *s, const char *path, size_t off,
    const char *format, X509 *x)
{
	struct assay_fw_cert *c;
	EVP_PKEY *pk;
	char *t;

	if (!room(s->res, s->res->certs.n, "certificates", path))
		return 0;
	if ((c = FW_PUSH(s->res->certs)) == NULL)
		return ASSAY_ERR_ALLOC;
	c->path = assay_fw_text(path, strlen(path));
	c->offset = off;
	c->format = strdup(format);
	if ((t = assay_x509_name_text(X509_get_subject_name(x))) != NULL) {
		c->subject = assay_fw_text(t, strlen(t));
		free(t);
	}
	if ((t = assay_x509_name_text(X509_get_issuer_name(x))) != NULL) {
		c->issuer = assay_fw_text(t, strlen(t));
		free(t);
	}
	c->not_before = asn1_time(X509_get0_notBefore(x));
	c->not_after = asn1_time(X509_get0_notAfter(x));
	c->expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
	c->self_signed = X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0;
	if ((pk = X509_get0_pubkey(x)) != NULL) {
		c->key_type = strdup(pkey_type(pk));
		c->bits = EVP_PKEY_get_bits(pk);
	} else
		c->key_type = strdup("unknown");
	ERR_clear_error();
	if (c->path == NULL || c->format == NULL || c->subject == NULL ||
	    c->issuer == NULL || c->not_before == NULL ||
	    c->not_after == NULL || c->key_type == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

/* Never asks anyone: an encrypted key stays encrypted. */
static int
no_passphrase(char *buf, int size, int rw, void *u)
{
	return -1;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * An "openssh-key-v1" blob (PROTOCOL.key of OpenSSH): the cipher name
 * says whether it is encrypted, the first public key blob its type.
 */
static int
openssh_key(struct assay_fw_scan *s, const char *path, size_t off,
    const char *b64, size_t b64len)
{
	unsigned char *der = NULL;
	char type[64] = "unknown";
	int encrypted = 0, r;
	size_t n, i, pos;
	uint32_t l;
	EVP_ENCODE_CTX *ctx;
	int outl = 0, fin = 0;

	if ((ctx = EVP_ENCODE_CTX_new()) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((der = malloc(b64len + 16)) == NULL) {
		EVP_ENCODE_CTX_free(ctx);
		return ASSAY_ERR_ALLOC;
	}
	EVP_DecodeInit(ctx);
	if (b64len > INT32_MAX ||
	    EVP_DecodeUpdate(ctx, der, &outl, (const unsigned char *)b64,
	    (int)b64len) < 0 || EVP_DecodeFinal(ctx, der + outl, &fin) < 0)
		outl = fin = 0;
	EVP_ENCODE_CTX_free(ctx);
	n = (size_t)outl + (size_t)fin;
	pos = sizeof("openssh-key-v1");
	if (n >= pos && memcmp(der, "openssh-key-v1", pos) == 0) {
		/* ciphername, kdfname, kdfoptions, nkeys, first public key */
		for (i = 0; i < 3 && pos + 4 <= n; i++) {
			l = be32(der + pos);
			if (l > n - pos - 4)
				break;
			if (i == 0)
				encrypted = !(l == 4 &&
				    memcmp(der + pos + 4, "none", 4) == 0);
			pos += 4 + l;
		}
		if (i == 3 && pos + 12 <= n) {
			pos += 4;			/* nkeys */
			pos += 4;			/* public key blob length */
			l = be32(der + pos);
			if (l < sizeof(type) && l <= n - pos - 4) {
				memcpy(type, der + pos + 4, l);
				type[l] = '\0';
			}
		}
	}
	OPENSSL_cleanse(der, n);
	free(der);
	for (i = 0; type[i] != '\0'; i++)
		if (!isprint((unsigned char)type[i]))
			type[i] = '?';
	r = add_key(s, path, off, "OpenSSH", type, 0, encrypted);
	return r;
}

static void *
memmem_safe(const void *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

/* Every PEM block of p: keys, certificates. */
static int
scan_pem(struct assay_fw_scan *s, const char *path, const unsigned char *p,
    size_t len)
{
	const unsigned char *q = p, *end = p + len, *lab, *labend, *e, *body;
	char label[64], endmark[96];
	size_t blocks = 0, ll, bodylen;
	int r;

	while (blocks < PEM_MAX_BLOCKS &&
	    (q = memmem_safe(q, (size_t)(end - q), "-----BEGIN ")) != NULL) {
		lab = q + 11;
		labend = memmem_safe(lab, (size_t)(end - lab) < 64 ?
		    (size_t)(end - lab) : 64, "-----");
		if (labend == NULL) {
			q = lab;
			continue;
		}
		ll = (size_t)(labend - lab);
		memcpy(label, lab, ll);
		label[ll] = '\0';
		snprintf(endmark, sizeof(endmark), "-----END %s-----", label);
		body = labend + 5;	/* after the BEGIN line's closing dashes */
		e = memmem_safe(body, (size_t)(end - body) < PEM_MAX_BLOCK ?
		    (size_t)(end - body) : PEM_MAX_BLOCK, endmark);
		if (e == NULL) {
			q = labend;
			continue;
		}
		bodylen = (size_t)(e - body);
		e += strlen(endmark);
		blocks++;
		if (strstr(label, "PRIVATE KEY") != NULL) {
			size_t off = (size_t)(q - p);

			if (strcmp(label, "OPENSSH PRIVATE KEY") == 0)
				r = openssh_key(s, path, off,
				    (const char *)body, bodylen);
			else if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0)
				r = add_key(s, path, off, "PEM", "unknown", 0, 1);
			else {
				BIO *bio = BIO_new_mem_buf(q, (int)(e - q));
				EVP_PKEY *k = NULL;
				int enc = memmem_safe(q, (size_t)(e - q),
				    "Proc-Type: 4,ENCRYPTED") != NULL;

				if (bio == NULL)
					return ASSAY_ERR_ALLOC;
				if (!enc)
					k = PEM_read_bio_PrivateKey(bio, NULL,
					    no_passphrase, NULL);
				BIO_free(bio);
				ERR_clear_error();
				if (k != NULL) {
					r = add_key(s, path, off, "PEM",
					    pkey_type(k), EVP_PKEY_get_bits(k), 0);
					EVP_PKEY_free(k);
				} else {
					/* the label still says what it is */
					const char *t = strncmp(label, "RSA ", 4) == 0 ?
					    "RSA" : strncmp(label, "EC ", 3) == 0 ? "EC" :
					    strncmp(label, "DSA ", 4) == 0 ? "DSA" :
					    "unknown";
					r = enc || strcmp(t, "unknown") != 0 ?
					    add_key(s, path, off, "PEM", t, 0, enc) :
					    0;
				}
			}
			if (r != 0)
				return r;
		} else if (strcmp(label, "CERTIFICATE") == 0 ||
		    strcmp(label, "X509 CERTIFICATE") == 0 ||
		    strcmp(label, "TRUSTED CERTIFICATE") == 0) {
			BIO *bio = BIO_new_mem_buf(q, (int)(e - q));
			X509 *x;

			if (bio == NULL)
				return ASSAY_ERR_ALLOC;
			x = label[0] == 'T' ? PEM_read_bio_X509_AUX(bio, NULL,
			    no_passphrase, NULL) : PEM_read_bio_X509(bio, NULL,
			    no_passphrase, NULL);
			BIO_free(bio);
			ERR_clear_error();
			if (x != NULL) {
				r = add_cert(s, path, (size_t)(q - p), "PEM", x);
				X509_free(x);
				if (r != 0)
					return r;
			}
		}
		q = e;
	}
	return 0;
}

/*
 * DER objects inside p: a SEQUENCE with a two-byte length whose content
 * starts as a certificate (SEQUENCE, the TBS) or a private key (INTEGER
 * version 0) does; each candidate is handed to OpenSSL with its exact
 * length, at most DER_MAX_TRIES a file.
 */
static int
scan_der(struct assay_fw_scan *s, const char *path, const unsigned char *p,
    size_t len)
{
	const unsigned char *q = p, *end = p + len, *c;
	size_t tries = 0, l;
	int r;

	while (tries < DER_MAX_TRIES && (size_t)(end - q) >= 64 &&
	    (c = memmem(q, (size_t)(end - q), "\x30\x82", 2)) != NULL) {
		q = c + 1;
		if ((size_t)(end - c) < 8)
			break;
		l = 4 + ((size_t)c[2] << 8 | c[3]);
		if (l < 64 || l > (size_t)(end - c))
			continue;
		if (c[4] == 0x30 && (c[5] == 0x82 || c[5] == 0x81)) {
			const unsigned char *d = c;
			X509 *x;

			tries++;
			x = d2i_X509(NULL, &d, (long)l);
			ERR_clear_error();
			if (x != NULL) {
				r = add_cert(s, path, (size_t)(c - p), "DER", x);
				X509_free(x);
				if (r != 0)
					return r;
				q = c + l;
			}
		} else if (c[4] == 0x02 && c[5] == 0x01 &&
		    (c[6] == 0x00 || c[6] == 0x01)) {
			const unsigned char *d = c;
			EVP_PKEY *k;

			tries++;
			k = d2i_AutoPrivateKey(NULL, &d, (long)l);
			ERR_clear_error();
			if (k != NULL) {
				r = add_key(s, path, (size_t)(c - p), "DER",
				    pkey_type(k), EVP_PKEY_get_bits(k), 0);
				EVP_PKEY_free(k);
				if (r != 0)
					return r;
				q = c + l;
			}
		}
	}
	return 0;
}

/* --- accounts ---------------------------------------------------------- */

const char *
assay_fw_hash_scheme(const char *h)
{
	size_t i, n;

	while (*h == '!')
		h++;
	if (strncmp(h, "$1$", 3) == 0)
		return "md5";
	if (strncmp(h, "$2a$", 4) == 0 || strncmp(h, "$2b$", 4) == 0 ||
	    strncmp(h, "$2y$", 4) == 0 || strncmp(h, "$2x$", 4) == 0)
		return "bcrypt";
	if (strncmp(h, "$5$", 3) == 0)
		return "sha256";
	if (strncmp(h, "$6$", 3) == 0)
		return "sha512";
	if (strncmp(h, "$y$", 3) == 0)
		return "yescrypt";
	if (strncmp(h, "$gy$", 4) == 0)
		return "gost-yescrypt";
	if (strncmp(h, "$7$", 3) == 0)
		return "scrypt";
	if (strncmp(h, "$sha1$", 6) == 0)
		return "sha1";
	if (strncmp(h, "$md5", 4) == 0)
		return "sunmd5";
	if (strncmp(h, "$3$", 3) == 0)
		return "nt";
	n = strlen(h);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '/')
			break;
	if (i == n && n == 13)
		return "des";
	if (h[0] == '_' && n == 20)
		return "bsdi-des";
	return "unknown";
}

/* The index of c in crypt's base-64 alphabet, or 64. */
static int
itoa64(char c)
{
	static const char a[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : 64;
}

/*
 * Whether checking a password against hash costs no more than the
 * schemes' defaults: the cost is in the hash, which the image chose, and
 * "$2b$31$" or "rounds=999999999" or a yescrypt N of 2^30 would stall
 * the run or exhaust its memory.  Only such hashes are tried.
 */
static int
cheap(const char *h, const char *scheme)
{
	const char *c;
	unsigned long v;

	if (strcmp(scheme, "md5") == 0 || strcmp(scheme, "des") == 0)
		return 1;
	if (strcmp(scheme, "sha256") == 0 || strcmp(scheme, "sha512") == 0) {
		if (strncmp(h + 3, "rounds=", 7) != 0)
			return 1;
		v = strtoul(h + 10, NULL, 10);
		return v <= 10000;
	}
	if (strcmp(scheme, "bcrypt") == 0)
		return isdigit((unsigned char)h[4]) &&
		    isdigit((unsigned char)h[5]) && h[6] == '$' &&
		    (h[4] - '0') * 10 + (h[5] - '0') <= 12;
	if (strcmp(scheme, "yescrypt") == 0 ||
	    strcmp(scheme, "gost-yescrypt") == 0) {
		/* "$y$j9T$": flags, log2 N, r; nothing more (libxcrypt's default) */
		c = h + (scheme[0] == 'y' ? 3 : 4);
		return c[0] == 'j' && itoa64(c[1]) <= itoa64('9') &&
		    itoa64(c[2]) <= itoa64('T') && c[3] == '$';
	}
	return 0;
}

/*
 * Whether crypt(3) verifies pw against hash: the declared secrets and the
 * list pairs for this user are tried, at most CRACK_MAX_TRIES per scan
 * and within its time (yescrypt costs milliseconds a try).
 */
static int
try_password(struct assay_fw_scan *s, const char *hash, const char *pw)
{
	struct crypt_data *cd;
	const char *out;
	int ok;

	if (s->crack_tries >= CRACK_MAX_TRIES || s->crack_until == 0 ||
	    assay_clock_ms() > s->crack_until)
		return 0;
	s->crack_tries++;
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	out = crypt_r(pw, hash, cd);
	ok = out != NULL && out[0] != '*' && strcmp(out, hash) == 0;
	OPENSSL_cleanse(cd, sizeof(*cd));
	free(cd);
	return ok;
}

/* How many passwords add_account() tries for the user. */
static size_t
candidates(const struct assay_fw_scan *s, const char *user, size_t ulen)
{
	size_t i, n = s->nsecrets;

	for (i = 0; i < s->npairs; i++)
		if (strlen(s->pairs[i].user) == ulen &&
		    memcmp(s->pairs[i].user, user, ulen) == 0 &&
		    s->pairs[i].plen > 0)
			n++;
	return n;
}

static int
add_account(struct assay_fw_scan *s, const char *path, const char *user,
    size_t ulen, const char *pw, size_t pwlen, int shadow)
{
	struct assay_fw_account *a;
	char *hash = NULL;
	const char *h, *match = NULL;
	size_t i;

	if (ulen == 0)
		return 0;
	/* passwd's "x" means "see shadow": nothing here */
	if (!shadow && pwlen == 1 && (pw[0] == 'x' || pw[0] == '*'))
		return 0;
	if (!room(s->res, s->res->accounts.n, "accounts", path))
		return 0;
	if ((a = FW_PUSH(s->res->accounts)) == NULL)
		return ASSAY_ERR_ALLOC;
	a->file = assay_fw_text(path, strlen(path));
	a->user = assay_fw_text(user, ulen);
	/* a copy of exactly pwlen bytes: strndup would stop at a NUL and the
	 * wipe below run past its end */
	if ((hash = malloc(pwlen + 1)) == NULL || a->file == NULL ||
	    a->user == NULL)
		goto oom;
	memcpy(hash, pw, pwlen);
	hash[pwlen] = '\0';
	h = hash;
	a->locked = h[0] == '!' || h[0] == '*';
	while (*h == '!')
		h++;
	if (pwlen == 0) {
		a->empty = 1;
		a->scheme = strdup("empty");
	} else if (h[0] == '\0' || h[0] == '*' || strcmp(h, "x") == 0) {
		a->locked = 1;
		a->scheme = strdup("locked");
	} else {
		a->has_hash = 1;
		a->scheme = strdup(assay_fw_hash_scheme(h));
		if (a->scheme == NULL)
			goto oom;
		if (cheap(h, a->scheme) && s->crack_until != 0) {
			size_t before = s->crack_tries;

			for (i = 0; match == NULL && i < s->nsecrets; i++)
				if (try_password(s, h, s->secrets[i].password))
					match = s->secrets[i].label;
			for (i = 0; match == NULL && i < s->npairs; i++)
				if (strlen(s->pairs[i].user) == ulen &&
				    memcmp(s->pairs[i].user, user, ulen) == 0 &&
				    s->pairs[i].plen > 0 &&
				    try_password(s, h, s->pairs[i].password))
					match = s->pairs[i].label;
			/* every candidate tried, none skipped for time */
			a->checked = match != NULL ||
			    s->crack_tries - before == candidates(s, user, ulen);
		}
		if (match != NULL && (a->matches = strdup(match)) == NULL)
			goto oom;
	}
	OPENSSL_cleanse(hash, pwlen);
	free(hash);
	return a->scheme == NULL ? ASSAY_ERR_ALLOC : 0;
oom:
	if (hash != NULL)
		OPENSSL_cleanse(hash, pwlen);
	free(hash);
	return ASSAY_ERR_ALLOC;
}

/* "user:hash:..." lines of etc/shadow or etc/passwd. */
static int
scan_accounts(struct assay_fw_scan *s, const char *path,
    const unsigned char *p, size_t len, int shadow)
{
	const char *q = (const char *)p, *end = q + len, *nl, *c1, *c2;
	size_t lines = 0;
	int r;

	for (; q < end && lines < LINES_MAX; q = nl + 1, lines++) {
		if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL)
			nl = end;
		if (nl - q > LINE_MAX_LEN || q[0] == '#')
			continue;
		if ((c1 = memchr(q, ':', (size_t)(nl - q))) == NULL)
			continue;
		if ((c2 = memchr(c1 + 1, ':', (size_t)(nl - c1 - 1))) == NULL)
			continue;	/* a line needs its third field */
		if ((r = add_account(s, path, q, (size_t)(c1 - q), c1 + 1,
		    (size_t)(c2 - c1 - 1), shadow)) != 0)
			return r;
	}
	return 0;
}

/* --- components -------------------------------------------------------- */

static int
add_component(struct assay_fw_scan *s, const char *name, size_t nlen,
    const char *version, size_t vlen, const char *path, const char *source)
{
	struct assay_fw_component *c;
	size_t i;

	for (i = 0; i < s->res->components.n; i++) {
		c = &s->res->components.v[i];
		if (strlen(c->name) == nlen && memcmp(c->name, name, nlen) == 0 &&
		    strlen(c->version) == vlen &&
		    memcmp(c->version, version, vlen) == 0)
			return 0;
	}
	if (!room(s->res, s->res->components.n, "components", path))
		return 0;
	if ((c = FW_PUSH(s->res->components)) == NULL)
		return ASSAY_ERR_ALLOC;
	c->name = assay_fw_text(name, nlen);
	c->version = assay_fw_text(version, vlen);
	c->path = assay_fw_text(path, strlen(path));
	c->source = strdup(source);
	if (c->name == NULL || c->version == NULL || c->path == NULL ||
	    c->source == NULL)
		return ASSAY_ERR_ALLOC;
	return 0;
}

/* Version strings as the programs print them about themselves. */
static const struct {
	const char	*needle;
	const char	*name;
} versions[] = {
	{ "BusyBox v",				"busybox" },
	{ "OpenSSL ",				"openssl" },
	{ "SSH-2.0-dropbear_",			"dropbear" },
	{ "Dropbear SSH multi-purpose v",	"dropbear" },
	{ "dropbear_",				"dropbear" },
	{ "lighttpd/",				"lighttpd" },
	{ "mosquitto version ",			"mosquitto" },
	{ "libcoap/",				"libcoap" },
	{ "libcoap ",				"libcoap" },
	{ "Linux version ",			"linux" },
	{ "OpenSSH_",				"openssh" },
	{ "libcurl/",				"curl" },
	{ "dnsmasq-",				"dnsmasq" },
	{ "hostapd v",				"hostapd" },
	{ "U-Boot ",				"u-boot" },
	{ "GNU C Library (",			NULL },	/* skip: see glibc below */
	{ "uClibc-ng ",				"uclibc-ng" },
	{ "musl libc ",				"musl" },
	{ "Mbed TLS ",				"mbedtls" },
	{ "wolfSSL ",				"wolfssl" },
};

/*
 * A version right after a needle: a digit, then digits, letters and
 * ".-_+~", with at least one dot before it ends ("1.36.1", "2022.83",
 * "1.1.1w"); a trailing dot or dash is not part of it.
 */
static size_t
version_at(const unsigned char *v, size_t n)
{
	size_t i, dots = 0;

	if (n == 0 || !isdigit(v[0]))
		return 0;
	for (i = 0; i < n && i < VERSION_MAX; i++) {
		if (v[i] == '.')
			dots++;
		else if (!isalnum(v[i]) && v[i] != '-' && v[i] != '_' &&
		    v[i] != '+' && v[i] != '~')
			break;
	}
	if (i == VERSION_MAX)
		return 0;
	while (i > 0 && (v[i - 1] == '.' || v[i - 1] == '-'))
		i--;
	if (dots == 0 || memchr(v, '.', i) == NULL)
		return 0;
	return i;
}

static int
scan_versions(struct assay_fw_scan *s, const char *path,
    const unsigned char *p, size_t len)
{
	const unsigned char *q, *end = p + len, *c;
	size_t i, vl, nl, hits;
	int r;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		if (versions[i].name == NULL)
			continue;
		nl = strlen(versions[i].needle);
		for (q = p, hits = 0; hits < 64 && (c = memmem(q,
		    (size_t)(end - q), versions[i].needle, nl)) != NULL;
		    hits++) {
			q = c + nl;
			if ((vl = version_at(q, (size_t)(end - q))) == 0)
				continue;
			if ((r = add_component(s, versions[i].name,
			    strlen(versions[i].name), (const char *)q, vl, path,
			    "version-string")) != 0)
				return r;
			break;	/* one version per needle and file */
		}
	}
	return 0;
}

/* The length of s without trailing blanks and CR. */
static size_t
trimmed(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
	    s[n - 1] == '\t'))
		n--;
	return n;
}

/* "Package:" and "Version:" of an opkg or dpkg status file. */
static int
scan_status(struct assay_fw_scan *s, const char *path,
    const unsigned char *p, size_t len, const char *source)
{
	const char *q = (const char *)p, *end = q + len, *nl;
	const char *pkg = NULL, *ver = NULL;
	size_t pl = 0, vl = 0, lines = 0;
	int r;

	for (; q <= end && lines < LINES_MAX * 10; q = nl + 1, lines++) {
		if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL)
			nl = end;
		if (nl - q > LINE_MAX_LEN)
			continue;
		if (nl - q > 9 && memcmp(q, "Package: ", 9) == 0) {
			pkg = q + 9;
			pl = trimmed(pkg, (size_t)(nl - pkg));
		} else if (nl - q > 9 && memcmp(q, "Version: ", 9) == 0) {
			ver = q + 9;
			vl = trimmed(ver, (size_t)(nl - ver));
		}
		/* a blank line or the end closes the stanza */
		if (nl == q || (nl - q == 1 && q[0] == '\r') || nl == end) {
			if (pkg != NULL && ver != NULL && pl > 0 && vl > 0 &&
			    pl <= 128 && vl <= 128 && (r = add_component(s, pkg,
			    pl, ver, vl, path, source)) != 0)
				return r;
			pkg = ver = NULL;
			if (nl == end)
				break;
		}
	}
	return 0;
}

/* --- credentials -------------------------------------------------------- */

static int
add_cred(struct assay_fw_scan *s, const char *path, size_t off,
    const char *label)
{
	struct assay_fw_cred *c;
	size_t i;

	for (i = 0; i < s->res->creds.n; i++)
		if (strcmp(s->res->creds.v[i].label, label) == 0 &&
		    strcmp(s->res->creds.v[i].path, path) == 0)
			return 0;	/* once per file */
	if (!room(s->res, s->res->creds.n, "credential matches", path))
		return 0;
	if ((c = FW_PUSH(s->res->creds)) == NULL)
		return ASSAY_ERR_ALLOC;
	c->path = assay_fw_text(path, strlen(path));
	c->offset = off;
	c->label = strdup(label);
	return c->path == NULL || c->label == NULL ? ASSAY_ERR_ALLOC : 0;
}

/*
 * What a word between a user name and its password contains in a pair
 * ("user=admin\npass=admin", "telnet_user=ubnt\ntelnet_pass=ubnt",
 * {"user":"admin","password":"admin"}).
 */
static const char *const pair_keys[] = {
	"pass", "pw", "secret", "key", "login", "pin", "default", NULL
};

/*
 * Whether [p, e) holds only separators and at most two words, each
 * containing one of pair_keys: what a pair looks like between its user
 * name and its password.  Prose ("uid=1000(admin) gid=1000(admin)",
 * "ACCOUNT='admin' # passwd NEW: a new password") has other words there.
 */
static int
pair_gap(const unsigned char *p, const unsigned char *e)
{
	const unsigned char *w;
	char low[33];
	size_t k, n, words = 0;

	while (p < e) {
		if (!word(*p)) {
			p++;
			continue;
		}
		for (w = p; p < e && word(*p); p++)
			;
		if ((n = (size_t)(p - w)) >= sizeof(low) || ++words > 2)
			return 0;
		for (k = 0; k < n; k++)
			low[k] = (char)tolower(w[k]);
		low[n] = '\0';
		for (k = 0; pair_keys[k] != NULL; k++)
			if (strstr(low, pair_keys[k]) != NULL)
				break;
		if (pair_keys[k] == NULL)
			return 0;
	}
	return 1;
}

/*
 * Whether the user token ul bytes of u stands whole in [from, to), with
 * only what pair_gap() allows between it and to.
 */
static int
user_before(const unsigned char *base, size_t from, size_t to, const char *u,
    size_t ul)
{
	const unsigned char *c, *q = base + from;

	if (ul == 0 || to - from < ul)
		return 0;
	while ((c = memmem(q, (size_t)(base + to - q), u, ul)) != NULL) {
		if ((c == base || !word(c[-1])) &&
		    (c + ul == base + to || !word(c[ul])) &&
		    pair_gap(c + ul, base + to))
			return 1;
		q = c + 1;
	}
	return 0;
}

/*
 * A default pair is hard-coded where its password stands as a whole
 * token with the user name as a whole token within PAIR_WINDOW bytes
 * before it and only separators and key words between them
 * ("root:xc3511", "user=admin\npass=admin"; pair_gap()): a password alone
 * ("1234") is everywhere in binaries, and a user name and a password a
 * sentence apart are prose, not a pair.  One pass over the tokens with a
 * hash of the passwords; passwords with other bytes than word bytes are
 * searched for directly.  Declared secrets match anywhere, in any form
 * the file holds them raw.
 */
static int
scan_creds(struct assay_fw_scan *s, const char *path, const unsigned char *p,
    size_t len, int pairs)
{
	size_t i = 0, j, start, from;
	const unsigned char *c, *q;
	struct needle *nd;
	uint32_t h;
	long at;
	int r;

	for (j = 0; j < s->nsecrets; j++)
		if ((at = assay_probe_find(p, len, s->secrets[j].password,
		    s->secrets[j].plen, 0)) >= 0 &&
		    (r = add_cred(s, path, (size_t)at, s->secrets[j].label)) != 0)
			return r;
	if (s->npairs == 0 || !pairs)
		return 0;
	while (i < len) {
		while (i < len && !word(p[i]))
			i++;
		start = i;
		while (i < len && word(p[i]))
			i++;
		if (i == start || i - start > TOKEN_MAX)
			continue;
		h = fnv(p + start, i - start);
		for (nd = s->bucket[h % NBUCKETS]; nd != NULL; nd = nd->next) {
			if (nd->hash != h || nd->plen != i - start ||
			    memcmp(nd->password, p + start, nd->plen) != 0)
				continue;
			from = start > PAIR_WINDOW ? start - PAIR_WINDOW : 0;
			if (user_before(p, from, start, nd->user,
			    strlen(nd->user)) &&
			    (r = add_cred(s, path, start, nd->label)) != 0)
				return r;
		}
	}
	for (j = 0; j < s->npairs; j++) {
		nd = &s->pairs[j];
		if (nd->token || nd->plen == 0 || nd->plen > TOKEN_MAX)
			continue;
		for (q = p; (c = memmem(q, (size_t)(p + len - q), nd->password,
		    nd->plen)) != NULL; q = c + 1) {
			start = (size_t)(c - p);
			if ((start > 0 && word(c[-1])) ||
			    (start + nd->plen < len && word(c[nd->plen])))
				continue;
			from = start > PAIR_WINDOW ? start - PAIR_WINDOW : 0;
			if (user_before(p, from, start, nd->user,
			    strlen(nd->user))) {
				if ((r = add_cred(s, path, start, nd->label)) != 0)
					return r;
				break;
			}
		}
	}
	return 0;
}

int
assay_fw_scan_mem(struct assay_fw_scan *s, const char *path,
    const unsigned char *p, size_t len)
{
	int r;

	if (path_is(path, "etc/shadow") &&
	    (r = scan_accounts(s, path, p, len, 1)) != 0)
		return r;
	if (path_is(path, "etc/passwd") &&
	    (r = scan_accounts(s, path, p, len, 0)) != 0)
		return r;
	if ((path_is(path, "usr/lib/opkg/status") ||
	    path_is(path, "var/lib/opkg/status")) &&
	    (r = scan_status(s, path, p, len, "opkg-status")) != 0)
		return r;
	if (path_is(path, "var/lib/dpkg/status") &&
	    (r = scan_status(s, path, p, len, "dpkg-status")) != 0)
		return r;
	if ((r = scan_pem(s, path, p, len)) != 0 ||
	    (r = scan_der(s, path, p, len)) != 0 ||
	    (r = scan_versions(s, path, p, len)) != 0)
		return r;
	/*
	 * The account files are judged by their hashes above: their
	 * "admin:x:1000:1000:admin:/home/admin" lines would read as the
	 * default pair admin:admin.
	 */
	return scan_creds(s, path, p, len, !path_is(path, "etc/shadow") &&
	    !path_is(path, "etc/passwd"));
}

/* --- CycloneDX ---------------------------------------------------------- */

static const char *
component_type(const char *name)
{
	if (strcmp(name, "linux") == 0)
		return "operating-system";
	if (strcmp(name, "u-boot") == 0)
		return "firmware";
	if (strncmp(name, "lib", 3) == 0 || strcmp(name, "openssl") == 0 ||
	    strcmp(name, "mbedtls") == 0 || strcmp(name, "wolfssl") == 0 ||
	    strcmp(name, "musl") == 0 || strcmp(name, "uclibc-ng") == 0)
		return "library";
	return "application";
}

/* A purl: pkg:generic/name@version, each part percent-encoded. */
static void
purl(FILE *fp, const char *name, const char *version)
{
	const char *parts[2] = { name, version };
	const unsigned char *c;
	int i;

	fputs("pkg:generic/", fp);
	for (i = 0; i < 2; i++) {
		if (i == 1)
			fputc('@', fp);
		for (c = (const unsigned char *)parts[i]; *c != '\0'; c++) {
			if (isalnum(*c) || *c == '.' || *c == '-' || *c == '_' ||
			    *c == '~')
				fputc(*c, fp);
			else
				fprintf(fp, "%%%02X", *c);
		}
	}
}

int
assay_fw_build_sbom(struct assay_fw_result *res, const char *image_name,
    const char *tool_version)
{
	struct assay_json j;
	unsigned char u[16];
	char uuid[64], ts[32], *buf = NULL, *ref = NULL;
	size_t blen = 0, i, k, occ;
	FILE *fp, *rp;
	struct tm tm;
	time_t now;
	int r = 0;

	if (RAND_bytes(u, sizeof(u)) != 1)
		memset(u, 0x5a, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);	/* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(uuid, sizeof(uuid), "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4],
	    u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
	    u[15]);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((fp = open_memstream(&buf, &blen)) == NULL)
		return ASSAY_ERR_ALLOC;
	assay_json_init(&j, fp, 1);
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "bomFormat", "CycloneDX");
	assay_json_kv_string(&j, "specVersion", "1.5");
	assay_json_kv_string(&j, "serialNumber", uuid);
	assay_json_kv_int(&j, "version", 1);
	assay_json_key(&j, "metadata");
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "timestamp", ts);
	assay_json_key(&j, "tools");
	assay_json_begin_object(&j);
	assay_json_key(&j, "components");
	assay_json_begin_array(&j);
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "type", "application");
	assay_json_kv_string(&j, "name", "assay");
	if (tool_version != NULL)
		assay_json_kv_string(&j, "version", tool_version);
	assay_json_end_object(&j);
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	assay_json_key(&j, "component");
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "type", "firmware");
	assay_json_kv_string(&j, "bom-ref", "firmware-image");
	assay_json_kv_string(&j, "name", image_name != NULL ? image_name :
	    "firmware");
	assay_json_key(&j, "hashes");
	assay_json_begin_array(&j);
	assay_json_begin_object(&j);
	assay_json_kv_string(&j, "alg", "SHA-256");
	assay_json_kv_string(&j, "content", res->image_sha256);
	assay_json_end_object(&j);
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	assay_json_end_object(&j);
	assay_json_key(&j, "components");
	assay_json_begin_array(&j);
	for (i = 0; i < res->components.n; i++) {
		const struct assay_fw_component *c = &res->components.v[i];
		size_t rl = 0;

		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "type", component_type(c->name));
		if ((rp = open_memstream(&ref, &rl)) == NULL) {
			r = ASSAY_ERR_ALLOC;
			break;
		}
		purl(rp, c->name, c->version);
		fclose(rp);
		assay_json_kv_string(&j, "bom-ref", ref);
		assay_json_kv_string(&j, "name", c->name);
		assay_json_kv_string(&j, "version", c->version);
		assay_json_kv_string(&j, "purl", ref);
		free(ref);
		ref = NULL;
		assay_json_key(&j, "evidence");
		assay_json_begin_object(&j);
		assay_json_key(&j, "occurrences");
		assay_json_begin_array(&j);
		occ = 0;
		for (k = 0; k < res->components.n && occ < OCCURRENCES_MAX; k++) {
			const struct assay_fw_component *o = &res->components.v[k];

			if (strcmp(o->name, c->name) != 0 ||
			    strcmp(o->version, c->version) != 0)
				continue;
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "location", o->path);
			assay_json_end_object(&j);
			occ++;
		}
		assay_json_end_array(&j);
		assay_json_end_object(&j);
		assay_json_key(&j, "properties");
		assay_json_begin_array(&j);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "name", "assay:source");
		assay_json_kv_string(&j, "value", c->source);
		assay_json_end_object(&j);
		assay_json_end_array(&j);
		assay_json_end_object(&j);
	}
	assay_json_end_array(&j);
	assay_json_end_object(&j);
	fputc('\n', fp);
	if (fclose(fp) != 0 && r == 0)
		r = ASSAY_ERR_ALLOC;
	if (r != 0) {
		free(buf);
		return r;
	}
	free(res->sbom);
	res->sbom = buf;
	res->sbom_len = blen;
	return 0;
}
