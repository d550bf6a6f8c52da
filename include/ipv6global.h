/* ipv6global.h - IPv6 forwarding by the global switch, net.ipv6.conf.all.forwarding, for
 * kernels without per-interface forwarding ([network] ipv6_forwarding = all). */
#ifndef NETJAIL_IPV6GLOBAL_H
#define NETJAIL_IPV6GLOBAL_H

#include <stdint.h>

#include "hostnet.h"
#include "nl.h"
#include "state.h"

/* With the state lock held: record what the host had (once: a kept record is the older
 * truth), join the users of the switch (the returned fd, >= 0, holds a share until it is
 * closed or netjail dies), and, unless the admin had it on, guard the forward hook
 * (guard_ipv6_all, through @nft), set accept_ra 2 where it was 1 and turn the switch on.
 * -errno on failure (-E2BIG: too many interfaces to record). */
int ipv6_all_prepare(struct state *st, struct nl *nft, uint32_t mark_mask);
/* The same for jail @jh (its nftables socket opened if need be), which then holds the share
 * in @jh->ipv6_all_fd (joined_ipv6_all).  0 or -errno. */
int ipv6_all_join(struct jail_host *jh, struct state *st, uint32_t mark_mask);

/* If no live netjail uses the switch (@own_fd: the caller's share, or -1): put back what
 * was recorded where the value is still netjail's, then remove the guard (through @nft,
 * opened if need be) and the record.
 * 1 if it did, 0 if nothing was recorded or the switch is still in use, or -errno. */
int ipv6_all_release_if_unused(struct nl *nft, struct state *st, int own_fd);

#endif
