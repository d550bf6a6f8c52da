/* publish.h - a port of the host forwarded into the jail (-P, --publish). */
#ifndef NETJAIL_PUBLISH_H
#define NETJAIL_PUBLISH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl;

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

/* Parse @text into @list[*@count] and count it, as -P and a profile's "publish" do.  0, or
 * -EINVAL with the reason in @why (too many, or not [ADDR:]HOSTPORT:JAILPORT[/proto]). */
int publish_append(struct publish *list, size_t *count, const char *text, char *why, size_t why_len);

/* Is @p's ADDR (if it names one) a unicast address configured on one of the host's
 * interfaces now?  Asked of the kernel through @nl (NETLINK_ROUTE).  0, -EADDRNOTAVAIL if
 * not, or -errno. */
int publish_check_address(struct nl *nl, const struct publish *p);

/* publish_check_address, then reserve the host port as the caller could, with a bound
 * socket: refused below net.ipv4.ip_unprivileged_port_start unless the caller is root, and
 * if anything on the host uses it already.  Returns the socket (close-on-exec; keep it
 * while the jail runs) or -EADDRNOTAVAIL / -EACCES / -EADDRINUSE / -errno. */
int publish_reserve(struct nl *nl, const struct publish *p);

/* The one-line reason, for the user, why @p cannot be published: @err from publish_reserve
 * or publish_check_address. */
void publish_explain(const struct publish *p, int err, char *why, size_t why_len);

#endif
