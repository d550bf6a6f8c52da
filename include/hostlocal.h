/* hostlocal.h - is an address one the host delivers to itself? */
#ifndef NETJAIL_HOSTLOCAL_H
#define NETJAIL_HOSTLOCAL_H

#include "nl.h"

/* 1 if the host's routing delivers a packet to @addr (IPv4 or IPv6 text) to the host
 * itself, whatever interface the address is on (loopback included); 0 if it would route it
 * elsewhere or nowhere; -EINVAL if @addr is no address, or another -errno.  Needs no
 * privilege. */
int host_local_address(struct nl *nl, const char *addr);

#endif
