/*
 * pcap.c - capture reader: frames to flows to dissected facts.
 *
 * libpcap reads the file (pcap or pcapng) and checks its record headers;
 * everything from the link header inwards is decoded here with explicit
 * lengths.  TCP reassembly is deliberately simple: per direction the
 * bytes are taken in sequence order from the SYN (or the first segment
 * seen), retransmitted bytes are dropped, and the first gap (a segment
 * missing from the capture, or out of order) ends the stream with a note:
 * the dissectors then see a clean prefix, never a spliced one.  Each byte
 * kept remembers the frame that carried it, so a fact names its frame.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <lauxlib.h>
#include <lua.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/file.h"
#include "base/hash.h"
#include "base/redact.h"
#include "probe/dissect.h"
#include "probe/lua.h"
#include "probe/artefact.h"
#include "probe/pcap.h"
#include "probe/probe.h"

#define NBUCKETS	8192
/* Spellings kept per secret: base/redact derives about 30. */
#define NEEDLES_PER_SECRET	40

struct seg {
	size_t		off;
	unsigned long	frame;
};

struct stream {
	unsigned char	*buf;
	size_t		 len, cap;
	struct seg	*segs;
	size_t		 nsegs, capsegs;
	uint32_t	 next;
	int		 started, gap, cut;
	unsigned long long bytes;	/* payload bytes seen, kept or not */
};

struct flow {
	struct flow	*hnext;
	int		 proto, family;
	unsigned char	 ca[16], sa[16];	/* client, server */
	unsigned int	 cp, sp;
	unsigned long	 first_frame, last_frame, packets;
	int		 syn, app;
	struct stream	 dir[2];		/* 0: to the server */
	size_t		 index;
};

struct needle {
	size_t	 secret;
	char	*kind;
	char	*text;		/* wiped before free */
	size_t	 len;
	int	 weak;
};

struct match {
	size_t		secret;
	unsigned long	frame;
	long		flow;
	const char	*kind;	/* borrowed from the needle */
};

struct assay_capture {
	struct assay_facts		*facts;
	struct assay_capture_limits	 lim;
	unsigned long			 frames;
	char				 link[32];
	char				 sha256[ASSAY_SHA256_HEX_LEN + 1];
	int				 linktype, truncated;
	struct flow			*buckets[NBUCKETS];
	struct flow			**flows;
	size_t				 nflows, capflows, flows_dropped;
	unsigned long			 fragments, non_ip, bad, snapcut;
	unsigned long			 first_fragment, first_bad, first_snapcut;
	struct needle			*needles;
	size_t				 nneedles, capneedles;
	const struct assay_capture_secret *secrets;
	size_t				 nsecrets;
	struct match			*matches;
	size_t				 nmatches, capmatches, matches_dropped;
	int				 err;	/* ASSAY_ERR_ALLOC seen */
};

static void
stream_free(struct stream *s)
{
	free(s->buf);
	free(s->segs);
}

void
assay_capture_free(struct assay_capture *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nflows; i++) {
		stream_free(&c->flows[i]->dir[0]);
		stream_free(&c->flows[i]->dir[1]);
		free(c->flows[i]);
	}
	free(c->flows);
	for (i = 0; i < c->nneedles; i++) {
		explicit_bzero(c->needles[i].text, c->needles[i].len);
		free(c->needles[i].text);
		free(c->needles[i].kind);
	}
	free(c->needles);
	free(c->matches);
	assay_facts_free(c->facts);
	free(c);
}

const struct assay_facts *
assay_capture_facts(const struct assay_capture *c)
{
	return c->facts;
}

unsigned long
assay_capture_frames(const struct assay_capture *c)
{
	return c->frames;
}

const char *
assay_capture_link(const struct assay_capture *c)
{
	return c->link;
}

const char *
assay_capture_sha256(const struct assay_capture *c)
{
	return c->sha256;
}

int
assay_capture_truncated(const struct assay_capture *c)
{
	return c->truncated;
}

static int
note(struct assay_capture *c, unsigned long frame, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
note(struct assay_capture *c, unsigned long frame, const char *fmt, ...)
{
	struct assay_fact *f;
	char text[512];
	va_list ap;
	int r = 0, n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(text))
		n = sizeof(text) - 1;
	if ((f = assay_facts_add(c->facts, "note", frame, -1, &r)) == NULL)
		return r;
	return assay_fact_set_str(f, "text", text, (size_t)n);
}

/* --- secrets ------------------------------------------------------------- */

struct needle_ctx {
	struct assay_capture	*c;
	size_t			 secret;
	int			 weak;
};

static int
add_needle(void *arg, const char *kind, const char *spelling)
{
	struct needle_ctx *nc = arg;
	struct assay_capture *c = nc->c;
	struct needle *n;
	size_t i, len = strlen(spelling);

	if (len == 0 || len > ASSAY_PROBE_FIND_MAX_NEEDLE)
		return 0;
	for (i = 0; i < c->nneedles; i++)
		if (c->needles[i].secret == nc->secret &&
		    c->needles[i].len == len &&
		    memcmp(c->needles[i].text, spelling, len) == 0)
			return 0;	/* the same spelling twice */
	if (c->nneedles == c->capneedles)
		return 0;
	n = &c->needles[c->nneedles];
	if ((n->text = malloc(len + 1)) == NULL ||
	    (n->kind = strdup(kind)) == NULL) {
		free(n->text);
		return ASSAY_ERR_ALLOC;
	}
	memcpy(n->text, spelling, len + 1);
	n->len = len;
	n->secret = nc->secret;
	n->weak = nc->weak;
	c->nneedles++;
	return 0;
}

static int
word_byte(unsigned char b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	    (b >= '0' && b <= '9') || b == '/' || b == '_' || b == '-' ||
	    b >= 0x80;
}

static int
add_match(struct assay_capture *c, size_t secret, unsigned long frame,
    long flow, const char *kind)
{
	struct match *nm;
	size_t ncap;

	if (c->nmatches > 0) {
		struct match *last = &c->matches[c->nmatches - 1];

		if (last->secret == secret && last->frame == frame &&
		    last->kind == kind)
			return 0;
	}
	if (c->nmatches == c->capmatches) {
		if (c->capmatches >= (size_t)ASSAY_CAPTURE_MAX_MATCHES *
		    (c->nsecrets ? c->nsecrets : 1) * 2) {
			c->matches_dropped++;
			return 0;
		}
		ncap = c->capmatches ? c->capmatches * 2 : 64;
		if ((nm = realloc(c->matches, ncap * sizeof(*nm))) == NULL)
			return ASSAY_ERR_ALLOC;
		c->matches = nm;
		c->capmatches = ncap;
	}
	c->matches[c->nmatches].secret = secret;
	c->matches[c->nmatches].frame = frame;
	c->matches[c->nmatches].flow = flow;
	c->matches[c->nmatches].kind = kind;
	c->nmatches++;
	return 0;
}

/*
 * Every occurrence of every needle in p (a payload, or a reassembled
 * stream whose byte offsets frame_at maps to frames).  A weak secret
 * counts only as a whole token, the rule base/redact.h masks it by.
 */
static int
search(struct assay_capture *c, const unsigned char *p, size_t len,
    unsigned long frame, const struct stream *st, long flow)
{
	const struct needle *n;
	size_t i, off, end, lo, hi, mid;
	const unsigned char *hit;
	unsigned long fr;
	int r, guard;

	for (i = 0; i < c->nneedles; i++) {
		n = &c->needles[i];
		off = 0;
		for (guard = 0; off < len && guard < 4096; guard++) {
			/*
			 * glibc's memmem: two-way, linear in the worst case
			 * like assay_probe_find's KMP, and several times
			 * faster on long payloads (every needle meets every
			 * byte of the capture).
			 */
			hit = memmem(p + off, len - off, n->text, n->len);
			if (hit == NULL)
				break;
			off = (size_t)(hit - p);
			end = off + n->len;
			if (n->weak && ((off > 0 && word_byte(p[off - 1])) ||
			    (end < len && word_byte(p[end])))) {
				off++;
				continue;
			}
			fr = frame;
			if (st != NULL) {
				/* The frame that carried the last byte. */
				lo = 0;
				hi = st->nsegs;
				while (hi - lo > 1) {
					mid = (lo + hi) / 2;
					if (st->segs[mid].off <= end - 1)
						lo = mid;
					else
						hi = mid;
				}
				fr = st->nsegs ? st->segs[lo].frame : 0;
			}
			if ((r = add_match(c, n->secret, fr, flow,
			    n->kind)) != 0)
				return r;
			off++;
			if (st == NULL)
				break;	/* one per frame is enough */
		}
	}
	return 0;
}

static int
match_cmp(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	if (x->secret != y->secret)
		return x->secret < y->secret ? -1 : 1;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return 0;
}

static int
has_spelling(const struct assay_fact *f, const char *kind)
{
	const struct assay_field *fl = assay_fact_field(f, "spellings");
	size_t i;

	for (i = 0; fl != NULL && i < fl->nlist; i++)
		if (strcmp(fl->list[i], kind) == 0)
			return 1;
	return 0;
}

static int
emit_matches(struct assay_capture *c)
{
	const struct assay_capture_secret *s;
	struct assay_fact *f = NULL;
	char label[64];
	const char *lb;
	size_t i, per = 0;
	int r = 0;

	if (c->nmatches > 0)
		qsort(c->matches, c->nmatches, sizeof(*c->matches),
		    match_cmp);
	for (i = 0; i < c->nmatches; i++) {
		if (i > 0 && c->matches[i].secret == c->matches[i - 1].secret &&
		    c->matches[i].frame == c->matches[i - 1].frame) {
			/* Another spelling in the same frame, once. */
			if (f != NULL && !has_spelling(f, c->matches[i].kind) &&
			    (r = assay_fact_list_add(f, "spellings",
			    c->matches[i].kind, strlen(c->matches[i].kind))) != 0)
				return r;
			continue;
		}
		if (i == 0 || c->matches[i].secret != c->matches[i - 1].secret)
			per = 0;
		if (per++ >= ASSAY_CAPTURE_MAX_MATCHES) {
			f = NULL;
			c->matches_dropped++;
			continue;
		}
		s = &c->secrets[c->matches[i].secret];
		if ((lb = s->label) == NULL) {
			(void)snprintf(label, sizeof(label), "secret %zu",
			    c->matches[i].secret + 1);
			lb = label;
		}
		if ((f = assay_facts_add(c->facts, "secret",
		    c->matches[i].frame, c->matches[i].flow, &r)) == NULL) {
			if (r != 0)
				return r;
			continue;
		}
		(void)assay_fact_set_int(f, "index",
		    (long long)c->matches[i].secret + 1);
		if ((r = assay_fact_set_str(f, "label", lb, strlen(lb))) != 0 ||
		    (r = assay_fact_list_add(f, "spellings",
		    c->matches[i].kind, strlen(c->matches[i].kind))) != 0)
			return r;
	}
	if (c->matches_dropped > 0) {
		c->truncated = 1;
		return note(c, 0, "%lu further secret matches not listed "
		    "(cap of %d per secret)", (unsigned long)c->matches_dropped,
		    ASSAY_CAPTURE_MAX_MATCHES);
	}
	return 0;
}

/* --- flows and reassembly ------------------------------------------------ */

static unsigned int
flow_hash(int proto, const unsigned char *a, unsigned int ap,
    const unsigned char *b, unsigned int bp)
{
	unsigned int h = 2166136261u, i;

	/* Symmetric: both directions land in the same bucket. */
	for (i = 0; i < 16; i++)
		h = (h ^ (unsigned int)(a[i] ^ b[i])) * 16777619u;
	h = (h ^ (ap ^ bp)) * 16777619u;
	return (h ^ (unsigned int)proto) % NBUCKETS;
}

static int
well_known(unsigned int port)
{
	return port < 1024 || port == 1883 || port == 8883 || port == 5683 ||
	    port == 5684 || port == 8080 || port == 8443 || port == 5353;
}

/*
 * The flow of this packet, *dir 0 when it goes to the server; NULL when
 * the flow cap is reached (counted) or out of memory (c->err).
 */
static struct flow *
flow_get(struct assay_capture *c, int proto, int family,
    const unsigned char *src, unsigned int sport, const unsigned char *dst,
    unsigned int dport, int syn, int ack, unsigned long frame, int *dir)
{
	struct flow *fl, **nv;
	unsigned int h = flow_hash(proto, src, sport, dst, dport);
	size_t ncap;
	int client_is_src;

	for (fl = c->buckets[h]; fl != NULL; fl = fl->hnext) {
		if (fl->proto != proto)
			continue;
		if (memcmp(fl->ca, src, 16) == 0 && fl->cp == sport &&
		    memcmp(fl->sa, dst, 16) == 0 && fl->sp == dport) {
			*dir = 0;
			return fl;
		}
		if (memcmp(fl->ca, dst, 16) == 0 && fl->cp == dport &&
		    memcmp(fl->sa, src, 16) == 0 && fl->sp == sport) {
			*dir = 1;
			return fl;
		}
	}
	if (c->nflows >= c->lim.max_flows) {
		if (c->flows_dropped++ == 0) {
			c->truncated = 1;
			if (note(c, frame, "frame %lu: more than %zu flows: "
			    "later flows are counted, not followed", frame,
			    c->lim.max_flows) != 0)
				c->err = ASSAY_ERR_ALLOC;
		}
		return NULL;
	}
	if (syn && !ack)
		client_is_src = 1;
	else if (syn && ack)
		client_is_src = 0;
	else if (well_known(sport) && !well_known(dport))
		client_is_src = 0;
	else
		client_is_src = 1;
	if (c->nflows == c->capflows) {
		ncap = c->capflows ? c->capflows * 2 : 16;
		if ((nv = realloc(c->flows, ncap * sizeof(*nv))) == NULL) {
			c->err = ASSAY_ERR_ALLOC;
			return NULL;
		}
		c->flows = nv;
		c->capflows = ncap;
	}
	if ((fl = calloc(1, sizeof(*fl))) == NULL) {
		c->err = ASSAY_ERR_ALLOC;
		return NULL;
	}
	fl->proto = proto;
	fl->family = family;
	memcpy(fl->ca, client_is_src ? src : dst, 16);
	memcpy(fl->sa, client_is_src ? dst : src, 16);
	fl->cp = client_is_src ? sport : dport;
	fl->sp = client_is_src ? dport : sport;
	fl->first_frame = frame;
	fl->index = c->nflows;
	fl->hnext = c->buckets[h];
	c->buckets[h] = fl;
	c->flows[c->nflows++] = fl;
	*dir = client_is_src ? 0 : 1;
	return fl;
}

/* Appends payload bytes to a stream within its cap; notes the cap once. */
static int
stream_put(struct assay_capture *c, struct flow *fl, struct stream *s,
    const unsigned char *p, size_t len, unsigned long frame)
{
	struct seg *ns;
	size_t room, ncap;

	if (len == 0 || s->cut || s->gap)
		return 0;
	room = c->lim.max_flow_bytes - s->len;
	if (s->nsegs == s->capsegs) {
		ncap = s->capsegs ? s->capsegs * 2 : 16;
		if ((ns = realloc(s->segs, ncap * sizeof(*ns))) == NULL)
			return ASSAY_ERR_ALLOC;
		s->segs = ns;
		s->capsegs = ncap;
	}
	if (len > room) {
		len = room;
		s->cut = 1;
		c->truncated = 1;
		if (note(c, frame, "frame %lu: flow %zu: kept the first %zu "
		    "bytes %s, the rest is not dissected", frame, fl->index + 1,
		    c->lim.max_flow_bytes, s == &fl->dir[0] ? "to the server" :
		    "to the client") != 0)
			return ASSAY_ERR_ALLOC;
	}
	if (len == 0)
		return 0;
	/*
	 * Grown as bytes arrive, never past the cap: what is kept is at
	 * most what the file holds, whatever the number of flows.
	 */
	if (s->len + len > s->cap) {
		unsigned char *nb;

		ncap = s->cap ? s->cap : 4096;
		while (ncap < s->len + len)
			ncap *= 2;
		if (ncap > c->lim.max_flow_bytes)
			ncap = c->lim.max_flow_bytes;
		if ((nb = realloc(s->buf, ncap)) == NULL)
			return ASSAY_ERR_ALLOC;
		s->buf = nb;
		s->cap = ncap;
	}
	s->segs[s->nsegs].off = s->len;
	s->segs[s->nsegs++].frame = frame;
	memcpy(s->buf + s->len, p, len);
	s->len += len;
	return 0;
}

static int
tcp_segment(struct assay_capture *c, struct flow *fl, int dir, uint32_t seq,
    unsigned int flags, const unsigned char *p, size_t len,
    unsigned long frame)
{
	struct stream *s = &fl->dir[dir];
	int32_t diff;
	size_t skip;

	s->bytes += len;
	if (flags & 0x02) {		/* SYN */
		s->next = seq + 1;
		s->started = 1;
		fl->syn = 1;
		return 0;
	}
	if (len == 0)
		return 0;
	if (!s->started) {
		s->next = seq;
		s->started = 1;
	}
	diff = (int32_t)(seq - s->next);
	if (diff > 0) {
		if (!s->gap && !s->cut) {
			s->gap = 1;
			if (note(c, frame, "frame %lu: flow %zu: %ld bytes "
			    "missing %s (not captured or out of order): the "
			    "stream is dissected up to there", frame,
			    fl->index + 1, (long)diff, dir == 0 ?
			    "to the server" : "to the client") != 0)
				return ASSAY_ERR_ALLOC;
		}
		return 0;
	}
	skip = (size_t)(-(int64_t)diff);
	if (skip >= len)
		return 0;		/* a retransmission */
	s->next = seq + (uint32_t)len;
	return stream_put(c, fl, s, p + skip, len - skip, frame);
}

struct frame_arg {
	unsigned long	 frame;
	const struct stream *st;
};

static unsigned long
frame_const(void *arg, size_t off)
{
	(void)off;
	return ((struct frame_arg *)arg)->frame;
}

static unsigned long
frame_stream(void *arg, size_t off)
{
	const struct stream *st = ((struct frame_arg *)arg)->st;
	size_t lo = 0, hi = st->nsegs, mid;

	if (st->nsegs == 0)
		return 0;
	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (st->segs[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return st->segs[lo].frame;
}

static int
udp_datagram(struct assay_capture *c, struct flow *fl, int dir,
    const unsigned char *p, size_t len, unsigned long frame)
{
	struct frame_arg fa = { frame, NULL };
	struct assay_dissect_ctx ctx = { frame_const, &fa, (long)fl->index };

	fl->dir[dir].bytes += len;
	if (fl->app == ASSAY_APP_UNKNOWN)
		fl->app = assay_dissect_guess_udp(p, len, fl->sp);
	switch (fl->app) {
	case ASSAY_APP_DNS:
		return assay_dissect_dns(c->facts, &ctx, p, len);
	case ASSAY_APP_COAP:
		return assay_dissect_coap(c->facts, &ctx, p, len);
	case ASSAY_APP_DTLS:
		return assay_dissect_tls(c->facts, &ctx, p, len, dir == 0, 1);
	}
	return 0;
}

/* --- frames -------------------------------------------------------------- */

static int
transport(struct assay_capture *c, int family, int proto,
    const unsigned char *src, const unsigned char *dst,
    const unsigned char *p, size_t len, unsigned long frame)
{
	struct flow *fl;
	unsigned int sport, dport, flags, hl;
	size_t ulen;
	int dir, r;

	if (proto == 6) {
		if (len < 20 || (hl = (unsigned int)(p[12] >> 4) * 4) < 20 ||
		    hl > len)
			goto bad;
		sport = (unsigned int)p[0] << 8 | p[1];
		dport = (unsigned int)p[2] << 8 | p[3];
		flags = p[13];
		fl = flow_get(c, 6, family, src, sport, dst, dport,
		    (flags & 0x02) != 0, (flags & 0x10) != 0, frame, &dir);
		if (fl == NULL)
			return c->err;
		fl->packets++;
		fl->last_frame = frame;
		if ((r = search(c, p + hl, len - hl, frame, NULL,
		    (long)fl->index)) != 0)
			return r;
		return tcp_segment(c, fl, dir, (uint32_t)p[4] << 24 |
		    (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7], flags,
		    p + hl, len - hl, frame);
	}
	if (proto == 17) {
		if (len < 8)
			goto bad;
		sport = (unsigned int)p[0] << 8 | p[1];
		dport = (unsigned int)p[2] << 8 | p[3];
		ulen = (size_t)p[4] << 8 | p[5];
		if (ulen < 8)
			goto bad;
		if (ulen > len)
			ulen = len;	/* cut by the snapshot length */
		fl = flow_get(c, 17, family, src, sport, dst, dport, 0, 0,
		    frame, &dir);
		if (fl == NULL)
			return c->err;
		fl->packets++;
		fl->last_frame = frame;
		if ((r = search(c, p + 8, ulen - 8, frame, NULL,
		    (long)fl->index)) != 0)
			return r;
		return udp_datagram(c, fl, dir, p + 8, ulen - 8, frame);
	}
	return 0;
bad:
	if (c->bad++ == 0)
		c->first_bad = frame;
	return 0;
}

static int
ipv4(struct assay_capture *c, const unsigned char *p, size_t len,
    unsigned long frame)
{
	unsigned char src[16] = { 0 }, dst[16] = { 0 };
	size_t hl, tl;

	if (len < 20 || (p[0] >> 4) != 4 || (hl = (size_t)(p[0] & 0x0f) * 4) <
	    20 || hl > len)
		goto bad;
	tl = (size_t)p[2] << 8 | p[3];
	if (tl < hl)
		goto bad;
	if (tl > len) {
		if (c->snapcut++ == 0)
			c->first_snapcut = frame;
		tl = len;
	}
	if ((p[6] & 0x20) || ((p[6] & 0x1f) | p[7]) != 0) {
		if (c->fragments++ == 0)
			c->first_fragment = frame;
		return 0;
	}
	memcpy(src, p + 12, 4);
	memcpy(dst, p + 16, 4);
	return transport(c, 4, p[9], src, dst, p + hl, tl - hl, frame);
bad:
	if (c->bad++ == 0)
		c->first_bad = frame;
	return 0;
}

static int
ipv6(struct assay_capture *c, const unsigned char *p, size_t len,
    unsigned long frame)
{
	size_t pl, off = 40, el;
	unsigned int nh;
	int i;

	if (len < 40 || (p[0] >> 4) != 6)
		goto bad;
	pl = (size_t)p[4] << 8 | p[5];
	if (pl > len - 40) {
		if (c->snapcut++ == 0)
			c->first_snapcut = frame;
		pl = len - 40;
	}
	len = 40 + pl;
	nh = p[6];
	for (i = 0; i < 8; i++) {
		if (nh == 44) {
			if (c->fragments++ == 0)
				c->first_fragment = frame;
			return 0;
		}
		if (nh != 0 && nh != 43 && nh != 60 && nh != 51)
			break;
		if (len - off < 8)
			goto bad;
		el = nh == 51 ? ((size_t)p[off + 1] + 2) * 4 :
		    ((size_t)p[off + 1] + 1) * 8;
		if (len - off < el)
			goto bad;
		nh = p[off];
		off += el;
	}
	return transport(c, 6, (int)nh, p + 8, p + 24, p + off, len - off,
	    frame);
bad:
	if (c->bad++ == 0)
		c->first_bad = frame;
	return 0;
}

static int
frame_in(struct assay_capture *c, const unsigned char *p, size_t len,
    unsigned long frame)
{
	unsigned int et = 0;
	size_t off = 0;
	int tags;

	switch (c->linktype) {
	case DLT_EN10MB:
		if (len < 14)
			goto bad;
		et = (unsigned int)p[12] << 8 | p[13];
		off = 14;
		for (tags = 0; tags < 2 && (et == 0x8100 || et == 0x88a8);
		    tags++) {
			if (len - off < 4)
				goto bad;
			et = (unsigned int)p[off + 2] << 8 | p[off + 3];
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			goto bad;
		et = (unsigned int)p[14] << 8 | p[15];
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (len < 20)
			goto bad;
		et = (unsigned int)p[0] << 8 | p[1];
		off = 20;
		break;
	case DLT_NULL:
	case DLT_LOOP:
		/* The family's byte order is the capturing host's: look at IP. */
		off = 4;
		/* FALLTHROUGH */
	default:	/* DLT_RAW, DLT_IPV4, DLT_IPV6 */
		if (len <= off)
			goto bad;
		et = (p[off] >> 4) == 4 ? 0x0800 : (p[off] >> 4) == 6 ?
		    0x86dd : 0;
		break;
	}
	if (et == 0x0800)
		return ipv4(c, p + off, len - off, frame);
	if (et == 0x86dd)
		return ipv6(c, p + off, len - off, frame);
	c->non_ip++;
	return 0;
bad:
	if (c->bad++ == 0)
		c->first_bad = frame;
	return 0;
}

static int
supported_link(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL ||
	    dlt == DLT_LINUX_SLL2 || dlt == DLT_RAW || dlt == DLT_NULL ||
	    dlt == DLT_LOOP || dlt == DLT_IPV4 || dlt == DLT_IPV6 ||
	    dlt == 101 /* LINKTYPE_RAW where DLT_RAW is 12 or 14 */;
}

/* --- after the last frame ------------------------------------------------ */

static void
addr_str(const struct flow *fl, const unsigned char *a, char *buf, size_t len)
{
	if (inet_ntop(fl->family == 4 ? AF_INET : AF_INET6, a, buf,
	    (socklen_t)len) == NULL)
		(void)snprintf(buf, len, "?");
}

static int
dissect_flow(struct assay_capture *c, struct flow *fl)
{
	struct frame_arg fa[2] = { { 0, &fl->dir[0] }, { 0, &fl->dir[1] } };
	struct assay_dissect_ctx ctx[2] = {
		{ frame_stream, &fa[0], (long)fl->index },
		{ frame_stream, &fa[1], (long)fl->index } };
	const struct stream *s = fl->dir;
	int r = 0, d;

	if (fl->proto != 6)
		return 0;
	fl->app = assay_dissect_guess_tcp(s[0].buf, s[0].len, s[1].buf,
	    s[1].len, fl->sp);
	for (d = 0; d < 2 && r == 0; d++) {
		if (s[d].len == 0)
			continue;
		/* Secrets split over two segments are found here. */
		if ((r = search(c, s[d].buf, s[d].len, 0, &s[d],
		    (long)fl->index)) != 0)
			return r;
		switch (fl->app) {
		case ASSAY_APP_TLS:
			r = assay_dissect_tls(c->facts, &ctx[d], s[d].buf,
			    s[d].len, d == 0, 0);
			break;
		case ASSAY_APP_HTTP:
			if (d == 0)
				r = assay_dissect_http(c->facts, &ctx[d],
				    s[d].buf, s[d].len);
			break;
		case ASSAY_APP_MQTT:
			r = assay_dissect_mqtt(c->facts, &ctx[d], s[d].buf,
			    s[d].len, d == 0);
			break;
		case ASSAY_APP_TELNET:
			r = assay_dissect_telnet(c->facts, &ctx[d], s[d].buf,
			    s[d].len, d == 0);
			break;
		case ASSAY_APP_DNS:
			r = assay_dissect_dns_tcp(c->facts, &ctx[d], s[d].buf,
			    s[d].len);
			break;
		}
	}
	return r;
}

static int
flow_fact(struct assay_capture *c, const struct flow *fl)
{
	struct assay_fact *f;
	char a[INET6_ADDRSTRLEN];
	const char *app = assay_app_name(fl->app);
	int r = 0;

	if ((f = assay_facts_add(c->facts, "flow", fl->first_frame,
	    (long)fl->index, &r)) == NULL)
		return r;
	(void)assay_fact_set_str(f, "transport", fl->proto == 6 ? "tcp" :
	    "udp", 3);
	addr_str(fl, fl->ca, a, sizeof(a));
	if ((r = assay_fact_set_str(f, "client", a, strlen(a))) != 0)
		return r;
	addr_str(fl, fl->sa, a, sizeof(a));
	if ((r = assay_fact_set_str(f, "server", a, strlen(a))) != 0)
		return r;
	(void)assay_fact_set_int(f, "client_port", fl->cp);
	(void)assay_fact_set_int(f, "server_port", fl->sp);
	if ((r = assay_fact_set_str(f, "protocol", app, strlen(app))) != 0)
		return r;
	(void)assay_fact_set_int(f, "first_frame", (long long)fl->first_frame);
	(void)assay_fact_set_int(f, "last_frame", (long long)fl->last_frame);
	(void)assay_fact_set_int(f, "packets", (long long)fl->packets);
	(void)assay_fact_set_int(f, "bytes_to_server",
	    (long long)fl->dir[0].bytes);
	(void)assay_fact_set_int(f, "bytes_to_client",
	    (long long)fl->dir[1].bytes);
	if (fl->proto == 6) {
		(void)assay_fact_set_bool(f, "syn_seen", fl->syn);
		(void)assay_fact_set_bool(f, "truncated", fl->dir[0].cut ||
		    fl->dir[1].cut);
		(void)assay_fact_set_bool(f, "gap", fl->dir[0].gap ||
		    fl->dir[1].gap);
	}
	return 0;
}

struct mask_arg {
	struct assay_redact *rd;
};

static char *
mask_fn(void *arg, const char *s)
{
	return assay_redact_str(((struct mask_arg *)arg)->rd, s);
}

static int
finish(struct assay_capture *c)
{
	struct assay_redact *rd = NULL;
	struct assay_secret sec;
	struct mask_arg ma;
	size_t i;
	int r;

	for (i = 0; i < c->nflows; i++)
		if ((r = dissect_flow(c, c->flows[i])) != 0)
			return r;
	if ((r = emit_matches(c)) != 0)
		return r;
	for (i = 0; i < c->nflows; i++)
		if ((r = flow_fact(c, c->flows[i])) != 0)
			return r;
	if (c->fragments > 0 && (r = note(c, c->first_fragment, "%lu IP "
	    "fragments skipped (no IP reassembly), the first in frame %lu",
	    c->fragments, c->first_fragment)) != 0)
		return r;
	if (c->bad > 0 && (r = note(c, c->first_bad, "%lu malformed frames "
	    "skipped, the first is frame %lu", c->bad, c->first_bad)) != 0)
		return r;
	if (c->snapcut > 0 && (r = note(c, c->first_snapcut, "%lu frames cut "
	    "by the snapshot length, the first is frame %lu", c->snapcut,
	    c->first_snapcut)) != 0)
		return r;
	if (c->flows_dropped > 0 && (r = note(c, 0, "%zu flows not followed "
	    "(cap of %zu flows)", c->flows_dropped, c->lim.max_flows)) != 0)
		return r;
	if (assay_facts_dropped(c->facts) > 0) {
		c->truncated = 1;
		/* The list is full: the note replaces the last fact. */
	}
	assay_facts_sort(c->facts);
	if (c->nsecrets == 0)
		return 0;
	/* No string of the result may carry a secret, whoever sent it. */
	if ((rd = assay_redact_new()) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < c->nsecrets; i++) {
		memset(&sec, 0, sizeof(sec));
		sec.value = c->secrets[i].value;
		sec.user = c->secrets[i].user;
		if ((r = assay_redact_add(rd, &sec)) != 0)
			goto out;
	}
	ma.rd = rd;
	r = assay_facts_rewrite(c->facts, mask_fn, &ma);
out:
	assay_redact_free(rd);
	return r;
}

static const char *
link_name(int dlt, char *buf, size_t len)
{
	const char *n = pcap_datalink_val_to_name(dlt);

	if (n != NULL)
		(void)snprintf(buf, len, "%s", n);
	else
		(void)snprintf(buf, len, "DLT %d", dlt);
	return buf;
}

/* Reads every frame of fp (taken over); the analysis or why. */
static int
analyse(FILE *fp, const char *name, const char *sha256,
    const struct assay_capture_limits *lim,
    const struct assay_capture_secret *secrets, size_t nsecrets,
    struct assay_capture **cp, char *why, size_t whylen)
{
	struct assay_capture *c = NULL;
	struct pcap_pkthdr *h;
	const unsigned char *data;
	struct needle_ctx nc;
	struct assay_secret sec;
	char errbuf[PCAP_ERRBUF_SIZE], ln[32];
	pcap_t *pc = NULL;
	size_t i;
	int r = 0, rc;

	*cp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->needles = calloc(nsecrets * NEEDLES_PER_SECRET + 1,
	    sizeof(*c->needles))) == NULL) {
		fclose(fp);
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	(void)snprintf(c->sha256, sizeof(c->sha256), "%s", sha256);
	c->capneedles = nsecrets * NEEDLES_PER_SECRET;
	if (lim != NULL)
		c->lim = *lim;
	if (c->lim.max_file == 0)
		c->lim.max_file = ASSAY_CAPTURE_MAX_FILE;
	if (c->lim.max_packets == 0)
		c->lim.max_packets = ASSAY_CAPTURE_MAX_PACKETS;
	if (c->lim.max_flows == 0)
		c->lim.max_flows = ASSAY_CAPTURE_MAX_FLOWS;
	if (c->lim.max_flow_bytes == 0)
		c->lim.max_flow_bytes = ASSAY_CAPTURE_MAX_FLOW_BYTES;
	if ((c->facts = assay_facts_new(c->lim.max_facts)) == NULL) {
		fclose(fp);
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	c->secrets = secrets;
	c->nsecrets = nsecrets;
	for (i = 0; i < nsecrets; i++) {
		if (secrets[i].value == NULL || secrets[i].value[0] == '\0')
			continue;
		memset(&sec, 0, sizeof(sec));
		sec.value = secrets[i].value;
		nc.c = c;
		nc.secret = i;
		nc.weak = assay_redact_is_weak(&sec);
		if ((r = assay_redact_spellings(secrets[i].value, NULL,
		    add_needle, &nc)) != 0)
			goto fail_fp;
		nc.weak = 0;	/* the Basic pair is long enough to stand alone */
		if (secrets[i].user != NULL && (r = assay_redact_spellings(
		    secrets[i].value, secrets[i].user, add_needle, &nc)) != 0)
			goto fail_fp;
	}
	errbuf[0] = '\0';
	if ((pc = pcap_fopen_offline(fp, errbuf)) == NULL) {
		/* pcap_fopen_offline leaves fp to its caller on failure. */
		fclose(fp);
		(void)snprintf(why, whylen, "%s: not a capture libpcap can "
		    "read: %s", name, errbuf);
		goto out;
	}
	c->linktype = pcap_datalink(pc);
	(void)snprintf(c->link, sizeof(c->link), "%s", link_name(c->linktype,
	    ln, sizeof(ln)));
	if (!supported_link(c->linktype)) {
		(void)snprintf(why, whylen, "%s: link type %s is not one the "
		    "analysis decodes (Ethernet, Linux cooked, raw IP, "
		    "loopback)", name, c->link);
		goto out;
	}
	for (;;) {
		rc = pcap_next_ex(pc, &h, &data);
		if (rc == PCAP_ERROR_BREAK)
			break;
		if (rc != 1) {
			(void)snprintf(why, whylen, "%s: frame %lu: %s", name,
			    c->frames + 1, rc == PCAP_ERROR ? pcap_geterr(pc) :
			    "unexpected end of capture");
			goto out;
		}
		if (c->frames >= c->lim.max_packets) {
			(void)snprintf(why, whylen, "%s: frame %lu: more than "
			    "%zu frames (the capture cap): cut the capture to "
			    "the device's conversations", name, c->frames + 1,
			    c->lim.max_packets);
			goto out;
		}
		c->frames++;
		if (h->caplen < h->len) {
			if (c->snapcut++ == 0)
				c->first_snapcut = c->frames;
		}
		if ((r = frame_in(c, data, h->caplen, c->frames)) != 0)
			goto out;
	}
	if ((r = finish(c)) != 0)
		goto out;
	/* Borrowed for the call only. */
	c->secrets = NULL;
	c->nsecrets = 0;
	*cp = c;
	c = NULL;
out:
	if (pc != NULL)
		pcap_close(pc);
	assay_capture_free(c);
	return r;
fail_fp:
	fclose(fp);
	assay_capture_free(c);
	return r;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
assay_capture_analyse_file(const char *path,
    const struct assay_capture_limits *lim,
    const struct assay_capture_secret *secrets, size_t nsecrets,
    struct assay_capture **cp, char *why, size_t whylen)
{
	unsigned char md[ASSAY_SHA256_LEN];
	char hex[ASSAY_SHA256_HEX_LEN + 1];
	struct stat st;
	FILE *fp;
	size_t max = lim != NULL && lim->max_file ? lim->max_file :
	    ASSAY_CAPTURE_MAX_FILE;
	int fd;

	*cp = NULL;
	if (path == NULL || nsecrets > ASSAY_CAPTURE_MAX_SECRETS)
		return ASSAY_ERR_INVALID_ARG;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		(void)snprintf(why, whylen, "%s: cannot open: %s",
		    base_name(path), strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		(void)snprintf(why, whylen, "%s: not a regular file",
		    base_name(path));
		close(fd);
		return 0;
	}
	if ((unsigned long long)st.st_size > max) {
		(void)snprintf(why, whylen, "%s: %lld bytes, more than the cap "
		    "of %zu bytes for a capture", base_name(path),
		    (long long)st.st_size, max);
		close(fd);
		return 0;
	}
	/* The hash names the bytes analysed: the same descriptor, rewound. */
	if (assay_file_sha256_fd(fd, md) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		(void)snprintf(why, whylen, "%s: cannot read: %s",
		    base_name(path), strerror(errno));
		close(fd);
		return 0;
	}
	assay_hex_encode(md, sizeof(md), hex);
	if ((fp = fdopen(fd, "rb")) == NULL) {
		close(fd);
		return ASSAY_ERR_ALLOC;
	}
	return analyse(fp, base_name(path), hex, lim, secrets, nsecrets, cp,
	    why, whylen);
}

int
assay_capture_analyse_mem(const void *data, size_t len,
    const struct assay_capture_limits *lim,
    const struct assay_capture_secret *secrets, size_t nsecrets,
    struct assay_capture **cp, char *why, size_t whylen)
{
	char hex[ASSAY_SHA256_HEX_LEN + 1];
	FILE *fp;
	size_t max = lim != NULL && lim->max_file ? lim->max_file :
	    ASSAY_CAPTURE_MAX_FILE;

	*cp = NULL;
	if (nsecrets > ASSAY_CAPTURE_MAX_SECRETS)
		return ASSAY_ERR_INVALID_ARG;
	if (len == 0) {
		(void)snprintf(why, whylen, "capture: empty file");
		return 0;
	}
	if (len > max) {
		(void)snprintf(why, whylen, "capture: %zu bytes, more than the "
		    "cap of %zu bytes for a capture", len, max);
		return 0;
	}
	if (assay_sha256_hex(data, len, hex) != 0)
		return ASSAY_ERR_CRYPTO;
	if ((fp = fmemopen((void *)(uintptr_t)data, len, "rb")) == NULL)
		return ASSAY_ERR_ALLOC;
	return analyse(fp, "capture", hex, lim, secrets, nsecrets, cp, why,
	    whylen);
}

/* --- recording ----------------------------------------------------------- */

struct assay_capture_rec {
	pcap_t				*pc;
	pcap_dumper_t			*dump;
	pthread_t			 thread;
	struct assay_capture_rec_limits	 lim;
	long long			 deadline;
	atomic_int			 stop;	/* set by the caller */
	unsigned long			 frames;
	char				 why[PCAP_ERRBUF_SIZE + 64];
	int				 failed;
	unsigned int			 drops;	/* when a cap ended it */
	int				 counted;
};

/*
 * The kernel's drop count when the recording ends: taken when a cap is
 * reached, not later, since frames arriving after it are not wanted.
 */
static void
rec_count(struct assay_capture_rec *rec)
{
	struct pcap_stat ps;

	if (rec->counted)
		return;
	rec->counted = 1;
	rec->drops = pcap_stats(rec->pc, &ps) == 0 ? ps.ps_drop : 0;
}

static void
rec_packet(unsigned char *arg, const struct pcap_pkthdr *h,
    const unsigned char *data)
{
	struct assay_capture_rec *rec = (struct assay_capture_rec *)arg;

	if (rec->why[0] != '\0')
		return;		/* a cap was reached within this batch */
	/*
	 * In immediate mode a quiet interface can keep pcap_dispatch
	 * waiting past the deadline: a frame after it is not kept.
	 */
	if (assay_clock_ms() >= rec->deadline) {
		(void)snprintf(rec->why, sizeof(rec->why), "time cap of %ld ms "
		    "reached", rec->lim.max_ms);
		rec_count(rec);
		return;
	}
	pcap_dump((unsigned char *)rec->dump, h, data);
	rec->frames++;
	if (rec->frames >= rec->lim.max_packets)
		(void)snprintf(rec->why, sizeof(rec->why), "frame cap of %zu "
		    "reached", rec->lim.max_packets);
	else if ((unsigned long long)pcap_dump_ftell64(rec->dump) >=
	    rec->lim.max_bytes)
		(void)snprintf(rec->why, sizeof(rec->why), "file cap of %zu "
		    "bytes reached", rec->lim.max_bytes);
}

/*
 * The recording thread: blocking dispatches, each ended by the 50 ms
 * packet timeout or by pcap_breakloop() from assay_capture_rec_stop();
 * the caps are checked between them.  (Non-blocking reads with poll()
 * left the last frames of a TPACKET_V3 block unread until more came.)
 */
static void *
rec_main(void *arg)
{
	struct assay_capture_rec *rec = arg;

	while (!atomic_load(&rec->stop)) {
		if (rec->why[0] != '\0') {
			rec_count(rec);
			break;
		}
		if (assay_clock_ms() >= rec->deadline) {
			(void)snprintf(rec->why, sizeof(rec->why), "time cap "
			    "of %ld ms reached", rec->lim.max_ms);
			rec_count(rec);
			break;
		}
		switch (pcap_dispatch(rec->pc, -1, rec_packet,
		    (unsigned char *)rec)) {
		case PCAP_ERROR_BREAK:
			return NULL;
		case PCAP_ERROR:
			(void)snprintf(rec->why, sizeof(rec->why), "%s",
			    pcap_geterr(rec->pc));
			rec->failed = 1;
			return NULL;
		}
	}
	return NULL;
}

int
assay_capture_rec_start(const char *iface, const char *filter,
    const struct assay_capture_rec_limits *lim, const char *path,
    struct assay_capture_rec **rp, char *why, size_t whylen)
{
	struct assay_capture_rec *rec;
	struct bpf_program prog;
	char errbuf[PCAP_ERRBUF_SIZE];
	int r;

	*rp = NULL;
	if (iface == NULL || path == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((rec = calloc(1, sizeof(*rec))) == NULL)
		return ASSAY_ERR_ALLOC;
	if (lim != NULL)
		rec->lim = *lim;
	if (rec->lim.max_ms <= 0 || rec->lim.max_ms > ASSAY_CAPTURE_REC_MAX_MS)
		rec->lim.max_ms = ASSAY_CAPTURE_REC_MAX_MS;
	if (rec->lim.max_bytes == 0)
		rec->lim.max_bytes = ASSAY_CAPTURE_REC_MAX_BYTES;
	if (rec->lim.max_packets == 0)
		rec->lim.max_packets = ASSAY_CAPTURE_MAX_PACKETS;
	errbuf[0] = '\0';
	if ((rec->pc = pcap_create(iface, errbuf)) == NULL) {
		(void)snprintf(why, whylen, "%s: %s", iface, errbuf);
		goto fail;
	}
	/*
	 * Immediate mode: frames reach the file as they arrive, not when
	 * a kernel buffer fills, so stopping loses nothing.
	 */
	/*
	 * A ring of 16 MiB, not libpcap's 2 MiB: the lab's own probes of the
	 * device (a sweep, a login series) cross the same interface in
	 * bursts, and a small ring dropped the device's frames with them.
	 */
	if (pcap_set_snaplen(rec->pc, ASSAY_CAPTURE_REC_SNAPLEN) != 0 ||
	    pcap_set_buffer_size(rec->pc, 16 * 1024 * 1024) != 0 ||
	    pcap_set_immediate_mode(rec->pc, 1) != 0 ||
	    pcap_set_timeout(rec->pc, 50) != 0 ||
	    (r = pcap_activate(rec->pc)) < 0) {
		(void)snprintf(why, whylen, "%s: %s", iface,
		    pcap_geterr(rec->pc));
		goto fail;
	}
	if (filter != NULL) {
		if (pcap_compile(rec->pc, &prog, filter, 1,
		    PCAP_NETMASK_UNKNOWN) != 0) {
			(void)snprintf(why, whylen, "filter \"%s\": %s", filter,
			    pcap_geterr(rec->pc));
			goto fail;
		}
		r = pcap_setfilter(rec->pc, &prog);
		pcap_freecode(&prog);
		if (r != 0) {
			(void)snprintf(why, whylen, "filter: %s",
			    pcap_geterr(rec->pc));
			goto fail;
		}
	}
	if ((rec->dump = pcap_dump_open(rec->pc, path)) == NULL) {
		(void)snprintf(why, whylen, "%s: %s", path,
		    pcap_geterr(rec->pc));
		goto fail;
	}
	pcap_dump_flush(rec->dump);
	rec->deadline = assay_clock_ms() + rec->lim.max_ms;
	if (pthread_create(&rec->thread, NULL, rec_main, rec) != 0) {
		pcap_dump_close(rec->dump);
		pcap_close(rec->pc);
		free(rec);
		return ASSAY_ERR_ALLOC;
	}
	*rp = rec;
	return 0;
fail:
	if (rec->pc != NULL)
		pcap_close(rec->pc);
	free(rec);
	return 0;
}

int
assay_capture_rec_stop(struct assay_capture_rec *rec, unsigned long *frames,
    unsigned long long *bytes, char *why, size_t whylen)
{
	long long size;
	int r = 0;

	if (rec == NULL)
		return ASSAY_ERR_INVALID_ARG;
	char errbuf[PCAP_ERRBUF_SIZE];

	atomic_store(&rec->stop, 1);
	pcap_breakloop(rec->pc);
	(void)pthread_join(rec->thread, NULL);
	/* What is already in the kernel's buffer is kept, up to the caps. */
	if (!rec->failed && rec->why[0] == '\0' &&
	    pcap_setnonblock(rec->pc, 1, errbuf) == 0)
		(void)pcap_dispatch(rec->pc, -1, rec_packet,
		    (unsigned char *)rec);
	if (pcap_dump_flush(rec->dump) != 0)
		r = ASSAY_ERR_IO;
	rec_count(rec);
	size = pcap_dump_ftell64(rec->dump);
	pcap_dump_close(rec->dump);
	pcap_close(rec->pc);
	if (frames != NULL)
		*frames = rec->frames;
	if (bytes != NULL)
		*bytes = size > 0 ? (unsigned long long)size : 0;
	/* Frames the kernel could not hand over: the recording has holes. */
	if (rec->drops > 0)
		(void)snprintf(why, whylen, "%s; %u frames dropped by the kernel",
		    rec->why[0] ? rec->why : "stopped", rec->drops);
	else
		(void)snprintf(why, whylen, "%s", rec->why[0] ? rec->why :
		    "stopped");
	if (rec->failed)
		r = ASSAY_ERR_IO;
	free(rec);
	return r;
}

/* --- Lua ----------------------------------------------------------------- */

int
assay_probe_pcap_allow(struct lua_State *L, const char *dir)
{
	return assay_artefact_allow_dir(L, "capture", dir);
}

struct lua_secrets {
	struct assay_capture_secret	 v[ASSAY_CAPTURE_MAX_SECRETS];
	size_t				 n;
};

static void
capture_box_free(void *p)
{
	assay_capture_free(p);
}

#define NSECTIONS	10
/* Fact sections and the names of their lists in the Lua result. */
static const char *const sections[NSECTIONS + 1] = { "flow", "tls",
    "dtls", "http", "mqtt", "coap", "telnet", "dns", "secret", "note",
    NULL };
static const char *const lua_names[NSECTIONS + 1] = { "flows", "tls",
    "dtls", "http", "mqtt", "coap", "telnet", "dns", "secrets", "notes",
    NULL };

static int
l_capture(lua_State *L)
{
	static const char *const known[] = { "file", "id", "secrets",
	    "max_packets", "max_flows", "max_flow_bytes", NULL };
	struct assay_artefact_ref ref;
	struct assay_capture_limits lim;
	struct assay_capture *c = NULL;
	const struct assay_facts *fs;
	const struct assay_fact *f;
	struct lua_secrets sec;
	const char *file;
	char why[512];
	void **box;
	size_t i, j, k, n, counts[NSECTIONS];
	int r;

	assay_lua_opts(L, "capture", known);
	assay_artefact_resolve(L, "capture", "capture", &ref);
	file = ref.id[0] != '\0' ? ref.id : ref.path;
	memset(&lim, 0, sizeof(lim));
	lim.max_packets = (size_t)assay_lua_opt_int(L, "capture",
	    "max_packets", ASSAY_CAPTURE_MAX_PACKETS, 1, 10000000);
	lim.max_flows = (size_t)assay_lua_opt_int(L, "capture", "max_flows",
	    ASSAY_CAPTURE_MAX_FLOWS, 1, 65536);
	lim.max_flow_bytes = (size_t)assay_lua_opt_int(L, "capture",
	    "max_flow_bytes", ASSAY_CAPTURE_MAX_FLOW_BYTES, 1,
	    16 * 1024 * 1024);
	memset(&sec, 0, sizeof(sec));
	if (lua_getfield(L, 1, "secrets") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			return assay_lua_argerror(L, "capture", "secrets must "
			    "be a list of strings or {label=, value=, user=}");
		n = lua_rawlen(L, -1);
		if (n > ASSAY_CAPTURE_MAX_SECRETS)
			return assay_lua_argerror(L, "capture", "at most %d "
			    "secrets", ASSAY_CAPTURE_MAX_SECRETS);
		for (i = 0; i < n; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			if (lua_type(L, -1) == LUA_TSTRING) {
				sec.v[i].value = lua_tostring(L, -1);
			} else if (lua_istable(L, -1)) {
				if (lua_getfield(L, -1, "value") != LUA_TSTRING)
					return assay_lua_argerror(L, "capture",
					    "secrets[%zu].value must be a "
					    "string", i + 1);
				sec.v[i].value = lua_tostring(L, -1);
				lua_pop(L, 1);
				if (lua_getfield(L, -1, "label") == LUA_TSTRING)
					sec.v[i].label = lua_tostring(L, -1);
				else if (!lua_isnil(L, -1))
					return assay_lua_argerror(L, "capture",
					    "secrets[%zu].label must be a "
					    "string", i + 1);
				lua_pop(L, 1);
				if (lua_getfield(L, -1, "user") == LUA_TSTRING)
					sec.v[i].user = lua_tostring(L, -1);
				else if (!lua_isnil(L, -1))
					return assay_lua_argerror(L, "capture",
					    "secrets[%zu].user must be a "
					    "string", i + 1);
				lua_pop(L, 1);
			} else
				return assay_lua_argerror(L, "capture",
				    "secrets[%zu] must be a string or a table",
				    i + 1);
			if (sec.v[i].value[0] == '\0')
				return assay_lua_argerror(L, "capture",
				    "secrets[%zu] is empty", i + 1);
			/*
			 * The string stays referenced by the secrets table,
			 * which the options table keeps until the return.
			 */
			lua_pop(L, 1);
		}
		sec.n = n;
	}
	if (ref.missing) {
		(void)snprintf(why, sizeof(why), "capture %.60s: %.300s is gone since "
		    "the lab set-up was loaded", file, ref.path);
		return assay_lua_fail(L, why);
	}
	box = assay_lua_box(L, capture_box_free);
	r = assay_capture_analyse_file(ref.path, &lim, sec.v, sec.n, &c, why,
	    sizeof(why));
	if (r != 0)
		return assay_lua_harness_error(L, "capture", r, 0);
	if (c == NULL)
		return assay_lua_fail(L, why);
	*box = c;
	/* What was analysed must be what the loader hashed and recorded. */
	if (ref.sha256[0] != '\0' &&
	    strcmp(ref.sha256, assay_capture_sha256(c)) != 0) {
		(void)snprintf(why, sizeof(why), "capture %.300s: the file changed "
		    "since the lab set-up was loaded (sha256 %s, then %s)",
		    file, assay_capture_sha256(c), ref.sha256);
		return assay_lua_fail(L, why);
	}
	*box = c;
	fs = assay_capture_facts(c);
	lua_createtable(L, 0, 16);
	lua_pushinteger(L, (lua_Integer)assay_capture_frames(c));
	lua_setfield(L, -2, "frames");
	lua_pushstring(L, assay_capture_link(c));
	lua_setfield(L, -2, "link");
	lua_pushboolean(L, assay_capture_truncated(c));
	lua_setfield(L, -2, "truncated");
	lua_pushstring(L, assay_capture_sha256(c));
	lua_setfield(L, -2, "sha256");
	lua_pushinteger(L, (lua_Integer)assay_facts_dropped(fs));
	lua_setfield(L, -2, "facts_dropped");
	assay_probe_note(assay_probe_env_get(L), "capture", "%s: sha256 %s, "
	    "%lu frames, link %s, %zu flows, %zu secret matches%s", file,
	    assay_capture_sha256(c), assay_capture_frames(c),
	    assay_capture_link(c), assay_facts_count_section(fs, "flow"),
	    assay_facts_count_section(fs, "secret"),
	    assay_capture_truncated(c) ? ", truncated (see notes)" : "");
	/* One pass over the facts: each goes to its section's list. */
	for (k = 0; sections[k] != NULL; k++) {
		lua_createtable(L, 0, 0);
		lua_setfield(L, -2, lua_names[k]);
		counts[k] = 0;
	}
	for (i = 0; (f = assay_facts_get(fs, i)) != NULL; i++) {
		for (k = 0; sections[k] != NULL &&
		    strcmp(sections[k], f->section) != 0; k++)
			;
		if (sections[k] == NULL)
			continue;
		lua_getfield(L, -1, lua_names[k]);
		if (strcmp(sections[k], "note") == 0) {
			lua_pushstring(L, assay_fact_str(f, "text"));
		} else {
			lua_createtable(L, 0, (int)f->nfields + 2);
			if (f->frame > 0) {
				lua_pushinteger(L, (lua_Integer)f->frame);
				lua_setfield(L, -2, "frame");
			}
			if (f->flow >= 0) {
				lua_pushinteger(L, (lua_Integer)f->flow + 1);
				lua_setfield(L, -2, "flow");
			}
			for (j = 0; j < f->nfields; j++) {
				assay_lua_push_field(L, &f->fields[j]);
				lua_setfield(L, -2, f->fields[j].key);
			}
		}
		lua_rawseti(L, -2, (lua_Integer)++counts[k]);
		lua_pop(L, 1);
	}
	return 1;
}

void
assay_probe_pcap_lua_register(struct lua_State *L)
{
	lua_pushcfunction(L, l_capture);
	lua_setfield(L, -2, "capture");
}
