/*
 * test_probe_observe.c - observation at the lab gateway (probe/observe.h):
 * record while standing in for the device's cloud, then find what it sent
 * in clear.
 *
 * Runs itself again under `unshare -rn` with a veth pair whose device end
 * (assay-dev0, 10.77.0.2, default route via the gateway) is moved into a
 * second network namespace, as the reference device's is; assay-gw0
 * carries the gateway 10.77.0.1 and the recording.  The device is a shell
 * loop of real clients run there with nsenter: dig asks the gateway for the cloud host,
 * then mosquitto_pub publishes telemetry with the owner's e-mail, weak in
 * clear on 1883 with the factory password, conforming over TLS on 8883
 * validating the lab CA (--insecure: by address, no name to check) with a
 * cloud token.  Each frame the analysis names is read back from the pcap
 * file here and must hold the secret.  The same through assay.net.observe
 * in a test case with its evidence directory.  Skipped without
 * namespaces, iproute2, mosquitto_pub, openssl or the capture capability.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/diag.h"
#include "base/error.h"
#include "forms/forms.h"
#include "probe/dissect.h"
#include "probe/gateway.h"
#include "probe/observe.h"
#include "probe/pcap.h"
#include "probe/probe.h"
#include "run/api.h"
#include "run/evidence.h"
#include "run/sandbox.h"
#include "run/verdict.h"
#include "testutil.h"

#define GW		"10.77.0.1"
#define DEV		"10.77.0.2"
#define CLOUD_HOST	"cloud.refdevice.test"
#define ENV_INSIDE	"ASSAY_OBSERVE_TEST_INSIDE"
#define WEAK_PW		"xc3511"
#define TOKEN		"tok-6f1c2b9a8e7d5430"
#define EMAIL		"owner@example.test"

static char *tmpdir;
static const char *no_net;
static struct assay_forms *weak_forms, *conf_forms;
static pid_t holder = -1;	/* holds the device's network namespace */

#define NEED_NET() TU_SKIP_IF(no_net)

static const char *
tmp_path(const char *name)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

static int
make_lab(void)
{
	return tu_runf("cd %s && mkdir -p lab && cd lab && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout ca-key.pem -out ca.pem -days 30 -subj '/CN=Test "
	    "cloud CA' -addext basicConstraints=critical,CA:TRUE -addext "
	    "keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout cloud-key.pem -out cloud.leaf -days 30 -subj "
	    "'/CN=" CLOUD_HOST "' -addext subjectAltName=DNS:" CLOUD_HOST
	    ",IP:" GW " -CA ca.pem -CAkey ca-key.pem 2>/dev/null && "
	    "cat cloud.leaf ca.pem > cloud.pem", tmpdir);
}

static const char SETUP_FMT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
    "  <address>" DEV "</address>\n"
    "  <credentials>\n"
    "    <credential id=\"cloud\" service=\"mqtt\" origin=\"pre-installed\">\n"
    "      <username>device</username>\n"
    "      <password>%s</password>\n"
    "    </credential>\n"
    "  </credentials>\n"
    "  <client-side>\n"
    "    <gateway interface=\"assay-gw0\" address=\"" GW "\" dns-port=\"53\">\n"
    "      <answer host=\"" CLOUD_HOST "\"/>\n"
    "    </gateway>\n"
    "    <identity id=\"cloud\" host=\"" CLOUD_HOST "\" cert=\"lab/cloud.pem\"\n"
    "              key=\"lab/cloud-key.pem\"/>\n"
    "    <watch label=\"owner e-mail\" kind=\"personal-data\">" EMAIL "</watch>\n"
    "  </client-side>\n"
    "</setup>\n";

/* The example IXIT with cm-cloud outbound MQTT to endpoint, with
 * security (none or tls). */
static int
write_ixit(const char *name, const char *endpoint, const char *security)
{
	static const char from[] = "<facts protocol=\"https\" security=\"tls\" "
	    "tls-versions=\"TLSv1.3\"\n"
	    "               tls-suites=\"TLS_AES_128_GCM_SHA256 "
	    "TLS_AES_256_GCM_SHA384\" remote=\"true\"\n"
	    "               guarantees=\"confidentiality integrity "
	    "authenticity\"\n"
	    "               carries=\"personal-data sensitive-personal-"
	    "data telemetry security-parameters\"/>";
	char *src, *hit, *out, to[512];
	size_t len;
	int r;

	snprintf(to, sizeof(to), "<facts protocol=\"mqtt\" security=\"%s\" "
	    "remote=\"true\" carries=\"personal-data telemetry "
	    "credentials\" direction=\"outbound\" endpoint=\"%s\"/>",
	    security, endpoint);
	if ((src = tu_read_file(tu_src("ixit/examples/smart-camera.xml"),
	    &len)) == NULL || (hit = strstr(src, from)) == NULL) {
		free(src);
		return -1;
	}
	out = malloc(len + sizeof(to));
	memcpy(out, src, (size_t)(hit - src));
	strcpy(out + (hit - src), to);
	strcat(out, hit + strlen(from));
	r = tu_write_file(tmp_path(name), out, strlen(out));
	free(out);
	free(src);
	return r;
}

static int
load(const char *persona, const char *endpoint, const char *pw,
    struct assay_forms **fp)
{
	struct assay_diag *d = assay_diag_new();
	char ics[4096], ixit[4096], setup[4096], name[64], xml[4096];
	int r;

	snprintf(name, sizeof(name), "ixit-%s.xml", persona);
	if (write_ixit(name, endpoint, strcmp(persona, "weak") == 0 ?
	    "none" : "tls") != 0)
		return -1;
	snprintf(ixit, sizeof(ixit), "%s", tmp_path(name));
	snprintf(name, sizeof(name), "setup-%s.xml", persona);
	snprintf(xml, sizeof(xml), SETUP_FMT, pw);
	if (tu_write_file(tmp_path(name), xml, strlen(xml)) != 0)
		return -1;
	snprintf(setup, sizeof(setup), "%s", tmp_path(name));
	snprintf(ics, sizeof(ics), "%s", tu_src("ics/examples/smart-camera.xml"));
	r = assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, setup, fp, d);
	if (r != 0)
		assay_diag_print(d, stderr);
	assay_diag_free(d);
	return r;
}

static int
group_setup(void **state)
{
	(void)state;
	if ((tmpdir = tu_mkdtemp("observe")) == NULL || !tu_have("openssl"))
		return -1;
	if (make_lab() != 0 ||
	    load("weak", "mqtt://" CLOUD_HOST ":1883", WEAK_PW, &weak_forms) != 0 ||
	    load("conf", "mqtts://" CLOUD_HOST ":8883", TOKEN, &conf_forms) != 0)
		return -1;
	if (no_net == NULL && !tu_have("mosquitto_pub"))
		no_net = "mosquitto_pub not installed (mosquitto-clients)";
	if (no_net == NULL && !tu_have("nsenter"))
		no_net = "nsenter not installed (util-linux)";
	/*
	 * The device gets a network namespace of its own (held by a sleeping
	 * process), as the reference device has: its traffic to the gateway
	 * then crosses the veth pair, where the recording is made, instead
	 * of the loopback a single namespace would route it over.
	 */
	if (no_net == NULL && (holder = fork()) == 0) {
		execlp("unshare", "unshare", "-n", "sleep", "3600", (char *)NULL);
		_exit(127);
	}
	if (no_net == NULL) {
		usleep(300000);
		if (tu_runf("ip link add assay-gw0 type veth peer name assay-dev0 && "
		    "ip addr add " GW "/24 dev assay-gw0 && "
		    "ip link set assay-gw0 up && ip link set lo up && "
		    "ip link set assay-dev0 netns %d && nsenter -t %d -n sh -c "
		    "'ip addr add " DEV "/24 dev assay-dev0 && ip link set "
		    "assay-dev0 up && ip link set lo up && ip route add default "
		    "via " GW "'", (int)holder, (int)holder) != 0)
			no_net = "cannot make the veth pair and the device's "
			    "namespace";
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (holder > 0) {
		int st;

		kill(holder, SIGTERM);
		(void)waitpid(holder, &st, 0);
	}
	assay_forms_free(weak_forms);
	assay_forms_free(conf_forms);
	tu_rmrf(tmpdir);
	free(tmpdir);
	return 0;
}

/* The device: a loop of dig and mosquitto_pub, every 0.5 s. */
static pid_t
start_device(int weak)
{
	char cmd[2048];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "while :; do "
	    "if command -v dig >/dev/null; then dig +tries=1 +time=1 @" GW
	    " " CLOUD_HOST " A >/dev/null 2>&1; fi; "
	    "mosquitto_pub -h " GW " -p %s -u device -P '%s' -i cam-0001 "
	    "-t devices/SN0001/telemetry -q 0 "
	    "-m '{\"uptime\":12,\"firmware\":\"1.0.3\",\"owner\":\"" EMAIL "\"}' "
	    "%s >/dev/null 2>&1; sleep 0.5; done",
	    weak ? "1883" : "8883", weak ? WEAK_PW : TOKEN,
	    weak ? "" : "--cafile lab/ca.pem --insecure");
	if ((pid = fork()) == 0) {
		char t[32];

		if (chdir(tmpdir) != 0)
			_exit(127);
		snprintf(t, sizeof(t), "%d", (int)holder);
		execlp("nsenter", "nsenter", "-t", t, "-n", "/bin/sh", "-c", cmd,
		    (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	return pid;
}

static void
stop_device(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	(void)waitpid(pid, &st, 0);
}

/*
 * Reads frame n (1-based) of a little-endian microsecond pcap file and
 * says whether it holds s: the frame numbers of the analysis checked
 * against the file itself.
 */
static int
frame_holds(const char *path, unsigned long n, const char *s)
{
	unsigned char *p;
	size_t len, off = 24, caplen;
	unsigned long i;
	int found = 0;

	if ((p = (unsigned char *)tu_read_file(path, &len)) == NULL ||
	    len < 24 || p[0] != 0xd4)
		goto out;
	for (i = 1; off + 16 <= len; i++) {
		caplen = (size_t)p[off + 8] | (size_t)p[off + 9] << 8 |
		    (size_t)p[off + 10] << 16 | (size_t)p[off + 11] << 24;
		if (off + 16 + caplen > len)
			break;
		if (i == n) {
			found = memmem(p + off + 16, caplen, s, strlen(s)) != NULL;
			break;
		}
		off += 16 + caplen;
	}
 out:
	free(p);
	return found;
}

static struct assay_observe *
observe(struct assay_forms *f, int seconds)
{
	struct assay_observe *o = NULL;
	struct assay_gw *gw = NULL;
	char why[512];

	assert_int_equal(assay_gw_open(f, &gw, why, sizeof(why)), 0);
	if (gw == NULL)
		fail_msg("gateway: %s", why);
	assert_int_equal(assay_observe_run(NULL, gw, tmpdir, NULL, 0, seconds,
	    &o, why, sizeof(why)), 0);
	assay_gw_close(gw);
	if (o == NULL) {
		if (strstr(why, "ermission") != NULL ||
		    strstr(why, "Operation not permitted") != NULL) {
			fprintf(stderr, "skipped: %s\n", why);
			skip();
		}
		fail_msg("observe: %s", why);
	}
	return o;
}

static struct assay_capture *
analyse(struct assay_forms *f, const struct assay_observe *o)
{
	struct assay_capture_secret sec[ASSAY_CAPTURE_MAX_SECRETS];
	char labels[ASSAY_CAPTURE_MAX_SECRETS][96];
	struct assay_capture *c = NULL;
	char why[512];
	size_t n;

	n = assay_observe_secrets(f, sec, labels, ASSAY_CAPTURE_MAX_SECRETS);
	assert_true(n >= 2);
	assert_string_equal(sec[0].label, "password of credential cloud");
	assert_string_equal(sec[0].user, "device");
	assert_string_equal(sec[1].label, "owner e-mail (personal-data)");
	assert_int_equal(assay_capture_analyse_file(o->file, NULL, sec, n, &c,
	    why, sizeof(why)), 0);
	if (c == NULL)
		fail_msg("analysis: %s", why);
	return c;
}

static void
test_weak_in_clear(void **state)
{
	const struct assay_fact *fact;
	const struct assay_facts *fs;
	struct assay_observe *o;
	struct assay_capture *c;
	size_t i;
	int pw = 0, mail = 0, connect = 0;

	(void)state;
	NEED_NET();
	pid_t pid = start_device(1);
	o = observe(weak_forms, 4);
	stop_device(pid);
	assert_int_equal(o->nchannels, 1);
	assert_string_equal(o->ch[0].id, "cm-cloud");
	assert_true(o->ch[0].stood_in);
	assert_null(o->ch[0].issuer);
	assert_true(o->ch[0].stats.mqtt_connects >= 2);
	assert_true(o->ch[0].stats.mqtt_publishes >= 2);
	assert_true(o->frames > 0);
	c = analyse(weak_forms, o);
	fs = assay_capture_facts(c);
	for (i = 0; (fact = assay_facts_get(fs, i)) != NULL; i++) {
		if (strcmp(fact->section, "mqtt") == 0 &&
		    assay_fact_str(fact, "username") != NULL)
			connect++;
		if (strcmp(fact->section, "secret") != 0)
			continue;
		assert_true(fact->frame > 0);
		if (strcmp(assay_fact_str(fact, "label"),
		    "password of credential cloud") == 0) {
			assert_true(frame_holds(o->file, fact->frame, WEAK_PW));
			pw++;
		} else if (strcmp(assay_fact_str(fact, "label"),
		    "owner e-mail (personal-data)") == 0) {
			assert_true(frame_holds(o->file, fact->frame, EMAIL));
			mail++;
		}
	}
	fprintf(stderr, "  weak: %lu frames, %d password and %d e-mail "
	    "matches, %d CONNECTs\n", o->frames, pw, mail, connect);
	assert_true(pw >= 2 && mail >= 2 && connect >= 2);
	assay_capture_free(c);

	/* The stored copy: every secret masked, the frames as they were. */
	{
		struct assay_capture_secret sec[ASSAY_CAPTURE_MAX_SECRETS];
		char labels[ASSAY_CAPTURE_MAX_SECRETS][96], why[256], *all;
		size_t ns, masked, len;

		ns = assay_observe_secrets(weak_forms, sec, labels,
		    ASSAY_CAPTURE_MAX_SECRETS);
		assert_int_equal(assay_observe_mask_file(o->file, sec, ns,
		    &masked, why, sizeof(why)), 0);
		assert_string_equal(why, "");
		assert_true(masked >= (size_t)(pw + mail));
		assert_non_null(all = tu_read_file(o->file, &len));
		assert_null(memmem(all, len, WEAK_PW, strlen(WEAK_PW)));
		assert_null(memmem(all, len, EMAIL, strlen(EMAIL)));
		free(all);
		c = analyse(weak_forms, o);
		assert_int_equal(assay_capture_frames(c), o->frames);
		assert_null(assay_facts_find(assay_capture_facts(c), "secret", 0));
		assay_capture_free(c);
	}
	free(o);
}

static void
test_conforming_encrypted(void **state)
{
	const struct assay_fact *fact;
	const struct assay_facts *fs;
	struct assay_observe *o;
	struct assay_capture *c;
	size_t i;
	int hello = 0, appdata = 0;

	(void)state;
	NEED_NET();
	pid_t pid = start_device(0);
	o = observe(conf_forms, 4);
	stop_device(pid);
	assert_true(o->ch[0].stood_in);
	assert_string_equal(o->ch[0].issuer, "identity");
	/* It validated the lab's identity and published through the TLS
	 * session: the stand-in counted the PUBLISH it decrypted. */
	assert_true(o->ch[0].stats.handshakes >= 2);
	assert_int_equal(o->ch[0].stats.handshake_failures, 0);
	assert_true(o->ch[0].stats.mqtt_publishes >= 2);
	c = analyse(conf_forms, o);
	fs = assay_capture_facts(c);
	for (i = 0; (fact = assay_facts_get(fs, i)) != NULL; i++) {
		assert_string_not_equal(fact->section, "secret");
		if (strcmp(fact->section, "tls") == 0 &&
		    strcmp(assay_fact_str(fact, "message"), "client_hello") == 0)
			hello++;
		if (strcmp(fact->section, "tls") == 0 &&
		    strcmp(assay_fact_str(fact, "message"),
		    "application_data") == 0)
			appdata++;
	}
	fprintf(stderr, "  conforming: %lu frames, %d ClientHellos, %d "
	    "application-data facts, no secret in clear; %u handshakes (%s)\n",
	    o->frames, hello, appdata, o->ch[0].stats.handshakes,
	    o->ch[0].stats.tls_version);
	assert_true(hello >= 2 && appdata >= 2);
	assay_capture_free(c);
	free(o);
}

/* Through assay.net.observe in a test case, recording into its evidence. */
static void
test_lua_observe(void **state)
{
	static const char src[] =
	    "local o, why = assay.net.observe{ seconds = 3 }\n"
	    "assert(o, why)\n"
	    "assert(o.file:find(EV, 1, true) == 1, o.file)\n"
	    "assert(#o.sha256 == 64 and o.frames > 0)\n"
	    "assert(o.standin[1].channel == 'cm-cloud' and o.standin[1].stood_in)\n"
	    "assert(o.standin[1].mqtt_publishes >= 1)\n"
	    "local labels = {}\n"
	    "for _, s in ipairs(o.secrets) do\n"
	    "  assert(s.frame > 0)\n"
	    "  labels[s.label] = true\n"
	    "end\n"
	    "assert(labels['owner e-mail (personal-data)'], 'e-mail not found')\n"
	    "assert(labels['password of credential cloud'], 'password not found')\n"
	    "assert(o.masked >= #o.secrets and o.file_sha256 ~= o.sha256)\n"
	    "local asked = false\n"
	    "for _, d in ipairs(o.dns_asked) do\n"
	    "  if d.name == 'cloud.refdevice.test' and d.answered then asked = true end\n"
	    "end\n"
	    "assert(asked or not HAVE_DIG, 'the name asked is not listed')\n"
	    "for _, m in ipairs(o.mqtt) do\n"
	    "  assert(not tostring(m.username or ''):find('xc3511'))\n"
	    "end\n"
	    "local ok, e = pcall(assay.net.observe, { channels = { 'cm-web' } })\n"
	    "assert(not ok and e:find('observe: '), e)\n";
	struct assay_run_info info;
	struct assay_evidence *ev = NULL;
	struct assay_evidence_tc *etc = NULL;
	struct assay_sandbox *sb = NULL;
	struct assay_budget *b;
	struct assay_probe_env env;
	struct assay_api_ctx ctx;
	struct assay_diag *d;
	struct assay_result res;
	char *dir, out[1024], chunk[sizeof(src) + 4200];
	pid_t pid;
	int r;

	(void)state;
	NEED_NET();
	memset(&res, 0, sizeof(res));
	memset(&info, 0, sizeof(info));
	assert_non_null(dir = tu_mkdtemp("observe-lua"));
	assert_non_null(d = assay_diag_new());
	snprintf(out, sizeof(out), "%s/run", dir);
	assert_int_equal(assay_evidence_open(out, 0, &info, NULL, 0, &ev, d), 0);
	assert_int_equal(assay_evidence_tc_begin(ev, "tc-observe", &etc), 0);
	snprintf(chunk, sizeof(chunk), "local EV = '%s'\nlocal HAVE_DIG = %s\n%s",
	    assay_evidence_tc_dir(etc), tu_have("dig") ? "true" : "false", src);
	assert_non_null(b = assay_budget_new(8, 1000));
	memset(&env, 0, sizeof(env));
	env.budget = b;
	env.timeout_ms = 2000;
	env.max_read = 65536;
	memset(&ctx, 0, sizeof(ctx));
	ctx.result = &res;
	ctx.probe_env = &env;
	ctx.datadir = ASSAY_SOURCE_DIR;
	ctx.forms = weak_forms;
	ctx.evidence = etc;
	assert_int_equal(assay_sandbox_new(NULL, &sb), 0);
	assert_int_equal(assay_api_install(sb, &ctx), 0);
	pid = start_device(1);
	if ((r = assay_sandbox_load(sb, "@observe.lua", chunk,
	    strlen(chunk))) == 0)
		r = assay_sandbox_call(sb, 0, 0);
	stop_device(pid);
	if (r != 0)
		fail_msg("test case failed: %s", assay_sandbox_error(sb));
	assay_sandbox_free(sb);
	assay_budget_free(b);
	assert_int_equal(assay_evidence_tc_end(etc, &res), 0);
	assay_result_clear(&res);
	assay_evidence_free(ev);
	assay_diag_free(d);
	tu_rmrf(dir);
	free(dir);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weak_in_clear),
		cmocka_unit_test(test_conforming_encrypted),
		cmocka_unit_test(test_lua_observe),
	};

	(void)argc;
	no_net = tu_enter_netns(argv, ENV_INSIDE, NULL);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
