/* uplink.c - decide whether an interface can be a jail's uplink, and its next hop.
 *
 * Read only: run() dies with the reason, --check prints it.
 *
 * The admin's policy judges the interface, not the name the caller typed: the kernel finds
 * an interface by any of its names (alternative names too, `ip link property add dev wan0
 * altname wlan-x`, since Linux 5.5), so the name matched is the one the kernel answers
 * with, the interface's own, and what is set up afterwards uses that name as well.  A name
 * the policy does not match gets the same refusal whether or not such an interface exists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "addr.h"
#include "ipv6conf.h"
#include "jail.h"
#include "link.h"
#include "route.h"
#include "uplink.h"

#define REASON(...) do { snprintf(why, why_len, __VA_ARGS__); return -1; } while (0)

/* A bridge or bond port hands what it receives to its master: its addresses, routes and
 * replies live there, so a jail on the port has no next hop and never sees an answer.
 * Names the master in @master_name if @link is such a port.  (A VRF's port keeps its own
 * addresses; its routes are in the VRF's table, which is another matter.) */
static bool port_of_bridge_or_bond(struct nl *nl, const struct link_info *link,
				   char master_name[IF_NAMESIZE])
{
	struct link_info master;

	if (!link->master || !if_indextoname((unsigned)link->master, master_name))
		return false;
	if (link_find(nl, master_name, &master) || master.index != link->master)
		return false;
	return strcmp(master.kind, "bridge") == 0 || strcmp(master.kind, "bond") == 0;
}

int uplink_check_link(struct nl *nl, const struct cli_options *opts,
		      const struct netjail_conf *conf, struct jail_host *jh, char *why, size_t why_len)
{
	bool by_root = getuid() == 0;
	int err = link_find(nl, opts->uplink, &jh->uplink);
	const char *name = jh->uplink.name;
	char master[IF_NAMESIZE];

	if (!by_root && !(err == 0 && conf_allows_interface(conf, name))) {
		if (!conf_allows_interface(conf, opts->uplink))
			REASON("the administrator's policy (%s/%s) does not let users choose '%s'",
			       NETJAIL_CONF_DIR, NETJAIL_CONF_NAME, opts->uplink);
		if (err == 0)
			REASON("the administrator's policy (%s/%s) does not let users choose '%s': "
			       "it is another name of '%s', and the policy goes by an interface's "
			       "own name", NETJAIL_CONF_DIR, NETJAIL_CONF_NAME, opts->uplink, name);
	}
	if (err == -ENODEV)
		REASON("no interface named '%s'", opts->uplink);
	if (err)
		REASON("cannot look up interface '%s': %s", opts->uplink, nl_reason(err));
	if (jh->uplink.flags & IFF_LOOPBACK)
		REASON("'%s' is the loopback interface, not an uplink", name);
	if (!(jh->uplink.flags & IFF_UP))
		REASON("interface '%s' is down: bring it up first", name);
	if (port_of_bridge_or_bond(nl, &jh->uplink, master))
		REASON("'%s' is a port of %s (its addresses and routes live there): use -i %s",
		       name, master, master);
	if (pool_slot_of_veth(&conf->pool, name) && strcmp(jh->uplink.kind, "veth") == 0)
		REASON("'%s' is a jail's own link, not an uplink", name);
	/* A jailed user must not use netjail to leave the jail (a kill-switch bypass). */
	if (!by_root && strcmp(jh->uplink.alias, JAIL_INSIDE_ALIAS) == 0)
		REASON("already inside a jail: '%s' is the jail's own link, and only root may "
		       "start a jail from inside one", name);
	return 0;
}

struct own_address_search {
	struct in_addr addr;
	int index;		/* the interface that has it, 0 if none */
};

static int find_own_address(const struct addr_info *addr, void *data)
{
	struct own_address_search *search = data;

	if (addr->local.s_addr == search->addr.s_addr && !search->index)
		search->index = addr->index;
	return 0;
}

int uplink_choose_gateway(struct nl *nl, const struct cli_options *opts,
			  const struct netjail_conf *conf, struct jail_host *jh,
			  char *why, size_t why_len)
{
	struct own_address_search own = { .index = 0 };
	char text[INET_ADDRSTRLEN], name[IF_NAMESIZE] = "?";
	int err;

	if (!opts->has_gateway && (jh->uplink.flags & IFF_POINTOPOINT)) {
		jh->has_gateway = false;	/* wg0, tun0, ppp0: packets just go out */
		return 0;
	}
	if (opts->has_gateway) {
		jh->gateway = opts->gateway;
	} else {
		err = route_find_default_gateway(nl, jh->uplink.index, conf->pool.table_base + 1,
						 conf->pool.table_base + pool_slot_count(&conf->pool),
						 &jh->gateway);
		if (err == -ENOENT)
			REASON("'%s' has no default route to take a gateway from: pass -g GATEWAY",
			       jh->uplink.name);
		if (err)
			REASON("cannot read routes: %s", nl_reason(err));
	}
	inet_ntop(AF_INET, &jh->gateway, text, sizeof(text));
	/* The jail's route says "via GATEWAY dev UPLINK": a host address there is asked for
	 * by ARP on the uplink, where no one answers for it, and the traffic is lost. */
	own.addr = jh->gateway;
	err = addr_for_each(nl, find_own_address, &own);
	if (err)
		REASON("cannot read addresses: %s", nl_reason(err));
	if (own.index) {
		if_indextoname((unsigned)own.index, name);
		REASON("gateway %s is this host's own address (on %s), not a next hop: "
		       "pass -g with the router's address", text, name);
	}
	/* Also a default route's: one marked "onlink" may name a gateway outside every
	 * prefix of the link, and the jail's route, without that flag, is refused. */
	if (route_check_onlink(nl, jh->uplink.index, jh->gateway))
		REASON("gateway %s is not on-link for '%s'", text, jh->uplink.name);
	jh->has_gateway = true;
	return 0;
}

int uplink_choose(struct nl *nl, const struct cli_options *opts, const struct netjail_conf *conf,
		  struct jail_host *jh, char *why, size_t why_len)
{
	if (uplink_check_link(nl, opts, conf, jh, why, why_len))
		return -1;
	return uplink_choose_gateway(nl, opts, conf, jh, why, why_len);
}

int uplink_choose_ipv6(struct nl *nl, const struct netjail_conf *conf, struct jail_host *jh,
		       char *why, size_t why_len)
{
	uint32_t first = conf->pool.table_base + 1;
	uint32_t last = conf->pool.table_base + pool_slot_count(&conf->pool);
	uint32_t ignored;
	struct utsname kernel;

	if (route6_find_default(nl, jh->uplink.index, first, last, &jh->has_gateway6,
				&jh->gateway6)) {
		snprintf(why, why_len, "%s has no IPv6 default route: IPv6 in the jail fails at once",
			 jh->uplink.name);
		return -ENETUNREACH;
	}
	jh->ipv6_all = conf->ipv6_forwarding == CONF_IPV6_ALL;
	jh->ipv6_by_interface = !jh->ipv6_all &&
				ipv6_conf_get(jh->uplink.name, "force_forwarding", &ignored) == 0;
	if (!jh->ipv6_all && !jh->ipv6_by_interface) {
		snprintf(why, why_len, "%s has IPv6, but the jail gets none: this kernel (%s) "
			 "cannot forward IPv6 for single interfaces (force_forwarding, Linux 6.17); "
			 "ipv6_forwarding = all in %s/%s would forward it (netjail.conf(5))",
			 jh->uplink.name, uname(&kernel) ? "?" : kernel.release, NETJAIL_CONF_DIR,
			 NETJAIL_CONF_NAME);
		return -EOPNOTSUPP;
	}
	jh->has_ipv6 = true;
	return 0;
}
