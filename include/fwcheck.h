/* fwcheck.h - netjail --check's firewall item. */
#ifndef NETJAIL_FWCHECK_H
#define NETJAIL_FWCHECK_H

#include <stdbool.h>

#include "conf.h"

/* How --check prints one item: @good false for one that would stop a jail. */
typedef void (*fw_item_fn)(void *ctx, bool good, const char *what, const char *detail);

/* Read the host's firewall as a run would (fwdetect.c) and report, through @item, each
 * chain that would drop a jail's traffic (with IPv6 if @ipv6) and what netjail would do
 * about it, or that none would.  Changes nothing. */
void fw_check(const struct netjail_conf *conf, bool ipv6, fw_item_fn item, void *ctx);

#endif
