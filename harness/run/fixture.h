/*
 * fixture.h - run one test case against fixture forms and scripted device
 * replies, and compare its verdict with the expected one (docs/fixtures.md).
 *
 * A fixture file is a Lua chunk returning one table: the test case, the
 * forms (a base directory plus patches in the language of the validation
 * corpus), the replies of each assay.net probe function, and the expected
 * verdict, reason and unit verdicts.  The runner loads the forms with the
 * real loaders and runs the test case in the real sandbox with the real
 * `assay` API, except that every assay.net function that talks to a
 * device is replaced by one that hands out the scripted replies (url and
 * credential_list run for real); no device is needed.
 */
#ifndef ASSAY_FIXTURE_H
#define ASSAY_FIXTURE_H

#include <stddef.h>

struct assay_diag;

struct assay_fixture_opts {
	const char	*catalogue_dir;	/* NULL: <datadir>/testcases */
	int		 timeout_ms;	/* per fixture, <= 0: 20 s */
	/*
	 * NULL: the catalogue is loaded for each fixture.  Otherwise the
	 * catalogue loaded by the first fixture is kept in *cache and
	 * borrowed by the next ones (its load is most of a fixture's
	 * time); the caller frees it with assay_catalogue_free().
	 */
	struct assay_catalogue	**cache;
};

/*
 * Runs the fixture in path.  Returns 0 when it could be run, with *passed
 * set to 1 when the test case gave what the fixture expects and to 0
 * otherwise (each difference is in d, under the fixture's path).  Returns
 * ASSAY_ERR_PARSE (malformed fixture or patch), ASSAY_ERR_NOT_FOUND (no
 * such test case or base form), ASSAY_ERR_FORM/SCHEMA (patched forms do
 * not load), ASSAY_ERR_TOO_BIG, ASSAY_ERR_IO or ASSAY_ERR_ALLOC, with the
 * problem in d.  Nothing is written outside a temporary directory that is
 * removed before return.
 */
int	assay_fixture_run(const char *path, const struct assay_fixture_opts *o,
	    int *passed, struct assay_diag *d);

/*
 * Runs the test case of the fixture template_path (testcase, forms, patch,
 * judgement; no replies) against the real device with the real probes,
 * and writes to out_path a fixture with the same fields, the replies each
 * assay.net function gave (in call order, routed by port, URL, list...;
 * the forms' secrets replaced by "<secret>", a route holding one left
 * out) and expect = the verdict and
 * units the test case gave.  The author then checks that verdict and
 * trims the replies.  Returns 0 or an ASSAY_ERR_* code with the problem
 * in d.  out_path is replaced atomically.
 */
int	assay_fixture_record(const char *template_path, const char *out_path,
	    const struct assay_fixture_opts *o, struct assay_diag *d);

/*
 * Copies the forms of src_dir (ics.xml, ixit.xml, setup.xml) into out_dir
 * with the patch lines applied in order (docs/fixtures.md, "Patches").
 * where names the fixture in messages.  Returns 0, or ASSAY_ERR_PARSE (a
 * malformed line), ASSAY_ERR_NOT_FOUND (no such form, item, entry,
 * service...), ASSAY_ERR_IO or ASSAY_ERR_TOO_BIG, with the problem in d.
 * Exposed for the fuzz target.
 */
int	assay_fixture_patch_dir(const char *src_dir, const char *out_dir,
	    const char *const *lines, size_t nlines, const char *where,
	    struct assay_diag *d);

#endif /* ASSAY_FIXTURE_H */
