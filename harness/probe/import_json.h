/*
 * probe/import_json.h - a strict, bounded JSON reader for other tools'
 * reports (testssl.sh --jsonfile).
 *
 * The project writes JSON (base/json.h) but had no reader.  This one
 * takes bytes with their length, accepts RFC 8259 only (no comments, no
 * trailing commas, no NaN, no lone surrogates), and caps what a hostile
 * file can make it build: nesting depth, number of values, string length.
 * Strings come out as well-formed UTF-8 without NUL (a \u0000 is refused:
 * a report has no use for it and C strings would cut at it).
 */
#ifndef ASSAY_PROBE_IMPORT_JSON_H
#define ASSAY_PROBE_IMPORT_JSON_H

#include <stddef.h>

#define ASSAY_JSON_MAX_DEPTH	32
#define ASSAY_JSON_MAX_VALUES	1000000
#define ASSAY_JSON_MAX_STR	(1024 * 1024)

#define ASSAY_JSON_NULL		0
#define ASSAY_JSON_BOOL		1
#define ASSAY_JSON_NUM		2	/* kept as its text */
#define ASSAY_JSON_STR		3
#define ASSAY_JSON_ARR		4
#define ASSAY_JSON_OBJ		5

struct assay_jv {
	int		  type;
	int		  b;		/* BOOL */
	char		 *s;		/* STR, NUM: NUL-terminated */
	size_t		  slen;
	size_t		  n;		/* ARR, OBJ: members */
	struct assay_jv	 *v;		/* ARR, OBJ: values */
	char		**k;		/* OBJ: keys */
};

/*
 * Parses len bytes of p into *out (free with assay_json_free).  Returns
 * 0; ASSAY_ERR_PARSE with why (byte offset and what) for malformed input;
 * ASSAY_ERR_TOO_BIG when a cap is passed; ASSAY_ERR_ALLOC.
 */
int	assay_json_parse(const char *p, size_t len, struct assay_jv **out,
	    char *why, size_t whylen);
void	assay_json_free(struct assay_jv *v);
/* The member key of object o, or NULL (first match). */
const struct assay_jv *assay_json_get(const struct assay_jv *o,
	    const char *key);

#endif /* ASSAY_PROBE_IMPORT_JSON_H */
