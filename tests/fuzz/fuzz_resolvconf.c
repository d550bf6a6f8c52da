/* libFuzzer harness for resolvconf.c: the input plays the host's resolv.conf,
 * nsswitch.conf, a systemd state file, dhclient's leases and dhcpcd's (a DHCP message) at once.
 *
 * Whatever they say, every server found must be an address in canonical form, at most
 * NAMESERVERS_MAX, those kept must be reachable from a jail, and the jail's nsswitch.conf
 * must have exactly one hosts line, which names neither resolve nor anything but files,
 * myhostname and dns; the jail's resolv.conf never says "options ... trust-ad".
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "resolvconf.h"

static void check_servers(const struct nameservers *ns, bool reachable_only)
{
	unsigned char scratch[sizeof(struct in6_addr)];

	if (ns->count > NAMESERVERS_MAX)
		abort();
	for (size_t i = 0; i < ns->count; i++) {
		const char *a = ns->addr[i];

		if (inet_pton(strchr(a, ':') ? AF_INET6 : AF_INET, a, scratch) != 1)
			abort();
		if (reachable_only && nameserver_is_host_local(a))
			abort();
	}
}

static void check_nsswitch(const char *out)
{
	size_t hosts = 0;

	for (const char *line = out; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, "hosts:", 6) != 0)
			continue;
		hosts++;
		if (strncmp(line, "hosts: files dns\n", 17) != 0 &&
		    strncmp(line, "hosts: files myhostname dns\n", 28) != 0)
			abort();
	}
	if (hosts != 1)
		abort();
}

/* No "options" line of the jail's resolv.conf says trust-ad: its servers are reached by
 * the uplink, not by a path the AD bit could be trusted on. */
static void check_no_trust_ad(const char *out)
{
	for (const char *line = out; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *end = strchr(line, '\n'), *word;

		if (strncmp(line, "options", 7) != 0)
			continue;
		for (word = strstr(line, "trust-ad"); word && (!end || word < end);
		     word = strstr(word + 1, "trust-ad"))
			if ((word[-1] == ' ' || word[-1] == '\t') &&
			    (word[8] == ' ' || word[8] == '\t' || word[8] == '\n' || !word[8]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[8192];
	struct nameservers ns = { .count = 0 };
	char value[256];
	char *text;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	nameservers_from_resolv_conf(text, &ns);
	check_servers(&ns, false);
	nameservers_from_words(text, &ns);
	check_servers(&ns, false);
	nameservers_from_dhclient_leases(text, "wan0", &ns);
	check_servers(&ns, false);
	nameservers_from_dhcp_message(data, size, &ns);
	check_servers(&ns, false);
	if (state_file_value(text, "SERVERS", value, sizeof(value)) && strlen(value) >= sizeof(value))
		abort();
	nameservers_keep_reachable(&ns, size & 1);
	check_servers(&ns, true);
	if (resolv_conf_for_jail(&ns, text, out, sizeof(out)) == 0 && strlen(out) >= sizeof(out))
		abort();
	check_no_trust_ad(out);
	if (nsswitch_conf_for_jail(text, out, sizeof(out)) == 0)
		check_nsswitch(out);
	free(text);
	return 0;
}
