/*
 * bench_tcp_sweep.c - full 65535-port TCP sweep, Assay against
 * `nmap -sT -p- -T5 -n 127.0.0.1`, side by side in one fresh network
 * namespace holding a handful of real listeners (socat, lighttpd,
 * mosquitto, coap-server).  Prints both times (median of the runs), the
 * ratio, and whether the open-port sets are identical.
 *
 * Must run as root or where `unshare -rn' works: the process moves
 * itself into a new network namespace before starting anything.
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe/probe.h"
#include "probe/tcp.h"
#include "testutil.h"

#define RUNS	3

static char tmpdir[] = "/tmp/bench_tcp_sweep.XXXXXX";
static pid_t kids[8];
static int nkids;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
have(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static void
spawn(const char *cmd)
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0 && nkids < 8)
		kids[nkids++] = pid;
}


static void
stop_all(void)
{
	int i;

	for (i = 0; i < nkids; i++) {
		kill(kids[i], SIGTERM);
		waitpid(kids[i], NULL, 0);
	}
	nkids = 0;
}

/* Starts the listeners; returns how many are up. */
static int
start_device(void)
{
	char cmd[1024], path[512];
	FILE *fp;
	int up = 0;

	if (have("socat")) {
		spawn("exec socat TCP4-LISTEN:23,bind=127.0.0.1,reuseaddr,fork "
		    "SYSTEM:'echo login'");
		spawn("exec socat TCP4-LISTEN:2323,bind=127.0.0.1,reuseaddr,fork "
		    "SYSTEM:'echo BusyBox'");
		up += tu_wait_tcp("127.0.0.1", 23, 5000) == 0;
		up += tu_wait_tcp("127.0.0.1", 2323, 5000) == 0;
	}
	if (have("mosquitto")) {
		snprintf(path, sizeof(path), "%s/mosquitto.conf", tmpdir);
		if ((fp = fopen(path, "w")) != NULL) {
			fprintf(fp, "listener 1883 127.0.0.1\nallow_anonymous "
			    "true\n");
			fclose(fp);
			snprintf(cmd, sizeof(cmd), "exec mosquitto -c %s", path);
			spawn(cmd);
			up += tu_wait_tcp("127.0.0.1", 1883, 5000) == 0;
		}
	}
	if (have("lighttpd")) {
		snprintf(path, sizeof(path), "%s/lighttpd.conf", tmpdir);
		if ((fp = fopen(path, "w")) != NULL) {
			fprintf(fp, "server.document-root = \"%s\"\n"
			    "server.bind = \"127.0.0.1\"\nserver.port = 8080\n"
			    "server.errorlog = \"%s/lighttpd.log\"\n",
			    tmpdir, tmpdir);
			fclose(fp);
			snprintf(cmd, sizeof(cmd), "exec lighttpd -D -f %s", path);
			spawn(cmd);
			up += tu_wait_tcp("127.0.0.1", 8080, 5000) == 0;
		}
	}
	if (have("coap-server-notls")) {
		spawn("exec coap-server-notls -A 127.0.0.1 -p 5683");
		up += tu_wait_tcp("127.0.0.1", 5683, 5000) == 0;
	}
	return up;
}

/* Open ports of a sweep as a space-separated string. */
static double
run_assay(char *open, size_t openlen)
{
	struct assay_budget *b = assay_budget_new(1024, 10000000);
	struct assay_probe_env env = { b, NULL, NULL, 2000, 4096 };
	struct assay_tcp_sweep *res = NULL;
	char why[ASSAY_PROBE_REASON_MAX];
	uint16_t *ports = NULL;
	size_t n, off = 0;
	double t0, t;
	unsigned int p;

	open[0] = '\0';
	if (assay_probe_tcp_parse_ports("1-65535", &ports, &n, why,
	    sizeof(why)) != 0)
		return -1;
	t0 = now_s();
	if (assay_probe_tcp_sweep(&env, "127.0.0.1", ports, n, 2000, &res, why,
	    sizeof(why)) != 0 || res == NULL) {
		free(ports);
		assay_budget_free(b);
		return -1;
	}
	t = now_s() - t0;
	for (p = 1; p < 65536; p++)
		if (assay_tcp_sweep_state(res, p) == ASSAY_PORT_OPEN)
			off += (size_t)snprintf(open + off, openlen - off, "%u ",
			    p);
	if (assay_tcp_sweep_count(res, ASSAY_PORT_FILTERED) > 0)
		printf("assay: %zu ports filtered (no answer within 2000 ms)\n",
		    assay_tcp_sweep_count(res, ASSAY_PORT_FILTERED));
	assay_tcp_sweep_free(res);
	free(ports);
	assay_budget_free(b);
	return t;
}

static double
run_nmap(char *open, size_t openlen)
{
	char line[8192], *p, *q;
	size_t off = 0;
	double t0, t;
	FILE *fp;

	open[0] = '\0';
	t0 = now_s();
	if ((fp = popen("nmap -sT -p- -T5 -n 127.0.0.1 -oG - 2>/dev/null",
	    "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((p = strstr(line, "Ports: ")) == NULL)
			continue;
		/* "22/open/tcp//ssh///, 80/open/tcp//http///" */
		for (p += 7; *p != '\0'; p = q + 1) {
			unsigned int port = (unsigned int)strtoul(p, &q, 10);

			if (strncmp(q, "/open/", 6) == 0)
				off += (size_t)snprintf(open + off, openlen - off,
				    "%u ", port);
			if ((q = strstr(q, ", ")) == NULL)
				break;
		}
	}
	if (pclose(fp) != 0)
		return -1;
	t = now_s() - t0;
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(void)
{
	char ao[4096], no[4096];
	double ta[RUNS], tn[RUNS];
	int i, up, match = 1;

	printf("== bench_tcp_sweep: 65535 TCP ports, Assay vs nmap -sT -p- -T5 ==\n");
	if (!have("nmap")) {
		printf("skipped: nmap not installed\n");
		return 0;
	}
	if (unshare(CLONE_NEWNET) != 0 &&
	    unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		printf("skipped: cannot create a network namespace: %s\n",
		    strerror(errno));
		return 0;
	}
	if (system("ip link set lo up") != 0 || mkdtemp(tmpdir) == NULL) {
		printf("skipped: cannot bring lo up in the namespace\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	up = start_device();
	printf("device: %d listeners in a fresh network namespace\n", up);
	for (i = 0; i < RUNS; i++) {
		ta[i] = run_assay(ao, sizeof(ao));
		tn[i] = run_nmap(no, sizeof(no));
		if (ta[i] < 0 || tn[i] < 0) {
			printf("error: a sweep failed (assay %.3f, nmap %.3f)\n",
			    ta[i], tn[i]);
			stop_all();
			return 1;
		}
		if (strcmp(ao, no) != 0)
			match = 0;
		printf("run %d: assay %.3f s, nmap %.3f s\n", i + 1, ta[i], tn[i]);
	}
	stop_all();
	qsort(ta, RUNS, sizeof(ta[0]), cmp_double);
	qsort(tn, RUNS, sizeof(tn[0]), cmp_double);
	printf("assay open: %s\n", ao);
	printf("nmap  open: %s\n", no);
	printf("median: assay %.3f s, nmap %.3f s, ratio assay/nmap %.2f "
	    "(goal <= 0.50), open ports %s\n", ta[RUNS / 2], tn[RUNS / 2],
	    ta[RUNS / 2] / tn[RUNS / 2], match ? "identical" : "DIFFER");
	snprintf(no, sizeof(no), "rm -rf %s", tmpdir);
	if (system(no) != 0)
		return 1;
	return match ? 0 : 1;
}
