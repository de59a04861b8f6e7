/*
 * model.h - the run model: what a run decided, filled by the engine and
 * read by every report writer (report/report.h).  Plain data; the engine
 * owns it and lends it to its caller's finish function.
 */
#ifndef ASSAY_RUN_MODEL_H
#define ASSAY_RUN_MODEL_H

#include <stddef.h>

#include "base/hash.h"
#include "forms/forms.h"
#include "run/verdict.h"

/*
 * How the writers hide IXIT secrets: apply(arg, s) returns a malloc'd copy
 * of s with every secret replaced, or NULL when out of memory.  A zero
 * mask (apply NULL) copies unchanged.  The engine points it at the run's
 * evidence store; the writers never see the store itself.
 */
struct assay_mask {
	char		*(*apply)(const void *arg, const char *s);
	const void	*arg;
};

struct assay_spec;
struct assay_catalogue;
struct assay_profile;

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
	int			 out_of_profile; /* the run's profile leaves it out */
	size_t			 nexpected;	/* test cases the profile runs */
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
	/* The item tested (7.8.2.1 f, 7.8.2.1 h): */
	const char	*device_received;	/* date of receipt, YYYY-MM-DD */
	const char	*device_state;	/* "factory-default" or "initialised" */
	/* Revisions (7.8.8): 1 for the first issue. */
	int		 revision;
	const char	*replaces;	/* "<report id> revision N", or NULL */
	const char	*amendment;	/* what changed, for revision > 1 */
	const char	*issued;	/* issue date, ISO 8601 UTC */
};

struct assay_run;

/* A file the assessor attached (a photo of a label, notes, a capture). */
struct assay_observation {
	char	*test_case;	/* the test case it documents, or NULL (general) */
	char	*file;		/* path inside the run directory */
	char	 sha256[ASSAY_SHA256_HEX_LEN + 1];
	char	*recorded_by;	/* the assessor, or NULL */
	char	 recorded_at[32];
};

/*
 * A file the lab supplied (the set-up's <artefacts>): a capture, a
 * firmware image, another tool's report.  External evidence in the sense
 * of TS 103 701 clause 4.7; the report lists each with its hash and the
 * test cases that read it.
 */
struct assay_external {
	char	 kind[16];	/* "capture", "firmware", "nmap", ... */
	char	 id[48];
	char	*file;		/* as the set-up file writes it */
	char	 sha256[ASSAY_SHA256_HEX_LEN + 1];
	unsigned long long size;
	char	*used_by;	/* test case ids, space-separated; "" for none */
};

/* A departure from the method, from the run (ISO/IEC 17025 7.8.2.1 n). */
struct assay_deviation {
	const char	*kind;	/* "excluded", "not-assessed", "manual-step", "incomplete" */
	const char	*ref;	/* test case or provision id, or NULL */
	const char	*text;	/* borrowed from the run */
};

/*
 * Whether the report lists provision i (a spec index) and catalogue test
 * case t.  Everything, except a provision new or split in EN 303 645
 * V3.1.3 (an extra, forms/spec.h) outside the run's profile, and its test
 * cases: those are not part of the run, so a run under a V2.1.1 profile
 * reports what it reported before the extras existed.  Every writer asks
 * these.
 */
int	assay_run_lists_provision(const struct assay_run *r, size_t i);
int	assay_run_lists_testcase(const struct assay_run *r, size_t t);
/* Whether catalogue test case t is Assay's own (for an extra), not TS 103 701's. */
int	assay_run_testcase_assay_defined(const struct assay_run *r, size_t t);
/* How many provisions the report lists. */
size_t	assay_run_nlisted(const struct assay_run *r);

/* Calls fn for each deviation of the run, in report order. */
void	assay_report_deviations(const struct assay_run *r,
	    void (*fn)(void *, const struct assay_deviation *), void *arg);

struct assay_judgement;

/* The device stopped answering the liveness watch (run/liveness.h). */
#define ASSAY_RUN_MAX_INCIDENTS	16
struct assay_run_incident {
	long long	 at_ms;		/* wall clock, ms since the epoch */
	char		 at[32];	/* the same, ISO 8601 UTC */
	double		 rate;		/* connections/s in force then */
	long long	 down_ms;	/* how long it did not answer */
	int		 recovered;	/* 0: given up */
};

struct assay_run {
	struct assay_report_meta	 meta;
	/*
	 * The assessor's judgements recorded in the run directory (all of
	 * them, in order; run/review.h), already applied to the units of
	 * results[]: a unit judged has by == ASSAY_BY_ASSESSOR and points
	 * at its record.
	 */
	const struct assay_judgement	*judgements;
	size_t				 njudgements;
	/*
	 * Units of the test cases that ran still waiting for a person
	 * (basis "person", or left unrecorded, not judged), and units Assay
	 * decided from free text not yet confirmed by one: `assay review
	 * DIR` lists both.
	 */
	size_t				 units_pending;
	size_t				 units_text;
	struct assay_observation	*observations;
	size_t				 nobservations;
	struct assay_external		*externals;
	size_t				 nexternals;
	/* Masks IXIT secrets in every string the writers output. */
	struct assay_mask		 mask;
	const struct assay_forms	*forms;
	const struct assay_spec		*spec;
	const struct assay_catalogue	*catalogue;
	/* What the run is assessed against (run/profile.h), tailored or not. */
	const struct assay_profile	*profile;
	/* A restatement of another run (`assay report --profile`): its id. */
	const char			*view_of;
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
	/*
	 * A draft lacks the lab, the customer or who authorised it: every
	 * page says DRAFT and it is not signed (7.8.2.1 a, b, e, o).
	 */
	int				 draft;
	/* The method's limits (7.8.3): the probe budget and time limit. */
	int				 budget_max_connections;
	int				 budget_max_rate;
	int				 budget_adaptive;	/* max_rate a ceiling */
	/*
	 * The liveness watch (run/liveness.h): the service watched ("" when
	 * none) and the incidents it saw, from run.info device_liveness.
	 */
	char				 liveness_service[160];
	struct assay_run_incident	 incidents[ASSAY_RUN_MAX_INCIDENTS];
	size_t				 nincidents;
	long				 tc_timeout_ms;
	/* The forms as supplied by the customer (original hashes). */
	char				 ics_sha256[ASSAY_SHA256_HEX_LEN + 1];
	char				 ixit_sha256[ASSAY_SHA256_HEX_LEN + 1];
};

#endif /* ASSAY_RUN_MODEL_H */
