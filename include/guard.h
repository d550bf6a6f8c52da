/* guard.h - while netjail has an uplink forwarding, it forwards jails' traffic only. */
#ifndef NETJAIL_GUARD_H
#define NETJAIL_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "nftbatch.h"

/* Make sure the guard of @uplink for @nfproto (NFPROTO_IPV4 or _IPV6) is in place, through
 * NETLINK_NETFILTER socket @nft: in table "inet netjail_guard", which no socket owns, so it
 * outlives a netjail killed with SIGKILL, until the uplink's settings are restored
 * (uplink_release_if_unused, by the last jail or --cleanup).  @bridge: @uplink is a
 * bridge (see guard_match_uplink).  0 or -errno. */
int guard_uplink(struct nl *nft, const char *uplink, bool bridge, uint8_t nfproto,
		 uint32_t mark_mask);

/* Add to rule @r the start of a guard rule's match, the same in the guard table and in each
 * jail's table: "iifname UPLINK", and for a @bridge uplink "oifname != UPLINK", so that
 * frames the bridge forwards between its ports pass (guard.c says why). */
void guard_match_uplink(struct nftnl_rule *r, const char *uplink, bool bridge,
			struct nft_batch *b);

#define GUARDS_MAX 2	/* per uplink: IPv4 and IPv6 */

/* An uplink's guard rules, as found in the guard table. */
struct guard_found {
	uint64_t handles[GUARDS_MAX];
	unsigned matches;	/* rules of that uplink */
	unsigned rules;		/* rules in the table, the uplink's and others' */
};

/* Find @uplink's guards through @nft.  0 (none found: found->matches == 0) or -errno. */
int guard_find(struct nl *nft, const char *uplink, struct guard_found *found);
/* Add to batch @b the removal of the guards in @found, and of the table with the last ones,
 * so that a caller can remove them in the same commit as other objects. */
void guard_remove(struct nft_batch *b, const struct guard_found *found);

/* Remove @uplink's guards, and the table with the last ones, in one batch.  0 or -errno. */
int unguard_uplink(struct nl *nft, const char *uplink);

/* While netjail holds net.ipv6.conf.all.forwarding on (ipv6global.c): in the same table, one
 * rule that drops forwarded IPv6 that neither comes from a jail's link nor belongs to a
 * jail's connection (ct mark & @mark_mask).  Made once; removed by unguard_ipv6_all (with
 * the table if it was the last rule).  0 or -errno. */
#define GUARD_IPV6_ALL "ipv6:all"
int guard_ipv6_all(struct nl *nft, uint32_t mark_mask);
int unguard_ipv6_all(struct nl *nft);

#endif
