/*
 * manifest.h - the MANIFEST of a signed report directory.
 *
 * What is signed says what it is: the first line is the purpose and
 * version ("assay-report-manifest 1"), the second names the hash
 * ("hash sha256"), then one line per regular file, sorted by path in byte
 * order: 64 lowercase hex digits, two spaces, the relative path.  MANIFEST
 * and report.p7s are not listed.  See docs/sign.md.
 */
#ifndef ASSAY_MANIFEST_H
#define ASSAY_MANIFEST_H

#include <stddef.h>

#include "report/walk.h"

struct assay_buf;
struct assay_diag;

#define ASSAY_SIGN_MANIFEST		"MANIFEST"
#define ASSAY_SIGN_SIGNATURE		"report.p7s"
#define ASSAY_SIGN_PURPOSE		"assay-report-manifest 1"
#define ASSAY_SIGN_HASH_LINE		"hash sha256"
#define ASSAY_SIGN_MAX_MANIFEST_LEN	(16 * 1024 * 1024)

/*
 * Lists the directory dfd (borrowed) as a MANIFEST would: every entry
 * but MANIFEST and report.p7s at the top, sorted.  As assay_walk_dir().
 */
int	assay_manifest_collect(int dfd, struct assay_walk_list *es);
/*
 * The MANIFEST text for es (sorted, every entry a regular file) in a new
 * buffer the caller frees.  Returns 0, ASSAY_ERR_ALLOC or ASSAY_ERR_TOO_BIG.
 */
int	assay_manifest_build(const struct assay_walk_list *es,
	    struct assay_buf **bp);
/*
 * Parses MANIFEST text into es.  The first problem goes to d as
 * "MANIFEST:line: why" and ends the parse: ASSAY_ERR_PARSE,
 * ASSAY_ERR_UNSAFE_PATH (absolute, "..", reserved name),
 * ASSAY_ERR_TOO_BIG, or ASSAY_ERR_ALLOC.
 */
int	assay_manifest_parse(const char *data, size_t len,
	    struct assay_walk_list *es, struct assay_diag *d);
/*
 * Compares what MANIFEST lists (want) with what is on disk (have), both
 * sorted; each difference goes to problems under its path.  Returns how
 * many listed files matched.
 */
size_t	assay_manifest_compare(const struct assay_walk_list *want,
	    const struct assay_walk_list *have, struct assay_diag *problems);
/* Without a usable MANIFEST: names each entry of have no report may hold. */
void	assay_manifest_note_unsafe(const struct assay_walk_list *have,
	    struct assay_diag *problems);

#endif /* ASSAY_MANIFEST_H */
