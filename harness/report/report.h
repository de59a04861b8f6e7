/*
 * report.h - the run model and the writers that turn it into files.
 *
 * One model (struct assay_run, filled by the engine), several writers:
 * report.json, report.xml (schema reports/report.xsd), report.html and
 * junit.xml.  Every string that came from the device or a
 * form is escaped by the writer; secrets were masked before they got here.
 */
#ifndef ASSAY_REPORT_H
#define ASSAY_REPORT_H

#include <stddef.h>

#include "run/evidence.h"
#include "forms/forms.h"
#include "run/verdict.h"

struct assay_spec;
struct assay_catalogue;

/* Per provision, as decided by the engine. */
struct assay_prov_outcome {
	/*
	 * Applies to the device: not N/A, no false condition, not a
	 * recommendation declared not fulfilled.  A mandatory provision
	 * declared N is applicable (and FAIL).
	 */
	int			 applicable;
	int			 ics_decided;	/* verdict from the ICS, nothing runs */
	int			 in_scope;	/* selected for this run */
	int			 has_fail;	/* FAIL verdict, test case or unit */
	size_t			 nselected;	/* its test cases selected to run */
	enum assay_support	 support;
	int			 support_known;
	const char		*detail;	/* borrowed from the forms */
	enum assay_verdict	 verdict;
	char			*reason;
	size_t			 ntc;		/* catalogue test cases for it */
};

/*
 * Who made the report, for whom (ISO/IEC 17025 7.8.2.1): from `assay run`
 * options or a --lab-config file.  Any field may be NULL ("not stated").
 */
struct assay_report_meta {
	const char	*lab_name;
	const char	*lab_address;
	const char	*location;	/* where testing took place */
	const char	*customer;
	const char	*customer_contact;
	const char	*assessor;	/* who made the judgements */
	const char	*authorised_by;	/* who authorises the report */
};

struct assay_run;

/* A file the assessor attached (a photo of a label, notes, a capture). */
struct assay_observation {
	char	*test_case;	/* the test case it documents, or NULL (general) */
	char	*file;		/* path inside the run directory */
	char	 sha256[65];
	char	*recorded_by;	/* the assessor, or NULL */
	char	 recorded_at[32];
};

/* A departure from the method, derived from the run (ISO/IEC 17025 7.8.2.1 n). */
struct assay_deviation {
	const char	*kind;	/* "excluded", "not-assessed", "manual-step", "incomplete" */
	const char	*ref;	/* test case or provision id, or NULL */
	const char	*text;	/* borrowed from the run */
};

/* Calls fn for each deviation of the run, in report order. */
void	assay_report_deviations(const struct assay_run *r,
	    void (*fn)(void *, const struct assay_deviation *), void *arg);

struct assay_run {
	struct assay_report_meta	 meta;
	struct assay_observation	*observations;
	size_t				 nobservations;
	/* Masks IXIT secrets in every string the writers output; may be NULL. */
	const struct assay_evidence	*mask;
	const struct assay_forms	*forms;
	const struct assay_spec		*spec;
	const struct assay_catalogue	*catalogue;
	char				 report_id[64];
	char				 started[32];
	char				 finished[32];
	int				 complete;	/* every selected tc done */
	/* The selection (--only), space-separated; "" for the full scope. */
	char				 scope[1024];
	int				 jobs;
	struct assay_result		*results;	/* per catalogue tc */
	int				*selected;	/* per catalogue tc: ran or would */
	struct assay_prov_outcome	*prov;		/* per spec provision */
	enum assay_verdict		 verdict;	/* worst test case in scope */
	size_t				 tc_counts[ASSAY_VERDICT_COUNT];
	/* Provisions in scope by verdict; out of scope in tally.out_of_scope. */
	size_t				 prov_counts[ASSAY_VERDICT_COUNT];
	struct assay_tally		 tally;
	enum assay_overall		 result;	/* the decision rule's */
};

/*
 * The decision rule (ISO/IEC 17025 7.8.6), the same text in every report:
 * ASSAY_DECISION_RULE_ID and this text.  Static storage.
 */
const char	*assay_report_decision_rule(void);
/*
 * Fills r->tally and r->result from r->prov (after aggregation) by
 * assay_overall_decide.
 */
void	assay_report_decide(struct assay_run *r);
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

/* Writes r as JSON / XML to path (atomically).  0 or ASSAY_ERR_*. */
int	assay_report_write_json(const struct assay_run *r, const char *path);
int	assay_report_write_xml(const struct assay_run *r, const char *path);
/*
 * Writes report.html: self-contained, printable; dir is the run directory
 * (evidence excerpts are read from it).  0 or ASSAY_ERR_*.
 */
int	assay_report_write_html(const struct assay_run *r, const char *dir,
	    const char *path);
/* Writes junit.xml (one testcase per test case).  0 or ASSAY_ERR_*. */
int	assay_report_write_junit(const struct assay_run *r, const char *path);
/*
 * The writers mask through the run's evidence store; these expose that to
 * the writers in other files.  assay_report_masked returns a malloc'd copy.
 */
void	assay_report_set_mask(const struct assay_evidence *ev);
char	*assay_report_masked(const char *s);
/* Prints the human summary (counts, FAILs) to fp. */
void	assay_report_print_summary(const struct assay_run *r, FILE *fp);

#endif
