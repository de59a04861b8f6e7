/*
 * test_mqtt_codec.c - MQTT packets over bytes: the builders produce what
 * the spec says, the parsers accept valid packets, and truncated,
 * oversize and hostile ones are refused without reading past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/mqtt_codec.h"

static void
test_varint(void **state)
{
	static const unsigned char one[] = { 0x00 }, two[] = { 0xc1, 0x02 },
	    max[] = { 0xff, 0xff, 0xff, 0x7f }, five[] = { 0x80, 0x80, 0x80,
	    0x80, 0x01 }, cut[] = { 0x80, 0x80 };
	size_t v, used;

	(void)state;
	assert_int_equal(assay_mqtt_varint_decode(one, 1, &v, &used), 0);
	assert_int_equal(v, 0);
	assert_int_equal(used, 1);
	assert_int_equal(assay_mqtt_varint_decode(two, 2, &v, &used), 0);
	assert_int_equal(v, 0x41 + 2 * 128);
	assert_int_equal(used, 2);
	assert_int_equal(assay_mqtt_varint_decode(max, 4, &v, &used), 0);
	assert_int_equal(v, ASSAY_MQTT_MAX_REMAINING);
	/* A fifth byte is malformed, whatever follows. */
	assert_int_equal(assay_mqtt_varint_decode(five, 5, &v, &used),
	    ASSAY_ERR_PARSE);
	/* Cut short: not an error, more bytes are needed. */
	assert_int_equal(assay_mqtt_varint_decode(cut, 2, &v, &used), 0);
	assert_int_equal(used, 0);
	assert_int_equal(assay_mqtt_varint_decode(cut, 0, &v, &used), 0);
	assert_int_equal(used, 0);
}

static void
test_header(void **state)
{
	static const unsigned char connack[] = { 0x20, 0x02, 0x00, 0x05 };
	unsigned char type;
	size_t rem, hl;

	(void)state;
	assert_int_equal(assay_mqtt_header_parse(connack, sizeof(connack),
	    &type, &rem, &hl), 0);
	assert_int_equal(type, 0x20);
	assert_int_equal(rem, 2);
	assert_int_equal(hl, 2);
	assert_int_equal(assay_mqtt_header_parse(connack, 1, &type, &rem,
	    &hl), 0);
	assert_int_equal(hl, 0);
}

static void
test_build_connect_masks_password(void **state)
{
	struct assay_buf *pkt = assay_buf_new(1024), *masked = assay_buf_new(1024);
	const unsigned char *p, *m;
	unsigned char type;
	size_t rem, hl, n;

	(void)state;
	assert_non_null(pkt);
	assert_non_null(masked);
	assert_int_equal(assay_mqtt_build_connect(4, "cid", "admin", "s3cret",
	    pkt, masked), 0);
	p = (const unsigned char *)assay_buf_data(pkt);
	m = (const unsigned char *)assay_buf_data(masked);
	n = assay_buf_len(pkt);
	assert_int_equal(assay_buf_len(masked), n);
	assert_int_equal(assay_mqtt_header_parse(p, n, &type, &rem, &hl), 0);
	assert_int_equal(type, ASSAY_MQTT_CONNECT);
	assert_int_equal(hl + rem, n);
	assert_memory_equal(p + hl, "\0\4MQTT\4", 7);
	assert_int_equal(p[hl + 7], 0xc2);	/* user, password, clean */
	assert_memory_equal(p + n - 6, "s3cret", 6);
	assert_memory_equal(m + n - 6, "******", 6);
	assert_memory_equal(p, m, n - 6);
	assay_buf_reset(pkt);
	assay_buf_reset(masked);
	/* v5 has an empty property block after keep-alive; no credentials. */
	assert_int_equal(assay_mqtt_build_connect(5, "x", NULL, NULL, pkt,
	    masked), 0);
	p = (const unsigned char *)assay_buf_data(pkt);
	assert_int_equal(assay_buf_len(pkt), 2 + 10 + 1 + 3);
	assert_int_equal(p[2 + 6], 5);
	assert_int_equal(p[2 + 7], 0x02);
	assert_int_equal(p[2 + 10], 0);
	assert_int_equal(assay_mqtt_build_connect(3, "x", NULL, NULL, pkt,
	    masked), ASSAY_ERR_INVALID_ARG);
	assay_buf_free(pkt);
	assay_buf_free(masked);
}

static void
test_build_connect_caps(void **state)
{
	struct assay_buf *pkt = assay_buf_new(64), *masked = assay_buf_new(64);
	char *big = malloc(70000);

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 69999);
	big[69999] = '\0';
	/* A string longer than MQTT's 16-bit length is refused. */
	assert_int_equal(assay_mqtt_build_connect(4, big, NULL, NULL, pkt,
	    masked), ASSAY_ERR_INVALID_ARG);
	big[200] = '\0';
	/* One that fits MQTT but not the buffer is a named cap. */
	assert_int_equal(assay_mqtt_build_connect(4, big, NULL, NULL, pkt,
	    masked), ASSAY_ERR_TOO_BIG);
	free(big);
	assay_buf_free(pkt);
	assay_buf_free(masked);
}

static void
test_subscribe_frame(void **state)
{
	struct assay_buf *pkt = assay_buf_new(256);
	static const unsigned char want4[] = { 0x82, 0x06, 0x00, 0x01, 0x00,
	    0x01, '#', 0x00 };

	(void)state;
	assert_int_equal(assay_mqtt_build_subscribe(4, "#", pkt), 0);
	assert_int_equal(assay_buf_len(pkt), sizeof(want4));
	assert_memory_equal(assay_buf_data(pkt), want4, sizeof(want4));
	assay_buf_reset(pkt);
	assert_int_equal(assay_mqtt_build_subscribe(5, "#", pkt), 0);
	assert_int_equal(assay_buf_len(pkt), sizeof(want4) + 1);
	assay_buf_free(pkt);
}

static void
test_frame_long_body(void **state)
{
	struct assay_buf *pkt = assay_buf_new(20000);
	unsigned char body[16384], type;
	size_t rem, hl;

	(void)state;
	memset(body, 0x5a, sizeof(body));
	assert_int_equal(assay_mqtt_frame(pkt, 0x30, body, sizeof(body)), 0);
	assert_int_equal(assay_mqtt_header_parse((const unsigned char *)
	    assay_buf_data(pkt), assay_buf_len(pkt), &type, &rem, &hl), 0);
	assert_int_equal(hl, 4);	/* 16384 needs three length bytes */
	assert_int_equal(rem, sizeof(body));
	assay_buf_free(pkt);
}

static void
test_connack(void **state)
{
	static const unsigned char ok[] = { 0x01, 0x05 }, v5[] = { 0x00, 0x87,
	    0x03, 0x1f, 0x00, 0x00 };
	static const unsigned char past[] = { 0x00, 0x00, 0xff, 0xff, 0x7f },
	    short_prop[] = { 0x00, 0x00, 0x05, 0x1f },
	    trailing[] = { 0x00, 0x00, 0x00, 0x01 },
	    badvar[] = { 0x00, 0x00, 0x80 };
	int sp, code;

	(void)state;
	assert_int_equal(assay_mqtt_connack_parse(ok, 2, 4, &sp, &code), 0);
	assert_int_equal(sp, 1);
	assert_int_equal(code, 5);
	assert_int_equal(assay_mqtt_connack_parse(v5, sizeof(v5), 5, &sp,
	    &code), 0);
	assert_int_equal(code, 0x87);
	/* 3.1.1 wants exactly two bytes; nobody takes one. */
	assert_int_equal(assay_mqtt_connack_parse(v5, sizeof(v5), 4, &sp,
	    &code), ASSAY_ERR_PARSE);
	assert_int_equal(assay_mqtt_connack_parse(ok, 1, 5, &sp, &code),
	    ASSAY_ERR_PARSE);
	/* MQTT 5: the property block must fill the rest of the packet. */
	assert_int_equal(assay_mqtt_connack_parse(past, sizeof(past), 5, &sp,
	    &code), ASSAY_ERR_PARSE);
	assert_int_equal(assay_mqtt_connack_parse(short_prop,
	    sizeof(short_prop), 5, &sp, &code), ASSAY_ERR_PARSE);
	assert_int_equal(assay_mqtt_connack_parse(trailing, sizeof(trailing),
	    5, &sp, &code), ASSAY_ERR_PARSE);
	assert_int_equal(assay_mqtt_connack_parse(badvar, sizeof(badvar), 5,
	    &sp, &code), ASSAY_ERR_PARSE);
}

static void
test_suback(void **state)
{
	static const unsigned char v4[] = { 0x00, 0x01, 0x00 },
	    v5[] = { 0x00, 0x01, 0x00, 0x80 },
	    v5bad[] = { 0x00, 0x01, 0x7f, 0x00 };
	const char *why;
	int g;

	(void)state;
	assert_int_equal(assay_mqtt_suback_parse(v4, 3, 4, &g, &why), 0);
	assert_int_equal(g, 0);
	assert_int_equal(assay_mqtt_suback_parse(v5, 4, 5, &g, &why), 0);
	assert_int_equal(g, 0x80);
	assert_int_equal(assay_mqtt_suback_parse(v4, 2, 4, &g, &why),
	    ASSAY_ERR_PARSE);
	assert_string_equal(why, "short SUBACK");
	/* A property length past the packet. */
	assert_int_equal(assay_mqtt_suback_parse(v5bad, 4, 5, &g, &why),
	    ASSAY_ERR_PARSE);
	assert_string_equal(why, "malformed SUBACK properties");
	/* Hostile answers: another packet id, 4096 codes, reserved codes. */
	{
		static const unsigned char other[] = { 0xbe, 0xef, 0x00 },
		    many[] = { 0x00, 0x01, 0x00, 0x00 },
		    reserved[] = { 0x00, 0x01, 0x03 },
		    v5reserved[] = { 0x00, 0x01, 0x00, 0x10 };

		assert_int_equal(assay_mqtt_suback_parse(other, 3, 4, &g,
		    &why), ASSAY_ERR_PARSE);
		assert_string_equal(why, "SUBACK for another packet id");
		assert_int_equal(assay_mqtt_suback_parse(many, 4, 4, &g,
		    &why), ASSAY_ERR_PARSE);
		assert_string_equal(why,
		    "SUBACK with more return codes than filters");
		assert_int_equal(assay_mqtt_suback_parse(reserved, 3, 4, &g,
		    &why), ASSAY_ERR_PARSE);
		assert_int_equal(assay_mqtt_suback_parse(v5reserved, 4, 5, &g,
		    &why), ASSAY_ERR_PARSE);
		assert_int_equal(g, -1);
	}
}

static void
test_publish(void **state)
{
	static const unsigned char q0[] = { 0x00, 0x03, 'a', '/', 'b', 'h',
	    'i' }, q1[] = { 0x00, 0x01, 't', 0x00, 0x07, 'x' },
	    v5[] = { 0x00, 0x01, 't', 0x02, 0x01, 0x01, 'p' },
	    lying[] = { 0xff, 0xff, 'a' };
	const unsigned char *t, *p;
	size_t tl, pl;

	(void)state;
	assert_int_equal(assay_mqtt_publish_parse(q0, sizeof(q0), 0, 4, &t,
	    &tl, &p, &pl), 0);
	assert_int_equal(tl, 3);
	assert_memory_equal(t, "a/b", 3);
	assert_int_equal(pl, 2);
	assert_memory_equal(p, "hi", 2);
	/* QoS 1: a packet id sits between topic and payload. */
	assert_int_equal(assay_mqtt_publish_parse(q1, sizeof(q1), 2, 4, &t,
	    &tl, &p, &pl), 0);
	assert_int_equal(pl, 1);
	assert_int_equal(p[0], 'x');
	assert_int_equal(assay_mqtt_publish_parse(v5, sizeof(v5), 0, 5, &t,
	    &tl, &p, &pl), 0);
	assert_int_equal(pl, 1);
	assert_int_equal(p[0], 'p');
	/* A topic length past the packet; an empty body; a cut packet id. */
	assert_int_equal(assay_mqtt_publish_parse(lying, sizeof(lying), 0, 4,
	    &t, &tl, &p, &pl), ASSAY_ERR_PARSE);
	assert_int_equal(assay_mqtt_publish_parse(q0, 1, 0, 4, &t, &tl, &p,
	    &pl), ASSAY_ERR_PARSE);
	assert_int_equal(assay_mqtt_publish_parse(q1, 4, 2, 4, &t, &tl, &p,
	    &pl), ASSAY_ERR_PARSE);
	assert_null(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_build_connect_masks_password),
		cmocka_unit_test(test_build_connect_caps),
		cmocka_unit_test(test_subscribe_frame),
		cmocka_unit_test(test_frame_long_body),
		cmocka_unit_test(test_connack),
		cmocka_unit_test(test_suback),
		cmocka_unit_test(test_publish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
