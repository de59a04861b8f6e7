/*
 * main.c - assay-refdevice: option parsing, process supervision,
 * readiness polling and cleanup.
 *
 * Every server runs in its own process group with PR_SET_PDEATHSIG, and
 * this process is a child subreaper, so sessions that daemons fork (telnet
 * logins, SSH sessions, socat children) come back to us when their parent
 * dies and are killed on exit too.  We exit, cleaning up, on SIGINT,
 * SIGTERM, SIGHUP, when any server dies, and when our own parent dies
 * (PR_SET_PDEATHSIG delivers SIGTERM to us) in --foreground mode.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "base/error.h"
#include "base/clock.h"
#include "refdevice.h"

#define READY_TIMEOUT_MS	15000
#define STOP_GRACE_MS		2000

static const char *usage_text =
"usage: assay-refdevice --persona conforming|weak --dir DIR\n"
"           [--address 127.0.0.1] [--ports kernel|standard] [--foreground]\n"
"           [--gateway [--client-interval S]] [--fragile RATE[:SECONDS]]\n"
"\n"
"Brings up a reference consumer-IoT device made of real servers on\n"
"loopback, writes DIR/ics.xml and DIR/ixit.xml describing it (with the\n"
"ports actually bound) and the lab set-up file DIR/setup.xml, prints\n"
"their paths and \"ready\" once every\n"
"service answers, and runs until SIGINT/SIGTERM.\n"
"\n"
"  --persona P    conforming: unique credentials, TLS 1.2+, signed updates\n"
"                 weak: Mirai default password on telnet and web, TLS 1.0,\n"
"                 anonymous MQTT, CoAP, unsigned updates, undeclared debug port\n"
"  --dir DIR      working directory (created; must be empty or absent)\n"
"  --address A    IPv4 loopback address to bind (default 127.0.0.1)\n"
"  --ports M      kernel: free ports picked by the kernel (default);\n"
"                 standard: 22, 23, 80, 443, 1883, 8883, 5683, 9527\n"
"                 (needs root or a network namespace)\n"
"  --gateway      lab topology: the device in its own network namespace\n"
"                 behind a veth pair, " RD_GW_IF " " RD_GW_ADDR " here, device\n"
"                 " RD_DEV_ADDR " on standard ports, and its client side\n"
"                 (update checks, telemetry) running; needs a network\n"
"                 namespace of the caller's own (e.g. `unshare -rn`)\n"
"  --client-interval S  seconds between client cycles (default 1 weak,\n"
"                 2 conforming)\n"
"  --fragile RATE[:SECONDS]  one more TCP service, \"fragile\" (in the IXIT,\n"
"                 watched by the set-up's liveness watch; standard port 9600):\n"
"                 it accepts RATE connections/s at most from a short queue;\n"
"                 overloaded for 3 s it closes its listener, and opens it\n"
"                 again after SECONDS (never without); log/fragile.log\n"
"  --foreground   stay attached: exit when the parent dies; otherwise the\n"
"                 device detaches once ready (pid in DIR/refdevice.pid)\n"
"  --help         this text\n";

int
rd_path(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outlen)
		return ASSAY_ERR_TOO_BIG;
	return 0;
}

int
rd_write_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd, r = ASSAY_ERR_IO;
	size_t off = 0;
	ssize_t n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1) {
		fprintf(stderr, "assay-refdevice: %s: %s\n", path,
		    strerror(errno));
		return ASSAY_ERR_IO;
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			fprintf(stderr, "assay-refdevice: %s: write: %s\n",
			    path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, mode) == -1)
		goto out;
	r = 0;
 out:
	close(fd);
	return r;
}

struct rd_service *
rd_add_service(struct refdevice *rd, const char *id, const char *protocol,
    const char *transport, const char *security, int port, int declared,
    int ready_kind, int proc, const char *description, const char *path)
{
	struct rd_service *s;

	if (rd->nservices >= RD_MAX_SERVICES)
		return NULL;
	s = &rd->services[rd->nservices++];
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->protocol = protocol;
	s->transport = transport;
	s->security = security;
	s->port = port;
	s->declared = declared;
	s->ready_kind = ready_kind;
	s->proc = proc;
	s->description = description;
	s->path = path;
	return s;
}

/* In a child after fork: signals back to default, unblocked. */
static void
child_reset_signals(void)
{
	sigset_t all;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

static int
write_proc_file(const char *path, const char *text)
{
	int fd, ok;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int
setgroups_allowed(void)
{
	char buf[16] = "";
	int fd;
	ssize_t n;

	if ((fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC)) == -1)
		return 1;	/* no user namespaces: initial namespace */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strncmp(buf, "allow", 5) == 0;
}

/*
 * In the child: a private mount namespace in which the bind mounts in
 * binds are made, inside a new user namespace mapping rd->ssh_uid to our
 * uid when rd->ssh_userns is set.  Returns 0 or -1 with a message on
 * stderr (the log).
 */
static int
enter_namespace(const struct refdevice *rd, int port, const char *const *binds)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];
	size_t i;

	if (rd->ssh_userns) {
		/* A non-root session uid may not bind a low port by itself. */
		if (port > 0 && port < 1024 && geteuid() == 0) {
			snprintf(map, sizeof(map), "%d\n", port);
			if (write_proc_file("/proc/sys/net/ipv4/"
			    "ip_unprivileged_port_start", map) == -1) {
				fprintf(stderr, "cannot lower "
				    "ip_unprivileged_port_start to %d: %s\n",
				    port, strerror(errno));
				return -1;
			}
		}
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == -1) {
			fprintf(stderr, "unshare(user+mount): %s\n",
			    strerror(errno));
			return -1;
		}
		snprintf(map, sizeof(map), "%d %u 1\n", rd->ssh_uid,
		    (unsigned)uid);
		if (write_proc_file("/proc/self/uid_map", map) == -1 ||
		    write_proc_file("/proc/self/setgroups", "deny") == -1)
			return -1;
		snprintf(map, sizeof(map), "%d %u 1\n", rd->ssh_uid,
		    (unsigned)gid);
		if (write_proc_file("/proc/self/gid_map", map) == -1)
			return -1;
	} else if (unshare(CLONE_NEWNS) == -1) {
		fprintf(stderr, "unshare(mount): %s\n", strerror(errno));
		return -1;
	}
	if (binds == NULL)
		return 0;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		fprintf(stderr, "mount private: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; binds[i] != NULL && binds[i + 1] != NULL; i += 2) {
		if (mount(binds[i], binds[i + 1], NULL, MS_BIND, NULL) == -1) {
			fprintf(stderr, "bind %s on %s: %s\n", binds[i],
			    binds[i + 1], strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
rd_ns_choose(struct refdevice *rd)
{
	pid_t pid;
	int status;

	rd->ssh_userns = geteuid() != 0 || !setgroups_allowed();
	rd->ssh_uid = rd->ssh_userns ? (geteuid() == 0 ? 1000 :
	    (int)getuid()) : 0;
	fflush(NULL);
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd != -1)
			dup2(fd, 2);
		_exit(enter_namespace(rd, 0, NULL) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
rd_spawn(struct refdevice *rd, const char *name, const char *const argv[],
    const char *const *binds)
{
	struct rd_proc *p;
	pid_t parent = getpid(), pid;
	int fd, i;

	if (rd->nprocs >= RD_MAX_PROCS)
		return ASSAY_ERR_INTERNAL;
	p = &rd->procs[rd->nprocs];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (rd_path(p->log, sizeof(p->log), "%s/log/%s.log", rd->dir,
	    name) != 0)
		return ASSAY_ERR_TOO_BIG;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "assay-refdevice: fork for %s: %s\n", name,
		    strerror(errno));
		return ASSAY_ERR_IO;
	}
	if (pid == 0) {
		child_reset_signals();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			close(fd);
		}
		if ((fd = open(p->log, O_WRONLY | O_CREAT | O_APPEND,
		    0600)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (chdir(rd->dir) == -1)
			_exit(127);
		setenv("ASSAY_REFDEVICE_DIR", rd->dir, 1);
		if (binds != NULL && enter_namespace(rd, rd->port_ssh,
		    binds) == -1)
			_exit(126);
		execvp(argv[0], (char *const *)argv);	/* execvp never writes them */
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no race with kill(-pid) */
	p->pid = pid;
	i = (int)rd->nprocs++;
	return i;
}

int
rd_run_tool(struct refdevice *rd, const char *const argv[])
{
	return rd_run_tool_ns(rd, -1, argv);
}

int
rd_run_tool_ns(struct refdevice *rd, int netns, const char *const argv[])
{
	char log[RD_PATH_MAX];
	pid_t pid;
	int fd, status;

	if (rd_path(log, sizeof(log), "%s/log/setup.log", rd->dir) != 0)
		return ASSAY_ERR_TOO_BIG;
	fflush(NULL);
	if ((pid = fork()) == -1)
		return ASSAY_ERR_IO;
	if (pid == 0) {
		child_reset_signals();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			close(fd);
		}
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND,
		    0600)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		if (chdir(rd->dir) == -1)
			_exit(127);
		if (netns != -1 && setns(netns, CLONE_NEWNET) == -1) {
			fprintf(stderr, "setns: %s\n", strerror(errno));
			_exit(126);
		}
		execvp(argv[0], (char *const *)argv);	/* execvp never writes them */
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return ASSAY_ERR_IO;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "assay-refdevice: setup step \"%s\" failed "
		    "(see %s)\n", argv[0], log);
		return ASSAY_ERR_IO;
	}
	return 0;
}

/* ---- ports ------------------------------------------------------------ */

static int
bind_port(const char *address, int type, int port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd, one = 1, r = -1;

	if ((fd = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, address, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		r = ntohs(sin.sin_port);
	close(fd);
	return r;
}

static int
port_taken(const struct refdevice *rd, int port)
{
	return port == rd->port_http || port == rd->port_https ||
	    port == rd->port_ssh || port == rd->port_telnet ||
	    port == rd->port_mqtt || port == rd->port_mqtts ||
	    port == rd->port_coap || port == rd->port_debug ||
	    port == rd->port_fragile;
}

/*
 * A port free now on TCP (and on UDP too when both is set: coap-server
 * binds both), distinct from the ones already chosen.
 */
static int
kernel_port(struct refdevice *rd, int both)
{
	int tries, p;

	for (tries = 0; tries < 50; tries++) {
		if ((p = bind_port(rd->address, both ? SOCK_DGRAM :
		    SOCK_STREAM, 0)) <= 0)
			continue;
		if (port_taken(rd, p))
			continue;
		if (both && bind_port(rd->address, SOCK_STREAM, p) != p)
			continue;
		return p;
	}
	return -1;
}

static int
choose_ports(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK;
	int *want[8], stdport[8], udp[8], n = 0, i;

#define WANT(field, sp, isudp) do {					\
	want[n] = &rd->field; stdport[n] = (sp); udp[n] = (isudp); n++;	\
} while (0)
	WANT(port_http, 80, 0);
	WANT(port_https, 443, 0);
	if (weak) {
		WANT(port_telnet, 23, 0);
		WANT(port_mqtt, 1883, 0);
		WANT(port_coap, 5683, 1);
		WANT(port_debug, 9527, 0);
	} else {
		WANT(port_ssh, 22, 0);
		WANT(port_mqtts, 8883, 0);
	}
	if (rd->fragile_rate > 0)
		WANT(port_fragile, 9600, 0);
#undef WANT
	for (i = 0; i < n; i++) {
		if (rd->standard_ports) {
			if (bind_port(rd->address, SOCK_STREAM,
			    stdport[i]) != stdport[i] || (udp[i] &&
			    bind_port(rd->address, SOCK_DGRAM,
			    stdport[i]) != stdport[i])) {
				fprintf(stderr, "assay-refdevice: port %d on "
				    "%s is not available (in use, or not "
				    "root: run inside `unshare -rn`)\n",
				    stdport[i], rd->address);
				return ASSAY_ERR_NETWORK;
			}
			*want[i] = stdport[i];
		} else if ((*want[i] = kernel_port(rd, udp[i])) <= 0) {
			fprintf(stderr, "assay-refdevice: no free port on "
			    "%s\n", rd->address);
			return ASSAY_ERR_NETWORK;
		}
	}
	return 0;
}

/* ---- readiness -------------------------------------------------------- */

static int
tcp_connect(const char *address, int port, int timeout_ms)
{
	struct sockaddr_in sin;
	struct pollfd pfd;
	socklen_t len;
	int fd, err = 0, flags;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, address, &sin.sin_addr);
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) != 1)
			goto fail;
		len = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
		    err != 0)
			goto fail;
	}
	fcntl(fd, F_SETFL, flags);
	return fd;
 fail:
	close(fd);
	return -1;
}

static void
set_timeouts(int fd, int timeout_ms)
{
	struct timeval tv;

	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* A full TLS handshake, any version and cipher the server allows. */
static int
tls_ready(const char *address, int port)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd, ok = 0;

	if ((fd = tcp_connect(address, port, 500)) == -1)
		return 0;
	set_timeouts(fd, 1000);
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		goto out;
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1)
		goto out;
	ok = SSL_connect(ssl) == 1;
	if (ok)
		SSL_shutdown(ssl);
 out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	close(fd);
	return ok;
}

static int
banner_ready(const char *address, int port)
{
	char c;
	int fd, ok;

	if ((fd = tcp_connect(address, port, 500)) == -1)
		return 0;
	set_timeouts(fd, 1000);
	ok = read(fd, &c, 1) == 1;
	close(fd);
	return ok;
}

/* Confirmable GET /.well-known/core; any reply with our message id. */
static int
coap_ready(const char *address, int port)
{
	static const unsigned char req[] = {
		0x40, 0x01, 0x52, 0x44,
		0xbb, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n',
		0x04, 'c', 'o', 'r', 'e'
	};
	unsigned char reply[512];
	struct sockaddr_in sin;
	ssize_t n;
	int fd, ok = 0;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, address, &sin.sin_addr);
	set_timeouts(fd, 300);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    send(fd, req, sizeof(req), 0) == (ssize_t)sizeof(req) &&
	    (n = recv(fd, reply, sizeof(reply), 0)) >= 4)
		ok = reply[2] == 0x52 && reply[3] == 0x44;
	close(fd);
	return ok;
}

static int
service_ready(const struct refdevice *rd, const struct rd_service *s)
{
	int fd;

	switch (s->ready_kind) {
	case RD_READY_TLS:
		return tls_ready(rd->address, s->port);
	case RD_READY_COAP:
		return coap_ready(rd->address, s->port);
	case RD_READY_BANNER:
		return banner_ready(rd->address, s->port);
	default:
		if ((fd = tcp_connect(rd->address, s->port, 500)) == -1)
			return 0;
		close(fd);
		return 1;
	}
}

/* Reaps what has exited; returns the index of a dead server or -1. */
static int
reap(struct refdevice *rd)
{
	size_t i;
	pid_t pid;
	int status, dead = -1;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < rd->nprocs; i++) {
			if (rd->procs[i].pid != pid)
				continue;
			rd->procs[i].exited = 1;
			rd->procs[i].status = status;
			if (dead == -1)
				dead = (int)i;
		}
	}
	return dead;
}

static void
report_dead(const struct refdevice *rd, int i)
{
	const struct rd_proc *p = &rd->procs[i];

	if (WIFEXITED(p->status))
		fprintf(stderr, "assay-refdevice: service %s exited with "
		    "status %d; see %s\n", p->name, WEXITSTATUS(p->status),
		    p->log);
	else
		fprintf(stderr, "assay-refdevice: service %s killed by "
		    "signal %d; see %s\n", p->name, WTERMSIG(p->status),
		    p->log);
}

static int
pending_stop(const sigset_t *set)
{
	struct timespec zero = { 0, 0 };
	int sig;

	while ((sig = sigtimedwait(set, NULL, &zero)) > 0)
		if (sig != SIGCHLD)
			return sig;
	return 0;
}

static int
wait_ready(struct refdevice *rd, const sigset_t *set)
{
	long long deadline = assay_clock_ms() + READY_TIMEOUT_MS;
	int done[RD_MAX_SERVICES] = { 0 };
	struct timespec pause = { 0, 20 * 1000000 };
	size_t i, left;
	int dead, sig;

	for (;;) {
		left = 0;
		for (i = 0; i < rd->nservices; i++) {
			if (!done[i])
				done[i] = service_ready(rd, &rd->services[i]);
			if (!done[i])
				left++;
		}
		if (left == 0)
			return 0;
		if ((dead = reap(rd)) != -1) {
			report_dead(rd, dead);
			return ASSAY_ERR_NETWORK;
		}
		if ((sig = pending_stop(set)) != 0)
			return ASSAY_ERR_INTERRUPTED;
		if (assay_clock_ms() > deadline)
			break;
		nanosleep(&pause, NULL);
	}
	for (i = 0; i < rd->nservices; i++)
		if (!done[i])
			fprintf(stderr, "assay-refdevice: service %s (%s port "
			    "%d) did not answer within %d ms; see %s\n",
			    rd->services[i].id, rd->services[i].transport,
			    rd->services[i].port, READY_TIMEOUT_MS,
			    rd->procs[rd->services[i].proc].log);
	return ASSAY_ERR_NETWORK;
}

/* ---- cleanup ---------------------------------------------------------- */

/* Signals every process whose parent is us (orphans we adopted too). */
static int
signal_children(int sig)
{
	char path[300], line[256];
	struct dirent *de;
	DIR *d;
	FILE *f;
	pid_t self = getpid();
	long ppid;
	int n = 0;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		ppid = -1;
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "PPid: %ld", &ppid) == 1)
				break;
		fclose(f);
		if (ppid == (long)self) {
			kill((pid_t)atol(de->d_name), sig);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void
stop_all(struct refdevice *rd)
{
	struct timespec pause = { 0, 10 * 1000000 };
	long long deadline;
	size_t i;
	int sig = SIGTERM;

	for (i = 0; i < rd->nprocs; i++)
		if (!rd->procs[i].exited)
			kill(-rd->procs[i].pid, SIGTERM);
	signal_children(SIGTERM);
	deadline = assay_clock_ms() + STOP_GRACE_MS;
	for (;;) {
		reap(rd);
		if (waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD)
			break;
		if (sig == SIGTERM && assay_clock_ms() > deadline) {
			sig = SIGKILL;
			for (i = 0; i < rd->nprocs; i++)
				kill(-rd->procs[i].pid, SIGKILL);
		}
		signal_children(sig);
		nanosleep(&pause, NULL);
	}
}

/* ---- credentials ------------------------------------------------------ */

/* A password of len characters from /dev/urandom, unambiguous alphabet. */
static int
random_password(char *out, size_t len)
{
	static const char alphabet[] =
	    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char b;
	size_t i = 0;
	int fd, r = ASSAY_ERR_IO;

	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1)
		return ASSAY_ERR_IO;
	while (i < len) {
		if (read(fd, &b, 1) != 1)
			goto out;
		if (b >= 4 * (sizeof(alphabet) - 1))	/* no modulo bias */
			continue;
		out[i++] = alphabet[b % (sizeof(alphabet) - 1)];
	}
	out[i] = '\0';
	r = 0;
 out:
	close(fd);
	return r;
}

/*
 * The serial is one per persona, not one per start: every demo assesses
 * the same unit, so that two runs' reports differ only where the device
 * behaved differently (assay diff, docs/refdevice.md).  The conforming
 * persona's passwords are still drawn anew at each start.
 */
#define RD_WEAK_SERIAL		"W1-7K3M9Q2X"
#define RD_CONFORMING_SERIAL	"C2-4H8P2R6T"

static int
make_credentials(struct refdevice *rd)
{
	int r;

	if (rd->persona == RD_PERSONA_WEAK) {
		/* Mirai scanner.c pairs: root/xc3511 and admin/admin. */
		snprintf(rd->telnet_user, sizeof(rd->telnet_user), "root");
		snprintf(rd->telnet_pass, sizeof(rd->telnet_pass), "xc3511");
		snprintf(rd->web_user, sizeof(rd->web_user), "admin");
		snprintf(rd->web_pass, sizeof(rd->web_pass), "admin");
		snprintf(rd->serial, sizeof(rd->serial), "%s", RD_WEAK_SERIAL);
		return 0;
	}
	snprintf(rd->web_user, sizeof(rd->web_user), "admin");
	snprintf(rd->ssh_user, sizeof(rd->ssh_user), "admin");
	snprintf(rd->mqtt_user, sizeof(rd->mqtt_user), "device");
	snprintf(rd->serial, sizeof(rd->serial), "%s", RD_CONFORMING_SERIAL);
	if ((r = random_password(rd->web_pass, RD_PASS_LEN)) != 0 ||
	    (r = random_password(rd->ssh_pass, RD_PASS_LEN)) != 0 ||
	    (r = random_password(rd->mqtt_pass, RD_PASS_LEN)) != 0 ||
	    (r = random_password(rd->cloud_token, RD_PASS_LEN)) != 0)
		return r;
	return 0;
}

/* ---- main ------------------------------------------------------------- */

/*
 * realpath(3) into a buffer of len bytes.  realpath wants PATH_MAX bytes
 * (a fortified build aborts on less), so it allocates and we copy.
 */
static int
real_path(const char *path, char *out, size_t len)
{
	char *p;
	int r = -1;

	if ((p = realpath(path, NULL)) == NULL)
		return -1;
	if (strlen(p) < len) {
		memcpy(out, p, strlen(p) + 1);
		r = 0;
	}
	free(p);
	return r;
}

static int
valid_dir(const char *p)
{
	if (p[0] == '\0')
		return 0;
	for (; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-+", *p) != NULL))
			return 0;
	return 1;
}

static int
prepare_dir(struct refdevice *rd, const char *arg)
{
	char abs[RD_PATH_MAX], sub[RD_PATH_MAX];
	static const char *subs[] = { "log", "etc", "www", "tls", "bin",
	    "run", "data", "client", NULL };
	struct dirent *de;
	DIR *d;
	size_t i;

	if (mkdir(arg, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "assay-refdevice: mkdir %s: %s\n", arg,
		    strerror(errno));
		return ASSAY_ERR_IO;
	}
	if (real_path(arg, abs, sizeof(abs)) == -1 || !valid_dir(abs)) {
		fprintf(stderr, "assay-refdevice: --dir %s: needs a path of "
		    "letters, digits and /._-+ only\n", arg);
		return ASSAY_ERR_USAGE;
	}
	if ((d = opendir(abs)) == NULL)
		return ASSAY_ERR_IO;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			closedir(d);
			fprintf(stderr, "assay-refdevice: --dir %s is not "
			    "empty\n", abs);
			return ASSAY_ERR_EXISTS;
		}
	}
	closedir(d);
	snprintf(rd->dir, sizeof(rd->dir), "%s", abs);
	for (i = 0; subs[i] != NULL; i++) {
		if (rd_path(sub, sizeof(sub), "%s/%s", abs, subs[i]) != 0 ||
		    mkdir(sub, 0700) == -1)
			return ASSAY_ERR_IO;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "persona", required_argument, NULL, 'p' },
		{ "dir", required_argument, NULL, 'd' },
		{ "address", required_argument, NULL, 'a' },
		{ "ports", required_argument, NULL, 'P' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "gateway", no_argument, NULL, 'g' },
		{ "client-interval", required_argument, NULL, 'i' },
		{ "fragile", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct refdevice *rd = NULL;
	const char *dirarg = NULL, *persona = NULL;
	struct in_addr ia;
	sigset_t set;
	int ch, r = ASSAY_ERR_USAGE, sig, dead, pipefd[2] = { -1, -1 };
	pid_t parent;
	char status = 1, pidfile[RD_PATH_MAX], line[32];
	ssize_t len;

	char why[256], *end;
	long v;
	int address_set = 0, ports_set = 0;

	/* The device's own client process (started by rd_setup_start). */
	if (argc == 3 && strcmp(argv[1], "--client") == 0)
		return rd_client_main(argv[2]) == 0 ? 0 : 1;
	/* The fragile service's process (started by rd_setup_start). */
	if (argc == 6 && strcmp(argv[1], "--fragile-serve") == 0)
		return rd_fragile_main(argv[2], atoi(argv[3]), atoi(argv[4]),
		    atoi(argv[5]));
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		return 1;
	rd->caller_netns = -1;
	rd->client_interval = 0;	/* the persona's, below */
	snprintf(rd->address, sizeof(rd->address), "127.0.0.1");
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			persona = optarg;
			break;
		case 'd':
			dirarg = optarg;
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &ia) != 1) {
				fprintf(stderr, "assay-refdevice: --address "
				    "%s: not an IPv4 address\n", optarg);
				goto out;
			}
			if ((ntohl(ia.s_addr) >> 24) != 127)
				fprintf(stderr, "assay-refdevice: warning: "
				    "%s is not a loopback address\n", optarg);
			snprintf(rd->address, sizeof(rd->address), "%s",
			    optarg);
			address_set = 1;
			break;
		case 'P':
			ports_set = 1;
			if (strcmp(optarg, "standard") == 0)
				rd->standard_ports = 1;
			else if (strcmp(optarg, "kernel") != 0) {
				fprintf(stderr, "assay-refdevice: --ports %s: "
				    "kernel or standard\n", optarg);
				goto out;
			}
			break;
		case 'f':
			rd->foreground = 1;
			break;
		case 'g':
			rd->gateway = 1;
			break;
		case 'i':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    v < 1 || v > 3600) {
				fprintf(stderr, "assay-refdevice: "
				    "--client-interval %s: seconds, 1 to "
				    "3600\n", optarg);
				goto out;
			}
			rd->client_interval = (int)v;
			break;
		case 'F':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || v < 1 ||
			    v > 100000 || (*end != '\0' && *end != ':')) {
				fprintf(stderr, "assay-refdevice: --fragile %s: "
				    "RATE[:SECONDS], RATE 1 to 100000\n", optarg);
				goto out;
			}
			rd->fragile_rate = (int)v;
			if (*end == ':') {
				const char *ds = end + 1;

				errno = 0;
				v = strtol(ds, &end, 10);
				if (errno != 0 || end == ds || *end != '\0' ||
				    v < 1 || v > 3600) {
					fprintf(stderr, "assay-refdevice: "
					    "--fragile %s: SECONDS 1 to 3600\n",
					    optarg);
					goto out;
				}
				rd->fragile_down_s = (int)v;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			r = 0;
			goto out;
		default:
			fputs(usage_text, stderr);
			goto out;
		}
	}
	if (optind != argc || persona == NULL || dirarg == NULL) {
		fputs(usage_text, stderr);
		goto out;
	}
	if (strcmp(persona, "conforming") == 0)
		rd->persona = RD_PERSONA_CONFORMING;
	else if (strcmp(persona, "weak") == 0)
		rd->persona = RD_PERSONA_WEAK;
	else {
		fprintf(stderr, "assay-refdevice: --persona %s: conforming "
		    "or weak\n", persona);
		goto out;
	}
	/*
	 * The weak client checks every second; the conforming one every 2 s,
	 * its back-off (up to six intervals) long enough to see in a 12 s
	 * outage.
	 */
	if (rd->client_interval == 0)
		rd->client_interval = rd->persona == RD_PERSONA_WEAK ? 1 : 2;
	if (rd->gateway) {
		if (address_set || (ports_set && !rd->standard_ports)) {
			fprintf(stderr, "assay-refdevice: --gateway sets the "
			    "address (" RD_DEV_ADDR ") and standard ports\n");
			goto out;
		}
		/* Never change the network of the host itself. */
		if (!rd_gateway_allowed(why, sizeof(why))) {
			fprintf(stderr, "assay-refdevice: --gateway refused: "
			    "%s; run it inside a network namespace of your "
			    "own, e.g. `unshare -rn`\n", why);
			goto out;
		}
		rd->standard_ports = 1;
		snprintf(rd->address, sizeof(rd->address), RD_DEV_ADDR);
	}
	if (real_path("/proc/self/exe", rd->self, sizeof(rd->self)) == -1)
		snprintf(rd->self, sizeof(rd->self), "%s", argv[0]);

	/*
	 * Signals are taken synchronously with sigtimedwait; children get
	 * them back unblocked before exec.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!rd->foreground) {
		/*
		 * Detach: the launcher waits on a pipe for "ready" or
		 * failure, then exits with that status.
		 */
		if (pipe2(pipefd, O_CLOEXEC) == -1) {
			r = ASSAY_ERR_IO;
			goto out;
		}
		fflush(NULL);
		if ((parent = fork()) == -1) {
			r = ASSAY_ERR_IO;
			goto out;
		}
		if (parent != 0) {
			close(pipefd[1]);
			if (read(pipefd[0], &status, 1) != 1)
				status = 1;
			free(rd);
			return status;
		}
		close(pipefd[0]);
		pipefd[0] = -1;
		setsid();
	} else {
		parent = getppid();
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent) {
			r = ASSAY_ERR_INTERRUPTED;
			goto out;
		}
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	if ((r = prepare_dir(rd, dirarg)) != 0 ||
	    (rd->gateway && (r = rd_gateway_up(rd)) != 0) ||
	    (r = make_credentials(rd)) != 0 ||
	    (r = choose_ports(rd)) != 0 ||
	    (r = rd_setup_prepare(rd)) != 0 ||
	    (r = rd_firmware_write(rd)) != 0)
		goto out;
	if ((r = rd_setup_start(rd)) != 0) {
		fprintf(stderr, "assay-refdevice: starting services failed\n");
		goto out;
	}
	if ((r = wait_ready(rd, &set)) != 0)
		goto out;
	if ((r = rd_setup_seed(rd)) != 0)
		goto out;
	if ((r = rd_forms_write(rd)) != 0)
		goto out;
	if (rd_path(pidfile, sizeof(pidfile), "%s/refdevice.pid",
	    rd->dir) == 0) {
		len = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
		rd_write_file(pidfile, line, (size_t)len, 0644);
	}
	if (rd->ssh_skipped)
		printf("note: ssh not offered: %s\n", rd->ssh_skip_reason);
	if (rd->gateway)
		printf("gateway: " RD_GW_IF " " RD_GW_ADDR "\n"
		    "device: " RD_DEV_ADDR "\n");
	printf("ics: %s/ics.xml\nixit: %s/ixit.xml\nsetup: %s/setup.xml\n"
	    "ready\n", rd->dir, rd->dir, rd->dir);
	fflush(stdout);
	if (pipefd[1] != -1) {
		status = 0;
		if (write(pipefd[1], &status, 1) != 1)
			goto out;
		close(pipefd[1]);
		pipefd[1] = -1;
		/* Detached: stdout/stderr go to the device log from now on. */
		ch = rd_path(pidfile, sizeof(pidfile), "%s/log/refdevice.log",
		    rd->dir) != 0 ? -1 : open(pidfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0600);
		if (ch != -1) {
			dup2(ch, 1);
			dup2(ch, 2);
			close(ch);
		}
	}

	for (;;) {
		if ((sig = sigwaitinfo(&set, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			r = ASSAY_ERR_INTERNAL;
			break;
		}
		if (sig == SIGCHLD) {
			if ((dead = reap(rd)) != -1) {
				report_dead(rd, dead);
				r = ASSAY_ERR_NETWORK;
				break;
			}
			continue;
		}
		fprintf(stderr, "assay-refdevice: signal %d, stopping\n", sig);
		r = 0;
		break;
	}
 out:
	stop_all(rd);
	rd_gateway_down(rd);
	if (pipefd[1] != -1) {
		status = 1;
		if (write(pipefd[1], &status, 1) != 1)
			r = r == 0 ? ASSAY_ERR_IO : r;
		close(pipefd[1]);
	}
	if (rd->dir[0] != '\0' && rd_path(pidfile, sizeof(pidfile),
	    "%s/refdevice.pid", rd->dir) == 0)
		unlink(pidfile);
	if (r != 0 && r != ASSAY_ERR_USAGE && r != ASSAY_ERR_INTERRUPTED)
		fprintf(stderr, "assay-refdevice: %s\n", assay_strerror(r));
	explicit_bzero(rd, sizeof(*rd));
	free(rd);
	return r == 0 ? 0 : (r == ASSAY_ERR_USAGE ? 2 : 1);
}
