/*
 * cli_report.c - `assay report DIR --profile NAME`: one run, several views.
 *
 * Restates a finished run under another profile (run/profile.h) without
 * touching the device: the engine rebuilds the run model from DIR
 * (report_only, view), selects what the profile asks for, and the
 * reports are written to a directory of their own, so a signed DIR stays
 * exactly as signed.  What the profile asks for and the run did not
 * assess is reported not assessed, never PASS.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/datadir.h"
#include "base/diag.h"
#include "base/json.h"
#include "base/error.h"
#include "base/file.h"
#include "base/term.h"
#include "cli.h"
#include "report/report.h"
#include "forms/spec.h"
#include "run/engine.h"
#include "run/profile.h"

struct view_state {
	const char	*out;
	int		 quiet;
	int		 written;
};

static int
finish_view(const struct assay_run *run, const struct assay_engine_opts *o,
    struct assay_diag *d, void *arg)
{
	struct view_state *st = arg;
	int r;

	(void)o;
	if ((r = assay_report_write_all(run, st->out, d)) != 0)
		return r;
	st->written = 1;
	if (!st->quiet)
		assay_report_print_summary(run, stdout);
	return 0;
}

static int
help(FILE *fp)
{
	fputs("usage: assay report DIR --profile NAME [--tailoring FILE] [--out VIEWDIR]\n"
	    "\n"
	    "Restates the finished run in DIR under another profile (another\n"
	    "scheme's provisions and ids) without running anything: writes\n"
	    "report.json, report.xml, report.html, report.junit.xml and\n"
	    "report.sarif to VIEWDIR.  DIR is only read (a signed run stays\n"
	    "signed); the view names its source run and refers to its evidence.\n"
	    "Provisions the profile asks for that the run did not assess are\n"
	    "reported not assessed.\n"
	    "\n"
	    "  --profile NAME   the profile ('assay list --profiles'), or FILE.xml\n"
	    "  --tailoring FILE a lab's tailoring of that profile\n"
	    "  --out VIEWDIR    where the view goes (default DIR.NAME); must not\n"
	    "                   exist or be empty\n"
	    "  --catalogue DIR  the test-case catalogue the run used, when it was\n"
	    "                   not the installed one\n"
	    "  --format json    print the view's report.json on stdout\n"
	    "  -q, --quiet      no summary\n"
	    "\n"
	    "Exit: as assay run, from the view's result: 0 PASS, 1 FAIL, 2 usage\n"
	    "error or DIR not a run directory (nothing written), 3 INCOMPLETE.\n",
	    fp);
	return 0;
}

/* Creates dir, or accepts it empty; returns 0 or ASSAY_EXIT_USAGE. */
static int
view_dir(const char *dir)
{
	if (mkdir(dir, 0755) == 0)
		return 0;
	if (errno == EEXIST && assay_dir_empty(dir))
		return 0;
	return assay_cli_usage_error("report", "%s: %s; give another --out",
	    dir, errno == EEXIST ? "exists and is not empty" :
	    strerror(errno));
}

int
assay_cli_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile",	required_argument,	NULL, 'p' },
		{ "tailoring",	required_argument,	NULL, 't' },
		{ "out",	required_argument,	NULL, 'o' },
		{ "catalogue",	required_argument,	NULL, 'c' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct assay_engine_opts o;
	struct view_state st;
	struct assay_diag *d;
	char def[ASSAY_PATH_MAX], src[ASSAY_PATH_MAX], path[ASSAY_PATH_MAX];
	const char *dir;
	size_t len;
	int c, r, json = 0, code;

	memset(&o, 0, sizeof(o));
	memset(&st, 0, sizeof(st));
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.profile = optarg; break;
		case 't': o.tailoring = optarg; break;
		case 'o': st.out = optarg; break;
		case 'c': o.catalogue_dir = optarg; break;
		case 'q': st.quiet = 1; break;
		case 'F':
			if ((r = assay_cli_parse_format("report", optarg,
			    &json)) != 0)
				return r;
			break;
		case 'h':
			return help(stdout);
		default:
			return assay_cli_bad_option("report", argv);
		}
	}
	if (optind + 1 != argc)
		return assay_cli_usage_error("report", optind >= argc ?
		    "need the run directory DIR" : "one run directory only, "
		    "not \"%s\"", argv[optind + (optind < argc)]);
	if (o.profile == NULL)
		return assay_cli_usage_error("report", "need --profile NAME "
		    "('assay list --profiles' lists them)");
	dir = argv[optind];
	snprintf(src, sizeof(src), "%s", dir);
	while ((len = strlen(src)) > 1 && src[len - 1] == '/')
		src[len - 1] = '\0';
	if (st.out == NULL) {
		const char *base = strrchr(o.profile, '/');

		base = base != NULL ? base + 1 : o.profile;
		if (snprintf(def, sizeof(def), "%s.%.*s", src,
		    (int)(strlen(base) > 4 && strcmp(base + strlen(base) - 4,
		    ".xml") == 0 ? strlen(base) - 4 : strlen(base)), base) >=
		    (int)sizeof(def))
			return assay_cli_usage_error("report", "DIR is too long");
		st.out = def;
	}
	if (assay_path_join(path, sizeof(path), src, "run.info") != 0 ||
	    access(path, R_OK) != 0)
		return assay_cli_usage_error("report", "%s is not a run directory "
		    "of Assay (no run.info)", src);
	if ((r = view_dir(st.out)) != 0)
		return r;
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	o.out_dir = src;
	o.report_only = 1;
	o.view = 1;
	o.quiet = 1;
	st.quiet = st.quiet || json;
	o.finish = finish_view;
	o.finish_arg = &st;
	code = assay_cli_exit_code(assay_engine_run(&o, d));
	/* The forms' warnings were the run's to give; problems are said. */
	if (assay_diag_nerrors(d) > 0 || !st.written)
		assay_diag_print(d, stderr);
	if (!st.written) {
		fprintf(stderr, "assay report: no view written\n");
		(void)rmdir(st.out);
		if (code != ASSAY_EXIT_USAGE)
			code = ASSAY_EXIT_USAGE;
	} else if (json) {
		if (assay_path_join(path, sizeof(path), st.out,
		    "report.json") == 0)
			(void)assay_cli_cat_file(path);
	} else if (!st.quiet)
		printf("view: %s/report.html (of %s)\n", st.out, src);
	assay_diag_free(d);
	return code;
}

int
assay_cli_list_profiles(int json)
{
	char names[64][65];
	struct assay_spec *spec = NULL;
	struct assay_profile *p;
	struct assay_diag *d;
	struct assay_json j;
	const char *datadir;
	size_t i, k, n, nassessed;
	int code = 0;

	if ((datadir = assay_datadir()) == NULL) {
		fprintf(stderr, "assay list: %s (set ASSAY_DATADIR)\n",
		    assay_strerror(ASSAY_ERR_DATADIR));
		return ASSAY_EXIT_USAGE;
	}
	if ((d = assay_diag_new()) == NULL)
		return ASSAY_EXIT_USAGE;
	if (assay_spec_load(datadir, "2.1.1", &spec, d) != 0) {
		assay_diag_print(d, stderr);
		assay_diag_free(d);
		return ASSAY_EXIT_USAGE;
	}
	n = assay_profile_names(datadir, names, 64);
	if (json) {
		assay_json_init(&j, stdout, 1);
		assay_json_begin_array(&j);
	}
	for (i = 0; i < n; i++) {
		if (assay_profile_load(datadir, names[i], spec, &p, d) != 0) {
			code = ASSAY_EXIT_USAGE;
			continue;
		}
		for (k = 0, nassessed = 0; k < p->nitems; k++)
			nassessed += p->items[k].nprovisions > 0;
		if (json) {
			assay_json_begin_object(&j);
			assay_json_kv_string(&j, "id", p->id);
			assay_json_kv_string(&j, "title", p->title);
			assay_json_kv_string(&j, "numbering", p->numbering);
			assay_json_kv_int(&j, "items", (long long)p->nitems);
			assay_json_kv_int(&j, "items_assessed",
			    (long long)nassessed);
			assay_json_kv_bool(&j, "default", strcmp(p->id,
			    ASSAY_PROFILE_DEFAULT) == 0);
			assay_json_kv_bool(&j, "statement",
			    p->statement_title != NULL);
			assay_json_kv_string(&j, "file", p->path);
			assay_json_end_object(&j);
		} else
			printf("%-24s %3zu items (%3zu assessed)  %-18s %s%s\n",
			    p->id, p->nitems, nassessed, p->numbering, p->title,
			    strcmp(p->id, ASSAY_PROFILE_DEFAULT) == 0 ?
			    " [default]" : "");
		assay_profile_free(p);
	}
	if (json) {
		assay_json_end_array(&j);
		fputc('\n', stdout);
	}
	if (assay_diag_count(d) > 0)
		assay_diag_print(d, stderr);
	assay_diag_free(d);
	assay_spec_free(spec);
	return code;
}
