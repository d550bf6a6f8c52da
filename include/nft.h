/* nft.h - the jail's nftables table. */
#ifndef NETJAIL_NFT_H
#define NETJAIL_NFT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "natsource.h"
#include "nftbatch.h"
#include "nl.h"
#include "publish.h"

struct nft_jail {
	char table[32];			/* "netjail<slot>" */
	int host_veth_index;
	const char *host_veth;		/* its name (fastpath.c's flowtable and counters) */
	const char *uplink;
	struct in_addr jail_addr;
	bool has_ipv6;			/* also NAT66 for jail_addr6 */
	struct in6_addr jail_addr6;
	uint32_t mark, mark_mask;
	const struct publish *publish;	/* ports forwarded into the jail */
	size_t publish_count;
	/* netjail turned forwarding on for the uplink (IPv4, IPv6): refuse to route anything
	 * from it but jails' connections */
	bool guard_ipv4, guard_ipv6;
	bool uplink_bridge;		/* the uplink is a bridge (guard_match_uplink) */
	bool allow_host;		/* --allow-host: no to_host chain */
	bool with_hostnat;		/* also make hostnat.h's table, in the same batch */
	struct nat_source src;		/* the uplink's addresses the jail is NATed to */
	bool fastpath;			/* fastpath.c's flowtable is in the table */
};

/* The chain that ends the jail's connections NATed to an address the uplink lost. */
#define NFT_STALE_CHAIN "stale"

/* Comments of the rules whose counters netjail --list shows. */
#define NFT_COUNTER_EGRESS "egress"
#define NFT_COUNTER_FAIL_CLOSED "fail-closed"
#define NFT_COUNTER_INBOUND "inbound"
#define NFT_COUNTER_TO_HOST "to-host"

struct nft_counters {
	uint64_t egress_packets, egress_bytes;	/* forwarded from the jail out of the uplink */
	/* of which by the flowtable: counted at the jail's link's ingress before it and after */
	uint64_t offload_all_packets, offload_all_bytes, offload_slow_packets, offload_slow_bytes;
	/* from the jail towards anything else: forwarded elsewhere, or to the host itself */
	uint64_t fail_closed_packets;
	uint64_t inbound_packets;		/* into the jail but for replies and -P, refused */
};

/* Install the jail's table (and with_hostnat, the table of hostnat.h) in one atomic batch
 * on @nl (a NETLINK_NETFILTER socket).  The jail's table is owned by that socket: the kernel
 * deletes it when the socket closes, so it cannot outlive netjail even if netjail is
 * killed.  0 or -errno. */
int nft_install_jail(struct nl *nl, const struct nft_jail *jail);

/* nftnat.c: add to @b the jail's NAT rules and its "stale" chain's, for jail->src. */
void nft_queue_nat(struct nft_batch *b, const struct nft_jail *jail);
/* Replace them, in one batch on @nl, for a new jail->src.  0 or -errno. */
int nft_update_nat(struct nl *nl, const struct nft_jail *jail);

/* Read the counters of table @table (e.g. "netjail3") through @nl.  0, -ENOENT if there is
 * no such table, or -errno (-EPERM without CAP_NET_ADMIN). */
int nft_read_counters(struct nl *nl, const char *table, struct nft_counters *counters);

#endif
