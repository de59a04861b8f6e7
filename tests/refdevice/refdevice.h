/*
 * refdevice.h - the reference device: real Debian servers configured as a
 * consumer-IoT device on loopback, plus the ICS and IXIT forms that
 * describe it.  Internal to tests/refdevice; not part of assay_core.
 */
#ifndef ASSAY_REFDEVICE_H
#define ASSAY_REFDEVICE_H

#include <stddef.h>
#include <sys/types.h>

#define RD_PERSONA_CONFORMING	0
#define RD_PERSONA_WEAK		1

#define RD_MAX_PROCS		16
#define RD_MAX_SERVICES		12
#define RD_PATH_MAX		512
#define RD_PASS_LEN		20
/* The conforming form login's lock-out (setup.c login.cgi, forms.c). */
#define RD_FORM_LOCK		5
#define RD_FORM_SUSPENSION_S	30
/* How the form login's answers look (login.cgi, the IXIT's facts). */
#define RD_FORM_SUCCESS		"You are logged in"
#define RD_FORM_FAILURE		"Wrong user name or password"

/* The lab topology of --gateway (docs/refdevice.md, "Gateway mode"). */
#define RD_GW_IF		"assay-gw0"
#define RD_GW_ADDR		"10.77.0.1"
#define RD_DEV_ADDR		"10.77.0.2"
/* Their MACs, fixed so the link-local IPv6 addresses are too. */
#define RD_GW_MAC		"02:00:0a:4d:00:01"
#define RD_DEV_MAC		"02:00:0a:4d:00:02"
#define RD_UPDATE_HOST		"update.refdevice.test"
#define RD_CLOUD_HOST		"cloud.refdevice.test"
#define RD_OWNER_EMAIL		"owner@example.test"
/* The conforming client's TLS suites (client.c), declared in the IXIT. */
#define RD_CLIENT_TLS13_SUITES	"TLS_AES_256_GCM_SHA384:" \
	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
#define RD_CLIENT_TLS12_SUITES	"ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-CHACHA20-POLY1305"

/* How readiness of a service is checked. */
#define RD_READY_TCP		0	/* TCP connect */
#define RD_READY_TLS		1	/* TCP connect + TLS handshake */
#define RD_READY_COAP		2	/* CoAP GET /.well-known/core over UDP */
#define RD_READY_BANNER		3	/* TCP connect + first bytes arrive */

/* A network service the device exposes. */
struct rd_service {
	char		 id[24];
	const char	*protocol;	/* ixit/README.md vocabulary */
	const char	*transport;	/* tcp | udp */
	const char	*security;	/* none | tls | dtls */
	const char	*description;
	const char	*path;		/* HTTP-like: base path, or NULL */
	int		 port;
	int		 declared;	/* written into the IXIT */
	int		 ready_kind;
	int		 proc;		/* index into procs[] of its server */
};

/* A server process started by the device. */
struct rd_proc {
	char		 name[24];
	char		 log[RD_PATH_MAX];
	pid_t		 pid;
	int		 exited;
	int		 status;
};

struct refdevice {
	int		 persona;
	int		 standard_ports;
	int		 foreground;
	int		 gateway;	/* --gateway: own namespace, client */
	int		 client_interval;	/* seconds between client cycles */
	int		 caller_netns;	/* fd of the caller's netns, or -1 */
	char		 dir[RD_PATH_MAX];
	char		 address[64];
	char		 self[RD_PATH_MAX];	/* our own executable */

	/* ports, 0 when the service is not offered */
	int		 port_http, port_https, port_ssh, port_telnet;
	int		 port_mqtt, port_mqtts, port_coap, port_debug;
	/* --fragile RATE[:SECONDS]: the fragile service (fragile.c); 0: none */
	int		 port_fragile, fragile_rate, fragile_down_s;
	int		 ssh_skipped;
	int		 ssh_uid;	/* session uid inside dropbear's namespace */
	int		 ssh_userns;	/* 1: a user namespace maps ssh_uid to us */
	char		 ssh_skip_reason[160];

	/* lab credentials; per-device random for the conforming persona */
	char		 web_user[16], web_pass[RD_PASS_LEN + 1];
	char		 ssh_user[16], ssh_pass[RD_PASS_LEN + 1];
	char		 mqtt_user[16], mqtt_pass[RD_PASS_LEN + 1];
	char		 telnet_user[16], telnet_pass[RD_PASS_LEN + 1];
	char		 serial[32];
	char		 fw_sha256[65];
	char		 cloud_token[RD_PASS_LEN + 1];	/* conforming client */
	/* lab releases (lab.c): the genuine newer and older versions */
	char		 rel_current[16], rel_older[16];
	/* firmware.c: the image, relative to dir, its set-up id and digest */
	char		 fwimg_file[48], fwimg_id[24], fwimg_sha256[65];

	struct rd_service services[RD_MAX_SERVICES];
	size_t		 nservices;
	struct rd_proc	 procs[RD_MAX_PROCS];
	size_t		 nprocs;
};

/* setup.c: files, keys and server configurations under rd->dir. */
int	rd_setup_prepare(struct refdevice *rd);
/* Starts every server of the persona; fills services[] and procs[]. */
int	rd_setup_start(struct refdevice *rd);
/* The camera's configuration, published once the services answer. */
#define RD_CONFIG_VALUE	"{\"motion\":true,\"upload\":\"cloud\",\"stream\":\"rtsp\"}"
int	rd_setup_seed(struct refdevice *rd);

/* lab.c: DIR/lab (CA, leaf certificates, releases) and DIR/client. */
int	rd_lab_write(struct refdevice *rd);
/* The persona's model name and factory firmware version. */
const char *rd_model(const struct refdevice *rd);
const char *rd_firmware(const struct refdevice *rd);

/*
 * firmware.c: DIR/lab/firmware-V.tar.gz, the persona's firmware image
 * (weak: secrets in clear; conforming: none), deterministic; fills
 * fwimg_file, fwimg_id and fwimg_sha256.  After rd_setup_prepare: it
 * copies some of the device's files.
 */
int	rd_firmware_write(struct refdevice *rd);

/* gateway.c: the --gateway topology. */
/*
 * 1 when this process's network namespace may be changed: not PID 1's
 * (or, where that cannot be read, one holding no interface but lo);
 * else 0 with the reason.
 */
int	rd_gateway_allowed(char *why, size_t len);
/* Creates the veth pair and moves this process into the device's netns. */
int	rd_gateway_up(struct refdevice *rd);
/* Removes assay-gw0 from the caller's namespace. */
void	rd_gateway_down(struct refdevice *rd);

/* client.c: `assay-refdevice --client CONF`, the device's client side. */
int	rd_client_main(const char *conf);
/*
 * fragile.c: the fragile service's process: serves at most rate
 * connections/s on address:port, closes its listener when overloaded
 * for 3 s and opens it again after down_s seconds (never when 0).
 */
int	rd_fragile_main(const char *address, int port, int rate, int down_s);

/* forms.c: writes rd->dir/ics.xml, rd->dir/ixit.xml and rd->dir/setup.xml. */
int	rd_forms_write(const struct refdevice *rd);

/* main.c: process helpers shared with setup.c. */
/*
 * Starts argv[0] (PATH lookup) as a service process logging to
 * dir/log/name.log.  nsmode 1 runs it in a private mount namespace (and a
 * user namespace when not root) after binding the files listed in binds
 * (pairs "source", "target", NULL-terminated).  Returns the proc index or
 * a negative ASSAY_ERR_*.
 */
int	rd_spawn(struct refdevice *rd, const char *name, const char *const argv[],
	    const char *const *binds);
/*
 * Chooses how the SSH account's namespace is made: plain mount namespace
 * as real root (session uid 0), otherwise a user namespace mapping a
 * non-root session uid to us, because a root that cannot call
 * setgroups(2) (as under `unshare -r`) makes dropbear's initgroups fail.
 * Returns 1 when such a namespace can be created.
 */
int	rd_ns_choose(struct refdevice *rd);
/* Runs a setup tool to completion; 0 when it exits 0. */
int	rd_run_tool(struct refdevice *rd, const char *const argv[]);
/* The same inside the network namespace netns (an fd; -1: ours). */
int	rd_run_tool_ns(struct refdevice *rd, int netns, const char *const argv[]);
/* Writes a file with mode; 0 or ASSAY_ERR_IO. */
int	rd_write_file(const char *path, const char *data, size_t len, mode_t mode);
/* snprintf into a path buffer; ASSAY_ERR_TOO_BIG when it does not fit. */
int	rd_path(char *out, size_t outlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Adds a service record; returns it or NULL when the table is full. */
struct rd_service *rd_add_service(struct refdevice *rd, const char *id,
	    const char *protocol, const char *transport, const char *security,
	    int port, int declared, int ready_kind, int proc,
	    const char *description, const char *path);

#endif /* ASSAY_REFDEVICE_H */
