/*
 * demo.c - run the reference device and assess it, in a network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/datadir.h"
#include "demo.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/term.h"
#include "probe/probe.h"

#define READY_TIMEOUT_MS	60000
#define STOP_TIMEOUT_MS		5000

static int
write_file(const char *path, const char *s)
{
	int fd, r = 0;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		r = -1;
	close(fd);
	return r;
}

/* A private network namespace with lo up.  0, or -1 with errno. */
static int
enter_netns(void)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	struct ifreq ifr;
	int fd, r;

	if (geteuid() == 0)
		r = unshare(CLONE_NEWNET);
	else {
		if ((r = unshare(CLONE_NEWUSER | CLONE_NEWNET)) == 0) {
			write_file("/proc/self/setgroups", "deny");
			snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
			write_file("/proc/self/uid_map", map);
			snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
			write_file("/proc/self/gid_map", map);
		}
	}
	if (r != 0)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	} else
		r = -1;
	close(fd);
	return r;
}

/* assay-refdevice next to the running assay (build tree or bindir). */
static int
find_refdevice(char *out, size_t len)
{
	char exe[PATH_MAX], *slash;
	ssize_t n;
	const char *env = getenv("ASSAY_REFDEVICE");

	if (env != NULL && access(env, X_OK) == 0) {
		snprintf(out, len, "%s", env);
		return 0;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(out, len, "%.3900s/tests/refdevice/assay-refdevice",
	    exe) < len && access(out, X_OK) == 0)
		return 0;
	if ((size_t)snprintf(out, len, "%.3900s/assay-refdevice", exe) >= len)
		return -1;
	return access(out, X_OK) == 0 ? 0 : -1;
}

/* Reads the device's stdout until a line "ready"; echoes it to stderr. */
static int
wait_ready(int fd, pid_t pid)
{
	char buf[4096];
	size_t len = 0;
	long long end = assay_clock_ms() + READY_TIMEOUT_MS;
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;
	char *nl;

	while (assay_clock_ms() < end) {
		if (poll(&pfd, 1, 200) < 0 && errno != EINTR)
			return -1;
		if (pfd.revents & (POLLIN | POLLHUP)) {
			if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
				return -1;	/* the device exited */
			len += (size_t)n;
			buf[len] = '\0';
			while ((nl = strchr(buf, '\n')) != NULL) {
				*nl = '\0';
				fputs("refdevice: ", stderr);
				assay_term_fputs(buf, stderr);
				fputc('\n', stderr);
				if (strcmp(buf, "ready") == 0)
					return 0;
				memmove(buf, nl + 1, len - (size_t)(nl + 1 - buf) + 1);
				len -= (size_t)(nl + 1 - buf);
			}
			if (len == sizeof(buf) - 1)
				len = 0;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
	}
	return -1;
}

static void
stop_device(pid_t pid)
{
	long long end;
	int st;

	kill(pid, SIGTERM);
	end = assay_clock_ms() + STOP_TIMEOUT_MS;
	while (assay_clock_ms() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

enum assay_run_status
assay_demo_run(struct assay_demo_opts *o, struct assay_diag *d)
{
	char bin[PATH_MAX], devdir[] = "/tmp/assay-refdevice-XXXXXX";
	char ics[ASSAY_PATH_MAX], ixit[ASSAY_PATH_MAX], setup[ASSAY_PATH_MAX];
	char rm[ASSAY_PATH_MAX + 16];
	enum assay_run_status status;
	int pipefd[2], devnull;
	pid_t pid;

	if (strcmp(o->persona, "weak") != 0 &&
	    strcmp(o->persona, "conforming") != 0) {
		assay_diag_add(d, "--persona", 0, "unknown persona \"%s\" "
		    "(weak or conforming)", o->persona);
		return ASSAY_RUN_NOT_RUN;
	}
	if (o->refdevice != NULL)
		snprintf(bin, sizeof(bin), "%s", o->refdevice);
	else if (find_refdevice(bin, sizeof(bin)) != 0) {
		assay_diag_add(d, "assay-refdevice", 0, "not found next to assay "
		    "(build it, or set ASSAY_REFDEVICE)");
		return ASSAY_RUN_NOT_RUN;
	}
	if (!o->host_network && enter_netns() != 0) {
		fprintf(stderr, "assay demo: no private network namespace (%s): "
		    "using the host's loopback; a port sweep there also sees "
		    "the host's own listeners\n", strerror(errno));
		o->host_network = 1;
	}
	if (mkdtemp(devdir) == NULL) {
		assay_diag_add(d, devdir, 0, "%s", strerror(errno));
		return ASSAY_RUN_NOT_RUN;
	}
	rmdir(devdir);	/* the device wants to create it */
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return ASSAY_RUN_NOT_RUN;
	fprintf(stderr, "assay demo: starting the %s reference device (%s)\n",
	    o->persona, o->host_network ? "host loopback" :
	    "private network namespace");
	if ((pid = fork()) < 0)
		return ASSAY_RUN_NOT_RUN;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(pipefd[1], STDOUT_FILENO);
		if ((devnull = open("/dev/null", O_RDONLY)) >= 0)
			dup2(devnull, STDIN_FILENO);
		/*
		 * In a namespace of our own the device sits behind a lab
		 * gateway (docs/refdevice.md), so its client side runs too.
		 */
		if (o->host_network)
			execl(bin, bin, "--persona", o->persona, "--dir",
			    devdir, "--foreground", "--ports", "kernel",
			    (char *)NULL);
		else
			execl(bin, bin, "--persona", o->persona, "--dir",
			    devdir, "--foreground", "--gateway", (char *)NULL);
		fprintf(stderr, "assay demo: cannot run %s: %s\n", bin,
		    strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (wait_ready(pipefd[0], pid) != 0) {
		assay_diag_add(d, bin, 0, "the reference device did not come up "
		    "(its logs are in %s)", devdir);
		stop_device(pid);
		close(pipefd[0]);
		return ASSAY_RUN_NOT_RUN;
	}
	/* devdir is a short mkdtemp() name: these can't be cut. */
	(void)assay_path_join(ics, sizeof(ics), devdir, "ics.xml");
	(void)assay_path_join(ixit, sizeof(ixit), devdir, "ixit.xml");
	(void)assay_path_join(setup, sizeof(setup), devdir, "setup.xml");
	o->engine.ics_path = ics;
	o->engine.ixit_path = ixit;
	o->engine.setup_path = setup;
	status = assay_engine_run(&o->engine, d);
	stop_device(pid);
	close(pipefd[0]);
	snprintf(rm, sizeof(rm), "rm -rf '%s'", devdir);
	if (status != ASSAY_RUN_NOT_RUN && system(rm) != 0)
		fprintf(stderr, "assay demo: could not remove %s\n", devdir);
	return status;
}
