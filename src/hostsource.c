/* hostsource.c - the address a jail's connections leave as follows the uplink's.
 *
 * At setup and after every change the supervisor hears of (keeper.c), the uplink's
 * addresses are read again (natsource.c); when the one to NAT to changed, appeared or went,
 * the jail's NAT and "stale" chains are rewritten in one batch (nftnat.c).  Down and up
 * again with the same address changes nothing, so the jail's connections carry on.
 */
#include <arpa/inet.h>
#include <string.h>

#include "hostnet.h"
#include "log.h"
#include "nft.h"

static int uplink_index(struct jail_host *jh, struct nl *nl)
{
	struct link_info now;

	/* Only an interface of that very name (see jail_host_repair). */
	if (link_find(nl, jh->uplink.name, &now) || strcmp(now.name, jh->uplink.name) != 0)
		return 0;
	return now.index;
}

int jail_host_find_source(struct jail_host *jh, struct nl *nl, struct nat_source *copy)
{
	int err = nat_source_find(nl, uplink_index(jh, nl), jh->has_gateway ? &jh->gateway : NULL,
				  &jh->nat_src);

	if (copy)
		*copy = jh->nat_src;
	return err;
}

static void log_source(const struct jail_host *jh)
{
	char ipv4[INET_ADDRSTRLEN] = "none", ipv6[INET6_ADDRSTRLEN] = "none";

	if (jh->nat_src.has_ipv4)
		inet_ntop(AF_INET, &jh->nat_src.ipv4, ipv4, sizeof(ipv4));
	if (jh->nat_src.has_ipv6)
		inet_ntop(AF_INET6, &jh->nat_src.ipv6, ipv6, sizeof(ipv6));
	log_verbose("jail %s leaves %s as %s%s%s", jh->net.host_veth, jh->uplink.name, ipv4,
		    jh->has_ipv6 ? " and " : "", jh->has_ipv6 ? ipv6 : "");
}

int jail_host_follow_source(struct jail_host *jh, struct nl *nl)
{
	struct nat_source old = jh->nat_src;
	struct nft_jail nft = {
		.uplink = jh->uplink.name, .jail_addr = jh->net.jail_addr,
		.has_ipv6 = jh->has_ipv6, .jail_addr6 = jh->net.jail_addr6,
	};
	int err;

	/* A failed read leaves things as they are: the next event tries again. */
	if (!jh->has_table || jail_host_find_source(jh, nl, NULL)) {
		jh->nat_src = old;
		return 0;
	}
	if (nat_source_equal(&old, &jh->nat_src))
		return 0;
	snprintf(nft.table, sizeof(nft.table), "netjail%u", jh->net.slot);
	nft.src = jh->nat_src;
	nft.fastpath = jh->fastpath;
	nft.host_veth = jh->net.host_veth;
	nft.host_veth_index = jh->host_index;
	err = nft_update_nat(&jh->nft, &nft);
	if (err) {
		/* The old rules stay; "leave" still drops what would go out as a lost address. */
		log_error("cannot follow %s's new address: %s", jh->uplink.name, nl_reason(err));
		jh->nat_src = old;
		return 0;
	}
	log_source(jh);
	return 1;
}
