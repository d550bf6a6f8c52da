/* procstat.h - one process's /proc/PID/stat, read and parsed in one place. */
#ifndef NETJAIL_PROCSTAT_H
#define NETJAIL_PROCSTAT_H

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

/* Parse @text, the start of a /proc/PID/stat (at least up to field 23).  0 or -EPROTO. */
int proc_stat_parse(const char *text, struct proc_stat *ps);

/* Read /proc/@pid/stat with the caller's rights and parse it.  0, or -errno of the open
 * (-ENOENT: no such process), -ESRCH if nothing could be read (it exited), -EPROTO. */
int proc_stat_read(pid_t pid, struct proc_stat *ps);

#endif
