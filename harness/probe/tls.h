/*
 * probe_tls.h - TLS handshake details and enumeration of the protocol
 * versions and cipher suites a device accepts.
 *
 * OpenSSL 3.0 is the client, at security level 0 with explicit minimum
 * and maximum versions so legacy protocols and weak suites can be seen.
 * SSLv3 is not compiled into Debian's OpenSSL: it is probed with a
 * hand-built ClientHello, and reported "not testable" when that gets no
 * usable answer, never "not supported".  TLS 1.0-1.2 versions whose
 * OpenSSL hello is refused are asked again with a hand-built hello that
 * also offers the legacy suites OpenSSL 3 cannot (3DES, RC4 ...).
 *
 * As in probe_tcp.h, expected outcomes (refused, reset, alert, timeout,
 * a non-TLS peer) are values: functions return 0 and set `reason';
 * negative ASSAY_ERR_* codes are failures of the harness.
 */
#ifndef ASSAY_PROBE_TLS_H
#define ASSAY_PROBE_TLS_H

#include <stddef.h>

#include "probe/probe.h"

/* Protocol versions, in the order enumerated. */
#define ASSAY_TLS_SSL3		0
#define ASSAY_TLS_1_0		1
#define ASSAY_TLS_1_1		2
#define ASSAY_TLS_1_2		3
#define ASSAY_TLS_1_3		4
#define ASSAY_TLS_NVERSIONS	5
#define ASSAY_TLS_ANY		(-1)

/* Results of a version probe. */
#define ASSAY_TLS_UNTESTED	0
#define ASSAY_TLS_ACCEPTED	1
#define ASSAY_TLS_REJECTED	2
#define ASSAY_TLS_NOT_TESTABLE	3

struct assay_tls_info;
struct assay_tls_scan;

/* OpenSSL's name of version v ("SSLv3", "TLSv1", ... "TLSv1.3") or NULL. */
const char	*assay_tls_version_name(int v);
/* ASSAY_TLS_* index of an OpenSSL version name, or -1. */
int		 assay_tls_version_from_name(const char *name);

/*
 * Completes one handshake with host:port offering version v (or
 * ASSAY_TLS_ANY: TLS 1.0 to 1.3) and every suite OpenSSL knows.
 * servername goes into SNI (NULL: host, unless host is an address);
 * match_name is checked against the leaf certificate (NULL: servername
 * or host).  timeout_ms bounds the whole exchange, max_read the bytes
 * read.  On 0, *infop holds the details (free with assay_tls_info_free())
 * or is NULL with reason set, e.g. "not TLS: reply starts with
 * \"SSH-2.0-\"" or "handshake failed: tlsv1 alert protocol version".
 */
int	assay_probe_tls_handshake(const struct assay_probe_env *env,
	    const char *host, unsigned int port, const char *servername,
	    const char *match_name, int v, int timeout_ms, size_t max_read,
	    struct assay_tls_info **infop, char *reason, size_t reasonlen);
void	assay_tls_info_free(struct assay_tls_info *info);

/* Borrowed strings, valid until assay_tls_info_free(). */
const char	*assay_tls_info_protocol(const struct assay_tls_info *info);
const char	*assay_tls_info_cipher(const struct assay_tls_info *info);
/* "X25519", "prime256v1", "DH 2048", "RSA" (no ephemeral key) ... */
const char	*assay_tls_info_key_exchange(const struct assay_tls_info *info);
/* 1 leaf matches the name, 0 it does not, -1 no certificate. */
int		 assay_tls_info_hostname_match(const struct assay_tls_info *info);
const char	*assay_tls_info_match_name(const struct assay_tls_info *info);
/* Certificates as the server sent them, leaf first. */
size_t		 assay_tls_info_chain_len(const struct assay_tls_info *info);
const char	*assay_tls_info_cert_subject(const struct assay_tls_info *info,
		    size_t i);
const char	*assay_tls_info_cert_issuer(const struct assay_tls_info *info,
		    size_t i);
/* "RSA", "EC", "ED25519" ... and size in bits. */
const char	*assay_tls_info_cert_key_type(const struct assay_tls_info *info,
		    size_t i);
int		 assay_tls_info_cert_key_bits(const struct assay_tls_info *info,
		    size_t i);
/* Long name, e.g. "sha256WithRSAEncryption". */
const char	*assay_tls_info_cert_sig_alg(const struct assay_tls_info *info,
		    size_t i);
/* "2026-11-23T19:40:00Z" */
const char	*assay_tls_info_cert_not_before(const struct assay_tls_info *info,
		    size_t i);
const char	*assay_tls_info_cert_not_after(const struct assay_tls_info *info,
		    size_t i);
int		 assay_tls_info_cert_self_signed(const struct assay_tls_info *info,
		    size_t i);
/* SHA-256 of the certificate's DER, lowercase hex (borrowed). */
const char	*assay_tls_info_cert_sha256(const struct assay_tls_info *info,
		    size_t i);

/*
 * Every certificate the server holds, as far as signature algorithms can
 * make it show them: one full handshake per family (RSA incl. RSA-PSS,
 * ECDSA, EdDSA, DSA) offering only that family's signature algorithms
 * and, up to TLS 1.2, only suites it authenticates.  Distinct leaves are
 * kept (by SHA-256), each with the family that showed it; families whose
 * handshake failed are listed with the reason.  Arguments as for
 * assay_probe_tls_handshake().  On 0, *certsp (free with
 * assay_tls_certs_free()) or NULL with reason set when no family got a
 * certificate.
 */
struct assay_tls_certs;
int	assay_probe_tls_certificates(const struct assay_probe_env *env,
	    const char *host, unsigned int port, const char *servername,
	    const char *match_name, int v, int timeout_ms, size_t max_read,
	    struct assay_tls_certs **certsp, char *reason, size_t reasonlen);
void	assay_tls_certs_free(struct assay_tls_certs *certs);
size_t	assay_tls_certs_count(const struct assay_tls_certs *certs);
/* "RSA", "ECDSA", "EdDSA", "DSA" (static). */
const char *assay_tls_certs_family(const struct assay_tls_certs *certs,
	    size_t i);
/* The handshake that showed the i-th leaf (borrowed, chain leaf first). */
const struct assay_tls_info *assay_tls_certs_info(
	    const struct assay_tls_certs *certs, size_t i);
size_t	assay_tls_certs_failed_count(const struct assay_tls_certs *certs);
const char *assay_tls_certs_failed_family(const struct assay_tls_certs *certs,
	    size_t i);
const char *assay_tls_certs_failed_reason(const struct assay_tls_certs *certs,
	    size_t i);

/*
 * Enumerates accepted versions (SSLv3 by raw ClientHello, TLS 1.0-1.3
 * with min = max version) and, for each accepted TLS version, accepted
 * suites: for TLS <= 1.2 one suite at a time from every suite OpenSSL
 * knows at security level 0, for TLS 1.3 each of its five.  A suite
 * counts as accepted when the server's ServerHello selects it; the
 * handshake is not finished.  Up to the budget's connections (at most
 * 32) handshakes run at once.  On 0, *scanp holds the result (free with
 * assay_tls_scan_free()) or is NULL with reason set ("not TLS: ...",
 * "timeout: no TLS reply within 2000 ms", "connection refused").
 */
int	assay_probe_tls_enumerate(const struct assay_probe_env *env,
	    const char *host, unsigned int port, const char *servername,
	    int timeout_ms, int with_ciphers, struct assay_tls_scan **scanp,
	    char *reason, size_t reasonlen);
void	assay_tls_scan_free(struct assay_tls_scan *scan);
/* ASSAY_TLS_ACCEPTED, _REJECTED, _NOT_TESTABLE or _UNTESTED for v. */
int		 assay_tls_scan_version(const struct assay_tls_scan *scan, int v);
/*
 * Why v was refused or not testable, or how it was accepted when only a
 * hand-built hello got a ServerHello ("accepted a hand-built hello (suite
 * DES-CBC3-SHA); OpenSSL's hello: ..."); "" when OpenSSL's hello was
 * accepted.  Borrowed.  A version is reported refused only when a hello
 * offering every suite we know (OpenSSL's and the legacy ones OpenSSL 3
 * lacks: 3DES, RC4, DES, IDEA, SEED, export, NULL) was refused by an
 * alert, another version or a close; a timeout or connect failure is
 * not testable.
 */
const char	*assay_tls_scan_version_note(const struct assay_tls_scan *scan,
		    int v);
/* 1 when v was accepted only by a hand-built hello (legacy suites). */
int		 assay_tls_scan_version_legacy(const struct assay_tls_scan *scan,
		    int v);
size_t		 assay_tls_scan_ncipher(const struct assay_tls_scan *scan, int v);
/* OpenSSL name of the i-th accepted suite of v (borrowed). */
const char	*assay_tls_scan_cipher(const struct assay_tls_scan *scan, int v,
		    size_t i);
/* Handshakes attempted and the most in flight at once. */
size_t		 assay_tls_scan_attempts(const struct assay_tls_scan *scan);
int		 assay_tls_scan_max_in_flight(const struct assay_tls_scan *scan);

/*
 * Reads the start of a server's reply to a hand-built ClientHello (the
 * first record, as far as it has arrived): ASSAY_TLS_REPLY_HELLO with
 * *version and *suite of the ServerHello, _ALERT with *alert, _OTHER for
 * another handshake message or a malformed ServerHello, _MORE when more
 * bytes are needed (*version may already be set).  Exposed for tests and
 * fuzzing; reads at most n bytes of h.
 */
#define ASSAY_TLS_REPLY_MORE	0
#define ASSAY_TLS_REPLY_HELLO	1
#define ASSAY_TLS_REPLY_ALERT	2
#define ASSAY_TLS_REPLY_OTHER	3
int	assay_tls_parse_reply(const unsigned char *h, size_t n,
	    unsigned int *version, unsigned int *suite, unsigned int *alert);

/* Adds tls_handshake and tls_enumerate to the table on top of L's stack. */
struct lua_State;
void	assay_probe_tls_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_TLS_H */
