/* linkdns.c - the nameservers an interface got from its own network.
 *
 * /etc/resolv.conf is one list for the whole host, and whoever wrote last decides what is in
 * it: with `wg-quick` and `DNS=`, only the tunnel's resolver (resolvconf -x, exclusive).
 * But the tools that merge it keep what each interface brought, one record per interface:
 * that is where the servers of an uplink's own network are found (dnsroute.c), and where a
 * VPN's own servers are recognised.  Every source is optional and world-readable state of
 * a system tool, at a fixed path; what cannot be read or parsed is no answer.
 *
 * NetworkManager has no documented per-device file: what it learns for a device it hands to
 * systemd-resolved (source 2) or to resolvconf (source 1), or only merges into its own
 * list (dnsfind.c reads that one behind its stub).
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkdns.h"
#include "textfile.h"

#define STATE_FILE_MAX (64u << 10)
#define RECORDS_MAX 16

/* What is looked for, and where the answer goes. */
struct search {
	link_dns_usable_fn usable;
	void *data;
	struct nameservers *out;
	char *source;
	size_t source_size;
};

/* Add to the answer the servers of @found that are usable; if that makes the first, say
 * where they came from (@what, @path).  true if the answer has any. */
static bool take(struct search *s, const struct nameservers *found, const char *what,
		 const char *path)
{
	size_t before = s->out->count;

	for (size_t i = 0; i < found->count && s->out->count < NAMESERVERS_MAX; i++)
		if (!s->usable || s->usable(found->addr[i], s->data))
			memcpy(s->out->addr[s->out->count++], found->addr[i], sizeof(found->addr[i]));
	if (!before && s->out->count)
		snprintf(s->source, s->source_size, "%s %s", what, path);
	return s->out->count > 0;
}

/* true if record @record of a resolvconf directory is interface @name's: NAME itself,
 * NAME.PROG or NAME:PROG (a DHCP client's, ifupdown's "inet"), or PREFIX.NAME (wg-quick's
 * "tun.wg0", with Debian's interface-order).  Not NAME.X.PROG where NAME.X is another
 * interface (a VLAN, "eth0.100"). */
static bool record_is_links(const char *record, const char *name)
{
	size_t len = strlen(name), vlan_len;
	const char *dot;
	char vlan[IF_NAMESIZE];

	if (strncmp(record, name, len) != 0) {
		dot = strchr(record, '.');
		return dot && !strcmp(dot + 1, name);
	}
	if (!record[len] || record[len] == ':')
		return true;
	if (record[len] != '.')
		return false;
	vlan_len = len + 1 + strcspn(record + len + 1, ".");
	if (!record[vlan_len] || vlan_len >= sizeof(vlan))
		return true;
	memcpy(vlan, record, vlan_len);
	vlan[vlan_len] = '\0';
	return !if_nametoindex(vlan);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Source 1: @name's records in resolvconf directory @dir, in the order of their names. */
static bool from_resolvconf(struct search *s, const char *what, const char *dir,
			    const char *name)
{
	char *records[RECORDS_MAX], path[512];
	size_t count = 0;
	struct dirent *entry;
	DIR *listing = opendir(dir);

	if (!listing)
		return false;
	while ((entry = readdir(listing)) && count < RECORDS_MAX)
		if (entry->d_name[0] != '.' && record_is_links(entry->d_name, name) &&
		    (records[count] = strdup(entry->d_name)))
			count++;
	closedir(listing);
	qsort(records, count, sizeof(records[0]), by_name);
	for (size_t i = 0; i < count; i++) {
		struct nameservers found = { .count = 0 };
		char *text;

		snprintf(path, sizeof(path), "%s/%s", dir, records[i]);
		text = text_file_read(path, STATE_FILE_MAX, NULL);
		if (text)
			nameservers_from_resolv_conf(text, &found);
		free(text);
		take(s, &found, what, path);
		free(records[i]);
	}
	return s->out->count > 0;
}

/* Source 2: line @key of a systemd per-link state file. */
static bool from_link_state(struct search *s, const char *what, const char *path,
			    const char *key)
{
	struct nameservers found = { .count = 0 };
	char *text = text_file_read(path, STATE_FILE_MAX, NULL), value[1024];

	if (text && state_file_value(text, key, value, sizeof(value)))
		nameservers_from_words(value, &found);
	free(text);
	return take(s, &found, what, path);
}

/* Source 3: dhcpcd's lease @path, the DHCP message itself. */
static bool from_dhcpcd(struct search *s, const char *path)
{
	struct nameservers found = { .count = 0 };
	size_t len = 0;
	char *msg = text_file_read(path, STATE_FILE_MAX, &len);

	if (msg)
		nameservers_from_dhcp_message((const unsigned char *)msg, len, &found);
	free(msg);
	return take(s, &found, "dhcpcd's lease", path);
}

/* Source 3: dhclient's leases file @path. */
static bool from_lease(struct search *s, const char *path, const char *name)
{
	struct nameservers found = { .count = 0 };
	char *text = text_file_read(path, STATE_FILE_MAX, NULL);

	if (text)
		nameservers_from_dhclient_leases(text, name, &found);
	free(text);
	return take(s, &found, "dhclient's lease", path);
}

int link_dns_servers(int index, const char *name, link_dns_usable_fn usable, void *data,
		     struct nameservers *out, char *source, size_t source_size)
{
	struct search s = { usable, data, out, source, source_size };
	char resolved[64], networkd[64], lease[64], dhcpcd[64];

	out->count = 0;
	source[0] = '\0';
	if (strlen(name) >= IF_NAMESIZE || strchr(name, '/'))
		return -ENOENT;
	snprintf(resolved, sizeof(resolved), "/run/systemd/resolve/netif/%d", index);
	snprintf(networkd, sizeof(networkd), "/run/systemd/netif/links/%d", index);
	snprintf(lease, sizeof(lease), "/var/lib/dhcp/dhclient.%s.leases", name);
	snprintf(dhcpcd, sizeof(dhcpcd), "/var/lib/dhcpcd/%s.lease", name);
	if (from_resolvconf(&s, "resolvconf's record", "/run/resolvconf/interface", name) ||
	    from_resolvconf(&s, "openresolv's record", "/run/resolvconf/interfaces", name) ||
	    from_link_state(&s, "systemd-resolved's per-link state", resolved, "SERVERS") ||
	    from_link_state(&s, "systemd-networkd's per-link state", networkd, "DNS") ||
	    from_lease(&s, lease, name) ||
	    from_lease(&s, "/var/lib/dhcp/dhclient.leases", name) ||
	    from_dhcpcd(&s, dhcpcd))
		return 0;
	return -ENOENT;
}
