/*
 * external.c - the lab's files as external evidence (TS 103 701 clause
 * 4.7): which captures, firmware images and other tools' reports the
 * set-up declared, with the hash the loader computed, and which test
 * cases read them.
 *
 * The list is kept in the run directory (forms/external.tsv) when the
 * run starts, so a report rebuilt from the directory alone (`assay
 * review --apply`, `assay amend`) lists the same files without opening
 * them again: the lab may have moved them since.  Which test case read
 * which file comes from the transcripts: the artefact resolver notes
 * "artefact KIND ID sha256 HEX" in the transcript of the test case that
 * asked for the file (probe/artefact.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/file.h"
#include "forms/forms.h"
#include "run/catalogue.h"
#include "run/evidence.h"
#include "run/external.h"
#include "run/model.h"

#define EXTERNAL_FILE		"external.tsv"
#define MAX_EXTERNALS		1024
#define MAX_TRANSCRIPT		(64u * 1024 * 1024)

void
assay_external_free(struct assay_run *run)
{
	size_t i;

	for (i = 0; i < run->nexternals; i++) {
		free(run->externals[i].file);
		free(run->externals[i].used_by);
	}
	free(run->externals);
	run->externals = NULL;
	run->nexternals = 0;
}

static int
grow(struct assay_run *run, struct assay_external **out)
{
	struct assay_external *n;

	if (run->nexternals >= MAX_EXTERNALS)
		return ASSAY_ERR_TOO_BIG;
	n = realloc(run->externals, (run->nexternals + 1) * sizeof(*n));
	if (n == NULL)
		return ASSAY_ERR_ALLOC;
	run->externals = n;
	*out = &n[run->nexternals];
	memset(*out, 0, sizeof(**out));
	return 0;
}

int
assay_external_collect(struct assay_run *run, const struct assay_forms *f,
    struct assay_evidence *ev)
{
	struct assay_external *x;
	struct assay_buf *b;
	size_t i, n = assay_forms_nartefacts(f);
	int r = 0;

	if ((b = assay_buf_new(1024 * 1024)) == NULL)
		return ASSAY_ERR_ALLOC;
	for (i = 0; i < n && r == 0; i++) {
		if ((r = grow(run, &x)) != 0)
			break;
		(void)snprintf(x->kind, sizeof(x->kind), "%s",
		    assay_forms_artefact_kind_name(assay_forms_artefact_kind(f,
		    i)));
		(void)snprintf(x->id, sizeof(x->id), "%s",
		    assay_forms_artefact_id(f, i));
		(void)snprintf(x->sha256, sizeof(x->sha256), "%s",
		    assay_forms_artefact_sha256(f, i));
		x->size = assay_forms_artefact_size(f, i);
		if ((x->file = strdup(assay_forms_artefact_file(f, i))) == NULL ||
		    (x->used_by = strdup("")) == NULL) {
			free(x->file);
			r = ASSAY_ERR_ALLOC;
			break;
		}
		run->nexternals++;
		if ((r = assay_buf_printf(b, "%s\t%s\t%s\t%llu\t", x->kind, x->id,
		    x->sha256, x->size)) == 0 &&
		    (r = assay_evidence_put_encoded(b, x->file)) == 0)
			r = assay_buf_printf(b, "\n");
	}
	if (r == 0 && n > 0)
		r = assay_evidence_save_data(ev, "forms", EXTERNAL_FILE,
		    assay_buf_data(b), assay_buf_len(b));
	assay_buf_free(b);
	return r;
}

/* One line "kind\tid\tsha256\tsize\tfile(encoded)" into x; 0 or -1. */
static int
parse_line(char *line, struct assay_external *x)
{
	char *f[5], *end;
	size_t k;

	for (k = 0; k < 5; k++) {
		f[k] = line;
		if (k < 4) {
			if ((line = strchr(line, '\t')) == NULL)
				return -1;
			*line++ = '\0';
		}
	}
	if (strlen(f[0]) >= sizeof(x->kind) || strlen(f[1]) >= sizeof(x->id) ||
	    strlen(f[2]) >= sizeof(x->sha256))
		return -1;
	strcpy(x->kind, f[0]);
	strcpy(x->id, f[1]);
	strcpy(x->sha256, f[2]);
	x->size = strtoull(f[3], &end, 10);
	if (*end != '\0' || end == f[3])
		return -1;
	if ((x->file = assay_evidence_decode(f[4])) == NULL)
		return -1;
	return 0;
}

int
assay_external_load(struct assay_run *run, const char *out_dir)
{
	char path[ASSAY_PATH_MAX];
	struct assay_external *x;
	struct assay_buf *b = NULL;
	char *p, *nl;
	int r;

	if ((r = assay_path_fmt(path, sizeof(path), "%s/forms/%s", out_dir,
	    EXTERNAL_FILE)) != 0)
		return r;
	if ((r = assay_file_read(path, 4u * 1024 * 1024, &b)) != 0)
		return r == ASSAY_ERR_NOT_FOUND ? 0 : r;	/* none declared */
	if ((r = assay_buf_printf(b, "%s", "")) != 0)	/* NUL-terminates */
		goto out;
	for (p = (char *)assay_buf_data(b); *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;			/* a cut last line: ignored */
		*nl = '\0';
		if ((r = grow(run, &x)) != 0)
			goto out;
		if (parse_line(p, x) != 0) {
			free(x->file);
			r = ASSAY_ERR_PARSE;
			goto out;
		}
		if ((x->used_by = strdup("")) == NULL) {
			free(x->file);
			r = ASSAY_ERR_ALLOC;
			goto out;
		}
		run->nexternals++;
	}
out:
	assay_buf_free(b);
	return r;
}

static int
append_word(char **list, const char *word)
{
	size_t n = strlen(*list), w = strlen(word);
	char *s;

	if ((s = realloc(*list, n + w + 2)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (n > 0)
		s[n++] = ' ';
	memcpy(s + n, word, w + 1);
	*list = s;
	return 0;
}

int
assay_external_used_by(struct assay_run *run, const char *out_dir)
{
	char path[ASSAY_PATH_MAX], needle[192];
	struct assay_buf *b;
	size_t i, k, nt;
	const char *text;
	int r;

	if (run->nexternals == 0)
		return 0;
	nt = assay_catalogue_count(run->catalogue);
	for (i = 0; i < nt; i++) {
		const char *id = assay_catalogue_id(run->catalogue, i);

		if (assay_path_fmt(path, sizeof(path), "%s/evidence/%s/"
		    "transcript.txt", out_dir, id) != 0)
			continue;
		b = NULL;
		if (assay_file_read(path, MAX_TRANSCRIPT, &b) != 0)
			continue;	/* not run, or too large to search */
		if ((r = assay_buf_printf(b, "%s", "")) != 0) {
			assay_buf_free(b);
			return r;
		}
		text = (const char *)assay_buf_data(b);
		for (k = 0; k < run->nexternals; k++) {
			struct assay_external *x = &run->externals[k];

			(void)snprintf(needle, sizeof(needle), "artefact %s %s "
			    "sha256 %s", x->kind, x->id, x->sha256);
			if (strstr(text, needle) != NULL &&
			    (r = append_word(&x->used_by, id)) != 0) {
				assay_buf_free(b);
				return r;
			}
		}
		assay_buf_free(b);
	}
	return 0;
}
