/* list.c - describe the running jails from what the kernel shows: each jail's host veth
 * carries its netjail's pid and uplink in its alias, and its name gives the slot, from which
 * the pool derives the jail's address.
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
#include "pool.h"

#define LIST_MAX 1024

struct jail_entry {
	pid_t pid;
	char uplink[IFNAMSIZ];
	struct jail_net net;
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
	/* Arguments are the jail owner's text, shown to another user: no escape sequences. */
	for (ssize_t i = 0; i < len - 1; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
		else if (buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
}

int list_jails(struct nl *nl, const struct pool_config *cfg)
{
	static struct listing listing;
	int err;

	listing.cfg = cfg;
	/* Collect first: reading /proc inside the dump callback would stall the dump. */
	listing.count = 0;
	err = link_for_each(nl, collect_jail, &listing);
	if (err)
		return err;
	if (listing.count)
		printf("%-8s %-6s %-15s %-16s %s\n", "PID", "JAIL", "UPLINK", "ADDRESS", "COMMAND");
	for (unsigned i = 0; i < listing.count; i++) {
		const struct jail_entry *jail = &listing.jails[i];
		char command[512], address[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &jail->net.jail_addr, address, sizeof(address));
		read_command_line(jail->pid, command, sizeof(command));
		printf("%-8d %-6s %-15s %-16s %s\n", (int)jail->pid, jail->net.host_veth,
		       jail->uplink, address, command);
	}
	return 0;
}
