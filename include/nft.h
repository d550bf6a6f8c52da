/* nft.h - the jail's nftables table. */
#ifndef NETJAIL_NFT_H
#define NETJAIL_NFT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

struct nft_jail {
	char table[32];			/* "netjail<slot>" */
	int host_veth_index;
	const char *uplink;
	struct in_addr jail_addr;
	uint32_t mark, mark_mask;
	/* netjail turned forwarding on for the uplink: refuse to route anything else from it */
	bool guard_uplink;
};

/* Install the jail's table in one atomic batch on @nl (a NETLINK_NETFILTER socket).  The
 * table is owned by that socket: the kernel deletes it when the socket closes, so it
 * cannot outlive netjail even if netjail is killed.  0 or -errno. */
int nft_install_jail(struct nl *nl, const struct nft_jail *jail);

#endif
