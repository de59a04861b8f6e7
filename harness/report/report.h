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
/* "NOT IN SCOPE" for a provision not selected, else its verdict's name. */
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

/* The i-th format (json, xml, html, junit), or NULL past the last. */
const struct assay_report_format *assay_report_format(size_t i);
/*
 * Writes r in format f to path, atomically and fsync'ed (base/file.h).
 * Returns 0 or a negative ASSAY_ERR_*; path is then unchanged.
 */
int	assay_report_write(const struct assay_report_format *f,
	    const struct assay_run *r, const char *dir, const char *path);
/*
 * Writes every format into the run directory dir.  Each failure is added
 * to d (may be NULL) with its path; returns 0 or the first error.
 */
int	assay_report_write_all(const struct assay_run *r, const char *dir,
	    struct assay_diag *d);

/* The writers of report.html and junit.xml (html.c, junit.c). */
int	assay_report_html(const struct assay_run *r, const char *dir, FILE *fp);
int	assay_report_junit(const struct assay_run *r, const char *dir, FILE *fp);
/*
 * A new libxml2 text writer over fp, which stays the caller's (flushed,
 * never closed); free it with xmlFreeTextWriter().  NULL when out of memory.
 */
struct _xmlTextWriter	*assay_report_xml_writer(FILE *fp);
/* Prints the human summary (counts, FAILs) to fp. */
void	assay_report_print_summary(const struct assay_run *r, FILE *fp);

#endif
