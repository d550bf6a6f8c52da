/* dnsfind.c - find nameservers the jail can reach, and write its resolv.conf.
 *
 * The host's /etc/resolv.conf often names a stub only the host can reach: systemd-resolved
 * on 127.0.0.53, dnsmasq or NetworkManager on 127.0.0.1.  In the jail that address is the
 * jail's own loopback, where nothing listens.  Asking the stub through the host instead
 * would send the query out by the host's default route: a DNS leak.  So the jail gets the
 * servers behind the stub, and its queries leave by the uplink like all its traffic.
 *
 * Where those servers are written down (all world-readable state files):
 *   /run/systemd/resolve/netif/IFINDEX  SERVERS=  set on a link over D-Bus (NetworkManager)
 *   /run/systemd/netif/links/IFINDEX    DNS=      set by systemd-networkd
 *   /run/systemd/resolve/resolv.conf              every upstream server resolved knows
 *   /run/NetworkManager/no-stub-resolv.conf       NetworkManager's list behind its stub
 *   /run/dnsmasq/resolv.conf                      Debian's dnsmasq with resolvconf
 * The uplink's own servers come first: they are the ones its network answers.
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
#include "hostlocal.h"
#include "textfile.h"

#define HOST_RESOLV_CONF "/etc/resolv.conf"
#define STATE_FILE_MAX (64u << 10)

/* Read @path (NULL on any error: every source is optional). */
static char *read_optional(const char *path)
{
	return text_file_read(path, STATE_FILE_MAX, NULL);
}

/* The servers in line @key of the per-link state file @path. */
static void from_link_state(const char *path, const char *key, struct nameservers *out)
{
	char *text = read_optional(path), value[1024];

	if (text && state_file_value(text, key, value, sizeof(value)))
		nameservers_from_words(value, out);
	free(text);
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

/* The servers behind the host's own resolver, the uplink's own first.  Sets @source. */
static void behind_stub(const struct dns_request *req, struct nameservers *out, char *own,
			size_t own_size, char *source, size_t source_size)
{
	static const char *const lists[] = {
		"/run/systemd/resolve/resolv.conf",
		"/run/NetworkManager/no-stub-resolv.conf",
		"/run/dnsmasq/resolv.conf",
	};
	char path[64];

	snprintf(path, sizeof(path), "/run/systemd/resolve/netif/%d", req->uplink_index);
	from_link_state(path, "SERVERS", out);
	snprintf(path, sizeof(path), "/run/systemd/netif/links/%d", req->uplink_index);
	from_link_state(path, "DNS", out);
	nameservers_keep_reachable(out, req->ipv6);
	drop_host_own(req->nl, out, own, own_size);
	if (out->count) {
		snprintf(source, source_size, "%s's own servers, behind the host's local resolver",
			 req->uplink_name);
		return;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]) && !out->count; i++) {
		from_resolv_conf(lists[i], out);
		nameservers_keep_reachable(out, req->ipv6);
		drop_host_own(req->nl, out, own, own_size);
		snprintf(source, source_size, "%s, behind the host's local resolver", lists[i]);
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
		snprintf(out->source, sizeof(out->source), "%s", HOST_RESOLV_CONF);
	}
	/* Only resolvers on the host itself: look behind them. */
	if (!err && !out->servers.count && host.count)
		behind_stub(req, &out->servers, own, sizeof(own), out->source, sizeof(out->source));
	if (!err && !out->servers.count) {
		if (own[0]) {
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
