/*
 * buf.c - growable byte buffer with a maximum size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/buf.h"
#include "base/error.h"

struct assay_buf {
	char	*data;
	size_t	 len;
	size_t	 alloc;
	size_t	 max;
	int	 truncated;
};

struct assay_buf *
assay_buf_new(size_t max_len)
{
	struct assay_buf *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	b->max = max_len;
	return b;
}

void
assay_buf_free(struct assay_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL) {
		OPENSSL_cleanse(b->data, b->alloc);
		free(b->data);
	}
	free(b);
}

static int
reserve(struct assay_buf *b, size_t need)
{
	size_t n;
	char *p;

	if (need + 1 <= b->alloc)
		return 0;
	n = b->alloc ? b->alloc : 64;
	while (n < need + 1)
		n *= 2;
	if (n > b->max + 1)
		n = b->max + 1;
	/* Not realloc(): the old block may hold a secret and is wiped first. */
	if ((p = malloc(n)) == NULL)
		return ASSAY_ERR_ALLOC;
	if (b->data != NULL) {
		memcpy(p, b->data, b->len + 1 <= b->alloc ? b->len + 1 : b->len);
		OPENSSL_cleanse(b->data, b->alloc);
		free(b->data);
	}
	b->data = p;
	b->alloc = n;
	return 0;
}

int
assay_buf_put(struct assay_buf *b, const void *p, size_t len)
{
	size_t room, take;
	int r;

	if (b == NULL)
		return ASSAY_ERR_INVALID_ARG;
	room = b->max - b->len;
	take = len < room ? len : room;
	if ((r = reserve(b, b->len + take)) != 0)
		return r;
	if (take > 0)
		memcpy(b->data + b->len, p, take);
	b->len += take;
	b->data[b->len] = '\0';
	if (take < len) {
		b->truncated = 1;
		return ASSAY_ERR_TOO_BIG;
	}
	return 0;
}

int
assay_buf_puts(struct assay_buf *b, const char *s)
{
	return assay_buf_put(b, s, strlen(s));
}

int
assay_buf_vprintf(struct assay_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	char small[256], *big = NULL;
	int n, r;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return ASSAY_ERR_INVALID_ARG;
	}
	if ((size_t)n < sizeof(small)) {
		va_end(ap2);
		return assay_buf_put(b, small, (size_t)n);
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		va_end(ap2);
		return ASSAY_ERR_ALLOC;
	}
	vsnprintf(big, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	r = assay_buf_put(b, big, (size_t)n);
	free(big);
	return r;
}

int
assay_buf_printf(struct assay_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = assay_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

const char *
assay_buf_data(const struct assay_buf *b)
{
	return (b == NULL || b->data == NULL) ? "" : b->data;
}

size_t
assay_buf_len(const struct assay_buf *b)
{
	return b == NULL ? 0 : b->len;
}

size_t
assay_buf_max(const struct assay_buf *b)
{
	return b == NULL ? 0 : b->max;
}

int
assay_buf_truncated(const struct assay_buf *b)
{
	return b != NULL && b->truncated;
}

void
assay_buf_reset(struct assay_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->alloc);
	b->len = 0;
	b->truncated = 0;
}

char *
assay_buf_steal(struct assay_buf *b, size_t *lenp)
{
	char *p;

	if (b == NULL)
		return NULL;
	if (b->data == NULL && reserve(b, 0) != 0)
		return NULL;
	if (b->data != NULL)
		b->data[b->len] = '\0';
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->alloc = 0;
	b->truncated = 0;
	return p;
}
