/* list.c - describe the running jails from what the kernel shows: each jail's host veth
 * carries its netjail's pid and uplink in its alias, and its name gives the slot, from which
 * the pool derives the jail's address; the traffic figures are the counters of the jail's
 * nftables table.  Three steps, so that main can drop privileges between the counters
 * (which need CAP_NET_ADMIN) and /proc (which must be read as the caller).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hostnet.h"
#include "link.h"
#include "list.h"
#include "nft.h"
#include "pool.h"

#define LIST_MAX 1024

struct jail_entry {
	pid_t pid;
	char uplink[IFNAMSIZ];
	struct jail_net net;
	bool has_counters;
	struct nft_counters counters;
};

struct listing {
	const struct pool_config *cfg;
	unsigned count;
	struct jail_entry jails[LIST_MAX];
};

static int collect_jail(const struct link_info *link, void *data)
{
	struct listing *listing = data;
	struct jail_entry *jail = &listing->jails[listing->count];
	unsigned slot = pool_slot_of_veth(listing->cfg, link->name);

	if (listing->count == LIST_MAX || !slot ||
	    jail_alias_parse(link->alias, &jail->pid, jail->uplink))
		return 0;
	pool_slot(listing->cfg, slot, &jail->net);
	listing->count++;
	return 0;
}

/* netjail's own command line, arguments separated by spaces, for the COMMAND column. */
static void read_command_line(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	len = fd < 0 ? -1 : read(fd, buf, size - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0) {
		snprintf(buf, size, "?");
		return;
	}
	buf[len] = '\0';
	/* Arguments are the jail owner's text, shown to another user: no escape sequences,
	 * C1 controls included (char may be unsigned), as printable() does. */
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	buf[len] = '\0';
	for (ssize_t i = 0; i < len; i++) {
		unsigned char byte = (unsigned char)buf[i];

		if (byte == '\0')
			buf[i] = ' ';
		else if (byte < 0x20 || byte >= 0x7f)
			buf[i] = '?';
	}
}

int list_collect(struct nl *nl, const struct pool_config *cfg, struct listing **out)
{
	static struct listing listing;
	int err;

	/* Collect first: reading /proc inside the dump callback would stall the dump. */
	memset(&listing, 0, sizeof(listing));
	listing.cfg = cfg;
	err = link_for_each(nl, collect_jail, &listing);
	*out = &listing;
	return err;
}

void list_read_counters(struct nl *nft, struct listing *listing)
{
	for (unsigned i = 0; i < listing->count; i++) {
		struct jail_entry *jail = &listing->jails[i];
		char table[32];

		snprintf(table, sizeof(table), "netjail%u", jail->net.slot);
		jail->has_counters = nft_read_counters(nft, table, &jail->counters) == 0;
	}
}

static void print_count(uint64_t value, bool known)
{
	if (known)
		printf(" %10llu", (unsigned long long)value);
	else
		printf(" %10s", "-");
}

void list_print(const struct listing *listing, bool json)
{
	(void)json;
	if (listing->count)
		printf("%-8s %-6s %-15s %-16s %10s %10s %10s %s\n", "PID", "JAIL", "UPLINK",
		       "ADDRESS", "OUT-PKTS", "OUT-BYTES", "DROPPED", "COMMAND");
	for (unsigned i = 0; i < listing->count; i++) {
		const struct jail_entry *jail = &listing->jails[i];
		char command[512], address[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &jail->net.jail_addr, address, sizeof(address));
		read_command_line(jail->pid, command, sizeof(command));
		printf("%-8d %-6s %-15s %-16s", (int)jail->pid, jail->net.host_veth, jail->uplink,
		       address);
		print_count(jail->counters.egress_packets, jail->has_counters);
		print_count(jail->counters.egress_bytes, jail->has_counters);
		print_count(jail->counters.fail_closed_packets, jail->has_counters);
		printf(" %s\n", command);
	}
}
