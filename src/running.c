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
 * keeps 15 bytes of it) or the last component of its argv[0].  What the command is, is
 * found from the name it was given; through PATH and symlinks, that of the file it runs
 * ("firefox" may be /usr/lib/firefox-esr/firefox-esr); if that file is a script, those of
 * the programs its exec commands run, a few levels deep.  Only a single-instance program
 * is looked for at all (progname.c says which), by every name it runs under: a shell, an
 * interpreter or sleep running outside has nothing to do with this one.
 *
 * Everything is read with the caller's rights and no effective capability
 * (priv_as_caller_begin): the /proc of their own processes, and the launcher script, which
 * is opened without following a final symlink, only if it is a regular file, and only its
 * first SCRIPT_HEAD_MAX bytes.
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

#include "priv.h"
#include "procstat.h"
#include "progname.h"
#include "running.h"

#define COMM_MAX 15	/* TASK_COMM_LEN - 1 */
#define MAX_ANCESTORS 64
#define SCRIPT_HEAD_MAX 16384	/* a launcher script's exec line is in its first lines */
#define SCRIPT_DEPTH 3		/* a wrapper of a wrapper of a wrapper */

static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static pid_t parent_of(pid_t pid)
{
	struct proc_stat ps;

	return proc_stat_read(pid, &ps) == 0 && ps.ppid > 0 ? ps.ppid : 0;
}

/* Is @pid's comm or argv[0] one of @names? */
static bool named(pid_t pid, const struct prog_names *names)
{
	char comm[64], cmdline[4096];
	bool has_comm = proc_read(pid, "comm", comm, sizeof(comm)) > 0;
	bool has_cmdline = proc_read(pid, "cmdline", cmdline, sizeof(cmdline)) > 0;

	comm[has_comm ? strcspn(comm, "\n") : 0] = '\0';
	for (size_t i = 0; i < names->count; i++) {
		const char *name = names->name[i];
		size_t len = strlen(name);

		if (has_comm && !strncmp(comm, name, COMM_MAX) &&
		    (len <= COMM_MAX ? comm[len] == '\0' : true))
			return true;
		/* argv[0] ends at the first NUL; a longer cmdline is cut, which is fine here. */
		if (has_cmdline && !strcmp(last_component(cmdline), name))
			return true;
	}
	return false;
}

/* The file @command runs, after PATH (as execvp looks it up) and symlinks, into @real. */
static bool resolve_command(const char *command, char *real)
{
	char candidate[PATH_MAX];
	const char *path = getenv("PATH");

	if (strchr(command, '/'))
		return realpath(command, real) != NULL;
	for (const char *dir = path; dir && *dir;) {
		size_t len = strcspn(dir, ":");

		if (len && (size_t)snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, dir,
					    command) < sizeof(candidate) &&
		    !access(candidate, X_OK) && realpath(candidate, real))
			return true;
		dir += len + (dir[len] == ':');
	}
	return false;
}

/* The first bytes of @path if it is a regular file that starts with "#!", in @buf; false
 * otherwise.  @path comes from realpath: a symlink put there since is not followed, and
 * O_NONBLOCK keeps a FIFO from hanging netjail. */
static bool read_script_head(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	struct stat st;
	ssize_t got = -1;

	if (fd < 0)
		return false;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode))
		got = read(fd, buf, size - 1);
	close(fd);
	if (got < 2)
		return false;
	buf[got] = '\0';
	return buf[0] == '#' && buf[1] == '!';
}

/* Add the names of the file @real and, if it is a script, of the programs it runs. */
static void add_file_names(const char *real, struct prog_names *names, int depth)
{
	static char head[SCRIPT_HEAD_MAX];
	char targets[2][PATH_MAX], target_real[PATH_MAX];
	size_t count;

	prog_names_add(names, real);
	if (depth >= SCRIPT_DEPTH || !read_script_head(real, head, sizeof(head)))
		return;
	count = prog_names_from_script(head, names, targets, 2);
	for (size_t i = 0; i < count; i++)
		if (realpath(targets[i], target_real))
			add_file_names(target_real, names, depth + 1);
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

static pid_t scan(const char *command, uid_t uid)
{
	char real[PATH_MAX];
	struct prog_names names = { .count = 0 };
	pid_t ancestors[MAX_ANCESTORS], found = 0;
	size_t ancestor_count = 0;
	struct stat our_netns;
	struct dirent *entry;
	DIR *proc;

	prog_names_add(&names, command);
	if (!names.count || stat("/proc/self/ns/net", &our_netns))
		return 0;
	if (resolve_command(command, real))
		add_file_names(real, &names, 0);
	if (!prog_names_single_instance(&names))
		return 0;
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
		if (!ancestor && owned_by(pid, uid) && named(pid, &names) &&
		    same_netns(pid, &our_netns))
			found = pid;
	}
	closedir(proc);
	return found;
}

pid_t running_outside_jail(const char *command, uid_t uid)
{
	struct priv_caller caller;
	pid_t found;

	if (priv_as_caller_begin(&caller))
		return 0;	/* nothing read, nothing said */
	found = scan(command, uid);
	priv_as_caller_end(&caller);
	return found;
}
