/*
 * test_telnet_codec.c - the telnet negotiation decoder: text separated
 * from commands, each option refused once, subnegotiation skipped,
 * commands split across reads, hostile floods bounded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "base/error.h"
#include "probe/telnet_codec.h"

#define IAC	ASSAY_TELNET_IAC

static void
test_text_and_refusals(void **state)
{
	static const unsigned char in[] = { 'h', IAC, ASSAY_TELNET_DO, 1,
	    'i', IAC, ASSAY_TELNET_WILL, 3, IAC, IAC, IAC, 241 /* NOP */, '!' };
	static const unsigned char want_reply[] = { IAC, ASSAY_TELNET_WONT, 1,
	    IAC, ASSAY_TELNET_DONT, 3 };
	struct assay_telnet_codec *tc = assay_telnet_codec_new();
	unsigned char text[64], reply[64];
	size_t tl, rl;

	(void)state;
	assert_non_null(tc);
	assert_int_equal(assay_telnet_codec_feed(tc, in, sizeof(in), text,
	    sizeof(text), &tl, reply, sizeof(reply), &rl), 0);
	assert_int_equal(tl, 4);
	assert_memory_equal(text, "hi\xff!", 4);
	assert_int_equal(rl, sizeof(want_reply));
	assert_memory_equal(reply, want_reply, rl);
	/* Asked again: no second answer (a refusal loop is what we avoid). */
	assert_int_equal(assay_telnet_codec_feed(tc, in, sizeof(in), text,
	    sizeof(text), &tl, reply, sizeof(reply), &rl), 0);
	assert_int_equal(rl, 0);
	/* A new connection answers again. */
	assay_telnet_codec_reset(tc);
	assert_int_equal(assay_telnet_codec_feed(tc, in, sizeof(in), text,
	    sizeof(text), &tl, reply, sizeof(reply), &rl), 0);
	assert_int_equal(rl, sizeof(want_reply));
	assay_telnet_codec_free(tc);
}

static void
test_subnegotiation_and_split(void **state)
{
	static const unsigned char in[] = { IAC, ASSAY_TELNET_SB, 24, 1, 'x',
	    IAC, IAC, 'y', IAC, ASSAY_TELNET_SE, 'o', 'k', IAC,
	    ASSAY_TELNET_DO };
	static const unsigned char rest[] = { 31, 'z' };
	struct assay_telnet_codec *tc = assay_telnet_codec_new();
	unsigned char text[64], reply[64];
	size_t tl, rl, i;

	(void)state;
	assert_non_null(tc);
	/* One byte per read: the state carries over. */
	for (i = 0; i < sizeof(in); i++) {
		assert_int_equal(assay_telnet_codec_feed(tc, in + i, 1, text,
		    sizeof(text), &tl, reply, sizeof(reply), &rl), 0);
		if (i == 10 || i == 11)
			assert_int_equal(tl, 1);
		else
			assert_int_equal(tl, 0);
		assert_int_equal(rl, 0);
	}
	assert_int_equal(assay_telnet_codec_feed(tc, rest, sizeof(rest), text,
	    sizeof(text), &tl, reply, sizeof(reply), &rl), 0);
	assert_int_equal(tl, 1);
	assert_int_equal(text[0], 'z');
	assert_int_equal(rl, 3);
	assert_int_equal(reply[1], ASSAY_TELNET_WONT);
	assert_int_equal(reply[2], 31);
	assay_telnet_codec_free(tc);
}

static void
test_flood_is_bounded(void **state)
{
	struct assay_telnet_codec *tc = assay_telnet_codec_new();
	static unsigned char in[3 * 256 * 2 * 4], text[sizeof(in)],
	    reply[ASSAY_TELNET_MAX_ANSWERS];
	size_t tl, rl, i, o = 0;
	int k, rep;

	(void)state;
	assert_non_null(tc);
	/* Every option, DO and WILL, four times over. */
	for (rep = 0; rep < 4; rep++)
		for (k = 0; k < 2; k++)
			for (i = 0; i < 256; i++) {
				in[o++] = IAC;
				in[o++] = k ? ASSAY_TELNET_WILL : ASSAY_TELNET_DO;
				in[o++] = (unsigned char)i;
			}
	assert_int_equal(assay_telnet_codec_feed(tc, in, o, text, sizeof(text),
	    &tl, reply, sizeof(reply), &rl), 0);
	assert_int_equal(tl, 0);
	assert_int_equal(rl, ASSAY_TELNET_MAX_ANSWERS);
	/* Too small a cap is named, and what fitted is kept. */
	assay_telnet_codec_reset(tc);
	assert_int_equal(assay_telnet_codec_feed(tc, in, o, text, 0, &tl,
	    reply, 4, &rl), ASSAY_ERR_TOO_BIG);
	assert_int_equal(rl, 3);
	assert_int_equal(assay_telnet_codec_feed(tc, (const unsigned char *)"ab",
	    2, text, 1, &tl, reply, 4, &rl), ASSAY_ERR_TOO_BIG);
	assert_int_equal(tl, 1);
	assert_int_equal(assay_telnet_codec_feed(NULL, in, 1, text, 1, &tl,
	    reply, 4, &rl), ASSAY_ERR_INVALID_ARG);
	assay_telnet_codec_free(tc);
	assay_telnet_codec_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_refusals),
		cmocka_unit_test(test_subnegotiation_and_split),
		cmocka_unit_test(test_flood_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
