/* addr.h - addresses of interfaces through rtnetlink. */
#ifndef NETJAIL_ADDR_H
#define NETJAIL_ADDR_H

#include <netinet/in.h>
#include <stdint.h>

#include "nl.h"

struct addr_info {
	int index;
	unsigned prefix;
	struct in_addr local;	/* the interface's own address */
	struct in_addr address;	/* the peer on point-to-point links, else == local */
};

typedef int (*addr_visit_fn)(const struct addr_info *addr, void *data);

/* Add @local/@prefix to interface @index, with IFA_F_* @flags (IFA_F_NOPREFIXROUTE: no
 * route to the prefix in the main table).  0 or -errno. */
int addr_add(struct nl *nl, int index, struct in_addr local, unsigned prefix, uint32_t flags);
/* Remove that IPv4 address again.  0 or -errno (-EADDRNOTAVAIL if it is not there). */
int addr_delete(struct nl *nl, int index, struct in_addr local, unsigned prefix);
/* IPv6, without duplicate address detection, and with @flags as above.  0 or -errno. */
int addr6_add(struct nl *nl, int index, const struct in6_addr *local, unsigned prefix,
	      uint32_t flags);

/* Call @visit for every IPv4 address of every interface; non-zero from it is returned. */
int addr_for_each(struct nl *nl, addr_visit_fn visit, void *data);

#endif
