/*
 * report.h - the writers that turn the run model (run/model.h) into files.
 *
 * One model (struct assay_run, filled by the engine), one table of
 * formats: report.json, report.xml (schema reports/report.xsd),
 * report.html and junit.xml.  Every string that came from the device or
 * a form is escaped by the writer and passed through the run's mask
 * (struct assay_mask); each file is written atomically and fsync'ed.
 */
#ifndef ASSAY_REPORT_H
#define ASSAY_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "run/model.h"

struct assay_buf;

/*
 * The decision rule (ISO/IEC 17025 7.8.6), the same text in every report:
 * ASSAY_DECISION_RULE_ID and this text.  Static storage.
 */
const char	*assay_report_decision_rule(void);
/* Masked copy of s through m (malloc'd); NULL for NULL s or no memory. */
char	*assay_mask_apply(const struct assay_mask *m, const char *s);
/*
 * One line saying the overall result, what was assessed and the scope,
 * e.g. "INCOMPLETE: assessed 9 of 46 applicable provisions; ...".
 * Writes at most len bytes into buf (always terminated); returns buf.
 */
char	*assay_report_result_line(const struct assay_run *r, char *buf,
	    size_t len);
/*
 * A profile item's verdict name (run/profile.h): the worst of the
 * provisions that assess it; "NONE" when it has none or not all of them
 * are in scope, "NOT IN SCOPE" when none is.  reason gets why (or "").
 */
struct assay_profile_item;
const char *assay_report_item_verdict(const struct assay_run *r,
	    const struct assay_profile_item *it, char *reason, size_t len);
/*
 * What a statement section (the uk-psti profile's) can fill from the
 * run: device identity from the ICS, support period and disclosure
 * policy from the IXIT's 2-UserInfo facts (NULL when not declared), each
 * profile item's verdict, and the report id; fn(arg, label, value).
 */
void	assay_report_statement_fields(const struct assay_run *r,
	    void (*fn)(void *, const char *, const char *), void *arg);
/*
 * "NOT IN PROFILE" for a provision outside the run's profile, "NOT IN
 * SCOPE" for one not selected, else its verdict's name.
 */
const char *assay_report_prov_verdict_name(const struct assay_prov_outcome *p);
/* The scope as words: "full (every provision of the ICS)" or "--only ...". */
const char *assay_report_scope_text(const struct assay_run *r, char *buf,
	    size_t len);

/*
 * Masked copy of s through m that xmlTextWriter can write into any XML
 * 1.0 document (report.xml, junit.xml): ill-formed UTF-8 (base/utf8.h)
 * and characters XML 1.0 does not allow (C0 controls but tab, LF, CR;
 * U+FFFE, U+FFFF) become U+FFFD; bidirectional formatting characters
 * (U+202A-U+202E, U+2066-U+2069) and C1 controls become a visible
 * "[U+202E]".  Malloc'd; NULL for NULL s or no memory.
 */
char	*assay_report_xml_text(const struct assay_mask *m, const char *s);

/*
 * Writers' helpers over xmlTextWriter, each through assay_report_xml_text:
 * an attribute, an element with text, text.  A NULL value writes nothing.
 * Shared by report.xml and the review worksheet.
 */
struct _xmlTextWriter;
void	 assay_report_x_attr(const struct assay_mask *m,
	    struct _xmlTextWriter *w, const char *name, const char *value);
void	 assay_report_x_elem(const struct assay_mask *m,
	    struct _xmlTextWriter *w, const char *name, const char *text);
void	 assay_report_x_text(const struct assay_mask *m,
	    struct _xmlTextWriter *w, const char *text);

/* The namespace of report.xml (reports/report.xsd); verify reads it too. */
#define ASSAY_REPORT_XML_NS	"urn:assay:report:1"

struct assay_diag;

/*
 * One report format: its name, the file it writes in the run directory,
 * and the writer, which prints r to fp (borrowed, never closed) and may
 * read evidence from dir.  Every string goes through r->mask.  A writer
 * returns 0 or a negative ASSAY_ERR_*; write errors on fp are caught when
 * the file is committed.
 */
struct assay_report_format {
	const char	*name;
	const char	*file;
	int		(*write)(const struct assay_run *r, const char *dir,
			    FILE *fp);
};

/*
 * For the writers: an error they carry on from (a string that could not
 * be made).  assay_report_write() then returns it and commits nothing.
 * assay_mask_apply() notes its own allocation failures.
 */
void	assay_report_note_error(int r);

/* The i-th format (json, xml, html, junit, sarif), or NULL past the last. */
const struct assay_report_format *assay_report_format(size_t i);
/*
 * Writes r in format f to path, atomically and fsync'ed (base/file.h).
 * Returns 0 or a negative ASSAY_ERR_*; path is then unchanged.
 */
int	assay_report_write(const struct assay_report_format *f,
	    const struct assay_run *r, const char *dir, const char *path);
/*
 * Writes every format into the run directory dir as one issue of the
 * report: fields r->meta leaves unset are taken from dir/report.meta (an
 * earlier issue), the issue date is now, the draft flag follows from
 * lab, customer and authoriser, and the result is kept in
 * dir/report.meta first.  Each failure is added to d (may be NULL) with
 * its path; returns 0 or the first error.
 */
int	assay_report_write_all(const struct assay_run *r, const char *dir,
	    struct assay_diag *d);

/* The writers of report.html and junit.xml (html.c, junit.c). */
int	assay_report_html(const struct assay_run *r, const char *dir, FILE *fp);
int	assay_report_junit(const struct assay_run *r, const char *dir, FILE *fp);
/* report.sarif, SARIF 2.1.0 for code-scanning dashboards (sarif.c). */
int	assay_report_sarif(const struct assay_run *r, const char *dir, FILE *fp);
/*
 * A new libxml2 text writer over fp, which stays the caller's (flushed,
 * never closed); free it with xmlFreeTextWriter().  NULL when out of memory.
 */
struct _xmlTextWriter	*assay_report_xml_writer(FILE *fp);
/* Prints the human summary (counts, FAILs) to fp. */
void	assay_report_print_summary(const struct assay_run *r, FILE *fp);

/* --- the report's own details (ISO/IEC 17025 7.8) ------------------------ */

/*
 * DIR/report.meta keeps what a run was told about its report (lab,
 * customer, authoriser, receipt and state of the device, revision) so
 * every rebuild of the reports (resume, review, amend) states the same.
 * Format: a line "assay-report-meta 1", then "KEY VALUE" lines, the value
 * percent-encoded as in run.info (%, controls and DEL as %XX).  Keys are
 * the names of assay_report_meta_key().
 */
#define ASSAY_REPORT_META_FILE		"report.meta"
#define ASSAY_REPORT_META_MAGIC		"assay-report-meta 1"
#define ASSAY_REPORT_META_MAX_LEN	(256 * 1024)
#define ASSAY_REPORT_META_NKEYS		12

/* Owned copies of the strings a meta loaded from a file points to. */
struct assay_report_meta_store {
	char	*s[ASSAY_REPORT_META_NKEYS];
};

/*
 * The i-th key of report.meta ("lab", "lab-address", "location",
 * "customer", "customer-contact", "assessor", "authorised-by",
 * "device-received", "device-state", "replaces", "amendment",
 * "revision"), or NULL past the last.  The first nine are also the keys
 * of a --lab-config file and the names of the `assay run` options.
 */
const char	*assay_report_meta_key(size_t i);
/*
 * Sets the field of m named key to value (borrowed: m points to it);
 * "revision" is parsed (1..9999); NULL clears the field.  Returns 0,
 * ASSAY_ERR_NOT_FOUND for an unknown key, or ASSAY_ERR_PARSE for a value
 * the key does not accept (device-received not a date YYYY-MM-DD,
 * device-state not factory-default or initialised, revision not a
 * number).
 */
int	assay_report_meta_set(struct assay_report_meta *m, const char *key,
	    const char *value);
/* The field of m named key (NULL when unset); revision is not a string. */
const char *assay_report_meta_get(const struct assay_report_meta *m,
	    const char *key);
/* 1 when s is a calendar date YYYY-MM-DD (1970..9999), else 0. */
int	assay_report_date_ok(const char *s);
/* 1 when s is "factory-default" or "initialised". */
int	assay_report_state_ok(const char *s);
/*
 * Reads DIR/report.meta into *m (zeroed first; strings owned by st,
 * which the caller frees with assay_report_meta_store_free()).  No file
 * is 0 with m empty and *found 0 (found may be NULL).  A malformed file
 * is ASSAY_ERR_PARSE, named in d as report.meta:LINE.
 */
int	assay_report_meta_load(const char *dir, struct assay_report_meta *m,
	    struct assay_report_meta_store *st, int *found,
	    struct assay_diag *d);
/*
 * The same for len bytes of report.meta text at data (name for the
 * messages).  Exposed for the fuzzer.
 */
int	assay_report_meta_parse(const char *name, const char *data, size_t len,
	    struct assay_report_meta *m, struct assay_report_meta_store *st,
	    struct assay_diag *d);
void	assay_report_meta_store_free(struct assay_report_meta_store *st);
/*
 * Writes m as DIR/report.meta, atomically (base/file.h).  The issue date
 * is not kept: each issue of the reports has its own.  Returns 0 or a
 * negative ASSAY_ERR_*.
 */
int	assay_report_meta_save(const char *dir,
	    const struct assay_report_meta *m);
/*
 * Fills dst's unset fields from base (what an earlier issue stated):
 * options given now win, the rest is kept.  revision: dst's when set
 * (> 0), else base's, else 1.
 */
void	assay_report_meta_merge(struct assay_report_meta *dst,
	    const struct assay_report_meta *base);
/*
 * What a signed report needs and m lacks (ISO/IEC 17025 7.8.2.1): up to
 * three of "lab name (--lab)", "customer (--customer)", "who authorises
 * the report (--authorised-by)" into names (static strings).  Returns
 * how many; 0 means not a draft.
 */
size_t	assay_report_draft_missing(const struct assay_report_meta *m,
	    const char **names, size_t max);
/*
 * The statement every report makes about what the customer supplied
 * (the ICS and IXIT), and about judgements (opinions and
 * interpretations, 7.8.7).  Static storage.
 */
const char	*assay_report_customer_statement(void);
/*
 * Appends to out what changed from the report.xml at old_xml (an earlier
 * revision) to r: the overall result, and each test case and unit whose
 * verdict differs, as "; "-separated items ("5.1-1-1 unit a:
 * INCONCLUSIVE -> PASS").  *n gets the number of items, *njudgements
 * the judgements the earlier revision listed.  Returns 0,
 * ASSAY_ERR_PARSE (old_xml not a report), or another ASSAY_ERR_*.
 */
int	assay_report_changes(const struct assay_run *r, const char *old_xml,
	    struct assay_buf *out, size_t *n, size_t *njudgements);
const char	*assay_report_opinion_statement(void);

#endif
