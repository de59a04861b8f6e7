/*
 * json.c - streaming JSON writer.
 */
#include <string.h>

#include "base/json.h"

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

/* Length of a valid UTF-8 sequence at p (max n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void
assay_json_escape(FILE *fp, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			fputc('\\', fp);
			fputc(c, fp);
			i++;
		} else if (c == '\n') {
			fputs("\\n", fp);
			i++;
		} else if (c == '\r') {
			fputs("\\r", fp);
			i++;
		} else if (c == '\t') {
			fputs("\\t", fp);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			fputc(c, fp);
			i++;
		} else if ((n = utf8_len(p + i, len - i)) > 0) {
			fwrite(p + i, 1, n, fp);
			i += n;
		} else {
			fputs("\\ufffd", fp);
			i++;
		}
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
