/*
 * bench_tls_scan.c - accepted TLS versions and cipher suites of a
 * lighttpd + mod_openssl port configured weak (TLS 1.0+, every suite at
 * security level 0) and strong (TLS 1.2+, ECDHE AEAD suites), Assay
 * against `sslscan --no-colour`, side by side in one process.  Prints both times (median of the runs), the ratio,
 * and whether the accepted sets are identical (the difference if not).
 */
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe/probe.h"
#include "probe/tls.h"
#include "probe/tcp.h"
#include "testutil.h"

#define RUNS		3
#define MAX_ITEMS	512

static char tmpdir[] = "/tmp/bench_tls_scan.XXXXXX";

struct set {
	char	*item[MAX_ITEMS];	/* "TLSv1.2 AES128-SHA", "TLSv1 version" */
	size_t	 n;
};

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
set_add(struct set *s, const char *ver, const char *what)
{
	char buf[256];

	if (s->n >= MAX_ITEMS)
		return;
	snprintf(buf, sizeof(buf), "%s %s", ver, what);
	s->item[s->n++] = strdup(buf);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
set_clear(struct set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->item[i]);
	s->n = 0;
}



static double
run_assay(int port, struct set *s)
{
	struct assay_budget *b = assay_budget_new(32, 100000);
	struct assay_probe_env env = { b, NULL, NULL, 5000, 65536 };
	struct assay_tls_scan *sc = NULL;
	char why[ASSAY_PROBE_REASON_MAX];
	double t0, t;
	size_t i;
	int v;

	set_clear(s);
	t0 = now_s();
	if (assay_probe_tls_enumerate(&env, "127.0.0.1", (unsigned int)port,
	    NULL, 5000, 1, &sc, why, sizeof(why)) != 0 || sc == NULL) {
		printf("assay: %s\n", why);
		assay_budget_free(b);
		return -1;
	}
	t = now_s() - t0;
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
		if (assay_tls_scan_version(sc, v) != ASSAY_TLS_ACCEPTED)
			continue;
		set_add(s, assay_tls_version_name(v), "(version)");
		for (i = 0; i < assay_tls_scan_ncipher(sc, v); i++)
			set_add(s, assay_tls_version_name(v),
			    assay_tls_scan_cipher(sc, v, i));
	}
	assay_tls_scan_free(sc);
	assay_budget_free(b);
	return t;
}

static double
run_sslscan(int port, struct set *s)
{
	char cmd[256], line[1024], ver[32], name[128], state[32];
	double t0, t;
	FILE *fp;

	set_clear(s);
	snprintf(cmd, sizeof(cmd), "sslscan --no-colour 127.0.0.1:%d 2>&1",
	    port);
	t0 = now_s();
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%31s %31s", ver, state) == 2 &&
		    (strncmp(ver, "SSLv", 4) == 0 ||
		    strncmp(ver, "TLSv", 4) == 0) &&
		    strcmp(state, "enabled") == 0) {
			set_add(s, strcmp(ver, "TLSv1.0") == 0 ? "TLSv1" : ver,
			    "(version)");
			continue;
		}
		if ((strncmp(line, "Accepted ", 9) == 0 ||
		    strncmp(line, "Preferred ", 10) == 0) &&
		    sscanf(line, "%*s %31s %*s %*s %127s", ver, name) == 2)
			set_add(s, strcmp(ver, "TLSv1.0") == 0 ? "TLSv1" : ver,
			    name);
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

/* Prints items of a missing from b; returns how many. */
static size_t
diff(const char *label, struct set *a, struct set *b)
{
	size_t i, n = 0;

	for (i = 0; i < a->n; i++)
		if (bsearch(&a->item[i], b->item, b->n, sizeof(char *),
		    cmp_str) == NULL) {
			printf("  only %s: %s\n", label, a->item[i]);
			n++;
		}
	return n;
}

/* One lighttpd configuration: start it, compare, stop it. 0 if identical. */
static int
bench_one(const char *tag, const char *sslconf)
{
	struct set sa = { { NULL }, 0 }, ss = { { NULL }, 0 };
	char conf[1024];
	double ta[RUNS], tn[RUNS];
	size_t nd;
	FILE *fp;
	pid_t pid;
	int port, i, rc = 1;

	printf("-- lighttpd %s: %s\n", tag, sslconf);
	port = tu_free_port();
	snprintf(conf, sizeof(conf), "%s/%s.conf", tmpdir, tag);
	if ((fp = fopen(conf, "w")) == NULL)
		return 1;
	fprintf(fp, "server.document-root = \"%s\"\n"
	    "server.bind = \"127.0.0.1\"\nserver.port = %d\n"
	    "server.errorlog = \"%s/%s.log\"\n"
	    "server.modules += (\"mod_openssl\")\nssl.engine = \"enable\"\n"
	    "ssl.pemfile = \"%s/cert.pem\"\nssl.privkey = \"%s/key.pem\"\n"
	    "ssl.openssl.ssl-conf-cmd = (%s)\n",
	    tmpdir, port, tmpdir, tag, tmpdir, tmpdir, sslconf);
	fclose(fp);
	if ((pid = fork()) == 0) {
		execlp("lighttpd", "lighttpd", "-D", "-f", conf, (char *)NULL);
		_exit(127);
	}
	if (tu_wait_tcp("127.0.0.1", port, 10000) != 0) {
		printf("error: lighttpd did not start\n");
		goto out;
	}
	for (i = 0; i < RUNS; i++) {
		ta[i] = run_assay(port, &sa);
		tn[i] = run_sslscan(port, &ss);
		if (ta[i] < 0 || tn[i] < 0) {
			printf("error: a scan failed\n");
			goto out;
		}
		printf("run %d: assay %.3f s, sslscan %.3f s\n", i + 1, ta[i],
		    tn[i]);
	}
	qsort(sa.item, sa.n, sizeof(char *), cmp_str);
	qsort(ss.item, ss.n, sizeof(char *), cmp_str);
	nd = diff("assay", &sa, &ss) + diff("sslscan", &ss, &sa);
	qsort(ta, RUNS, sizeof(ta[0]), cmp_double);
	qsort(tn, RUNS, sizeof(tn[0]), cmp_double);
	printf("accepted: assay %zu items, sslscan %zu items (versions + "
	    "suites)\n", sa.n, ss.n);
	printf("median %s: assay %.3f s, sslscan %.3f s, ratio assay/sslscan "
	    "%.2f (goal <= 0.50), accepted sets %s\n", tag, ta[RUNS / 2],
	    tn[RUNS / 2], ta[RUNS / 2] / tn[RUNS / 2],
	    nd == 0 ? "identical" : "DIFFER");
	rc = nd == 0 ? 0 : 1;
 out:
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	set_clear(&sa);
	set_clear(&ss);
	return rc;
}

int
main(void)
{
	char cmd[2048];
	int rc = 0;

	printf("== bench_tls_scan: TLS versions + suites of lighttpd, "
	    "Assay vs sslscan --no-colour ==\n");
	if (!have("sslscan") || !have("lighttpd") || !have("openssl") ||
	    access("/usr/lib/lighttpd/mod_openssl.so", F_OK) != 0) {
		printf("skipped: needs sslscan, openssl, lighttpd + "
		    "lighttpd-mod-openssl\n");
		return 0;
	}
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	snprintf(cmd, sizeof(cmd), "cd %s && openssl req -x509 -newkey rsa:2048 "
	    "-nodes -keyout key.pem -out cert.pem -days 30 "
	    "-subj /CN=device.example >/dev/null 2>&1", tmpdir);
	if (system(cmd) != 0)
		return 1;
	rc |= bench_one("weak", "\"MinProtocol\" => \"TLSv1\", "
	    "\"CipherString\" => \"ALL:@SECLEVEL=0\"");
	rc |= bench_one("strong", "\"MinProtocol\" => \"TLSv1.2\", "
	    "\"CipherString\" => \"ECDHE+AESGCM:ECDHE+CHACHA20\"");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
