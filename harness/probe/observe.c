/*
 * probe/observe.c - record the device's outbound traffic at the lab
 * gateway while standing in for its servers, then analyse the recording
 * (probe/observe.h, docs/probe_observe.md).
 */
#include <errno.h>
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
#include "base/file.h"
#include "base/hash.h"
#include "base/redact.h"
#include "forms/forms.h"
#include "probe/gateway.h"
#include "probe/lua.h"
#include "probe/observe.h"
#include "probe/pcap.h"
#include "probe/probe.h"
#include "probe/standin.h"
#include "probe/update_serve.h"

#define CONN_IDLE_MS	5000
#define CONN_MAX_MS	30000
/* Frames still in the kernel's ring when the stand-ins stop. */
#define FLUSH_MS	300

static const char COMMECH[] = "11-ComMech";

static int
gw_accept(void *arg, int lfd, int ms, int *cfd, char *peer, size_t plen)
{
	return assay_gw_accept(arg, lfd, ms, cfd, peer, plen);
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

/* What the stand-in for one channel needs beyond the result. */
struct standin {
	struct assay_standin_server	*sv;
	struct assay_standin_site	*site;
	SSL_CTX				*ctx;
	int				 lfd;
};

static const struct assay_update_decl *
update_for_channel(const struct assay_forms *f, const char *channel)
{
	const struct assay_update_decl *u;
	size_t i, n = assay_forms_nupdates(f);

	for (i = 0; i < n; i++)
		if ((u = assay_forms_update(f, i)) != NULL &&
		    u->channel != NULL && strcmp(u->channel, channel) == 0)
			return u;
	return NULL;
}

/* Sets up the stand-in for ch; ch->stood_in 0 with ch->reason when it
 * cannot (an outcome), ASSAY_ERR_* for a harness failure. */
static int
stand_in(struct assay_gw *gw, struct assay_observe *o, size_t k,
    struct standin *si)
{
	const struct assay_forms *f = assay_gw_forms(gw);
	struct assay_observe_channel *ch = &o->ch[k];
	const struct assay_update_decl *u;
	enum assay_standin_proto proto;
	char why[512];
	size_t j;
	int tls, r;

	if (strcmp(ch->scheme, "mqtt") == 0 || strcmp(ch->scheme, "mqtts") == 0)
		proto = ASSAY_STANDIN_MQTT;
	else if (strcmp(ch->scheme, "http") == 0 ||
	    strcmp(ch->scheme, "https") == 0)
		proto = ASSAY_STANDIN_HTTP;
	else {
		(void)snprintf(ch->reason, sizeof(ch->reason), "no stand-in "
		    "for %s: its traffic is recorded as it comes", ch->scheme);
		return 0;
	}
	tls = strcmp(ch->scheme, "mqtts") == 0 || strcmp(ch->scheme, "https") == 0;
	for (j = 0; j < k; j++)
		if (o->ch[j].stood_in && o->ch[j].port == ch->port) {
			(void)snprintf(ch->reason, sizeof(ch->reason), "port %d "
			    "is already stood in for by channel %s", ch->port,
			    o->ch[j].id);
			return 0;
		}
	/*
	 * An update channel answers 404 to every path: serving the release
	 * would let the device install it while observed, and the update
	 * test cases (update_serve) could then no longer show anything.  The
	 * device's request is still seen (in clear or as TLS).
	 */
	if (proto == ASSAY_STANDIN_HTTP &&
	    (u = update_for_channel(f, ch->id)) != NULL)
		(void)snprintf(ch->reason, sizeof(ch->reason), "update %.40s: "
		    "every path answers 404, so that nothing is installed "
		    "while observed", u->id);
	if (tls) {
		r = assay_gw_server_ctx(gw, ch->host,
		    assay_forms_identity_for_host(f, ch->host) != NULL ?
		    ASSAY_GW_IDENTITY : ASSAY_GW_SELF_SIGNED, 0, &si->ctx,
		    &ch->issuer, why, sizeof(why));
		if (r != 0)
			return r;
		if (si->ctx == NULL) {
			(void)snprintf(ch->reason, sizeof(ch->reason), "no "
			    "certificate for %.60s: %.150s", ch->host, why);
			return 0;
		}
	}
	if ((r = assay_gw_listen(gw, ch->port, &si->lfd, why,
	    sizeof(why))) != 0)
		return r;
	if (si->lfd < 0) {
		(void)snprintf(ch->reason, sizeof(ch->reason), "%.250s", why);
		return 0;
	}
	if ((r = assay_standin_server_start(si->lfd, proto, si->ctx, si->site,
	    gw_accept, gw, CONN_IDLE_MS, CONN_MAX_MS, &si->sv)) != 0)
		return r;
	ch->stood_in = 1;
	return 0;
}

/* Fills o->ch from the channels named, or every outbound channel. */
static int
pick_channels(const struct assay_forms *f, const char *const *channels,
    size_t nchannels, struct assay_observe *o, char *why, size_t whylen)
{
	struct assay_observe_channel *ch;
	char path[1024], ewhy[256];
	const char *id;
	size_t i, n;
	int r;

	n = channels != NULL ? nchannels : assay_forms_nentries(f, COMMECH);
	for (i = 0; i < n; i++) {
		id = channels != NULL ? channels[i] :
		    assay_forms_entry_id(f, COMMECH, i);
		if (o->nchannels >= ASSAY_OBSERVE_MAX_CHANNELS) {
			(void)snprintf(why, whylen, "more than %d outbound "
			    "channels", ASSAY_OBSERVE_MAX_CHANNELS);
			return ASSAY_ERR_TOO_BIG;
		}
		ch = &o->ch[o->nchannels];
		memset(ch, 0, sizeof(*ch));
		r = assay_gw_endpoint(f, id, ch->scheme, sizeof(ch->scheme),
		    ch->host, sizeof(ch->host), &ch->port, path, sizeof(path),
		    ewhy, sizeof(ewhy));
		if (r == ASSAY_ERR_NOT_FOUND && channels == NULL)
			continue;	/* an inbound channel */
		if (r != 0) {
			(void)snprintf(why, whylen, "channel %s: %s", id, ewhy);
			return r;
		}
		(void)snprintf(ch->id, sizeof(ch->id), "%s", id);
		o->nchannels++;
	}
	return 0;
}

/* A file name under dir that does not exist yet: observe-N.pcap. */
static int
new_file(const char *dir, char *out, size_t olen)
{
	int i;

	for (i = 1; i < 1000; i++) {
		if (snprintf(out, olen, "%s/observe-%d.pcap", dir, i) >=
		    (int)olen)
			return ASSAY_ERR_TOO_BIG;
		if (access(out, F_OK) != 0 && errno == ENOENT)
			return 0;
	}
	return ASSAY_ERR_EXISTS;
}

int
assay_observe_run(const struct assay_probe_env *env, struct assay_gw *gw,
    const char *dir, const char *const *channels, size_t nchannels,
    int seconds, struct assay_observe **out, char *why, size_t whylen)
{
	const struct assay_forms *f;
	const struct assay_gateway_decl *gd;
	struct assay_capture_rec_limits lim;
	struct assay_capture_rec *rec = NULL;
	struct standin si[ASSAY_OBSERVE_MAX_CHANNELS];
	struct assay_observe *o = NULL;
	struct assay_observe_channel *ch;
	long long t0;
	size_t i, up = 0;
	int r;

	*out = NULL;
	why[0] = '\0';
	memset(si, 0, sizeof(si));
	for (i = 0; i < ASSAY_OBSERVE_MAX_CHANNELS; i++)
		si[i].lfd = -1;
	if (gw == NULL || dir == NULL || seconds < 1 ||
	    seconds > ASSAY_OBSERVE_MAX_SECONDS ||
	    (f = assay_gw_forms(gw)) == NULL ||
	    (gd = assay_forms_gateway(f)) == NULL)
		return ASSAY_ERR_INVALID_ARG;
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = pick_channels(f, channels, nchannels, o, why, whylen)) != 0)
		goto out;
	if (o->nchannels == 0) {
		(void)snprintf(why, whylen, "the IXIT declares no outbound "
		    "channel with an endpoint");
		goto out;
	}
	if ((r = new_file(dir, o->file, sizeof(o->file))) != 0) {
		(void)snprintf(why, whylen, "no file name free under %s", dir);
		goto out;
	}
	/* Recording first: the device's first packets are what it sends
	 * when its servers answer. */
	memset(&lim, 0, sizeof(lim));
	lim.max_ms = (long)seconds * 1000 + 5000;
	if ((r = assay_capture_rec_start(gd->interface, NULL, &lim, o->file,
	    &rec, why, whylen)) != 0)
		goto out;
	if (rec == NULL)
		goto out;
	t0 = assay_clock_ms();
	for (i = 0; i < o->nchannels; i++) {
		if ((r = stand_in(gw, o, i, &si[i])) != 0)
			goto out;
		up += o->ch[i].stood_in ? 1 : 0;
	}
	while (assay_clock_ms() - t0 < (long long)seconds * 1000)
		sleep_ms(100);
	for (i = 0; i < o->nchannels; i++) {
		if (si[i].sv == NULL)
			continue;
		assay_standin_server_stats(si[i].sv, &o->ch[i].stats);
		assay_standin_server_stop(si[i].sv);
		si[i].sv = NULL;
	}
	sleep_ms(FLUSH_MS);
	o->ms = assay_clock_ms() - t0;
	r = assay_capture_rec_stop(rec, &o->frames, &o->bytes, o->recording,
	    sizeof(o->recording));
	rec = NULL;
	if (r != 0) {
		(void)snprintf(why, whylen, "%s: %s", o->file, o->recording);
		r = 0;
		goto out;
	}
	for (i = 0; i < o->nchannels; i++) {
		ch = &o->ch[i];
		assay_probe_note(env, "observe", "channel %s (%s://%s:%d): %s; "
		    "%u connections, %u TLS handshakes (%u failed)%s%s", ch->id,
		    ch->scheme, ch->host, ch->port, ch->stood_in ?
		    "stood in" : ch->reason, ch->stats.connections,
		    ch->stats.handshakes, ch->stats.handshake_failures,
		    ch->stats.last_error[0] ? "; last failure: " : "",
		    ch->stats.last_error);
	}
	assay_probe_note(env, "observe", "recorded %s on %s for %lld ms: %lu "
	    "frames, %llu bytes (%s); %zu of %zu channels stood in for",
	    o->file, gd->interface, o->ms, o->frames, o->bytes, o->recording,
	    up, o->nchannels);
	*out = o;
	o = NULL;
 out:
	for (i = 0; i < ASSAY_OBSERVE_MAX_CHANNELS; i++) {
		if (si[i].sv != NULL) {
			assay_standin_server_stop(si[i].sv);
			si[i].sv = NULL;
		}
	}
	if (rec != NULL) {
		char w[256];

		(void)assay_capture_rec_stop(rec, NULL, NULL, w, sizeof(w));
	}
	for (i = 0; i < ASSAY_OBSERVE_MAX_CHANNELS; i++) {
		if (si[i].lfd >= 0)
			close(si[i].lfd);
		SSL_CTX_free(si[i].ctx);
		assay_standin_site_free(si[i].site);
	}
	free(o);
	return r;
}

size_t
assay_observe_secrets(const struct assay_forms *f,
    struct assay_capture_secret *v, char (*labels)[96], size_t max)
{
	const struct assay_watch_decl *w;
	const char *s;
	size_t i, j, n = 0, m;
	int dup;

	m = assay_forms_ncredentials(f);
	for (i = 0; i < m && n < max; i++) {
		if ((s = assay_forms_credential_password(f, i)) == NULL ||
		    s[0] == '\0')
			continue;
		(void)snprintf(labels[n], 96, "password of credential %s",
		    assay_forms_credential_id(f, i));
		v[n].label = labels[n];
		v[n].value = s;
		v[n].user = assay_forms_credential_username(f, i);
		n++;
	}
	m = assay_forms_nwatch(f);
	for (i = 0; i < m && n < max; i++) {
		if ((w = assay_forms_watch(f, i)) == NULL || w->value == NULL ||
		    w->value[0] == '\0')
			continue;
		(void)snprintf(labels[n], 96, "%s (%s)", w->label, w->kind);
		v[n].label = labels[n];
		v[n].value = w->value;
		v[n].user = NULL;
		n++;
	}
	m = assay_forms_nsecrets(f);
	for (i = 0; i < m && n < max; i++) {
		s = assay_forms_secret(f, i);
		for (j = 0, dup = 0; j < n && !dup; j++)
			dup = strcmp(v[j].value, s) == 0;
		if (dup || s[0] == '\0')
			continue;
		(void)snprintf(labels[n], 96, "IXIT secret %zu", i + 1);
		v[n].label = labels[n];
		v[n].value = s;
		v[n].user = NULL;
		n++;
	}
	return n;
}

/* --- masking the recording ---------------------------------------------- */

struct mask_ctx {
	unsigned char	*data;		/* the file */
	size_t		 len;
	size_t		 masked;
};

/* Record i of a pcap file: [*off, *off + *caplen) is its packet data. */
static int
next_record(const unsigned char *p, size_t len, int swap, size_t *pos,
    size_t *off, size_t *caplen)
{
	const unsigned char *h;
	size_t n;

	if (*pos + 16 > len)
		return 0;
	h = p + *pos + 8;
	n = swap ? (size_t)h[0] << 24 | (size_t)h[1] << 16 |
	    (size_t)h[2] << 8 | h[3] : (size_t)h[3] << 24 |
	    (size_t)h[2] << 16 | (size_t)h[1] << 8 | h[0];
	if (n > len - *pos - 16)
		return 0;
	*off = *pos + 16;
	*caplen = n;
	*pos = *off + n;
	return 1;
}

/* Overwrites every occurrence of one spelling inside every packet. */
static int
mask_spelling(void *arg, const char *kind, const char *spelling)
{
	struct mask_ctx *m = arg;
	size_t pos = 24, off, caplen, sl = strlen(spelling);
	unsigned char *q, *end;
	int swap;

	(void)kind;
	if (sl == 0)
		return 0;
	swap = m->data[0] == 0xa1 || m->data[0] == 0x4d;
	while (next_record(m->data, m->len, swap, &pos, &off, &caplen)) {
		end = m->data + off + caplen;
		for (q = m->data + off; q + sl <= end &&
		    (q = memmem(q, (size_t)(end - q), spelling, sl)) != NULL;
		    q += sl) {
			memset(q, '*', sl);
			m->masked++;
		}
	}
	return 0;
}

int
assay_observe_mask_file(const char *path,
    const struct assay_capture_secret *v, size_t n, size_t *masked,
    char *why, size_t whylen)
{
	struct assay_buf *b = NULL;
	struct mask_ctx m;
	size_t i;
	int r;

	*masked = 0;
	why[0] = '\0';
	if ((r = assay_file_read(path, ASSAY_CAPTURE_REC_MAX_BYTES + 65536,
	    &b)) != 0) {
		(void)snprintf(why, whylen, "%.200s: %s", path, assay_strerror(r));
		return r == ASSAY_ERR_ALLOC ? r : 0;
	}
	memset(&m, 0, sizeof(m));
	m.data = (unsigned char *)assay_buf_data(b);
	m.len = assay_buf_len(b);
	/* Only files this module wrote: libpcap's pcap, either byte order. */
	if (m.len < 24 || !((m.data[0] == 0xd4 && m.data[1] == 0xc3) ||
	    (m.data[0] == 0x4d && m.data[1] == 0x3c) ||
	    (m.data[0] == 0xa1 && m.data[1] == 0xb2))) {
		(void)snprintf(why, whylen, "%.200s: not a pcap file", path);
		assay_buf_free(b);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((r = assay_redact_spellings(v[i].value, NULL, mask_spelling,
		    &m)) != 0 || (v[i].user != NULL && (r =
		    assay_redact_spellings(v[i].value, v[i].user, mask_spelling,
		    &m)) != 0)) {
			assay_buf_free(b);
			return r;
		}
	}
	if (m.masked > 0 && (r = assay_file_write_atomic(path, m.data, m.len,
	    0600)) != 0) {
		(void)snprintf(why, whylen, "%.200s: cannot write the masked "
		    "copy: %s", path, assay_strerror(r));
		assay_buf_free(b);	/* wipes the copy */
		return r == ASSAY_ERR_ALLOC ? r : 0;
	}
	*masked = m.masked;
	assay_buf_free(b);
	return 0;
}

/* --- Lua --------------------------------------------------------------- */

static const char DIR_KEY[] = "assay.probe.observe_dir";

int
assay_probe_observe_dir_set(lua_State *L, const char *dir)
{
	if (dir == NULL)
		return ASSAY_ERR_INVALID_ARG;
	lua_pushstring(L, dir);
	lua_setfield(L, LUA_REGISTRYINDEX, DIR_KEY);
	return 0;
}

const char *
assay_probe_observe_dir_get(lua_State *L)
{
	const char *dir;

	lua_getfield(L, LUA_REGISTRYINDEX, DIR_KEY);
	dir = lua_tostring(L, -1);	/* the registry keeps it alive */
	lua_pop(L, 1);
	return dir;
}

static void
gw_close_box(void *p)
{
	assay_gw_close(p);
}

static void
set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

static void
set_int(lua_State *L, const char *k, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static void
push_channel(lua_State *L, const struct assay_observe_channel *ch)
{
	const struct assay_standin_stats *st = &ch->stats;
	size_t k;

	lua_createtable(L, 0, 16);
	set_str(L, "channel", ch->id);
	set_str(L, "scheme", ch->scheme);
	set_str(L, "host", ch->host);
	set_int(L, "port", ch->port);
	lua_pushboolean(L, ch->stood_in);
	lua_setfield(L, -2, "stood_in");
	if (ch->reason[0] != '\0')
		set_str(L, "reason", ch->reason);
	lua_pushboolean(L, ch->issuer != NULL);
	lua_setfield(L, -2, "tls");
	if (ch->issuer != NULL)
		set_str(L, "issuer", ch->issuer);
	set_int(L, "connections", st->connections);
	set_int(L, "handshakes", st->handshakes);
	set_int(L, "handshake_failures", st->handshake_failures);
	if (st->tls_version[0] != '\0')
		set_str(L, "version", st->tls_version);
	if (st->sni[0] != '\0')
		set_str(L, "sni", st->sni);
	if (st->last_error[0] != '\0')
		set_str(L, "error", st->last_error);
	set_int(L, "mqtt_connects", st->mqtt_connects);
	set_int(L, "mqtt_publishes", st->mqtt_publishes);
	lua_createtable(L, (int)st->mqtt_ntopics, 0);
	for (k = 0; k < st->mqtt_ntopics; k++) {
		lua_createtable(L, 0, 2);
		set_str(L, "topic", st->mqtt_topics[k].name);
		set_int(L, "publishes", st->mqtt_topics[k].publishes);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_setfield(L, -2, "mqtt_topics");
	if (st->mqtt_topics_dropped > 0)
		set_int(L, "mqtt_topics_dropped", st->mqtt_topics_dropped);
	lua_createtable(L, (int)st->nrequests, 0);
	for (k = 0; k < st->nrequests; k++) {
		lua_createtable(L, 0, 3);
		set_str(L, "path", st->requests[k].path);
		set_int(L, "status", st->requests[k].status);
		set_int(L, "bytes", (lua_Integer)st->requests[k].bytes);
		lua_rawseti(L, -2, (lua_Integer)k + 1);
	}
	lua_setfield(L, -2, "requests");
}

static int
l_observe(lua_State *L)
{
	static const char *const known[] = { "seconds", "channels", NULL };
	const char *names[ASSAY_OBSERVE_MAX_CHANNELS], *dir;
	const struct assay_probe_env *env = assay_probe_env_get(L);
	const struct assay_forms *f;
	struct assay_capture_secret sec[ASSAY_CAPTURE_MAX_SECRETS];
	char labels[ASSAY_CAPTURE_MAX_SECRETS][96];
	struct assay_observe *o = NULL;
	struct assay_gw **gwp;
	void **obox;
	char why[512], name[256], hex[ASSAY_SHA256_HEX_LEN + 1];
	size_t n = 0, i, ns, masked = 0;
	int seconds, r, answered, dns, has_list = 0;

	assay_lua_opts(L, "observe", known);
	/* Default: 3 client cycles when the set-up declares cycle-s. */
	seconds = (int)assay_lua_opt_int(L, "observe", "seconds",
	    assay_forms_pace(assay_probe_client_forms_get(L))->observe_s, 1,
	    ASSAY_OBSERVE_MAX_SECONDS);
	n = assay_lua_opt_names(L, "observe", "channels", NULL,
	    ASSAY_OBSERVE_MAX_CHANNELS, names, "11-ComMech entry ids");
	has_list = n > 0;
	if ((f = assay_probe_client_forms_get(L)) == NULL ||
	    assay_forms_gateway(f) == NULL)
		return assay_lua_fail(L, "no lab gateway declared (set-up "
		    "<client-side><gateway>)");
	lua_getfield(L, LUA_REGISTRYINDEX, DIR_KEY);
	dir = lua_tostring(L, -1);	/* kept on the stack */
	if (dir == NULL)
		return assay_lua_fail(L, "no evidence directory to record into "
		    "(observe runs inside a run)");
	gwp = (struct assay_gw **)assay_lua_box(L, gw_close_box);
	obox = assay_lua_box(L, free);
	if ((r = assay_gw_open(f, gwp, why, sizeof(why))) != 0)
		return assay_lua_harness_error(L, "observe", r, 0);
	if (*gwp == NULL)
		return assay_lua_fail(L, why);
	r = assay_observe_run(env, *gwp, dir, has_list ? names : NULL, n,
	    seconds, &o, why, sizeof(why));
	/* The names the device asked, then the gateway is given back (a
	 * later probe of the same test case opens its own). */
	n = assay_gw_dns_count(*gwp);
	lua_createtable(L, (int)n, 0);
	dns = lua_gettop(L);
	for (i = 0; i < n; i++) {
		if (assay_gw_dns_name(*gwp, i, name, sizeof(name),
		    &answered) != 0)
			continue;
		lua_createtable(L, 0, 2);
		set_str(L, "name", name);
		lua_pushboolean(L, answered);
		lua_setfield(L, -2, "answered");
		lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	}
	assay_gw_close(*gwp);
	*gwp = NULL;
	if (r == ASSAY_ERR_NOT_FOUND && has_list)
		assay_lua_argerror(L, "observe", "%s", why);
	if (r != 0)
		return assay_lua_harness_error(L, "observe", r, 0);
	if (o == NULL)
		return assay_lua_fail(L, why);
	*obox = o;
	/* The analysis is assay.net.capture's, on the file just written. */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_createtable(L, 0, 2);
	set_str(L, "file", o->file);
	ns = assay_observe_secrets(f, sec, labels, ASSAY_CAPTURE_MAX_SECRETS);
	lua_createtable(L, (int)ns, 0);
	for (i = 0; i < ns; i++) {
		lua_createtable(L, 0, 3);
		set_str(L, "label", sec[i].label);
		set_str(L, "value", sec[i].value);
		if (sec[i].user != NULL)
			set_str(L, "user", sec[i].user);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "secrets");
	lua_call(L, 1, 2);
	if (lua_isnil(L, -2)) {
		(void)snprintf(why, sizeof(why), "recording %.200s: %.250s", o->file,
		    lua_tostring(L, -1) != NULL ? lua_tostring(L, -1) : "?");
		return assay_lua_fail(L, why);
	}
	lua_pop(L, 1);
	/*
	 * The analysis is done on what was recorded; the file kept in the
	 * evidence then has every spelling of every secret overwritten with
	 * '*' of the same length (frames and offsets unchanged), so the run
	 * directory holds no secret in clear, as everywhere else.
	 */
	if ((r = assay_observe_mask_file(o->file, sec, ns, &masked, why,
	    sizeof(why))) != 0)
		return assay_lua_harness_error(L, "observe", r, 0);
	if (why[0] != '\0')
		return assay_lua_fail(L, why);
	if ((r = assay_file_sha256_hex(o->file, hex)) != 0)
		return assay_lua_harness_error(L, "observe", r, 0);
	set_int(L, "masked", (lua_Integer)masked);
	set_str(L, "file_sha256", hex);
	assay_probe_note(env, "observe", "%s: %zu occurrences of secrets "
	    "masked in the stored copy, sha256 %s (analysed: %s)", o->file,
	    masked, hex, lua_getfield(L, -1, "sha256") == LUA_TSTRING ?
	    lua_tostring(L, -1) : "?");
	lua_pop(L, 1);
	set_str(L, "file", o->file);
	set_str(L, "recording", o->recording);
	set_int(L, "ms", o->ms);
	lua_createtable(L, (int)o->nchannels, 0);
	for (i = 0; i < o->nchannels; i++) {
		push_channel(L, &o->ch[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "standin");
	lua_pushvalue(L, dns);
	lua_setfield(L, -2, "dns_asked");
	return 1;
}

void
assay_probe_observe_lua_register(lua_State *L)
{
	lua_getfield(L, -1, "capture");
	if (!lua_isfunction(L, -1))
		luaL_error(L, "observe: assay.net.capture must be registered "
		    "first");
	lua_pushcclosure(L, l_observe, 1);
	lua_setfield(L, -2, "observe");
}
