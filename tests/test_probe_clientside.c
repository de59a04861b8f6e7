/*
 * test_probe_clientside.c - update interposition and observation end to
 * end against the reference device's client side (`assay-refdevice
 * --gateway`), both personas, with the forms the device writes.
 *
 * Runs itself again under `unshare -rn`; the device makes the veth pair
 * (assay-gw0 10.77.0.1 here, eth0 10.77.0.2 in its own namespace) and its
 * client checks for updates and publishes telemetry every second.  The
 * weak persona must install every tampered variant and leak its factory
 * password and the owner's e-mail in clear; the conforming one must refuse
 * every tampered variant, install the genuine release and show nothing
 * in clear while its stand-ins count the telemetry it sent over TLS.
 * Skipped without namespaces or iproute2.
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
#include "probe/update_serve.h"
#include "testutil.h"

#define REFDEVICE	ASSAY_BINARY_DIR "/assay-refdevice"
#define ENV_INSIDE	"ASSAY_CLIENTSIDE_TEST_INSIDE"

static const char *no_net;

#define NEED_NET() TU_SKIP_IF(no_net)

struct device {
	char			*dir;
	struct assay_forms	*forms;
};

static void
start(const char *persona, struct device *d)
{
	struct assay_diag *diag = assay_diag_new();
	char cmd[2048], ics[4096], ixit[4096], setup[4096], *out = NULL;

	memset(d, 0, sizeof(*d));
	assert_non_null(d->dir = tu_mkdtemp("clientside"));
	snprintf(cmd, sizeof(cmd), "%s --persona %s --dir %s/dev --gateway "
	    "--client-interval 1", REFDEVICE, persona, d->dir);
	if (tu_run(cmd, &out) != 0)
		fail_msg("%s: %s", cmd, out != NULL ? out : "");
	free(out);
	snprintf(ics, sizeof(ics), "%s/dev/ics.xml", d->dir);
	snprintf(ixit, sizeof(ixit), "%s/dev/ixit.xml", d->dir);
	snprintf(setup, sizeof(setup), "%s/dev/setup.xml", d->dir);
	if (assay_forms_load(ASSAY_SOURCE_DIR, ics, ixit, setup, &d->forms,
	    diag) != 0) {
		assay_diag_print(diag, stderr);
		fail_msg("the device's forms do not load");
	}
	assay_diag_free(diag);
}

static void
stop(struct device *d)
{
	char path[4096], *pid;

	snprintf(path, sizeof(path), "%s/dev/refdevice.pid", d->dir);
	if ((pid = tu_read_file(path, NULL)) != NULL) {
		kill((pid_t)atoi(pid), SIGTERM);
		free(pid);
	}
	/* It deletes assay-gw0 as it stops; the next device makes its own. */
	for (int i = 0; i < 50 && tu_run("ip link show assay-gw0", NULL) == 0;
	    i++)
		usleep(100000);
	assay_forms_free(d->forms);
	tu_rmrf(d->dir);
	free(d->dir);
}

static struct assay_update_result *
serve(struct device *d)
{
	struct assay_update_result *res = NULL;
	const struct assay_update_variant *v;
	struct assay_gw *gw = NULL;
	char why[512];
	size_t i;

	assert_int_equal(assay_gw_open(d->forms, &gw, why, sizeof(why)), 0);
	if (gw == NULL)
		fail_msg("gateway: %s", why);
	assert_int_equal(assay_update_serve(NULL, gw, "ota", NULL, 0, 15000,
	    2500, &res, why, sizeof(why)), 0);
	assay_gw_close(gw);
	if (res == NULL)
		fail_msg("update_serve: %s", why);
	for (i = 0; i < res->nvariants; i++) {
		v = &res->v[i];
		fprintf(stderr, "  %-9s %s installed=%d payload=%d manifest=%d "
		    "%s/%.8s -> %s/%.8s %s (%lld ms)\n", v->name, v->skipped ?
		    "skipped" : "", v->installed, v->fetched_payload,
		    v->fetched_manifest, v->before.version, v->before.digest,
		    v->after.version, v->after.digest, v->reason, v->ms);
	}
	return res;
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

/* Observes for seconds; counts the secret matches per label prefix. */
static struct assay_observe *
observe(struct device *d, int *pw, int *mail, int *tls_hello)
{
	struct assay_capture_secret sec[ASSAY_CAPTURE_MAX_SECRETS];
	char labels[ASSAY_CAPTURE_MAX_SECRETS][96], why[512];
	const struct assay_fact *f;
	struct assay_observe *o = NULL;
	struct assay_capture *c = NULL;
	struct assay_gw *gw = NULL;
	size_t i, n;

	assert_int_equal(assay_gw_open(d->forms, &gw, why, sizeof(why)), 0);
	assert_non_null(gw);
	/*
	 * 8 s: while serve() held the gateway no cloud endpoint answered, so
	 * the conforming client is backing off (2, 4, 8 s, at most six
	 * intervals: 6 s with --client-interval 1) when the window opens.
	 */
	assert_int_equal(assay_observe_run(NULL, gw, d->dir, NULL, 0, 8, &o,
	    why, sizeof(why)), 0);
	assay_gw_close(gw);
	if (o == NULL)
		fail_msg("observe: %s", why);
	n = assay_observe_secrets(d->forms, sec, labels,
	    ASSAY_CAPTURE_MAX_SECRETS);
	assert_int_equal(assay_capture_analyse_file(o->file, NULL, sec, n, &c,
	    why, sizeof(why)), 0);
	if (c == NULL)
		fail_msg("analysis: %s", why);
	*pw = *mail = *tls_hello = 0;
	for (i = 0; (f = assay_facts_get(assay_capture_facts(c), i)) != NULL;
	    i++) {
		if (strcmp(f->section, "tls") == 0 &&
		    strcmp(assay_fact_str(f, "message"), "client_hello") == 0)
			(*tls_hello)++;
		if (strcmp(f->section, "secret") != 0)
			continue;
		fprintf(stderr, "  frame %lu: %s\n", f->frame,
		    assay_fact_str(f, "label"));
		if (strncmp(assay_fact_str(f, "label"), "password of", 11) == 0)
			(*pw)++;
		else if (strncmp(assay_fact_str(f, "label"), "owner e-mail",
		    12) == 0)
			(*mail)++;
	}
	for (i = 0; i < o->nchannels; i++)
		fprintf(stderr, "  %s %s://%s:%d: %s, %u connections, %u "
		    "handshakes (%s), %u publishes\n", o->ch[i].id,
		    o->ch[i].scheme, o->ch[i].host, o->ch[i].port,
		    o->ch[i].stood_in ? "stood in" : o->ch[i].reason,
		    o->ch[i].stats.connections, o->ch[i].stats.handshakes,
		    o->ch[i].stats.tls_version, o->ch[i].stats.mqtt_publishes);
	fprintf(stderr, "  %lu frames, %d password and %d e-mail matches, %d "
	    "ClientHellos\n", o->frames, *pw, *mail, *tls_hello);
	assay_capture_free(c);
	return o;
}

static const struct assay_observe_channel *
channel(const struct assay_observe *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->nchannels; i++)
		if (strcmp(o->ch[i].id, id) == 0)
			return &o->ch[i];
	fail_msg("no channel %s", id);
	return NULL;
}

static void
test_weak(void **state)
{
	struct assay_update_result *res;
	struct assay_observe *o;
	struct device d;
	size_t i;
	int pw, mail, hello;

	(void)state;
	NEED_NET();
	start("weak", &d);
	res = serve(&d);
	/* The weak update has no signature: "unsigned" has nothing to
	 * remove.  Every other variant is installed. */
	assert_true(variant(res, "unsigned")->skipped);
	for (i = 0; i < res->nvariants; i++)
		if (!res->v[i].skipped) {
			assert_int_equal(res->v[i].installed, 1);
			assert_string_equal(res->v[i].after.digest,
			    res->v[i].served_sha256);
		}
	free(res);
	o = observe(&d, &pw, &mail, &hello);
	assert_true(pw > 0 && mail > 0);
	assert_true(channel(o, "com-cloud")->stats.mqtt_publishes > 0);
	free(o);
	stop(&d);
}

static void
test_conforming(void **state)
{
	static const char *const bad[] = { "flipped", "unsigned", "other-key",
	    "older" };
	struct assay_update_result *res;
	const struct assay_observe_channel *ch;
	struct assay_observe *o;
	struct device d;
	size_t i;
	int pw, mail, hello;

	(void)state;
	NEED_NET();
	start("conforming", &d);
	res = serve(&d);
	for (i = 0; i < 4; i++)
		assert_int_equal(variant(res, bad[i])->installed, 0);
	assert_int_equal(variant(res, "control")->installed, 1);
	free(res);
	o = observe(&d, &pw, &mail, &hello);
	assert_int_equal(pw + mail, 0);
	assert_true(hello > 0);
	ch = channel(o, "com-cloud");
	assert_true(ch->stats.handshakes > 0 && ch->stats.mqtt_publishes > 0);
	assert_string_equal(ch->issuer, "identity");
	free(o);
	stop(&d);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_conforming),
	};

	(void)argc;
	no_net = tu_enter_netns(argv, ENV_INSIDE, "ip link set lo up");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
