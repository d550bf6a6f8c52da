/* procstat.h - what /proc/PID says of a process: a small file of it read, its stat parsed. */
#ifndef NETJAIL_PROCSTAT_H
#define NETJAIL_PROCSTAT_H

#include <stddef.h>
#include <sys/types.h>

/* The longest name /proc/PID/stat shows: 15 bytes for a process (TASK_COMM_LEN - 1), more
 * for a kernel thread, at most 63 (proc_task_name's buffer). */
#define PROC_STAT_COMM_MAX 63

/* The fields of "PID (COMM) STATE PPID ... STARTTIME ..." (proc_pid_stat(5)) that netjail
 * reads. */
struct proc_stat {
	char comm[PROC_STAT_COMM_MAX + 1];	/* field 2, without its parentheses */
	char state;				/* field 3: R, S, T (stopped), t (traced), Z ... */
	pid_t ppid;				/* field 4; 0 for init and kernel threads */
	unsigned long long start;		/* field 22: clock ticks after boot */
};

/* Read /proc/@pid/@file (one read, as "stat", "status" or "comm" are read whole) into @buf,
 * NUL-terminated, with the caller's rights.  The bytes read (> 0), or -errno of the open
 * (-ENOENT: no such process), or -ESRCH if nothing could be read (it exited). */
ssize_t proc_read(pid_t pid, const char *file, char *buf, size_t size);

/* Parse @text, the start of a /proc/PID/stat (at least up to field 23).  0 or -EPROTO. */
int proc_stat_parse(const char *text, struct proc_stat *ps);

/* Read /proc/@pid/stat (proc_read) and parse it.  0, proc_read's -errno, or -EPROTO. */
int proc_stat_read(pid_t pid, struct proc_stat *ps);

#endif
