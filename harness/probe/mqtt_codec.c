/*
 * mqtt_codec.c - MQTT packet builders and parsers over bytes.
 */
#include <stdint.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/mqtt_codec.h"

#define KEEPALIVE_S	60
#define STR_MAX		65535

int
assay_mqtt_varint_decode(const unsigned char *p, size_t len, size_t *value,
    size_t *used)
{
	size_t v = 0, mult = 1, i;

	*value = 0;
	*used = 0;
	for (i = 0; i < 4; i++) {
		if (i >= len)
			return 0;	/* need more */
		v += (size_t)(p[i] & 0x7f) * mult;
		mult *= 128;
		if ((p[i] & 0x80) == 0) {
			*value = v;
			*used = i + 1;
			return 0;
		}
	}
	return ASSAY_ERR_PARSE;
}

int
assay_mqtt_header_parse(const unsigned char *p, size_t len,
    unsigned char *type, size_t *remaining, size_t *hdrlen)
{
	size_t used;
	int r;

	*type = 0;
	*remaining = 0;
	*hdrlen = 0;
	if (len < 2)
		return 0;
	if ((r = assay_mqtt_varint_decode(p + 1, len - 1, remaining,
	    &used)) != 0 || used == 0)
		return r;
	*type = p[0];
	*hdrlen = 1 + used;
	return 0;
}

int
assay_mqtt_frame(struct assay_buf *out, unsigned char type, const void *body,
    size_t blen)
{
	unsigned char hdr[5];
	size_t n = blen, i = 1;
	int r;

	if (out == NULL || (body == NULL && blen > 0) ||
	    blen > ASSAY_MQTT_MAX_REMAINING)
		return ASSAY_ERR_INVALID_ARG;
	hdr[0] = type;
	do {
		hdr[i] = (unsigned char)(n % 128);
		n /= 128;
		if (n > 0)
			hdr[i] |= 0x80;
		i++;
	} while (n > 0);
	if ((r = assay_buf_put(out, hdr, i)) != 0)
		return r;
	return assay_buf_put(out, body, blen);
}

static int
put_u16(struct assay_buf *b, size_t v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	return assay_buf_put(b, x, 2);
}

static int
put_str(struct assay_buf *b, const char *s, size_t len)
{
	int r;

	if (len > STR_MAX)
		return ASSAY_ERR_INVALID_ARG;
	if ((r = put_u16(b, len)) != 0)
		return r;
	return assay_buf_put(b, s, len);
}

int
assay_mqtt_build_connect(int version, const char *client_id, const char *user,
    const char *password, struct assay_buf *pkt, struct assay_buf *masked)
{
	struct assay_buf *body = NULL;
	unsigned char flags = 0x02, hdr[7] = { 0, 4, 'M', 'Q', 'T', 'T', 0 };
	size_t pwoff = 0, pwlen = 0, i;
	char *m;
	int r;

	if ((version != 4 && version != 5) || client_id == NULL ||
	    pkt == NULL || masked == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((body = assay_buf_new(3 * (STR_MAX + 2) + 16)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (user != NULL)
		flags |= 0x80;
	if (password != NULL)
		flags |= 0x40;
	hdr[6] = (unsigned char)version;
	if ((r = assay_buf_put(body, hdr, sizeof(hdr))) != 0 ||
	    (r = assay_buf_put(body, &flags, 1)) != 0 ||
	    (r = put_u16(body, KEEPALIVE_S)) != 0)
		goto out;
	if (version == 5 && (r = assay_buf_put(body, "", 1)) != 0)
		goto out;	/* no properties */
	if ((r = put_str(body, client_id, strlen(client_id))) != 0)
		goto out;
	if (user != NULL && (r = put_str(body, user, strlen(user))) != 0)
		goto out;
	if (password != NULL) {
		pwlen = strlen(password);
		pwoff = assay_buf_len(body) + 2;
		if ((r = put_str(body, password, pwlen)) != 0)
			goto out;
	}
	if ((r = assay_mqtt_frame(pkt, ASSAY_MQTT_CONNECT, assay_buf_data(body),
	    assay_buf_len(body))) != 0)
		goto out;
	/* The evidence copy has the password bytes replaced by '*'. */
	pwoff += assay_buf_len(pkt) - assay_buf_len(body);
	if ((r = assay_buf_put(masked, assay_buf_data(pkt),
	    assay_buf_len(pkt))) != 0)
		goto out;
	m = (char *)(uintptr_t)assay_buf_data(masked);
	for (i = 0; password != NULL && i < pwlen; i++)
		m[pwoff + i] = '*';
	r = 0;
 out:
	assay_buf_free(body);	/* wipes the password copy */
	return r;
}

int
assay_mqtt_build_subscribe(int version, const char *filter,
    struct assay_buf *pkt)
{
	struct assay_buf *body = NULL;
	unsigned char opt = 0;
	int r;

	if ((version != 4 && version != 5) || filter == NULL || pkt == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((body = assay_buf_new(STR_MAX + 16)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = put_u16(body, 1)) != 0 ||
	    (version == 5 && (r = assay_buf_put(body, "", 1)) != 0) ||
	    (r = put_str(body, filter, strlen(filter))) != 0 ||
	    (r = assay_buf_put(body, &opt, 1)) != 0 ||
	    (r = assay_mqtt_frame(pkt, ASSAY_MQTT_SUBSCRIBE,
	    assay_buf_data(body), assay_buf_len(body))) != 0)
		goto out;
	r = 0;
 out:
	assay_buf_free(body);
	return r;
}

int
assay_mqtt_build_publish(int version, const char *topic, const void *payload,
    size_t plen, int qos, int retain, struct assay_buf *pkt)
{
	struct assay_buf *body = NULL;
	size_t tlen;
	int r;

	if ((version != 4 && version != 5) || topic == NULL || pkt == NULL ||
	    (payload == NULL && plen > 0) || (qos != 0 && qos != 1))
		return ASSAY_ERR_INVALID_ARG;
	/* A topic name: wildcards belong to filters (MQTT 3.1.1 4.7.1). */
	tlen = strlen(topic);
	if (tlen == 0 || tlen > STR_MAX || strpbrk(topic, "+#") != NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((body = assay_buf_new(STR_MAX + plen + 16)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = put_str(body, topic, tlen)) != 0 ||
	    (qos == 1 && (r = put_u16(body, 1)) != 0) ||
	    (version == 5 && (r = assay_buf_put(body, "", 1)) != 0) ||
	    (plen > 0 && (r = assay_buf_put(body, payload, plen)) != 0) ||
	    (r = assay_mqtt_frame(pkt, (unsigned char)(ASSAY_MQTT_PUBLISH |
	    (qos << 1) | (retain ? 1 : 0)), assay_buf_data(body),
	    assay_buf_len(body))) != 0)
		goto out;
	r = 0;
 out:
	assay_buf_free(body);
	return r;
}

/*
 * Skips an MQTT 5 property block at *off (its length, then the
 * properties).  Returns 0 with *off after it, ASSAY_ERR_PARSE if it
 * does not fit in len.
 */
static int
skip_props(const unsigned char *p, size_t len, size_t *off)
{
	size_t v, used;

	if (*off >= len ||
	    assay_mqtt_varint_decode(p + *off, len - *off, &v, &used) != 0 ||
	    used == 0 || v > len - *off - used)
		return ASSAY_ERR_PARSE;
	*off += used + v;
	return 0;
}

int
assay_mqtt_connack_parse(const unsigned char *body, size_t len, int version,
    int *session_present, int *code)
{
	size_t off = 2;

	*session_present = 0;
	*code = -1;
	if (body == NULL || len < 2 || (version != 5 && len != 2))
		return ASSAY_ERR_PARSE;
	/*
	 * MQTT 5: the property block must fill the rest exactly (two bytes
	 * alone, as a 3.1.1-only broker answers, stay acceptable).
	 */
	if (len > 2 && (skip_props(body, len, &off) != 0 || off != len))
		return ASSAY_ERR_PARSE;
	*session_present = body[0] & 1;
	*code = body[1];
	return 0;
}

int
assay_mqtt_suback_parse(const unsigned char *body, size_t len, int version,
    int *granted, const char **why)
{
	size_t off = 2;
	int g;

	*granted = -1;
	*why = "short SUBACK";
	if (body == NULL || len < 2)
		return ASSAY_ERR_PARSE;
	/* The answer to our SUBSCRIBE (packet id 1), not to another one. */
	if (body[0] != 0 || body[1] != 1) {
		*why = "SUBACK for another packet id";
		return ASSAY_ERR_PARSE;
	}
	if (version == 5 && skip_props(body, len, &off) != 0) {
		*why = "malformed SUBACK properties";
		return ASSAY_ERR_PARSE;
	}
	if (len < off + 1)
		return ASSAY_ERR_PARSE;
	/* One filter was asked for: one return code, no more. */
	if (len != off + 1) {
		*why = "SUBACK with more return codes than filters";
		return ASSAY_ERR_PARSE;
	}
	g = body[off];
	/*
	 * 3.1.1: 0-2 granted QoS, 0x80 failure; MQTT 5 adds reason codes
	 * from 0x80 up.  Anything else is no answer at all.
	 */
	if ((version != 5 && g > 2 && g != 0x80) ||
	    (version == 5 && g > 2 && g < 0x80)) {
		*why = "SUBACK with a reserved return code";
		return ASSAY_ERR_PARSE;
	}
	*why = "";
	*granted = g;
	return 0;
}

int
assay_mqtt_publish_parse(const unsigned char *body, size_t len,
    unsigned int flags, int version, const unsigned char **topic,
    size_t *topic_len, const unsigned char **payload, size_t *payload_len)
{
	size_t tlen, off;

	*topic = *payload = NULL;
	*topic_len = *payload_len = 0;
	if (body == NULL || len < 2)
		return ASSAY_ERR_PARSE;
	tlen = ((size_t)body[0] << 8) | body[1];
	off = 2 + tlen;
	if (off > len)
		return ASSAY_ERR_PARSE;
	if (((flags >> 1) & 3) > 0)
		off += 2;	/* packet id */
	if (off > len)
		return ASSAY_ERR_PARSE;
	if (version == 5 && skip_props(body, len, &off) != 0)
		return ASSAY_ERR_PARSE;
	*topic = body + 2;
	*topic_len = tlen;
	*payload = body + off;
	*payload_len = len - off;
	return 0;
}

int
assay_mqtt_puback_parse(const unsigned char *body, size_t len, int version,
    int *code, const char **why)
{
	size_t off = 3;

	*code = -1;
	*why = "short PUBACK";
	if (body == NULL || len < 2)
		return ASSAY_ERR_PARSE;
	if (body[0] != 0 || body[1] != 1) {
		*why = "PUBACK for another packet id";
		return ASSAY_ERR_PARSE;
	}
	if (version != 5 || len == 2) {
		/* 3.1.1 (or MQTT 5 success without a reason code). */
		if (len != 2) {
			*why = "PUBACK longer than its packet id";
			return ASSAY_ERR_PARSE;
		}
		*code = 0;
		*why = "";
		return 0;
	}
	/* MQTT 5: reason code, then (optionally) properties filling the rest. */
	if (len > 3 && (skip_props(body, len, &off) != 0 || off != len)) {
		*why = "malformed PUBACK properties";
		return ASSAY_ERR_PARSE;
	}
	*code = body[2];
	*why = "";
	return 0;
}
