/* ipv6conf.h - the IPv6 settings of an interface that rtnetlink cannot change. */
#ifndef NETJAIL_IPV6CONF_H
#define NETJAIL_IPV6CONF_H

#include <stdint.h>

/* net.ipv6.conf.IFNAME.KEY of the caller's network namespace.  0, -ENOENT if the kernel
 * has no such setting (force_forwarding before Linux 6.17), or -errno. */
int ipv6_conf_get(const char *ifname, const char *key, uint32_t *value);
int ipv6_conf_set(const char *ifname, const char *key, uint32_t value);

#endif
