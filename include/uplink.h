/* uplink.h - is this interface fit to be a jail's uplink, and by which next hop? */
#ifndef NETJAIL_UPLINK_H
#define NETJAIL_UPLINK_H

#include <stddef.h>

#include "cli.h"
#include "conf.h"
#include "hostnet.h"
#include "nl.h"

/* Check @opts->uplink (policy for non-root callers, exists, up, not loopback, not a jail's
 * link, not from inside a jail) and settle the IPv4 next hop in @jh, changing nothing.
 * 0, or -1 with the one-line reason in @why. */
int uplink_choose(struct nl *nl, const struct cli_options *opts, const struct netjail_conf *conf,
		  struct jail_host *jh, char *why, size_t why_len);
/* Its two halves, which --check reports on their own lines: the interface (fills
 * @jh->uplink), then the next hop (-g or the default route's; none on a point-to-point
 * link), which must be on-link and not one of the host's own addresses. */
int uplink_check_link(struct nl *nl, const struct cli_options *opts,
		      const struct netjail_conf *conf, struct jail_host *jh, char *why, size_t why_len);
int uplink_choose_gateway(struct nl *nl, const struct cli_options *opts,
			  const struct netjail_conf *conf, struct jail_host *jh,
			  char *why, size_t why_len);

/* IPv6 for the jail if the uplink has an IPv6 default route and netjail may forward it:
 * per interface (force_forwarding, Linux 6.17), or by the global switch where @conf says
 * ipv6_forwarding = all.  Sets @jh->has_ipv6 and how.  0, or with why not in @why
 * -ENETUNREACH (the uplink has no IPv6 to give) or -EOPNOTSUPP (it has, but this kernel
 * cannot forward it per interface and the admin did not choose the global switch). */
int uplink_choose_ipv6(struct nl *nl, const struct netjail_conf *conf, struct jail_host *jh,
		       char *why, size_t why_len);

#endif
