/* ipv6global.c - IPv6 forwarding for jails by the global switch, on kernels that have no
 * other ([network] ipv6_forwarding = all in netjail.conf(5); the default, "interface",
 * uses force_forwarding where it exists, Linux 6.17, and gives jails no IPv6 elsewhere).
 *
 * Before 6.17 the kernel forwards IPv6 only if net.ipv6.conf.all.forwarding is 1
 * (ip6_forward).  Writing it does more than that (addrconf_fixup_forwarding):
 *   - every interface's own forwarding value, and default's (which new interfaces copy),
 *     becomes the value written.  With 1, an interface whose accept_ra is 1 ignores router
 *     advertisements (ipv6_accept_ra: only accept_ra 2 counts on a forwarding interface),
 *     and the host would lose its default route and SLAAC addresses when they expire;
 *     with 0, an interface the admin had set to forwarding 1 on its own loses it; and since
 *     6.17, 0 also clears every interface's force_forwarding (running jails' supervisors
 *     put theirs back, hostnet.c keep_forwarding);
 *   - the host routes IPv6 between all its links.
 * So, when netjail turns the switch on (it never touches it if it was on already: the
 * admin's router stays the admin's):
 *   1. record the host's values (state file "ipv6-all", under the state lock, before any
 *      change; kept if there already: the older truth): all.forwarding, and each
 *      interface's (and default's) forwarding and accept_ra where they are 1;
 *   2. the guard (guard.c, guard_ipv6_all): a forward rule in the unowned table
 *      netjail_guard that drops IPv6 that neither comes from a jail's link nor belongs to
 *      a jail's connection; it outlives a SIGKILLed netjail, as long as the record does;
 *   3. accept_ra 2 where it is 1, on every interface and on default (so interfaces that
 *      appear later accept RAs too); then the switch; then again accept_ra 2 where an
 *      interface appeared in between.
 * The last netjail using it (a shared flock, as for an uplink, uplinkstate.c), or the next
 * run or --cleanup after a SIGKILL, puts back what is still netjail's: the switch to 0 if it
 * is still 1, then the forwarding 1 of the interfaces (same name and index) and default
 * that had it, which that write cleared, and accept_ra 1 where it is still 2.  A value
 * another program changed meanwhile is left as that program set it.  Interfaces that
 * appeared while it was on keep accept_ra 2, which with forwarding off means what 1 does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "hostnet.h"
#include "ipv6conf.h"
#include "ipv6global.h"
#include "pool.h"
#include "statefile.h"
#include "util.h"

#define RECORD_NAME "ipv6-all"
/* state_join_uplink's file "users-ipv6:all": no interface name has a ':'. */
#define USERS_NAME "ipv6:all"
#define LINKS_MAX 512
#define RECORD_MAX (LINKS_MAX * 40 + 16)

struct link_values {
	char name[IFNAMSIZ];
	int index;			/* 0 for "default" */
	uint32_t forwarding, accept_ra;
};

struct record {
	uint32_t forwarding;		/* all.forwarding */
	unsigned count;
	struct link_values links[LINKS_MAX];
};

/* A jail's own link comes and goes with its jail: nothing of it to record. */
static bool is_jail_link(const char *name)
{
	size_t len = strlen(JAIL_VETH_PREFIX);

	return strncmp(name, JAIL_VETH_PREFIX, len) == 0 && name[len] >= '0' && name[len] <= '9';
}

static int index_of(const char *name)
{
	return strcmp(name, "default") == 0 ? 0 : (int)if_nametoindex(name);
}

/* Call @visit for "default" and every interface with IPv6 settings (not "all"). */
static int for_each_conf(int (*visit)(const char *name, void *data), void *data)
{
	DIR *dir = opendir("/proc/sys/net/ipv6/conf");
	struct dirent *entry;
	int err = 0;

	if (!dir)
		return -errno;
	while (!err && (entry = readdir(dir)))
		if (entry->d_name[0] != '.' && strcmp(entry->d_name, "all") != 0 &&
		    ifname_is_valid(entry->d_name) && !is_jail_link(entry->d_name))
			err = visit(entry->d_name, data);
	closedir(dir);
	return err;
}

static int note_link(const char *name, void *data)
{
	struct record *r = data;
	struct link_values v = { .index = index_of(name) };

	/* Gone meanwhile: nothing to record. */
	if (ipv6_conf_get(name, "forwarding", &v.forwarding) ||
	    ipv6_conf_get(name, "accept_ra", &v.accept_ra) ||
	    (v.index == 0 && strcmp(name, "default") != 0))
		return 0;
	/* Only a 1 is ever put back: each is recorded as 1 or 0 (anything else). */
	v.forwarding = v.forwarding == 1;
	v.accept_ra = v.accept_ra == 1;
	if (!v.forwarding && !v.accept_ra)
		return 0;
	if (r->count == LINKS_MAX)
		return -E2BIG;
	snprintf(v.name, sizeof(v.name), "%s", name);
	r->links[r->count++] = v;
	return 0;
}

static int snapshot(struct record *r)
{
	int err = ipv6_conf_get("all", "forwarding", &r->forwarding);

	r->count = 0;
	return err ? err : r->forwarding > 1 ? -ERANGE : for_each_conf(note_link, r);
}

static int keep_accepting_ras(const char *name, void *data)
{
	uint32_t accept_ra;

	(void)data;
	if (ipv6_conf_get(name, "accept_ra", &accept_ra) == 0 && accept_ra == 1)
		ipv6_conf_set(name, "accept_ra", 2);	/* gone meanwhile: nothing to keep */
	return 0;
}

/* Whole or not at all, and a record already kept stays (not replaced): as an uplink's
 * (uplinkstate.c). */
static int remember(struct state *st, const struct record *r)
{
	static char text[RECORD_MAX];
	int len;

	len = snprintf(text, sizeof(text), "%u\n", r->forwarding);
	for (unsigned i = 0; i < r->count; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%s %d %u %u\n",
				r->links[i].name, r->links[i].index, r->links[i].forwarding,
				r->links[i].accept_ra);
	return state_write_whole(st, RECORD_NAME, text, (size_t)len, false);
}

/* "FORWARDING\n" then "NAME INDEX FORWARDING ACCEPT_RA\n" per line, nothing else. */
static int parse_link(char *line, struct link_values *v)
{
	char *fields[4], *cursor = line;
	uint32_t index;

	for (int i = 0; i < 4; i++) {
		fields[i] = cursor;
		cursor += strcspn(cursor, " ");
		if ((i < 3 && *cursor != ' ') || (i == 3 && *cursor != '\0'))
			return -EINVAL;
		*cursor++ = '\0';
	}
	if (!ifname_is_valid(fields[0]) || parse_u32(fields[1], 0, 0x7fffffff, &index) ||
	    parse_u32(fields[2], 0, 1, &v->forwarding) || parse_u32(fields[3], 0, 1, &v->accept_ra))
		return -EINVAL;
	snprintf(v->name, sizeof(v->name), "%s", fields[0]);
	v->index = (int)index;
	return 0;
}

static int recall(struct state *st, struct record *r)
{
	static char text[RECORD_MAX + 1];
	char *line, *end;
	ssize_t len;
	int fd = root_openat(st->dir_fd, RECORD_NAME, O_RDONLY);

	if (fd < 0)
		return -errno;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0 || len == (ssize_t)sizeof(text) - 1 || text[len - 1] != '\n' ||
	    memchr(text, '\0', (size_t)len))
		return -EINVAL;
	text[len] = '\0';
	r->count = 0;
	line = text;
	end = strchr(line, '\n');
	*end = '\0';
	if (parse_u32(line, 0, 1, &r->forwarding))
		return -EINVAL;
	for (line = end + 1; *line; line = end + 1) {
		end = strchr(line, '\n');
		*end = '\0';
		if (r->count == LINKS_MAX || parse_link(line, &r->links[r->count++]))
			return -EINVAL;
	}
	return 0;
}

int ipv6_all_prepare(struct state *st, struct nl *nft, uint32_t mark_mask)
{
	static struct record now, record;
	uint32_t forwarding;
	int err = snapshot(&now), fd;

	if (!err)
		err = remember(st, &now);
	if (!err)
		err = recall(st, &record);
	if (err == -EINVAL) {
		/* Unreadable (not written by this netjail): start again from what is there. */
		root_unlinkat(st->dir_fd, RECORD_NAME);
		err = remember(st, &now);
		if (!err)
			err = recall(st, &record);
	}
	if (err)
		return err;
	fd = state_join_uplink(st, USERS_NAME);
	if (fd < 0 || record.forwarding)
		return fd;	/* on before netjail came: the admin's, not netjail's to guard */
	/* The guard before the switch, RAs kept before the switch would lose them. */
	err = guard_ipv6_all(nft, mark_mask);
	if (!err)
		err = for_each_conf(keep_accepting_ras, NULL);
	if (!err && (err = ipv6_conf_get("all", "forwarding", &forwarding)) == 0 && !forwarding)
		err = ipv6_conf_set("all", "forwarding", 1);
	/* Interfaces that appeared in between took default's accept_ra before it was 2. */
	if (!err)
		err = for_each_conf(keep_accepting_ras, NULL);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int ipv6_all_join(struct jail_host *jh, struct state *st, uint32_t mark_mask)
{
	int err = jh->nft.sock ? 0 : nl_open(&jh->nft, NETLINK_NETFILTER);
	int fd = err ? err : ipv6_all_prepare(st, &jh->nft, mark_mask);

	if (fd < 0)
		return fd;
	jh->ipv6_all_fd = fd;
	jh->joined_ipv6_all = true;
	return 0;
}

/* Put back @v, if its interface is still the one recorded: accept_ra 1 where it is still
 * netjail's 2 and, if netjail's write of all.forwarding=0 cleared it (@cleared),
 * forwarding 1. */
static void restore_link(const struct link_values *v, bool cleared)
{
	uint32_t now;

	if (index_of(v->name) != v->index)
		return;
	if (cleared && v->forwarding == 1 && ipv6_conf_get(v->name, "forwarding", &now) == 0 && now == 0)
		ipv6_conf_set(v->name, "forwarding", 1);
	if (v->accept_ra == 1 && ipv6_conf_get(v->name, "accept_ra", &now) == 0 && now == 2)
		ipv6_conf_set(v->name, "accept_ra", 1);
}

int ipv6_all_release_if_unused(struct nl *nft, struct state *st, int own_fd)
{
	static struct record record;
	uint32_t forwarding;
	int err = state_uplink_in_use(st, USERS_NAME, own_fd);

	if (err)
		return err < 0 ? err : 0;
	err = recall(st, &record);
	if (err == -ENOENT)
		return 0;
	if (err == -EINVAL)
		record.forwarding = 1;	/* unreadable: change nothing but the guard, drop it */
	else if (err)
		return err;
	if (!record.forwarding) {
		/* Still netjail's 1: back to 0 (and, with it, every interface's forwarding). */
		bool cleared = ipv6_conf_get("all", "forwarding", &forwarding) == 0 && forwarding == 1;

		if (cleared && (err = ipv6_conf_set("all", "forwarding", 0)))
			return err;
		for (unsigned i = 0; i < record.count; i++)
			restore_link(&record.links[i], cleared);
	}
	/* Only now that forwarding is back as it was.  (The socket only now: most runs find
	 * no record, and need none.) */
	err = nft->sock ? 0 : nl_open(nft, NETLINK_NETFILTER);
	if (!err)
		err = unguard_ipv6_all(nft);
	if (err)
		return err;
	root_unlinkat(st->dir_fd, RECORD_NAME);
	return 1;
}
