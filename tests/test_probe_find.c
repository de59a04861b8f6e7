/*
 * test_probe_find.c - assay_probe_find(), the one text search the probes
 * run on device bytes: correct, NUL-safe, and linear on hostile input
 * (1 MiB of repeated partial matches in well under a second).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/probe.h"
#include "testutil.h"

#define MIB	(1024 * 1024)

static long long
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_find_basics(void **state)
{
	static const char bin[] = "ab\0cdLogin incorrect\0x";
	char big[ASSAY_PROBE_FIND_MAX_NEEDLE + 1];

	assert_int_equal(assay_probe_find("hello", 5, "ll", 2, 0), 2);
	assert_int_equal(assay_probe_find("hello", 5, "LL", 2, 0), -1);
	assert_int_equal(assay_probe_find("heLLo", 5, "ll", 2, 1), 2);
	assert_int_equal(assay_probe_find("hello", 5, "hello!", 6, 0), -1);
	assert_int_equal(assay_probe_find("hello", 5, "", 0, 0), -1);
	assert_int_equal(assay_probe_find("aaab", 4, "aab", 3, 0), 1);
	assert_int_equal(assay_probe_find("abababc", 7, "ababc", 5, 0), 2);
	/* A NUL in the device's text does not end the search. */
	assert_int_equal(assay_probe_find(bin, sizeof(bin) - 1, "INCORRECT",
	    9, 1), 11);
	memset(big, 'a', sizeof(big));
	assert_int_equal(assay_probe_find(big, sizeof(big), big, sizeof(big),
	    0), -1);
	assert_int_equal(assay_probe_find(big, sizeof(big), big,
	    ASSAY_PROBE_FIND_MAX_NEEDLE, 0), 0);
}

/*
 * 1 MiB of near misses: "aaa...a" against "aaa...ab" (the worst case of
 * a naive search, 1 MiB x 1 KiB steps), and "incorrec" repeated against
 * "incorrect", case-insensitively.  Each must take a few milliseconds;
 * the bound is loose for sanitizer builds on shared cores.
 */
static void
test_find_hostile_is_linear(void **state)
{
	char *hay = malloc(MIB), needle[ASSAY_PROBE_FIND_MAX_NEEDLE];
	long long t0, spent;
	size_t i;

	assert_non_null(hay);
	memset(hay, 'a', MIB);
	memset(needle, 'a', sizeof(needle) - 1);
	needle[sizeof(needle) - 1] = 'b';
	t0 = cpu_ms();
	assert_int_equal(assay_probe_find(hay, MIB, needle, sizeof(needle), 0),
	    -1);
	assert_int_equal(assay_probe_find(hay, MIB, needle, sizeof(needle), 1),
	    -1);
	for (i = 0; i + 8 <= MIB; i += 8)
		memcpy(hay + i, "InCorRec", 8);
	assert_int_equal(assay_probe_find(hay, MIB, "incorrect", 9, 1), -1);
	memcpy(hay + MIB - 9, "INCORRECT", 9);
	assert_int_equal(assay_probe_find(hay, MIB, "incorrect", 9, 1),
	    MIB - 9);
	spent = cpu_ms() - t0;
	print_message("4 searches over 1 MiB: %lld ms CPU\n", spent);
	assert_true(spent < 500);
	free(hay);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_basics),
		cmocka_unit_test(test_find_hostile_is_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
