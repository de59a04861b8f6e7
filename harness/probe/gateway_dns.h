/*
 * probe/gateway_dns.h - the gateway's DNS codec: a strict, bounded
 * parser for the queries a device sends and the builder of Assay's
 * answers.  No I/O, no allocation: the thread in gateway.c and the
 * fuzzer (fuzz/fuzz_gateway_dns.c) call the same two functions.
 *
 * Accepted: one UDP query of at most ASSAY_DNS_MAX_MSG bytes, QR clear,
 * exactly one question, no answer or authority records, at most one
 * additional record (an EDNS OPT, not read), a name of uncompressed
 * labels (1..63 bytes of letters, digits, '-' and '_') of at most 253
 * characters written as text, QCLASS IN.  Anything else is FORMERR,
 * REFUSED or dropped (a response, or bytes too short to answer).
 */
#ifndef ASSAY_PROBE_GATEWAY_DNS_H
#define ASSAY_PROBE_GATEWAY_DNS_H

#include <stddef.h>
#include <stdint.h>

#define ASSAY_DNS_MAX_MSG	512	/* classic UDP limit, both ways */
#define ASSAY_DNS_MAX_NAME	253	/* text form, without the last dot */

#define ASSAY_DNS_TYPE_A	1
#define ASSAY_DNS_TYPE_AAAA	28
#define ASSAY_DNS_CLASS_IN	1

#define ASSAY_DNS_NOERROR	0
#define ASSAY_DNS_FORMERR	1
#define ASSAY_DNS_NXDOMAIN	3
#define ASSAY_DNS_NOTIMP	4
#define ASSAY_DNS_REFUSED	5

/* What the parser makes of one datagram. */
enum assay_dns_parse {
	ASSAY_DNS_DROP = -1,	/* not answered at all */
	ASSAY_DNS_QUESTION = 0,	/* a query with one question: q filled */
	ASSAY_DNS_BAD = 1	/* answered with q->rcode and no question */
};

struct assay_dns_query {
	uint16_t	id;
	uint16_t	flags;		/* as received */
	uint16_t	qtype, qclass;
	size_t		qend;		/* offset after the question */
	int		rcode;		/* for ASSAY_DNS_BAD */
	char		name[ASSAY_DNS_MAX_NAME + 1];	/* lower case, no last dot */
};

enum assay_dns_parse assay_dns_parse(const uint8_t *p, size_t len,
	    struct assay_dns_query *q);

/*
 * Builds the reply to msg (len bytes, parsed into q) in out (outlen at
 * least ASSAY_DNS_MAX_MSG): for ASSAY_DNS_BAD a header with q->rcode;
 * for a question, its rcode and, when addr is not NULL (rcode NOERROR,
 * qtype A), one A record for the question's name with ttl.  Returns the
 * length written, or 0 when it would not fit.
 */
size_t	assay_dns_reply(const uint8_t *msg, size_t len,
	    const struct assay_dns_query *q, enum assay_dns_parse kind, int rcode,
	    const uint8_t addr[4], uint32_t ttl, uint8_t *out, size_t outlen);

#endif /* ASSAY_PROBE_GATEWAY_DNS_H */
