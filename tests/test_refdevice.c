/*
 * test_refdevice.c - end-to-end test of assay-refdevice: each persona
 * comes up, every declared service answers, nothing listens that the IXIT
 * does not declare (except the weak persona's debug port, which must be
 * undeclared), the weak telnet takes the Mirai pair, the forms are
 * well-formed and complete, the conforming persona's web and SSH passwords
 * can be changed as its IXIT says, each persona's firmware image is
 * declared with its digest and holds (weak) or lacks (conforming) the
 * secrets its forms say, and no process survives SIGTERM or the death of
 * the device's parent.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <crypt.h>
#include <libssh/libssh.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/diag.h"
#include "forms/forms.h"
#include "testutil.h"

#define REFDEVICE	ASSAY_BINARY_DIR "/assay-refdevice"
#define START_MS	30000
#define MAX_SVC		16
#define MAX_PORTS	64

struct svc {
	char	id[32];
	char	transport[8];
	int	port;
};

struct device {
	char		*dir;
	pid_t		 pid;		/* refdevice, or the fake parent */
	char		*ixit;
	char		*setup;		/* the lab set-up file it wrote */
	struct svc	 svc[MAX_SVC];
	int		 nsvc;
};

/* The running test's device, for teardown after a failed assertion. */
static struct device *current;

/* Lab servers a gateway case started (killed by cleanup too). */
static pid_t helpers[8];
static int nhelpers;

/* What the device printed up to "ready". */
static char ready_text[4096];

static int
have_servers(const char *persona)
{
	static const char *common[] = { "lighttpd", "mosquitto", "openssl",
	    NULL };
	static const char *weak[] = { "busybox", "coap-server-notls", "socat",
	    NULL };
	size_t i;

	if (access(REFDEVICE, X_OK) != 0) {
		fprintf(stderr, "skip: %s not built\n", REFDEVICE);
		return 0;
	}
	for (i = 0; common[i] != NULL; i++)
		if (!tu_have(common[i])) {
			fprintf(stderr, "skip: %s not installed\n", common[i]);
			return 0;
		}
	if (strcmp(persona, "weak") == 0)
		for (i = 0; weak[i] != NULL; i++)
			if (!tu_have(weak[i])) {
				fprintf(stderr, "skip: %s not installed\n",
				    weak[i]);
				return 0;
			}
	return 1;
}

/* Reads fd until "ready\n" arrives; 0 on success. */
static int
wait_ready_line(int fd)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	long long end = tu_now_ms() + START_MS;
	struct pollfd pfd = { fd, POLLIN, 0 };

	while (tu_now_ms() < end && len < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\nready\n") != NULL ||
		    strncmp(buf, "ready\n", 6) == 0) {
			memcpy(ready_text, buf, len + 1);
			return 0;
		}
	}
	buf[len] = '\0';
	fprintf(stderr, "refdevice output: %s\n", buf);
	return -1;
}

/*
 * Starts the device.  mode 0: --foreground child of the test; mode 1:
 * detached (default mode); mode 2: --foreground under an intermediate
 * parent process (d->pid is that parent).
 */
static int
start(struct device *d, const char *persona, int mode)
{
	int pfd[2], st;
	pid_t pid;

	memset(d, 0, sizeof(*d));
	current = d;
	if ((d->dir = tu_mkdtemp("refdev")) == NULL || pipe(pfd) != 0)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		close(pfd[1]);
		if (mode == 2 && fork() != 0) {
			/* The fake parent: waits to be killed. */
			close(1);
			for (;;)
				pause();
		}
		execl(REFDEVICE, REFDEVICE, "--persona", persona, "--dir",
		    d->dir, mode == 1 ? "--ports=kernel" : "--foreground",
		    (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	d->pid = pid;
	st = wait_ready_line(pfd[0]);
	close(pfd[0]);
	if (mode == 1 && st == 0) {
		/* The launcher exits 0 once the detached device is ready. */
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			return -1;
		d->pid = 0;
		st = 0;
	}
	return st;
}

static void
parse_services(struct device *d)
{
	char path[512], *p;
	struct svc *s;

	snprintf(path, sizeof(path), "%s/ixit.xml", d->dir);
	d->ixit = tu_read_file(path, NULL);
	assert_non_null(d->ixit);
	snprintf(path, sizeof(path), "%s/setup.xml", d->dir);
	d->setup = tu_read_file(path, NULL);
	assert_non_null(d->setup);
	for (p = d->ixit; (p = strstr(p, "<service ")) != NULL; p++) {
		assert_true(d->nsvc < MAX_SVC);
		s = &d->svc[d->nsvc++];
		assert_int_equal(sscanf(p, "<service id=\"%31[^\"]\" protocol=\"%*[^\"]\" "
		    "transport=\"%7[^\"]\" port=\"%d\"", s->id, s->transport,
		    &s->port), 3);
	}
	assert_true(d->nsvc > 0);
}

static const char *
password_of(const struct device *d, const char *cred, char *out, size_t n)
{
	char key[96];
	const char *p, *q;

	snprintf(key, sizeof(key), "<credential id=\"%s\"", cred);
	if ((p = strstr(d->setup, key)) == NULL ||
	    (p = strstr(p, "<password>")) == NULL)
		return NULL;
	p += strlen("<password>");
	if ((q = strchr(p, '<')) == NULL || (size_t)(q - p) >= n)
		return NULL;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return out;
}

static int
declared_port(const struct device *d, const char *transport, int port)
{
	int i;

	for (i = 0; i < d->nsvc; i++)
		if (d->svc[i].port == port &&
		    strcmp(d->svc[i].transport, transport) == 0)
			return 1;
	return 0;
}

/* Pids of processes whose environment names the device directory. */
static int
device_pids(const char *dir, pid_t *out, int max)
{
	static char env[65536];
	char path[300], key[600];
	struct dirent *de;
	size_t len, klen, i;
	DIR *pd;
	FILE *f;
	int n = 0;

	snprintf(key, sizeof(key), "ASSAY_REFDEVICE_DIR=%s", dir);
	klen = strlen(key) + 1;		/* with its NUL */
	if ((pd = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(pd)) != NULL && n < max) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/environ", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		len = fread(env, 1, sizeof(env) - 1, f);
		fclose(f);
		env[len] = '\0';
		for (i = 0; i < len; i += strlen(env + i) + 1) {
			if (i + klen <= len + 1 &&
			    memcmp(env + i, key, klen) == 0) {
				out[n++] = (pid_t)atoi(de->d_name);
				break;
			}
		}
	}
	closedir(pd);
	return n;
}

/* Waits up to timeout_ms until no process of the device remains. */
static int
no_leftovers(const char *dir, int timeout_ms)
{
	pid_t pids[64];
	long long end = tu_now_ms() + timeout_ms;
	int n;

	do {
		if ((n = device_pids(dir, pids, 64)) == 0)
			return 1;
		usleep(50 * 1000);
	} while (tu_now_ms() < end);
	fprintf(stderr, "%d device process(es) left, first pid %ld\n", n,
	    (long)pids[0]);
	return 0;
}

/* Listening ports (tcp LISTEN, udp bound) owned by the device's processes. */
static int
listening_ports(const char *dir, const char *proto, int *ports, int max)
{
	char path[300], link[128], line[512], inodes[4096] = " ";
	pid_t pids[64];
	struct dirent *de;
	DIR *fd;
	FILE *f;
	unsigned int lport, st;
	unsigned long ino;
	int np, i, n = 0, j, dup;

	np = device_pids(dir, pids, 64);
	for (i = 0; i < np; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pids[i]);
		if ((fd = opendir(path)) == NULL)
			continue;
		while ((de = readdir(fd)) != NULL) {
			char lp[600];
			ssize_t l;

			snprintf(lp, sizeof(lp), "%s/%s", path, de->d_name);
			if ((l = readlink(lp, link, sizeof(link) - 1)) <= 0)
				continue;
			link[l] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) == 1 &&
			    strlen(inodes) + 24 < sizeof(inodes))
				snprintf(inodes + strlen(inodes),
				    sizeof(inodes) - strlen(inodes), "%lu ", ino);
		}
		closedir(fd);
	}
	snprintf(path, sizeof(path), "/proc/net/%s", proto);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		char needle[32];

		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x %*x:%*x %*x:%*x %*x "
		    "%*d %*d %lu", &lport, &st, &ino) != 3)
			continue;
		if (strcmp(proto, "tcp") == 0 && st != 0x0a)
			continue;
		if (strcmp(proto, "udp") == 0 && st != 0x07)
			continue;
		snprintf(needle, sizeof(needle), " %lu ", ino);
		if (strstr(inodes, needle) == NULL)
			continue;
		for (dup = 0, j = 0; j < n; j++)
			dup |= ports[j] == (int)lport;
		if (!dup && n < max)
			ports[n++] = (int)lport;
	}
	fclose(f);
	return n;
}

static int
tcp_connect(int port)
{
	struct sockaddr_in sa;
	struct timeval tv = { 3, 0 };
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
coap_answers(int port)
{
	static const unsigned char req[] = { 0x40, 0x01, 0x12, 0x34, 0xbb,
	    '.', 'w', 'e', 'l', 'l', '-', 'k', 'n', 'o', 'w', 'n', 0x04, 'c',
	    'o', 'r', 'e' };
	unsigned char rep[1024];
	struct sockaddr_in sa;
	struct timeval tv = { 2, 0 };
	int fd, ok = 0;
	ssize_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    send(fd, req, sizeof(req), 0) == (ssize_t)sizeof(req) &&
	    (n = recv(fd, rep, sizeof(rep) - 1, 0)) > 4) {
		rep[n] = '\0';
		/* 2.05 Content, our message id, a link to a resource */
		ok = rep[1] == 0x45 && rep[2] == 0x12 && rep[3] == 0x34 &&
		    memmem(rep, (size_t)n, "</", 2) != NULL;
	}
	close(fd);
	return ok;
}

static void
check_services_answer(const struct device *d)
{
	int i, fd;

	for (i = 0; i < d->nsvc; i++) {
		if (strcmp(d->svc[i].transport, "udp") == 0) {
			assert_true(coap_answers(d->svc[i].port));
			continue;
		}
		fd = tcp_connect(d->svc[i].port);
		if (fd < 0)
			fprintf(stderr, "service %s port %d does not answer\n",
			    d->svc[i].id, d->svc[i].port);
		assert_true(fd >= 0);
		close(fd);
	}
}

/*
 * Every listening socket of the device is declared, except exactly the
 * ports returned in undeclared[].
 */
static int
undeclared_ports(const struct device *d, int *undeclared, int max)
{
	int ports[MAX_PORTS], n, i, u = 0;

	n = listening_ports(d->dir, "tcp", ports, MAX_PORTS);
	assert_true(n > 0);
	for (i = 0; i < n; i++)
		if (!declared_port(d, "tcp", ports[i]) && u < max)
			undeclared[u++] = ports[i];
	n = listening_ports(d->dir, "udp", ports, MAX_PORTS);
	for (i = 0; i < n; i++)
		if (!declared_port(d, "udp", ports[i]) && u < max)
			undeclared[u++] = -ports[i];
	return u;
}

/* Counts occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* Field names of an IXIT item per the csv: "; name (...)" pieces. */
static int
field_allowed(const char *csv, const char *item, const char *name)
{
	char key[64], piece[512];
	const char *p, *q, *end;
	size_t len;
	int quoted, col;

	snprintf(key, sizeof(key), "\n%s,", item);
	if ((p = strstr(csv, key)) == NULL)
		return 0;
	p += strlen(key);
	/* skip name and purpose columns to reach fields */
	for (col = 0; col < 2; col++) {
		quoted = *p == '"';
		if (quoted) {
			for (p++; *p != '\0' && !(*p == '"' && p[1] != '"'); p++)
				if (*p == '"')
					p++;
			p++;
		} else
			while (*p != ',' && *p != '\0')
				p++;
		p++;
	}
	quoted = *p == '"';
	if (quoted)
		p++;
	for (end = p; *end != '\0'; end++)
		if (quoted ? *end == '"' : *end == ',')
			break;
	while (p < end) {
		for (q = p; q < end && *q != ';'; q++)
			;
		len = (size_t)(q - p);
		if (len >= sizeof(piece))
			len = sizeof(piece) - 1;
		memcpy(piece, p, len);
		piece[len] = '\0';
		if (strchr(piece, '(') != NULL)
			*strchr(piece, '(') = '\0';
		while (len > 0 && isspace((unsigned char)piece[strlen(piece) - 1]))
			piece[strlen(piece) - 1] = '\0';
		{
			char *s = piece;

			while (isspace((unsigned char)*s))
				s++;
			if (strcasecmp(s, name) == 0)
				return 1;
		}
		p = q + 1;
	}
	return 0;
}

/*
 * The three files pass Assay's own loader: facts allowed per item and
 * consistent, the ICS conditions agree with the facts, every set-up
 * service is an IXIT service.  Warnings (facts left out) are allowed.
 */
static void
check_loader(const struct device *d)
{
	struct assay_forms *f = NULL;
	struct assay_diag *dg;
	char ics[512], ixit[512], setup[512];
	int r;

	snprintf(ics, sizeof(ics), "%s/ics.xml", d->dir);
	snprintf(ixit, sizeof(ixit), "%s/ixit.xml", d->dir);
	snprintf(setup, sizeof(setup), "%s/setup.xml", d->dir);
	assert_non_null(dg = assay_diag_new());
	r = assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, setup, &f, dg);
	if (r != 0)
		assay_diag_print(dg, stderr);
	assert_int_equal(r, 0);
	assert_int_equal(assay_diag_nerrors(dg), 0);
	assert_true(assay_forms_ncredentials(f) >= 3);
	assert_true(assay_forms_naddresses(f) == 1);
	assay_forms_free(f);
	assay_diag_free(dg);
}

static void
check_forms(const struct device *d)
{
	char cmd[1200], item[64], name[512], *out = NULL, *csv;
	const char *p, *ie, *f;
	int st;

	if (tu_have("xmllint")) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout %s/ics.xml "
		    "%s/ixit.xml", d->dir, d->dir);
		st = tu_run(cmd, &out);
		if (st != 0)
			fprintf(stderr, "%s\n", out ? out : "");
		free(out);
		assert_int_equal(st, 0);
	}
	/* Against the schemas too, once they are in the tree. */
	if (tu_have("xmllint") && access(tu_src("ics/ics.xsd"), R_OK) == 0 &&
	    access(tu_src("ixit/ixit.xsd"), R_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s "
		    "%s/ics.xml", tu_src("ics/ics.xsd"), d->dir);
		st = tu_run(cmd, &out);
		if (st != 0)
			fprintf(stderr, "%s\n", out ? out : "");
		free(out);
		assert_int_equal(st, 0);
		snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s "
		    "%s/ixit.xml", tu_src("ixit/ixit.xsd"), d->dir);
		st = tu_run(cmd, &out);
		if (st != 0)
			fprintf(stderr, "%s\n", out ? out : "");
		free(out);
		assert_int_equal(st, 0);
		snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s "
		    "%s/setup.xml", tu_src("setup/setup.xsd"), d->dir);
		st = tu_run(cmd, &out);
		if (st != 0)
			fprintf(stderr, "%s\n", out ? out : "");
		free(out);
		assert_int_equal(st, 0);
	}
	check_loader(d);
	snprintf(cmd, sizeof(cmd), "%s/ics.xml", d->dir);
	out = tu_read_file(cmd, NULL);
	assert_non_null(out);
	assert_int_equal(count(out, "<provision "), 68);
	assert_int_equal(count(out, "<condition "), 13);
	free(out);

	assert_int_equal(count(d->ixit, "<item id="), 29);
	csv = tu_read_file(tu_src("spec/ts103701_v1.1.1_ixit.csv"), NULL);
	assert_non_null(csv);
	/* every field name belongs to its item */
	for (p = d->ixit; (p = strstr(p, "<item id=\"")) != NULL; p = ie) {
		assert_int_equal(sscanf(p, "<item id=\"%63[^\"]\"", item), 1);
		if ((ie = strstr(p + 1, "<item id=\"")) == NULL)
			ie = p + strlen(p);
		for (f = p; (f = strstr(f, "<field name=\"")) != NULL &&
		    f < ie; f++) {
			assert_int_equal(sscanf(f, "<field name=\"%511[^\"]\"",
			    name), 1);
			if (!field_allowed(csv, item, name))
				fprintf(stderr, "item %s: unknown field \"%s\"\n",
				    item, name);
			assert_true(field_allowed(csv, item, name));
		}
	}
	free(csv);
}

static int
svc_port(const struct device *d, const char *id)
{
	int i;

	for (i = 0; i < d->nsvc; i++)
		if (strcmp(d->svc[i].id, id) == 0)
			return d->svc[i].port;
	return 0;
}

/*
 * curl to the device's HTTPS port (HTTP/1.1): the HTTP status, or -1 when
 * curl got none; the body in *body (malloc'd) when body is not NULL.
 */
static int
https_status(const struct device *d, int port, const char *args,
    const char *path, char **body)
{
	char cmd[1600], *out = NULL, *nl;
	int code = -1;

	snprintf(cmd, sizeof(cmd), "curl -s --http1.1 --cacert "
	    "%s/tls/server.pem -w '\\n%%{http_code}' %s "
	    "https://127.0.0.1:%d%s", d->dir, args, port, path);
	if (tu_run(cmd, &out) == 0 && out != NULL &&
	    (nl = strrchr(out, '\n')) != NULL) {
		code = atoi(nl + 1);
		*nl = '\0';
	}
	if (body != NULL)
		*body = out;
	else
		free(out);
	return code;
}

/*
 * The web password changes through POST /api/change-password.cgi (login
 * required, 12 characters or more, form-decoded), at once: the old
 * password is refused on the next request, the new one accepted.
 */
static void
check_web_password_change(const struct device *d, int port, const char *pass)
{
	/* sent as Neu+Pass%2Bw%C3%A9%21x%26y: + and %XX decoded */
	static const char fresh[] = "Neu Pass+w\xc3\xa9!x&y";
	char args[512], path[512], *body = NULL, *htp;
	struct stat st;

	assert_int_equal(https_status(d, port, "-d password=Long-enough-123",
	    "/api/change-password.cgi", NULL), 401);
	snprintf(args, sizeof(args), "-u admin:%s", pass);
	assert_int_equal(https_status(d, port, args,
	    "/api/change-password.cgi", NULL), 405);
	/* 10 characters: refused, with a JSON reason; nothing changes */
	snprintf(args, sizeof(args), "-u admin:%s -d password=short%%2B1234",
	    pass);
	assert_int_equal(https_status(d, port, args,
	    "/api/change-password.cgi", &body), 400);
	assert_non_null(strstr(body, "\"changed\":false"));
	assert_non_null(strstr(body, "\"error\""));
	free(body);
	snprintf(args, sizeof(args), "-u admin:%s", pass);
	assert_int_equal(https_status(d, port, args, "/admin/", NULL), 200);

	snprintf(args, sizeof(args), "-u admin:%s -d "
	    "'password=Neu+Pass%%2Bw%%C3%%A9%%21x%%26y'", pass);
	assert_int_equal(https_status(d, port, args,
	    "/api/change-password.cgi", &body), 200);
	assert_non_null(strstr(body, "{\"changed\":true}"));
	free(body);
	/* the old password is refused, the new one works */
	snprintf(args, sizeof(args), "-u admin:%s", pass);
	assert_int_equal(https_status(d, port, args, "/admin/", NULL), 401);
	snprintf(args, sizeof(args), "-u 'admin:%s'", fresh);
	assert_int_equal(https_status(d, port, args, "/admin/", NULL), 200);
	/* still one SHA-512 crypt line, owner-only */
	snprintf(path, sizeof(path), "%s/etc/htpasswd", d->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_non_null(htp = tu_read_file(path, NULL));
	assert_int_equal(strncmp(htp, "admin:$6$", 9), 0);
	assert_int_equal(count(htp, "\n"), 1);
	free(htp);
	/* a too short one after the change leaves the new password */
	snprintf(args, sizeof(args), "-u 'admin:%s' -d password=abc", fresh);
	assert_int_equal(https_status(d, port, args,
	    "/api/change-password.cgi", NULL), 400);
	snprintf(args, sizeof(args), "-u 'admin:%s'", fresh);
	assert_int_equal(https_status(d, port, args, "/admin/", NULL), 200);
}

/*
 * Logs in to 127.0.0.1:port over SSH with a password (libssh) and runs
 * cmd in the device shell.  Returns cmd's exit status with its output in
 * out, -1 when the password is refused, -2 on any other failure.
 */
static int
ssh_password_run(int port, const char *user, const char *pass,
    const char *cmd, char *out, size_t cap)
{
	ssh_session s;
	ssh_channel ch = NULL;
	long tmo = 10;
	int verbosity = SSH_LOG_NOLOG, no = 0, r = -2, n, rc;
	size_t len = 0;

	out[0] = '\0';
	if ((s = ssh_new()) == NULL)
		return -2;
	if (ssh_options_set(s, SSH_OPTIONS_HOST, "127.0.0.1") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &tmo) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0)
		goto out;
	if (ssh_connect(s) != SSH_OK) {
		fprintf(stderr, "ssh connect: %s\n", ssh_get_error(s));
		goto out;
	}
	if ((rc = ssh_userauth_password(s, NULL, pass)) != SSH_AUTH_SUCCESS) {
		r = rc == SSH_AUTH_DENIED ? -1 : -2;
		goto disconnect;
	}
	if ((ch = ssh_channel_new(s)) == NULL ||
	    ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK)
		goto disconnect;
	while (len + 1 < cap && (n = ssh_channel_read_timeout(ch, out + len,
	    (uint32_t)(cap - 1 - len), 0, 10000)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	ssh_channel_send_eof(ch);
	r = ssh_channel_get_exit_status(ch);
	ssh_channel_close(ch);
 disconnect:
	if (ch != NULL)
		ssh_channel_free(ch);
	ssh_disconnect(s);
 out:
	ssh_free(s);
	return r;
}

/*
 * The SSH password changes with `passwd NEW` in the device shell: written
 * over DIR/ssh/shadow in place (same inode, it is bind-mounted over
 * /etc/shadow for dropbear); the next login takes the new password only.
 */
static void
check_ssh_password_change(const struct device *d)
{
	static const char fresh[] = "Fresh ssh pw 2026";
	char pass[64], cmd[128], out[1024], path[512];
	struct stat before, after;
	int port = svc_port(d, "ssh");

	if (port == 0) {
		fprintf(stderr, "skip: SSH is not offered on this machine "
		    "(no namespace for its account): passwd not tested\n");
		return;
	}
	assert_non_null(password_of(d, "ssh-admin", pass, sizeof(pass)));
	snprintf(path, sizeof(path), "%s/ssh/shadow", d->dir);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(ssh_password_run(port, "admin", pass, "help", out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out, "passwd"));
	/* too short: refused, the lab password still works */
	assert_int_equal(ssh_password_run(port, "admin", pass,
	    "passwd short-pw", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "at least 12"));
	snprintf(cmd, sizeof(cmd), "passwd %s", fresh);
	assert_int_equal(ssh_password_run(port, "admin", pass, cmd, out,
	    sizeof(out)), 0);
	assert_non_null(strstr(out, "password updated"));
	assert_int_equal(stat(path, &after), 0);
	assert_true(after.st_ino == before.st_ino);
	assert_int_equal(after.st_mode & 0777, 0600);
	/* a new login: the new password works, the old one fails */
	assert_int_equal(ssh_password_run(port, "admin", fresh, "version",
	    out, sizeof(out)), 0);
	assert_non_null(strstr(out, "firmware"));
	assert_int_equal(ssh_password_run(port, "admin", pass, "version",
	    out, sizeof(out)), -1);
}

static void
stop(struct device *d, int sig)
{
	int st;

	if (d->pid > 0) {
		kill(d->pid, sig);
		waitpid(d->pid, &st, 0);
	}
}

static void
cleanup(struct device *d)
{
	char path[512], *pidtxt;
	pid_t pids[64];
	int n, i;

	current = NULL;
	for (i = 0; i < nhelpers; i++) {
		kill(helpers[i], SIGKILL);
		waitpid(helpers[i], NULL, 0);
	}
	nhelpers = 0;
	if (d->dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/refdevice.pid", d->dir);
	if ((pidtxt = tu_read_file(path, NULL)) != NULL) {
		if (atol(pidtxt) > 1)
			kill((pid_t)atol(pidtxt), SIGKILL);
		free(pidtxt);
	}
	if (d->pid > 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, 0);
	}

	/* Belt and braces: never leave servers behind a failed test. */
	n = device_pids(d->dir, pids, 64);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	tu_rmrf(d->dir);
	free(d->dir);
	free(d->ixit);
	free(d->setup);
	d->dir = NULL;
	d->ixit = NULL;
	d->setup = NULL;
}

/* Runs after each test, also after a failed assertion. */
static int
teardown(void **state)
{
	(void)state;
	if (current != NULL)
		cleanup(current);
	return 0;
}

/* Telnet: refuse every option, collect text until want appears. */
static int
telnet_expect(int fd, const char *want, char *text, size_t cap)
{
	unsigned char buf[512], reply[3];
	size_t len = 0;
	ssize_t n, i;
	long long end = tu_now_ms() + 5000;

	text[0] = '\0';
	while (tu_now_ms() < end) {
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (buf[i] == 255 && i + 2 < n && buf[i + 1] >= 251) {
				reply[0] = 255;
				reply[1] = buf[i + 1] == 253 || buf[i + 1] == 254 ?
				    252 : 254;
				reply[2] = buf[i + 2];
				if (write(fd, reply, 3) != 3)
					return -1;
				i += 2;
			} else if (len + 1 < cap)
				text[len++] = (char)buf[i];
		}
		text[len] = '\0';
		if (strstr(text, want) != NULL)
			return 0;
	}
	return -1;
}

static void
check_telnet_mirai(const struct device *d)
{
	char text[4096];
	int fd, port = 0, i;

	for (i = 0; i < d->nsvc; i++)
		if (strcmp(d->svc[i].id, "telnet") == 0)
			port = d->svc[i].port;
	assert_true(port > 0);
	/* a wrong password first, then the Mirai pair root/xc3511 */
	assert_true((fd = tcp_connect(port)) >= 0);
	assert_int_equal(telnet_expect(fd, "login: ", text, sizeof(text)), 0);
	assert_int_equal(write(fd, "root\r\n", 6), 6);
	assert_int_equal(telnet_expect(fd, "Password: ", text, sizeof(text)), 0);
	assert_int_equal(write(fd, "vizxv\r\n", 7), 7);
	assert_int_equal(telnet_expect(fd, "login: ", text, sizeof(text)), 0);
	assert_non_null(strstr(text, "Login incorrect"));
	assert_int_equal(write(fd, "root\r\n", 6), 6);
	assert_int_equal(telnet_expect(fd, "Password: ", text, sizeof(text)), 0);
	assert_int_equal(write(fd, "xc3511\r\n", 8), 8);
	assert_int_equal(telnet_expect(fd, "# ", text, sizeof(text)), 0);
	assert_non_null(strstr(text, "BusyBox"));
	assert_int_equal(write(fd, "version\r\n", 9), 9);
	assert_int_equal(telnet_expect(fd, "firmware", text, sizeof(text)), 0);
	close(fd);
}

static void
test_weak(void **state)
{
	static struct device d;
	char text[512];
	int und[8], n, fd;
	ssize_t r;

	(void)state;
	if (!have_servers("weak"))
		skip();
	assert_int_equal(start(&d, "weak", 0), 0);
	parse_services(&d);
	check_forms(&d);
	check_services_answer(&d);
	check_telnet_mirai(&d);
	assert_non_null(strstr(d.setup, "<password>admin</password>"));
	assert_null(strstr(d.ixit, "<password>"));
	/* exactly one undeclared port: the debug banner leaking a key */
	n = undeclared_ports(&d, und, 8);
	assert_int_equal(n, 1);
	assert_true(und[0] > 0);
	assert_true((fd = tcp_connect(und[0])) >= 0);
	r = read(fd, text, sizeof(text) - 1);
	close(fd);
	assert_true(r > 0);
	text[r] = '\0';
	assert_non_null(strstr(text, "devkey="));
	stop(&d, SIGTERM);
	assert_true(no_leftovers(d.dir, 5000));
	cleanup(&d);
}

static void
test_conforming_detached(void **state)
{
	static struct device d;
	char cmd[1400], pass[64], path[512], *out = NULL, *pidtxt;
	int und[8], n, st;
	long pid;

	(void)state;
	if (!have_servers("conforming"))
		skip();
	assert_int_equal(start(&d, "conforming", 1), 0);
	parse_services(&d);
	check_forms(&d);
	check_services_answer(&d);
	n = undeclared_ports(&d, und, 8);
	if (n != 0)
		fprintf(stderr, "undeclared port %d\n", und[0]);
	assert_int_equal(n, 0);
	assert_non_null(password_of(&d, "web-admin", pass, sizeof(pass)));
	assert_int_equal(strlen(pass), 20);
	assert_null(strstr(d.ixit, "protocol=\"telnet\""));
	if (tu_have("curl")) {
		int port = 0, i;

		for (i = 0; i < d.nsvc; i++)
			if (strcmp(d.svc[i].id, "web") == 0)
				port = d.svc[i].port;
		/* TLS 1.1 refused, TLS 1.2 accepted, login required */
		snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -w '%%{http_code}' "
		    "--cacert %s/tls/server.pem https://127.0.0.1:%d/admin/",
		    d.dir, port);
		assert_int_equal(tu_run(cmd, &out), 0);
		assert_string_equal(out, "401");
		free(out);
		snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -w '%%{http_code}' "
		    "--cacert %s/tls/server.pem -u admin:%s "
		    "https://127.0.0.1:%d/admin/", d.dir, pass, port);
		assert_int_equal(tu_run(cmd, &out), 0);
		assert_string_equal(out, "200");
		free(out);
		snprintf(cmd, sizeof(cmd), "curl -s --tls-max 1.1 "
		    "--cacert %s/tls/server.pem https://127.0.0.1:%d/",
		    d.dir, port);
		assert_int_not_equal(tu_run(cmd, &out), 0);
		free(out);
		snprintf(cmd, sizeof(cmd), "curl -sf --cacert %s/tls/server.pem "
		    "https://127.0.0.1:%d/.well-known/security.txt", d.dir, port);
		assert_int_equal(tu_run(cmd, &out), 0);
		assert_non_null(strstr(out, "Contact:"));
		free(out);
		/* the published key verifies the published signature */
		snprintf(cmd, sizeof(cmd), "cd %s/www/update && openssl pkeyutl "
		    "-verify -rawin -pubin -inkey signing-key.pem -in "
		    "firmware-1.4.2.statement -sigfile firmware-1.4.2.sig", d.dir);
		st = tu_run(cmd, &out);
		assert_int_equal(st, 0);
		free(out);
		check_web_password_change(&d, port, pass);
	} else
		fprintf(stderr, "skip: curl not installed: web password "
		    "change not tested\n");
	check_ssh_password_change(&d);
	snprintf(path, sizeof(path), "%s/refdevice.pid", d.dir);
	assert_non_null(pidtxt = tu_read_file(path, NULL));
	pid = atol(pidtxt);
	free(pidtxt);
	assert_true(pid > 1);
	assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
	assert_true(no_leftovers(d.dir, 5000));
	for (n = 0; n < 100 && kill((pid_t)pid, 0) == 0; n++)
		usleep(50 * 1000);
	assert_int_equal(kill((pid_t)pid, 0), -1);
	assert_null(tu_read_file(path, NULL));	/* pid file removed */
	cleanup(&d);
}

static void
test_parent_killed(void **state)
{
	static struct device d;

	(void)state;
	if (!have_servers("weak"))
		skip();
	assert_int_equal(start(&d, "weak", 2), 0);
	parse_services(&d);
	assert_true(no_leftovers(d.dir, 10) == 0);
	/* SIGKILL the device's parent: PR_SET_PDEATHSIG stops the device */
	stop(&d, SIGKILL);
	assert_true(no_leftovers(d.dir, 5000));
	cleanup(&d);
}

/*
 * The integrator's set-up: device and Assay in a fresh network namespace,
 * well-known ports.  The conforming persona also exercises the SSH account
 * under `unshare -r`, where setgroups(2) is denied.
 */
static void
test_standard_ports_in_netns(void **state)
{
	static struct device d;
	char cmd[4096], sshpart[2048] = "", *out = NULL;
	int st, dbclient;

	(void)state;
	if (!have_servers("conforming"))
		skip();
	if (!tu_have("ip") || tu_run("unshare -rn true", NULL) != 0) {
		fprintf(stderr, "skip: cannot create a network namespace\n");
		skip();
	}
	memset(&d, 0, sizeof(d));
	current = &d;
	assert_non_null(d.dir = tu_mkdtemp("refdev"));
	/*
	 * `passwd NEW` where the session uid is mapped by a user namespace
	 * (setgroups is denied here): dbclient, inside the network namespace,
	 * takes the password from DROPBEAR_PASSWORD.
	 */
	if ((dbclient = tu_have("dbclient")) != 0)
		snprintf(sshpart, sizeof(sshpart),
		    "while [ ! -s %s/refdevice.pid ] && [ $i -lt 400 ]; do "
		    "kill -0 $p 2>/dev/null || exit 4; sleep 0.05; "
		    "i=$((i+1)); done; "
		    "old=$(grep -A2 id=.ssh-admin. %s/setup.xml | "
		    "sed -n \"s/.*<password>//p\" | cut -d \"<\" -f1); "
		    "mkdir -p %s/client; export HOME=%s/client; "
		    "DROPBEAR_PASSWORD=\"$old\" timeout 20 dbclient -y -y "
		    "admin@127.0.0.1 \"passwd Changed-in-netns-42\" "
		    "</dev/null 2>/dev/null; echo \" passwd=$?\"; "
		    "DROPBEAR_PASSWORD=Changed-in-netns-42 timeout 20 dbclient "
		    "-y -y admin@127.0.0.1 version </dev/null 2>/dev/null; "
		    "echo \" new=$?\"; "
		    "DROPBEAR_PASSWORD=\"$old\" timeout 20 dbclient -y -y "
		    "admin@127.0.0.1 version </dev/null 2>/dev/null; "
		    "echo \" old=$?\"; ", d.dir, d.dir, d.dir, d.dir);
	else
		fprintf(stderr, "skip: dbclient not installed: SSH passwd "
		    "under a user namespace not tested\n");
	snprintf(cmd, sizeof(cmd), "unshare -rn sh -c '"
	    "ip link set lo up || exit 3; "
	    "%s --persona conforming --dir %s --ports=standard --foreground "
	    ">/dev/null & p=$!; i=0; "
	    "while [ ! -f %s/ixit.xml ] && [ $i -lt 200 ]; do "
	    "kill -0 $p 2>/dev/null || exit 4; sleep 0.05; i=$((i+1)); done; "
	    "grep -o \" port=.[0-9]*.\" %s/ixit.xml | tr \"\\n\" \" \"; %s"
	    "kill $p; wait $p'", REFDEVICE, d.dir, d.dir, d.dir, sshpart);
	st = tu_run(cmd, &out);
	fprintf(stderr, "%s\n", out ? out : "");
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "port=\"80\""));
	assert_non_null(strstr(out, "port=\"443\""));
	assert_non_null(strstr(out, "port=\"8883\""));
	assert_non_null(strstr(out, "port=\"22\""));
	if (dbclient) {
		assert_non_null(strstr(out, "password updated"));
		assert_non_null(strstr(out, " passwd=0"));
		assert_non_null(strstr(out, " new=0"));
		assert_non_null(strstr(out, " old="));
		assert_null(strstr(out, " old=0"));
	}
	free(out);
	assert_true(no_leftovers(d.dir, 5000));
	cleanup(&d);
}

/* ---- gateway mode --------------------------------------------------------- */

#define GW_ADDR		"10.77.0.1"
#define DEV_ADDR	"10.77.0.2"

/*
 * 1 when this network namespace is one the device may take (the rule of
 * refdevice/gateway.c): not PID 1's, or where that cannot be read, one
 * with no interface but lo.
 */
static int
netns_private(void)
{
	char self[64], init[64], line[256], name[64];
	ssize_t a, b;
	FILE *f;
	int others = 0;

	if ((a = readlink("/proc/self/ns/net", self, sizeof(self) - 1)) <= 0)
		return 0;
	self[a] = '\0';
	if ((b = readlink("/proc/1/ns/net", init, sizeof(init) - 1)) > 0) {
		init[b] = '\0';
		return strcmp(self, init) != 0;
	}
	if ((f = fopen("/proc/self/net/dev", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strchr(line, ':') != NULL &&
		    sscanf(line, " %63[^:]:", name) == 1 &&
		    strcmp(name, "lo") != 0)
			others++;
	fclose(f);
	return others == 0;
}

static int
write_proc(const char *path, const char *text)
{
	int fd, ok;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * A network namespace of our own, as `unshare -rn` makes it (a user
 * namespace first, once per process; later calls only a fresh network
 * namespace), with lo up so that the lab's servers on 10.77.0.1 are
 * reachable from here too.  The gateway cases run last for that reason.
 */
static int
enter_own_netns(void)
{
	static int in_userns;
	char map[64];
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();

	if (!in_userns) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1)
			return -1;
		in_userns = 1;
		snprintf(map, sizeof(map), "0 %u 1\n", uid);
		if (write_proc("/proc/self/setgroups", "deny") == -1 ||
		    write_proc("/proc/self/uid_map", map) == -1)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1\n", gid);
		if (write_proc("/proc/self/gid_map", map) == -1)
			return -1;
	} else if (unshare(CLONE_NEWNET) == -1)
		return -1;
	return tu_run("ip link set lo up", NULL) == 0 ? 0 : -1;
}

static pid_t
helper(const char *cwd, const char *log, const char *const argv[])
{
	pid_t pid;
	int fd;

	assert_true(nhelpers < (int)(sizeof(helpers) / sizeof(helpers[0])));
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cwd != NULL && chdir(cwd) != 0)
			_exit(127);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, 0);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	helpers[nhelpers++] = pid;
	return pid;
}

static void
helper_stop(pid_t pid)
{
	int i;

	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	for (i = 0; i < nhelpers; i++)
		if (helpers[i] == pid)
			helpers[i] = helpers[--nhelpers];
}

/*
 * The lab's resolver on 10.77.0.1:53: every A query answered with
 * 10.77.0.1 (a child process, a UDP socket; test code, not Assay's).
 */
static pid_t
dns_answerer(void)
{
	static const unsigned char rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0,
	    60, 0, 4, 10, 77, 0, 1 };
	unsigned char q[512], a[600];
	struct sockaddr_in sin, from;
	socklen_t fl;
	ssize_t n;
	size_t end;
	pid_t pid;
	int fd;

	assert_true((pid = fork()) != -1);
	if (pid != 0) {
		helpers[nhelpers++] = pid;
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(53);
	inet_pton(AF_INET, GW_ADDR, &sin.sin_addr);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		_exit(1);
	for (;;) {
		fl = sizeof(from);
		if ((n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &fl)) < 17)
			continue;
		for (end = 12; end < (size_t)n && q[end] != 0 && q[end] < 64;
		    end += 1 + q[end])
			;
		if (end + 5 > (size_t)n)
			continue;
		end += 5;	/* root label, type, class */
		memcpy(a, q, end);
		a[2] = 0x81;	/* answer, RD */
		a[3] = 0x80;	/* RA, no error */
		a[6] = 0; a[7] = 1;
		memset(a + 8, 0, 4);
		memcpy(a + end, rr, sizeof(rr));
		sendto(fd, a, end + sizeof(rr), 0, (struct sockaddr *)&from, fl);
	}
}

/* Waits up to ms for want to appear in the file after offset from. */
static int
wait_file_text(const char *path, size_t from, const char *want, int ms)
{
	long long end = tu_now_ms() + ms;
	size_t len;
	char *text;
	int found;

	do {
		if ((text = tu_read_file(path, &len)) != NULL) {
			found = len > from && strstr(text + from, want) != NULL;
			free(text);
			if (found)
				return 1;
		}
		usleep(100 * 1000);
	} while (tu_now_ms() < end);
	return 0;
}

static size_t
file_len(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

/* The device's /api/version.cgi with the lab login (malloc'd body). */
/* *ver: what the device's version page says (the caller frees it). */
static void
device_version(const struct device *d, char **ver)
{
	char cmd[600], pass[64];

	assert_non_null(password_of(d, "web-admin", pass, sizeof(pass)));
	snprintf(cmd, sizeof(cmd), "curl -sk --http1.1 --max-time 10 -u "
	    "admin:%s https://" DEV_ADDR "/api/version.cgi", pass);
	assert_int_equal(tu_run(cmd, ver), 0);
}

struct stage {
	const char	*set;		/* lab/update/SET */
	const char	*version;	/* of the release served */
	int		 install;	/* 1: installed, 0: refused */
	const char	*refusal;	/* the client's log line when refused */
	int		 cert;		/* 0 lab identity, 1 self-signed,
					   2 the lab CA's cloud leaf */
};

/*
 * Serves lab/update/SET with `openssl s_server -WWW` on 10.77.0.1:443 as
 * the update host (the lab's update identity), waits for the client's
 * decision in its log, then reads the version the device reports.
 */
static void
serve_stage(const struct device *d, const struct stage *st, const char *before)
{
	char dir[400], log[512], clog[512], path[512], cmd[1400], want[200];
	char sha[65] = "", *out = NULL, *ver = NULL;
	char cert[512], key[512];
	const char *argv[] = { "openssl", "s_server", "-quiet", "-WWW",
	    "-accept", GW_ADDR ":443", "-cert", cert, "-key", key, NULL };
	size_t from;
	pid_t srv;

	/*
	 * The lab's identity for the update host, or one the device has no
	 * reason to trust: self-signed, for the right name.
	 */
	snprintf(cert, sizeof(cert), "%s/%s", d->dir, st->cert == 1 ?
	    "lab-selfsigned.pem" : st->cert == 2 ? "lab/cloud.pem" :
	    "lab/update.pem");
	snprintf(key, sizeof(key), "%s/%s", d->dir, st->cert == 1 ?
	    "lab-selfsigned-key.pem" : st->cert == 2 ? "lab/cloud-key.pem" :
	    "lab/update-key.pem");
	if (st->cert == 1) {
		snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec "
		    "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
		    "-subj /CN=update.refdevice.test -addext "
		    "subjectAltName=DNS:update.refdevice.test -keyout %s "
		    "-out %s 2>&1", key, cert);
		assert_int_equal(tu_run(cmd, NULL), 0);
	}

	snprintf(dir, sizeof(dir), "%s/lab/update/%s", d->dir, st->set);
	snprintf(log, sizeof(log), "%s/log/lab-update-%s.log", d->dir, st->set);
	snprintf(clog, sizeof(clog), "%s/log/client.log", d->dir);
	snprintf(path, sizeof(path), "%s/update/firmware-%s.bin", dir,
	    st->version);
	snprintf(cmd, sizeof(cmd), "sha256sum %s | cut -c1-64", path);
	assert_int_equal(tu_run(cmd, &out), 0);
	assert_true(strlen(out) >= 64);
	memcpy(sha, out, 64);
	free(out);
	if (st->install)
		snprintf(want, sizeof(want), "installed %s sha256=%s",
		    st->version, sha);
	else
		snprintf(want, sizeof(want), "%s", st->refusal);
	from = file_len(clog);
	srv = helper(dir, log, argv);
	if (!wait_file_text(clog, from, want, 15000)) {
		out = tu_read_file(clog, NULL);
		fprintf(stderr, "%s: no \"%s\" in client.log:\n%s\n", st->set,
		    want, out != NULL ? out + from : "");
		free(out);
		fail();
	}
	helper_stop(srv);
	device_version(d, &ver);
	fprintf(stderr, "%s%s %s: %s", st->set, st->cert == 1 ?
	    " (self-signed)" : st->cert == 2 ? " (wrong host)" : "",
	    st->install ? "installed" : "refused", ver);
	if (st->install) {
		snprintf(want, sizeof(want), "{\"firmware\":\"%s\","
		    "\"image_sha256\":\"%s\"}", st->version, sha);
		assert_non_null(strstr(ver, want));
	} else
		assert_non_null(strstr(ver, before));
	free(ver);
}

/*
 * One persona behind the lab gateway: the device resolves its servers
 * through a DNS answerer on 10.77.0.1:53 and talks to real servers there,
 * openssl s_server for the update host and mosquitto for the cloud.
 */
static void
gateway_case(const char *persona)
{
	static struct device d;
	static const struct stage conforming[] = {
		{ "current", "1.4.3", 0, "update check: TLS handshake with "
		    "update.refdevice.test:443 refused: certificate: "
		    "self-signed", 1 },
		{ "current", "1.4.3", 0, "update check: TLS handshake with "
		    "update.refdevice.test:443 refused: certificate: "
		    "hostname mismatch", 2 },
		{ "other-key", "1.4.3", 0, "refused 1.4.3: signature does not "
		    "verify", 0 },
		{ "older", "1.4.1", 0, "refused 1.4.1: not newer than the "
		    "installed 1.4.2", 0 },
		{ "current", "1.4.3", 1, NULL, 0 },
	};
	static const struct stage weak[] = {
		{ "current", "1.0.5", 1, NULL, 1 },	/* any certificate */
		{ "older", "1.0.2", 1, NULL, 2 },
		{ "other-key", "1.0.5", 1, NULL, 0 },
	};
	int isweak = strcmp(persona, "weak") == 0, pfd[2], st, i;
	char conf[1024], path[512], sublog[512], *out = NULL;
	char mqport[8];
	const char *mqargv[] = { "mosquitto", "-c", conf, NULL };
	const char *subargv[16];
	long long t0 = tu_now_ms();
	pid_t sub;

	if (!have_servers(persona) || !tu_have("ip") || !tu_have("curl") ||
	    !tu_have("mosquitto_sub")) {
		fprintf(stderr, "skip: ip, curl or mosquitto_sub missing\n");
		skip();
	}
	memset(&d, 0, sizeof(d));
	current = &d;
	assert_non_null(d.dir = tu_mkdtemp("refdev"));

	/* Never in a namespace that is not ours. */
	if (!netns_private()) {
		snprintf(conf, sizeof(conf), "%s --persona %s --dir %s/refused "
		    "--gateway 2>&1", REFDEVICE, persona, d.dir);
		st = tu_run(conf, &out);
		i = out != NULL && strstr(out, "--gateway refused") != NULL;
		if (st != 2 || !i)
			fprintf(stderr, "not refused: %s\n", out ? out : "");
		free(out);
		out = NULL;
		assert_int_equal(st, 2);
		assert_true(i);
		assert_int_equal(if_nametoindex("assay-gw0"), 0);
	}
	if (enter_own_netns() != 0) {
		fprintf(stderr, "skip: cannot create a network namespace: %s\n",
		    strerror(errno));
		cleanup(&d);
		skip();
	}

	assert_int_equal(pipe(pfd), 0);
	assert_true((d.pid = fork()) != -1);
	if (d.pid == 0) {
		close(pfd[0]);
		dup2(pfd[1], 1);
		close(pfd[1]);
		execl(REFDEVICE, REFDEVICE, "--persona", persona, "--dir", d.dir,
		    "--gateway", "--client-interval", "1", "--foreground",
		    (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	st = wait_ready_line(pfd[0]);
	close(pfd[0]);
	assert_int_equal(st, 0);
	assert_non_null(strstr(ready_text, "gateway: assay-gw0 " GW_ADDR "\n"));
	assert_non_null(strstr(ready_text, "device: " DEV_ADDR "\n"));
	assert_true(if_nametoindex("assay-gw0") != 0);
	parse_services(&d);
	check_forms(&d);
	assert_non_null(strstr(d.setup, "<address>" DEV_ADDR "</address>"));
	/*
	 * The weak client, never silent longer than its interval, declares
	 * that pace; the conforming one backs off up to six intervals while
	 * its servers are away, so it declares none (docs/refdevice.md).
	 */
	assert_non_null(strstr(d.setup, isweak ? "<client-side cycle-s=\"1\">" :
	    "<client-side>"));
	assert_non_null(strstr(d.ixit, "<entry id=\"com-update\">"));
	assert_non_null(strstr(d.ixit, "<entry id=\"com-cloud\">"));
	assert_non_null(strstr(d.ixit, "<entry id=\"pd-email\">"));
	/* standard ports on the device's address */
	assert_int_equal(svc_port(&d, "web"), 443);

	dns_answerer();
	/* The cloud: plain MQTT for the weak device, TLS for the other. */
	snprintf(path, sizeof(path), "%s/lab-mosquitto.conf", d.dir);
	snprintf(mqport, sizeof(mqport), "%d", isweak ? 1883 : 8883);
	if (isweak)
		snprintf(conf, sizeof(conf), "%spersistence false\n"
		    "listener 1883 " GW_ADDR "\nallow_anonymous true\n",
		    geteuid() == 0 ? "user root\n" : "");
	else
		snprintf(conf, sizeof(conf), "%spersistence false\n"
		    "listener 8883 " GW_ADDR "\ncertfile %s/lab/cloud.pem\n"
		    "keyfile %s/lab/cloud-key.pem\nallow_anonymous true\n",
		    geteuid() == 0 ? "user root\n" : "", d.dir, d.dir);
	assert_int_equal(tu_write_file(path, conf, strlen(conf)), 0);
	snprintf(conf, sizeof(conf), "%s", path);
	snprintf(path, sizeof(path), "%s/log/lab-mosquitto.log", d.dir);
	helper(NULL, path, mqargv);
	assert_int_equal(tu_wait_tcp(GW_ADDR, isweak ? 1883 : 8883, 5000), 0);
	snprintf(path, sizeof(path), "%s/lab/ca.pem", d.dir);
	i = 0;
	subargv[i++] = "mosquitto_sub";
	subargv[i++] = "-h";
	subargv[i++] = GW_ADDR;
	subargv[i++] = "-p";
	subargv[i++] = mqport;
	subargv[i++] = "-t";
	subargv[i++] = "devices/+/telemetry";
	subargv[i++] = "-C";
	subargv[i++] = "1";
	subargv[i++] = "-v";
	if (!isweak) {
		/* chain checked against the lab CA; the name is 10.77.0.1 */
		subargv[i++] = "--cafile";
		subargv[i++] = path;
		subargv[i++] = "--insecure";
	}
	subargv[i] = NULL;
	snprintf(sublog, sizeof(sublog), "%s/log/lab-sub.log", d.dir);
	sub = helper(NULL, sublog, subargv);

	for (i = 0; i < (isweak ? 3 : 5); i++)
		serve_stage(&d, isweak ? &weak[i] : &conforming[i],
		    "{\"firmware\":\"1.4.2\",\"image_sha256\":\"\"}");

	/* The telemetry reached the broker, the owner's e-mail in it. */
	assert_true(wait_file_text(sublog, 0, "owner@example.test", 10000));
	helper_stop(sub);
	out = tu_read_file(sublog, NULL);
	fprintf(stderr, "telemetry: %s", out);
	assert_non_null(strstr(out, isweak ? "devices/W1-" : "devices/C2-"));
	free(out);
	snprintf(path, sizeof(path), "%s/log/client.log", d.dir);
	assert_true(wait_file_text(path, 0, isweak ? ":1883 (plain TCP)" :
	    ":8883 (TLSv1.", 100));

	stop(&d, SIGTERM);
	assert_true(waitpid(d.pid, &st, WNOHANG) == -1);
	d.pid = 0;
	/* Nothing of the device is left in our namespace. */
	assert_int_equal(if_nametoindex("assay-gw0"), 0);
	assert_true(no_leftovers(d.dir, 5000));
	fprintf(stderr, "%s gateway case: %lld ms\n", persona,
	    tu_now_ms() - t0);
	cleanup(&d);
}

static void
test_gateway_weak(void **state)
{
	(void)state;
	gateway_case("weak");
}

static void
test_gateway_conforming(void **state)
{
	(void)state;
	gateway_case("conforming");
}

/* ---- the firmware image (tests/refdevice/firmware.c) -------------------- */

#define FW_ENTRIES	64
#define FW_MAX		(4 * 1024 * 1024)

/* The declared image unpacked in memory: every file, in archive order. */
struct fw_image {
	char		 id[48], file[256], sha256[65];
	unsigned char	*bytes;		/* every file's content, one after another */
	size_t		 len;
	char		 name[FW_ENTRIES][96];
	size_t		 off[FW_ENTRIES], flen[FW_ENTRIES];
	int		 n;
};

/* The <firmware> line of setup.xml, its file unpacked with libarchive. */
static void
fw_load(const struct device *d, struct fw_image *im)
{
	struct archive *a;
	struct archive_entry *e;
	unsigned char md[EVP_MAX_MD_SIZE];
	char path[768], hex[65], *img;
	unsigned int mdlen = 0, i;
	size_t imglen = 0;
	const char *p;
	la_ssize_t got;

	memset(im, 0, sizeof(*im));
	assert_non_null(p = strstr(d->setup, "<artefacts>"));
	assert_non_null(p = strstr(p, "<firmware "));
	assert_int_equal(sscanf(p, "<firmware id=\"%47[^\"]\" file=\"%255[^\"]\" "
	    "sha256=\"%64[0-9a-f]\"/>", im->id, im->file, im->sha256), 3);
	assert_non_null(strstr(im->file, "lab/firmware-"));
	/* the declared digest is the file's */
	snprintf(path, sizeof(path), "%s/%s", d->dir, im->file);
	assert_non_null(img = tu_read_file(path, &imglen));
	assert_int_equal(EVP_Digest(img, imglen, md, &mdlen, EVP_sha256(),
	    NULL), 1);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	assert_string_equal(hex, im->sha256);
	free(img);

	assert_non_null(im->bytes = malloc(FW_MAX));
	assert_non_null(a = archive_read_new());
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 16384), ARCHIVE_OK);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		assert_true(im->n < FW_ENTRIES);
		/* fixed owners and build date: the same bytes every start */
		assert_int_equal(archive_entry_uid(e), 0);
		assert_true(archive_entry_mtime(e) < 1800000000);
		snprintf(im->name[im->n], sizeof(im->name[0]), "%s",
		    archive_entry_pathname(e));
		im->off[im->n] = im->len;
		while ((got = archive_read_data(a, im->bytes + im->len,
		    FW_MAX - im->len)) > 0)
			im->len += (size_t)got;
		assert_true(got == 0 && im->len < FW_MAX);
		im->flen[im->n] = im->len - im->off[im->n];
		im->n++;
	}
	archive_read_free(a);
	assert_true(im->n > 5);
}

/* The content of entry name as a string (copied), or NULL. */
static char *
fw_file(const struct fw_image *im, const char *name)
{
	char *s;
	int i;

	for (i = 0; i < im->n; i++) {
		if (strcmp(im->name[i], name) != 0)
			continue;
		assert_non_null(s = malloc(im->flen[i] + 1));
		memcpy(s, im->bytes + im->off[i], im->flen[i]);
		s[im->flen[i]] = '\0';
		return s;
	}
	return NULL;
}

static int
fw_has(const struct fw_image *im, const char *needle)
{
	return memmem(im->bytes, im->len, needle, strlen(needle)) != NULL;
}

/* The ICS's <serial-number> of the device. */
static void
device_serial(const struct device *d, char *out, size_t n)
{
	char path[512], *ics, *p, *q;

	snprintf(path, sizeof(path), "%s/ics.xml", d->dir);
	assert_non_null(ics = tu_read_file(path, NULL));
	assert_non_null(p = strstr(ics, "<serial-number>"));
	p += strlen("<serial-number>");
	assert_non_null(q = strchr(p, '<'));
	assert_true((size_t)(q - p) < n && q > p);
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	free(ics);
}

/* The weak image: the seeded secrets, where the IXIT says they are. */
static void
check_fw_weak(const struct device *d, const struct fw_image *im)
{
	struct crypt_data cd;
	char *f, *line, hash[128];
	const char *h;
	BIO *bio;
	EVP_PKEY *k;

	assert_string_equal(im->id, "fw-1-0-3");
	/* the telnet factory password in clear in the login program */
	assert_non_null(f = fw_file(im, "bin/login"));
	assert_non_null(strstr(f, "'root'"));
	assert_non_null(strstr(f, "'xc3511'"));
	free(f);
	/* the web default in clear, and as a hash that verifies it */
	assert_non_null(f = fw_file(im, "etc/webusers"));
	assert_string_equal(f, "admin:admin\n");
	free(f);
	assert_non_null(f = fw_file(im, "etc/shadow"));
	assert_non_null(line = strstr(f, "\nadmin:$1$"));
	assert_int_equal(sscanf(line + 1, "admin:%127[^:]", hash), 1);
	memset(&cd, 0, sizeof(cd));
	assert_non_null(h = crypt_r("admin", hash, &cd));
	assert_string_equal(h, hash);
	free(f);
	assert_non_null(strstr(d->ixit, "password-set-by=\"pre-installed-shared\""));
	/* the debug key, unencrypted: OpenSSL reads it without a passphrase */
	assert_non_null(f = fw_file(im, "etc/ssl/private/debug.key"));
	assert_non_null(strstr(f, "-----BEGIN PRIVATE KEY-----"));
	assert_non_null(bio = BIO_new_mem_buf(f, -1));
	assert_non_null(k = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)""));
	EVP_PKEY_free(k);
	BIO_free(bio);
	free(f);
	assert_non_null(strstr(d->ixit, "<entry id=\"sp-debug-key\">"));
	/* the components of 6-SoftComp */
	assert_non_null(f = fw_file(im, "usr/lib/opkg/status"));
	assert_non_null(strstr(f, "Package: busybox\nVersion: 1.35.0"));
	assert_non_null(strstr(f, "Package: mosquitto\n"));
	free(f);
}

/* The conforming image: none of the device's secrets, no private key. */
static void
check_fw_conforming(const struct device *d, const struct fw_image *im)
{
	static const char *const creds[] = { "web-admin", "ssh-admin",
	    "mqtt-device", NULL };
	char pass[64], serial[64], *f;
	int i, seen = 0;

	assert_string_equal(im->id, "fw-1-4-2");
	for (i = 0; creds[i] != NULL; i++) {
		if (password_of(d, creds[i], pass, sizeof(pass)) == NULL)
			continue;	/* ssh-admin: SSH may be skipped */
		assert_int_equal(strlen(pass), 20);
		assert_false(fw_has(im, pass));
		seen++;
	}
	assert_true(seen >= 2);
	device_serial(d, serial, sizeof(serial));
	assert_false(fw_has(im, serial));
	assert_false(fw_has(im, d->dir));
	assert_false(fw_has(im, "PRIVATE KEY"));
	/* every account locked: no verifier at all */
	assert_non_null(f = fw_file(im, "etc/shadow"));
	assert_null(strchr(f, '$'));
	free(f);
	assert_non_null(f = fw_file(im, "var/lib/dpkg/status"));
	assert_non_null(strstr(f, "Package: openssl\n"));
	assert_non_null(strstr(f, "Package: dropbear-bin\n"));
	free(f);
}

static void
test_firmware_images(void **state)
{
	static struct device d;
	struct fw_image im;
	char first[65], path[512], *pidtxt;
	int round;
	long pid;

	(void)state;
	if (!have_servers("weak"))
		skip();
	/* Weak twice: the image must come out byte for byte the same. */
	for (round = 0; round < 2; round++) {
		assert_int_equal(start(&d, "weak", 0), 0);
		parse_services(&d);
		check_loader(&d);
		fw_load(&d, &im);
		check_fw_weak(&d, &im);
		if (round == 0)
			memcpy(first, im.sha256, sizeof(first));
		else
			assert_string_equal(first, im.sha256);
		free(im.bytes);
		stop(&d, SIGTERM);
		assert_true(no_leftovers(d.dir, 5000));
		cleanup(&d);
	}

	assert_int_equal(start(&d, "conforming", 1), 0);
	parse_services(&d);
	check_loader(&d);
	fw_load(&d, &im);
	check_fw_conforming(&d, &im);
	free(im.bytes);
	snprintf(path, sizeof(path), "%s/refdevice.pid", d.dir);
	assert_non_null(pidtxt = tu_read_file(path, NULL));
	pid = atol(pidtxt);
	free(pidtxt);
	assert_true(pid > 1);
	assert_int_equal(kill((pid_t)pid, SIGTERM), 0);
	assert_true(no_leftovers(d.dir, 5000));
	cleanup(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_weak, teardown),
		cmocka_unit_test_teardown(test_conforming_detached, teardown),
		cmocka_unit_test_teardown(test_parent_killed, teardown),
		cmocka_unit_test_teardown(test_standard_ports_in_netns,
		    teardown),
		cmocka_unit_test_teardown(test_firmware_images, teardown),
		/* last: they move the test into namespaces of its own */
		cmocka_unit_test_teardown(test_gateway_weak, teardown),
		cmocka_unit_test_teardown(test_gateway_conforming, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
