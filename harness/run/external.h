/*
 * run/external.h - the lab's files as external evidence (TS 103 701
 * clause 4.7) in the report: run->externals.
 */
#ifndef ASSAY_RUN_EXTERNAL_H
#define ASSAY_RUN_EXTERNAL_H

struct assay_run;
struct assay_forms;
struct assay_evidence;

/*
 * From the set-up's <artefacts> into run->externals, and kept in the run
 * directory as forms/external.tsv.  Returns 0 or an ASSAY_ERR_* code.
 */
int	assay_external_collect(struct assay_run *run,
	    const struct assay_forms *f, struct assay_evidence *ev);
/* The list a run kept (report rebuilt from its directory); none is 0. */
int	assay_external_load(struct assay_run *run, const char *out_dir);
/* Fills each one's used_by from the transcripts under out_dir/evidence. */
int	assay_external_used_by(struct assay_run *run, const char *out_dir);
void	assay_external_free(struct assay_run *run);

#endif /* ASSAY_RUN_EXTERNAL_H */
