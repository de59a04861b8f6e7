/*
 * sign.h - keygen, CMS signature and verification of report directories.
 *
 * A signed report directory holds MANIFEST (the SHA-256 of every other
 * regular file, under a purpose line "assay-report-manifest 1" and a
 * "hash sha256" line) and report.p7s, a detached CMS SignedData in DER
 * over MANIFEST's bytes, with the signer's certificate and a signing time
 * in the signed attributes.  Stock `openssl cms -verify` checks it; see
 * docs/sign.md.  Directory contents are hostile when verifying: nothing is
 * followed through a symbolic link and nothing outside the directory is read.
 */
#ifndef ASSAY_SIGN_H
#define ASSAY_SIGN_H

#include <stddef.h>

#include "base/diag.h"
#include "report/manifest.h"	/* file names, purpose line */
#include "report/walk.h"	/* directory limits */

#define ASSAY_SIGN_MAX_P7S_LEN		(1024 * 1024)
#define ASSAY_SIGN_MAX_FILES		ASSAY_WALK_MAX_FILES
#define ASSAY_SIGN_MAX_DEPTH		ASSAY_WALK_MAX_DEPTH
#define ASSAY_SIGN_MAX_PATH_LEN		ASSAY_WALK_MAX_PATH_LEN

/* Flags for assay_sign_keygen() and assay_sign_dir(). */
#define ASSAY_SIGN_FORCE		0x01	/* replace existing output */

enum assay_sign_keytype {
	ASSAY_SIGN_KEY_ECDSA_P256,
	ASSAY_SIGN_KEY_RSA3072,
	ASSAY_SIGN_KEY_ED25519,
};

/* How the signer's certificate was judged by assay_sign_verify(). */
enum assay_verify_trust {
	ASSAY_VERIFY_SIGNATURE_ONLY,	/* neither CA nor pin: not checked */
	ASSAY_VERIFY_CA,		/* chained to the given CA file */
	ASSAY_VERIFY_PINNED,		/* equal to the given certificate */
};

struct assay_verify;

/*
 * Parses "ecdsa", "rsa" or "ed25519" into *type.  Returns 0 or
 * ASSAY_ERR_INVALID_ARG.
 */
int	assay_sign_keytype_parse(const char *s, enum assay_sign_keytype *type);

/*
 * Writes out_dir/key.pem (PKCS#8, unencrypted, mode 0600) and
 * out_dir/cert.pem, a self-signed X.509 certificate for subject
 * ("/CN=.../O=...") valid for days days, for in-house signing.  Creates
 * out_dir (0700) if missing; refuses existing files unless
 * ASSAY_SIGN_FORCE.  Problems go to d (may be NULL).  Returns 0 or a
 * negative ASSAY_ERR_*.
 */
int	assay_sign_keygen(const char *out_dir, enum assay_sign_keytype type,
	    const char *subject, int days, int flags, struct assay_diag *d);

/*
 * Signs the report directory dir: writes dir/MANIFEST and dir/report.p7s
 * with the PEM key and certificate given.  Refuses a directory that is
 * already signed unless ASSAY_SIGN_FORCE, and one that holds a symbolic
 * link or special file (each is named in d).  cli.c calls this at the
 * end of `assay run --sign-key K --sign-cert C`.  Returns 0 or a negative
 * ASSAY_ERR_*; d (may be NULL) says what failed and where.
 */
int	assay_sign_dir(const char *dir, const char *key_path,
	    const char *cert_path, int flags, struct assay_diag *d);

/*
 * Verifies the report directory dir.  ca_path (PEM, may hold several
 * certificates) makes the signer's certificate chain to it; pin_path makes
 * it equal to that certificate; with neither (both NULL) only the
 * signature is checked.  Giving both is ASSAY_ERR_INVALID_ARG.
 * Returns 0 when everything holds, ASSAY_ERR_SIGNATURE or
 * ASSAY_ERR_MANIFEST when the report does not verify (details in *vp),
 * or another negative ASSAY_ERR_* for a bad argument (unreadable CA file,
 * dir not a directory; *vp may then be NULL).  The caller frees *vp with
 * assay_verify_free().
 */
int	assay_sign_verify(const char *dir, const char *ca_path,
	    const char *pin_path, struct assay_verify **vp);

/*
 * Verifies revision rev of an amended report, kept by `assay amend` in
 * dir/revisions/<rev>/ (its MANIFEST, report.p7s and the files the next
 * revision rewrote): the signature over that MANIFEST, and every file it
 * lists as found in revisions/<rev>/, then revisions/<rev+1>/ ..., then
 * dir itself.  Files added later are not its concern.  Returns as
 * assay_sign_verify(); report fields are read from the kept report.xml.
 */
int	assay_sign_verify_revision(const char *dir, int rev,
	    const char *ca_path, const char *pin_path,
	    struct assay_verify **vp);

/*
 * What dir/report.xml lacks to be an issued report (ISO/IEC 17025
 * 7.8.2.1): up to max of "lab name (--lab)", "customer (--customer)",
 * "who authorises the report (--authorised-by)" into names (static), the
 * count in *n.  `assay sign` refuses a draft.  Returns 0,
 * ASSAY_ERR_NOT_FOUND (no report.xml: not a report directory),
 * ASSAY_ERR_PARSE (report.xml unreadable) or another ASSAY_ERR_*.
 */
int	assay_sign_report_missing(const char *dir, const char **names,
	    size_t max, size_t *n);

/* Frees a verification result; NULL is accepted. */
void	assay_verify_free(struct assay_verify *v);
/* 1 when signature, certificate and every file check held. */
int	assay_verify_ok(const struct assay_verify *v);
/* 1 when the CMS signature over MANIFEST verified (trust aside). */
int	assay_verify_signature_ok(const struct assay_verify *v);
enum assay_verify_trust assay_verify_trust(const struct assay_verify *v);
/*
 * Borrowed strings valid while v lives, or NULL when unknown: the signer's
 * subject (one line, RFC 2253), the signing time (ISO 8601 UTC), and the
 * signature algorithm name.
 */
const char	*assay_verify_signer(const struct assay_verify *v);
const char	*assay_verify_signing_time(const struct assay_verify *v);
const char	*assay_verify_algorithm(const struct assay_verify *v);
/* Number of files listed in MANIFEST and of those whose hash matched. */
size_t		 assay_verify_nlisted(const struct assay_verify *v);
size_t		 assay_verify_nmatched(const struct assay_verify *v);
/*
 * A field of report.xml, or NULL: "id", "manufacturer", "model",
 * "hardware-version", "firmware-version"; the overall result "result",
 * "result-text", "scope" (full/partial), "scope-only", "applicable",
 * "assessed", "failed", "not-in-scope", "not-fulfilled" (provisions),
 * "decision-rule", "test-case-verdict"; test-case counts "pass", "fail",
 * "inconclusive", "not-applicable", "error"; "verdict" (the summary
 * verdict of reports older than the decision rule); the issue:
 * "revision", "issued", "draft", "replaces", "amendment", "lab",
 * "customer", "authorised-by".  Read from the
 * directory's report.xml; trust it only when assay_verify_ok().
 */
const char	*assay_verify_report_field(const struct assay_verify *v,
		    const char *name);
/*
 * Each reason the report does not verify: file is the path inside the
 * directory ("MANIFEST", "report.p7s", "evidence/x.pcap"), message why.
 * Warnings (e.g. signature-only) are in assay_verify_warnings().
 * Borrowed, valid while v lives.
 */
/*
 * The DER walk of assay_sign_verify: whether the plen bytes at p (a CMS
 * ContentInfo, walked without trusting a length past plen) carry
 * SignedData version 1 and a first SignerInfo of version 1.  Returns 1
 * or 0.  Exposed for the fuzzer.
 */
int	assay_sign_check_versions(const unsigned char *p, long plen);

const struct assay_diag	*assay_verify_problems(const struct assay_verify *v);
const struct assay_diag	*assay_verify_warnings(const struct assay_verify *v);

#endif /* ASSAY_SIGN_H */
