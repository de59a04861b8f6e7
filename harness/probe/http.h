/*
 * probe_http.h - HTTP(S) probe on libcurl: one request with bounded
 * redirects, capped headers and body, optional basic/digest credentials,
 * and login attempts (basic, digest, form) for the credential runner.
 *
 * TLS certificates are not verified unless asked (devices are
 * self-signed); the verification result is reported either way.
 */
#ifndef ASSAY_PROBE_HTTP_H
#define ASSAY_PROBE_HTTP_H

#include <stddef.h>

#include "probe/probe.h"

#define ASSAY_HTTP_MAX_HEADERS		(64 * 1024)	/* bytes per response */
#define ASSAY_HTTP_DEFAULT_REDIRECTS	5
#define ASSAY_HTTP_MAX_REDIRECTS	20

enum assay_http_auth { ASSAY_HTTP_AUTH_NONE, ASSAY_HTTP_AUTH_BASIC,
	ASSAY_HTTP_AUTH_DIGEST };

struct assay_http_request {
	const char		*url;
	const char		*method;	/* NULL: GET, or POST with a body */
	const char * const	*headers;	/* "Name: value", NULL-terminated */
	const void		*body;
	size_t			 body_len;
	const char		*user;
	const char		*password;
	enum assay_http_auth	 auth;
	size_t			 max_body;	/* 0: env max_read */
	int			 max_redirects;	/* followed; 0: none */
	int			 timeout_ms;	/* 0: env default */
	int			 verify_tls;
};

struct assay_http_response;

/*
 * Performs req through the budget.  On 0, either *respp (free with
 * assay_http_response_free()) or NULL with the network failure in err
 * ("connection refused", "timeout ...", "response headers exceed ...").
 */
int	assay_probe_http_request(const struct assay_probe_env *env,
	    const struct assay_http_request *req,
	    struct assay_http_response **respp, char *err, size_t err_len);
void	assay_http_response_free(struct assay_http_response *r);
long	assay_http_response_status(const struct assay_http_response *r);
/* Body (borrowed, NUL-terminated), its length and whether it was cut. */
const char *assay_http_response_body(const struct assay_http_response *r,
	    size_t *lenp);
int	assay_http_response_truncated(const struct assay_http_response *r);
/* Raw header block of the final response (borrowed). */
const char *assay_http_response_headers(const struct assay_http_response *r);

/*
 * Splits a raw header block (NUL-terminated, as
 * assay_http_response_headers gives it) line by line: p is the line to
 * read; returns the next line, or NULL at the end.  For a "Name: value"
 * line *name and *value point into it (lengths in *name_len and
 * *value_len, the value without surrounding blanks and CR); a status
 * line or a line without a colon gives *name NULL.
 */
const char *assay_http_header_next(const char *p, const char **name,
	    size_t *name_len, const char **value, size_t *value_len);
/*
 * The Location of a 3xx response (status) in headers, resolved against
 * url, as path?query lowercased into out; "" when there is none or the
 * status is not 3xx.  What the login probe compares; exposed for the
 * fuzzer.
 */
void	assay_http_parse_location(const char *headers, long status,
	    const char *url, char *out, size_t outlen);
/* Number of redirects followed and the i-th target URL (borrowed). */
int	assay_http_response_redirects(const struct assay_http_response *r);
const char *assay_http_response_redirect(const struct assay_http_response *r,
	    int i);
/* 1 when the redirect limit stopped the chain. */
int	assay_http_response_redirect_limited(const struct assay_http_response *r);
/*
 * Requests stay on the device: the host of req->url and the addresses it
 * resolved to once (every connection is pinned to them).  A redirect to
 * another host or address, or to a scheme other than http/https, is not
 * followed; the 3xx is the answer and this says why, e.g. "redirect to
 * http://10.1.2.3/ refused: off the device" (borrowed; NULL when no
 * redirect was refused).
 */
const char *assay_http_response_redirect_refused(
	    const struct assay_http_response *r);
/* TLS: 1 if the final URL used TLS; X509 verify result (0 = ok). */
int	assay_http_response_tls(const struct assay_http_response *r);
long	assay_http_response_tls_verify_result(const struct assay_http_response *r);

/*
 * A login form or protected URL to try passwords on; the credential
 * runner fills it from its target.  Strings are borrowed for the call.
 */
enum assay_http_login_kind {
	ASSAY_HTTP_LOGIN_BASIC,
	ASSAY_HTTP_LOGIN_DIGEST,
	ASSAY_HTTP_LOGIN_FORM
};

struct assay_http_login {
	enum assay_http_login_kind	 kind;
	const char			*url;
	const char			*form_body;	/* form: %u/%p placeholders */
	const char			*success_marker; /* body contains it: success */
	const char			*failure_marker; /* body contains it: rejection */
	int				 success_status; /* 0: judged against the baseline */
};

/*
 * What the login URL answers without valid credentials, taken once per
 * credential run: for http-basic/-digest a request without credentials,
 * for http-form a POST with a random user and password.  A login attempt
 * is judged by how its answer differs from this one.
 */
struct assay_http_baseline {
	int	valid;			/* 0: the request failed (why) */
	long	status;
	char	location[512];		/* path?query of a 3xx, else "" */
	char	why[256];
};

/*
 * Takes the baseline for lg.  Returns 0 (base->valid 0 with base->why on
 * a network failure) or ASSAY_ERR_*.
 */
int	assay_probe_http_login_baseline(const struct assay_probe_env *env,
	    const struct assay_http_login *lg, int timeout_ms,
	    struct assay_http_baseline *base);

/*
 * One login attempt for the credential runner (probe/cred.h); outcomes
 * are the ASSAY_AUTH_* of probe/probe.h.  Unless
 * lg gives markers or a success status, the answer is judged against
 * base: basic/digest is accepted only when the baseline was 401 and the
 * pair gets 2xx, or a 3xx that does not lead to a login or error page;
 * 401 and 403 are rejections.  A form is accepted on a 3xx elsewhere than
 * a login/error page and the baseline's target, or on 2xx when the
 * baseline was not 2xx.  A baseline of 2xx for basic/digest is
 * ASSAY_AUTH_NO_PASSWORD ("no password to guess: ... answers 200 without
 * credentials").
 */
int	assay_probe_http_login(const struct assay_probe_env *env,
	    const struct assay_http_login *lg,
	    const struct assay_http_baseline *base, const char *user,
	    const char *password, int timeout_ms, int *outcome, char *detail,
	    size_t detail_len);

/* Adds http_request to the table on top of the stack. */
void	assay_probe_http_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_HTTP_H */
