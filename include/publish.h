/* publish.h - a port of the host forwarded into the jail (-P, --publish). */
#ifndef NETJAIL_PUBLISH_H
#define NETJAIL_PUBLISH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define PUBLISH_MAX 8

/* [ADDR:]HOST_PORT:JAIL_PORT[/tcp|udp] */
struct publish {
	bool has_addr;
	struct in_addr addr;	/* only connections to this host address, if has_addr */
	uint16_t host_port, jail_port;
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
};

/* Parse @text.  0 or -EINVAL. */
int publish_parse(const char *text, struct publish *out);

/* Reserve the host port as the caller could, with a bound socket: refused below
 * net.ipv4.ip_unprivileged_port_start unless the caller is root, and if anything on the
 * host uses it already.  Returns the socket (close-on-exec; keep it while the jail runs)
 * or -EACCES / -EADDRINUSE / -errno. */
int publish_reserve(const struct publish *p);

#endif
