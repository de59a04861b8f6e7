/*
 * manifest.c - the MANIFEST of a report directory (see manifest.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/hash.h"
#include "report/manifest.h"

static int
hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
assay_manifest_build(const struct assay_walk_list *es, struct assay_buf **bp)
{
	struct assay_buf *b = NULL;
	char hex[ASSAY_SHA256_HEX_LEN + 1];
	size_t i;
	int r;

	*bp = NULL;
	if ((b = assay_buf_new(ASSAY_SIGN_MAX_MANIFEST_LEN)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = assay_buf_puts(b, ASSAY_SIGN_PURPOSE "\n"
	    ASSAY_SIGN_HASH_LINE "\n")) != 0)
		goto out;
	for (i = 0; i < es->n; i++) {
		assay_hex_encode(es->v[i].sha, ASSAY_SHA256_LEN, hex);
		if ((r = assay_buf_printf(b, "%s  %s\n", hex, es->v[i].path)) != 0)
			goto out;
	}
	*bp = b;
	b = NULL;
	r = 0;
 out:
	assay_buf_free(b);
	return r;
}

/*
 * 1 when p is a normalised relative path: no "/" at either end, no empty,
 * "." or ".." part, no control byte, not a reserved top-level name.
 */
static int
relpath_ok(const char *p)
{
	const char *s, *e;
	size_t n;

	if (*p == '\0' || !assay_walk_name_ok(p) ||
	    strlen(p) > ASSAY_WALK_MAX_PATH_LEN)
		return 0;
	for (s = p;; s = e + 1) {
		e = strchr(s, '/');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		if (e == NULL)
			break;
	}
	if (strcmp(p, ASSAY_SIGN_MANIFEST) == 0 ||
	    strcmp(p, ASSAY_SIGN_SIGNATURE) == 0)
		return 0;
	return 1;
}

/*
 * Parses MANIFEST text into es (sorted, as the format requires).  The first
 * problem is added to d as MANIFEST:line and ends the parse.
 */
int
assay_manifest_parse(const char *data, size_t len, struct assay_walk_list *es,
    struct assay_diag *d)
{
	unsigned char sha[ASSAY_SHA256_LEN];
	const char *line, *nl, *path;
	char *copy = NULL;
	size_t llen, i;
	long lineno = 0;
	int r = ASSAY_ERR_PARSE, hi, lo;

	if (memchr(data, '\0', len) != NULL) {
		assay_diag_add(d, ASSAY_SIGN_MANIFEST, 0,
		    "contains NUL bytes: not a manifest");
		return ASSAY_ERR_PARSE;
	}
	if (len == 0 || data[len - 1] != '\n') {
		assay_diag_add(d, ASSAY_SIGN_MANIFEST, 0,
		    "empty or does not end with a newline");
		return ASSAY_ERR_PARSE;
	}
	for (line = data; line < data + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(data + len - line));
		llen = (size_t)(nl - line);
		lineno++;
		if (lineno == 1) {
			if (llen != strlen(ASSAY_SIGN_PURPOSE) ||
			    memcmp(line, ASSAY_SIGN_PURPOSE, llen) != 0) {
				assay_diag_add(d, ASSAY_SIGN_MANIFEST, 1,
				    "first line is not \"%s\": not an Assay "
				    "report manifest", ASSAY_SIGN_PURPOSE);
				goto out;
			}
			continue;
		}
		if (lineno == 2) {
			if (llen != strlen(ASSAY_SIGN_HASH_LINE) ||
			    memcmp(line, ASSAY_SIGN_HASH_LINE, llen) != 0) {
				assay_diag_add(d, ASSAY_SIGN_MANIFEST, 2,
				    "expected \"%s\" (no other hash is supported)",
				    ASSAY_SIGN_HASH_LINE);
				goto out;
			}
			continue;
		}
		if (lineno - 2 > ASSAY_WALK_MAX_FILES) {
			assay_diag_add(d, ASSAY_SIGN_MANIFEST, lineno,
			    "more than %d files", ASSAY_WALK_MAX_FILES);
			r = ASSAY_ERR_TOO_BIG;
			goto out;
		}
		if (llen < 2 * ASSAY_SHA256_LEN + 3 || line[2 * ASSAY_SHA256_LEN] != ' ' ||
		    line[2 * ASSAY_SHA256_LEN + 1] != ' ') {
			assay_diag_add(d, ASSAY_SIGN_MANIFEST, lineno,
			    "expected \"<64 hex digits>  <path>\"");
			goto out;
		}
		for (i = 0; i < ASSAY_SHA256_LEN; i++) {
			hi = hex_nibble((unsigned char)line[2 * i]);
			lo = hex_nibble((unsigned char)line[2 * i + 1]);
			if (hi < 0 || lo < 0) {
				assay_diag_add(d, ASSAY_SIGN_MANIFEST, lineno,
				    "hash is not 64 lowercase hex digits");
				goto out;
			}
			sha[i] = (unsigned char)(hi << 4 | lo);
		}
		path = line + 2 * ASSAY_SHA256_LEN + 2;
		free(copy);
		if ((copy = strndup(path, (size_t)(nl - path))) == NULL) {
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		if (!relpath_ok(copy)) {
			assay_diag_add(d, ASSAY_SIGN_MANIFEST, lineno,
			    "unsafe or malformed path (absolute, \"..\", \".\", "
			    "empty part, control character, or reserved name)");
			r = ASSAY_ERR_UNSAFE_PATH;
			goto out;
		}
		if (es->n > 0 && strcmp(es->v[es->n - 1].path, copy) >= 0) {
			assay_diag_add(d, ASSAY_SIGN_MANIFEST, lineno,
			    "paths not in strictly increasing byte order "
			    "(unsorted or duplicate)");
			goto out;
		}
		if ((r = assay_walk_list_add(es, copy, ASSAY_WALK_FILE, sha)) != 0)
			goto out;
		r = ASSAY_ERR_PARSE;
	}
	if (lineno < 2) {
		assay_diag_add(d, ASSAY_SIGN_MANIFEST, lineno,
		    "truncated: no \"%s\" line", ASSAY_SIGN_HASH_LINE);
		goto out;
	}
	r = 0;
 out:
	free(copy);
	return r;
}

/* Compares the listed files (sorted) with what is on disk (sorted). */
size_t
assay_manifest_compare(const struct assay_walk_list *want,
    const struct assay_walk_list *have, struct assay_diag *problems)
{
	char hw[ASSAY_SHA256_HEX_LEN + 1], hh[ASSAY_SHA256_HEX_LEN + 1];
	size_t i = 0, j = 0, nmatched = 0;
	int c;

	while (i < want->n || j < have->n) {
		if (i == want->n)
			c = 1;
		else if (j == have->n)
			c = -1;
		else
			c = strcmp(want->v[i].path, have->v[j].path);
		if (c < 0) {
			assay_diag_add(problems, want->v[i].path, 0,
			    "listed in MANIFEST but missing");
			i++;
		} else if (c > 0) {
			if (have->v[j].kind == ASSAY_WALK_FILE)
				assay_diag_add(problems, have->v[j].path, 0,
				    "not listed in MANIFEST (added)");
			else
				assay_diag_add(problems, have->v[j].path, 0,
				    "%s, not listed in MANIFEST",
				    assay_walk_kind_reason(have->v[j].kind));
			j++;
		} else {
			if (have->v[j].kind != ASSAY_WALK_FILE)
				assay_diag_add(problems, have->v[j].path, 0,
				    "listed in MANIFEST but is a %s",
				    assay_walk_kind_reason(have->v[j].kind));
			else if (memcmp(want->v[i].sha, have->v[j].sha,
			    ASSAY_SHA256_LEN) != 0) {
				assay_hex_encode(want->v[i].sha, ASSAY_SHA256_LEN, hw);
				assay_hex_encode(have->v[j].sha, ASSAY_SHA256_LEN, hh);
				assay_diag_add(problems, have->v[j].path, 0,
				    "content differs (SHA-256 listed %.16s..., "
				    "found %.16s...)", hw, hh);
			} else
				nmatched++;
			i++;
			j++;
		}
	}
	return nmatched;
}

/* Without a usable MANIFEST, still name what no report may contain. */
void
assay_manifest_note_unsafe(const struct assay_walk_list *have,
    struct assay_diag *problems)
{
	size_t i;

	for (i = 0; i < have->n; i++)
		if (have->v[i].kind != ASSAY_WALK_FILE)
			assay_diag_add(problems, have->v[i].path, 0, "%s",
			    assay_walk_kind_reason(have->v[i].kind));
}

int
assay_manifest_collect(int dfd, struct assay_walk_list *es)
{
	static const char *const reserved[] = { ASSAY_SIGN_MANIFEST,
	    ASSAY_SIGN_SIGNATURE, NULL };

	return assay_walk_dir(dfd, reserved, es);
}
