/* dnsfind.h - which nameservers the jail uses, and its resolv.conf. */
#ifndef NETJAIL_DNSFIND_H
#define NETJAIL_DNSFIND_H

#include <stdbool.h>
#include <stddef.h>

#include "nl.h"
#include "resolvconf.h"

#define JAIL_RESOLV_CONF_MAX 4096

/* What the jail's nameservers are chosen for. */
struct dns_request {
	const char *const *given;	/* -d or the profile's, or none */
	size_t given_count;
	int uplink_index;
	const char *uplink_name;
	bool ipv6;			/* the jail has IPv6 */
	bool allow_host;		/* --allow-host: a given server may be the host's own */
	struct nl *nl;			/* rtnetlink, to tell the host's own addresses */
};

struct dns_choice {
	struct nameservers servers;	/* what the jail's resolv.conf names */
	bool on_host;			/* one of them is the host's own (-d, --allow-host) */
	char source[200];		/* where they came from, for -v and --check */
	char set_aside[160];		/* the host's server found to be another link's, or "" */
	char resolv_conf[JAIL_RESOLV_CONF_MAX];	/* the jail's /etc/resolv.conf */
};

/* Choose the jail's nameservers: @req->given (-d or the profile) if any; else the servers
 * of the host's /etc/resolv.conf that are neither on the host itself nor another link's (a
 * VPN's, dnsroute.c); else the uplink's own servers (linkdns.c); else, when the host uses
 * a resolver of its own (a stub on loopback, or dnsmasq or the like on any of the host's
 * addresses), the upstream servers behind it (resolved's, NetworkManager's or dnsmasq's
 * list, less another link's).  IPv6 servers only if @req->ipv6.  Reads world-readable
 * files as the caller.  0; or with a one-line reason in @why: -EADDRNOTAVAIL if a given
 * server is on loopback (the jail's own, where nothing listens; or link-local) or the
 * host's own (without allow_host), if the host's resolver is on one of its
 * non-loopback addresses and nothing is found behind it (the caller refuses: asking it
 * would resolve by the host's routes), or if the host's servers are another link's and
 * the uplink's own are not known (the caller refuses: asking them would show the queries
 * to the uplink's network, unanswered); -ENOENT if no server is found otherwise.  @out
 * always holds a resolv.conf (with no server: lookups in the jail fail instead of
 * leaking). */
int dns_choose(const struct dns_request *req, struct dns_choice *out, char *why, size_t why_len);

#endif
