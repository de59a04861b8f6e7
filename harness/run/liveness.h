/*
 * liveness.h - the liveness watch: is the device still answering?
 *
 * While test cases talk to the device (a budget slot asked for within the
 * last second), a small watcher process connects to one declared TCP
 * service of it every interval (the set-up's <liveness>, setup/README.md).  When the service stops answering, the watcher pauses
 * the per-device budget (probe.h: every acquire waits); when it answers
 * again, the budget resumes at a lower rate under a lowered ceiling; when
 * it stays silent past the bound, the budget stops (every acquire fails)
 * and the engine ends the test cases that ran from then on INCONCLUSIVE.
 * Each pause is an incident the budget records (time, rate in force, how
 * long the device was down); the engine keeps them in the evidence
 * (run.info device_liveness) and the reports show them.
 */
#ifndef ASSAY_LIVENESS_H
#define ASSAY_LIVENESS_H

#include <stddef.h>

struct assay_budget;
struct assay_liveness;
struct assay_run;

/* Failed connects in a row before the device counts as not answering. */
#define ASSAY_LIVENESS_MISSES	2

/*
 * Starts the watcher on host:port (a numeric address or a name, resolved
 * here, before the fork).  The watch arms at the service's first answer:
 * a service that never answered is not watched (so a declared service
 * that is down from the start pauses nothing).  Returns 0 and *lp, or a
 * negative ASSAY_ERR_*; a host that does not resolve is
 * ASSAY_ERR_NETWORK with why set.  The watcher dies with its parent.
 */
int	assay_liveness_start(struct assay_budget *b, const char *host,
	    unsigned int port, int interval_ms, int give_up_s,
	    struct assay_liveness **lp, char *why, size_t whylen);
/* Stops the watcher and waits for it; NULL is fine. */
void	assay_liveness_stop(struct assay_liveness *l);

/*
 * Appends the budget's incidents to text (the evidence's form: one
 * "AT_MS RATE DOWN_MS RECOVERED" group per incident, separated by ";").
 * Returns 0 or ASSAY_ERR_NOSPACE when text[len] is too small.
 */
int	assay_liveness_format(struct assay_budget *b, char *text, size_t len);

/*
 * Reads incidents back from that text into run (its incident list), and
 * applies the rule: when the device did not come back, every test case
 * that was still running or ran after it stopped answering and whose
 * verdict is PASS, INCONCLUSIVE or ERROR becomes INCONCLUSIVE, "device
 * stopped answering at N connections/s"; a FAIL stays (it rests on
 * evidence gathered before), as do NOT APPLICABLE and NOT FULFILLED
 * (judged from the forms), and conceptual test cases (from documents).
 * Returns the number of test cases changed.
 */
size_t	assay_liveness_apply(struct assay_run *run, const char *text);

#endif /* ASSAY_LIVENESS_H */
