/* fwlegacy.c - legacy iptables (x_tables), which nftables' dumps do not show.
 *
 * Its tables are listed in /proc/net/ip_tables_names (ip6_tables_names) once they exist in
 * this network namespace.  Only an existing filter table is asked about: asking for a table
 * that is not there would make the kernel load and create it.  The FORWARD chain's policy
 * is the target of its underflow entry (how iptables-legacy -L reads it too).  Any inet
 * socket will do for the question (the kernel asks for CAP_NET_ADMIN, not CAP_NET_RAW,
 * which netjail does not hold).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "fwdetect.h"

static bool filter_listed(const char *path)
{
	char text[512] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return false;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return false;
	text[len] = '\0';
	for (char *line = text, *end; *line; line = end + 1) {
		end = strchrnul(line, '\n');
		if (end - line == 6 && !strncmp(line, "filter", 6))
			return true;
		if (!*end)
			break;
	}
	return false;
}

/* The verdict of the standard target at @offset of @entries (@size bytes), or 0 if it is
 * not one. */
static int standard_verdict(const void *entries, size_t size, size_t offset, bool ipv6)
{
	size_t target_offset;
	const struct xt_standard_target *target;

	if (ipv6) {
		const struct ip6t_entry *e = (const void *)((const char *)entries + offset);

		if (offset + sizeof(*e) > size)
			return 0;
		target_offset = e->target_offset;
	} else {
		const struct ipt_entry *e = (const void *)((const char *)entries + offset);

		if (offset + sizeof(*e) > size)
			return 0;
		target_offset = e->target_offset;
	}
	if (offset + target_offset + sizeof(*target) > size)
		return 0;
	target = (const void *)((const char *)entries + offset + target_offset);
	if (strcmp(target->target.u.user.name, XT_STANDARD_TARGET) != 0)
		return 0;
	return target->verdict;
}

int fw_legacy_filter(bool ipv6)
{
	int level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP, result = 3, fd, verdict;
	struct ipt_getinfo info = { .name = "filter" };	/* ip6t_getinfo is the same */
	struct ipt_get_entries *entries;
	socklen_t len = sizeof(info);
	size_t size;

	if (!filter_listed(ipv6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names"))
		return 0;
	fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 3;
	/* IP6T_SO_GET_INFO and _GET_ENTRIES are the same numbers as IPT_'s: the level
	 * (IPPROTO_IPV6 or IPPROTO_IP) tells the two apart. */
	if (getsockopt(fd, level, IPT_SO_GET_INFO, &info, &len) ||
	    info.size > 64u << 20) {
		close(fd);
		return 3;
	}
	if (!(info.valid_hooks & (1u << NF_INET_FORWARD))) {
		close(fd);
		return 1;
	}
	size = sizeof(*entries) + info.size;
	entries = calloc(1, size);
	if (entries) {
		strcpy(entries->name, "filter");
		entries->size = info.size;
		len = (socklen_t)size;
		if (getsockopt(fd, level, IPT_SO_GET_ENTRIES, entries,
			       &len) == 0) {
			verdict = standard_verdict(entries->entrytable, entries->size,
						   info.underflow[NF_INET_FORWARD], ipv6);
			result = verdict == -NF_DROP - 1 ? 2 : verdict ? 1 : 3;
		}
		free(entries);
	}
	close(fd);
	return result;
}
