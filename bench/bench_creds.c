/*
 * bench_creds.c - the Mirai list against busybox telnetd and dropbear,
 * Assay's credential runner against hydra, in one run.
 *
 * Each server accepts exactly one Mirai pair; both tools must find
 * exactly that pair (no false positives or negatives).  Prints attempts
 * per second for both and the ratio.  The SSH half needs root (the test
 * account lives in a private mount namespace) and is skipped otherwise.
 *	bench_creds [concurrency]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "probe/probe.h"
#include "probe/cred.h"
#include "testutil.h"

#define SRC	ASSAY_SOURCE_DIR

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}



static pid_t
spawn(char *const argv[], const char *user, const char *pass)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		setenv("TL_USER", user, 1);
		setenv("TL_PASS", pass, 1);
		/* One try per connection: hydra cannot follow a re-prompt. */
		setenv("TL_TRIES", "1", 1);
		if (freopen("/dev/null", "w", stderr) == NULL)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);
	return pid;
}

static void
stop(pid_t pid)
{
	if (pid > 0) {
		kill(-pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* Runs hydra; returns attempts per second, sets *found and *right. */
static double
run_hydra(const char *svc, int port, const char *listfile, int tasks,
    size_t nattempts, const char *user, const char *pass, int *found,
    int *right)
{
	char cmd[1024], line[1024], want[256];
	double t0, dt;
	FILE *fp;

	*found = *right = 0;
	snprintf(cmd, sizeof(cmd), "hydra -I -C %s -t %d -s %d 127.0.0.1 %s 2>&1",
	    listfile, tasks, port, svc);
	snprintf(want, sizeof(want), "login: %s   password: %s", user, pass);
	t0 = now_s();
	if ((fp = popen(cmd, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, "host: 127.0.0.1") != NULL) {
			(*found)++;
			line[strcspn(line, "\n")] = '\0';
			if (strstr(line, want) != NULL &&
			    line[strlen(line) - strlen(want)] == 'l')
				(*right)++;
		}
	}
	pclose(fp);
	dt = now_s() - t0;
	return (double)nattempts / dt;
}

static int
bench(const char *svc, int port, struct assay_cred_list *l, const char *lf,
    int conc, const char *user, const char *pass)
{
	struct assay_budget *b = assay_budget_new(64, 10000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	struct assay_cred_target tg;
	struct assay_cred_result *res = NULL;
	double ar, hr;
	size_t k;
	int hf, hok, aok, r;

	memset(&tg, 0, sizeof(tg));
	tg.service = strcmp(svc, "ssh") == 0 ? ASSAY_CRED_SSH : ASSAY_CRED_TELNET;
	tg.host = "127.0.0.1";
	tg.port = port;
	tg.concurrency = conc;
	if ((r = assay_cred_run(&env, &tg, l, &res)) != 0) {
		fprintf(stderr, "assay_cred_run: %s\n", assay_strerror(r));
		assay_budget_free(b);
		return 1;
	}
	k = assay_cred_result_accepted_count(res) == 1 ?
	    assay_cred_result_accepted(res, 0) : 0;
	aok = assay_cred_result_accepted_count(res) == 1 &&
	    strcmp(assay_cred_list_user(l, k), user) == 0 &&
	    strcmp(assay_cred_list_password(l, k), pass) == 0 &&
	    assay_cred_result_unreached(res) == 0;
	ar = assay_cred_result_rate(res);
	if (assay_cred_result_unreached(res) > 0)
		printf("%-6s assay: last network failure: %s\n", svc,
		    assay_cred_result_last_error(res));
	printf("%-6s assay: %zu attempts in %.2f s = %.1f/s (concurrency %d), "
	    "found %zu, unreached %zu%s\n", svc, assay_cred_result_attempts(res),
	    assay_cred_result_seconds(res), ar, conc,
	    assay_cred_result_accepted_count(res), assay_cred_result_unreached(res),
	    aok ? ", exactly the valid pair" : ", WRONG");
	assay_cred_result_free(res);
	assay_budget_free(b);
	hr = run_hydra(svc, port, lf, 4, assay_cred_list_count(l), user, pass,
	    &hf, &hok);
	printf("%-6s hydra: %zu attempts, %.1f/s (-t 4), found %d%s\n", svc,
	    assay_cred_list_count(l), hr, hf,
	    hf == 1 && hok == 1 ? ", exactly the valid pair" : ", WRONG");
	printf("%-6s ratio assay/hydra: %.2fx\n", svc, hr > 0 ? ar / hr : 0.0);
	return aok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct assay_cred_list *l = assay_cred_list_new();
	char port[16], prog[1024], lf[] = "/tmp/assay-bench-XXXXXX", dir[64];
	char sport[16], script[1024];
	char *tn[] = { "busybox", "telnetd", "-F", "-K", "-b", "127.0.0.1", "-p",
	    port, "-f", "/dev/null", "-l", prog, NULL };
	char *sh[] = { "sh", script, dir, sport, "support", "support", "dropbear",
	    NULL };
	int conc = argc > 1 ? atoi(argv[1]) : 4, p, fd, rc = 0;
	size_t i;
	pid_t pid;
	FILE *fp;

	signal(SIGPIPE, SIG_IGN);
	if (l == NULL || assay_cred_list_load(l, SRC "/testcases/data/mirai.txt") != 0) {
		fprintf(stderr, "cannot load the Mirai list\n");
		return 1;
	}
	/* hydra -C reads login:pass lines without comments. */
	if ((fd = mkstemp(lf)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return 1;
	for (i = 0; i < assay_cred_list_count(l); i++)
		fprintf(fp, "%s:%s\n", assay_cred_list_user(l, i),
		    assay_cred_list_password(l, i));
	fclose(fp);
	if (system("command -v hydra >/dev/null") != 0) {
		fprintf(stderr, "hydra not installed\n");
		return 1;
	}

	p = tu_free_port();
	snprintf(port, sizeof(port), "%d", p);
	snprintf(prog, sizeof(prog), "%s/tests/data/telnet_login.sh", SRC);
	pid = spawn(tn, "admin", "4321");
	if (tu_wait_tcp("127.0.0.1", p, 5000) != 0) {
		fprintf(stderr, "busybox telnetd did not start\n");
		rc = 1;
	} else
		rc |= bench("telnet", p, l, lf, conc, "admin", "4321");
	stop(pid);

	if (geteuid() != 0) {
		printf("ssh    skipped: needs root for the namespaced test account\n");
		goto out;
	}
	snprintf(dir, sizeof(dir), "/tmp/assay-bench-ssh-XXXXXX");
	if (mkdtemp(dir) == NULL)
		goto out;
	p = tu_free_port();
	snprintf(sport, sizeof(sport), "%d", p);
	snprintf(script, sizeof(script), "%s/tests/data/ssh_server.sh", SRC);
	pid = spawn(sh, "", "");
	if (tu_wait_tcp("127.0.0.1", p, 5000) != 0) {
		fprintf(stderr, "dropbear did not start\n");
		rc = 1;
	} else	/* dropbear allows 5 unauthenticated connections per IP */
		rc |= bench("ssh", p, l, lf, 4, "support", "support");
	stop(pid);

	/* OpenSSH: no limit of 5 per IP; same concurrency as hydra -t 4. */
	p = tu_free_port();
	snprintf(sport, sizeof(sport), "%d", p);
	sh[6] = "openssh";
	pid = spawn(sh, "", "");
	if (tu_wait_tcp("127.0.0.1", p, 5000) != 0) {
		fprintf(stderr, "sshd did not start\n");
		rc = 1;
	} else {
		printf("(next: OpenSSH sshd)\n");
		rc |= bench("ssh", p, l, lf, conc, "support",
		    "support");
	}
	stop(pid);
	snprintf(prog, sizeof(prog), "rm -rf %s", dir);
	if (system(prog) != 0)
		rc = 1;
out:
	unlink(lf);
	assay_cred_list_free(l);
	return rc;
}
