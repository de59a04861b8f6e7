/*
 * status.c - the probe a test-case process is in, for the status line
 * (status.h).  A seqlock per slot: one writer (the test case's Lua
 * thread) for the name, a single 64-bit store for the progress, so
 * neither side ever waits for the other.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "base/status.h"

struct slot {
	atomic_uint	 seq;		/* odd while the name is written */
	atomic_uchar	 name[ASSAY_STATUS_NAME_MAX];
	_Atomic uint64_t progress;	/* done << 32 | total; 0 none */
};

struct assay_status_board {
	size_t		 size;		/* of the mapping */
	int		 nslots;
	struct slot	 slots[];	/* [0] unused: slots count from 1 */
};

/* This process's slot (a test-case process only) and its name. */
static struct slot *self;
static char self_name[ASSAY_STATUS_NAME_MAX];

struct assay_status_board *
assay_status_board_new(int nslots)
{
	struct assay_status_board *b;
	size_t size;

	if (nslots < 1 || nslots > 4096)
		return NULL;
	size = sizeof(*b) + ((size_t)nslots + 1) * sizeof(struct slot);
	b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	/* Anonymous memory is zero: every slot empty, every seq even. */
	b->size = size;
	b->nslots = nslots;
	return b;
}

void
assay_status_board_free(struct assay_status_board *b)
{
	if (b != NULL)
		munmap(b, b->size);
}

static struct slot *
slot_of(struct assay_status_board *b, int slot)
{
	if (b == NULL || slot < 1 || slot > b->nslots)
		return NULL;
	return &b->slots[slot];
}

void
assay_status_board_clear(struct assay_status_board *b, int slot)
{
	struct slot *s = slot_of(b, slot);

	if (s == NULL)
		return;
	/* Its writer is dead: a plain reset, seq even again. */
	atomic_store(&s->progress, 0);
	atomic_store_explicit(&s->name[0], 0, memory_order_relaxed);
	atomic_store(&s->seq, 0);
}

int
assay_status_parse(const char *raw, size_t rawlen, uint32_t done,
    uint32_t total, char *out, size_t outlen)
{
	size_t n;
	int w;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (raw == NULL)
		return -1;
	for (n = 0; n < rawlen && raw[n] != '\0'; n++)
		if ((unsigned char)raw[n] < 0x20 || (unsigned char)raw[n] > 0x7e)
			return -1;
	/* No NUL within the slot: cut mid-write or longer than allowed. */
	if (n == 0 || n == rawlen || n >= outlen)
		return -1;
	if (total > 0 && done <= total)
		w = snprintf(out, outlen, "%.*s %u/%u", (int)n, raw, done, total);
	else
		w = snprintf(out, outlen, "%.*s", (int)n, raw);
	if (w < 0 || (size_t)w >= outlen) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

size_t
assay_status_board_read(struct assay_status_board *b, int slot,
    char *out, size_t outlen)
{
	struct slot *s = slot_of(b, slot);
	char raw[ASSAY_STATUS_NAME_MAX];
	unsigned int s1, s2;
	uint64_t p;
	size_t i;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (s == NULL)
		return 0;
	s1 = atomic_load_explicit(&s->seq, memory_order_acquire);
	if (s1 & 1)
		return 0;
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (char)atomic_load_explicit(&s->name[i],
		    memory_order_relaxed);
	/* Inside the window: a count never goes with the next probe's name. */
	p = atomic_load_explicit(&s->progress, memory_order_relaxed);
	atomic_thread_fence(memory_order_acquire);
	s2 = atomic_load_explicit(&s->seq, memory_order_relaxed);
	if (s1 != s2)
		return 0;
	if (assay_status_parse(raw, sizeof(raw), (uint32_t)(p >> 32),
	    (uint32_t)p, out, outlen) != 0)
		return 0;
	return strlen(out);
}

void
assay_status_attach(struct assay_status_board *b, int slot)
{
	self = slot_of(b, slot);
	self_name[0] = '\0';
	if (self != NULL)
		assay_status_probe(NULL);
}

void
assay_status_probe(const char *name)
{
	unsigned int s;
	size_t i, n;

	if (self == NULL)
		return;
	n = name != NULL ? strnlen(name, sizeof(self_name) - 1) : 0;
	memcpy(self_name, name != NULL ? name : "", n);
	self_name[n] = '\0';
	s = atomic_load_explicit(&self->seq, memory_order_relaxed);
	atomic_store_explicit(&self->seq, s + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	for (i = 0; i <= n; i++)
		atomic_store_explicit(&self->name[i],
		    (unsigned char)self_name[i], memory_order_relaxed);
	atomic_store_explicit(&self->progress, 0, memory_order_relaxed);
	atomic_store_explicit(&self->seq, s + 2, memory_order_release);
}

void
assay_status_current(char *buf, size_t len)
{
	if (len == 0)
		return;
	snprintf(buf, len, "%s", self != NULL ? self_name : "");
}

void
assay_status_progress(size_t done, size_t total)
{
	if (self == NULL)
		return;
	if (total > UINT32_MAX)
		total = UINT32_MAX;
	if (done > total)
		done = total;
	atomic_store_explicit(&self->progress,
	    (uint64_t)done << 32 | (uint64_t)total, memory_order_relaxed);
}
