/* list.h - netjail --list. */
#ifndef NETJAIL_LIST_H
#define NETJAIL_LIST_H

#include <stdbool.h>

#include "nl.h"
#include "pool.h"

struct listing;

/* Find the running jails through rtnetlink @nl.  0 or -errno; @out is set either way. */
int list_collect(struct nl *nl, const struct pool_config *cfg, struct listing **out);

/* Add each jail's nftables counters, read through NETLINK_NETFILTER socket @nft (needs
 * CAP_NET_ADMIN); a jail whose counters cannot be read shows "-". */
void list_read_counters(struct nl *nft, struct listing *listing);

/* Print the table (or, with @json, a JSON array) to stdout, reading each jail's command
 * line from /proc as the caller. */
void list_print(const struct listing *listing, bool json);

#endif
