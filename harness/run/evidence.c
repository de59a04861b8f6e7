/*
 * evidence.c - run directory, journal, per-test-case evidence, masking.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/diag.h"
#include "base/error.h"
#include "base/file.h"
#include "base/redact.h"
#include "base/utf8.h"
#include "run/evidence.h"

#define RESULT_MAGIC	"assay-result 1"
#define INFO_MAGIC	"assay-run 1"
#define MAX_LINE	(256 * 1024)
#define MAX_INFO	(1024 * 1024)			/* run.info */
#define MAX_RESULT	(4u * 1024 * 1024)		/* result.txt */
#define MAX_JOURNAL	(64u * 1024 * 1024)

struct assay_evidence {
	char		*dir;
	int		 journal_fd;
	pthread_mutex_t	 mu;
	/*
	 * A test case may add a secret while others mask (--jobs):
	 * assay_evidence_tc_add_secret() writes under the lock, every mask
	 * reads under it.
	 */
	pthread_rwlock_t redact_lock;
	struct assay_redact *redact;	/* every spelling of every secret */
	char		*info_keys[32];
	char		*info_values[32];
	size_t		 ninfo;
};

struct assay_evidence_tc {
	struct assay_evidence	*ev;
	char			*id;
	char			*tdir;		/* DIR/evidence/<id> */
	FILE			*transcript;
	size_t			 transcript_len;
	int			 transcript_cut;
	int			 transcript_err;	/* errno of a failed write */
	long long		 t0_ms;		/* assay_clock_ms() at start */
	pthread_mutex_t		 mu;
	char			**files;	/* relative to DIR */
	size_t			 nfiles;
	unsigned long long	 artefact_room;	/* bytes it may still save */
	int			 room_known;	/* artefact_room measured */
};

void
assay_time_iso(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
assay_result_clear(struct assay_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->reason);
	for (i = 0; i < r->nunits; i++) {
		free(r->units[i].reason);
		free(r->units[i].probe);
		free(r->units[i].sample);
		free(r->units[i].tool_reason);
	}
	free(r->units);
	for (i = 0; i < r->nevidence; i++)
		free(r->evidence[i]);
	free(r->evidence);
	memset(r, 0, sizeof(*r));
}

int
assay_result_add_unit(struct assay_result *r, const char *unit,
    enum assay_verdict v, const char *reason)
{
	struct assay_unit_result *u;

	if ((u = realloc(r->units, (r->nunits + 1) * sizeof(*u))) == NULL)
		return ASSAY_ERR_ALLOC;
	r->units = u;
	u = &r->units[r->nunits];
	memset(u, 0, sizeof(*u));
	snprintf(u->unit, sizeof(u->unit), "%s", unit);
	u->verdict = v;
	/* Device bytes end up in reasons: only well-formed UTF-8 enters. */
	if (reason == NULL)
		reason = "";
	if ((u->reason = assay_utf8_clean(reason, strlen(reason), 0)) == NULL)
		return ASSAY_ERR_ALLOC;
	r->nunits++;
	return 0;
}

int
assay_result_set_unit(struct assay_result *r, const char *unit,
    enum assay_verdict v, const char *reason)
{
	struct assay_unit_result tmp;
	char *copy;
	size_t i;
	int r2;

	for (i = 0; i < r->nunits; i++)
		if (strcmp(r->units[i].unit, unit) == 0) {
			if ((copy = strdup(reason ? reason : "")) == NULL)
				return ASSAY_ERR_ALLOC;
			free(r->units[i].reason);
			r->units[i].reason = copy;
			r->units[i].verdict = v;
			return 0;
		}
	if ((r2 = assay_result_add_unit(r, unit, v, reason)) != 0)
		return r2;
	/* Keep the letters in order, as reports list them. */
	for (i = r->nunits - 1; i > 0 &&
	    strcmp(r->units[i - 1].unit, r->units[i].unit) > 0; i--) {
		tmp = r->units[i - 1];
		r->units[i - 1] = r->units[i];
		r->units[i] = tmp;
	}
	return 0;
}

int
assay_result_set_unit_how(struct assay_result *r, const char *unit,
    enum assay_basis basis, const char *probe, const char *sample)
{
	struct assay_unit_result *u = NULL;
	char *p = NULL, *q = NULL;
	size_t i;

	for (i = 0; i < r->nunits; i++)
		if (strcmp(r->units[i].unit, unit) == 0)
			u = &r->units[i];
	if (u == NULL)
		return ASSAY_ERR_NOT_FOUND;
	if ((probe != NULL && (p = assay_utf8_clean(probe, strlen(probe),
	    0)) == NULL) || (sample != NULL && (q = assay_utf8_clean(sample,
	    strlen(sample), 0)) == NULL)) {
		free(p);
		return ASSAY_ERR_ALLOC;
	}
	u->basis = basis;
	free(u->probe);
	free(u->sample);
	u->probe = p;
	u->sample = q;
	return 0;
}

/* Is this reason waiting for a person (testcases/README.md codes)? */
static int
reason_pending(const char *reason)
{
	return reason != NULL && (strncmp(reason, "REVIEW_PENDING", 14) == 0 ||
	    strncmp(reason, "MANUAL_STEP_PENDING", 19) == 0);
}

int
assay_result_fill_units(struct assay_result *r, int nunits)
{
	char letter[2] = { 0, 0 };
	size_t i, recorded = r->nunits;
	int k, e;

	for (k = 0; k < nunits && k < 26; k++) {
		struct assay_unit_result *u = NULL;

		letter[0] = (char)('a' + k);
		for (i = 0; i < r->nunits; i++)
			if (strcmp(r->units[i].unit, letter) == 0)
				u = &r->units[i];
		if (u != NULL)
			continue;
		if (r->verdict == ASSAY_VERDICT_ERROR || recorded == 0) {
			/*
			 * The test case spoke for all its units (it recorded
			 * none), or the harness ended it: each unit is that.
			 */
			e = assay_result_set_unit(r, letter, r->verdict,
			    r->reason ? r->reason : "");
		} else
			e = assay_result_set_unit(r, letter,
			    ASSAY_VERDICT_INCONCLUSIVE, "NOT_RECORDED: the test "
			    "case recorded no outcome for this unit");
		if (e != 0)
			return e;
		for (i = 0; i < r->nunits; i++)
			if (strcmp(r->units[i].unit, letter) == 0) {
				u = &r->units[i];
				u->by = r->verdict == ASSAY_VERDICT_ERROR ||
				    recorded != 0 ? ASSAY_BY_HARNESS : ASSAY_BY_ASSAY;
			}
	}
	/* A unit waiting for a person says so, whatever the script stated. */
	for (i = 0; i < r->nunits; i++)
		if (reason_pending(r->units[i].reason))
			r->units[i].basis = ASSAY_BASIS_PERSON;
	/* An unrecorded unit makes the test case at least INCONCLUSIVE. */
	if (recorded != 0 && r->verdict != ASSAY_VERDICT_ERROR)
		for (i = 0; i < r->nunits; i++)
			if (r->units[i].by == ASSAY_BY_HARNESS &&
			    assay_verdict_rank(r->verdict) <
			    assay_verdict_rank(ASSAY_VERDICT_INCONCLUSIVE)) {
				char *m;

				if (asprintf(&m, "unit %s: %s", r->units[i].unit,
				    r->units[i].reason) < 0)
					return ASSAY_ERR_ALLOC;
				free(r->reason);
				r->reason = m;
				r->verdict = ASSAY_VERDICT_INCONCLUSIVE;
			}
	return 0;
}

static int
add_evidence(struct assay_result *r, const char *path)
{
	char **v;

	if ((v = realloc(r->evidence, (r->nevidence + 1) * sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	r->evidence = v;
	if ((v[r->nevidence] = strdup(path)) == NULL)
		return ASSAY_ERR_ALLOC;
	r->nevidence++;
	return 0;
}

/* --- masking ------------------------------------------------------------ */

/*
 * Masks data into b: every spelling of every secret (base/redact.h: plain,
 * entities, JSON, percent, hex, base64, the Basic-auth pair) becomes the
 * mark, the longest first.
 */
/* The lock of a const store: masking reads, but readers still lock. */
static pthread_rwlock_t *
redact_lock(const struct assay_evidence *ev)
{
	return (pthread_rwlock_t *)&ev->redact_lock;
}

static int
mask_into(const struct assay_evidence *ev, struct assay_buf *b,
    const char *data, size_t len)
{
	int r;

	pthread_rwlock_rdlock(redact_lock(ev));
	r = assay_redact_into(ev->redact, b, data, len);
	pthread_rwlock_unlock(redact_lock(ev));
	return r;
}

int
assay_evidence_allow_public(struct assay_evidence *ev, const char *text)
{
	int r;

	pthread_rwlock_wrlock(&ev->redact_lock);
	r = assay_redact_allow(ev->redact, text);
	pthread_rwlock_unlock(&ev->redact_lock);
	return r;
}

char *
assay_evidence_mask(const struct assay_evidence *ev, const char *s)
{
	char *m;

	if (s == NULL)
		return NULL;
	if (ev == NULL)
		return assay_redact_str(NULL, s);
	pthread_rwlock_rdlock(redact_lock(ev));
	m = assay_redact_str(ev->redact, s);
	pthread_rwlock_unlock(redact_lock(ev));
	return m;
}

int
assay_evidence_tc_add_secret(struct assay_evidence_tc *tc, const char *secret,
    const char *user)
{
	struct assay_secret sec;
	int r;

	if (secret == NULL || *secret == '\0')
		return ASSAY_ERR_INVALID_ARG;
	if (tc == NULL)
		return 0;
	memset(&sec, 0, sizeof(sec));
	sec.value = secret;
	sec.user = user;
	pthread_rwlock_wrlock(&tc->ev->redact_lock);
	r = assay_redact_add(tc->ev->redact, &sec);
	pthread_rwlock_unlock(&tc->ev->redact_lock);
	return r;
}

/* --- small file helpers -------------------------------------------------- */

static int
write_all(int fd, const void *p, size_t len)
{
	const char *c = p;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, c, len)) < 0) {
			if (errno == EINTR)
				continue;
			return assay_file_error(errno);
		}
		c += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes dir/name atomically and durably (base/file.h: file and directory
 * fsync'ed).  A test case counts as done only with its result.txt and the
 * journal's "done" line, so a lost write makes --resume run it again.
 */
static int
write_atomic(const char *dir, const char *name, const void *data, size_t len)
{
	char path[ASSAY_PATH_MAX];
	int r;

	if ((r = assay_path_join(path, sizeof(path), dir, name)) != 0)
		return r;
	return assay_file_write_atomic(path, data, len, 0644);
}

/*
 * Reads dir/name (capped at max_len) into a malloc'd NUL-terminated
 * string for line parsing; the caller frees *textp.
 */
static int
read_text(const char *dir, const char *name, size_t max_len, char **textp)
{
	struct assay_buf *b = NULL;
	char path[ASSAY_PATH_MAX];
	int r;

	*textp = NULL;
	if ((r = assay_path_join(path, sizeof(path), dir, name)) != 0 ||
	    (r = assay_file_read(path, max_len, &b)) != 0)
		return r;
	if ((*textp = assay_buf_steal(b, NULL)) == NULL)
		r = ASSAY_ERR_ALLOC;
	assay_buf_free(b);
	return r;
}

/* The next line of *cursor (newline cut off), or NULL at the end. */
static char *
next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (line == NULL || *line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*cursor = nl + 1;
	} else
		*cursor = line + strlen(line);
	return line;
}

static int
rm_tree(const char *path)
{
	struct dirent *de;
	struct stat st;
	char sub[ASSAY_PATH_MAX];
	DIR *dp;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : ASSAY_ERR_IO;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) == 0 ? 0 : ASSAY_ERR_IO;
	if ((dp = opendir(path)) == NULL)
		return ASSAY_ERR_IO;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (assay_path_join(sub, sizeof(sub), path, de->d_name) == 0)
			rm_tree(sub);
	}
	closedir(dp);
	return rmdir(path) == 0 ? 0 : ASSAY_ERR_IO;
}

static char	*decode(const char *);

/* Percent-encodes s so it fits on one line of a key-value file. */
static int
put_encoded(struct assay_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int r = 0;

	for (; *p && r == 0; p++) {
		if (*p == '%' || *p < 0x20 || *p == 0x7f)
			r = assay_buf_printf(b, "%%%02X", *p);
		else
			r = assay_buf_put(b, p, 1);
	}
	return r;
}

int
assay_evidence_put_encoded(struct assay_buf *b, const char *s)
{
	return put_encoded(b, s);
}

char *
assay_evidence_decode(const char *s)
{
	return decode(s);
}

static char *
decode(const char *s)
{
	char *out, *o;

	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			char hex[3] = { s[1], s[2], 0 };
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

static int
valid_id(const char *id)
{
	const char *p;

	if (id == NULL || *id == '\0' || *id == '.' || strlen(id) > 64)
		return 0;
	for (p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' &&
		    *p != '_')
			return 0;
	return 1;
}

/* Creates the missing parents of path (like mkdir -p of its dirname). */
static int
mkdir_parents(const char *path)
{
	char buf[ASSAY_PATH_MAX], *p;

	if (assay_path_fmt(buf, sizeof(buf), "%s", path) != 0)
		return -1;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* --- run.info -------------------------------------------------------------- */

static int
write_info(struct assay_evidence *ev, const struct assay_run_info *info)
{
	struct assay_buf *b;
	size_t i;
	int r;

	if ((b = assay_buf_new(1024 * 1024)) == NULL)
		return ASSAY_ERR_ALLOC;
	r = assay_buf_puts(b, INFO_MAGIC "\n");
	for (i = 0; i < info->n && r == 0; i++) {
		char *v;

		/* Values come from the forms and the command line: masked. */
		if ((v = assay_evidence_mask(ev, info->values[i])) == NULL) {
			r = ASSAY_ERR_ALLOC;
			break;
		}
		if ((r = assay_buf_printf(b, "%s ", info->keys[i])) == 0 &&
		    (r = put_encoded(b, v)) == 0)
			r = assay_buf_puts(b, "\n");
		free(v);
	}
	if (r == 0)
		r = write_atomic(ev->dir, "run.info", assay_buf_data(b),
		    assay_buf_len(b));
	assay_buf_free(b);
	return r;
}

int
assay_evidence_set_info(struct assay_evidence *ev, const char *key,
    const char *value)
{
	struct assay_run_info info;
	char *k = NULL, *v;
	size_t i;

	if ((v = assay_evidence_mask(ev, value)) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < ev->ninfo; i++)
		if (strcmp(ev->info_keys[i], key) == 0)
			break;
	if (i == ev->ninfo) {
		if (ev->ninfo == sizeof(ev->info_keys) / sizeof(ev->info_keys[0]) ||
		    (k = strdup(key)) == NULL) {
			free(v);
			return ev->ninfo < 32 ? ASSAY_ERR_ALLOC : ASSAY_ERR_TOO_BIG;
		}
		ev->info_keys[ev->ninfo] = k;
		ev->info_values[ev->ninfo++] = v;
	} else {
		free(ev->info_values[i]);
		ev->info_values[i] = v;
	}
	memset(&info, 0, sizeof(info));
	for (i = 0; i < ev->ninfo; i++) {
		info.keys[i] = ev->info_keys[i];
		info.values[i] = ev->info_values[i];
	}
	info.n = ev->ninfo;
	return write_info(ev, &info);
}

static int
read_info(struct assay_evidence *ev)
{
	char *text = NULL;
	int r;

	if ((r = read_text(ev->dir, "run.info", MAX_INFO, &text)) != 0)
		return r;
	r = assay_evidence_parse_info(text, ev->info_keys, ev->info_values,
	    sizeof(ev->info_keys) / sizeof(ev->info_keys[0]), &ev->ninfo);
	free(text);
	return r;
}

int
assay_evidence_parse_info(char *text, char **keys, char **values,
    size_t max, size_t *n)
{
	char *cursor, *line, *sp;
	int first = 1, r = 0;

	cursor = text;
	while ((line = next_line(&cursor)) != NULL) {
		if (strlen(line) > MAX_LINE) {
			r = ASSAY_ERR_PARSE;
			break;
		}
		if (first) {
			first = 0;
			if (strcmp(line, INFO_MAGIC) != 0) {
				r = ASSAY_ERR_PARSE;
				break;
			}
			continue;
		}
		if ((sp = strchr(line, ' ')) == NULL || *n >= max)
			continue;
		*sp = '\0';
		keys[*n] = strdup(line);
		values[*n] = decode(sp + 1);
		(*n)++;
	}
	if (first)
		r = ASSAY_ERR_PARSE;
	return r;
}

const char *
assay_evidence_info(const struct assay_evidence *ev, const char *key)
{
	size_t i;

	for (i = 0; i < ev->ninfo; i++)
		if (ev->info_keys[i] != NULL && strcmp(ev->info_keys[i], key) == 0)
			return ev->info_values[i];
	return NULL;
}

/* --- open / free --------------------------------------------------------- */

void
assay_evidence_free(struct assay_evidence *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	if (ev->journal_fd >= 0)
		close(ev->journal_fd);
	assay_redact_free(ev->redact);
	for (i = 0; i < ev->ninfo; i++) {
		free(ev->info_keys[i]);
		free(ev->info_values[i]);
	}
	pthread_mutex_destroy(&ev->mu);
	pthread_rwlock_destroy(&ev->redact_lock);
	free(ev->dir);
	free(ev);
}

int
assay_evidence_open(const char *dir, int resume,
    const struct assay_run_info *info, const char *const *secrets,
    size_t nsecrets, struct assay_evidence **out, struct assay_diag *d)
{
	struct assay_secret *v = NULL;
	size_t i;
	int r;

	if (nsecrets > 0 && (v = calloc(nsecrets, sizeof(*v))) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < nsecrets; i++)
		v[i].value = secrets[i];
	r = assay_evidence_open_secrets(dir, resume, info, v, nsecrets, out, d);
	free(v);
	return r;
}

int
assay_evidence_open_secrets(const char *dir, int resume,
    const struct assay_run_info *info, const struct assay_secret *secrets,
    size_t nsecrets, struct assay_evidence **out, struct assay_diag *d)
{
	struct assay_evidence *ev = NULL;
	char path[ASSAY_PATH_MAX];
	const char *have;
	struct stat st;
	size_t i;
	int r = ASSAY_ERR_ALLOC;

	*out = NULL;
	if ((ev = calloc(1, sizeof(*ev))) == NULL)
		return ASSAY_ERR_ALLOC;
	ev->journal_fd = -1;
	pthread_mutex_init(&ev->mu, NULL);
	pthread_rwlock_init(&ev->redact_lock, NULL);
	if ((ev->dir = strdup(dir)) == NULL)
		goto out;
	if ((ev->redact = assay_redact_new()) == NULL)
		goto out;
	for (i = 0; i < nsecrets; i++)
		if ((r = assay_redact_add(ev->redact, &secrets[i])) != 0)
			goto out;
	r = ASSAY_ERR_ALLOC;

	/*
	 * A process killed inside an atomic write leaves its temporary file:
	 * never content, never to be signed.  One killed before run.info was
	 * in place leaves a directory holding nothing else: a run that never
	 * started, which --resume starts afresh.
	 */
	if ((r = assay_file_remove_leftovers(dir, 2, NULL)) != 0) {
		assay_diag_add(d, dir, 0, "cannot remove the temporary files "
		    "an interrupted run left: %s", strerror(errno));
		goto out;
	}
	if (resume && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	    assay_dir_empty(dir)) {
		assay_diag_warn(d, dir, 0, "the interrupted run never wrote "
		    "run.info: starting it afresh");
		resume = 0;
	}
	r = ASSAY_ERR_ALLOC;
	if (resume) {
		if ((r = read_info(ev)) != 0) {
			assay_diag_add(d, dir, 0, "cannot resume: no readable "
			    "run.info (%s)", assay_strerror(r));
			r = ASSAY_ERR_NOT_FOUND;
			goto out;
		}
		for (i = 0; i < info->n; i++) {
			char *now;

			/* run_* keys describe this run: kept from the original. */
			if (strncmp(info->keys[i], "run_", 4) == 0)
				continue;
			/* run.info holds masked values: compare those. */
			if ((now = assay_evidence_mask(ev, info->values[i])) == NULL) {
				r = ASSAY_ERR_ALLOC;
				goto out;
			}
			have = assay_evidence_info(ev, info->keys[i]);
			if (have == NULL || strcmp(have, now) != 0) {
				assay_diag_add(d, dir, 0, "cannot resume: %s "
				    "differs (run has \"%s\", now \"%s\")",
				    info->keys[i], have ? have : "-", now);
				r = ASSAY_ERR_EXISTS;
			}
			free(now);
		}
		if (r != 0)
			goto out;
	} else {
		if (stat(dir, &st) == 0) {
			if (!S_ISDIR(st.st_mode) || !assay_dir_empty(dir)) {
				assay_diag_add(d, dir, 0, "output directory exists "
				    "and is not empty (use --resume to finish an "
				    "interrupted run, or another directory)");
				r = ASSAY_ERR_EXISTS;
				goto out;
			}
		} else if (mkdir_parents(dir) != 0 || mkdir(dir, 0755) != 0) {
			assay_diag_add(d, dir, 0, "cannot create: %s",
			    strerror(errno));
			r = ASSAY_ERR_IO;
			goto out;
		}
		for (i = 0; i < info->n && i < 32; i++) {
			ev->info_keys[i] = strdup(info->keys[i]);
			/* Masked: --judgement text is the assessor's, free text. */
			ev->info_values[i] = assay_evidence_mask(ev,
			    info->values[i]);
			ev->ninfo++;
			if (ev->info_keys[i] == NULL || ev->info_values[i] == NULL)
				goto out;
		}
		if ((r = write_info(ev, info)) != 0) {
			assay_diag_add(d, dir, 0, "cannot write run.info");
			goto out;
		}
	}
	if ((r = assay_path_join(path, sizeof(path), dir, "evidence")) != 0)
		goto out;
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		r = ASSAY_ERR_IO;
		goto out;
	}
	if ((r = assay_path_join(path, sizeof(path), dir, "journal")) != 0)
		goto out;
	if ((ev->journal_fd = open(path, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0644)) < 0) {
		assay_diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		r = ASSAY_ERR_IO;
		goto out;
	}
	*out = ev;
	ev = NULL;
	r = 0;
 out:
	assay_evidence_free(ev);
	return r;
}

const char *
assay_evidence_dir(const struct assay_evidence *ev)
{
	return ev->dir;
}

const char *
assay_evidence_tc_dir(const struct assay_evidence_tc *tc)
{
	return tc->tdir;
}

int
assay_evidence_journal(struct assay_evidence *ev, const char *fmt, ...)
{
	char line[1024], ts[32], *masked;
	va_list ap;
	int n, m, r;

	assay_time_iso(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s ", ts);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return ASSAY_ERR_INVALID_ARG;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	if ((masked = assay_evidence_mask(ev, line)) == NULL)
		return ASSAY_ERR_ALLOC;
	pthread_mutex_lock(&ev->mu);
	if ((r = write_all(ev->journal_fd, masked, strlen(masked))) == 0 &&
	    fdatasync(ev->journal_fd) != 0)
		r = assay_file_error(errno);
	pthread_mutex_unlock(&ev->mu);
	free(masked);
	return r;
}

int
assay_evidence_save_data(struct assay_evidence *ev, const char *subdir,
    const char *name, const void *data, size_t len)
{
	struct assay_buf *out = NULL;
	char dir[ASSAY_PATH_MAX];
	int r;

	if (!valid_id(subdir) || !valid_id(name))
		return ASSAY_ERR_INVALID_ARG;
	if (len > ASSAY_EVIDENCE_MAX_ARTEFACT)
		return ASSAY_ERR_TOO_BIG;
	r = ASSAY_ERR_ALLOC;
	if ((out = assay_buf_new(len * 8 + 64)) == NULL)
		goto out;
	if ((r = mask_into(ev, out, data, len)) != 0)
		goto out;
	if ((r = assay_path_join(dir, sizeof(dir), ev->dir, subdir)) != 0)
		goto out;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		r = assay_file_error(errno);
		goto out;
	}
	r = write_atomic(dir, name, assay_buf_data(out), assay_buf_len(out));
 out:
	assay_buf_free(out);
	return r;
}

int
assay_evidence_save_masked(struct assay_evidence *ev, const char *subdir,
    const char *name, const char *src_path)
{
	struct assay_buf *in = NULL;
	int r;

	if (!valid_id(subdir) || !valid_id(name))
		return ASSAY_ERR_INVALID_ARG;
	if ((r = assay_file_read(src_path, ASSAY_EVIDENCE_MAX_ARTEFACT,
	    &in)) != 0)
		return r;
	r = assay_evidence_save_data(ev, subdir, name, assay_buf_data(in),
	    assay_buf_len(in));
	assay_buf_free(in);
	return r;
}

/* --- results ------------------------------------------------------------- */

static int
journal_has_done(struct assay_evidence *ev, const char *id)
{
	char *text = NULL;
	int found, r;

	/* 1 done, 0 not; a journal that could not be read is an error. */
	if ((r = read_text(ev->dir, "journal", MAX_JOURNAL, &text)) != 0)
		return r == ASSAY_ERR_NOT_FOUND ? 0 : r;
	found = assay_evidence_journal_done(text, id);
	free(text);
	return found;
}

int
assay_evidence_journal_done(char *text, const char *id)
{
	char *cursor, *line, needle[128];
	int found = 0;

	snprintf(needle, sizeof(needle), " done %s ", id);
	cursor = text;
	while ((line = next_line(&cursor)) != NULL)
		if (strstr(line, needle) != NULL)
			found = 1;
	return found;
}

int
assay_evidence_done(struct assay_evidence *ev, const char *id,
    struct assay_result *res)
{
	char tdir[ASSAY_PATH_MAX], *text = NULL;
	int ok, r;

	memset(res, 0, sizeof(*res));
	if (!valid_id(id))
		return 0;
	if ((r = journal_has_done(ev, id)) <= 0)
		return r;
	if (assay_path_fmt(tdir, sizeof(tdir), "%s/evidence/%s", ev->dir,
	    id) != 0)
		return 0;
	if ((r = read_text(tdir, "result.txt", MAX_RESULT, &text)) != 0)
		return r == ASSAY_ERR_ALLOC || r == ASSAY_ERR_IO ? r : 0;
	ok = assay_evidence_parse_result(text, res);
	free(text);
	return ok;
}

/*
 * "unitx <letter> <key> <value>": how a unit was decided (by, basis,
 * probe, sample).  p is the letter, q past it.  Unknown keys and units
 * are skipped (a newer Assay's result.txt stays readable).  Returns 0 or
 * ASSAY_ERR_ALLOC.
 */
static int
parse_unitx(struct assay_result *res, char *p, char *q)
{
	struct assay_unit_result *u = NULL;
	char *val, *dec;
	size_t i;

	*q++ = '\0';
	if ((val = strchr(q, ' ')) == NULL)
		return 0;
	*val++ = '\0';
	for (i = 0; i < res->nunits; i++)
		if (strcmp(res->units[i].unit, p) == 0)
			u = &res->units[i];
	if (u == NULL)
		return 0;
	if (strcmp(q, "by") == 0) {
		(void)assay_decider_parse(val, &u->by);
		if (u->by == ASSAY_BY_ASSESSOR)	/* only review/ says that */
			u->by = ASSAY_BY_ASSAY;
	} else if (strcmp(q, "basis") == 0)
		(void)assay_basis_parse(val, &u->basis);
	else if (strcmp(q, "probe") == 0 || strcmp(q, "sample") == 0) {
		if ((dec = decode(val)) == NULL || assay_utf8_fix(&dec) != 0) {
			free(dec);
			return ASSAY_ERR_ALLOC;
		}
		if (*q == 'p') {
			free(u->probe);
			u->probe = dec;
		} else {
			free(u->sample);
			u->sample = dec;
		}
	}
	return 0;
}

int
assay_evidence_parse_result(char *text, struct assay_result *res)
{
	char *cursor, *line, *p, *q;
	int ok = 0, first = 1, oom = 0;

	memset(res, 0, sizeof(*res));
	cursor = text;
	while ((line = next_line(&cursor)) != NULL) {
		if (first) {
			first = 0;
			if (strcmp(line, RESULT_MAGIC) != 0)
				break;
			continue;
		}
		if ((p = strchr(line, ' ')) == NULL)
			continue;
		*p++ = '\0';
		if (strcmp(line, "verdict") == 0) {
			if (assay_verdict_parse(p, &res->verdict) == 0)
				ok = 1;
		} else if (strcmp(line, "duration_ms") == 0)
			res->duration_ms = strtol(p, NULL, 10);
		else if (strcmp(line, "started") == 0)
			snprintf(res->started, sizeof(res->started), "%s", p);
		else if (strcmp(line, "reason") == 0) {
			free(res->reason);
			/* A result.txt from disk is checked like a new one. */
			if ((res->reason = decode(p)) == NULL ||
			    assay_utf8_fix(&res->reason) != 0)
				oom = 1;
		} else if (strcmp(line, "evidence") == 0) {
			if (add_evidence(res, p) != 0)
				oom = 1;
		}
		else if (strcmp(line, "unit") == 0 &&
		    (q = strchr(p, ' ')) != NULL) {
			enum assay_verdict v;
			char *sp2, *reason;

			*q++ = '\0';
			if ((sp2 = strchr(q, ' ')) != NULL)
				*sp2++ = '\0';
			if (assay_verdict_parse(q, &v) != 0)
				continue;
			if ((reason = decode(sp2 ? sp2 : "")) == NULL ||
			    assay_result_add_unit(res, p, v, reason) != 0)
				oom = 1;
			free(reason);
		} else if (strcmp(line, "unitx") == 0 &&
		    (q = strchr(p, ' ')) != NULL) {
			if (parse_unitx(res, p, q) != 0)
				oom = 1;
		}
	}
	if (oom) {
		/* Done on disk, but not read whole: never a partial result. */
		assay_result_clear(res);
		return ASSAY_ERR_ALLOC;
	}
	if (!ok) {
		assay_result_clear(res);
		return 0;
	}
	return 1;
}

/* --- per test case --------------------------------------------------------- */

/* Bytes of regular files in dir and, one level down, its subdirectories. */
static unsigned long long
tree_bytes(int dfd, int depth)
{
	unsigned long long n = 0;
	struct dirent *de;
	struct stat st;
	DIR *dp;
	int fd;

	if ((dp = fdopendir(dfd)) == NULL) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || fstatat(dirfd(dp), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode))
			n += (unsigned long long)st.st_size;
		else if (S_ISDIR(st.st_mode) && depth > 0 &&
		    (fd = openat(dirfd(dp), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) != -1)
			n += tree_bytes(fd, depth - 1);
	}
	closedir(dp);
	return n;
}

/*
 * What a new test case may still save: its own cap, or what is left of
 * the run's after what the evidence directory already holds.
 */
static unsigned long long
artefact_room(const struct assay_evidence *ev)
{
	unsigned long long used = 0;
	char path[ASSAY_PATH_MAX];
	int fd;

	if (assay_path_join(path, sizeof(path), ev->dir, "evidence") == 0 &&
	    (fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1)
		used = tree_bytes(fd, 1);
	if (used >= ASSAY_EVIDENCE_MAX_RUN_ARTEFACTS)
		return 0;
	return ASSAY_EVIDENCE_MAX_RUN_ARTEFACTS - used <
	    ASSAY_EVIDENCE_MAX_TC_ARTEFACTS ?
	    ASSAY_EVIDENCE_MAX_RUN_ARTEFACTS - used :
	    ASSAY_EVIDENCE_MAX_TC_ARTEFACTS;
}

int
assay_evidence_tc_begin(struct assay_evidence *ev, const char *id,
    struct assay_evidence_tc **out)
{
	struct assay_evidence_tc *tc;
	char path[ASSAY_PATH_MAX];
	int r = ASSAY_ERR_ALLOC;

	*out = NULL;
	if (!valid_id(id))
		return ASSAY_ERR_INVALID_ARG;
	if ((tc = calloc(1, sizeof(*tc))) == NULL)
		return ASSAY_ERR_ALLOC;
	pthread_mutex_init(&tc->mu, NULL);
	tc->ev = ev;
	tc->t0_ms = assay_clock_ms();
	if ((tc->id = strdup(id)) == NULL ||
	    asprintf(&tc->tdir, "%s/evidence/%s", ev->dir, id) < 0) {
		tc->tdir = NULL;
		goto fail;
	}
	/* A re-run (resume) starts from nothing. */
	rm_tree(tc->tdir);
	if (mkdir(tc->tdir, 0755) != 0) {
		r = assay_file_error(errno);
		goto fail;
	}
	if ((r = assay_path_join(path, sizeof(path), tc->tdir,
	    "transcript.txt")) != 0)
		goto fail;
	if ((tc->transcript = fopen(path, "w")) == NULL) {
		r = assay_file_error(errno);
		goto fail;
	}
	if ((r = assay_evidence_journal(ev, "start %s", id)) != 0)
		goto fail;
	*out = tc;
	return 0;
 fail:
	if (tc->transcript != NULL)
		fclose(tc->transcript);
	free(tc->id);
	free(tc->tdir);
	pthread_mutex_destroy(&tc->mu);
	free(tc);
	return r;
}

int
assay_evidence_tc_reopen(struct assay_evidence *ev, const char *id,
    struct assay_evidence_tc **out)
{
	struct assay_evidence_tc *tc;
	char path[ASSAY_PATH_MAX];

	*out = NULL;
	if (!valid_id(id))
		return ASSAY_ERR_INVALID_ARG;
	if ((tc = calloc(1, sizeof(*tc))) == NULL)
		return ASSAY_ERR_ALLOC;
	pthread_mutex_init(&tc->mu, NULL);
	tc->ev = ev;
	tc->t0_ms = assay_clock_ms();
	if ((tc->id = strdup(id)) == NULL ||
	    asprintf(&tc->tdir, "%s/evidence/%s", ev->dir, id) < 0) {
		free(tc->id);
		pthread_mutex_destroy(&tc->mu);
		free(tc);
		return ASSAY_ERR_ALLOC;
	}
	mkdir(tc->tdir, 0755);
	if (assay_path_join(path, sizeof(path), tc->tdir,
	    "transcript.txt") == 0 &&
	    (tc->transcript = fopen(path, "a")) != NULL)
		tc->transcript_len = 1;	/* keep what is there */
	*out = tc;
	return 0;
}

/* Writes masked data escaped for reading: printable text as is, \xNN else. */
static void
write_escaped(FILE *fp, const char *p, size_t len)
{
	size_t i;
	int bol = 1;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (bol) {
			fputs("  | ", fp);
			bol = 0;
		}
		if (c == '\n') {
			fputs("\\n\n", fp);
			bol = 1;
		} else if (c == '\r')
			fputs("\\r", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c == '\\')
			fputs("\\\\", fp);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
	if (!bol)
		fputc('\n', fp);
}

void
assay_evidence_tc_record(struct assay_evidence_tc *tc, const char *channel,
    const char *dir, const void *data, size_t len)
{
	struct assay_buf *b;

	if (tc == NULL)
		return;
	pthread_mutex_lock(&tc->mu);
	if (tc->transcript == NULL || tc->transcript_cut)
		goto out;
	if (tc->transcript_len + len > ASSAY_EVIDENCE_MAX_TRANSCRIPT) {
		fprintf(tc->transcript, "[transcript cut at %u bytes]\n",
		    ASSAY_EVIDENCE_MAX_TRANSCRIPT);
		tc->transcript_cut = 1;
		goto out;
	}
	tc->transcript_len += len;
	if ((b = assay_buf_new(len * 8 + 64)) == NULL)
		goto out;
	if (mask_into(tc->ev, b, data, len) == 0) {
		char *ch = assay_evidence_mask(tc->ev, channel);

		fprintf(tc->transcript, "[+%ldms] %s %s %zu byte%s\n",
		    (long)(assay_clock_ms() - tc->t0_ms), ch ? ch : "?", dir, len,
		    len == 1 ? "" : "s");
		free(ch);
		write_escaped(tc->transcript, assay_buf_data(b), assay_buf_len(b));
		if (fflush(tc->transcript) != 0 && tc->transcript_err == 0)
			tc->transcript_err = errno ? errno : EIO;
	}
	assay_buf_free(b);
 out:
	pthread_mutex_unlock(&tc->mu);
}

int
assay_evidence_tc_artefact(struct assay_evidence_tc *tc, const char *name,
    const void *data, size_t len)
{
	struct assay_buf *b;
	char rel[ASSAY_PATH_MAX];
	char **v;
	int r;

	if (!valid_id(name) || strcmp(name, "result.txt") == 0 ||
	    strcmp(name, "transcript.txt") == 0)
		return ASSAY_ERR_INVALID_ARG;
	if (len > ASSAY_EVIDENCE_MAX_ARTEFACT)
		return ASSAY_ERR_TOO_BIG;
	if ((b = assay_buf_new(len * 8 + 64)) == NULL)
		return ASSAY_ERR_ALLOC;
	if ((r = mask_into(tc->ev, b, data, len)) == 0) {
		pthread_mutex_lock(&tc->mu);
		/*
		 * Measured at the first artefact, not at tc_begin: the walk
		 * of the evidence directory grows with the run, and most
		 * test cases save no artefact.
		 */
		if (!tc->room_known) {
			tc->artefact_room = artefact_room(tc->ev);
			tc->room_known = 1;
		}
		if (assay_buf_len(b) > tc->artefact_room)
			r = ASSAY_ERR_TOO_BIG;
		else
			tc->artefact_room -= assay_buf_len(b);
		pthread_mutex_unlock(&tc->mu);
	}
	if (r == 0)
		r = write_atomic(tc->tdir, name, assay_buf_data(b),
		    assay_buf_len(b));
	assay_buf_free(b);
	if (r != 0)
		return r;
	if ((r = assay_path_fmt(rel, sizeof(rel), "evidence/%s/%s", tc->id,
	    name)) != 0)
		return r;
	pthread_mutex_lock(&tc->mu);
	if ((v = realloc(tc->files, (tc->nfiles + 1) * sizeof(*v))) != NULL) {
		tc->files = v;
		if ((v[tc->nfiles] = strdup(rel)) != NULL)
			tc->nfiles++;
	}
	pthread_mutex_unlock(&tc->mu);
	return 0;
}

static void
tc_free(struct assay_evidence_tc *tc)
{
	size_t i;

	if (tc->transcript != NULL)
		fclose(tc->transcript);
	for (i = 0; i < tc->nfiles; i++)
		free(tc->files[i]);
	free(tc->files);
	free(tc->id);
	free(tc->tdir);
	pthread_mutex_destroy(&tc->mu);
	free(tc);
}

int
assay_evidence_tc_end(struct assay_evidence_tc *tc, struct assay_result *res)
{
	struct assay_buf *b = NULL;
	char rel[ASSAY_PATH_MAX], *m;
	size_t i;
	int r = ASSAY_ERR_ALLOC;

	if (tc->transcript != NULL) {
		if (tc->transcript_len == 0)
			fputs("(nothing was sent to or received from the device)\n",
			    tc->transcript);
		/* A transcript cut by a full disk is lost evidence: no result. */
		if ((fflush(tc->transcript) != 0 || ferror(tc->transcript) ||
		    fsync(fileno(tc->transcript)) != 0) && tc->transcript_err == 0)
			tc->transcript_err = errno ? errno : EIO;
		if (tc->transcript_err != 0) {
			r = assay_file_error(tc->transcript_err);
			goto out;
		}
	}
	/*
	 * Mask what a script may have put into the reasons, and make them
	 * well-formed UTF-8: they carry device bytes (banners, algorithm
	 * names, libssh's error texts) to every report writer.
	 */
	if (res->reason != NULL) {
		if ((m = assay_evidence_mask(tc->ev, res->reason)) == NULL)
			goto out;
		free(res->reason);
		res->reason = m;
		if (assay_utf8_fix(&res->reason) != 0)
			goto out;
	}
	for (i = 0; i < res->nunits; i++) {
		if ((m = assay_evidence_mask(tc->ev, res->units[i].reason)) == NULL)
			goto out;
		free(res->units[i].reason);
		res->units[i].reason = m;
		if (assay_utf8_fix(&res->units[i].reason) != 0)
			goto out;
	}
	if ((r = assay_path_fmt(rel, sizeof(rel), "evidence/%s/transcript.txt",
	    tc->id)) != 0 || (r = add_evidence(res, rel)) != 0)
		goto out;
	for (i = 0; i < tc->nfiles; i++)
		if ((r = add_evidence(res, tc->files[i])) != 0)
			goto out;
	r = ASSAY_ERR_ALLOC;
	if ((b = assay_buf_new(4u * 1024 * 1024)) == NULL)
		goto out;
	/* Every line or none: a result.txt cut short is never written. */
	r = assay_buf_printf(b, "%s\nverdict %s\nduration_ms %ld\nstarted %s\n",
	    RESULT_MAGIC, assay_verdict_key(res->verdict), res->duration_ms,
	    res->started);
	if (r == 0)
		r = assay_buf_puts(b, "reason ");
	if (r == 0)
		r = put_encoded(b, res->reason ? res->reason : "");
	if (r == 0)
		r = assay_buf_puts(b, "\n");
	for (i = 0; r == 0 && i < res->nunits; i++) {
		const struct assay_unit_result *u = &res->units[i];

		r = assay_buf_printf(b, "unit %s %s ", u->unit,
		    assay_verdict_key(u->verdict));
		if (r == 0)
			r = put_encoded(b, u->reason);
		if (r == 0)
			r = assay_buf_printf(b, "\nunitx %s by %s\n"
			    "unitx %s basis %s\n", u->unit,
			    assay_decider_key(u->by), u->unit,
			    assay_basis_key(u->basis));
		if (r == 0 && u->probe != NULL) {
			r = assay_buf_printf(b, "unitx %s probe ", u->unit);
			if (r == 0)
				r = put_encoded(b, u->probe);
			if (r == 0)
				r = assay_buf_puts(b, "\n");
		}
		if (r == 0 && u->sample != NULL) {
			r = assay_buf_printf(b, "unitx %s sample ", u->unit);
			if (r == 0)
				r = put_encoded(b, u->sample);
			if (r == 0)
				r = assay_buf_puts(b, "\n");
		}
	}
	for (i = 0; r == 0 && i < res->nevidence; i++)
		r = assay_buf_printf(b, "evidence %s\n", res->evidence[i]);
	if (r == 0 && assay_buf_truncated(b))
		r = ASSAY_ERR_TOO_BIG;
	if (r != 0)
		goto out;
	if ((r = write_atomic(tc->tdir, "result.txt", assay_buf_data(b),
	    assay_buf_len(b))) != 0)
		goto out;
	/* Without its "done" line it is not done: --resume runs it again. */
	r = assay_evidence_journal(tc->ev, "done %s %s", tc->id,
	    assay_verdict_key(res->verdict));
 out:
	assay_buf_free(b);
	tc_free(tc);
	return r;
}
