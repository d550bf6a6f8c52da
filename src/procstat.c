/* procstat.c - what /proc/PID says of a process: a small file of it read, its stat parsed.
 *
 * Any user may read any process's stat, and what it holds is partly the process's own
 * choice: COMM, which a program sets to anything of 15 bytes (prctl PR_SET_NAME), spaces
 * and ')' included, so that a naive parser would read its fields from inside the name.
 * The kernel writes COMM between "(" and ")" without escaping it and nothing after it holds
 * a ')', so COMM ends at the last ')' of the line; every field after it is counted from
 * there.  netjail acts on these fields (a jail's processes are its reaper's descendants,
 * --join trusts a reaper by its start time), so they are parsed strictly: whole decimal
 * numbers, each followed by its space, or the line is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procstat.h"

/* Room for the line up to field 23 with every number at its longest (20 digits); the
 * fields after it are cut, which is fine. */
#define STAT_READ_MAX 1024

/* The decimal number at @text, no sign, no space, at most @max, followed by a space.  The
 * end of the number (at that space), or NULL. */
static const char *number_field(const char *text, unsigned long long max,
				unsigned long long *value)
{
	unsigned long long n = 0;
	const char *p = text;

	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (n > (max - digit) / 10)
			return NULL;
		n = n * 10 + digit;
	}
	if (p == text || *p != ' ')
		return NULL;
	*value = n;
	return p;
}

int proc_stat_parse(const char *text, struct proc_stat *ps)
{
	const char *open, *close, *field;
	unsigned long long pid, ppid;
	size_t comm_len;

	open = number_field(text, INT_MAX, &pid);
	close = strrchr(text, ')');
	if (!open || open[1] != '(' || !close || close < open + 2)
		return -EPROTO;
	open += 2;
	comm_len = (size_t)(close - open);
	if (comm_len > PROC_STAT_COMM_MAX)
		return -EPROTO;
	/* ") S PPID ": the state is one character. */
	if (close[1] != ' ' || !close[2] || close[3] != ' ')
		return -EPROTO;
	field = number_field(close + 4, INT_MAX, &ppid);
	if (!field)
		return -EPROTO;
	/* Field 4 ends at the space before field 5: field 22 is 17 more spaces on. */
	for (int spaces = 0; spaces < 17; spaces++) {
		field = strchr(field + 1, ' ');
		if (!field)
			return -EPROTO;
	}
	if (!number_field(field + 1, ULLONG_MAX, &ps->start))
		return -EPROTO;
	memcpy(ps->comm, open, comm_len);
	ps->comm[comm_len] = '\0';
	ps->state = close[2];
	ps->ppid = (pid_t)ppid;
	return 0;
}

ssize_t proc_read(pid_t pid, const char *file, char *buf, size_t size)
{
	char path[64];
	ssize_t got;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = read(fd, buf, size - 1);
	close(fd);
	if (got <= 0)
		return -ESRCH;
	buf[got] = '\0';
	return got;
}

int proc_stat_read(pid_t pid, struct proc_stat *ps)
{
	char text[STAT_READ_MAX];
	ssize_t got;

	text[0] = '\0';	/* never parsed uninitialized, even were -errno ever 0 */
	got = proc_read(pid, "stat", text, sizeof(text));
	return got < 0 ? (int)got : proc_stat_parse(text, ps);
}
