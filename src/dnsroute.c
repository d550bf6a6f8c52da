/* dnsroute.c - a nameserver the uplink cannot answer for: a VPN's.
 *
 * A VPN that sets DNS (wg-quick's DNS=, OpenVPN's pushed dhcp-option DNS, through
 * resolvconf -x) leaves /etc/resolv.conf naming only the tunnel's resolver.  A jail on the
 * physical uplink would send its queries out there to an address only the tunnel reaches:
 * no answer, and the queries shown to the uplink's network.  The host's own routing says
 * where such a server lives (RTM_GETROUTE, as for a packet the host sends): behind the link
 * its route names.  But a catch-all says nothing of where an address lives: a VPN's default
 * route (wg-quick), OpenVPN's def1 halves, or the host's default route by another uplink
 * take every address alike, and the uplink's default route reaches a public resolver as
 * well as theirs.  So a server is another link's if its route is narrower than a catch-all
 * (a subnet of the tunnel's), or if that link's own records name it and the uplink's do
 * not (the tunnel's resolver reached by its catch-all, as with wg-quick's usual Address =
 * X/32).  Such servers are
 * never the jail's; the uplink's own, from the records its DHCP client left (linkdns.c),
 * are used instead, if they live behind the uplink themselves.
 */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "dnsroute.h"
#include "hostlocal.h"
#include "linkdns.h"

/* A route that covers at least 1/256 of the address space (/0 default routes, /1 def1
 * halves, IPv6 ::/3 or 2000::/4) is a catch-all; a VPN's own subnets (10.0.0.0/8,
 * 100.64.0.0/10, fd00::/8 and narrower) are not. */
#define CATCH_ALL_BELOW 8

static bool same_address(const char *addr, void *data)
{
	return !strcmp(addr, (const char *)data);
}

/* true if the own records of link @index (@name) name @addr. */
static bool named_by(int index, const char *name, const char *addr)
{
	struct nameservers named = { .count = 0 };
	char source[160];

	return !link_dns_servers(index, name, same_address, (void *)addr, &named, source,
				 sizeof(source));
}

bool nameserver_elsewhere(struct nl *nl, int uplink_index, const char *addr, char *link)
{
	struct host_route route, match;
	char uplink[IF_NAMESIZE];

	/* (No uplink to compare with: --check on an unusable one.) */
	if (uplink_index <= 0 || !if_indextoname((unsigned)uplink_index, uplink))
		return false;
	if (host_route_get(nl, addr, false, &route) || route.type != RTN_UNICAST || !route.oif ||
	    route.oif == uplink_index || !if_indextoname((unsigned)route.oif, link))
		return false;
	if (!host_route_get(nl, addr, true, &match) && match.type == RTN_UNICAST &&
	    match.prefix_len >= CATCH_ALL_BELOW)
		return true;
	/* A public resolver that both networks hand out is the uplink's as much. */
	return named_by(route.oif, link, addr) && !named_by(uplink_index, uplink, addr);
}

void nameservers_drop_elsewhere(struct nl *nl, int uplink_index, struct nameservers *ns,
				struct dns_elsewhere *away)
{
	char link[IF_NAMESIZE];
	size_t kept = 0;

	for (size_t i = 0; i < ns->count; i++) {
		if (nameserver_elsewhere(nl, uplink_index, ns->addr[i], link)) {
			if (!away->addr[0]) {
				memcpy(away->addr, ns->addr[i], sizeof(away->addr));
				memcpy(away->link, link, sizeof(away->link));
			}
			continue;
		}
		if (kept != i)
			memcpy(ns->addr[kept], ns->addr[i], sizeof(ns->addr[i]));
		kept++;
	}
	ns->count = kept;
}

struct uplink_ask {
	struct nl *nl;
	int index;
	bool ipv6;
};

static bool jail_can_ask(const char *addr, void *data)
{
	const struct uplink_ask *ask = data;
	char link[IF_NAMESIZE];

	return !nameserver_is_host_local(addr) && (ask->ipv6 || !strchr(addr, ':')) &&
	       host_local_address(ask->nl, addr) == 0 &&
	       !nameserver_elsewhere(ask->nl, ask->index, addr, link);
}

int uplink_own_nameservers(struct nl *nl, int uplink_index, const char *uplink_name, bool ipv6,
			   struct nameservers *out, char *source, size_t source_size)
{
	struct uplink_ask ask = { nl, uplink_index, ipv6 };

	return link_dns_servers(uplink_index, uplink_name, jail_can_ask, &ask, out, source,
				source_size);
}
