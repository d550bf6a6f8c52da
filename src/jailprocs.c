/* jailprocs.c - the processes of a jail, found as the kernel links them.
 *
 * A jail's reaper (reaper.c) is a child subreaper: every process started in the jail is
 * its descendant, also one that double-forked (its orphans are handed to the reaper, not
 * to init).  So "the jail's processes" are the reaper's descendants, found from the parent
 * of each process in /proc/<pid>/stat, which any user may read: --list counts them for
 * everyone's jails, and the reaper signals them when the jail is stopped.  A process forked
 * while /proc is read may be missed; whoever must miss none reads again (reaper.c).
 * Programs joined to a jail (join.c) descend from a reaper of their own, known by its name
 * (JOINED_COMM_PREFIX and the jail's veth) and its user, the jail's: --list counts them too.
 * Only the jail's user can run a process that passes for one (and so only miscount their own).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jailprocs.h"
#include "procstat.h"

struct proc_link {
	pid_t pid, parent;
	bool zombie;
	bool in_jail;
	bool joined_reaper;	/* named as @joined_comm asks (then checked for its uid) */
};

int proc_real_uid(pid_t pid, uid_t *uid)
{
	char status[4096], *line, *end;
	unsigned long value;
	ssize_t got = proc_read(pid, "status", status, sizeof(status));

	if (got < 0)
		return (int)got;
	line = strstr(status, "\nUid:\t");
	if (!line)
		return -EPROTO;
	errno = 0;
	value = strtoul(line + 6, &end, 10);
	if (errno || end == line + 6 || *end != '\t')
		return -EPROTO;
	*uid = (uid_t)value;
	return 0;
}

/* The parent and the state of @pid, and whether its name is @joined_comm (or NULL).
 * 0 or -errno. */
static int read_link(pid_t pid, const char *joined_comm, struct proc_link *link)
{
	struct proc_stat ps;
	int err = proc_stat_read(pid, &ps);

	if (err)
		return err;
	*link = (struct proc_link){ .pid = pid, .parent = ps.ppid, .zombie = ps.state == 'Z' };
	link->joined_reaper = joined_comm && strcmp(ps.comm, joined_comm) == 0;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct proc_link *)a)->pid, y = ((const struct proc_link *)b)->pid;

	return (x > y) - (x < y);
}

static int procs_of(pid_t reaper, const char *joined_comm, uid_t owner, pid_t *pids, size_t max)
{
	struct proc_link *links = NULL;
	size_t count = 0, size = 0, found = 0;
	struct dirent *entry;
	bool grew = true;
	DIR *proc = opendir("/proc");

	if (!proc)
		return -errno;
	while ((entry = readdir(proc))) {
		char *end;
		long pid = strtol(entry->d_name, &end, 10);

		if (!isdigit((unsigned char)entry->d_name[0]) || *end || pid <= 0)
			continue;
		if (count == size) {
			struct proc_link *more = realloc(links, (size ? size * 2 : 512) * sizeof(*links));

			if (!more) {
				free(links);
				closedir(proc);
				return -ENOMEM;
			}
			links = more;
			size = size ? size * 2 : 512;
		}
		if (read_link((pid_t)pid, joined_comm, &links[count]) == 0)
			count++;
	}
	closedir(proc);
	if (!links)
		return 0;	/* no process at all: none of the reaper's */
	qsort(links, count, sizeof(*links), by_pid);
	for (size_t i = 0; i < count; i++) {
		uid_t uid = 0;

		if (links[i].joined_reaper &&
		    (proc_real_uid(links[i].pid, &uid) || uid != owner || links[i].zombie))
			links[i].joined_reaper = false;
	}
	/* Marked from the reaper down, one generation a pass: a tree is only so deep. */
	while (grew) {
		grew = false;
		for (size_t i = 0; i < count; i++) {
			struct proc_link key = { .pid = links[i].parent }, *parent;

			if (links[i].in_jail)
				continue;
			if (links[i].joined_reaper)
				continue;	/* a root, as the reaper is */
			parent = links[i].parent == reaper ? &key :
				 bsearch(&key, links, count, sizeof(*links), by_pid);
			if (parent && (parent == &key || parent->in_jail || parent->joined_reaper))
				grew = links[i].in_jail = true;
		}
	}
	for (size_t i = 0; i < count; i++) {
		if (!links[i].in_jail || links[i].zombie)
			continue;
		if (found < max)
			pids[found] = links[i].pid;
		found++;
	}
	free(links);
	return found > 0x7fffffff ? 0x7fffffff : (int)found;
}

int jail_procs_of(pid_t reaper, pid_t *pids, size_t max)
{
	return procs_of(reaper, NULL, 0, pids, max);
}

int jail_procs_with_joined(pid_t reaper, const char *host_veth, uid_t owner, pid_t *pids,
			   size_t max)
{
	char comm[32];

	snprintf(comm, sizeof(comm), JOINED_COMM_PREFIX "%s", host_veth);
	comm[15] = '\0';	/* as the kernel keeps it (TASK_COMM_LEN) */
	return procs_of(reaper, comm, owner, pids, max);
}
