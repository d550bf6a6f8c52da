/* fastpath.h - the jail's flowtable, where the kernel has one (fastpath.c). */
#ifndef NETJAIL_FASTPATH_H
#define NETJAIL_FASTPATH_H

#include "nft.h"
#include "nftbatch.h"
#include "nl.h"

/* Comments of the two counters that give the packets the flowtable forwarded out of the
 * jail (nftcount.c adds their difference to "egress"). */
#define FASTPATH_COUNTER_ALL "offload-all"
#define FASTPATH_COUNTER_SLOW "offload-slow"

/* Add the flowtable, its offload rules and its counters to the jail's table (already made
 * by nft_install_jail on @nl), in a transaction of their own: 0, or -errno and nothing of
 * it made (-ENOENT or -EOPNOTSUPP: the kernel has no flowtables, nf_flow_table). */
int fastpath_install(struct nl *nl, const struct nft_jail *jail);

/* Into @b (nft_update_nat's batch): replace the flowtable, which drops every flow it holds,
 * and the offload rules, for jail->src. */
void fastpath_queue_reset(struct nft_batch *b, const struct nft_jail *jail);

#endif
