/*
 * fuzz_firmware_carve.c - libFuzzer target: the carving parsers of the
 * firmware probe (probe/firmware_carve.c) over one file's bytes.  Byte 0
 * picks the name the file is carved under, so the account parser
 * (etc/shadow, etc/passwd), the package status parser (opkg, dpkg) and
 * the scans every file gets (PEM and DER keys and certificates, version
 * strings, default pairs, a declared secret) all see hostile input.
 *
 * Beyond no crash, no leak, no hang: every string of the result is
 * well-formed UTF-8, every offset lies inside the input, no list exceeds
 * its cap, and no label or scheme holds a secret's value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "probe/cred.h"
#include "probe/firmware.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECRET	"Fuzz-Declared-S3cret"

static const char *const names[] = { "etc/shadow", "etc/passwd",
    "usr/lib/opkg/status", "var/lib/dpkg/status", "rootfs/etc/shadow",
    "bin/busybox" };

static void
check_str(const char *s)
{
	if (s == NULL || !assay_utf8_valid(s, strlen(s)))
		abort();
}

static void
no_secret(const char *s)
{
	if (s != NULL && (strstr(s, SECRET) != NULL ||
	    strstr(s, "xc3511") != NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct assay_cred_list *list;
	static const char *list_names[] = { "fuzz" };
	struct assay_fw_secret secret = { "api", SECRET };
	struct assay_fw_params p;
	struct assay_fw_result *r;
	struct assay_fw_scan *s;
	const char *name;
	size_t i;

	if (size < 1)
		return 0;
	if (list == NULL) {
		static const char pairs[] = "root:xc3511\nadmin:admin\n"
		    "user:pa$$ word\nguest:\n";
		int line;

		if ((list = assay_cred_list_new()) == NULL ||
		    assay_cred_list_parse(list, pairs, sizeof(pairs) - 1,
		    &line) != 0)
			abort();
	}
	name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	memset(&p, 0, sizeof(p));
	p.secrets = &secret;
	p.nsecrets = 1;
	p.lists = (const struct assay_cred_list *const *)&list;
	p.list_names = list_names;
	p.nlists = 1;
	p.limits.crack_ms = 50;		/* crypt() is slow by design */
	if ((r = assay_fw_result_new()) == NULL)
		return 0;
	if ((s = assay_fw_scan_new(&p, r)) == NULL) {
		assay_fw_result_free(r);
		return 0;
	}
	(void)assay_fw_scan_mem(s, name, data + 1, size - 1);
	assay_fw_scan_free(s);
	if (r->keys.n > ASSAY_FW_MAX_FINDINGS ||
	    r->certs.n > ASSAY_FW_MAX_FINDINGS ||
	    r->accounts.n > ASSAY_FW_MAX_FINDINGS ||
	    r->creds.n > ASSAY_FW_MAX_FINDINGS ||
	    r->components.n > ASSAY_FW_MAX_FINDINGS)
		abort();
	for (i = 0; i < r->keys.n; i++) {
		check_str(r->keys.v[i].type);
		no_secret(r->keys.v[i].type);
		if (r->keys.v[i].offset >= size - 1)
			abort();
	}
	for (i = 0; i < r->certs.n; i++) {
		check_str(r->certs.v[i].subject);
		check_str(r->certs.v[i].issuer);
		if (r->certs.v[i].offset >= size - 1)
			abort();
	}
	for (i = 0; i < r->accounts.n; i++) {
		check_str(r->accounts.v[i].user);
		check_str(r->accounts.v[i].scheme);
		no_secret(r->accounts.v[i].scheme);
		no_secret(r->accounts.v[i].matches);
	}
	for (i = 0; i < r->creds.n; i++) {
		check_str(r->creds.v[i].label);
		no_secret(r->creds.v[i].label);
		if (r->creds.v[i].offset >= size - 1)
			abort();
	}
	for (i = 0; i < r->components.n; i++) {
		check_str(r->components.v[i].name);
		check_str(r->components.v[i].version);
	}
	/* the SBOM writer over whatever was found */
	if (assay_fw_build_sbom(r, "fuzz.img", "fuzz") == 0 &&
	    (r->sbom == NULL || !assay_utf8_valid(r->sbom, r->sbom_len)))
		abort();
	/* the scheme and magic readers over the raw bytes */
	{
		char h[128];
		size_t n = size - 1 < sizeof(h) - 1 ? size - 1 : sizeof(h) - 1;

		memcpy(h, data + 1, n);
		h[n] = '\0';
		check_str(assay_fw_hash_scheme(h));
		(void)assay_fw_magic(data + 1, size - 1);
	}
	assay_fw_result_free(r);
	return 0;
}
