/* hostnat.h - the host's own connections skip the jails' NAT chains (see hostnat.c). */
#ifndef NETJAIL_HOSTNAT_H
#define NETJAIL_HOSTNAT_H

#include "nftbatch.h"

/* Priorities of the NAT chains on postrouting: srcnat + 200, after other tools' chains
 * (iptables' and most tools' at srcnat, firewalld's at srcnat + 10), and each jail's
 * source NAT just after the chain that sends the host's own connections past it. */
#define HOSTNAT_PRIORITY 300
#define JAIL_NAT_PRIORITY (HOSTNAT_PRIORITY + 1)

/* Is the table "inet netjail_hostnat" there?  Asked through @nft: 1, 0 or -errno. */
int hostnat_present(struct nl *nft);

/* Add to batch @b that table and its rules (call it under the state lock, having found the
 * table missing). */
void hostnat_queue(struct nft_batch *b);

/* Add to batch @b the removal of that table: the last jail is gone. */
void hostnat_queue_removal(struct nft_batch *b);

/* Remove that table through @nft in a batch of its own.  0 (also if it was not there) or
 * -errno. */
int hostnat_remove(struct nl *nft);

#endif
