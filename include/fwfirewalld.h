/* fwfirewalld.h - would firewalld let a jail's traffic out?  Read-only. */
#ifndef NETJAIL_FWFIREWALLD_H
#define NETJAIL_FWFIREWALLD_H

#include <stddef.h>

#include "nl.h"

/* Judge firewalld's own nftables table (table inet firewalld) for a new connection that a
 * jail's link (nj<N>) forwards to @uplink, on the NETLINK_NETFILTER socket @nft.
 * 0 if firewalld is not running or its rules accept that traffic (@why says which);
 * -EACCES if they would reject or drop it (@why is the one line telling the admin what to
 * install); another -errno if the ruleset could not be read. */
int firewalld_ready(struct nl *nft, const char *uplink, char *why, size_t size);

/* The same on a netfilter socket of its own, with the reason of a failed read in @why too:
 * 0 or -errno, for callers that hold only an rtnetlink socket (the run path, --check). */
int firewalld_check(const char *uplink, char *why, size_t size);

#endif
