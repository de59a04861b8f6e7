/*
 * json.c - streaming JSON writer.
 */
#include <string.h>

#include "base/json.h"
#include "base/utf8.h"

void
assay_json_init(struct assay_json *j, FILE *fp, int pretty)
{
	memset(j, 0, sizeof(*j));
	j->fp = fp;
	j->pretty = pretty;
	j->first[0] = 1;
}

static void
indent(struct assay_json *j)
{
	int i;

	if (!j->pretty)
		return;
	fputc('\n', j->fp);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->fp);
}

/* Comma and indentation before a value or key. */
static void
pre(struct assay_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (!j->first[j->depth])
		fputc(',', j->fp);
	j->first[j->depth] = 0;
	if (j->depth > 0)
		indent(j);
}

static void
open_(struct assay_json *j, int c)
{
	pre(j);
	fputc(c, j->fp);
	if (j->depth + 1 < ASSAY_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = 1;
}

static void
close_(struct assay_json *j, int c)
{
	int empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->fp);
	if (j->depth == 0 && j->pretty)
		fputc('\n', j->fp);
}

void
assay_json_begin_object(struct assay_json *j)
{
	open_(j, '{');
}

void
assay_json_end_object(struct assay_json *j)
{
	close_(j, '}');
}

void
assay_json_begin_array(struct assay_json *j)
{
	open_(j, '[');
}

void
assay_json_end_array(struct assay_json *j)
{
	close_(j, ']');
}

/*
 * Writes s escaped as JSON string contents.  Ill-formed UTF-8 (base/utf8.h)
 * becomes \ufffd; control characters (C0, DEL, C1), bidirectional
 * formatting characters and U+2028/U+2029 are written as \u escapes, so
 * the file shows them visibly and stays valid JavaScript too.
 */
void
assay_json_escape(FILE *fp, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = assay_utf8_next(p + i, len - i, &cp);
		if (cp == '"' || cp == '\\') {
			fputc('\\', fp);
			fputc((int)cp, fp);
		} else if (cp == '\n')
			fputs("\\n", fp);
		else if (cp == '\r')
			fputs("\\r", fp);
		else if (cp == '\t')
			fputs("\\t", fp);
		else if (cp == ASSAY_UTF8_BAD)
			fputs("\\ufffd", fp);
		else if (assay_utf8_control(cp) || assay_utf8_bidi(cp) ||
		    cp == 0x2028 || cp == 0x2029)
			fprintf(fp, "\\u%04x", (unsigned int)cp);
		else
			fwrite(p + i, 1, n, fp);
		i += n;
	}
}

void
assay_json_key(struct assay_json *j, const char *key)
{
	pre(j);
	fputc('"', j->fp);
	assay_json_escape(j->fp, key, strlen(key));
	fputs(j->pretty ? "\": " : "\":", j->fp);
	j->after_key = 1;
}

void
assay_json_string_len(struct assay_json *j, const char *s, size_t len)
{
	pre(j);
	fputc('"', j->fp);
	assay_json_escape(j->fp, s, len);
	fputc('"', j->fp);
}

void
assay_json_string(struct assay_json *j, const char *s)
{
	if (s == NULL)
		assay_json_null(j);
	else
		assay_json_string_len(j, s, strlen(s));
}

void
assay_json_int(struct assay_json *j, long long v)
{
	pre(j);
	fprintf(j->fp, "%lld", v);
}

void
assay_json_double(struct assay_json *j, double v)
{
	pre(j);
	fprintf(j->fp, "%.6g", v);
}

void
assay_json_bool(struct assay_json *j, int v)
{
	pre(j);
	fputs(v ? "true" : "false", j->fp);
}

void
assay_json_null(struct assay_json *j)
{
	pre(j);
	fputs("null", j->fp);
}

void
assay_json_kv_string(struct assay_json *j, const char *key, const char *s)
{
	assay_json_key(j, key);
	assay_json_string(j, s);
}

void
assay_json_kv_int(struct assay_json *j, const char *key, long long v)
{
	assay_json_key(j, key);
	assay_json_int(j, v);
}

void
assay_json_kv_bool(struct assay_json *j, const char *key, int v)
{
	assay_json_key(j, key);
	assay_json_bool(j, v);
}
