/* dnsroute.h - is a nameserver the uplink's to ask, or another link's (a VPN's)? */
#ifndef NETJAIL_DNSROUTE_H
#define NETJAIL_DNSROUTE_H

#include <net/if.h>
#include <stdbool.h>

#include "nl.h"
#include "resolvconf.h"

/* The first nameserver set aside as another link's. */
struct dns_elsewhere {
	char addr[INET6_ADDRSTRLEN];	/* "" if none was */
	char link[IF_NAMESIZE];		/* the link the host's own traffic to it leaves by */
};

/* true if nameserver @addr lives behind another link than the uplink (@uplink_index): the
 * host's own traffic to it leaves by that link, by a route of its own (not a catch-all
 * such as a VPN's default route) or by a catch-all while that link's own records
 * (linkdns.c) name it and the uplink's do not.  Its name then goes to @link (IF_NAMESIZE).
 * false if @uplink_index is no interface. */
bool nameserver_elsewhere(struct nl *nl, int uplink_index, const char *addr, char *link);

/* Drop from @ns the servers that live behind another link; the first one dropped goes to
 * @away if it holds none yet. */
void nameservers_drop_elsewhere(struct nl *nl, int uplink_index, struct nameservers *ns,
				struct dns_elsewhere *away);

/* The uplink's own servers (linkdns.c) that a jail on it can ask: not on the host, not
 * another link's, IPv6 ones only if @ipv6.  0 with where they came from in @source, or
 * -ENOENT. */
int uplink_own_nameservers(struct nl *nl, int uplink_index, const char *uplink_name, bool ipv6,
			   struct nameservers *out, char *source, size_t source_size);

#endif
