/*
 * setup.c - the device's files (keys, certificates, web content, login
 * program, update manifest) and its servers' configurations, then the
 * servers themselves.
 *
 * Everything lives under rd->dir, which main.c checked to contain only
 * [A-Za-z0-9/._+-], so paths can go into configuration files unquoted
 * by shell or socat.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "base/error.h"
#include "probe/coap.h"
#include "probe/mqtt.h"
#include "refdevice.h"

#define FILE_MAX	(256 * 1024)
#define FIRMWARE_LEN	(64 * 1024)

/* Identity of each persona, shared with forms.c through the text. */
#define C_MODEL		"AL-CAM2"
#define C_FW		"1.4.2"
#define W_MODEL		"IPCam-W1"
#define W_FW		"1.0.3"

/* Formats a file under rd->dir. */
static int
wfile(const struct refdevice *rd, const char *rel, mode_t mode,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
wfile(const struct refdevice *rd, const char *rel, mode_t mode,
    const char *fmt, ...)
{
	struct assay_buf *b = NULL;
	char path[RD_PATH_MAX];
	va_list ap;
	int r;

	if ((r = rd_path(path, sizeof(path), "%s/%s", rd->dir, rel)) != 0)
		return r;
	if ((b = assay_buf_new(FILE_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	va_start(ap, fmt);
	r = assay_buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (r == 0)
		r = rd_write_file(path, assay_buf_data(b), assay_buf_len(b),
		    mode);
	assay_buf_free(b);
	return r;
}

static int
mkdirs(const struct refdevice *rd, const char *const *rels)
{
	char path[RD_PATH_MAX];
	size_t i;

	for (i = 0; rels[i] != NULL; i++) {
		if (rd_path(path, sizeof(path), "%s/%s", rd->dir, rels[i]) != 0)
			return ASSAY_ERR_TOO_BIG;
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			fprintf(stderr, "assay-refdevice: mkdir %s: %s\n", path,
			    strerror(errno));
			return ASSAY_ERR_IO;
		}
	}
	return 0;
}

const char *
rd_model(const struct refdevice *rd)
{
	return rd->persona == RD_PERSONA_WEAK ? W_MODEL : C_MODEL;
}

const char *
rd_firmware(const struct refdevice *rd)
{
	return rd->persona == RD_PERSONA_WEAK ? W_FW : C_FW;
}

/*
 * GET /api/version.cgi (login): the installed firmware version and the
 * SHA-256 of the installed image, which the client side writes when it
 * installs an update (DIR/data/firmware.bin, firmware-version).  Follows
 * "D=DIR" and "F=factory version".
 */
static const char version_cgi[] =
"v=$(head -c 32 \"$D/data/firmware-version\" 2>/dev/null | tr -cd '0-9.')\n"
"[ -n \"$v\" ] || v=$F\n"
"d=\n"
"if [ -f \"$D/data/firmware.bin\" ]; then\n"
"\td=$(sha256sum < \"$D/data/firmware.bin\" | cut -c1-64)\n"
"fi\n"
"printf 'Status: 200 OK\\r\\nContent-Type: application/json\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n"
"{\"firmware\":\"%s\",\"image_sha256\":\"%s\"}\\n' \"$v\" \"$d\"\n";

static int
write_version_cgi(struct refdevice *rd)
{
	int r;

	if ((r = mkdirs(rd, (const char *const[]){ "www/api", NULL })) != 0)
		return r;
	return wfile(rd, "www/api/version.cgi", 0700,
"# version.cgi - the installed firmware version and image digest.\n"
"D=%s\nF=%s\n%s", rd->dir, rd_firmware(rd), version_cgi);
}

/*
 * GET /api/status.cgi (login): the camera's local status, the local
 * function its 23-ResMech entry declares (5.9-1-2, 5.9-2-2).  The client
 * side writes DIR/data/cloud-state ("up", "down") after each telemetry
 * attempt; the conforming status page does not depend on it, the weak one
 * answers 503 while the cloud is down (its local function stops with the
 * cloud, the weakness those test cases look for).  Follows "D=DIR" and
 * "W=0|1".
 */
static const char status_cgi[] =
"s=$(head -c 8 \"$D/data/cloud-state\" 2>/dev/null | tr -cd 'a-z')\n"
"if [ \"$W\" = 1 ] && [ \"$s\" = down ]; then\n"
"\tprintf 'Status: 503 Service Unavailable\\r\\nContent-Type: "
"application/json\\r\\nCache-Control: no-store\\r\\n\\r\\n"
"{\"error\":\"cloud unreachable\"}\\n'\n"
"\texit 0\n"
"fi\n"
"printf 'Status: 200 OK\\r\\nContent-Type: application/json\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n"
"{\"recording\":\"on\",\"cloud\":\"%s\"}\\n' \"${s:-unknown}\"\n";

static int
write_status_cgi(struct refdevice *rd)
{
	return wfile(rd, "www/api/status.cgi", 0700,
"# status.cgi - the camera's local status (recording, cloud link).\n"
"D=%s\nW=%d\n%s", rd->dir, rd->persona == RD_PERSONA_WEAK, status_cgi);
}

/*
 * GET /api/update-settings.cgi (login): the update settings as JSON,
 * {"auto_update":B,"notifications":B}, from DIR/data/update-settings (two
 * lines "auto_update=0|1", "notifications=0|1").  POST with the form
 * auto_update=0|1 or notifications=0|1 (one field per request) changes
 * one and answers the new settings.  The body is read up to its 64-byte
 * bound, matched against the fixed forms (nothing evaluated), and the
 * file is replaced under flock, so a reader sees the old file or the
 * new one.  Follows "D=DIR".  5.3-6-2 reads and writes it (docs/refdevice.md).
 */
static const char update_settings_cgi[] =
"PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}\n"
"S=$D/data/update-settings\n"
"reply() {\n"
"\tprintf 'Status: %s\\r\\nContent-Type: application/json\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n%s\\n' \"$1\" \"$2\"\n"
"\texit 0\n"
"}\n"
"get() {\n"
"\tv=$(grep -m1 \"^$1=\" \"$S\" 2>/dev/null | cut -d= -f2)\n"
"\t[ \"$v\" = 1 ] && echo true || echo false\n"
"}\n"
"show() {\n"
"\treply '200 OK' \"{\\\"auto_update\\\":$(get auto_update),"
"\\\"notifications\\\":$(get notifications)}\"\n"
"}\n"
"case $REQUEST_METHOD in\n"
"GET) show ;;\n"
"POST) ;;\n"
"*) reply '405 Method Not Allowed' '{\"error\":\"use GET or POST\"}' ;;\n"
"esac\n"
"case $CONTENT_LENGTH in\n"
"''|*[!0-9]*|???*) reply '400 Bad Request' "
"'{\"error\":\"send auto_update=0|1 or notifications=0|1\"}' ;;\n"
"esac\n"
"if [ \"$CONTENT_LENGTH\" -gt 64 ]; then\n"
"\treply '413 Payload Too Large' '{\"error\":\"form too large\"}'\n"
"fi\n"
"body=$(head -c \"$CONTENT_LENGTH\")\n"
"case $body in\n"
"auto_update=0|auto_update=1|notifications=0|notifications=1) ;;\n"
"*) reply '400 Bad Request' "
"'{\"error\":\"send auto_update=0|1 or notifications=0|1\"}' ;;\n"
"esac\n"
"k=${body%%=*}\n"
"v=${body#*=}\n"
"umask 077\n"
"exec 9>>\"$S.lock\"\n"
"flock -w 10 9 || reply '503 Service Unavailable' '{\"error\":\"busy\"}'\n"
"if tmp=$(mktemp \"$S.XXXXXX\") &&\n"
"    { grep -v \"^$k=\" \"$S\" 2>/dev/null; printf '%s=%s\\n' \"$k\" \"$v\"; }"
" > \"$tmp\" && mv -f \"$tmp\" \"$S\"; then\n"
"\tshow\n"
"fi\n"
"[ -n \"$tmp\" ] && rm -f \"$tmp\"\n"
"reply '500 Internal Server Error' '{\"error\":\"cannot write the settings\"}'\n";

/*
 * The settings in the initialized state: both on for the conforming
 * persona; the weak one has no automatic updates and ships its update
 * notifications switched off (a seeded weakness for 5.3-6-2 c).
 */
static int
write_update_settings_cgi(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK, r;

	if ((r = mkdirs(rd, (const char *const[]){ "www/api", "data",
	    NULL })) != 0)
		return r;
	if ((r = wfile(rd, "data/update-settings", 0600,
	    "auto_update=%d\nnotifications=%d\n", !weak, !weak)) != 0)
		return r;
	return wfile(rd, "www/api/update-settings.cgi", 0700,
"# update-settings.cgi - automatic updates and update notifications.\n"
"D=%s\n%s", rd->dir, update_settings_cgi);
}

/*
 * GET /api/analytics-consent.cgi (login): {"analytics":"on"|"off"}, the
 * owner's consent to usage analytics (client.c, analytics()), kept in
 * DIR/data/analytics-consent.  POST with the form analytics=on or
 * analytics=off gives or withdraws it and answers the new state.  Both
 * personas record the choice; only the conforming client obeys it (the
 * weak one keeps sending: 6-3-2).  The set-up gives the consent, as the
 * owner does at onboarding; the deletion function erases it with the
 * other user data.  Same bounds and locking as update-settings.cgi.
 * Follows "D=DIR".
 */
static const char analytics_consent_cgi[] =
"PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}\n"
"S=$D/data/analytics-consent\n"
"reply() {\n"
"\tprintf 'Status: %s\\r\\nContent-Type: application/json\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n%s\\n' \"$1\" \"$2\"\n"
"\texit 0\n"
"}\n"
"show() {\n"
"\tv=$(head -c 8 \"$S\" 2>/dev/null)\n"
"\t[ \"$v\" = on ] || v=off\n"
"\treply '200 OK' \"{\\\"analytics\\\":\\\"$v\\\"}\"\n"
"}\n"
"case $REQUEST_METHOD in\n"
"GET) show ;;\n"
"POST) ;;\n"
"*) reply '405 Method Not Allowed' '{\"error\":\"use GET or POST\"}' ;;\n"
"esac\n"
"case $CONTENT_LENGTH in\n"
"''|*[!0-9]*|???*) reply '400 Bad Request' "
"'{\"error\":\"send analytics=on|off\"}' ;;\n"
"esac\n"
"body=$(head -c \"$CONTENT_LENGTH\")\n"
"case $body in\n"
"analytics=on|analytics=off) ;;\n"
"*) reply '400 Bad Request' '{\"error\":\"send analytics=on|off\"}' ;;\n"
"esac\n"
"umask 077\n"
"exec 9>>\"$S.lock\"\n"
"flock -w 10 9 || reply '503 Service Unavailable' '{\"error\":\"busy\"}'\n"
"if tmp=$(mktemp \"$S.XXXXXX\") && printf '%s' \"${body#*=}\" > \"$tmp\" &&\n"
"    mv -f \"$tmp\" \"$S\"; then\n"
"\tshow\n"
"fi\n"
"[ -n \"$tmp\" ] && rm -f \"$tmp\"\n"
"reply '500 Internal Server Error' '{\"error\":\"cannot write the consent\"}'\n";

static int
write_analytics_consent_cgi(struct refdevice *rd)
{
	int r;

	if ((r = mkdirs(rd, (const char *const[]){ "www/api", "data",
	    NULL })) != 0)
		return r;
	if ((r = wfile(rd, "data/analytics-consent", 0600, "on")) != 0)
		return r;
	return wfile(rd, "www/api/analytics-consent.cgi", 0700,
"# analytics-consent.cgi - the owner's consent to usage analytics.\n"
"D=%s\n%s", rd->dir, analytics_consent_cgi);
}

/*
 * POST /api/device-name.cgi (login), body name=VALUE (URL-encoded form):
 * sets the name the web UI shows, in DIR/data/device-name, and answers a
 * small HTML page with it.  5.13-1-2 sends it malformed values
 * (docs/refdevice.md).  Conforming: the body is at most 40 bytes and the
 * value 1..32 of [A-Za-z0-9._-], checked on the encoded form (nothing is
 * decoded, so nothing else can reach the page), else 400/413.  Weak (the
 * seeded input-validation weakness): any length, a few escapes decoded
 * and the value put into the page as it is, so markup sent in it comes
 * back live (reflected XSS).  Neither hands the value to a shell
 * command: the weak one is an HTML injection only.  Follows "D=DIR".
 */
static const char device_name_common[] =
"PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}\n"
"N=$D/data/device-name\n"
"reply() {\n"
"\tprintf 'Status: %s\\r\\nContent-Type: text/html; charset=utf-8\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n<!DOCTYPE html>\\n<p>%s</p>\\n' \"$1\" \"$2\"\n"
"\texit 0\n"
"}\n"
"[ \"$REQUEST_METHOD\" = POST ] || reply '405 Method Not Allowed' 'use POST'\n"
"case $CONTENT_LENGTH in\n"
"''|*[!0-9]*|???????*) reply '400 Bad Request' 'bad length' ;;\n"
"esac\n";

static const char device_name_conforming[] =
"[ \"$CONTENT_LENGTH\" -gt 40 ] && reply '413 Payload Too Large' 'name too long'\n"
"body=$(head -c \"$CONTENT_LENGTH\")\n"
"case $body in\n"
"name=*) v=${body#name=} ;;\n"
"*) reply '400 Bad Request' 'send name=...' ;;\n"
"esac\n"
"case $v in\n"
"''|*[!A-Za-z0-9._-]*) reply '400 Bad Request' "
"'a name is 1 to 32 letters, digits, dot, dash or underscore' ;;\n"
"esac\n"
"[ ${#v} -gt 32 ] && reply '400 Bad Request' 'name too long'\n"
"printf '%s\\n' \"$v\" > \"$N.tmp\" && mv -f \"$N.tmp\" \"$N\" || "
"reply '500 Internal Server Error' 'cannot store the name'\n"
"reply '200 OK' \"Device name: $v\"\n";

static const char device_name_weak[] =
"body=$(head -c \"$CONTENT_LENGTH\" | head -c 65536)\n"
"v=$(printf '%s' \"${body#name=}\" | sed -e 's/+/ /g' -e 's/%20/ /g' "
"-e 's/%3[Cc]/</g' -e 's/%3[Ee]/>/g' -e 's/%22/\"/g' -e 's/%28/(/g' "
"-e 's/%29/)/g' -e 's/%2[Ff]/\\//g' -e 's/%3[Dd]/=/g' -e 's/%3[Bb]/;/g')\n"
"printf '%s\\n' \"$v\" | head -c 4096 > \"$N\"\n"
"reply '200 OK' \"Device name: $v\"\n";

static int
write_device_name_cgi(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK, r;

	if ((r = mkdirs(rd, (const char *const[]){ "www/api", "data",
	    NULL })) != 0)
		return r;
	if ((r = wfile(rd, "data/device-name", 0600, "Camera\n")) != 0)
		return r;
	return wfile(rd, "www/api/device-name.cgi", 0700,
"# device-name.cgi - the device name the web UI shows (POST name=...).\n"
"D=%s\n%s%s", rd->dir, device_name_common,
	    weak ? device_name_weak : device_name_conforming);
}

static int
web_port(const struct refdevice *rd)
{
	return rd->port_https;
}

/* ---- TLS certificate ---------------------------------------------------- */

static int
make_certificate(struct refdevice *rd)
{
	char san[128], subj[128];
	const char *conforming[] = { "openssl", "req", "-x509", "-newkey", "ec",
	    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-sha256", "-nodes",
	    "-days", "825", "-keyout", "tls/server.key", "-out",
	    "tls/server.pem", "-subj", subj, "-addext", san, NULL };
	/* 1024-bit RSA signed with SHA-1: what cheap firmware still ships. */
	const char *weak[] = { "openssl", "req", "-x509", "-newkey", "rsa:1024",
	    "-sha1", "-nodes", "-days", "3650", "-keyout", "tls/server.key",
	    "-out", "tls/server.pem", "-subj", subj, "-addext", san, NULL };

	snprintf(san, sizeof(san), "subjectAltName=IP:%s,DNS:localhost",
	    rd->address);
	snprintf(subj, sizeof(subj), "/O=%s/CN=%s-%s",
	    rd->persona == RD_PERSONA_WEAK ? "Generic IPCam" : "Assay Labs",
	    rd->persona == RD_PERSONA_WEAK ? W_MODEL : C_MODEL, rd->serial);
	return rd_run_tool(rd, rd->persona == RD_PERSONA_WEAK ? weak :
	    conforming);
}

/* ---- shells ------------------------------------------------------------- */

/*
 * The conforming devsh's `passwd NEW`: a new SHA-512 crypt hash for the
 * account, written over DIR/ssh/shadow in place (same inode: the file is
 * bind-mounted over /etc/shadow in dropbear's mount namespace, where a
 * rename would not show).  dropbear reads it with getspnam at each login.
 * The session user owns DIR (uid 0 as real root; otherwise the uid that a
 * user namespace maps to ours), so it can write the file in every mode.
 */
static const char devsh_passwd[] =
"# passwd NEW: a new password for the SSH login (12 characters or more).\n"
"chpw() {\n"
"\tpw=$1\n"
"\tcase $pw in\n"
"\t*[[:cntrl:]]*)\n"
"\t\techo 'passwd: control characters are refused; password unchanged'\n"
"\t\treturn 1 ;;\n"
"\tesac\n"
"\tn=$(printf '%s' \"$pw\" | LC_ALL=C.UTF-8 wc -m)\n"
"\tif [ \"$n\" -lt 12 ]; then\n"
"\t\techo 'passwd: at least 12 characters are required; password unchanged'\n"
"\t\treturn 1\n"
"\tfi\n"
"\th=$(printf '%s\\n' \"$pw\" | openssl passwd -6 -stdin 2>/dev/null)\n"
"\tcase $h in\n"
"\t'$6$'*) ;;\n"
"\t*) echo 'passwd: hashing failed; password unchanged'; return 1 ;;\n"
"\tesac\n"
"\tumask 077\n"
"\t(\n"
"\t\tflock -w 10 9 || exit 1\n"
"\t\ttmp=$(mktemp \"$SHADOW.XXXXXX\") || exit 1\n"
"\t\tday=$(( $(date +%s) / 86400 ))\n"
"\t\tif awk -F: -v OFS=: -v u=\"$ACCOUNT\" -v h=\"$h\" -v d=\"$day\" \\\n"
"\t\t    '$1 == u { $2 = h; $3 = d; f = 1 } { print } END { exit !f }' \\\n"
"\t\t    \"$SHADOW\" > \"$tmp\" && cat \"$tmp\" > \"$SHADOW\"; then\n"
"\t\t\trm -f \"$tmp\"\n"
"\t\t\texit 0\n"
"\t\tfi\n"
"\t\trm -f \"$tmp\"\n"
"\t\texit 1\n"
"\t) 9>>\"$SHADOW.lock\" 2>/dev/null || {\n"
"\t\techo 'passwd: cannot update the password file; password unchanged'\n"
"\t\treturn 1\n"
"\t}\n"
"\techo 'passwd: password updated; it applies from the next login'\n"
"}\n";

static int
write_devsh(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK;
	char vars[RD_PATH_MAX + 64] = "";
	int r;

	if (!weak && (r = rd_path(vars, sizeof(vars),
	    "SHADOW=%s/ssh/shadow\nACCOUNT='%s'\n", rd->dir,
	    rd->ssh_user)) != 0)
		return r;
	return wfile(rd, "bin/devsh", 0700,
"#!/bin/sh\n"
"# devsh - the device's restricted command shell (assay-refdevice).\n"
"# Only a few commands; nothing touches the host.\n"
"MODEL=%s\nFW=%s\nUSERID='%s'\n%s%s"
"run() {\n"
"\tcase \"$1\" in\n"
"\t\"\") ;;\n"
"\thelp|'?') echo 'commands: help version id uname uptime%s reboot exit' ;;\n"
"\tversion) echo \"$MODEL firmware $FW\" ;;\n"
"\tid) echo \"$USERID\" ;;\n"
"\tuname|'uname -a') echo \"Linux $MODEL 4.9.118 #1 SMP PREEMPT armv7l\" ;;\n"
"\tuptime) read -r up _ < /proc/uptime; echo \"up $up s\" ;;\n"
"%s"
"\treboot) echo 'reboot: not permitted in lab mode' ;;\n"
"\texit|quit|logout) exit 0 ;;\n"
"\t*) echo \"sh: $1: not found\" ;;\n"
"\tesac\n"
"}\n"
"if [ -n \"$SSH_ORIGINAL_COMMAND\" ]; then\n"
"\trun \"$SSH_ORIGINAL_COMMAND\"\n\texit $?\nfi\n"
"while printf '%%s' '%s'; IFS= read -r line; do\n"
"\tline=$(printf '%%s' \"$line\" | tr -d '\\r\\000')\n"
"\trun \"$line\"\n"
"done\n",
	    weak ? W_MODEL : C_MODEL, weak ? W_FW : C_FW,
	    weak ? "uid=0(root) gid=0(root)" : "uid=1000(admin) gid=1000(admin)",
	    vars, weak ? "" : devsh_passwd, weak ? "" : " passwd",
	    weak ? "" : "\tpasswd) echo 'usage: passwd NEW (12 characters or "
	    "more)' ;;\n\t'passwd '*) chpw \"${1#passwd }\" ;;\n",
	    weak ? "# " : "admin> ");
}

/*
 * The weak persona's telnet login: one hard-coded factory account, as
 * in the firmware Mirai was written for.
 */
static int
write_login(struct refdevice *rd)
{
	return wfile(rd, "bin/login", 0700,
"#!/bin/sh\n"
"# login - IPCam-W1 telnet login (assay-refdevice weak persona).\n"
"# Checks the hard-coded factory account, then runs the device shell.\n"
"tries=0\n"
"while [ \"$tries\" -lt 3 ]; do\n"
"\tprintf '%s login: '\n"
"\tIFS= read -r u || exit 1\n"
"\tu=$(printf '%%s' \"$u\" | tr -d '\\r\\000')\n"
"\tprintf 'Password: '\n"
"\tstty -echo 2>/dev/null\n"
"\tIFS= read -r p || exit 1\n"
"\tstty echo 2>/dev/null\n"
"\tp=$(printf '%%s' \"$p\" | tr -d '\\r\\000')\n"
"\tprintf '\\r\\n'\n"
"\tif [ \"$u\" = '%s' ] && [ \"$p\" = '%s' ]; then\n"
"\t\techo\n\t\techo 'BusyBox v1.35.0 built-in shell (ash)'\n"
"\t\texec %s/bin/devsh\n"
"\tfi\n"
"\techo 'Login incorrect'\n"
"\ttries=$((tries + 1))\n"
"done\n"
"exit 1\n",
	    W_MODEL, rd->telnet_user, rd->telnet_pass, rd->dir);
}

/* ---- web ----------------------------------------------------------------- */

/*
 * POST /api/change-password.cgi, body password=NEW (URL-encoded form):
 * the logged-in user's new password, at least 12 characters, as a SHA-512
 * crypt hash in DIR/etc/htpasswd (temporary file and rename in the same
 * directory, so lighttpd, which reads the file per request, sees the old
 * file or the new one).  Follows "H=DIR/etc/htpasswd".
 */
static const char change_password_cgi[] =
"PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}\n"
"reply() {\n"
"\tprintf 'Status: %s\\r\\nContent-Type: application/json\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n%s\\n' \"$1\" \"$2\"\n"
"\texit 0\n"
"}\n"
"if [ \"$REQUEST_METHOD\" != POST ]; then\n"
"\tprintf 'Status: 405 Method Not Allowed\\r\\nAllow: POST\\r\\n"
"Content-Type: application/json\\r\\n\\r\\n{\"error\":\"use POST\"}\\n'\n"
"\texit 0\n"
"fi\n"
"u=$REMOTE_USER\n"
"case $u in\n"
"''|*[!A-Za-z0-9._-]*)\n"
"\treply '403 Forbidden' '{\"changed\":false,\"error\":\"log in first\"}' ;;\n"
"esac\n"
"case $CONTENT_LENGTH in\n"
"''|*[!0-9]*)\n"
"\treply '411 Length Required' "
"'{\"changed\":false,\"error\":\"send the form password=NEW\"}' ;;\n"
"?????*)\n"
"\treply '413 Payload Too Large' "
"'{\"changed\":false,\"error\":\"form too large\"}' ;;\n"
"esac\n"
"if [ \"$CONTENT_LENGTH\" -gt 4096 ]; then\n"
"\treply '413 Payload Too Large' "
"'{\"changed\":false,\"error\":\"form too large\"}'\n"
"fi\n"
"body=$(head -c \"$CONTENT_LENGTH\")\n"
"found=\n"
"enc=\n"
"tmp=\n"
"set -f\n"
"oldifs=$IFS\n"
"IFS='&'\n"
"for kv in $body; do\n"
"\tcase $kv in\n"
"\tpassword=*) enc=${kv#password=}; found=1 ;;\n"
"\tesac\n"
"done\n"
"IFS=$oldifs\n"
"set +f\n"
"if [ -z \"$found\" ]; then\n"
"\treply '400 Bad Request' "
"'{\"changed\":false,\"error\":\"form field password is missing\"}'\n"
"fi\n"
"# Encoded control characters (%00-%1F, %7F) and raw non-printable bytes\n"
"# are refused before decoding.\n"
"case $enc in\n"
"*[![:print:]]*|*%[01][0-9A-Fa-f]*|*%7[Ff]*)\n"
"\treply '400 Bad Request' "
"'{\"changed\":false,\"error\":\"control characters are refused\"}' ;;\n"
"esac\n"
"# + is a space, %XX a byte; a literal backslash stays one.\n"
"esc=$(printf '%s' \"$enc\" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/+/ /g' "
"-e 's/%\\([0-9A-Fa-f][0-9A-Fa-f]\\)/\\\\x\\1/g')\n"
"pw=$(env printf '%b' \"$esc\")\n"
"case $pw in\n"
"*[[:cntrl:]]*)\n"
"\treply '400 Bad Request' "
"'{\"changed\":false,\"error\":\"control characters are refused\"}' ;;\n"
"esac\n"
"n=$(printf '%s' \"$pw\" | LC_ALL=C.UTF-8 wc -m)\n"
"if [ \"$n\" -lt 12 ]; then\n"
"\treply '400 Bad Request' '{\"changed\":false,\"error\":\"the password "
"must have at least 12 characters\",\"min_length\":12}'\n"
"fi\n"
"h=$(printf '%s\\n' \"$pw\" | openssl passwd -6 -stdin 2>/dev/null)\n"
"case $h in\n"
"'$6$'*) ;;\n"
"*) reply '500 Internal Server Error' "
"'{\"changed\":false,\"error\":\"hashing failed\"}' ;;\n"
"esac\n"
"umask 077\n"
"exec 9>>\"$H.lock\"\n"
"flock -w 10 9 || reply '503 Service Unavailable' "
"'{\"changed\":false,\"error\":\"busy, try again\"}'\n"
"if tmp=$(mktemp \"$H.XXXXXX\") &&\n"
"    { awk -F: -v u=\"$u\" '$1 != u' \"$H\" &&\n"
"    printf '%s:%s\\n' \"$u\" \"$h\"; } > \"$tmp\" &&\n"
"    chmod 600 \"$tmp\" && mv -f \"$tmp\" \"$H\"; then\n"
"\treply '200 OK' '{\"changed\":true}'\n"
"fi\n"
"[ -n \"$tmp\" ] && rm -f \"$tmp\"\n"
"reply '500 Internal Server Error' "
"'{\"changed\":false,\"error\":\"cannot write the password file\"}'\n";

static int
write_web_conforming(struct refdevice *rd)
{
	char base[128];
	int r, p = web_port(rd);

	snprintf(base, sizeof(base), "https://%s:%d", rd->address, p);
	if ((r = wfile(rd, "www/index.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>Assay Labs " C_MODEL "</title></head><body>\n"
"<h1>Assay Labs " C_MODEL " Smart Camera</h1>\n"
"<p>Model " C_MODEL ", firmware " C_FW ", serial %s.</p>\n<ul>\n"
"<li><a href=\"/admin/\">Device settings</a> (login required)</li>\n"
"<li><a href=\"/vulnerability-disclosure.html\">Vulnerability disclosure policy</a></li>\n"
"<li><a href=\"/support-period.html\">Security update support period</a></li>\n"
"<li><a href=\"/privacy.html\">Personal data and deletion</a></li>\n"
"<li><a href=\"/setup-guide.html\">Secure setup guide</a></li>\n"
"</ul>\n</body></html>\n", rd->serial)) != 0)
		return r;
	if ((r = wfile(rd, "www/security.txt", 0644,
"Contact: mailto:security@assaylabs.example\n"
"Contact: %s/vulnerability-disclosure.html\n"
"Expires: 2030-12-31T23:59:59Z\n"
"Policy: %s/vulnerability-disclosure.html\n"
"Preferred-Languages: en\n"
"Canonical: %s/.well-known/security.txt\n", base, base, base)) != 0)
		return r;
	if ((r = mkdirs(rd, (const char *const[]){ "www/.well-known",
	    "www/admin", "www/api", "www/update", NULL })) != 0)
		return r;
	if ((r = wfile(rd, "www/.well-known/security.txt", 0644,
"Contact: mailto:security@assaylabs.example\n"
"Contact: %s/vulnerability-disclosure.html\n"
"Expires: 2030-12-31T23:59:59Z\n"
"Policy: %s/vulnerability-disclosure.html\n"
"Preferred-Languages: en\n"
"Canonical: %s/.well-known/security.txt\n", base, base, base)) != 0)
		return r;
	if ((r = wfile(rd, "www/vulnerability-disclosure.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>Vulnerability disclosure policy</title></head><body>\n"
"<h1>Vulnerability disclosure policy</h1>\n"
"<p>Assay Labs welcomes reports of security issues in the " C_MODEL
" and its services.</p>\n"
"<h2>Contact</h2>\n<p>E-mail <a href=\"mailto:security@assaylabs.example\">"
"security@assaylabs.example</a> (PGP key on request). No account or "
"non-disclosure agreement is needed.</p>\n"
"<h2>Timelines</h2>\n<ul>\n"
"<li>Acknowledgement of receipt: within 5 working days.</li>\n"
"<li>Status updates: at least every 14 days until the issue is resolved.</li>\n"
"<li>Fix target: 90 days for critical and high severity issues.</li>\n"
"</ul>\n<p>Machine-readable contact: <a href=\"/.well-known/security.txt\">"
"security.txt</a>.</p>\n</body></html>\n")) != 0)
		return r;
	if ((r = wfile(rd, "www/support-period.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>Support period</title></head><body>\n"
"<h1>Defined support period</h1>\n"
"<p>The " C_MODEL " receives security updates until "
"<time datetime=\"2030-12-31\">31 December 2030</time>.</p>\n"
"<p>End of support date: 2030-12-31. Updates are free of charge and "
"delivered over the network.</p>\n</body></html>\n")) != 0)
		return r;
	if ((r = wfile(rd, "www/privacy.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>Personal data</title></head><body>\n"
"<h1>Personal data</h1>\n<p>The camera stores the Wi-Fi settings, the "
"owner's account name and motion-event thumbnails on the device only.</p>\n"
"<h2>Telemetry</h2>\n<p>Every few minutes the camera sends the cloud its "
"uptime, its firmware version and the owner's e-mail address, encrypted "
"(MQTT over TLS), so that the cloud can mail the owner when the camera "
"restarts repeatedly or runs an old firmware.</p>\n"
"<p>Usage analytics, only with your consent (asked at set-up, unticked): "
"which pages of the web UI are used, with the camera's serial number. "
"Withdraw it at any time in Settings &rarr; Privacy; sending stops with "
"the next message. Nothing else is sent.</p>\n"
"<h2>Deleting your data</h2>\n<p>On the camera: Settings &rarr; Delete all "
"data, or <code>POST /api/delete-user-data.cgi</code> with the admin login. "
"The reply confirms what was erased.</p>\n<p>In the cloud: companion app "
"&rarr; Account &rarr; Delete my data. The app and an e-mail confirm that "
"your e-mail address and telemetry were deleted.</p>\n</body></html>\n")) != 0)
		return r;
	if ((r = wfile(rd, "www/setup-guide.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>Secure setup</title></head><body>\n"
"<h1>Secure setup</h1>\n<ol><li>Log in with the per-device password on "
"the label.</li><li>Change it under Settings.</li><li>Leave automatic "
"updates on.</li></ol>\n<p>Check your setup: Settings &rarr; Security "
"status lists open services and the update state.</p>\n"
"<h2 id=\"change-password\">Changing your passwords</h2>\n"
"<p>Each new password needs at least 12 characters. The old password "
"stops working at once.</p>\n<h3>Web login</h3>\n<ol><li>Open "
"<a href=\"/admin/\">Settings</a> and log in as <code>admin</code>.</li>"
"<li>Type the new password under <em>Change password</em> and press the "
"button.</li><li>Log in again with the new password.</li></ol>\n"
"<p>Programs can do the same: <code>POST /api/change-password.cgi</code> "
"with the admin login and the form field <code>password=NEW</code> "
"(URL-encoded); the answer is <code>{\"changed\":true}</code>, or HTTP 400 "
"with the reason.</p>\n<h3>SSH login</h3>\n<p>Log in to the device "
"shell over SSH as <code>admin</code> and type <code>passwd NEW</code>, "
"where NEW is the new password. The next SSH login uses it.</p>\n"
"</body></html>\n")) != 0)
		return r;
	if ((r = wfile(rd, "www/admin/index.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>Settings</title></head><body>\n<h1>Settings</h1>\n"
"<h2>Change password</h2>\n"
"<form method=\"post\" action=\"/api/change-password.cgi\">"
"<label>New password (at least 12 characters) <input type=\"password\" "
"name=\"password\" minlength=\"12\" autocomplete=\"new-password\" "
"required></label> <button>Change password</button></form>\n"
"<p>The new password applies at once; see the <a href=\"/setup-guide.html"
"#change-password\">setup guide</a>.</p>\n"
"<h2>Data</h2>\n"
"<form method=\"post\" action=\"/api/delete-user-data.cgi\">"
"<button>Delete all data</button></form>\n"
"<p>Network, updates (automatic: on).</p>\n"
"</body></html>\n")) != 0)
		return r;
	if ((r = wfile(rd, "www/api/change-password.cgi", 0700,
"# change-password.cgi - changes the web login password (POST only).\n"
"H=%s/etc/htpasswd\n%s", rd->dir, change_password_cgi)) != 0)
		return r;
	return 0;
}

/*
 * 5.11 deletion of user data (docs/refdevice.md).  GET /api/user-data.cgi
 * (login) shows the user data the web UI shows: the owner's notes and the
 * account; POST note=TEXT (1..128 of A-Z a-z 0-9 . _ -) stores a note,
 * which is how the lab creates a marker datum (25-DelFunc data-create-*).
 * Follows "D=DIR" and "BK=backup file" (empty: none).  The weak persona
 * keeps a "backup" copy of every note that its listing still shows.
 */
static const char user_data_cgi[] =
"PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}\n"
"N=$D/data/notes\n"
"reply() {\n"
"\tprintf 'Status: %s\\r\\nContent-Type: application/json\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n%s\\n' \"$1\" \"$2\"\n"
"\texit 0\n"
"}\n"
"case $REQUEST_METHOD in\n"
"GET)\n"
"\tnotes=$(cat \"$N\" ${BK:+\"$BK\"} 2>/dev/null | sort -u | "
"tr -cd 'A-Za-z0-9._\\n-' | paste -sd, -)\n"
"\tacc=$(cat \"$D/data/account.json\" 2>/dev/null)\n"
"\treply '200 OK' \"{\\\"notes\\\":\\\"$notes\\\",\\\"account\\\":${acc:-null}}\" ;;\n"
"POST) ;;\n"
"*) reply '405 Method Not Allowed' '{\"error\":\"use GET or POST\"}' ;;\n"
"esac\n"
"case $CONTENT_LENGTH in\n"
"''|*[!0-9]*|????*) reply '400 Bad Request' '{\"error\":\"send note=TEXT\"}' ;;\n"
"esac\n"
"[ \"$CONTENT_LENGTH\" -gt 140 ] && reply '413 Payload Too Large' "
"'{\"error\":\"note too long\"}'\n"
"body=$(head -c \"$CONTENT_LENGTH\")\n"
"case $body in\n"
"note=*) v=${body#note=} ;;\n"
"*) reply '400 Bad Request' '{\"error\":\"send note=TEXT\"}' ;;\n"
"esac\n"
"case $v in\n"
"''|*[!A-Za-z0-9._-]*) reply '400 Bad Request' '{\"error\":\"a note is 1..128 "
"letters, digits, . _ -\"}' ;;\n"
"esac\n"
"umask 077\n"
"printf '%s\\n' \"$v\" >> \"$N\" || reply '500 Internal Server Error' "
"'{\"error\":\"cannot store the note\"}'\n"
"if [ -n \"$BK\" ]; then\n"
"\tmkdir -p \"${BK%/*}\" && printf '%s\\n' \"$v\" >> \"$BK\"\n"
"fi\n"
"reply '200 OK' '{\"stored\":true}'\n";

/*
 * POST /api/delete-user-data.cgi (login).  Conforming: erases every user
 * file under DIR/data (the notes, the Wi-Fi settings, the account) except
 * the installed firmware, sets the update settings back to the factory
 * values (switching them off would be a change, not an erasure), sets the
 * owner's web password back to the label's (DIR/etc/htpasswd.factory: the
 * lab logs in with the label's value, so its access stays) and confirms
 * in words.  Weak (seeded weakness for 5.11-1-2 c and 5.11-4-1 b): it
 * removes the visible files, leaves the backup copy of the notes that
 * /api/user-data.cgi still lists, and answers a bare "ok".
 */
static int
write_deletion(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK, r;
	char bk[RD_PATH_MAX];

	if ((r = mkdirs(rd, (const char *const[]){ "www/api", "data",
	    NULL })) != 0)
		return r;
	if (weak && rd_path(bk, sizeof(bk), "%s/data/.backup/notes",
	    rd->dir) != 0)
		return ASSAY_ERR_TOO_BIG;
	if ((r = wfile(rd, "www/api/user-data.cgi", 0700,
"# user-data.cgi - the owner's notes and account (GET), a new note (POST).\n"
"D=%s\nBK=%s\n%s", rd->dir, weak ? bk : "", user_data_cgi)) != 0)
		return r;
	if (weak)
		return wfile(rd, "www/api/delete-user-data.cgi", 0700,
"# delete-user-data.cgi - claims to erase user data; keeps a backup.\n"
"if [ \"$REQUEST_METHOD\" != POST ]; then\n"
"\tprintf 'Status: 405 Method Not Allowed\\r\\nAllow: POST\\r\\n"
"Content-Type: application/json\\r\\n\\r\\n{\"error\":\"use POST\"}\\n'\n"
"\texit 0\nfi\n"
"head -c \"${CONTENT_LENGTH:-0}\" >/dev/null 2>&1\n"
"rm -f %s/data/notes %s/data/wifi.conf %s/data/account.json\n"
"printf 'Status: 200 OK\\r\\nContent-Type: application/json\\r\\n\\r\\n"
"{\"status\":\"ok\"}\\n'\n", rd->dir, rd->dir, rd->dir);
	return wfile(rd, "www/api/delete-user-data.cgi", 0700,
"# delete-user-data.cgi - erases user data on the device (POST only).\n"
"D=%s\n"
"if [ \"$REQUEST_METHOD\" != POST ]; then\n"
"\tprintf 'Status: 405 Method Not Allowed\\r\\nAllow: POST\\r\\n"
"Content-Type: application/json\\r\\n\\r\\n{\"error\":\"use POST\"}\\n'\n"
"\texit 0\nfi\n"
"head -c \"${CONTENT_LENGTH:-0}\" >/dev/null 2>&1\n"
"# The installed firmware is not user data; the update settings go back\n"
"# to the factory values.\n"
"n=$(find \"$D/data\" -mindepth 1 -maxdepth 1 ! -name 'firmware*' "
"! -name 'update-settings*' | wc -l)\n"
"find \"$D/data\" -mindepth 1 -maxdepth 1 ! -name 'firmware*' "
"! -name 'update-settings*' -exec rm -rf {} +\n"
"umask 077\n"
"exec 9>>\"$D/data/update-settings.lock\"\n"
"flock -w 10 9 && printf 'auto_update=1\\nnotifications=1\\n' > "
"\"$D/data/update-settings.new\" && mv -f \"$D/data/update-settings.new\" "
"\"$D/data/update-settings\"\n"
"# The owner's password goes back to the one on the label.\n"
"exec 8>>\"$D/etc/htpasswd.lock\"\n"
"flock -w 10 8 && cp \"$D/etc/htpasswd.factory\" \"$D/etc/htpasswd.new\" && "
"mv -f \"$D/etc/htpasswd.new\" \"$D/etc/htpasswd\"\n"
"printf 'Status: 200 OK\\r\\nContent-Type: application/json\\r\\n\\r\\n"
"{\"deleted\":true,\"scope\":\"device\",\"items\":%%d,"
"\"confirmation\":\"All user data on this device has been erased.\"}\\n' "
"\"$n\"\n", rd->dir);
}

/*
 * The conforming persona's documentation of its sensing capabilities
 * (EN 303 645 5.8-3), named by 2-UserInfo "Documentation of Sensors" and
 * fetched by 5.8-3-1.  The weak persona has none: the URL its forms claim
 * answers 404.
 */
static int
write_sensors_page(struct refdevice *rd)
{
	return wfile(rd, "www/sensors.html", 0644,
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
"<title>What the camera senses</title></head><body>\n"
"<h1>What the camera senses</h1>\n<p>The " C_MODEL " has two sensors. "
"Both are always listed here, even when switched off.</p>\n<ul>\n"
"<li><strong>Camera</strong> (colour, 1080p): records pictures of the room "
"when motion is detected, so that you can see what happened.</li>\n"
"<li><strong>Motion sensor</strong> (passive infrared): notices warm, "
"moving bodies such as people and pets, and starts the camera.</li>\n"
"</ul>\n<p>The camera has no microphone, no location sensor and no "
"other sensor.</p>\n</body></html>\n");
}

/*
 * POST /login.cgi, body user=NAME&password=PASS (URL-encoded): the web
 * UI's form login.  Success is the settings page ("You are logged in")
 * with a random session cookie (nothing honours it: the form is what
 * 5.1-1-2, 5.1-5-2 and 5.5-4-2 exercise); failure the login page again
 * with "Wrong user name or password".  With LOCK=N (conforming), N failed
 * logins in a row lock the form for SUSP seconds, answered 429; a
 * successful login resets the count.  The state ("FAILS UNTIL") is
 * DIR/etc/login-state under flock.  Follows "U=user file", "M=plain|crypt",
 * "LOCK=N" (0: none), "SUSP=S" and "S=state file".  The password never
 * reaches an argument vector or the output: it is decoded and hashed from
 * pipes.
 */
static const char login_cgi[] =
"PATH=${PATH:-/usr/local/bin:/usr/bin:/bin}\n"
"page() {\n"
"\tprintf 'Status: %s\\r\\nContent-Type: text/html; charset=utf-8\\r\\n"
"Cache-Control: no-store\\r\\n\\r\\n' \"$1\"\n"
"\tprintf '<!DOCTYPE html>\\n<html><head><title>Log in</title></head>"
"<body>\\n<h1>Log in</h1>\\n<p class=\"error\">%s</p>\\n"
"<form method=\"post\" action=\"/login.cgi\"><label>User <input "
"name=\"user\"></label> <label>Password <input type=\"password\" "
"name=\"password\"></label> <button>Log in</button></form>\\n"
"</body></html>\\n' \"$2\"\n"
"\texit 0\n"
"}\n"
"# %XX and + decoded by awk from a pipe (no argument carries a secret).\n"
"dec() {\n"
"\tawk 'BEGIN { for (i = 32; i < 256; i++) { h[sprintf(\"%02x\", i)] = i;\n"
"\t    h[sprintf(\"%02X\", i)] = i } }\n"
"\t{ s = $0; o = \"\"\n"
"\t  while (length(s) > 0) { c = substr(s, 1, 1)\n"
"\t    if (c == \"+\") { o = o \" \"; s = substr(s, 2) }\n"
"\t    else if (c == \"%\" && (substr(s, 2, 2) in h)) {\n"
"\t      o = o sprintf(\"%c\", h[substr(s, 2, 2)]); s = substr(s, 4) }\n"
"\t    else { o = o c; s = substr(s, 2) } }\n"
"\t  printf \"%s\", o }'\n"
"}\n"
"if [ \"$REQUEST_METHOD\" != POST ]; then\n"
"\tpage '200 OK' ''\n"
"fi\n"
"case $CONTENT_LENGTH in\n"
"''|*[!0-9]*|?????*) page '400 Bad Request' 'Send the login form.' ;;\n"
"esac\n"
"[ \"$CONTENT_LENGTH\" -gt 4096 ] && page '413 Payload Too Large' "
"'Send the login form.'\n"
"body=$(head -c \"$CONTENT_LENGTH\")\n"
"ue=\n"
"pe=\n"
"set -f\n"
"oldifs=$IFS\n"
"IFS='&'\n"
"for kv in $body; do\n"
"\tcase $kv in\n"
"\tuser=*) ue=${kv#user=} ;;\n"
"\tpassword=*) pe=${kv#password=} ;;\n"
"\tesac\n"
"done\n"
"IFS=$oldifs\n"
"set +f\n"
"# Encoded control characters and raw non-printable bytes are refused.\n"
"case $ue$pe in\n"
"*[![:print:]]*|*%[01][0-9A-Fa-f]*|*%7[Ff]*)\n"
"\tpage '400 Bad Request' 'Send the login form.' ;;\n"
"esac\n"
"u=$(printf '%s\\n' \"$ue\" | dec)\n"
"case $u in\n"
"''|*[!A-Za-z0-9._-]*) u=- ;;\n"
"esac\n"
"umask 077\n"
"exec 9>>\"$S.lock\"\n"
"flock -w 5 9 || page '503 Service Unavailable' 'Busy, try again.'\n"
"now=$(date +%s)\n"
"fails=0\n"
"until=0\n"
"[ -f \"$S\" ] && read -r fails until < \"$S\"\n"
"case $fails:$until in\n"
"*[!0-9:]*|:*|*:) fails=0; until=0 ;;\n"
"esac\n"
"if [ \"$LOCK\" -gt 0 ] && [ \"$until\" -gt \"$now\" ]; then\n"
"\tpage '429 Too Many Requests' \"Too many failed logins: the login is "
"locked for $((until - now)) s.\"\n"
"fi\n"
"[ \"$until\" -ne 0 ] && fails=0 && until=0\n"
"ok=\n"
"if [ \"$M\" = plain ]; then\n"
"\twhile IFS= read -r line; do\n"
"\t\t[ \"$line\" = \"$u:$(printf '%s\\n' \"$pe\" | dec)\" ] && ok=1\n"
"\tdone < \"$U\"\n"
"else\n"
"\th=$(awk -F: -v u=\"$u\" '$1 == u { print $2; exit }' \"$U\")\n"
"\tsalt=${h#\\$6\\$}\n"
"\tsalt=${salt%%\\$*}\n"
"\tc=$(printf '%s\\n' \"$pe\" | dec | { IFS= read -r p; "
"printf '%s\\n' \"$p\"; } | openssl passwd -6 -salt \"$salt\" -stdin "
"2>/dev/null)\n"
"\tcase $h in '$6$'*) [ \"$c\" = \"$h\" ] && ok=1 ;; esac\n"
"fi\n"
"if [ -z \"$ok\" ]; then\n"
"\tfails=$((fails + 1))\n"
"\t[ \"$LOCK\" -gt 0 ] && [ \"$fails\" -ge \"$LOCK\" ] && "
"until=$((now + SUSP))\n"
"\tprintf '%s %s\\n' \"$fails\" \"$until\" > \"$S\"\n"
"\tpage '200 OK' 'Wrong user name or password.'\n"
"fi\n"
"printf '0 0\\n' > \"$S\"\n"
"tok=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n')\n"
"sec=\n"
"[ \"$HTTPS\" = on ] && sec='; Secure'\n"
"printf 'Status: 200 OK\\r\\nContent-Type: text/html; charset=utf-8\\r\\n"
"Cache-Control: no-store\\r\\nSet-Cookie: session=%s; Path=/; HttpOnly%s; "
"SameSite=Strict\\r\\n\\r\\n' \"$tok\" \"$sec\"\n"
"printf '<!DOCTYPE html>\\n<html><head><title>Settings</title></head>"
"<body>\\n<h1>Settings</h1>\\n<p>You are logged in as %s.</p>\\n"
"<p><a href=\"/admin/\">Device settings</a></p>\\n</body></html>\\n' \"$u\"\n";

static int
write_login_form(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK;

	/* Weak: the shared default, no lock-out; conforming: 5, then 30 s. */
	return wfile(rd, "www/login.cgi", 0700,
"# login.cgi - the web UI's form login (POST user=...&password=...).\n"
"U=%s/etc/%s\nM=%s\nLOCK=%d\nSUSP=%d\nS=%s/etc/login-state\n%s",
	    rd->dir, weak ? "webusers" : "htpasswd", weak ? "plain" : "crypt",
	    weak ? 0 : RD_FORM_LOCK, RD_FORM_SUSPENSION_S, rd->dir, login_cgi);
}

static int
write_web_weak(struct refdevice *rd)
{
	int r;

	if ((r = mkdirs(rd, (const char *const[]){ "www/admin", "www/update",
	    NULL })) != 0)
		return r;
	if ((r = wfile(rd, "www/index.html", 0644,
"<!DOCTYPE html>\n<html><head><title>" W_MODEL "</title></head><body>\n"
"<h1>" W_MODEL " Network Camera</h1>\n<p>Firmware " W_FW "</p>\n"
"<p><a href=\"/admin/\">Login</a></p>\n</body></html>\n")) != 0)
		return r;
	if ((r = wfile(rd, "www/admin/index.html", 0644,
"<!DOCTYPE html>\n<html><head><title>Settings</title></head><body>\n"
"<h1>" W_MODEL " settings</h1>\n<p>Telnet: enabled. Cloud: enabled.</p>\n"
"</body></html>\n")) != 0)
		return r;
	/*
	 * Seeded weakness (5.2-1-2 b): a policy page without the contact and
	 * the timelines the IXIT declares for it (vdp-contact, vdp-ack-time,
	 * vdp-status-time); only a sales address and "as soon as possible".
	 */
	if ((r = wfile(rd, "www/security-policy.html", 0644,
"<!DOCTYPE html>\n<html><head><title>Security</title></head><body>\n"
"<h1>" W_MODEL " security</h1>\n<p>Security is important to us. If you "
"think you found a problem, write to sales@ipcam-w1.example and we will "
"look into it as soon as possible.</p>\n</body></html>\n")) != 0)
		return r;
	/*
	 * Seeded weakness (5.1-4-2 b): the change API its IXIT declares
	 * answers success and changes nothing; the old password stays, the
	 * new one is refused.
	 */
	if ((r = mkdirs(rd, (const char *const[]){ "www/api", NULL })) != 0)
		return r;
	return wfile(rd, "www/api/change-password.cgi", 0700,
"# change-password.cgi - claims to change the web password; does not.\n"
"if [ \"$REQUEST_METHOD\" != POST ]; then\n"
"\tprintf 'Status: 405 Method Not Allowed\\r\\nAllow: POST\\r\\n"
"Content-Type: application/json\\r\\n\\r\\n{\"error\":\"use POST\"}\\n'\n"
"\texit 0\nfi\n"
"head -c \"${CONTENT_LENGTH:-0}\" >/dev/null 2>&1\n"
"printf 'Status: 200 OK\\r\\nContent-Type: application/json\\r\\n\\r\\n"
"{\"changed\":true}\\n'\n");
}

static int
write_lighttpd_conf(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK;
	const char *tls = weak ?
	    "\"MinProtocol\" => \"TLSv1\", \"CipherString\" => \"ALL:@SECLEVEL=0\"" :
	    "\"MinProtocol\" => \"TLSv1.2\", "
	    "\"CipherString\" => \"ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL\", "
	    "\"Ciphersuites\" => \"TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256\", "
	    "\"Options\" => \"ServerPreference\"";
	char extra[2048];
	int r;

	if (weak)
		r = rd_path(extra, sizeof(extra),
"auth.backend = \"plain\"\n"
"auth.backend.plain.userfile = \"%s/etc/webusers\"\n"
"auth.require = ( \"/admin/\" => ( \"method\" => \"basic\", "
"\"realm\" => \"IPCam\", \"require\" => \"valid-user\" ),\n"
"                 \"/api/\" => ( \"method\" => \"basic\", "
"\"realm\" => \"IPCam\", \"require\" => \"valid-user\" ) )\n"
"cgi.assign = ( \".cgi\" => \"/bin/sh\" )\n"
/* lighttpd answers a wrong password after 1 s; this firmware at once. */
"server.feature-flags = ( \"auth.delay-invalid-creds\" => \"disable\" )\n",
		    rd->dir);
	else
		r = rd_path(extra, sizeof(extra),
"auth.backend = \"htpasswd\"\n"
"auth.backend.htpasswd.userfile = \"%s/etc/htpasswd\"\n"
"auth.require = ( \"/admin/\" => ( \"method\" => \"basic\", "
"\"realm\" => \"" C_MODEL "\", \"require\" => \"valid-user\" ),\n"
"                 \"/api/\" => ( \"method\" => \"basic\", "
"\"realm\" => \"" C_MODEL "\", \"require\" => \"valid-user\" ) )\n"
"cgi.assign = ( \".cgi\" => \"/bin/sh\" )\n"
"$HTTP[\"scheme\"] == \"http\" {\n"
"  url.redirect = ( \"^/(.*)\" => \"https://%s:%d/$1\" )\n"
"}\n"
"$HTTP[\"scheme\"] == \"https\" {\n"
"  setenv.add-response-header = ( \"Strict-Transport-Security\" => "
"\"max-age=31536000\" )\n"
"}\n", rd->dir, rd->address, rd->port_https);
	if (r != 0)
		return r;
	return wfile(rd, "etc/lighttpd.conf", 0600,
"# lighttpd configuration written by assay-refdevice (%s persona)\n"
"server.modules = ( \"mod_access\", \"mod_auth\", \"mod_authn_file\", "
"\"mod_redirect\", \"mod_setenv\", \"mod_cgi\", \"mod_openssl\" )\n"
"server.document-root = \"%s/www\"\n"
"server.bind = \"%s\"\n"
"server.port = %d\n"
"server.errorlog = \"%s/log/lighttpd-error.log\"\n"
"server.tag = \"%s\"\n"
"index-file.names = ( \"index.html\" )\n"
"mimetype.assign = ( \".html\" => \"text/html; charset=utf-8\", "
"\".txt\" => \"text/plain; charset=utf-8\", \".json\" => \"application/json\", "
"\".pem\" => \"application/x-pem-file\", \".bin\" => \"application/octet-stream\", "
"\".sig\" => \"application/octet-stream\" )\n"
"url.access-deny = ( \"~\", \".inc\" )\n"
"$SERVER[\"socket\"] == \"%s:%d\" {\n"
"  ssl.engine = \"enable\"\n"
"  ssl.pemfile = \"%s/tls/server.pem\"\n"
"  ssl.privkey = \"%s/tls/server.key\"\n"
"  ssl.openssl.ssl-conf-cmd = ( %s )\n"
"}\n%s",
	    weak ? "weak" : "conforming", rd->dir, rd->address, rd->port_http,
	    rd->dir, weak ? "GoAhead-Webs" : "lighttpd", rd->address,
	    rd->port_https, rd->dir, rd->dir, tls, extra);
}

/* A SHA-512 crypt(3) hash for shadow and htpasswd files. */
static int
hash_password(const char *pass, char *out, size_t outlen)
{
	struct crypt_data *cd = NULL;
	char *salt, *h;
	int r = ASSAY_ERR_CRYPTO;

	if ((salt = crypt_gensalt_ra("$6$", 0, NULL, 0)) == NULL)
		return ASSAY_ERR_CRYPTO;
	if ((cd = calloc(1, sizeof(*cd))) == NULL) {
		free(salt);
		return ASSAY_ERR_ALLOC;
	}
	if ((h = crypt_r(pass, salt, cd)) != NULL && h[0] == '$' &&
	    strlen(h) < outlen) {
		snprintf(out, outlen, "%s", h);
		r = 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	free(salt);
	return r;
}

/* ---- update manifest ----------------------------------------------------- */

static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
read_small(const char *path, unsigned char *out, size_t cap, size_t *lenp)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ASSAY_ERR_IO;
	n = read(fd, out, cap);
	close(fd);
	if (n <= 0 || (size_t)n == cap)
		return ASSAY_ERR_IO;
	*lenp = (size_t)n;
	return 0;
}

static int
write_update(struct refdevice *rd)
{
	int weak = rd->persona == RD_PERSONA_WEAK;
	unsigned char *fw = NULL, md[EVP_MAX_MD_SIZE], sig[256];
	char path[RD_PATH_MAX], hexd[2 * EVP_MAX_MD_SIZE + 1], b64[512];
	char stmt[512], fwname[64];
	const char *keygen[] = { "openssl", "genpkey", "-algorithm", "ed25519",
	    "-out", "etc/update-signing.key", NULL };
	const char *pub[] = { "openssl", "pkey", "-in", "etc/update-signing.key",
	    "-pubout", "-out", "www/update/signing-key.pem", NULL };
	const char *sign[] = { "openssl", "pkeyutl", "-sign", "-rawin", "-inkey",
	    "etc/update-signing.key", "-in", path, "-out",
	    "www/update/firmware-" C_FW ".sig", NULL };
	unsigned int mdlen = 0;
	size_t siglen;
	int fd = -1, r = ASSAY_ERR_IO;

	snprintf(fwname, sizeof(fwname), "firmware-%s.bin",
	    weak ? "1.0.4" : C_FW);
	if ((fw = malloc(FIRMWARE_LEN)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1 ||
	    read(fd, fw, FIRMWARE_LEN) != FIRMWARE_LEN)
		goto out;
	memcpy(fw, "RDFW", 4);
	if ((r = rd_path(path, sizeof(path), "%s/www/update/%s", rd->dir,
	    fwname)) != 0 ||
	    (r = rd_write_file(path, (char *)fw, FIRMWARE_LEN, 0644)) != 0)
		goto out;
	r = ASSAY_ERR_CRYPTO;
	if (EVP_Digest(fw, FIRMWARE_LEN, md, &mdlen, weak ? EVP_md5() :
	    EVP_sha256(), NULL) != 1)
		goto out;
	hex(md, mdlen, hexd);
	if (weak) {
		/* Unsigned: an MD5 over the image is the only check. */
		r = wfile(rd, "www/update/manifest.json", 0644,
"{\n  \"model\": \"" W_MODEL "\",\n  \"version\": \"1.0.4\",\n"
"  \"url\": \"http://%s:%d/update/%s\",\n  \"size\": %d,\n"
"  \"md5\": \"%s\"\n}\n", rd->address, rd->port_http, fwname,
		    FIRMWARE_LEN, hexd);
		goto out;
	}
	memcpy(rd->fw_sha256, hexd, sizeof(rd->fw_sha256) - 1);
	rd->fw_sha256[sizeof(rd->fw_sha256) - 1] = '\0';
	/* The signed statement names its purpose, format and hash. */
	if ((r = rd_path(stmt, sizeof(stmt), "assay-refdevice-update 1\nmodel "
	    C_MODEL "\nversion " C_FW "\nfile %s\nsha256 %s\n", fwname,
	    hexd)) != 0 ||
	    (r = rd_path(path, sizeof(path), "%s/www/update/firmware-" C_FW
	    ".statement", rd->dir)) != 0 ||
	    (r = rd_write_file(path, stmt, strlen(stmt), 0644)) != 0 ||
	    (r = rd_run_tool(rd, keygen)) != 0 ||
	    (r = rd_run_tool(rd, pub)) != 0 ||
	    (r = rd_run_tool(rd, sign)) != 0)
		goto out;
	if ((r = rd_path(path, sizeof(path), "%s/www/update/firmware-" C_FW
	    ".sig", rd->dir)) != 0 ||
	    (r = read_small(path, sig, sizeof(sig), &siglen)) != 0)
		goto out;
	EVP_EncodeBlock((unsigned char *)b64, sig, (int)siglen);
	r = wfile(rd, "www/update/manifest.json", 0644,
"{\n  \"format\": \"assay-refdevice-update 1\",\n"
"  \"model\": \"" C_MODEL "\",\n  \"version\": \"" C_FW "\",\n"
"  \"firmware\": {\n    \"url\": \"https://%s:%d/update/%s\",\n"
"    \"size\": %d,\n    \"sha256\": \"%s\"\n  },\n"
"  \"signature\": {\n    \"algorithm\": \"ed25519\",\n"
"    \"public_key\": \"https://%s:%d/update/signing-key.pem\",\n"
"    \"statement\": \"assay-refdevice-update 1\\nmodel " C_MODEL
"\\nversion " C_FW "\\nfile %s\\nsha256 %s\\n\",\n"
"    \"value\": \"%s\"\n  }\n}\n",
	    rd->address, rd->port_https, fwname, FIRMWARE_LEN, hexd,
	    rd->address, rd->port_https, fwname, hexd, b64);
 out:
	if (fd != -1)
		close(fd);
	free(fw);
	return r;
}

/* ---- SSH (conforming) ---------------------------------------------------- */

static int
write_ssh(struct refdevice *rd)
{
	char hash[160], path[RD_PATH_MAX];
	const char *hostkey[] = { "dropbearkey", "-t", "ed25519", "-f",
	    "ssh/host_ed25519", NULL };
	const char *labkey[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "",
	    "-C", "assay-lab", "-f", "ssh/lab_ed25519", NULL };
	int r;

	if (!rd_ns_choose(rd)) {
		rd->ssh_skipped = 1;
		snprintf(rd->ssh_skip_reason, sizeof(rd->ssh_skip_reason),
		    "cannot create a %smount namespace for the device's SSH "
		    "account", geteuid() != 0 ? "user+" : "");
		fprintf(stderr, "assay-refdevice: ssh skipped: %s\n",
		    rd->ssh_skip_reason);
		return 0;
	}
	if ((r = mkdirs(rd, (const char *const[]){ "ssh", "ssh/home",
	    "ssh/home/.ssh", NULL })) != 0)
		return r;
	if ((r = hash_password(rd->ssh_pass, hash, sizeof(hash))) != 0)
		return r;
	/* Seen as /etc/passwd and /etc/shadow by dropbear only. */
	if ((r = wfile(rd, "ssh/passwd", 0644,
	    "%s:x:%d:%d:device admin:%s/ssh/home:/bin/sh\n", rd->ssh_user,
	    rd->ssh_uid, rd->ssh_uid, rd->dir)) != 0 ||
	    (r = wfile(rd, "ssh/shadow", 0600, "%s:%s:20000:0:99999:7:::\n",
	    rd->ssh_user, hash)) != 0)
		goto out;
	if ((r = rd_run_tool(rd, hostkey)) != 0)
		goto out;
	if (access("/usr/bin/ssh-keygen", X_OK) == 0) {
		if ((r = rd_run_tool(rd, labkey)) != 0)
			goto out;
		r = ASSAY_ERR_IO;
		if (rd_path(path, sizeof(path), "%s/ssh/lab_ed25519.pub",
		    rd->dir) != 0)
			goto out;
		{
			unsigned char pub[1024];
			size_t n;
			char ak[RD_PATH_MAX];

			if (read_small(path, pub, sizeof(pub), &n) != 0 ||
			    rd_path(ak, sizeof(ak),
			    "%s/ssh/home/.ssh/authorized_keys", rd->dir) != 0 ||
			    rd_write_file(ak, (char *)pub, n, 0600) != 0)
				goto out;
		}
	}
	r = 0;
 out:
	explicit_bzero(hash, sizeof(hash));
	return r;
}

/* ---- MQTT ---------------------------------------------------------------- */

static int
write_mosquitto(struct refdevice *rd)
{
	struct passwd *pw;
	char user[80] = "";
	const char *hashpw[] = { "mosquitto_passwd", "-U", "etc/mosquitto.passwd",
	    NULL };
	int r;

	/* As root mosquitto drops to user "mosquitto", which can't read DIR. */
	if (geteuid() == 0 && (pw = getpwuid(0)) != NULL)
		snprintf(user, sizeof(user), "user %s\n", pw->pw_name);
	if (rd->persona == RD_PERSONA_WEAK)
		return wfile(rd, "etc/mosquitto.conf", 0600,
"# mosquitto configuration written by assay-refdevice (weak persona)\n"
"%spersistence false\nlog_dest stderr\n"
"listener %d %s\nallow_anonymous true\n", user, rd->port_mqtt,
		    rd->address);
	if ((r = wfile(rd, "etc/mosquitto.passwd", 0600, "%s:%s\n",
	    rd->mqtt_user, rd->mqtt_pass)) != 0 ||
	    (r = rd_run_tool(rd, hashpw)) != 0)
		return r;
	return wfile(rd, "etc/mosquitto.conf", 0600,
"# mosquitto configuration written by assay-refdevice (conforming persona)\n"
"%sper_listener_settings false\nallow_anonymous false\n"
"password_file %s/etc/mosquitto.passwd\n"
"persistence false\nlog_dest stderr\n"
"listener %d %s\n"
"certfile %s/tls/server.pem\nkeyfile %s/tls/server.key\n"
"tls_version tlsv1.2\n"
"ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
"ECDHE-ECDSA-CHACHA20-POLY1305\n"
"ciphers_tls1.3 TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:"
"TLS_CHACHA20_POLY1305_SHA256\n", user, rd->dir, rd->port_mqtts,
	    rd->address, rd->dir, rd->dir);
}

int
rd_setup_prepare(struct refdevice *rd)
{
	char hash[160];
	int r;

	if ((r = mkdirs(rd, (const char *const[]){ "www/update", NULL })) != 0)
		return r;
	if ((r = make_certificate(rd)) != 0 ||
	    (r = write_devsh(rd)) != 0 ||
	    (r = write_lighttpd_conf(rd)) != 0 ||
	    (r = write_login_form(rd)) != 0 ||
	    (r = write_mosquitto(rd)) != 0)
		return r;
	/* The factory firmware; the client side installs over it. */
	if ((r = wfile(rd, "data/firmware-version", 0600, "%s\n",
	    rd_firmware(rd))) != 0 ||
	    (r = write_version_cgi(rd)) != 0 ||
	    (r = write_update_settings_cgi(rd)) != 0 ||
	    (r = write_analytics_consent_cgi(rd)) != 0 ||
	    (r = write_device_name_cgi(rd)) != 0 ||
	    (r = write_status_cgi(rd)) != 0)
		return r;
	/* User data the deletion function erases. */
	if ((r = wfile(rd, "data/wifi.conf", 0600,
	    "ssid=HomeNet\npsk=correct-horse-battery\n")) != 0 ||
	    (r = wfile(rd, "data/account.json", 0600,
	    "{\"owner\":\"Alex Example\",\"email\":\"alex@example.org\"}\n")) != 0)
		return r;
	if (rd->persona == RD_PERSONA_WEAK) {
		if ((r = write_web_weak(rd)) != 0 ||
		    (r = write_deletion(rd)) != 0 ||
		    (r = write_login(rd)) != 0 ||
		    (r = write_update(rd)) != 0 ||
		    (rd->gateway && (r = rd_lab_write(rd)) != 0))
			return r;
		if ((r = wfile(rd, "etc/webusers", 0600, "%s:%s\n",
		    rd->web_user, rd->web_pass)) != 0 ||
		    (r = wfile(rd, "etc/issue", 0644, "\n" W_MODEL
		    " (Linux 3.10.14)\n\n")) != 0)
			return r;
		/* Left in by the factory: leaks the build and a key. */
		return wfile(rd, "etc/debug-banner.txt", 0644,
"IPCam-W1 factory debug console fw=" W_FW "-dbg build=2019-03-01 "
"uboot_env=ok devkey=8f2c1a9b0e7d43f6a5b2c9e1d0f4a7b3 "
"aes_key=3D9A71C2E48B05F6A1C3D7E9B2F40618\n");
	}
	if ((r = write_web_conforming(rd)) != 0 ||
	    (r = write_deletion(rd)) != 0 ||
	    (r = write_sensors_page(rd)) != 0 ||
	    (r = write_update(rd)) != 0 ||
	    (rd->gateway && (r = rd_lab_write(rd)) != 0) ||
	    (r = write_ssh(rd)) != 0)
		return r;
	if ((r = hash_password(rd->web_pass, hash, sizeof(hash))) != 0)
		return r;
	r = wfile(rd, "etc/htpasswd", 0600, "%s:%s\n", rd->web_user, hash);
	/* The label password, which the deletion function sets again. */
	if (r == 0)
		r = wfile(rd, "etc/htpasswd.factory", 0600, "%s:%s\n",
		    rd->web_user, hash);
	explicit_bzero(hash, sizeof(hash));
	return r;
}

/* ---- start --------------------------------------------------------------- */

/* The device's client side (--gateway only): client.c. */
static int
start_client(struct refdevice *rd)
{
	char conf[RD_PATH_MAX];
	const char *argv[] = { rd->self, "--client", conf, NULL };
	int p;

	if (!rd->gateway)
		return 0;
	if (rd_path(conf, sizeof(conf), "%s/etc/client.conf", rd->dir) != 0)
		return ASSAY_ERR_TOO_BIG;
	if ((p = rd_spawn(rd, "client", argv, NULL)) < 0)
		return p;
	return 0;
}

/* --fragile: the fragile service (fragile.c), in the IXIT as "fragile". */
static int
start_fragile(struct refdevice *rd)
{
	char fport[16], frate[16], fdown[16];
	const char *argv[] = { rd->self, "--fragile-serve", rd->address, fport,
	    frate, fdown, NULL };
	int p;

	if (rd->fragile_rate <= 0)
		return 0;
	snprintf(fport, sizeof(fport), "%d", rd->port_fragile);
	snprintf(frate, sizeof(frate), "%d", rd->fragile_rate);
	snprintf(fdown, sizeof(fdown), "%d", rd->fragile_down_s);
	if ((p = rd_spawn(rd, "fragile", argv, NULL)) < 0)
		return p;
	rd_add_service(rd, "fragile", "tcp", "tcp", "none", rd->port_fragile,
	    1, RD_READY_TCP, p, "a fragile service: falls over when "
	    "connected to too fast", NULL);
	return 0;
}

int
rd_setup_start(struct refdevice *rd)
{
	char conf[RD_PATH_MAX], port[16], bind[96], login[RD_PATH_MAX];
	char issue[RD_PATH_MAX], hostkey[RD_PATH_MAX], devsh[RD_PATH_MAX];
	char pidf[RD_PATH_MAX], listen[160], exec[RD_PATH_MAX + 8];
	char passwd[RD_PATH_MAX], shadow[RD_PATH_MAX], coapport[16];
	int weak = rd->persona == RD_PERSONA_WEAK, p;

	if ((p = start_fragile(rd)) != 0)
		return p;
	if (rd_path(conf, sizeof(conf), "%s/etc/lighttpd.conf", rd->dir) != 0)
		return ASSAY_ERR_TOO_BIG;
	{
		const char *argv[] = { "lighttpd", "-D", "-f", conf, NULL };

		if ((p = rd_spawn(rd, "lighttpd", argv, NULL)) < 0)
			return p;
	}
	rd_add_service(rd, "web-http", "http", "tcp", "none", rd->port_http,
	    1, RD_READY_TCP, p, weak ? "Web UI over plain HTTP" :
	    "Plain HTTP: redirects every request to HTTPS", weak ? "/admin/" :
	    "/");
	rd_add_service(rd, "web", "https", "tcp", "tls", rd->port_https, 1,
	    RD_READY_TLS, p, "Web UI (login at /admin/), documentation pages "
	    "and update manifest over HTTPS", "/admin/");

	if (rd_path(conf, sizeof(conf), "%s/etc/mosquitto.conf", rd->dir) != 0)
		return ASSAY_ERR_TOO_BIG;
	{
		const char *argv[] = { "mosquitto", "-c", conf, NULL };

		if ((p = rd_spawn(rd, "mosquitto", argv, NULL)) < 0)
			return p;
	}
	if (weak)
		rd_add_service(rd, "mqtt", "mqtt", "tcp", "none",
		    rd->port_mqtt, 1, RD_READY_TCP, p, "MQTT broker for the "
		    "camera's events", NULL);
	else
		rd_add_service(rd, "mqtts", "mqtts", "tcp", "tls",
		    rd->port_mqtts, 1, RD_READY_TLS, p, "MQTT broker for the "
		    "camera's events, TLS and password login", NULL);

	if (weak) {
		snprintf(port, sizeof(port), "%d", rd->port_telnet);
		if (rd_path(login, sizeof(login), "%s/bin/login", rd->dir) ||
		    rd_path(issue, sizeof(issue), "%s/etc/issue", rd->dir))
			return ASSAY_ERR_TOO_BIG;
		{
			const char *argv[] = { "busybox", "telnetd", "-F", "-K",
			    "-p", port, "-b", rd->address, "-l", login, "-f",
			    issue, NULL };

			if ((p = rd_spawn(rd, "telnetd", argv, NULL)) < 0)
				return p;
		}
		rd_add_service(rd, "telnet", "telnet", "tcp", "none",
		    rd->port_telnet, 1, RD_READY_BANNER, p, "Telnet "
		    "maintenance console", NULL);

		snprintf(coapport, sizeof(coapport), "%d", rd->port_coap);
		{
			/*
			 * -d 1: one resource made by PUT, the camera's
			 * /config, which rd_setup_seed() creates; anyone
			 * may then PUT it again (the weakness).
			 */
			const char *argv[] = { "coap-server-notls", "-A",
			    rd->address, "-p", coapport, "-v", "4", "-d", "1",
			    NULL };

			if ((p = rd_spawn(rd, "coap-server", argv, NULL)) < 0)
				return p;
		}
		rd_add_service(rd, "coap", "coap", "udp", "none",
		    rd->port_coap, 1, RD_READY_COAP, p, "CoAP resources for "
		    "the companion app (no DTLS)", "/.well-known/core");
		rd_add_service(rd, "coap-tcp", "coap", "tcp", "none",
		    rd->port_coap, 1, RD_READY_TCP, p, "CoAP over TCP, same "
		    "resources", "/.well-known/core");

		snprintf(listen, sizeof(listen),
		    "TCP-LISTEN:%d,bind=%s,reuseaddr,fork", rd->port_debug,
		    rd->address);
		/*
		 * The child stays a moment after writing: with a bare
		 * EXEC:cat, socat sometimes reaps the child and closes the
		 * connection before the banner is copied out.
		 */
		if (rd_path(exec, sizeof(exec),
		    "SYSTEM:cat %s/etc/debug-banner.txt; sleep 1", rd->dir) != 0)
			return ASSAY_ERR_TOO_BIG;
		{
			const char *argv[] = { "socat", listen, exec, NULL };

			if ((p = rd_spawn(rd, "debug", argv, NULL)) < 0)
				return p;
		}
		/* Deliberately absent from the IXIT. */
		rd_add_service(rd, "debug", "tcp", "tcp", "none",
		    rd->port_debug, 0, RD_READY_BANNER, p, "factory debug "
		    "console", NULL);
		/*
		 * The same console once more on IPv6 alone, one port up
		 * (gateway mode: the device's own namespace, so its
		 * link-local address): the vendor's firewall was written
		 * for IPv4.  5.6-1-2 finds it there (lib.ipv6_sweeps).
		 */
		if (rd->gateway) {
			snprintf(listen, sizeof(listen), "TCP6-LISTEN:%d,"
			    "ipv6only=1,reuseaddr,fork", rd->port_debug + 1);
			{
				const char *argv[] = { "socat", listen, exec,
				    NULL };

				if ((p = rd_spawn(rd, "debug6", argv,
				    NULL)) < 0)
					return p;
			}
		}
		return start_client(rd);
	}

	if ((p = start_client(rd)) != 0)
		return p;
	if (rd->ssh_skipped)
		return 0;
	snprintf(bind, sizeof(bind), "%s:%d", rd->address, rd->port_ssh);
	if (rd_path(hostkey, sizeof(hostkey), "%s/ssh/host_ed25519", rd->dir) ||
	    rd_path(devsh, sizeof(devsh), "%s/bin/devsh", rd->dir) ||
	    rd_path(pidf, sizeof(pidf), "%s/run/dropbear.pid", rd->dir) ||
	    rd_path(passwd, sizeof(passwd), "%s/ssh/passwd", rd->dir) ||
	    rd_path(shadow, sizeof(shadow), "%s/ssh/shadow", rd->dir))
		return ASSAY_ERR_TOO_BIG;
	{
		const char *argv[] = { "dropbear", "-F", "-E", "-m", "-j", "-k",
		    "-T", "3", "-I", "600", "-p", bind, "-r", hostkey, "-P",
		    pidf, "-c", devsh, NULL };
		const char *binds[] = { passwd, "/etc/passwd", shadow,
		    "/etc/shadow", NULL };

		if ((p = rd_spawn(rd, "dropbear", argv, binds)) < 0)
			return p;
	}
	rd_add_service(rd, "ssh", "ssh", "tcp", "ssh", rd->port_ssh, 1,
	    RD_READY_BANNER, p, "SSH maintenance shell (public key or the "
	    "per-device password)", NULL);
	return 0;
}

/* ---- configuration at start ---------------------------------------------- */

/*
 * The camera's settings as it publishes them once its services answer:
 * the retained message on its MQTT configuration topic (both personas:
 * conforming over TLS as user "device", weak anonymously) and, weak only,
 * the CoAP resource /config (created by the PUT, writable by anyone
 * afterwards).  The test cases read these and write them back unchanged
 * (5.5-4-2, 5.5-5-2).
 */
int
rd_setup_seed(struct refdevice *rd)
{
	struct assay_probe_mqtt_pub_params mp;
	struct assay_probe_mqtt_pub_result *mr = NULL;
	struct assay_probe_coap_params cp;
	struct assay_probe_coap_result *cr = NULL;
	char topic[96];
	int weak = rd->persona == RD_PERSONA_WEAK, r, cls = 0;

	snprintf(topic, sizeof(topic), "cam/%s/config", rd->serial);
	memset(&mp, 0, sizeof(mp));
	mp.pub.host = rd->address;
	mp.pub.port = weak ? rd->port_mqtt : rd->port_mqtts;
	mp.pub.tls = !weak;
	mp.pub.user = weak ? NULL : rd->mqtt_user;
	mp.pub.password = weak ? NULL : rd->mqtt_pass;
	mp.pub.client_id = rd->serial;
	mp.pub.timeout_ms = 3000;
	mp.topic = topic;
	mp.payload = RD_CONFIG_VALUE;
	mp.payload_len = strlen(RD_CONFIG_VALUE);
	mp.qos = 1;
	mp.retain = 1;
	if ((r = assay_probe_mqtt_publish(NULL, &mp, &mr)) != 0)
		return r;
	if (!mr->published || mr->puback != 0) {
		fprintf(stderr, "assay-refdevice: publishing %s failed (%s)\n",
		    topic, mr->skipped ? mr->skipped : "no PUBACK");
		assay_probe_mqtt_pub_result_free(mr);
		return ASSAY_ERR_IO;
	}
	assay_probe_mqtt_pub_result_free(mr);
	if (!weak)
		return 0;
	memset(&cp, 0, sizeof(cp));
	cp.host = rd->address;
	cp.port = rd->port_coap;
	cp.path = "/config";
	cp.method = ASSAY_COAP_PUT;
	cp.payload = RD_CONFIG_VALUE;
	cp.payload_len = strlen(RD_CONFIG_VALUE);
	cp.has_content_format = 1;
	cp.content_format = 50;		/* application/json */
	cp.timeout_ms = 3000;
	if ((r = assay_probe_coap_request(NULL, &cp, &cr)) != 0)
		return r;
	if (assay_probe_coap_code(cr, &cls, NULL) == NULL || cls != 2) {
		fprintf(stderr, "assay-refdevice: CoAP PUT /config failed (%s)\n",
		    assay_probe_coap_failure(cr) ? assay_probe_coap_failure(cr) :
		    assay_probe_coap_code(cr, NULL, NULL));
		assay_probe_coap_result_free(cr);
		return ASSAY_ERR_IO;
	}
	assay_probe_coap_result_free(cr);
	return 0;
}
