/*
 * test_probe_firmware.c - the firmware probe on real images built by
 * tests/data/firmware/make_images.py (python3, openssl, xz; mksquashfs
 * for the squashfs case): every planted finding found, every hostile
 * archive a named result, nothing written outside the scratch directory.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "base/error.h"
#include "probe/cred.h"
#include "probe/artefact.h"
#include "probe/firmware.h"
#include "probe/probe.h"
#include "testutil.h"

#define DECLARED	"Decl4red-S3cret-Key-0042"
#define MIB		(1024ull * 1024)

static char *images;			/* the generated images */
static int have_images;
static struct assay_cred_list *lists[2];
static const char *list_names[2] = { "mirai", "iot-defaults" };
static const struct assay_fw_secret secrets[] = {
	{ "cloud-api-key", DECLARED },
};

/* The last analysis: its base directory holds the scratch directory only. */
static char *base;
static char scratch[3072];

static int
group_setup(void **state)
{
	char cmd[8192], *out = NULL;

	(void)state;
	setenv("ASSAY_DATADIR", ASSAY_SOURCE_DIR, 1);
	lists[0] = assay_cred_list_new();
	lists[1] = assay_cred_list_new();
	if (assay_cred_list_load(lists[0], "mirai") != 0 ||
	    assay_cred_list_load(lists[1], "iot-defaults") != 0)
		return -1;
	if (!tu_have("python3") || !tu_have("openssl"))
		return 0;
	images = tu_mkdtemp("fwimg");
	snprintf(cmd, sizeof(cmd), "python3 %s %s",
	    tu_src("tests/data/firmware/make_images.py"), images);
	if (tu_run(cmd, &out) != 0) {
		fprintf(stderr, "make_images.py failed: %s\n", out);
		free(out);
		return -1;
	}
	free(out);
	have_images = 1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	if (images != NULL)
		tu_rmrf(images);
	free(images);
	assay_cred_list_free(lists[0]);
	assay_cred_list_free(lists[1]);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (base != NULL) {
		tu_rmrf(base);
		free(base);
		base = NULL;
	}
	return 0;
}

static const char *
img(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", images, name);
	return path;
}

/* Fails unless dir holds only regular files and directories. */
static void
only_files_and_dirs(const char *dir, int depth)
{
	char path[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(lstat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			assert_true(depth < 64);
			only_files_and_dirs(path, depth + 1);
		} else if (!S_ISREG(st.st_mode))
			fail_msg("%s is neither a file nor a directory", path);
		else if (st.st_mode & (S_ISUID | S_ISGID))
			fail_msg("%s is setuid or setgid", path);
	}
	closedir(d);
}

/* Nothing the hostile images aim at exists outside the scratch directory. */
static void
nothing_outside(void)
{
	static const char *const evil[] = {
		"/tmp/assay_fw_evil_abs", "/etc/assay_fw_evil_link",
		"/assay_fw_evil_up2", "/tmp/assay_fw_evil_up",
		"/tmp/assay_fw_evil_mid", NULL };
	char path[4096];
	struct dirent *de;
	DIR *d;
	int i, n = 0;

	for (i = 0; evil[i] != NULL; i++)
		assert_int_not_equal(access(evil[i], F_OK), 0);
	snprintf(path, sizeof(path), "%s/../assay_fw_evil_up", base);
	assert_int_not_equal(access(path, F_OK), 0);
	/* the base directory holds the scratch directory alone */
	assert_non_null(d = opendir(base));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
			assert_string_equal(de->d_name, "scratch");
			n++;
		}
	closedir(d);
	assert_int_equal(n, 1);
	only_files_and_dirs(scratch, 0);
}

static struct assay_fw_result *
analyse_with(const char *image, const struct assay_fw_limits *lim,
    const char *unsquashfs, char *reason, size_t rlen)
{
	struct assay_fw_params p;
	struct assay_fw_result *res = NULL;

	teardown(NULL);
	base = tu_mkdtemp("fwrun");
	snprintf(scratch, sizeof(scratch), "%s/scratch", base);
	assert_int_equal(mkdir(scratch, 0700), 0);
	memset(&p, 0, sizeof(p));
	p.image = image;
	p.scratch = scratch;
	if (lim != NULL)
		p.limits = *lim;
	p.secrets = secrets;
	p.nsecrets = 1;
	p.lists = (const struct assay_cred_list *const *)lists;
	p.list_names = list_names;
	p.nlists = 2;
	p.unsquashfs = unsquashfs;
	p.tool_version = "test";
	assert_int_equal(assay_fw_analyse(&p, &res, reason, rlen), 0);
	nothing_outside();
	return res;
}

static struct assay_fw_result *
analyse(const char *name, const struct assay_fw_limits *lim)
{
	char reason[512];
	struct assay_fw_result *res;

	res = analyse_with(img(name), lim, NULL, reason, sizeof(reason));
	if (res == NULL)
		fail_msg("%s: %s", name, reason);
	return res;
}

static const struct assay_fw_note *
note(const struct assay_fw_note *v, size_t n, const char *what,
    const char *path_part)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].what, what) == 0 && (path_part == NULL ||
		    strstr(v[i].path, path_part) != NULL))
			return &v[i];
	return NULL;
}

#define CAP(r, w, p)	note((r)->caps.v, (r)->caps.n, (w), (p))
#define REFUSED(r, w, p) note((r)->refused.v, (r)->refused.n, (w), (p))
#define PROBLEM(r, w, p) note((r)->problems.v, (r)->problems.n, (w), (p))

static const struct assay_fw_component *
component(const struct assay_fw_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->components.n; i++)
		if (strcmp(r->components.v[i].name, name) == 0)
			return &r->components.v[i];
	return NULL;
}

static const struct assay_fw_account *
account(const struct assay_fw_result *r, const char *file, const char *user)
{
	size_t i;

	for (i = 0; i < r->accounts.n; i++)
		if (strcmp(r->accounts.v[i].user, user) == 0 &&
		    strstr(r->accounts.v[i].file, file) != NULL)
			return &r->accounts.v[i];
	return NULL;
}

/* "mirai:N" for the entry user:password of list l (0 or 1). */
static void
label_of(int l, const char *user, const char *password, char *out,
    size_t size)
{
	size_t i;

	for (i = 0; i < assay_cred_list_count(lists[l]); i++)
		if (strcmp(assay_cred_list_user(lists[l], i), user) == 0 &&
		    strcmp(assay_cred_list_password(lists[l], i), password) == 0) {
			snprintf(out, size, "%s:%zu", list_names[l], i + 1);
			return;
		}
	fail_msg("%s:%s not on %s", user, password, list_names[l]);
}

static int
cred(const struct assay_fw_result *r, const char *path_part, const char *label)
{
	size_t i;

	for (i = 0; i < r->creds.n; i++)
		if (strstr(r->creds.v[i].path, path_part) != NULL &&
		    strcmp(r->creds.v[i].label, label) == 0)
			return 1;
	return 0;
}

/* No secret of the image appears in the SBOM or any string of the result. */
static void
no_secret_in(const struct assay_fw_result *r)
{
	static const char *const never[] = { DECLARED, "xc3511",
	    "PRIVATE KEY", "$1$assayfw", NULL };
	size_t i, k;

	for (k = 0; never[k] != NULL; k++) {
		assert_null(strstr(r->sbom, never[k]));
		for (i = 0; i < r->creds.n; i++)
			assert_null(strstr(r->creds.v[i].label, never[k]));
		for (i = 0; i < r->accounts.n; i++) {
			assert_null(strstr(r->accounts.v[i].scheme, never[k]));
			assert_true(r->accounts.v[i].matches == NULL ||
			    strstr(r->accounts.v[i].matches, never[k]) == NULL);
		}
		for (i = 0; i < r->keys.n; i++)
			assert_null(strstr(r->keys.v[i].type, never[k]));
	}
}

/* The findings planted in the tree, whatever the container. */
static void
check_tree_findings(const struct assay_fw_result *r, const char *prefix)
{
	const struct assay_fw_account *a;
	const struct assay_fw_component *c;
	char label[64], path[256];
	size_t i;
	int pem = 0, der = 0;

	/* the private key: PEM, RSA 2048, never its bytes */
	assert_true(r->keys.n >= 1);
	snprintf(path, sizeof(path), "%setc/ssl/private/device.key", prefix);
	for (i = 0; i < r->keys.n; i++)
		if (strcmp(r->keys.v[i].path, path) == 0) {
			assert_string_equal(r->keys.v[i].format, "PEM");
			assert_string_equal(r->keys.v[i].type, "RSA");
			assert_int_equal(r->keys.v[i].bits, 2048);
			assert_false(r->keys.v[i].encrypted);
			pem = 1;
		}
	assert_true(pem);
	/* the certificate, PEM and DER */
	pem = 0;
	for (i = 0; i < r->certs.n; i++) {
		const struct assay_fw_cert *x = &r->certs.v[i];

		assert_non_null(strstr(x->subject, "CN=device.example"));
		assert_non_null(strstr(x->subject, "O=Assay Test Vendor"));
		assert_true(x->self_signed);
		assert_false(x->expired);
		assert_string_equal(x->key_type, "RSA");
		assert_int_equal(x->bits, 2048);
		assert_int_equal(strlen(x->not_after), 20);
		if (strcmp(x->format, "PEM") == 0 &&
		    strstr(x->path, "device.crt") != NULL)
			pem = 1;
		if (strcmp(x->format, "DER") == 0 &&
		    strstr(x->path, "device.der") != NULL)
			der = 1;
	}
	assert_true(pem && der);
	/* accounts: the MD5 hash is a Mirai default, admin has none */
	assert_non_null(a = account(r, "etc/shadow", "root"));
	assert_string_equal(a->scheme, "md5");
	assert_true(a->has_hash);
	label_of(0, "root", "xc3511", label, sizeof(label));
	assert_non_null(a->matches);
	assert_string_equal(a->matches, label);
	assert_non_null(a = account(r, "etc/shadow", "admin"));
	assert_true(a->empty);
	assert_string_equal(a->scheme, "empty");
	assert_non_null(a = account(r, "etc/shadow", "daemon"));
	assert_true(a->locked);
	assert_false(a->has_hash);
	assert_non_null(a = account(r, "etc/shadow", "operator"));
	assert_string_equal(a->scheme, "sha512");
	assert_null(a->matches);
	assert_true(a->checked);
	assert_non_null(a = account(r, "etc/passwd", "guest"));
	assert_true(a->empty);
	assert_null(account(r, "etc/passwd", "root"));	/* "x": in shadow */
	/* credentials: the default pair by list entry, the declared secret */
	label_of(0, "ubnt", "ubnt", label, sizeof(label));
	assert_true(cred(r, "etc/config/telnet.conf", label));
	label_of(1, "ubnt", "ubnt", label, sizeof(label));
	assert_true(cred(r, "etc/config/telnet.conf", label));
	assert_true(cred(r, "etc/config/cloud.json", "declared:cloud-api-key"));
	for (i = 0; i < r->creds.n; i++)
		assert_null(strstr(r->creds.v[i].path, "etc/passwd"));
	/* components, from binaries, the opkg status and nested containers */
	assert_non_null(c = component(r, "busybox"));
	assert_string_equal(c->version, "1.36.1");
	assert_string_equal(c->source, "version-string");
	assert_non_null(c = component(r, "openssl"));
	assert_string_equal(c->version, "1.1.1w");
	assert_non_null(c = component(r, "lighttpd"));
	assert_string_equal(c->version, "1.4.59-1");
	assert_string_equal(c->source, "opkg-status");
	assert_non_null(c = component(r, "libcoap3"));
	assert_string_equal(c->version, "4.3.1-2");
	assert_non_null(c = component(r, "dropbear"));
	assert_string_equal(c->version, "2022.83");
	assert_non_null(strstr(c->path, "modem.cpio.xz.unpacked/usr/sbin/dropbear"));
	assert_non_null(c = component(r, "mosquitto"));
	assert_string_equal(c->version, "2.0.11");
	assert_non_null(strstr(c->path, "www/app.zip.unpacked/bin/mosquitto"));
	/* the setuid file is listed, and left without the bit */
	assert_true(r->setuid.n >= 1);
	snprintf(path, sizeof(path), "%sbin/su", prefix);
	assert_string_equal(r->setuid.v[0], path);
	assert_true(r->links >= 1);
	no_secret_in(r);
}

/* The SBOM is CycloneDX 1.5 JSON with each component and its purl. */
static void
check_sbom(const struct assay_fw_result *r)
{
	char path[4096], cmd[8192], *out = NULL;

	snprintf(path, sizeof(path), "%s/sbom.cdx.json", images);
	assert_int_equal(assay_fw_write_sbom(r, path), 0);
	snprintf(cmd, sizeof(cmd), "python3 -c '"
	    "import json, sys\n"
	    "d = json.load(open(sys.argv[1]))\n"
	    "assert d[\"bomFormat\"] == \"CycloneDX\" and d[\"specVersion\"] == \"1.5\"\n"
	    "assert d[\"serialNumber\"].startswith(\"urn:uuid:\")\n"
	    "assert d[\"metadata\"][\"component\"][\"type\"] == \"firmware\"\n"
	    "assert len(d[\"metadata\"][\"component\"][\"hashes\"][0][\"content\"]) == 64\n"
	    "c = {x[\"name\"]: x for x in d[\"components\"]}\n"
	    "assert c[\"busybox\"][\"purl\"] == \"pkg:generic/busybox@1.36.1\"\n"
	    "assert c[\"busybox\"][\"evidence\"][\"occurrences\"][0][\"location\"]\n"
	    "assert c[\"openssl\"][\"type\"] == \"library\"\n"
	    "assert c[\"lighttpd\"][\"version\"] == \"1.4.59-1\"\n"
	    "assert c[\"dropbear\"][\"bom-ref\"] == \"pkg:generic/dropbear@2022.83\"\n"
	    "' %s", path);
	if (tu_run(cmd, &out) != 0)
		fail_msg("SBOM check failed: %s", out);
	free(out);
	unlink(path);
}

static void
test_tar_gz_image(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("good.tar.gz", NULL);
	assert_non_null(strstr(r->kind, "tar"));
	assert_non_null(strstr(r->kind, "gzip"));
	assert_int_equal(r->archives, 3);	/* image, cpio.xz, zip */
	assert_int_equal(r->caps.n, 0);
	assert_int_equal(r->refused.n, 0);
	assert_int_equal(r->problems.n, 0);
	assert_false(r->stopped);
	assert_int_equal(strlen(r->image_sha256), 64);
	check_tree_findings(r, "");
	check_sbom(r);
	assay_fw_result_free(r);
}

static void
test_squashfs_image(void **state)
{
	struct assay_fw_result *r;
	char reason[512];

	(void)state;
	if (!have_images || access(img("good.squashfs"), F_OK) != 0 ||
	    !tu_have("unsquashfs"))
		skip();
	r = analyse("good.squashfs", NULL);
	assert_string_equal(r->kind, "squashfs");
	assert_int_equal(r->archives, 3);
	assert_int_equal(r->problems.n, 0);
	check_tree_findings(r, "");
	assay_fw_result_free(r);

	/* inside a vendor's blob, at an offset: found, copied out, unpacked */
	r = analyse("blob.bin", NULL);
	assert_string_equal(r->kind, "raw");
	assert_true(r->archives >= 1);
	assert_non_null(account(r, "image@0x10400.squashfs.unpacked/etc/shadow",
	    "root"));
	assert_non_null(component(r, "busybox"));
	assay_fw_result_free(r);

	/* over a cap in its listing: refused before anything is written */
	{
		struct assay_fw_limits lim = { .max_files = 5 };

		r = analyse("good.squashfs", &lim);
		assert_non_null(CAP(r, "files", NULL));
		assert_non_null(strstr(CAP(r, "files", NULL)->detail,
		    "not unpacked"));
		assert_int_equal(r->files, 0);
		assay_fw_result_free(r);
		memset(&lim, 0, sizeof(lim));
		lim.max_file = 100;
		r = analyse("good.squashfs", &lim);
		assert_non_null(CAP(r, "file_size", NULL));
		assert_int_equal(r->files, 0);
		assay_fw_result_free(r);
		/* an unsquashfs that hangs is killed at the timeout, named */
		{
			char tool[4096];
			long long t0 = tu_now_ms();

			snprintf(tool, sizeof(tool), "%s/hang.sh", images);
			assert_int_equal(tu_write_file(tool,
			    "#!/bin/sh\nexec sleep 30\n", 24), 0);
			assert_int_equal(chmod(tool, 0700), 0);
			memset(&lim, 0, sizeof(lim));
			lim.timeout_ms = 300;
			r = analyse_with(img("good.squashfs"), &lim, tool, reason,
			    sizeof(reason));
			assert_non_null(r);
			assert_non_null(PROBLEM(r, "unsquashfs_timeout", NULL));
			assert_true(tu_now_ms() - t0 < 5000);
			assay_fw_result_free(r);
		}
	}

	/* without unsquashfs: said so, never skipped in silence */
	r = analyse_with(img("good.squashfs"), NULL, "/nonexistent/unsquashfs",
	    reason, sizeof(reason));
	assert_non_null(r);
	assert_non_null(PROBLEM(r, "unsquashfs_missing", NULL));
	assert_non_null(strstr(PROBLEM(r, "unsquashfs_missing", NULL)->detail,
	    "squashfs-tools"));
	assert_int_equal(r->files, 0);
	assay_fw_result_free(r);
}

static void
test_raw_image(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("raw.bin", NULL);
	assert_string_equal(r->kind, "raw");
	assert_int_equal(r->files, 0);
	assert_int_equal(r->keys.n, 1);
	assert_string_equal(r->keys.v[0].path, "(image)");
	assert_int_equal(r->keys.v[0].offset, 4096);
	assert_non_null(component(r, "busybox"));
	assert_string_equal(component(r, "busybox")->version, "1.35.0");
	assay_fw_result_free(r);
}

static void
test_zip_bomb(void **state)
{
	struct assay_fw_limits lim = { .max_file = 4 * MIB, .max_total = 8 * MIB };
	struct assay_fw_result *r;
	const struct assay_fw_note *n;
	long long t0 = tu_now_ms();

	(void)state;
	if (!have_images)
		skip();
	r = analyse("bomb.zip", &lim);
	assert_non_null(n = CAP(r, "file_size", "zeros.bin"));
	assert_non_null(strstr(n->detail, "4194304"));
	assert_true(r->bytes <= 4 * MIB);
	assert_int_equal(r->files, 1);		/* after.txt */
	assert_true(tu_now_ms() - t0 < 20000);
	assay_fw_result_free(r);
}

static void
test_file_count_cap(void **state)
{
	struct assay_fw_limits lim = { .max_files = 100 };
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("many.tar", &lim);
	assert_non_null(CAP(r, "files", NULL));
	assert_true(r->stopped);
	assert_int_equal(r->files + r->dirs, 100);
	assay_fw_result_free(r);
}

static void
test_total_cap(void **state)
{
	struct assay_fw_limits lim = { .max_total = 7 * MIB };
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("total.tar.gz", &lim);
	assert_non_null(CAP(r, "total_bytes", NULL));
	assert_true(r->stopped);
	assert_true(r->bytes <= 7 * MIB);
	assert_int_equal(r->files, 3);		/* 2 MiB each */
	assay_fw_result_free(r);
}

static void
test_path_traversal(void **state)
{
	struct assay_fw_result *r;
	char path[4096];

	(void)state;
	if (!have_images)
		skip();
	r = analyse("traversal.tar", NULL);
	assert_non_null(REFUSED(r, "path_traversal", "assay_fw_evil_up"));
	assert_non_null(REFUSED(r, "path_traversal", "assay_fw_evil_mid"));
	assert_non_null(REFUSED(r, "absolute_path", "/tmp/assay_fw_evil_abs"));
	assert_int_equal(r->refused.n, 3);
	assert_int_equal(r->files, 1);
	snprintf(path, sizeof(path), "%s/ok.txt", scratch);
	assert_int_equal(access(path, F_OK), 0);
	assay_fw_result_free(r);
}

static void
test_symlink_out(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("symlink.tar", NULL);
	assert_non_null(REFUSED(r, "symlink_out", "lnk"));
	assert_non_null(REFUSED(r, "symlink_out", "up"));
	assert_non_null(REFUSED(r, "through_symlink", "lnk/assay_fw_evil_link"));
	assert_non_null(REFUSED(r, "through_symlink", "up/assay_fw_evil_up2"));
	assert_null(REFUSED(r, "symlink_out", "inner"));
	assert_int_equal(r->links, 3);
	assert_int_equal(r->files, 1);
	assay_fw_result_free(r);
}

static void
test_device_nodes(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("device.tar", NULL);
	assert_non_null(REFUSED(r, "device", "dev/null2"));
	assert_non_null(REFUSED(r, "device", "dev/sda9"));
	assert_non_null(REFUSED(r, "fifo", "dev/fifo"));
	assert_int_equal(r->files, 1);
	assay_fw_result_free(r);
}

static void
test_deep_nesting(void **state)
{
	struct assay_fw_limits lim = { .max_depth = 3 };
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("deep.tar", &lim);
	assert_non_null(CAP(r, "depth", "level2.tar"));
	assert_int_equal(r->archives, 3);
	assert_null(component(r, "busybox"));	/* the deepest file */
	assay_fw_result_free(r);
	/* deep enough: the deepest file is carved */
	lim.max_depth = 8;
	r = analyse("deep.tar", &lim);
	assert_null(CAP(r, "depth", NULL));
	assert_int_equal(r->archives, 7);
	assert_non_null(component(r, "busybox"));
	assay_fw_result_free(r);
}

static void
test_truncated(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("truncated.tar.gz", NULL);
	assert_non_null(PROBLEM(r, "truncated", NULL));
	assay_fw_result_free(r);
}

static void
test_hard_link(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images)
		skip();
	r = analyse("hardlink.tar", NULL);
	assert_non_null(REFUSED(r, "hard_link", "hl"));
	assert_int_equal(r->files, 1);
	assay_fw_result_free(r);
}

/* An entry libarchive cannot read (encrypted) is named; the rest unpacked. */
static void
test_encrypted_entry(void **state)
{
	struct assay_fw_result *r;

	(void)state;
	if (!have_images || access(img("encrypted.zip"), F_OK) != 0)
		skip();
	r = analyse("encrypted.zip", NULL);
	assert_non_null(PROBLEM(r, "unreadable", "secret.txt"));
	assert_non_null(strstr(PROBLEM(r, "unreadable", "secret.txt")->detail,
	    "Passphrase"));
	assert_int_equal(r->files, 1);		/* plain.txt */
	assert_false(r->stopped);
	assay_fw_result_free(r);
}

static void
test_image_outcomes(void **state)
{
	struct assay_fw_limits lim = { .max_image = 10 };
	struct assay_fw_params p;
	struct assay_fw_result *r;
	char reason[512], path[4096];

	(void)state;
	r = analyse_with("/nonexistent/firmware.img", NULL, NULL, reason,
	    sizeof(reason));
	assert_null(r);
	assert_non_null(strstr(reason, "cannot open the firmware image"));
	r = analyse_with(ASSAY_SOURCE_DIR, NULL, NULL, reason, sizeof(reason));
	assert_null(r);
	assert_non_null(strstr(reason, "not a regular file"));
	if (have_images) {
		r = analyse_with(img("raw.bin"), &lim, NULL, reason,
		    sizeof(reason));
		assert_null(r);
		assert_non_null(strstr(reason, "max_image"));
		r = analyse("notes.txt", NULL);
		assert_string_equal(r->kind, "raw");
		assay_fw_result_free(r);
	}
	/* a scratch directory that is not empty is the caller's bug */
	snprintf(path, sizeof(path), "%s/leftover", scratch);
	assert_int_equal(tu_write_file(path, "x", 1), 0);
	memset(&p, 0, sizeof(p));
	p.image = "/nonexistent";
	p.scratch = scratch;
	assert_int_equal(assay_fw_analyse(&p, &r, reason, sizeof(reason)),
	    ASSAY_ERR_INVALID_ARG);
	assert_null(r);
}

static struct assay_fw_result *scan(const char *, const char *);

static void
test_hash_schemes(void **state)
{
	static const char *const t[][2] = {
		{ "$1$salt$abcdefghijklmnopqrstuv", "md5" },
		{ "$5$salt$x", "sha256" },
		{ "$6$salt$x", "sha512" },
		{ "$y$j9T$salt$x", "yescrypt" },
		{ "$2b$10$x", "bcrypt" },
		{ "$gy$j9T$x", "gost-yescrypt" },
		{ "abJnggxhB/yWI", "des" },
		{ "!$6$salt$x", "sha512" },
		{ "_J9..abcdefghijklmno", "bsdi-des" },
		{ "plaintext", "unknown" },
	};
	struct assay_fw_result *r;
	long long t0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(assay_fw_hash_scheme(t[i][0]), t[i][1]);
	/*
	 * Hashes whose cost the image chose above the defaults are named
	 * but never checked: each of these would take minutes or gigabytes.
	 */
	t0 = tu_now_ms();
	r = scan("etc/shadow",
	    "a:$2b$31$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyzabcde:1::\n"
	    "b:$6$rounds=999999999$salt$x:1::\n"
	    "c:$y$jFT$salt$hash:1::\n"
	    "root:$6$salt$notthehash:1::\n");
	assert_int_equal(r->accounts.n, 4);
	for (i = 0; i < 3; i++) {
		assert_true(r->accounts.v[i].has_hash);
		assert_false(r->accounts.v[i].checked);
	}
	assert_true(r->accounts.v[3].checked);
	assert_null(r->accounts.v[3].matches);
	assert_true(tu_now_ms() - t0 < 5000);
	assay_fw_result_free(r);
}

static struct assay_fw_result *
scan(const char *path, const char *text)
{
	struct assay_fw_params p;
	struct assay_fw_result *r = assay_fw_result_new();
	struct assay_fw_scan *s;

	memset(&p, 0, sizeof(p));
	p.secrets = secrets;
	p.nsecrets = 1;
	p.lists = (const struct assay_cred_list *const *)lists;
	p.list_names = list_names;
	p.nlists = 2;
	assert_non_null(r);
	assert_non_null(s = assay_fw_scan_new(&p, r));
	assert_int_equal(assay_fw_scan_mem(s, path, (const unsigned char *)text,
	    strlen(text)), 0);
	assay_fw_scan_free(s);
	return r;
}

/* The pair rule: whole tokens, the user before the password, close. */
static void
test_credential_rule(void **state)
{
	struct assay_fw_result *r;
	char label[64];

	(void)state;
	label_of(0, "root", "xc3511", label, sizeof(label));
	r = scan("bin/telnetd", "login root:xc3511\n");
	assert_true(cred(r, "bin/telnetd", label));
	assay_fw_result_free(r);
	r = scan("bin/telnetd", "xc3511 then much later root\n");
	assert_int_equal(r->creds.n, 0);		/* password before user */
	assay_fw_result_free(r);
	r = scan("bin/telnetd", "rootxc3511 root/xc3511x\n");
	assert_int_equal(r->creds.n, 0);		/* not whole tokens */
	assay_fw_result_free(r);
	r = scan("bin/telnetd", "user=root\npass=xc3511\n");
	assert_true(cred(r, "bin/telnetd", label));	/* key words between */
	assay_fw_result_free(r);
	r = scan("bin/telnetd", "{\"user\":\"root\",\"password\":\"xc3511\"}");
	assert_true(cred(r, "bin/telnetd", label));
	assay_fw_result_free(r);
	/* Prose between the two is not a pair (a shell script's comments). */
	r = scan("bin/devsh", "# uid=1000(root) gid=1000(xc3511)\n");
	assert_int_equal(r->creds.n, 0);
	assay_fw_result_free(r);
	r = scan("bin/devsh", "ACCOUNT='root'\n# passwd NEW: a new xc3511\n");
	assert_int_equal(r->creds.n, 0);
	assay_fw_result_free(r);
	r = scan("etc/passwd", "admin:x:1000:1000:admin:/home/admin:/bin/sh\n");
	assert_int_equal(r->creds.n, 0);	/* account files: by hash only */
	assay_fw_result_free(r);
	r = scan("x/cloud", "key=" DECLARED "&");
	assert_true(cred(r, "x/cloud", "declared:cloud-api-key"));
	assay_fw_result_free(r);
	/* opkg status without a final blank line; components once */
	r = scan("var/lib/dpkg/status", "Package: a\nVersion: 1.0\n\nPackage: b"
	    "\nVersion: 2.0");
	assert_int_equal(r->components.n, 2);
	assert_string_equal(r->components.v[1].version, "2.0");
	assay_fw_result_free(r);
	/* a version needs a dot and ends before punctuation */
	r = scan("bin/x", "BusyBox v1 BusyBox v1.2.3. lighttpd/1.4.59) "
	    "Linux version 5.10.0-21-amd64 (gcc)");
	assert_int_equal(r->components.n, 3);
	assert_string_equal(component(r, "busybox")->version, "1.2.3");
	assert_string_equal(component(r, "lighttpd")->version, "1.4.59");
	assert_string_equal(component(r, "linux")->version, "5.10.0-21-amd64");
	assay_fw_result_free(r);
}

/* The in-memory unpacking counts what the real one writes. */
static void
test_unpack_mem(void **state)
{
	struct assay_fw_result *r;
	size_t len;
	char *data;

	(void)state;
	if (!have_images)
		skip();
	assert_non_null(data = tu_read_file(img("good.tar.gz"), &len));
	assert_non_null(r = assay_fw_result_new());
	assert_int_equal(assay_fw_unpack_mem(data, len, NULL, r), 0);
	assert_int_equal(r->archives, 3);
	assert_int_equal(r->setuid.n, 1);
	assert_int_equal(r->refused.n, 0);
	assay_fw_result_free(r);
	free(data);
	assert_non_null(data = tu_read_file(img("traversal.tar"), &len));
	assert_non_null(r = assay_fw_result_new());
	assert_int_equal(assay_fw_unpack_mem(data, len, NULL, r), 0);
	assert_int_equal(r->refused.n, 3);
	assay_fw_result_free(r);
	free(data);
}

static void
test_lua_binding(void **state)
{
	struct assay_probe_env env;
	lua_State *L;
	char src[16384], good[4096], *tmp, *old;
	struct dirent *de;
	DIR *d;

	(void)state;
	if (!have_images)
		skip();
	snprintf(good, sizeof(good), "%s", img("good.tar.gz"));
	memset(&env, 0, sizeof(env));
	env.timeout_ms = 5000;
	env.max_read = 65536;
	assert_non_null(L = luaL_newstate());
	luaL_openlibs(L);
	assay_probe_env_set(L, &env);
	lua_newtable(L);
	assay_probe_firmware_lua_register(L);
	lua_setglobal(L, "net");
	snprintf(src, sizeof(src),
	    "local r = assert(net.firmware{ file = '%s',\n"
	    "    secrets = { { label = 'cloud-api-key', value = '" DECLARED "' },\n"
	    "                'unused-secret-value' } })\n"
	    "assert(r.kind:find('tar'), r.kind)\n"
	    "assert(r.archives == 3 and #r.keys == 1 and r.keys[1].bits == 2048)\n"
	    "assert(r.keys[1].type == 'RSA' and not r.keys[1].encrypted)\n"
	    "assert(#r.certificates == 2)\n"
	    "local seen = {}\n"
	    "for _, c in ipairs(r.credentials) do seen[c.label] = c.path end\n"
	    "assert(seen['declared:cloud-api-key'] == 'etc/config/cloud.json')\n"
	    "local root\n"
	    "for _, a in ipairs(r.accounts) do if a.user == 'root' then root = a end end\n"
	    "assert(root.scheme == 'md5' and root.matches:match('^mirai:%%d+$'))\n"
	    "assert(r.sbom:find('\"specVersion\": \"1.5\"', 1, true))\n"
	    "assert(not r.sbom:find('" DECLARED "', 1, true))\n"
	    "assert(next(r.caps) == nil and #r.refused == 0 and r.setuid[1] == 'bin/su')\n"
	    "local b = assert(net.firmware{ id = 'bomb', max_file_size = 1048576,\n"
	    "    lists = {} })\n"
	    "assert(b.caps.file_size and b.caps_hit[1].what == 'file_size',\n"
	    "    'bomb: ' .. #b.caps_hit .. ' caps, ' .. b.files .. ' files, kind ' .. b.kind)\n"
	    /* only what the lab declared: anything else is a bad argument */
	    "local ok, e = pcall(net.firmware, { file = '/etc/passwd' })\n"
	    "assert(not ok and e:find('not a firmware file the lab set%%-up'), e)\n"
	    "assert(not pcall(net.firmware, { id = 'nosuch' }))\n"
	    "assert(not pcall(net.firmware, { id = 'bomb', file = '%s' }))\n"
	    /* declared, then gone or changed: an outcome about the lab's file */
	    "local n, why = net.firmware{ id = 'gone' }\n"
	    "assert(n == nil and why:find('is gone since the lab set%%-up'), why)\n"
	    "n, why = net.firmware{ id = 'changed', lists = {} }\n"
	    "assert(n == nil and why:find('file changed since'), why)\n"
	    "assert(not pcall(net.firmware, { file = 'x', max_files = 0 }))\n"
	    "assert(not pcall(net.firmware, { file = 'x', secrets = { 5 } }))\n",
	    good, good);
	assert_int_equal(assay_artefact_declare(L, "firmware", "good", good,
	    NULL), 0);
	assert_int_equal(assay_artefact_declare(L, "firmware", "bomb",
	    img("bomb.zip"), NULL), 0);
	assert_int_equal(assay_artefact_declare(L, "firmware", "gone",
	    "/nonexistent/x.img", NULL), 0);
	/* what the loader recorded differs from what is read now */
	assert_int_equal(tu_write_file(img("changed.bin"), "x", 1), 0);
	assert_int_equal(assay_artefact_declare(L, "firmware", "changed",
	    img("changed.bin"),
	    "0000000000000000000000000000000000000000000000000000000000000000"),
	    0);
	/* the binding's scratch directories go under TMPDIR, and away */
	tmp = tu_mkdtemp("fwtmp");
	old = getenv("TMPDIR") != NULL ? strdup(getenv("TMPDIR")) : NULL;
	setenv("TMPDIR", tmp, 1);
	if (luaL_dostring(L, src) != 0)
		fail_msg("%s", lua_tostring(L, -1));
	lua_close(L);
	if (old != NULL) {
		setenv("TMPDIR", old, 1);
		free(old);
	} else
		unsetenv("TMPDIR");
	assert_non_null(d = opendir(tmp));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			fail_msg("left in TMPDIR: %s", de->d_name);
	closedir(d);
	tu_rmrf(tmp);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tar_gz_image, teardown),
		cmocka_unit_test_teardown(test_squashfs_image, teardown),
		cmocka_unit_test_teardown(test_raw_image, teardown),
		cmocka_unit_test_teardown(test_zip_bomb, teardown),
		cmocka_unit_test_teardown(test_file_count_cap, teardown),
		cmocka_unit_test_teardown(test_total_cap, teardown),
		cmocka_unit_test_teardown(test_path_traversal, teardown),
		cmocka_unit_test_teardown(test_symlink_out, teardown),
		cmocka_unit_test_teardown(test_device_nodes, teardown),
		cmocka_unit_test_teardown(test_deep_nesting, teardown),
		cmocka_unit_test_teardown(test_truncated, teardown),
		cmocka_unit_test_teardown(test_hard_link, teardown),
		cmocka_unit_test_teardown(test_encrypted_entry, teardown),
		cmocka_unit_test_teardown(test_image_outcomes, teardown),
		cmocka_unit_test(test_hash_schemes),
		cmocka_unit_test(test_credential_rule),
		cmocka_unit_test(test_unpack_mem),
		cmocka_unit_test(test_lua_binding),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
