/*
 * dissect.c - the fact list and the plaintext dissectors (HTTP, MQTT,
 * telnet, DNS, CoAP).  TLS and DTLS are in dissect_tls.c.
 *
 * Every reader here works on (pointer, length) and checks each length
 * field against what is left before using it: the bytes come from a
 * capture file, which is as hostile as the device that sent them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/utf8.h"
#include "probe/dissect.h"
#include "probe/mqtt_codec.h"

struct assay_facts {
	struct assay_fact	**v;
	size_t			  n, cap, max, dropped;
};

struct assay_facts *
assay_facts_new(size_t max)
{
	struct assay_facts *fs;

	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return NULL;
	fs->max = max ? max : ASSAY_FACTS_MAX;
	return fs;
}

static void
field_clear(struct assay_field *fl)
{
	size_t i;

	free(fl->str);
	for (i = 0; i < fl->nlist; i++)
		free(fl->list[i]);
	free(fl->list);
	memset(fl, 0, sizeof(*fl));
}

void
assay_facts_free(struct assay_facts *fs)
{
	size_t i, j;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		for (j = 0; j < fs->v[i]->nfields; j++)
			field_clear(&fs->v[i]->fields[j]);
		free(fs->v[i]);
	}
	free(fs->v);
	free(fs);
}

size_t
assay_facts_count(const struct assay_facts *fs)
{
	return fs ? fs->n : 0;
}

size_t
assay_facts_dropped(const struct assay_facts *fs)
{
	return fs ? fs->dropped : 0;
}

const struct assay_fact *
assay_facts_get(const struct assay_facts *fs, size_t i)
{
	return (fs != NULL && i < fs->n) ? fs->v[i] : NULL;
}

const struct assay_field *
assay_fact_field(const struct assay_fact *f, const char *key)
{
	size_t i;

	if (f == NULL)
		return NULL;
	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return &f->fields[i];
	return NULL;
}

const char *
assay_fact_str(const struct assay_fact *f, const char *key)
{
	const struct assay_field *fl = assay_fact_field(f, key);

	return (fl != NULL && fl->type == ASSAY_FIELD_STR) ? fl->str : NULL;
}

const struct assay_fact *
assay_facts_find(const struct assay_facts *fs, const char *section, size_t i)
{
	size_t k;

	for (k = 0; fs != NULL && k < fs->n; k++)
		if (strcmp(fs->v[k]->section, section) == 0 && i-- == 0)
			return fs->v[k];
	return NULL;
}

size_t
assay_facts_count_section(const struct assay_facts *fs, const char *section)
{
	size_t k, n = 0;

	for (k = 0; fs != NULL && k < fs->n; k++)
		if (strcmp(fs->v[k]->section, section) == 0)
			n++;
	return n;
}

struct assay_fact *
assay_facts_add(struct assay_facts *fs, const char *section,
    unsigned long frame, long flow, int *err)
{
	struct assay_fact *f, **nv;
	size_t ncap;

	if (fs->n >= fs->max) {
		fs->dropped++;
		return NULL;
	}
	if (fs->n == fs->cap) {
		ncap = fs->cap ? fs->cap * 2 : 32;
		if ((nv = realloc(fs->v, ncap * sizeof(*nv))) == NULL) {
			*err = ASSAY_ERR_ALLOC;
			return NULL;
		}
		fs->v = nv;
		fs->cap = ncap;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		*err = ASSAY_ERR_ALLOC;
		return NULL;
	}
	f->section = section;
	f->frame = frame;
	f->flow = flow;
	fs->v[fs->n++] = f;
	return f;
}

/* The field key of f, created with type when absent; NULL when full. */
static struct assay_field *
field_get(struct assay_fact *f, const char *key, int type)
{
	struct assay_field *fl;
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0) {
			if (f->fields[i].type != type)
				field_clear(&f->fields[i]);
			f->fields[i].key = key;
			f->fields[i].type = type;
			return &f->fields[i];
		}
	if (f->nfields == ASSAY_FACT_MAX_FIELDS)
		return NULL;
	fl = &f->fields[f->nfields++];
	fl->key = key;
	fl->type = type;
	return fl;
}

static char *
clean_copy(const void *s, size_t len)
{
	if (len > ASSAY_FACT_MAX_STR)
		len = ASSAY_FACT_MAX_STR;
	return assay_utf8_clean(s, len, 0);
}

int
assay_fact_set_str(struct assay_fact *f, const char *key, const void *s,
    size_t len)
{
	struct assay_field *fl;
	char *c;

	if (f == NULL || (fl = field_get(f, key, ASSAY_FIELD_STR)) == NULL)
		return 0;
	if ((c = clean_copy(s, len)) == NULL)
		return ASSAY_ERR_ALLOC;
	free(fl->str);
	fl->str = c;
	return 0;
}

int
assay_fact_set_int(struct assay_fact *f, const char *key, long long v)
{
	struct assay_field *fl;

	if (f != NULL && (fl = field_get(f, key, ASSAY_FIELD_INT)) != NULL)
		fl->num = v;
	return 0;
}

int
assay_fact_set_bool(struct assay_fact *f, const char *key, int v)
{
	struct assay_field *fl;

	if (f != NULL && (fl = field_get(f, key, ASSAY_FIELD_BOOL)) != NULL)
		fl->num = v != 0;
	return 0;
}

int
assay_fact_list(struct assay_fact *f, const char *key)
{
	if (f != NULL)
		(void)field_get(f, key, ASSAY_FIELD_LIST);
	return 0;
}

int
assay_fact_list_add(struct assay_fact *f, const char *key, const void *s,
    size_t len)
{
	struct assay_field *fl;
	char **nl, *c;

	if (f == NULL || (fl = field_get(f, key, ASSAY_FIELD_LIST)) == NULL)
		return 0;
	if (fl->nlist >= ASSAY_FACT_MAX_LIST) {
		fl->list_cut = 1;
		return 0;
	}
	if ((c = clean_copy(s, len)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((nl = realloc(fl->list, (fl->nlist + 1) * sizeof(*nl))) == NULL) {
		free(c);
		return ASSAY_ERR_ALLOC;
	}
	fl->list = nl;
	fl->list[fl->nlist++] = c;
	return 0;
}

int
assay_facts_rewrite(struct assay_facts *fs, char *(*fn)(void *, const char *),
    void *arg)
{
	struct assay_field *fl;
	size_t i, j, k;
	char *c;

	for (i = 0; fs != NULL && i < fs->n; i++)
		for (j = 0; j < fs->v[i]->nfields; j++) {
			fl = &fs->v[i]->fields[j];
			if (fl->type == ASSAY_FIELD_STR && fl->str != NULL) {
				if ((c = fn(arg, fl->str)) == NULL)
					return ASSAY_ERR_ALLOC;
				free(fl->str);
				fl->str = c;
			}
			for (k = 0; fl->type == ASSAY_FIELD_LIST &&
			    k < fl->nlist; k++) {
				if ((c = fn(arg, fl->list[k])) == NULL)
					return ASSAY_ERR_ALLOC;
				free(fl->list[k]);
				fl->list[k] = c;
			}
		}
	return 0;
}

void
assay_facts_sort(struct assay_facts *fs)
{
	struct assay_fact *f;
	size_t i, j;

	/* Insertion sort: stable, and the facts come nearly in order. */
	for (i = 1; fs != NULL && i < fs->n; i++) {
		f = fs->v[i];
		for (j = i; j > 0 && fs->v[j - 1]->frame > f->frame; j--)
			fs->v[j] = fs->v[j - 1];
		fs->v[j] = f;
	}
}

const char *
assay_app_name(int app)
{
	static const char *const names[] = { "unknown", "tls", "http", "mqtt",
	    "telnet", "dns", "coap", "dtls" };

	if (app < 0 || app > ASSAY_APP_DTLS)
		return "unknown";
	return names[app];
}

/* --- guessing the protocol ---------------------------------------------- */

static const char *const http_methods[] = { "GET ", "POST ", "PUT ",
    "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", NULL };

/* Length of the HTTP method p starts with (with its space), or 0. */
static size_t
http_method_len(const unsigned char *p, size_t len)
{
	size_t i, ml;

	for (i = 0; http_methods[i] != NULL; i++) {
		ml = strlen(http_methods[i]);
		if (len >= ml && memcmp(p, http_methods[i], ml) == 0)
			return ml;
	}
	return 0;
}

static int
looks_tls(const unsigned char *p, size_t len)
{
	return len >= 3 && p[0] >= 20 && p[0] <= 24 && p[1] == 3 && p[2] <= 4;
}

static int
looks_mqtt_connect(const unsigned char *p, size_t len)
{
	size_t rem, hl;
	unsigned char type;

	if (len < 2 || p[0] != ASSAY_MQTT_CONNECT)
		return 0;
	if (assay_mqtt_header_parse(p, len, &type, &rem, &hl) != 0 || hl == 0)
		return 0;
	if (len < hl + 8)
		return 0;
	return (p[hl] == 0 && p[hl + 1] == 4 && memcmp(p + hl + 2, "MQTT",
	    4) == 0) || (p[hl] == 0 && p[hl + 1] == 6 && len >= hl + 8 &&
	    memcmp(p + hl + 2, "MQIs", 4) == 0);
}

static int
has_iac(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len && i < 64; i++)
		if (p[i] == 0xff && p[i + 1] >= 251 && p[i + 1] <= 254)
			return 1;
	return 0;
}

int
assay_dissect_guess_tcp(const unsigned char *c, size_t clen,
    const unsigned char *s, size_t slen, unsigned int server_port)
{
	if (looks_tls(c, clen) || (clen == 0 && looks_tls(s, slen)))
		return ASSAY_APP_TLS;
	if (http_method_len(c, clen) > 0)
		return ASSAY_APP_HTTP;
	if (looks_mqtt_connect(c, clen))
		return ASSAY_APP_MQTT;
	if (has_iac(s, slen) || has_iac(c, clen))
		return ASSAY_APP_TELNET;
	switch (server_port) {
	case 53:
		return ASSAY_APP_DNS;
	case 23:
	case 2323:
		return ASSAY_APP_TELNET;
	case 1883:
		return ASSAY_APP_MQTT;
	case 80:
	case 8080:
		return ASSAY_APP_HTTP;
	case 443:
	case 8443:
	case 8883:
		return ASSAY_APP_TLS;
	}
	return ASSAY_APP_UNKNOWN;
}

int
assay_dissect_guess_udp(const unsigned char *d, size_t len,
    unsigned int server_port)
{
	if (server_port == 53 || server_port == 5353)
		return ASSAY_APP_DNS;
	/* DTLS 1.0 (0xfeff) and 1.2 (0xfefd) records. */
	if (len >= 13 && d[0] >= 20 && d[0] <= 25 && d[1] == 0xfe &&
	    (d[2] == 0xff || d[2] == 0xfd))
		return ASSAY_APP_DTLS;
	if (server_port == 5683 && len >= 4 && (d[0] >> 6) == 1)
		return ASSAY_APP_COAP;
	if (server_port == 5684)
		return ASSAY_APP_DTLS;
	return ASSAY_APP_UNKNOWN;
}

static unsigned long
frame_of(const struct assay_dissect_ctx *ctx, size_t off)
{
	if (ctx == NULL || ctx->frame_at == NULL)
		return 0;
	return ctx->frame_at(ctx->arg, off);
}

static long
flow_of(const struct assay_dissect_ctx *ctx)
{
	return ctx != NULL ? ctx->flow : -1;
}

/* --- HTTP ---------------------------------------------------------------- */

/* Offset just past the next CRLF (or LF) from off, or len when none. */
static size_t
line_end(const unsigned char *p, size_t len, size_t off, size_t *eol)
{
	const unsigned char *nl;

	nl = memchr(p + off, '\n', len - off);
	if (nl == NULL) {
		*eol = len;
		return len;
	}
	*eol = (size_t)(nl - p);
	if (*eol > off && p[*eol - 1] == '\r')
		(*eol)--;
	return (size_t)(nl - p) + 1;
}

static int
header_is(const unsigned char *p, size_t len, const char *name)
{
	size_t n = strlen(name), i;

	if (len < n + 1 || p[n] != ':')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char a = p[i], b = (unsigned char)name[i];

		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

/* Value of a header line (after "name:", spaces trimmed). */
static void
header_value(const unsigned char *p, size_t len, size_t nlen,
    const unsigned char **v, size_t *vlen)
{
	size_t i = nlen + 1;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	*v = p + i;
	*vlen = len - i;
	while (*vlen > 0 && ((*v)[*vlen - 1] == ' ' || (*v)[*vlen - 1] == '\t'))
		(*vlen)--;
}

int
assay_dissect_http(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
    const unsigned char *p, size_t len)
{
	struct assay_fact *f;
	const unsigned char *v;
	size_t off = 0, start, next, eol, ml, sp, vlen, i, clen;
	int r = 0, chunked, n = 0;

	while (off < len && n++ < 10000) {
		start = off;
		if ((ml = http_method_len(p + off, len - off)) == 0)
			break;
		next = line_end(p, len, off, &eol);
		if ((f = assay_facts_add(fs, "http", frame_of(ctx, start),
		    flow_of(ctx), &r)) == NULL)
			return r;
		if ((r = assay_fact_set_str(f, "method", p + off, ml - 1)) != 0)
			return r;
		/* The target runs to the next space. */
		for (sp = off + ml; sp < eol && p[sp] != ' '; sp++)
			;
		if ((r = assay_fact_set_str(f, "path", p + off + ml,
		    sp - off - ml)) != 0)
			return r;
		if (sp + 1 < eol && (r = assay_fact_set_str(f, "version",
		    p + sp + 1, eol - sp - 1)) != 0)
			return r;
		(void)assay_fact_set_bool(f, "authorization", 0);
		clen = 0;
		chunked = 0;
		off = next;
		for (;;) {
			if (off >= len) {
				(void)assay_fact_set_bool(f, "incomplete", 1);
				return 0;
			}
			next = line_end(p, len, off, &eol);
			if (eol == off)
				break;
			if (header_is(p + off, eol - off, "host")) {
				header_value(p + off, eol - off, 4, &v, &vlen);
				if ((r = assay_fact_set_str(f, "host", v,
				    vlen)) != 0)
					return r;
			} else if (header_is(p + off, eol - off,
			    "authorization")) {
				header_value(p + off, eol - off, 13, &v, &vlen);
				(void)assay_fact_set_bool(f, "authorization", 1);
				for (i = 0; i < vlen && v[i] != ' '; i++)
					;
				if ((r = assay_fact_set_str(f,
				    "auth_scheme", v, i)) != 0)
					return r;
			} else if (header_is(p + off, eol - off, "cookie")) {
				(void)assay_fact_set_bool(f, "cookie", 1);
			} else if (header_is(p + off, eol - off,
			    "content-length")) {
				header_value(p + off, eol - off, 14, &v, &vlen);
				for (i = 0; i < vlen && v[i] >= '0' &&
				    v[i] <= '9' && clen < len; i++)
					clen = clen * 10 + (size_t)(v[i] - '0');
			} else if (header_is(p + off, eol - off,
			    "transfer-encoding"))
				chunked = 1;
			off = next;
		}
		off = next;
		(void)assay_fact_set_int(f, "body_bytes", (long long)clen);
		if (chunked) {
			/* Not followed: the next request is not looked for. */
			(void)assay_fact_set_bool(f, "chunked", 1);
			break;
		}
		if (clen > len - off)
			break;
		off += clen;
	}
	return 0;
}

/* --- MQTT ---------------------------------------------------------------- */

/* A two-byte length prefixed field at *off; 0 or -1 when it does not fit. */
static int
mqtt_str(const unsigned char *b, size_t len, size_t *off,
    const unsigned char **s, size_t *slen)
{
	size_t n;

	if (len - *off < 2)
		return -1;
	n = (size_t)b[*off] << 8 | b[*off + 1];
	if (len - *off - 2 < n)
		return -1;
	*s = b + *off + 2;
	*slen = n;
	*off += 2 + n;
	return 0;
}

static int
mqtt_connect(struct assay_fact *f, const unsigned char *b, size_t len)
{
	const unsigned char *s;
	size_t off = 0, slen, plen, used;
	unsigned int level, flags;
	int r;

	if (mqtt_str(b, len, &off, &s, &slen) != 0 || len - off < 4)
		goto bad;
	if ((r = assay_fact_set_str(f, "protocol", s, slen)) != 0)
		return r;
	level = b[off];
	flags = b[off + 1];
	off += 4;
	(void)assay_fact_set_int(f, "level", level);
	if (level == 5) {
		if (assay_mqtt_varint_decode(b + off, len - off, &plen,
		    &used) != 0 || used == 0 || len - off - used < plen)
			goto bad;
		off += used + plen;
	}
	(void)assay_fact_set_bool(f, "username_present", (flags & 0x80) != 0);
	(void)assay_fact_set_bool(f, "password_present", (flags & 0x40) != 0);
	(void)assay_fact_set_bool(f, "will", (flags & 0x04) != 0);
	if (mqtt_str(b, len, &off, &s, &slen) != 0)
		goto bad;
	if ((r = assay_fact_set_str(f, "client_id", s, slen)) != 0)
		return r;
	if (flags & 0x04) {
		if (level == 5) {
			if (assay_mqtt_varint_decode(b + off, len - off,
			    &plen, &used) != 0 || used == 0 ||
			    len - off - used < plen)
				goto bad;
			off += used + plen;
		}
		if (mqtt_str(b, len, &off, &s, &slen) != 0)
			goto bad;
		if ((r = assay_fact_set_str(f, "will_topic", s, slen)) != 0)
			return r;
		if (mqtt_str(b, len, &off, &s, &slen) != 0)
			goto bad;
	}
	if (flags & 0x80) {
		if (mqtt_str(b, len, &off, &s, &slen) != 0)
			goto bad;
		if ((r = assay_fact_set_str(f, "username", s, slen)) != 0)
			return r;
	}
	/* The password itself is never copied into a fact. */
	if ((flags & 0x40) && mqtt_str(b, len, &off, &s, &slen) != 0)
		goto bad;
	return 0;
bad:
	return assay_fact_set_str(f, "malformed", "CONNECT cut short", 17);
}

int
assay_dissect_mqtt(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
    const unsigned char *p, size_t len, int to_server)
{
	const unsigned char *topic, *payload;
	struct assay_fact *f;
	size_t off = 0, rem, hl, tl, pl;
	unsigned char type;
	int r = 0, version = 4;

	while (off < len) {
		if (assay_mqtt_header_parse(p + off, len - off, &type, &rem,
		    &hl) != 0 || hl == 0 || len - off - hl < rem)
			break;
		switch (type & 0xf0) {
		case ASSAY_MQTT_CONNECT:
			if ((f = assay_facts_add(fs, "mqtt", frame_of(ctx, off),
			    flow_of(ctx), &r)) == NULL)
				return r;
			(void)assay_fact_set_str(f, "packet", "CONNECT", 7);
			if ((r = mqtt_connect(f, p + off + hl, rem)) != 0)
				return r;
			if (rem > 6 && p[off + hl + 6] == 5)
				version = 5;
			break;
		case ASSAY_MQTT_PUBLISH:
			if (assay_mqtt_publish_parse(p + off + hl, rem,
			    type & 0x0f, version, &topic, &tl, &payload,
			    &pl) != 0)
				break;
			if ((f = assay_facts_add(fs, "mqtt", frame_of(ctx, off),
			    flow_of(ctx), &r)) == NULL)
				return r;
			(void)assay_fact_set_str(f, "packet", "PUBLISH", 7);
			(void)assay_fact_set_str(f, "direction", to_server ?
			    "to_server" : "to_client", 9);
			if ((r = assay_fact_set_str(f, "topic", topic, tl)) != 0)
				return r;
			(void)assay_fact_set_int(f, "payload_bytes",
			    (long long)pl);
			break;
		case ASSAY_MQTT_CONNACK:
			if (rem >= 2 && (f = assay_facts_add(fs, "mqtt",
			    frame_of(ctx, off), flow_of(ctx), &r)) != NULL) {
				(void)assay_fact_set_str(f, "packet", "CONNACK",
				    7);
				(void)assay_fact_set_int(f, "code",
				    p[off + hl + 1]);
			} else if (r != 0)
				return r;
			break;
		case 0x80:	/* SUBSCRIBE */
			if (to_server && rem > 4 &&
			    (f = assay_facts_add(fs, "mqtt", frame_of(ctx, off),
			    flow_of(ctx), &r)) != NULL) {
				size_t o = 2;

				(void)assay_fact_set_str(f, "packet",
				    "SUBSCRIBE", 9);
				if (version == 5) {
					size_t plen2, used2;

					if (assay_mqtt_varint_decode(p + off +
					    hl + o, rem - o, &plen2, &used2) ||
					    used2 == 0 || rem - o - used2 < plen2)
						break;
					o += used2 + plen2;
				}
				while (mqtt_str(p + off + hl, rem, &o, &topic,
				    &tl) == 0 && o < rem) {
					if ((r = assay_fact_list_add(f,
					    "topics", topic, tl)) != 0)
						return r;
					o++;
				}
			} else if (r != 0)
				return r;
			break;
		}
		off += hl + rem;
	}
	return 0;
}

/* --- telnet -------------------------------------------------------------- */

int
assay_dissect_telnet(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
    const unsigned char *p, size_t len, int to_server)
{
	static const char *const verbs[] = { "WILL", "WONT", "DO", "DONT" };
	struct assay_fact *f = NULL;
	char opt[16];
	size_t i;
	int r = 0, n;

	for (i = 0; i + 2 < len; i++) {
		if (p[i] != 0xff || p[i + 1] < 251 || p[i + 1] > 254)
			continue;
		if (f == NULL) {
			if ((f = assay_facts_add(fs, "telnet", frame_of(ctx, i),
			    flow_of(ctx), &r)) == NULL)
				return r;
			(void)assay_fact_set_str(f, "direction", to_server ?
			    "to_server" : "to_client", 9);
			(void)assay_fact_list(f, "negotiation");
		}
		n = snprintf(opt, sizeof(opt), "%s %u", verbs[p[i + 1] - 251],
		    p[i + 2]);
		if ((r = assay_fact_list_add(f, "negotiation", opt,
		    (size_t)n)) != 0)
			return r;
		i += 2;
	}
	return 0;
}

/* --- DNS ----------------------------------------------------------------- */

/*
 * Reads the name at *off into out (dotted, at most 255 bytes), following
 * compression pointers (at most 64) only backwards-safe by count; moves
 * *off past the name as it stands in the record.  Returns 0 or -1.
 */
static int
dns_name(const unsigned char *m, size_t len, size_t *off, char *out,
    size_t outlen)
{
	size_t pos = *off, o = 0, l;
	int jumped = 0, hops = 0;

	out[0] = '\0';
	for (;;) {
		if (pos >= len)
			return -1;
		l = m[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++hops > 64)
				return -1;
			if (!jumped)
				*off = pos + 2;
			jumped = 1;
			pos = (l & 0x3f) << 8 | m[pos + 1];
			continue;
		}
		if (l & 0xc0)
			return -1;
		if (l == 0) {
			if (!jumped)
				*off = pos + 1;
			break;
		}
		if (pos + 1 + l > len || o + l + 2 > outlen)
			return -1;
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, m + pos + 1, l);
		o += l;
		out[o] = '\0';
		pos += 1 + l;
	}
	if (o == 0 && outlen > 1) {
		out[0] = '.';
		out[1] = '\0';
	}
	return 0;
}

static const char *
dns_type_name(unsigned int t, char *buf, size_t buflen)
{
	switch (t) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 12: return "PTR";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 65: return "HTTPS";
	case 255: return "ANY";
	}
	(void)snprintf(buf, buflen, "TYPE%u", t);
	return buf;
}

int
assay_dissect_dns(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
    const unsigned char *p, size_t len)
{
	struct assay_fact *f;
	char name[260], data[600], tb[16], ab[260];
	size_t off = 12, rdlen, i, qd, an;
	unsigned int type, flags;
	int r = 0, n;

	if (len < 12)
		return 0;
	flags = (unsigned int)p[2] << 8 | p[3];
	qd = (size_t)p[4] << 8 | p[5];
	an = (size_t)p[6] << 8 | p[7];
	if ((f = assay_facts_add(fs, "dns", frame_of(ctx, 0), flow_of(ctx),
	    &r)) == NULL)
		return r;
	(void)assay_fact_set_bool(f, "response", (flags & 0x8000) != 0);
	(void)assay_fact_set_int(f, "id", (long long)p[0] << 8 | p[1]);
	(void)assay_fact_set_int(f, "rcode", flags & 0x0f);
	(void)assay_fact_list(f, "questions");
	for (i = 0; i < qd && i < ASSAY_FACT_MAX_LIST; i++) {
		if (dns_name(p, len, &off, name, sizeof(name)) != 0 ||
		    len - off < 4)
			goto bad;
		type = (unsigned int)p[off] << 8 | p[off + 1];
		off += 4;
		n = snprintf(data, sizeof(data), "%s %s", name,
		    dns_type_name(type, tb, sizeof(tb)));
		if ((r = assay_fact_list_add(f, "questions", data,
		    (size_t)n)) != 0)
			return r;
		if (i == 0 && (r = assay_fact_set_str(f, "name", name,
		    strlen(name))) != 0)
			return r;
	}
	if (!(flags & 0x8000))
		return 0;
	(void)assay_fact_list(f, "answers");
	for (i = 0; i < an && i < ASSAY_FACT_MAX_LIST; i++) {
		if (dns_name(p, len, &off, name, sizeof(name)) != 0 ||
		    len - off < 10)
			goto bad;
		type = (unsigned int)p[off] << 8 | p[off + 1];
		rdlen = (size_t)p[off + 8] << 8 | p[off + 9];
		off += 10;
		if (len - off < rdlen)
			goto bad;
		ab[0] = '\0';
		if (type == 1 && rdlen == 4)
			(void)snprintf(ab, sizeof(ab), "%u.%u.%u.%u", p[off],
			    p[off + 1], p[off + 2], p[off + 3]);
		else if (type == 28 && rdlen == 16) {
			size_t k, o = 0;

			for (k = 0; k < 16; k += 2)
				o += (size_t)snprintf(ab + o, sizeof(ab) - o,
				    "%s%x", k ? ":" : "",
				    (unsigned int)p[off + k] << 8 |
				    p[off + k + 1]);
		} else if (type == 5 || type == 12 || type == 2) {
			size_t o2 = off;

			if (dns_name(p, off + rdlen, &o2, ab, sizeof(ab)) != 0)
				(void)snprintf(ab, sizeof(ab), "(bad name)");
		}
		n = snprintf(data, sizeof(data), "%s %s %s", name,
		    dns_type_name(type, tb, sizeof(tb)), ab);
		if ((r = assay_fact_list_add(f, "answers", data,
		    (size_t)n)) != 0)
			return r;
		off += rdlen;
	}
	return 0;
bad:
	return assay_fact_set_str(f, "malformed", "message cut short", 17);
}

/* A message inside a stream: its offsets shifted to the stream's. */
struct shift {
	const struct assay_dissect_ctx	*ctx;
	size_t				 base;
};

static unsigned long
frame_shifted(void *arg, size_t off)
{
	const struct shift *sh = arg;

	return sh->ctx->frame_at(sh->ctx->arg, sh->base + off);
}

int
assay_dissect_dns_tcp(struct assay_facts *fs,
    const struct assay_dissect_ctx *ctx, const unsigned char *p, size_t len)
{
	struct assay_dissect_ctx sub = { NULL, NULL, -1 };
	struct shift sh;
	size_t off = 0, ml;
	int r;

	if (ctx != NULL) {
		sub.flow = ctx->flow;
		if (ctx->frame_at != NULL) {
			sh.ctx = ctx;
			sub.frame_at = frame_shifted;
			sub.arg = &sh;
		}
	}
	while (len - off >= 2) {
		ml = (size_t)p[off] << 8 | p[off + 1];
		if (len - off - 2 < ml)
			break;
		/* The fact's frame: the one that carried the length prefix. */
		sh.base = off;
		if ((r = assay_dissect_dns(fs, &sub, p + off + 2, ml)) != 0)
			return r;
		off += 2 + ml;
	}
	return 0;
}

/* --- CoAP ---------------------------------------------------------------- */

int
assay_dissect_coap(struct assay_facts *fs, const struct assay_dissect_ctx *ctx,
    const unsigned char *p, size_t len)
{
	static const char *const types[] = { "CON", "NON", "ACK", "RST" };
	static const char *const methods[] = { "EMPTY", "GET", "POST", "PUT",
	    "DELETE", "FETCH", "PATCH", "iPATCH" };
	struct assay_fact *f;
	char code[16];
	size_t off, tkl, ol;
	unsigned int delta, opt = 0, cls, det;
	int r = 0, first = 1, n;

	if (len < 4 || (p[0] >> 6) != 1)
		return 0;
	tkl = p[0] & 0x0f;
	if (tkl > 8 || len < 4 + tkl)
		return 0;
	if ((f = assay_facts_add(fs, "coap", frame_of(ctx, 0), flow_of(ctx),
	    &r)) == NULL)
		return r;
	cls = p[1] >> 5;
	det = p[1] & 0x1f;
	(void)assay_fact_set_str(f, "type", types[(p[0] >> 4) & 3],
	    strlen(types[(p[0] >> 4) & 3]));
	if (cls == 0 && det < 8)
		(void)assay_fact_set_str(f, "method", methods[det],
		    strlen(methods[det]));
	else {
		n = snprintf(code, sizeof(code), "%u.%02u", cls, det);
		(void)assay_fact_set_str(f, "code", code, (size_t)n);
	}
	(void)assay_fact_set_int(f, "mid", (long long)p[2] << 8 | p[3]);
	off = 4 + tkl;
	while (off < len && p[off] != 0xff) {
		delta = p[off] >> 4;
		ol = p[off] & 0x0f;
		off++;
		if (delta == 13) {
			if (off >= len)
				goto bad;
			delta = 13u + p[off++];
		} else if (delta == 14) {
			if (len - off < 2)
				goto bad;
			delta = 269u + ((unsigned int)p[off] << 8 | p[off + 1]);
			off += 2;
		} else if (delta == 15)
			goto bad;
		if (ol == 13) {
			if (off >= len)
				goto bad;
			ol = 13u + p[off++];
		} else if (ol == 14) {
			if (len - off < 2)
				goto bad;
			ol = 269u + ((size_t)p[off] << 8 | p[off + 1]);
			off += 2;
		} else if (ol == 15)
			goto bad;
		if (len - off < ol)
			goto bad;
		opt += delta;
		if (opt > 65535)
			goto bad;
		if (opt == 11) {	/* Uri-Path: one segment per option */
			if ((r = assay_fact_list_add(f, "uri_path_segments",
			    p + off, ol)) != 0)
				return r;
			first = 0;
		} else if (opt == 3) {
			if ((r = assay_fact_set_str(f, "uri_host", p + off,
			    ol)) != 0)
				return r;
		} else if (opt == 15) {
			if ((r = assay_fact_list_add(f, "uri_query", p + off,
			    ol)) != 0)
				return r;
		}
		off += ol;
	}
	if (!first) {
		const struct assay_field *fl = assay_fact_field(f,
		    "uri_path_segments");
		char path[ASSAY_FACT_MAX_STR];
		size_t i, o = 0, sl;

		for (i = 0; fl != NULL && i < fl->nlist; i++) {
			sl = strlen(fl->list[i]);
			if (o + sl + 2 > sizeof(path))
				break;
			path[o++] = '/';
			memcpy(path + o, fl->list[i], sl);
			o += sl;
		}
		if ((r = assay_fact_set_str(f, "uri_path", path, o)) != 0)
			return r;
	}
	if (off < len)
		(void)assay_fact_set_int(f, "payload_bytes",
		    (long long)(len - off - 1));
	return 0;
bad:
	return assay_fact_set_str(f, "malformed", "options cut short", 17);
}
