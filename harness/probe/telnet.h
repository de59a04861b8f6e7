/*
 * probe_telnet.h - telnet probe: banner grab and login attempts.
 *
 * Option negotiation refuses everything (DO -> WONT, WILL -> DONT, each
 * option answered once), skips subnegotiation and tolerates malformed IAC
 * sequences.  Every connection takes a budget slot, every read has a
 * deadline and the bytes read per connection are capped.
 */
#ifndef ASSAY_PROBE_TELNET_H
#define ASSAY_PROBE_TELNET_H

#include <stddef.h>

#include "probe/probe.h"

struct assay_telnet;

/*
 * A login session to host:port; it connects lazily and reconnects when
 * the device closed the previous connection.  timeout_ms / max_read of 0
 * take the env defaults.  NULL on allocation failure.
 */
struct assay_telnet	*assay_probe_telnet_new(const struct assay_probe_env *env,
			    const char *host, int port, int timeout_ms, size_t max_read);
/* Closes the connection, gives back its budget slot, frees; NULL accepted. */
void			 assay_probe_telnet_free(struct assay_telnet *t);
/*
 * One login attempt.  Sets *outcome to ASSAY_AUTH_ACCEPTED (a shell prompt
 * followed the password), ASSAY_AUTH_REJECTED ("Login incorrect", a new
 * prompt, or the connection closed after the password) or
 * ASSAY_AUTH_UNREACHED (refused, reset, timeout, no prompt) and writes
 * the reason into detail.  After a rejection that left a login prompt the
 * connection is kept for the next attempt.  Returns 0 or ASSAY_ERR_*
 * (ASSAY_ERR_BUDGET when no slot came within the timeout).
 */
int			 assay_probe_telnet_try(struct assay_telnet *t,
			    const char *user, const char *password, int *outcome,
			    char *detail, size_t detail_len);
/* Connections opened so far by this session. */
int			 assay_probe_telnet_connections(const struct assay_telnet *t);

/*
 * Reads what the device says before any input: until a login prompt, the
 * line goes quiet for quiet_ms, the cap, or the timeout.  On 0 *bannerp
 * (malloc'd, NUL-terminated, negotiation removed) or NULL with the
 * network failure in err; *truncated set when the cap was hit.
 */
int			 assay_probe_telnet_banner(const struct assay_probe_env *env,
			    const char *host, int port, int timeout_ms, size_t max_read,
			    int quiet_ms, char **bannerp, size_t *lenp, int *truncated,
			    char *err, size_t err_len);

/* Adds telnet_login and telnet_banner to the table on top of the stack. */
void			 assay_probe_telnet_lua_register(struct lua_State *L);

/* What assay_telnet_parse_screen saw at the end of a screen. */
#define ASSAY_TELNET_SCREEN_LOGIN	0x01
#define ASSAY_TELNET_SCREEN_PASSWORD	0x02
#define ASSAY_TELNET_SCREEN_SHELL	0x04
#define ASSAY_TELNET_SCREEN_REJECT	0x08

/*
 * The prompt classifiers of assay_probe_telnet_try on len bytes of
 * decoded text (after negotiation) as one screen, secret (may be NULL)
 * the password just sent: returns the ASSAY_TELNET_SCREEN_* bits that
 * hold, or ASSAY_ERR_ALLOC; snip gets the quoted snippet a detail would
 * carry (an echo of secret masked).  Exposed for the fuzzer and tests.
 */
int			 assay_telnet_parse_screen(const unsigned char *p,
			    size_t len, const char *secret, char *snip,
			    size_t snip_len);

#endif /* ASSAY_PROBE_TELNET_H */
