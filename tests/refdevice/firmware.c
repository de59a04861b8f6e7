/*
 * firmware.c - the device's firmware image, DIR/lab/firmware-V.tar.gz:
 * the root file system every unit of the model ships with, as a lab is
 * handed it (or reads it out of flash), declared in setup.xml as
 * <artefacts><firmware> so that assay.net.firmware carves it (5.4-1-2,
 * 5.4-2-2, 5.4-3-2, 5.1-3-2, 5.5-2-2; docs/probe_firmware.md).
 *
 * The image holds what the device really runs, with DIR as its root: the
 * login program, the CGI scripts and pages are copied from DIR with every
 * "DIR" dropped from their text ("exec DIR/bin/devsh" becomes "exec
 * /bin/devsh"); account files, server configurations with the product's
 * default ports, a version file and a package status file are written
 * here.  Nothing per device goes in: no serial, address or kernel-picked
 * port, no per-device password, token or TLS key.  bin/devsh stays out:
 * its "uid=1000(admin) gid=1000(admin)" and "ACCOUNT='admin' # passwd NEW:
 * a new password" read as the default pairs admin:admin and
 * admin:password to the probe's pair rule (a user name within 64 bytes
 * before the password), which would make the clean persona FAIL on prose.
 *
 *   weak         bin/login with the telnet factory password in clear,
 *                etc/webusers with the web default in clear, etc/shadow
 *                with MD5-crypt hashes of both, and the debug key the ICS
 *                owns up to ("compiled into the firmware") as an
 *                unencrypted PEM key, etc/ssl/private/debug.key
 *   conforming   locked accounts only, the update verification key and
 *                the pinned cloud CA (public), no private key; the
 *                per-device passwords, token and TLS key are made for
 *                each device and live outside the image
 *
 * Deterministic: fixed entry order, owners (root, 0) and mtime (the
 * build date), ustar without extended headers and a gzip header without
 * a time stamp, so the same inputs give the same bytes on every start.
 * The weak image is the same on every start; the conforming one changes
 * only with the update key, which each start makes anew.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/buf.h"
#include "base/error.h"
#include "refdevice.h"

#define IMG_FILES	48
#define IMG_FILE_MAX	(128 * 1024)	/* one file of the image */
#define IMG_MAX		(1024 * 1024)	/* the compressed image */

/* Build dates: every entry's mtime (weak 2019-03-01, conforming 2026-01-15). */
#define W_BUILD		1551398400
#define C_BUILD		1768435200

/* One entry of the image: a directory (data NULL) or a regular file. */
struct img_file {
	char		 path[96];
	mode_t		 mode;
	int		 dir;
	char		*data;
	size_t		 len;
};

struct img {
	struct img_file	 f[IMG_FILES];
	size_t		 n;
	int		 err;	/* sticky: the first failure */
};

static void
wipe_free(char *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

static struct img_file *
img_add(struct img *im, const char *path, mode_t mode, int dir)
{
	struct img_file *f;

	if (im->err != 0)
		return NULL;
	if (im->n >= IMG_FILES || strlen(path) >= sizeof(f->path)) {
		im->err = ASSAY_ERR_TOO_BIG;
		return NULL;
	}
	f = &im->f[im->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->mode = mode;
	f->dir = dir;
	return f;
}

static void
img_dirs(struct img *im, const char *const *paths)
{
	for (; *paths != NULL; paths++)
		img_add(im, *paths, 0755, 1);
}

/* Takes data (malloc'd, len bytes) as the file path of the image. */
static void
img_take(struct img *im, const char *path, mode_t mode, char *data, size_t len)
{
	struct img_file *f;

	if ((f = img_add(im, path, mode, 0)) == NULL) {
		wipe_free(data, len);
		return;
	}
	f->data = data;
	f->len = len;
}

static void
img_text(struct img *im, const char *path, mode_t mode, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
img_text(struct img *im, const char *path, mode_t mode, const char *fmt, ...)
{
	struct assay_buf *b;
	va_list ap;
	char *data;
	int r;

	if (im->err != 0)
		return;
	if ((b = assay_buf_new(IMG_FILE_MAX)) == NULL) {
		im->err = ASSAY_ERR_ALLOC;
		return;
	}
	va_start(ap, fmt);
	r = assay_buf_vprintf(b, fmt, ap);
	va_end(ap);
	if (r == 0 && (data = malloc(assay_buf_len(b) + 1)) == NULL)
		r = ASSAY_ERR_ALLOC;
	if (r != 0) {
		im->err = r;
		assay_buf_free(b);
		return;
	}
	memcpy(data, assay_buf_data(b), assay_buf_len(b));
	img_take(im, path, mode, data, assay_buf_len(b));
	assay_buf_free(b);
}

/*
 * DIR/src as the image's path, every occurrence of DIR removed: the
 * device's root is DIR, the image's is /.  A missing source is an error:
 * the caller lists only files this persona has.
 */
static void
img_copy(struct img *im, const struct refdevice *rd, const char *path,
    const char *src, mode_t mode)
{
	char fn[RD_PATH_MAX], *in = NULL, *out = NULL, *p, *q;
	size_t len = 0, dl = strlen(rd->dir), n;
	ssize_t got;
	int fd = -1;

	if (im->err != 0)
		return;
	if (rd_path(fn, sizeof(fn), "%s/%s", rd->dir, src) != 0) {
		im->err = ASSAY_ERR_TOO_BIG;
		return;
	}
	if ((in = malloc(IMG_FILE_MAX)) == NULL ||
	    (out = malloc(IMG_FILE_MAX)) == NULL) {
		im->err = ASSAY_ERR_ALLOC;
		goto out;
	}
	if ((fd = open(fn, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "assay-refdevice: firmware image: %s: %s\n",
		    fn, strerror(errno));
		im->err = ASSAY_ERR_IO;
		goto out;
	}
	while (len < IMG_FILE_MAX &&
	    (got = read(fd, in + len, IMG_FILE_MAX - len)) > 0)
		len += (size_t)got;
	if (len == IMG_FILE_MAX) {
		im->err = ASSAY_ERR_TOO_BIG;
		goto out;
	}
	for (p = in, n = 0; p < in + len; ) {
		q = dl > 0 ? memmem(p, (size_t)(in + len - p), rd->dir, dl) :
		    NULL;
		if (q == NULL)
			q = in + len;
		memcpy(out + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		p = q < in + len ? q + dl : q;
	}
	img_take(im, path, mode, out, n);
	out = NULL;
 out:
	if (fd != -1)
		close(fd);
	free(in);
	free(out);
}

static void
img_free(struct img *im)
{
	size_t i;

	for (i = 0; i < im->n; i++)
		wipe_free(im->f[i].data, im->f[i].len);
	im->n = 0;
}

/* An MD5-crypt hash with a fixed salt: what cheap firmware ships. */
static int
md5crypt(const char *pw, const char *salt, char *out, size_t outlen)
{
	struct crypt_data *cd;
	char setting[32];
	const char *h;
	int r = ASSAY_ERR_CRYPTO;

	snprintf(setting, sizeof(setting), "$1$%s$", salt);
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((h = crypt_r(pw, setting, cd)) != NULL &&
	    strncmp(h, "$1$", 3) == 0 && strlen(h) < outlen) {
		snprintf(out, outlen, "%s", h);
		r = 0;
	}
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return r;
}

/*
 * The weak model's debug key: an Ed25519 key derived from its devkey, so
 * the same key is in every unit and in every image (PKCS#8 PEM, no
 * passphrase: the way it sits in the firmware).
 */
static void
img_debug_key(struct img *im, const char *path)
{
	static const char seedtext[] = "IPCam-W1 factory debug key "
	    "devkey=8f2c1a9b0e7d43f6a5b2c9e1d0f4a7b3";
	unsigned char seed[32];
	unsigned int slen = 0;
	EVP_PKEY *k = NULL;
	BIO *bio = NULL;
	char *pem, *data;
	long n;

	if (im->err != 0)
		return;
	im->err = ASSAY_ERR_CRYPTO;
	if (EVP_Digest(seedtext, sizeof(seedtext) - 1, seed, &slen,
	    EVP_sha256(), NULL) != 1 || slen != sizeof(seed) ||
	    (k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    sizeof(seed))) == NULL ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL) != 1 ||
	    (n = BIO_get_mem_data(bio, &pem)) <= 0) {
		ERR_print_errors_fp(stderr);
		goto out;
	}
	if ((data = malloc((size_t)n)) == NULL) {
		im->err = ASSAY_ERR_ALLOC;
		goto out;
	}
	memcpy(data, pem, (size_t)n);
	im->err = 0;
	img_take(im, path, 0600, data, (size_t)n);
 out:
	explicit_bzero(seed, sizeof(seed));
	BIO_free(bio);
	EVP_PKEY_free(k);
}

/* The OpenSSL the device's servers link (lighttpd, mosquitto): ours. */
static const char *
openssl_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION_STRING);
}

/*
 * IPCam-W1 1.0.3: a vendor SDK root file system with opkg.  The versions
 * are those of the servers the persona runs (busybox telnetd, lighttpd
 * behind a GoAhead-Webs tag, mosquitto, coap-server, socat for the debug
 * console).
 */
static void
image_weak(struct img *im, const struct refdevice *rd)
{
	char hroot[64], hadmin[64];
	int r;

	if ((r = md5crypt(rd->telnet_pass, "W1root", hroot,
	    sizeof(hroot))) != 0 ||
	    (r = md5crypt(rd->web_pass, "W1admin", hadmin,
	    sizeof(hadmin))) != 0) {
		im->err = r;
		return;
	}
	img_dirs(im, (const char *const[]){ "bin", "etc", "etc/ssl",
	    "etc/ssl/private", "usr", "usr/lib", "usr/lib/opkg", "www",
	    "www/admin", "www/api", NULL });
	img_copy(im, rd, "bin/login", "bin/login", 0755);
	img_text(im, "etc/version", 0644, "%s firmware %s build 2019-03-01 "
	    "(vendor SDK)\n", rd_model(rd), rd_firmware(rd));
	img_copy(im, rd, "etc/issue", "etc/issue", 0644);
	img_text(im, "etc/passwd", 0644,
	    "root:x:0:0:root:/root:/bin/sh\n"
	    "admin:x:1000:1000:admin:/www:/bin/sh\n"
	    "nobody:*:65534:65534:nobody:/var:/bin/false\n");
	/* The factory accounts, hashed with MD5-crypt: both on the lists. */
	img_text(im, "etc/shadow", 0600,
	    "root:%s:17956:0:99999:7:::\n"
	    "admin:%s:17956:0:99999:7:::\n"
	    "nobody:*:17956:0:99999:7:::\n", hroot, hadmin);
	/* lighttpd's plain back end reads the web login from here. */
	img_copy(im, rd, "etc/webusers", "etc/webusers", 0600);
	img_text(im, "etc/lighttpd.conf", 0644,
"# lighttpd configuration of the IPCam-W1 web UI\n"
"server.modules = ( \"mod_access\", \"mod_auth\", \"mod_authn_file\", "
"\"mod_cgi\", \"mod_openssl\" )\n"
"server.document-root = \"/www\"\n"
"server.port = 80\n"
"server.tag = \"GoAhead-Webs\"\n"
"auth.backend = \"plain\"\n"
"auth.backend.plain.userfile = \"/etc/webusers\"\n"
"cgi.assign = ( \".cgi\" => \"/bin/sh\" )\n"
"$SERVER[\"socket\"] == \":443\" {\n"
"  ssl.engine = \"enable\"\n"
"  ssl.pemfile = \"/tls/server.pem\"\n"
"  ssl.openssl.ssl-conf-cmd = ( \"MinProtocol\" => \"TLSv1\", "
"\"CipherString\" => \"ALL:@SECLEVEL=0\" )\n"
"}\n");
	img_text(im, "etc/mosquitto.conf", 0644,
	    "# event broker\npersistence false\nlistener 1883\n"
	    "allow_anonymous true\n");
	img_text(im, "etc/inetd.conf", 0644,
	    "# support console and factory debug console\n"
	    "23 stream tcp nowait root /usr/sbin/telnetd telnetd -i -l "
	    "/bin/login\n"
	    "9527 stream tcp nowait root /bin/cat cat "
	    "/etc/debug-banner.txt\n");
	img_copy(im, rd, "etc/debug-banner.txt", "etc/debug-banner.txt", 0644);
	/* "A debug key is compiled into the firmware" (ICS 5.4-3). */
	img_debug_key(im, "etc/ssl/private/debug.key");
	img_text(im, "usr/lib/opkg/status", 0644,
"Package: base-files\nVersion: %s\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n"
"Package: busybox\nVersion: 1.35.0-4\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n"
"Package: lighttpd\nVersion: 1.4.69-1\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n"
"Package: libopenssl3\nVersion: %s\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n"
"Package: mosquitto\nVersion: 2.0.11-1\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n"
"Package: libcoap3\nVersion: 4.3.1-1\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n"
"Package: socat\nVersion: 1.7.4.4-2\nArchitecture: arm_cortex-a7_neon-vfpv4\n"
"Status: install user installed\n\n", rd_firmware(rd), openssl_version());
	img_copy(im, rd, "www/index.html", "www/index.html", 0644);
	img_copy(im, rd, "www/admin/index.html", "www/admin/index.html", 0644);
	img_copy(im, rd, "www/api/version.cgi", "www/api/version.cgi", 0755);
	explicit_bzero(hroot, sizeof(hroot));
	explicit_bzero(hadmin, sizeof(hadmin));
}

/*
 * AL-CAM2 1.4.2: a Debian user space with dpkg.  Every login account is
 * locked in the image: the per-device web, SSH and MQTT passwords, the
 * cloud token and the TLS key are made for each device (at its first
 * start, in the factory) and kept in its own files, never in the image.
 */
static void
image_conforming(struct img *im, const struct refdevice *rd)
{
	char path[RD_PATH_MAX];
	const char *v = openssl_version();

	img_dirs(im, (const char *const[]){ "bin", "etc", "etc/ssl",
	    "etc/ssl/certs", "var", "var/lib", "var/lib/dpkg", "www",
	    "www/admin", "www/api", "www/update", NULL });
	img_text(im, "etc/version", 0644, "%s firmware %s build 2026-01-15\n",
	    rd_model(rd), rd_firmware(rd));
	img_text(im, "etc/os-release", 0644, "PRETTY_NAME=\"Debian GNU/Linux "
	    "12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
	    "ID=debian\n");
	img_text(im, "etc/passwd", 0644,
	    "root:x:0:0:root:/root:/usr/sbin/nologin\n"
	    "admin:x:1000:1000:device admin:/home/admin:/bin/devsh\n"
	    "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
	    "mosquitto:x:101:101:mosquitto:/var/lib/mosquitto:"
	    "/usr/sbin/nologin\n");
	/* Locked: the device writes its own verifiers (ssh/shadow, etc/htpasswd). */
	img_text(im, "etc/shadow", 0600,
	    "root:*:20468:0:99999:7:::\n"
	    "admin:!:20468:0:99999:7:::\n"
	    "www-data:*:20468:0:99999:7:::\n"
	    "mosquitto:!:20468:0:99999:7:::\n");
	img_text(im, "etc/lighttpd.conf", 0644,
"# lighttpd configuration of the AL-CAM2 web UI; /etc/htpasswd and the\n"
"# TLS key under /tls are made on the device, not shipped in the image\n"
"server.modules = ( \"mod_access\", \"mod_auth\", \"mod_authn_file\", "
"\"mod_redirect\", \"mod_setenv\", \"mod_cgi\", \"mod_openssl\" )\n"
"server.document-root = \"/www\"\n"
"server.port = 80\n"
"auth.backend = \"htpasswd\"\n"
"auth.backend.htpasswd.userfile = \"/etc/htpasswd\"\n"
"cgi.assign = ( \".cgi\" => \"/bin/sh\" )\n"
"$SERVER[\"socket\"] == \":443\" {\n"
"  ssl.engine = \"enable\"\n"
"  ssl.pemfile = \"/tls/server.pem\"\n"
"  ssl.privkey = \"/tls/server.key\"\n"
"  ssl.openssl.ssl-conf-cmd = ( \"MinProtocol\" => \"TLSv1.2\", "
"\"CipherString\" => \"ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL\" )\n"
"}\n");
	img_text(im, "etc/mosquitto.conf", 0644,
	    "# event broker: TLS, password file made on the device\n"
	    "per_listener_settings false\nallow_anonymous false\n"
	    "password_file /etc/mosquitto.passwd\npersistence false\n"
	    "listener 8883\ncertfile /tls/server.pem\n"
	    "keyfile /tls/server.key\ntls_version tlsv1.2\n");
	/* Public halves only: the update key and the pinned cloud CA. */
	img_copy(im, rd, "etc/update-key.pem", "www/update/signing-key.pem",
	    0644);
	if (rd_path(path, sizeof(path), "%s/client/cloud-ca.pem", rd->dir) == 0 &&
	    access(path, R_OK) == 0)
		img_copy(im, rd, "etc/ssl/certs/cloud-ca.pem",
		    "client/cloud-ca.pem", 0644);
	img_text(im, "var/lib/dpkg/status", 0644,
"Package: base-files\nStatus: install ok installed\nArchitecture: armhf\n"
"Version: 12.4+deb12u5\n\n"
"Package: al-cam2-firmware\nStatus: install ok installed\n"
"Architecture: armhf\nVersion: %s\n\n"
"Package: dropbear-bin\nStatus: install ok installed\nArchitecture: armhf\n"
"Version: 2022.83-1+deb12u3\n\n"
"Package: lighttpd\nStatus: install ok installed\nArchitecture: armhf\n"
"Version: 1.4.69-1\n\n"
"Package: libssl3\nStatus: install ok installed\nArchitecture: armhf\n"
"Version: %s\n\n"
"Package: openssl\nStatus: install ok installed\nArchitecture: armhf\n"
"Version: %s\n\n"
"Package: mosquitto\nStatus: install ok installed\nArchitecture: armhf\n"
"Version: 2.0.11-1.2+deb12u2\n\n", rd_firmware(rd), v, v);
	img_copy(im, rd, "www/admin/index.html", "www/admin/index.html", 0644);
	img_copy(im, rd, "www/api/change-password.cgi",
	    "www/api/change-password.cgi", 0755);
	img_copy(im, rd, "www/api/delete-user-data.cgi",
	    "www/api/delete-user-data.cgi", 0755);
	img_copy(im, rd, "www/api/version.cgi", "www/api/version.cgi", 0755);
	img_copy(im, rd, "www/privacy.html", "www/privacy.html", 0644);
	img_copy(im, rd, "www/support-period.html", "www/support-period.html",
	    0644);
	img_copy(im, rd, "www/vulnerability-disclosure.html",
	    "www/vulnerability-disclosure.html", 0644);
	img_copy(im, rd, "www/update/signing-key.pem",
	    "www/update/signing-key.pem", 0644);
}

/* The entries as a ustar archive in gzip, into out (cap bytes). */
static int
archive_image(const struct img *im, time_t mtime, unsigned char *out,
    size_t cap, size_t *lenp)
{
	struct archive *a = NULL;
	struct archive_entry *e = NULL;
	size_t i, used = 0;
	int r = ASSAY_ERR_INTERNAL;

	if ((a = archive_write_new()) == NULL ||
	    (e = archive_entry_new()) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	/* No time stamp in the gzip header: the same bytes every start. */
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "timestamp", NULL) !=
	    ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_memory(a, out, cap, &used) != ARCHIVE_OK)
		goto fail;
	for (i = 0; i < im->n; i++) {
		const struct img_file *f = &im->f[i];

		archive_entry_clear(e);
		archive_entry_set_pathname(e, f->path);
		archive_entry_set_filetype(e, f->dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(e, f->mode);
		archive_entry_set_size(e, f->dir ? 0 : (la_int64_t)f->len);
		archive_entry_set_mtime(e, mtime, 0);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		archive_entry_set_uname(e, "root");
		archive_entry_set_gname(e, "root");
		if (archive_write_header(a, e) != ARCHIVE_OK)
			goto fail;
		if (!f->dir && f->len > 0 &&
		    archive_write_data(a, f->data, f->len) != (la_ssize_t)f->len)
			goto fail;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto fail;
	*lenp = used;
	r = 0;
	goto out;
 fail:
	fprintf(stderr, "assay-refdevice: firmware image: %s\n",
	    archive_error_string(a) != NULL ? archive_error_string(a) :
	    "libarchive failed");
	r = used >= cap ? ASSAY_ERR_TOO_BIG : ASSAY_ERR_IO;
 out:
	archive_entry_free(e);
	if (a != NULL)
		archive_write_free(a);
	return r;
}

int
rd_firmware_write(struct refdevice *rd)
{
	static const char digits[] = "0123456789abcdef";
	struct img *im = NULL;
	unsigned char *buf = NULL, md[EVP_MAX_MD_SIZE];
	char path[RD_PATH_MAX], ver[16];
	unsigned int mdlen = 0, i;
	size_t len = 0, j;
	int weak = rd->persona == RD_PERSONA_WEAK, r;

	/* "1.0.3" -> id fw-1-0-3 (the set-up's id: letters, digits, '-'). */
	snprintf(ver, sizeof(ver), "%s", rd_firmware(rd));
	snprintf(rd->fwimg_file, sizeof(rd->fwimg_file),
	    "lab/firmware-%s.tar.gz", ver);
	for (j = 0; ver[j] != '\0'; j++)
		if (ver[j] == '.')
			ver[j] = '-';
	snprintf(rd->fwimg_id, sizeof(rd->fwimg_id), "fw-%s", ver);

	if ((im = calloc(1, sizeof(*im))) == NULL ||
	    (buf = malloc(IMG_MAX)) == NULL) {
		r = ASSAY_ERR_ALLOC;
		goto out;
	}
	if (weak)
		image_weak(im, rd);
	else
		image_conforming(im, rd);
	if ((r = im->err) != 0 ||
	    (r = archive_image(im, weak ? W_BUILD : C_BUILD, buf, IMG_MAX,
	    &len)) != 0)
		goto out;
	if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32) {
		r = ASSAY_ERR_CRYPTO;
		goto out;
	}
	for (i = 0; i < mdlen; i++) {
		rd->fwimg_sha256[2 * i] = digits[md[i] >> 4];
		rd->fwimg_sha256[2 * i + 1] = digits[md[i] & 15];
	}
	rd->fwimg_sha256[2 * mdlen] = '\0';
	if ((r = rd_path(path, sizeof(path), "%s/lab", rd->dir)) != 0)
		goto out;
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "assay-refdevice: mkdir %s: %s\n", path,
		    strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	if ((r = rd_path(path, sizeof(path), "%s/%s", rd->dir,
	    rd->fwimg_file)) != 0 ||
	    (r = rd_write_file(path, (const char *)buf, len, 0644)) != 0)
		goto out;
 out:
	if (r != 0)
		fprintf(stderr, "assay-refdevice: firmware image: %s\n",
		    assay_strerror(r));
	if (im != NULL) {
		img_free(im);
		free(im);
	}
	free(buf);
	return r;
}
