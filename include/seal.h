/* seal.h - nothing of a jail's connections leaves the host but NATed by its jail, and the
 * host never answers for them: the rules that hold when a jail's own table is gone. */
#ifndef NETJAIL_SEAL_H
#define NETJAIL_SEAL_H

#include <stdint.h>
#include <stdio.h>	/* libnftnl's headers use FILE */
#include <libnftnl/rule.h>

#include "nftbatch.h"

/* Is the table "inet netjail_seal" there?  Asked through @nft: 1, 0 or -errno. */
int seal_present(struct nl *nft);

/* Add to batch @b that table and its rules, @mark_mask being the jails' bits of the ct mark
 * (call it under the state lock, having found the table missing). */
void seal_queue(struct nft_batch *b, uint32_t mark_mask);

/* Put it back if it is missing (`nft flush ruleset`), from a running jail's supervisor.
 * 1 if it did, 0 if it was there, or -errno. */
int seal_keep(struct nl *nft, uint32_t mark_mask);

/* Listen, on the new NETLINK_NETFILTER socket @w, for deletions in nftables that may have
 * taken that table (`nft flush ruleset`); the kernel filters out the rest, the jails' own
 * tables' among them.  0 or -errno. */
int seal_watch_open(struct nl *w);

/* After @w was readable: if something was deleted, seal_keep() through @nft.  Its result,
 * or 0 if nothing was heard. */
int seal_watch_keep(struct nl *w, struct nl *nft, uint32_t mark_mask);

/* Add to rule @r "ct state & @states != 0 meta l4proto tcp tcp flags & (fin|syn|rst|ack)
 * != syn": a TCP segment of a connection lost to conntrack, which the host's stack would
 * answer with a RST. */
void seal_match_lost_tcp(struct nftnl_rule *r, uint32_t states, struct nft_batch *b);

/* Add its removal to batch @b (it must be there, or the batch fails). */
void seal_queue_removal(struct nft_batch *b);

/* Remove it if it is there.  0 or -errno. */
int seal_remove(struct nl *nft);

#endif
