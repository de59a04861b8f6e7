/*
 * clock.h - the one monotonic clock of the harness.
 *
 * Every deadline, timing and rate in Assay is measured on CLOCK_MONOTONIC,
 * which neither NTP nor an operator's `date` moves.  Wall-clock time (for
 * reports) is a separate matter and not here.
 */
#ifndef ASSAY_CLOCK_H
#define ASSAY_CLOCK_H

/* Milliseconds since an arbitrary fixed point; only differences mean anything. */
long long	assay_clock_ms(void);

/* The same clock in nanoseconds, for short intervals and rate keeping. */
long long	assay_clock_ns(void);

#endif /* ASSAY_CLOCK_H */
