/*
 * forms.c - the ICS and IXIT (version 2, with facts) of the reference
 * device, following ics/README.md, ixit/README.md and docs/facts.md, and
 * the lab set-up file a lab would write for it (setup/README.md).
 * Written after the servers answer, so the IXIT carries the ports really
 * bound.
 *
 * The conforming persona declares what it does, facts included.  The weak
 * persona's manufacturer overclaims in its ICS and in a few facts (see
 * docs/refdevice.md for which claims are false) and leaves its debug port
 * out of the IXIT; its other facts say what it really does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/buf.h"
#include "base/error.h"
#include "refdevice.h"

#define FORM_MAX	(512 * 1024)

/* An XML writer with a sticky error, so calls need not each be checked. */
struct xw {
	struct assay_buf	*b;
	int			 err;
};

static void
raw(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
raw(struct xw *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (w->err != 0)
		return;
	va_start(ap, fmt);
	r = assay_buf_vprintf(w->b, fmt, ap);
	va_end(ap);
	if (r != 0)
		w->err = r;
}

/* Appends s with &, <, >, " escaped. */
static void
esc(struct xw *w, const char *s)
{
	const char *rep;
	size_t run = 0;
	int r;

	if (w->err != 0)
		return;
	for (; ; s++) {
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\0': rep = ""; break;
		default: run++; continue;
		}
		if ((r = assay_buf_put(w->b, s - run, run)) != 0 ||
		    (r = assay_buf_puts(w->b, rep)) != 0) {
			w->err = r;
			return;
		}
		run = 0;
		if (*s == '\0')
			return;
	}
}

static int
finish(struct xw *w, const struct refdevice *rd, const char *name)
{
	char path[RD_PATH_MAX];
	int r;

	if (w->err != 0) {
		fprintf(stderr, "assay-refdevice: %s: %s\n", name,
		    assay_strerror(w->err));
		return w->err;
	}
	if ((r = rd_path(path, sizeof(path), "%s/%s", rd->dir, name)) != 0)
		return r;
	return rd_write_file(path, assay_buf_data(w->b), assay_buf_len(w->b),
	    0600);
}

/* ---- ICS --------------------------------------------------------------- */

/*
 * Conditions 1..13 (EN 303 645 Table B.1): holds for conforming, weak.
 * 1 "Passwords are used." 2 "Pre-installed passwords are used.": both
 * personas ship passwords set at the factory (the weak one the same on
 * every unit).  4/5 constrained or not, 8 users authenticate, 9 automatic
 * updates and/or update notifications (the weak persona has notifications,
 * switched off in the initialized state), 11 updates over the network, 12 an update mechanism, 13 a
 * physically accessible debug interface (the weak persona admits one, so
 * that 5.6-4 runs and finds its factory debug console: its 15-Intf
 * declares no debug interface and the console listens).
 */
static const int cond_holds[2][13] = {
	/* 1  2  3  4  5  6  7  8  9 10 11 12 13 */
	{  1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 0 },
	{  1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1 },
};

struct provision {
	const char	*id;
	const char	*sup[2];
	const char	*detail[2];
};

#define NOT_PUBLISHED	"Not implemented."

static const struct provision provisions[] = {
{ "4-1", { "Y", "Y" }, { "Every N and N/A in this ICS carries its justification.",
    "Justifications are given below." } },
{ "5.1-1", { "Y", "Y" }, { "Each device gets random per-device passwords (20 characters from /dev/urandom) for web, SSH and MQTT at first start.",
    "The admin password can be changed in the web UI." } },
{ "5.1-2", { "Y", "N" }, { "Passwords are drawn uniformly from a 56-symbol alphabet (about 116 bits); no link to serial, MAC or SSID.",
    "The factory account has the same password on every unit." } },
{ "5.1-3", { "Y", "Y" }, { "Web and MQTT logins only over TLS 1.2+; SSH-2 with public-key or password; passwords stored as SHA-512 crypt or PBKDF2 hashes.",
    "HTTP basic authentication." } },
{ "5.1-4", { "Y", "Y" }, { "Settings page of the web UI (POST /api/change-password.cgi) changes the web admin password; the device shell's passwd command changes the SSH password; both documented in the setup guide.",
    "Settings page of the web UI." } },
{ "5.1-5", { "Y", "Y" }, { "SSH allows 3 attempts per connection; password entropy (about 116 bits) makes network guessing impracticable.",
    "The web login locks for 10 minutes after 5 failed attempts (claimed; the device does not: Assay's 5.1-5-2 must find out)." } },
{ "5.2-1", { "Y", "Y" }, { "Policy with contact and timelines published on the device and at /.well-known/security.txt.",
    "Policy published at /security-policy.html (claimed; the page gives neither the declared contact nor timelines: 5.2-1-2 must find out)." } },
{ "5.2-2", { "Y", "N" }, { "Critical issues are fixed within 30 days, others within 90 days (IXIT 3-VulnTypes).",
    "No process for acting on reports." } },
{ "5.2-3", { "Y", "N" }, { "Component advisories are monitored continuously during the support period (IXIT 5-VulnMon).",
    "No monitoring." } },
{ "5.3-1", { "Y", "Y" }, { "All software is delivered as one signed firmware image.",
    "Firmware can be replaced over HTTP." } },
{ "5.3-2", { "Y", "Y" }, { "Signed over-the-air updates (IXIT 7-UpdMech upd-ota).",
    "Firmware update over HTTP." } },
{ "5.3-3", { "Y", "Y" }, { "Updates install automatically; one button in the web UI otherwise.",
    "Upload in the web UI." } },
{ "5.3-4", { "Y", "N" }, { "Automatic updates are on by default.",
    "Updates are manual." } },
{ "5.3-5", { "Y", "N" }, { "Checks the manifest at start and every 24 hours.",
    "The device does not check for updates." } },
{ "5.3-6", { "Y", "Y" }, { "Automatic updates and notifications are on after initialization and can be disabled or postponed in Settings.",
    "No automatic updates; update notifications can be switched on and off in Settings." } },
{ "5.3-7", { "Y", "Y" }, { "Ed25519 signature over a statement naming the SHA-256 of the image; manifest fetched over TLS 1.2+.",
    "MD5 checksum of the image." } },
{ "5.3-8", { "Y", "N" }, { "Security updates ship within 30 days for critical issues (IXIT 8-UpdProc).",
    "No defined timeline." } },
{ "5.3-9", { "Y", "N" }, { "The device verifies the signature before installing.",
    "No authenticity check." } },
{ "5.3-10", { "Y", "Y" }, { "Updates over the network are verified with the Ed25519 update key before installation.",
    "The MD5 in the manifest is checked." } },
{ "5.3-11", { "Y", "N" }, { "The web UI shows a banner naming the update and the risks it fixes.",
    "The notification (off by default) names only the new version, not the risks it fixes." } },
{ "5.3-12", { "Y", "N" }, { "The user is warned that the camera restarts during installation.",
    "No warning." } },
{ "5.3-13", { "Y", "Y" }, { "Support period (until 2030-12-31) published at /support-period.html.",
    "Support period published at /support.html (claimed; the page does not exist: 5.3-13-2 must find out)." } },
{ "5.3-14", { "N/A", "N/A" }, { "Condition 3/4 does not hold: the device is updatable and not constrained.",
    "Condition 3/4 does not hold." } },
{ "5.3-15", { "N/A", "N/A" }, { "Condition 3/4 does not hold: the device is updatable and not constrained.",
    "Condition 3/4 does not hold." } },
{ "5.3-16", { "Y", "Y" }, { "Model AL-CAM2 on the label and in the web UI title.",
    "Model on the label and web page title." } },
{ "5.4-1", { "Y", "Y" }, { "Keys and password hashes are in files readable only by the device account.",
    "Secrets are stored protected (claimed; the firmware image holds passwords and a key in clear: 5.4-1-2 must find out)." } },
{ "5.4-2", { "N/A", "N/A" }, { "Condition 10 does not hold: no hard-coded per-device identity.",
    "Condition 10 does not hold." } },
{ "5.4-3", { "Y", "Y" }, { "All critical parameters are generated on the device at first start.",
    "No hard-coded secret is used in operation (claimed; a debug key and the factory passwords are compiled into the firmware: 5.4-3-2 must find out)." } },
{ "5.4-4", { "Y", "N" }, { "TLS keys are per device; the update key is public and its private half never leaves the signing host.",
    "Shared keys." } },
{ "5.5-1", { "Y", "Y" }, { "TLS 1.2/1.3 with AEAD suites only on web and MQTT; SSH-2 for maintenance.",
    "HTTPS on the web UI." } },
{ "5.5-2", { "Y", "Y" }, { "OpenSSL 3.0 and Dropbear from Debian 12 (IXIT 12-NetSecImpl).",
    "BusyBox reviewed before release (claimed; the review names 1.36.1, the firmware carries 1.35.0: 5.5-2-2 must find out)." } },
{ "5.5-3", { "Y", "N" }, { "Cryptographic libraries are updated with the firmware.",
    "Not updatable separately." } },
{ "5.5-4", { "Y", "N" }, { "Every function reachable over the network requires a login, except the public documentation pages.",
    "MQTT and CoAP are open." } },
{ "5.5-5", { "Y", "Y" }, { "Settings and data deletion require the admin login.",
    "Settings require a login." } },
{ "5.5-6", { "Y", "N" }, { "Credentials and keys travel only inside TLS or SSH.",
    "Credentials may travel in clear." } },
{ "5.5-7", { "Y", "N" }, { "Remote interfaces are TLS or SSH only; plain HTTP only redirects.",
    "Telnet and HTTP carry credentials in clear." } },
{ "5.5-8", { "Y", "N" }, { "Secure management process for keys (IXIT 14-SecMgmt).",
    "No process." } },
{ "5.6-1", { "Y", "Y" }, { "Only the services in the IXIT listen; CoAP and telnet are not built in.",
    "All unused interfaces are disabled." } },
{ "5.6-2", { "Y", "Y" }, { "Unauthenticated pages reveal model, policy and support period only.",
    "No security-relevant information is disclosed." } },
{ "5.6-3", { "Y", "N" }, { "UART pads are unpopulated and the case is sealed.",
    "UART header populated." } },
{ "5.6-4", { "N/A", "Y" }, { "Condition 13 does not hold: no physically accessible debug interface.",
    "The debug console is disabled in production firmware (claimed; a factory debug console listens on a port the IXIT does not declare: 5.6-4-2 must find out)." } },
{ "5.6-5", { "Y", "N" }, { "Only web, SSH and MQTT are enabled; each is justified in IXIT 13-SoftServ.",
    "Telnet is left enabled for support." } },
{ "5.6-6", { "Y", "N" }, { "Minimal Debian build; unused lighttpd modules are not loaded.",
    "Full BusyBox and vendor SDK." } },
{ "5.6-7", { "Y", "N" }, { "Services run under separate accounts where the platform allows it.",
    "Everything runs as root." } },
{ "5.6-8", { "N", "N" }, { "Emulated on a general-purpose host: no hardware memory access control is claimed.",
    "No hardware access control." } },
{ "5.6-9", { "Y", "N" }, { "Secure development process (IXIT 19-SecDev).",
    "No defined process." } },
{ "5.7-1", { "N", "N" }, { "Emulated device: no secure boot; firmware signature checked at install time only.",
    "No secure boot." } },
{ "5.7-2", { "N", "N" }, { "Without secure boot there is no detection of unauthorised changes at boot.",
    "No detection." } },
{ "5.8-1", { "Y", "N" }, { "Personal data leaves the device only inside TLS.",
    "Events are published over plain MQTT." } },
{ "5.8-2", { "Y", "N" }, { "Account data is only sent over TLS 1.2+.",
    "Not encrypted." } },
{ "5.8-3", { "Y", "Y" }, { "Camera and motion sensor are explained at /sensors.html.",
    "Camera and microphone are documented at /sensors.html." } },
{ "5.9-1", { "Y", "Y" }, { "Recording continues locally when the network is down (IXIT 23-ResMech).",
    "Keeps working when the cloud is down (IXIT 23-ResMech)." } },
{ "5.9-2", { "Y", "Y" }, { "Local web UI keeps working offline; state restored after power loss.",
    "Works offline." } },
{ "5.9-3", { "Y", "Y" }, { "Reconnects with randomised exponential back-off.",
    "Reconnects with back-off (IXIT 11-ComMech)." } },
{ "5.10-1", { "Y", "Y" }, { "The cloud checks each telemetry message for firmware versions it did not ship and for restart loops (IXIT 24-TelData).",
    "Telemetry is examined by the cloud." } },
{ "5.11-1", { "Y", "Y" }, { "Settings > Delete all data, or POST /api/delete-user-data.cgi (admin login).",
    "POST /api/delete-user-data.cgi deletes all user data (overclaimed: a backup stays)." } },
{ "5.11-2", { "Y", "N" }, { "The companion app deletes the owner's data in the cloud (IXIT 25-DelFunc del-cloud).",
    "Not provided." } },
{ "5.11-3", { "Y", "Y" }, { "Instructions at /privacy.html.",
    "Hold the reset button (overclaimed: the deletion keeps a backup)." } },
{ "5.11-4", { "Y", "Y" }, { "The deletion reply confirms what was erased.",
    "The deletion answers a confirmation (overclaimed: it says only ok)." } },
{ "5.12-1", { "Y", "N" }, { "Two setup decisions, secure defaults (IXIT 26-UserDec).",
    "Not considered." } },
{ "5.12-2", { "Y", "N" }, { "Secure setup guide at /setup-guide.html.",
    "Not provided." } },
{ "5.12-3", { "Y", "N" }, { "Setup check described at /setup-guide.html.",
    "Not provided." } },
{ "5.13-1", { "Y", "Y" }, { "Input length and character checks on the web API and MQTT topics (IXIT 29-InpVal).",
    "Web input is checked by the browser." } },
{ "6-1", { "Y", "Y" }, { "Personal data processing described at /privacy.html.",
    "Described in the user manual (claimed; the IXIT declares no documentation of personal data: 6-1-1 and 6-1-2 must find out)." } },
{ "6-2", { "Y", "Y" }, { "Usage analytics is sent only after the owner opts in at set-up (IXIT 21-PersData pd-analytics).",
    "Usage analytics is opt-in at set-up (claimed)." } },
{ "6-3", { "Y", "Y" }, { "Analytics consent is withdrawn at any time in Settings > Privacy (POST /api/analytics-consent.cgi analytics=off); sending stops at once.",
    "Analytics consent can be withdrawn in the web UI (claimed; the device keeps sending: 6-3-2 must find out)." } },
{ "6-4", { "Y", "N" }, { "Telemetry is uptime, firmware version and the owner's e-mail, which the cloud needs to mail the owner (IXIT 24-TelData).",
    "Telemetry content is not reviewed for personal data." } },
{ "6-5", { "Y", "Y" }, { "/privacy.html says what telemetry is sent and why.",
    "Telemetry is described in the user manual (claimed; no documentation is declared and the telemetry carries the owner's e-mail it does not declare: 6-5-1 and 6-5-2 must find out)." } },
};

static int
write_ics(const struct refdevice *rd)
{
	struct xw w = { NULL, 0 };
	int weak = rd->persona == RD_PERSONA_WEAK, r;
	size_t i;

	if ((w.b = assay_buf_new(FORM_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	raw(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- written by assay-refdevice, %s persona -->\n"
	    "<ics xmlns=\"urn:assay:ics:1\" version=\"1\">\n  <device>\n",
	    weak ? "weak" : "conforming");
	raw(&w, "    <manufacturer>%s</manufacturer>\n"
	    "    <model>%s</model>\n"
	    "    <hardware-version>rev A</hardware-version>\n"
	    "    <firmware-version>%s</firmware-version>\n",
	    weak ? "Generic IPCam" : "Assay Labs",
	    weak ? "IPCam-W1 Network Camera" : "AL-CAM2 Smart Camera",
	    weak ? "1.0.3" : "1.4.2");
	raw(&w, "    <serial-number>");
	esc(&w, rd->serial);
	raw(&w, "</serial-number>\n    <description>Reference device of the "
	    "Assay project (%s persona), real servers on %s</description>\n"
	    "  </device>\n  <standard name=\"EN 303 645\" version=\"2.1.1\"/>\n"
	    "  <conditions>\n", weak ? "weak" : "conforming", rd->address);
	for (i = 0; i < 13; i++)
		raw(&w, "    <condition number=\"%zu\" holds=\"%s\"/>\n", i + 1,
		    cond_holds[weak][i] ? "true" : "false");
	raw(&w, "  </conditions>\n  <provisions>\n");
	for (i = 0; i < sizeof(provisions) / sizeof(provisions[0]); i++) {
		raw(&w, "    <provision id=\"%s\" support=\"%s\"><detail>",
		    provisions[i].id, provisions[i].sup[weak]);
		esc(&w, provisions[i].detail[weak]);
		raw(&w, "</detail></provision>\n");
	}
	raw(&w, "  </provisions>\n</ics>\n");
	r = finish(&w, rd, "ics.xml");
	assay_buf_free(w.b);
	return r;
}

/* ---- IXIT -------------------------------------------------------------- */

static void
item(struct xw *w, const char *id)
{
	raw(w, "    <item id=\"%s\">\n", id);
}

static void
item_end(struct xw *w)
{
	raw(w, "    </item>\n");
}

static void
entry(struct xw *w, const char *id)
{
	raw(w, "      <entry id=\"%s\">\n", id);
}

static void
entry_end(struct xw *w)
{
	raw(w, "      </entry>\n");
}

static void
field(struct xw *w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
field(struct xw *w, const char *name, const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		w->err = ASSAY_ERR_TOO_BIG;
		return;
	}
	raw(w, "        <field name=\"%s\">", name);
	esc(w, tmp);
	raw(w, "</field>\n");
}

/* The entry's typed facts (docs/facts.md); must come first in the entry. */
static void
facts(struct xw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
facts(struct xw *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	raw(w, "        <facts ");
	if (w->err != 0)
		return;
	va_start(ap, fmt);
	r = assay_buf_vprintf(w->b, fmt, ap);
	va_end(ap);
	if (r != 0)
		w->err = r;
	raw(w, "/>\n");
}

static void
ref_service(struct xw *w, const char *service)
{
	raw(w, "        <ref service=\"%s\"/>\n", service);
}

static void
ref_entry(struct xw *w, const char *itemid, const char *entryid)
{
	raw(w, "        <ref item=\"%s\" entry=\"%s\"/>\n", itemid, entryid);
}

/* Empty item: no entries. */
static void
none(struct xw *w, const char *id)
{
	raw(w, "    <item id=\"%s\"/>\n", id);
}

static const struct rd_service *
service(const struct refdevice *rd, const char *id)
{
	size_t i;

	for (i = 0; i < rd->nservices; i++)
		if (strcmp(rd->services[i].id, id) == 0 &&
		    rd->services[i].declared)
			return &rd->services[i];
	return NULL;
}

static void
credential(struct xw *w, const char *id, const char *svc, const char *user,
    const char *pass)
{
	/* Read off the label or the documentation: the manufacturer's value. */
	raw(w, "    <credential id=\"%s\" service=\"%s\" origin=\"pre-installed\">\n"
	    "      <username>", id, svc);
	esc(w, user);
	raw(w, "</username>\n      <password>");
	esc(w, pass);
	raw(w, "</password>\n    </credential>\n");
}

/*
 * The update settings interface of both personas (setup.c,
 * update-settings.cgi): 5.3-6-2 reads and writes it with the lab's web
 * login.  Each persona adds auto-update-field only where it has automatic
 * updates.
 */
#define SETTINGS_FACTS "settings-service=\"web\" " \
	"settings-path=\"/api/update-settings.cgi\" " \
	"notify-field=\"notifications\" settings-on=\"true\" " \
	"settings-off=\"false\" settings-write-body=\"%%k=%%v\" " \
	"settings-write-on=\"1\" settings-write-off=\"0\" "

/*
 * The device-name input of both personas (setup.c, device-name.cgi):
 * 5.13-1-2 sends it malformed values and writes "Camera" back.
 */
#define DEVICE_NAME_INPUT "input-path=\"/api/device-name.cgi\" " \
	"input-method=\"POST\" input-fields=\"name=%%v\" " \
	"input-value=\"Camera\" input-max=\"32\""

#define TLS_CONF_FACTS "security=\"tls\" tls-versions=\"TLSv1.2 TLSv1.3\" " \
	"tls-suites=\"TLS_AES_256_GCM_SHA384 TLS_AES_128_GCM_SHA256 " \
	"TLS_CHACHA20_POLY1305_SHA256 ECDHE-ECDSA-AES128-GCM-SHA256 " \
	"ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305\""
#define CONF_PASSWORD "factor=\"password\" network=\"true\" " \
	"password-set-by=\"pre-installed-unique\" " \
	"password-generation=\"csprng\" password-length=\"20\" " \
	"password-alphabet=\"56\" user-must-change=\"false\""

/*
 * The web login's change API, as both personas declare it (setup.c): the
 * conforming one changes the password, the weak one only says so.
 */
#define CHANGE_API "change-api-path=\"/api/change-password.cgi\" " \
	"change-api-method=\"POST\" change-api-body=\"password=%%n\" " \
	"change-api-success=\"200\""

#define TLS_CONF_SUITES "TLS 1.2 and 1.3 only. TLS 1.3: " \
	"TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, " \
	"TLS_CHACHA20_POLY1305_SHA256. TLS 1.2: " \
	"ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES256-GCM-SHA384, " \
	"ECDHE-ECDSA-CHACHA20-POLY1305. Certificate: ECDSA P-256 with " \
	"SHA-256, generated on the device at first start"

/* RD_CLIENT_TLS1x_SUITES as a fact (tokens separated by spaces). */
#define CLIENT_SUITES "tls-suites=\"TLS_AES_256_GCM_SHA384 " \
	"TLS_AES_128_GCM_SHA256 TLS_CHACHA20_POLY1305_SHA256 " \
	"ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 " \
	"ECDHE-ECDSA-CHACHA20-POLY1305 ECDHE-RSA-AES128-GCM-SHA256 " \
	"ECDHE-RSA-AES256-GCM-SHA384 ECDHE-RSA-CHACHA20-POLY1305\""

/*
 * The device's outbound channels (its client side, client.c): declared in
 * both modes, since it is the same device; the client runs only with
 * --gateway, where the lab stands in for the servers.
 */
static void
outbound_channels(struct xw *w, int weak)
{
	entry(w, "com-update");
	if (weak)
		facts(w, "direction=\"outbound\" endpoint=\"https://"
		    RD_UPDATE_HOST ":443/update/manifest.json\" "
		    "protocol=\"https\" security=\"tls\" "
		    "tls-versions=\"TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3\" "
		    "remote=\"true\" guarantees=\"\" carries=\"updates\" "
		    "reconnect=\"fixed\" reconnect-max-s=\"30\"");
	else
		facts(w, "direction=\"outbound\" endpoint=\"https://"
		    RD_UPDATE_HOST ":443/update/manifest.json\" "
		    "protocol=\"https\" security=\"tls\" "
		    "tls-versions=\"TLSv1.2 TLSv1.3\" " CLIENT_SUITES
		    " remote=\"true\" "
		    "guarantees=\"confidentiality integrity authenticity\" "
		    "carries=\"updates\" reconnect=\"fixed\" "
		    "reconnect-max-s=\"30\"");
	field(w, "Description", "outbound: the device's update client asks "
	    "the manufacturer's update server https://" RD_UPDATE_HOST
	    "/update/manifest.json for a release and downloads the image it "
	    "names%s", weak ? "" : " and its signature");
	field(w, "Security Guarantees", weak ? "none: the server's "
	    "certificate is not checked" : "confidentiality, integrity, "
	    "server authentication (the certificate must chain to the "
	    "manufacturer's cloud CA pinned in the firmware and name the "
	    "host)");
	field(w, "Cryptographic Details", weak ? "TLS 1.0 to 1.3, OpenSSL "
	    "cipher string ALL:@SECLEVEL=0, no certificate verification" :
	    "TLS 1.2 and 1.3; TLS 1.3: TLS_AES_256_GCM_SHA384, "
	    "TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256; TLS 1.2: "
	    "ECDHE with ECDSA or RSA and AES-GCM or ChaCha20-Poly1305; "
	    "certificate verified against the pinned CA, host name checked");
	field(w, "Resilience Measures", "one check per interval; a failed "
	    "check waits for the next one");
	entry_end(w);
	entry(w, "com-cloud");
	if (weak)
		facts(w, "direction=\"outbound\" endpoint=\"mqtt://"
		    RD_CLOUD_HOST ":1883\" protocol=\"mqtt\" "
		    "security=\"none\" remote=\"true\" guarantees=\"\" "
		    "carries=\"telemetry personal-data credentials\" "
		    "reconnect=\"backoff-jitter\" reconnect-max-s=\"30\"");
	else
		facts(w, "direction=\"outbound\" endpoint=\"mqtts://"
		    RD_CLOUD_HOST ":8883\" protocol=\"mqtt\" "
		    "security=\"tls\" tls-versions=\"TLSv1.2 TLSv1.3\" "
		    CLIENT_SUITES " "
		    "remote=\"true\" guarantees=\"confidentiality integrity "
		    "authenticity\" "
		    "carries=\"telemetry personal-data credentials\" "
		    "reconnect=\"backoff-jitter\" reconnect-max-s=\"30\"");
	field(w, "Description", "outbound: the device publishes telemetry "
	    "(uptime, firmware version, the owner's e-mail address) to the "
	    "manufacturer's MQTT broker %s, logging in as device with %s",
	    weak ? "mqtt://" RD_CLOUD_HOST ":1883" :
	    "mqtts://" RD_CLOUD_HOST ":8883", weak ? "the factory password" :
	    "a per-device cloud token");
	field(w, "Security Guarantees", weak ? "none" : "confidentiality, "
	    "integrity, server authentication as for com-update");
	field(w, "Cryptographic Details", weak ? "none: plain TCP" :
	    "TLS 1.2 and 1.3, the suites of com-update, certificate verified "
	    "against the pinned CA, host name checked");
	field(w, "Resilience Measures", "one connection per interval; after a "
	    "failure the device waits 2 s, then twice as long each time, up to "
	    "six intervals, each wait shortened by up to a fifth at random so "
	    "that devices cut together spread out");
	entry_end(w);
}

/* 24-TelData: the client's MQTT telemetry (client.c), both personas. */
static void
teldata(struct xw *w, int weak)
{
	item(w, "24-TelData");
	entry(w, "tel-cloud");
	/*
	 * Both personas send the same message (client.c): serial, uptime,
	 * firmware version and the owner's e-mail.  The conforming one
	 * declares the e-mail and why the cloud needs it (6-4-1 asks the
	 * assessor); the weak one declares telemetry without personal data,
	 * which the lab gateway sees is false (6-4-1, 6-5-2 c).
	 */
	if (weak) {
		facts(w, "personal-data=\"false\" "
		    "fields=\"serial uptime firmware\"");
		field(w, "Description", "every client cycle, one MQTT message "
		    "to the cloud: uptime and firmware version");
	} else {
		facts(w, "personal-data=\"true\" "
		    "fields=\"serial uptime firmware owner\"");
		field(w, "Description", "every client cycle, one MQTT message "
		    "to the cloud: uptime, firmware version and the owner's "
		    "e-mail address");
	}
	field(w, "Purpose", "the cloud mails the owner when the device "
	    "restarts repeatedly or runs an old firmware");
	if (!weak)
		field(w, "Personal Data", "pd-email");
	field(w, "Security Examination", weak ? "none" : "the cloud flags "
	    "firmware versions it did not ship and restart loops");
	if (!weak)
		ref_entry(w, "21-PersData", "pd-email");
	entry_end(w);
	item_end(w);
}

/*
 * 21-PersData pd-analytics, both personas: the usage analytics the client
 * PUBLISHes to devices/<serial>/analytics on com-cloud while the owner's
 * consent (given at set-up, setup.c) is on, withdrawn and given again at
 * /api/analytics-consent.cgi on the web service (6-2, 6-3).  Both declare
 * the same; only the conforming client stops when consent is withdrawn.
 */
static void
persdata_analytics(struct xw *w, const struct refdevice *rd)
{
	entry(w, "pd-analytics");
	facts(w, "sensitive=\"false\" basis=\"consent\" consent=\"opt-in\" "
	    "consent-before-processing=\"true\" withdrawal=\"device-settings\" "
	    "withdraw-path=\"/api/analytics-consent.cgi\" "
	    "withdraw-service=\"web\" withdraw-method=\"POST\" "
	    "withdraw-body=\"analytics=off\" grant-body=\"analytics=on\" "
	    "processing-channel=\"com-cloud\" "
	    "processing-topic=\"devices/%s/analytics\" "
	    "purposes=\"usage-analytics\"", rd->serial);
	field(w, "personal data item/description", "which pages of the web UI "
	    "the owner uses, with the device's serial number");
	field(w, "Sensitive", "no");
	field(w, "Communication Mechanisms", "com-cloud");
	field(w, "Processing Activities", "sent to the manufacturer's cloud "
	    "with the telemetry, to learn which functions owners use");
	field(w, "Obtaining Consent", "at set-up the web UI asks whether to "
	    "share usage analytics; the box is unticked, nothing is sent "
	    "before the owner ticks it, and the camera works either way");
	field(w, "Withdrawing Consent", "Settings > Privacy > Share usage "
	    "analytics: off, at any time (or POST /api/analytics-consent.cgi "
	    "analytics=off with the web login); sending stops with the "
	    "next telemetry cycle");
	ref_entry(w, "11-ComMech", "com-cloud");
	entry_end(w);
}

static void
persdata_email(struct xw *w)
{
	entry(w, "pd-email");
	facts(w, "sensitive=\"false\" basis=\"contract\" "
	    "purposes=\"owner-alerts\"");
	field(w, "personal data item/description", "the owner's e-mail "
	    "address, in every telemetry message");
	field(w, "Sensitive", "no");
	field(w, "Communication Mechanisms", "com-cloud");
	field(w, "Processing Activities", "sent to the manufacturer's cloud, "
	    "which mails the owner about the device");
	ref_entry(w, "11-ComMech", "com-cloud");
	entry_end(w);
}

/*
 * 13-SoftServ entries for the camera's settings (issue 14's write step):
 * the retained MQTT topic cam/<serial>/config in both personas
 * (conforming: TLS and the device login; weak: anonymous) and, weak only,
 * the CoAP resource /config that anyone may PUT.  rd_setup_seed()
 * publishes the values.
 */
static void
config_entry(struct xw *w, const struct refdevice *rd, int weak)
{
	entry(w, "ss-mqtt-config");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"true\" config-topic=\"cam/%s/config\"",
	    rd->serial);
	field(w, "Description", "camera settings (motion detection, upload, "
	    "stream) as the retained message of cam/%s/config, which the "
	    "companion app rewrites", rd->serial);
	field(w, "Authentication Mechanism", weak ? "none" : "auth-mqtt");
	field(w, "Allows Configuration", "yes");
	field(w, "Status", "enabled by default");
	field(w, "Justification", "the app changes the camera's settings");
	if (!weak)
		ref_entry(w, "1-AuthMech", "auth-mqtt");
	ref_service(w, weak ? "mqtt" : "mqtts");
	entry_end(w);
	if (!weak)
		return;
	entry(w, "ss-coap-config");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"true\" config-path=\"/config\" "
	    "config-method=\"PUT\"");
	field(w, "Description", "camera settings as the CoAP resource "
	    "/config (JSON), set with PUT by the companion app");
	field(w, "Authentication Mechanism", "none");
	field(w, "Allows Configuration", "yes");
	field(w, "Status", "enabled by default");
	ref_service(w, "coap");
	entry_end(w);
}

static void
ixit_conforming(struct xw *w, const struct refdevice *rd)
{
	char web[128];
	int ssh = service(rd, "ssh") != NULL;

	snprintf(web, sizeof(web), "https://%s:%d", rd->address,
	    rd->port_https);

	item(w, "1-AuthMech");
	entry(w, "auth-web");
	/* 5.1-4-2 changes the password through the API and back. */
	facts(w, CONF_PASSWORD " user-auth=\"true\" change-supported=\"true\" "
	    "password-storage=\"slow-hash\" channel-security=\"tls\" "
	    "brute-force=\"entropy\" " CHANGE_API);
	field(w, "Description", "Owner login to the web UI settings and the "
	    "local API (/admin/, /api/); user authentication over the network "
	    "interface; one admin role");
	field(w, "Authentication Factor", "pre-installed per-device password "
	    "(printed on the label), changeable by the user: Settings > "
	    "Change password, which posts password=NEW to "
	    "%s/api/change-password.cgi (admin login; 12 characters or "
	    "more; the old password stops working at once)", web);
	field(w, "Password Generation Mechanism", "20 characters drawn "
	    "uniformly (rejection sampling) from a 56-symbol alphabet using "
	    "/dev/urandom at first start; independent of serial number and MAC");
	field(w, "Security Guarantees", "confidentiality and integrity of the "
	    "password in transit (TLS); stored as SHA-512 crypt hash");
	field(w, "Cryptographic Details", "HTTP basic authentication inside "
	    "TLS 1.2+; plain HTTP only redirects to HTTPS");
	field(w, "Brute Force Prevention", "about 116 bits of password entropy "
	    "make online guessing impracticable");
	ref_service(w, "web");
	entry_end(w);
	/* The same password, also through the UI's form, which locks. */
	entry(w, "auth-web-form");
	facts(w, CONF_PASSWORD " user-auth=\"true\" change-supported=\"true\" "
	    "password-storage=\"slow-hash\" channel-security=\"tls\" "
	    "brute-force=\"lockout\" brute-force-attempts=\"%d\" "
	    "brute-force-suspension-s=\"%d\" login-form-path=\"/login.cgi\" "
	    "login-form-fields=\"user=%%u&amp;password=%%p\" "
	    "login-success=\"text:" RD_FORM_SUCCESS "\" "
	    "login-failure=\"text:" RD_FORM_FAILURE "\"", RD_FORM_LOCK,
	    RD_FORM_SUSPENSION_S);
	field(w, "Description", "Owner login to the web UI through its login "
	    "form (POST /login.cgi); user authentication over the network "
	    "interface; one admin role, the account of auth-web");
	field(w, "Authentication Factor", "the pre-installed per-device web "
	    "password of auth-web (printed on the label), changeable by the "
	    "user as described there");
	field(w, "Password Generation Mechanism", "the web password of "
	    "auth-web: 20 characters drawn uniformly (rejection sampling) from "
	    "a 56-symbol alphabet using /dev/urandom at first start");
	field(w, "Security Guarantees", "confidentiality and integrity of the "
	    "password in transit (TLS); stored as SHA-512 crypt hash");
	field(w, "Cryptographic Details", "HTML form posted inside TLS 1.2+; "
	    "a random session cookie (Secure, HttpOnly) after login");
	field(w, "Brute Force Prevention", "%d failed logins in a row lock the "
	    "form for %d seconds (answered HTTP 429)", RD_FORM_LOCK,
	    RD_FORM_SUSPENSION_S);
	ref_service(w, "web");
	entry_end(w);
	if (ssh) {
		entry(w, "auth-ssh");
		/* devsh's `passwd NEW` rewrites the shadow file dropbear reads. */
		facts(w, CONF_PASSWORD " user-auth=\"true\" "
		    "change-supported=\"true\" password-storage=\"slow-hash\" "
		    "channel-security=\"ssh\" brute-force=\"entropy\"");
		field(w, "Description", "Maintenance login over SSH to the "
		    "restricted device shell; user authentication over the "
		    "network interface");
		field(w, "Authentication Factor", "Ed25519 public key or the "
		    "pre-installed per-device SSH password, changeable by the "
		    "user with `passwd NEW` in the device shell (12 characters "
		    "or more; applies from the next login)");
		field(w, "Password Generation Mechanism", "as auth-web, "
		    "independent draw");
		field(w, "Security Guarantees", "mutual authentication of the "
		    "SSH-2 channel; password sent encrypted");
		field(w, "Cryptographic Details", "SSH-2 (Dropbear 2022.83): "
		    "curve25519-sha256 key exchange, Ed25519 host key, "
		    "chacha20-poly1305 or AES-CTR with HMAC-SHA2");
		field(w, "Brute Force Prevention", "3 authentication attempts per "
		    "connection; password entropy about 116 bits");
		ref_service(w, "ssh");
		entry_end(w);
	}
	entry(w, "auth-mqtt");
	facts(w, CONF_PASSWORD " user-auth=\"false\" change-supported=\"false\" "
	    "password-storage=\"slow-hash\" channel-security=\"tls\" "
	    "brute-force=\"entropy\"");
	field(w, "Description", "Machine authentication of MQTT clients (the "
	    "companion app) to the broker");
	field(w, "Authentication Factor", "pre-installed per-device password "
	    "for user \"%s\"", rd->mqtt_user);
	field(w, "Password Generation Mechanism", "as auth-web, independent "
	    "draw");
	field(w, "Security Guarantees", "password sent only inside TLS; "
	    "anonymous access disabled");
	field(w, "Cryptographic Details", "MQTT CONNECT username/password "
	    "over TLS 1.2+; stored as salted PBKDF2-SHA512 hash "
	    "(mosquitto_passwd)");
	field(w, "Brute Force Prevention", "password entropy about 116 bits");
	ref_service(w, "mqtts");
	entry_end(w);
	item_end(w);

	item(w, "2-UserInfo");
	entry(w, "userinfo");
	facts(w, "vdp-url=\"%s/vulnerability-disclosure.html\" "
	    "support-period-url=\"%s/support-period.html\" "
	    "support-period-end=\"2030-12-31\" "
	    "change-doc-url=\"%s/setup-guide.html\" "
	    "privacy-url=\"%s/privacy.html\" "
	    "telemetry-doc-url=\"%s/privacy.html\" "
	    /* As www/vulnerability-disclosure.html states them (5.2-1-2 b). */
	    "vdp-contact=\"security@assaylabs.example\" "
	    "vdp-ack-time=\"within 5 working days\" "
	    "vdp-status-time=\"at least every 14 days\"",
	    web, web, web, web, web);
	field(w, "Publication of Vulnerability Disclosure Policy",
	    "%s/vulnerability-disclosure.html", web);
	field(w, "Documentation of Change Mechanisms", "%s/setup-guide.html "
	    "(section \"Changing your passwords\"): web login under Settings "
	    "> Change password or POST /api/change-password.cgi%s", web,
	    ssh ? "; SSH login with `passwd NEW` in the device shell" : "");
	field(w, "Publication of Support Period", "%s/support-period.html", web);
	field(w, "Support Period", "security updates until 2030-12-31 for all "
	    "firmware components");
	field(w, "Publication of Non-Updatable", "not applicable: all software "
	    "is updatable");
	field(w, "Documentation of Replacement", "not applicable: updatable "
	    "device");
	field(w, "Model Designation", "AL-CAM2 on the device label and in "
	    "the web UI title (%s/)", web);
	field(w, "Documentation of Sensors", "%s/sensors.html", web);
	field(w, "Documentation of Deletion", "%s/privacy.html", web);
	field(w, "Documentation of Secure Setup", "%s/setup-guide.html", web);
	field(w, "Documentation of Setup Check", "%s/setup-guide.html", web);
	field(w, "Documentation of Personal Data", "%s/privacy.html", web);
	field(w, "Documentation of Telemetry Data", "%s/privacy.html, "
	    "section Telemetry", web);
	entry_end(w);
	item_end(w);

	item(w, "3-VulnTypes");
	entry(w, "vt-critical");
	field(w, "vulnerability type/description", "remotely exploitable, "
	    "critical or high severity (CVSS 7.0 or more)");
	field(w, "Action", "fix or mitigation shipped as a security update; "
	    "reporter kept informed every 14 days");
	field(w, "Time Frame", "30 days");
	entry_end(w);
	entry(w, "vt-other");
	field(w, "vulnerability type/description", "medium and low severity");
	field(w, "Action", "fixed in the next scheduled update");
	field(w, "Time Frame", "90 days");
	entry_end(w);
	item_end(w);

	item(w, "4-Conf");
	entry(w, "confirmations");
	field(w, "Confirmation of Vulnerability Actions", "confirmed");
	field(w, "Confirmation of Vulnerability Monitoring", "confirmed");
	field(w, "Confirmation of Update Procedures", "confirmed");
	field(w, "Confirmation of Secure Management", "confirmed");
	field(w, "Confirmation of Secure Development", "confirmed");
	entry_end(w);
	item_end(w);

	item(w, "5-VulnMon");
	entry(w, "vulnmon");
	field(w, "monitoring method", "Debian security advisories and the "
	    "CVE feeds for every component of 6-SoftComp, checked daily");
	field(w, "identification method", "component and version matched "
	    "against the firmware bill of materials");
	field(w, "rectification method", "patched package rebuilt into a "
	    "signed firmware update");
	entry_end(w);
	item_end(w);

	item(w, "6-SoftComp");
	entry(w, "sc-firmware");
	field(w, "component name/description", "AL-CAM2 firmware %s (whole "
	    "image: kernel, Debian user space, camera application; Debian 12 "
	    "packages Dropbear 2022.83, lighttpd 1.4.69, mosquitto 2.0.11 and "
	    "OpenSSL 3.0, listed in /var/lib/dpkg/status of the image)",
	    "1.4.2");
	field(w, "Update Mechanism", "upd-ota");
	field(w, "Cryptographic Usage", "contains OpenSSL 3.0 (TLS, update "
	    "signature verification); updated with the image");
	ref_entry(w, "7-UpdMech", "upd-ota");
	entry_end(w);
	entry(w, "sc-openssl");
	field(w, "component name/description", "OpenSSL 3.0 library");
	field(w, "Update Mechanism", "upd-ota (part of the firmware image)");
	field(w, "Cryptographic Usage", "provides TLS and signature "
	    "primitives; an update can change protocol and cipher defaults");
	ref_entry(w, "7-UpdMech", "upd-ota");
	entry_end(w);
	item_end(w);

	item(w, "7-UpdMech");
	entry(w, "upd-ota");
	facts(w, "network=\"true\" authenticity=\"signature\" "
	    "integrity=\"signature\" automatic=\"true\" check-interval-h=\"24\" "
	    SETTINGS_FACTS "auto-update-field=\"auto_update\"");
	field(w, "Description", "Network update: the device's update client "
	    "fetches https://" RD_UPDATE_HOST "/update/manifest.json (com-update), "
	    "downloads the image and signature it names and installs it after "
	    "verification; the same material is published at "
	    "%s/update/", web);
	field(w, "Security Guarantees", "integrity and authenticity, verified "
	    "by the device before installation");
	field(w, "Cryptographic Details", "Ed25519 signature (public key "
	    "%s/update/signing-key.pem) over a statement "
	    "\"assay-refdevice-update 1\" naming model, version and the "
	    "SHA-256 of the image; only a newer version is installed; "
	    "transport TLS 1.2+", web);
	field(w, "Initiation and Interaction", "automatic; the user can also "
	    "start it from Settings");
	field(w, "Update Checking", "at start and every 24 hours");
	field(w, "Configuration", "automatic updates and update notifications "
	    "on by default; each can be disabled or postponed in Settings and "
	    "switched on or off through /api/update-settings.cgi (login)");
	field(w, "User Notification", "web UI banner naming the update, the "
	    "risks it fixes and that the camera restarts");
	ref_entry(w, "11-ComMech", "com-update");
	entry_end(w);
	item_end(w);

	item(w, "8-UpdProc");
	entry(w, "updproc");
	field(w, "Description", "fixes are built by CI from reviewed changes, "
	    "signed offline and published to the manifest");
	field(w, "Time Frame", "30 days for critical issues");
	entry_end(w);
	item_end(w);

	none(w, "9-ReplSup");

	item(w, "10-SecParam");
	entry(w, "sp-tls-key");
	facts(w, "type=\"critical\" hard-coded=\"false\" "
	    "unique-per-device=\"true\"");
	field(w, "Description", "TLS server private key for web and MQTT");
	field(w, "Type", "critical security parameter");
	field(w, "Security Guarantees", "confidentiality and integrity");
	field(w, "Protection Scheme", "file readable by the device account "
	    "only (mode 0600)");
	field(w, "Provisioning Mechanism", "generated on the device at first "
	    "start and kept in its own files, outside the firmware image");
	field(w, "Generation Mechanism", "ECDSA P-256 key from the OpenSSL "
	    "DRBG; unique per device");
	field(w, "Communication Mechanisms", "never transmitted");
	entry_end(w);
	entry(w, "sp-update-key");
	facts(w, "type=\"public\" hard-coded=\"true\" "
	    "unique-per-device=\"false\"");
	field(w, "Description", "Ed25519 public key that verifies firmware "
	    "updates");
	field(w, "Type", "public security parameter");
	field(w, "Security Guarantees", "integrity");
	field(w, "Protection Scheme", "part of the signed firmware image");
	field(w, "Provisioning Mechanism", "installed with the firmware; "
	    "published at %s/update/signing-key.pem", web);
	field(w, "Generation Mechanism", "Ed25519 key pair generated by the "
	    "manufacturer's signing host");
	field(w, "Communication Mechanisms", "com-web");
	ref_entry(w, "11-ComMech", "com-web");
	entry_end(w);
	entry(w, "sp-passwords");
	facts(w, "type=\"critical\" hard-coded=\"false\" "
	    "unique-per-device=\"true\"");
	field(w, "Description", "per-device passwords for web, SSH and MQTT");
	field(w, "Type", "critical security parameter");
	field(w, "Security Guarantees", "confidentiality");
	field(w, "Protection Scheme", "stored only as SHA-512 crypt or "
	    "PBKDF2 hashes");
	field(w, "Provisioning Mechanism", "generated on each device at its "
	    "first start in the factory, kept in its own files (outside the "
	    "firmware image, whose accounts are locked) and "
	    "printed on the label");
	field(w, "Generation Mechanism", "20 characters drawn uniformly "
	    "from a 56-symbol alphabet with /dev/urandom, one draw per password "
	    "(as auth-web)");
	field(w, "Communication Mechanisms", "com-web, com-mqtt");
	ref_entry(w, "11-ComMech", "com-web");
	ref_entry(w, "11-ComMech", "com-mqtt");
	entry_end(w);
	entry(w, "sp-cloud-token");
	facts(w, "type=\"critical\" hard-coded=\"false\" "
	    "unique-per-device=\"true\"");
	field(w, "Description", "the device's password at the manufacturer's "
	    "MQTT broker (cloud token)");
	field(w, "Type", "critical security parameter");
	field(w, "Security Guarantees", "confidentiality");
	field(w, "Protection Scheme", "configuration file readable by the "
	    "device account only (mode 0600)");
	field(w, "Provisioning Mechanism", "generated on the device at start "
	    "and kept in its own files, outside the firmware image");
	field(w, "Generation Mechanism", "20 characters from the CSPRNG, as "
	    "the passwords");
	field(w, "Communication Mechanisms", "com-cloud");
	ref_entry(w, "11-ComMech", "com-cloud");
	entry_end(w);
	item_end(w);

	item(w, "11-ComMech");
	entry(w, "com-web");
	facts(w, "protocol=\"https\" " TLS_CONF_FACTS " remote=\"false\" "
	    "guarantees=\"confidentiality integrity authenticity\" "
	    "carries=\"credentials personal-data\"");
	field(w, "Description", "HTTPS between the owner's browser or app and "
	    "the device; local network");
	field(w, "Security Guarantees", "confidentiality, integrity, server "
	    "authentication");
	field(w, "Cryptographic Details", "%s; HSTS", TLS_CONF_SUITES);
	field(w, "Resilience Measures", "connection limits of lighttpd");
	ref_service(w, "web");
	entry_end(w);
	entry(w, "com-http");
	facts(w, "protocol=\"http\" security=\"none\" remote=\"false\" "
	    "guarantees=\"\" carries=\"\"");
	field(w, "Description", "plain HTTP: answers every request with a "
	    "redirect to HTTPS, carries no data");
	field(w, "Security Guarantees", "none (no data carried)");
	field(w, "Cryptographic Details", "none");
	field(w, "Resilience Measures", "none needed");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "com-mqtt");
	facts(w, "protocol=\"mqtt\" " TLS_CONF_FACTS " remote=\"false\" "
	    "guarantees=\"confidentiality integrity authenticity\" "
	    "carries=\"credentials personal-data\"");
	field(w, "Description", "MQTT over TLS between the companion app and "
	    "the device's broker; local network");
	field(w, "Security Guarantees", "confidentiality, integrity, server "
	    "authentication, client password");
	field(w, "Cryptographic Details", "%s", TLS_CONF_SUITES);
	field(w, "Resilience Measures", "clients reconnect with randomised "
	    "exponential back-off");
	ref_service(w, "mqtts");
	entry_end(w);
	outbound_channels(w, 0);
	if (ssh) {
		entry(w, "com-ssh");
		facts(w, "protocol=\"ssh\" security=\"ssh\" remote=\"false\" "
		    "guarantees=\"confidentiality integrity authenticity\" "
		    "carries=\"credentials\"");
		field(w, "Description", "SSH-2 maintenance channel; local "
		    "network");
		field(w, "Security Guarantees", "confidentiality, integrity, "
		    "mutual authentication");
		field(w, "Cryptographic Details", "Dropbear 2022.83 (lists "
		    "fixed at build time), Ed25519 host key. Key exchange: "
		    "curve25519-sha256, ecdh-sha2-nistp256/384/521, "
		    "diffie-hellman-group14-sha256, diffie-hellman-group14-sha1. "
		    "Ciphers: chacha20-poly1305@openssh.com, aes128-ctr, "
		    "aes256-ctr. MACs: hmac-sha2-256, hmac-sha1");
		field(w, "Resilience Measures", "idle timeout 600 s");
		ref_service(w, "ssh");
		entry_end(w);
	}
	item_end(w);

	/*
	 * 5.5-2-2 compares impl-name/impl-version with what the device shows:
	 * the SSH banner (dropbear_2022.83, Debian 12's dropbear-bin) and the
	 * firmware image's components (openssl at the version the servers
	 * link, firmware.c).  The web Server header says "lighttpd" only.
	 */
	item(w, "12-NetSecImpl");
	entry(w, "impl-openssl");
	facts(w, "impl-name=\"OpenSSL\" impl-version=\"%s\"",
	    OpenSSL_version(OPENSSL_VERSION_STRING));
	field(w, "Description", "OpenSSL 3.0 (Debian 12), all TLS and "
	    "signature code");
	field(w, "Review/Evaluation Method", "widely reviewed open-source "
	    "implementation with public security advisories");
	field(w, "Report", "https://www.openssl.org/news/vulnerabilities.html");
	entry_end(w);
	if (ssh) {
		entry(w, "impl-dropbear");
		facts(w, "impl-name=\"dropbear\" impl-version=\"2022.83\"");
		field(w, "Description", "Dropbear SSH server 2022.83 (Debian 12 "
		    "dropbear-bin), the maintenance login");
		field(w, "Review/Evaluation Method", "widely reviewed "
		    "open-source implementation with public security "
		    "advisories; Debian security tracking");
		field(w, "Report", "https://security-tracker.debian.org/"
		    "tracker/source-package/dropbear");
		entry_end(w);
	}
	item_end(w);

	item(w, "13-SoftServ");
	entry(w, "ss-web");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"true\"");
	field(w, "Description", "web UI and local API; reachable over the "
	    "network in the initialized state");
	field(w, "Authentication Mechanism", "auth-web, auth-web-form");
	field(w, "Allows Configuration", "yes, after login");
	field(w, "Status", "enabled by default");
	field(w, "Justification", "the owner configures the camera here");
	ref_entry(w, "1-AuthMech", "auth-web");
	ref_entry(w, "1-AuthMech", "auth-web-form");
	ref_service(w, "web");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "ss-mqtt");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"false\"");
	field(w, "Description", "event broker for the companion app");
	field(w, "Authentication Mechanism", "auth-mqtt");
	field(w, "Allows Configuration", "no");
	field(w, "Status", "enabled by default");
	field(w, "Justification", "the app receives motion events");
	ref_entry(w, "1-AuthMech", "auth-mqtt");
	ref_service(w, "mqtts");
	entry_end(w);
	config_entry(w, rd, 0);
	if (ssh) {
		entry(w, "ss-ssh");
		facts(w, "status=\"enabled\" network=\"true\" "
		    "allows-configuration=\"true\"");
		field(w, "Description", "maintenance shell");
		field(w, "Authentication Mechanism", "auth-ssh");
		field(w, "Allows Configuration", "yes, after login: `passwd "
		    "NEW` changes the SSH password; the other commands only "
		    "read");
		field(w, "Status", "enabled by default");
		field(w, "Justification", "support diagnostics");
		ref_entry(w, "1-AuthMech", "auth-ssh");
		ref_service(w, "ssh");
		entry_end(w);
	}
	item_end(w);

	item(w, "14-SecMgmt");
	entry(w, "secmgmt");
	field(w, "process description covering generation, provisioning, "
	    "storage, updates, decommissioning/archival/destruction, expiry "
	    "and compromise handling", "keys generated on the device; update "
	    "signing key in an offline host; rotation on compromise by "
	    "firmware update; device keys wiped by the deletion function");
	entry_end(w);
	item_end(w);

	item(w, "15-Intf");
	entry(w, "intf-web");
	facts(w, "kind=\"network\" status=\"enabled\" exposure=\"required\" "
	    "debug=\"false\" discloses-security-relevant=\"true\"");
	field(w, "Description", "network: HTTPS web UI, required");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "model and firmware version "
	    "(security-relevant; shown so users can check for updates), "
	    "documentation pages");
	field(w, "Protection", "TLS, login for settings");
	field(w, "Debug Interface", "no");
	ref_service(w, "web");
	entry_end(w);
	entry(w, "intf-web-http");
	facts(w, "kind=\"network\" status=\"enabled\" exposure=\"required\" "
	    "debug=\"false\" discloses-security-relevant=\"false\"");
	field(w, "Description", "network: HTTP redirect to HTTPS, required for "
	    "browsers typing the bare address");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "none");
	field(w, "Protection", "serves no content");
	field(w, "Debug Interface", "no");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "intf-mqtt");
	facts(w, "kind=\"network\" status=\"enabled\" exposure=\"required\" "
	    "debug=\"false\" discloses-security-relevant=\"false\"");
	field(w, "Description", "network: MQTT over TLS, required");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "none without login");
	field(w, "Protection", "TLS, password");
	field(w, "Debug Interface", "no");
	ref_service(w, "mqtts");
	entry_end(w);
	if (ssh) {
		entry(w, "intf-ssh");
		facts(w, "kind=\"network\" status=\"enabled\" "
		    "exposure=\"intermittent\" debug=\"false\" "
		    "discloses-security-relevant=\"true\"");
		field(w, "Description", "network: SSH maintenance, "
		    "intermittently required");
		field(w, "Status", "enabled");
		field(w, "Disclosed Information", "SSH version banner");
		field(w, "Protection", "public key or per-device password");
		field(w, "Debug Interface", "no");
		ref_service(w, "ssh");
		entry_end(w);
	}
	entry(w, "intf-uart");
	facts(w, "kind=\"physical\" status=\"permanently-disabled\" "
	    "exposure=\"not-required\" debug=\"true\" "
	    "discloses-security-relevant=\"false\"");
	field(w, "Description", "physical: UART test pads on the board, not "
	    "required");
	field(w, "Status", "permanently disabled (no console in production "
	    "firmware)");
	field(w, "Disclosed Information", "none");
	field(w, "Protection", "unpopulated pads inside a sealed case");
	field(w, "Debug Interface", "yes");
	entry_end(w);
	item_end(w);

	item(w, "16-CodeMin");
	entry(w, "codemin");
	field(w, "code minimization techniques", "only needed servers and "
	    "modules installed; no telnet, no CoAP");
	entry_end(w);
	item_end(w);

	item(w, "17-PrivlCtrl");
	entry(w, "privctrl");
	field(w, "privilege control mechanisms", "services confined to the "
	    "device directory; SSH users get a restricted command shell");
	entry_end(w);
	item_end(w);

	none(w, "18-AccCtrl");

	item(w, "19-SecDev");
	entry(w, "secdev");
	field(w, "process description covering developer training, "
	    "requirements/design, secure coding, tooling, testing, review, "
	    "archival, deployment and third-party suppliers", "secure coding "
	    "guidelines, mandatory review, sanitizer builds in CI, "
	    "conformance tests with Assay before each release");
	entry_end(w);
	item_end(w);

	none(w, "20-SecBoot");

	item(w, "21-PersData");
	entry(w, "pd-account");
	facts(w, "sensitive=\"false\" basis=\"contract\"");
	field(w, "personal data item/description", "owner name and e-mail "
	    "address");
	field(w, "Sensitive", "no");
	field(w, "Communication Mechanisms", "com-web");
	field(w, "Processing Activities", "stored on the device to label the "
	    "account");
	field(w, "Obtaining Consent", "not consent based (contract)");
	field(w, "Withdrawing Consent", "deletion function del-device");
	ref_entry(w, "11-ComMech", "com-web");
	entry_end(w);
	entry(w, "pd-images");
	facts(w, "sensitive=\"true\" basis=\"contract\"");
	field(w, "personal data item/description", "motion-event thumbnails");
	field(w, "Sensitive", "may show people");
	field(w, "Communication Mechanisms", "com-web, com-mqtt");
	field(w, "Processing Activities", "kept on the device for 7 days");
	field(w, "Obtaining Consent", "not consent based (contract)");
	field(w, "Withdrawing Consent", "deletion function del-device");
	ref_entry(w, "11-ComMech", "com-web");
	ref_entry(w, "11-ComMech", "com-mqtt");
	entry_end(w);
	persdata_email(w);
	persdata_analytics(w, rd);
	item_end(w);

	item(w, "22-ExtSens");
	entry(w, "sens-camera");
	facts(w, "sensing=\"optical\"");
	field(w, "sensor/sensing capability", "colour camera 1080p, "
	    "documented at %s/sensors.html", web);
	entry_end(w);
	entry(w, "sens-pir");
	facts(w, "sensing=\"motion\"");
	field(w, "sensor/sensing capability", "passive infrared motion "
	    "sensor");
	entry_end(w);
	item_end(w);

	item(w, "23-ResMech");
	entry(w, "res-local");
	facts(w, "outages=\"network cloud power\" local-operation=\"true\" "
	    "local-service=\"web\" local-path=\"/api/status.cgi\" "
	    "local-expect=\"200\" after-power=\"same\"");
	field(w, "Description", "local recording and the web UI keep working "
	    "while the network or the cloud is down; settings persist across "
	    "power loss");
	field(w, "Type", "network connectivity outage and power outage");
	field(w, "Security Guarantees", "security settings unchanged after "
	    "the outage");
	ref_entry(w, "11-ComMech", "com-cloud");
	entry_end(w);
	item_end(w);

	teldata(w, 0);

	item(w, "25-DelFunc");
	entry(w, "del-device");
	facts(w, "target=\"device\" erases=\"personal-data "
	    "user-configuration user-credentials\" delete-service=\"web\" "
	    "delete-path=\"/api/delete-user-data.cgi\" "
	    "delete-confirmation=\"text:All user data on this device has "
	    "been erased.\" data-create-path=\"/api/user-data.cgi\" "
	    "data-create-body=\"note=%%m\" "
	    "data-check-path=\"/api/user-data.cgi\"");
	field(w, "Description", "erase all user data on the device (notes, "
	    "Wi-Fi settings, account; update settings back to the factory "
	    "values, web password back to the label's): POST "
	    "%s/api/delete-user-data.cgi (admin login)", web);
	field(w, "Target Type", "user data on the device");
	field(w, "Initiation and Interaction", "Settings > Delete all data, "
	    "or the API call");
	field(w, "Confirmation", "JSON reply {\"deleted\":true,...} with the "
	    "message \"All user data on this device has been erased.\"");
	ref_service(w, "web");
	entry_end(w);
	entry(w, "del-cloud");
	facts(w, "target=\"service\" erases=\"personal-data\"");
	field(w, "Description", "the cloud deletes the owner's e-mail address "
	    "and the telemetry it holds when the owner asks in the companion "
	    "app");
	field(w, "Target Type", "personal data held by the cloud service");
	field(w, "Initiation and Interaction", "companion app > Account > "
	    "Delete my data");
	field(w, "Confirmation", "the app shows \"Your data has been deleted "
	    "from our cloud\" and an e-mail confirms it");
	entry_end(w);
	item_end(w);

	item(w, "26-UserDec");
	entry(w, "ud-password");
	facts(w, "security-relevant=\"true\" default-secure=\"true\"");
	field(w, "Description", "change the label password");
	field(w, "Options", "keep or change (default: keep the unique "
	    "password)");
	field(w, "Triggered By", "first login");
	entry_end(w);
	entry(w, "ud-updates");
	facts(w, "security-relevant=\"true\" default-secure=\"true\"");
	field(w, "Description", "automatic updates");
	field(w, "Options", "on (default), notify only, off");
	field(w, "Triggered By", "setup wizard");
	entry_end(w);
	item_end(w);

	item(w, "27-UserIntf");
	entry(w, "ui-web");
	field(w, "user interface", "web UI forms: login (/login.cgi), "
	    "password, network, update settings");
	ref_service(w, "web");
	entry_end(w);
	item_end(w);

	item(w, "28-ExtAPI");
	entry(w, "api-local");
	field(w, "API", "local HTTPS API under /api/ (admin login), data "
	    "deletion");
	ref_service(w, "web");
	entry_end(w);
	entry(w, "api-mqtt");
	field(w, "API", "MQTT topics cam/+/events (publish by device, "
	    "subscribe by app)");
	ref_service(w, "mqtts");
	entry_end(w);
	entry(w, "api-name");
	facts(w, DEVICE_NAME_INPUT);
	field(w, "API", "POST /api/device-name.cgi name=... (admin login): "
	    "the device name, 1 to 32 letters, digits, dot, dash or "
	    "underscore");
	ref_service(w, "web");
	entry_end(w);
	item_end(w);

	item(w, "29-InpVal");
	entry(w, "inpval-web");
	field(w, "validation method", "length caps and allow-listed "
	    "characters on every form and API parameter; method checks");
	field(w, "data input source covered", "user interface ui-web, API "
	    "api-local");
	entry_end(w);
	entry(w, "inpval-mqtt");
	field(w, "validation method", "topic allow-list, payload size cap");
	field(w, "data input source covered", "API api-mqtt");
	entry_end(w);
	item_end(w);
}

/*
 * The weak manufacturer claims, as in its ICS (5.6-2), that no interface
 * discloses anything security-relevant; the banners say otherwise.
 */
#define WEAK_INTF "kind=\"network\" status=\"enabled\" " \
	"exposure=\"required\" debug=\"false\" " \
	"discloses-security-relevant=\"false\""

static void
ixit_weak(struct xw *w, const struct refdevice *rd)
{
	char http[128];

	snprintf(http, sizeof(http), "http://%s:%d", rd->address,
	    rd->port_http);

	item(w, "1-AuthMech");
	entry(w, "auth-web");
	/* The lockout is claimed, not implemented: 5.1-5-2 must find out. */
	facts(w, "factor=\"password\" user-auth=\"true\" network=\"true\" "
	    "password-set-by=\"pre-installed-shared\" "
	    "password-generation=\"fixed\" password-length=\"%zu\" "
	    "user-must-change=\"false\" change-supported=\"true\" "
	    "password-storage=\"plaintext\" channel-security=\"none\" "
	    "brute-force=\"lockout\" brute-force-attempts=\"5\" "
	    "brute-force-suspension-s=\"600\" " CHANGE_API,
	    strlen(rd->web_pass));
	field(w, "Description", "Web UI login (/admin/) for the owner");
	field(w, "Authentication Factor", "factory default password");
	field(w, "Password Generation Mechanism", "same factory account on "
	    "every unit");
	field(w, "Security Guarantees", "password check");
	field(w, "Cryptographic Details", "HTTP basic authentication over "
	    "HTTP or HTTPS");
	field(w, "Brute Force Prevention", "the account is locked for 10 "
	    "minutes after 5 failed attempts");
	ref_service(w, "web");
	ref_service(w, "web-http");
	entry_end(w);
	/* The form login: the same shared default, the same false claim. */
	entry(w, "auth-web-form");
	facts(w, "factor=\"password\" user-auth=\"true\" network=\"true\" "
	    "password-set-by=\"pre-installed-shared\" "
	    "password-generation=\"fixed\" password-length=\"%zu\" "
	    "user-must-change=\"false\" change-supported=\"true\" "
	    "password-storage=\"plaintext\" channel-security=\"none\" "
	    "brute-force=\"lockout\" brute-force-attempts=\"5\" "
	    "brute-force-suspension-s=\"600\" login-form-path=\"/login.cgi\" "
	    "login-form-fields=\"user=%%u&amp;password=%%p\" "
	    "login-success=\"text:" RD_FORM_SUCCESS "\" "
	    "login-failure=\"text:" RD_FORM_FAILURE "\"",
	    strlen(rd->web_pass));
	field(w, "Description", "Web UI login form (POST /login.cgi) for the "
	    "owner");
	field(w, "Authentication Factor", "factory default password");
	field(w, "Password Generation Mechanism", "same factory account on "
	    "every unit");
	field(w, "Security Guarantees", "password check");
	field(w, "Cryptographic Details", "HTML form over HTTP or HTTPS");
	field(w, "Brute Force Prevention", "the account is locked for 10 "
	    "minutes after 5 failed attempts");
	ref_service(w, "web");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "auth-telnet");
	facts(w, "factor=\"password\" user-auth=\"true\" network=\"true\" "
	    "password-set-by=\"pre-installed-shared\" "
	    "password-generation=\"fixed\" password-length=\"%zu\" "
	    "user-must-change=\"false\" change-supported=\"false\" "
	    "password-storage=\"plaintext\" channel-security=\"none\" "
	    "brute-force=\"none\"", strlen(rd->telnet_pass));
	field(w, "Description", "Telnet console login for support staff");
	field(w, "Authentication Factor", "factory default password");
	field(w, "Password Generation Mechanism", "fixed in firmware");
	field(w, "Security Guarantees", "password check");
	field(w, "Cryptographic Details", "none (telnet)");
	field(w, "Brute Force Prevention", "3 attempts per connection");
	ref_service(w, "telnet");
	entry_end(w);
	item_end(w);

	item(w, "2-UserInfo");
	entry(w, "userinfo");
	/*
	 * The policy page exists but gives neither the contact nor the
	 * timelines declared here (5.2-1-2 b finds out); the support page is
	 * claimed and missing (5.3-13-2).
	 */
	facts(w, "vdp-url=\"%s/security-policy.html\" "
	    "support-period-url=\"%s/support.html\" "
	    "vdp-contact=\"psirt@ipcam-w1.example\" "
	    "vdp-ack-time=\"within 2 business days\" "
	    "vdp-status-time=\"every 7 days\"", http, http);
	field(w, "Publication of Vulnerability Disclosure Policy",
	    "%s/security-policy.html", http);
	field(w, "Documentation of Change Mechanisms", "user manual (PDF) "
	    "page 12");
	field(w, "Publication of Support Period", "%s/support.html", http);
	field(w, "Support Period", "5 years from the date of purchase");
	field(w, "Model Designation", "IPCam-W1 on the label and at %s/", http);
	/* Claimed and missing: 5.8-3-1 finds the 404. */
	field(w, "Documentation of Sensors", "%s/sensors.html", http);
	field(w, "Documentation of Deletion", "hold the reset button for 10 s");
	entry_end(w);
	item_end(w);

	none(w, "3-VulnTypes");
	none(w, "4-Conf");
	none(w, "5-VulnMon");

	item(w, "6-SoftComp");
	entry(w, "sc-firmware");
	field(w, "component name/description", "IPCam-W1 firmware 1.0.3 "
	    "(vendor SDK: BusyBox 1.35.0, lighttpd 1.4.69, mosquitto 2.0.11, "
	    "libcoap 4.3.1, OpenSSL 3.0, socat 1.7.4.4; package list "
	    "/usr/lib/opkg/status of the image)");
	field(w, "Update Mechanism", "upd-http");
	field(w, "Cryptographic Usage", "OpenSSL in the web server");
	ref_entry(w, "7-UpdMech", "upd-http");
	entry_end(w);
	item_end(w);

	item(w, "7-UpdMech");
	entry(w, "upd-http");
	facts(w, "network=\"true\" authenticity=\"none\" integrity=\"hash\" "
	    "automatic=\"false\" " SETTINGS_FACTS);
	field(w, "Description", "firmware download named by %s/update/"
	    "manifest.json, installed from the web UI; the update client also "
	    "fetches https://" RD_UPDATE_HOST "/update/manifest.json "
	    "(com-update) and installs the image it names", http);
	field(w, "Security Guarantees", "MD5 checksum");
	field(w, "Cryptographic Details", "MD5 of the image in the manifest; "
	    "no signature; plain HTTP, or HTTPS without certificate checks");
	field(w, "Initiation and Interaction", "user uploads or clicks "
	    "\"upgrade\"");
	field(w, "Update Checking", "none");
	field(w, "Configuration", "update notifications can be switched on or "
	    "off in Settings and through /api/update-settings.cgi (login); off "
	    "by default");
	field(w, "User Notification", "web UI banner naming the new version "
	    "when one is available, if switched on");
	ref_entry(w, "11-ComMech", "com-update");
	entry_end(w);
	item_end(w);

	none(w, "8-UpdProc");
	none(w, "9-ReplSup");

	item(w, "10-SecParam");
	entry(w, "sp-web-password");
	facts(w, "type=\"critical\" hard-coded=\"true\" "
	    "unique-per-device=\"false\"");
	field(w, "Description", "factory admin password");
	field(w, "Type", "critical security parameter");
	field(w, "Protection Scheme", "plain text configuration file "
	    "(/etc/webusers of the firmware image; an MD5-crypt hash of it in "
	    "/etc/shadow)");
	field(w, "Provisioning Mechanism", "in the firmware image");
	field(w, "Generation Mechanism", "fixed");
	field(w, "Communication Mechanisms", "com-web-http");
	ref_entry(w, "11-ComMech", "com-web-http");
	entry_end(w);
	/* firmware.c puts both in the image, as the texts say. */
	entry(w, "sp-telnet-password");
	facts(w, "type=\"critical\" hard-coded=\"true\" "
	    "unique-per-device=\"false\"");
	field(w, "Description", "factory password of the telnet root account");
	field(w, "Type", "critical security parameter");
	field(w, "Security Guarantees", "none");
	field(w, "Protection Scheme", "in clear in the login program "
	    "(/bin/login of the firmware image); an MD5-crypt hash of it in "
	    "/etc/shadow");
	field(w, "Provisioning Mechanism", "in the firmware image");
	field(w, "Generation Mechanism", "fixed");
	field(w, "Communication Mechanisms", "com-telnet");
	ref_entry(w, "11-ComMech", "com-telnet");
	entry_end(w);
	entry(w, "sp-debug-key");
	facts(w, "type=\"critical\" hard-coded=\"true\" "
	    "unique-per-device=\"false\"");
	field(w, "Description", "factory debug key (Ed25519), compiled into "
	    "the firmware; the factory debug console prints its devkey");
	field(w, "Type", "critical security parameter");
	field(w, "Security Guarantees", "none");
	field(w, "Protection Scheme", "unencrypted PEM file "
	    "/etc/ssl/private/debug.key in the firmware image");
	field(w, "Provisioning Mechanism", "in the firmware image");
	field(w, "Generation Mechanism", "derived from the model's devkey at "
	    "build time: the same key in every unit");
	field(w, "Communication Mechanisms", "none");
	entry_end(w);
	item_end(w);

	item(w, "11-ComMech");
	entry(w, "com-web-http");
	facts(w, "protocol=\"http\" security=\"none\" remote=\"false\" "
	    "guarantees=\"\" carries=\"credentials personal-data\"");
	field(w, "Description", "HTTP web UI; local network");
	field(w, "Security Guarantees", "none");
	field(w, "Cryptographic Details", "none");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "com-web");
	facts(w, "protocol=\"https\" security=\"tls\" "
	    "tls-versions=\"TLSv1.0 TLSv1.1 TLSv1.2 TLSv1.3\" remote=\"false\" "
	    "guarantees=\"confidentiality\" "
	    "carries=\"credentials personal-data\"");
	field(w, "Description", "HTTPS web UI; local network");
	field(w, "Security Guarantees", "confidentiality");
	field(w, "Cryptographic Details", "TLS 1.0 to 1.3, OpenSSL cipher "
	    "string ALL:@SECLEVEL=0 (includes CBC-SHA1 and static RSA key "
	    "exchange); RSA 1024-bit certificate signed with SHA-1");
	ref_service(w, "web");
	entry_end(w);
	entry(w, "com-telnet");
	facts(w, "protocol=\"telnet\" security=\"none\" remote=\"false\" "
	    "guarantees=\"\" carries=\"credentials\"");
	field(w, "Description", "telnet console; local network");
	field(w, "Security Guarantees", "none");
	field(w, "Cryptographic Details", "none");
	ref_service(w, "telnet");
	entry_end(w);
	entry(w, "com-mqtt");
	facts(w, "protocol=\"mqtt\" security=\"none\" remote=\"false\" "
	    "guarantees=\"\" carries=\"personal-data\"");
	field(w, "Description", "MQTT event broker; local network");
	field(w, "Security Guarantees", "none");
	field(w, "Cryptographic Details", "none");
	ref_service(w, "mqtt");
	entry_end(w);
	entry(w, "com-coap");
	facts(w, "protocol=\"coap\" security=\"none\" remote=\"false\" "
	    "guarantees=\"\" carries=\"other\"");
	field(w, "Description", "CoAP resources for the app; UDP and TCP");
	field(w, "Security Guarantees", "none");
	field(w, "Cryptographic Details", "none (no DTLS)");
	ref_service(w, "coap");
	ref_service(w, "coap-tcp");
	entry_end(w);
	outbound_channels(w, 1);
	item_end(w);

	/*
	 * Claims a review of BusyBox 1.36.1; the firmware image carries
	 * BusyBox 1.35.0 (5.5-2-2 finds out from its components).
	 */
	item(w, "12-NetSecImpl");
	entry(w, "impl-busybox");
	facts(w, "impl-name=\"BusyBox\" impl-version=\"1.36.1\"");
	field(w, "Description", "BusyBox 1.36.1: telnetd and the shell "
	    "behind the web CGI");
	field(w, "Review/Evaluation Method", "vendor code review before "
	    "release");
	field(w, "Report", "internal review note QA-2019-03, BusyBox 1.36.1");
	entry_end(w);
	item_end(w);

	item(w, "13-SoftServ");
	entry(w, "ss-web");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"true\"");
	field(w, "Description", "web UI");
	field(w, "Authentication Mechanism", "auth-web, auth-web-form");
	field(w, "Allows Configuration", "yes");
	field(w, "Status", "enabled by default");
	ref_entry(w, "1-AuthMech", "auth-web");
	ref_entry(w, "1-AuthMech", "auth-web-form");
	ref_service(w, "web");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "ss-telnet");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"true\"");
	field(w, "Description", "support console");
	field(w, "Authentication Mechanism", "auth-telnet");
	field(w, "Allows Configuration", "yes");
	field(w, "Status", "enabled by default");
	field(w, "Justification", "remote support");
	ref_entry(w, "1-AuthMech", "auth-telnet");
	ref_service(w, "telnet");
	entry_end(w);
	entry(w, "ss-mqtt");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"false\"");
	field(w, "Description", "event broker");
	field(w, "Authentication Mechanism", "none");
	field(w, "Allows Configuration", "no");
	field(w, "Status", "enabled by default");
	ref_service(w, "mqtt");
	entry_end(w);
	entry(w, "ss-coap");
	facts(w, "status=\"enabled\" network=\"true\" "
	    "allows-configuration=\"false\"");
	field(w, "Description", "CoAP resources");
	field(w, "Authentication Mechanism", "none");
	field(w, "Allows Configuration", "no");
	field(w, "Status", "enabled by default");
	ref_service(w, "coap");
	ref_service(w, "coap-tcp");
	entry_end(w);
	config_entry(w, rd, 1);
	item_end(w);

	none(w, "14-SecMgmt");

	item(w, "15-Intf");
	entry(w, "intf-web-http");
	facts(w, WEAK_INTF);
	field(w, "Description", "network: HTTP web UI");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "model and firmware version");
	field(w, "Protection", "login for settings");
	field(w, "Debug Interface", "no");
	ref_service(w, "web-http");
	entry_end(w);
	entry(w, "intf-web");
	facts(w, WEAK_INTF);
	field(w, "Description", "network: HTTPS web UI");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "model and firmware version");
	field(w, "Protection", "login for settings");
	field(w, "Debug Interface", "no");
	ref_service(w, "web");
	entry_end(w);
	entry(w, "intf-telnet");
	facts(w, WEAK_INTF);
	field(w, "Description", "network: telnet console");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "model and kernel version in the "
	    "banner");
	field(w, "Protection", "password");
	field(w, "Debug Interface", "no");
	ref_service(w, "telnet");
	entry_end(w);
	entry(w, "intf-mqtt");
	facts(w, WEAK_INTF);
	field(w, "Description", "network: MQTT broker");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "camera events");
	field(w, "Protection", "none");
	field(w, "Debug Interface", "no");
	ref_service(w, "mqtt");
	entry_end(w);
	entry(w, "intf-coap");
	facts(w, WEAK_INTF);
	field(w, "Description", "network: CoAP over UDP and TCP");
	field(w, "Status", "enabled");
	field(w, "Disclosed Information", "resource list (/.well-known/core)");
	field(w, "Protection", "none");
	field(w, "Debug Interface", "no");
	ref_service(w, "coap");
	ref_service(w, "coap-tcp");
	entry_end(w);
	item_end(w);

	none(w, "16-CodeMin");
	none(w, "17-PrivlCtrl");
	none(w, "18-AccCtrl");
	none(w, "19-SecDev");
	none(w, "20-SecBoot");

	item(w, "21-PersData");
	entry(w, "pd-account");
	facts(w, "sensitive=\"false\" basis=\"contract\"");
	field(w, "personal data item/description", "owner name, e-mail, "
	    "Wi-Fi password");
	field(w, "Sensitive", "no");
	field(w, "Communication Mechanisms", "com-web-http, com-mqtt");
	field(w, "Processing Activities", "stored on the device");
	ref_entry(w, "11-ComMech", "com-web-http");
	ref_entry(w, "11-ComMech", "com-mqtt");
	entry_end(w);
	persdata_email(w);
	persdata_analytics(w, rd);
	item_end(w);

	item(w, "22-ExtSens");
	entry(w, "sens-camera");
	facts(w, "sensing=\"optical\"");
	field(w, "sensor/sensing capability", "camera and microphone");
	entry_end(w);
	item_end(w);

	item(w, "23-ResMech");
	entry(w, "res-offline");
	facts(w, "outages=\"network cloud power\" local-operation=\"true\" "
	    "local-service=\"web\" local-path=\"/api/status.cgi\" "
	    "local-expect=\"200\" after-power=\"same\"");
	field(w, "Description", "the camera keeps recording and its web UI "
	    "keeps working while the cloud is unreachable");
	field(w, "Type", "network connectivity outage and power outage");
	field(w, "Security Guarantees", "settings kept across outages");
	ref_entry(w, "11-ComMech", "com-cloud");
	entry_end(w);
	item_end(w);
	teldata(w, 1);
	/*
	 * Overclaimed (seeded weakness for 5.11-1-2 c and 5.11-4-1 b): the
	 * function leaves a backup of the notes behind and answers a bare
	 * "ok", not the declared confirmation.
	 */
	item(w, "25-DelFunc");
	entry(w, "del-device");
	facts(w, "target=\"device\" erases=\"personal-data "
	    "user-configuration user-credentials\" delete-service=\"web\" "
	    "delete-path=\"/api/delete-user-data.cgi\" "
	    "delete-confirmation=\"text:All your data has been deleted\" "
	    "data-create-path=\"/api/user-data.cgi\" "
	    "data-create-body=\"note=%%m\" "
	    "data-check-path=\"/api/user-data.cgi\"");
	field(w, "Description", "delete all user data: POST "
	    "/api/delete-user-data.cgi (admin login)");
	field(w, "Target Type", "user data on the device");
	field(w, "Initiation and Interaction", "the API call, or the reset "
	    "button");
	field(w, "Confirmation", "\"All your data has been deleted\"");
	ref_service(w, "web");
	entry_end(w);
	item_end(w);
	none(w, "26-UserDec");

	item(w, "27-UserIntf");
	entry(w, "ui-web");
	field(w, "user interface", "web UI login form (/login.cgi) and "
	    "settings forms");
	ref_service(w, "web-http");
	entry_end(w);
	item_end(w);

	item(w, "28-ExtAPI");
	entry(w, "api-mqtt");
	field(w, "API", "MQTT topics, anonymous");
	ref_service(w, "mqtt");
	entry_end(w);
	entry(w, "api-coap");
	field(w, "API", "CoAP resources, anonymous");
	ref_service(w, "coap");
	entry_end(w);
	entry(w, "api-name");
	facts(w, DEVICE_NAME_INPUT);
	field(w, "API", "POST /api/device-name.cgi name=... (admin login): "
	    "the device name");
	ref_service(w, "web");
	entry_end(w);
	item_end(w);

	none(w, "29-InpVal");
}

static int
write_ixit(const struct refdevice *rd)
{
	struct xw w = { NULL, 0 };
	const struct rd_service *s;
	int weak = rd->persona == RD_PERSONA_WEAK, r;
	size_t i;

	if ((w.b = assay_buf_new(FORM_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	raw(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- written by assay-refdevice, %s persona -->\n"
	    "<ixit xmlns=\"urn:assay:ixit:2\" version=\"2\">\n"
	    "  <services>\n", weak ? "weak" : "conforming");
	for (i = 0; i < rd->nservices; i++) {
		s = &rd->services[i];
		if (!s->declared)
			continue;
		raw(&w, "    <service id=\"%s\" protocol=\"%s\" transport=\"%s\""
		    " port=\"%d\" security=\"%s\">\n      <description>",
		    s->id, s->protocol, s->transport, s->port, s->security);
		esc(&w, s->description);
		raw(&w, "</description>\n");
		if (s->path != NULL) {
			raw(&w, "      <path>");
			esc(&w, s->path);
			raw(&w, "</path>\n");
		}
		raw(&w, "    </service>\n");
	}
	raw(&w, "  </services>\n  <items>\n");
	if (weak)
		ixit_weak(&w, rd);
	else
		ixit_conforming(&w, rd);
	raw(&w, "  </items>\n</ixit>\n");
	r = finish(&w, rd, "ixit.xml");
	assay_buf_free(w.b);
	return r;
}

/*
 * --gateway: the lab position and what the manufacturer handed over for
 * the client side (lab.c writes the files; paths are relative to DIR).
 */
static void
client_side(struct xw *w, const struct refdevice *rd)
{
	static const char *const ids[] = { "update", "cloud" };
	static const char *const hosts[] = { RD_UPDATE_HOST, RD_CLOUD_HOST };
	int weak = rd->persona == RD_PERSONA_WEAK;
	size_t i;

	/*
	 * cycle-s, the longest the client stays silent: the weak one tries
	 * every interval (every 100 ms while failing); the conforming one
	 * backs off up to six intervals while its servers are away, as they
	 * are between Assay's probes, so it declares none and the fixed
	 * waits hold (docs/refdevice.md).
	 */
	if (weak)
		raw(w, "  <client-side cycle-s=\"%d\">\n", rd->client_interval);
	else
		raw(w, "  <client-side>\n");
	raw(w, "    <gateway interface=\"" RD_GW_IF "\" address=\"" RD_GW_ADDR
	    "\" dns-port=\"53\">\n"
	    "      <answer host=\"" RD_UPDATE_HOST "\"/>\n"
	    "      <answer host=\"" RD_CLOUD_HOST "\"/>\n"
	    "    </gateway>\n");
	for (i = 0; i < 2; i++)
		raw(w, "    <identity id=\"%s\" host=\"%s\" cert=\"lab/%s.pem\" "
		    "key=\"lab/%s-key.pem\" ca-cert=\"lab/ca.pem\" "
		    "ca-key=\"lab/ca-key.pem\"/>\n", ids[i], hosts[i], ids[i],
		    ids[i]);
	raw(w, "    <update id=\"ota\" mechanism=\"%s\" channel=\"com-update\" "
	    "identity=\"update\" release=\"lab/update/current\" "
	    "older=\"lab/update/older\" other-key=\"lab/update/other-key\"\n"
	    "            payload=\"/update/firmware-%s.bin\"",
	    weak ? "upd-http" : "upd-ota", rd->rel_current);
	if (!weak)
		raw(w, " signature=\"/update/firmware-%s.bin.sig\"",
		    rd->rel_current);
	raw(w, ">\n      <version-check service=\"web\" path=\"/api/version.cgi\" "
	    "credential=\"web-admin\"\n"
	    "                     version-pattern='\"firmware\":\"([^\"]*)\"' "
	    "digest-pattern='\"image_sha256\":\"([0-9a-f]*)\"'/>\n"
	    "    </update>\n"
	    "    <watch label=\"owner e-mail\" kind=\"personal-data\" "
	    "ref=\"pd-email\">" RD_OWNER_EMAIL "</watch>\n");
	if (!weak) {
		raw(w, "    <watch label=\"cloud token\" kind=\"credential\" "
		    "ref=\"sp-cloud-token\">");
		esc(w, rd->cloud_token);
		raw(w, "</watch>\n");
	}
	raw(w, "  </client-side>\n");
}

/* The lab set-up file: where the device is, the budget, the credentials. */
static int
write_setup(const struct refdevice *rd)
{
	struct xw w = { NULL, 0 };
	int weak = rd->persona == RD_PERSONA_WEAK, r;

	if ((w.b = assay_buf_new(FORM_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	raw(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- written by assay-refdevice, %s persona; passwords are lab "
	    "secrets -->\n"
	    "<setup xmlns=\"urn:assay:setup:1\" version=\"1\">\n"
	    "  <address>", weak ? "weak" : "conforming");
	esc(&w, rd->address);
	raw(&w, "</address>\n"
	    "  <budget max-connections=\"256\"/>\n");
	/* The fragile service is the one that falls over: watch it. */
	if (rd->fragile_rate > 0)
		raw(&w, "  <liveness service=\"fragile\"/>\n");
	raw(&w, "  <credentials>\n");
	if (weak) {
		credential(&w, "web-admin", "web", rd->web_user, rd->web_pass);
		credential(&w, "web-admin-http", "web-http", rd->web_user,
		    rd->web_pass);
		credential(&w, "telnet-root", "telnet", rd->telnet_user,
		    rd->telnet_pass);
	} else {
		credential(&w, "web-admin", "web", rd->web_user, rd->web_pass);
		if (service(rd, "ssh") != NULL)
			credential(&w, "ssh-admin", "ssh", rd->ssh_user,
			    rd->ssh_pass);
		credential(&w, "mqtt-device", "mqtts", rd->mqtt_user,
		    rd->mqtt_pass);
	}
	raw(&w, "  </credentials>\n");
	/* The firmware image (firmware.c), pinned by its digest. */
	if (rd->fwimg_file[0] != '\0')
		raw(&w, "  <artefacts>\n"
		    "    <firmware id=\"%s\" file=\"%s\" sha256=\"%s\"/>\n"
		    "  </artefacts>\n", rd->fwimg_id, rd->fwimg_file,
		    rd->fwimg_sha256);
	if (rd->gateway)
		client_side(&w, rd);
	raw(&w, "</setup>\n");
	r = finish(&w, rd, "setup.xml");
	assay_buf_free(w.b);
	return r;
}

int
rd_forms_write(const struct refdevice *rd)
{
	int r;

	if ((r = write_ics(rd)) != 0 || (r = write_ixit(rd)) != 0)
		return r;
	return write_setup(rd);
}
