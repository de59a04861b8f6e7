/*
 * probe/update_serve.c - update interposition: tampered, unsigned,
 * other-key, older and genuine releases served in turn, the device's
 * reported version read around each (probe/update_serve.h,
 * docs/probe_update.md).
 */
#include <errno.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/error.h"
#include "base/hash.h"
#include "forms/forms.h"
#include "probe/gateway.h"
#include "probe/http.h"
#include "probe/import_json.h"
#include "base/file.h"
#include "probe/lua.h"
#include "probe/observe.h"
#include "probe/probe.h"
#include "probe/standin.h"
#include "probe/update_serve.h"

const char *const assay_update_variant_names[] = { "flipped", "unsigned",
	"other-key", "older", "control", NULL };

/* A connection from the device: its idle and total time. */
#define CONN_IDLE_MS	5000
#define CONN_MAX_MS	30000
/* Version check answers kept (the device's JSON is small). */
#define CHECK_MAX_BODY	(64 * 1024)

static const struct assay_update_decl *
find_update(const struct assay_forms *f, const char *id)
{
	const struct assay_update_decl *u;
	size_t i, n = assay_forms_nupdates(f);

	for (i = 0; i < n; i++)
		if ((u = assay_forms_update(f, i)) != NULL && u->id != NULL &&
		    strcmp(u->id, id) == 0)
			return u;
	return NULL;
}

static long
find_credential(const struct assay_forms *f, const char *id)
{
	size_t i, n = assay_forms_ncredentials(f);

	for (i = 0; i < n; i++)
		if (strcmp(assay_forms_credential_id(f, i), id) == 0)
			return (long)i;
	return -1;
}

/* Group 1 of the extended regular expression re in s, into out. */
static int
match_group(const char *re, const char *s, char *out, size_t olen,
    char *why, size_t whylen)
{
	regmatch_t m[2];
	regex_t rx;
	size_t n;
	int r;

	out[0] = '\0';
	if ((r = regcomp(&rx, re, REG_EXTENDED)) != 0) {
		(void)snprintf(why, whylen, "the set-up's pattern %s does not "
		    "compile", re);
		return -1;
	}
	r = regexec(&rx, s, 2, m, 0);
	regfree(&rx);
	if (r != 0 || m[1].rm_so < 0) {
		(void)snprintf(why, whylen, "the answer does not match %s", re);
		return -1;
	}
	n = (size_t)(m[1].rm_eo - m[1].rm_so);
	if (n >= olen) {
		(void)snprintf(why, whylen, "the value matching %s is longer "
		    "than %zu bytes", re, olen - 1);
		return -1;
	}
	memcpy(out, s + m[1].rm_so, n);
	out[n] = '\0';
	return 0;
}

/*
 * Reads the device's version check.  0 with st->ok set or st->why, or
 * ASSAY_ERR_* (the budget included) from the HTTP probe.
 */
static int
version_check(const struct assay_probe_env *env, const struct assay_forms *f,
    const struct assay_version_check_decl *vc, struct assay_update_state *st)
{
	struct assay_http_request req;
	struct assay_http_response *resp = NULL;
	char url[1024], err[512];
	const char *addr, *proto, *sec, *body;
	long si, ci;
	int r;

	memset(st, 0, sizeof(*st));
	if ((si = assay_forms_service_find(f, vc->service)) < 0) {
		(void)snprintf(st->why, sizeof(st->why), "no service %s in the "
		    "IXIT", vc->service);
		return 0;
	}
	proto = assay_forms_service_protocol(f, (size_t)si);
	sec = assay_forms_service_security(f, (size_t)si);
	if ((addr = assay_forms_service_address(f, (size_t)si)) == NULL) {
		(void)snprintf(st->why, sizeof(st->why), "no address for "
		    "service %s", vc->service);
		return 0;
	}
	(void)snprintf(url, sizeof(url), "%s://%s%s%s:%d%s",
	    (proto != NULL && strcmp(proto, "https") == 0) ||
	    (sec != NULL && strcmp(sec, "tls") == 0) ? "https" : "http",
	    strchr(addr, ':') != NULL ? "[" : "", addr,
	    strchr(addr, ':') != NULL ? "]" : "",
	    assay_forms_service_port(f, (size_t)si), vc->path);
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.max_body = CHECK_MAX_BODY;
	if (vc->credential != NULL) {
		if ((ci = find_credential(f, vc->credential)) < 0) {
			(void)snprintf(st->why, sizeof(st->why), "no credential "
			    "%s in the set-up", vc->credential);
			return 0;
		}
		req.user = assay_forms_credential_username(f, (size_t)ci);
		req.password = assay_forms_credential_password(f, (size_t)ci);
		req.auth = ASSAY_HTTP_AUTH_BASIC;
	}
	err[0] = '\0';
	if ((r = assay_probe_http_request(env, &req, &resp, err,
	    sizeof(err))) != 0)
		return r;
	if (resp == NULL) {
		(void)snprintf(st->why, sizeof(st->why), "%.100s: %.140s", url, err);
		return 0;
	}
	if (assay_http_response_status(resp) != 200) {
		(void)snprintf(st->why, sizeof(st->why), "%.150s answered %ld", url,
		    assay_http_response_status(resp));
		goto out;
	}
	body = assay_http_response_body(resp, NULL);
	if (match_group(vc->version_pattern, body, st->version,
	    sizeof(st->version), st->why, sizeof(st->why)) != 0)
		goto out;
	if (vc->digest_pattern != NULL) {
		if (match_group(vc->digest_pattern, body, st->digest,
		    sizeof(st->digest), st->why, sizeof(st->why)) != 0)
			goto out;
		st->has_digest = 1;
	}
	st->ok = 1;
 out:
	assay_http_response_free(resp);
	return 0;
}

/* The "version" member of the manifest JSON at path of site, or "". */
static void
manifest_version(struct assay_standin_site *site, const char *path,
    char *out, size_t olen)
{
	const struct assay_jv *v;
	struct assay_jv *j = NULL;
	unsigned char *p;
	char why[128];
	size_t len;

	out[0] = '\0';
	if ((p = assay_standin_site_get(site, path, &len)) == NULL ||
	    assay_json_parse((const char *)p, len, &j, why, sizeof(why)) != 0)
		return;
	if ((v = assay_json_get(j, "version")) != NULL &&
	    v->type == ASSAY_JSON_STR && v->slen < olen)
		(void)snprintf(out, olen, "%s", v->s);
	assay_json_free(j);
}

static int
same_state(const struct assay_update_state *a,
    const struct assay_update_state *b)
{
	return strcmp(a->version, b->version) == 0 &&
	    strcmp(a->digest, b->digest) == 0;
}

/*
 * 1 when st, read while the device is still served, already shows the
 * served image installed (its digest, or without digests the served
 * version, and not before): waiting out the settle adds nothing.
 */
static int
reports_served(const struct assay_update_variant *v,
    const struct assay_update_state *st)
{
	const struct assay_update_state *b = &v->before;

	if (!st->ok || !b->ok || same_state(b, st))
		return 0;
	if (st->has_digest && b->has_digest)
		return strcmp(st->digest, v->served_sha256) == 0 &&
		    strcmp(b->digest, v->served_sha256) != 0;
	return v->served_version[0] != '\0' &&
	    strcmp(st->version, v->served_version) == 0 &&
	    strcmp(b->version, v->served_version) != 0;
}

int
assay_update_decide(struct assay_update_variant *v)
{
	const struct assay_update_state *b = &v->before, *a = &v->after;
	int changed, matches, was;

	v->installed = -1;
	if (!b->ok || !a->ok) {
		(void)snprintf(v->reason, sizeof(v->reason), "version check "
		    "failed %s: %s", !b->ok ? "before" : "after",
		    !b->ok ? b->why : a->why);
		return -1;
	}
	if (!v->fetched_payload && v->fetched_manifest == 0) {
		(void)snprintf(v->reason, sizeof(v->reason), "the device did "
		    "not fetch the update");
		return -1;
	}
	changed = !same_state(b, a);
	if (a->has_digest && b->has_digest) {
		matches = strcmp(a->digest, v->served_sha256) == 0;
		was = strcmp(b->digest, v->served_sha256) == 0;
	} else if (v->served_version[0] != '\0') {
		matches = strcmp(a->version, v->served_version) == 0;
		was = strcmp(b->version, v->served_version) == 0;
	} else {
		(void)snprintf(v->reason, sizeof(v->reason), "neither a digest "
		    "reported nor a version in the served manifest to compare");
		return -1;
	}
	if (was) {
		(void)snprintf(v->reason, sizeof(v->reason), "the device "
		    "already reported what was served before it was served");
		return -1;
	}
	if (changed && matches) {
		v->installed = 1;
		v->reason[0] = '\0';
		return 1;
	}
	if (changed) {
		(void)snprintf(v->reason, sizeof(v->reason), "the reported "
		    "state changed (%s -> %s) but not to what was served",
		    b->version, a->version);
		return -1;
	}
	if (v->fetched_payload || v->fetched_manifest >= 2) {
		v->installed = 0;
		(void)snprintf(v->reason, sizeof(v->reason), "%s",
		    v->fetched_payload ? "fetched and not installed" :
		    "refused from the manifest (fetched it again, never the "
		    "payload)");
		return 0;
	}
	(void)snprintf(v->reason, sizeof(v->reason), "the device fetched the "
	    "manifest once and not the payload: no decision seen");
	return -1;
}

static void
sleep_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int
gw_accept(void *arg, int lfd, int ms, int *cfd, char *peer, size_t plen)
{
	return assay_gw_accept(arg, lfd, ms, cfd, peer, plen);
}

/* Builds the site of variant name into *sp (NULL with v->reason: skipped). */
static int
make_variant(const char *name, const struct assay_update_decl *u,
    const struct assay_standin_site *release,
    struct assay_update_variant *v, struct assay_standin_site **sp)
{
	struct assay_standin_site *s = NULL;
	unsigned char *p;
	char why[512];
	const char *dir = NULL;
	size_t len;
	int r;

	*sp = NULL;
	if (strcmp(name, "flipped") == 0 || strcmp(name, "unsigned") == 0 ||
	    strcmp(name, "control") == 0) {
		if (strcmp(name, "unsigned") == 0 && u->signature == NULL) {
			(void)snprintf(v->reason, sizeof(v->reason), "the "
			    "update declares no signature");
			return 0;
		}
		if ((s = assay_standin_site_dup(release)) == NULL)
			return ASSAY_ERR_ALLOC;
		if (strcmp(name, "flipped") == 0) {
			p = assay_standin_site_get(s, u->payload, &len);
			if (p == NULL || len == 0) {
				assay_standin_site_free(s);
				(void)snprintf(v->reason, sizeof(v->reason),
				    "the payload is empty: no byte to flip");
				return 0;
			}
			p[len / 2] ^= 0xff;
		} else if (strcmp(name, "unsigned") == 0)
			(void)assay_standin_site_remove(s, u->signature);
		*sp = s;
		return 0;
	}
	dir = strcmp(name, "older") == 0 ? u->older : u->other_key;
	if (dir == NULL) {
		(void)snprintf(v->reason, sizeof(v->reason), "the update "
		    "declares no %s release", name);
		return 0;
	}
	if ((s = assay_standin_site_new()) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = assay_standin_site_load_dir(s, dir, why, sizeof(why))) != 0) {
		assay_standin_site_free(s);
		return r;
	}
	if (why[0] != '\0') {
		(void)snprintf(v->reason, sizeof(v->reason), "the %s release "
		    "cannot be served: %.400s", name, why);
		assay_standin_site_free(s);
		return 0;
	}
	*sp = s;
	return 0;
}

/* The payload path of site: the update's, or for the older release
 * (named after its own version) the file its manifest names. */
static const char *
payload_path(const struct assay_update_decl *u, struct assay_standin_site *s,
    const char *manifest, char *buf, size_t blen)
{
	const struct assay_jv *v;
	struct assay_jv *j = NULL;
	unsigned char *p;
	const char *slash;
	char why[128];
	size_t len;

	if (assay_standin_site_get(s, u->payload, NULL) != NULL)
		return u->payload;
	if ((p = assay_standin_site_get(s, manifest, &len)) == NULL ||
	    assay_json_parse((const char *)p, len, &j, why, sizeof(why)) != 0)
		return u->payload;
	slash = strrchr(manifest, '/');
	if ((v = assay_json_get(j, "file")) != NULL &&
	    v->type == ASSAY_JSON_STR && slash != NULL &&
	    snprintf(buf, blen, "%.*s/%s", (int)(slash - manifest), manifest,
	    v->s) < (int)blen &&
	    assay_standin_site_get(s, buf, NULL) != NULL) {
		assay_json_free(j);
		return buf;
	}
	assay_json_free(j);
	return u->payload;
}

static unsigned
count_fetches(const struct assay_standin_stats *st, const char *path)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < st->nrequests; i++)
		if (st->requests[i].status == 200 &&
		    strcmp(st->requests[i].path, path) == 0)
			n++;
	return n;
}

/* How often the version is read while the device settles. */
#define SETTLE_POLL_MS	500

static int
run_variant(const struct assay_probe_env *env, struct assay_gw *gw,
    const struct assay_update_decl *u, struct assay_standin_server *sv,
    const char *manifest, struct assay_standin_site *site,
    struct assay_update_variant *v, int wait_ms, int settle_ms)
{
	const struct assay_forms *f = assay_gw_forms(gw);
	struct assay_standin_stats *st = NULL;
	char pbuf[ASSAY_STANDIN_MAX_PATH];
	const char *payload;
	unsigned char *p;
	long long t0 = assay_clock_ms(), end, left;
	size_t len, i;
	int r;

	payload = payload_path(u, site, manifest, pbuf, sizeof(pbuf));
	if ((p = assay_standin_site_get(site, payload, &len)) != NULL &&
	    (r = assay_sha256_hex(p, len, v->served_sha256)) != 0)
		return r;
	manifest_version(site, manifest, v->served_version,
	    sizeof(v->served_version));
	if ((r = version_check(env, f, &u->check, &v->before)) != 0)
		return r;
	assay_standin_server_reset(sv);
	assay_standin_server_set_site(sv, site);
	if ((st = malloc(sizeof(*st))) == NULL)
		return ASSAY_ERR_ALLOC;
	/* Until the payload is fetched, or the manifest twice without it
	 * (a device that decides from the manifest), or wait_ms. */
	end = t0 + wait_ms;
	while (assay_clock_ms() < end) {
		assay_standin_server_stats(sv, st);
		if (count_fetches(st, payload) > 0 ||
		    count_fetches(st, manifest) >= 2)
			break;
		usleep(50000);
	}
	/* Settle, or less once the device reports what was served. */
	end = assay_clock_ms() + settle_ms;
	while ((left = end - assay_clock_ms()) > 0) {
		sleep_ms(left < SETTLE_POLL_MS ? (long)left : SETTLE_POLL_MS);
		if (left <= SETTLE_POLL_MS)
			break;
		if ((r = version_check(env, f, &u->check, &v->after)) != 0) {
			free(st);
			return r;
		}
		if (reports_served(v, &v->after))
			break;
	}
	assay_standin_server_stats(sv, st);
	/* Nothing is served while the version is read: a fetch now would
	 * race the answer. */
	assay_standin_server_set_site(sv, NULL);
	if ((r = version_check(env, f, &u->check, &v->after)) != 0) {
		free(st);
		return r;
	}
	v->fetched_payload = count_fetches(st, payload) > 0;
	v->fetched_manifest = (int)count_fetches(st, manifest);
	v->connections = st->connections;
	v->handshakes = st->handshakes;
	v->handshake_failures = st->handshake_failures;
	for (i = 0; i < st->nrequests && i < ASSAY_UPDATE_MAX_REQUESTS; i++)
		v->requests[i] = st->requests[i];
	v->nrequests = i;
	free(st);
	if (!v->fetched_payload && v->fetched_manifest == 0 &&
	    v->connections > 0 && v->handshakes == 0 && u->identity != NULL)
		(void)snprintf(v->reason, sizeof(v->reason), "the device "
		    "connected but completed no TLS handshake");
	(void)assay_update_decide(v);
	v->ms = assay_clock_ms() - t0;
	return 0;
}

int
assay_update_serve(const struct assay_probe_env *env, struct assay_gw *gw,
    const char *id, const char *const *variants, size_t nvariants,
    int wait_ms, int settle_ms, struct assay_update_result **out,
    char *why, size_t whylen)
{
	const struct assay_forms *f;
	const struct assay_update_decl *u;
	struct assay_update_result *res = NULL;
	struct assay_standin_server *sv = NULL;
	struct assay_standin_site *release = NULL, *site = NULL;
	struct assay_update_variant *v;
	char scheme[16], host[256], path[ASSAY_STANDIN_MAX_PATH], lwhy[512];
	const char *names[ASSAY_UPDATE_MAX_VARIANTS], *issuer = NULL;
	SSL_CTX *ctx = NULL;
	size_t i, j, n;
	int port = 0, lfd = -1, r;

	*out = NULL;
	why[0] = '\0';
	if (gw == NULL || id == NULL || (f = assay_gw_forms(gw)) == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if (variants == NULL) {
		for (n = 0; assay_update_variant_names[n] != NULL; n++)
			names[n] = assay_update_variant_names[n];
	} else {
		if (nvariants == 0 || nvariants > ASSAY_UPDATE_MAX_VARIANTS)
			return ASSAY_ERR_INVALID_ARG;
		for (n = 0; n < nvariants; n++) {
			for (j = 0; assay_update_variant_names[j] != NULL; j++)
				if (strcmp(variants[n],
				    assay_update_variant_names[j]) == 0)
					break;
			if (assay_update_variant_names[j] == NULL)
				return ASSAY_ERR_INVALID_ARG;
			for (j = 0; j < n; j++)
				if (strcmp(names[j], variants[n]) == 0)
					return ASSAY_ERR_INVALID_ARG;
			names[n] = variants[n];
		}
	}
	if ((u = find_update(f, id)) == NULL)
		return ASSAY_ERR_NOT_FOUND;
	if (!u->has_check) {
		(void)snprintf(why, whylen, "update %s declares no "
		    "<version-check>: nothing tells what the device installed",
		    id);
		return 0;
	}
	if ((r = assay_gw_endpoint(f, u->channel, scheme, sizeof(scheme), host,
	    sizeof(host), &port, path, sizeof(path), lwhy, sizeof(lwhy))) != 0) {
		if (r != ASSAY_ERR_NOT_FOUND)
			return r;
		(void)snprintf(why, whylen, "update %s: channel %s: %s", id,
		    u->channel, lwhy);
		return 0;
	}
	if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0) {
		(void)snprintf(why, whylen, "update %s: endpoint scheme %s is "
		    "not http or https", id, scheme);
		return 0;
	}
	if (path[0] == '\0')
		(void)snprintf(path, sizeof(path), "/");
	if ((release = assay_standin_site_new()) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = assay_standin_site_load_dir(release, u->release, lwhy,
	    sizeof(lwhy))) != 0)
		goto out;
	if (lwhy[0] != '\0') {
		(void)snprintf(why, whylen, "update %s: the release cannot be "
		    "served: %s", id, lwhy);
		goto out;
	}
	if (assay_standin_site_get(release, u->payload, NULL) == NULL) {
		(void)snprintf(why, whylen, "update %s: the release has no "
		    "file for the payload %s", id, u->payload);
		goto out;
	}
	if (strcmp(scheme, "https") == 0) {
		r = assay_gw_server_ctx(gw, host, assay_forms_identity_for_host(f,
		    host) != NULL ? ASSAY_GW_IDENTITY : ASSAY_GW_SELF_SIGNED, 0,
		    &ctx, &issuer, lwhy, sizeof(lwhy));
		if (r != 0)
			goto out;
		if (ctx == NULL) {
			(void)snprintf(why, whylen, "update %s: no certificate "
			    "for %s: %s", id, host, lwhy);
			goto out;
		}
	}
	if ((r = assay_gw_listen(gw, port, &lfd, lwhy, sizeof(lwhy))) != 0)
		goto out;
	if (lfd < 0) {
		(void)snprintf(why, whylen, "update %s: %s", id, lwhy);
		goto out;
	}
	if ((res = calloc(1, sizeof(*res))) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	(void)snprintf(res->id, sizeof(res->id), "%s", id);
	(void)snprintf(res->endpoint, sizeof(res->endpoint), "%s://%.200s:%d%.200s",
	    scheme, host, port, path);
	res->issuer = issuer;
	if ((r = assay_standin_server_start(lfd, ASSAY_STANDIN_HTTP, ctx, NULL,
	    gw_accept, gw, CONN_IDLE_MS, CONN_MAX_MS, &sv)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		v = &res->v[res->nvariants++];
		(void)snprintf(v->name, sizeof(v->name), "%s", names[i]);
		v->installed = -1;
		if ((r = make_variant(names[i], u, release, v, &site)) != 0)
			goto out;
		if (site == NULL) {
			v->skipped = 1;
			assay_probe_note(env, "update", "update %s variant %s "
			    "skipped: %s", id, v->name, v->reason);
			continue;
		}
		r = run_variant(env, gw, u, sv, path, site, v, wait_ms,
		    settle_ms);
		assay_standin_server_set_site(sv, NULL);
		assay_standin_site_free(site);
		site = NULL;
		if (r != 0)
			goto out;
		assay_probe_note(env, "update", "update %s variant %s: %zu "
		    "requests, payload %s, served sha256 %s version %s; before "
		    "%s %s, after %s %s; installed %s%s%s", id, v->name,
		    v->nrequests, v->fetched_payload ? "fetched" : "not fetched",
		    v->served_sha256, v->served_version[0] ? v->served_version :
		    "(none)", v->before.ok ? v->before.version : "(failed)",
		    v->before.digest, v->after.ok ? v->after.version :
		    "(failed)", v->after.digest, v->installed > 0 ? "yes" :
		    v->installed == 0 ? "no" : "undecided",
		    v->reason[0] ? ": " : "", v->reason);
	}
	*out = res;
	res = NULL;
	r = 0;
 out:
	assay_standin_server_stop(sv);
	assay_standin_site_free(site);
	if (lfd >= 0)
		close(lfd);
	SSL_CTX_free(ctx);
	assay_standin_site_free(release);
	free(res);
	return r;
}

/* --- Lua --------------------------------------------------------------- */

static const char FORMS_KEY[] = "assay.probe.client_forms";

void
assay_probe_client_forms_set(lua_State *L, const struct assay_forms *f)
{
	lua_pushlightuserdata(L, (void *)(uintptr_t)f);
	lua_setfield(L, LUA_REGISTRYINDEX, FORMS_KEY);
}

const struct assay_forms *
assay_probe_client_forms_get(lua_State *L)
{
	const struct assay_forms *f;

	lua_getfield(L, LUA_REGISTRYINDEX, FORMS_KEY);
	f = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return f;
}

static void
set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void
push_state(lua_State *L, const struct assay_update_state *s)
{
	lua_createtable(L, 0, 3);
	if (s->ok) {
		set_str(L, "version", s->version);
		if (s->has_digest)
			set_str(L, "digest", s->digest);
	} else
		set_str(L, "error", s->why);
}

static void
push_result(lua_State *L, const struct assay_update_result *res)
{
	const struct assay_update_variant *v;
	size_t i, k;

	lua_createtable(L, 0, 4);
	set_str(L, "id", res->id);
	set_str(L, "endpoint", res->endpoint);
	if (res->issuer != NULL)
		set_str(L, "issuer", res->issuer);
	lua_createtable(L, (int)res->nvariants, 0);
	for (i = 0; i < res->nvariants; i++) {
		v = &res->v[i];
		lua_createtable(L, 0, 12);
		set_str(L, "name", v->name);
		if (v->skipped) {
			lua_pushboolean(L, 1);
			lua_setfield(L, -2, "skipped");
			set_str(L, "reason", v->reason);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
			continue;
		}
		lua_createtable(L, (int)v->nrequests, 0);
		for (k = 0; k < v->nrequests; k++) {
			lua_createtable(L, 0, 3);
			set_str(L, "path", v->requests[k].path);
			lua_pushinteger(L, v->requests[k].status);
			lua_setfield(L, -2, "status");
			lua_pushinteger(L, (lua_Integer)v->requests[k].bytes);
			lua_setfield(L, -2, "bytes");
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "requests");
		lua_pushinteger(L, v->connections);
		lua_setfield(L, -2, "connections");
		lua_pushinteger(L, v->handshakes);
		lua_setfield(L, -2, "handshakes");
		lua_pushboolean(L, v->fetched_payload);
		lua_setfield(L, -2, "fetched_payload");
		lua_pushinteger(L, v->fetched_manifest);
		lua_setfield(L, -2, "fetched_manifest");
		set_str(L, "served_sha256", v->served_sha256);
		if (v->served_version[0] != '\0')
			set_str(L, "served_version", v->served_version);
		push_state(L, &v->before);
		lua_setfield(L, -2, "before");
		push_state(L, &v->after);
		lua_setfield(L, -2, "after");
		if (v->installed >= 0) {
			lua_pushboolean(L, v->installed);
			lua_setfield(L, -2, "installed");
		}
		if (v->reason[0] != '\0')
			set_str(L, "reason", v->reason);
		lua_pushinteger(L, (lua_Integer)v->ms);
		lua_setfield(L, -2, "ms");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "variants");
}

static void
gw_close_box(void *p)
{
	assay_gw_close(p);
}

/*
 * --- once per run ----------------------------------------------------------
 *
 * Interposition changes the device: it installs the genuine release (and,
 * when weak, the tampered ones), so a second test case of the same run
 * that stood in again would find the genuine release already installed
 * and could decide nothing (5.3-1-2 applies 5.3-2-2's units to the same
 * mechanisms).  A real device should not be flashed twice either.  So the
 * first call of a run for an update keeps its result in the run's
 * evidence directory (evidence/update-interposition-ID.bin, written
 * atomically; gateway test cases run one at a time) and a later call
 * with the same variants returns it, saying which test case made it.
 * The request paths are not kept (they reach the transcript masked; the
 * file is not masked), and the file is checked field by field on reading.
 */
#define MEMO_MAGIC	"assay-update-memo-1"

struct memo {
	char				 magic[24];
	char				 tc[64];	/* the test case that served */
	char				 variants[128];	/* as asked, space-separated */
	int				 issuer;	/* 0 none, 1 identity, 2 self */
	struct assay_update_result	 res;
};

/* The memo's path for update id, from the test case's evidence dir. */
static int
memo_path(lua_State *L, const char *id, char *path, size_t len, char *tc,
    size_t tclen)
{
	const char *dir = assay_probe_observe_dir_get(L), *slash;

	if (dir == NULL || (slash = strrchr(dir, '/')) == NULL ||
	    slash == dir)
		return -1;
	(void)snprintf(tc, tclen, "%s", slash + 1);
	if (snprintf(path, len, "%.*s/update-interposition-%s.bin",
	    (int)(slash - dir), dir, id) >= (int)len)
		return -1;
	return 0;
}

static void
memo_names(const char *const *names, size_t n, char *out, size_t len)
{
	size_t i;

	out[0] = '\0';
	if (names == NULL)
		(void)snprintf(out, len, "(default)");
	for (i = 0; names != NULL && i < n; i++)
		(void)snprintf(out + strlen(out), len - strlen(out), "%s%s",
		    i ? " " : "", names[i]);
}

#define TERM(a)	((a)[sizeof(a) - 1] = '\0')

/* Reads a memo back; 0 when it is ours, whole and for these variants. */
static int
memo_read(const char *path, const char *variants, struct memo *m)
{
	struct assay_buf *b = NULL;
	size_t i, k;

	if (assay_file_read(path, sizeof(*m) + 1, &b) != 0)
		return -1;
	if (assay_buf_len(b) != sizeof(*m)) {
		assay_buf_free(b);
		return -1;
	}
	memcpy(m, assay_buf_data(b), sizeof(*m));
	assay_buf_free(b);
	TERM(m->magic);
	TERM(m->tc);
	TERM(m->variants);
	if (strcmp(m->magic, MEMO_MAGIC) != 0 ||
	    strcmp(m->variants, variants) != 0 ||
	    m->res.nvariants > ASSAY_UPDATE_MAX_VARIANTS)
		return -1;
	m->res.issuer = m->issuer == 1 ? "identity" : m->issuer == 2 ?
	    "self" : NULL;
	TERM(m->res.id);
	TERM(m->res.endpoint);
	for (i = 0; i < m->res.nvariants; i++) {
		struct assay_update_variant *v = &m->res.v[i];

		TERM(v->name);
		TERM(v->reason);
		TERM(v->served_sha256);
		TERM(v->served_version);
		TERM(v->before.version);
		TERM(v->before.digest);
		TERM(v->before.why);
		TERM(v->after.version);
		TERM(v->after.digest);
		TERM(v->after.why);
		if (v->nrequests > ASSAY_UPDATE_MAX_REQUESTS)
			v->nrequests = ASSAY_UPDATE_MAX_REQUESTS;
		for (k = 0; k < v->nrequests; k++)
			TERM(v->requests[k].path);
		if (v->installed < -1 || v->installed > 1)
			v->installed = -1;
	}
	return 0;
}

static void
memo_write(const char *path, const char *tc, const char *variants,
    const struct assay_update_result *res)
{
	struct memo *m;
	size_t i, k;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	(void)snprintf(m->magic, sizeof(m->magic), "%s", MEMO_MAGIC);
	(void)snprintf(m->tc, sizeof(m->tc), "%s", tc);
	(void)snprintf(m->variants, sizeof(m->variants), "%s", variants);
	m->res = *res;
	m->issuer = res->issuer == NULL ? 0 : strcmp(res->issuer,
	    "identity") == 0 ? 1 : 2;
	m->res.issuer = NULL;
	for (i = 0; i < m->res.nvariants; i++)
		for (k = 0; k < m->res.v[i].nrequests; k++)
			(void)snprintf(m->res.v[i].requests[k].path,
			    sizeof(m->res.v[i].requests[k].path), "%s",
			    "(see the transcript of the test case that served)");
	(void)assay_file_write_atomic(path, m, sizeof(*m), 0644);
	free(m);
}

static int
l_update_serve(lua_State *L)
{
	static const char *const known[] = { "id", "variants", "wait_ms",
	    "settle_ms", NULL };
	const char *names[ASSAY_UPDATE_MAX_VARIANTS], *id;
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const struct assay_forms *f;
	struct assay_update_result *res = NULL;
	struct assay_gw **gwp;
	void **rbox;
	char why[512], mpath[4096], tc[64], variants[128];
	size_t n;
	int wait_ms, settle_ms, r, has_list;

	assay_lua_opts(L, "update_serve", known);
	id = assay_lua_req_str(L, "update_serve", "id");
	wait_ms = (int)assay_lua_opt_int(L, "update_serve", "wait_ms",
	    ASSAY_UPDATE_DEFAULT_WAIT_MS, 1, ASSAY_LUA_MAX_TIMEOUT_MS);
	settle_ms = (int)assay_lua_opt_int(L, "update_serve", "settle_ms",
	    ASSAY_UPDATE_DEFAULT_SETTLE_MS, 0, ASSAY_LUA_MAX_TIMEOUT_MS);
	n = assay_lua_opt_names(L, "update_serve", "variants",
	    assay_update_variant_names, ASSAY_UPDATE_MAX_VARIANTS, names,
	    "variant names");
	has_list = n > 0;
	if ((f = assay_probe_client_forms_get(L)) == NULL ||
	    assay_forms_gateway(f) == NULL)
		return assay_lua_fail(L, "no lab gateway declared (set-up "
		    "<client-side><gateway>)");
	if (find_update(f, id) == NULL)
		assay_lua_argerror(L, "update_serve", "no <update id=\"%.40s\"> "
		    "in the set-up", id);
	memo_names(has_list ? names : NULL, n, variants, sizeof(variants));
	if (memo_path(L, id, mpath, sizeof(mpath), tc, sizeof(tc)) == 0) {
		struct memo *m = lua_newuserdatauv(L, sizeof(*m), 0);

		if (memo_read(mpath, variants, m) == 0) {
			assay_probe_note(env, "update", "update %s: interposition "
			    "reused from test case %s of this run (the device's "
			    "state changed when it was served; it is served once "
			    "per run)", id, m->tc);
			push_result(L, &m->res);
			lua_pushstring(L, m->tc);
			lua_setfield(L, -2, "reused_from");
			return 1;
		}
		lua_pop(L, 1);
	} else
		mpath[0] = '\0';
	gwp = (struct assay_gw **)assay_lua_box(L, gw_close_box);
	rbox = assay_lua_box(L, free);
	if ((r = assay_gw_open(f, gwp, why, sizeof(why))) != 0)
		return assay_lua_harness_error(L, "update_serve", r, 0);
	if (*gwp == NULL)
		return assay_lua_fail(L, why);
	r = assay_update_serve(env, *gwp, id, has_list ? names : NULL, n,
	    wait_ms, settle_ms, &res, why, sizeof(why));
	assay_gw_close(*gwp);
	*gwp = NULL;
	if (r != 0)
		return assay_lua_harness_error(L, "update_serve", r, 0);
	if (res == NULL)
		return assay_lua_fail(L, why);
	*rbox = res;
	if (mpath[0] != '\0')
		memo_write(mpath, tc, variants, res);
	push_result(L, res);
	return 1;
}

void
assay_probe_update_lua_register(lua_State *L)
{
	lua_pushcfunction(L, l_update_serve);
	lua_setfield(L, -2, "update_serve");
}
