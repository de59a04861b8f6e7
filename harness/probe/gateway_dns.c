/*
 * probe/gateway_dns.c - parse the device's DNS queries, build Assay's
 * answers (see gateway_dns.h for what is accepted).
 *
 * Every byte comes from the device: each read is checked against len
 * before it happens, the name is copied into a fixed buffer whose bound
 * is checked per label, and compression pointers are refused outright (a
 * query has no earlier name to point at; a pointer could only loop).
 */
#include <string.h>

#include "probe/gateway_dns.h"

#define HDR		12
#define F_QR		0x8000u
#define F_OPCODE(f)	(((f) >> 11) & 0x0fu)
#define F_RD		0x0100u
#define F_AA		0x0400u

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int
label_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

enum assay_dns_parse
assay_dns_parse(const uint8_t *p, size_t len, struct assay_dns_query *q)
{
	size_t off = HDR, o = 0, i;
	uint8_t n;

	memset(q, 0, sizeof(*q));
	if (len < HDR || len > ASSAY_DNS_MAX_MSG)
		return ASSAY_DNS_DROP;
	q->id = get16(p);
	q->flags = get16(p + 2);
	/* A response is never answered: two answerers must not ping-pong. */
	if (q->flags & F_QR)
		return ASSAY_DNS_DROP;
	if (F_OPCODE(q->flags) != 0) {
		q->rcode = ASSAY_DNS_REFUSED;
		return ASSAY_DNS_BAD;
	}
	q->rcode = ASSAY_DNS_FORMERR;
	if (get16(p + 4) != 1 || get16(p + 6) != 0 || get16(p + 8) != 0 ||
	    get16(p + 10) > 1)
		return ASSAY_DNS_BAD;
	for (;;) {
		if (off >= len)
			return ASSAY_DNS_BAD;
		n = p[off++];
		if (n == 0)
			break;
		/* 0xc0: a compression pointer; 0x40, 0x80: reserved. */
		if (n > 63)
			return ASSAY_DNS_BAD;
		if (n > len - off)
			return ASSAY_DNS_BAD;
		/* room for a dot (not before the first label) and n bytes */
		if (o + (o != 0) + n > ASSAY_DNS_MAX_NAME)
			return ASSAY_DNS_BAD;
		if (o != 0)
			q->name[o++] = '.';
		for (i = 0; i < n; i++) {
			uint8_t c = p[off + i];

			if (!label_char(c))
				return ASSAY_DNS_BAD;
			if (c >= 'A' && c <= 'Z')
				c = (uint8_t)(c - 'A' + 'a');
			q->name[o++] = (char)c;
		}
		off += n;
	}
	q->name[o] = '\0';
	if (o == 0)		/* the root: nothing a device looks up */
		return ASSAY_DNS_BAD;
	if (len - off < 4)
		return ASSAY_DNS_BAD;
	q->qtype = get16(p + off);
	q->qclass = get16(p + off + 2);
	q->qend = off + 4;
	q->rcode = ASSAY_DNS_NOERROR;
	return ASSAY_DNS_QUESTION;
}

size_t
assay_dns_reply(const uint8_t *msg, size_t len, const struct assay_dns_query *q,
    enum assay_dns_parse kind, int rcode, const uint8_t addr[4], uint32_t ttl,
    uint8_t *out, size_t outlen)
{
	size_t o, qlen;
	unsigned flags;

	if (kind == ASSAY_DNS_DROP || outlen < ASSAY_DNS_MAX_MSG ||
	    len < HDR)
		return 0;
	flags = F_QR | F_AA | (q->flags & F_RD) | ((unsigned)rcode & 0x0fu);
	put16(out, q->id);
	put16(out + 2, flags);
	put16(out + 4, 0);
	put16(out + 6, 0);
	put16(out + 8, 0);
	put16(out + 10, 0);
	if (kind == ASSAY_DNS_BAD)
		return HDR;
	qlen = q->qend - HDR;
	/* the question was bounded by len <= ASSAY_DNS_MAX_MSG */
	if (q->qend > len || q->qend + 16 > outlen)
		return 0;
	memcpy(out + HDR, msg + HDR, qlen);
	put16(out + 4, 1);
	o = q->qend;
	if (addr == NULL)
		return o;
	put16(out + 6, 1);
	put16(out + o, 0xc000u | HDR);	/* the question's name */
	put16(out + o + 2, ASSAY_DNS_TYPE_A);
	put16(out + o + 4, ASSAY_DNS_CLASS_IN);
	put16(out + o + 6, (unsigned)(ttl >> 16));
	put16(out + o + 8, (unsigned)(ttl & 0xffffu));
	put16(out + o + 10, 4);
	memcpy(out + o + 12, addr, 4);
	return o + 16;
}
