/* dnsfind.c - find nameservers the jail can reach, and write its resolv.conf.
 *
 * The host's /etc/resolv.conf often names a stub only the host can reach: systemd-resolved
 * on 127.0.0.53, dnsmasq or NetworkManager on 127.0.0.1.  In the jail that address is the
 * jail's own loopback, where nothing listens.  Asking the stub through the host instead
 * would send the query out by the host's default route: a DNS leak.  So the jail gets the
 * servers behind the stub, and its queries leave by the uplink like all its traffic.
 *
 * Where those servers are written down (all world-readable state files):
 *   the uplink's own, as its DHCP client, resolved or networkd keep them   (linkdns.c)
 *   /run/systemd/resolve/resolv.conf              every upstream server resolved knows
 *   /run/NetworkManager/no-stub-resolv.conf       NetworkManager's list behind its stub
 *   /run/dnsmasq/resolv.conf                      Debian's dnsmasq with resolvconf
 * The uplink's own servers come first: they are the ones its network answers.
 *
 * A server that lives behind another link than the uplink (a VPN's resolver, which the
 * VPN's resolvconf -x makes the only one in /etc/resolv.conf) is not the jail's either:
 * its queries would go out by the uplink to an address only the tunnel reaches, unanswered
 * and shown to the uplink's network (dnsroute.c).  The uplink's own servers take its place,
 * or netjail refuses (the caller) with one line asking for -d.
 *
 * A resolver on any other address of the host's (dnsmasq on a LAN or bridge address, a
 * resolver on the uplink's own address) is the same thing as a stub: the jail's query would
 * be answered by the host, which resolves by its own routes, not by the uplink.  The jail
 * cannot reach the host anyway (nft.c's to_host chain); so such a server is never the
 * jail's, and the servers behind it are looked for as behind a stub.  If none is found,
 * netjail refuses (the caller), rather than give the jail a resolv.conf that only times out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsfind.h"
#include "dnsroute.h"
#include "hostlocal.h"
#include "textfile.h"

#define HOST_RESOLV_CONF "/etc/resolv.conf"
#define STATE_FILE_MAX (64u << 10)

/* Read @path (NULL on any error: every source is optional). */
static char *read_optional(const char *path)
{
	return text_file_read(path, STATE_FILE_MAX, NULL);
}

static void from_resolv_conf(const char *path, struct nameservers *out)
{
	char *text = read_optional(path);

	if (text)
		nameservers_from_resolv_conf(text, out);
	free(text);
}

/* Drop the servers on the host itself (after nameservers_keep_reachable has dropped those
 * on loopback); the first one dropped goes to @first if it is still empty.  A server that
 * cannot be told apart counts as the host's: better no server than a leak. */
static void drop_host_own(struct nl *nl, struct nameservers *ns, char *first, size_t first_size)
{
	size_t kept = 0;

	for (size_t i = 0; i < ns->count; i++) {
		if (host_local_address(nl, ns->addr[i])) {
			if (!first[0])
				snprintf(first, first_size, "%s", ns->addr[i]);
			continue;
		}
		if (kept != i)
			memcpy(ns->addr[kept], ns->addr[i], sizeof(ns->addr[i]));
		kept++;
	}
	ns->count = kept;
}

/* Drop the servers of list @list that are another link's; the first one, if it is the
 * first of all, is named in @set_aside. */
static void drop_elsewhere(const struct dns_request *req, struct nameservers *ns,
			   const char *list, char *set_aside, size_t size)
{
	struct dns_elsewhere away = { .addr = "" };

	nameservers_drop_elsewhere(req->nl, req->uplink_index, ns, &away);
	if (away.addr[0] && !set_aside[0])
		snprintf(set_aside, size, "%s's %s leaves by %s, not %s", list, away.addr,
			 away.link, req->uplink_name);
}

/* Instead of the host's servers, which are all on the host itself or another link's: the
 * uplink's own (linkdns.c); else, behind the host's resolver, the lists it was made from,
 * less what is another link's.  Sets @out's source. */
static void instead(const struct dns_request *req, struct dns_choice *out, char *own,
		    size_t own_size)
{
	static const char *const lists[] = {
		"/run/systemd/resolve/resolv.conf",
		"/run/NetworkManager/no-stub-resolv.conf",
		"/run/dnsmasq/resolv.conf",
	};
	char found_in[160];

	if (!uplink_own_nameservers(req->nl, req->uplink_index, req->uplink_name, req->ipv6,
				    &out->servers, found_in, sizeof(found_in))) {
		snprintf(out->source, sizeof(out->source), "%s's own servers: %s",
			 req->uplink_name, found_in);
		return;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]) && !out->servers.count; i++) {
		from_resolv_conf(lists[i], &out->servers);
		nameservers_keep_reachable(&out->servers, req->ipv6);
		drop_host_own(req->nl, &out->servers, own, own_size);
		drop_elsewhere(req, &out->servers, lists[i], out->set_aside, sizeof(out->set_aside));
		snprintf(out->source, sizeof(out->source), "%s, behind the host's local resolver",
			 lists[i]);
	}
}

static bool link_local(const char *addr)
{
	struct in6_addr v6;

	return inet_pton(AF_INET6, addr, &v6) == 1 && IN6_IS_ADDR_LINKLOCAL(&v6);
}

/* -d or the profile's: as given, but for a loopback (or link-local, or unspecified) address
 * and an address of the host's.  In the jail, 127.0.0.1 and ::1 are the jail's own
 * loopback: no resolver listens there, and the host's stub on its loopback is out of reach
 * (asking it would resolve by the host's routes anyway).  A resolver the user starts in
 * the jail after netjail cannot be waited for, so such a server is a mistake, refused. */
static int take_given(const struct dns_request *req, struct dns_choice *out, char *why,
		      size_t why_len)
{
	for (size_t i = 0; i < req->given_count && i < NAMESERVERS_MAX; i++) {
		const char *addr = req->given[i];

		if (nameserver_is_host_local(addr)) {
			snprintf(why, why_len, "nameserver %s is %s address: in the jail that is the "
				 "jail itself, where no resolver listens (the host's own is out of "
				 "reach): pass a nameserver the jail reaches by %s, such as your "
				 "network's or a public one", addr, link_local(addr) ? "a link-local" :
				 "a loopback", req->uplink_name);
			return -EADDRNOTAVAIL;
		}
		if (host_local_address(req->nl, addr)) {
			if (!req->allow_host) {
				snprintf(why, why_len, "nameserver %s is this host's own address: the "
					 "jail cannot reach the host (and its resolver would not use %s): "
					 "pass another --dns ADDR, or --allow-host", addr,
					 req->uplink_name);
				return -EADDRNOTAVAIL;
			}
			out->on_host = true;
		}
		snprintf(out->servers.addr[out->servers.count++], INET6_ADDRSTRLEN, "%s", addr);
	}
	snprintf(out->source, sizeof(out->source), "--dns or the profile");
	return 0;
}

int dns_choose(const struct dns_request *req, struct dns_choice *out, char *why, size_t why_len)
{
	struct nameservers host = { .count = 0 };
	char *host_text = read_optional(HOST_RESOLV_CONF), own[INET6_ADDRSTRLEN] = "";
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (host_text)
		nameservers_from_resolv_conf(host_text, &host);
	if (req->given_count) {
		err = take_given(req, out, why, why_len);
	} else {
		out->servers = host;
		nameservers_keep_reachable(&out->servers, req->ipv6);
		drop_host_own(req->nl, &out->servers, own, sizeof(own));
		drop_elsewhere(req, &out->servers, HOST_RESOLV_CONF, out->set_aside,
			       sizeof(out->set_aside));
		snprintf(out->source, sizeof(out->source), "%s", HOST_RESOLV_CONF);
	}
	/* Only resolvers on the host itself or behind another link: look for others. */
	if (!err && !out->servers.count && host.count)
		instead(req, out, own, sizeof(own));
	if (!err && !out->servers.count) {
		if (out->set_aside[0]) {
			/* Refused, not warned: the jail's lookups would not fail at once but
			 * go out by the uplink to the other link's server, shown to the uplink's
			 * network, and never answered. */
			snprintf(why, why_len, "no nameserver for the jail: %s, and %s's own "
				 "resolver is not known: pass -d ADDR", out->set_aside,
				 req->uplink_name);
			err = -EADDRNOTAVAIL;
		} else if (own[0]) {
			snprintf(why, why_len, "no nameserver for the jail: the host's resolver is on its "
				 "own address %s (it would resolve by the host's routes, not by %s), and "
				 "the servers behind it were not found: pass --dns ADDR", own,
				 req->uplink_name);
			err = -EADDRNOTAVAIL;
		} else if (host.count) {
			snprintf(why, why_len, "no nameserver for the jail: %s names only %s, which the "
				 "jail cannot reach, and the servers behind it were not found: "
				 "pass --dns ADDR", HOST_RESOLV_CONF, host.addr[0]);
			err = -ENOENT;
		} else {
			snprintf(why, why_len, "no nameserver for the jail: %s names none the jail can "
				 "reach: pass --dns ADDR", HOST_RESOLV_CONF);
			err = -ENOENT;
		}
		snprintf(out->source, sizeof(out->source), "none found");
	}
	if (err)
		out->servers.count = 0;
	if (resolv_conf_for_jail(&out->servers, host_text, out->resolv_conf,
				 sizeof(out->resolv_conf)))
		/* The host's search/options lines did not fit: the servers alone. */
		resolv_conf_for_jail(&out->servers, NULL, out->resolv_conf, sizeof(out->resolv_conf));
	free(host_text);
	return err;
}
