/*
 * mqtt_codec.h - MQTT 3.1.1 / 5 packets over bytes, without sockets.
 *
 * Builders write a whole packet into a capped assay_buf; parsers take a
 * packet body with its explicit length and never read past it, never
 * trust a length field past what is there, and point into the body
 * instead of copying.  The MQTT probe drives a socket with these; the
 * unit tests and fuzz/fuzz_mqtt.c drive them with bytes.
 */
#ifndef ASSAY_PROBE_MQTT_CODEC_H
#define ASSAY_PROBE_MQTT_CODEC_H

#include <stddef.h>

#include "base/buf.h"

#define ASSAY_MQTT_CONNECT	0x10
#define ASSAY_MQTT_CONNACK	0x20
#define ASSAY_MQTT_PUBLISH	0x30
#define ASSAY_MQTT_PUBACK	0x40
#define ASSAY_MQTT_SUBSCRIBE	0x82	/* with its required flags */
#define ASSAY_MQTT_SUBACK	0x90
#define ASSAY_MQTT_PINGREQ	0xc0
#define ASSAY_MQTT_PINGRESP	0xd0
#define ASSAY_MQTT_DISCONNECT	0xe0

/* Largest remaining length the 4-byte variable integer can carry. */
#define ASSAY_MQTT_MAX_REMAINING	268435455UL

/*
 * Decodes a variable byte integer (the remaining length, a property
 * block's length) from p[0..len).  Returns 0 with *value and *used (the
 * bytes it took, 1-4) when complete, 0 with *used 0 when len ended in
 * the middle of it, ASSAY_ERR_PARSE when a fifth byte would be needed.
 */
int	assay_mqtt_varint_decode(const unsigned char *p, size_t len,
	    size_t *value, size_t *used);

/*
 * Decodes a fixed header: *type is the first byte (type and flags),
 * *remaining the body length, *hdrlen the header's bytes (2-5).  Same
 * returns as assay_mqtt_varint_decode (*hdrlen 0: need more bytes).
 */
int	assay_mqtt_header_parse(const unsigned char *p, size_t len,
	    unsigned char *type, size_t *remaining, size_t *hdrlen);

/*
 * Appends a fixed header of type and the blen bytes of body to out.
 * Returns 0, ASSAY_ERR_INVALID_ARG (body too long for MQTT) or what
 * assay_buf_put returns.
 */
int	assay_mqtt_frame(struct assay_buf *out, unsigned char type,
	    const void *body, size_t blen);

/*
 * Builds CONNECT for version 4 (3.1.1) or 5, clean session, keep-alive
 * 60 s, without properties: client_id, user and password (NULL: absent)
 * are each at most 65535 bytes.  The same packet goes to masked with the
 * password bytes replaced by '*', for the evidence.  Returns 0,
 * ASSAY_ERR_INVALID_ARG, ASSAY_ERR_ALLOC or ASSAY_ERR_TOO_BIG.  pkt holds
 * the password: free it with assay_buf_free(), which wipes.
 */
int	assay_mqtt_build_connect(int version, const char *client_id,
	    const char *user, const char *password, struct assay_buf *pkt,
	    struct assay_buf *masked);

/*
 * Builds SUBSCRIBE with packet id 1 for one topic filter at QoS 0.
 * Returns 0, ASSAY_ERR_INVALID_ARG, ASSAY_ERR_ALLOC or ASSAY_ERR_TOO_BIG.
 */
int	assay_mqtt_build_subscribe(int version, const char *filter,
	    struct assay_buf *pkt);

/*
 * Builds PUBLISH of plen payload bytes to a topic name (1..65535 bytes,
 * no wildcard '+' or '#', no NUL: a name, not a filter) at QoS 0 or 1
 * (then with packet id 1), with the retain flag as given, MQTT 5 without
 * properties.  Returns 0, ASSAY_ERR_INVALID_ARG, ASSAY_ERR_ALLOC or
 * ASSAY_ERR_TOO_BIG.
 */
int	assay_mqtt_build_publish(int version, const char *topic,
	    const void *payload, size_t plen, int qos, int retain,
	    struct assay_buf *pkt);

/*
 * Parses a PUBACK body for packet id 1: 3.1.1 has the id alone (*code
 * 0); MQTT 5 may add a reason code and properties.  Returns 0 with
 * *code, or ASSAY_ERR_PARSE with *why (static text).
 */
int	assay_mqtt_puback_parse(const unsigned char *body, size_t len,
	    int version, int *code, const char **why);

/*
 * Parses a CONNACK body of len bytes.  Version 4 wants exactly 2 bytes;
 * version 5 takes 2 bytes alone (a 3.1.1 broker answers a v5 CONNECT
 * with a 3.1.1 CONNACK) or followed by a property block whose length
 * fills the rest of the body exactly (the properties are not read).
 * Returns 0 with *session_present and *code, or ASSAY_ERR_PARSE.
 */
int	assay_mqtt_connack_parse(const unsigned char *body, size_t len,
	    int version, int *session_present, int *code);

/*
 * Parses the SUBACK to assay_mqtt_build_subscribe's SUBSCRIBE: packet
 * id 1, (v5) properties, exactly one return code (one filter was asked
 * for), a defined value, into *granted.  Returns 0 or ASSAY_ERR_PARSE
 * with *why (static text: "short SUBACK", "SUBACK for another packet
 * id", "malformed SUBACK properties", "SUBACK with more return codes
 * than filters", "SUBACK with a reserved return code").
 */
int	assay_mqtt_suback_parse(const unsigned char *body, size_t len,
	    int version, int *granted, const char **why);

/*
 * Parses a PUBLISH body; flags is the low nibble of the type byte (QoS
 * decides whether a packet id is there).  *topic and *payload point into
 * body (not NUL-terminated) with their lengths.  Returns 0 or
 * ASSAY_ERR_PARSE.
 */
int	assay_mqtt_publish_parse(const unsigned char *body, size_t len,
	    unsigned int flags, int version, const unsigned char **topic,
	    size_t *topic_len, const unsigned char **payload,
	    size_t *payload_len);

#endif /* ASSAY_PROBE_MQTT_CODEC_H */
