/*
 * probe_coap.h - CoAP GET probe over UDP, optionally over DTLS.
 *
 * A small hand-written CoAP client (RFC 7252): one confirmable GET,
 * retransmitted with exponential back-off until the deadline, block-wise
 * replies (Block2, RFC 7959) followed up to the read cap, and the RFC 6690
 * link format of /.well-known/core parsed into resources.  DTLS is
 * OpenSSL's DTLS client on the same socket, with an optional PSK; whether
 * a port speaks DTLS at all is reported even when the handshake fails.
 * Network outcomes are results, never errors.  See docs/probe_coap.md.
 */
#ifndef ASSAY_PROBE_COAP_H
#define ASSAY_PROBE_COAP_H

#include <stddef.h>

#include "probe/coap_codec.h"
#include "probe/probe.h"

struct lua_State;
struct assay_probe_coap_result;

#define ASSAY_COAP_DEFAULT_PATH		"/.well-known/core"

/* What to probe.  Strings are borrowed for the duration of the call. */
struct assay_probe_coap_params {
	const char		*host;
	int			 port;		/* 1..65535 */
	const char		*path;		/* NULL: ASSAY_COAP_DEFAULT_PATH */
	int			 dtls;		/* nonzero: DTLS first */
	const char		*psk_identity;	/* DTLS PSK; NULL: no PSK offered */
	const unsigned char	*psk_key;
	size_t			 psk_key_len;
	int			 timeout_ms;	/* <= 0: env's, else 5000 */
	size_t			 max_read;	/* 0: env's, else 64 KiB */
	/* assay_probe_coap_request() only: */
	int			 method;	/* ASSAY_COAP_GET (0 too), _POST, _PUT */
	const void		*payload;	/* <= ASSAY_COAP_MAX_REQUEST_PAYLOAD */
	size_t			 payload_len;
	int			 has_content_format;
	int			 content_format;	/* 0..65535 */
};

/*
 * Sends GET path and waits for the response, or with dtls set first runs
 * a DTLS handshake (and stops there if it fails).  Takes one budget slot
 * for the exchange.  Returns 0 and a result in *resp (free with
 * assay_probe_coap_result_free) whatever the network did; or
 * ASSAY_ERR_INVALID_ARG, ASSAY_ERR_ALLOC, ASSAY_ERR_BUDGET,
 * ASSAY_ERR_CRYPTO.  env may be NULL.
 */
int	assay_probe_coap_get(const struct assay_probe_env *env,
	    const struct assay_probe_coap_params *p,
	    struct assay_probe_coap_result **resp);
/*
 * A request with a method, payload and Content-Format (a write: PUT,
 * POST), otherwise as assay_probe_coap_get(); a non-GET answer is not
 * followed block-wise (its first block is what the device said).
 */
int	assay_probe_coap_request(const struct assay_probe_env *env,
	    const struct assay_probe_coap_params *p,
	    struct assay_probe_coap_result **resp);
/*
 * Only the DTLS handshake: does the port speak DTLS, and does it accept
 * this PSK (or none)?  Same returns as assay_probe_coap_get().
 */
int	assay_probe_coap_dtls_probe(const struct assay_probe_env *env,
	    const struct assay_probe_coap_params *p,
	    struct assay_probe_coap_result **resp);
void	assay_probe_coap_result_free(struct assay_probe_coap_result *r);

/*
 * Accessors; strings are owned by the result, valid until it is freed.
 * failure() is NULL when a CoAP response arrived (or, for dtls_probe,
 * when the handshake finished), else why not: "no reply within 500 ms
 * (1 request sent)", "port unreachable (ICMP)", "not CoAP: ...",
 * "CoAP reset (RST) by peer", "DTLS offered, handshake failed: ...".
 */
const char	*assay_probe_coap_failure(const struct assay_probe_coap_result *r);
/* "2.05"; class and detail; name ("Content"). */
const char	*assay_probe_coap_code(const struct assay_probe_coap_result *r,
		    int *cls, int *detail);
const char	*assay_probe_coap_code_name(int cls, int detail);
/* Payload (all blocks joined), NUL-terminated, binary-safe. */
const char	*assay_probe_coap_payload(const struct assay_probe_coap_result *r,
		    size_t *len);
/* Content-Format option, -1 when absent. */
int		 assay_probe_coap_content_format(const struct assay_probe_coap_result *r);
/* Why the payload was cut ("read cap of 65536 bytes reached"), or NULL. */
const char	*assay_probe_coap_truncated(const struct assay_probe_coap_result *r);
size_t		 assay_probe_coap_bytes_read(const struct assay_probe_coap_result *r);
/*
 * Links parsed from a link-format payload.  link_error() says where
 * parsing stopped, NULL if it did not.  attr value is NULL for a flag
 * attribute (";obs").
 */
size_t		 assay_probe_coap_nresources(const struct assay_probe_coap_result *r);
const char	*assay_probe_coap_resource(const struct assay_probe_coap_result *r,
		    size_t i, size_t *nattrs);
int		 assay_probe_coap_resource_attr(const struct assay_probe_coap_result *r,
		    size_t i, size_t j, const char **name, const char **value);
const char	*assay_probe_coap_link_error(const struct assay_probe_coap_result *r);
/*
 * DTLS facts.  Returns 0 when DTLS was not tried.  *offered: the peer sent
 * DTLS records back; *done: the handshake finished; version/cipher when
 * done, error when not (each out pointer may be NULL).
 */
int		 assay_probe_coap_dtls(const struct assay_probe_coap_result *r,
		    int *offered, int *done, const char **version,
		    const char **cipher, const char **error);

/* Adds coap_get, coap_request and dtls_probe to the table on top of the stack. */
void	assay_probe_coap_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_COAP_H */
