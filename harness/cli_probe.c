/*
 * cli_probe.c - `assay probe tcp-sweep|tls|creds ...`: one probe of the
 * harness, on its own, for a lab engineer.
 *
 * Each kind runs the probe a test case would run (probe/tcp.h,
 * probe/tls.h, probe/cred.h) under the same per-device budget as a run:
 * assay_budget_new() with the set-up file's defaults, or the values of
 * --max-connections and --max-rate.  Nothing is recorded: the result is
 * printed, as text or as one JSON object (--format json).  The only
 * secrets in play are the pairs of the list the user gave; accepted
 * pairs are printed, that being the point.  No lab set-up file is read,
 * so no lab credential can reach the output.
 *
 * Exit 0 when the probe completed, 2 on a usage error (nothing sent),
 * 3 when the target was unreachable or the result is incomplete (a
 * version not testable, pairs unreached or untried, every port silent),
 * or the harness failed.
 */
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/json.h"
#include "base/term.h"
#include "cli.h"
#include "forms/forms.h"
#include "probe/cred.h"
#include "probe/probe.h"
#include "probe/tcp.h"
#include "probe/tls.h"

#define CMD		"probe"
#define HOST_MAX	256

enum kind { K_SWEEP, K_TLS, K_CREDS };

/* What the command line asked for; strings borrowed from argv. */
struct probe_opts {
	enum kind	 kind;
	const char	*kname;
	const char	*target;
	const char	*ports;
	const char	*servername;
	const char	*service;
	const char	*list;
	int		 json;
	int		 timeout_ms;
	int		 max_connections;
	int		 max_rate;
	int		 rate_fixed;	/* --rate-fixed: no adaptation */
	int		 concurrency;
	int		 first;
	int		 no_ciphers;
	char		 host[HOST_MAX];
	int		 port;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: assay probe tcp-sweep HOST [--ports SPEC] [OPTIONS]\n"
	    "       assay probe tls HOST:PORT [--servername NAME] [--no-ciphers]\n"
	    "                 [OPTIONS]\n"
	    "       assay probe creds HOST:PORT|URL --service KIND --list NAME|FILE\n"
	    "                 [--concurrency N] [--first] [OPTIONS]\n"
	    "\n"
	    "Runs one of Assay's probes on its own, as a test case runs it, and\n"
	    "prints what it found.  Only loopback, your own namespaces and devices\n"
	    "you are allowed to test are targets.\n"
	    "\n"
	    "  tcp-sweep  TCP connect sweep: open ports and how many ports were\n"
	    "             open, closed and filtered (no answer within --timeout)\n"
	    "  tls        TLS protocol versions (SSLv3 to TLS 1.3) and, for each\n"
	    "             accepted one, the cipher suites the server accepts\n"
	    "  creds      tries every user:password pair of a list on a login;\n"
	    "             prints the accepted pairs and the counts tried, rejected,\n"
	    "             unreached and untried\n"
	    "\n"
	    "  --ports SPEC          tcp-sweep: ports, e.g. 22,80,8000-8100\n"
	    "                        (default 1-65535)\n"
	    "  --servername NAME     tls: SNI name (default: HOST unless an address)\n"
	    "  --no-ciphers          tls: versions only, no suite enumeration\n"
	    "  --service telnet|ssh|mqtt|mqtts|http-basic\n"
	    "                        creds: the login; http-basic takes an\n"
	    "                        http:// or https:// URL, the others HOST:PORT\n"
	    "  --list NAME|FILE      creds: a list of the data directory (mirai,\n"
	    "                        iot-defaults) or a file of user:password lines\n"
	    "  --concurrency N       creds: logins at a time (default as a run has\n"
	    "                        them: telnet 4, ssh 2, mqtt(s) 1, http-basic\n"
	    "                        up to the budget's connections)\n"
	    "  --first               creds: stop at the first accepted pair\n"
	    "  --timeout MS          per port, handshake or login (default %d)\n"
	    "  --max-connections N   budget: concurrent connections (default %d,\n"
	    "                        the lab set-up's default)\n"
	    "  --max-rate N          budget: ceiling of new connections per second\n"
	    "                        (default %d, the lab set-up's default); the\n"
	    "                        rate adapts below it to how the target answers\n"
	    "                        (docs/budget.md)\n"
	    "  --rate-fixed          budget: hold --max-rate, no adaptation\n"
	    "  --format text|json    output (default text)\n"
	    "\n"
	    "Exit 0 when the probe completed, 2 on a usage error (nothing sent),\n"
	    "3 when the target was unreachable or the result is incomplete: no\n"
	    "port answered, a TLS version could not be tested, pairs unreached\n"
	    "or untried, a service without password logins.\n",
	    ASSAY_PROBE_DEFAULT_TIMEOUT_MS, ASSAY_FORMS_DEFAULT_MAX_CONNECTIONS,
	    ASSAY_FORMS_DEFAULT_MAX_RATE);
}

/*
 * HOST:PORT or [V6ADDR]:PORT into o->host and o->port.  Returns 0 or
 * the usage exit code.
 */
static int
split_host_port(struct probe_opts *o)
{
	const char *s = o->target, *colon, *h;
	size_t hlen;

	if (s[0] == '[') {
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			goto bad;
		h = s + 1;
		hlen = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    memchr(s, ':', (size_t)(colon - s)) != NULL)
			goto bad;
		h = s;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(o->host))
		goto bad;
	memcpy(o->host, h, hlen);
	o->host[hlen] = '\0';
	if (assay_cli_parse_int(CMD, "port", colon + 1, 1, 65535,
	    &o->port) != 0)
		return ASSAY_EXIT_USAGE;
	return 0;
 bad:
	return assay_cli_usage_error(CMD, "%s: \"%s\": expected HOST:PORT "
	    "(or [ADDRESS]:PORT)", o->kname, s);
}

static int
parse(int argc, char **argv, struct probe_opts *o)
{
	static const struct option opts[] = {
		{ "ports",		required_argument,	NULL, 'p' },
		{ "servername",		required_argument,	NULL, 'n' },
		{ "no-ciphers",		no_argument,		NULL, 'N' },
		{ "service",		required_argument,	NULL, 's' },
		{ "list",		required_argument,	NULL, 'l' },
		{ "concurrency",	required_argument,	NULL, 'c' },
		{ "first",		no_argument,		NULL, '1' },
		{ "timeout",		required_argument,	NULL, 't' },
		{ "max-connections",	required_argument,	NULL, 'M' },
		{ "max-rate",		required_argument,	NULL, 'R' },
		{ "rate-fixed",		no_argument,		NULL, 'X' },
		{ "format",		required_argument,	NULL, 'F' },
		{ "help",		no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	/* Which options each kind takes, by getopt code. */
	static const char *const own[] = { "p", "nN", "slc1" };
	size_t k;
	int c, r;

	/* The kind comes first; options follow it (getopt sees the rest). */
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return -1;
		}
		return assay_cli_usage_error(CMD, "expected tcp-sweep, tls or "
		    "creds");
	}
	o->kname = argv[1];
	if (strcmp(o->kname, "tcp-sweep") == 0)
		o->kind = K_SWEEP;
	else if (strcmp(o->kname, "tls") == 0)
		o->kind = K_TLS;
	else if (strcmp(o->kname, "creds") == 0)
		o->kind = K_CREDS;
	else
		return assay_cli_usage_error(CMD, "unknown probe \"%s\" (tcp-sweep, "
		    "tls or creds)", o->kname);
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c > 0 && strchr("pnNslc1", c) != NULL &&
		    strchr(own[o->kind], c) == NULL) {
			for (k = 0; opts[k].val != c; k++)
				;
			return assay_cli_usage_error(CMD, "%s: --%s is not one "
			    "of its options", o->kname, opts[k].name);
		}
		r = 0;
		switch (c) {
		case 'p':
			o->ports = optarg;
			break;
		case 'n':
			o->servername = optarg;
			break;
		case 'N':
			o->no_ciphers = 1;
			break;
		case 's':
			o->service = optarg;
			break;
		case 'l':
			o->list = optarg;
			break;
		case 'c':
			r = assay_cli_parse_int(CMD, "--concurrency", optarg,
			    1, 1024, &o->concurrency);
			break;
		case '1':
			o->first = 1;
			break;
		case 't':
			r = assay_cli_parse_int(CMD, "--timeout", optarg,
			    1, 600000, &o->timeout_ms);
			break;
		case 'M':
			r = assay_cli_parse_int(CMD, "--max-connections", optarg,
			    1, 65535, &o->max_connections);
			break;
		case 'R':
			r = assay_cli_parse_int(CMD, "--max-rate", optarg,
			    1, 1000000, &o->max_rate);
			break;
		case 'X':
			o->rate_fixed = 1;
			break;
		case 'F':
			r = assay_cli_parse_format(CMD, optarg, &o->json);
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			return assay_cli_bad_option(CMD, argv);
		}
		if (r != 0)
			return r;
	}
	if (optind != argc - 1)
		return assay_cli_usage_error(CMD, "%s: expected one target (%s)",
		    o->kname, o->kind == K_SWEEP ? "HOST" : o->kind == K_TLS ?
		    "HOST:PORT" : "HOST:PORT or URL");
	o->target = argv[optind];
	if (o->kind == K_SWEEP) {
		if (strlen(o->target) >= sizeof(o->host) || *o->target == '\0')
			return assay_cli_usage_error(CMD, "tcp-sweep: bad host "
			    "\"%s\"", o->target);
		snprintf(o->host, sizeof(o->host), "%s", o->target);
		return 0;
	}
	if (o->kind == K_CREDS) {
		if (o->service == NULL || o->list == NULL)
			return assay_cli_usage_error(CMD, "creds: need --service "
			    "KIND and --list NAME|FILE");
		if (strcmp(o->service, "http-basic") == 0) {
			if (strncmp(o->target, "http://", 7) != 0 &&
			    strncmp(o->target, "https://", 8) != 0)
				return assay_cli_usage_error(CMD, "creds: "
				    "http-basic takes an http:// or https:// "
				    "URL, not \"%s\"", o->target);
			return 0;
		}
		if (strcmp(o->service, "telnet") != 0 &&
		    strcmp(o->service, "ssh") != 0 &&
		    strcmp(o->service, "mqtt") != 0 &&
		    strcmp(o->service, "mqtts") != 0)
			return assay_cli_usage_error(CMD, "creds: unknown service "
			    "\"%s\" (telnet, ssh, mqtt, mqtts or http-basic)",
			    o->service);
	}
	return split_host_port(o);
}

static void
print_budget(const struct probe_opts *o, const struct assay_budget *b,
    struct assay_json *j)
{
	if (o->json) {
		assay_json_key(j, "budget");
		assay_json_begin_object(j);
		assay_json_kv_int(j, "max_connections",
		    assay_budget_max_connections(b));
		assay_json_kv_int(j, "max_rate", assay_budget_max_rate(b));
		assay_json_kv_bool(j, "adaptive", !o->rate_fixed);
		assay_json_end_object(j);
	} else
		printf("budget: %d connections, %s%d new per second\n",
		    assay_budget_max_connections(b), o->rate_fixed ? "" :
		    "adapting up to ", assay_budget_max_rate(b));
}

/* Exit 3 on a harness failure, with the step and the code named. */
static int
harness_failed(const struct probe_opts *o, const char *step, int r)
{
	fprintf(stderr, "assay probe %s: %s: %s\n", o->kname, step,
	    assay_strerror(r));
	return ASSAY_EXIT_INCONCLUSIVE;
}

/* Unreachable: exit 3, said in the chosen format. */
static int
unreached(const struct probe_opts *o, const char *why, double secs)
{
	char e1[ASSAY_TERM_ESC_MAX], e2[ASSAY_TERM_ESC_MAX];
	struct assay_json j;

	if (o->json) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "probe", o->kname);
		assay_json_kv_string(&j, "target", o->target);
		assay_json_kv_bool(&j, "complete", 0);
		assay_json_kv_string(&j, "unreachable", why);
		assay_json_key(&j, "seconds");
		assay_json_double(&j, secs);
		assay_json_end_object(&j);
		fputc('\n', stdout);
	} else
		printf("%s %s: unreachable: %s\n", o->kname, assay_term_esc(e1,
		    sizeof(e1), o->target), assay_term_esc(e2, sizeof(e2), why));
	return ASSAY_EXIT_INCONCLUSIVE;
}

static int
run_sweep(const struct probe_opts *o, const struct assay_probe_env *env)
{
	static const int states[] = { ASSAY_PORT_OPEN, ASSAY_PORT_CLOSED,
	    ASSAY_PORT_FILTERED };
	static const char *const names[] = { "open", "closed", "filtered" };
	struct assay_tcp_sweep *sw = NULL;
	struct assay_json j;
	char why[ASSAY_PROBE_REASON_MAX] = "", e[ASSAY_TERM_ESC_MAX];
	uint16_t *ports = NULL;
	size_t nports = 0, i, nopen;
	double t0, secs;
	int r, rc;

	if ((r = assay_probe_tcp_parse_ports(o->ports != NULL ? o->ports :
	    "1-65535", &ports, &nports, why, sizeof(why))) != 0) {
		rc = r == ASSAY_ERR_INVALID_ARG ? assay_cli_usage_error(CMD,
		    "tcp-sweep: --ports: %s", why) : harness_failed(o,
		    "--ports", r);
		goto out;
	}
	t0 = (double)assay_clock_ns() / 1e9;
	r = assay_probe_tcp_sweep(env, o->host, ports, nports, o->timeout_ms,
	    &sw, why, sizeof(why));
	secs = (double)assay_clock_ns() / 1e9 - t0;
	if (r != 0) {
		rc = harness_failed(o, "sweep", r);
		goto out;
	}
	if (sw == NULL) {
		rc = unreached(o, why, secs);
		goto out;
	}
	nopen = assay_tcp_sweep_count(sw, ASSAY_PORT_OPEN);
	/* Every port silent: a host that is not there looks the same. */
	rc = nopen == 0 && assay_tcp_sweep_count(sw, ASSAY_PORT_CLOSED) == 0 ?
	    ASSAY_EXIT_INCONCLUSIVE : 0;
	if (o->json) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "probe", "tcp-sweep");
		assay_json_kv_string(&j, "host", o->host);
		assay_json_kv_bool(&j, "complete", rc == 0);
		assay_json_kv_int(&j, "ports", (long long)nports);
		assay_json_key(&j, "open");
		assay_json_begin_array(&j);
		for (i = 0; i < nports; i++)
			if (assay_tcp_sweep_state(sw, ports[i]) ==
			    ASSAY_PORT_OPEN)
				assay_json_int(&j, ports[i]);
		assay_json_end_array(&j);
		assay_json_key(&j, "states");
		assay_json_begin_object(&j);
		for (i = 0; i < 3; i++)
			assay_json_kv_int(&j, names[i], (long long)
			    assay_tcp_sweep_count(sw, states[i]));
		assay_json_end_object(&j);
		assay_json_kv_int(&j, "timeout_ms", o->timeout_ms);
		assay_json_kv_int(&j, "max_in_flight",
		    assay_tcp_sweep_max_in_flight(sw));
		print_budget(o, env->budget, &j);
		assay_json_key(&j, "seconds");
		assay_json_double(&j, secs);
		assay_json_end_object(&j);
		fputc('\n', stdout);
	} else {
		printf("tcp-sweep %s: %zu port%s in %.2f s\n", assay_term_esc(e,
		    sizeof(e), o->host), nports, nports == 1 ? "" : "s", secs);
		printf("open:");
		for (i = 0; i < nports; i++)
			if (assay_tcp_sweep_state(sw, ports[i]) ==
			    ASSAY_PORT_OPEN)
				printf(" %u", (unsigned int)ports[i]);
		printf("%s\n", nopen == 0 ? " none" : "");
		printf("states: %zu open, %zu closed, %zu filtered (no answer "
		    "within %d ms)\n", nopen,
		    assay_tcp_sweep_count(sw, ASSAY_PORT_CLOSED),
		    assay_tcp_sweep_count(sw, ASSAY_PORT_FILTERED),
		    o->timeout_ms);
		print_budget(o, env->budget, NULL);
		if (rc != 0)
			printf("incomplete: no port answered (a host that is not "
			    "there looks the same)\n");
	}
 out:
	assay_tcp_sweep_free(sw);
	free(ports);
	return rc;
}

static const char *
tls_state_name(int st)
{
	switch (st) {
	case ASSAY_TLS_ACCEPTED:
		return "accepted";
	case ASSAY_TLS_REJECTED:
		return "rejected";
	case ASSAY_TLS_NOT_TESTABLE:
		return "not testable";
	default:
		return "untested";
	}
}

static int
run_tls(const struct probe_opts *o, const struct assay_probe_env *env)
{
	struct assay_tls_scan *sc = NULL;
	struct assay_json j;
	char why[ASSAY_PROBE_REASON_MAX] = "", e[ASSAY_TERM_ESC_MAX];
	const char *note;
	double t0, secs;
	size_t i, n;
	int r, rc = 0, v, st;

	t0 = (double)assay_clock_ns() / 1e9;
	r = assay_probe_tls_enumerate(env, o->host, (unsigned int)o->port,
	    o->servername, o->timeout_ms, !o->no_ciphers, &sc, why,
	    sizeof(why));
	secs = (double)assay_clock_ns() / 1e9 - t0;
	if (r != 0)
		return harness_failed(o, "enumeration", r);
	if (sc == NULL)
		return unreached(o, why, secs);
	for (v = 0; v < ASSAY_TLS_NVERSIONS; v++)
		if (assay_tls_scan_version(sc, v) == ASSAY_TLS_NOT_TESTABLE ||
		    assay_tls_scan_version(sc, v) == ASSAY_TLS_UNTESTED)
			rc = ASSAY_EXIT_INCONCLUSIVE;
	if (o->json) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "probe", "tls");
		assay_json_kv_string(&j, "host", o->host);
		assay_json_kv_int(&j, "port", o->port);
		assay_json_kv_bool(&j, "complete", rc == 0);
		assay_json_kv_bool(&j, "ciphers_enumerated", !o->no_ciphers);
		assay_json_key(&j, "versions");
		assay_json_begin_array(&j);
		for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
			st = assay_tls_scan_version(sc, v);
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "version",
			    assay_tls_version_name(v));
			assay_json_kv_string(&j, "state", tls_state_name(st));
			note = assay_tls_scan_version_note(sc, v);
			if (note != NULL && *note != '\0')
				assay_json_kv_string(&j, "note", note);
			assay_json_kv_bool(&j, "legacy_hello_only",
			    assay_tls_scan_version_legacy(sc, v));
			assay_json_key(&j, "ciphers");
			assay_json_begin_array(&j);
			n = assay_tls_scan_ncipher(sc, v);
			for (i = 0; i < n; i++)
				assay_json_string(&j,
				    assay_tls_scan_cipher(sc, v, i));
			assay_json_end_array(&j);
			assay_json_end_object(&j);
		}
		assay_json_end_array(&j);
		assay_json_kv_int(&j, "handshakes", (long long)
		    assay_tls_scan_attempts(sc));
		assay_json_kv_int(&j, "max_in_flight",
		    assay_tls_scan_max_in_flight(sc));
		print_budget(o, env->budget, &j);
		assay_json_key(&j, "seconds");
		assay_json_double(&j, secs);
		assay_json_end_object(&j);
		fputc('\n', stdout);
	} else {
		printf("tls %s:%d: %zu handshakes in %.2f s\n",
		    assay_term_esc(e, sizeof(e), o->host), o->port,
		    assay_tls_scan_attempts(sc), secs);
		for (v = 0; v < ASSAY_TLS_NVERSIONS; v++) {
			st = assay_tls_scan_version(sc, v);
			note = assay_tls_scan_version_note(sc, v);
			printf("%-8s %s", assay_tls_version_name(v),
			    tls_state_name(st));
			if (st == ASSAY_TLS_ACCEPTED && !o->no_ciphers)
				printf(", %zu suite%s",
				    assay_tls_scan_ncipher(sc, v),
				    assay_tls_scan_ncipher(sc, v) == 1 ? "" :
				    "s");
			if (note != NULL && *note != '\0')
				printf(" (%s)", assay_term_esc(e, sizeof(e),
				    note));
			printf("\n");
			n = assay_tls_scan_ncipher(sc, v);
			for (i = 0; i < n; i++)
				printf("  %s\n", assay_tls_scan_cipher(sc, v,
				    i));
		}
		print_budget(o, env->budget, NULL);
		if (rc != 0)
			printf("incomplete: a version could not be tested\n");
	}
	assay_tls_scan_free(sc);
	return rc;
}

/*
 * Loads --list: a name of the data directory, a path with a '/', or a
 * file in the current directory named without one.
 */
static int
load_list(const char *name, struct assay_cred_list *l)
{
	char path[4096];

	if (strchr(name, '/') == NULL && access(name, F_OK) == 0) {
		if (snprintf(path, sizeof(path), "./%s", name) >=
		    (int)sizeof(path))
			return ASSAY_ERR_TOO_BIG;
		return assay_cred_list_load(l, path);
	}
	return assay_cred_list_load(l, name);
}

static int
run_creds(const struct probe_opts *o, const struct assay_probe_env *env)
{
	struct assay_cred_list *l = NULL;
	struct assay_cred_result *res = NULL;
	struct assay_cred_target tg;
	struct assay_json j;
	char e1[ASSAY_TERM_ESC_MAX], e2[ASSAY_TERM_ESC_MAX];
	const char *nopw_why = NULL, *untried_why;
	size_t i, k, nacc;
	int r, rc = 0, nopw;

	memset(&tg, 0, sizeof(tg));
	if (strcmp(o->service, "telnet") == 0)
		tg.service = ASSAY_CRED_TELNET;
	else if (strcmp(o->service, "ssh") == 0)
		tg.service = ASSAY_CRED_SSH;
	else if (strcmp(o->service, "http-basic") == 0)
		tg.service = ASSAY_CRED_HTTP_BASIC;
	else {
		tg.service = ASSAY_CRED_MQTT;
		tg.tls = strcmp(o->service, "mqtts") == 0;
	}
	if (ASSAY_CRED_BY_URL(tg.service))
		tg.url = o->target;
	else {
		tg.host = o->host;
		tg.port = o->port;
	}
	/*
	 * As test case 5.1-1 runs them: dropbear resets more than 5
	 * unauthenticated connections per source, busybox telnetd has a
	 * listen backlog of 1, brokers get one CONNECT at a time.
	 */
	if ((tg.concurrency = o->concurrency) == 0)
		tg.concurrency = tg.service == ASSAY_CRED_TELNET ? 4 :
		    tg.service == ASSAY_CRED_SSH ? 2 :
		    tg.service == ASSAY_CRED_MQTT ? 1 : 0;
	tg.timeout_ms = o->timeout_ms;
	tg.stop_on_success = o->first;
	if ((l = assay_cred_list_new()) == NULL) {
		rc = harness_failed(o, "list", ASSAY_ERR_ALLOC);
		goto out;
	}
	if ((r = load_list(o->list, l)) != 0) {
		fprintf(stderr, "assay probe creds: --list %s: %s\n",
		    assay_term_esc(e1, sizeof(e1), o->list), assay_strerror(r));
		rc = ASSAY_EXIT_USAGE;
		goto out;
	}
	if ((r = assay_cred_run(env, &tg, l, &res)) != 0) {
		rc = harness_failed(o, "credential run", r);
		goto out;
	}
	nacc = assay_cred_result_accepted_count(res);
	nopw = assay_cred_result_no_password(res, &nopw_why);
	untried_why = assay_cred_result_untried_reason(res);
	/* Stopping at the first accepted pair, as asked, is complete. */
	if (nopw || assay_cred_result_unreached(res) > 0 ||
	    (assay_cred_result_untried(res) > 0 && !(o->first && nacc > 0)))
		rc = ASSAY_EXIT_INCONCLUSIVE;
	if (o->json) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_object(&j);
		assay_json_kv_string(&j, "probe", "creds");
		assay_json_kv_string(&j, "service", o->service);
		assay_json_kv_string(&j, "target", o->target);
		assay_json_kv_string(&j, "list", o->list);
		assay_json_kv_bool(&j, "complete", rc == 0);
		assay_json_kv_int(&j, "pairs", (long long)
		    assay_cred_list_count(l));
		assay_json_kv_int(&j, "tried", (long long)
		    assay_cred_result_attempts(res));
		assay_json_kv_int(&j, "rejected", (long long)
		    assay_cred_result_rejected(res));
		assay_json_kv_int(&j, "unreached", (long long)
		    assay_cred_result_unreached(res));
		assay_json_kv_int(&j, "untried", (long long)
		    assay_cred_result_untried(res));
		if (*untried_why != '\0')
			assay_json_kv_string(&j, "untried_reason", untried_why);
		assay_json_kv_bool(&j, "no_password", nopw);
		if (nopw)
			assay_json_kv_string(&j, "no_password_reason", nopw_why);
		if (*assay_cred_result_last_error(res) != '\0')
			assay_json_kv_string(&j, "last_error",
			    assay_cred_result_last_error(res));
		assay_json_key(&j, "accepted");
		assay_json_begin_array(&j);
		for (i = 0; i < nacc; i++) {
			k = assay_cred_result_accepted(res, i);
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "user",
			    assay_cred_list_user(l, k));
			assay_json_kv_string(&j, "password",
			    assay_cred_list_password(l, k));
			assay_json_end_object(&j);
		}
		assay_json_end_array(&j);
		print_budget(o, env->budget, &j);
		assay_json_key(&j, "seconds");
		assay_json_double(&j, assay_cred_result_seconds(res));
		assay_json_end_object(&j);
		fputc('\n', stdout);
	} else {
		printf("creds %s %s: %zu pair%s, %zu tried, %zu rejected, %zu "
		    "unreached, %zu untried in %.2f s\n", o->service,
		    assay_term_esc(e1, sizeof(e1), o->target),
		    assay_cred_list_count(l),
		    assay_cred_list_count(l) == 1 ? "" : "s",
		    assay_cred_result_attempts(res),
		    assay_cred_result_rejected(res),
		    assay_cred_result_unreached(res),
		    assay_cred_result_untried(res),
		    assay_cred_result_seconds(res));
		for (i = 0; i < nacc; i++) {
			k = assay_cred_result_accepted(res, i);
			printf("accepted: %s:%s\n", assay_term_esc(e1,
			    sizeof(e1), assay_cred_list_user(l, k)),
			    assay_term_esc(e2, sizeof(e2),
			    assay_cred_list_password(l, k)));
		}
		if (nacc == 0)
			printf("accepted: none\n");
		if (nopw)
			printf("no password logins: %s\n", assay_term_esc(e1,
			    sizeof(e1), nopw_why));
		if (*untried_why != '\0')
			printf("untried: %s\n", assay_term_esc(e1, sizeof(e1),
			    untried_why));
		if (assay_cred_result_unreached(res) > 0)
			printf("last network failure: %s\n", assay_term_esc(e1,
			    sizeof(e1), assay_cred_result_last_error(res)));
		print_budget(o, env->budget, NULL);
	}
 out:
	assay_cred_result_free(res);
	assay_cred_list_free(l);
	return rc;
}

int
assay_cli_probe(int argc, char **argv)
{
	struct probe_opts o;
	struct assay_probe_env env;
	int rc;

	memset(&o, 0, sizeof(o));
	o.timeout_ms = ASSAY_PROBE_DEFAULT_TIMEOUT_MS;
	if ((rc = parse(argc, argv, &o)) != 0)
		return rc < 0 ? 0 : rc;
	signal(SIGPIPE, SIG_IGN);
	memset(&env, 0, sizeof(env));
	env.timeout_ms = o.timeout_ms;
	env.max_read = ASSAY_PROBE_DEFAULT_MAX_READ;
	/* The run's budget: the set-up defaults unless the flags say. */
	if ((env.budget = assay_budget_new(o.max_connections > 0 ?
	    o.max_connections : ASSAY_FORMS_DEFAULT_MAX_CONNECTIONS,
	    o.max_rate > 0 ? o.max_rate : ASSAY_FORMS_DEFAULT_MAX_RATE)) ==
	    NULL)
		return harness_failed(&o, "budget", ASSAY_ERR_ALLOC);
	if (o.rate_fixed)
		assay_budget_set_adaptive(env.budget, 0);
	switch (o.kind) {
	case K_SWEEP:
		rc = run_sweep(&o, &env);
		break;
	case K_TLS:
		rc = run_tls(&o, &env);
		break;
	default:
		rc = run_creds(&o, &env);
		break;
	}
	assay_budget_free(env.budget);
	fflush(stdout);
	return rc;
}
