/* slotclaim.c - claim a jail's slot whose /30 no host network uses, or say what is in the way.
 *
 * A slot is free when its routing table is empty, its /30 overlaps no address of the host
 * and no route at least as long as the pool's prefix, its lock file can be made (state.c),
 * and no interface has its veth's name.  When none is, the pool is either used up by jails
 * (too many of them) or, more often on a new machine, covered by a network the host already
 * has (a VPN, Docker, a LAN in 10.231.0.0/16): then the user needs to hear which one, and
 * that netjail.conf's "pool" moves the jails elsewhere.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>

#include "addr.h"
#include "conf.h"
#include "hostnet.h"
#include "link.h"
#include "route.h"
#include "state.h"

/* Prefixes in use on the host, to keep jail subnets clear of them. */
struct taken {
	const struct pool_config *cfg;
	unsigned count, size;
	struct {
		struct in_addr prefix;
		unsigned len;
		int index;		/* its interface (0: a route through none) */
		bool route;		/* a route, else an address */
	} *items;
	unsigned char *table_busy;	/* by slot: its routing table has routes */
};

static int take(struct taken *taken, struct in_addr prefix, unsigned len, int index, bool route)
{
	if (taken->count == taken->size) {
		unsigned size = taken->size ? taken->size * 2 : 64;
		void *items = reallocarray(taken->items, size, sizeof(*taken->items));

		if (!items)
			return -ENOMEM;
		taken->items = items;
		taken->size = size;
	}
	taken->items[taken->count].prefix = prefix;
	taken->items[taken->count].len = len;
	taken->items[taken->count].index = index;
	taken->items[taken->count++].route = route;
	return 0;
}

static int take_address(const struct addr_info *addr, void *data)
{
	int err = take(data, addr->local, addr->prefix, addr->index, false);

	return err ? err : take(data, addr->address, addr->prefix, addr->index, false);
}

static int take_route(const struct route_info *route, void *data)
{
	struct taken *taken = data;
	unsigned slot = pool_slot_of_table(taken->cfg, route->table);

	if (slot) {
		taken->table_busy[slot] = 1;
		return 0;
	}
	/* A route wider than the pool (the default route, OpenVPN's redirect-gateway def1
	 * halves 0/1 and 128/1, a VPN's 10/8) covers every candidate alike and says nothing
	 * about subnets in use: a jail's /30 is routed ahead of it (the gate's rule, and more
	 * specific), for its own four addresses only.  Taking it would leave no free address at
	 * all.  A route as long as the pool's prefix or longer names a network that somebody
	 * uses there: skip the candidates it overlaps. */
	if (route->dst_len < taken->cfg->pool_prefix)
		return 0;
	return take(taken, route->dst, route->dst_len, route->oif, true);
}

/* The first taken prefix that overlaps @net's /30, or -1. */
static int overlap_of(const struct taken *taken, const struct jail_net *net)
{
	for (unsigned i = 0; i < taken->count; i++)
		if (prefixes_overlap(taken->items[i].prefix, taken->items[i].len, net->subnet,
				     JAIL_PREFIX))
			return (int)i;
	return -1;
}

static int collect(struct taken *taken, struct nl *nl, const struct pool_config *cfg)
{
	*taken = (struct taken){ .cfg = cfg };
	taken->table_busy = calloc(pool_slot_count(cfg) + 1, 1);
	if (!taken->table_busy)
		return -ENOMEM;
	int err = addr_for_each(nl, take_address, taken);

	return err ? err : route_for_each(nl, take_route, taken);
}

static void release(struct taken *taken)
{
	free(taken->items);
	free(taken->table_busy);
}

int jail_host_claim_slot(struct jail_host *jh, struct nl *nl, struct state *st,
			 const struct pool_config *cfg, uid_t owner)
{
	unsigned slots = pool_slot_count(cfg);
	struct taken taken;
	int err = collect(&taken, nl, cfg);

	for (unsigned slot = 1; !err && slot <= slots; slot++) {
		struct link_info existing;
		int fd;

		pool_slot(cfg, slot, &jh->net);
		if (taken.table_busy[slot] || overlap_of(&taken, &jh->net) >= 0)
			continue;
		fd = state_claim_slot(st, slot, owner);
		if (fd == -EBUSY)
			continue;
		if (fd < 0) {
			err = fd;
			break;
		}
		/* An interface of that name that is not ours: leave it and its slot alone. */
		if (link_find(nl, jh->net.host_veth, &existing) != -ENODEV) {
			state_unclaim_slot(st, slot, fd);
			continue;
		}
		jh->slot_fd = fd;
		goto out;
	}
	/* Not ENOSPC: that is what a full /run answers when a slot file is made. */
	if (!err)
		err = -EUSERS;
out:
	release(&taken);
	return err;
}

void jail_host_explain_no_slot(struct nl *nl, const struct pool_config *cfg, char *why,
			       size_t why_len)
{
	unsigned slots = pool_slot_count(cfg), covered = 0;
	char pool[INET_ADDRSTRLEN], net[INET_ADDRSTRLEN], ifname[IF_NAMESIZE] = "";
	struct in_addr pool_net = pool_network(cfg);
	struct jail_net candidate;
	struct taken taken;
	int first = -1;

	/* A running jail's slot (its table has routes) is in use, not in the way: its own
	 * address on its link overlaps its /30, and counting that would blame the jails'
	 * links for a pool they fill. */
	if (collect(&taken, nl, cfg) == 0)
		for (unsigned slot = 1; slot <= slots; slot++) {
			int i;

			if (taken.table_busy[slot])
				continue;
			pool_slot(cfg, slot, &candidate);
			i = overlap_of(&taken, &candidate);
			covered += i >= 0;
			if (first < 0)
				first = i;
		}
	if (first < 0) {
		snprintf(why, why_len, "no free jail address or mark left: too many jails running");
		release(&taken);
		return;
	}
	inet_ntop(AF_INET, &pool_net, pool, sizeof(pool));
	inet_ntop(AF_INET, &taken.items[first].prefix, net, sizeof(net));
	if (taken.items[first].index)
		if_indextoname((unsigned)taken.items[first].index, ifname);
	snprintf(why, why_len, "no free jail address: the jail pool %s/%u overlaps the host's %s "
		 "%s/%u%s%s, which leaves %u of its %u jail subnets unusable%s: move the pool with "
		 "\"pool = ADDRESS/LENGTH\" in [network] of %s/%s",
		 pool, cfg->pool_prefix, taken.items[first].route ? "route" : "address", net,
		 taken.items[first].len, ifname[0] ? " on " : "", ifname, covered, slots,
		 covered < slots ? " (the others are in use)" : "", NETJAIL_CONF_DIR,
		 NETJAIL_CONF_NAME);
	release(&taken);
}
