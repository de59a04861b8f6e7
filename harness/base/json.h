/*
 * json.h - a small streaming JSON writer.
 *
 * Keeps track of commas and nesting; every string goes through one escape
 * routine (quotes, backslashes; control characters, bidi characters and
 * U+2028/U+2029 as \u escapes; ill-formed UTF-8 as \ufffd, decoded by
 * base/utf8.h), so device bytes cannot break the document.
 */
#ifndef ASSAY_JSON_H
#define ASSAY_JSON_H

#include <stddef.h>
#include <stdio.h>

#define ASSAY_JSON_MAX_DEPTH	32

struct assay_json {
	FILE	*fp;
	int	 depth;
	int	 first[ASSAY_JSON_MAX_DEPTH];
	int	 pretty;
	int	 after_key;
};

void	assay_json_init(struct assay_json *j, FILE *fp, int pretty);
void	assay_json_begin_object(struct assay_json *j);
void	assay_json_end_object(struct assay_json *j);
void	assay_json_begin_array(struct assay_json *j);
void	assay_json_end_array(struct assay_json *j);
void	assay_json_key(struct assay_json *j, const char *key);
void	assay_json_string(struct assay_json *j, const char *s);	/* NULL -> null */
void	assay_json_string_len(struct assay_json *j, const char *s, size_t len);
void	assay_json_int(struct assay_json *j, long long v);
void	assay_json_double(struct assay_json *j, double v);
void	assay_json_bool(struct assay_json *j, int v);
void	assay_json_null(struct assay_json *j);
/* key + value shorthands */
void	assay_json_kv_string(struct assay_json *j, const char *key, const char *s);
void	assay_json_kv_int(struct assay_json *j, const char *key, long long v);
void	assay_json_kv_bool(struct assay_json *j, const char *key, int v);
/* Writes s escaped as JSON string contents (without quotes) to fp. */
void	assay_json_escape(FILE *fp, const char *s, size_t len);

#endif
