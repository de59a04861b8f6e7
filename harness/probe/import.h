/*
 * probe/import.h - other tools' reports as external evidence.
 *
 * A lab often has run nmap, testssl.sh or sslscan against the device
 * before Assay.  TS 103 701 (clause 4.7) lets an assessment rest on such
 * evidence when it is identified: so the lab names each report in the
 * set-up file's <artefacts> (<nmap>, <testssl>, <sslscan>, with its
 * SHA-256), and assay.net.import{id=} reads it back as facts a test case
 * can decide from, noting the file, its hash and that it is external.
 *
 * The reports are hostile input like any other: XML is read with the
 * forms' rules (no DTD beyond nmap's bare "<!DOCTYPE nmaprun>", no
 * entities, a depth cap), JSON with the strict bounded reader of
 * import_json.h, both within ASSAY_IMPORT_MAX_FILE.  The parsers take
 * bytes, so the unit tests and fuzz/fuzz_import.c call them without
 * files.
 *
 * Facts (probe/dissect.h lists, frame 0, flow -1), by section:
 *	nmap	"scan"  args, version, start
 *		"host"  addr, addrtype, state, hostnames (list)
 *		"port"  addr, protocol, port (int), state, reason,
 *			service, product, version, tunnel
 *	testssl	"finding" id, severity, finding, ip, port, cve, cwe
 *	sslscan	"target" host, sniname, port (int)
 *		"protocol" type, version, enabled (bool)
 *		"cipher" status, sslversion, bits (int), cipher, strength
 *		"certificate" subject, issuer, altnames, signature_algorithm,
 *			pk_type, pk_bits (int), not_before, not_after,
 *			self_signed (bool), expired (bool)
 */
#ifndef ASSAY_PROBE_IMPORT_H
#define ASSAY_PROBE_IMPORT_H

#include <stddef.h>

struct assay_facts;
struct lua_State;

#define ASSAY_IMPORT_MAX_FILE	(16 * 1024 * 1024)	/* forms.h repeats it */
#define ASSAY_IMPORT_MAX_DEPTH	64			/* XML elements */
#define ASSAY_IMPORT_MAX_FACTS	20000

#define ASSAY_IMPORT_NMAP	0
#define ASSAY_IMPORT_TESTSSL	1
#define ASSAY_IMPORT_SSLSCAN	2

/* "nmap", "testssl", "sslscan"; NULL for another value. */
const char	*assay_import_tool_name(int tool);
/* The tool named name, or -1. */
int		 assay_import_tool_of(const char *name);

/*
 * Reads len bytes of p as tool's report into fs.  Returns 0;
 * ASSAY_ERR_PARSE (not that tool's report, malformed, wrong types),
 * ASSAY_ERR_HOSTILE_XML (DOCTYPE with a subset, entity, nesting),
 * ASSAY_ERR_TOO_BIG (over a cap), with why saying what and where; or
 * ASSAY_ERR_ALLOC.  Facts past fs's cap are dropped, counted by fs.
 */
int	assay_import_parse(int tool, const char *p, size_t len,
	    struct assay_facts *fs, char *why, size_t whylen);

/* assay.net.import{id=} (docs/probe_import.md). */
void	assay_probe_import_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_IMPORT_H */
