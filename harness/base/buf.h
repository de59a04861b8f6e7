/*
 * buf.h - growable byte buffer with a maximum size.
 *
 * Every byte read from a device or a file goes into a buffer whose cap is
 * set at creation (curl's dynbuf, openssh's sshbuf_set_max_size).  Reaching
 * the cap is a named result: assay_buf_put() returns ASSAY_ERR_TOO_BIG,
 * keeps what fitted, and assay_buf_truncated() stays true afterwards.
 * The data is always NUL-terminated (the NUL is not counted in the length).
 */
#ifndef ASSAY_BUF_H
#define ASSAY_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct assay_buf;

/* Returns a new empty buffer that will hold at most max_len bytes, or NULL. */
struct assay_buf	*assay_buf_new(size_t max_len);
/* Frees the buffer; NULL is accepted.  Contents are wiped first. */
void			 assay_buf_free(struct assay_buf *b);
/*
 * Appends len bytes.  Returns 0, ASSAY_ERR_ALLOC, or ASSAY_ERR_TOO_BIG when
 * only part fitted (the part that fitted is kept).
 */
int			 assay_buf_put(struct assay_buf *b, const void *p, size_t len);
int			 assay_buf_puts(struct assay_buf *b, const char *s);
int			 assay_buf_printf(struct assay_buf *b, const char *fmt, ...)
			    __attribute__((format(printf, 2, 3)));
int			 assay_buf_vprintf(struct assay_buf *b, const char *fmt, va_list ap)
			    __attribute__((format(printf, 2, 0)));
/* Borrowed pointer to the contents, valid until the next change. */
const char		*assay_buf_data(const struct assay_buf *b);
size_t			 assay_buf_len(const struct assay_buf *b);
size_t			 assay_buf_max(const struct assay_buf *b);
int			 assay_buf_truncated(const struct assay_buf *b);
void			 assay_buf_reset(struct assay_buf *b);
/* Hands the contents to the caller (free() it) and empties the buffer. */
char			*assay_buf_steal(struct assay_buf *b, size_t *lenp);

#endif /* ASSAY_BUF_H */
