/*
 * clock.c - the one monotonic clock of the harness (see clock.h).
 */
#include <time.h>

#include "base/clock.h"

long long
assay_clock_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long
assay_clock_ms(void)
{
	return assay_clock_ns() / 1000000LL;
}
