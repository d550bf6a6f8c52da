/* dnsfind.h - which nameservers the jail uses, and its resolv.conf. */
#ifndef NETJAIL_DNSFIND_H
#define NETJAIL_DNSFIND_H

#include <stdbool.h>
#include <stddef.h>

#include "resolvconf.h"

#define JAIL_RESOLV_CONF_MAX 4096

struct dns_choice {
	struct nameservers servers;	/* what the jail's resolv.conf names */
	char source[160];		/* where they came from, for -v and --check */
	char resolv_conf[JAIL_RESOLV_CONF_MAX];	/* the jail's /etc/resolv.conf */
};

/* Choose the jail's nameservers: @given (-d or the profile) if any; else the host's
 * /etc/resolv.conf servers the jail can reach; else, when the host uses a local stub,
 * the upstream servers behind it (the uplink @uplink_index's own servers as
 * systemd-resolved or networkd keep them, then resolved's, NetworkManager's or dnsmasq's
 * list).  IPv6 servers only if @ipv6.  Reads world-readable files as the caller.
 * 0; or -ENOENT with a one-line reason in @why, and @out still holds a resolv.conf
 * (with no server: lookups in the jail fail instead of leaking). */
int dns_choose(const char *const *given, size_t given_count, int uplink_index,
	       const char *uplink_name, bool ipv6, struct dns_choice *out,
	       char *why, size_t why_len);

#endif
