/*
 * forms.h - the forms that describe a device under test, and the lab's
 * set-up for testing it.
 *
 * ICS (Implementation Conformance Statement, EN 303 645 Annex B): device
 * identity, the standard and version, per provision its support (Y, N,
 * N/A) with a detail, and the 13 conditions declared true or false.
 * IXIT version 2 (TS 103 701): the services, and the 29 IXIT items as
 * lists of entries with free-text fields and typed facts (docs/facts.md).
 * Lab set-up file: how the lab reaches the device (addresses, per-service
 * overrides), the probe budget, the lab credentials and the files the lab
 * supplies (captures, firmware images).
 * The formats are described in ics/README.md, ixit/README.md and
 * setup/README.md and fixed by ics/ics.xsd, ixit/ixit.xsd and
 * setup/setup.xsd.
 *
 * Loading is hostile-input safe: no network, no DTD, no entities, a size
 * cap; then schema validation; then the cross-checks the schema cannot
 * express.  Every problem goes to the diag list as "file:line: message".
 *
 * All strings returned are borrowed from the forms object and stay valid
 * until assay_forms_free().  Secret values (passwords, fields marked
 * secret="true") live in their own allocations, wiped on free.
 */
#ifndef ASSAY_FORMS_H
#define ASSAY_FORMS_H

#include <stddef.h>

struct assay_forms;
struct assay_spec;
struct assay_diag;

#define ASSAY_FORMS_MAX_BYTES	(4 * 1024 * 1024)	/* per form file */
#define ASSAY_FORMS_MAX_DEPTH	64			/* element nesting */

enum assay_support {
	ASSAY_SUPPORT_YES = 0,		/* "Y" */
	ASSAY_SUPPORT_NO,		/* "N" */
	ASSAY_SUPPORT_NA		/* "N/A", conditional provisions only */
};

/*
 * Loads and checks the ICS, the IXIT and, unless setup_path is NULL, the
 * lab set-up file; then the cross-checks between them (ICS conditions
 * against IXIT facts, set-up services against IXIT services).  datadir
 * holds ics/ics.xsd, ixit/ixit.xsd, setup/setup.xsd and spec/; the spec
 * is loaded and owned by the forms object.  Without a set-up file there
 * are no addresses and no credentials (enough for `assay check`).
 * Returns 0 with *out set, or an ASSAY_ERR_* code (ASSAY_ERR_HOSTILE_XML,
 * _PARSE, _SCHEMA, _FORM, _TOO_BIG, _NOT_FOUND ...) with every problem in
 * d and *out NULL.  Warnings (assay_diag_warn) may be added on success.
 */
int		 assay_forms_load(const char *datadir, const char *ics_path,
		    const char *ixit_path, const char *setup_path,
		    struct assay_forms **out, struct assay_diag *d);
/*
 * The same for a run directory's copies of the forms (forms/): the files
 * the set-up names (artefacts) were checked and hashed when the run
 * started, and are not opened again; the lab may have moved them.
 */
int		 assay_forms_load_recorded(const char *datadir,
		    const char *ics_path, const char *ixit_path,
		    const char *setup_path, struct assay_forms **out,
		    struct assay_diag *d);
/*
 * The same from memory: each form is len bytes at its pointer (borrowed,
 * copied before parsing), named ics_name, ixit_name and setup_name in
 * messages and in the accessors' paths; setup NULL for none.  For the
 * fuzzer and for tests that build a form without a file; a real run
 * reads files (their hashes are the same either way).
 */
int		 assay_forms_load_mem(const char *datadir, const char *ics_name,
		    const void *ics, size_t ics_len, const char *ixit_name,
		    const void *ixit, size_t ixit_len, const char *setup_name,
		    const void *setup, size_t setup_len,
		    struct assay_forms **out, struct assay_diag *d);
void		 assay_forms_free(struct assay_forms *f);

/*
 * Reads one XML file with the hostile-input rules (size cap, no DOCTYPE,
 * no entities, no network, depth cap, valid UTF-8) and validates it
 * against the schema at xsd_path.  Used by the loader and by tests.
 * Returns 0 or an ASSAY_ERR_* code with problems in d.
 */
int		 assay_forms_check_xml(const char *path, const char *xsd_path,
		    struct assay_diag *d);

/*
 * The same reader for another document Assay takes from a person (the
 * review worksheet): path read under the hostile-input rules, checked to
 * have root element root_name and validated against xsd_path; *docp is
 * the caller's, freed with assay_forms_free_xml().  sha256 (may be NULL)
 * receives the file's hash in hex.  Returns 0 or an ASSAY_ERR_* code with
 * problems in d.
 */
struct _xmlDoc;
int		 assay_forms_read_xml(const char *path, const char *xsd_path,
		    const char *root_name, struct _xmlDoc **docp, char *sha256,
		    struct assay_diag *d);
void		 assay_forms_free_xml(struct _xmlDoc *doc);

const struct assay_spec *assay_forms_spec(const struct assay_forms *f);
const char	*assay_forms_ics_path(const struct assay_forms *f);
const char	*assay_forms_ixit_path(const struct assay_forms *f);
/* NULL when loaded without a set-up file. */
const char	*assay_forms_setup_path(const struct assay_forms *f);
/* SHA-256 (hex) of each file as read ("" for a set-up file not given). */
const char	*assay_forms_ics_sha256(const struct assay_forms *f);
const char	*assay_forms_ixit_sha256(const struct assay_forms *f);
const char	*assay_forms_setup_sha256(const struct assay_forms *f);

/* --- ICS ------------------------------------------------------------- */

/*
 * Device identity: key is one of "manufacturer", "model",
 * "hardware-version", "firmware-version", "description".  NULL if absent.
 */
const char	*assay_forms_device(const struct assay_forms *f, const char *key);
size_t		 assay_forms_nserials(const struct assay_forms *f);
const char	*assay_forms_serial(const struct assay_forms *f, size_t i);
/* "EN 303 645", "2.1.1", and the profile id or NULL. */
const char	*assay_forms_standard(const struct assay_forms *f);
const char	*assay_forms_standard_version(const struct assay_forms *f);
const char	*assay_forms_profile(const struct assay_forms *f);
/*
 * Support declared for a provision.  Returns 0 and fills *support and
 * *detail (may be "" for Y), or ASSAY_ERR_NOT_FOUND.
 */
int		 assay_forms_support(const struct assay_forms *f,
		    const char *provision_id, enum assay_support *support,
		    const char **detail);
/* Condition number (1-based) as declared: 1 true, 0 false, -1 unknown. */
int		 assay_forms_condition(const struct assay_forms *f, int number);
const char	*assay_support_name(enum assay_support s);

/* --- IXIT: items, entries, fields ------------------------------------ */

/* Entries of an IXIT item ("1-AuthMech"); 0 for an unknown item. */
size_t		 assay_forms_nentries(const struct assay_forms *f, const char *item);
const char	*assay_forms_entry_id(const struct assay_forms *f, const char *item,
		    size_t k);
/* Fields of entry k, in document order. */
size_t		 assay_forms_entry_nfields(const struct assay_forms *f,
		    const char *item, size_t k);
const char	*assay_forms_entry_field_name(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);
const char	*assay_forms_entry_field_value(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);
int		 assay_forms_entry_field_secret(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);
/* Value of the field called name (case-insensitive) or NULL. */
const char	*assay_forms_entry_field(const struct assay_forms *f,
		    const char *item, size_t k, const char *name);
/*
 * References of entry k: each names either a service (ref_item NULL,
 * ref_target = service id) or another entry (ref_item = item id,
 * ref_target = entry id).
 */
size_t		 assay_forms_entry_nrefs(const struct assay_forms *f,
		    const char *item, size_t k);
const char	*assay_forms_entry_ref_item(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);
const char	*assay_forms_entry_ref_target(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);

/*
 * Facts of entry k (IXIT version 2, docs/facts.md), in document order.
 * Values are in canonical form: booleans "true"/"false", integers in
 * decimal, lists as space-separated tokens.
 */
size_t		 assay_forms_entry_nfacts(const struct assay_forms *f,
		    const char *item, size_t k);
const char	*assay_forms_entry_fact_name(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);
const char	*assay_forms_entry_fact_value(const struct assay_forms *f,
		    const char *item, size_t k, size_t j);
/* Value of the fact called name, or NULL when the entry does not say. */
const char	*assay_forms_entry_fact(const struct assay_forms *f,
		    const char *item, size_t k, const char *name);

enum assay_fact_type {
	ASSAY_FACT_UNKNOWN = 0,		/* not a fact name */
	ASSAY_FACT_STRING,		/* enumerations, dates, URIs, tokens */
	ASSAY_FACT_BOOL,
	ASSAY_FACT_INT,
	ASSAY_FACT_LIST			/* space-separated tokens */
};
/* Type of a fact, whichever item it is on. */
enum assay_fact_type assay_forms_fact_type(const char *name);

/* --- IXIT: services -------------------------------------------------- */

size_t		 assay_forms_nservices(const struct assay_forms *f);
long		 assay_forms_service_find(const struct assay_forms *f, const char *id);
const char	*assay_forms_service_id(const struct assay_forms *f, size_t i);
/* Application protocol: "http", "https", "telnet", "ssh", "mqtt", "coap", ... */
const char	*assay_forms_service_protocol(const struct assay_forms *f, size_t i);
/* "tcp" or "udp". */
const char	*assay_forms_service_transport(const struct assay_forms *f, size_t i);
int		 assay_forms_service_port(const struct assay_forms *f, size_t i);
/* "none", "tls", "dtls", "ssh" or "other". */
const char	*assay_forms_service_security(const struct assay_forms *f, size_t i);
/*
 * Address to use, from the set-up file: the service's override or the
 * first address; NULL without a set-up file.
 */
const char	*assay_forms_service_address(const struct assay_forms *f, size_t i);
const char	*assay_forms_service_description(const struct assay_forms *f, size_t i);
/* Request path for HTTP-like services ("/" when absent). */
const char	*assay_forms_service_path(const struct assay_forms *f, size_t i);

/* --- lab set-up: reaching the device --------------------------------- */

size_t		 assay_forms_naddresses(const struct assay_forms *f);
const char	*assay_forms_address(const struct assay_forms *f, size_t i);
/*
 * The set-up's per-device budget when it says nothing: the lab set-up is
 * where a budget is decided, so its defaults live here (the probe layer
 * keeps its own for callers without forms).
 */
#define ASSAY_FORMS_DEFAULT_MAX_CONNECTIONS	64
/* A ceiling: the adaptive budget (probe.h) climbs to it only on a healthy device. */
#define ASSAY_FORMS_DEFAULT_MAX_RATE		1000000	/* connections per second */
/* The liveness watch: a connect this often; a device down this long is given up. */
#define ASSAY_FORMS_DEFAULT_LIVENESS_INTERVAL_MS	250
#define ASSAY_FORMS_DEFAULT_LIVENESS_GIVE_UP_S		120
/*
 * assay run's default time limit per test case (--timeout): the set-up's
 * budget is checked against it (a full sweep must fit), and the engine
 * uses it.
 */
#define ASSAY_FORMS_DEFAULT_TC_TIMEOUT_MS	(300 * 1000)

/* Per-device budget; the defaults above when the set-up says nothing. */
int		 assay_forms_budget_max_connections(const struct assay_forms *f);
int		 assay_forms_budget_max_rate(const struct assay_forms *f);
/* 1 unless the set-up says <budget adaptive="no"/> (a fixed rate). */
int		 assay_forms_budget_adaptive(const struct assay_forms *f);
/*
 * The liveness watch: the index of the service to watch (the set-up's
 * <liveness service>, else the first TCP service of the IXIT), or -1 (no
 * TCP service, or <liveness enabled="no"/>); sets the interval and the
 * bound on waiting for the device either way.
 */
long		 assay_forms_liveness(const struct assay_forms *f,
		    int *interval_ms, int *give_up_s);

size_t		 assay_forms_ncredentials(const struct assay_forms *f);
const char	*assay_forms_credential_id(const struct assay_forms *f, size_t i);
const char	*assay_forms_credential_service(const struct assay_forms *f, size_t i);
const char	*assay_forms_credential_username(const struct assay_forms *f, size_t i);
/* "pre-installed", "user-set" or "lab". */
const char	*assay_forms_credential_origin(const struct assay_forms *f, size_t i);
/* The secret in clear: for probes only, never for reports or logs. */
const char	*assay_forms_credential_password(const struct assay_forms *f, size_t i);

/* --- lab set-up: the files the lab supplies --------------------------- */

/*
 * A capture or a firmware image named in <artefacts>.  The loader
 * resolved each file (relative to the set-up file's directory), checked
 * it is a readable regular file within the cap its probe applies, and
 * hashed it; a declared sha256 that differs is a problem of the load.
 * The caps repeat probe/pcap.h ASSAY_CAPTURE_MAX_FILE and probe/firmware.h
 * ASSAY_FW_MAX_IMAGE (forms does not reach up into the probes; run/api.c
 * asserts they agree).
 */
#define ASSAY_FORMS_MAX_CAPTURE		(256ULL * 1024 * 1024)
#define ASSAY_FORMS_MAX_FIRMWARE	(1024ULL * 1024 * 1024)
/* Other tools' reports (probe/import.h ASSAY_IMPORT_MAX_FILE). */
#define ASSAY_FORMS_MAX_IMPORT		(16ULL * 1024 * 1024)

enum assay_artefact_kind { ASSAY_ARTEFACT_CAPTURE, ASSAY_ARTEFACT_FIRMWARE,
	ASSAY_ARTEFACT_NMAP, ASSAY_ARTEFACT_TESTSSL, ASSAY_ARTEFACT_SSLSCAN };

size_t		 assay_forms_nartefacts(const struct assay_forms *f);
enum assay_artefact_kind assay_forms_artefact_kind(const struct assay_forms *f,
		    size_t i);
/* "capture", "firmware", "nmap", "testssl" or "sslscan". */
const char	*assay_forms_artefact_kind_name(enum assay_artefact_kind k);
const char	*assay_forms_artefact_id(const struct assay_forms *f, size_t i);
/* The file as the set-up file writes it. */
const char	*assay_forms_artefact_file(const struct assay_forms *f, size_t i);
/* The file resolved at load: an absolute path without links (realpath). */
const char	*assay_forms_artefact_path(const struct assay_forms *f, size_t i);
/* SHA-256 (lowercase hex) of the bytes the loader read. */
const char	*assay_forms_artefact_sha256(const struct assay_forms *f, size_t i);
unsigned long long assay_forms_artefact_size(const struct assay_forms *f,
		    size_t i);

/* --- lab set-up: the device as a client (<client-side>) -------------- */

/*
 * The lab's gateway position (docs/probe_gateway.md): the interface and
 * IPv4 address the device's traffic reaches, the DNS port it asks, and
 * the names answered with that address (none: every A query).
 */
struct assay_gateway_decl {
	const char		*interface, *address;
	int			 dns_port;
	size_t			 nanswers;
	const char *const	*answers;
};
/*
 * A certificate and key the device trusts for host, and optionally the
 * CA it trusts.  Paths resolved absolute (realpath) at load, where each
 * file was read, parsed as PEM and its key matched; ca_* may be NULL.
 */
struct assay_identity_decl {
	const char	*id, *host, *cert, *key, *ca_cert, *ca_key;
};
/* How the installed version is read; digest_pattern may be NULL. */
struct assay_version_check_decl {
	const char	*service, *path, *credential, *version_pattern,
			*digest_pattern;
};
/*
 * An update mechanism Assay may stand in for.  release/older/other_key:
 * directories resolved absolute; older, other_key, signature, identity
 * and check.credential may be NULL.
 */
struct assay_update_decl {
	const char	*id, *mechanism, *channel, *identity, *release,
			*older, *other_key, *payload, *signature;
	struct assay_version_check_decl check;
	int		 has_check;
};
/* A value the lab knows, looked for in clear in traffic; value is a secret. */
struct assay_watch_decl {
	const char	*label, *kind, *ref, *value;
};

/*
 * The device's pace as a client (<client-side cycle-s>) and the waits
 * derived from it (docs/clientside.md, "Pace").  cycle_s is 0 when the
 * set-up declares none; the other fields then hold the fixed defaults.
 * An explicit option or IXIT fact (withdraw-window-s) takes precedence.
 */
struct assay_pace {
	int	cycle_s;	/* longest silence, back-off included; 0: not declared */
	int	observe_s;	/* observation window: 3 cycles, 3..600 (10) */
	int	connect_ms;	/* wait for the next connection: 6 cycles + 2 s, 5..120 s (20 s) */
	int	consent_s;	/* consent window: 3 cycles, 3..120 (10) */
	int	settle_ms;	/* for a message already on its way: 1 cycle, 1..2 s (2 s) */
	int	outage_ms;	/* an outage's cut: 6 cycles, 6..12 s (12 s) */
};
/* Never NULL (f NULL: the defaults); borrowed for f's lifetime. */
const struct assay_pace *assay_forms_pace(const struct assay_forms *f);

/* Each NULL (or 0) when the set-up says nothing; borrowed like every string. */
const struct assay_gateway_decl *assay_forms_gateway(const struct assay_forms *f);
size_t		 assay_forms_nidentities(const struct assay_forms *f);
const struct assay_identity_decl *assay_forms_identity(
		    const struct assay_forms *f, size_t i);
/* The identity for host (case-insensitive), or NULL. */
const struct assay_identity_decl *assay_forms_identity_for_host(
		    const struct assay_forms *f, const char *host);
size_t		 assay_forms_nupdates(const struct assay_forms *f);
const struct assay_update_decl *assay_forms_update(const struct assay_forms *f,
		    size_t i);
size_t		 assay_forms_nwatch(const struct assay_forms *f);
const struct assay_watch_decl *assay_forms_watch(const struct assay_forms *f,
		    size_t i);
/*
 * SHA-256 (hex) over the files <client-side> names (certificates, keys,
 * every file of the release directories) as the loader read them; "" when
 * there is no <client-side>.  run.info's artefacts hash covers it.
 */
const char	*assay_forms_client_side_sha256(const struct assay_forms *f);

/* Every secret value in the IXIT and set-up file, for redaction (longest first). */
size_t		 assay_forms_nsecrets(const struct assay_forms *f);
const char	*assay_forms_secret(const struct assay_forms *f, size_t i);
/*
 * 1 when the secret value is weak: shorter than 8 characters or on a
 * public default list (testcases/data); the loader warned about it and
 * it is masked only as a whole token (base/redact.h).
 */
int		 assay_forms_secret_weak(const struct assay_forms *f,
		    const char *value);
/*
 * The public default pairs "user:password" of those lists whose password
 * is a declared secret: public knowledge, kept in clear where they occur
 * (assay_redact_allow()).
 */
size_t		 assay_forms_npublic_pairs(const struct assay_forms *f);
const char	*assay_forms_public_pair(const struct assay_forms *f,
		    size_t i);

enum assay_form_kind { ASSAY_FORM_ICS, ASSAY_FORM_IXIT, ASSAY_FORM_SETUP };

/*
 * The form of that kind as loaded, secrets masked, for the run directory.
 * Reads the file again under the same hostile-input rules and refuses it
 * if its bytes changed since the load; replaces the content of every
 * secret element (IXIT <field secret="true">, set-up <password>) with
 * ASSAY_REDACT_MARK and masks every other text, attribute, comment and
 * processing instruction, all on the parsed tree, so a secret is hidden
 * however the file spelled it (character references, a raw apostrophe);
 * then serializes the tree as UTF-8.  *out (malloc'd, *lenp bytes,
 * NUL-terminated) is the caller's.  Returns 0, ASSAY_ERR_NOT_FOUND (no
 * such form was loaded), ASSAY_ERR_FORM (the file changed) or another
 * ASSAY_ERR_* code with the problem in d.
 */
int		 assay_forms_masked_copy(const struct assay_forms *f,
		    enum assay_form_kind kind, char **out, size_t *lenp,
		    struct assay_diag *d);

#endif /* ASSAY_FORMS_H */
