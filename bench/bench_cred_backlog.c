/*
 * bench_cred_backlog.c - the Mirai list (62 pairs, one valid) against
 * busybox telnetd, whose listen backlog is 1, with 16 connections
 * allowed: how many pairs the device judged and how many stayed untried
 * (and why), retries, and login attempts per second, over BENCH_RUNS
 * runs (default 5).  The runner must leave none untried; before it
 * adapted its concurrency, 6-11 went unreached in every run.
 * BENCH_PAIRS > 62 appends wrong pairs up to that many: a longer run,
 * where the concurrency grows into the backlog and has to back off.
 *	bench_cred_backlog [connections]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error.h"
#include "probe/probe.h"
#include "probe/cred.h"
#include "testutil.h"

/* The runner's tally note of the last run (pacing: peak, drops). */
static char tally[1024];

static void
keep_tally(void *arg, const char *channel, const char *dir, const void *data,
    size_t len)
{
	(void)arg;
	if (strcmp(dir, "note") == 0 && strncmp(channel, "cred ", 5) == 0)
		snprintf(tally, sizeof(tally), "%.*s", (int)len,
		    (const char *)data);
}

static pid_t
start_telnetd(int port)
{
	char p[16], prog[4096];
	char *argv[] = { "busybox", "telnetd", "-F", "-K", "-b", "127.0.0.1",
	    "-p", p, "-f", "/dev/null", "-l", prog, NULL };
	pid_t pid;

	snprintf(p, sizeof(p), "%d", port);
	snprintf(prog, sizeof(prog), "%s", tu_src("tests/data/telnet_login.sh"));
	if ((pid = fork()) == 0) {
		setpgid(0, 0);
		setenv("TL_USER", "admin", 1);
		setenv("TL_PASS", "4321", 1);
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);
	return pid;
}

int
main(int argc, char **argv)
{
	int conns = argc > 1 ? atoi(argv[1]) : 16;
	int runs = getenv("BENCH_RUNS") ? atoi(getenv("BENCH_RUNS")) : 5;
	int npairs = getenv("BENCH_PAIRS") ? atoi(getenv("BENCH_PAIRS")) : 62;
	char user[32];
	struct assay_budget *b = NULL;
	struct assay_probe_env env;
	struct assay_cred_target tg;
	struct assay_cred_list *l = NULL;
	struct assay_cred_result *res = NULL;
	size_t untried_sum = 0;
	double rate_sum = 0;
	int i, port, r, status = 1;
	pid_t pid = -1;

	if (!tu_have("busybox")) {
		printf("bench_cred_backlog: skipped (no busybox telnetd; apt "
		    "install busybox-static)\n");
		return 0;
	}
	if (conns < 1 || conns > 64 || runs < 1 || runs > 100)
		return 2;
	port = tu_free_port();
	if ((b = assay_budget_new(conns, 1000)) == NULL ||
	    (l = assay_cred_list_new()) == NULL ||
	    assay_cred_list_load(l, "mirai") != 0 ||
	    (pid = start_telnetd(port)) < 0 ||
	    tu_wait_tcp("127.0.0.1", port, 5000) != 0) {
		fprintf(stderr, "bench_cred_backlog: set-up failed\n");
		goto out;
	}
	for (i = 62; i < npairs && i < ASSAY_CRED_MAX_PAIRS; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		if (assay_cred_list_add(l, user, "wrong") != 0) {
			fprintf(stderr, "bench_cred_backlog: out of memory\n");
			goto out;
		}
	}
	memset(&env, 0, sizeof(env));
	env.budget = b;
	env.record = keep_tally;
	env.timeout_ms = 5000;
	env.max_read = 65536;
	memset(&tg, 0, sizeof(tg));
	tg.service = ASSAY_CRED_TELNET;
	tg.host = "127.0.0.1";
	tg.port = port;
	tg.concurrency = conns;
	printf("credential runner, Mirai list (%zu pairs in all) against busybox "
	    "telnetd (listen backlog 1), %d connections allowed:\n",
	    assay_cred_list_count(l), conns);
	for (i = 0; i < runs; i++) {
		if ((r = assay_cred_run(&env, &tg, l, &res)) != 0) {
			fprintf(stderr, "bench_cred_backlog: %s\n",
			    assay_strerror(r));
			goto out;
		}
		printf("  run %d: %zu tried, %zu untried%s%s; %zu attempts "
		    "(%zu retries, %zu unreached), %zu accepted, %.1f "
		    "attempts/s, %.2f s\n", i + 1, assay_cred_result_tried(res),
		    assay_cred_result_untried(res),
		    assay_cred_result_untried(res) ? ": " : "",
		    assay_cred_result_untried_reason(res),
		    assay_cred_result_attempts(res),
		    assay_cred_result_retries(res),
		    assay_cred_result_unreached(res),
		    assay_cred_result_accepted_count(res),
		    assay_cred_result_rate(res), assay_cred_result_seconds(res));
		printf("         evidence: %s\n", tally);
		untried_sum += assay_cred_result_untried(res);
		rate_sum += assay_cred_result_rate(res);
		assay_cred_result_free(res);
		res = NULL;
	}
	printf("  %zu pairs untried over %d runs of %zu (target 0); mean %.1f "
	    "attempts/s\n", untried_sum, runs, assay_cred_list_count(l),
	    rate_sum / runs);
	status = untried_sum == 0 ? 0 : 1;
out:
	if (pid > 0) {
		kill(-pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	assay_cred_list_free(l);
	assay_budget_free(b);
	return status;
}
