/* running.c - find a running instance of the program outside any jail.
 *
 * Steam, Firefox and most desktop programs are single-instance: a second launch hands its
 * work (a URL, a game) to the instance already running, through D-Bus or a socket of its
 * own, and exits.  If that instance runs outside a jail, the work is done there, by the
 * host's default route, and the jail is silently defeated.  netjail cannot stop that, but
 * it can say so.
 *
 * "Outside a jail" means in netjail's own network namespace.  netjail's ancestors (the
 * shell or launcher that ran it) do not count.  A process's name is its comm (the kernel
 * keeps 15 bytes of it) or the last component of its argv[0]; the command's names are the
 * one it was given and, through PATH and symlinks, that of the file it runs ("firefox"
 * may be /usr/lib/firefox-esr/firefox-esr).
 */
#include <ctype.h>
#include <limits.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "running.h"

#define COMM_MAX 15	/* TASK_COMM_LEN - 1 */
#define MAX_ANCESTORS 64

static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Read /proc/@pid/@name into @buf (NUL-terminated); bytes read, or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, buf, size - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	return got;
}

static pid_t parent_of(pid_t pid)
{
	char stat[512], *close_paren;
	long ppid;

	/* "PID (COMM) STATE PPID ...": COMM may hold anything, so go past the last ')'. */
	if (read_proc(pid, "stat", stat, sizeof(stat)) < 0 || !(close_paren = strrchr(stat, ')')))
		return 0;
	ppid = strtol(close_paren + 3 + 1, NULL, 10);
	return ppid > 0 ? (pid_t)ppid : 0;
}

static bool named(pid_t pid, const char *name)
{
	char comm[64], cmdline[4096];
	size_t len = strlen(name);

	if (read_proc(pid, "comm", comm, sizeof(comm)) > 0) {
		comm[strcspn(comm, "\n")] = '\0';
		if (!strncmp(comm, name, COMM_MAX) && (len <= COMM_MAX ? comm[len] == '\0' : true))
			return true;
	}
	/* argv[0] ends at the first NUL; a longer cmdline is cut, which is fine for argv[0]. */
	return read_proc(pid, "cmdline", cmdline, sizeof(cmdline)) > 0 &&
	       !strcmp(last_component(cmdline), name);
}

/* Copy the last component of @path into @out, or nothing if it does not fit. */
static void copy_last_component(const char *path, char *out, size_t size)
{
	const char *last = last_component(path);

	if (strlen(last) < size)
		memcpy(out, last, strlen(last) + 1);
}

/* The last component of the file @command runs, after PATH and symlinks, into @out. */
static void resolved_name(const char *command, char *out, size_t size)
{
	char candidate[PATH_MAX], real[PATH_MAX];
	const char *path = getenv("PATH");

	out[0] = '\0';
	if (strchr(command, '/')) {
		if (realpath(command, real))
			copy_last_component(real, out, size);
		return;
	}
	for (const char *dir = path; dir && *dir;) {
		size_t len = strcspn(dir, ":");

		if (len && (size_t)snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, dir,
					    command) < sizeof(candidate) &&
		    !access(candidate, X_OK) && realpath(candidate, real)) {
			copy_last_component(real, out, size);
			return;
		}
		dir += len + (dir[len] == ':');
	}
}

static bool same_netns(pid_t pid, const struct stat *ours)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return !stat(path, &st) && st.st_ino == ours->st_ino && st.st_dev == ours->st_dev;
}

static bool owned_by(pid_t pid, uid_t uid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return !stat(path, &st) && st.st_uid == uid;
}

pid_t running_outside_jail(const char *command, uid_t uid)
{
	const char *name = last_component(command);
	char file_name[NAME_MAX + 1];
	pid_t ancestors[MAX_ANCESTORS], found = 0;
	size_t ancestor_count = 0;
	struct stat our_netns;
	struct dirent *entry;
	DIR *proc;

	if (!name[0] || stat("/proc/self/ns/net", &our_netns))
		return 0;
	resolved_name(command, file_name, sizeof(file_name));
	for (pid_t pid = getpid(); pid > 0 && ancestor_count < MAX_ANCESTORS; pid = parent_of(pid))
		ancestors[ancestor_count++] = pid;
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!found && (entry = readdir(proc))) {
		pid_t pid = (pid_t)strtol(entry->d_name, NULL, 10);
		bool ancestor = false;

		if (!isdigit((unsigned char)entry->d_name[0]) || pid <= 0)
			continue;
		for (size_t i = 0; i < ancestor_count; i++)
			ancestor |= ancestors[i] == pid;
		if (!ancestor && (named(pid, name) || (file_name[0] && named(pid, file_name))) &&
		    owned_by(pid, uid) && same_netns(pid, &our_netns))
			found = pid;
	}
	closedir(proc);
	return found;
}
