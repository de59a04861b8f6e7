/*
 * test_probe_update.c - update interposition (probe/update_serve.h)
 * against a scripted device in both personas.
 *
 * The test runs itself again under `unshare -rn` (a user and network
 * namespace of its own, as test_probe_gateway.c does) with a veth pair:
 * assay-gw0 carries the gateway 10.77.0.1, assay-dev0 the device's
 * 10.77.0.2, and the local route to 10.77.0.1 takes 10.77.0.2 as its
 * source.  tests/data/update_device.py plays the device: it polls the
 * update host through the gateway and installs what it gets (weak) or
 * what verifies (conforming: the lab CA, the manifest's sha256, an
 * Ed25519 signature, a newer version), and reports its version and image
 * digest on https://10.77.0.2:8443/api/version.cgi behind Basic auth.
 * Releases and keys are made here with openssl.  Without namespaces,
 * iproute2, python3 or openssl the device tests are skipped.
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
#include "probe/gateway.h"
#include "probe/update_serve.h"
#include "testutil.h"

#define GW		"10.77.0.1"
#define DEV		"10.77.0.2"
#define UPD_HOST	"update.refdevice.test"
#define ENV_INSIDE	"ASSAY_UPDATE_TEST_INSIDE"
#define WEB_PW		"Hq7fK3mP9xWt"

static char *tmpdir;
static const char *no_net;
static struct assay_forms *forms;

#define NEED_NET() TU_SKIP_IF(no_net)

static const char *
tmp_path(const char *name)
{
	static char p[4096];

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	return p;
}

/*
 * The lab's material: a CA and the update host's certificate from it,
 * the device's own web certificate, the vendor's and another Ed25519
 * key, and three releases: current 1.0.5 and older 1.0.1 signed by the
 * vendor, other-key 1.0.5 (other bytes) signed by the other key.
 */
static int
make_lab(void)
{
	return tu_runf("cd %s && mkdir -p lab state && cd lab && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout ca-key.pem -out ca.pem -days 30 -subj '/CN=Test "
	    "cloud CA' -addext basicConstraints=critical,CA:TRUE -addext "
	    "keyUsage=critical,keyCertSign,cRLSign 2>/dev/null && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout update-key.pem -out update.leaf -days 30 -subj "
	    "'/CN=" UPD_HOST "' -addext subjectAltName=DNS:" UPD_HOST " -CA "
	    "ca.pem -CAkey ca-key.pem 2>/dev/null && cat update.leaf ca.pem > "
	    "update.pem && "
	    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout dev-key.pem -out dev.pem -days 30 -subj "
	    "'/CN=" DEV "' 2>/dev/null && "
	    "openssl genpkey -algorithm ed25519 -out vendor.pem && "
	    "openssl pkey -in vendor.pem -pubout -out vendor-pub.pem && "
	    "openssl genpkey -algorithm ed25519 -out other.pem && cd .. && "
	    "mkrel() { mkdir -p rel/$1/update && "
	    "head -c 4096 /dev/urandom > rel/$1/update/firmware-$2.bin && "
	    "openssl pkeyutl -sign -inkey lab/$3.pem -rawin -in "
	    "rel/$1/update/firmware-$2.bin -out rel/$1/update/firmware-$2.bin.sig "
	    "&& sha=$(sha256sum rel/$1/update/firmware-$2.bin | cut -d' ' -f1) "
	    "&& printf '{\"model\":\"t\",\"version\":\"%%s\",\"file\":"
	    "\"firmware-%%s.bin\",\"sha256\":\"%%s\",\"signature\":"
	    "\"firmware-%%s.bin.sig\"}' $2 $2 $sha $2 > "
	    "rel/$1/update/manifest.json; } && "
	    "mkrel current 1.0.5 vendor && mkrel older 1.0.1 vendor && "
	    "mkrel other-key 1.0.5 other", tmpdir);
}

static const char SETUP_XML[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
    "  <address>" DEV "</address>\n"
    "  <credentials>\n"
    "    <credential id=\"web-admin\" service=\"web\" origin=\"pre-installed\">\n"
    "      <username>admin</username>\n"
    "      <password>" WEB_PW "</password>\n"
    "    </credential>\n"
    "  </credentials>\n"
    "  <client-side>\n"
    "    <gateway interface=\"assay-gw0\" address=\"" GW "\" dns-port=\"53\">\n"
    "      <answer host=\"" UPD_HOST "\"/>\n"
    "    </gateway>\n"
    "    <identity id=\"update\" host=\"" UPD_HOST "\" cert=\"lab/update.pem\"\n"
    "              key=\"lab/update-key.pem\" ca-cert=\"lab/ca.pem\" ca-key=\"lab/ca-key.pem\"/>\n"
    "    <update id=\"ota\" mechanism=\"ota\" channel=\"cm-cloud\" identity=\"update\"\n"
    "            release=\"rel/current\" older=\"rel/older\" other-key=\"rel/other-key\"\n"
    "            payload=\"/update/firmware-1.0.5.bin\" signature=\"/update/firmware-1.0.5.bin.sig\">\n"
    "      <version-check service=\"web\" path=\"/api/version.cgi\" credential=\"web-admin\"\n"
    "                     version-pattern='\"firmware\":\"([^\"]*)\"'\n"
    "                     digest-pattern='\"image_sha256\":\"([0-9a-f]*)\"'/>\n"
    "    </update>\n"
    "  </client-side>\n"
    "</setup>\n";

/* The example IXIT with cm-cloud outbound to the update host, and the
 * web service on the device's port 8443 (as the example has it). */
static int
write_ixit(void)
{
	static const char from[] = "carries=\"personal-data sensitive-personal-"
	    "data telemetry security-parameters\"/>";
	static const char to[] = "carries=\"personal-data sensitive-personal-"
	    "data telemetry security-parameters\" direction=\"outbound\" "
	    "endpoint=\"https://" UPD_HOST ":443/update/manifest.json\"/>";
	char *src, *hit, *out;
	size_t len;
	int r;

	if ((src = tu_read_file(tu_src("ixit/examples/smart-camera.xml"),
	    &len)) == NULL || (hit = strstr(src, from)) == NULL) {
		free(src);
		return -1;
	}
	out = malloc(len + sizeof(to));
	memcpy(out, src, (size_t)(hit - src));
	strcpy(out + (hit - src), to);
	strcat(out, hit + strlen(from));
	r = tu_write_file(tmp_path("ixit.xml"), out, strlen(out));
	free(out);
	free(src);
	return r;
}

static int
load_forms(void)
{
	struct assay_diag *d = assay_diag_new();
	char ics[4096], ixit[4096], setup[4096];
	int r;

	snprintf(ics, sizeof(ics), "%s", tu_src("ics/examples/smart-camera.xml"));
	snprintf(ixit, sizeof(ixit), "%s", tmp_path("ixit.xml"));
	snprintf(setup, sizeof(setup), "%s", tmp_path("setup.xml"));
	r = assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, setup, &forms, d);
	if (r != 0)
		assay_diag_print(d, stderr);
	assay_diag_free(d);
	return r;
}

static int
group_setup(void **state)
{
	(void)state;
	if ((tmpdir = tu_mkdtemp("update")) == NULL)
		return -1;
	if (!tu_have("openssl"))
		return -1;
	if (make_lab() != 0 || write_ixit() != 0 ||
	    tu_write_file(tmp_path("setup.xml"), SETUP_XML,
	    strlen(SETUP_XML)) != 0 || load_forms() != 0)
		return -1;
	if (no_net == NULL && !tu_have("python3"))
		no_net = "python3 not installed (the scripted device)";
	if (no_net == NULL &&
	    tu_runf("ip link add assay-gw0 type veth peer name assay-dev0 && "
	    "ip addr add " GW "/24 dev assay-gw0 && "
	    "ip addr add " DEV "/24 dev assay-dev0 && "
	    "ip link set assay-gw0 up && ip link set assay-dev0 up && "
	    "ip link set lo up && "
	    "ip route replace local " GW " dev assay-gw0 table local proto "
	    "kernel scope host src " DEV) != 0)
		no_net = "cannot make the veth pair in the test's namespace";
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	assay_forms_free(forms);
	tu_rmrf(tmpdir);
	free(tmpdir);
	return 0;
}

/* --- the decision, on values ------------------------------------------- */

static void
set_state(struct assay_update_state *s, const char *v, const char *d)
{
	memset(s, 0, sizeof(*s));
	s->ok = 1;
	snprintf(s->version, sizeof(s->version), "%s", v);
	snprintf(s->digest, sizeof(s->digest), "%s", d);
	s->has_digest = 1;
}

static void
test_decide(void **state)
{
	struct assay_update_variant v;

	(void)state;
	memset(&v, 0, sizeof(v));
	snprintf(v.served_sha256, sizeof(v.served_sha256), "aa");
	snprintf(v.served_version, sizeof(v.served_version), "1.0.5");
	v.fetched_payload = 1;
	set_state(&v.before, "1.0.3", "");
	set_state(&v.after, "1.0.5", "aa");
	assert_int_equal(assay_update_decide(&v), 1);
	/* Unchanged after a fetch: refused. */
	set_state(&v.after, "1.0.3", "");
	assert_int_equal(assay_update_decide(&v), 0);
	/* Changed, but not to what was served. */
	set_state(&v.after, "1.0.5", "bb");
	assert_int_equal(assay_update_decide(&v), -1);
	assert_non_null(strstr(v.reason, "not to what was served"));
	/* Already there before. */
	set_state(&v.before, "1.0.5", "aa");
	set_state(&v.after, "1.0.5", "aa");
	assert_int_equal(assay_update_decide(&v), -1);
	assert_non_null(strstr(v.reason, "already"));
	/* No fetch at all. */
	set_state(&v.before, "1.0.3", "");
	set_state(&v.after, "1.0.3", "");
	v.fetched_payload = 0;
	v.fetched_manifest = 0;
	assert_int_equal(assay_update_decide(&v), -1);
	assert_non_null(strstr(v.reason, "did not fetch"));
	/* The manifest twice and never the payload: refused from it. */
	v.fetched_manifest = 2;
	assert_int_equal(assay_update_decide(&v), 0);
	v.fetched_manifest = 1;
	assert_int_equal(assay_update_decide(&v), -1);
	/* A failed check is undecided. */
	v.fetched_payload = 1;
	v.after.ok = 0;
	snprintf(v.after.why, sizeof(v.after.why), "refused");
	assert_int_equal(assay_update_decide(&v), -1);
	assert_non_null(strstr(v.reason, "after: refused"));
	/* Without digests, by version. */
	set_state(&v.before, "1.0.3", "");
	set_state(&v.after, "1.0.5", "");
	v.before.has_digest = v.after.has_digest = 0;
	assert_int_equal(assay_update_decide(&v), 1);
}

/* --- against the scripted device ----------------------------------------- */

static pid_t
start_device(const char *persona)
{
	char sdir[4096], lab[4096];
	pid_t pid;

	snprintf(sdir, sizeof(sdir), "%s", tmp_path("state"));
	snprintf(lab, sizeof(lab), "%s", tmp_path("lab"));
	assert_int_equal(tu_runf("rm -f %s/* && printf 1.0.3 > %s/version", sdir,
	    sdir), 0);
	if ((pid = fork()) == 0) {
		execlp("python3", "python3", tu_src("tests/data/update_device.py"),
		    persona, lab, sdir, "admin", WEB_PW, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	assert_int_equal(tu_wait_tcp(DEV, 8443, 10000), 0);
	return pid;
}

static void
stop_device(pid_t pid)
{
	int st;

	kill(pid, SIGTERM);
	(void)waitpid(pid, &st, 0);
}

static const struct assay_update_variant *
variant(const struct assay_update_result *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nvariants; i++)
		if (strcmp(res->v[i].name, name) == 0)
			return &res->v[i];
	fail_msg("no variant %s", name);
	return NULL;
}

static void
print_result(const struct assay_update_result *res)
{
	const struct assay_update_variant *v;
	size_t i;

	for (i = 0; i < res->nvariants; i++) {
		v = &res->v[i];
		fprintf(stderr, "  %-9s installed=%d payload=%d manifest=%d "
		    "requests=%zu %s/%.8s -> %s/%.8s %s (%lld ms)\n", v->name,
		    v->installed, v->fetched_payload, v->fetched_manifest,
		    v->nrequests, v->before.version, v->before.digest,
		    v->after.version, v->after.digest, v->reason, v->ms);
	}
}

static struct assay_update_result *
serve(const char *const *variants, size_t n)
{
	struct assay_update_result *res = NULL;
	struct assay_gw *gw = NULL;
	char why[512];

	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	if (gw == NULL)
		fail_msg("gateway: %s", why);
	assert_int_equal(assay_update_serve(NULL, gw, "ota", variants, n,
	    10000, 1000, &res, why, sizeof(why)), 0);
	assay_gw_close(gw);
	if (res == NULL)
		fail_msg("update_serve: %s", why);
	print_result(res);
	return res;
}

static void
test_weak_installs_everything(void **state)
{
	struct assay_update_result *res;
	const struct assay_update_variant *v;
	char *log;
	pid_t pid;
	size_t i;

	(void)state;
	NEED_NET();
	pid = start_device("weak");
	res = serve(NULL, 0);
	stop_device(pid);
	assert_int_equal(res->nvariants, 5);
	assert_string_equal(res->endpoint,
	    "https://" UPD_HOST ":443/update/manifest.json");
	assert_string_equal(res->issuer, "identity");
	for (i = 0; i < res->nvariants; i++) {
		v = &res->v[i];
		assert_false(v->skipped);
		assert_true(v->fetched_payload);
		assert_int_equal(v->installed, 1);
		assert_string_equal(v->after.digest, v->served_sha256);
	}
	/* The flipped payload is not the release's; older is 1.0.1. */
	assert_string_not_equal(variant(res, "flipped")->served_sha256,
	    variant(res, "control")->served_sha256);
	assert_string_equal(variant(res, "older")->after.version, "1.0.1");
	assert_string_equal(variant(res, "control")->after.version, "1.0.5");
	/* The signature was not asked for by the weak device. */
	v = variant(res, "unsigned");
	for (i = 0; i < v->nrequests; i++)
		assert_null(strstr(v->requests[i].path, ".sig"));
	log = tu_read_file(tmp_path("state/client.log"), NULL);
	assert_non_null(log);
	assert_non_null(strstr(log, "installed 1.0.1"));
	free(log);
	free(res);
}

static void
test_conforming_refuses_tampering(void **state)
{
	struct assay_update_result *res;
	const struct assay_update_variant *v;
	const struct assay_standin_request *q;
	static const char *const bad[] = { "flipped", "unsigned", "other-key",
	    "older" };
	char *log;
	pid_t pid;
	size_t i, k;
	int sig404 = 0;

	(void)state;
	NEED_NET();
	pid = start_device("conforming");
	res = serve(NULL, 0);
	stop_device(pid);
	assert_int_equal(res->nvariants, 5);
	for (i = 0; i < 4; i++) {
		v = variant(res, bad[i]);
		assert_int_equal(v->installed, 0);
		assert_string_equal(v->after.version, "1.0.3");
		assert_string_equal(v->after.digest, "");
	}
	/* It refused the older release from its manifest alone. */
	v = variant(res, "older");
	assert_false(v->fetched_payload);
	assert_true(v->fetched_manifest >= 2);
	/* Unsigned: the signature path answered 404. */
	v = variant(res, "unsigned");
	for (k = 0; k < v->nrequests; k++) {
		q = &v->requests[k];
		if (strcmp(q->path, "/update/firmware-1.0.5.bin.sig") == 0 &&
		    q->status == 404)
			sig404 = 1;
	}
	assert_true(sig404);
	v = variant(res, "control");
	assert_int_equal(v->installed, 1);
	assert_string_equal(v->after.version, "1.0.5");
	assert_string_equal(v->after.digest, v->served_sha256);
	log = tu_read_file(tmp_path("state/client.log"), NULL);
	assert_non_null(log);
	assert_non_null(strstr(log, "refused 1.0.5: sha256 differs"));
	assert_non_null(strstr(log, "refused 1.0.5: no signature"));
	assert_non_null(strstr(log, "refused 1.0.5: signature does not verify"));
	assert_non_null(strstr(log, "refused 1.0.1: not newer"));
	free(log);
	free(res);
}

/* A subset in the order given; a device that is not there: undecided. */
static void
test_no_device(void **state)
{
	static const char *const only[] = { "control" };
	struct assay_update_result *res = NULL;
	struct assay_gw *gw = NULL;
	char why[512];

	(void)state;
	NEED_NET();
	assert_int_equal(assay_gw_open(forms, &gw, why, sizeof(why)), 0);
	assert_non_null(gw);
	assert_int_equal(assay_update_serve(NULL, gw, "nosuch", NULL, 0, 500,
	    0, &res, why, sizeof(why)), ASSAY_ERR_NOT_FOUND);
	assert_int_equal(assay_update_serve(NULL, gw, "ota", (const char *[]){
	    "control", "nosuch" }, 2, 500, 0, &res, why, sizeof(why)),
	    ASSAY_ERR_INVALID_ARG);
	assert_int_equal(assay_update_serve(NULL, gw, "ota", only, 1, 500, 0,
	    &res, why, sizeof(why)), 0);
	assay_gw_close(gw);
	assert_non_null(res);
	assert_int_equal(res->nvariants, 1);
	assert_int_equal(res->v[0].installed, -1);
	assert_non_null(strstr(res->v[0].reason, "version check failed "
	    "before"));
	free(res);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_no_device),
		cmocka_unit_test(test_weak_installs_everything),
		cmocka_unit_test(test_conforming_refuses_tampering),
	};

	(void)argc;
	no_net = tu_enter_netns(argv, ENV_INSIDE, NULL);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
