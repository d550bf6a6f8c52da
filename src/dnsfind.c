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
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsfind.h"
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

/* The servers behind the host's local stub, the uplink's own first.  Sets @source. */
static void behind_stub(int uplink_index, const char *uplink_name, bool ipv6,
			struct nameservers *out, char *source, size_t source_size)
{
	static const char *const lists[] = {
		"/run/systemd/resolve/resolv.conf",
		"/run/NetworkManager/no-stub-resolv.conf",
		"/run/dnsmasq/resolv.conf",
	};
	char path[64];

	snprintf(path, sizeof(path), "/run/systemd/resolve/netif/%d", uplink_index);
	from_link_state(path, "SERVERS", out);
	snprintf(path, sizeof(path), "/run/systemd/netif/links/%d", uplink_index);
	from_link_state(path, "DNS", out);
	nameservers_keep_reachable(out, ipv6);
	if (out->count) {
		snprintf(source, source_size, "%s's own servers, behind the host's local resolver",
			 uplink_name);
		return;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]) && !out->count; i++) {
		from_resolv_conf(lists[i], out);
		nameservers_keep_reachable(out, ipv6);
		snprintf(source, source_size, "%s, behind the host's local resolver", lists[i]);
	}
}

int dns_choose(const char *const *given, size_t given_count, int uplink_index,
	       const char *uplink_name, bool ipv6, struct dns_choice *out,
	       char *why, size_t why_len)
{
	struct nameservers host = { .count = 0 };
	char *host_text = read_optional(HOST_RESOLV_CONF);
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (host_text)
		nameservers_from_resolv_conf(host_text, &host);
	if (given_count) {
		for (size_t i = 0; i < given_count && i < NAMESERVERS_MAX; i++)
			snprintf(out->servers.addr[out->servers.count++], INET6_ADDRSTRLEN, "%s", given[i]);
		snprintf(out->source, sizeof(out->source), "--dns or the profile");
	} else {
		out->servers = host;
		nameservers_keep_reachable(&out->servers, ipv6);
		snprintf(out->source, sizeof(out->source), "%s", HOST_RESOLV_CONF);
	}
	/* Only a stub on the host's loopback: look behind it. */
	if (!out->servers.count && host.count)
		behind_stub(uplink_index, uplink_name, ipv6, &out->servers, out->source,
			    sizeof(out->source));
	if (!out->servers.count) {
		if (host.count)
			snprintf(why, why_len, "no nameserver for the jail: %s names only %s, which the "
				 "jail cannot reach, and the servers behind it were not found: "
				 "pass --dns ADDR", HOST_RESOLV_CONF, host.addr[0]);
		else
			snprintf(why, why_len, "no nameserver for the jail: %s names none the jail can "
				 "reach: pass --dns ADDR", HOST_RESOLV_CONF);
		snprintf(out->source, sizeof(out->source), "none found");
		err = -ENOENT;
	}
	if (resolv_conf_for_jail(&out->servers, host_text, out->resolv_conf,
				 sizeof(out->resolv_conf)))
		/* The host's search/options lines did not fit: the servers alone. */
		resolv_conf_for_jail(&out->servers, NULL, out->resolv_conf, sizeof(out->resolv_conf));
	free(host_text);
	return err;
}
