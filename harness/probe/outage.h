/*
 * probe/outage.h - an outage of the device's cloud, made at the lab
 * gateway (5.9-1-2, 5.9-2-2, 5.9-3-2; docs/probe_gateway.md, "Outages").
 *
 * Assay stands in for one outbound channel, or several at once (an MQTT
 * sink or an HTTP server each, over TLS with the identity the set-up
 * declares), waits until the device has a session with each (or the wait
 * ends), then "cuts" the endpoints together: every
 * connection the device opens is accepted, timed and reset at once, as a
 * cloud whose service is down answers.  While the endpoint is cut the
 * test case looks at the device's local functions (a Lua callback);
 * then the endpoint is served again and Assay waits for the device to
 * come back.  The times of all connection attempts are the result: how
 * the device retried during the outage (back-off or a tight loop) and
 * how long it took to reconnect.
 *
 * The DNS answerer keeps answering during the cut: what is cut is the
 * service, not name resolution.  Nothing is forwarded anywhere.
 */
#ifndef ASSAY_PROBE_OUTAGE_H
#define ASSAY_PROBE_OUTAGE_H

struct lua_State;

#define ASSAY_OUTAGE_MAX_ATTEMPTS	512	/* recorded, then counted */
#define ASSAY_OUTAGE_MAX_WAIT_MS	120000	/* before the cut, after it */
#define ASSAY_OUTAGE_MAX_CUT_MS		120000
#define ASSAY_OUTAGE_MAX_CHANNELS	8	/* cut together */

/*
 * Lua: assay.net.outage{channel= | channels={...}, wait_ms=, cut_ms=,
 * restore_ms=, before=function, during=function}: before runs once the
 * device has had a session (on every channel, or on some when the wait
 * ended), during once the endpoints are cut; the result holds what each
 * returned.  With channels, the result's channels[id] is one channel's
 * record (as with channel=), with error= where it had no session.  Registers into the assay.net table on the stack; reads
 * the forms the client-side probes read (probe/update_serve.h).
 */
void	assay_probe_outage_lua_register(struct lua_State *L);

#endif /* ASSAY_PROBE_OUTAGE_H */
