/*
 * redact.h - every spelling of a secret, and a mask that hides them all.
 *
 * A password reaches a transcript or a form copy not only as itself: an
 * HTTP probe sends it in an Authorization: Basic header (base64 of
 * user:password), in a percent-encoded form body; a form spells it with
 * entities; a JSON or hex dump escapes it.  A mask that knows only the
 * plain spelling lets all of those through (issue 11, defect 2).  This
 * module derives the spellings Assay's own encoders and the usual ones
 * produce (docs/redact.md lists them) and replaces each occurrence with
 * ASSAY_REDACT_MARK, longest spelling first, so "abc123" is hidden
 * before "abc" could leave "[secret]123".
 *
 * The object is filled once, then only read: masking may run from any
 * number of threads.  Every stored spelling is wiped before it is freed.
 */
#ifndef ASSAY_REDACT_H
#define ASSAY_REDACT_H

#include <stddef.h>

struct assay_buf;
struct assay_redact;

#define ASSAY_REDACT_MARK	"[secret]"

/*
 * A secret to hide; user (may be NULL) is the account it logs in with,
 * so the user:password pair of HTTP Basic authentication is hidden too.
 */
struct assay_secret {
	const char	*value;
	const char	*user;
	int		 weak;	/* on a public list (the forms say) */
};

/*
 * A weak secret (fewer than ASSAY_REDACT_WEAK_LEN characters, or weak set
 * because it is on a public default-credential list) is masked only
 * where a spelling stands as a whole token: neither the byte just before
 * nor the one just after it is a word byte (ASCII letter or digit, '/',
 * '_', '-', or a byte of a non-ASCII character).  "admin" is masked in
 * "password=admin&", "<password>admin</password>", "Password: admin\r\n",
 * not in "/admin/", "admins" or "admin-panel" (docs/redact.md).
 */
#define ASSAY_REDACT_WEAK_LEN	8

/* 1 when s is weak by the rule above (s->weak or too short), else 0. */
int	assay_redact_is_weak(const struct assay_secret *s);

/*
 * Calls fn(arg, kind, spelling) for each spelling of secret (kind names
 * the encoding: "raw", "xml", "json", "url-upper", "hex-lower",
 * "base64", ...), or with user non-NULL for each spelling of the pair
 * "user:secret" as HTTP Basic authentication sends it ("basic",
 * "basic-url", ...).  Spellings may repeat (an ASCII letter-only secret
 * is its own XML spelling).  Stops at and returns fn's first non-zero
 * return; ASSAY_ERR_ALLOC when out of memory, else 0.  The spelling is
 * borrowed for the call and wiped after it.
 */
int	assay_redact_spellings(const char *secret, const char *user,
	    int (*fn)(void *arg, const char *kind, const char *spelling),
	    void *arg);

/* A new empty mask, or NULL when out of memory. */
struct assay_redact *assay_redact_new(void);
/* Wipes and frees; NULL is accepted. */
void	assay_redact_free(struct assay_redact *rd);
/*
 * Adds s->value (ignored when NULL or empty) with every spelling, and
 * with s->user its Basic-authentication pair.  Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_redact_add(struct assay_redact *rd, const struct assay_secret *s);
/*
 * Keeps text (a public default pair "user:password" from a published
 * list) in clear: a weak spelling is not masked where it lies inside an
 * occurrence of text.  Strong secrets are masked inside it all the same.
 * Returns 0 or ASSAY_ERR_ALLOC.
 */
int	assay_redact_allow(struct assay_redact *rd, const char *text);
/* How many distinct spellings the mask hides. */
size_t	assay_redact_count(const struct assay_redact *rd);
/*
 * Appends data with every spelling replaced by ASSAY_REDACT_MARK to b,
 * the longest spelling first at each position.  Returns 0 or the
 * buffer's error.  rd may be NULL (copies unchanged).
 */
int	assay_redact_into(const struct assay_redact *rd, struct assay_buf *b,
	    const void *data, size_t len);
/* Masked copy of the string s (malloc'd), or NULL when out of memory. */
char	*assay_redact_str(const struct assay_redact *rd, const char *s);

#endif /* ASSAY_REDACT_H */
