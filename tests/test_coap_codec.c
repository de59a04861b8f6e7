/*
 * test_coap_codec.c - CoAP over bytes: messages and options parsed with
 * every length checked, the GET builder round-trips through the parser,
 * Block2 continuation, and the link format with its hostile inputs.
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
#include "probe/coap_codec.h"

static const unsigned char token[4] = { 1, 2, 3, 4 };

static void
test_parse_valid(void **state)
{
	/* ACK 2.05, token, Content-Format 40, Block2 num 1 M szx 6, payload. */
	static const unsigned char d[] = { 0x64, 0x45, 0x12, 0x34, 1, 2, 3, 4,
	    0xc1, 40, 0xb1, 0x1e, 0xff, '<', '/', 'a', '>' };
	struct assay_coap_msg m;
	char why[256];

	(void)state;
	assert_int_equal(assay_coap_parse(d, sizeof(d), &m, why, sizeof(why)),
	    0);
	assert_int_equal(m.type, ASSAY_COAP_ACK);
	assert_int_equal(m.cls, 2);
	assert_int_equal(m.detail, 5);
	assert_int_equal(m.mid, 0x1234);
	assert_int_equal(m.tkl, 4);
	assert_memory_equal(m.token, token, 4);
	assert_int_equal(m.content_format, 40);
	assert_int_equal(m.has_block2, 1);
	assert_int_equal(m.block2, 0x1e);
	assert_int_equal(m.payload_len, 4);
	assert_memory_equal(m.payload, "</a>", 4);
	assert_string_equal(assay_coap_code_name(m.cls, m.detail), "Content");
	assert_string_equal(assay_coap_code_name(4, 4), "Not Found");
	assert_string_equal(assay_coap_code_name(7, 31), "unknown code");
}

static void
test_parse_hostile(void **state)
{
	static const unsigned char shortd[] = { 0x40, 0x01, 0x00 },
	    v2[] = { 0x80, 0x45, 0, 0 },
	    tkl9[] = { 0x49, 0x45, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 },
	    tklcut[] = { 0x44, 0x45, 0, 0, 1, 2 },
	    optlong[] = { 0x40, 0x45, 0, 0, 0x1d, 0x00 },	/* len 13+0, none */
	    optext[] = { 0x40, 0x45, 0, 0, 0xe0, 0x01 },	/* delta 14 cut */
	    optres[] = { 0x40, 0x45, 0, 0, 0xf0 },		/* reserved 15 */
	    cfbig[] = { 0x40, 0x45, 0, 0, 0xc3, 1, 2, 3 },	/* CF 3 bytes */
	    marker[] = { 0x40, 0x45, 0, 0, 0xff };
	struct assay_coap_msg m;
	char why[256];

	(void)state;
	assert_int_equal(assay_coap_parse(shortd, sizeof(shortd), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "not CoAP: 3-byte datagram"));
	assert_int_equal(assay_coap_parse(v2, sizeof(v2), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "version 2"));
	assert_int_equal(assay_coap_parse(tkl9, sizeof(tkl9), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "token length 9"));
	assert_int_equal(assay_coap_parse(tklcut, sizeof(tklcut), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(assay_coap_parse(optlong, sizeof(optlong), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "bad option"));
	assert_int_equal(assay_coap_parse(optext, sizeof(optext), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(assay_coap_parse(optres, sizeof(optres), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(assay_coap_parse(cfbig, sizeof(cfbig), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_int_equal(assay_coap_parse(marker, sizeof(marker), &m, why,
	    sizeof(why)), ASSAY_ERR_PARSE);
	assert_non_null(strstr(why, "payload marker without payload"));
	assert_int_equal(assay_coap_parse(NULL, 0, &m, why, sizeof(why)),
	    ASSAY_ERR_PARSE);
}

static void
test_build_get_roundtrip(void **state)
{
	struct assay_buf *b = assay_buf_new(4096);
	struct assay_coap_msg m;
	char why[256], path[400];
	const unsigned char *d;

	(void)state;
	assert_non_null(b);
	assert_int_equal(assay_coap_build_get(b, "/.well-known/core", 7, token,
	    0, 6), 0);
	d = (const unsigned char *)assay_buf_data(b);
	assert_int_equal(d[0], 0x44);	/* v1, CON, token 4 */
	assert_int_equal(d[1], 0x01);	/* GET */
	assert_int_equal(assay_coap_parse(d, assay_buf_len(b), &m, why,
	    sizeof(why)), 0);
	assert_int_equal(m.type, ASSAY_COAP_CON);
	assert_int_equal(m.mid, 7);
	assert_int_equal(m.has_block2, 0);
	assert_int_equal(m.payload_len, 0);
	/* Block2 number 4096 needs the 3-byte form; a 300-byte segment needs 14. */
	assay_buf_reset(b);
	memset(path, 'p', 300);
	path[300] = '\0';
	assert_int_equal(assay_coap_build_get(b, path, 8, token, 4096, 2), 0);
	d = (const unsigned char *)assay_buf_data(b);
	assert_int_equal(assay_coap_parse(d, assay_buf_len(b), &m, why,
	    sizeof(why)), 0);
	assert_int_equal(m.has_block2, 1);
	assert_int_equal(m.block2, (4096UL << 4) | 2);
	/* Out of range is the caller's bug. */
	assert_int_equal(assay_coap_build_get(b, "/", 1, token, 0x100000UL, 6),
	    ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_coap_build_get(b, "/", 1, token, 1, 7),
	    ASSAY_ERR_INVALID_ARG);
	assay_buf_free(b);
}

static void
test_block2_next(void **state)
{
	unsigned long n;
	unsigned int szx;

	(void)state;
	assert_int_equal(assay_coap_block2_next(0x0e, &n, &szx), 1);
	assert_int_equal(n, 1);
	assert_int_equal(szx, 6);
	assert_int_equal(assay_coap_block2_next((5UL << 4) | 8 | 7, &n, &szx),
	    1);
	assert_int_equal(n, 6);
	assert_int_equal(szx, 6);	/* 7 is reserved: read as 6 */
	assert_int_equal(assay_coap_block2_next(0x06, &n, &szx), 0);
	/* The last number can't grow. */
	assert_int_equal(assay_coap_block2_next((0xfffffUL << 4) | 8, &n,
	    &szx), 0);
}

static void
test_links(void **state)
{
	static const char doc[] = "</sensors/temp>;rt=\"temperature\";if=sensor;"
	    "obs,\n</q>;title=\"a\\\"b\"";
	struct assay_coap_links *l;
	const char *name, *value;
	size_t na;

	(void)state;
	assert_int_equal(assay_coap_links_parse(doc, strlen(doc), &l), 0);
	assert_null(assay_coap_links_error(l));
	assert_int_equal(assay_coap_links_count(l), 2);
	assert_string_equal(assay_coap_links_href(l, 0, &na), "/sensors/temp");
	assert_int_equal(na, 3);
	assert_int_equal(assay_coap_links_attr(l, 0, 0, &name, &value), 0);
	assert_string_equal(name, "rt");
	assert_string_equal(value, "temperature");
	assert_int_equal(assay_coap_links_attr(l, 0, 2, &name, &value), 0);
	assert_string_equal(name, "obs");
	assert_null(value);
	assert_int_equal(assay_coap_links_attr(l, 1, 0, &name, &value), 0);
	assert_string_equal(value, "a\"b");
	assert_int_equal(assay_coap_links_attr(l, 1, 1, &name, &value),
	    ASSAY_ERR_INVALID_ARG);
	assert_null(assay_coap_links_href(l, 2, &na));
	assay_coap_links_free(l);
}

static void
test_links_hostile(void **state)
{
	struct assay_coap_links *l;
	char *many;
	size_t i, n;

	(void)state;
	assert_int_equal(assay_coap_links_parse("</a>,x", 6, &l), 0);
	assert_int_equal(assay_coap_links_count(l), 1);
	assert_string_equal(assay_coap_links_error(l),
	    "link format: expected '<' at byte 5");
	assay_coap_links_free(l);
	assert_int_equal(assay_coap_links_parse("</a", 3, &l), 0);
	assert_non_null(strstr(assay_coap_links_error(l), "unterminated '<'"));
	assay_coap_links_free(l);
	assert_int_equal(assay_coap_links_parse("</a>;t=\"x", 9, &l), 0);
	assert_non_null(strstr(assay_coap_links_error(l), "unterminated quoted"));
	assay_coap_links_free(l);
	assert_int_equal(assay_coap_links_parse("</a>;;", 6, &l), 0);
	assert_non_null(strstr(assay_coap_links_error(l), "empty attribute"));
	assay_coap_links_free(l);
	/* More links than the cap: kept up to it, then named. */
	n = ASSAY_COAP_MAX_RESOURCES + 5;
	assert_non_null(many = malloc(n * 5));
	for (i = 0; i < n; i++)
		memcpy(many + 5 * i, "<x>,", 4), many[5 * i + 4] = ' ';
	assert_int_equal(assay_coap_links_parse(many, n * 5, &l), 0);
	assert_int_equal(assay_coap_links_count(l), ASSAY_COAP_MAX_RESOURCES);
	assert_non_null(strstr(assay_coap_links_error(l), "too many links"));
	assay_coap_links_free(l);
	free(many);
	assert_int_equal(assay_coap_links_parse("", 0, &l), 0);
	assert_int_equal(assay_coap_links_count(l), 0);
	assay_coap_links_free(l);
	assay_coap_links_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_build_get_roundtrip),
		cmocka_unit_test(test_block2_next),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_links_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
