/*
 * sign.c - keys, the CMS signature over MANIFEST, and verification.
 *
 * What is signed says what it is (openssh PROTOCOL.sshsig, signify): the
 * MANIFEST (manifest.c) starts with a purpose and version line and names
 * its hash, and the CMS SignedData over it carries the signer's
 * certificate.  The directory is listed by walk.c, which never follows a
 * link, so a hostile report can't make us read outside it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "report/manifest.h"
#include "report/report.h"
#include "report/sign.h"
#include "report/walk.h"

#define MAX_PEM_LEN		(256 * 1024)
#define MAX_REPORT_XML_LEN	(16 * 1024 * 1024)

/*
 * What verify reports from report.xml (a file the MANIFEST covers): the
 * device, the overall result and scope, and the counts.  "verdict" is the
 * summary verdict of reports older than the decision rule.
 */
static const struct {
	const char *name, *xpath;
} report_fields[] = {
	{ "id",			"string(/r:report/@id)" },
	{ "manufacturer",	"string(/r:report/r:device/r:manufacturer)" },
	{ "model",		"string(/r:report/r:device/r:model)" },
	{ "hardware-version",	"string(/r:report/r:device/r:hardware-version)" },
	{ "firmware-version",	"string(/r:report/r:device/r:firmware-version)" },
	{ "result",		"string(/r:report/r:summary/@result)" },
	{ "result-text",	"string(/r:report/r:summary/r:result-text)" },
	{ "scope",		"string(/r:report/r:scope/@kind)" },
	{ "scope-only",		"string(/r:report/r:scope/@only)" },
	{ "applicable",		"string(/r:report/r:summary/@applicable)" },
	{ "assessed",		"string(/r:report/r:summary/@assessed)" },
	{ "failed",		"string(/r:report/r:summary/@failed)" },
	{ "not-in-scope",	"string(/r:report/r:summary/@not-in-scope)" },
	{ "not-fulfilled",
	    "string(/r:report/r:summary/r:provisions/@not-fulfilled)" },
	{ "decision-rule",	"string(/r:report/r:decision-rule/@id)" },
	{ "test-case-verdict",	"string(/r:report/r:summary/@test-case-verdict)" },
	{ "verdict",		"string(/r:report/r:summary/@verdict)" },
	{ "pass",		"string(/r:report/r:summary/@pass)" },
	{ "fail",		"string(/r:report/r:summary/@fail)" },
	{ "inconclusive",	"string(/r:report/r:summary/@inconclusive)" },
	{ "not-applicable",	"string(/r:report/r:summary/@not-applicable)" },
	{ "error",		"string(/r:report/r:summary/@error)" },
	/* The report's issue (ISO/IEC 17025 7.8.2.1, 7.8.8). */
	{ "revision",		"string(/r:report/@revision)" },
	{ "issued",		"string(/r:report/@issued)" },
	{ "draft",		"string(/r:report/@draft)" },
	{ "replaces",		"string(/r:report/r:amendment/@replaces)" },
	{ "amendment",		"string(/r:report/r:amendment)" },
	{ "lab",		"string(/r:report/r:laboratory/r:name)" },
	{ "customer",		"string(/r:report/r:customer/r:name)" },
	{ "authorised-by",
	    "string(/r:report/r:laboratory/r:authorised-by)" },
};
#define NREPORT_FIELDS	(sizeof(report_fields) / sizeof(report_fields[0]))

struct assay_verify {
	int			 ok;
	int			 sig_ok;
	enum assay_verify_trust	 trust;
	char			*signer;
	char			*signing_time;
	char			*algorithm;
	size_t			 nlisted, nmatched;
	char			*report[NREPORT_FIELDS];
	struct assay_diag	*problems;
	struct assay_diag	*warnings;
};

/* --- small helpers ---------------------------------------------------- */

static const char *
read_err_reason(int r)
{
	switch (r) {
	case ASSAY_ERR_NOT_FOUND:
		return "missing";
	case ASSAY_ERR_UNSAFE_PATH:
	case ASSAY_ERR_NOT_REGULAR:
		return "not a regular file (symbolic links are not followed)";
	case ASSAY_ERR_TOO_BIG:
		return "larger than its size limit";
	default:
		return assay_strerror(r);
	}
}

/*
 * Reads a PEM file the user named, capped at MAX_PEM_LEN.  Unlike report
 * contents it may be a symbolic link (as /etc/ssl often has).
 */
static int
read_user_file(const char *path, struct assay_buf **bp)
{
	return assay_file_read_at(AT_FDCWD, path, 0, MAX_PEM_LEN, bp);
}

/* A file of the report directory dfd, never through a symbolic link. */
static int
read_at(int dfd, const char *name, size_t max_len, struct assay_buf **bp)
{
	return assay_file_read_at(dfd, name, ASSAY_FILE_NOFOLLOW, max_len, bp);
}

/* Adds the first queued OpenSSL error to d under file; clears the queue. */
static void
diag_openssl(struct assay_diag *d, const char *file, const char *what)
{
	unsigned long e;
	const char *data = NULL;
	int flags = 0;
	char msg[256];

	e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	if (e == 0)
		assay_diag_add(d, file, 0, "%s", what);
	else {
		ERR_error_string_n(e, msg, sizeof(msg));
		assay_diag_add(d, file, 0, "%s: %s%s%s", what,
		    ERR_reason_error_string(e) ? ERR_reason_error_string(e) : msg,
		    (flags & ERR_TXT_STRING) && data && *data ? ": " : "",
		    (flags & ERR_TXT_STRING) && data ? data : "");
	}
	ERR_clear_error();
}

/* --- keys and certificates ------------------------------------------- */

static int
load_key(const char *path, EVP_PKEY **kp, struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	BIO *bio = NULL;
	int r;

	*kp = NULL;
	if ((r = read_user_file(path, &b)) != 0) {
		assay_diag_add(d, path, 0, "private key: %s", read_err_reason(r));
		goto out;
	}
	if ((bio = BIO_new_mem_buf(assay_buf_data(b),
	    (int)assay_buf_len(b))) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	/* No passphrase callback: an encrypted key fails here, by name. */
	if ((*kp = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"")) == NULL) {
		diag_openssl(d, path, "not an unencrypted PEM private key");
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	r = 0;
 out:
	BIO_free(bio);
	assay_buf_free(b);	/* wipes the key bytes */
	return r;
}

static int
load_cert(const char *path, X509 **xp, struct assay_diag *d)
{
	struct assay_buf *b = NULL;
	BIO *bio = NULL;
	int r;

	*xp = NULL;
	if ((r = read_user_file(path, &b)) != 0) {
		assay_diag_add(d, path, 0, "certificate: %s", read_err_reason(r));
		goto out;
	}
	if ((bio = BIO_new_mem_buf(assay_buf_data(b),
	    (int)assay_buf_len(b))) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((*xp = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		diag_openssl(d, path, "not a PEM X.509 certificate");
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	r = 0;
 out:
	BIO_free(bio);
	assay_buf_free(b);
	return r;
}

/* Which key types we sign with; returns 0 or ASSAY_ERR_CRYPTO with a reason. */
static int
check_key_type(EVP_PKEY *k, const char *path, struct assay_diag *d)
{
	char group[64];
	size_t glen = 0;

	if (EVP_PKEY_is_a(k, "ED25519"))
		return 0;
	if (EVP_PKEY_is_a(k, "RSA")) {
		if (EVP_PKEY_get_bits(k) < 2048) {
			assay_diag_add(d, path, 0, "RSA key of %d bits: need "
			    "at least 2048 (keygen makes 3072)",
			    EVP_PKEY_get_bits(k));
			return ASSAY_ERR_CRYPTO;
		}
		return 0;
	}
	if (EVP_PKEY_is_a(k, "EC")) {
		if (EVP_PKEY_get_utf8_string_param(k, "group", group,
		    sizeof(group), &glen) == 1 && (strcmp(group, "prime256v1") == 0 ||
		    strcmp(group, "P-256") == 0 || strcmp(group, "secp384r1") == 0 ||
		    strcmp(group, "P-384") == 0))
			return 0;
		assay_diag_add(d, path, 0, "EC key on curve %s: need P-256 "
		    "or P-384", glen ? group : "(unknown)");
		return ASSAY_ERR_CRYPTO;
	}
	assay_diag_add(d, path, 0, "key type %s not supported (ECDSA P-256, "
	    "RSA >= 2048 or Ed25519)", EVP_PKEY_get0_type_name(k));
	return ASSAY_ERR_CRYPTO;
}

/* Parses "/CN=x/O=y" into a new X509_NAME. */
static int
parse_subject(const char *s, X509_NAME **np, struct assay_diag *d)
{
	X509_NAME *n = NULL;
	char *copy = NULL, *p, *next, *eq;
	int r = ASSAY_ERR_INVALID_ARG;

	*np = NULL;
	if (s == NULL || s[0] != '/' || strlen(s) > 1024) {
		assay_diag_add(d, "subject", 0, "expected \"/CN=name[/O=org...]\"");
		return ASSAY_ERR_INVALID_ARG;
	}
	if ((copy = strdup(s + 1)) == NULL || (n = X509_NAME_new()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	for (p = copy; p != NULL; p = next) {
		if ((next = strchr(p, '/')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) == NULL || eq == p || eq[1] == '\0') {
			assay_diag_add(d, "subject", 0, "\"%s\": expected "
			    "TYPE=value", p);
			goto out;
		}
		*eq = '\0';
		if (X509_NAME_add_entry_by_txt(n, p, MBSTRING_UTF8,
		    (const unsigned char *)eq + 1, -1, -1, 0) != 1) {
			ERR_clear_error();
			assay_diag_add(d, "subject", 0, "unknown attribute "
			    "type \"%s\"", p);
			goto out;
		}
	}
	*np = n;
	n = NULL;
	r = 0;
 out:
	X509_NAME_free(n);
	free(copy);
	return r;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return ASSAY_ERR_CRYPTO;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : ASSAY_ERR_CRYPTO;
}

int
assay_sign_keytype_parse(const char *s, enum assay_sign_keytype *type)
{
	if (strcmp(s, "ecdsa") == 0 || strcmp(s, "ecdsa-p256") == 0)
		*type = ASSAY_SIGN_KEY_ECDSA_P256;
	else if (strcmp(s, "rsa") == 0 || strcmp(s, "rsa3072") == 0)
		*type = ASSAY_SIGN_KEY_RSA3072;
	else if (strcmp(s, "ed25519") == 0)
		*type = ASSAY_SIGN_KEY_ED25519;
	else
		return ASSAY_ERR_INVALID_ARG;
	return 0;
}

int
assay_sign_keygen(const char *out_dir, enum assay_sign_keytype type,
    const char *subject, int days, int flags, struct assay_diag *d)
{
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	X509_NAME *name = NULL;
	BIGNUM *serial = NULL;
	BIO *kb = NULL, *cb = NULL;
	char *p = NULL, parent[4096], *slash;
	long plen;
	int dfd = -1, r;

	if (out_dir == NULL || days < 1 || days > 36500) {
		assay_diag_add(d, "keygen", 0, "days must be 1..36500");
		return ASSAY_ERR_INVALID_ARG;
	}
	if ((r = parse_subject(subject, &name, d)) != 0)
		goto out;
	/* Create missing parents, like mkdir -p. */
	snprintf(parent, sizeof(parent), "%s", out_dir);
	for (slash = strchr(parent + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(parent, 0755) != 0 && errno != EEXIST)
			break;
		*slash = '/';
	}
	if (mkdir(out_dir, 0700) != 0 && errno != EEXIST) {
		assay_diag_add(d, out_dir, 0, "mkdir: %s", strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	if ((r = assay_walk_open_dir(out_dir, &dfd)) != 0) {
		assay_diag_add(d, out_dir, 0, "%s", strerror(errno));
		goto out;
	}
	if (!(flags & ASSAY_SIGN_FORCE) &&
	    (faccessat(dfd, "key.pem", F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
	    faccessat(dfd, "cert.pem", F_OK, AT_SYMLINK_NOFOLLOW) == 0)) {
		assay_diag_add(d, out_dir, 0, "key.pem or cert.pem exists "
		    "(use --force to replace)");
		r = ASSAY_ERR_EXISTS;
		goto out;
	}
	r = ASSAY_ERR_CRYPTO;
	switch (type) {
	case ASSAY_SIGN_KEY_ECDSA_P256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case ASSAY_SIGN_KEY_RSA3072:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
		break;
	case ASSAY_SIGN_KEY_ED25519:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	}
	if (k == NULL) {
		diag_openssl(d, "keygen", "key generation failed");
		goto out;
	}
	if ((x = X509_new()) == NULL || (serial = BN_new()) == NULL)
		goto out;
	/* 159 random bits: positive, at most 20 octets (RFC 5280 4.1.2.2). */
	if (X509_set_version(x, X509_VERSION_3) != 1 ||
	    BN_rand(serial, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, NULL) == NULL ||
	    X509_set_subject_name(x, name) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_set_pubkey(x, k) != 1)
		goto out;
	if ((r = add_ext(x, NID_basic_constraints, "critical,CA:FALSE")) != 0 ||
	    (r = add_ext(x, NID_key_usage,
	    "critical,digitalSignature,nonRepudiation")) != 0 ||
	    (r = add_ext(x, NID_subject_key_identifier, "hash")) != 0)
		goto out;
	r = ASSAY_ERR_CRYPTO;
	if (X509_sign(x, k, type == ASSAY_SIGN_KEY_ED25519 ? NULL :
	    EVP_sha256()) == 0) {
		diag_openssl(d, "keygen", "self-signing the certificate failed");
		goto out;
	}
	/* The key's PEM lives only in secure-heap memory and is wiped. */
	if ((kb = BIO_new(BIO_s_secmem())) == NULL ||
	    (cb = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(kb, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    PEM_write_bio_X509(cb, x) != 1)
		goto out;
	if ((plen = BIO_get_mem_data(kb, &p)) <= 0 ||
	    (r = assay_file_write_atomic_at(dfd, "key.pem", p, (size_t)plen, 0600)) != 0) {
		assay_diag_add(d, out_dir, 0, "writing key.pem: %s",
		    strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	if ((plen = BIO_get_mem_data(cb, &p)) <= 0 ||
	    (r = assay_file_write_atomic_at(dfd, "cert.pem", p, (size_t)plen, 0644)) != 0) {
		assay_diag_add(d, out_dir, 0, "writing cert.pem: %s",
		    strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	r = 0;
 out:
	if (r == ASSAY_ERR_CRYPTO && d != NULL && assay_diag_count(d) == 0)
		diag_openssl(d, "keygen", "certificate creation failed");
	if (dfd != -1)
		close(dfd);
	BIO_free(kb);
	BIO_free(cb);
	BN_free(serial);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(k);
	return r;
}

/* --- signing ---------------------------------------------------------- */

static int
cms_sign_manifest(const struct assay_buf *man, X509 *cert, EVP_PKEY *k,
    struct assay_buf **outp, struct assay_diag *d)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL, *out = NULL;
	const EVP_MD *md;
	char *p = NULL;
	long plen;
	int flags = CMS_DETACHED | CMS_BINARY | CMS_NOSMIMECAP | CMS_PARTIAL |
	    CMS_CADES;
	int r = ASSAY_ERR_CRYPTO;

	/*
	 * CMS_CADES adds the ESS signingCertificateV2 attribute: the SHA-256
	 * of the signer's certificate is signed too, so the certificate
	 * carried in report.p7s can't be swapped or altered.
	 */
	*outp = NULL;
	/* RFC 8419 fixes SHA-512 for Ed25519; SHA-256 otherwise. */
	md = EVP_PKEY_is_a(k, "ED25519") ? EVP_sha512() : EVP_sha256();
	if ((in = BIO_new_mem_buf(assay_buf_data(man),
	    (int)assay_buf_len(man))) == NULL)
		goto out;
	if ((cms = CMS_sign(NULL, NULL, NULL, NULL, flags)) == NULL ||
	    CMS_add1_signer(cms, cert, k, md, flags) == NULL) {
		diag_openssl(d, ASSAY_SIGN_SIGNATURE, "CMS signer setup failed");
		goto out;
	}
	if (CMS_final(cms, in, NULL, flags) != 1) {
		if (EVP_PKEY_is_a(k, "ED25519"))
			assay_diag_add(d, ASSAY_SIGN_SIGNATURE, 0,
			    "this OpenSSL (%s) cannot make CMS signatures with "
			    "Ed25519 keys (RFC 8419 is not implemented; "
			    "openssl/openssl#11915): use an ECDSA P-256 or RSA "
			    "key", OpenSSL_version(OPENSSL_VERSION_STRING));
		else
			diag_openssl(d, ASSAY_SIGN_SIGNATURE, "CMS signing failed");
		ERR_clear_error();
		goto out;
	}
	if ((out = BIO_new(BIO_s_mem())) == NULL ||
	    i2d_CMS_bio(out, cms) != 1 ||
	    (plen = BIO_get_mem_data(out, &p)) <= 0)
		goto out;
	if ((*outp = assay_buf_new(ASSAY_SIGN_MAX_P7S_LEN)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((r = assay_buf_put(*outp, p, (size_t)plen)) != 0) {
		assay_buf_free(*outp);
		*outp = NULL;
		goto out;
	}
	r = 0;
 out:
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	return r;
}

/* "DIR/NAME: what: error" in d. */
static void
diag_file(struct assay_diag *d, const char *dir, const char *name,
    const char *what, int r)
{
	char path[ASSAY_PATH_MAX];

	if (assay_path_join(path, sizeof(path), dir, name) != 0)
		snprintf(path, sizeof(path), "%s", name);
	assay_diag_add(d, path, 0, "%s: %s", what, assay_strerror(r));
}

int
assay_sign_dir(const char *dir, const char *key_path, const char *cert_path,
    int flags, struct assay_diag *d)
{
	struct assay_walk_list es = { NULL, 0, 0 };
	struct assay_buf *man = NULL, *sig = NULL;
	EVP_PKEY *k = NULL;
	X509 *cert = NULL;
	size_t i, bad = 0;
	int dfd = -1, r;

	if (dir == NULL || key_path == NULL || cert_path == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((r = assay_walk_open_dir(dir, &dfd)) != 0) {
		assay_diag_add(d, dir, 0, "not a readable directory: %s",
		    strerror(errno));
		goto out;
	}
	if (!(flags & ASSAY_SIGN_FORCE) &&
	    (faccessat(dfd, ASSAY_SIGN_MANIFEST, F_OK, AT_SYMLINK_NOFOLLOW) == 0 ||
	    faccessat(dfd, ASSAY_SIGN_SIGNATURE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)) {
		assay_diag_add(d, dir, 0, "already signed (MANIFEST or "
		    "report.p7s exists; use --force to re-sign)");
		r = ASSAY_ERR_EXISTS;
		goto out;
	}
	if ((r = load_key(key_path, &k, d)) != 0 ||
	    (r = load_cert(cert_path, &cert, d)) != 0 ||
	    (r = check_key_type(k, key_path, d)) != 0)
		goto out;
	if (X509_check_private_key(cert, k) != 1) {
		ERR_clear_error();
		assay_diag_add(d, key_path, 0, "key does not match the "
		    "certificate %s", cert_path);
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	/*
	 * Temporary files of writes a kill interrupted (a MANIFEST or
	 * signature half written) are not content: left in place they would
	 * be listed and then vanish, or block the next signature.
	 */
	if ((r = assay_file_remove_leftovers(dir, 8, NULL)) != 0) {
		assay_diag_add(d, dir, 0, "cannot remove the temporary files "
		    "of an interrupted write: %s", strerror(errno));
		goto out;
	}
	if ((r = assay_manifest_collect(dfd, &es)) != 0) {
		assay_diag_add(d, dir, 0, "reading the directory: %s",
		    assay_strerror(r));
		goto out;
	}
	for (i = 0; i < es.n; i++) {
		if (es.v[i].kind == ASSAY_WALK_FILE)
			continue;
		assay_diag_add(d, es.v[i].path, 0, "%s: refusing to sign",
		    assay_walk_kind_reason(es.v[i].kind));
		bad++;
	}
	if (bad > 0) {
		r = ASSAY_ERR_UNSAFE_PATH;
		goto out;
	}
	if ((r = assay_manifest_build(&es, &man)) != 0) {
		assay_diag_add(d, ASSAY_SIGN_MANIFEST, 0, "%s",
		    assay_strerror(r));
		goto out;
	}
	if ((r = cms_sign_manifest(man, cert, k, &sig, d)) != 0)
		goto out;
	/* report.p7s is removed first, so no old signature meets a new MANIFEST. */
	if (unlinkat(dfd, ASSAY_SIGN_SIGNATURE, 0) != 0 && errno != ENOENT) {
		r = assay_file_error(errno);
		diag_file(d, dir, ASSAY_SIGN_SIGNATURE, "cannot remove the old "
		    "signature", r);
		goto out;
	}
	/*
	 * Either file may be in place even when its write failed (the
	 * rename done, the directory fsync failed): on any failure both go,
	 * so no MANIFEST is left without its signature (it would also block
	 * a re-sign) and no signature of unknown durability stays.
	 */
	if ((r = assay_file_write_atomic_at(dfd, ASSAY_SIGN_MANIFEST,
	    assay_buf_data(man), assay_buf_len(man), 0644)) != 0)
		diag_file(d, dir, ASSAY_SIGN_MANIFEST, "cannot write", r);
	else if ((r = assay_file_write_atomic_at(dfd, ASSAY_SIGN_SIGNATURE,
	    assay_buf_data(sig), assay_buf_len(sig), 0644)) != 0)
		diag_file(d, dir, ASSAY_SIGN_SIGNATURE, "cannot write", r);
	if (r != 0) {
		(void)unlinkat(dfd, ASSAY_SIGN_SIGNATURE, 0);
		(void)unlinkat(dfd, ASSAY_SIGN_MANIFEST, 0);
		goto out;
	}
	r = 0;
 out:
	if (dfd != -1)
		close(dfd);
	assay_walk_list_free(&es);
	assay_buf_free(man);
	assay_buf_free(sig);
	X509_free(cert);
	EVP_PKEY_free(k);
	return r;
}

/* --- verification ----------------------------------------------------- */

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? strdup(s) : NULL;
}

static char *
name_oneline(const X509_NAME *n)
{
	BIO *b;
	char *p = NULL, *s = NULL;
	long len;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return NULL;
	/* RFC 2253, escaping control bytes but keeping UTF-8 as it is. */
	if (X509_NAME_print_ex(b, n, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
	    (len = BIO_get_mem_data(b, &p)) >= 0)
		s = strndup(p, (size_t)len);
	BIO_free(b);
	return s;
}

static void
note_signing_time(struct assay_verify *v, CMS_SignerInfo *si)
{
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	struct tm tm;
	char s[32];
	int i;

	if ((i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1)) < 0 ||
	    (a = CMS_signed_get_attr(si, i)) == NULL ||
	    (t = X509_ATTRIBUTE_get0_type(a, 0)) == NULL)
		return;
	if (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME)
		return;
	if (ASN1_TIME_to_tm((ASN1_TIME *)t->value.asn1_string, &tm) != 1)
		return;
	if (strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		set_str(&v->signing_time, s);
}

/* Records signer subject and algorithm from the embedded certificates. */
static X509 *
note_signer(struct assay_verify *v, CMS_ContentInfo *cms, CMS_SignerInfo *si)
{
	X509 *found = NULL;
	STACK_OF(X509) *certs;
	X509 *x;
	X509_ALGOR *sigalg = NULL;
	const ASN1_OBJECT *obj;
	char name[80];
	int i;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sigalg);
	if (sigalg != NULL) {
		X509_ALGOR_get0(&obj, NULL, NULL, sigalg);
		if (OBJ_obj2txt(name, sizeof(name), obj, 0) > 0)
			set_str(&v->algorithm, name);
	}
	if ((certs = CMS_get1_certs(cms)) == NULL)
		return NULL;
	for (i = 0; i < sk_X509_num(certs); i++) {
		x = sk_X509_value(certs, i);
		if (CMS_SignerInfo_cert_cmp(si, x) == 0) {
			free(v->signer);
			v->signer = name_oneline(X509_get_subject_name(x));
			if (X509_up_ref(x) == 1)
				found = x;
			break;
		}
	}
	sk_X509_pop_free(certs, X509_free);
	return found;
}

/*
 * The signed ESS signingCertificateV2 attribute must name cert (its hash):
 * CMS_verify() only checks it together with a certificate chain, so a
 * signature-only or pinned check does it here.
 */
static int
check_signing_cert(CMS_SignerInfo *si, X509 *cert)
{
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	ESS_SIGNING_CERT_V2 *ss = NULL;
	STACK_OF(X509) *chain = NULL;
	const unsigned char *p;
	int i, ok = 0;

	if ((i = CMS_signed_get_attr_by_NID(si,
	    NID_id_smime_aa_signingCertificateV2, -1)) < 0 ||
	    CMS_signed_get_attr_by_NID(si,
	    NID_id_smime_aa_signingCertificateV2, i) >= 0 ||
	    (a = CMS_signed_get_attr(si, i)) == NULL ||
	    X509_ATTRIBUTE_count(a) != 1 ||
	    (t = X509_ATTRIBUTE_get0_type(a, 0)) == NULL ||
	    t->type != V_ASN1_SEQUENCE)
		goto out;
	p = t->value.sequence->data;
	if ((ss = d2i_ESS_SIGNING_CERT_V2(NULL, &p,
	    t->value.sequence->length)) == NULL)
		goto out;
	if ((chain = sk_X509_new_null()) == NULL || sk_X509_push(chain, cert) <= 0)
		goto out;
	ok = OSSL_ESS_check_signing_certs(NULL, ss, chain, 1) > 0;
 out:
	ERR_clear_error();
	sk_X509_free(chain);
	ESS_SIGNING_CERT_V2_free(ss);
	return ok;
}

/*
 * Reads the next DER header at *pp (before end): the element must have the
 * class and tag given.  Leaves *pp at its contents and sets *lenp.
 */
static int
der_expect(const unsigned char **pp, const unsigned char *end, int class,
    int tag, long *lenp)
{
	int ret, t, c;

	if (*pp >= end)
		return 0;
	ret = ASN1_get_object(pp, lenp, &t, &c, (long)(end - *pp));
	if ((ret & 0x80) || ret == 0x21 || t != tag || c != class ||
	    *lenp > (long)(end - *pp))
		return 0;
	return 1;
}

/* Skips the next element if it has the class and tag given. */
static int
der_skip_if(const unsigned char **pp, const unsigned char *end, int class,
    int tag)
{
	const unsigned char *q = *pp;
	long len;

	if (!der_expect(&q, end, class, tag, &len))
		return 0;
	*pp = q + len;
	return 1;
}

/*
 * CMS leaves a few fields outside the signature that OpenSSL does not
 * check.  Requires the version numbers RFC 5652 gives for what Assay
 * writes: SignedData version 1, SignerInfo version 1 (issuerAndSerialNumber).
 */
int
assay_sign_check_versions(const unsigned char *p, long plen)
{
	const unsigned char *end = p + plen;
	long len;

	if (!der_expect(&p, end, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, &len) ||
	    !der_skip_if(&p, end, V_ASN1_UNIVERSAL, V_ASN1_OBJECT) ||
	    !der_expect(&p, end, V_ASN1_CONTEXT_SPECIFIC, 0, &len) ||
	    !der_expect(&p, end, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, &len) ||
	    !der_expect(&p, end, V_ASN1_UNIVERSAL, V_ASN1_INTEGER, &len) ||
	    len != 1 || p[0] != 1)
		return 0;
	p += len;
	if (!der_skip_if(&p, end, V_ASN1_UNIVERSAL, V_ASN1_SET) ||
	    !der_skip_if(&p, end, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE))
		return 0;
	(void)der_skip_if(&p, end, V_ASN1_CONTEXT_SPECIFIC, 0);	/* certificates */
	(void)der_skip_if(&p, end, V_ASN1_CONTEXT_SPECIFIC, 1);	/* crls */
	if (!der_expect(&p, end, V_ASN1_UNIVERSAL, V_ASN1_SET, &len) ||
	    !der_expect(&p, end, V_ASN1_UNIVERSAL, V_ASN1_SEQUENCE, &len) ||
	    !der_expect(&p, end, V_ASN1_UNIVERSAL, V_ASN1_INTEGER, &len) ||
	    len != 1 || p[0] != 1)
		return 0;
	return 1;
}

/* Parameters absent, or NULL when allow_null. */
static int
alg_params_ok(const X509_ALGOR *a, int allow_null)
{
	int ptype;
	const void *pval;

	X509_ALGOR_get0(NULL, &ptype, &pval, a);
	return ptype == V_ASN1_UNDEF || (allow_null && ptype == V_ASN1_NULL);
}

/*
 * The digest and signature algorithms must be ones we accept and agree
 * with each other and the key: OpenSSL picks the verification by key type
 * and would ignore a changed signatureAlgorithm.
 */
static int
check_algorithms(CMS_SignerInfo *si, X509 *cert)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OBJECT *o;
	EVP_PKEY *k;
	int dn, sn;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (dig == NULL || sig == NULL || (k = X509_get0_pubkey(cert)) == NULL)
		return 0;
	X509_ALGOR_get0(&o, NULL, NULL, dig);
	dn = OBJ_obj2nid(o);
	X509_ALGOR_get0(&o, NULL, NULL, sig);
	sn = OBJ_obj2nid(o);
	if (!alg_params_ok(dig, 1))
		return 0;
	if (EVP_PKEY_is_a(k, "EC"))
		return alg_params_ok(sig, 0) &&
		    ((dn == NID_sha256 && sn == NID_ecdsa_with_SHA256) ||
		    (dn == NID_sha384 && sn == NID_ecdsa_with_SHA384) ||
		    (dn == NID_sha512 && sn == NID_ecdsa_with_SHA512));
	if (EVP_PKEY_is_a(k, "RSA"))
		return alg_params_ok(sig, 1) && (sn == NID_rsaEncryption ||
		    (dn == NID_sha256 && sn == NID_sha256WithRSAEncryption) ||
		    (dn == NID_sha384 && sn == NID_sha384WithRSAEncryption) ||
		    (dn == NID_sha512 && sn == NID_sha512WithRSAEncryption)) &&
		    (dn == NID_sha256 || dn == NID_sha384 || dn == NID_sha512);
	if (EVP_PKEY_is_a(k, "ED25519"))
		return alg_params_ok(sig, 0) && dn == NID_sha512 &&
		    sn == NID_ED25519;
	return 0;
}

static int
check_signature(struct assay_verify *v, const struct assay_buf *p7s,
    const struct assay_buf *man, X509_STORE *store, X509 *pin)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL, *signers = NULL;
	X509 *embedded = NULL;
	BIO *content = NULL, *mem = NULL;
	const unsigned char *p;
	long plen;
	int flags = CMS_BINARY, r = ASSAY_ERR_SIGNATURE;

	p = (const unsigned char *)assay_buf_data(p7s);
	plen = (long)assay_buf_len(p7s);
	if ((cms = d2i_CMS_ContentInfo(NULL, &p, plen)) == NULL) {
		ERR_clear_error();
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "not a DER-encoded CMS structure");
		goto out;
	}
	if (p != (const unsigned char *)assay_buf_data(p7s) + plen) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "trailing bytes after the CMS structure");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed &&
	    !assay_sign_check_versions((const unsigned char *)assay_buf_data(p7s),
	    plen)) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "SignedData or SignerInfo version is not 1");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "CMS content is not SignedData");
		goto out;
	}
	if (CMS_is_detached(cms) != 1 ||
	    OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "not a detached signature over data");
		goto out;
	}
	if ((sis = CMS_get0_SignerInfos(cms)) == NULL ||
	    sk_CMS_SignerInfo_num(sis) != 1) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "expected exactly one signer");
		goto out;
	}
	embedded = note_signer(v, cms, sk_CMS_SignerInfo_value(sis, 0));
	if (embedded == NULL) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "does not carry the signer's certificate");
		goto out;
	}
	if (!check_algorithms(sk_CMS_SignerInfo_value(sis, 0), embedded)) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "digest or signature algorithm not accepted or not "
		    "matching the signer's key");
		goto out;
	}
	if (pin != NULL && X509_cmp(embedded, pin) != 0) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "signer's certificate is not the pinned certificate");
		goto out;
	}
	note_signing_time(v, sk_CMS_SignerInfo_value(sis, 0));
	if (pin != NULL) {
		if ((certs = sk_X509_new_null()) == NULL ||
		    sk_X509_push(certs, pin) <= 0) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		flags |= CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY;
	} else if (store == NULL)
		flags |= CMS_NO_SIGNER_CERT_VERIFY;
	/*
	 * Given a memory BIO, OpenSSL 3.0's CMS_verify() copies it and leaks
	 * the copy on some malformed inputs; behind a buffer filter it reads
	 * the content in place.
	 */
	if ((mem = BIO_new_mem_buf(assay_buf_data(man),
	    (int)assay_buf_len(man))) == NULL ||
	    (content = BIO_new(BIO_f_buffer())) == NULL) {
		BIO_free(mem);
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	content = BIO_push(content, mem);
	if (CMS_verify(cms, certs, store, content, NULL, flags) != 1) {
		if (pin != NULL && ERR_GET_REASON(ERR_peek_error()) ==
		    CMS_R_SIGNER_CERTIFICATE_NOT_FOUND) {
			ERR_clear_error();
			assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
			    "signer is not the pinned certificate");
		} else
			diag_openssl(v->problems, ASSAY_SIGN_SIGNATURE,
			    "signature over MANIFEST does not verify");
		goto out;
	}
	if (!check_signing_cert(sk_CMS_SignerInfo_value(sis, 0), embedded)) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "signed attributes do not bind the embedded signer "
		    "certificate (ESS signingCertificateV2 missing or wrong)");
		goto out;
	}
	/* CMS_NOINTERN already forces it; compare whole certificates anyway. */
	if (pin != NULL && ((signers = CMS_get0_signers(cms)) == NULL ||
	    sk_X509_num(signers) != 1 ||
	    X509_cmp(sk_X509_value(signers, 0), pin) != 0)) {
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0,
		    "signer is not the pinned certificate");
		goto out;
	}
	r = 0;
 out:
	X509_free(embedded);
	sk_X509_free(signers);
	sk_X509_free(certs);	/* pin itself belongs to the caller */
	BIO_free_all(content);
	CMS_ContentInfo_free(cms);
	return r;
}

static char *
xpath_string(xmlXPathContextPtr ctx, const char *expr)
{
	xmlXPathObjectPtr o;
	unsigned char *p;
	char *s = NULL;

	if ((o = xmlXPathEvalExpression((const xmlChar *)expr, ctx)) == NULL)
		return NULL;
	if (o->type == XPATH_STRING && o->stringval != NULL &&
	    o->stringval[0] != '\0' &&
	    (s = strndup((const char *)o->stringval, 1024)) != NULL) {
		/* Device text is printed: no control bytes reach a terminal. */
		for (p = (unsigned char *)s; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
	xmlXPathFreeObject(o);
	return s;
}

/* Reads device and summary from report.xml when it is there and sane. */
static void
read_report_xml(struct assay_verify *v, int dfd)
{
	struct assay_buf *b = NULL;
	xmlDocPtr doc = NULL;
	xmlXPathContextPtr ctx = NULL;
	size_t i;

	if (read_at(dfd, "report.xml", MAX_REPORT_XML_LEN, &b) != 0)
		return;
	doc = xmlReadMemory(assay_buf_data(b), (int)assay_buf_len(b),
	    "report.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL || doc->intSubset != NULL) {
		assay_diag_add(v->warnings, "report.xml", 0, "not read: %s",
		    doc == NULL ? "malformed XML" : "has a DOCTYPE");
		goto out;
	}
	if ((ctx = xmlXPathNewContext(doc)) == NULL ||
	    xmlXPathRegisterNs(ctx, (const xmlChar *)"r",
	    (const xmlChar *)ASSAY_REPORT_XML_NS) != 0)
		goto out;
	for (i = 0; i < NREPORT_FIELDS; i++)
		v->report[i] = xpath_string(ctx, report_fields[i].xpath);
 out:
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	assay_buf_free(b);
}

/* Opens the directory name inside dfd, never through a symbolic link. */
static int
open_subdir(int dfd, const char *name)
{
	return openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
}

/* The entry of the sorted list es at path, or NULL. */
static const struct assay_walk_entry *
find_entry(const struct assay_walk_list *es, const char *path)
{
	size_t lo = 0, hi = es->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(es->v[mid].path, path)) == 0)
			return &es->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* 1 when some entry of es lies below prefix (which ends in "/"). */
static int
has_prefix(const struct assay_walk_list *es, const char *prefix)
{
	size_t i, n = strlen(prefix);

	for (i = 0; i < es->n; i++)
		if (strncmp(es->v[i].path, prefix, n) == 0)
			return 1;
	return 0;
}

/*
 * The files revision rev listed, as they are now: a later amendment kept
 * each file it rewrote under revisions/<k>/ (k = rev, rev + 1, ...), so
 * the first of those that has it holds revision rev's copy, and a file
 * none of them has was never rewritten.  have gets one entry per listed
 * path, in the MANIFEST's order; a path found nowhere is left out (and
 * reported missing by the comparison).
 */
static int
revision_view(const struct assay_walk_list *all,
    const struct assay_walk_list *want, int rev, struct assay_walk_list *have)
{
	const struct assay_walk_entry *e;
	char path[ASSAY_SIGN_MAX_PATH_LEN + 32], prefix[32];
	size_t i;
	int k, last = rev, r;

	for (k = rev; k < rev + 10000; k++) {
		snprintf(prefix, sizeof(prefix), "revisions/%d/", k);
		if (!has_prefix(all, prefix))
			break;
		last = k;
	}
	for (i = 0; i < want->n; i++) {
		e = NULL;
		for (k = rev; k <= last && e == NULL; k++) {
			snprintf(path, sizeof(path), "revisions/%d/%s", k,
			    want->v[i].path);
			e = find_entry(all, path);
		}
		if (e == NULL)
			e = find_entry(all, want->v[i].path);
		if (e == NULL)
			continue;
		if ((r = assay_walk_list_add(have, want->v[i].path, e->kind,
		    e->kind == ASSAY_WALK_FILE ? e->sha : NULL)) != 0)
			return r;
	}
	return 0;
}

static int	verify_dir(const char *dir, int rev, const char *ca_path,
		    const char *pin_path, struct assay_verify **vp);

int
assay_sign_verify(const char *dir, const char *ca_path, const char *pin_path,
    struct assay_verify **vp)
{
	return verify_dir(dir, 0, ca_path, pin_path, vp);
}

int
assay_sign_verify_revision(const char *dir, int rev, const char *ca_path,
    const char *pin_path, struct assay_verify **vp)
{
	*vp = NULL;
	if (rev < 1)
		return ASSAY_ERR_INVALID_ARG;
	return verify_dir(dir, rev, ca_path, pin_path, vp);
}

/*
 * Verifies dir (rev 0) or the revision rev kept in dir/revisions/<rev>/:
 * its MANIFEST and signature, and the files as revision_view() finds
 * them; files added since are not its concern.
 */
static int
verify_dir(const char *dir, int rev, const char *ca_path, const char *pin_path,
    struct assay_verify **vp)
{
	struct assay_verify *v = NULL;
	struct assay_buf *man = NULL, *p7s = NULL;
	struct assay_walk_list want = { NULL, 0, 0 }, have = { NULL, 0, 0 };
	struct assay_walk_list all = { NULL, 0, 0 };
	X509_STORE *store = NULL;
	X509 *pin = NULL;
	char sub[32];
	int dfd = -1, rdfd = -1, sdfd = -1, mfd, r, rm, rs, manifest_ok = 0;

	*vp = NULL;
	if (dir == NULL || (ca_path != NULL && pin_path != NULL))
		return ASSAY_ERR_INVALID_ARG;
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->problems = assay_diag_new()) == NULL ||
	    (v->warnings = assay_diag_new()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	/* Trust material comes from the user: failing to read it is a usage error. */
	if (ca_path != NULL) {
		v->trust = ASSAY_VERIFY_CA;
		if ((store = X509_STORE_new()) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (X509_STORE_load_file(store, ca_path) != 1) {
			diag_openssl(v->problems, ca_path,
			    "cannot load CA certificates");
			r = ASSAY_ERR_INVALID_ARG;
			goto out;
		}
	} else if (pin_path != NULL) {
		v->trust = ASSAY_VERIFY_PINNED;
		if ((r = load_cert(pin_path, &pin, v->problems)) != 0) {
			r = ASSAY_ERR_INVALID_ARG;
			goto out;
		}
	} else {
		v->trust = ASSAY_VERIFY_SIGNATURE_ONLY;
		assay_diag_add(v->warnings, ASSAY_SIGN_SIGNATURE, 0,
		    "no --ca or --cert given: only the signature was checked, "
		    "not who made it; anyone with a key can produce this");
	}
	if ((r = assay_walk_open_dir(dir, &dfd)) != 0) {
		assay_diag_add(v->problems, dir, 0, "not a readable directory: %s",
		    strerror(errno));
		r = ASSAY_ERR_INVALID_ARG;
		goto out;
	}
	/* A kept revision's MANIFEST, signature and report.xml are there. */
	mfd = dfd;
	if (rev > 0) {
		snprintf(sub, sizeof(sub), "%d", rev);
		if ((rdfd = open_subdir(dfd, "revisions")) < 0 ||
		    (sdfd = open_subdir(rdfd, sub)) < 0) {
			assay_diag_add(v->problems, "revisions", 0, "no "
			    "directory revisions/%d/ (not followed through a "
			    "link)", rev);
			r = ASSAY_ERR_MANIFEST;
			goto out;
		}
		mfd = sdfd;
	}

	if ((rm = read_at(mfd, ASSAY_SIGN_MANIFEST, ASSAY_SIGN_MAX_MANIFEST_LEN,
	    &man)) != 0)
		assay_diag_add(v->problems, ASSAY_SIGN_MANIFEST, 0, "%s",
		    read_err_reason(rm));
	if ((rs = read_at(mfd, ASSAY_SIGN_SIGNATURE, ASSAY_SIGN_MAX_P7S_LEN,
	    &p7s)) != 0)
		assay_diag_add(v->problems, ASSAY_SIGN_SIGNATURE, 0, "%s",
		    read_err_reason(rs));
	if (rm == 0 && rs == 0)
		v->sig_ok = check_signature(v, p7s, man, store, pin) == 0;
	if (rm == 0 && assay_manifest_parse(assay_buf_data(man), assay_buf_len(man),
	    &want, v->problems) == 0)
		manifest_ok = 1;
	v->nlisted = want.n;

	if (rev > 0) {
		if ((r = assay_walk_dir(dfd, NULL, &all)) != 0 ||
		    (r = revision_view(&all, &want, rev, &have)) != 0)
			assay_diag_add(v->problems, dir, 0, "reading the "
			    "directory: %s", assay_strerror(r));
		else if (manifest_ok)
			v->nmatched = assay_manifest_compare(&want, &have,
			    v->problems);
	} else if ((r = assay_manifest_collect(dfd, &have)) != 0) {
		assay_diag_add(v->problems, dir, 0, "reading the directory: %s",
		    assay_strerror(r));
	} else {
		if (manifest_ok)
			v->nmatched = assay_manifest_compare(&want, &have,
			    v->problems);
		else
			assay_manifest_note_unsafe(&have, v->problems);
	}
	read_report_xml(v, mfd);

	v->ok = v->sig_ok && manifest_ok && assay_diag_count(v->problems) == 0;
	if (v->sig_ok && v->signing_time == NULL)
		assay_diag_add(v->warnings, ASSAY_SIGN_SIGNATURE, 0,
		    "no signing time in the signed attributes");
	if (v->ok)
		r = 0;
	else
		r = v->sig_ok ? ASSAY_ERR_MANIFEST : ASSAY_ERR_SIGNATURE;
 out:
	if (sdfd != -1)
		close(sdfd);
	if (rdfd != -1)
		close(rdfd);
	if (dfd != -1)
		close(dfd);
	assay_walk_list_free(&want);
	assay_walk_list_free(&have);
	assay_walk_list_free(&all);
	assay_buf_free(man);
	assay_buf_free(p7s);
	X509_STORE_free(store);
	X509_free(pin);
	ERR_clear_error();
	*vp = v;
	return r;
}

int
assay_sign_report_missing(const char *dir, const char **names, size_t max,
    size_t *n)
{
	static const struct { const char *field, *name; } need[] = {
		{ "lab", "lab name (--lab)" },
		{ "customer", "customer (--customer)" },
		{ "authorised-by",
		    "who authorises the report (--authorised-by)" },
	};
	struct assay_verify *v = NULL;
	const char *val;
	size_t i, k;
	int dfd = -1, r;

	*n = 0;
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->warnings = assay_diag_new()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((r = assay_walk_open_dir(dir, &dfd)) != 0)
		goto out;
	if (faccessat(dfd, "report.xml", F_OK, AT_SYMLINK_NOFOLLOW) != 0) {
		r = ASSAY_ERR_NOT_FOUND;
		goto out;
	}
	read_report_xml(v, dfd);
	if (assay_diag_count(v->warnings) > 0) {
		r = ASSAY_ERR_PARSE;
		goto out;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		for (k = 0; k < NREPORT_FIELDS; k++)
			if (strcmp(report_fields[k].name, need[i].field) == 0)
				break;
		val = k < NREPORT_FIELDS ? v->report[k] : NULL;
		if ((val == NULL || *val == '\0') && *n < max)
			names[(*n)++] = need[i].name;
	}
	r = 0;
 out:
	if (dfd != -1)
		close(dfd);
	assay_verify_free(v);
	return r;
}

void
assay_verify_free(struct assay_verify *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->signer);
	free(v->signing_time);
	free(v->algorithm);
	for (i = 0; i < NREPORT_FIELDS; i++)
		free(v->report[i]);
	assay_diag_free(v->problems);
	assay_diag_free(v->warnings);
	free(v);
}

int
assay_verify_ok(const struct assay_verify *v)
{
	return v != NULL && v->ok;
}

int
assay_verify_signature_ok(const struct assay_verify *v)
{
	return v != NULL && v->sig_ok;
}

enum assay_verify_trust
assay_verify_trust(const struct assay_verify *v)
{
	return v->trust;
}

const char *
assay_verify_signer(const struct assay_verify *v)
{
	return v->signer;
}

const char *
assay_verify_signing_time(const struct assay_verify *v)
{
	return v->signing_time;
}

const char *
assay_verify_algorithm(const struct assay_verify *v)
{
	return v->algorithm;
}

size_t
assay_verify_nlisted(const struct assay_verify *v)
{
	return v->nlisted;
}

size_t
assay_verify_nmatched(const struct assay_verify *v)
{
	return v->nmatched;
}

const char *
assay_verify_report_field(const struct assay_verify *v, const char *name)
{
	size_t i;

	for (i = 0; i < NREPORT_FIELDS; i++)
		if (strcmp(name, report_fields[i].name) == 0)
			return v->report[i];
	return NULL;
}

const struct assay_diag *
assay_verify_problems(const struct assay_verify *v)
{
	return v->problems;
}

const struct assay_diag *
assay_verify_warnings(const struct assay_verify *v)
{
	return v->warnings;
}
