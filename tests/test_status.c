/*
 * test_status.c - the channel a test-case process tells its supervisor
 * which probe it is in through (base/status.h): the supervisor's check of
 * what a slot holds against hostile bytes, and the slots themselves,
 * across a fork, while being written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/status.h"
#include "testutil.h"

/* parse() of a C string given with its NUL, as a slot holds it. */
static int
parse(const char *name, uint32_t done, uint32_t total, char *out,
    size_t outlen)
{
	return assay_status_parse(name, strlen(name) + 1, done, total, out,
	    outlen);
}

static void
test_parse_good(void **state)
{
	char out[ASSAY_STATUS_TEXT_MAX];

	(void)state;
	assert_int_equal(parse("net.tcp_sweep", 12000, 65535, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "net.tcp_sweep 12000/65535");
	assert_int_equal(parse("net.tls_handshake", 0, 0, out, sizeof(out)),
	    0);
	assert_string_equal(out, "net.tls_handshake");
	assert_int_equal(parse("net.try_credentials", 0, 119, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "net.try_credentials 0/119");
	/* Counts that make no sense are dropped, the name kept. */
	assert_int_equal(parse("net.tcp_sweep", 70000, 65535, out,
	    sizeof(out)), 0);
	assert_string_equal(out, "net.tcp_sweep");
	/* Bytes after the NUL (a longer name before) are not read. */
	assert_int_equal(assay_status_parse("net.banner\0\x1b[2Jzz", 20, 0, 0,
	    out, sizeof(out)), 0);
	assert_string_equal(out, "net.banner");
	/* Printable ASCII is all allowed, space and tilde included. */
	assert_int_equal(parse(" ~", 0, 0, out, sizeof(out)), 0);
	assert_string_equal(out, " ~");
}

static void
test_parse_hostile(void **state)
{
	static const char *const bad[] = {
		"",				/* says nothing */
		"net.tcp\x1b[2J",		/* clears the screen */
		"net.\x1b]0;owned\x07",		/* retitles the terminal */
		"net.tls\r\033[Kfake",		/* rewrites the line */
		"net.tls\nsecond line",
		"net.tls\t",
		"net.tls\x7f",			/* DEL */
		"net.tls\xc2\x85",		/* C1 NEL as UTF-8 */
		"net.tls\xe2\x80\xae",		/* U+202E */
		"\xff\xfe",
	};
	char out[ASSAY_STATUS_TEXT_MAX], raw[ASSAY_STATUS_NAME_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, "junk", 5);
		assert_int_equal(parse(bad[i], 1, 2, out, sizeof(out)), -1);
		assert_string_equal(out, "");
	}
	/* No NUL within the slot: a partial write or an overlong name. */
	memset(raw, 'a', sizeof(raw));
	assert_int_equal(assay_status_parse(raw, sizeof(raw), 0, 0, out,
	    sizeof(out)), -1);
	assert_string_equal(out, "");
	/* The same name, ended one byte sooner, is fine. */
	raw[sizeof(raw) - 1] = '\0';
	assert_int_equal(assay_status_parse(raw, sizeof(raw), 0, 0, out,
	    sizeof(out)), 0);
	assert_int_equal(strlen(out), sizeof(raw) - 1);
	/* A NUL past rawlen does not count. */
	assert_int_equal(assay_status_parse("net.tls", 7, 0, 0, out,
	    sizeof(out)), -1);
	/* No room: nothing half-written. */
	assert_int_equal(parse("net.tcp_sweep", 1, 2, out, 10), -1);
	assert_string_equal(out, "");
	assert_int_equal(parse("net.tcp_sweep", 1000, 2000, out, 16), -1);
	assert_string_equal(out, "");
	assert_int_equal(parse("x", 0, 0, out, 0), -1);
	assert_int_equal(assay_status_parse(NULL, 8, 0, 0, out, sizeof(out)),
	    -1);
}

static void
test_board(void **state)
{
	struct assay_status_board *b;
	char out[ASSAY_STATUS_TEXT_MAX], cur[ASSAY_STATUS_NAME_MAX], lng[200];

	(void)state;
	assert_null(assay_status_board_new(0));
	assert_non_null(b = assay_status_board_new(2));
	/* Not attached: the child side writes nowhere. */
	assay_status_probe("net.banner");
	assay_status_current(cur, sizeof(cur));
	assert_string_equal(cur, "");
	assert_int_equal(assay_status_board_read(b, 1, out, sizeof(out)), 0);
	assay_status_attach(b, 1);
	assay_status_probe("net.tcp_sweep");
	assay_status_progress(100, 65535);
	assert_int_equal(assay_status_board_read(b, 1, out, sizeof(out)),
	    strlen("net.tcp_sweep 100/65535"));
	assert_string_equal(out, "net.tcp_sweep 100/65535");
	assay_status_current(cur, sizeof(cur));
	assert_string_equal(cur, "net.tcp_sweep");
	/* Other slots and slots out of range say nothing. */
	assert_int_equal(assay_status_board_read(b, 2, out, sizeof(out)), 0);
	assert_int_equal(assay_status_board_read(b, 0, out, sizeof(out)), 0);
	assert_int_equal(assay_status_board_read(b, 3, out, sizeof(out)), 0);
	assert_int_equal(assay_status_board_read(NULL, 1, out, sizeof(out)),
	    0);
	/* A new probe clears the progress. */
	assay_status_probe("net.tls_handshake");
	assay_status_board_read(b, 1, out, sizeof(out));
	assert_string_equal(out, "net.tls_handshake");
	/* A name longer than the slot is cut, not refused. */
	memset(lng, 'n', sizeof(lng) - 1);
	lng[sizeof(lng) - 1] = '\0';
	assay_status_probe(lng);
	assay_status_board_read(b, 1, out, sizeof(out));
	assert_int_equal(strlen(out), ASSAY_STATUS_NAME_MAX - 1);
	/* A hostile name reaches the slot but not the supervisor's line. */
	assay_status_probe("net.\x1b[2J");
	assert_int_equal(assay_status_board_read(b, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	assay_status_probe(NULL);
	assert_int_equal(assay_status_board_read(b, 1, out, sizeof(out)), 0);
	assay_status_probe("net.mqtt_connect");
	assay_status_board_clear(b, 1);
	assert_int_equal(assay_status_board_read(b, 1, out, sizeof(out)), 0);
	assay_status_attach(NULL, 0);
	assay_status_board_free(b);
	assay_status_board_free(NULL);
}

/*
 * A child rewrites its slot as fast as it can, alternating two names of
 * different lengths with progress; the parent, reading meanwhile, sees
 * one of them whole or nothing, never a mix of both.
 */
static void
test_board_fork(void **state)
{
	static const char a[] = "net.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	static const char a5[] = "net.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 5/10";
	static const char bb[] = "net.bb";
	struct assay_status_board *b;
	char out[ASSAY_STATUS_TEXT_MAX];
	long long until;
	char torn[ASSAY_STATUS_TEXT_MAX] = "";
	size_t seen = 0;
	pid_t pid;
	int st;

	(void)state;
	assert_non_null(b = assay_status_board_new(4));
	if ((pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		assay_status_attach(b, 3);
		for (;;) {
			assay_status_probe(a);
			assay_status_progress(5, 10);
			assay_status_probe(bb);
		}
	}
	assert_true(pid > 0);
	until = tu_now_ms() + 300;
	while (tu_now_ms() < until) {
		if (assay_status_board_read(b, 3, out, sizeof(out)) == 0)
			continue;	/* caught mid-write: skipped */
		seen++;
		if (strcmp(out, a) != 0 && strcmp(out, a5) != 0 &&
		    strcmp(out, bb) != 0) {
			memcpy(torn, out, sizeof(torn));
			break;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (torn[0] != '\0')
		fail_msg("a torn read: \"%s\"", torn);
	assert_true(seen > 0);
	/* What the dead child left is still whole. */
	if (assay_status_board_read(b, 3, out, sizeof(out)) > 0)
		assert_true(strncmp(out, "net.", 4) == 0);
	assay_status_board_clear(b, 3);
	assert_int_equal(assay_status_board_read(b, 3, out, sizeof(out)), 0);
	assay_status_board_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_board),
		cmocka_unit_test(test_board_fork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
