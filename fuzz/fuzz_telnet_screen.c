/*
 * fuzz_telnet_screen.c - libFuzzer target: the telnet prompt classifiers
 * (probe/telnet.c: the screen, the last line, login / password / shell
 * prompt and rejection rules, the echo rule) through
 * assay_telnet_parse_screen.  The first byte gives the length of a
 * "password" taken from the input's end.  The snippet a detail quotes
 * must never hold the password (echo masking), and text ending in the
 * start of the password is never a shell prompt.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/telnet.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char secret[64], snip[64];
	size_t sl, n, k;
	int seen;

	if (size < 1)
		return 0;
	sl = data[0] % 16;
	if (sl > size - 1)
		sl = size - 1;
	memcpy(secret, data + size - sl, sl);
	secret[sl] = '\0';
	if (strlen(secret) != sl)
		sl = 0, secret[0] = '\0';	/* a NUL: no password */
	n = size - 1 - sl;
	seen = assay_telnet_parse_screen(data + 1, n, sl > 0 ? secret : NULL,
	    snip, sizeof(snip));
	if (seen < 0)
		return 0;
	/*
	 * The checks hold for a password of printable bytes other than the
	 * snippet's own '.' and '*', and a screen without NUL (dropped).
	 */
	if (sl < 3 || strspn(secret, "!\"#$%&'()+,-/0123456789:;<=>?@"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~")
	    != sl || memchr(data + 1, '\0', n) != NULL)
		return 0;
	if (strstr(snip, secret) != NULL)
		abort();
	k = sl - 1;
	if (k >= 3 && n >= k && memcmp(data + 1 + n - k, secret, k) == 0 &&
	    (seen & ASSAY_TELNET_SCREEN_SHELL))
		abort();
	return 0;
}
