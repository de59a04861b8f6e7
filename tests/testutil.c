/*
 * testutil.c - helpers shared by the cmocka tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

const char *
tu_src(const char *rel)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", ASSAY_SOURCE_DIR, rel);
	return p;
}

char *
tu_mkdtemp(const char *tag)
{
	char t[256];

	snprintf(t, sizeof(t), "/tmp/assay-%s-XXXXXX", tag ? tag : "test");
	if (mkdtemp(t) == NULL)
		return NULL;
	return strdup(t);
}

void
tu_rmrf(const char *dir)
{
	char cmd[4200];

	if (dir == NULL || strncmp(dir, "/tmp/", 5) != 0 || strstr(dir, ".."))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int
tu_run(const char *cmd, char **out)
{
	FILE *fp;
	char *buf = NULL, *full = NULL;
	size_t len = 0, alloc = 0, n;
	char chunk[4096];
	int st;

	if (asprintf(&full, "%s 2>&1", cmd) < 0)
		return -1;
	fp = popen(full, "r");
	free(full);
	if (fp == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (len + n + 1 > alloc) {
			alloc = (len + n + 1) * 2;
			buf = realloc(buf, alloc);
			if (buf == NULL) {
				pclose(fp);
				return -1;
			}
		}
		memcpy(buf + len, chunk, n);
		len += n;
	}
	st = pclose(fp);
	if (buf == NULL)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	if (out != NULL)
		*out = buf;
	else
		free(buf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

long long
tu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
tu_wait_tcp(const char *host, int port, int timeout_ms)
{
	long long end = tu_now_ms() + timeout_ms;
	struct sockaddr_in sa;
	int fd, ok;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	do {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return -1;
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
		if (ok)
			return 0;
		usleep(20000);
	} while (tu_now_ms() < end);
	return -1;
}

/*
 * A port free on loopback for TCP and for UDP alike: tests use it for
 * either (a CoAP server, a port that must stay closed), and tests run at
 * once in the same namespace.  A TCP-only check once handed
 * test_probe_lua's "closed" port to a coap-server test_probe_coap had
 * running there, and the contract test got a CoAP answer from it.
 */
int
tu_free_port(void)
{
	struct sockaddr_in sa;
	socklen_t sl;
	int fd, ufd, port, tries;

	for (tries = 0; tries < 64; tries++) {
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return -1;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(sa);
		port = -1;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		    getsockname(fd, (struct sockaddr *)&sa, &sl) == 0)
			port = ntohs(sa.sin_port);
		if (port < 0) {
			close(fd);
			return -1;
		}
		/* The same number over UDP, while the TCP one is still held. */
		if ((ufd = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
			close(fd);
			return -1;
		}
		if (bind(ufd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(ufd);
			close(fd);
			return port;
		}
		close(ufd);
		close(fd);
	}
	return -1;
}

char *
tu_read_file(const char *path, size_t *lenp)
{
	FILE *fp;
	struct stat st;
	char *p;
	size_t n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fstat(fileno(fp), &st) != 0 || (p = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		return NULL;
	}
	n = fread(p, 1, (size_t)st.st_size, fp);
	fclose(fp);
	p[n] = '\0';
	if (lenp != NULL)
		*lenp = n;
	return p;
}

int
tu_write_file(const char *path, const void *data, size_t len)
{
	FILE *fp;
	int r;

	if ((fp = fopen(path, "wb")) == NULL)
		return -1;
	r = fwrite(data, 1, len, fp) == len ? 0 : -1;
	if (fclose(fp) != 0)
		r = -1;
	return r;
}

int
tu_have(const char *prog)
{
	char cmd[512];

	if (prog[0] == '/')
		return access(prog, X_OK) == 0;
	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

int
tu_runf(const char *fmt, ...)
{
	char cmd[8192], *out = NULL;
	va_list ap;
	int st;

	cmd[0] = '(';
	va_start(ap, fmt);
	vsnprintf(cmd + 1, sizeof(cmd) - 2, fmt, ap);
	va_end(ap);
	strcat(cmd, ")");
	st = tu_run(cmd, &out);
	if (st != 0)
		fprintf(stderr, "%s: exit %d: %s\n", cmd, st, out ? out : "");
	free(out);
	return st;
}

int
tu_in_child(int (*fn)(int), char *out, size_t outlen)
{
	int pfd[2], st;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (outlen == 0 || pipe(pfd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		_exit(fn(pfd[1]));
	}
	close(pfd[1]);
	while (got + 1 < outlen &&
	    (n = read(pfd[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(pfd[0]);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *
tu_enter_netns(char **argv, const char *env_inside, const char *setup)
{
	if (getenv(env_inside) != NULL) {
		if (setup != NULL && tu_run(setup, NULL) != 0)
			return "cannot set the network namespace up";
		return NULL;
	}
	if (!tu_have("unshare") || tu_run("unshare -rn true", NULL) != 0)
		return "no user and network namespaces here (unshare -rn)";
	if (!tu_have("ip"))
		return "iproute2 (ip) not installed";
	setenv(env_inside, "1", 1);
	execlp("unshare", "unshare", "-rn", argv[0], (char *)NULL);
	return "cannot exec unshare";
}
