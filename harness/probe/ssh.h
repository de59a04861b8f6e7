/*
 * probe_ssh.h - SSH probe: server banner and algorithm lists, password
 * login attempts.
 *
 * The algorithm lists come from the server's KEXINIT read over a plain
 * TCP socket (exact, and no key exchange needed).  Login attempts use
 * libssh 0.10: algorithm negotiation, key exchange and user
 * authentication are not something to write by hand.
 */
#ifndef ASSAY_PROBE_SSH_H
#define ASSAY_PROBE_SSH_H

#include <stddef.h>

#include "probe/probe.h"

#define ASSAY_SSH_MAX_PACKET	35000	/* RFC 4253 6.1 */

/* Name-lists of a KEXINIT, in the server's order. */
enum assay_ssh_list {
	ASSAY_SSH_KEX,
	ASSAY_SSH_HOSTKEY,
	ASSAY_SSH_CIPHERS_C2S,
	ASSAY_SSH_CIPHERS_S2C,
	ASSAY_SSH_MACS_C2S,
	ASSAY_SSH_MACS_S2C,
	ASSAY_SSH_COMP_C2S,
	ASSAY_SSH_COMP_S2C,
	ASSAY_SSH_NLISTS
};

struct assay_ssh_info;

/*
 * Connects, reads the server's identification line and KEXINIT.  On 0
 * either *infop (free with assay_ssh_info_free()) or, for a network
 * failure or garbage, NULL with the reason in err.
 */
int		 assay_probe_ssh_info(const struct assay_probe_env *env,
		    const char *host, int port, int timeout_ms,
		    struct assay_ssh_info **infop, char *err, size_t err_len);
void		 assay_ssh_info_free(struct assay_ssh_info *info);
/* The identification line without CR LF (borrowed). */
const char	*assay_ssh_info_banner(const struct assay_ssh_info *info);
/* The comma-separated name-list (borrowed, may be ""). */
const char	*assay_ssh_info_list(const struct assay_ssh_info *info,
		    enum assay_ssh_list which);

/*
 * Parses a KEXINIT payload (starting with byte 20) into info's lists.
 * Exposed for tests and fuzzing.  Returns 0 or ASSAY_ERR_PARSE.
 */
int		 assay_ssh_kexinit_parse(struct assay_ssh_info *info,
		    const unsigned char *p, size_t len);
struct assay_ssh_info *assay_ssh_info_new(void);
/*
 * Takes the next byte c of what the server sent first: lines before the
 * identification (up to 32), then the "SSH-" line, each at most 255
 * bytes with CR LF.  Returns 0 for more, 1 when the identification is
 * complete (then assay_ssh_info_banner() has it), -1 for a server that
 * is not SSH, with the reason in err.  Exposed for the fuzzer.
 */
int		 assay_ssh_ident_feed(struct assay_ssh_info *info,
		    unsigned char c, char *err, size_t err_len);

/*
 * One password login with libssh.  Sets *outcome to ASSAY_AUTH_ACCEPTED,
 * ASSAY_AUTH_REJECTED or ASSAY_AUTH_UNREACHED, with a reason in detail.
 * Returns 0 or ASSAY_ERR_* (ASSAY_ERR_BUDGET: no slot in time).
 */
int		 assay_probe_ssh_login(const struct assay_probe_env *env,
		    const char *host, int port, const char *user,
		    const char *password, int timeout_ms, int *outcome,
		    char *detail, size_t detail_len);

/* Adds ssh_info and ssh_login to the table on top of the stack. */
void		 assay_probe_ssh_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_SSH_H */
