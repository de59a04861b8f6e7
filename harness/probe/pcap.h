/*
 * pcap.h - what a packet capture shows of the device as a client.
 *
 * Reads a pcap or pcapng file through libpcap (pcap_fopen_offline:
 * Debian's libpcap 1.10 reads both), decodes Ethernet (with up to two
 * VLAN tags), Linux cooked (SLL, SLL2), raw IP and loopback (NULL, LOOP)
 * frames, IPv4 and IPv6 (fragments are counted and skipped: there is no
 * IP reassembly), TCP with an in-order reassembly of the first bytes of
 * each direction, and UDP.  The streams and datagrams go through the
 * dissectors of probe/dissect.h; the result is one list of facts (docs/
 * probe_pcap.md): flows with their peers and protocol, TLS/DTLS
 * handshakes, plaintext HTTP, MQTT, CoAP, telnet and DNS, secrets seen in
 * clear, and notes on everything that was cut or skipped.  Every fact
 * carries the frame number (1-based, as Wireshark and tcpdump count).
 *
 * Everything is bounded: the file size, the number of packets (both
 * errors: a capture beyond them is refused, naming the frame), flows,
 * bytes kept per flow direction and facts (truncations: noted in the
 * result, the analysis goes on).  A capture libpcap cannot read, or that
 * ends in the middle of a frame, is refused with the frame it stopped at.
 */
#ifndef ASSAY_PROBE_PCAP_H
#define ASSAY_PROBE_PCAP_H

#include <stddef.h>

struct assay_facts;
struct lua_State;

/* Defaults of struct assay_capture_limits (0 in a field: its default). */
#define ASSAY_CAPTURE_MAX_FILE		(256UL * 1024 * 1024)
#define ASSAY_CAPTURE_MAX_PACKETS	500000
#define ASSAY_CAPTURE_MAX_FLOWS		4096
#define ASSAY_CAPTURE_MAX_FLOW_BYTES	(64 * 1024)	/* per direction */
#define ASSAY_CAPTURE_MAX_SECRETS	64
/* Matches kept per secret (each names one frame). */
#define ASSAY_CAPTURE_MAX_MATCHES	1000

struct assay_capture_limits {
	size_t	max_file;	/* bytes of the capture file */
	size_t	max_packets;	/* frames read; one more is an error */
	size_t	max_flows;	/* flows followed; later ones counted only */
	size_t	max_flow_bytes;	/* reassembled per direction; rest noted */
	size_t	max_facts;	/* facts kept; the rest counted */
};

/*
 * A string to look for in clear: an IXIT secret or personal-data item.
 * label names it in the result (NULL: "secret <index>"); the value never
 * reaches the result.  With user set, the HTTP Basic pair user:value is
 * looked for too.
 */
struct assay_capture_secret {
	const char	*label;
	const char	*value;
	const char	*user;
};

struct assay_capture;

/*
 * Analyses the capture file at path (a regular file, at most
 * lim->max_file bytes).  lim may be NULL (every default).  secrets (n
 * entries, at most ASSAY_CAPTURE_MAX_SECRETS) are looked for in every
 * TCP and UDP payload, plain and in every spelling base/redact.h derives
 * (percent, base64, the Basic pair ...), and are masked in every string
 * of the result.
 *
 * Returns 0 with *cp set (free with assay_capture_free()), or 0 with *cp
 * NULL and why set when the capture cannot be analysed: not readable, not
 * a capture, too big, truncated, more packets than the cap ("frame 1234:
 * ..."); or ASSAY_ERR_ALLOC / ASSAY_ERR_INVALID_ARG, failures of the
 * harness or the caller.
 */
int	assay_capture_analyse_file(const char *path,
	    const struct assay_capture_limits *lim,
	    const struct assay_capture_secret *secrets, size_t nsecrets,
	    struct assay_capture **cp, char *why, size_t whylen);
/* The same over len bytes in memory (the fuzz target and the tests). */
int	assay_capture_analyse_mem(const void *data, size_t len,
	    const struct assay_capture_limits *lim,
	    const struct assay_capture_secret *secrets, size_t nsecrets,
	    struct assay_capture **cp, char *why, size_t whylen);
void	assay_capture_free(struct assay_capture *c);

/*
 * The facts (borrowed until assay_capture_free()).  Sections: "flow"
 * (one per flow, its index in fact->flow), "tls", "dtls", "http", "mqtt",
 * "coap", "telnet", "dns", "secret" (one per secret and frame: index,
 * label, spelling), "note" (text: what was cut or skipped).
 */
const struct assay_facts *assay_capture_facts(const struct assay_capture *c);
/* Frames read, and the link type's name ("EN10MB", "LINUX_SLL2" ...). */
unsigned long	 assay_capture_frames(const struct assay_capture *c);
const char	*assay_capture_link(const struct assay_capture *c);
/* SHA-256 of the bytes analysed, lowercase hex (borrowed). */
const char	*assay_capture_sha256(const struct assay_capture *c);
/* 1 when a cap cut the analysis short somewhere (the notes say where). */
int		 assay_capture_truncated(const struct assay_capture *c);

/*
 * Recording.  Records frames from interface iface of the caller's network
 * namespace (the harness enters the reference device's namespace, or the
 * lab's gateway interface, before it calls this) into a new pcap file at
 * path, with the BPF filter (NULL: every frame), on a thread of its own,
 * until assay_capture_rec_stop() or a cap: max_ms of wall time, max_bytes
 * of file, max_packets frames (0 in a field: its default).  Needs
 * CAP_NET_RAW.
 */
#define ASSAY_CAPTURE_REC_MAX_MS	(10 * 60 * 1000)
#define ASSAY_CAPTURE_REC_MAX_BYTES	(64UL * 1024 * 1024)
#define ASSAY_CAPTURE_REC_SNAPLEN	65535

struct assay_capture_rec_limits {
	long	max_ms;
	size_t	max_bytes;
	size_t	max_packets;
};

struct assay_capture_rec;

/*
 * Starts recording.  Returns 0 with *rp set, or 0 with *rp NULL and why
 * set when the interface cannot be opened or the filter does not compile
 * ("lo: You don't have permission to capture on that device ..."), or
 * ASSAY_ERR_ALLOC / ASSAY_ERR_INVALID_ARG.  The file exists (with its
 * header) once this returns, so traffic started afterwards is recorded.
 */
int	assay_capture_rec_start(const char *iface, const char *filter,
	    const struct assay_capture_rec_limits *lim, const char *path,
	    struct assay_capture_rec **rp, char *why, size_t whylen);
/*
 * Stops (if no cap did), flushes and closes the file, frees rec.  *frames
 * and *bytes (may be NULL) get what was written; why gets how it ended:
 * "stopped", "time cap of N ms reached", "file cap of N bytes reached",
 * "frame cap of N reached", or a libpcap error, followed by "; N frames
 * dropped by the kernel" when the kernel said so (a burst faster than
 * the ring).  Returns 0 or
 * ASSAY_ERR_IO when the file could not be written completely.
 */
int	assay_capture_rec_stop(struct assay_capture_rec *rec,
	    unsigned long *frames, unsigned long long *bytes, char *why,
	    size_t whylen);

/*
 * Lua: assay.net.capture{file= or id=, secrets=, max_packets=,
 * max_flows=, max_flow_bytes=} (docs/probe_pcap.md).  The file must be a
 * capture the lab set-up file declares (probe/artefact.h; id= names it)
 * or lie under a directory allowed for the state with
 * assay_probe_pcap_allow() (the run's evidence directory, for captures
 * Assay recorded); any other path raises.
 */
void	assay_probe_pcap_lua_register(struct lua_State *L);
/* Allows capture files under dir (resolved, copied) for this Lua state:
 * assay_artefact_allow_dir(L, "capture", dir). */
int	assay_probe_pcap_allow(struct lua_State *L, const char *dir);

#endif /* ASSAY_PROBE_PCAP_H */
