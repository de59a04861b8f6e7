/*
 * coap_codec.h - CoAP messages (RFC 7252), options, Block2 (RFC 7959)
 * and the CoRE link format (RFC 6690) over bytes, without sockets.
 *
 * Parsers take a datagram or payload with its explicit length, check
 * every option length and extended field against what is there, and
 * point into the input instead of copying.  The CoAP probe drives a UDP
 * or DTLS socket with these; the unit tests and fuzz/fuzz_coap.c drive
 * them with bytes.
 */
#ifndef ASSAY_PROBE_COAP_CODEC_H
#define ASSAY_PROBE_COAP_CODEC_H

#include <stddef.h>

#include "base/buf.h"

#define ASSAY_COAP_CON		0
#define ASSAY_COAP_NON		1
#define ASSAY_COAP_ACK		2
#define ASSAY_COAP_RST		3

#define ASSAY_COAP_OPT_URI_PATH		11
#define ASSAY_COAP_OPT_CONTENT_FORMAT	12
#define ASSAY_COAP_OPT_BLOCK2		23

#define ASSAY_COAP_TOKEN_LEN	4	/* what our requests carry */
#define ASSAY_COAP_MAX_PATH_LEN	1024

/* Caps of a parsed link-format document. */
#define ASSAY_COAP_MAX_RESOURCES	1024
#define ASSAY_COAP_MAX_ATTRS		64

/*
 * A parsed message: a view into the datagram it was parsed from, valid
 * while that is.  content_format is -1 when absent.
 */
struct assay_coap_msg {
	int			 type, tkl, cls, detail;
	unsigned int		 mid;
	const unsigned char	*token;
	int			 content_format;
	int			 has_block2;
	unsigned long		 block2;
	const unsigned char	*payload;
	size_t			 payload_len;
};

/*
 * Parses the len bytes of a datagram into *m.  Returns 0, or
 * ASSAY_ERR_PARSE with a "not CoAP: ..." reason (with an excerpt of the
 * bytes) in why.
 */
int	assay_coap_parse(const unsigned char *d, size_t len,
	    struct assay_coap_msg *m, char *why, size_t whylen);

/*
 * Appends one option header and value: delta from the previous option
 * number, len bytes of val.  Returns 0, ASSAY_ERR_INVALID_ARG (longer
 * than CoAP allows) or what assay_buf_put returns.
 */
int	assay_coap_put_option(struct assay_buf *b, unsigned int delta,
	    const void *val, size_t len);

/*
 * Appends a confirmable GET for path (split at '/' into Uri-Path
 * options, at most ASSAY_COAP_MAX_PATH_LEN bytes) with message id mid
 * and a 4-byte token; block_num > 0 adds Block2 (num, szx 0-6).
 * Returns 0, ASSAY_ERR_INVALID_ARG, or what assay_buf_put returns.
 */
int	assay_coap_build_get(struct assay_buf *b, const char *path,
	    unsigned int mid, const unsigned char token[ASSAY_COAP_TOKEN_LEN],
	    unsigned long block_num, unsigned int szx);

/* Request method codes (RFC 7252 12.1.1) the probe sends. */
#define ASSAY_COAP_GET		1
#define ASSAY_COAP_POST		2
#define ASSAY_COAP_PUT		3

/* The largest request payload: one datagram, no Block1. */
#define ASSAY_COAP_MAX_REQUEST_PAYLOAD	1024

/*
 * Appends a confirmable request: as assay_coap_build_get with the method
 * code (GET, POST or PUT), then Content-Format (content_format >= 0,
 * 0..65535) and plen payload bytes (at most
 * ASSAY_COAP_MAX_REQUEST_PAYLOAD; none for GET).  Returns as
 * assay_coap_build_get.
 */
int	assay_coap_build_request(struct assay_buf *b, int method,
	    const char *path, unsigned int mid,
	    const unsigned char token[ASSAY_COAP_TOKEN_LEN],
	    unsigned long block_num, unsigned int szx, int content_format,
	    const void *payload, size_t plen);

/*
 * An empty ACK for message id mid into out (4 bytes).
 */
void	assay_coap_build_ack(unsigned int mid, unsigned char out[4]);

/*
 * Block2 of a response: when it says more blocks follow (and the
 * number can grow), sets *next_num and *szx (size exponent, 7 read as
 * 6) for the next request and returns 1; else 0.
 */
int	assay_coap_block2_next(unsigned long block2, unsigned long *next_num,
	    unsigned int *szx);

/* Name of a response code ("Not Found"), "unknown code" if none. */
const char	*assay_coap_code_name(int cls, int detail);

/*
 * A parsed link-format document: resources (href) with attributes
 * (name, value or NULL for a flag).
 */
struct assay_coap_links;

/*
 * Parses len bytes of link format.  A malformed document keeps the links
 * before the fault and names it ("link format: expected '<' at byte 7",
 * see assay_coap_links_error()).  Returns 0 with *lp (free with
 * assay_coap_links_free), ASSAY_ERR_ALLOC or ASSAY_ERR_INVALID_ARG.
 */
int		 assay_coap_links_parse(const char *s, size_t len,
		    struct assay_coap_links **lp);
void		 assay_coap_links_free(struct assay_coap_links *l);
size_t		 assay_coap_links_count(const struct assay_coap_links *l);
/* Borrowed href of link i (NULL past the end), *nattrs its attribute count. */
const char	*assay_coap_links_href(const struct assay_coap_links *l, size_t i,
		    size_t *nattrs);
/* Attribute j of link i; 0 or ASSAY_ERR_INVALID_ARG.  Borrowed strings. */
int		 assay_coap_links_attr(const struct assay_coap_links *l, size_t i,
		    size_t j, const char **name, const char **value);
/* NULL, or what stopped the parse. */
const char	*assay_coap_links_error(const struct assay_coap_links *l);

#endif /* ASSAY_PROBE_COAP_CODEC_H */
