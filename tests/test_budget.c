/*
 * test_budget.c - the per-device budget shared by test-case processes.
 *
 * The regression: a test-case process killed at its time limit while it
 * waited on the budget left the run deadlocked for good (a process-shared
 * condition variable paired with a robust mutex).  Here children hammer a
 * small budget while the parent kills them at random points, 1000 times,
 * reclaims their slots as the engine does and keeps using the budget
 * itself; an alarm turns any hang into a failure.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/error.h"
#include "probe/probe.h"

#define NCHILD	4
#define NKILL	1000

static void
nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static pid_t kids[NCHILD];

/* Whatever happens to the test, no child outlives it. */
static int
teardown(void **state)
{
	int i, status;

	(void)state;
	for (i = 0; i < NCHILD; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], &status, 0);
			kids[i] = 0;
		}
	return 0;
}

static pid_t
spawn(struct assay_budget *b, int slot)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	assay_budget_set_holder(slot);
	for (;;) {
		if (assay_budget_acquire(b, 50) == 0) {
			nap_us(rand() % 200);
			assay_budget_release(b);
		}
	}
}

static void
test_kill_storm(void **state)
{
	struct assay_budget *b;
	int i, k, status, got;

	(void)state;
	alarm(120);	/* a deadlock ends the test with SIGALRM */
	srand(7);
	assert_non_null(b = assay_budget_new(2, 100000));
	for (i = 0; i < NCHILD; i++)
		assert_true((kids[i] = spawn(b, i + 1)) > 0);
	for (k = 0; k < NKILL; k++) {
		i = rand() % NCHILD;
		nap_us(rand() % 1500);
		assert_int_equal(kill(kids[i], SIGKILL), 0);
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		assay_budget_reclaim(b, i + 1);
		if (k % 25 == 0) {
			/*
			 * The engine itself still gets a slot (a wedged budget
			 * never gives one; 20 s leaves room for a CI whose two
			 * cores are busy with fuzzers and builds).
			 */
			assert_int_equal(assay_budget_acquire(b, 20000), 0);
			assay_budget_release(b);
		}
		assert_true((kids[i] = spawn(b, i + 1)) > 0);
	}
	for (i = 0; i < NCHILD; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], &status, 0);
		kids[i] = 0;
		assay_budget_reclaim(b, i + 1);
	}
	/* Every slot came back: both can be taken at once. */
	got = 0;
	for (i = 0; i < 2; i++)
		got += assay_budget_acquire(b, 1000) == 0;
	assert_int_equal(got, 2);
	assert_int_equal(assay_budget_acquire(b, 0), ASSAY_ERR_BUDGET);
	assay_budget_release(b);
	assay_budget_release(b);
	assay_budget_free(b);
	alarm(0);
}

static void
test_rate_and_timeout(void **state)
{
	struct assay_budget *b;
	struct timespec t0, t1;
	double s;
	int i;

	(void)state;
	assert_non_null(b = assay_budget_new(1, 50));
	/* One connection at a time: a second acquire times out. */
	assert_int_equal(assay_budget_acquire(b, 100), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(assay_budget_acquire(b, 100), ASSAY_ERR_BUDGET);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s >= 0.09 && s < 1.0);
	assay_budget_release(b);
	/* 50 per second: 40 more after the burst take about 0.8 s. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 56; i++) {
		assert_int_equal(assay_budget_acquire(b, 20000), 0);
		assay_budget_release(b);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(s >= 0.6 && s < 3.0);
	/*
	 * The time this holder (0) was held back is what the engine names
	 * when it kills a starved test case: at least the refused 100 ms and
	 * most of the rate-limited 0.8 s; reclaiming it starts afresh.
	 */
	assert_true(assay_budget_delayed_ms(b, 0) >= 600);
	assert_true(assay_budget_delayed_ms(b, 0) <= (long long)(s * 1000) + 300);
	assert_int_equal(assay_budget_delayed_ms(b, 1), 0);
	assay_budget_reclaim(b, 0);
	assert_int_equal(assay_budget_delayed_ms(b, 0), 0);
	assay_budget_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_kill_storm, teardown),
		cmocka_unit_test(test_rate_and_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
