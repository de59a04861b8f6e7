/*
 * lab.c - what the manufacturer hands a lab for the device's client side
 * (--gateway), under DIR/lab, and what the device itself carries for it,
 * under DIR/client (see docs/refdevice.md, "Gateway mode"):
 *
 *   lab/ca.pem, lab/ca-key.pem         the cloud CA the conforming client
 *                                      pins (a copy is client/cloud-ca.pem)
 *   lab/update.pem, lab/cloud.pem      leaf then CA; keys beside them
 *   lab/update/current/update/...      a genuine release newer than the
 *                                      factory firmware
 *   lab/update/older/update/...        a genuine release older than it
 *   lab/update/other-key/update/...    a newer release with other bytes,
 *                                      signed with a key not the vendor's
 *
 * A release directory is served as is: URL path = file path under it.
 * The conforming format is manifest.json with sha256 and the name of an
 * Ed25519 signature file over the statement of the device's own /update/
 * material; the weak format has an MD5 and no signature.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/error.h"
#include "refdevice.h"

#define PAYLOAD_LEN	(64 * 1024)
#define COPY_MAX	(64 * 1024)

static int
mkdir_rel(const struct refdevice *rd, const char *rel)
{
	char path[RD_PATH_MAX];

	if (rd_path(path, sizeof(path), "%s/%s", rd->dir, rel) != 0)
		return ASSAY_ERR_TOO_BIG;
	if (mkdir(path, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "assay-refdevice: mkdir %s: %s\n", path,
		    strerror(errno));
		return ASSAY_ERR_IO;
	}
	return 0;
}

static int
read_rel(const struct refdevice *rd, const char *rel, char *buf, size_t cap,
    size_t *len)
{
	char path[RD_PATH_MAX];
	ssize_t n;
	size_t off = 0;
	int fd;

	if (rd_path(path, sizeof(path), "%s/%s", rd->dir, rel) != 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ASSAY_ERR_IO;
	while (off < cap && (n = read(fd, buf + off, cap - off)) > 0)
		off += (size_t)n;
	close(fd);
	if (off == cap)
		return ASSAY_ERR_TOO_BIG;
	*len = off;
	return 0;
}

static int
write_rel(const struct refdevice *rd, const char *rel, const void *data,
    size_t len, mode_t mode)
{
	char path[RD_PATH_MAX];

	if (rd_path(path, sizeof(path), "%s/%s", rd->dir, rel) != 0)
		return ASSAY_ERR_TOO_BIG;
	return rd_write_file(path, data, len, mode);
}

/* dst = the concatenation of the files srcs (NULL-terminated). */
static int
concat(const struct refdevice *rd, const char *dst, const char *const *srcs,
    mode_t mode)
{
	char *buf;
	size_t len = 0, n;
	int r = 0;

	if ((buf = malloc(2 * COPY_MAX)) == NULL)
		return ASSAY_ERR_ALLOC;
	for (; *srcs != NULL && r == 0; srcs++)
		if ((r = read_rel(rd, *srcs, buf + len, COPY_MAX, &n)) == 0)
			len += n;
	if (r == 0)
		r = write_rel(rd, dst, buf, len, mode);
	free(buf);
	return r;
}

/* ---- certificates ------------------------------------------------------- */

/* A P-256 leaf for host issued by lab/ca.pem; lab/NAME.pem = leaf + CA. */
static int
make_leaf(struct refdevice *rd, const char *name, const char *host)
{
	char key[64], leaf[64], chain[64], subj[96], san[128];
	const char *req[] = { "openssl", "req", "-x509", "-newkey", "ec",
	    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-sha256", "-nodes",
	    "-days", "825", "-keyout", key, "-out", leaf, "-subj", subj,
	    "-addext", san, "-addext", "basicConstraints=critical,CA:FALSE",
	    "-addext", "keyUsage=critical,digitalSignature",
	    "-addext", "extendedKeyUsage=serverAuth",
	    "-CA", "lab/ca.pem", "-CAkey", "lab/ca-key.pem", NULL };
	int r;

	snprintf(key, sizeof(key), "lab/%s-key.pem", name);
	snprintf(leaf, sizeof(leaf), "lab/%s-leaf.pem", name);
	snprintf(chain, sizeof(chain), "lab/%s.pem", name);
	snprintf(subj, sizeof(subj), "/O=%s/CN=%s",
	    rd->persona == RD_PERSONA_WEAK ? "Generic IPCam" : "Assay Labs",
	    host);
	snprintf(san, sizeof(san), "subjectAltName=DNS:%s", host);
	if ((r = rd_run_tool(rd, req)) != 0)
		return r;
	return concat(rd, chain, (const char *const[]){ leaf, "lab/ca.pem",
	    NULL }, 0644);
}

static int
make_certificates(struct refdevice *rd)
{
	char subj[96];
	const char *ca[] = { "openssl", "req", "-x509", "-newkey", "ec",
	    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-sha256", "-nodes",
	    "-days", "3650", "-keyout", "lab/ca-key.pem", "-out", "lab/ca.pem",
	    "-subj", subj, NULL };
	int r;

	snprintf(subj, sizeof(subj), "/O=%s/CN=%s cloud CA",
	    rd->persona == RD_PERSONA_WEAK ? "Generic IPCam" : "Assay Labs",
	    rd_model(rd));
	if ((r = rd_run_tool(rd, ca)) != 0 ||
	    (r = make_leaf(rd, "update", RD_UPDATE_HOST)) != 0 ||
	    (r = make_leaf(rd, "cloud", RD_CLOUD_HOST)) != 0)
		return r;
	/* The device ships the CA it trusts for its servers. */
	return concat(rd, "client/cloud-ca.pem",
	    (const char *const[]){ "lab/ca.pem", NULL }, 0644);
}

/* ---- releases ----------------------------------------------------------- */

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

/*
 * lab/update/SET/update/: firmware-VERSION.bin (random bytes behind a
 * header naming the version), manifest.json and, when key is given,
 * firmware-VERSION.bin.sig.
 */
static int
make_release(struct refdevice *rd, const char *set, const char *version,
    EVP_PKEY *key)
{
	unsigned char *fw = NULL, md[EVP_MAX_MD_SIZE], sig[64];
	char rel[RD_PATH_MAX], file[64], digest[2 * EVP_MAX_MD_SIZE + 1];
	char stmt[512], manifest[1024];
	unsigned int mdlen = 0;
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *m = NULL;
	int weak = rd->persona == RD_PERSONA_WEAK, fd = -1, r;

	snprintf(rel, sizeof(rel), "lab/update/%s", set);
	if ((r = mkdir_rel(rd, rel)) != 0)
		return r;
	snprintf(rel, sizeof(rel), "lab/update/%s/update", set);
	if ((r = mkdir_rel(rd, rel)) != 0)
		return r;
	if ((fw = malloc(PAYLOAD_LEN)) == NULL)
		return ASSAY_ERR_ALLOC;
	r = ASSAY_ERR_IO;
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) == -1 ||
	    read(fd, fw, PAYLOAD_LEN) != PAYLOAD_LEN)
		goto out;
	snprintf((char *)fw, 48, "RDFW %s %s\n", rd_model(rd), version);
	snprintf(file, sizeof(file), "firmware-%s.bin", version);
	snprintf(rel, sizeof(rel), "lab/update/%s/update/%s", set, file);
	if ((r = write_rel(rd, rel, fw, PAYLOAD_LEN, 0644)) != 0)
		goto out;
	r = ASSAY_ERR_CRYPTO;
	if (EVP_Digest(fw, PAYLOAD_LEN, md, &mdlen, weak ? EVP_md5() :
	    EVP_sha256(), NULL) != 1)
		goto out;
	hex(md, mdlen, digest);
	if (weak) {
		snprintf(manifest, sizeof(manifest), "{\n  \"model\": \"%s\",\n"
		    "  \"version\": \"%s\",\n  \"file\": \"%s\",\n"
		    "  \"size\": %d,\n  \"md5\": \"%s\"\n}\n", rd_model(rd),
		    version, file, PAYLOAD_LEN, digest);
	} else {
		snprintf(stmt, sizeof(stmt), "assay-refdevice-update 1\n"
		    "model %s\nversion %s\nfile %s\nsha256 %s\n", rd_model(rd),
		    version, file, digest);
		if ((m = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestSignInit(m, NULL, NULL, NULL, key) != 1 ||
		    EVP_DigestSign(m, sig, &siglen, (unsigned char *)stmt,
		    strlen(stmt)) != 1)
			goto out;
		snprintf(rel, sizeof(rel), "lab/update/%s/update/%s.sig", set,
		    file);
		if ((r = write_rel(rd, rel, sig, siglen, 0644)) != 0)
			goto out;
		snprintf(manifest, sizeof(manifest), "{\n"
		    "  \"format\": \"assay-refdevice-update 1\",\n"
		    "  \"model\": \"%s\",\n  \"version\": \"%s\",\n"
		    "  \"file\": \"%s\",\n  \"size\": %d,\n"
		    "  \"sha256\": \"%s\",\n  \"signature\": \"%s.sig\"\n}\n",
		    rd_model(rd), version, file, PAYLOAD_LEN, digest, file);
	}
	snprintf(rel, sizeof(rel), "lab/update/%s/update/manifest.json", set);
	r = write_rel(rd, rel, manifest, strlen(manifest), 0644);
 out:
	if (r == ASSAY_ERR_CRYPTO)
		ERR_print_errors_fp(stderr);
	EVP_MD_CTX_free(m);
	if (fd != -1)
		close(fd);
	free(fw);
	return r;
}

static int
make_releases(struct refdevice *rd)
{
	char path[RD_PATH_MAX];
	EVP_PKEY *vendor = NULL, *other = NULL;
	FILE *f = NULL;
	int weak = rd->persona == RD_PERSONA_WEAK, r = ASSAY_ERR_CRYPTO;

	/* Relative to the factory firmware (1.4.2, weak 1.0.3). */
	snprintf(rd->rel_current, sizeof(rd->rel_current), "%s",
	    weak ? "1.0.5" : "1.4.3");
	snprintf(rd->rel_older, sizeof(rd->rel_older), "%s",
	    weak ? "1.0.2" : "1.4.1");
	if ((r = mkdir_rel(rd, "lab/update")) != 0)
		return r;
	if (!weak) {
		r = ASSAY_ERR_CRYPTO;
		if (rd_path(path, sizeof(path), "%s/etc/update-signing.key",
		    rd->dir) != 0 || (f = fopen(path, "re")) == NULL ||
		    (vendor = PEM_read_PrivateKey(f, NULL, NULL, NULL)) ==
		    NULL || (other = EVP_PKEY_Q_keygen(NULL, NULL,
		    "ED25519")) == NULL) {
			fprintf(stderr, "assay-refdevice: update keys for the "
			    "lab releases\n");
			goto out;
		}
	}
	/*
	 * other-key has the current release's version and file name, so
	 * only its bytes and its signer differ.
	 */
	if ((r = make_release(rd, "current", rd->rel_current, vendor)) != 0 ||
	    (r = make_release(rd, "older", rd->rel_older, vendor)) != 0 ||
	    (r = make_release(rd, "other-key", rd->rel_current, other)) != 0)
		goto out;
	/* The device carries the vendor's public key. */
	if (!weak)
		r = concat(rd, "client/update-key.pem",
		    (const char *const[]){ "www/update/signing-key.pem", NULL },
		    0644);
 out:
	if (f != NULL)
		fclose(f);
	EVP_PKEY_free(vendor);
	EVP_PKEY_free(other);
	return r;
}

/* ---- the client's configuration ----------------------------------------- */

static int
write_client_conf(struct refdevice *rd)
{
	char conf[1024];
	int weak = rd->persona == RD_PERSONA_WEAK, n;

	n = snprintf(conf, sizeof(conf), "persona=%s\ninterval=%d\ndir=%s\n"
	    "serial=%s\nmodel=%s\nfirmware=%s\ndns=" RD_GW_ADDR "\n"
	    "user=device\npassword=%s\nowner=" RD_OWNER_EMAIL "\n",
	    weak ? "weak" : "conforming", rd->client_interval, rd->dir,
	    rd->serial, rd_model(rd), rd_firmware(rd),
	    /* weak: the factory password, the telnet root one */
	    weak ? rd->telnet_pass : rd->cloud_token);
	if (n < 0 || (size_t)n >= sizeof(conf))
		return ASSAY_ERR_TOO_BIG;
	n = write_rel(rd, "etc/client.conf", conf, (size_t)n, 0600);
	explicit_bzero(conf, sizeof(conf));
	return n;
}

int
rd_lab_write(struct refdevice *rd)
{
	int r;

	if ((r = mkdir_rel(rd, "lab")) != 0 ||
	    (r = make_certificates(rd)) != 0 ||
	    (r = make_releases(rd)) != 0)
		return r;
	return write_client_conf(rd);
}
