/* list.c - describe the running jails from what the kernel shows: each jail's host veth
 * carries its netjail's pid and uplink in its alias, and its address says the jail's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "hostnet.h"
#include "link.h"
#include "list.h"

#define LIST_MAX 1024

struct jail_entry {
	pid_t pid;
	int index;
	char name[IFNAMSIZ];
	char uplink[IFNAMSIZ];
	struct in_addr jail_addr;
};

struct listing {
	unsigned count;
	struct jail_entry jails[LIST_MAX];
};

static int collect_jail(const struct link_info *link, void *data)
{
	struct listing *listing = data;
	struct jail_entry *jail = &listing->jails[listing->count];

	if (listing->count == LIST_MAX || jail_alias_parse(link->alias, &jail->pid, jail->uplink))
		return 0;
	jail->index = link->index;
	snprintf(jail->name, sizeof(jail->name), "%s", link->name);
	listing->count++;
	return 0;
}

static int collect_address(const struct addr_info *addr, void *data)
{
	struct listing *listing = data;

	/* The jail's address is the one after the host end's in the /30. */
	for (unsigned i = 0; i < listing->count; i++)
		if (listing->jails[i].index == addr->index)
			listing->jails[i].jail_addr.s_addr = htonl(ntohl(addr->local.s_addr) + 1);
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
	for (ssize_t i = 0; i < len - 1; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

int list_jails(struct nl *nl)
{
	static struct listing listing;
	int err;

	/* One dump at a time per socket: links first, then addresses. */
	listing.count = 0;
	err = link_for_each(nl, collect_jail, &listing);
	if (!err)
		err = addr_for_each(nl, collect_address, &listing);
	if (err)
		return err;
	if (listing.count)
		printf("%-8s %-6s %-15s %-16s %s\n", "PID", "JAIL", "UPLINK", "ADDRESS", "COMMAND");
	for (unsigned i = 0; i < listing.count; i++) {
		const struct jail_entry *jail = &listing.jails[i];
		char command[512], address[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &jail->jail_addr, address, sizeof(address));
		read_command_line(jail->pid, command, sizeof(command));
		printf("%-8d %-6s %-15s %-16s %s\n", (int)jail->pid, jail->name, jail->uplink,
		       address, command);
	}
	return 0;
}
