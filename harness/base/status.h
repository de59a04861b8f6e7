/*
 * status.h - a test-case process tells its supervisor which probe it is
 * in, for the live status line (`5.6-1-2 [net.tcp_sweep 12000/65535]`).
 *
 * The channel is one small slot per job in shared memory, made by the
 * supervisor before it forks (assay_status_board_new) and only when a
 * status line is drawn: without a board every child-side call is one
 * test of a NULL pointer, no system call, no shared memory.
 *
 * The child never blocks: it writes its slot under a sequence counter
 * (odd while writing) and goes on; the supervisor reads it whenever it
 * redraws, and skips a slot caught mid-write.  The supervisor trusts
 * nothing in the slot: a child running a hostile or broken test case can
 * write any bytes there, so what is read is copied with a fixed bound and
 * checked (assay_status_parse) before it reaches the terminal: a name of
 * printable ASCII ended by a NUL inside the slot, and counts that make
 * sense, or nothing at all.
 */
#ifndef ASSAY_STATUS_H
#define ASSAY_STATUS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a probe name in a slot, its NUL included. */
#define ASSAY_STATUS_NAME_MAX	48
/* A buffer that holds any text assay_status_parse() makes. */
#define ASSAY_STATUS_TEXT_MAX	(ASSAY_STATUS_NAME_MAX + 24)

struct assay_status_board;

/* --- the supervisor ---------------------------------------------------- */

/*
 * A board of nslots slots, numbered 1..nslots (the jobs' holder indexes),
 * in memory shared with the processes forked after it.  NULL when it
 * cannot be made (the status line then shows no probes).
 */
struct assay_status_board *assay_status_board_new(int nslots);
void	assay_status_board_free(struct assay_status_board *b);
/* Empties a slot (its process ended) so the next job there starts blank. */
void	assay_status_board_clear(struct assay_status_board *b, int slot);
/*
 * What slot says now, checked, into out (outlen >= 1, always
 * terminated): "net.tcp_sweep 12000/65535", "net.tls_handshake", or ""
 * when it says nothing, is being written, or says something invalid.
 * Returns the length written.
 */
size_t	assay_status_board_read(struct assay_status_board *b, int slot,
	    char *out, size_t outlen);

/*
 * The check, on its own for the tests: raw is a copy of a slot's name
 * bytes (rawlen of them, not trusted to hold a NUL), done and total its
 * progress (total 0: none).  Writes "NAME" or "NAME DONE/TOTAL" into out
 * (outlen >= 1, always terminated) and returns 0, or writes "" and
 * returns -1 when the name is empty, is not ended by a NUL within rawlen
 * bytes (a partial or overlong write) or holds a byte outside printable
 * ASCII (0x20-0x7e), or when it does not fit out.  Counts with done >
 * total are dropped, the name kept.
 */
int	assay_status_parse(const char *raw, size_t rawlen, uint32_t done,
	    uint32_t total, char *out, size_t outlen);

/* --- the test-case process --------------------------------------------- */

/* This process writes slot of b from now on (b NULL: nowhere). */
void	assay_status_attach(struct assay_status_board *b, int slot);
/*
 * Now in probe name (NULL or "": in none); clears the progress.  Names
 * longer than the slot are cut.  Never blocks.
 */
void	assay_status_probe(const char *name);
/* The name last given to assay_status_probe() into buf ("" for none). */
void	assay_status_current(char *buf, size_t len);
/* Progress of the probe: done of total (any thread; never blocks). */
void	assay_status_progress(size_t done, size_t total);

#endif /* ASSAY_STATUS_H */
