/* linkdns.h - the nameservers an interface got from its own network, as the host's tools
 * wrote them down for that interface alone. */
#ifndef NETJAIL_LINKDNS_H
#define NETJAIL_LINKDNS_H

#include <stdbool.h>
#include <stddef.h>

#include "resolvconf.h"

/* Whether a server found for the interface may be used (@data: the caller's). */
typedef bool (*link_dns_usable_fn)(const char *addr, void *data);

/* The servers of interface @name (index @index), from the first of these sources that
 * names one that @usable accepts (NULL: any):
 *   1. resolvconf's records for it, as its DHCP client or ifupdown left them: Debian's
 *      resolvconf /run/resolvconf/interface/NAME.PROG, openresolv
 *      /run/resolvconf/interfaces/NAME[.PROG|:PROG] (resolv.conf text);
 *   2. systemd-resolved's and networkd's per-link state: /run/systemd/resolve/netif/INDEX
 *      (SERVERS=), /run/systemd/netif/links/INDEX (DNS=);
 *   3. the DHCP client's lease: dhclient's /var/lib/dhcp/dhclient.NAME.leases and
 *      /var/lib/dhcp/dhclient.leases (option domain-name-servers of NAME's newest lease),
 *      dhcpcd's /var/lib/dhcpcd/NAME.lease (the DHCP message, option 6).
 * Fixed paths (NAME is an existing interface's, never a path), read with the current
 * fsuid's rights: all are world-readable.  @out gets only the accepted servers, @source the
 * file they came from.  0, or -ENOENT if no source names one. */
int link_dns_servers(int index, const char *name, link_dns_usable_fn usable, void *data,
		     struct nameservers *out, char *source, size_t source_size);

#endif
